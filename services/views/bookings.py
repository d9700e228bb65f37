"""Booking pages: residents book an item and see 我的预约; staff see the day's bookings, move
them through their statuses and book for walk-in residents at the desk."""

from __future__ import annotations

from datetime import time, timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, ListView

from activities.actions import resident_find_or_create_at_desk
from communities.models import ResidentProfile
from communities.permissions import CommunityStaffRequiredMixin
from governance_portal.form_errors import add_action_error
from services.actions import bookings as actions
from services.filters_bookings import BookingDayFilter, DayPickForm
from services.forms.bookings import BookingForm, DayForm, DeskBookingForm, RatingForm
from services.models import Booking, ServiceItem, WorkingHours
from services.slots import bookable_days, local_moment, slots_for

# --- choosing a day and a slot (shared by the resident's page and the desk) -------------------


class SlotPickerMixin:
    """The item's days (as buttons) and the chosen day's slots. ``get_item`` is the subclass's:
    any offered item for residents, the scope's items for staff."""

    def get_item(self) -> ServiceItem:  # pragma: no cover - overridden
        raise NotImplementedError

    def setup_slots(self) -> None:
        if hasattr(self, "slots"):
            return
        self.item = self.get_item()
        days = bookable_days()
        chosen = DayForm(self.request.GET)
        self.day = days[0]
        if chosen.is_valid() and chosen.cleaned_data["day"] in days:
            self.day = chosen.cleaned_data["day"]
        hours = list(WorkingHours.objects.filter(provider_id=self.item.provider_id))
        open_weekdays = {stretch.weekday for stretch in hours}
        self.days = [
            {"day": day, "open": day.weekday() in open_weekdays, "chosen": day == self.day}
            for day in days
        ]
        self.slots = slots_for(self.item, self.day, hours=hours)

    def get_form_kwargs(self):
        self.setup_slots()
        return {**super().get_form_kwargs(), "item": self.item, "slots": self.slots}

    def get_context_data(self, **kwargs):
        self.setup_slots()
        return super().get_context_data(
            item=self.item,
            station=self.item.provider.station,
            days=self.days,
            day=self.day,
            slots=self.slots,
            free_places=sum(slot.places_left for slot in self.slots),
            **kwargs,
        )


def _offered_items():
    return ServiceItem.objects.active().select_related("provider__station__community")


# --- residents ----------------------------------------------------------------------------------


class BookingCreateView(SlotPickerMixin, FormView):
    """A resident books an item: a day, a time, a home visit where offered and eligible."""

    form_class = BookingForm
    template_name = "services/bookings_form.html"

    def get_item(self) -> ServiceItem:
        return get_object_or_404(_offered_items(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        self.setup_slots()
        user = self.request.user
        groups = actions.resident_groups(user)
        profile = ResidentProfile.objects.filter(user=user).only("community_id").first()
        return super().get_context_data(
            price=self.item.price_for(groups),
            home_visit_allowed=actions.home_visit_allowed(self.item, groups),
            can_book=profile is not None
            and profile.community_id == self.item.provider.station.community_id,
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            booking = actions.booking_create(
                item=self.item,
                resident=self.request.user,
                starts_at=data["starts_at"],
                home_visit=data.get("home_visit", False),
                address=data.get("address", ""),
                note=data["note"],
                by=self.request.user,
            )
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Booked: %(item)s on %(date)s. The station will confirm it.")
            % {
                "item": booking.item.name,
                "date": timezone.localtime(booking.slot.starts_at).strftime("%Y-%m-%d %H:%M"),
            },
        )
        return redirect("services:booking_mine")


class BookingMineView(ListView):
    """我的预约: upcoming bookings (cancel until the cut-off) and past ones (rate once done)."""

    template_name = "services/bookings_mine.html"
    paginate_by = 20

    def mine(self):
        return Booking.objects.filter(resident=self.request.user).select_related(
            "item__provider__station", "slot"
        )

    def get_queryset(self):
        self.now = timezone.now()
        return self.mine().exclude(self.upcoming_q()).order_by("-slot__starts_at", "-pk")

    def upcoming_q(self) -> Q:
        return Q(status__in=actions.OPEN, slot__ends_at__gte=self.now)

    def get_context_data(self, **kwargs):
        upcoming = list(self.mine().filter(self.upcoming_q()).order_by("slot__starts_at")[:50])
        for booking in upcoming:
            booking.may_cancel = actions.resident_may_cancel(booking, self.now)
        return super().get_context_data(
            upcoming=upcoming, cutoff_hours=settings.SERVICE_CANCEL_CUTOFF_HOURS, **kwargs
        )


class OwnBookingMixin:
    def get_booking(self) -> Booking:
        if not hasattr(self, "_booking"):
            self._booking = get_object_or_404(
                Booking.objects.filter(resident=self.request.user).select_related(
                    "item__provider__station", "slot"
                ),
                pk=self.kwargs["pk"],
            )
        return self._booking


class BookingCancelView(OwnBookingMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            actions.booking_cancel(booking=self.get_booking(), by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your booking is cancelled."))
        return redirect("services:booking_mine")


class BookingRateView(OwnBookingMixin, FormView):
    form_class = RatingForm
    template_name = "services/bookings_rate.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(booking=self.get_booking(), **kwargs)

    def form_valid(self, form):
        try:
            actions.booking_rate(
                booking=self.get_booking(),
                resident=self.request.user,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Thank you for your rating."))
        return redirect("services:booking_mine")


# --- staff ------------------------------------------------------------------------------------


def day_list_url(day, **params) -> str:
    query = {"day": day.isoformat(), **{k: v for k, v in params.items() if v}}
    return f"{reverse('services:booking_day')}?{urlencode(query)}"


class BookingDayView(CommunityStaffRequiredMixin, ListView):
    """The day's bookings per provider, in the staff member's scope."""

    template_name = "services/bookings_day.html"
    paginate_by = 50

    def get_queryset(self):
        self.day_form = DayPickForm(self.request.GET)
        self.day = self.day_form.chosen_day()
        queryset = (
            Booking.objects.in_scope(self.scope)
            .filter(
                slot__starts_at__gte=local_moment(self.day, time.min),
                slot__starts_at__lt=local_moment(self.day + timedelta(days=1), time.min),
            )
            .select_related("item__provider__station", "slot", "resident", "booked_by")
            .order_by("item__provider__station__name", "item__provider__name", "slot__starts_at")
        )
        self.filterset = BookingDayFilter(self.request.GET, queryset=queryset, scope=self.scope)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        items = ServiceItem.objects.in_scope(self.scope).active().select_related("provider")
        if self.filterset.is_valid():
            if station := self.filterset.form.cleaned_data.get("station"):
                items = items.filter(provider__station=station)
            if provider := self.filterset.form.cleaned_data.get("provider"):
                items = items.filter(provider=provider)
        return super().get_context_data(
            filter=self.filterset,
            day_form=self.day_form,
            day=self.day,
            previous_day_url=day_list_url(self.day - timedelta(days=1)),
            next_day_url=day_list_url(self.day + timedelta(days=1)),
            desk_items=items.order_by("provider__name", "name")[:50],
            now=timezone.now(),
            **kwargs,
        )


STATUS_ACTIONS = {
    "confirm": (actions.booking_confirm, gettext_lazy("The booking is confirmed.")),
    "done": (actions.booking_done, gettext_lazy("The booking is marked done.")),
    "no_show": (actions.booking_no_show, gettext_lazy("The booking is marked as not come.")),
    "cancel": (actions.booking_cancel, gettext_lazy("The booking is cancelled.")),
}


class BookingStatusView(CommunityStaffRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        booking = get_object_or_404(
            Booking.objects.in_scope(self.scope).select_related("slot"), pk=pk
        )
        chosen = STATUS_ACTIONS.get(request.POST.get("action", ""))
        if chosen is None:
            messages.error(request, _("Choose confirm, done, not come or cancel."))
        else:
            action, done_message = chosen
            try:
                action(booking=booking, by=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, str(done_message))
        return redirect(day_list_url(timezone.localdate(booking.slot.starts_at)))


class BookingDeskView(CommunityStaffRequiredMixin, SlotPickerMixin, FormView):
    """At the desk: book for a walk-in resident, found (or registered) by mobile number."""

    form_class = DeskBookingForm
    template_name = "services/bookings_desk.html"

    def get_item(self) -> ServiceItem:
        return get_object_or_404(
            ServiceItem.objects.in_scope(self.scope)
            .active()
            .select_related("provider__station__community"),
            pk=self.kwargs["pk"],
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            # One transaction: a refused booking leaves no new resident record behind.
            with transaction.atomic():
                resident = resident_find_or_create_at_desk(
                    name=data["name"],
                    phone=data["phone"],
                    community=self.item.provider.station.community,
                    scope=self.scope,
                    by=self.request.user,
                )
                booking = actions.booking_create(
                    item=self.item,
                    resident=resident,
                    starts_at=data["starts_at"],
                    home_visit=data.get("home_visit", False),
                    address=data.get("address", ""),
                    note=data["note"],
                    by=self.request.user,
                )
        except ValidationError as error:
            add_action_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(name)s is booked for %(item)s.")
            % {"name": resident.display_name, "item": self.item.name},
        )
        return redirect(day_list_url(timezone.localdate(booking.slot.starts_at)))
