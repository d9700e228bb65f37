"""The organisation tree: District → Street → Community → Compound (小区)."""

from __future__ import annotations

import secrets

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def new_token() -> str:
    return secrets.token_urlsafe(24)


class OfficeFields(models.Model):
    """Where and when residents can find an office (街道办 or 社区居委会)."""

    office_address = models.CharField(_("office address"), max_length=200, blank=True)
    office_hours = models.CharField(
        _("office hours"),
        max_length=200,
        blank=True,
        help_text=_("For example: Mon–Fri 8:30–12:00, 14:30–17:30"),
    )
    office_phone = models.CharField(_("office phone"), max_length=30, blank=True)

    class Meta:
        abstract = True


class District(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Street(OfficeFields):
    district = models.ForeignKey(
        District, models.PROTECT, related_name="streets", verbose_name=_("district")
    )
    name = models.CharField(_("name"), max_length=50)
    introduction = models.TextField(_("introduction"), blank=True)

    class Meta:
        verbose_name = pgettext_lazy("subdistrict", "street")
        verbose_name_plural = pgettext_lazy("subdistrict", "streets")
        ordering = ["district__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name"], name="communities_street_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("communities:street_detail", args=[self.pk])


class CommunityQuerySet(models.QuerySet):
    def in_scope(self, scope) -> CommunityQuerySet:
        """Communities the holder of ``scope`` may act on (see communities.permissions)."""
        if scope.everything:
            return self
        return self.filter(pk__in=scope.community_ids)


class Community(OfficeFields):
    street = models.ForeignKey(
        Street,
        models.PROTECT,
        related_name="communities",
        verbose_name=pgettext_lazy("subdistrict", "street"),
    )
    name = models.CharField(_("name"), max_length=50)
    introduction = models.TextField(_("introduction"), blank=True)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["street__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["street", "name"], name="communities_community_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("communities:community_detail", args=[self.pk])


class CompoundQuerySet(models.QuerySet):
    def in_scope(self, scope) -> CompoundQuerySet:
        if scope.everything:
            return self
        return self.filter(community_id__in=scope.community_ids)


class Compound(models.Model):
    """A residential compound (小区) inside a community."""

    community = models.ForeignKey(
        Community, models.PROTECT, related_name="compounds", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=80)
    address = models.CharField(_("address"), max_length=200, blank=True)
    property_company = models.CharField(
        _("property management company"), max_length=100, blank=True
    )

    objects = CompoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("compound")
        verbose_name_plural = _("compounds")
        ordering = ["community__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"], name="communities_compound_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name
