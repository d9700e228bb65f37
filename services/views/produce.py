"""Farm produce: staff keep products and stock and hand out reservations; residents reserve."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, ListView

from communities.permissions import CommunityStaffRequiredMixin
from governance_portal.form_errors import add_action_error
from services.actions import produce as actions
from services.filters_produce import ReservationFilter
from services.forms.produce import ProductForm, ReservationForm, RestockForm
from services.models import Product, Reservation, ServiceStation
from services.views.stations import StaffFormPage

# Staff ---------------------------------------------------------------------------------------


class ScopedProductMixin(CommunityStaffRequiredMixin):
    def get_product(self) -> Product:
        if not hasattr(self, "_product"):
            self._product = get_object_or_404(
                Product.objects.in_scope(self.scope).select_related("provider__station"),
                pk=self.kwargs["pk"],
            )
        return self._product

    def back_url(self) -> str:
        return reverse("services:station_manage", args=[self.get_product().provider.station_id])


class ProductCreateView(CommunityStaffRequiredMixin, StaffFormPage, FormView):
    form_class = ProductForm
    page_title = gettext_lazy("New farm product")

    def back_url(self) -> str:
        return reverse("services:station_manage_list")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": self.scope}

    def get_initial(self):
        provider = self.request.GET.get("provider", "")
        return {"provider": provider} if provider.isascii() and provider.isdigit() else {}

    def form_valid(self, form):
        try:
            product = actions.product_create(by=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The product was saved."))
        return redirect("services:station_manage", pk=product.provider.station_id)


class ProductUpdateView(ScopedProductMixin, StaffFormPage, FormView):
    form_class = ProductForm
    page_title = gettext_lazy("Edit the farm product")
    page_intro = gettext_lazy("Change the stock with “Change stock”, giving a reason.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": self.scope, "instance": self.get_product()}

    def form_valid(self, form):
        product = self.get_product()
        try:
            actions.product_update(product=product, by=self.request.user, changes=form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The product was saved."))
        return redirect("services:station_manage", pk=product.provider.station_id)


class ProductRestockView(ScopedProductMixin, StaffFormPage, FormView):
    form_class = RestockForm
    page_title = gettext_lazy("Change stock")

    def get_context_data(self, **kwargs):
        product = self.get_product()
        return super().get_context_data(
            subtitle=_("%(product)s: %(stock)d %(unit)s in stock")
            % {"product": product.name, "stock": product.stock, "unit": product.unit},
            **kwargs,
        )

    def form_valid(self, form):
        product = self.get_product()
        try:
            actions.product_restock(product=product, by=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(product)s: %(stock)d in stock now.")
            % {"product": product.name, "stock": product.stock},
        )
        return redirect("services:station_manage", pk=product.provider.station_id)


class ReservationManageListView(CommunityStaffRequiredMixin, ListView):
    """Reservations of one station (``station`` URL) or one product (``product`` URL)."""

    template_name = "services/produce_reservation_list.html"
    paginate_by = 50
    per = "station"

    def get_queryset(self):
        queryset = Reservation.objects.select_related(
            "product__provider__station", "resident", "handled_by"
        ).order_by("status", "-created_at", "-pk")
        if self.per == "product":
            self.product = get_object_or_404(
                Product.objects.in_scope(self.scope).select_related("provider__station"),
                pk=self.kwargs["pk"],
            )
            self.station = self.product.provider.station
            queryset, products = queryset.filter(product=self.product), None
        else:
            self.product = None
            self.station = get_object_or_404(
                ServiceStation.objects.in_scope(self.scope), pk=self.kwargs["pk"]
            )
            queryset = queryset.filter(product__provider__station=self.station)
            products = Product.objects.filter(provider__station=self.station).order_by("name")
        self.filterset = ReservationFilter(
            self.request.GET or None, queryset=queryset, products=products
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter=self.filterset, station=self.station, product=self.product, **kwargs
        )


class ReservationStepView(CommunityStaffRequiredMixin, View):
    """POST: pick up or cancel a reservation in scope, then back to the list it came from."""

    http_method_names = ["post"]
    action = None

    def post(self, request, pk):
        reservation = get_object_or_404(
            Reservation.objects.filter(
                product__in=Product.objects.in_scope(self.scope)
            ).select_related("product__provider"),
            pk=pk,
        )
        try:
            type(self).action(reservation=reservation, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, self.success_message())
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse(
                "services:reservation_station_list", args=[reservation.product.provider.station_id]
            )
        # Not redirect(): it would take a bare word (``next=list``) for a view name (a 500).
        return HttpResponseRedirect(back)


class ReservationPickupView(ReservationStepView):
    action = actions.reservation_pickup

    def success_message(self) -> str:
        return _("Marked as picked up.")


class ReservationCancelView(ReservationStepView):
    action = actions.reservation_cancel

    def success_message(self) -> str:
        return _("The reservation is cancelled and its units are back in stock.")


# Residents -----------------------------------------------------------------------------------


class ReservationCreateView(FormView):
    """A resident reserves farm produce from the station page (login required)."""

    form_class = ReservationForm
    template_name = "services/produce_reserve.html"

    def get_product(self) -> Product:
        if not hasattr(self, "_product"):
            self._product = get_object_or_404(
                Product.objects.on_offer().select_related("provider__station__community"),
                pk=self.kwargs["pk"],
            )
        return self._product

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "product": self.get_product()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(product=self.get_product(), **kwargs)

    def form_valid(self, form):
        try:
            reservation = actions.reservation_create(
                product=self.get_product(),
                resident=self.request.user,
                quantity=form.cleaned_data["quantity"],
            )
        except ValidationError as error:
            add_action_error(form, error)
            self._product = Product.objects.select_related("provider__station__community").get(
                pk=self.get_product().pk
            )  # show the stock as it is now
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Reserved. Please pick it up: %(when)s.") % {"when": reservation.product.pickup_time},
        )
        return redirect("services:reservation_mine")


class ReservationMineView(ListView):
    template_name = "services/produce_mine.html"
    paginate_by = 20

    def get_queryset(self):
        return (
            Reservation.objects.filter(resident=self.request.user)
            .select_related("product__provider__station")
            .order_by("-created_at", "-pk")
        )


class ReservationCancelMineView(View):
    http_method_names = ["post"]

    def post(self, request, pk):
        reservation = get_object_or_404(Reservation, pk=pk, resident=request.user)
        try:
            actions.reservation_cancel(reservation=reservation, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your reservation is cancelled."))
        return redirect("services:reservation_mine")
