"""People: logins, staff posts, resident profiles, consents and deletion requests."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.models.places import Community, Compound, Street, new_token
from communities.validators import normalize_mainland_mobile, validate_mainland_mobile


class User(AbstractUser):
    """A person who logs in. Residents log in with their mobile number as username."""

    name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(
        _("mobile number"),
        max_length=11,
        blank=True,
        validators=[validate_mainland_mobile],
    )

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["phone"],
                condition=~Q(phone=""),
                name="communities_user_unique_phone",
            )
        ]

    def __str__(self) -> str:
        return self.name or self.username

    def clean(self) -> None:
        super().clean()
        self.phone = normalize_mainland_mobile(self.phone)

    @property
    def display_name(self) -> str:
        return self.name or self.username


class StaffAssignmentQuerySet(models.QuerySet):
    def active(self) -> StaffAssignmentQuerySet:
        return self.filter(ended_on__isnull=True)


class StaffAssignment(models.Model):
    """A user works for one street office or one community, in a role.

    Exactly one of ``street`` and ``community`` is set. An assignment is ended, not deleted, so the
    record of who held which post stays.
    """

    class Role(models.TextChoices):
        LEADER = "leader", _("Leader (secretary or director)")
        COMMITTEE = "committee", _("Committee member")
        STAFF = "staff", _("Staff member")
        SOCIAL_WORKER = "social_worker", _("Social worker at the station")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="staff_assignments",
        verbose_name=_("user"),
    )
    street = models.ForeignKey(
        Street,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_assignments",
        verbose_name=pgettext_lazy("subdistrict", "street"),
    )
    community = models.ForeignKey(
        Community,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_assignments",
        verbose_name=_("community"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STAFF)
    title = models.CharField(
        _("job title"), max_length=50, blank=True, help_text=_("For example: Party secretary")
    )
    started_on = models.DateField(_("started on"), auto_now_add=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = StaffAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff assignment")
        verbose_name_plural = _("staff assignments")
        ordering = ["street__name", "community__name", "role"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(street__isnull=False) & Q(community__isnull=True))
                | (Q(street__isnull=True) & Q(community__isnull=False)),
                name="communities_staffassignment_street_xor_community",
                violation_error_message=_("Choose either a street or a community, not both."),
            ),
        ]
        indexes = [
            # scope_for(user) reads a user's active assignments on every staff request.
            models.Index(fields=["user", "ended_on"], name="staffassignment_user_active"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"

    @property
    def unit(self) -> Street | Community | None:
        return self.street or self.community


class ResidentProfile(models.Model):
    """What the portal knows of a resident beyond their login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="resident_profile",
        verbose_name=_("user"),
    )
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="residents", verbose_name=_("community")
    )
    compound = models.ForeignKey(
        Compound,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        verbose_name=_("compound"),
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    # The secret in the resident's personal calendar feed URL; resettable.
    calendar_token = models.CharField(max_length=40, default=new_token, unique=True, editable=False)

    class Meta:
        verbose_name = _("resident profile")
        verbose_name_plural = _("resident profiles")
        ordering = ["-registered_at"]

    def __str__(self) -> str:
        return str(self.user)


class SpecialGroupQuerySet(models.QuerySet):
    def current(self) -> SpecialGroupQuerySet:
        return self.filter(revoked_at__isnull=True)


class SpecialGroup(models.Model):
    """A resident belongs to a group that services treat specially (free home haircuts for the
    80-and-over and the disabled…). Recorded by staff after seeing proof (ID card, disability
    certificate); the proof itself is not stored. Revoked, never deleted."""

    class Group(models.TextChoices):
        ELDERLY_60 = "elderly_60", _("Aged 60 and over")
        ELDERLY_80 = "elderly_80", _("Aged 80 and over")
        DISABLED = "disabled", _("Person with a disability")
        CHILD = "child", _("Child under 14")

    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="special_groups",
        verbose_name=_("resident"),
    )
    group = models.CharField(_("group"), max_length=12, choices=Group.choices)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("verified by")
    )
    verified_at = models.DateTimeField(_("verified at"), auto_now_add=True)
    proof_seen = models.CharField(
        _("proof seen"), max_length=100, blank=True, help_text=_("For example: 身份证, 残疾人证")
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = SpecialGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("special group")
        verbose_name_plural = _("special groups")
        ordering = ["group", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "group"],
                condition=models.Q(revoked_at__isnull=True),
                name="communities_specialgroup_once",
                violation_error_message=_("The resident is already in this group."),
            )
        ]

    def __str__(self) -> str:
        return self.get_group_display()


class Consent(models.Model):
    """A person's agreement to a version of a notice; withdrawn, never deleted."""

    class Notice(models.TextChoices):
        PRIVACY = "privacy", _("Privacy notice")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="consents",
        verbose_name=_("user"),
    )
    notice = models.CharField(_("notice"), max_length=20, choices=Notice.choices)
    version = models.CharField(_("version"), max_length=20)
    given_at = models.DateTimeField(_("given at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded at the desk by"),
        help_text=_("Empty when the person agreed online themselves."),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_notice_display()} {self.version}"


class DeletionRequest(models.Model):
    """A person asks for their personal data to be deleted (PIPL art. 47). An administrator
    handles it: the account is anonymised (communities.privacy.account_anonymise) or the request
    is refused with a reason. The row stays as proof that the request was answered."""

    class Outcome(models.TextChoices):
        ANONYMISED = "anonymised", _("Account anonymised")
        REFUSED = "refused", _("Refused")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="deletion_requests",
        verbose_name=_("user"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    reason = models.TextField(_("reason"), max_length=1000, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)

    class Meta:
        verbose_name = _("deletion request")
        verbose_name_plural = _("deletion requests")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(handled_at__isnull=True),
                name="communities_deletionrequest_one_open_per_user",
                violation_error_message=_("You have already asked for your data to be deleted."),
            ),
            models.CheckConstraint(
                condition=(Q(handled_at__isnull=True) & Q(outcome=""))
                | (Q(handled_at__isnull=False) & ~Q(outcome="")),
                name="communities_deletionrequest_handled_with_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.requested_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.handled_at is None
