"""Staff forms for stations, providers (with weekly hours) and service items."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.forms import CommunityChoiceField
from communities.models import Community, SpecialGroup
from communities.permissions import Scope
from communities.validators import (
    normalize_mainland_mobile,
    validate_mainland_mobile,
    validate_no_control_characters,
)
from services.actions.stations import check_hours
from services.models import ServiceItem, ServiceProvider, ServiceStation, WorkingHours


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def _plain_text(form: forms.Form, *names: str) -> None:
    for name in names:
        form.fields[name].validators.append(validate_no_control_characters)


class StationForm(forms.ModelForm):
    """A station of a community in the staff member's scope; ``archived`` only when editing."""

    community = CommunityChoiceField(label=_("Community"), queryset=Community.objects.none())

    class Meta:
        model = ServiceStation
        fields = [
            "community",
            "name",
            "address",
            "opening_hours",
            "contact_phone",
            "description",
            "archived",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"archived": _("Archived stations disappear from the public pages.")}

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = (
            Community.objects.in_scope(scope).select_related("street").order_by("name")
        )
        self.fields["description"].max_length = 2000
        _plain_text(self, "name", "address", "opening_hours", "contact_phone", "description")
        if self.instance.pk is None:
            del self.fields["archived"]


class ProviderForm(forms.ModelForm):
    contact_phone = forms.CharField(
        label=_("contact mobile"),
        max_length=20,
        required=False,
        help_text=_("Shown to staff only."),
    )

    class Meta:
        model = ServiceProvider
        fields = ["name", "category", "contact_name", "contact_phone", "description", "archived"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"archived": _("Archived providers and their items disappear from booking.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].max_length = 2000
        _plain_text(self, "name", "contact_name", "description")
        if self.instance.pk is None:
            del self.fields["archived"]

    def clean_contact_phone(self):
        phone = normalize_mainland_mobile(self.cleaned_data["contact_phone"])
        validate_mainland_mobile(phone)
        return phone


class WorkingHoursForm(forms.ModelForm):
    class Meta:
        model = WorkingHours
        fields = ["weekday", "opens", "closes"]
        widgets = {"opens": TimeInput(), "closes": TimeInput()}

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens"), cleaned.get("closes")
        if opens and closes and closes <= opens:
            self.add_error("closes", _("The hours must end after they start."))
        return cleaned


class BaseHoursFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        check_hours(self.hours())  # a ValidationError here becomes the formset's error

    def hours(self) -> list[tuple[int, object, object]]:
        """The kept rows as (weekday, opens, closes)."""
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            if data.get("weekday") is None or not data.get("opens") or not data.get("closes"):
                continue
            rows.append((int(data["weekday"]), data["opens"], data["closes"]))
        return rows


HoursFormSet = forms.inlineformset_factory(
    ServiceProvider,
    WorkingHours,
    form=WorkingHoursForm,
    formset=BaseHoursFormSet,
    extra=2,
    max_num=21,
    validate_max=True,
    can_delete=True,
)


class ItemForm(forms.ModelForm):
    special_groups = forms.MultipleChoiceField(
        label=_("special groups"),
        choices=SpecialGroup.Group.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Residents in any of these groups pay the special price."),
    )

    class Meta:
        model = ServiceItem
        fields = [
            "name",
            "description",
            "price",
            "special_price",
            "special_groups",
            "duration_minutes",
            "slot_capacity",
            "home_visit",
            "home_visit_only_for_special_groups",
            "archived",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].max_length = 2000
        _plain_text(self, "name", "description")
        for name in ("price", "special_price"):
            self.fields[name].widget.attrs.update({"min": "0", "step": "0.01"})
        if self.instance.pk is None:
            del self.fields["archived"]
