from datetime import datetime, time

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import Activity
from communities.models import Community, Street
from governance_portal.validators import validate_reasonable_date


def _day_start(value) -> datetime:
    return timezone.make_aware(datetime.combine(value, time.min))


def _day_end(value) -> datetime:
    return timezone.make_aware(datetime.combine(value, time.max))


class ActivityFilter(django_filters.FilterSet):
    """The public list's filters. Without dates it shows activities that have not ended."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_text", max_length=50)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Activity.Kind.choices)
    street = django_filters.ModelChoiceFilter(
        label=_("Street"), queryset=Street.objects.order_by("name")
    )
    community = django_filters.ModelChoiceFilter(
        label=_("Community"), queryset=Community.objects.order_by("name")
    )
    audience = django_filters.ChoiceFilter(label=_("For"), choices=Activity.Audience.choices)
    date_from = django_filters.DateFilter(
        label=_("From"),
        method="filter_from",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_reasonable_date],
    )
    date_to = django_filters.DateFilter(
        label=_("To"),
        method="filter_to",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_reasonable_date],
    )
    has_places = django_filters.BooleanFilter(
        label=_("Only with places left"),
        method="filter_has_places",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Activity
        fields = ["q", "kind", "street", "community", "audience", "date_from", "date_to"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(venue__icontains=value) | Q(description__icontains=value)
        )

    def filter_from(self, queryset, name, value):
        return queryset.filter(ends_at__gte=_day_start(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(starts_at__lte=_day_end(value))

    def filter_has_places(self, queryset, name, value):
        return queryset.with_places() if value else queryset

    @property
    def qs(self):
        queryset = super().qs
        data = self.form.cleaned_data if self.form.is_valid() else {}
        if not data.get("date_from") and not data.get("date_to"):
            queryset = queryset.upcoming()
        return queryset


class ManageActivityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text", max_length=50)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Activity.Status.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Activity.Kind.choices)
    community = django_filters.ModelChoiceFilter(
        label=_("Community"), queryset=Community.objects.none()
    )

    class Meta:
        model = Activity
        fields = ["q", "status", "kind", "community"]

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["community"].queryset = Community.objects.in_scope(scope).order_by("name")

    def filter_text(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(title__icontains=value) if value else queryset
