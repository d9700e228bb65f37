"""City-scale data for benchmarks, from one seed (``manage.py seed_scale``, docs/performance.md).

Each part of the data draws from its own ``random.Random`` derived from the seed (``places``,
``people``, ``activities``, ``signups``…): the same seed and sizes give the same names, titles
and counts, and the size of one part does not shift the draws of another. Dates are relative to
the day of the run: activities spread over the past three years and the next three months.

Rows are written in bulk with ids the generator assigns (the next free ids of each table, the
tables locked meanwhile): COPY on PostgreSQL, ``bulk_create`` elsewhere; never one save() per
row. Counters kept on rows are computed while generating, by the rules of the actions that keep
them: ``Activity.places_taken`` is the party sizes of the signups holding places,
``waitlist_count`` the waiting signups, a party that fits is confirmed and one that does not
waits; ``TimeSlot.taken`` counts the holding bookings; ``Tree.adopter`` is the current adoption;
a completed activity's ``attendance`` is the people checked in.
"""

from __future__ import annotations

import io
import json
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate, chain, islice

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import Max
from django.utils import timezone

from activities.models import Activity, ActivityPartner, CareLog, Signup, Tree, TreeAdoption
from activities.models.core import FORCE_FLAGS, PartnerCard
from communities.models import (
    CharitableResource,
    Community,
    Compound,
    Consent,
    District,
    ResidentProfile,
    ResourceAllocation,
    StaffAssignment,
    Street,
    User,
)
from governance_portal.dashboards import daily
from services.models import (
    Booking,
    JobPosting,
    JobSeeker,
    Referral,
    ServiceItem,
    ServiceProvider,
    ServiceStation,
    TimeSlot,
    WorkingHours,
)
from volunteers.models import ServiceRecord, Volunteer, VolunteerTeam

DEFAULT_SEED = 2026
DEFAULT_PASSWORD = "Pingcheng#2026"
DISTRICT_NAME = "规模测试区"
RUSH_TITLE = "抢报名测试活动"
RUSH_CAPACITY = 10
RUSH_RESIDENTS = 64
BENCH_STREET, BENCH_COMMUNITY, BENCH_RESIDENT = "bench_street", "bench_community", "bench_resident"

PAST_DAYS = 3 * 365
FUTURE_DAYS = 90
#: A third of the activities that ended this recently have no report yet (still published).
REPORT_GRACE = timedelta(days=14)
TREES_PER_COMMUNITY = 20
#: Signups of the pinned "detail" activity: at most 3 people each, so 40 places never fill.
DETAIL_SIGNUPS = 12
DETAIL_CAPACITY = 40


def street_name(index: int) -> str:
    """规模测试01街道…: the names that mark a database as holding scale data."""
    return f"规模测试{index + 1:02d}街道"


def scale_data_exists(using: str = DEFAULT_DB_ALIAS) -> bool:
    return Street.objects.using(using).filter(name=street_name(0)).exists()


# --- sizes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    """What to generate; everything else follows in proportion."""

    activities: int
    signups: int
    residents: int
    communities: int
    streets: int

    def check(self) -> None:
        """Raise ValueError when the sizes cannot make a consistent city."""
        if self.streets < 1:
            raise ValueError("At least one street is needed.")
        if self.communities < self.streets:
            raise ValueError("Every street needs a community: give at least as many communities.")
        if self.residents < self.communities:
            raise ValueError("Every community needs a resident: give at least as many residents.")
        if self.activities < 2:
            raise ValueError("At least two activities are needed (one is the signup-rush one).")
        if self.signups < 0:
            raise ValueError("The number of signups cannot be negative.")

    @property
    def volunteers(self) -> int:
        return max(1, self.residents * 5 // 100)

    @property
    def service_records(self) -> int:
        return self.activities * 2

    @property
    def bookings(self) -> int:
        return self.activities // 2

    @property
    def job_seekers(self) -> int:
        return max(1, self.residents // 100)

    @property
    def trees(self) -> int:
        return self.communities * TREES_PER_COMMUNITY


SIZES = {
    "S": Sizes(activities=1_000, signups=10_000, residents=5_000, communities=10, streets=2),
    "L": Sizes(
        activities=100_000, signups=1_000_000, residents=100_000, communities=150, streets=15
    ),
}


# --- word lists -------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾"
    "丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱"
)
GIVEN_NAMES = _words(
    "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 霞 "
    "平 刚 桂英 建华 玉兰 建国 红梅 志强 海燕 晓东 丽华 文博 子涵 雨桐 "
    "浩然 欣怡 宇轩 梓萱 俊杰 淑珍 国庆 春生 秋菊 永红 卫东 晓燕 志刚"
)
PLACE_WORDS = _words(
    "和平 幸福 阳光 建设 文化 新华 光明 东风 桃园 锦绣 长青 康乐 兴盛 "
    "金桥 丰泽 云冈 御河 文瀛 南关 北关 华林 振华 同泰 永和 富康 明珠 "
    "翠湖 安居 民主 友谊"
)
PLACE_ENDINGS = ("", "东", "西", "南", "北", "里", "苑", "园")
COMPOUND_ENDINGS = ("花园", "嘉园", "家园", "新村", "雅苑", "小区")
OFFICE_HOURS = "周一至周五 8:30–12:00，14:30–17:30"
VENUE_WORDS = ("居委会多功能厅", "党群服务中心", "文化活动室", "小区广场", "会议室", "健身广场")

Kind = Activity.Kind
KIND_WEIGHTS = {
    Kind.VOLUNTEER_SERVICE: 20,
    Kind.PUBLICITY: 14,
    Kind.CLEANUP: 14,
    Kind.CONVENIENCE_SERVICE: 10,
    Kind.OTHER: 10,
    Kind.READING_CLUB: 8,
    Kind.TRAINING: 8,
    Kind.TREE_ADOPTION: 8,
    Kind.FIRE_DRILL: 8,
}
KIND_LABELS = {
    Kind.TREE_ADOPTION: "绿植领养",
    Kind.READING_CLUB: "读书会",
    Kind.VOLUNTEER_SERVICE: "志愿服务",
    Kind.FIRE_DRILL: "消防演练",
    Kind.PUBLICITY: "宣传",
    Kind.CLEANUP: "环境清洁",
    Kind.TRAINING: "治理培训",
    Kind.CONVENIENCE_SERVICE: "便民服务",
    Kind.OTHER: "邻里活动",
}
KIND_TOPICS = {
    Kind.PUBLICITY: ("垃圾分类", "爱水节水", "防范电信诈骗", "健康知识", "文明城市"),
    Kind.VOLUNTEER_SERVICE: ("", "关爱老人", "文明交通"),
    Kind.CONVENIENCE_SERVICE: ("义诊", "义剪", "家电维修"),
}
AUDIENCE_WEIGHTS = {
    Activity.Audience.EVERYONE: 60,
    Activity.Audience.FAMILIES: 12,
    Activity.Audience.ELDERLY: 12,
    Activity.Audience.YOUTH: 6,
    Activity.Audience.VOLUNTEERS: 6,
    Activity.Audience.DISABLED: 2,
    Activity.Audience.CADRES: 2,
}
START_MINUTES = (9 * 60, 9 * 60 + 30, 10 * 60, 14 * 60, 14 * 60 + 30, 15 * 60, 19 * 60)
DURATION_MINUTES = (60, 90, 120, 120, 180)
CANCEL_REASONS = _words(
    "天气原因，活动取消。 场地临时调整，活动延期举行。 报名人数不足，活动取消。"
)
PARTNERS = (
    (ActivityPartner.Kind.VOLUNTEERS, "社区志愿服务队", "现场服务"),
    (ActivityPartner.Kind.PROPERTY_COMPANY, "物业服务中心", "场地保障"),
    (ActivityPartner.Kind.RESIDENT_UNIT, "驻街单位党支部", "共建共治"),
    (ActivityPartner.Kind.SOCIAL_ORGANISATION, "社区社会组织", "活动策划"),
    (ActivityPartner.Kind.SOCIAL_WORKER, "街道社工站", "专业支持"),
)
SKILLS = ("", "理发", "急救", "摄影", "书法", "维修", "心理疏导", "法律咨询", "驾驶")
BACKFILL_SERVICES = ("社区巡逻", "关爱空巢老人", "交通文明劝导", "楼道清理", "疫苗接种引导")
DONORS = (
    ("爱心企业", CharitableResource.DonorKind.ENTERPRISE),
    ("慈善基金会", CharitableResource.DonorKind.FOUNDATION),
    ("区民政局", CharitableResource.DonorKind.GOVERNMENT),
    ("热心居民", CharitableResource.DonorKind.INDIVIDUAL),
)
GIFTS = (
    (CharitableResource.Kind.FUNDS, "社区活动专项资金", None, ""),
    (CharitableResource.Kind.GOODS, "米面油慰问品", Decimal("50"), "份"),
    (CharitableResource.Kind.GOODS, "环保垃圾袋", Decimal("200"), "卷"),
    (CharitableResource.Kind.SERVICES, "义诊服务", None, ""),
    (CharitableResource.Kind.VENUE, "活动场地使用", None, ""),
)
Category = ServiceProvider.Category
# name, category, items [(name, price, special price, minutes, per slot, home visit)]
PROVIDERS = (
    (
        "理发店",
        Category.BARBER,
        (("理发", "15.00", "10.00", 30, 2, False), ("上门理发", "20.00", "0.00", 60, 1, True)),
    ),
    ("针灸按摩馆", Category.MASSAGE, (("推拿按摩（30分钟）", "45.00", "35.00", 30, 2, False),)),
    ("家政公司", Category.HOUSEKEEPING, (("日常保洁（2小时）", "80.00", "60.00", 120, 1, True),)),
    ("房屋中介", Category.HOUSING_AGENCY, (("租房咨询", "0.00", None, 30, 2, False),)),
)
WORKING_HOURS = ((time(9), time(12)), (time(14), time(17)))
JOBS = (
    ("物业服务中心", "小区保洁员", "2200", "2600", JobPosting.PayUnit.MONTH),
    ("社区超市", "理货员", "2800", "3300", JobPosting.PayUnit.MONTH),
    ("社区食堂", "帮厨", "120", "150", JobPosting.PayUnit.DAY),
    ("快递驿站", "分拣员（临时）", "18", "22", JobPosting.PayUnit.HOUR),
)
WISHED_WORK = ("保洁", "保安", "超市理货", "家政服务", "餐饮帮厨", "快递分拣")
SPECIES = ("国槐", "油松", "丁香", "海棠", "银杏", "山桃", "榆叶梅")


def _weighted(choices: dict) -> tuple[list, list]:
    """Values and cumulative weights, for ``rng.choices(values, cum_weights=…)``."""
    return list(choices), list(accumulate(choices.values()))


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def phone_number(prefix: str, index: int) -> str:
    """A valid mainland mobile (1[3-9] and nine digits) that is unique for ``index``."""
    return f"{prefix}{index:08d}"


# --- places (pure) ----------------------------------------------------------------------------


@dataclass
class Places:
    streets: list[str]
    communities: list[str]  # community index → name
    street_of: list[int]  # community index → street index
    compounds: list[list[str]]  # community index → compound names

    def communities_of(self, street: int) -> list[int]:
        return [c for c, s in enumerate(self.street_of) if s == street]


def plan_places(seed: int, sizes: Sizes) -> Places:
    rng = random.Random(f"{seed}:places")
    stems = [word + ending for word in PLACE_WORDS for ending in PLACE_ENDINGS]
    rng.shuffle(stems)
    names, compounds = [], []
    for index in range(sizes.communities):
        stem = stems[index % len(stems)]
        round_ = index // len(stems)
        stem = f"{stem}{round_ + 1}" if round_ else stem
        names.append(f"{stem}社区")
        endings = rng.sample(COMPOUND_ENDINGS, 3)
        compounds.append([f"{stem}{ending}" for ending in endings])
    street_of = [index * sizes.streets // sizes.communities for index in range(sizes.communities)]
    return Places(
        streets=[street_name(index) for index in range(sizes.streets)],
        communities=names,
        street_of=street_of,
        compounds=compounds,
    )


# --- activities (pure) ------------------------------------------------------------------------


@dataclass
class ActivityPlan:
    index: int
    kind: str
    title: str
    street: int
    community: int | None
    venue: str
    starts_at: datetime
    ends_at: datetime
    capacity: int | None
    audience: str
    status: str
    description: str
    created_at: datetime
    cancel_reason: str = ""
    signup_limit: int | None = None  # None: as many as its pool allows
    # Filled in by the loader.
    id: int = 0
    places_taken: int = 0
    waitlist_count: int = 0
    attendance: int | None = None
    forces: set[str] = field(default_factory=set)  # the flags its partners and donations set
    partner_cards: list[dict] = field(default_factory=list)  # as its partners are listed


def local_moment(day: date, minutes: int = 0) -> datetime:
    zone = timezone.get_default_timezone()
    return datetime(day.year, day.month, day.day, tzinfo=zone) + timedelta(minutes=minutes)


def plan_activities(
    seed: int, sizes: Sizes, places: Places, now: datetime
) -> Iterator[ActivityPlan]:
    """The activities, in id order. The first is pinned for the benchmark's detail page (the
    first community, published, in a week, 40 places); the last is the signup-rush one. Ended
    ones are completed, or cancelled, or (recent ones) published and waiting for the report;
    coming ones are published, a few drafts or cancelled."""
    rng = random.Random(f"{seed}:activities")
    today = timezone.localdate(now)
    kinds, kind_weights = _weighted(KIND_WEIGHTS)
    audiences, audience_weights = _weighted(AUDIENCE_WEIGHTS)
    numbers: dict[tuple, int] = defaultdict(int)
    last = sizes.activities - 1
    for index in range(sizes.activities):
        kind = rng.choices(kinds, cum_weights=kind_weights)[0]
        if rng.random() < 0.08:
            street, community = rng.randrange(sizes.streets), None
        else:
            community = rng.randrange(sizes.communities)
            street = places.street_of[community]
        day = today + timedelta(days=rng.randint(-PAST_DAYS, FUTURE_DAYS))
        start = rng.choice(START_MINUTES)
        duration = rng.choice(DURATION_MINUTES)
        capacity = None if rng.random() < 0.15 else rng.randint(10, 80)
        audience = rng.choices(audiences, cum_weights=audience_weights)[0]
        topic = rng.choice(KIND_TOPICS.get(kind, ("",)))
        venue_word = rng.choice(VENUE_WORDS)
        lead_days = rng.randint(3, 30)
        roll = rng.random()
        limit = None
        if index == 0:
            community, street = 0, places.street_of[0]
            day, start, capacity = today + timedelta(days=7), 9 * 60 + 30, DETAIL_CAPACITY
            limit = DETAIL_SIGNUPS
        if index == last:
            community, street, kind, topic = 0, places.street_of[0], Kind.OTHER, ""
            day, start, duration, capacity = today + timedelta(days=30), 9 * 60, 120, RUSH_CAPACITY
            limit = 0
        starts_at = local_moment(day, start)
        ends_at = starts_at + timedelta(minutes=duration)
        if index in (0, last):
            status = Activity.Status.PUBLISHED
        elif ends_at <= now and roll < 0.04:
            status = Activity.Status.CANCELLED
        elif ends_at <= now and not (roll > 0.7 and now - ends_at < REPORT_GRACE):
            status = Activity.Status.COMPLETED
        elif starts_at > now and roll < 0.05:
            status = Activity.Status.DRAFT
        elif starts_at > now and roll < 0.10:
            status = Activity.Status.CANCELLED
        else:
            status = Activity.Status.PUBLISHED
        unit = places.communities[community] if community is not None else places.streets[street]
        label = KIND_LABELS[kind]
        if index == last:
            title = RUSH_TITLE
        else:
            numbers[(street, community, kind, topic)] += 1
            title = f"{unit}{topic}{label}第{numbers[(street, community, kind, topic)]}期"
        yield ActivityPlan(
            index=index,
            kind=kind,
            title=title,
            street=street,
            community=community,
            venue=f"{unit.removesuffix('社区').removesuffix('街道')}{venue_word}",
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
            audience=audience,
            status=status,
            description=f"{unit}组织开展{topic}{label}活动，欢迎居民朋友踊跃报名参加。",
            # Prepared some days ahead; an activity far ahead was prepared recently.
            created_at=min(starts_at, now) - timedelta(days=lead_days),
            cancel_reason=rng.choice(CANCEL_REASONS) if status == Activity.Status.CANCELLED else "",
            signup_limit=0 if status == Activity.Status.DRAFT else limit,
        )


def activity_titles(seed: int, sizes: Sizes, count: int, now: datetime | None = None) -> list:
    """The first ``count`` activity titles the seed gives (no database needed)."""
    now = now or timezone.now()
    places = plan_places(seed, sizes)
    return [plan.title for plan in islice(plan_activities(seed, sizes, places, now), count)]


def signup_counts(
    rng: random.Random, total: int, weights: Sequence[float], caps: Sequence[int]
) -> list[int]:
    """Spread ``total`` signups over activities in proportion to ``weights``, each at most its
    cap (the residents who could sign up). ValueError when they do not fit."""
    if total > sum(caps):
        raise ValueError(
            f"{total} signups do not fit: the residents can make at most {sum(caps)} "
            "(give more residents or fewer signups)."
        )
    weight_sum = sum(w for w, cap in zip(weights, caps, strict=True) if cap) or 1
    counts = [
        min(cap, int(total * w / weight_sum)) if cap else 0
        for w, cap in zip(weights, caps, strict=True)
    ]
    left = total - sum(counts)
    while left:
        room = [index for index, count in enumerate(counts) if count < caps[index]]
        rng.shuffle(room)
        for index in room[:left]:
            counts[index] += 1
        left -= min(left, len(room))
    return counts


# --- writing ----------------------------------------------------------------------------------

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False).translate(_COPY_ESCAPES)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


class Writer:
    """Inserts rows whose ids are given: COPY on PostgreSQL, ``bulk_create`` elsewhere.

    Fields a row leaves out get their model default (a callable default is called per row, e.g.
    a fresh token); ``auto_now``/``auto_now_add`` fields left out get ``now``. ``bulk_create``
    sets ``auto_now``/``auto_now_add`` fields to ``now`` even when given; COPY keeps them.
    """

    COPY_CHUNK = 50_000

    def __init__(self, *, now: datetime, using: str = DEFAULT_DB_ALIAS, batch_size: int = 5000):
        self.now = now
        self.using = using
        self.connection = connections[using]
        self.batch_size = batch_size
        self.counts: dict[type[models.Model], int] = defaultdict(int)
        self._next_ids: dict[type[models.Model], int] = {}
        self.copy = self.connection.vendor == "postgresql"

    def lock(self, model_list: Iterable[type[models.Model]]) -> None:
        """Nobody else inserts into these tables until the transaction ends (the ids)."""
        if self.connection.vendor != "postgresql":
            return
        names = ", ".join(self.connection.ops.quote_name(m._meta.db_table) for m in model_list)
        with self.connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE")

    def new_id(self, model: type[models.Model]) -> int:
        """The next id of ``model``: past the table's highest at the first call."""
        if model not in self._next_ids:
            top = model._default_manager.using(self.using).aggregate(top=Max("pk"))["top"]
            self._next_ids[model] = (top or 0) + 1
        self._next_ids[model] += 1
        return self._next_ids[model] - 1

    def _extras(self, model, given) -> list[tuple[str, Callable | None, object]]:
        extras = []
        for model_field in model._meta.concrete_fields:
            if model_field.attname in given or model_field.primary_key:
                continue
            if getattr(model_field, "auto_now", False) or getattr(
                model_field, "auto_now_add", False
            ):
                is_datetime = isinstance(model_field, models.DateTimeField)
                value = self.now if is_datetime else timezone.localdate(self.now)
                extras.append((model_field.attname, None, value))
            elif model_field.has_default() and callable(model_field.default):
                extras.append((model_field.attname, model_field.default, None))
            else:
                extras.append((model_field.attname, None, model_field.get_default()))
        return extras

    def write(self, model: type[models.Model], rows: Iterable[dict]) -> int:
        """Insert ``rows``: dicts of field attname → value, every row with the same keys in the
        same order, ``id`` included."""
        rows = iter(rows)
        first = next(rows, None)
        if first is None:
            return 0
        extras = self._extras(model, first)
        names = [*first, *(name for name, _, _ in extras)]

        def values(row: dict) -> tuple:
            given = tuple(row.values())
            if not extras:
                return given
            return given + tuple(make() if make else value for _, make, value in extras)

        every = map(values, chain([first], rows))
        if self.copy:
            written = self._copy(model, names, every)
        else:
            written = 0
            manager = model._default_manager.using(self.using)
            while batch := list(islice(every, self.batch_size)):
                manager.bulk_create([model(**dict(zip(names, row, strict=True))) for row in batch])
                written += len(batch)
        self.counts[model] += written
        return written

    def _copy(self, model, names: Sequence[str], rows: Iterator[tuple]) -> int:
        quote = self.connection.ops.quote_name
        columns = ", ".join(quote(model._meta.get_field(name).column) for name in names)
        sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        written = 0
        with self.connection.cursor() as cursor:
            while chunk := list(islice(rows, self.COPY_CHUNK)):
                buffer = io.StringIO()
                buffer.writelines("\t".join(map(_copy_text, row)) + "\n" for row in chunk)
                buffer.seek(0)
                cursor.copy_expert(sql, buffer)
                written += len(chunk)
        return written

    def finish(self) -> None:
        """Move the id sequences past the ids given here."""
        statements = self.connection.ops.sequence_reset_sql(no_style(), list(self.counts))
        with self.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def analyze(self) -> None:
        """PostgreSQL: VACUUM ANALYZE what was written (planner statistics, visibility map and
        hint bits set now rather than by the benchmark's first reads); inside a transaction
        (tests), ANALYZE only."""
        if self.connection.vendor != "postgresql":
            return
        quote = self.connection.ops.quote_name
        command = "ANALYZE" if self.connection.in_atomic_block else "VACUUM (ANALYZE)"
        with self.connection.cursor() as cursor:
            for model in self.counts:
                cursor.execute(f"{command} {quote(model._meta.db_table)}")

    def table_sizes(self) -> dict[str, int]:
        """PostgreSQL: bytes of each written table with its indexes."""
        if self.connection.vendor != "postgresql":
            return {}
        sizes = {}
        with self.connection.cursor() as cursor:
            for model in self.counts:
                cursor.execute("SELECT pg_total_relation_size(%s)", [model._meta.db_table])
                sizes[model._meta.label] = cursor.fetchone()[0]
        return sizes


# --- the load ---------------------------------------------------------------------------------

#: Every table seed_scale writes, locked while it writes.
MODELS = (
    District, Street, Community, Compound, User, StaffAssignment, ResidentProfile, Consent,
    Activity, Signup, ActivityPartner, VolunteerTeam, Volunteer, ServiceRecord,
    CharitableResource, ResourceAllocation, ServiceStation, ServiceProvider, WorkingHours,
    ServiceItem, TimeSlot, Booking, JobPosting, JobSeeker, Referral, Tree, TreeAdoption, CareLog,
)  # fmt: skip


@dataclass
class Manifest:
    """What the benchmark needs to know about the generated data (``--manifest``)."""

    seed: int
    sizes: dict
    password: str
    accounts: dict
    street_id: int
    community_id: int
    activity_id: int
    rush_activity_id: int
    rush_residents: list[str]
    rows: dict[str, int] = field(default_factory=dict)
    table_bytes: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


class ScaleLoad:
    """Writes the city part by part; each part draws from its own random stream."""

    def __init__(
        self,
        *,
        seed: int,
        sizes: Sizes,
        password: str,
        now: datetime,
        writer: Writer,
        report: Callable[[str], None] = lambda step: None,
    ):
        self.seed = seed
        self.sizes = sizes
        self.password = password
        self.now = now
        self.today = timezone.localdate(now)
        self.w = writer
        self.report = report
        self.places = plan_places(seed, sizes)

    def rng(self, part: str) -> random.Random:
        return random.Random(f"{self.seed}:{part}")

    def run(self) -> Manifest:
        self.w.lock(MODELS)
        steps = (
            ("places", self.load_places),
            ("people", self.load_people),
            ("activities and signups", self.load_activities),
            ("volunteers and service records", self.load_volunteers),
            ("charitable resources", self.load_resources),
            ("service stations and bookings", self.load_services),
            ("job board", self.load_jobs),
            ("trees", self.load_trees),
            ("activity rows", self.load_activity_rows),
        )
        for label, step in steps:
            step()
            self.report(label)
        self.w.finish()
        return Manifest(
            seed=self.seed,
            sizes=asdict(self.sizes),
            password=self.password,
            accounts={
                "street_staff": BENCH_STREET,
                "community_staff": BENCH_COMMUNITY,
                "resident": BENCH_RESIDENT,
            },
            street_id=self.street_ids[0],
            community_id=self.community_ids[0],
            activity_id=self.detail_activity_id,
            rush_activity_id=self.rush_activity_id,
            rush_residents=self.rush_residents,
        )

    # --- places and people ------------------------------------------------------------------

    def load_places(self) -> None:
        district = District.objects.using(self.w.using).get_or_create(name=DISTRICT_NAME)[0]
        places = self.places
        self.street_ids = [self.w.new_id(Street) for _ in places.streets]
        self.community_ids = [self.w.new_id(Community) for _ in places.communities]
        self.compound_ids = [[self.w.new_id(Compound) for _ in names] for names in places.compounds]
        self.w.write(
            Street,
            (
                {
                    "id": pk,
                    "district_id": district.pk,
                    "name": name,
                    "office_address": f"{name}办事处",
                    "office_hours": OFFICE_HOURS,
                }
                for pk, name in zip(self.street_ids, places.streets, strict=True)
            ),
        )
        self.w.write(
            Community,
            (
                {
                    "id": pk,
                    "street_id": self.street_ids[places.street_of[c]],
                    "name": name,
                    "office_address": f"{name}居委会",
                    "office_hours": OFFICE_HOURS,
                }
                for c, (pk, name) in enumerate(
                    zip(self.community_ids, places.communities, strict=True)
                )
            ),
        )
        self.w.write(
            Compound,
            (
                {
                    "id": pk,
                    "community_id": self.community_ids[c],
                    "name": name,
                    "property_company": f"{name}物业",
                }
                for c, names in enumerate(places.compounds)
                for pk, name in zip(self.compound_ids[c], names, strict=True)
            ),
        )

    def load_people(self) -> None:
        """One staff member per street and per community, then the residents; every account
        gets the same password, hashed once."""
        rng = self.rng("people")
        sizes, places = self.sizes, self.places
        password = make_password(self.password)
        users, assignments = [], []
        joined = self.now - timedelta(days=PAST_DAYS + 30)

        def staff(username: str, **unit) -> int:
            pk = self.w.new_id(User)
            users.append(
                {
                    "id": pk,
                    "username": username,
                    "name": person_name(rng),
                    "phone": "",
                    "is_staff": True,
                    "date_joined": joined,
                    "password": password,
                }
            )
            role, title = (
                (StaffAssignment.Role.STAFF, "街道办工作人员")
                if "street_id" in unit
                else (StaffAssignment.Role.LEADER, "社区党委书记")
            )
            assignments.append(
                {
                    "id": self.w.new_id(StaffAssignment),
                    "user_id": pk,
                    "street_id": unit.get("street_id"),
                    "community_id": unit.get("community_id"),
                    "role": role,
                    "title": title,
                }
            )
            return pk

        self.street_staff_ids = [
            staff(BENCH_STREET if s == 0 else f"scale_street_{s + 1:02d}", street_id=pk)
            for s, pk in enumerate(self.street_ids)
        ]
        self.community_staff_ids = [
            staff(BENCH_COMMUNITY if c == 0 else f"scale_community_{c + 1:03d}", community_id=pk)
            for c, pk in enumerate(self.community_ids)
        ]

        weights = list(accumulate(rng.uniform(0.5, 1.5) for _ in places.communities))
        order = range(sizes.communities)
        self.resident_ids: list[int] = []
        self.resident_community: list[int] = []
        self.residents_of: list[list[int]] = [[] for _ in order]
        profiles, consents = [], []
        for r in range(sizes.residents):
            # Every community has someone; bench_resident (the first) is in the first.
            c = r if r < sizes.communities else rng.choices(order, cum_weights=weights)[0]
            pk = self.w.new_id(User)
            phone = phone_number("170", r)
            registered = self.now - timedelta(days=rng.randint(0, PAST_DAYS + 30))
            users.append(
                {
                    "id": pk,
                    "username": BENCH_RESIDENT if r == 0 else phone,
                    "name": person_name(rng),
                    "phone": phone,
                    "is_staff": False,
                    "date_joined": registered,
                    "password": password,
                }
            )
            profiles.append(
                {
                    "id": self.w.new_id(ResidentProfile),
                    "user_id": pk,
                    "community_id": self.community_ids[c],
                    "compound_id": rng.choice(self.compound_ids[c]),
                    "registered_at": registered,
                }
            )
            consents.append(
                {
                    "id": self.w.new_id(Consent),
                    "user_id": pk,
                    "notice": Consent.Notice.PRIVACY,
                    "version": settings.PRIVACY_NOTICE_VERSION,
                    "given_at": registered,
                }
            )
            self.resident_ids.append(pk)
            self.resident_community.append(c)
            self.residents_of[c].append(r)
        self.w.write(User, users)
        self.w.write(StaffAssignment, assignments)
        self.w.write(ResidentProfile, profiles)
        self.w.write(Consent, consents)
        pool = [r for r in self.residents_of[0] if r != 0][:RUSH_RESIDENTS]
        self.rush_residents = [phone_number("170", r) for r in pool]

    # --- activities and signups -------------------------------------------------------------

    def _pool(self, plan: ActivityPlan) -> list[int]:
        """Resident indices who may sign up: the community's, or the whole street's."""
        if plan.community is not None:
            return self.residents_of[plan.community]
        return self.street_pools[plan.street]

    def _staff_for(self, plan: ActivityPlan) -> int:
        if plan.community is None:
            return self.street_staff_ids[plan.street]
        return self.community_staff_ids[plan.community]

    def load_activities(self) -> None:
        """Activities in chunks, each chunk's signups generated first so that the counters go
        onto the activity rows."""
        sizes, places = self.sizes, self.places
        self.street_pools = [
            [r for c in places.communities_of(s) for r in self.residents_of[c]]
            for s in range(sizes.streets)
        ]
        plans = list(plan_activities(self.seed, sizes, places, self.now))
        rng = self.rng("signups")
        weights, caps = [], []
        for plan in plans:
            weight = (plan.capacity or 40) * rng.uniform(0.2, 1.3)
            if plan.status == Activity.Status.CANCELLED:
                weight *= 0.3
            weights.append(weight)
            pool = len(self._pool(plan))
            caps.append(pool if plan.signup_limit is None else min(pool, plan.signup_limit))
        counts = signup_counts(rng, sizes.signups, weights, caps)

        self.completed_of: list[list[ActivityPlan]] = [[] for _ in places.communities]
        self.completed_street_wide: list[list[ActivityPlan]] = [[] for _ in places.streets]
        self.tree_plantings: list[list[ActivityPlan]] = [[] for _ in places.communities]
        self.bench_signups = 0
        for start in range(0, len(plans), self.w.batch_size):
            chunk = plans[start : start + self.w.batch_size]
            signups: list[dict] = []
            for plan in chunk:
                plan.id = self.w.new_id(Activity)
                signups.extend(self._signups(rng, plan, counts[plan.index]))
            self.w.write(Signup, signups)
            for plan in chunk:
                if plan.status != Activity.Status.COMPLETED:
                    continue
                if plan.community is None:
                    self.completed_street_wide[plan.street].append(plan)
                    continue
                self.completed_of[plan.community].append(plan)
                if plan.kind == Kind.TREE_ADOPTION:
                    self.tree_plantings[plan.community].append(plan)
        self.detail_activity_id = plans[0].id
        self.rush_activity_id = plans[-1].id
        self._load_partners(plans)
        self.activity_plans = plans

    def load_activity_rows(self) -> None:
        """The activities themselves, last: their five-forces flags are known only once their
        partners and donations are (foreign keys are checked at commit)."""
        self.w.write(Activity, map(self._activity_row, self.activity_plans))

    def _signups(self, rng: random.Random, plan: ActivityPlan, count: int) -> list[dict]:
        """The activity's signups in the order they came, by signup_create's rule (a party that
        fits is confirmed, one that does not waits); the counters are set on ``plan``."""
        completed = plan.status == Activity.Status.COMPLETED
        if not count:
            plan.attendance = 0 if completed else None
            return []
        who = rng.sample(self._pool(plan), count)
        bench_may_join = plan.community == 0 or (plan.community is None and plan.street == 0)
        wanted = plan.index == 0 or (rng.random() < 0.3 and self.bench_signups < 20)
        if bench_may_join and wanted and 0 not in who:
            who[0] = 0
            self.bench_signups += 1
        opened, closed = plan.created_at, min(plan.starts_at, self.now)
        span = max((closed - opened).total_seconds(), 0.0)
        moments = sorted(opened + timedelta(seconds=rng.uniform(0, span)) for _ in who)
        staff = self._staff_for(plan)
        cancelled_activity = plan.status == Activity.Status.CANCELLED
        rows = []
        taken = waiting = attended = 0
        for resident, signed_at in zip(who, moments, strict=True):
            roll = rng.random()
            party = 1 if roll < 0.8 else (2 if roll < 0.95 else 3)
            children = party - 1 if party > 1 and rng.random() < 0.5 else 0
            cancelled_at = checked_in_at = None
            if cancelled_activity or rng.random() < 0.06:
                status = Signup.Status.CANCELLED
                cancelled_at = min(signed_at + timedelta(hours=rng.randint(1, 48)), closed)
            elif plan.capacity is None or taken + party <= plan.capacity:
                taken += party
                status = Signup.Status.CONFIRMED
                if completed and rng.random() < 0.88:
                    status = Signup.Status.ATTENDED
                    attended += party
                    checked_in_at = plan.starts_at - timedelta(minutes=rng.randint(0, 30))
                elif completed:
                    status = Signup.Status.NO_SHOW
            else:
                status = Signup.Status.WAITLISTED
                waiting += 1
            rows.append(
                {
                    "id": self.w.new_id(Signup),
                    "activity_id": plan.id,
                    "resident_id": self.resident_ids[resident],
                    "party_size": party,
                    "children_under_14": children,
                    "guardian_consent": children > 0,
                    "status": status,
                    "registered_by_id": staff if rng.random() < 0.05 else None,
                    "walk_in": False,
                    "created_at": signed_at,
                    "cancelled_at": cancelled_at,
                    "checked_in_at": checked_in_at,
                }
            )
        plan.places_taken, plan.waitlist_count = taken, waiting
        plan.attendance = attended if completed else None
        return rows

    def _activity_row(self, plan: ActivityPlan) -> dict:
        report, details, reported_at = "", {}, None
        if plan.status == Activity.Status.COMPLETED:
            report = f"{plan.title}顺利举行，共有{plan.attendance}人参加。"
            details = report_details(plan.kind, plan.attendance or 0)
            reported_at = min(plan.ends_at + timedelta(days=1), self.now)
        return {
            "id": plan.id,
            "kind": plan.kind,
            "title": plan.title,
            "street_id": self.street_ids[plan.street],
            "community_id": None if plan.community is None else self.community_ids[plan.community],
            "venue": plan.venue,
            "starts_at": plan.starts_at,
            "ends_at": plan.ends_at,
            "capacity": plan.capacity,
            "audience": plan.audience,
            "description": plan.description,
            "status": plan.status,
            "cancel_reason": plan.cancel_reason,
            "places_taken": plan.places_taken,
            "waitlist_count": plan.waitlist_count,
            **{flag: flag in plan.forces for flag in FORCE_FLAGS},
            "unit_label": (
                self.places.streets[plan.street]
                if plan.community is None
                else self.places.communities[plan.community]
            ),
            "partner_cards": plan.partner_cards,
            "report": report,
            "report_details": details,
            "attendance": plan.attendance,
            "reported_at": reported_at,
            "created_by_id": self._staff_for(plan),
            "created_at": plan.created_at,
            "updated_at": reported_at or plan.created_at,
        }

    def _load_partners(self, plans: list[ActivityPlan]) -> None:
        """About a third of completed activities name a partner or two (the five forces)."""
        rng = self.rng("partners")
        rows = []
        for plan in plans:
            if plan.status != Activity.Status.COMPLETED or rng.random() >= 0.35:
                continue
            for kind, name, role in rng.sample(PARTNERS, rng.randint(1, 2)):
                if kind in ActivityPartner.FLAG_OF_KIND:
                    plan.forces.add(ActivityPartner.FLAG_OF_KIND[kind])
                plan.partner_cards.append(asdict(PartnerCard(str(kind), name, role)))
                rows.append(
                    {
                        "id": self.w.new_id(ActivityPartner),
                        "activity_id": plan.id,
                        "kind": kind,
                        "name": name,
                        "role": role,
                    }
                )
        self.w.write(ActivityPartner, rows)

    # --- volunteers -------------------------------------------------------------------------

    def load_volunteers(self) -> None:
        """A team per community; 5% of residents volunteer, nine in ten approved and in their
        community's team (the first approved one leads it)."""
        rng = self.rng("volunteers")
        sizes, places = self.sizes, self.places
        team_ids = [self.w.new_id(VolunteerTeam) for _ in places.communities]
        self.w.write(
            VolunteerTeam,
            (
                {
                    "id": pk,
                    "name": f"{places.communities[c]}志愿服务队",
                    "street_id": self.street_ids[places.street_of[c]],
                    "community_id": self.community_ids[c],
                    "created_at": self.now - timedelta(days=PAST_DAYS),
                }
                for c, pk in enumerate(team_ids)
            ),
        )
        count = min(sizes.volunteers, sizes.residents - 1)
        chosen = sorted(rng.sample(range(1, sizes.residents), count))
        availabilities = list(Volunteer.Availability.values)
        rows = []
        approved_of: dict[int, list[int]] = defaultdict(list)
        for r in chosen:
            c = self.resident_community[r]
            pk = self.w.new_id(Volunteer)
            approved = rng.random() < 0.9
            registered = self.now - timedelta(days=rng.randint(30, PAST_DAYS))
            rows.append(
                {
                    "id": pk,
                    "user_id": self.resident_ids[r],
                    "community_id": self.community_ids[c],
                    "team_id": team_ids[c] if approved else None,
                    "leads_team": approved and not approved_of[c],
                    "skills": rng.choice(SKILLS),
                    "availability": rng.sample(availabilities, rng.randint(1, 2)),
                    "status": Volunteer.Status.APPROVED if approved else Volunteer.Status.PENDING,
                    "decided_by_id": self.community_staff_ids[c] if approved else None,
                    "decided_at": registered + timedelta(days=2) if approved else None,
                    "created_at": registered,
                    "updated_at": registered,
                }
            )
            if approved:
                approved_of[c].append(pk)
        self.w.write(Volunteer, rows)
        self._load_service_records(rng, approved_of)

    def _load_service_records(self, rng: random.Random, approved_of: dict[int, list[int]]):
        """Two records per activity: mostly checked in at a completed activity of the
        volunteer's community (or street), some 补录; 80% verified, 5% rejected."""
        places = self.places
        communities = sorted(approved_of)
        hours_choices = [Decimal(h) for h in ("1.00", "1.50", "2.00", "2.50", "3.00", "4.00")]

        def rows() -> Iterator[dict]:
            for _ in range(self.sizes.service_records if communities else 0):
                c = rng.choice(communities)
                street = places.street_of[c]
                candidates = self.completed_of[c] or self.completed_street_wide[street]
                hours = rng.choice(hours_choices)
                staff = self.community_staff_ids[c]
                if candidates and rng.random() < 0.8:
                    plan = rng.choice(candidates)
                    activity_id, source = plan.id, ServiceRecord.Source.ATTENDANCE
                    unit_street, unit_community = plan.street, plan.community
                    title, place, started = plan.title, plan.venue, plan.starts_at
                    ended = started + timedelta(minutes=int(hours * 60))
                    served_on = timezone.localdate(started)
                else:
                    activity_id, source = None, ServiceRecord.Source.BACKFILL
                    unit_street, unit_community = street, c
                    title, place = rng.choice(BACKFILL_SERVICES), places.communities[c]
                    started = ended = None
                    served_on = self.today - timedelta(days=rng.randint(1, PAST_DAYS))
                recorded = min(local_moment(served_on, 20 * 60), self.now)
                roll = rng.random()
                status = (
                    ServiceRecord.Status.VERIFIED
                    if roll < 0.80
                    else ServiceRecord.Status.REJECTED
                    if roll < 0.85
                    else ServiceRecord.Status.PENDING
                )
                decided = status != ServiceRecord.Status.PENDING
                decided_at = (
                    min(recorded + timedelta(days=rng.randint(1, 7)), self.now) if decided else None
                )
                yield {
                    "id": self.w.new_id(ServiceRecord),
                    "volunteer_id": rng.choice(approved_of[c]),
                    "source": source,
                    "activity_id": activity_id,
                    "street_id": self.street_ids[unit_street],
                    "community_id": (
                        None if unit_community is None else self.community_ids[unit_community]
                    ),
                    "organiser": (
                        places.streets[unit_street]
                        if unit_community is None
                        else places.communities[unit_community]
                    ),
                    "title": title,
                    "place": place,
                    "served_on": served_on,
                    "started_at": started,
                    "ended_at": ended,
                    "hours": hours,
                    "status": status,
                    "decision_reason": (
                        "时长与签到记录不符" if status == ServiceRecord.Status.REJECTED else ""
                    ),
                    "decided_by_id": staff if decided else None,
                    "decided_at": decided_at,
                    "recorded_by_id": staff,
                    "created_at": recorded,
                    "updated_at": decided_at or recorded,
                }

        self.w.write(ServiceRecord, rows())

    # --- charitable resources ---------------------------------------------------------------

    def load_resources(self) -> None:
        """Six donations per community and four per street; about one allocation per fifty
        activities, to a completed activity of the donation's unit, never beyond its balance."""
        rng = self.rng("resources")
        places, sizes = self.places, self.sizes
        units = [(places.street_of[c], c) for c in range(sizes.communities) for _ in range(6)]
        units += [(s, None) for s in range(sizes.streets) for _ in range(4)]
        resources = []
        for street, community in units:
            donor, donor_kind = rng.choice(DONORS)
            kind, description, quantity, unit = rng.choice(GIFTS)
            resources.append(
                {
                    "id": self.w.new_id(CharitableResource),
                    "street_id": self.street_ids[street],
                    "community_id": None if community is None else self.community_ids[community],
                    "donor_name": f"{donor}{rng.randint(1, 99)}",
                    "donor_kind": donor_kind,
                    "kind": kind,
                    "description": description,
                    "value": Decimal(rng.randrange(500, 50_000)),
                    "quantity": quantity,
                    "unit": unit,
                    "received_on": self.today - timedelta(days=rng.randint(1, PAST_DAYS)),
                    "recorded_by_id": (
                        self.street_staff_ids[street]
                        if community is None
                        else self.community_staff_ids[community]
                    ),
                }
            )
        self.w.write(CharitableResource, resources)
        allocations = []
        for _ in range(max(1, sizes.activities // 50)):
            index = rng.randrange(len(units))
            street, community = units[index]
            resource = resources[index]
            if community is None:
                candidates = self.completed_street_wide[street]
            else:
                candidates = self.completed_of[community]
            if not candidates or resource["value"] < 100:
                continue
            plan = rng.choice(candidates)
            plan.forces.add("has_charity")
            value = min(resource["value"], Decimal(rng.randrange(100, 3_000)))
            resource["value"] -= value  # what is left to allocate (the row is written)
            allocations.append(
                {
                    "id": self.w.new_id(ResourceAllocation),
                    "resource_id": resource["id"],
                    "activity_id": plan.id,
                    "value": value,
                    "note": f"用于{plan.title}",
                    "allocated_by_id": resource["recorded_by_id"],
                    "allocated_at": plan.starts_at - timedelta(days=2),
                }
            )
        self.w.write(ResourceAllocation, allocations)

    # --- service stations -------------------------------------------------------------------

    def load_services(self) -> None:
        """A station per community with four providers, their weekly hours and priced items."""
        rng = self.rng("services")
        places = self.places
        stations, providers, hours, items = [], [], [], []
        self.station_ids = []
        offers_of: list[list[dict]] = []  # community → its items
        for c, name in enumerate(places.communities):
            station = self.w.new_id(ServiceStation)
            self.station_ids.append(station)
            stations.append(
                {
                    "id": station,
                    "community_id": self.community_ids[c],
                    "name": f"{name}便民服务站",
                    "address": f"{name}居委会一楼",
                    "opening_hours": "周一至周六 8:30–17:30",
                    "contact_phone": f"0352-{5_000_000 + c}",
                }
            )
            offers = []
            for p, (provider_name, category, item_list) in enumerate(PROVIDERS):
                provider = self.w.new_id(ServiceProvider)
                providers.append(
                    {
                        "id": provider,
                        "station_id": station,
                        "name": provider_name,
                        "category": category,
                        "contact_name": f"{rng.choice(SURNAMES)}师傅",
                        "contact_phone": phone_number("139", c * len(PROVIDERS) + p),
                    }
                )
                for weekday in range(6):  # Monday to Saturday
                    for opens, closes in WORKING_HOURS:
                        hours.append(
                            {
                                "id": self.w.new_id(WorkingHours),
                                "provider_id": provider,
                                "weekday": weekday,
                                "opens": opens,
                                "closes": closes,
                            }
                        )
                for item_name, price, special, minutes, per_slot, home in item_list:
                    item = {
                        "id": self.w.new_id(ServiceItem),
                        "provider_id": provider,
                        "name": item_name,
                        "price": Decimal(price),
                        "special_price": None if special is None else Decimal(special),
                        "special_groups": [] if special is None else ["elderly_80", "disabled"],
                        "duration_minutes": minutes,
                        "slot_capacity": per_slot,
                        "home_visit": home,
                        # Anyone may book the home visits: no special groups are generated.
                        "home_visit_only_for_special_groups": False,
                    }
                    items.append(item)
                    offers.append(item)
            offers_of.append(offers)
        self.w.write(ServiceStation, stations)
        self.w.write(ServiceProvider, providers)
        self.w.write(WorkingHours, hours)
        self.w.write(ServiceItem, items)
        self._load_bookings(rng, offers_of)

    def _load_bookings(self, rng: random.Random, offers_of: list[list[dict]]) -> None:
        """Bookings at the resident's own station over the past year and the next month. A slot
        row is made on its first booking; ``taken`` counts the bookings holding it, never more
        than its capacity, and a resident holds a slot once."""
        slots: dict[tuple[int, datetime], dict] = {}
        holding: set[tuple[int, int]] = set()  # (slot, resident)
        bookings = []
        starts_for = {}  # minutes → the starts (minutes after midnight) in the working hours
        for minutes in {item["duration_minutes"] for offers in offers_of for item in offers}:
            starts_for[minutes] = [
                opens.hour * 60 + step
                for opens, closes in WORKING_HOURS
                for step in range(0, (closes.hour - opens.hour) * 60 - minutes + 1, minutes)
            ]
        Status = Booking.Status
        for _ in range(self.sizes.bookings):
            r = rng.randrange(self.sizes.residents)
            c = self.resident_community[r]
            item = rng.choice(offers_of[c])
            minutes = item["duration_minutes"]
            day = self.today + timedelta(days=rng.randint(-365, 30))
            if day.weekday() == 6:  # closed on Sundays
                day -= timedelta(days=1)
            starts_at = local_moment(day, rng.choice(starts_for[minutes]))
            ends_at = starts_at + timedelta(minutes=minutes)
            roll = rng.random()
            if ends_at <= self.now:
                status = Status.DONE if roll < 0.8 else Status.NO_SHOW if roll < 0.88 else None
            else:
                status = (
                    Status.REQUESTED if roll < 0.5 else Status.CONFIRMED if roll < 0.9 else None
                )
            slot = slots.get((item["id"], starts_at))
            if slot is None:
                slot = slots[(item["id"], starts_at)] = {
                    "id": self.w.new_id(TimeSlot),
                    "item_id": item["id"],
                    "starts_at": starts_at,
                    "ends_at": ends_at,
                    "capacity": item["slot_capacity"],
                    "taken": 0,
                }
            resident = self.resident_ids[r]
            full = slot["taken"] >= slot["capacity"] or (slot["id"], resident) in holding
            if status is None or full:
                status = Status.CANCELLED
            elif status in Booking.HOLDING:  # a no-show gave its place back
                slot["taken"] += 1
                holding.add((slot["id"], resident))
            home_visit = item["home_visit"] and rng.random() < 0.6
            address = ""
            if home_visit:
                compound = rng.choice(self.places.compounds[c])
                address = f"{compound}{rng.randint(1, 20)}号楼{rng.randint(1, 6)}单元"
            rated = status == Status.DONE and rng.random() < 0.6
            bookings.append(
                {
                    "id": self.w.new_id(Booking),
                    "item_id": item["id"],
                    "slot_id": slot["id"],
                    "resident_id": resident,
                    "status": status,
                    "home_visit": home_visit,
                    "address": address,
                    "price": item["price"],
                    "created_at": min(starts_at - timedelta(days=rng.randint(1, 10)), self.now),
                    "status_changed_at": (
                        None if status == Status.REQUESTED else min(starts_at, self.now)
                    ),
                    "rating": rng.randint(3, 5) if rated else None,
                }
            )
        self.w.write(TimeSlot, slots.values())
        self.w.write(Booking, bookings)

    # --- the job board ----------------------------------------------------------------------

    def load_jobs(self) -> None:
        """Four postings per station; job seekers (1% of residents, half of them with an
        account), the referred and employed ones with a referral."""
        rng = self.rng("jobs")
        places, sizes = self.places, self.sizes
        postings, posting_ids = [], []
        for c, station in enumerate(self.station_ids):
            ids = []
            for employer, title, pay_min, pay_max, unit in JOBS:
                created = self.now - timedelta(days=rng.randint(1, 120))
                ids.append(self.w.new_id(JobPosting))
                postings.append(
                    {
                        "id": ids[-1],
                        "station_id": station,
                        "employer": f"{places.communities[c]}{employer}",
                        "title": title,
                        "pay_min": Decimal(pay_min),
                        "pay_max": Decimal(pay_max),
                        "pay_unit": unit,
                        "place": places.communities[c],
                        "requirements": "身体健康，责任心强",
                        "contact_name": person_name(rng),
                        "contact_phone": f"0352-{6_000_000 + ids[-1]}",
                        "expires_on": timezone.localdate(created)
                        + timedelta(days=rng.randint(14, 150)),
                        "created_by_id": self.community_staff_ids[c],
                        "created_at": created,
                    }
                )
            posting_ids.append(ids)
        self.w.write(JobPosting, postings)
        Status = JobSeeker.Status
        seekers, referrals = [], []
        bands = list(JobSeeker.AgeBand.values)
        for n in range(sizes.job_seekers):
            c = rng.randrange(sizes.communities)
            registered = self.now - timedelta(days=rng.randint(1, 730))
            roll = rng.random()
            status = (
                Status.REGISTERED
                if roll < 0.5
                else Status.REFERRED
                if roll < 0.75
                else Status.EMPLOYED
                if roll < 0.95
                else Status.WITHDRAWN
            )
            referred_at = employed_at = None
            if status in (Status.REFERRED, Status.EMPLOYED):
                referred_at = min(registered + timedelta(days=rng.randint(1, 30)), self.now)
            if status == Status.EMPLOYED:
                employed_at = min(referred_at + timedelta(days=rng.randint(1, 30)), self.now)
            user, phone = None, phone_number("171", n)
            if rng.random() < 0.5:
                r = rng.choice(self.residents_of[c])
                user, phone = self.resident_ids[r], phone_number("170", r)
            shares = referred_at is not None or rng.random() < 0.5
            seeker = self.w.new_id(JobSeeker)
            seekers.append(
                {
                    "id": seeker,
                    "station_id": self.station_ids[c],
                    "user_id": user,
                    "name": person_name(rng),
                    "phone": phone,
                    "age_band": rng.choice(bands),
                    "wished_work": rng.choice(WISHED_WORK),
                    "share_consent": shares,
                    "share_consent_at": registered if shares else None,
                    "status": status,
                    "registered_at": registered,
                    "referred_at": referred_at,
                    "employed_at": employed_at,
                    "registered_by_id": self.community_staff_ids[c],
                }
            )
            if referred_at:
                referrals.append(
                    {
                        "id": self.w.new_id(Referral),
                        "seeker_id": seeker,
                        "posting_id": rng.choice(posting_ids[c]),
                        "referred_by_id": self.community_staff_ids[c],
                        "referred_at": referred_at,
                        "outcome": "hired" if status == Status.EMPLOYED else "pending",
                    }
                )
        self.w.write(JobSeeker, seekers)
        self.w.write(Referral, referrals)

    # --- trees ------------------------------------------------------------------------------

    def load_trees(self) -> None:
        """Twenty trees a community, most adopted (bench_resident adopts the first one), some
        adopted before by someone else, a few lost; care logs over the last half year."""
        rng = self.rng("trees")
        trees, adoptions, logs = [], [], []
        for c in range(self.sizes.communities):
            staff = self.community_staff_ids[c]
            residents = self.residents_of[c]
            for number in range(1, TREES_PER_COMMUNITY + 1):
                tree = self.w.new_id(Tree)
                planting = rng.choice(self.tree_plantings[c]) if self.tree_plantings[c] else None
                if planting:
                    planted_on = timezone.localdate(planting.starts_at)
                else:
                    planted_on = self.today - timedelta(days=rng.randint(60, PAST_DAYS))
                planted = local_moment(planted_on, 10 * 60)
                bench_tree = c == 0 and number == 1
                lost = not bench_tree and rng.random() < 0.05
                adopted = bench_tree or (not lost and rng.random() < 0.8)
                adopted_from = planted
                if lost or rng.random() < 0.2:  # an earlier adoption that ended
                    adopted_from = min(planted + timedelta(days=rng.randint(30, 200)), self.now)
                    adoptions.append(
                        {
                            "id": self.w.new_id(TreeAdoption),
                            "tree_id": tree,
                            "adopter_id": self.resident_ids[rng.choice(residents)],
                            "started_at": planted,
                            "ended_at": adopted_from,
                            "end_reason": "搬家",
                            "registered_by_id": staff,
                        }
                    )
                adopter = last_cared = None
                if adopted:
                    adopter = self.resident_ids[0 if bench_tree else rng.choice(residents)]
                    adoption = self.w.new_id(TreeAdoption)
                    adoptions.append(
                        {
                            "id": adoption,
                            "tree_id": tree,
                            "adopter_id": adopter,
                            "started_at": adopted_from,
                            "ended_at": None,
                            "end_reason": "",
                            "registered_by_id": staff,
                        }
                    )
                    for _ in range(rng.randint(0, 15)):
                        logged = self.now - timedelta(days=rng.uniform(0, 180))
                        if logged < adopted_from:
                            continue
                        logs.append(
                            {
                                "id": self.w.new_id(CareLog),
                                "tree_id": tree,
                                "community_id": self.community_ids[c],
                                "adoption_id": adoption,
                                "kind": rng.choice(CareLog.Kind.values),
                                "logged_by_id": adopter,
                                "logged_at": logged,
                            }
                        )
                        last_cared = max(last_cared or logged, logged)
                trees.append(
                    {
                        "id": tree,
                        "community_id": self.community_ids[c],
                        "compound_id": rng.choice(self.compound_ids[c]),
                        "planting_activity_id": planting.id if planting else None,
                        "name": f"同心树{number}号",
                        "species": rng.choice(SPECIES),
                        "spot": f"{number}号楼东侧草坪",
                        "planted_on": planted_on,
                        "status": Tree.Status.LOST if lost else Tree.Status.HEALTHY,
                        "status_note": "冬季冻害，未能成活" if lost else "",
                        "care_every_days": 14,
                        "last_cared_at": last_cared,
                        "care_due_at": (last_cared or planted) + timedelta(days=14),
                        "adopter_id": adopter,
                        "created_by_id": staff,
                        "created_at": planted,
                    }
                )
        self.w.write(Tree, trees)
        self.w.write(TreeAdoption, adoptions)
        self.w.write(CareLog, logs)


def report_details(kind: str, people: int) -> dict:
    """Answers to the kind's report questions (activities.kinds), in proportion to attendance."""
    if kind == Kind.CLEANUP:
        return {"rubbish_bags": people * 2, "area_m2": people * 50}
    if kind == Kind.PUBLICITY:
        return {"people_reached": people * 5, "materials_count": people * 3}
    if kind == Kind.VOLUNTEER_SERVICE:
        return {"items_handled": people * 4}
    if kind == Kind.TREE_ADOPTION:
        return {"families": people}
    return {}


def load(
    *,
    seed: int = DEFAULT_SEED,
    sizes: Sizes,
    password: str = DEFAULT_PASSWORD,
    now: datetime | None = None,
    using: str = DEFAULT_DB_ALIAS,
    report: Callable[[str], None] = lambda step: None,
) -> Manifest:
    """Generate and write everything in one transaction; then VACUUM ANALYZE (PostgreSQL).
    ValueError when the sizes cannot be met (nothing is written then)."""
    sizes.check()
    writer = Writer(now=now or timezone.now(), using=using)
    with transaction.atomic(using=using):
        manifest = ScaleLoad(
            seed=seed,
            sizes=sizes,
            password=password,
            now=writer.now,
            writer=writer,
            report=report,
        ).run()
        # The dashboards' day rows, from everything written (bulk inserts send no signals).
        daily.rebuild(using=using)
        report("day figures")
    report("committed")
    writer.analyze()
    report("analysed")
    manifest.rows = {model._meta.label: count for model, count in writer.counts.items()}
    manifest.table_bytes = writer.table_sizes()
    return manifest
