"""Writes for bookings: book a slot (online or at the desk), move it through its statuses, rate it.

A slot's ``TimeSlot`` row is locked (``select_for_update``) whenever its count changes, so two
people asking for the last place at the same moment cannot both get it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import ResidentProfile, SpecialGroup
from communities.permissions import scope_for
from governance_portal.notifications import notify, portal_language
from services.models import Booking, ServiceItem, TimeSlot
from services.slots import BOOKING_HORIZON_DAYS, slots_for, within_horizon


def _field_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def resident_groups(resident) -> set[str]:
    """The resident's current (verified, not revoked) special groups; 80 and over is also 60
    and over."""
    groups = set(
        SpecialGroup.objects.current().filter(resident=resident).values_list("group", flat=True)
    )
    if SpecialGroup.Group.ELDERLY_80 in groups:
        groups.add(SpecialGroup.Group.ELDERLY_60)
    return groups


def home_visit_allowed(item: ServiceItem, groups: set[str]) -> bool:
    if not item.home_visit:
        return False
    if not item.home_visit_only_for_special_groups:
        return True
    return bool(groups & set(item.special_groups))


def cancel_cutoff(booking: Booking) -> datetime:
    """Until when the resident may cancel online (later: by telephone, with the station)."""
    return booking.slot.starts_at - timedelta(hours=settings.SERVICE_CANCEL_CUTOFF_HOURS)


def resident_may_cancel(booking: Booking, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return booking.status in OPEN and now < cancel_cutoff(booking)


OPEN = (Booking.Status.REQUESTED, Booking.Status.CONFIRMED)


def _check_item_offered(item: ServiceItem) -> None:
    provider = item.provider
    if item.archived or provider.archived or provider.station.archived:
        raise ValidationError(_("This service is not offered any more."), code="archived")


def _check_resident(item: ServiceItem, resident, by) -> None:
    station = item.provider.station
    profile = ResidentProfile.objects.filter(user=resident).only("community_id").first()
    if profile is None or profile.community_id != station.community_id:
        raise ValidationError(
            _("Only residents of this station's community can book here."), code="community"
        )
    at_desk = by is not None and by.pk != resident.pk
    if at_desk and not scope_for(by).covers_community(station.community_id):
        raise ValidationError(
            _("You may book only for residents of your own community."), code="scope"
        )


def _check_start(item: ServiceItem, starts_at: datetime, now: datetime) -> datetime:
    """The slot's end for a start that is one of the item's free times."""
    if timezone.is_naive(starts_at):
        raise _field_error("starts_at", _("Choose one of the times offered."), "not_a_slot")
    if starts_at <= now:
        raise _field_error(
            "starts_at", _("This time has already passed; choose a later one."), "past"
        )
    day = timezone.localdate(starts_at)
    if not within_horizon(day, timezone.localdate(now)):
        message = _("Bookings open at most %(days)d days ahead; choose an earlier day.") % {
            "days": BOOKING_HORIZON_DAYS
        }
        raise _field_error("starts_at", message, "too_far")
    for slot in slots_for(item, day, now=now):
        if slot.starts_at == starts_at:
            return slot.ends_at
    raise _field_error(
        "starts_at", _("That is not one of the times offered; choose another."), "not_a_slot"
    )


def _check_home_visit(item: ServiceItem, groups: set[str], home_visit: bool, address: str):
    if not home_visit:
        return
    if not item.home_visit:
        raise _field_error("home_visit", _("This service has no home visits."), "no_home_visit")
    if not home_visit_allowed(item, groups):
        message = _(
            "Home visits are only for residents whom staff have verified as: %(groups)s. "
            "Ask at the service station to have this checked."
        ) % {"groups": "、".join(item.special_group_labels())}
        raise _field_error("home_visit", message, "not_eligible")
    if not address:
        raise _field_error(
            "address", _("Give the address where the home visit should take place."), "no_address"
        )


def _locked_slot(item: ServiceItem, starts_at: datetime, ends_at: datetime) -> TimeSlot:
    """The slot's row, created on its first booking, locked for this transaction."""
    if not TimeSlot.objects.filter(item=item, starts_at=starts_at).exists():
        try:
            # A savepoint: another request may create the same row first.
            with transaction.atomic():
                TimeSlot.objects.create(
                    item=item, starts_at=starts_at, ends_at=ends_at, capacity=item.slot_capacity
                )
        except IntegrityError:
            pass
    return TimeSlot.objects.select_for_update().get(item=item, starts_at=starts_at)


@transaction.atomic
def booking_create(
    *,
    item: ServiceItem,
    resident,
    starts_at: datetime,
    home_visit: bool = False,
    address: str = "",
    note: str = "",
    by,
) -> Booking:
    """Book ``item`` at ``starts_at`` for ``resident``: by themselves (``by`` is the resident) or
    by staff at the desk. Refuses with a ValidationError meant for the person booking."""
    now = timezone.now()
    item = ServiceItem.objects.select_related("provider__station").get(pk=item.pk)
    address = (address or "").strip()
    _check_item_offered(item)
    _check_resident(item, resident, by)
    ends_at = _check_start(item, starts_at, now)
    groups = resident_groups(resident)
    _check_home_visit(item, groups, home_visit, address)

    slot = _locked_slot(item, starts_at, ends_at)
    if Booking.objects.holding().filter(slot=slot, resident=resident).exists():
        raise _field_error("starts_at", _("You already have this time booked."), "duplicate")
    # The item's current capacity counts; never below the places already taken.
    slot.capacity = max(item.slot_capacity, slot.taken)
    if slot.taken >= slot.capacity:
        raise _field_error("starts_at", _("This time is fully booked; choose another."), "full")
    booking = Booking(
        item=item,
        slot=slot,
        resident=resident,
        home_visit=home_visit,
        address=address if home_visit else "",
        note=note,
        price=item.price_for(groups),
        booked_by=by if by is not None and by.pk != resident.pk else None,
    )
    booking.full_clean()
    booking.save()
    slot.taken += 1
    slot.save(update_fields=["capacity", "taken"])
    return booking


def _locked_booking(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("item__provider__station", "slot", "resident")
        .get(pk=booking.pk)
    )


def _check_staff(booking: Booking, by) -> None:
    if not scope_for(by).covers_community(booking.item.provider.station.community_id):
        raise ValidationError(_("This booking is not in your community."), code="scope")


def _set_status(booking: Booking, status: str) -> Booking:
    booking.status = status
    booking.status_changed_at = timezone.now()
    booking.save(update_fields=["status", "status_changed_at"])
    return booking


def _free_place(booking: Booking) -> None:
    slot = TimeSlot.objects.select_for_update().get(pk=booking.slot_id)
    slot.taken = max(slot.taken - 1, 0)
    slot.save(update_fields=["taken"])


def _tell(booking: Booking, message: str) -> None:
    notify(user=booking.resident, message=message, url=reverse("services:booking_mine"))


def _when(booking: Booking) -> str:
    return timezone.localtime(booking.slot.starts_at).strftime("%Y-%m-%d %H:%M")


@transaction.atomic
def booking_confirm(*, booking: Booking, by) -> Booking:
    booking = _locked_booking(booking)
    _check_staff(booking, by)
    if booking.status != Booking.Status.REQUESTED:
        raise ValidationError(_("Only a requested booking can be confirmed."), code="status")
    _set_status(booking, Booking.Status.CONFIRMED)
    with portal_language():
        message = _("Your booking of “%(item)s” on %(date)s is confirmed.") % {
            "item": booking.item.name,
            "date": _when(booking),
        }
    _tell(booking, message)
    return booking


def _check_begun(booking: Booking) -> None:
    if booking.status not in OPEN:
        raise ValidationError(_("This booking is already closed."), code="status")
    if booking.slot.starts_at > timezone.now():
        raise ValidationError(
            _("A booking can be marked done or not come only once its time has begun."),
            code="not_begun",
        )


@transaction.atomic
def booking_done(*, booking: Booking, by) -> Booking:
    booking = _locked_booking(booking)
    _check_staff(booking, by)
    _check_begun(booking)
    return _set_status(booking, Booking.Status.DONE)


@transaction.atomic
def booking_no_show(*, booking: Booking, by) -> Booking:
    booking = _locked_booking(booking)
    _check_staff(booking, by)
    _check_begun(booking)
    _set_status(booking, Booking.Status.NO_SHOW)
    _free_place(booking)
    return booking


@transaction.atomic
def booking_cancel(*, booking: Booking, by) -> Booking:
    """The resident cancels before the cut-off; staff in scope at any time before it is done.
    The place becomes free again."""
    booking = _locked_booking(booking)
    by_resident = by.pk == booking.resident_id
    if not by_resident:
        _check_staff(booking, by)
    if booking.status not in OPEN:
        raise ValidationError(_("This booking is already closed."), code="status")
    if by_resident and not resident_may_cancel(booking):
        raise ValidationError(
            _(
                "It is too late to cancel online (%(hours)s hours before the time). "
                "Please call the service station on %(phone)s."
            )
            % {
                "hours": settings.SERVICE_CANCEL_CUTOFF_HOURS,
                "phone": booking.item.provider.station.contact_phone,
            },
            code="too_late",
        )
    _set_status(booking, Booking.Status.CANCELLED)
    _free_place(booking)
    if not by_resident:
        with portal_language():
            message = _(
                "Your booking of “%(item)s” on %(date)s was cancelled by the service station."
            ) % {"item": booking.item.name, "date": _when(booking)}
        _tell(booking, message)
    return booking


@transaction.atomic
def booking_rate(*, booking: Booking, resident, rating: int, comment: str = "") -> Booking:
    """The resident rates a done booking once: 1–5 stars and an optional comment."""
    booking = _locked_booking(booking)
    if booking.resident_id != resident.pk:
        raise ValidationError(_("You can rate only your own bookings."), code="not_yours")
    if booking.status != Booking.Status.DONE:
        raise ValidationError(_("You can rate a service once it is done."), code="not_done")
    if booking.rating is not None:
        raise ValidationError(_("You have already rated this service."), code="rated")
    booking.rating = rating
    booking.comment = (comment or "").strip()
    booking.full_clean()
    booking.save(update_fields=["rating", "comment"])
    return booking


@transaction.atomic
def booking_close_for_anonymisation(*, booking: Booking) -> Booking:
    """The resident's account is being anonymised: an open booking is cancelled and its place
    freed, without telling anyone (communities.privacy runs this)."""
    booking = _locked_booking(booking)
    if booking.status in OPEN:
        _set_status(booking, Booking.Status.CANCELLED)
        _free_place(booking)
    return booking
