"""Forms of tree adoption: a tree, its adoption at the desk, lost/replaced, and a care log."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.forms import DateInput, DeskResidentFields
from activities.images import PhotoField
from activities.models import Activity, CareLog, Tree
from communities.forms import CommunityChoiceField, CompoundChoiceField
from communities.models import Community, Compound
from communities.permissions import Scope
from communities.validators import validate_no_control_characters
from governance_portal.validators import validate_reasonable_date

PHOTO_HELP = _("JPEG, PNG or WebP, at most 10 MB and 40 megapixels.")


class PlantingActivityField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Activity) -> str:
        return f"{timezone.localtime(obj.starts_at):%Y-%m-%d} {obj.title}"


class TreeForm(forms.ModelForm):
    """A tree's details, with community, compound and activity choices in the staff member's
    scope. Given ``community`` (editing, replacing), the tree stays in it and only its
    compounds and activities are offered."""

    community = CommunityChoiceField(label=_("Community"), queryset=Community.objects.none())
    compound = CompoundChoiceField(
        label=_("Compound"), queryset=Compound.objects.none(), required=False
    )
    planting_activity = PlantingActivityField(
        label=_("Planted at"),
        queryset=Activity.objects.none(),
        required=False,
        help_text=_("The tree adoption activity where it was planted, if any."),
    )
    photo = PhotoField(label=_("Photo"), required=False, help_text=PHOTO_HELP)

    class Meta:
        model = Tree
        fields = [
            "community",
            "compound",
            "spot",
            "name",
            "species",
            "planted_on",
            "planting_activity",
            "care_every_days",
        ]
        widgets = {"planted_on": DateInput()}

    def __init__(self, *args, scope: Scope, community: Community | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed_community = community
        activities = Activity.objects.manageable_by(scope).filter(kind=Activity.Kind.TREE_ADOPTION)
        compounds = Compound.objects.in_scope(scope).select_related("community")
        if community is not None:
            del self.fields["community"]
            compounds = compounds.filter(community=community)
            activities = activities.filter(
                Q(community=community) | Q(community__isnull=True, street_id=community.street_id)
            )
        else:
            self.fields["community"].queryset = (
                Community.objects.in_scope(scope).select_related("street").order_by("name")
            )
        self.fields["compound"].queryset = compounds.order_by("community__name", "name")
        self.fields["planting_activity"].queryset = activities.exclude(
            status=Activity.Status.CANCELLED
        ).order_by("-starts_at", "-pk")
        self.fields["planted_on"].validators.append(validate_reasonable_date)
        for name in ("name", "species", "spot"):
            self.fields[name].validators.append(validate_no_control_characters)

    def clean(self):
        cleaned = super().clean()
        community = self.fixed_community or cleaned.get("community")
        compound, activity = cleaned.get("compound"), cleaned.get("planting_activity")
        if community is not None:
            if compound is not None and compound.community_id != community.pk:
                self.add_error("compound", _("This compound is not in the tree's community."))
            if activity is not None and activity.community_id not in (None, community.pk):
                self.add_error(
                    "planting_activity", _("This activity belongs to another community.")
                )
        return cleaned

    def tree_fields(self) -> dict:
        """What the actions take: the model fields, the photo apart."""
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.fields}


class TreeReplaceForm(TreeForm):
    note = forms.CharField(
        label=_("What happened to the old tree"),
        max_length=200,
        required=False,
        validators=[validate_no_control_characters],
    )

    field_order = ["note"]


class TreeAdoptForm(DeskResidentFields):
    """At the desk: the adopting family's account, found or created by mobile number."""

    tag_name = forms.CharField(
        label=_("Name on the tag"),
        max_length=40,
        required=False,
        validators=[validate_no_control_characters],
        help_text=_("For example the child's name. Empty: the adopter's masked name."),
    )
    reason = forms.CharField(
        label=_("Why the current adoption ends"),
        max_length=200,
        required=False,
        validators=[validate_no_control_characters],
        help_text=_("Only when the tree already has an adopter."),
    )


class AdoptionEndForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the adoption ends"),
        max_length=200,
        validators=[validate_no_control_characters],
        help_text=_("For example: the family moved away."),
    )


class TreeLostForm(forms.Form):
    note = forms.CharField(
        label=_("What happened"),
        max_length=200,
        validators=[validate_no_control_characters],
        help_text=_("For example: died in the winter frost."),
    )


class CareLogForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What did you do?"),
        choices=CareLog.Kind.choices,
        # Shown as large toggle buttons (Bootstrap's btn-check) for fingers on a phone.
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        validators=[validate_no_control_characters],
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    photo = PhotoField(
        label=_("Photo (optional)"),
        required=False,
        help_text=PHOTO_HELP,
        # A hint for phones: open the camera (the file picker stays on desktops).
        widget=forms.FileInput(attrs={"capture": "environment"}),
    )
