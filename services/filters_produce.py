"""The staff reservation list's filter: status, product, a resident's name or mobile ending."""

import django_filters
from django.utils.translation import gettext_lazy as _

from communities.filters import name_or_phone
from services.models import Product, Reservation


class ReservationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Name or last 4 digits of mobile"), method="filter_text", max_length=50
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Reservation.Status.choices)
    product = django_filters.ModelChoiceFilter(label=_("Product"), queryset=Product.objects.none())

    class Meta:
        model = Reservation
        fields = ["q", "status", "product"]

    def __init__(self, *args, products, **kwargs):
        super().__init__(*args, **kwargs)
        if products is None:
            del self.filters["product"]
        else:
            self.filters["product"].queryset = products

    def filter_text(self, queryset, name, value):
        return name_or_phone(queryset, value, prefix="resident__")
