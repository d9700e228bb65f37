"""The article's 和泰社区 pilot as demo data: one 便民服务站 with its providers (针灸按摩馆, 理发店
with free home haircuts for the 80-and-over and the disabled, 家政公司, 房屋中介, the 驻村工作队's
小杂粮 from 新菜区), priced items and weekly hours, products, job postings for the LED screen,
job seekers and bookings. Idempotent: nothing is added when the station exists.

Stations, providers, items, hours, products and postings are plain records (created as the
staff pages would); bookings, reservations, special groups and seekers go through the actions.
"""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from communities.models import Community, SpecialGroup
from services.models import (
    JobPosting,
    Product,
    ServiceItem,
    ServiceProvider,
    ServiceStation,
    WorkingHours,
)

User = get_user_model()
Category = ServiceProvider.Category
ELDERLY_80, DISABLED = SpecialGroup.Group.ELDERLY_80, SpecialGroup.Group.DISABLED

WEEKDAYS = range(0, 6)  # Monday to Saturday
# name, category, contact, phone, description, hours [(from, until)], items
PROVIDERS = [
    (
        "针灸按摩馆",
        Category.MASSAGE,
        "吴师傅",
        "13900000101",
        "按摩、理疗、刮痧拔罐，普及健康生活小妙招。",
        [(time(9), time(12)), (time(14), time(17))],
        [
            ("推拿按摩（30分钟）", "45.00", "35.00", [ELDERLY_80, DISABLED], 30, 2, False),
            ("刮痧拔罐", "38.00", None, [], 30, 1, False),
        ],
    ),
    (
        "理发店",
        Category.BARBER,
        "李师傅",
        "13900000102",
        "理发、剪发；为行动不便的老年人、残疾人等特殊群体上门义剪。",
        [(time(8, 30), time(11, 30)), (time(14), time(17))],
        [
            ("理发", "15.00", "10.00", ["elderly_60"], 30, 2, False),
            ("上门义剪", "20.00", "0.00", [ELDERLY_80, DISABLED], 60, 1, True),
        ],
    ),
    (
        "家政公司",
        Category.HOUSEKEEPING,
        "周经理",
        "13900000103",
        "日常保洁、擦玻璃、油烟机清洗，可上门服务。",
        [(time(9), time(17))],
        [("日常保洁（2小时）", "80.00", "60.00", [ELDERLY_80, DISABLED], 120, 1, True)],
    ),
    (
        "房屋中介公司",
        Category.HOUSING_AGENCY,
        "郑经理",
        "13900000104",
        "房屋租售咨询，居民免费咨询。",
        [(time(9), time(12))],
        [("租房咨询", "0.00", None, [], 30, 2, False)],
    ),
    (
        "驻村工作队",
        Category.FARM_PRODUCE,
        "老陈",
        "13900000105",
        "把新菜区纯天然无公害的优质小杂粮从田间地头带进城市百姓家。",
        [],
        [],
    ),
]
# name, village, unit, price, stock
PRODUCTS = [
    ("小米", "新菜区", "斤", "6.50", 120),
    ("黄小米（礼盒装）", "新菜区", "盒", "48.00", 20),
    ("红芸豆", "新菜区", "斤", "8.00", 60),
    ("土鸡蛋", "新菜区", "盒", "35.00", 3),
]
# employer, title, pay from, to, per, place, requirements, contact, phone, days open
POSTINGS = [
    (
        "和泰物业服务中心",
        "小区保洁员",
        "2200",
        "2600",
        "month",
        "和泰小区",
        "身体健康，能吃苦耐劳，55岁以下",
        "物业张经理",
        "0352-5123401",
        30,
    ),
    (
        "迎宾超市",
        "理货员",
        "2800",
        "3300",
        "month",
        "迎宾街迎宾超市",
        "会使用智能手机，能倒班",
        "王店长",
        "0352-5123402",
        20,
    ),
    (
        "平城区家政服务中心",
        "育儿嫂",
        "4500",
        "6500",
        "month",
        "平城区",
        "有育儿经验，持健康证优先",
        "刘老师",
        "0352-5123403",
        45,
    ),
    (
        "社区食堂",
        "帮厨",
        "120",
        "150",
        "day",
        "和泰社区老年食堂",
        "上午10点到下午2点，会切配",
        "食堂赵师傅",
        "0352-5123404",
        14,
    ),
    (
        "快递驿站",
        "分拣员（临时）",
        "18",
        "22",
        "hour",
        "和泰小区快递驿站",
        "周末两天，能搬重物",
        "驿站小马",
        "0352-5123405",
        7,
    ),
]


def seed_station() -> None:
    community = Community.objects.filter(name="和泰社区").first()
    if community is None or ServiceStation.objects.filter(community=community).exists():
        return
    staff = User.objects.get(username="hetai_staff")
    station = ServiceStation.objects.create(
        community=community,
        name="和泰社区便民服务站",
        address="平城区迎宾街道和泰社区居委会一楼",
        opening_hours="周一至周六 8:30–17:30",
        contact_phone="0352-5123400",
        description="以一老一小为重点的“一站式”便民服务：按摩理疗、理发和上门义剪、家政、"
        "房屋租售咨询、新菜区小杂粮，市场大厅LED屏滚动播放招聘信息。",
    )
    for name, category, contact, phone, about, hours, items in PROVIDERS:
        provider = ServiceProvider.objects.create(
            station=station,
            name=name,
            category=category,
            contact_name=contact,
            contact_phone=phone,
            description=about,
        )
        for weekday in WEEKDAYS:
            for opens, closes in hours:
                WorkingHours.objects.create(
                    provider=provider, weekday=weekday, opens=opens, closes=closes
                )
        for item_name, price, special, groups, minutes, capacity, home in items:
            ServiceItem.objects.create(
                provider=provider,
                name=item_name,
                price=Decimal(price),
                special_price=Decimal(special) if special is not None else None,
                special_groups=groups,
                duration_minutes=minutes,
                slot_capacity=capacity,
                home_visit=home,
                home_visit_only_for_special_groups=home,
            )
        if category == Category.FARM_PRODUCE:
            for product, village, unit, price, stock in PRODUCTS:
                Product.objects.create(
                    provider=provider,
                    name=product,
                    origin_village=village,
                    unit=unit,
                    price=Decimal(price),
                    stock=stock,
                    pickup_time="每周六 9:00–11:00 在服务站领取",
                )
    today = timezone.localdate()
    for employer, title, low, high, per, place, needs, contact, phone, days in POSTINGS:
        JobPosting.objects.create(
            station=station,
            employer=employer,
            title=title,
            pay_min=Decimal(low),
            pay_max=Decimal(high),
            pay_unit=per,
            place=place,
            requirements=needs,
            contact_name=contact,
            contact_phone=phone,
            expires_on=today + timedelta(days=days),
            created_by=staff,
        )


def seed_station_activity() -> None:
    """People using the station: 陈建国 (80+, verified) has the free home haircut booked at the
    desk and a massage booked online; reservations of 小米; job seekers, one referred."""
    from activities.actions import resident_find_or_create_at_desk
    from communities.actions import special_group_add
    from communities.permissions import scope_for
    from services.actions import bookings, jobs, produce
    from services.models import Booking, JobSeeker
    from services.slots import slots_for

    station = ServiceStation.objects.filter(name="和泰社区便民服务站").first()
    if station is None or Booking.objects.filter(item__provider__station=station).exists():
        return
    staff = User.objects.get(username="hetai_staff")
    elder = User.objects.filter(username="13800000002").first()
    if elder is None:
        return
    special_group_add(resident=elder, group=ELDERLY_80, proof_seen="身份证", by=staff)
    neighbour = resident_find_or_create_at_desk(
        name="张桂兰",
        phone="13800000031",
        community=station.community,
        scope=scope_for(staff),
        by=staff,
    )
    special_group_add(resident=neighbour, group=DISABLED, proof_seen="残疾人证", by=staff)

    def next_slot(item, skip_days=1):
        day = timezone.localdate() + timedelta(days=skip_days)
        for offset in range(14):
            free = [s for s in slots_for(item, day + timedelta(days=offset)) if s.places_left]
            if free:
                return free[0].starts_at
        return None

    haircut = ServiceItem.objects.get(provider__station=station, name="上门义剪")
    massage = ServiceItem.objects.get(provider__station=station, name="推拿按摩（30分钟）")
    at = next_slot(haircut)
    if at is not None:
        booked = bookings.booking_create(
            item=haircut,
            resident=elder,
            starts_at=at,
            home_visit=True,
            address="和泰小区3号楼2单元101",
            by=staff,
        )
        bookings.booking_confirm(booking=booked, by=staff)
    at = next_slot(haircut, skip_days=2)
    if at is not None:
        bookings.booking_create(
            item=haircut,
            resident=neighbour,
            starts_at=at,
            home_visit=True,
            address="和泰小区5号楼1单元302",
            by=staff,
        )
    at = next_slot(massage)
    if at is not None:
        bookings.booking_create(item=massage, resident=elder, starts_at=at, by=elder)

    millet = Product.objects.get(provider__station=station, name="小米")
    produce.reservation_create(product=millet, resident=elder, quantity=5)
    produce.reservation_create(product=millet, resident=neighbour, quantity=3)

    seekers = [
        ("王秀英", "13800000041", JobSeeker.AgeBand.FROM_45, "保洁、做饭", "保洁员或帮厨", True),
        ("刘强", "13800000042", JobSeeker.AgeBand.FROM_30, "开车、搬运", "快递分拣、司机", True),
        ("赵红梅", "13800000043", JobSeeker.AgeBand.FROM_45, "带孩子", "育儿嫂", False),
    ]
    registered = [
        jobs.seeker_register(
            station=station,
            name=name,
            phone=phone,
            age_band=band,
            skills=skills,
            wished_work=wish,
            availability="工作日白天",
            share_consent=consent,
            by=staff,
        )
        for name, phone, band, skills, wish, consent in seekers
    ]
    cleaner = JobPosting.objects.get(station=station, title="小区保洁员")
    jobs.referral_create(seeker=registered[0], posting=cleaner, by=staff)


def seed_services() -> None:
    seed_station()
    seed_station_activity()
