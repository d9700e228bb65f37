"""Convenience service stations (便民服务站), their providers, weekly hours and priced items."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.models import Community, SpecialGroup
from communities.validators import validate_mainland_mobile

MONEY = {"max_digits": 10, "decimal_places": 2}


class StationQuerySet(models.QuerySet):
    def in_scope(self, scope) -> StationQuerySet:
        if scope.everything:
            return self
        return self.filter(community_id__in=scope.community_ids)

    def active(self) -> StationQuerySet:
        return self.filter(archived=False)


class ServiceStation(models.Model):
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="service_stations", verbose_name=_("community")
    )
    name = models.CharField(
        _("name"), max_length=80, help_text=_("For example: 和泰社区便民服务站")
    )
    address = models.CharField(_("address"), max_length=200)
    opening_hours = models.CharField(
        _("opening hours"), max_length=200, help_text=_("For example: 周一至周六 8:30–17:30")
    )
    contact_phone = models.CharField(_("contact telephone"), max_length=20)
    description = models.TextField(pgettext_lazy("service", "description"), blank=True)
    archived = models.BooleanField(_("archived"), default=False)

    objects = StationQuerySet.as_manager()

    class Meta:
        verbose_name = _("service station")
        verbose_name_plural = _("service stations")
        ordering = ["community__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"], name="services_servicestation_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("services:station_detail", args=[self.pk])


class ProviderQuerySet(models.QuerySet):
    def in_scope(self, scope) -> ProviderQuerySet:
        if scope.everything:
            return self
        return self.filter(station__community_id__in=scope.community_ids)

    def active(self) -> ProviderQuerySet:
        return self.filter(archived=False, station__archived=False)


class ServiceProvider(models.Model):
    class Category(models.TextChoices):
        MASSAGE = "massage", _("Massage and acupuncture")
        BARBER = "barber", _("Barber")
        HOUSEKEEPING = "housekeeping", _("Housekeeping")
        HOUSING_AGENCY = "housing_agency", _("Housing agency")
        FARM_PRODUCE = "farm_produce", _("Farm produce")
        OTHER = "other", _("Other")

    station = models.ForeignKey(
        ServiceStation, models.PROTECT, related_name="providers", verbose_name=_("station")
    )
    name = models.CharField(_("name"), max_length=80, help_text=_("For example: 针灸按摩馆"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(
        _("contact mobile"), max_length=11, blank=True, validators=[validate_mainland_mobile]
    )
    description = models.TextField(pgettext_lazy("service", "description"), blank=True)
    archived = models.BooleanField(_("archived"), default=False)

    objects = ProviderQuerySet.as_manager()

    class Meta:
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")
        ordering = ["station", "category", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "name"], name="services_serviceprovider_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class WorkingHours(models.Model):
    """One stretch of a provider's weekly working hours (Monday 9:00–12:00…); slots come from
    these and the item's duration."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    provider = models.ForeignKey(
        ServiceProvider, models.CASCADE, related_name="hours", verbose_name=_("provider")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(pgettext_lazy("hours", "from"))
    closes = models.TimeField(pgettext_lazy("hours", "until"))

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")),
                name="services_workinghours_closes_after_opening",
                violation_error_message=_("The hours must end after they start."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class ItemQuerySet(models.QuerySet):
    def in_scope(self, scope) -> ItemQuerySet:
        if scope.everything:
            return self
        return self.filter(provider__station__community_id__in=scope.community_ids)

    def active(self) -> ItemQuerySet:
        return self.filter(
            archived=False, provider__archived=False, provider__station__archived=False
        )


class ServiceItem(models.Model):
    provider = models.ForeignKey(
        ServiceProvider, models.PROTECT, related_name="items", verbose_name=_("provider")
    )
    name = models.CharField(_("name"), max_length=80, help_text=_("For example: 上门义剪"))
    description = models.TextField(pgettext_lazy("service", "description"), blank=True)
    price = models.DecimalField(
        _("price (CNY)"), **MONEY, validators=[MinValueValidator(Decimal("0"))]
    )
    special_price = models.DecimalField(
        _("price for special groups (CNY)"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("0 for free. Empty: no special price."),
    )
    special_groups = models.JSONField(
        _("special groups"),
        default=list,
        blank=True,
        help_text=_("Residents in any of these groups pay the special price."),
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(480)],
    )
    slot_capacity = models.PositiveSmallIntegerField(
        _("bookings per time slot"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    home_visit = models.BooleanField(
        _("home visit"), default=False, help_text=_("The provider comes to the resident's home.")
    )
    home_visit_only_for_special_groups = models.BooleanField(
        _("home visits only for special groups"), default=True
    )
    archived = models.BooleanField(_("archived"), default=False)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["provider", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "name"], name="services_serviceitem_unique_name"
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0)
                & (Q(special_price__isnull=True) | Q(special_price__gte=0)),
                name="services_serviceitem_prices_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("services:item_detail", args=[self.pk])

    def special_group_labels(self) -> list[str]:
        labels = dict(SpecialGroup.Group.choices)
        return [str(labels[g]) for g in self.special_groups if g in labels]

    def price_for(self, groups: set[str]) -> Decimal:
        """What a resident in ``groups`` pays."""
        if self.special_price is not None and groups & set(self.special_groups):
            return self.special_price
        return self.price
