import re

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from activities.forms import DateInput
from activities.models import DrillAction, DrillGroup, DrillReport
from activities.models.drills import minutes_seconds
from activities.parts.drills.actions import group_key
from communities.models import Community
from communities.validators import validate_no_control_characters
from governance_portal.validators import validate_reasonable_date

MAX_SECONDS = 7200
TIME_PATTERN = re.compile(r"(?:(\d{1,3})[:：])?(\d{1,5})")


class EvacuationTimeField(forms.Field):
    """Seconds, typed as "155" or as minutes and seconds "2:35" (a full-width colon is fine)."""

    widget = forms.TextInput(attrs={"inputmode": "text", "autocomplete": "off"})
    default_error_messages = {
        "invalid": _("Enter the time in seconds (155) or in minutes and seconds (2:35)."),
        "range": _("The evacuation time must be between 1 second and 2 hours (7200 seconds)."),
    }

    def to_python(self, value):
        text = "".join(str(value or "").split())
        if not text:
            return None
        match = TIME_PATTERN.fullmatch(text)
        if match is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        minutes, seconds = match.groups()
        if minutes is not None and len(seconds) != 2 or minutes and int(seconds) >= 60:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(minutes or 0) * 60 + int(seconds)

    def validate(self, value):
        super().validate(value)
        if value is not None and not 1 <= value <= MAX_SECONDS:
            raise forms.ValidationError(self.error_messages["range"], code="range")

    def prepare_value(self, value):
        return minutes_seconds(value) if isinstance(value, int) else value


class DrillReportForm(forms.ModelForm):
    evacuation_seconds = EvacuationTimeField(
        label=_("Evacuation time"),
        help_text=_(
            "From the alarm until the last person reached the assembly point: "
            "minutes:seconds (2:35) or seconds (155)."
        ),
    )

    class Meta:
        model = DrillReport
        fields = ["partner_unit", "evacuation_seconds", "findings"]
        widgets = {"findings": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"findings": _("What went well, what did not (blocked exits, slow floors…).")}

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_unit"].queryset = units
        self.fields["findings"].validators.append(validate_no_control_characters)

    def _post_clean(self):
        # The action validates and saves the whole report in one transaction.
        pass


class RowFormSet(BaseInlineFormSet):
    """Rows of a report: errors stay on their row; the action saves them."""

    def filled_rows(self) -> list[dict]:
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def validate_unique(self):
        # The group names are compared in clean() (ignoring spacing); the database keeps the rule.
        pass


class GroupFormSet(RowFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            key = group_key(data["name"])
            if key in seen:
                form.add_error("name", _("This group is already listed above."))
            seen.add(key)
        if not seen:
            raise forms.ValidationError(
                _("Enter at least one group of participants, for example: 学生 420."),
                code="no_groups",
            )


class RowForm(forms.ModelForm):
    def _get_validation_exclusions(self):
        # Each row is checked on its own here (values, lengths, ranges); the rows together by the
        # formset and the action, so no per-row database look-ups.
        return {*super()._get_validation_exclusions(), "report"}


class GroupForm(RowForm):
    class Meta:
        model = DrillGroup
        fields = ["name", "people"]
        help_texts = {"name": _("For example: 学生, 教师, 居民")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].validators.append(validate_no_control_characters)
        self.fields["people"].widget.attrs["inputmode"] = "numeric"


class ActionForm(RowForm):
    class Meta:
        model = DrillAction
        fields = ["action", "owner", "due_on", "done"]
        widgets = {"due_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_on"].validators.append(validate_reasonable_date)
        for name in ("action", "owner"):
            self.fields[name].validators.append(validate_no_control_characters)


DrillGroupFormSet = inlineformset_factory(
    DrillReport,
    DrillGroup,
    form=GroupForm,
    formset=GroupFormSet,
    extra=3,
    max_num=30,
    validate_max=True,
    can_delete=True,
)

DrillActionFormSet = inlineformset_factory(
    DrillReport,
    DrillAction,
    form=ActionForm,
    formset=RowFormSet,
    extra=2,
    max_num=50,
    validate_max=True,
    can_delete=True,
)


class CommunityPickForm(forms.Form):
    community = forms.ModelChoiceField(
        label=_("Community"), queryset=Community.objects.none(), required=False, empty_label=None
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
