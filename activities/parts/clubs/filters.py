import django_filters
from django.utils.translation import gettext_lazy as _

from activities.models import ReadingClub
from communities.models import Community


class ClubFilter(django_filters.FilterSet):
    """The public club list: by community (only communities that have an active club)."""

    community = django_filters.ModelChoiceFilter(
        label=_("Community"),
        queryset=Community.objects.filter(reading_clubs__archived=False)
        .distinct()
        .order_by("name"),
    )

    class Meta:
        model = ReadingClub
        fields = ["community"]
