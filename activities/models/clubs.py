"""Reading clubs (全民阅读读书会): members, sessions (reading-club activities) and shared books."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.db.models import Count, Max, Min, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from activities.models.core import Activity
from communities.models import Community


def title_key(title: str) -> str:
    """Two shares of one book match whatever their spacing, case or 《》 brackets."""
    return re.sub(r"[\s《》<>\"'“”‘’]+", "", title).casefold()[:200]


class ReadingClubQuerySet(models.QuerySet):
    def in_scope(self, scope) -> ReadingClubQuerySet:
        if scope.everything:
            return self
        return self.filter(community_id__in=scope.community_ids)

    def active(self) -> ReadingClubQuerySet:
        """Clubs shown publicly (archived clubs keep their history out of sight)."""
        return self.filter(archived=False)

    def with_member_count(self) -> ReadingClubQuerySet:
        """Annotate ``member_count``: members who have not left (one query with the list)."""
        return self.annotate(
            member_count=Count("members", filter=Q(members__left_at__isnull=True), distinct=True)
        )


class ClubMemberQuerySet(models.QuerySet):
    def current(self) -> ClubMemberQuerySet:
        return self.filter(left_at__isnull=True)


class ReadingClub(models.Model):
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="reading_clubs", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=60, help_text=_("For example: 北辰社区读书会"))
    description = models.TextField(pgettext_lazy("club", "description"), blank=True)
    meets = models.CharField(
        _("meets"), max_length=100, blank=True, help_text=_("For example: 每月第二个周六上午")
    )
    archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ReadingClubQuerySet.as_manager()

    class Meta:
        verbose_name = _("reading club")
        verbose_name_plural = _("reading clubs")
        ordering = ["community__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"], name="activities_readingclub_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("activities:club_detail", args=[self.pk])

    def book_list(self):
        """One row per book, most-recommended first: title, author, shares, last shared."""
        return (
            BookShare.objects.filter(club=self)
            .exclude(session__activity__status=Activity.Status.DRAFT)
            .values("title_key")
            .annotate(
                title=Min("title"),
                author=Min("author"),
                shares=Count("pk"),
                last_shared=Max("shared_at"),
            )
            .order_by("-shares", "-last_shared", "title_key")
        )


class ClubMember(models.Model):
    club = models.ForeignKey(
        ReadingClub, models.PROTECT, related_name="members", verbose_name=_("reading club")
    )
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="club_memberships",
        verbose_name=_("resident"),
    )
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)

    objects = ClubMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("club member")
        verbose_name_plural = _("club members")
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["club", "resident"], name="activities_clubmember_once")
        ]

    def __str__(self) -> str:
        return f"{self.club} · {self.resident}"


class ClubSession(models.Model):
    """A reading-club activity that is one of the club's sessions."""

    club = models.ForeignKey(
        ReadingClub, models.PROTECT, related_name="sessions", verbose_name=_("reading club")
    )
    activity = models.OneToOneField(
        Activity,
        models.PROTECT,
        related_name="club_session",
        verbose_name=_("activity"),
        limit_choices_to={"kind": Activity.Kind.READING_CLUB},
    )
    theme = models.CharField(_("theme"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("club session")
        verbose_name_plural = _("club sessions")
        ordering = ["-activity__starts_at", "-pk"]

    def __str__(self) -> str:
        return str(self.activity)


class BookShare(models.Model):
    """A book a member recommended at a session, and why."""

    club = models.ForeignKey(
        ReadingClub, models.PROTECT, related_name="book_shares", verbose_name=_("reading club")
    )
    session = models.ForeignKey(
        ClubSession,
        models.PROTECT,
        related_name="book_shares",
        verbose_name=_("session"),
    )
    title = models.CharField(_("book title"), max_length=200)
    title_key = models.CharField(max_length=200, editable=False, db_index=True)
    author = models.CharField(_("author"), max_length=100, blank=True)
    recommended_by = models.ForeignKey(
        ClubMember,
        models.PROTECT,
        related_name="book_shares",
        verbose_name=_("recommended by"),
    )
    reason = models.TextField(_("why"), max_length=1000, blank=True)
    shared_at = models.DateTimeField(_("shared at"), auto_now_add=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("entered by")
    )

    class Meta:
        verbose_name = _("book share")
        verbose_name_plural = _("book shares")
        ordering = ["-shared_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(title=""), name="activities_bookshare_title_present"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.title_key = title_key(self.title)
        super().save(*args, **kwargs)
