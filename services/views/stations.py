"""Station pages: the public 一站式 pages and the staff pages for stations, providers, items."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, ListView

from communities.permissions import CommunityStaffRequiredMixin, scope_for
from governance_portal.form_errors import add_action_error
from services.actions import stations as actions
from services.forms.stations import HoursFormSet, ItemForm, ProviderForm, StationForm
from services.models import (
    Product,
    Reservation,
    ServiceItem,
    ServiceProvider,
    ServiceStation,
    WorkingHours,
)
from volunteers.views.pages import FormPageMixin

FORM_TEMPLATE = "services/stations_form.html"


def providers_by_category(providers) -> list[tuple[str, list[ServiceProvider]]]:
    """[(category label, providers)] in the order of ``ServiceProvider.Category``."""
    groups: dict[str, list[ServiceProvider]] = {}
    for provider in providers:
        groups.setdefault(provider.category, []).append(provider)
    labels = dict(ServiceProvider.Category.choices)
    return [(labels[c], groups[c]) for c in ServiceProvider.Category.values if c in groups]


# Public pages ------------------------------------------------------------------------------


@method_decorator(login_not_required, name="dispatch")
class StationListView(ListView):
    template_name = "services/stations_list.html"
    paginate_by = 20

    def get_queryset(self):
        return ServiceStation.objects.active().select_related("community__street")


@method_decorator(login_not_required, name="dispatch")
class StationDetailView(DetailView):
    """The 一站式 page: providers by category with their items, farm produce, the job board."""

    template_name = "services/stations_detail.html"
    context_object_name = "station"

    def get_queryset(self):
        return ServiceStation.objects.active().select_related("community__street")

    def get_context_data(self, **kwargs):
        station = self.object
        providers = (
            station.providers.filter(archived=False)
            .order_by("category", "name")
            .prefetch_related(
                Prefetch(
                    "items",
                    queryset=ServiceItem.objects.filter(archived=False).order_by("name", "pk"),
                    to_attr="active_items",
                ),
                Prefetch("hours", queryset=WorkingHours.objects.order_by("weekday", "opens")),
            )
        )
        products = (
            Product.objects.on_offer()
            .filter(provider__station=station)
            .select_related("provider")
            .order_by("name", "pk")
        )
        scope = scope_for(self.request.user)
        return super().get_context_data(
            provider_groups=providers_by_category(providers),
            products=list(products),
            show_provider_contacts=scope.covers_community(station.community_id),
            **kwargs,
        )


@method_decorator(login_not_required, name="dispatch")
class ItemDetailView(DetailView):
    template_name = "services/stations_item_detail.html"
    context_object_name = "item"

    def get_queryset(self):
        return (
            ServiceItem.objects.active()
            .select_related("provider__station__community")
            .prefetch_related(
                Prefetch(
                    "provider__hours",
                    queryset=WorkingHours.objects.order_by("weekday", "opens"),
                )
            )
        )


# Staff pages -------------------------------------------------------------------------------


class StaffFormPage(FormPageMixin):
    """The volunteers' small-form page, with room for a formset and a subtitle."""

    template_name = FORM_TEMPLATE

    def get_context_data(self, **kwargs):
        kwargs.setdefault("subtitle", "")
        kwargs.setdefault("formset", None)
        return super().get_context_data(**kwargs)


class ScopedStationMixin(CommunityStaffRequiredMixin):
    """The station of the URL, fetched through the staff member's scope (else 404)."""

    station_kwarg = "pk"

    def get_station(self) -> ServiceStation:
        if not hasattr(self, "_station"):
            self._station = get_object_or_404(
                ServiceStation.objects.in_scope(self.scope).select_related("community"),
                pk=self.kwargs[self.station_kwarg],
            )
        return self._station


class StationManageListView(CommunityStaffRequiredMixin, ListView):
    template_name = "services/stations_manage_list.html"
    paginate_by = 25

    def get_queryset(self):
        return (
            ServiceStation.objects.in_scope(self.scope)
            .select_related("community")
            .annotate(
                provider_count=Count(
                    "providers", filter=Q(providers__archived=False), distinct=True
                )
            )
            .order_by("archived", "community__name", "name")
        )


class StationCreateView(CommunityStaffRequiredMixin, StaffFormPage, FormView):
    form_class = StationForm
    page_title = gettext_lazy("New service station")

    def back_url(self) -> str:
        return reverse("services:station_manage_list")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": self.scope}

    def form_valid(self, form):
        try:
            station = actions.station_create(by=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The station was saved."))
        return redirect("services:station_manage", pk=station.pk)


class StationUpdateView(ScopedStationMixin, StaffFormPage, FormView):
    form_class = StationForm
    page_title = gettext_lazy("Edit the service station")

    def back_url(self) -> str:
        return reverse("services:station_manage", args=[self.get_station().pk])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": self.scope, "instance": self.get_station()}

    def form_valid(self, form):
        try:
            actions.station_update(
                station=self.get_station(), by=self.request.user, changes=form.cleaned_data
            )
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The station was saved."))
        return redirect("services:station_manage", pk=self.get_station().pk)


class StationManageView(ScopedStationMixin, DetailView):
    """One station's staff page: its providers with hours and items, and its farm products."""

    template_name = "services/stations_manage.html"
    context_object_name = "station"

    def get_object(self, queryset=None):
        return self.get_station()

    def get_context_data(self, **kwargs):
        station = self.get_station()
        providers = station.providers.order_by("archived", "category", "name").prefetch_related(
            Prefetch("items", queryset=ServiceItem.objects.order_by("archived", "name", "pk")),
            Prefetch("hours", queryset=WorkingHours.objects.order_by("weekday", "opens")),
        )
        products = (
            Product.objects.filter(provider__station=station)
            .select_related("provider")
            .annotate(
                waiting=Count(
                    "reservations",
                    filter=Q(reservations__status=Reservation.Status.RESERVED),
                )
            )
            .order_by("archived", "name", "pk")
        )
        return super().get_context_data(
            providers=list(providers),
            products=list(products),
            has_farm_provider=any(
                p.category == ServiceProvider.Category.FARM_PRODUCE and not p.archived
                for p in providers
            ),
            **kwargs,
        )


class ProviderFormMixin(StaffFormPage):
    """Provider form plus its weekly hours as an inline formset; the action saves both."""

    form_class = ProviderForm
    page_intro = gettext_lazy(
        "Weekly working hours: residents can book times only within them. "
        "Leave a row empty to skip it."
    )

    def get_provider(self) -> ServiceProvider:  # pragma: no cover - overridden
        raise NotImplementedError

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_provider()}

    def get_formset(self):
        if not hasattr(self, "_formset"):
            data = self.request.POST if self.request.method == "POST" else None
            self._formset = HoursFormSet(data, instance=self.get_provider(), prefix="hours")
        return self._formset

    def get_context_data(self, **kwargs):
        return super().get_context_data(formset=self.get_formset(), **kwargs)

    def post(self, request, *args, **kwargs):
        form, formset = self.get_form(), self.get_formset()
        if form.is_valid() and formset.is_valid():
            return self.form_valid(form)
        return self.form_invalid(form)

    def form_valid(self, form):
        try:
            provider = self.save(form.cleaned_data, self.get_formset().hours())
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The provider was saved."))
        return redirect("services:station_manage", pk=provider.station_id)


class ProviderCreateView(ScopedStationMixin, ProviderFormMixin, FormView):
    page_title = gettext_lazy("New provider")

    def get_provider(self) -> ServiceProvider:
        if not hasattr(self, "_provider"):
            self._provider = ServiceProvider(station=self.get_station())
        return self._provider

    def back_url(self) -> str:
        return reverse("services:station_manage", args=[self.get_station().pk])

    def save(self, fields, hours):
        return actions.provider_create(
            station=self.get_station(), by=self.request.user, hours=hours, **fields
        )


class ProviderUpdateView(CommunityStaffRequiredMixin, ProviderFormMixin, FormView):
    page_title = gettext_lazy("Edit the provider")

    def get_provider(self) -> ServiceProvider:
        if not hasattr(self, "_provider"):
            self._provider = get_object_or_404(
                ServiceProvider.objects.in_scope(self.scope).select_related("station"),
                pk=self.kwargs["pk"],
            )
        return self._provider

    def back_url(self) -> str:
        return reverse("services:station_manage", args=[self.get_provider().station_id])

    def save(self, fields, hours):
        return actions.provider_update(
            provider=self.get_provider(), by=self.request.user, changes=fields, hours=hours
        )


class ItemCreateView(CommunityStaffRequiredMixin, StaffFormPage, FormView):
    form_class = ItemForm
    page_title = gettext_lazy("New service item")

    def get_provider(self) -> ServiceProvider:
        if not hasattr(self, "_provider"):
            self._provider = get_object_or_404(
                ServiceProvider.objects.in_scope(self.scope)
                .exclude(category=ServiceProvider.Category.FARM_PRODUCE)
                .select_related("station"),
                pk=self.kwargs["pk"],
            )
        return self._provider

    def back_url(self) -> str:
        return reverse("services:station_manage", args=[self.get_provider().station_id])

    def get_context_data(self, **kwargs):
        return super().get_context_data(subtitle=self.get_provider().name, **kwargs)

    def form_valid(self, form):
        try:
            actions.item_create(
                provider=self.get_provider(), by=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The service item was saved."))
        return redirect("services:station_manage", pk=self.get_provider().station_id)


class ItemUpdateView(CommunityStaffRequiredMixin, StaffFormPage, FormView):
    form_class = ItemForm
    page_title = gettext_lazy("Edit the service item")

    def get_item(self) -> ServiceItem:
        if not hasattr(self, "_item"):
            self._item = get_object_or_404(
                ServiceItem.objects.in_scope(self.scope).select_related("provider__station"),
                pk=self.kwargs["pk"],
            )
        return self._item

    def back_url(self) -> str:
        return reverse("services:station_manage", args=[self.get_item().provider.station_id])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_item()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(subtitle=self.get_item().provider.name, **kwargs)

    def form_valid(self, form):
        item = self.get_item()
        try:
            actions.item_update(item=item, by=self.request.user, changes=form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The service item was saved."))
        return redirect("services:station_manage", pk=item.provider.station_id)
