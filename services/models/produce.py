"""Farm produce the village work team (驻村工作队) brings: products with stock, reservations."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from services.models.stations import MONEY, ServiceProvider


class ProductQuerySet(models.QuerySet):
    def in_scope(self, scope) -> ProductQuerySet:
        if scope.everything:
            return self
        return self.filter(provider__station__community_id__in=scope.community_ids)

    def on_offer(self) -> ProductQuerySet:
        return self.filter(
            archived=False, provider__archived=False, provider__station__archived=False
        )


class Product(models.Model):
    provider = models.ForeignKey(
        ServiceProvider,
        models.PROTECT,
        related_name="products",
        verbose_name=_("provider"),
        limit_choices_to={"category": ServiceProvider.Category.FARM_PRODUCE},
    )
    name = models.CharField(_("name"), max_length=80, help_text=_("For example: 小米, 土鸡蛋"))
    origin_village = models.CharField(
        _("origin village"), max_length=80, help_text=_("For example: 新菜区")
    )
    unit = models.CharField(_("unit"), max_length=10, help_text=_("For example: 斤, 盒, 袋"))
    price = models.DecimalField(
        _("price per unit (CNY)"), **MONEY, validators=[MinValueValidator(Decimal("0"))]
    )
    stock = models.PositiveIntegerField(_("in stock"), validators=[MaxValueValidator(1_000_000)])
    pickup_time = models.CharField(
        _("pickup time"), max_length=100, help_text=_("For example: 每周六 9:00–11:00 在服务站")
    )
    archived = models.BooleanField(_("archived"), default=False)

    objects = ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("farm product")
        verbose_name_plural = _("farm products")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stock__gte=0), name="services_product_stock_not_negative"
            ),
            models.UniqueConstraint(
                fields=["provider", "name"], name="services_product_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Reservation(models.Model):
    class Status(models.TextChoices):
        RESERVED = "reserved", _("Reserved")
        PICKED_UP = "picked_up", _("Picked up")
        CANCELLED = "cancelled", _("Cancelled")

    product = models.ForeignKey(
        Product, models.PROTECT, related_name="reservations", verbose_name=_("product")
    )
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="produce_reservations",
        verbose_name=_("resident"),
    )
    quantity = models.PositiveIntegerField(
        _("quantity"), validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    price = models.DecimalField(_("total (CNY)"), **MONEY)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RESERVED
    )
    created_at = models.DateTimeField(_("reserved at"), auto_now_add=True)
    picked_up_at = models.DateTimeField(_("picked up at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="services_reservation_quantity_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product} × {self.quantity}"
