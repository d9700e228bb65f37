import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance_portal.models import AuditEvent
from governance_portal.validators import validate_reasonable_date


class AuditEventFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Who or what"), method="filter_text", max_length=50)
    action = django_filters.ChoiceFilter(label=_("Action"), choices=AuditEvent.Action.choices)
    date_from = django_filters.DateFilter(
        label=_("From"),
        field_name="at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_reasonable_date],
    )
    date_to = django_filters.DateFilter(
        label=_("To"),
        field_name="at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_reasonable_date],
    )

    class Meta:
        model = AuditEvent
        fields = ["q", "action", "date_from", "date_to"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(actor_repr__icontains=value)
            | Q(object_repr__icontains=value)
            | Q(model__icontains=value)
        )
