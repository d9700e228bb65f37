"""Fire drills (消防疏散演练): the report of a drill with its groups and follow-up actions."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from activities.models.core import Activity
from communities.models import OutsideUnit


def minutes_seconds(seconds: int | float | None) -> str:
    """155 → "2:35" (how drill times are read out)."""
    if seconds is None:
        return ""
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}:{rest:02d}"


class DrillReportQuerySet(models.QuerySet):
    def in_scope(self, scope) -> DrillReportQuerySet:
        if scope.everything:
            return self
        return self.filter(activity__community_id__in=scope.community_ids)


class DrillReport(models.Model):
    activity = models.OneToOneField(
        Activity,
        models.PROTECT,
        related_name="drill_report",
        verbose_name=_("activity"),
        limit_choices_to={"kind": Activity.Kind.FIRE_DRILL},
    )
    partner_unit = models.ForeignKey(
        OutsideUnit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="drill_reports",
        verbose_name=_("partner unit"),
        help_text=_("For example: 平城区41小"),
    )
    evacuation_seconds = models.PositiveIntegerField(
        _("evacuation time (seconds)"),
        validators=[MinValueValidator(1), MaxValueValidator(7200)],
        help_text=_("From the alarm until the last person reached the assembly point."),
    )
    findings = models.TextField(_("findings"), max_length=5000, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = DrillReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("drill report")
        verbose_name_plural = _("drill reports")
        ordering = ["-activity__starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(evacuation_seconds__gte=1),
                name="activities_drillreport_time_positive",
            )
        ]

    def __str__(self) -> str:
        return str(self.activity)

    @property
    def evacuation_time(self) -> str:
        return minutes_seconds(self.evacuation_seconds)


class DrillGroup(models.Model):
    """Participants by group: 学生 420, 教师 35, 居民 60…"""

    report = models.ForeignKey(
        DrillReport, models.CASCADE, related_name="groups", verbose_name=_("drill report")
    )
    name = models.CharField(_("group"), max_length=40)
    people = models.PositiveIntegerField(
        _("people"), validators=[MinValueValidator(1), MaxValueValidator(100000)]
    )

    class Meta:
        verbose_name = _("participant group")
        verbose_name_plural = _("participant groups")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "name"], name="activities_drillgroup_once")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.people}"


class DrillAction(models.Model):
    """A follow-up the drill showed was needed, with its owner and due date."""

    report = models.ForeignKey(
        DrillReport, models.CASCADE, related_name="actions", verbose_name=_("drill report")
    )
    action = models.CharField(_("follow-up action"), max_length=300)
    owner = models.CharField(_("owner"), max_length=60)
    due_on = models.DateField(_("due"))
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["done", "due_on", "pk"]

    def __str__(self) -> str:
        return self.action
