"""Forms for farm produce: products (staff), stock changes (staff), reservations (residents)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.permissions import Scope
from communities.validators import validate_no_control_characters
from services.models import Product, ServiceProvider


class FarmProviderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ServiceProvider) -> str:
        return f"{obj.station.name} · {obj.name}"


class ProductForm(forms.ModelForm):
    """A product of a farm produce provider in scope; stock only when creating (then restock)."""

    provider = FarmProviderChoiceField(label=_("provider"), queryset=ServiceProvider.objects.none())

    class Meta:
        model = Product
        fields = [
            "provider",
            "name",
            "origin_village",
            "unit",
            "price",
            "stock",
            "pickup_time",
            "archived",
        ]
        help_texts = {"archived": _("Archived products can no longer be reserved.")}

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = (
            ServiceProvider.objects.in_scope(scope)
            .active()
            .filter(category=ServiceProvider.Category.FARM_PRODUCE)
            .select_related("station")
            .order_by("station__name", "name")
        )
        for name in ("name", "origin_village", "unit", "pickup_time"):
            self.fields[name].validators.append(validate_no_control_characters)
        self.fields["price"].widget.attrs.update({"min": "0", "step": "0.01"})
        if self.instance.pk is None:
            del self.fields["archived"]
            self.fields["stock"].widget.attrs["min"] = "0"
        else:
            del self.fields["stock"]


class RestockForm(forms.Form):
    change = forms.IntegerField(
        label=_("Add or take away"),
        min_value=-1_000_000,
        max_value=1_000_000,
        help_text=_("For example 20 when a new delivery arrives, -2 for spoiled units."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        validators=[validate_no_control_characters],
        help_text=_("For example: 新到货, 损耗"),
    )


class ReservationForm(forms.Form):
    quantity = forms.IntegerField(label=_("How many"), min_value=1, max_value=1000, initial=1)

    def __init__(self, *args, product: Product, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quantity"].label = _("How many (%(unit)s)") % {"unit": product.unit}
        self.fields["quantity"].widget.attrs.update(
            {"min": "1", "max": str(max(product.stock, 1)), "inputmode": "numeric"}
        )
