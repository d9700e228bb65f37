import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.models import (
    CharitableResource,
    Community,
    Compound,
    OutsideUnit,
    ResidentProfile,
    SocialOrganisation,
    SocialWorker,
    Street,
)


def name_or_phone(queryset, text: str, prefix: str = "user__"):
    """People whose name contains ``text``, or whose mobile number ends with it when it is four
    digits (how staff find someone at a desk). ``prefix`` is the lookup to the user."""
    text = text.strip()
    if not text:
        return queryset
    condition = Q(**{f"{prefix}name__icontains": text})
    if text.isdigit() and len(text) == 4:
        condition |= Q(**{f"{prefix}phone__endswith": text})
    return queryset.filter(condition)


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
        return name_or_phone(queryset, value)


class UnitFilterMixin(django_filters.FilterSet):
    """Street and community filters; on staff pages (``scope`` given) only their own."""

    street = django_filters.ModelChoiceFilter(
        label=_("Street"), queryset=Street.objects.order_by("name")
    )
    community = django_filters.ModelChoiceFilter(
        label=_("Community"), queryset=Community.objects.order_by("name")
    )

    def __init__(self, *args, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        if scope is not None and not scope.everything:
            communities = Community.objects.in_scope(scope)
            self.filters["community"].queryset = communities.order_by("name")
            self.filters["street"].queryset = Street.objects.filter(
                pk__in=communities.values("street_id")
            ).order_by("name")


class OrganisationFilter(UnitFilterMixin):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text", max_length=50)
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=SocialOrganisation.Category.choices
    )
    state = django_filters.ChoiceFilter(
        label=_("Incubation state"), choices=SocialOrganisation.State.choices
    )

    class Meta:
        model = SocialOrganisation
        fields = ["q", "category", "state", "street", "community"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(services__icontains=value)
            | Q(description__icontains=value)
        )


class SocialWorkerFilter(UnitFilterMixin):
    q = django_filters.CharFilter(
        label=_("Name or speciality"), method="filter_text", max_length=50
    )
    qualification = django_filters.ChoiceFilter(
        label=_("Qualification"), choices=SocialWorker.Qualification.choices
    )

    class Meta:
        model = SocialWorker
        fields = ["q", "qualification", "street", "community"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(specialities__icontains=value))


class ResourceFilter(UnitFilterMixin):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=CharitableResource.Kind.choices)
    year = django_filters.NumberFilter(
        label=_("Year received"),
        field_name="received_on",
        lookup_expr="year",
        min_value=2000,
        max_value=2100,
    )

    class Meta:
        model = CharitableResource
        fields = ["kind", "year", "street", "community"]


class OutsideUnitFilter(UnitFilterMixin):
    q = django_filters.CharFilter(
        label=_("Search"), field_name="name", lookup_expr="icontains", max_length=50
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OutsideUnit.Kind.choices)

    class Meta:
        model = OutsideUnit
        fields = ["q", "kind", "street", "community"]
