"""The figures of a dashboard: every one a SQL aggregate, all of a unit's in one query.

A ``Measure`` says which rows count (filtered to the period), how they reach a community and a
street, and what to aggregate. ``with_figures`` adds every measure to a queryset of communities
or of streets as a correlated scalar subquery, so one query returns all the figures of one
community, of one street, or of every community of a street side by side — whatever the number
of rows behind them. ``Figures`` reads them back and derives rates and shares.

Rules of counting (docs/dashboards.md):
- activities: not drafts, not cancelled, starting in the period; a street counts its
  communities' and its own street-wide activities;
- signed up: confirmed places (``places_taken``); fill rate: places taken ÷ places offered,
  over activities with a capacity;
- volunteer hours: verified service records served in the period, by the organising unit;
- resources: received in the period (value), allocated in the period and not released;
- bookings: by the slot's time, not cancelled; home visits among them;
- job seekers: registered in the period, employed in the period (by the dates on the record);
- trees: adoptions started in the period, trees adopted now, care logged in the period.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import Count, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import gettext as _

from activities.models import Activity, CareLog, Tree
from governance_portal.dashboards import daily
from governance_portal.dashboards.periods import Period
from governance_portal.models import DayFigures
from volunteers.models import ServiceRecord, Volunteer

COMMUNITY, STREET = "community", "street"
#: A street's own work: its rows with no community (street-wide activities, records, resources).
STREET_OWN = "street_own"
PREFIX, OWN_PREFIX = "figure_", "own_"
DECIMAL = models.DecimalField(max_digits=16, decimal_places=2)
INTEGER = models.IntegerField()


def _counted_activities(period: Period):
    """Activities a dashboard counts: neither drafts nor cancelled, starting in the period."""
    return Activity.objects.filter(
        starts_at__gte=period.start_at, starts_at__lt=period.end_at
    ).exclude(status__in=[Activity.Status.DRAFT, Activity.Status.CANCELLED])


def _served(period: Period, status=ServiceRecord.Status.VERIFIED):
    return ServiceRecord.objects.filter(
        status=status, served_on__gte=period.start, served_on__lte=period.end
    )


def _between(field: str, period: Period) -> dict:
    return {f"{field}__gte": period.start_at, f"{field}__lt": period.end_at}


@dataclass(frozen=True)
class Measure:
    rows: Callable[[Period], models.QuerySet]
    aggregate: Callable[[], models.Aggregate]
    community: str  # lookup from the row to its community's id
    street: str  # lookup from the row to its street's id
    output: models.Field = INTEGER


# Lookups for rows that belong to a street and, optionally, one of its communities.
UNIT = {"community": "community", "street": "street"}
#: Day columns that are amounts (hours, yuan), not counts.
DAILY_DECIMAL = dict.fromkeys(("volunteer_hours", "resources_value", "allocated_value"), DECIMAL)


def _days(period: Period):
    return DayFigures.objects.filter(day__gte=period.start, day__lte=period.end)


def _daily(column: str, output: models.Field = INTEGER) -> Measure:
    """A figure that adds up over days: the sum of the unit's day rows of the period
    (``daily.SOURCES`` says how each column is counted)."""
    return Measure(_days, lambda: Sum(column), output=output, **UNIT)


MEASURES: dict[str, Measure] = {
    # Activities, participation, the five forces, hours, resources, bookings, jobs, trees:
    # sums of days.
    **{column: _daily(column, DAILY_DECIMAL.get(column, INTEGER)) for column in daily.COLUMNS},
    # Not sums of days: distinct people and trees over the period, and what is true now.
    "volunteers_active": Measure(_served, lambda: Count("volunteer", distinct=True), **UNIT),
    "volunteers_registered": Measure(
        lambda p: Volunteer.objects.approved(),
        lambda: Count("*"),  # not the id: the (community, status) index alone answers
        community="community",
        street="community__street",
    ),
    "trees_adopted": Measure(
        lambda p: Tree.objects.filter(adopter__isnull=False, status=Tree.Status.HEALTHY),
        lambda: Count("pk"),
        community="community",
        street="community__street",
    ),
    # The log keeps its tree's community: one range of the (community, logged_at) index.
    "trees_cared": Measure(
        lambda p: CareLog.objects.filter(**_between("logged_at", p)),
        lambda: Count("tree", distinct=True),
        community="community",
        street="community__street",
    ),
}


def _scalar(measure: Measure, level: str, period: Period):
    """One figure of the outer row (a community or a street) as a correlated subquery."""
    zero = Decimal("0.00") if isinstance(measure.output, models.DecimalField) else 0
    path = measure.community if level == COMMUNITY else measure.street
    rows = measure.rows(period).filter(**{path: OuterRef("pk")})
    if level == STREET_OWN:
        if measure.street.endswith("community__street"):
            return Value(zero, output_field=measure.output)  # rows of communities only
        rows = rows.filter(**{f"{measure.community}__isnull": True})
    grouped = rows.order_by().values(path).annotate(figure=measure.aggregate()).values("figure")
    return Coalesce(
        Subquery(grouped, output_field=measure.output), Value(zero), output_field=measure.output
    )


def with_figures(
    queryset: models.QuerySet, level: str, period: Period, prefix: str = PREFIX
) -> models.QuerySet:
    """``queryset`` of communities (``level=COMMUNITY``) or streets (``STREET``: everything of
    the street; ``STREET_OWN``: only its street-wide rows), each row annotated with every
    measure under ``prefix``: one query, whatever the data behind it."""
    return queryset.annotate(
        **{f"{prefix}{name}": _measure(name, level, period) for name in MEASURES}
    )


@functools.lru_cache(maxsize=1024)
def _measure(name: str, level: str, period: Period):
    """``_scalar``, built once per process for each period: building the 32 subqueries costs
    more than running them. The expression is never changed in place (annotate resolves a
    copy), so sharing it between requests and threads is safe."""
    return _scalar(MEASURES[name], level, period)


def _percent(part, whole) -> int | None:
    """Whole percent, halves rounded up (62.5 → 63), as people round by hand."""
    if not whole:
        return None
    return int((Decimal(100) * part / whole).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Figures:
    activities: int = 0
    completed: int = 0
    cancelled: int = 0
    signed_up: int = 0
    capacity: int = 0
    capped_taken: int = 0
    checked_in: int = 0
    attendance: int = 0
    linked_three: int = 0
    with_organisation: int = 0
    with_social_worker: int = 0
    with_volunteers: int = 0
    with_charity: int = 0
    volunteer_hours: Decimal = Decimal("0.00")
    volunteers_active: int = 0
    records_pending: int = 0
    volunteers_registered: int = 0
    resources_received: int = 0
    resources_value: Decimal = Decimal("0.00")
    allocated_value: Decimal = Decimal("0.00")
    allocations: int = 0
    bookings: int = 0
    bookings_done: int = 0
    home_visits: int = 0
    home_visits_done: int = 0
    seekers_registered: int = 0
    seekers_employed: int = 0
    referrals: int = 0
    adoptions_started: int = 0
    trees_adopted: int = 0
    care_logs: int = 0
    trees_cared: int = 0

    @classmethod
    def of(cls, row, prefix: str = PREFIX) -> Figures:
        """The figures ``with_figures`` put on ``row`` under ``prefix``."""
        return cls(**{field.name: getattr(row, f"{prefix}{field.name}") for field in fields(cls)})

    @property
    def fill_rate(self) -> int | None:
        """Percentage of the places offered that were taken (activities with a capacity)."""
        return _percent(self.capped_taken, self.capacity)

    @property
    def linked_three_share(self) -> int | None:
        """Percentage of the activities that linked at least three of the five forces."""
        return _percent(self.linked_three, self.activities)


assert set(MEASURES) == {field.name for field in fields(Figures)}, "a measure without a field"


def activities_by_kind(activities: models.QuerySet) -> list[tuple[str, int]]:
    """(kind label, count) for every kind, most first, in one grouped query."""
    counts = dict(
        activities.order_by()
        .values_list("kind")
        .annotate(count=Count("*"))  # kind and status are in the unit's index: no row read
        .values_list("kind", "count")
    )
    rows = [(label, counts.get(kind, 0)) for kind, label in Activity.Kind.choices]
    return sorted(rows, key=lambda row: -row[1])


def activities_by_month(level: str, unit_id: int, months, end) -> list[tuple[str, int]]:
    """(``2026-11``, count) for each of ``months`` (first days, in order) up to ``end``, from
    the unit's day rows in one grouped query; months without activities show 0."""
    days = DayFigures.objects.filter(day__gte=months[0], day__lte=end)
    days = days.filter(**{"community_id" if level == COMMUNITY else "street_id": unit_id})
    counts = dict(
        days.order_by()
        .annotate(month=TruncMonth("day"))
        .values_list("month")
        .annotate(count=Sum("activities"))
        .values_list("month", "count")
    )
    return [(f"{month:%Y-%m}", counts.get(month, 0)) for month in months]


def counted_in(level: str, unit_id: int, period: Period):
    """The activities counted for a community, or for a street (its communities' and its own
    street-wide ones)."""
    return _counted_activities(period).filter(
        **{"community_id" if level == COMMUNITY else "street_id": unit_id}
    )


@dataclass(frozen=True)
class Row:
    label: str
    value: int | Decimal | None
    kind: str = "count"  # "count", "hours", "money" or "percent": how to show the value


@dataclass(frozen=True)
class Section:
    title: str
    rows: list[Row]


def sections(figures: Figures) -> list[Section]:
    """The figures grouped by area, labelled, in the order every page and the ledger's summary
    show them."""
    f = figures
    return [
        Section(
            _("Activities and participation"),
            [
                Row(_("Activities"), f.activities),
                Row(_("Of which completed with a report"), f.completed),
                Row(_("Cancelled"), f.cancelled),
                Row(_("Places taken (signed up)"), f.signed_up),
                Row(_("Fill rate (places taken ÷ places offered)"), f.fill_rate, "percent"),
                Row(_("Checked in"), f.checked_in),
                Row(_("Attendance in reports"), f.attendance),
            ],
        ),
        Section(
            _("Five forces"),
            [
                Row(_("Activities linking at least three forces"), f.linked_three),
                Row(
                    _("Share of activities linking at least three forces"),
                    f.linked_three_share,
                    "percent",
                ),
                Row(_("With a social organisation"), f.with_organisation),
                Row(_("With a social worker"), f.with_social_worker),
                Row(_("With volunteers"), f.with_volunteers),
                Row(_("With charitable resources"), f.with_charity),
            ],
        ),
        Section(
            _("Volunteers"),
            [
                Row(_("Verified volunteer hours"), f.volunteer_hours, "hours"),
                Row(_("Volunteers active (verified service)"), f.volunteers_active),
                Row(_("Service records awaiting verification"), f.records_pending),
                Row(_("Registered volunteers (now)"), f.volunteers_registered),
            ],
        ),
        Section(
            _("Charitable resources"),
            [
                Row(_("Resources received"), f.resources_received),
                Row(_("Value received"), f.resources_value, "money"),
                Row(_("Allocations to activities"), f.allocations),
                Row(_("Value allocated"), f.allocated_value, "money"),
            ],
        ),
        Section(
            _("Service station"),
            [
                Row(_("Bookings (not cancelled)"), f.bookings),
                Row(_("Bookings done"), f.bookings_done),
                Row(_("Home visits booked"), f.home_visits),
                Row(_("Home visits done"), f.home_visits_done),
            ],
        ),
        Section(
            _("Jobs"),
            [
                Row(_("Job seekers registered"), f.seekers_registered),
                Row(_("Referrals to employers"), f.referrals),
                Row(_("Job seekers employed"), f.seekers_employed),
            ],
        ),
        Section(
            _("Trees"),
            [
                Row(_("Adoptions started"), f.adoptions_started),
                Row(_("Trees adopted (now)"), f.trees_adopted),
                Row(_("Care logged"), f.care_logs),
                Row(_("Trees cared for"), f.trees_cared),
            ],
        ),
    ]


def format_hours(value) -> str:
    """Hours as the ledger has them, without trailing zeros: 4.00 → "4", 2.50 → "2.5",
    2.25 → "2.25" (never rounded to one decimal: a report must agree with its ledger)."""
    amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{amount:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
