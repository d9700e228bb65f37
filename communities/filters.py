import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.models import Community, Compound, ResidentProfile


class ResidentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Name or last 4 digits of mobile"), method="filter_text", max_length=50
    )
    compound = django_filters.ModelChoiceFilter(
        label=_("Compound"), queryset=Compound.objects.none()
    )

    class Meta:
        model = ResidentProfile
        fields = ["q", "compound"]

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["compound"].queryset = community.compounds.order_by("name")

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q(user__name__icontains=value)
        if value.isdigit() and len(value) == 4:
            condition |= Q(user__phone__endswith=value)
        return queryset.filter(condition)
