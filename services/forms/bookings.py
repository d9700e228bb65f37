"""Forms for booking a service item (online and at the desk) and rating it afterwards."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.forms import DeskResidentFields
from communities.validators import validate_no_control_characters
from governance_portal.validators import validate_reasonable_date
from services.slots import Slot, parse_slot_value


class DayForm(forms.Form):
    """``?day=YYYY-MM-DD`` on the booking pages."""

    day = forms.DateField(validators=[validate_reasonable_date])


class SlotRadioSelect(forms.RadioSelect):
    """Radio buttons for the day's slots; full ones are shown but cannot be chosen."""

    def __init__(self, *args, full: set[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.full = full or set()

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value in self.full:
            option["attrs"]["disabled"] = True
        return option


class SlotField(forms.ChoiceField):
    """One of the shown slots, as an aware datetime. Whether it is still bookable (not past,
    one of the item's times, not full) is the booking action's decision, with its own message."""

    default_error_messages = {"invalid_choice": _("Choose one of the times offered.")}

    def valid_value(self, value) -> bool:
        return True

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        moment = parse_slot_value(value)
        if moment is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid")
        return moment


def slot_label(slot: Slot) -> str:
    start, end = timezone.localtime(slot.starts_at), timezone.localtime(slot.ends_at)
    left = _("fully booked") if slot.is_full else _("%(count)d left") % {"count": slot.places_left}
    return f"{start:%H:%M}–{end:%H:%M} · {left}"


class BookingForm(forms.Form):
    starts_at = SlotField(
        label=_("Time"),
        error_messages={"required": _("Choose a time.")},
    )
    home_visit = forms.BooleanField(label=_("Come to my home (home visit)"), required=False)
    address = forms.CharField(
        label=_("Address for the home visit"),
        max_length=200,
        required=False,
        help_text=_("Compound, building, unit and flat, e.g. 和泰小区3号楼2单元401"),
        validators=[validate_no_control_characters],
    )
    note = forms.CharField(
        label=_("Note for the provider (optional)"),
        max_length=300,
        required=False,
        validators=[validate_no_control_characters],
    )

    def __init__(self, *args, item, slots: list[Slot], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["starts_at"]
        field.choices = [(slot.value, slot_label(slot)) for slot in slots]
        field.widget = SlotRadioSelect(
            choices=field.choices, full={slot.value for slot in slots if slot.is_full}
        )
        if not item.home_visit:
            del self.fields["home_visit"]
            del self.fields["address"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("home_visit") and not (cleaned.get("address") or "").strip():
            self.add_error("address", _("Give the address where the home visit should take place."))
        return cleaned


class DeskBookingForm(DeskResidentFields, BookingForm):
    """At the desk: the walk-in resident by name and mobile, then the time."""

    field_order = ["name", "phone", "consent", "starts_at", "home_visit", "address", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How was it?"),
        choices=[(n, "★" * n + f" {n}") for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose from 1 to 5 stars."),
            "invalid_choice": _("Choose from 1 to 5 stars."),
        },
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_control_characters],
    )
