"""The station's job board (postings, shown on the LED screen) and job seekers with referrals."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.validators import validate_mainland_mobile
from services.models.stations import MONEY, ServiceStation


class PostingQuerySet(models.QuerySet):
    def in_scope(self, scope) -> PostingQuerySet:
        if scope.everything:
            return self
        return self.filter(station__community_id__in=scope.community_ids)

    def active(self, today=None) -> PostingQuerySet:
        """Open postings: not withdrawn and not expired (expired ones disappear by themselves)."""
        return self.filter(
            withdrawn=False, expires_on__gte=today or timezone.localdate(), station__archived=False
        )


class JobPosting(models.Model):
    class PayUnit(models.TextChoices):
        MONTH = "month", _("per month")
        DAY = "day", _("per day")
        HOUR = "hour", _("per hour")

    station = models.ForeignKey(
        ServiceStation, models.PROTECT, related_name="job_postings", verbose_name=_("station")
    )
    employer = models.CharField(_("employer"), max_length=100)
    title = models.CharField(
        _("job"), max_length=80, help_text=_("For example: 保洁员, 超市理货员")
    )
    pay_min = models.DecimalField(
        _("pay from (CNY)"), **MONEY, validators=[MinValueValidator(Decimal("0"))]
    )
    pay_max = models.DecimalField(
        _("pay up to (CNY)"), **MONEY, validators=[MinValueValidator(Decimal("0"))]
    )
    pay_unit = models.CharField(
        _("pay per"), max_length=5, choices=PayUnit.choices, default=PayUnit.MONTH
    )
    place = models.CharField(_("place of work"), max_length=100)
    requirements = models.TextField(_("requirements"), max_length=2000, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_phone = models.CharField(_("contact telephone"), max_length=20)
    expires_on = models.DateField(_("open until"))
    withdrawn = models.BooleanField(pgettext_lazy("posting", "withdrawn"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PostingQuerySet.as_manager()

    class Meta:
        verbose_name = _("job posting")
        verbose_name_plural = _("job postings")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pay_max__gte=F("pay_min")),
                name="services_jobposting_pay_range",
                violation_error_message=_("The highest pay must not be below the lowest."),
            )
        ]
        indexes = [
            # The public list and the LED board: open postings of a station.
            models.Index(fields=["station", "withdrawn", "expires_on"], name="posting_open"),
        ]

    def __str__(self) -> str:
        return f"{self.title} · {self.employer}"

    def get_absolute_url(self) -> str:
        return reverse("services:posting_detail", args=[self.pk])


class SeekerQuerySet(models.QuerySet):
    def in_scope(self, scope) -> SeekerQuerySet:
        if scope.everything:
            return self
        return self.filter(station__community_id__in=scope.community_ids)


class JobSeeker(models.Model):
    class AgeBand(models.TextChoices):
        UNDER_30 = "under_30", _("Under 30")
        FROM_30 = "30_44", _("30–44")
        FROM_45 = "45_59", _("45–59")
        FROM_60 = "60_plus", _("60 and over")

    class Status(models.TextChoices):
        REGISTERED = "registered", pgettext_lazy("job seeker", "Registered")
        REFERRED = "referred", _("Referred")
        EMPLOYED = "employed", _("Employed")
        WITHDRAWN = "withdrawn", _("No longer looking")

    station = models.ForeignKey(
        ServiceStation, models.PROTECT, related_name="job_seekers", verbose_name=_("station")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="job_seeker_records",
        verbose_name=_("account"),
    )
    name = models.CharField(_("full name"), max_length=50)
    phone = models.CharField(
        _("mobile number"), max_length=11, validators=[validate_mainland_mobile]
    )
    age_band = models.CharField(_("age"), max_length=10, choices=AgeBand.choices)
    skills = models.CharField(_("skills"), max_length=300, blank=True)
    wished_work = models.CharField(_("work wanted"), max_length=300)
    availability = models.CharField(
        _("availability"), max_length=200, blank=True, help_text=_("For example: 工作日白天")
    )
    share_consent = models.BooleanField(
        _("agrees to share their details with employers"), default=False
    )
    share_consent_at = models.DateTimeField(_("agreed at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REGISTERED
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered at the desk by"),
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    referred_at = models.DateTimeField(_("first referred at"), null=True, blank=True)
    employed_at = models.DateTimeField(_("employed at"), null=True, blank=True)

    objects = SeekerQuerySet.as_manager()

    class Meta:
        verbose_name = _("job seeker")
        verbose_name_plural = _("job seekers")
        ordering = ["-registered_at", "-pk"]
        indexes = [
            # Monthly counts per station.
            models.Index(fields=["station", "registered_at"], name="seeker_registered"),
        ]

    def __str__(self) -> str:
        return self.name


class Referral(models.Model):
    """Staff referred a seeker to a posting (only with the seeker's consent to share)."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        HIRED = "hired", _("Hired")
        NOT_HIRED = "not_hired", _("Not hired")

    seeker = models.ForeignKey(
        JobSeeker, models.PROTECT, related_name="referrals", verbose_name=_("job seeker")
    )
    posting = models.ForeignKey(
        JobPosting, models.PROTECT, related_name="referrals", verbose_name=_("job posting")
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("referred by")
    )
    referred_at = models.DateTimeField(_("referred at"), auto_now_add=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["seeker", "posting"], name="services_referral_once")
        ]

    def __str__(self) -> str:
        return f"{self.seeker} → {self.posting}"
