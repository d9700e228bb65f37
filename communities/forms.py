from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from communities.models import Community, Compound, Street
from communities.validators import (
    normalize_mainland_mobile,
    validate_mainland_mobile,
    validate_no_control_characters,
)

User = get_user_model()


class CommunityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Community) -> str:
        return f"{obj.street.name} · {obj.name}"


class CompoundChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Compound) -> str:
        return f"{obj.community.name} · {obj.name}"


class PortalAuthenticationForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Mobile number or username")
        self.fields["username"].widget.attrs["autocomplete"] = "username"


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
        help_text=_("Only used to send you a link if you forget your password."),
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
