"""Load the demo data from the newspaper page (../shared/seed-article.txt). Safe to run again.

Places: 平城区 and the streets and communities the article names. The article does not say which
street 恒大社区 and 向西街社区 belong to: we place 恒大社区 under 水泊寺街道 (the lead story's
street, whose study base it follows on the page) and 向西街社区 under 永泰街道 (beside 友谊街社区).
Office addresses and hours, compounds other than 高寒所小区, and the demo people are invented.
"""

from django.contrib.auth import get_user_model

from communities import actions
from communities.models import (
    Community,
    Compound,
    District,
    ResidentProfile,
    StaffAssignment,
    Street,
)

User = get_user_model()

DEMO_PASSWORD = "Pingcheng#2026"
OFFICE_HOURS = "周一至周五 8:30–12:00，14:30–17:30"

STREETS = {
    "水泊寺街道": {
        "introduction": "街道启用社区治理研学基地，实施头雁领航、岗位育苗、技能比武三大工程，"
        "推动“五社联动”参与基层治理。",
        "office_address": "平城区水泊寺街道办事处",
        "communities": {
            "恒大社区": {"compounds": [("恒大华府小区", "恒大物业")]},
        },
    },
    "鹿苑街道": {
        "office_address": "平城区鹿苑街道办事处",
        "communities": {"北辰社区": {"compounds": [("北辰小区", "")]}},
    },
    "新旺街道": {
        "office_address": "平城区新旺街道办事处",
        "communities": {
            "和信社区": {"compounds": [("和信小区", "")]},
            "柳港园东院社区": {"compounds": [("柳港园东院", "")]},
        },
    },
    "永泰街道": {
        "office_address": "平城区永泰街道办事处",
        "communities": {
            "友谊街社区": {"compounds": [("高寒所小区", "")]},
            "向西街社区": {"compounds": [("向西街小区", "")]},
        },
    },
    "迎宾街道": {
        "introduction": "以和泰社区为试点开办首家便民服务站，探索社区经济发展新模式。",
        "office_address": "平城区迎宾街道办事处",
        "communities": {"和泰社区": {"compounds": [("和泰小区", "")]}},
    },
}

# (username, name, street or community, role, title); a street post when the unit ends in 街道.
STAFF = [
    ("shuiposi_staff", "王丽", "水泊寺街道", StaffAssignment.Role.STAFF, "街道社工站站长"),
    ("hengda_staff", "李娜", "恒大社区", StaffAssignment.Role.LEADER, "社区党委书记"),
    ("beichen_staff", "张伟", "北辰社区", StaffAssignment.Role.LEADER, "社区主任"),
    ("hetai_staff", "赵敏", "和泰社区", StaffAssignment.Role.STAFF, "便民服务站负责人"),
    ("hexin_staff", "郭晓燕", "和信社区", StaffAssignment.Role.STAFF, "社区志愿服务站负责人"),
]
RESIDENTS = [
    ("13800000001", "刘芳", "恒大社区", "恒大华府小区"),
    ("13800000002", "陈建国", "和泰社区", "和泰小区"),
    ("13800000003", "周明", "和信社区", "和信小区"),
]


def seed_places() -> None:
    district, _ = District.objects.get_or_create(name="平城区")
    for street_name, street_data in STREETS.items():
        street, _ = Street.objects.update_or_create(
            district=district,
            name=street_name,
            defaults={
                "introduction": street_data.get("introduction", ""),
                "office_address": street_data["office_address"],
                "office_hours": OFFICE_HOURS,
            },
        )
        for community_name, community_data in street_data["communities"].items():
            community, _ = Community.objects.update_or_create(
                street=street,
                name=community_name,
                defaults={
                    "office_address": f"{street_name}{community_name}居委会",
                    "office_hours": OFFICE_HOURS,
                },
            )
            for compound_name, company in community_data["compounds"]:
                Compound.objects.update_or_create(
                    community=community,
                    name=compound_name,
                    defaults={"property_company": company},
                )


def seed_users() -> None:
    admin, created = User.objects.get_or_create(
        username="admin",
        defaults={"name": "系统管理员", "is_staff": True, "is_superuser": True},
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    for username, name, unit, role, title in STAFF:
        user, created = User.objects.get_or_create(username=username, defaults={"name": name})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if not StaffAssignment.objects.active().filter(user=user).exists():
            if unit.endswith("街道"):
                actions.staff_assign(
                    user=user, role=role, title=title, street=Street.objects.get(name=unit)
                )
            else:
                actions.staff_assign(
                    user=user,
                    role=role,
                    title=title,
                    community=Community.objects.get(name=unit),
                )
    for phone, name, community_name, compound_name in RESIDENTS:
        if ResidentProfile.objects.filter(user__phone=phone).exists():
            continue
        community = Community.objects.get(name=community_name)
        actions.resident_register(
            name=name,
            phone=phone,
            password=DEMO_PASSWORD,
            community=community,
            compound=community.compounds.get(name=compound_name),
        )


def demo_logins() -> list[tuple[str, str, str]]:
    """(role, login, password) for the run command to print."""
    return [
        ("administrator", "admin", DEMO_PASSWORD),
        ("street staff (水泊寺街道)", "shuiposi_staff", DEMO_PASSWORD),
        ("community staff (恒大社区)", "hengda_staff", DEMO_PASSWORD),
        ("community staff (北辰社区)", "beichen_staff", DEMO_PASSWORD),
        ("community staff (和信社区, volunteers)", "hexin_staff", DEMO_PASSWORD),
        ("community staff (和泰社区, service station)", "hetai_staff", DEMO_PASSWORD),
        ("resident (恒大社区)", RESIDENTS[0][0], DEMO_PASSWORD),
        ("resident aged 80+ (和泰社区, bookings)", RESIDENTS[1][0], DEMO_PASSWORD),
        ("resident and volunteer (和信社区)", RESIDENTS[2][0], DEMO_PASSWORD),
    ]
