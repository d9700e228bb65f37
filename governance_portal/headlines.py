"""What the home page headlines: this year's figures per street and the latest reports.

Figures are SQL aggregates, one per figure, grouped by street (``values("street")
.annotate(...)``) and attached to the streets as correlated subqueries, so the whole set is one
statement whatever the number of streets or rows: the public home page stays at a fixed (and
small) number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.files.storage import default_storage
from django.db.models import (
    Count,
    DecimalField,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from activities.images import THUMBNAIL_SIZE
from activities.models import Activity, ActivityPhoto, Tree
from communities.models import Street
from volunteers.models import ServiceRecord

HOURS = DecimalField(max_digits=12, decimal_places=2)


@dataclass(frozen=True)
class StreetHeadline:
    """One street's figures for ``year``; ``street`` carries whatever the caller prefetched."""

    street: Street
    year: int
    activities: int
    volunteer_hours: Decimal
    trees_adopted: int
    is_mine: bool = False


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The local calendar year as aware datetimes: ``start <= moment < end``."""
    return (
        timezone.make_aware(datetime(year, 1, 1)),
        timezone.make_aware(datetime(year + 1, 1, 1)),
    )


def _per_street(rows: QuerySet, street: str, aggregate, output_field) -> Coalesce:
    """``aggregate`` over ``rows`` grouped by ``street``, for the outer street (0 when none)."""
    grouped = (
        rows.filter(**{street: OuterRef("pk")})
        .order_by()
        .values(street)
        .annotate(figure=aggregate)
        .values("figure")
    )
    return Coalesce(
        Subquery(grouped, output_field=output_field),
        Value(0, output_field=output_field),
        output_field=output_field,
    )


def with_headline_figures(streets: QuerySet[Street], *, year: int) -> QuerySet[Street]:
    """Annotate ``headline_activities``, ``headline_hours`` and ``headline_trees`` for ``year``.

    - activities: published or completed (not drafts, not cancelled) activities of the street,
      its communities' and street-wide ones, starting in the year;
    - hours: verified volunteer service hours served in the year, by the record's street;
    - trees: trees adopted now (a current adopter; lost and replaced trees never have one, and
      only healthy trees count), by the tree's community's street.
    """
    start, end = year_bounds(year)
    activities = Activity.objects.filter(
        status__in=[Activity.Status.PUBLISHED, Activity.Status.COMPLETED],
        starts_at__gte=start,
        starts_at__lt=end,
    )
    hours = ServiceRecord.objects.verified().filter(
        served_on__gte=start.date(), served_on__lt=end.date()
    )
    trees = Tree.objects.filter(adopter__isnull=False, status=Tree.Status.HEALTHY)
    return streets.annotate(
        headline_activities=_per_street(activities, "street", Count("pk"), IntegerField()),
        headline_hours=_per_street(hours, "street", Sum("hours"), HOURS),
        headline_trees=_per_street(trees, "community__street", Count("pk"), IntegerField()),
    )


def street_headlines(
    streets: QuerySet[Street] | None = None,
    *,
    year: int | None = None,
    first_street_id: int | None = None,
) -> list[StreetHeadline]:
    """This year's figures for every street of ``streets`` (default: all), in one query.

    ``first_street_id`` (the resident's own street) comes first; the others keep the
    queryset's order. Pass a queryset with ``prefetch_related`` to reuse its streets elsewhere.
    """
    year = year or timezone.localdate().year
    if streets is None:
        streets = Street.objects.all()
    headlines = [
        StreetHeadline(
            street=street,
            year=year,
            activities=street.headline_activities,
            volunteer_hours=street.headline_hours,
            trees_adopted=street.headline_trees,
            is_mine=street.pk == first_street_id,
        )
        for street in with_headline_figures(streets, year=year)
    ]
    # A stable sort of the streets themselves (the figures are already computed in SQL).
    return sorted(headlines, key=lambda headline: not headline.is_mine)


@dataclass(frozen=True)
class ReportCard:
    """A completed activity's report with its first photo's thumbnail, if it has one."""

    activity: Activity
    thumbnail_url: str
    alt: str
    width: int | None
    height: int | None


def _first_photo(field: str) -> Subquery:
    first = ActivityPhoto.objects.filter(activity=OuterRef("pk")).order_by("pk").values(field)
    return Subquery(first[:1])


def thumbnail_size(width: int, height: int) -> tuple[int | None, int | None]:
    """The thumbnail's size from the photo's: it fits inside THUMBNAIL_SIZE, keeping the
    aspect ratio (to within a pixel of what Pillow made). Unknown when the photo's is."""
    if width <= 0 or height <= 0:
        return None, None
    scale = min(THUMBNAIL_SIZE[0] / width, THUMBNAIL_SIZE[1] / height, 1)
    return max(round(width * scale), 1), max(round(height * scale), 1)


def latest_reports(limit: int = 6) -> list[ReportCard]:
    """Completed activities with a written report, newest first, in one query."""
    activities = (
        Activity.objects.filter(status=Activity.Status.COMPLETED)
        .exclude(report="")
        .select_related("community", "street")
        .annotate(
            photo_thumbnail=_first_photo("thumbnail"),
            photo_caption=_first_photo("caption"),
            photo_width=_first_photo("width"),
            photo_height=_first_photo("height"),
        )
        .order_by("-ends_at", "-pk")[:limit]
    )
    storage = ActivityPhoto._meta.get_field("thumbnail").storage or default_storage
    cards = []
    for activity in activities:
        width, height = thumbnail_size(activity.photo_width or 0, activity.photo_height or 0)
        cards.append(
            ReportCard(
                activity=activity,
                thumbnail_url=storage.url(activity.photo_thumbnail)
                if activity.photo_thumbnail
                else "",
                alt=activity.photo_caption,  # no caption: decorative (the title is the link)
                width=width,
                height=height,
            )
        )
    return cards
