from decimal import Decimal

from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.forms import DateInput, DeskResidentFields
from activities.images import PhotoField
from communities.forms import CommunityChoiceField, ServedUnitFormMixin
from communities.models import Community
from communities.validators import (
    normalize_mainland_mobile,
    validate_mainland_mobile,
    validate_no_control_characters,
)
from governance_portal.validators import validate_reasonable_date
from volunteers.models import StarPolicy, Volunteer, VolunteerRole, VolunteerTeam


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: VolunteerTeam) -> str:
        return f"{obj.name}（{obj.unit_name}）"


def _no_control_characters(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field, forms.CharField):
            field.validators.append(validate_no_control_characters)


class VolunteerProfileFields(forms.ModelForm):
    """What a volunteer tells about themselves: online, at the desk and when staff edit."""

    availability = forms.MultipleChoiceField(
        label=_("When can you help?"),
        choices=Volunteer.Availability.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Volunteer
        fields = ["community", "team", "skills", "availability", "availability_note"]

    def __init__(self, *args, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        _no_control_characters(self)
        communities = communities if communities is not None else Community.objects.all()
        self.fields["community"] = CommunityChoiceField(
            label=_("Community"),
            queryset=communities.select_related("street"),
            help_text=_("The community where the volunteer prefers to serve."),
        )
        teams = VolunteerTeam.objects.filter(archived=False).select_related("community", "street")
        street_ids = communities.values("street_id")
        self.fields["team"] = TeamChoiceField(
            label=_("Team"),
            queryset=teams.filter(
                Q(community__in=communities) | Q(community__isnull=True, street__in=street_ids)
            ),
            required=False,
            empty_label=_("No team"),
        )

    def clean(self):
        cleaned = super().clean()
        team, community = cleaned.get("team"), cleaned.get("community")
        if team is not None and community is not None and not team.accepts(community):
            self.add_error("team", _("This team does not take volunteers of that community."))
        return cleaned


class VolunteerApplyForm(VolunteerProfileFields):
    pass


class VolunteerDeskForm(DeskResidentFields, VolunteerProfileFields):
    """Staff register a volunteer in person (the resident is found or created by phone)."""

    field_order = ["name", "phone", "community", "team", "skills", "availability"]


class VolunteerStaffForm(VolunteerProfileFields):
    class Meta(VolunteerProfileFields.Meta):
        fields = [*VolunteerProfileFields.Meta.fields, "leads_team", "honours"]
        widgets = {"honours": forms.Textarea(attrs={"rows": 3})}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (needed when declining; the resident sees it)"),
        max_length=300,
        required=False,
        validators=[validate_no_control_characters],
    )


class RankingNameForm(forms.Form):
    full_name = forms.BooleanField(label=_("Show my full name in the ranking"), required=False)


class TeamForm(ServedUnitFormMixin, forms.ModelForm):
    class Meta:
        model = VolunteerTeam
        fields = ["name", "street", "community", "description", "archived"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_unit_fields(scope)

    def clean(self):
        cleaned = super().clean()
        self.clean_served_unit(cleaned)
        return cleaned


class RoleForm(forms.ModelForm):
    class Meta:
        model = VolunteerRole
        fields = ["name", "slots", "planned_hours", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _no_control_characters(self)


class RoleAssignForm(forms.Form):
    """Staff put an approved volunteer of their scope on a role, found by mobile number."""

    phone = forms.CharField(
        label=_("Volunteer's mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )

    def __init__(self, *args, volunteers, **kwargs):
        super().__init__(*args, **kwargs)
        self.volunteers = volunteers

    def clean_phone(self):
        phone = normalize_mainland_mobile(self.cleaned_data["phone"])
        validate_mainland_mobile(phone)
        volunteer = self.volunteers.filter(user__phone=phone).select_related("user").first()
        if volunteer is None:
            raise forms.ValidationError(
                _("No approved volunteer of your communities has this mobile number.")
            )
        self.cleaned_data["volunteer"] = volunteer
        return phone


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejecting"), max_length=300, validators=[validate_no_control_characters]
    )


class VerifyForm(forms.Form):
    evaluation = forms.CharField(
        label=_("Evaluation (optional)"),
        max_length=200,
        required=False,
        validators=[validate_no_control_characters],
        help_text=_("For example: 表现优秀"),
    )


class BackfillForm(forms.Form):
    """补录: past service the volunteer asks to have recorded."""

    title = forms.CharField(
        label=_("Service"), max_length=200, help_text=_("For example: 清扫楼道")
    )
    description = forms.CharField(
        label=_("What you did"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    served_on = forms.DateField(
        label=_("Date of service"), widget=DateInput(), validators=[validate_reasonable_date]
    )
    hours = forms.DecimalField(
        label=_("Hours"),
        max_digits=4,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("24"),
        help_text=_("Up to 24 hours; record each day separately."),
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    organiser = forms.CharField(
        label=_("Organised by"), max_length=100, help_text=_("For example: 和信社区居委会")
    )
    training = forms.CharField(
        label=_("Training received (if any)"), max_length=200, required=False
    )
    evidence = PhotoField(
        label=_("Photo as evidence (optional)"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at most 10 MB and 40 megapixels."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _no_control_characters(self)

    def clean_served_on(self):
        served_on = self.cleaned_data["served_on"]
        if served_on > timezone.localdate():
            raise forms.ValidationError(_("The date of service cannot be in the future."))
        return served_on


class CertificateForm(forms.Form):
    period_start = forms.DateField(
        label=_("Service from"),
        required=False,
        widget=DateInput(),
        validators=[validate_reasonable_date],
    )
    period_end = forms.DateField(
        label=_("Service until"),
        required=False,
        widget=DateInput(),
        validators=[validate_reasonable_date],
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The end of the period is before its start."))
        return cleaned


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking"), max_length=300, validators=[validate_no_control_characters]
    )


class StarPolicyForm(forms.ModelForm):
    class Meta:
        model = StarPolicy
        fields = list(StarPolicy.FIELDS)


class HoursExportForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=DateInput(), validators=[validate_reasonable_date]
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=DateInput(), validators=[validate_reasonable_date]
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the period is before its start."))
        return cleaned


CERTIFICATE_CODE = RegexValidator(r"\A[0-9A-Z]+\Z")


class CertificateLookupForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("The 16 characters printed on the certificate."),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split()).replace("-", "").upper()
        # What a code is made of, and all its URL takes: "-" alone or "a/b" cannot be looked up.
        CERTIFICATE_CODE(code)
        return code
