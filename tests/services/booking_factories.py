"""Test data for bookings: an item open every day, slots ahead, verified special groups."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from communities import actions as community_actions
from communities.models import SpecialGroup
from services.actions import bookings as actions
from services.models import Booking, ServiceItem, TimeSlot, WorkingHours
from tests.services.factories import (
    ServiceItemFactory,
    ServiceProviderFactory,
    ServiceStationFactory,
)


def make_item(community, *, hours=(time(8, 0), time(18, 0)), provider=None, **fields):
    """An item of a barber at a station of ``community``, working every day."""
    if provider is None:
        station = ServiceStationFactory(community=community)
        provider = ServiceProviderFactory(station=station)
        for weekday in range(7):
            WorkingHours.objects.create(
                provider=provider, weekday=weekday, opens=hours[0], closes=hours[1]
            )
    return ServiceItemFactory(provider=provider, **fields)


def home_haircut(community, **fields) -> ServiceItem:
    """上门义剪: ¥15, free for the verified 80+ and disabled, home visits only for them."""
    defaults = {
        "name": "上门义剪",
        "price": Decimal("15.00"),
        "special_price": Decimal("0.00"),
        "special_groups": [SpecialGroup.Group.ELDERLY_80, SpecialGroup.Group.DISABLED],
        "home_visit": True,
        "home_visit_only_for_special_groups": True,
    }
    return make_item(community, **{**defaults, **fields})


def at(days: int, hour: int = 9, minute: int = 0) -> datetime:
    """A local moment ``days`` from today."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def verify(resident, group=SpecialGroup.Group.ELDERLY_80, *, by) -> SpecialGroup:
    return community_actions.special_group_add(
        resident=resident, group=group, proof_seen="身份证", by=by
    )


def book(item, resident, starts_at=None, **kwargs) -> Booking:
    kwargs.setdefault("by", resident)
    return actions.booking_create(
        item=item, resident=resident, starts_at=starts_at or at(2), **kwargs
    )


def move_into_past(booking: Booking, hours: int = 3) -> Booking:
    """As if the booking's time came and went (times cannot be booked in the past)."""
    start = timezone.now() - timedelta(hours=hours)
    TimeSlot.objects.filter(pk=booking.slot_id).update(
        starts_at=start, ends_at=start + timedelta(minutes=30)
    )
    return Booking.objects.select_related("slot").get(pk=booking.pk)
