"""Bookable time slots of a service item, computed from its provider's weekly working hours.

A slot is not a row until someone books it: ``slots_for`` steps through the hours of that
weekday by the item's duration and reads the places already taken from the day's ``TimeSlot``
rows in one query. The booking action re-checks the chosen start against the same list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from services.models import ServiceItem, TimeSlot, WorkingHours

#: How far ahead residents and the desk may book.
BOOKING_HORIZON_DAYS = 30
#: How many days the booking pages offer as buttons.
DAYS_SHOWN = 14


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime
    capacity: int
    taken: int = 0

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def is_full(self) -> bool:
        return self.places_left == 0

    @property
    def value(self) -> str:
        """The slot as a form value: its local start, ``2026-12-01T09:30``."""
        return timezone.localtime(self.starts_at).strftime(SLOT_FORMAT)


SLOT_FORMAT = "%Y-%m-%dT%H:%M"


def local_moment(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at), timezone.get_default_timezone())


def bookable_days(today: date | None = None, count: int = DAYS_SHOWN) -> list[date]:
    today = today or timezone.localdate()
    return [today + timedelta(days=offset) for offset in range(count)]


def within_horizon(day: date, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return today <= day <= today + timedelta(days=BOOKING_HORIZON_DAYS)


def slots_for(
    item: ServiceItem, day: date, *, now: datetime | None = None, hours=None
) -> list[Slot]:
    """The item's slots on ``day`` that have not started yet, with the places left.

    ``hours``: the provider's ``WorkingHours`` of that weekday when the caller has them (else one
    query). Days before today or beyond the booking horizon have no slots.
    """
    now = now or timezone.now()
    if not within_horizon(day, timezone.localdate(now)):
        return []
    if hours is None:
        hours = WorkingHours.objects.filter(provider_id=item.provider_id, weekday=day.weekday())
    step = timedelta(minutes=item.duration_minutes)
    starts: dict[datetime, datetime] = {}
    for stretch in hours:
        if stretch.weekday != day.weekday():
            continue
        start, closes = local_moment(day, stretch.opens), local_moment(day, stretch.closes)
        while start + step <= closes:
            if start > now:
                starts.setdefault(start, start + step)
            start += step
    if not starts:
        return []
    taken = dict(
        TimeSlot.objects.filter(
            item=item,
            starts_at__gte=local_moment(day, time.min),
            starts_at__lt=local_moment(day + timedelta(days=1), time.min),
        ).values_list("starts_at", "taken")
    )
    return [
        Slot(
            starts_at=start,
            ends_at=ends,
            capacity=item.slot_capacity,
            taken=taken.get(start, 0),
        )
        for start, ends in sorted(starts.items())
    ]


def parse_slot_value(value: str) -> datetime | None:
    """A slot's form value back to an aware datetime (``None`` when it is not one)."""
    try:
        naive = datetime.strptime(value, SLOT_FORMAT)
    except (TypeError, ValueError):
        return None
    if not 2000 <= naive.year <= 2100:
        return None
    return timezone.make_aware(naive, timezone.get_default_timezone())
