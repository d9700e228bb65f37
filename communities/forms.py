from decimal import Decimal

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from activities.images import PhotoField
from communities.models import (
    CharitableResource,
    Community,
    Compound,
    OutsideUnit,
    SocialOrganisation,
    SocialWorker,
    Street,
)
from communities.validators import (
    normalize_mainland_mobile,
    validate_mainland_mobile,
    validate_no_control_characters,
)
from governance_portal import logins
from governance_portal.validators import validate_reasonable_date

User = get_user_model()


class CommunityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Community) -> str:
        return f"{obj.street.name} · {obj.name}"


class CompoundChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Compound) -> str:
        return f"{obj.community.name} · {obj.name}"


LOCKED_MESSAGE = _(
    "Too many failed attempts. This account is locked on this network for 30 minutes; "
    "try again later or ask the administrator to unlock it."
)


class PortalAuthenticationForm(logins.LockoutFormMixin, AuthenticationForm):
    """Login by username or mobile number, with the lockout of governance_portal.logins."""

    error_messages = {**AuthenticationForm.error_messages, "locked": LOCKED_MESSAGE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Mobile number or username")
        self.fields["username"].widget.attrs["autocomplete"] = "username"


class PortalAdminAuthenticationForm(logins.LockoutFormMixin, AdminAuthenticationForm):
    """The admin's login, with the same lockout."""

    error_messages = {**AdminAuthenticationForm.error_messages, "locked": LOCKED_MESSAGE}


class ResidentRegistrationForm(forms.Form):
    name = forms.CharField(
        label=_("Full name"),
        max_length=50,
        strip=True,
        validators=[validate_no_control_characters],
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        help_text=_("You will log in with this number."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    community = CommunityChoiceField(
        label=_("Community"),
        queryset=Community.objects.select_related("street").order_by("street__name", "name"),
    )
    compound = CompoundChoiceField(
        label=_("Compound"),
        required=False,
        queryset=Compound.objects.select_related("community").order_by("community__name", "name"),
        help_text=_("Optional. Choose the compound you live in, if it is listed."),
    )
    email = forms.EmailField(
        label=_("E-mail (optional)"),
        required=False,
        help_text=_(
            "Used to send you a password-reset link and notices about your sign-ups; never shared."
        ),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters; not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    agree_privacy = forms.BooleanField(
        label=_("I have read and agree to the privacy notice"),
        error_messages={"required": _("You must agree to the privacy notice to register.")},
    )

    def clean_phone(self) -> str:
        phone = normalize_mainland_mobile(self.cleaned_data["phone"])
        validate_mainland_mobile(phone)
        if (
            User.objects.filter(phone=phone).exists()
            or User.objects.filter(username=phone).exists()
        ):
            raise forms.ValidationError(
                _("This mobile number is already registered. Log in, or reset your password."),
                code="duplicate_phone",
            )
        return phone

    def clean(self):
        cleaned = super().clean()
        community, compound = cleaned.get("community"), cleaned.get("compound")
        if community and compound and compound.community_id != community.pk:
            self.add_error("compound", _("This compound does not belong to the chosen community."))
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords do not match."))
        elif password1:
            candidate = User(username=cleaned.get("phone", ""), name=cleaned.get("name", ""))
            candidate.phone = cleaned.get("phone", "")
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class CommunityOfficeForm(forms.ModelForm):
    class Meta:
        model = Community
        fields = ["office_address", "office_hours", "office_phone", "introduction"]


class StreetOfficeForm(forms.ModelForm):
    class Meta:
        model = Street
        fields = ["office_address", "office_hours", "office_phone", "introduction"]


class CompoundForm(forms.ModelForm):
    class Meta:
        model = Compound
        fields = ["name", "address", "property_company"]

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.community = community

    def validate_unique(self):
        # community is not a form field, so ModelForm would skip the (community, name) rule.
        try:
            self.instance.validate_constraints()
        except forms.ValidationError:
            self.add_error("name", _("This community already has a compound with this name."))


# --- the five forces -------------------------------------------------------------------------


class ServedUnitFormMixin:
    """``street`` and ``community`` choices limited to the staff member's scope.

    Community staff always pick one of their communities; street staff may leave it empty for a
    record serving the whole street.
    """

    def setup_unit_fields(self, scope) -> None:
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators.append(validate_no_control_characters)
        self.fields["community"] = CommunityChoiceField(
            label=_("Community"),
            queryset=Community.objects.in_scope(scope).select_related("street"),
            required=not scope.is_street_staff,
            empty_label=_("The whole street") if scope.is_street_staff else None,
            help_text=_("Empty: serves the whole street."),
        )
        if scope.is_street_staff:
            streets = Street.objects.all()
            if not scope.everything:
                streets = streets.filter(pk__in=scope.street_ids)
            self.fields["street"].queryset = streets
            self.fields["street"].required = False
        else:
            del self.fields["street"]

    def clean_served_unit(self, cleaned: dict) -> None:
        community, street = cleaned.get("community"), cleaned.get("street")
        if community is not None:
            if street is not None and street.pk != community.street_id:
                self.add_error(
                    "community", _("This community does not belong to the chosen street.")
                )
            # Set the cleaned value too: the model form copies it onto the record, and an empty
            # street field would otherwise overwrite the community's street.
            self.instance.street = community.street
            if "street" in self.fields:
                cleaned["street"] = community.street
        elif "street" in self.fields:
            if street is None:
                self.add_error("street", _("Choose the street this record serves."))
            else:
                self.instance.street = street


class OrganisationForm(ServedUnitFormMixin, forms.ModelForm):
    moved_in_on = forms.DateField(
        label=_("Moved in on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_reasonable_date],
        help_text=_("Empty: today. For an organisation already here, the day it moved in."),
    )

    class Meta:
        model = SocialOrganisation
        fields = [
            "name",
            "category",
            "street",
            "community",
            "incubator",
            "contact_name",
            "contact_phone",
            "description",
            "services",
        ]

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_unit_fields(scope)
        if self.instance.pk:
            del self.fields["moved_in_on"]  # the lifecycle records it; steps change it
        incubators = SocialOrganisation.objects.filter(category="incubator", archived=False)
        if self.instance.pk:
            incubators = incubators.exclude(pk=self.instance.pk)
        self.fields["incubator"].queryset = incubators

    def clean_contact_phone(self):
        phone = normalize_mainland_mobile(self.cleaned_data["contact_phone"])
        validate_mainland_mobile(phone)
        return phone

    def clean(self):
        cleaned = super().clean()
        self.clean_served_unit(cleaned)
        return cleaned


class TransitionForm(forms.Form):
    to_state = forms.ChoiceField(label=_("New state"), choices=SocialOrganisation.State.choices)
    on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_reasonable_date],
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        help_text=_("Required when a step is skipped or a withdrawn organisation moves in again."),
    )


class SocialWorkerForm(ServedUnitFormMixin, forms.ModelForm):
    class Meta:
        model = SocialWorker
        fields = [
            "name",
            "phone",
            "street",
            "community",
            "qualification",
            "certificate_number",
            "certificate_year",
            "employer",
            "specialities",
        ]

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_unit_fields(scope)
        employers = SocialOrganisation.objects.visible_in_scope(scope).current()
        if self.instance.employer_id:  # keep the current employer selectable
            employers = employers | SocialOrganisation.objects.filter(pk=self.instance.employer_id)
        self.fields["employer"].queryset = employers.distinct()
        self.fields["name"].validators.append(validate_no_control_characters)

    def clean_phone(self):
        phone = normalize_mainland_mobile(self.cleaned_data["phone"])
        validate_mainland_mobile(phone)
        return phone

    def clean(self):
        cleaned = super().clean()
        self.clean_served_unit(cleaned)
        return cleaned


class WorkRecordForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        validators=[validate_reasonable_date],
    )
    cases = forms.IntegerField(label=_("Cases"), min_value=0, max_value=10000, initial=0)
    groups = forms.IntegerField(label=_("Groups"), min_value=0, max_value=10000, initial=0)
    community_activities = forms.IntegerField(
        label=_("Community activities"), min_value=0, max_value=10000, initial=0
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class OutsideUnitForm(ServedUnitFormMixin, forms.ModelForm):
    class Meta:
        model = OutsideUnit
        fields = ["name", "kind", "street", "community", "contact_name", "contact_phone", "address"]

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_unit_fields(scope)

    def clean_contact_phone(self):
        phone = normalize_mainland_mobile(self.cleaned_data["contact_phone"])
        validate_mainland_mobile(phone)
        return phone

    def clean(self):
        cleaned = super().clean()
        self.clean_served_unit(cleaned)
        return cleaned

    def validate_unique(self):
        try:
            self.instance.validate_constraints()
        except forms.ValidationError:
            self.add_error("name", _("This street already has an outside unit with this name."))


class ResourceForm(ServedUnitFormMixin, forms.ModelForm):
    evidence_photo = PhotoField(
        label=_("Evidence photo"),
        required=False,
        help_text=_("Optional: a photo of the goods or the receipt. JPEG, PNG or WebP."),
    )

    class Meta:
        model = CharitableResource
        fields = [
            "donor_name",
            "donor_kind",
            "anonymous",
            "kind",
            "description",
            "value",
            "quantity",
            "unit",
            "received_on",
            "street",
            "community",
        ]
        widgets = {"received_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_unit_fields(scope)
        self.fields["received_on"].validators.append(validate_reasonable_date)

    def clean(self):
        cleaned = super().clean()
        self.clean_served_unit(cleaned)
        return cleaned


class AllocationForm(forms.Form):
    resource = forms.ModelChoiceField(label=_("Charitable resource"), queryset=None)
    value = forms.DecimalField(
        label=_("Value (CNY)"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    note = forms.CharField(label=_("What it was used for"), max_length=200, required=False)

    def __init__(self, *args, resources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = resources
        self.fields["resource"].label_from_instance = lambda r: (
            _("%(resource)s (left: ¥%(balance)s)")
            % {"resource": r, "balance": f"{r.balance_value:,.2f}"}
        )


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need the full number?"),
        min_length=4,
        max_length=200,
        help_text=_("For example: to call about tomorrow's activity. This is recorded."),
        validators=[validate_no_control_characters],
    )
