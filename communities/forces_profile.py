"""A community's five-forces profile: who serves it and how its activities linked the forces."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from activities.models import Activity
from communities.models import CharitableResource, Community, SocialOrganisation, SocialWorker


@dataclass(frozen=True)
class ForcesProfile:
    year: int
    organisations: int
    social_workers: int
    resources: int
    resource_value: Decimal
    activities: int
    with_organisation: int
    with_social_worker: int
    with_volunteers: int
    with_charity: int
    linked_three: int

    @property
    def linked_three_share(self) -> int:
        """Percentage of the year's activities that linked at least three of the five forces."""
        return round(100 * self.linked_three / self.activities) if self.activities else 0


def five_forces_profile(community: Community, year: int | None = None) -> ForcesProfile:
    """Four queries whatever the data size: two registry counts, one resource count and sum,
    one aggregate over the year's held activities."""
    year = year or timezone.localdate().year
    serves = Q(community=community) | Q(community__isnull=True, street_id=community.street_id)
    resources = CharitableResource.objects.current().filter(serves)
    resource_totals = resources.aggregate(count=Count("pk"), value=Sum("value"))
    activities = (
        Activity.objects.filter(
            community=community, starts_at__year=year, starts_at__lte=timezone.now()
        )
        .exclude(status__in=[Activity.Status.DRAFT, Activity.Status.CANCELLED])
        .with_forces()
        .aggregate(
            total=Count("pk"),
            with_organisation=Count("pk", filter=Q(has_organisation=True)),
            with_social_worker=Count("pk", filter=Q(has_social_worker=True)),
            with_volunteers=Count("pk", filter=Q(has_volunteers=True)),
            with_charity=Count("pk", filter=Q(has_charity=True)),
            linked_three=Count("pk", filter=Q(force_count__gte=3)),
        )
    )
    return ForcesProfile(
        year=year,
        organisations=SocialOrganisation.objects.current().filter(serves).count(),
        social_workers=SocialWorker.objects.current().filter(serves).count(),
        resources=resource_totals["count"],
        resource_value=resource_totals["value"] or Decimal("0"),
        activities=activities["total"],
        with_organisation=activities["with_organisation"],
        with_social_worker=activities["with_social_worker"],
        with_volunteers=activities["with_volunteers"],
        with_charity=activities["with_charity"],
        linked_three=activities["linked_three"],
    )
