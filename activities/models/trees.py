"""Tree adoption (绿植领养): trees planted at an activity, their adopters over time, care logs."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models.core import Activity, photo_path
from communities.models import Community, Compound


def new_tag_code() -> str:
    """The code in a tree's public URL and QR tag: short enough for a small QR code, long
    enough (60 bits) that tags cannot be guessed one from another."""
    return secrets.token_urlsafe(8)[:10]


class TreeQuerySet(models.QuerySet):
    def in_scope(self, scope) -> TreeQuerySet:
        if scope.everything:
            return self
        return self.filter(community_id__in=scope.community_ids)

    def needs_care(self, now=None) -> TreeQuerySet:
        """Healthy trees whose care is overdue (care_due_at is kept on the row)."""
        return self.filter(status=Tree.Status.HEALTHY, care_due_at__lt=now or timezone.now())

    def adopted_by(self, user) -> TreeQuerySet:
        return self.filter(adopter=user)


class Tree(models.Model):
    class Status(models.TextChoices):
        HEALTHY = "healthy", _("Healthy")
        LOST = "lost", _("Lost")
        REPLACED = "replaced", _("Replaced")

    community = models.ForeignKey(
        Community, models.PROTECT, related_name="trees", verbose_name=_("community")
    )
    compound = models.ForeignKey(
        Compound,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="trees",
        verbose_name=_("compound"),
    )
    planting_activity = models.ForeignKey(
        Activity,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="trees",
        verbose_name=_("planted at"),
        limit_choices_to={"kind": Activity.Kind.TREE_ADOPTION},
    )
    name = models.CharField(_("tree name"), max_length=40, help_text=_("For example: 同心树 1号"))
    species = models.CharField(_("species"), max_length=40)
    spot = models.CharField(
        _("spot"), max_length=100, blank=True, help_text=_("For example: 3号楼东侧草坪")
    )
    planted_on = models.DateField(_("planted on"))
    photo = models.ImageField(_("photo"), upload_to=photo_path, blank=True)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=photo_path, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.HEALTHY
    )
    status_note = models.CharField(_("what happened"), max_length=200, blank=True)
    replaced_by = models.OneToOneField(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("replaced by"),
    )
    care_every_days = models.PositiveSmallIntegerField(
        _("care needed every (days)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("After this many days without care the tree shows “needs care”."),
    )
    # Kept on the row by the care-log action so lists filter on an index, never on the logs.
    last_cared_at = models.DateTimeField(_("last cared for"), null=True, blank=True, editable=False)
    care_due_at = models.DateTimeField(_("care due"), editable=False)
    # The current adoption, kept on the row for lists; the history is in TreeAdoption.
    adopter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="adopted_trees",
        verbose_name=_("adopter"),
        editable=False,
    )
    tag_name = models.CharField(
        _("name on the tag"),
        max_length=40,
        blank=True,
        editable=False,
        help_text=_("For example the child's name; empty: the adopter's masked name."),
    )
    tag_code = models.CharField(max_length=16, unique=True, default=new_tag_code, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TreeQuerySet.as_manager()

    class Meta:
        verbose_name = _("tree")
        verbose_name_plural = _("trees")
        ordering = ["compound__name", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"], name="activities_tree_unique_name"
            ),
            models.CheckConstraint(
                condition=Q(care_every_days__gte=1) & Q(care_every_days__lte=365),
                name="activities_tree_care_interval_sane",
            ),
        ]
        indexes = [
            # The staff list per compound and the "needs care" filter.
            models.Index(fields=["community", "status", "care_due_at"], name="tree_care_due"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("activities:tree_public", args=[self.tag_code])

    def due_after(self, moment) -> timezone.datetime:
        return moment + timedelta(days=self.care_every_days)

    def needs_care(self, now=None) -> bool:
        return self.status == self.Status.HEALTHY and self.care_due_at < (now or timezone.now())

    @property
    def condition(self) -> str:
        """healthy / needs_care / lost / replaced — what badges and filters show."""
        return "needs_care" if self.needs_care() else self.status


class TreeAdoption(models.Model):
    """One family's adoption of a tree, from start to end; the tree's history keeps them all."""

    tree = models.ForeignKey(Tree, models.PROTECT, related_name="adoptions", verbose_name=_("tree"))
    adopter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="tree_adoptions",
        verbose_name=_("adopter"),
    )
    tag_name = models.CharField(_("name on the tag"), max_length=40, blank=True)
    started_at = models.DateTimeField(_("adopted at"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=200, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("registered by")
    )

    class Meta:
        verbose_name = _("tree adoption")
        verbose_name_plural = _("tree adoptions")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tree"],
                condition=Q(ended_at__isnull=True),
                name="activities_treeadoption_one_current",
                violation_error_message=_("This tree already has an adopter."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.tree} · {self.adopter}"


class CareLog(models.Model):
    class Kind(models.TextChoices):
        WATER = "water", _("Watering")
        FERTILISE = "fertilise", _("Fertilising")
        PRUNE = "prune", _("Pruning")
        VISIT = "visit", _("Visit")

    tree = models.ForeignKey(Tree, models.PROTECT, related_name="care_logs", verbose_name=_("tree"))
    # The tree's community (a tree never moves), kept on the log so that a dashboard counts a
    # community's trees cared for in a period from one index range.
    community = models.ForeignKey(
        "communities.Community",
        models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("community"),
    )
    adoption = models.ForeignKey(
        TreeAdoption,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="care_logs",
        verbose_name=_("adoption"),
        help_text=_("Empty when staff logged it."),
    )
    kind = models.CharField(_("care"), max_length=10, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    photo = models.ImageField(_("photo"), upload_to=photo_path, blank=True)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=photo_path, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("logged by")
    )
    logged_at = models.DateTimeField(_("logged at"), default=timezone.now)

    class Meta:
        verbose_name = _("care log")
        verbose_name_plural = _("care logs")
        ordering = ["-logged_at", "-pk"]
        indexes = [
            # The tree's timeline, newest first.
            models.Index(fields=["tree", "-logged_at"], name="carelog_tree_time"),
            # Dashboards: a community's care of a period, and which trees (index only).
            models.Index(
                fields=["community", "logged_at"], include=["tree"], name="carelog_community_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tree} · {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.community_id is None and self.tree_id is not None:
            self.community_id = Tree.objects.values_list("community_id", flat=True).get(
                pk=self.tree_id
            )
        super().save(*args, **kwargs)
