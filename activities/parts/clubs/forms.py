from django import forms
from django.utils.translation import gettext_lazy as _

from activities.forms import DeskResidentFields
from activities.models import BookShare, ClubMember, ReadingClub
from communities.forms import CommunityChoiceField
from communities.validators import validate_no_control_characters
from governance_portal.masking import mask_phone


class ClubForm(forms.ModelForm):
    """Create a club (community chosen from the staff member's scope) or edit one."""

    class Meta:
        model = ReadingClub
        fields = ["community", "name", "description", "meets", "archived"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["archived"]
            self.fields["community"] = CommunityChoiceField(
                label=_("Community"), queryset=communities.select_related("street")
            )
        else:
            # The members live in the club's community: it stays.
            del self.fields["community"]
            self.fields["archived"].help_text = _(
                "An archived club disappears from the public pages; its history stays."
            )
        for name in ("name", "description", "meets"):
            self.fields[name].validators.append(validate_no_control_characters)


class ClubMemberAddForm(DeskResidentFields):
    """Add a member at the desk by mobile number (a new number becomes a resident record)."""


class MemberChoiceField(forms.ModelChoiceField):
    """Club members by full name with the end of their mobile number (staff pages only)."""

    def label_from_instance(self, obj: ClubMember) -> str:
        resident = obj.resident
        phone = mask_phone(resident.phone)
        return f"{resident.display_name} ({phone})" if phone else resident.display_name


class ClubSessionForm(forms.Form):
    club = forms.ModelChoiceField(label=_("Reading club"), queryset=ReadingClub.objects.none())
    theme = forms.CharField(
        label=_("Theme"),
        max_length=100,
        required=False,
        validators=[validate_no_control_characters],
        help_text=_("For example: 品读经典 · 《平凡的世界》"),
    )

    def __init__(self, *args, clubs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["club"].queryset = clubs


class BookShareForm(forms.ModelForm):
    class Meta:
        model = BookShare
        fields = ["title", "author", "recommended_by", "reason"]
        field_classes = {"recommended_by": MemberChoiceField}
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"title": _("With or without 《》: the same book is counted once.")}

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommended_by"].queryset = members
        for name in ("title", "author", "reason"):
            self.fields[name].validators.append(validate_no_control_characters)

    def _post_clean(self):
        # The action validates and saves (it sets the club, session and title key).
        pass
