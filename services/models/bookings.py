"""Bookings of service items in time slots; a slot's count is kept on a row that the booking
transaction locks, so a slot is never overbooked, even under concurrent requests."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from services.models.stations import MONEY, ServiceItem


class TimeSlot(models.Model):
    """One item's slot at one start time, created on its first booking: ``taken`` counts the
    bookings holding it (requested, confirmed or done)."""

    item = models.ForeignKey(
        ServiceItem, models.PROTECT, related_name="slots", verbose_name=_("service item")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    taken = models.PositiveSmallIntegerField(_("taken"), default=0)

    class Meta:
        verbose_name = _("time slot")
        verbose_name_plural = _("time slots")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["item", "starts_at"], name="services_timeslot_once"),
            models.CheckConstraint(
                condition=Q(taken__lte=F("capacity")), name="services_timeslot_never_overbooked"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


class BookingQuerySet(models.QuerySet):
    def in_scope(self, scope) -> BookingQuerySet:
        if scope.everything:
            return self
        return self.filter(item__provider__station__community_id__in=scope.community_ids)

    def holding(self) -> BookingQuerySet:
        return self.filter(status__in=Booking.HOLDING)


class Booking(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        CONFIRMED = "confirmed", _("Confirmed")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")
        NO_SHOW = "no_show", _("No-show")

    HOLDING = (Status.REQUESTED, Status.CONFIRMED, Status.DONE)

    item = models.ForeignKey(
        ServiceItem, models.PROTECT, related_name="bookings", verbose_name=_("service item")
    )
    slot = models.ForeignKey(
        TimeSlot, models.PROTECT, related_name="bookings", verbose_name=_("time slot")
    )
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="service_bookings",
        verbose_name=_("resident"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    home_visit = models.BooleanField(_("home visit"), default=False)
    address = models.CharField(_("address for the home visit"), max_length=200, blank=True)
    price = models.DecimalField(_("price (CNY)"), **MONEY)
    note = models.CharField(_("note"), max_length=300, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("booked at the desk by"),
    )
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["slot__starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(rating__gte=1) & Q(rating__lte=5)),
                name="services_booking_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(home_visit=False) | ~Q(address=""),
                name="services_booking_home_visit_has_address",
            ),
        ]
        indexes = [
            # 我的预约 and the staff day list.
            models.Index(fields=["resident", "-created_at"], name="booking_resident_recent"),
            models.Index(fields=["item", "status"], name="booking_item_status"),
        ]

    def __str__(self) -> str:
        return f"{self.item} · {timezone.localtime(self.slot.starts_at):%Y-%m-%d %H:%M}"
