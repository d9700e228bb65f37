"""Forms of the job board: postings, registering a job seeker, status, referral, outcome."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.permissions import Scope
from communities.validators import (
    normalize_mainland_mobile,
    validate_mainland_mobile,
    validate_no_control_characters,
)
from governance_portal.validators import validate_reasonable_date
from services.models import JobPosting, JobSeeker, Referral, ServiceStation

SHARE_CONSENT_LABEL = _(
    "I agree that the station may give my name, mobile number, skills and the work I want to "
    "employers it refers me to"
)
SHARE_CONSENT_HELP = _(
    "Optional and separate from registering. Without it the station cannot refer you to "
    "employers, but you can still see the job board."
)


class StationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ServiceStation) -> str:
        return obj.name


class JobPostingForm(forms.ModelForm):
    """Staff write a posting for a station in their scope."""

    station = StationChoiceField(
        label=pgettext_lazy("service", "Station"), queryset=ServiceStation.objects.none()
    )

    class Meta:
        model = JobPosting
        fields = [
            "station",
            "title",
            "employer",
            "pay_min",
            "pay_max",
            "pay_unit",
            "place",
            "requirements",
            "contact_name",
            "contact_phone",
            "expires_on",
        ]
        widgets = {
            "expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "requirements": forms.Textarea(attrs={"rows": 4}),
            "contact_phone": forms.TextInput(attrs={"inputmode": "tel"}),
        }

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = (
            ServiceStation.objects.in_scope(scope).active().order_by("name")
        )
        self.fields["expires_on"].validators.append(validate_reasonable_date)
        for name in ("title", "employer", "place", "requirements", "contact_name"):
            self.fields[name].validators.append(validate_no_control_characters)
        for name in ("pay_min", "pay_max"):
            self.fields[name].widget.attrs.update(min="0", step="1")

    def clean_contact_phone(self) -> str:
        phone = self.cleaned_data["contact_phone"].strip()
        if not phone or any(ch not in "0123456789-+ ()" for ch in phone):
            raise forms.ValidationError(
                _("Enter a telephone number: digits, spaces and dashes only.")
            )
        return phone

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("pay_min"), cleaned.get("pay_max")
        if low is not None and high is not None and high < low:
            self.add_error("pay_max", _("The highest pay must not be below the lowest."))
        return cleaned

    def _post_clean(self):
        # The action validates the whole posting (JobPosting.full_clean) when it saves.
        pass


class SeekerFields(forms.Form):
    """What a job seeker tells the station; the share consent is a separate, unticked box."""

    name = forms.CharField(
        label=_("Full name"), max_length=50, validators=[validate_no_control_characters]
    )
    phone = forms.CharField(
        label=_("Mobile number"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    age_band = forms.ChoiceField(label=_("Age"), choices=JobSeeker.AgeBand.choices)
    skills = forms.CharField(
        label=_("Skills"),
        max_length=300,
        required=False,
        validators=[validate_no_control_characters],
        help_text=_("For example: 做饭, 开车, 电脑打字"),
    )
    wished_work = forms.CharField(
        label=_("Work wanted"),
        max_length=300,
        validators=[validate_no_control_characters],
        help_text=_("For example: 保洁, 超市理货, 保安"),
    )
    availability = forms.CharField(
        label=_("Availability"),
        max_length=200,
        required=False,
        validators=[validate_no_control_characters],
        help_text=_("For example: 工作日白天"),
    )
    share_consent = forms.BooleanField(
        label=SHARE_CONSENT_LABEL, help_text=SHARE_CONSENT_HELP, required=False, initial=False
    )

    def clean_phone(self) -> str:
        phone = normalize_mainland_mobile(self.cleaned_data["phone"])
        validate_mainland_mobile(phone)
        return phone

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter the full name."))
        return name

    def clean_wished_work(self) -> str:
        text = self.cleaned_data["wished_work"].strip()
        if not text:
            raise forms.ValidationError(_("Say what kind of work is wanted."))
        return text


class DeskSeekerForm(SeekerFields):
    """Registering a job seeker at the station's desk."""

    station = StationChoiceField(
        label=pgettext_lazy("service", "Station"), queryset=ServiceStation.objects.none()
    )
    record_consent = forms.BooleanField(
        label=_(
            "The person agreed that the station keeps these details to help them find work "
            "(read out or shown at the desk)"
        ),
        error_messages={
            "required": _("Registering needs the person's agreement to keep their details.")
        },
    )
    share_consent = forms.BooleanField(
        label=_(
            "The person also agreed that their name, mobile number, skills and wished work may "
            "be given to employers they are referred to"
        ),
        help_text=_("A separate question: ask it on its own. Without it no referral is possible."),
        required=False,
        initial=False,
    )

    field_order = [
        "station",
        "name",
        "phone",
        "age_band",
        "skills",
        "wished_work",
        "availability",
        "record_consent",
        "share_consent",
    ]

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = (
            ServiceStation.objects.in_scope(scope).active().order_by("name")
        )


class OnlineSeekerForm(SeekerFields):
    """A resident registers themselves at a station of their community."""

    station = StationChoiceField(
        label=pgettext_lazy("service", "Station"), queryset=ServiceStation.objects.none()
    )

    field_order = [
        "station",
        "name",
        "phone",
        "age_band",
        "skills",
        "wished_work",
        "availability",
        "share_consent",
    ]

    def __init__(self, *args, stations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations


class SeekerStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=JobSeeker.Status.choices)


class ReferralForm(forms.Form):
    posting = forms.ModelChoiceField(
        label=_("Job"), queryset=JobPosting.objects.none(), empty_label=_("Choose a job")
    )

    def __init__(self, *args, postings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["posting"].queryset = postings
        self.fields["posting"].label_from_instance = lambda p: f"{p.title} · {p.employer}"


class ReferralOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Referral.Outcome.choices)
