from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities import kinds
from activities.actions import MAX_PARTY_SIZE
from activities.images import PhotoField
from activities.models import Activity, ActivityPartner, ActivitySeries
from communities.forms import CommunityChoiceField, ServedUnitFormMixin
from communities.models import OutsideUnit, SocialOrganisation, SocialWorker
from communities.permissions import Scope
from communities.validators import (
    normalize_mainland_mobile,
    validate_mainland_mobile,
    validate_no_control_characters,
)
from governance_portal.validators import validate_reasonable_date


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


DATETIME_FIELDS = ["starts_at", "ends_at", "signup_opens_at", "signup_closes_at", "cancel_deadline"]


class ActivityForm(ServedUnitFormMixin, forms.ModelForm):
    """Create or edit an activity, with choices limited to the staff member's scope."""

    class Meta:
        model = Activity
        fields = [
            "kind",
            "title",
            "street",
            "community",
            "venue",
            "starts_at",
            "ends_at",
            "capacity",
            "signup_opens_at",
            "signup_closes_at",
            "cancel_deadline",
            "audience",
            "description",
        ]
        widgets = {name: DateTimeLocalInput() for name in DATETIME_FIELDS} | {
            "description": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        # The same street/community choices and rules as the five forces' registries.
        self.setup_unit_fields(scope)
        for name in DATETIME_FIELDS:
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
            self.fields[name].validators.append(validate_reasonable_date)

    def clean(self):
        cleaned = super().clean()
        self.clean_served_unit(cleaned)
        starts_at = cleaned.get("starts_at")
        if (
            starts_at
            and self.instance.pk is None
            and starts_at < timezone.now() - timedelta(days=366)
        ):
            self.add_error("starts_at", _("This date is more than a year ago."))
        return cleaned


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=300,
        help_text=_("Everyone who signed up is told, with this reason."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CopyForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("New start"),
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        validators=[validate_reasonable_date],
    )

    def clean_starts_at(self):
        value = self.cleaned_data["starts_at"]
        if value <= timezone.now():
            raise forms.ValidationError(_("Choose a time in the future."))
        return value


class RepeatForm(forms.Form):
    frequency = forms.ChoiceField(label=_("Repeat"), choices=ActivitySeries.Frequency.choices)
    until = forms.DateField(
        label=_("Until"), widget=DateInput(), validators=[validate_reasonable_date]
    )


class ReportForm(forms.Form):
    report = forms.CharField(
        label=_("Report"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20000,
        help_text=_("What happened, who took part, what came of it. It appears in the news feed."),
    )
    attendance = forms.IntegerField(
        label=_("Attendance"),
        min_value=0,
        max_value=100000,
        required=False,
        help_text=_("Empty: the number checked in."),
    )
    attendance_note = forms.CharField(
        label=_("Why the attendance differs from check-in"), max_length=300, required=False
    )

    def __init__(self, *args, kind: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # The kind's own questions (activities.kinds), after the common ones.
        self.kind = kind
        self.fields.update(kinds.question_fields(kind))

    def details(self) -> dict:
        return kinds.details_from(self.kind, self.cleaned_data)


class PartyFields(forms.Form):
    party_size = forms.IntegerField(
        label=_("Number of people"),
        min_value=1,
        max_value=MAX_PARTY_SIZE,
        initial=1,
        help_text=_("Yourself and the family members coming with you."),
    )
    children_under_14 = forms.IntegerField(
        label=_("Of whom children under 14"), min_value=0, max_value=MAX_PARTY_SIZE, initial=0
    )
    guardian_consent = forms.BooleanField(
        label=_("As their guardian, I agree to the children under 14 taking part"),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        party, children = cleaned.get("party_size"), cleaned.get("children_under_14")
        if party is not None and children is not None:
            if children >= party:
                self.add_error(
                    "children_under_14",
                    _("At least one adult must come; the children are part of the number."),
                )
            elif children and not cleaned.get("guardian_consent"):
                self.add_error(
                    "guardian_consent",
                    _("Children under 14 need their guardian's consent: tick the consent box."),
                )
        return cleaned


class SignupForm(PartyFields):
    pass


class DeskResidentFields(forms.Form):
    """At the desk: the resident by name and mobile number (found, or created with the consent
    given in person). Used by 代报名 and by registering a volunteer."""

    name = forms.CharField(
        label=_("Full name"), max_length=50, validators=[validate_no_control_characters]
    )
    phone = forms.CharField(
        label=_("Mobile number"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    consent = forms.BooleanField(
        label=_("The resident agreed to the privacy notice (read out or shown at the desk)"),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        phone = cleaned.get("phone")
        is_new = phone and not get_user_model().objects.filter(phone=phone).exists()
        if is_new and not cleaned.get("consent"):
            self.add_error(
                "consent",
                _("A new resident record needs the resident's agreement to the privacy notice."),
            )
        return cleaned

    def clean_phone(self):
        phone = normalize_mainland_mobile(self.cleaned_data["phone"])
        validate_mainland_mobile(phone)
        return phone


class DeskSignupForm(DeskResidentFields, PartyFields):
    """代报名: staff sign up a resident by name and mobile number."""

    field_order = [
        "name",
        "phone",
        "community",
        "party_size",
        "children_under_14",
        "guardian_consent",
        "consent",
    ]

    def __init__(self, *args, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if communities is not None:
            self.fields["community"] = CommunityChoiceField(
                label=_("The resident's community"), queryset=communities
            )
            self.order_fields(self.field_order)


class CheckinSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or last 4 digits of mobile"), required=False, max_length=50)


class PhotoForm(forms.Form):
    photo = PhotoField(
        label=_("Photo"), help_text=_("JPEG, PNG or WebP, at most 10 MB and 40 megapixels.")
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)
    credit = forms.CharField(
        label=_("Credit"),
        max_length=100,
        required=False,
        help_text=_("Who took it, for example: 本报记者 杨翠叶"),
    )


class RegistryPartnerForm(forms.Form):
    """Pick one registered partner: an organisation, a social worker or an outside unit."""

    organisation = forms.ModelChoiceField(
        label=_("Social organisation"), queryset=None, required=False
    )
    social_worker = forms.ModelChoiceField(label=_("Social worker"), queryset=None, required=False)
    outside_unit = forms.ModelChoiceField(label=_("Outside unit"), queryset=None, required=False)
    role = forms.CharField(label=_("Role in the activity"), max_length=200, required=False)

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = SocialOrganisation.objects.visible_in_scope(
            scope
        ).current()
        self.fields["social_worker"].queryset = SocialWorker.objects.visible_in_scope(
            scope
        ).current()
        self.fields["outside_unit"].queryset = OutsideUnit.objects.visible_in_scope(scope).current()

    def clean(self):
        cleaned = super().clean()
        chosen = [f for f in ("organisation", "social_worker", "outside_unit") if cleaned.get(f)]
        if len(chosen) != 1 and not self.errors:
            raise forms.ValidationError(
                _("Choose exactly one: an organisation, a social worker or an outside unit.")
            )
        return cleaned


class NamedPartnerForm(forms.Form):
    """A partner not in the registries, e.g. a volunteer team."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityPartner.Kind.choices)
    name = forms.CharField(
        label=_("Name"), max_length=100, validators=[validate_no_control_characters]
    )
    role = forms.CharField(label=_("Role in the activity"), max_length=200, required=False)
