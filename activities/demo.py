"""The article's activities as demo data: what the street's real month looks like.

Dates are relative to the day the seed first runs; running it again leaves existing activities
alone (found by title and organiser), so it is idempotent. The article gives reports and photo
credits; the photos themselves are drawn here (simple coloured pictures), then go through the
same verified upload pipeline as a staff member's photos.
"""

from __future__ import annotations

import io
import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from activities import actions
from activities.images import process_photo
from activities.models import Activity, ActivityPartner, Signup
from communities import actions as community_actions
from communities.models import (
    CharitableResource,
    Community,
    OutsideUnit,
    SocialOrganisation,
    SocialWorker,
    Street,
)

User = get_user_model()
Kind, Audience, Partner = Activity.Kind, Activity.Audience, ActivityPartner.Kind

PAST = [
    {
        "title": "首期社区治理研学活动",
        "kind": Kind.TRAINING,
        "street": "水泊寺街道",
        "venue": "水泊寺街道社区治理研学基地",
        "days": -6,
        "hours": (9, 11),
        "capacity": 40,
        "audience": Audience.CADRES,
        "description": "特邀专业社工老师和心理学老师现场辅导，面向街道各社区“两委”主干、社工站社工、"
        "志愿者代表和社会组织代表。",
        "report": "在新启用的社区治理研学基地，街道开展了首期社区治理研学活动。老师们向社区“领头雁”"
        "普及社会工作基本知识、政策法规、先进典型和有代表性的服务项目，帮助社区干部熟练使用"
        "专业社会工作方法、寻求破解难题策略、拓宽社区发展思路。\n"
        "街道各社区“两委”主干、街道社工站社工、志愿者代表、社会组织代表30余人参加了活动。",
        "attendance": 32,
        "partners": [
            (Partner.SOCIAL_ORGANISATION, "平城区社创中心", "研学基地共建"),
            (Partner.SOCIAL_WORKER, "街道社工站", "组织与辅导"),
            (Partner.SOCIAL_WORKER, "高慧", "心理学老师，现场辅导"),
        ],
        "photo": ("研学活动现场", "本报记者 尚丽 段雨萌", (70, 110, 160)),
    },
    {
        "title": "技能比武工程 · 首轮业务技能比武",
        "kind": Kind.TRAINING,
        "street": "水泊寺街道",
        "venue": "水泊寺街道社区治理研学基地",
        "days": -2,
        "hours": (14, 17),
        "capacity": 30,
        "audience": Audience.CADRES,
        "description": "社区工作者和社工站社工比一比政策问答、入户走访和矛盾调解的本领。",
        "report": "首轮比武设政策问答、入户走访情景模拟和矛盾调解三个环节，评委现场打分。",
        "attendance": 6,
        "partners": [(Partner.SOCIAL_WORKER, "街道社工站", "出题与评分")],
        "photo": ("比武现场", "水泊寺街道", (150, 90, 160)),
    },
    {
        "title": "绿植领养 共创和谐家园",
        "kind": Kind.TREE_ADOPTION,
        "community": "恒大社区",
        "venue": "恒大华府小区指定栽种区域",
        "days": -10,
        "hours": (9, 11),
        "capacity": 40,
        "audience": Audience.FAMILIES,
        "description": "植树节绿植领养：了解植树节的来历和树木的作用，亲手种下树苗，认领并挂上姓名牌。",
        "report": "工作人员向大家普及了植树节的来历以及树木对生活的重要性。社区的小朋友和家长手拿工具、"
        "挽起衣袖，有序进入指定栽种区域，挥锹铲土、挖坑植苗、铲土入坑、灌溉浇水，精心栽下一棵棵"
        "树苗。小朋友们纷纷认领幼苗并挂上姓名牌，认养家庭可随时探望认养的树木，浇水、施肥，看它"
        "茁壮成长。",
        "attendance": 36,
        "partners": [
            (Partner.PROPERTY_COMPANY, "恒大物业", "联合主办，提供树苗和工具"),
            (Partner.SOCIAL_ORGANISATION, "恒大社区绿植守护队", "组织认养家庭"),
            (Partner.VOLUNTEERS, "恒大社区志愿者", "协助栽种和浇水"),
        ],
        "details": {"families": 6},
        "photo": ("小朋友认领幼苗并挂上姓名牌", "本报记者 尚丽", (60, 140, 70)),
    },
    {
        "title": "“全民阅读你我同行”主题读书会",
        "kind": Kind.READING_CLUB,
        "community": "北辰社区",
        "venue": "北辰社区活动室",
        "days": -4,
        "hours": (15, 17),
        "capacity": 30,
        "audience": Audience.EVERYONE,
        "description": "经典图书分享会：朗诵经典片段，分享读书故事，推荐喜欢的书。",
        "report": "北辰社区负责人介绍了举办读书活动的意义，鼓励大家多读书、读好书。在经典图书分享会"
        "环节，社区工作人员朗诵了经典片段，居民们分享自身的读书故事，推荐各自喜欢的经典书籍，"
        "交流阅读的经验与收获，也增进了邻里间的友谊。",
        "attendance": 24,
        "partners": [(Partner.SOCIAL_ORGANISATION, "北辰书香读书会", "主持经典图书分享")],
        "photo": ("居民分享读书故事", "本报记者 郑林", (150, 100, 60)),
    },
    {
        "title": "“志愿服务暖人心，雷锋精神伴我行”志愿服务",
        "kind": Kind.VOLUNTEER_SERVICE,
        "community": "和信社区",
        "venue": "辖区道路及公交站台",
        "days": -5,
        "hours": (9, 11),
        "capacity": 20,
        "audience": Audience.VOLUNTEERS,
        "description": "摆放共享单车、擦拭公交站台，倡导文明骑行、文明停放。",
        "report": "社区工作人员将辖区内乱停放、占道的单车摆放到规定位置，扶正倾倒的单车，用抹布、"
        "清洁球擦拭干净，用小铲子清理小广告留下的顽固污渍；同时宣传文明骑行、文明停放，并清理了"
        "公交站台候车亭站牌及各角落，给市民营造了整洁的候车环境。",
        "attendance": 15,
        "partners": [(Partner.VOLUNTEERS, "和信社区志愿服务队", "单车整理与站台清洁")],
        "details": {"service_done": "摆放共享单车、擦拭公交站台", "items_handled": 86},
        "photo": ("志愿者擦拭公交站台", "本报记者 郑林", (200, 70, 60)),
    },
    {
        "title": "消防疏散演练",
        "kind": Kind.FIRE_DRILL,
        "community": "向西街社区",
        "venue": "平城区41小",
        "days": -5,
        "hours": (10, 11),
        "capacity": None,
        "audience": Audience.FAMILIES,
        "description": "社区联合驻街单位平城区41小开展消防疏散演练，提高学生遇到突发事件的应变能力。",
        "report": "向西街社区联合驻街单位平城区41小开展消防疏散演练。警报响起后，孩子们捂住口鼻、"
        "弯腰低姿，沿疏散路线有序撤离到操场，提高了遇到突发事件的应变能力。",
        "attendance": 420,
        "partners": [(Partner.RESIDENT_UNIT, "平城区41小", "驻街单位，组织全校师生参加")],
        "photo": ("孩子们捂住口鼻有序撤离", "本报记者 杨翠叶", (220, 120, 40)),
    },
    {
        "title": "爱水节水宣传",
        "kind": Kind.PUBLICITY,
        "community": "柳港园东院社区",
        "venue": "柳港园东院小区",
        "days": -5,
        "hours": (9, 11),
        "capacity": None,
        "audience": Audience.EVERYONE,
        "description": "在小区里开展爱水节水宣传，倡导节约用水。",
        "report": "柳港园东院社区在小区里开展爱水节水宣传，倡导居民在生活中提高节水意识，树立正确"
        "节水观念，养成节约用水的习惯，共同保护水资源。",
        "attendance": 60,
        "partners": [],
        "details": {
            "theme": "爱水节水",
            "materials": "节水宣传册、节水小贴士",
            "materials_count": 150,
            "people_reached": 60,
        },
        "photo": ("向居民宣传节约用水", "本报记者 杨翠叶", (40, 120, 200)),
    },
    {
        "title": "健身场地清理",
        "kind": Kind.CLEANUP,
        "community": "友谊街社区",
        "venue": "高寒所小区健身场地",
        "days": -3,
        "hours": (8, 10),
        "capacity": 15,
        "audience": Audience.VOLUNTEERS,
        "description": "清理小区健身场地的垃圾和废品旧物，清洗健身器材。",
        "report": "友谊街社区工作人员对高寒所小区内健身场地、场所垃圾和废品旧物等进行清理，并将健身"
        "器材清洗干净，让居民使用更放心。",
        "attendance": 8,
        "partners": [],
        "details": {
            "what_cleaned": "高寒所小区健身场地的垃圾和废品旧物，健身器材清洗",
            "area_m2": 400,
            "rubbish_bags": 12,
        },
        "photo": ("清洗健身器材", "本报记者 段雨萌", (90, 160, 120)),
    },
    {
        "title": "便民服务站开站体验日",
        "kind": Kind.CONVENIENCE_SERVICE,
        "community": "和泰社区",
        "venue": "和泰社区便民服务站",
        "days": -7,
        "hours": (9, 16),
        "capacity": None,
        "audience": Audience.ELDERLY,
        "description": "首家便民服务站开站：按摩理疗、理发、家政、房屋中介、农产品和招聘信息，一站式"
        "服务家门口。",
        "report": "迎宾街道以和泰社区为试点开办首家便民服务站。针灸按摩馆的按摩师和理疗师为居民按摩、"
        "刮痧拔罐；理发师热情接待每一位居民，并为行动不便的老年人、残疾人上门义剪；驻村工作队"
        "代表老陈带来新荣区优质小杂粮；LED屏滚动播放招聘信息，社区工作人员为求职者登记信息、"
        "帮助寻找合适岗位。居民们表示，生活中常见的问题基本都能“一站式”解决。",
        "attendance": 150,
        "partners": [
            (Partner.OTHER, "驻村工作队", "带来农产品"),
            (Partner.OTHER, "针灸按摩馆", "按摩理疗"),
            (Partner.OTHER, "理发店", "理发，上门义剪"),
            (Partner.OTHER, "家政公司", "家政服务"),
            (Partner.OTHER, "房屋中介公司", "房屋租售咨询"),
        ],
        "photo": ("理发师为居民理发", "本报记者 段雨萌 代璐", (170, 80, 150)),
    },
]

UPCOMING = [
    {
        "title": "春季绿植领养（第二期）",
        "kind": Kind.TREE_ADOPTION,
        "community": "恒大社区",
        "venue": "恒大华府小区东侧绿地",
        "days": 6,
        "hours": (9, 11),
        "capacity": 30,
        "audience": Audience.FAMILIES,
        "description": "和孩子一起种下一棵树，认领它、挂上姓名牌，以后随时来浇水、施肥。工具和树苗由"
        "物业提供，请穿方便劳动的衣服。",
        "partners": [(Partner.PROPERTY_COMPANY, "恒大物业", "提供树苗和工具")],
    },
    {
        "title": "“全民阅读你我同行”读书会 · 十二月",
        "kind": Kind.READING_CLUB,
        "community": "北辰社区",
        "venue": "北辰社区活动室",
        "days": 8,
        "hours": (15, 17),
        "capacity": 20,
        "audience": Audience.EVERYONE,
        "description": "带上你最喜欢的一本书，和邻居们分享。",
        "partners": [],
    },
    {
        "title": "学雷锋志愿服务：整理共享单车",
        "kind": Kind.VOLUNTEER_SERVICE,
        "community": "和信社区",
        "venue": "和信社区居委会门口集合",
        "days": 3,
        "hours": (9, 11),
        "capacity": 15,
        "audience": Audience.VOLUNTEERS,
        "description": "摆放、擦拭共享单车，清理公交站台。工具由社区提供。",
        "partners": [],
    },
    {
        "title": "头雁领航工程 · 第二期研学",
        "kind": Kind.TRAINING,
        "street": "水泊寺街道",
        "venue": "水泊寺街道社区治理研学基地",
        "days": 10,
        "hours": (9, 12),
        "capacity": 35,
        "audience": Audience.CADRES,
        "description": "面向各社区“两委”主干的专题研学：小区治理与民主协商。",
        "partners": [(Partner.SOCIAL_ORGANISATION, "平城区社创中心", "课程支持")],
    },
    {
        "title": "便民服务进社区：老年人理发义剪",
        "kind": Kind.CONVENIENCE_SERVICE,
        "community": "和泰社区",
        "venue": "和泰社区便民服务站理发室",
        "days": 2,
        "hours": (9, 12),
        "capacity": 12,
        "audience": Audience.ELDERLY,
        "description": "为60岁以上老人免费理发；行动不便的老人可电话预约上门。",
        "partners": [(Partner.OTHER, "理发店", "义剪")],
    },
]


def _moment(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _organiser(spec: dict) -> dict:
    if "community" in spec:
        community = Community.objects.select_related("street").get(name=spec["community"])
        return {"community": community, "street": community.street}
    return {"community": None, "street": Street.objects.get(name=spec["street"])}


def _staff_for(unit: dict):
    lookup = (
        {"staff_assignments__community": unit["community"]}
        if unit["community"]
        else {"staff_assignments__street": unit["street"]}
    )
    return User.objects.filter(**lookup).first() or User.objects.get(username="admin")


def _picture(colour: tuple[int, int, int], seed: int) -> SimpleUploadedFile:
    """A simple drawn picture standing in for the newspaper's photo."""
    generator = random.Random(seed)
    image = Image.new("RGB", (1200, 800), colour)
    draw = ImageDraw.Draw(image)
    for _ in range(14):
        x, y = generator.randrange(1200), generator.randrange(800)
        radius = generator.randrange(40, 160)
        shade = tuple(min(255, c + generator.randrange(20, 90)) for c in colour)
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=shade)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile("demo.jpg", buffer.getvalue(), content_type="image/jpeg")


NAMED_WORKERS = {"高慧"}


def _add_partner(activity: Activity, staff, kind: str, name: str, role: str) -> None:
    """Link the registry entry of that name when there is one, else a named partner."""
    if name == "街道社工站":
        # The station's workers, except those the spec names with their own role.
        workers = SocialWorker.objects.filter(street=activity.street, community=None).exclude(
            name__in=NAMED_WORKERS
        )
        for worker in workers:
            actions.partner_add(activity=activity, by=staff, social_worker=worker, role=role)
        return
    registry = {
        "organisation": SocialOrganisation.objects.filter(name=name).first(),
        "social_worker": SocialWorker.objects.filter(name=name).first(),
        "outside_unit": OutsideUnit.objects.filter(name=name).first(),
    }
    found = {key: value for key, value in registry.items() if value is not None}
    if found:
        actions.partner_add(activity=activity, by=staff, role=role, **found)
    else:
        actions.partner_add(activity=activity, by=staff, kind=kind, name=name, role=role)


# (resource description, activity title, value, note)
ALLOCATIONS = [
    ("树苗", "绿植领养 共创和谐家园", "1800.00", "30棵树苗"),
    ("经典图书", "“全民阅读你我同行”主题读书会", "1200.00", "60册图书"),
    ("社区治理研学基地运营资金", "首期社区治理研学活动", "2500.00", "讲师费和资料"),
    ("新荣区小杂粮", "便民服务站开站体验日", "600.00", "赠送行动不便的老人"),
]


def _allocate() -> None:
    for description, title, value, note in ALLOCATIONS:
        activity = Activity.objects.filter(title=title).first()
        resource = CharitableResource.objects.filter(description=description).first()
        if not activity or not resource or resource.allocations.filter(activity=activity).exists():
            continue
        community_actions.resource_allocate(
            resource=resource,
            activity=activity,
            value=Decimal(value),
            note=note,
            by=activity.created_by,
        )


def _create(spec: dict, *, completed: bool) -> Activity | None:
    unit = _organiser(spec)
    if Activity.objects.filter(title=spec["title"], **unit).exists():
        return None
    staff = _staff_for(unit)
    start_hour, end_hour = spec["hours"]
    activity = actions.activity_create(
        by=staff,
        kind=spec["kind"],
        title=spec["title"],
        venue=spec["venue"],
        starts_at=_moment(spec["days"], start_hour),
        ends_at=_moment(spec["days"], end_hour),
        capacity=spec["capacity"],
        audience=spec["audience"],
        description=spec["description"],
        **unit,
    )
    for kind, name, role in spec["partners"]:
        _add_partner(activity, staff, kind, name, role)
    if completed:
        # Held in the past: set its state directly, as if it had been run through the portal.
        Activity.objects.filter(pk=activity.pk).update(
            status=Activity.Status.COMPLETED,
            report=spec["report"],
            attendance=spec["attendance"],
            report_details=spec.get("details", {}),
            reported_at=timezone.now(),
        )
        caption, credit, colour = spec["photo"]
        actions.photo_add(
            activity=activity,
            by=staff,
            processed=process_photo(_picture(colour, activity.pk)),
            caption=caption,
            credit=credit,
        )
    else:
        actions.activity_publish(activity=activity, by=staff)
    return activity


def seed_activities() -> None:
    for spec in PAST:
        _create(spec, completed=True)
    for spec in UPCOMING:
        _create(spec, completed=False)
    _allocate()
    # One demo resident already signed up, so 我的 is not empty on first login.
    haircut = Activity.objects.filter(title="便民服务进社区：老年人理发义剪").first()
    resident = User.objects.filter(username="13800000002").first()
    if haircut and resident and not Signup.objects.filter(activity=haircut).exists():
        actions.signup_create(activity=haircut, resident=resident, party_size=1)
