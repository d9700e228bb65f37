"""Writes for stations, providers (with their weekly hours) and service items."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import SpecialGroup
from services.models import ServiceItem, ServiceProvider, ServiceStation, WorkingHours

STATION_FIELDS = ("community", "name", "address", "opening_hours", "contact_phone", "description")
PROVIDER_FIELDS = ("name", "category", "contact_name", "contact_phone", "description")
ITEM_FIELDS = (
    "name",
    "description",
    "price",
    "special_price",
    "special_groups",
    "duration_minutes",
    "slot_capacity",
    "home_visit",
    "home_visit_only_for_special_groups",
)

Hours = tuple[int, time, time]


def _apply(instance, changes: dict, allowed: Iterable[str]) -> None:
    for name, value in changes.items():
        if name not in allowed:
            raise ValueError(f"{name} cannot be changed here")
        setattr(instance, name, value)


@transaction.atomic
def station_create(*, by, **fields) -> ServiceStation:
    station = ServiceStation()
    _apply(station, fields, STATION_FIELDS)
    station.full_clean()
    station.save()
    return station


@transaction.atomic
def station_update(*, station: ServiceStation, by, changes: dict) -> ServiceStation:
    _apply(station, changes, (*STATION_FIELDS, "archived"))
    station.full_clean()
    station.save()
    return station


def check_hours(hours: Iterable[Hours]) -> list[Hours]:
    """Sorted hours, refused when one ends before it starts or two overlap on one weekday."""
    labels = dict(WorkingHours.Weekday.choices)
    ordered = sorted(hours)
    for weekday, opens, closes in ordered:
        if closes <= opens:
            raise ValidationError(
                _("%(day)s: the hours must end after they start.") % {"day": labels[weekday]}
            )
    for (day_a, _opens_a, closes_a), (day_b, opens_b, _closes_b) in zip(
        ordered, ordered[1:], strict=False
    ):
        if day_a == day_b and opens_b < closes_a:
            raise ValidationError(
                _("%(day)s: two stretches of working hours overlap. Join them or change one.")
                % {"day": labels[day_a]}
            )
    return ordered


def _set_hours(provider: ServiceProvider, hours: Iterable[Hours]) -> None:
    ordered = check_hours(hours)
    provider.hours.all().delete()
    rows = [
        WorkingHours(provider=provider, weekday=weekday, opens=opens, closes=closes)
        for weekday, opens, closes in ordered
    ]
    for row in rows:
        row.full_clean()
    WorkingHours.objects.bulk_create(rows)


@transaction.atomic
def provider_create(
    *, station: ServiceStation, by, hours: Iterable[Hours] = (), **fields
) -> ServiceProvider:
    provider = ServiceProvider(station=station)
    _apply(provider, fields, PROVIDER_FIELDS)
    provider.full_clean()
    provider.save()
    _set_hours(provider, hours)
    return provider


@transaction.atomic
def provider_update(
    *, provider: ServiceProvider, by, changes: dict, hours: Iterable[Hours] | None = None
) -> ServiceProvider:
    """Save the provider's changes; ``hours`` (when given) replace its weekly hours."""
    _apply(provider, changes, (*PROVIDER_FIELDS, "archived"))
    provider.full_clean()
    provider.save()
    if hours is not None:
        _set_hours(provider, hours)
    return provider


def _check_item(item: ServiceItem) -> None:
    known = set(SpecialGroup.Group.values)
    if not isinstance(item.special_groups, list) or not set(item.special_groups) <= known:
        raise ValidationError({"special_groups": _("Choose special groups from the list.")})
    if item.special_price is not None and not item.special_groups:
        raise ValidationError(
            {"special_groups": _("Choose who pays the special price, or leave the price empty.")}
        )
    if item.special_price is not None and item.special_price > item.price:
        raise ValidationError(
            {"special_price": _("The special price must not be higher than the normal price.")}
        )
    if item.home_visit_only_for_special_groups and item.home_visit and not item.special_groups:
        raise ValidationError(
            {
                "special_groups": _(
                    "Home visits are only for special groups: choose at least one group."
                )
            }
        )


@transaction.atomic
def item_create(*, provider: ServiceProvider, by, **fields) -> ServiceItem:
    if provider.category == ServiceProvider.Category.FARM_PRODUCE:
        raise ValidationError(_("Farm produce is listed as products, not as service items."))
    item = ServiceItem(provider=provider)
    _apply(item, fields, ITEM_FIELDS)
    item.full_clean()
    _check_item(item)
    item.save()
    return item


def _has_future_bookings(item: ServiceItem) -> bool:
    from services.models import Booking

    return Booking.objects.filter(
        item=item,
        status__in=(Booking.Status.REQUESTED, Booking.Status.CONFIRMED),
        slot__starts_at__gte=timezone.now(),
    ).exists()


@transaction.atomic
def item_update(*, item: ServiceItem, by, changes: dict) -> ServiceItem:
    new_duration = changes.get("duration_minutes", item.duration_minutes)
    if new_duration != item.duration_minutes and _has_future_bookings(item):
        # Slots are counted by their start time: a new grid would not see the booked places.
        raise ValidationError(
            {
                "duration_minutes": _(
                    "This item has bookings to come; its duration can change once they are "
                    "done or cancelled. Create a new item for the new duration instead."
                )
            }
        )
    _apply(item, changes, (*ITEM_FIELDS, "archived"))
    item.full_clean()
    _check_item(item)
    item.save()
    return item
