"""Activities, their photos and partners, and residents' signups."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.models import Community, Street, new_token

#: The flags of the four forces besides the community, on the activity's row.
FORCE_FLAGS = ("has_organisation", "has_social_worker", "has_volunteers", "has_charity")


def force_count():
    """The forces an activity links as an expression over its row: the community (the
    organiser) and one for each five-forces flag set (also usable on a migration's model)."""
    count = models.Value(1)
    for flag in FORCE_FLAGS:
        count = count + models.Case(models.When(**{flag: True}, then=1), default=0)
    return count


class ActivityQuerySet(models.QuerySet):
    def public(self) -> ActivityQuerySet:
        """What anyone may see: published, completed or cancelled (never drafts)."""
        return self.exclude(status=Activity.Status.DRAFT)

    def upcoming(self, now=None) -> ActivityQuerySet:
        return self.filter(ends_at__gte=now or timezone.now())

    def manageable_by(self, scope) -> ActivityQuerySet:
        """Activities staff with ``scope`` may run: their communities' own, and street-wide ones
        of their streets."""
        if scope.everything:
            return self
        return self.filter(scope.rows_q())

    def visible_to(self, user, scope) -> ActivityQuerySet:
        """Public activities plus the drafts this user may manage."""
        if not scope.is_staff:
            return self.public()
        manageable = self.manageable_by(scope).values("pk")
        return self.filter(~Q(status=Activity.Status.DRAFT) | Q(pk__in=manageable))

    def listed(self) -> ActivityQuerySet:
        """Published and not yet ended, soonest first, with what cards show."""
        return (
            self.filter(status=Activity.Status.PUBLISHED)
            .upcoming()
            .select_related("community", "street")
            .order_by("starts_at", "pk")
        )

    def with_forces(self) -> ActivityQuerySet:
        """Annotate ``force_count`` (1–5): the community (the organiser) always counts, the
        other four by the flags on the row (``has_organisation`` …, see ``refresh_forces``)."""
        return self.annotate(force_count=force_count())

    def refresh_forces(self) -> int:
        """Set the five-forces flags of these activities from what they are made of, in one
        UPDATE: a partner of the kind; for volunteers also a role a registered volunteer
        took, for charitable resources also a donation allocated to the activity.

        Called in the transaction of every write of a partner, an allocation or a role
        (activities.derived); writes that bypass signals call it themselves."""
        from communities.models import ResourceAllocation

        flags = {
            flag: models.Exists(
                ActivityPartner.objects.filter(activity=models.OuterRef("pk"), kind=kind)
            )
            for kind, flag in ActivityPartner.FLAG_OF_KIND.items()
        }
        role = self.model._meta.apps.get_model("volunteers", "VolunteerRole")
        flags["has_volunteers"] |= models.Exists(
            role.objects.filter(activity=models.OuterRef("pk"), taken__gt=0)
        )
        flags["has_charity"] |= models.Exists(
            ResourceAllocation.objects.filter(activity=models.OuterRef("pk"))
        )
        changed = self.update(**flags)
        # The flags count on the dashboards' day rows (a bulk UPDATE sends no signal).
        from governance_portal.dashboards import daily

        daily.refresh_rows(
            "activities.Activity", self.values_list("pk", flat=True), sources={"activity"}
        )
        return changed

    def with_places(self) -> ActivityQuerySet:
        """Activities where someone could still get a confirmed place."""
        return self.filter(Q(capacity__isnull=True) | Q(places_taken__lt=F("capacity")))


class ActivitySeries(models.Model):
    """Activities repeated weekly or monthly. Each date is its own Activity row: editing one date
    never changes the others."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Every week")
        MONTHLY = "monthly", _("Every month")

    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    until = models.DateField(_("until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("activity series")
        verbose_name_plural = _("activity series")

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} → {self.until}"


class Activity(models.Model):
    class Kind(models.TextChoices):
        TREE_ADOPTION = "tree_adoption", _("Tree adoption")
        READING_CLUB = "reading_club", _("Reading club")
        VOLUNTEER_SERVICE = "volunteer_service", _("Volunteer service")
        FIRE_DRILL = "fire_drill", _("Fire drill")
        PUBLICITY = "publicity", _("Publicity")
        CLEANUP = "cleanup", _("Environment clean-up")
        TRAINING = "training", _("Training and study")
        CONVENIENCE_SERVICE = "convenience_service", _("Convenience service")
        OTHER = "other", _("Other")

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        FAMILIES = "families", _("Children and families")
        ELDERLY = "elderly", _("Elderly residents")
        YOUTH = "youth", _("Young people")
        DISABLED = "disabled", _("Residents with disabilities")
        VOLUNTEERS = "volunteers", _("Volunteers")
        CADRES = "cadres", _("Community cadres and social workers")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=120)
    street = models.ForeignKey(
        Street,
        models.PROTECT,
        related_name="activities",
        verbose_name=pgettext_lazy("subdistrict", "street"),
    )
    community = models.ForeignKey(
        Community,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("community"),
        help_text=_("Leave empty for an activity of the whole street."),
    )
    venue = models.CharField(_("venue"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no limit."),
    )
    signup_opens_at = models.DateTimeField(
        _("sign-up opens"), null=True, blank=True, help_text=_("Empty: as soon as published.")
    )
    signup_closes_at = models.DateTimeField(
        _("sign-up closes"), null=True, blank=True, help_text=_("Empty: when the activity starts.")
    )
    cancel_deadline = models.DateTimeField(
        _("residents may cancel until"),
        null=True,
        blank=True,
        help_text=_("Empty: until the activity starts."),
    )
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE
    )
    description = models.TextField(_("description"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    series = models.ForeignKey(
        ActivitySeries,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("series"),
    )
    # Kept on the row, updated in the signup transaction, so lists never aggregate signups.
    places_taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)
    waitlist_count = models.PositiveIntegerField(_("people waiting"), default=0, editable=False)
    # The four forces besides the community (五社联动) that took part, kept on the row in the
    # transaction of every change to what they are made of (``refresh_forces``), so that
    # dashboards count them from activity rows alone.
    has_organisation = models.BooleanField(
        _("with a social organisation"), default=False, editable=False
    )
    has_social_worker = models.BooleanField(
        _("with a social worker"), default=False, editable=False
    )
    has_volunteers = models.BooleanField(_("with volunteers"), default=False, editable=False)
    has_charity = models.BooleanField(_("with charitable resources"), default=False, editable=False)
    # What a card of the activity shows of other rows, kept here so that a page of cards reads
    # activity rows alone: the organising unit's name (set on save, and on its activities when
    # a unit is renamed) and the partners as listed, in the order they were added (both kept
    # by activities.derived).
    unit_label = models.CharField(_("organised by"), max_length=50, blank=True, editable=False)
    partner_cards = models.JSONField(
        _("partners as listed"), default=list, blank=True, editable=False
    )
    # The write-up after the activity.
    report = models.TextField(_("report"), blank=True)
    # Answers to the kind's own report questions (activities.kinds), e.g. a clean-up's bags.
    report_details = models.JSONField(_("report details"), default=dict, blank=True)
    attendance = models.PositiveIntegerField(_("attendance"), null=True, blank=True)
    attendance_note = models.CharField(
        _("why the attendance differs from check-in"), max_length=300, blank=True
    )
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    checkin_token = models.CharField(max_length=40, default=new_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="activities_activity_ends_after_start",
                violation_error_message=_("The activity must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="activities_activity_capacity_positive",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(places_taken__lte=F("capacity")),
                name="activities_activity_never_overbooked",
            ),
        ]
        indexes = [
            # The public list: published, upcoming, by start.
            models.Index(fields=["status", "starts_at"], name="activity_status_start"),
            models.Index(
                fields=["community", "starts_at"],
                include=["kind", "status"],
                name="activity_community_start",
            ),
            models.Index(
                fields=["street", "starts_at"],
                include=["kind", "status"],
                name="activity_street_start",
            ),
            models.Index(fields=["kind", "starts_at"], name="activity_kind_start"),
            # The news feed: completed activities by date.
            models.Index(fields=["status", "-ends_at"], name="activity_status_end_desc"),
            # The public list's page and its count, in its own order; ``ends_at`` is a key so that
            # published activities already over are skipped inside the index (docs/performance.md).
            models.Index(
                fields=["starts_at", "id", "ends_at"],
                condition=Q(status="published"),
                name="activity_public_list",
            ),
            # The news feed's page and its count: completed activities with a report.
            models.Index(
                fields=["-ends_at", "-id"],
                condition=Q(status="completed") & ~Q(report=""),
                name="activity_news_feed",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        """Keep ``unit_label`` when the unit may have changed: on every save but those that
        name the fields they write without the unit (the signup counters, a status)."""
        update_fields = kwargs.get("update_fields")
        unit_fields = {"community", "community_id", "street", "street_id"}
        if update_fields is None or unit_fields & set(update_fields):
            self.unit_label = self.current_unit_name()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "unit_label"}
        super().save(*args, **kwargs)
        self.places_read = self.places_taken

    def get_absolute_url(self) -> str:
        return reverse("activities:activity_detail", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        activity = super().from_db(db, field_names, values)
        # The places taken as read: a save of the signup counters alone moves the dashboards'
        # day row by the difference (governance_portal.dashboards.daily), no recount.
        activity.places_read = activity.__dict__.get("places_taken")
        return activity

    def clean(self) -> None:
        errors = {}
        if self.community_id and self.street_id and self.community.street_id != self.street_id:
            errors["community"] = _("This community does not belong to the chosen street.")
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The activity must end after it starts.")
        opens, closes = self.signup_opens_at, self.signup_closes_at
        if opens and closes and closes <= opens:
            errors["signup_closes_at"] = _("Sign-up must close after it opens.")
        if self.signup_closes_at and self.ends_at and self.signup_closes_at > self.ends_at:
            errors["signup_closes_at"] = _("Sign-up cannot close after the activity ends.")
        if opens and self.starts_at and opens >= self.starts_at:
            errors["signup_opens_at"] = _("Sign-up must open before the activity starts.")
        if self.cancel_deadline and self.starts_at and self.cancel_deadline > self.starts_at:
            errors["cancel_deadline"] = _("Cancelling online must end by the start at the latest.")
        for name in ("starts_at", "ends_at", "signup_opens_at", "signup_closes_at"):
            value = getattr(self, name)
            if value and not 2000 <= value.year <= 2100 and name not in errors:
                errors[name] = _("Enter a date between the years 2000 and 2100.")
        if self.capacity is not None and self.places_taken > self.capacity:
            errors["capacity"] = _(
                "%(taken)d places are already taken; the capacity cannot be lower."
            ) % {"taken": self.places_taken}
        if errors:
            raise ValidationError(errors)

    # --- derived state, from the row only (no queries) ---------------------------------------

    @property
    def unit_name(self) -> str:
        return self.unit_label or self.current_unit_name()

    def current_unit_name(self) -> str:
        """The organising unit's name as the unit has it now (may read the unit)."""
        return self.community.name if self.community_id else self.street.name

    @property
    def partner_list(self) -> list[PartnerCard]:
        """The partners as listed on the activity's cards, from the row (no query)."""
        return [PartnerCard(**card) for card in self.partner_cards]

    @property
    def places_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.places_taken, 0)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.places_taken >= self.capacity

    def signup_closes(self):
        return self.signup_closes_at or self.starts_at

    def cancel_until(self):
        return self.cancel_deadline or self.starts_at

    def signup_is_open(self, now=None) -> bool:
        now = now or timezone.now()
        if self.status != self.Status.PUBLISHED:
            return False
        if self.signup_opens_at and now < self.signup_opens_at:
            return False
        return now < self.signup_closes()

    def checkin_is_open(self, now=None) -> bool:
        """QR check-in works from 30 minutes before the start until the end."""
        now = now or timezone.now()
        return (
            self.status in {self.Status.PUBLISHED, self.Status.COMPLETED}
            and self.starts_at - timedelta(minutes=30) <= now <= self.ends_at
        )

    def forces_present(self) -> list[tuple[str, bool]]:
        """The five forces and whether each took part, from the flags on the row (no query)."""
        return [
            (_("Community"), True),
            (_("Social organisations"), self.has_organisation),
            (_("Social workers"), self.has_social_worker),
            (_("Volunteers"), self.has_volunteers),
            (_("Charitable resources"), self.has_charity),
        ]

    @property
    def has_ended(self) -> bool:
        return self.ends_at < timezone.now()


@dataclass(frozen=True)
class PartnerCard:
    """A partner as an activity's row keeps it (``Activity.partner_cards``)."""

    kind: str
    name: str
    role: str = ""

    def get_kind_display(self) -> str:
        return str(dict(ActivityPartner.Kind.choices).get(self.kind, self.kind))

    @classmethod
    def of(cls, partner: ActivityPartner) -> PartnerCard:
        return cls(kind=str(partner.kind), name=partner.name, role=partner.role)


class ActivityPartner(models.Model):
    """Who took part besides the organisers (五社联动): a registered social organisation, social
    worker or outside unit, or a named partner (e.g. a volunteer team) given as text."""

    class Kind(models.TextChoices):
        SOCIAL_ORGANISATION = "social_organisation", _("Social organisation")
        SOCIAL_WORKER = "social_worker", _("Social workers")
        VOLUNTEERS = "volunteers", _("Volunteers")
        CHARITY = "charity", _("Charitable resource")
        RESIDENT_UNIT = "resident_unit", _("Unit in the street (驻街单位)")
        PROPERTY_COMPANY = "property_company", _("Property management company")
        OTHER = "other", _("Other")

    #: The kinds that count as one of the five forces (the community itself is the fifth).
    FORCES = (Kind.SOCIAL_ORGANISATION, Kind.SOCIAL_WORKER, Kind.VOLUNTEERS, Kind.CHARITY)
    #: The flag on the activity's row that a partner of each of those kinds sets.
    FLAG_OF_KIND = dict(zip(FORCES, FORCE_FLAGS, strict=True))

    activity = models.ForeignKey(
        Activity, models.CASCADE, related_name="partners", verbose_name=_("activity")
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role in the activity"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "communities.SocialOrganisation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="activity_links",
        verbose_name=_("social organisation"),
    )
    social_worker = models.ForeignKey(
        "communities.SocialWorker",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="activity_links",
        verbose_name=_("social worker"),
    )
    outside_unit = models.ForeignKey(
        "communities.OutsideUnit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="activity_links",
        verbose_name=_("outside unit"),
    )

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(organisation__isnull=True, social_worker__isnull=True)
                    | Q(organisation__isnull=True, outside_unit__isnull=True)
                    | Q(social_worker__isnull=True, outside_unit__isnull=True)
                ),
                name="activities_activitypartner_one_registry_link",
            ),
            models.UniqueConstraint(
                fields=["activity", "organisation"],
                name="activities_activitypartner_organisation_once",
            ),
            models.UniqueConstraint(
                fields=["activity", "social_worker"],
                name="activities_activitypartner_worker_once",
            ),
            models.UniqueConstraint(
                fields=["activity", "outside_unit"], name="activities_activitypartner_unit_once"
            ),
        ]

    def __str__(self) -> str:
        return self.name


def photo_path(instance, filename: str) -> str:
    # The name is generated by activities.images, never the uploader's.
    return f"activities/{timezone.now():%Y/%m}/{filename}"


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(
        Activity, models.CASCADE, related_name="photos", verbose_name=_("activity")
    )
    image = models.ImageField(
        _("photo"), upload_to=photo_path, width_field="width", height_field="height"
    )
    thumbnail = models.ImageField(_("thumbnail"), upload_to=photo_path)
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    credit = models.CharField(
        _("credit"), max_length=100, blank=True, help_text=_("For example: 本报记者 杨翠叶")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.caption or f"{self.activity} #{self.pk}"


class SignupQuerySet(models.QuerySet):
    def active(self) -> SignupQuerySet:
        return self.filter(status__in=Signup.ACTIVE)

    def waitlisted(self) -> SignupQuerySet:
        return self.filter(status=Signup.Status.WAITLISTED).order_by("created_at", "pk")

    def holding_places(self) -> SignupQuerySet:
        return self.filter(status__in=Signup.HOLDING_PLACES)

    def with_waitlist_position(self) -> SignupQuerySet:
        """Annotate ``waitlist_position`` (1 = next in line; meaningful for waitlisted rows)."""
        return self.annotate(waitlist_position=_waitlist_position())


@functools.cache
def _waitlist_position() -> models.Subquery:
    """The waiting signups of the row's activity up to the row itself, counted. Built once per
    process (it holds no value of its own, only references to the outer row): building it cost
    more than running it. ``annotate`` resolves a copy, so the shared one is never changed."""
    ahead = (
        Signup.objects.filter(
            activity_id=models.OuterRef("activity_id"), status=Signup.Status.WAITLISTED
        )
        .filter(
            Q(created_at__lt=models.OuterRef("created_at"))
            | Q(created_at=models.OuterRef("created_at"), pk__lte=models.OuterRef("pk"))
        )
        .values("activity_id")
        .annotate(n=models.Count("pk"))
        .values("n")
    )
    return models.Subquery(ahead)


class Signup(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("Did not come")

    activity = models.ForeignKey(
        Activity, models.PROTECT, related_name="signups", verbose_name=_("activity")
    )
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="signups",
        verbose_name=_("resident"),
    )
    party_size = models.PositiveSmallIntegerField(_("number of people"), default=1)
    children_under_14 = models.PositiveSmallIntegerField(_("of whom children under 14"), default=0)
    guardian_consent = models.BooleanField(_("guardian's consent given"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed up at the desk by"),
    )
    walk_in = models.BooleanField(_("walk-in"), default=False)
    created_at = models.DateTimeField(_("signed up at"), default=timezone.now, db_index=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)

    objects = SignupQuerySet.as_manager()

    ACTIVE = (Status.CONFIRMED, Status.WAITLISTED, Status.ATTENDED, Status.NO_SHOW)
    HOLDING_PLACES = (Status.CONFIRMED, Status.ATTENDED, Status.NO_SHOW)

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "resident"],
                condition=Q(status__in=["confirmed", "waitlisted", "attended", "no_show"]),
                name="activities_signup_one_active_per_resident",
                violation_error_message=_("You have already signed up for this activity."),
            ),
            models.CheckConstraint(
                condition=Q(party_size__gte=1) & Q(children_under_14__lt=F("party_size")),
                name="activities_signup_party_has_an_adult",
            ),
            models.CheckConstraint(
                condition=Q(children_under_14=0) | Q(guardian_consent=True),
                name="activities_signup_children_need_consent",
            ),
        ]
        indexes = [
            # Waitlist order and the check-in page: one activity's signups by status and time.
            models.Index(
                fields=["activity", "status", "created_at"], name="signup_activity_status"
            ),
            # 我的: a resident's signups, newest first.
            models.Index(fields=["resident", "-created_at"], name="signup_resident_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.resident} · {self.activity} · {self.get_status_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE
