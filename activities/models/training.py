"""The governance training base (社区治理研学基地): yearly programmes, their sessions
(training activities), instructors, trainees, attendance and skills-competition scores."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from activities.models.core import Activity
from communities.models import Community, SocialOrganisation, SocialWorker, Street


class TrainingProgrammeQuerySet(models.QuerySet):
    def in_scope(self, scope) -> TrainingProgrammeQuerySet:
        """Programmes of the user's streets; community staff see their street's programmes."""
        if scope.everything:
            return self
        own_streets = Community.objects.filter(pk__in=scope.community_ids).values("street_id")
        return self.filter(Q(street_id__in=scope.street_ids) | Q(street_id__in=own_streets))

    def runnable_by(self, scope) -> TrainingProgrammeQuerySet:
        """Programmes the user may change: those of the streets they work for as street staff
        (a community post elsewhere only lets them read that street's programmes)."""
        if scope.everything:
            return self
        return self.filter(street_id__in=scope.street_ids)


class TrainingProgramme(models.Model):
    class Track(models.TextChoices):
        LEAD_GEESE = "lead_geese", _("Lead Geese programme (头雁领航工程)")
        SEEDLINGS = "seedlings", _("Post Seedlings programme (岗位育苗工程)")
        SKILLS_CONTEST = "skills_contest", _("Skills Contest programme (技能比武工程)")

    street = models.ForeignKey(
        Street,
        models.PROTECT,
        related_name="training_programmes",
        verbose_name=pgettext_lazy("subdistrict", "street"),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    track = models.CharField(_("programme"), max_length=20, choices=Track.choices)
    title = models.CharField(_("title"), max_length=120)
    goal = models.TextField(_("goal"), max_length=3000, blank=True)
    planned_sessions = models.PositiveSmallIntegerField(
        _("planned sessions"), default=4, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    instructors = models.ManyToManyField(
        "Instructor", blank=True, related_name="programmes", verbose_name=_("instructors")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TrainingProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("training programme")
        verbose_name_plural = _("training programmes")
        ordering = ["-year", "track", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["street", "year", "track"], name="activities_trainingprogramme_once_a_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("activities:programme_detail", args=[self.pk])

    @property
    def is_contest(self) -> bool:
        return self.track == self.Track.SKILLS_CONTEST


class Instructor(models.Model):
    """A teacher at the training base: 专业社工老师, 心理学老师…, linked to the social-worker
    registry where they are one."""

    street = models.ForeignKey(
        Street,
        models.PROTECT,
        related_name="instructors",
        verbose_name=pgettext_lazy("subdistrict", "street"),
    )
    name = models.CharField(_("full name"), max_length=50)
    title = models.CharField(
        pgettext_lazy("job", "title"),
        max_length=60,
        help_text=_("For example: 专业社工老师, 心理学老师"),
    )
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    social_worker = models.ForeignKey(
        SocialWorker,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("social worker record"),
    )

    class Meta:
        verbose_name = _("instructor")
        verbose_name_plural = _("instructors")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["street", "name", "title"], name="activities_instructor_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.title}）"


class TrainingSession(models.Model):
    """A training activity that is one session of a programme."""

    programme = models.ForeignKey(
        TrainingProgramme, models.PROTECT, related_name="sessions", verbose_name=_("programme")
    )
    activity = models.OneToOneField(
        Activity,
        models.PROTECT,
        related_name="training_session",
        verbose_name=_("activity"),
        limit_choices_to={"kind": Activity.Kind.TRAINING},
    )
    topic = models.CharField(_("topic"), max_length=120, blank=True)
    instructors = models.ManyToManyField(
        Instructor, blank=True, related_name="sessions", verbose_name=_("instructors")
    )

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["activity__starts_at", "pk"]

    def __str__(self) -> str:
        return self.topic or str(self.activity)


class Trainee(models.Model):
    class Category(models.TextChoices):
        COMMITTEE = "committee", _("Community committee (两委) leader")
        SOCIAL_WORKER = "social_worker", _("Social worker")
        VOLUNTEER = "volunteer", _("Volunteer")
        ORGANISATION = "organisation", _("Social organisation representative")
        OTHER = "other", _("Other")

    programme = models.ForeignKey(
        TrainingProgramme, models.PROTECT, related_name="trainees", verbose_name=_("programme")
    )
    name = models.CharField(_("full name"), max_length=50)
    category = models.CharField(_("trainee group"), max_length=20, choices=Category.choices)
    community = models.ForeignKey(
        Community,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community"),
    )
    # Links to the person's records where they exist (at most one, by category).
    social_worker = models.ForeignKey(
        SocialWorker,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("social worker record"),
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("volunteer record"),
    )
    organisation = models.ForeignKey(
        SocialOrganisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("social organisation"),
    )
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff account"),
    )
    withdrawn = models.BooleanField(pgettext_lazy("trainee", "withdrawn"), default=False)

    class Meta:
        verbose_name = _("trainee")
        verbose_name_plural = _("trainees")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name", "community"],
                name="activities_trainee_once",
            )
        ]

    def __str__(self) -> str:
        return self.name


class TrainingAttendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")

    session = models.ForeignKey(
        TrainingSession, models.CASCADE, related_name="attendance", verbose_name=_("session")
    )
    trainee = models.ForeignKey(
        Trainee, models.PROTECT, related_name="attendance", verbose_name=_("trainee")
    )
    status = models.CharField(
        pgettext_lazy("training", "attendance"), max_length=10, choices=Status.choices
    )

    class Meta:
        verbose_name = _("training attendance")
        verbose_name_plural = _("training attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "trainee"], name="activities_trainingattendance_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.trainee} · {self.get_status_display()}"


class TrainingScore(models.Model):
    """A trainee's score in one round of a skills competition (0–100)."""

    session = models.ForeignKey(
        TrainingSession, models.CASCADE, related_name="scores", verbose_name=_("session")
    )
    trainee = models.ForeignKey(
        Trainee, models.PROTECT, related_name="scores", verbose_name=_("trainee")
    )
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        verbose_name = _("competition score")
        verbose_name_plural = _("competition scores")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "trainee"], name="activities_trainingscore_once"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100),
                name="activities_trainingscore_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainee} · {self.score}"
