"""Volunteers, their teams, and the star-level thresholds of each street."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.models import Community, ScopedQuerySet, Street

#: 中国社区志愿者注册管理办法 第十八条: one to five stars at these verified hours.
DEFAULT_STAR_THRESHOLDS = (
    Decimal("100"),
    Decimal("300"),
    Decimal("600"),
    Decimal("1000"),
    Decimal("1500"),
)


def star_level(hours: Decimal | None, thresholds=DEFAULT_STAR_THRESHOLDS) -> int:
    """Stars (0–5) for ``hours`` verified hours: each threshold reached is one star."""
    hours = hours or Decimal("0")
    return sum(1 for threshold in thresholds if hours >= threshold)


class StarPolicy(models.Model):
    """A street's own thresholds for 星级志愿者 (streets without one use the defaults)."""

    street = models.OneToOneField(
        Street,
        models.CASCADE,
        related_name="star_policy",
        verbose_name=pgettext_lazy("subdistrict", "street"),
    )
    one_star = models.DecimalField(_("one star from (hours)"), max_digits=7, decimal_places=2)
    two_stars = models.DecimalField(_("two stars from (hours)"), max_digits=7, decimal_places=2)
    three_stars = models.DecimalField(_("three stars from (hours)"), max_digits=7, decimal_places=2)
    four_stars = models.DecimalField(_("four stars from (hours)"), max_digits=7, decimal_places=2)
    five_stars = models.DecimalField(_("five stars from (hours)"), max_digits=7, decimal_places=2)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("updated by")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    FIELDS = ("one_star", "two_stars", "three_stars", "four_stars", "five_stars")

    class Meta:
        verbose_name = _("star-level thresholds")
        verbose_name_plural = _("star-level thresholds")

    def __str__(self) -> str:
        return f"{self.street} · {' / '.join(str(t) for t in self.thresholds)}"

    @property
    def thresholds(self) -> tuple[Decimal, ...]:
        return tuple(getattr(self, name) for name in self.FIELDS)

    def clean(self) -> None:
        values = self.thresholds
        if any(value is None for value in values):
            return
        if values[0] <= 0:
            raise ValidationError({"one_star": _("The first threshold must be above zero.")})
        for name, before, after in zip(self.FIELDS[1:], values, values[1:], strict=False):
            if after <= before:
                raise ValidationError({name: _("Each star needs more hours than the one before.")})


def thresholds_for(street_id: int | None) -> tuple[Decimal, ...]:
    policy = StarPolicy.objects.filter(street_id=street_id).first() if street_id else None
    return policy.thresholds if policy else DEFAULT_STAR_THRESHOLDS


class VolunteerTeam(models.Model):
    """A volunteer team (志愿服务队) of a community, or of the whole street."""

    name = models.CharField(_("name"), max_length=100)
    street = models.ForeignKey(
        Street,
        models.PROTECT,
        related_name="volunteer_teams",
        verbose_name=pgettext_lazy("subdistrict", "street"),
    )
    community = models.ForeignKey(
        Community,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteer_teams",
        verbose_name=_("community"),
        help_text=_("Empty: a team of the whole street."),
    )
    description = models.TextField(_("description"), blank=True)
    archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["street", "name"],
                name="volunteers_team_name_unique_in_street",
                violation_error_message=_("The street already has a team of this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def unit_name(self) -> str:
        return self.community.name if self.community_id else self.street.name

    def clean(self) -> None:
        if self.community_id and self.street_id and self.community.street_id != self.street_id:
            raise ValidationError(
                {"community": _("This community does not belong to the chosen street.")}
            )

    def accepts(self, community: Community) -> bool:
        """Whether a volunteer of ``community`` may join this team."""
        if self.community_id:
            return self.community_id == community.pk
        return self.street_id == community.street_id


class VolunteerQuerySet(models.QuerySet):
    def in_scope(self, scope) -> VolunteerQuerySet:
        if scope.everything:
            return self
        return self.filter(community_id__in=scope.community_ids)

    def approved(self) -> VolunteerQuerySet:
        return self.filter(status=Volunteer.Status.APPROVED)

    def with_hours(self) -> VolunteerQuerySet:
        """Annotate ``verified_hours``: always the sum of verified records, never a counter."""
        from volunteers.models.records import ServiceRecord

        verified = (
            ServiceRecord.objects.filter(
                volunteer=models.OuterRef("pk"), status=ServiceRecord.Status.VERIFIED
            )
            .order_by()
            .values("volunteer")
            .annotate(total=Sum("hours"))
            .values("total")
        )
        return self.annotate(
            verified_hours=Coalesce(
                models.Subquery(verified, output_field=models.DecimalField()),
                models.Value(Decimal("0")),
                output_field=models.DecimalField(max_digits=9, decimal_places=2),
            )
        )


class Volunteer(models.Model):
    """A registered volunteer: always a portal account (registered online or at the desk)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        LEFT = "left", _("Left")

    class Availability(models.TextChoices):
        WEEKDAY_DAYTIME = "weekday_daytime", _("Weekday daytime")
        WEEKDAY_EVENINGS = "weekday_evenings", _("Weekday evenings")
        WEEKENDS = "weekends", _("Weekends")
        HOLIDAYS = "holidays", _("Public holidays")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="volunteer",
        verbose_name=_("account"),
    )
    community = models.ForeignKey(
        Community,
        models.PROTECT,
        related_name="volunteers",
        verbose_name=_("community"),
        help_text=_("The community where the volunteer prefers to serve."),
    )
    team = models.ForeignKey(
        VolunteerTeam,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("team"),
    )
    leads_team = models.BooleanField(_("team leader"), default=False)
    skills = models.CharField(
        _("skills"),
        max_length=200,
        blank=True,
        help_text=_("For example: 理发, 急救, 摄影, 书法"),
    )
    availability = models.JSONField(_("availability"), default=list, blank=True)
    availability_note = models.CharField(
        _("availability, in your words"), max_length=200, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decision_reason = models.CharField(_("reason"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered at the desk by"),
    )
    full_name_in_ranking = models.BooleanField(
        _("show my full name in the ranking"),
        default=False,
        help_text=_("Otherwise the ranking shows your surname only."),
    )
    honours = models.TextField(
        _("honours and awards"),
        blank=True,
        help_text=_("Commendations the volunteer received (表彰奖励), one per line."),
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["community", "status"], name="volunteer_community_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decision_reason=""),
                name="volunteers_volunteer_decline_has_reason",
            )
        ]

    def __str__(self) -> str:
        return self.user.display_name

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    def availability_labels(self) -> list[str]:
        labels = dict(self.Availability.choices)
        return [str(labels[value]) for value in self.availability if value in labels]
