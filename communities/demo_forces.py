"""The article's five forces as demo data (idempotent): 平城区社创中心 and the organisations it
incubates, the 水泊寺街道 social work station and the study session's instructors, the outside
units that took part, and donated resources. Names other than the article's are invented.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from communities import actions
from communities.models import (
    CharitableResource,
    Community,
    OutsideUnit,
    SocialOrganisation,
    SocialWorker,
    Street,
)

User = get_user_model()
Category, State = SocialOrganisation.Category, SocialOrganisation.State

# name, category, street, community, state path (steps after moving in), months ago moved in
ORGANISATIONS = [
    (
        "平城区社创中心",
        Category.INCUBATOR,
        "水泊寺街道",
        None,
        [State.INCUBATING, State.FILED, State.REGISTERED],
        36,
    ),
    (
        "平城区和润社会工作服务中心",
        Category.SOCIAL_WORK_AGENCY,
        "水泊寺街道",
        None,
        [State.INCUBATING, State.FILED, State.REGISTERED, State.GRADUATED],
        24,
    ),
    (
        "恒大社区绿植守护队",
        Category.COMMUNITY_SERVICE,
        "水泊寺街道",
        "恒大社区",
        [State.INCUBATING],
        6,
    ),
    (
        "北辰书香读书会",
        Category.CULTURE_SPORT,
        "鹿苑街道",
        "北辰社区",
        [State.INCUBATING, State.FILED],
        12,
    ),
    ("和泰社区为老服务协会", Category.ELDERLY_CARE, "迎宾街道", "和泰社区", [], 2),
]

# name, phone, qualification, certificate (number, year), specialities, street, employer
SOCIAL_WORKERS = [
    (
        "周晓梅",
        "13600000011",
        "social_worker",
        ("SW2019140201", 2019),
        "社区治理、老年服务",
        "水泊寺街道",
        "平城区和润社会工作服务中心",
    ),
    (
        "孙磊",
        "13600000012",
        "assistant",
        ("ASW2021140233", 2021),
        "青少年、志愿者管理",
        "水泊寺街道",
        "平城区和润社会工作服务中心",
    ),
    (
        "高慧",
        "13600000013",
        "senior",
        ("SSW2017140007", 2017),
        "心理学、危机干预",
        "水泊寺街道",
        None,
    ),
]

# name, kind, street, community
OUTSIDE_UNITS = [
    ("平城区41小", OutsideUnit.Kind.SCHOOL, "永泰街道", "向西街社区"),
    ("恒大物业", OutsideUnit.Kind.PROPERTY_COMPANY, "水泊寺街道", "恒大社区"),
    ("驻村工作队", OutsideUnit.Kind.VILLAGE_TEAM, "迎宾街道", "和泰社区"),
    ("针灸按摩馆", OutsideUnit.Kind.ENTERPRISE, "迎宾街道", "和泰社区"),
    ("理发店", OutsideUnit.Kind.ENTERPRISE, "迎宾街道", "和泰社区"),
    ("家政公司", OutsideUnit.Kind.ENTERPRISE, "迎宾街道", "和泰社区"),
    ("房屋中介公司", OutsideUnit.Kind.ENTERPRISE, "迎宾街道", "和泰社区"),
]

# donor, donor kind, anonymous, kind, description, value, quantity, unit, street, community, days ago
RESOURCES = [
    (
        "恒大物业",
        "enterprise",
        False,
        "goods",
        "树苗",
        "3000.00",
        "50",
        "棵",
        "水泊寺街道",
        "恒大社区",
        20,
    ),
    (
        "居民刘先生",
        "individual",
        True,
        "goods",
        "经典图书",
        "4000.00",
        "200",
        "册",
        "鹿苑街道",
        "北辰社区",
        15,
    ),
    (
        "平城区社创中心",
        "foundation",
        False,
        "funds",
        "社区治理研学基地运营资金",
        "10000.00",
        None,
        "",
        "水泊寺街道",
        None,
        40,
    ),
    (
        "驻村工作队",
        "government",
        False,
        "goods",
        "新荣区小杂粮",
        "1500.00",
        "100",
        "袋",
        "迎宾街道",
        "和泰社区",
        10,
    ),
]


def _unit(street_name: str, community_name: str | None) -> dict:
    street = Street.objects.get(name=street_name)
    community = Community.objects.get(name=community_name) if community_name else None
    return {"street": street, "community": community}


def seed_forces() -> None:
    admin = User.objects.get(username="admin")
    today = timezone.localdate()
    for name, category, street, community, steps, months in ORGANISATIONS:
        if SocialOrganisation.objects.filter(name=name).exists():
            continue
        moved_in = today - timedelta(days=30 * months)
        organisation = actions.organisation_create(
            by=admin, on=moved_in, name=name, category=category, **_unit(street, community)
        )
        gap = max((today - moved_in).days // (len(steps) + 1), 1)
        for index, state in enumerate(steps, start=1):
            actions.organisation_transition(
                organisation=organisation,
                to_state=state,
                on=moved_in + timedelta(gap * index),
                by=admin,
            )
    incubator = SocialOrganisation.objects.get(name="平城区社创中心")
    SocialOrganisation.objects.exclude(pk=incubator.pk).filter(incubator=None).update(
        incubator=incubator
    )

    for name, phone, qualification, (
        number,
        year,
    ), specialities, street, employer in SOCIAL_WORKERS:
        if SocialWorker.objects.filter(name=name).exists():
            continue
        worker = SocialWorker(
            name=name,
            phone=phone,
            qualification=qualification,
            certificate_number=number,
            certificate_year=year,
            specialities=specialities,
            employer=SocialOrganisation.objects.filter(name=employer).first(),
            **_unit(street, None),
        )
        worker.full_clean()
        worker.save()
        first_of_month = today.replace(day=1)
        for months_back in range(3):
            month = (first_of_month - timedelta(days=28 * months_back)).replace(day=1)
            actions.work_record_save(
                worker=worker,
                month=month,
                cases=3 + months_back,
                groups=1 + months_back % 2,
                community_activities=4,
                notes="",
                by=admin,
            )

    for name, kind, street, community in OUTSIDE_UNITS:
        OutsideUnit.objects.get_or_create(
            name=name, defaults={"kind": kind, **_unit(street, community)}
        )

    for (
        donor,
        donor_kind,
        anonymous,
        kind,
        description,
        value,
        quantity,
        unit,
        street,
        community,
        days,
    ) in RESOURCES:
        if CharitableResource.objects.filter(donor_name=donor, description=description).exists():
            continue
        resource = CharitableResource(
            donor_name=donor,
            donor_kind=donor_kind,
            anonymous=anonymous,
            kind=kind,
            description=description,
            value=Decimal(value),
            quantity=Decimal(quantity) if quantity else None,
            unit=unit,
            received_on=today - timedelta(days=days),
            recorded_by=admin,
            **_unit(street, community),
        )
        resource.full_clean()
        resource.save()
