"""The staff list of trees (and the name tags printed from it)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import Tree
from communities.forms import CommunityChoiceField, CompoundChoiceField
from communities.models import Community, Compound
from communities.permissions import Scope

NEEDS_CARE = "needs_care"

CONDITION_CHOICES = [
    (Tree.Status.HEALTHY, _("Healthy")),
    (NEEDS_CARE, _("Needs care")),
    (Tree.Status.LOST, _("Lost")),
    (Tree.Status.REPLACED, _("Replaced")),
]


class CommunityFilter(django_filters.ModelChoiceFilter):
    field_class = CommunityChoiceField


class CompoundFilter(django_filters.ModelChoiceFilter):
    field_class = CompoundChoiceField


class TreeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Tree name or species"), method="filter_text", max_length=50
    )
    community = CommunityFilter(label=_("Community"), queryset=Community.objects.none())
    compound = CompoundFilter(label=_("Compound"), queryset=Compound.objects.none())
    condition = django_filters.ChoiceFilter(
        label=_("Condition"), choices=CONDITION_CHOICES, method="filter_condition"
    )

    class Meta:
        model = Tree
        fields = ["q", "community", "compound", "condition"]

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["community"].queryset = (
            Community.objects.in_scope(scope).select_related("street").order_by("name")
        )
        self.filters["compound"].queryset = (
            Compound.objects.in_scope(scope)
            .select_related("community")
            .order_by("community__name", "name")
        )

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(species__icontains=value))

    def filter_condition(self, queryset, name, value):
        now = timezone.now()
        if value == NEEDS_CARE:
            return queryset.needs_care(now)
        if value == Tree.Status.HEALTHY:
            return queryset.filter(status=Tree.Status.HEALTHY, care_due_at__gte=now)
        return queryset.filter(status=value)
