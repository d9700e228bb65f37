"""Demo volunteers from the article: 和信社区's team, who tidied the shared bikes and cleaned the
bus stops (“志愿服务暖人心，雷锋精神伴我行”), with verified hours across the star levels."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from activities.models import Activity
from communities.models import Community, ResidentProfile
from volunteers import actions
from volunteers.models import RoleSignup, ServiceRecord, Volunteer, VolunteerRole, VolunteerTeam

User = get_user_model()

TEAM = "和信社区志愿服务队"
PAST_ACTIVITY = "“志愿服务暖人心，雷锋精神伴我行”志愿服务"
UPCOMING_ACTIVITY = "学雷锋志愿服务：整理共享单车"

# (name, phone, skills, verified hours before the article's activity, past role)
VOLUNTEERS = [
    ("王建军", "13900000101", "组织协调、急救", Decimal("1524.00"), "摆放单车"),
    ("李秀兰", "13900000102", "理发、手工", Decimal("1010.00"), "擦拭站台"),
    ("张志强", "13900000103", "电器维修", Decimal("638.00"), "摆放单车"),
    ("赵红梅", "13900000104", "书法、宣传", Decimal("316.00"), "擦拭站台"),
    ("孙立新", "13900000105", "摄影", Decimal("124.00"), "摆放单车"),
    # The demo login: just under the first star.
    ("周明", "13800000003", "跑腿、搬运", Decimal("97.50"), "摆放单车"),
]
HISTORY = [
    ("楼道清扫与小广告清理", "和信小区各楼道"),
    ("文明交通劝导", "和信社区路口"),
    ("独居老人探访", "和信小区"),
    ("垃圾分类宣传", "和信社区广场"),
]


def _user(name: str, phone: str, community: Community):
    user = User.objects.filter(phone=phone).first()
    if user is None:
        user = User(username=phone, name=name, phone=phone)
        user.set_unusable_password()
        user.save()
        ResidentProfile.objects.create(user=user, community=community)
    return user


def _history(volunteer: Volunteer, total: Decimal, staff) -> None:
    """Past verified service adding up to ``total``: four-hour services, monthly back."""
    today = timezone.localdate()
    records, left, step = [], total, 0
    while left > 0:
        hours = min(Decimal("4.00"), left)
        title, place = HISTORY[step % len(HISTORY)]
        served_on = today - timedelta(days=14 + 6 * step)
        records.append(
            ServiceRecord(
                volunteer=volunteer,
                source=ServiceRecord.Source.BACKFILL,
                street_id=volunteer.community.street_id,
                community=volunteer.community,
                organiser="和信社区居委会",
                title=title,
                place=place,
                served_on=served_on,
                hours=hours,
                status=ServiceRecord.Status.VERIFIED,
                evaluation="表现优秀" if step % 5 == 0 else "",
                decided_by=staff,
                decided_at=timezone.now(),
                recorded_by=staff,
            )
        )
        left -= hours
        step += 1
    ServiceRecord.objects.bulk_create(records, batch_size=500)


def _past_roles(activity: Activity, volunteers: dict, staff) -> None:
    """The article's activity, held: roles taken, everyone checked in and out, verified."""
    roles = {
        "摆放单车": VolunteerRole.objects.create(
            activity=activity,
            name="摆放单车",
            slots=4,
            planned_hours=Decimal("2"),
            description="将乱停放、占道的共享单车摆放到规定位置，扶正倾倒的单车",
        ),
        "擦拭站台": VolunteerRole.objects.create(
            activity=activity,
            name="擦拭站台",
            slots=2,
            planned_hours=Decimal("2"),
            description="清理公交站台候车亭站牌及各角落",
        ),
    }
    for volunteer, role_name in volunteers.values():
        role = roles[role_name]
        signup = RoleSignup.objects.create(
            role=role,
            volunteer=volunteer,
            checked_in_at=activity.starts_at,
            checked_out_at=activity.ends_at,
        )
        role.taken += 1
        role.save(update_fields=["taken"])
        ServiceRecord.objects.create(
            volunteer=volunteer,
            source=ServiceRecord.Source.ATTENDANCE,
            role_signup=signup,
            activity=activity,
            street_id=activity.street_id,
            community_id=activity.community_id,
            organiser=activity.unit_name,
            title=f"{activity.title} · {role.name}",
            description=role.description,
            place=activity.venue,
            served_on=timezone.localtime(activity.starts_at).date(),
            started_at=activity.starts_at,
            ended_at=activity.ends_at,
            hours=Decimal("2.00"),
            status=ServiceRecord.Status.VERIFIED,
            evaluation="表现优秀",
            decided_by=staff,
            decided_at=timezone.now(),
            recorded_by=staff,
        )


def seed_volunteers() -> None:
    community = Community.objects.filter(name="和信社区").first()
    if community is None or VolunteerTeam.objects.filter(name=TEAM).exists():
        return
    staff = User.objects.filter(staff_assignments__community=community).first() or User.objects.get(
        username="admin"
    )
    team = VolunteerTeam.objects.create(
        name=TEAM,
        street=community.street,
        community=community,
        description="和信社区居民自发组成的志愿服务队，常年开展单车整理、站台清洁、文明劝导等服务。",
    )
    created = {}
    for index, (name, phone, skills, hours, role_name) in enumerate(VOLUNTEERS):
        user = _user(name, phone, community)
        volunteer = Volunteer.objects.create(
            user=user,
            community=community,
            team=team,
            leads_team=index == 0,
            skills=skills,
            availability=["weekends", "holidays"] if index % 2 else ["weekday_daytime"],
            status=Volunteer.Status.APPROVED,
            decided_by=staff,
            decided_at=timezone.now(),
            full_name_in_ranking=index < 2,
            honours="2025年度平城区优秀志愿者" if index == 0 else "",
        )
        _history(volunteer, hours, staff)
        created[name] = (volunteer, role_name)
    past = Activity.objects.filter(title=PAST_ACTIVITY, community=community).first()
    if past is not None:
        _past_roles(past, created, staff)
    upcoming = Activity.objects.filter(title=UPCOMING_ACTIVITY, community=community).first()
    if upcoming is not None:
        for role_name, slots, description in [
            ("摆放单车", 6, "把辖区内乱停放的共享单车摆放整齐"),
            ("擦拭单车", 4, "用抹布、清洁球擦拭单车，铲除小广告"),
            ("清理站台", 3, "清理公交站台候车亭"),
        ]:
            role = VolunteerRole.objects.create(
                activity=upcoming,
                name=role_name,
                slots=slots,
                planned_hours=Decimal("2"),
                description=description,
            )
            if role_name == "摆放单车":
                for name in ("周明", "孙立新"):
                    actions.role_signup_create(role=role, volunteer=created[name][0])
            if role_name == "擦拭单车":
                actions.role_signup_create(role=role, volunteer=created["赵红梅"][0])
    # 周明 asked for an evening's work to be recorded; it waits for 和信社区's staff.
    actions.backfill_request(
        volunteer=created["周明"][0],
        by=created["周明"][0].user,
        title="清理楼道小广告",
        description="和邻居一起清理了和信小区3号楼楼道里的小广告。",
        served_on=timezone.localdate() - timedelta(days=3),
        hours=Decimal("1.50"),
        place="和信小区3号楼",
        organiser="和信社区居委会",
    )
    # A new registration waiting for a decision.
    newcomer = _user("吴婷", "13900000107", community)
    actions.volunteer_apply(
        user=newcomer,
        community=community,
        team=team,
        skills="英语、辅导功课",
        availability=["weekends"],
    )
    actions.certificate_issue(volunteer=created["王建军"][0], by=staff)
