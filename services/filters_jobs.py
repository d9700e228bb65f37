"""Filters of the job board's lists: the public postings, staff postings and job seekers."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.filters import name_or_phone
from communities.models import Community
from services.models import JobPosting, JobSeeker, ServiceStation


class PostingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Keyword"), method="filter_text", max_length=50)
    community = django_filters.ModelChoiceFilter(
        label=_("Community"),
        field_name="station__community",
        queryset=Community.objects.filter(service_stations__archived=False)
        .distinct()
        .order_by("name"),
    )
    station = django_filters.ModelChoiceFilter(
        label=pgettext_lazy("service", "Station"),
        queryset=ServiceStation.objects.active().order_by("name"),
    )

    class Meta:
        model = JobPosting
        fields = ["q", "community", "station"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(employer__icontains=value)
            | Q(place__icontains=value)
            | Q(requirements__icontains=value)
        )


class ManagePostingFilter(PostingFilter):
    community = None
    state = django_filters.ChoiceFilter(
        label=_("Shown"),
        method="filter_state",
        choices=[("open", _("Open")), ("closed", _("Expired or withdrawn"))],
    )

    class Meta:
        model = JobPosting
        fields = ["q", "station", "state"]

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["station"].queryset = ServiceStation.objects.in_scope(scope).order_by("name")

    def filter_state(self, queryset, name, value):
        open_ids = JobPosting.objects.active().values("pk")
        if value == "open":
            return queryset.filter(pk__in=open_ids)
        return queryset.exclude(pk__in=open_ids)


class SeekerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Name, last 4 digits of mobile, skill or wished work"),
        method="filter_text",
        max_length=50,
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=JobSeeker.Status.choices)
    station = django_filters.ModelChoiceFilter(
        label=pgettext_lazy("service", "Station"), queryset=ServiceStation.objects.none()
    )

    class Meta:
        model = JobSeeker
        fields = ["q", "status", "station"]

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["station"].queryset = ServiceStation.objects.in_scope(scope).order_by("name")

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        by_person = name_or_phone(queryset, value, prefix="").values("pk")
        return queryset.filter(
            Q(pk__in=by_person) | Q(skills__icontains=value) | Q(wished_work__icontains=value)
        )
