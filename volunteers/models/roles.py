"""Volunteer roles on activities (摆放单车 ×4) and the volunteers who take them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from activities.models import Activity


class VolunteerRole(models.Model):
    activity = models.ForeignKey(
        Activity, models.CASCADE, related_name="volunteer_roles", verbose_name=_("activity")
    )
    name = models.CharField(
        pgettext_lazy("volunteer", "role"), max_length=60, help_text=_("For example: 摆放单车")
    )
    slots = models.PositiveSmallIntegerField(
        _("volunteers needed"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    planned_hours = models.DecimalField(
        _("planned duration (hours)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("24"))],
        help_text=_("Counted as service hours when a volunteer is not checked out."),
    )
    description = models.CharField(_("what the volunteer does"), max_length=300, blank=True)
    # Kept on the row, updated under its lock, so capacity needs no aggregate.
    taken = models.PositiveSmallIntegerField(_("volunteers signed up"), default=0, editable=False)

    class Meta:
        verbose_name = _("volunteer role")
        verbose_name_plural = _("volunteer roles")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "name"],
                name="volunteers_role_name_unique_in_activity",
                violation_error_message=_("This activity already has a role of this name."),
            ),
            models.CheckConstraint(
                condition=Q(taken__lte=F("slots")), name="volunteers_role_never_overfilled"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ×{self.slots}"

    @property
    def places_left(self) -> int:
        return max(self.slots - self.taken, 0)


class RoleSignupQuerySet(models.QuerySet):
    def active(self) -> RoleSignupQuerySet:
        return self.filter(status=RoleSignup.Status.CONFIRMED)


class RoleSignup(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    role = models.ForeignKey(
        VolunteerRole,
        models.PROTECT,
        related_name="signups",
        verbose_name=pgettext_lazy("volunteer", "role"),
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        models.PROTECT,
        related_name="role_signups",
        verbose_name=_("volunteer"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CONFIRMED
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by staff"),
    )
    created_at = models.DateTimeField(_("signed up at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)

    objects = RoleSignupQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer role sign-up")
        verbose_name_plural = _("volunteer role sign-ups")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["role", "volunteer"],
                condition=Q(status="confirmed"),
                name="volunteers_rolesignup_once_per_role",
                violation_error_message=_("You have already taken this role."),
            ),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True)
                | Q(checked_in_at__isnull=False, checked_out_at__gte=F("checked_in_at")),
                name="volunteers_rolesignup_out_after_in",
            ),
        ]
        indexes = [
            models.Index(fields=["volunteer", "status"], name="rolesignup_volunteer_status"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.role}"
