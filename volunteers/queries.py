"""Reads that pages share: a volunteer's hours by status, stars, the rankings.

Every figure is an aggregate over service records in SQL; none is a stored counter.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from volunteers.models import ServiceRecord, Volunteer, star_level
from volunteers.models.people import thresholds_for

RANKING_SIZE = 50
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class HourTotals:
    verified: Decimal
    pending: Decimal
    rejected: Decimal
    records: int


def hour_totals(volunteer: Volunteer) -> HourTotals:
    """One query: hours per status."""
    Status = ServiceRecord.Status
    totals = volunteer.service_records.aggregate(
        verified=Sum("hours", filter=Q(status=Status.VERIFIED)),
        pending=Sum("hours", filter=Q(status=Status.PENDING)),
        rejected=Sum("hours", filter=Q(status=Status.REJECTED)),
        records=Count("pk"),
    )
    return HourTotals(
        verified=totals["verified"] or ZERO,
        pending=totals["pending"] or ZERO,
        rejected=totals["rejected"] or ZERO,
        records=totals["records"],
    )


@dataclass(frozen=True)
class Stars:
    level: int
    hours: Decimal
    thresholds: tuple[Decimal, ...]

    @property
    def next_threshold(self) -> Decimal | None:
        return self.thresholds[self.level] if self.level < len(self.thresholds) else None

    @property
    def hours_to_next(self) -> Decimal | None:
        following = self.next_threshold
        return None if following is None else following - self.hours

    @property
    def filled(self) -> range:
        return range(self.level)

    @property
    def empty(self) -> range:
        return range(len(self.thresholds) - self.level)


def stars_for(volunteer: Volunteer, verified_hours: Decimal) -> Stars:
    thresholds = thresholds_for(volunteer.community.street_id)
    return Stars(star_level(verified_hours, thresholds), verified_hours, thresholds)


def ranking(*, community=None, street=None, limit: int = RANKING_SIZE):
    """Approved volunteers of a community (or of a street's communities) by verified hours,
    most first; only those with verified hours. One query."""
    volunteers = Volunteer.objects.approved().with_hours().filter(verified_hours__gt=0)
    if community is not None:
        volunteers = volunteers.filter(community=community)
    elif street is not None:
        volunteers = volunteers.filter(community__street=street)
    return volunteers.select_related("user", "community", "team").order_by("-verified_hours", "pk")[
        :limit
    ]
