"""Demo data for what the article's activities keep: 恒大社区's adopted trees and their care,
北辰社区's reading club and its books, 向西街社区's drill with 平城区41小, and 水泊寺街道's three
training programmes. Built through the parts' actions; idempotent (skipped when present).

Care logs and adoptions are dated back after they are written, as if families had logged them
over the past weeks, so the timeline and the "needs care" reminder have something to show.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from activities.actions import resident_find_or_create_at_desk
from activities.models import (
    Activity,
    CareLog,
    DrillReport,
    ReadingClub,
    TrainingAttendance,
    TrainingProgramme,
    Tree,
)
from activities.parts.clubs import actions as club_actions
from activities.parts.drills import actions as drill_actions
from activities.parts.training import actions as training_actions
from activities.parts.trees import actions as tree_actions
from communities.models import (
    Community,
    OutsideUnit,
    SocialOrganisation,
    SocialWorker,
    StaffAssignment,
    Street,
)
from communities.permissions import scope_for

User = get_user_model()

# name, species, spot, adopter (phone, name) or None, name on the tag, days since last care
TREES = [
    ("同心树 1号", "国槐", "3号楼东侧草坪", ("13800000001", "刘芳"), "乐乐", 2),
    ("同心树 2号", "海棠", "3号楼东侧草坪", ("13800000011", "王建华"), "王子涵", 5),
    ("同心树 3号", "丁香", "5号楼南侧花坛", ("13800000012", "孙丽"), "孙一诺", 9),
    ("同心树 4号", "油松", "小区中心广场", ("13800000013", "杨帆"), "", 20),
    ("同心树 5号", "榆叶梅", "小区中心广场", ("13800000014", "赵明"), "赵小雨", None),
    ("同心树 6号", "樟子松", "北门绿化带", None, "", None),
]
CARE_NOTES = {
    CareLog.Kind.WATER: "浇了一桶水，叶子很精神。",
    CareLog.Kind.FERTILISE: "和孩子一起施了有机肥。",
    CareLog.Kind.PRUNE: "剪掉了两根枯枝。",
    CareLog.Kind.VISIT: "放学后来看看小树，长出新芽了。",
}

CLUB_MEMBERS = [
    ("13800000021", "马秀兰"),
    ("13800000022", "何志强"),
    ("13800000023", "邓慧"),
    ("13800000024", "石磊"),
]
# title, author, member index, why
BOOKS = [
    ("平凡的世界", "路遥", 0, "孙少平不向命运低头，年轻人应该读一读。"),
    ("《平凡的世界》", "路遥", 1, "写的就是我们山西、陕西的普通人。"),
    ("平凡的世界", "路遥", 3, "读了三遍，每次都有新感受。"),
    ("活着", "余华", 2, "福贵的一生让人懂得珍惜。"),
    ("《活着》", "余华", 3, "篇幅不长，适合老年朋友。"),
    ("红楼梦", "曹雪芹", 0, "经典片段朗诵后，大家都想重读。"),
    ("朝花夕拾", "鲁迅", 1, "适合和孩子一起读。"),
    ("围城", "钱锺书", 2, "幽默里有大道理。"),
]


def _staff(username: str):
    return User.objects.get(username=username)


def _resident(phone: str, name: str, community: Community, staff):
    return resident_find_or_create_at_desk(
        name=name, phone=phone, community=community, scope=scope_for(staff), by=staff
    )


def seed_trees() -> None:
    community = Community.objects.filter(name="恒大社区").first()
    activity = Activity.objects.filter(title="绿植领养 共创和谐家园").first()
    if community is None or activity is None or Tree.objects.filter(community=community).exists():
        return
    staff = _staff("hengda_staff")
    compound = community.compounds.first()
    now = timezone.now()
    for index, (name, species, spot, adopter, tag_name, cared_days_ago) in enumerate(TREES):
        tree = tree_actions.tree_create(
            by=staff,
            scope=scope_for(staff),
            community=community,
            compound=compound,
            planting_activity=activity,
            name=name,
            species=species,
            spot=spot,
            planted_on=timezone.localdate(activity.starts_at),
            care_every_days=7,
        )
        if adopter is None:
            continue
        family = _resident(*adopter, community, staff)
        tree_actions.tree_adopt(tree=tree, adopter=family, tag_name=tag_name, by=staff)
        if cared_days_ago is None:
            continue  # adopted, never cared for: shows "needs care"
        kinds = list(CARE_NOTES)
        for step, days_ago in enumerate((cared_days_ago + 6, cared_days_ago + 3, cared_days_ago)):
            kind = kinds[(index + step) % len(kinds)]
            log = tree_actions.care_log_add(tree=tree, by=family, kind=kind, note=CARE_NOTES[kind])
            CareLog.objects.filter(pk=log.pk).update(logged_at=now - timedelta(days=days_ago))
        last = now - timedelta(days=cared_days_ago)
        Tree.objects.filter(pk=tree.pk).update(
            last_cared_at=last, care_due_at=last + timedelta(days=tree.care_every_days)
        )


def seed_club() -> None:
    community = Community.objects.filter(name="北辰社区").first()
    activity = Activity.objects.filter(title="“全民阅读你我同行”主题读书会").first()
    if community is None or activity is None:
        return
    if ReadingClub.objects.filter(community=community).exists():
        return
    staff = _staff("beichen_staff")
    club = club_actions.club_create(
        community=community,
        name="北辰社区读书会",
        description="“全民阅读你我同行”：多读书、读好书，分享读书故事，交流阅读的经验与收获。",
        meets="每月第二个周六下午",
        by=staff,
    )
    members = [
        club_actions.club_member_add(
            club=club, resident=_resident(phone, name, community, staff), by=staff
        )
        for phone, name in CLUB_MEMBERS
    ]
    session = club_actions.club_session_attach(
        activity=activity, club=club, theme="经典图书分享会", by=staff
    )
    for title, author, member, why in BOOKS:
        club_actions.book_share_add(
            session=session,
            title=title,
            author=author,
            recommended_by=members[member],
            reason=why,
            by=staff,
        )
    upcoming = Activity.objects.filter(title="“全民阅读你我同行”读书会 · 十二月").first()
    if upcoming is not None:
        club_actions.club_session_attach(
            activity=upcoming, club=club, theme="我最喜欢的一本书", by=staff
        )


def seed_drill() -> None:
    activity = Activity.objects.filter(title="消防疏散演练", community__name="向西街社区").first()
    if activity is None or DrillReport.objects.filter(activity=activity).exists():
        return
    staff = User.objects.filter(is_superuser=True).first() or activity.created_by
    today = timezone.localdate()
    drill_actions.drill_report_save(
        activity=activity,
        by=staff,
        partner_unit=OutsideUnit.objects.filter(name="平城区41小").first(),
        evacuation_seconds=155,
        findings="全校师生2分35秒撤离到操场，比上学期快了40秒。三楼西侧楼梯口一度拥堵；"
        "个别低年级学生没有捂住口鼻。",
        groups=[
            {"name": "学生", "people": 380},
            {"name": "教师", "people": 32},
            {"name": "社区工作人员", "people": 8},
        ],
        actions=[
            {
                "pk": None,
                "action": "三楼西侧楼梯口增设疏散指示标识",
                "owner": "平城区41小后勤处",
                "due_on": today + timedelta(days=10),
                "done": False,
            },
            {
                "pk": None,
                "action": "低年级开展一次捂口鼻、低姿撤离专项练习",
                "owner": "平城区41小德育处",
                "due_on": today - timedelta(days=1),
                "done": True,
            },
            {
                "pk": None,
                "action": "检查更换教学楼应急照明灯",
                "owner": "向西街社区网格员",
                "due_on": today + timedelta(days=20),
                "done": False,
            },
        ],
    )


PROGRAMMES = [
    (
        TrainingProgramme.Track.LEAD_GEESE,
        "头雁领航工程",
        "提升社区“两委”主干运用专业社会工作方法破解难题、拓宽发展思路的能力。",
        4,
    ),
    (
        TrainingProgramme.Track.SEEDLINGS,
        "岗位育苗工程",
        "新入职社区工作者和社工站社工的岗位能力培养。",
        6,
    ),
    (
        TrainingProgramme.Track.SKILLS_CONTEST,
        "技能比武工程",
        "以赛促学：政策问答、入户走访、矛盾调解三项业务技能比武。",
        3,
    ),
]


def seed_training() -> None:
    street = Street.objects.filter(name="水泊寺街道").first()
    if street is None or TrainingProgramme.objects.filter(street=street).exists():
        return
    staff = _staff("shuiposi_staff")
    year = timezone.localdate().year
    social_worker = SocialWorker.objects.filter(name="高慧").first()
    teachers = [
        training_actions.instructor_create(
            street=street, title="心理学老师", social_worker=social_worker, by=staff
        )
        if social_worker
        else training_actions.instructor_create(
            street=street, name="高慧", title="心理学老师", by=staff
        ),
        training_actions.instructor_create(
            street=street,
            name="周晓梅",
            title="专业社工老师",
            organisation="平城区和润社会工作服务中心",
            by=staff,
        ),
    ]
    programmes = {
        track: training_actions.programme_create(
            street=street,
            year=year,
            track=track,
            title=title,
            goal=goal,
            planned_sessions=planned,
            instructors=teachers,
            by=staff,
        )
        for track, title, goal, planned in PROGRAMMES
    }
    lead = programmes[TrainingProgramme.Track.LEAD_GEESE]
    trainees = _enrol_cadres_and_social_workers(lead, street, staff)
    organisation = SocialOrganisation.objects.filter(street=street).first()
    if organisation is not None:
        trainees.append(
            training_actions.trainee_create(
                programme=lead,
                category="organisation",
                name="社会组织代表 韩冰",
                organisation=organisation,
                by=staff,
            )
        )
    first = Activity.objects.filter(title="首期社区治理研学活动").first()
    if first is not None:
        session = training_actions.session_attach(
            activity=first,
            programme=lead,
            topic="社会工作基本知识与政策法规",
            instructors=teachers,
            by=staff,
        )
        marks = dict.fromkeys(trainees, TrainingAttendance.Status.PRESENT)
        if trainees:
            marks[trainees[-1]] = TrainingAttendance.Status.EXCUSED
        training_actions.attendance_record(session=session, marks=marks, by=staff)
    second = Activity.objects.filter(title="头雁领航工程 · 第二期研学").first()
    if second is not None:
        training_actions.session_attach(
            activity=second,
            programme=lead,
            topic="民主协商与小区治理",
            instructors=teachers[1:],
            by=staff,
        )
    _seed_contest(programmes[TrainingProgramme.Track.SKILLS_CONTEST], street, staff, teachers)


def _enrol_cadres_and_social_workers(programme, street, staff) -> list:
    """The street's community cadres (两委, from their staff posts) and its social workers
    (the instructor 高慧 aside) as trainees of ``programme``."""
    trainees = [
        training_actions.trainee_create(
            programme=programme,
            category="committee",
            staff_user=post.user,
            community=post.community,
            by=staff,
        )
        for post in StaffAssignment.objects.active()
        .filter(community__street=street)
        .select_related("user", "community")
    ]
    trainees += [
        training_actions.trainee_create(
            programme=programme, category="social_worker", social_worker=worker, by=staff
        )
        for worker in SocialWorker.objects.filter(street=street).exclude(name="高慧")
    ]
    return trainees


def _seed_contest(programme, street, staff, teachers) -> None:
    contest = Activity.objects.filter(title="技能比武工程 · 首轮业务技能比武").first()
    if contest is None:
        return
    contestants = _enrol_cadres_and_social_workers(programme, street, staff)
    session = training_actions.session_attach(
        activity=contest,
        programme=programme,
        topic="首轮：政策问答、入户走访、矛盾调解",
        instructors=teachers,
        by=staff,
    )
    scores = [Decimal("92.5"), Decimal("88.0"), Decimal("88.0"), Decimal("79.5")]
    training_actions.attendance_record(
        session=session,
        marks=dict.fromkeys(contestants, TrainingAttendance.Status.PRESENT),
        scores={t: scores[i % len(scores)] for i, t in enumerate(contestants)},
        by=staff,
    )


def seed_activity_parts() -> None:
    seed_trees()
    seed_club()
    seed_drill()
    seed_training()
