import django_filters
from django.utils.translation import gettext_lazy as _

from communities.filters import UnitFilterMixin, name_or_phone
from volunteers.models import ServiceRecord, Volunteer, VolunteerTeam


class VolunteerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Name or last 4 digits of mobile"), method="filter_text", max_length=50
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Volunteer.Status.choices)
    community = django_filters.ModelChoiceFilter(label=_("Community"), queryset=None)
    team = django_filters.ModelChoiceFilter(label=_("Team"), queryset=None)

    class Meta:
        model = Volunteer
        fields = ["q", "status", "community", "team"]

    def __init__(self, *args, scope, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["community"].queryset = communities.order_by("name")
        self.filters["team"].queryset = VolunteerTeam.objects.in_scope(scope).order_by("name")

    def filter_text(self, queryset, name, value):
        return name_or_phone(queryset, value)


class RecordFilter(UnitFilterMixin):
    q = django_filters.CharFilter(
        label=_("Name or last 4 digits of mobile"), method="filter_text", max_length=50
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ServiceRecord.Status.choices, empty_label=_("Any status")
    )
    source = django_filters.ChoiceFilter(label=_("Source"), choices=ServiceRecord.Source.choices)

    class Meta:
        model = ServiceRecord
        fields = ["q", "status", "source", "street", "community"]

    def filter_text(self, queryset, name, value):
        return name_or_phone(queryset, value, prefix="volunteer__user__")
