"""Four of the five forces as data: social organisations, social workers, charitable resources,
and the outside units (驻街单位) that join in. Volunteers live in the volunteers app.

Every record belongs to a street and, optionally, one of its communities ("serves"); staff scope
follows that (``in_scope``). Records others refer to are archived, never deleted.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.models.places import Community, Street
from communities.validators import validate_mainland_mobile


class ScopedQuerySet(models.QuerySet):
    """Rows with ``street`` and optional ``community``: staff act on their communities' rows and
    on street-wide rows of their streets (the same rule as activities)."""

    def in_scope(self, scope):
        if scope.everything:
            return self
        return self.filter(scope.rows_q())

    def with_editable(self, scope):
        """Annotate ``editable``: whether the holder of ``scope`` may change the row."""
        if scope.everything:
            return self.annotate(editable=models.Value(True))
        return self.annotate(
            editable=models.Case(
                models.When(scope.rows_q(), then=models.Value(True)),
                default=models.Value(False),
                output_field=models.BooleanField(),
            )
        )

    def visible_in_scope(self, scope):
        """What staff may read: their own rows plus street-wide rows of their communities'
        streets (a community worker sees the street's 社工站 and its organisations)."""
        if scope.everything:
            return self
        streets = Community.objects.filter(pk__in=scope.community_ids).values("street_id")
        return self.filter(scope.rows_q() | Q(community__isnull=True, street_id__in=streets))

    def current(self):
        return self.filter(archived=False)


class ServedUnit(models.Model):
    street = models.ForeignKey(
        Street,
        models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("subdistrict", "street"),
    )
    community = models.ForeignKey(
        Community,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community"),
        help_text=_("Empty: serves the whole street."),
    )
    archived = models.BooleanField(
        _("archived"), default=False, help_text=_("Archived records stay in the history.")
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        if self.community_id and self.street_id and self.community.street_id != self.street_id:
            raise ValidationError(
                {"community": _("This community does not belong to the chosen street.")}
            )

    @property
    def unit_name(self) -> str:
        return self.community.name if self.community_id else self.street.name


class SocialOrganisation(ServedUnit):
    class Category(models.TextChoices):
        PUBLIC_WELFARE = "public_welfare", _("Public welfare")
        COMMUNITY_SERVICE = "community_service", _("Community service")
        CULTURE_SPORT = "culture_sport", _("Culture and sport")
        SOCIAL_WORK_AGENCY = "social_work_agency", _("Professional social-work agency")
        ELDERLY_CARE = "elderly_care", _("Elderly care")
        INCUBATOR = "incubator", _("Incubator")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        SETTLED = "settled", _("Moved in")
        INCUBATING = "incubating", _("Incubating")
        FILED = "filed", _("Filed")
        REGISTERED = "registered", pgettext_lazy("incubation state", "Registered")
        GRADUATED = "graduated", _("Graduated")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    #: The incubation path, in order. Withdrawing is possible from any step.
    PATH = [State.SETTLED, State.INCUBATING, State.FILED, State.REGISTERED, State.GRADUATED]

    name = models.CharField(_("name"), max_length=100, unique=True)
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    incubator = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="incubated",
        limit_choices_to={"category": "incubator"},
        verbose_name=_("incubator"),
    )
    state = models.CharField(
        _("incubation state"), max_length=12, choices=State.choices, default=State.SETTLED
    )
    state_since = models.DateField(_("in this state since"), default=timezone.localdate)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(
        _("contact mobile"), max_length=11, blank=True, validators=[validate_mainland_mobile]
    )
    description = models.TextField(_("description"), blank=True)
    services = models.TextField(_("services offered"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("social organisation")
        verbose_name_plural = _("social organisations")
        ordering = ["name"]
        indexes = [
            # The directory's filters.
            models.Index(fields=["archived", "category", "state"], name="socialorg_filters"),
            models.Index(fields=["street", "community"], name="socialorg_unit"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("communities:organisation_detail", args=[self.pk])


class OrganisationTransition(models.Model):
    """One step of an organisation's incubation lifecycle, kept for the timeline."""

    organisation = models.ForeignKey(
        SocialOrganisation,
        models.PROTECT,
        related_name="transitions",
        verbose_name=_("social organisation"),
    )
    from_state = models.CharField(
        _("from"), max_length=12, choices=SocialOrganisation.State.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=12, choices=SocialOrganisation.State.choices)
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("lifecycle step")
        verbose_name_plural = _("lifecycle steps")
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.get_to_state_display()} ({self.on})"


class SocialWorker(ServedUnit):
    class Qualification(models.TextChoices):
        NONE = "none", _("None")
        ASSISTANT = "assistant", _("Assistant social worker")
        SOCIAL_WORKER = "social_worker", pgettext_lazy("qualification", "Social worker")
        SENIOR = "senior", _("Senior social worker")

    name = models.CharField(_("full name"), max_length=50)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="social_worker",
        verbose_name=_("portal login"),
    )
    phone = models.CharField(
        _("mobile number"), max_length=11, blank=True, validators=[validate_mainland_mobile]
    )
    qualification = models.CharField(
        _("qualification"), max_length=16, choices=Qualification.choices, default=Qualification.NONE
    )
    certificate_number = models.CharField(_("certificate number"), max_length=40, blank=True)
    certificate_year = models.PositiveSmallIntegerField(
        _("certificate year"), null=True, blank=True
    )
    employer = models.ForeignKey(
        SocialOrganisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="social_workers",
        verbose_name=_("employing organisation"),
    )
    specialities = models.CharField(
        _("specialities"),
        max_length=200,
        blank=True,
        help_text=_("For example: psychology, elderly, youth"),
    )

    class Meta:
        verbose_name = _("social worker")
        verbose_name_plural = _("social workers")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["street", "community"], name="socialworker_unit")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        errors = {}
        year = self.certificate_year
        if year is not None and not 2008 <= year <= timezone.localdate().year:
            errors["certificate_year"] = _(
                "Enter the year the certificate was issued: from 2008 (the first national "
                "examination) to this year."
            )
        has_qualification = self.qualification != self.Qualification.NONE
        if has_qualification and not self.certificate_number:
            errors["certificate_number"] = _("A qualified social worker has a certificate number.")
        if not has_qualification and (self.certificate_number or year):
            errors["qualification"] = _("Choose the qualification the certificate is for.")
        if errors:
            raise ValidationError(errors)

    @property
    def station(self) -> str:
        return _("%(street)s social work station") % {"street": self.street.name}


class SocialWorkRecord(models.Model):
    """A social worker's month: cases (个案), groups (小组) and community activities."""

    worker = models.ForeignKey(
        SocialWorker, models.PROTECT, related_name="work_records", verbose_name=_("social worker")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    cases = models.PositiveIntegerField(_("cases"), default=0)
    groups = models.PositiveIntegerField(_("groups"), default=0)
    community_activities = models.PositiveIntegerField(_("community activities"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("monthly work record")
        verbose_name_plural = _("monthly work records")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "month"], name="communities_socialworkrecord_one_per_month"
            ),
            models.CheckConstraint(
                condition=Q(month__day=1), name="communities_socialworkrecord_first_of_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker} {self.month:%Y-%m}"


class OutsideUnit(ServedUnit):
    """An outside unit that joins in (驻街单位): a school, a property company, a work team…"""

    class Kind(models.TextChoices):
        SCHOOL = "school", _("School")
        PROPERTY_COMPANY = "property_company", _("Property management company")
        ENTERPRISE = "enterprise", _("Enterprise or shop")
        GOVERNMENT = "government", _("Government agency")
        VILLAGE_TEAM = "village_team", _("Village work team")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(
        _("contact mobile"), max_length=11, blank=True, validators=[validate_mainland_mobile]
    )
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("outside unit")
        verbose_name_plural = _("outside units")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["street", "name"], name="communities_outsideunit_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ResourceQuerySet(ScopedQuerySet):
    def with_balance(self):
        """Annotate ``allocated_value`` and ``balance_value`` from the allocations (one query)."""
        allocated = Coalesce(
            Sum("allocations__value", filter=Q(allocations__released_at__isnull=True)),
            Decimal("0.00"),
            output_field=models.DecimalField(max_digits=14, decimal_places=2),
        )
        return self.annotate(allocated_value=allocated).annotate(
            balance_value=models.F("value") - models.F("allocated_value")
        )


class CharitableResource(ServedUnit):
    class DonorKind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        ENTERPRISE = "enterprise", _("Enterprise")
        FOUNDATION = "foundation", _("Foundation")
        GOVERNMENT = "government", _("Government")

    class Kind(models.TextChoices):
        FUNDS = "funds", _("Funds")
        GOODS = "goods", _("Goods")
        SERVICES = "services", _("Services")
        VENUE = "venue", _("Venue")

    donor_name = models.CharField(_("donor"), max_length=100)
    donor_kind = models.CharField(_("donor type"), max_length=12, choices=DonorKind.choices)
    anonymous = models.BooleanField(
        _("show the donor as anonymous"),
        default=False,
        help_text=_("The public page then says “a kind-hearted donor”."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    description = models.CharField(_("what was given"), max_length=200)
    value = models.DecimalField(
        _("value (CNY)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    unit = models.CharField(_("unit"), max_length=20, blank=True, help_text=_("For example: 箱"))
    received_on = models.DateField(_("received on"))
    evidence = models.ImageField(_("evidence photo"), upload_to="resources/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("charitable resource")
        verbose_name_plural = _("charitable resources")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gt=0), name="communities_charitableresource_value_positive"
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gt=0),
                name="communities_charitableresource_quantity_positive",
            ),
        ]
        indexes = [
            # The public 公示 page and staff lists: by unit, newest first.
            models.Index(fields=["street", "community", "-received_on"], name="resource_unit_date"),
        ]

    def __str__(self) -> str:
        return f"{self.public_donor} · {self.description}"

    def clean(self) -> None:
        super().clean()
        if self.received_on and self.received_on > timezone.localdate():
            raise ValidationError({"received_on": _("The date cannot be in the future.")})
        if self.pk and self.value is not None:
            used = self.allocated()
            if self.value < used:
                raise ValidationError(
                    {
                        "value": _(
                            "¥%(allocated)s of this resource is already used; the value cannot "
                            "be lower."
                        )
                        % {"allocated": f"{used:,.2f}"}
                    }
                )

    def allocated(self) -> Decimal:
        """What the allocations still in force use (released ones are given back)."""
        total = self.allocations.filter(released_at__isnull=True).aggregate(total=Sum("value"))
        return total["total"] or Decimal("0")

    @property
    def public_donor(self) -> str:
        """How the public notice names the donor: individuals by surname only (刘*)."""
        if self.anonymous:
            return str(_("A kind-hearted donor"))
        if self.donor_kind == self.DonorKind.INDIVIDUAL:
            return f"{self.donor_name[:1]}*"
        return self.donor_name


class ResourceAllocation(models.Model):
    """Part of a resource used for an activity. Never more than the balance (see actions)."""

    resource = models.ForeignKey(
        CharitableResource,
        models.PROTECT,
        related_name="allocations",
        verbose_name=_("charitable resource"),
    )
    activity = models.ForeignKey(
        "activities.Activity",
        models.PROTECT,
        related_name="allocations",
        verbose_name=_("activity"),
    )
    value = models.DecimalField(_("value (CNY)"), max_digits=12, decimal_places=2)
    note = models.CharField(_("what it was used for"), max_length=200, blank=True)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("allocated by")
    )
    allocated_at = models.DateTimeField(_("allocated at"), auto_now_add=True)
    # Released, never deleted: what was planned stays on record, the balance gets it back.
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("released by"),
    )
    release_reason = models.CharField(_("why it was released"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["allocated_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gt=0), name="communities_resourceallocation_value_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource} → {self.activity} ({self.value})"
