"""The staff day list of bookings: one day, optionally one station or provider in scope."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance_portal.validators import validate_reasonable_date
from services.models import Booking, ServiceProvider, ServiceStation


class BookingDayFilter(django_filters.FilterSet):
    station = django_filters.ModelChoiceFilter(
        label=_("Service station"), field_name="item__provider__station", queryset=None
    )
    provider = django_filters.ModelChoiceFilter(
        label=_("Provider"), field_name="item__provider", queryset=None
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Booking.Status.choices)

    class Meta:
        model = Booking
        fields = ["station", "provider", "status"]

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["station"].queryset = ServiceStation.objects.in_scope(scope).order_by("name")
        self.filters["provider"].queryset = (
            ServiceProvider.objects.in_scope(scope)
            .exclude(category=ServiceProvider.Category.FARM_PRODUCE)
            .order_by("name")
        )


class DayPickForm(forms.Form):
    day = forms.DateField(
        label=_("Day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_reasonable_date],
    )

    def chosen_day(self):
        if self.is_valid() and self.cleaned_data["day"]:
            return self.cleaned_data["day"]
        return timezone.localdate()
