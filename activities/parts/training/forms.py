"""Forms of the training base. Every choice comes from the staff member's scope (and the
programme's street); the actions re-check what the choices already limit."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from activities.models import Instructor, Trainee, TrainingAttendance, TrainingProgramme
from communities.models import (
    Community,
    SocialOrganisation,
    SocialWorker,
    StaffAssignment,
    Street,
)
from communities.permissions import Scope
from communities.validators import validate_no_control_characters
from governance_portal.form_errors import add_action_error
from volunteers.models import Volunteer


def _streets(scope: Scope):
    streets = Street.objects.order_by("name")
    return streets if scope.everything else streets.filter(pk__in=scope.street_ids)


def _no_control_characters(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field, forms.CharField):
            field.validators.append(validate_no_control_characters)


class InstructorChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Instructors"))
        kwargs.setdefault("required", False)
        super().__init__(queryset=Instructor.objects.none(), **kwargs)

    def _check_values(self, value):
        # An id beyond 64 bits is simply not found by Django's one-id check, but its ``__in``
        # query then raises OverflowError on SQLite (a 500): refuse it as an unknown choice.
        for pk in value:
            try:
                out_of_range = abs(int(str(pk))) >= 2**63
            except ValueError:
                continue  # Django refuses it as an invalid value
            if out_of_range:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


def instructors_of(street_ids) -> QuerySet:
    return Instructor.objects.filter(street_id__in=street_ids).order_by("name", "pk")


class ProgrammeForm(forms.Form):
    """Create a programme (with its street) or change one (its street stays)."""

    street = forms.ModelChoiceField(label=_("Street"), queryset=Street.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    track = forms.ChoiceField(label=_("Programme"), choices=TrainingProgramme.Track.choices)
    title = forms.CharField(
        label=_("Title"), max_length=120, help_text=_("For example: 2024年头雁领航工程")
    )
    goal = forms.CharField(
        label=_("Goal"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    planned_sessions = forms.IntegerField(
        label=_("Planned sessions"), min_value=1, max_value=100, initial=4
    )
    instructors = InstructorChoiceField(
        help_text=_("Instructors of the programme's street. Add a new one first if missing.")
    )

    def __init__(self, *args, scope: Scope, programme: TrainingProgramme | None = None, **kwargs):
        if programme is not None:
            kwargs.setdefault(
                "initial",
                {
                    "year": programme.year,
                    "track": programme.track,
                    "title": programme.title,
                    "goal": programme.goal,
                    "planned_sessions": programme.planned_sessions,
                    "instructors": list(programme.instructors.all()),
                },
            )
        else:
            kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)
        _no_control_characters(self)
        if programme is not None:
            del self.fields["street"]
            streets = [programme.street_id]
        else:
            self.fields["street"].queryset = _streets(scope)
            streets = _streets(scope).values("pk")
        self.fields["instructors"].queryset = instructors_of(streets)


class InstructorForm(forms.Form):
    street = forms.ModelChoiceField(label=_("Street"), queryset=Street.objects.none())
    social_worker = forms.ModelChoiceField(
        label=_("Social worker record"),
        queryset=SocialWorker.objects.none(),
        required=False,
        help_text=_("If the instructor is a registered social worker, choose them here."),
    )
    name = forms.CharField(
        label=_("Full name"),
        max_length=50,
        required=False,
        help_text=_("Empty: the social worker's name."),
    )
    title = forms.CharField(
        label=pgettext_lazy("job", "Title"),
        max_length=60,
        help_text=_("For example: 专业社工老师, 心理学老师"),
    )
    organisation = forms.CharField(label=_("Organisation"), max_length=100, required=False)

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        _no_control_characters(self)
        self.fields["street"].queryset = _streets(scope)
        self.fields["social_worker"].queryset = (
            SocialWorker.objects.in_scope(scope).current().order_by("name", "pk")
        )


class StaffPostChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: StaffAssignment) -> str:
        return f"{obj.user.display_name} · {obj.community.name} · {obj.get_role_display()}"


class VolunteerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Volunteer) -> str:
        return f"{obj.user.display_name} · {obj.community.name}"


class TraineeForm(forms.Form):
    """A trainee and the record of their group, chosen from the programme street's records."""

    category = forms.ChoiceField(label=_("Trainee group"), choices=Trainee.Category.choices)
    name = forms.CharField(
        label=_("Full name"),
        max_length=50,
        required=False,
        help_text=_("Empty: the name on the record chosen below."),
    )
    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=Community.objects.none(),
        required=False,
        empty_label=_("The whole street"),
        help_text=_("Empty: the community of the record chosen below."),
    )
    staff_post = StaffPostChoiceField(
        label=_("Committee (两委) leader: staff account"),
        queryset=StaffAssignment.objects.none(),
        required=False,
    )
    social_worker = forms.ModelChoiceField(
        label=_("Social worker: record"), queryset=SocialWorker.objects.none(), required=False
    )
    volunteer = VolunteerChoiceField(
        label=_("Volunteer: record"), queryset=Volunteer.objects.none(), required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("Social organisation representative: organisation"),
        queryset=SocialOrganisation.objects.none(),
        required=False,
    )

    def __init__(self, *args, scope: Scope, programme: TrainingProgramme, **kwargs):
        super().__init__(*args, **kwargs)
        _no_control_characters(self)
        street_id = programme.street_id
        communities = Community.objects.in_scope(scope).filter(street_id=street_id)
        self.fields["community"].queryset = communities.order_by("name")
        self.fields["staff_post"].queryset = (
            StaffAssignment.objects.active()
            .filter(community__in=communities)
            .select_related("user", "community")
            .order_by("community__name", "user__name", "pk")
        )
        self.fields["social_worker"].queryset = (
            SocialWorker.objects.in_scope(scope)
            .current()
            .filter(street_id=street_id)
            .order_by("name", "pk")
        )
        self.fields["volunteer"].queryset = (
            Volunteer.objects.in_scope(scope)
            .approved()
            .filter(community__in=communities)
            .select_related("user", "community")
            .order_by("community__name", "user__name", "pk")
        )
        self.fields["organisation"].queryset = (
            SocialOrganisation.objects.in_scope(scope)
            .current()
            .filter(street_id=street_id)
            .order_by("name")
        )

    def add_action_error(self, error: ValidationError) -> None:
        """The action names the account ``staff_user``; the form offers it as ``staff_post``."""
        if hasattr(error, "error_dict") and "staff_user" in error.error_dict:
            error = ValidationError(
                {
                    ("staff_post" if field == "staff_user" else field): errors
                    for field, errors in error.error_dict.items()
                }
            )
        add_action_error(self, error)

    def action_arguments(self) -> dict:
        """The cleaned data as ``trainee_create`` takes it (the post gives account and
        community)."""
        data = dict(self.cleaned_data)
        post = data.pop("staff_post")
        data["staff_user"] = post.user if post else None
        if post is not None and data["community"] is None:
            data["community"] = post.community
        return data


class SessionForm(forms.Form):
    topic = forms.CharField(
        label=_("Topic"),
        max_length=120,
        required=False,
        help_text=_("For example: 社区矛盾调解实务"),
    )
    instructors = InstructorChoiceField()

    def __init__(self, *args, street_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        _no_control_characters(self)
        self.fields["instructors"].queryset = instructors_of([street_id])


class SessionAttachForm(SessionForm):
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=TrainingProgramme.objects.none()
    )
    field_order = ["programme", "topic", "instructors"]

    def __init__(self, *args, scope: Scope, activity, **kwargs):
        super().__init__(*args, street_id=activity.street_id, **kwargs)
        self.fields["programme"].queryset = TrainingProgramme.objects.runnable_by(scope).filter(
            street_id=activity.street_id
        )


class AttendanceForm(forms.Form):
    """One row per active trainee: present / absent / excused, and in a skills contest a score
    from 0 to 100 with one decimal (empty: not scored)."""

    def __init__(self, *args, trainees, contest: bool, marks=None, scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.trainees = list(trainees)
        self.contest = contest
        marks, scores = marks or {}, scores or {}
        for trainee in self.trainees:
            self.fields[f"status_{trainee.pk}"] = forms.ChoiceField(
                label=trainee.name,
                choices=TrainingAttendance.Status.choices,
                # Bootstrap toggle buttons: the whole label is a large tap target.
                widget=forms.RadioSelect(attrs={"class": "btn-check", "autocomplete": "off"}),
                initial=marks.get(trainee.pk),
                error_messages={"required": _("Choose present, absent or excused.")},
            )
            if contest:
                self.fields[f"score_{trainee.pk}"] = forms.DecimalField(
                    label=_("Score"),
                    min_value=0,
                    max_value=100,
                    max_digits=4,
                    decimal_places=1,
                    required=False,
                    initial=scores.get(trainee.pk),
                    widget=forms.NumberInput(
                        attrs={
                            "step": "0.1",
                            "inputmode": "decimal",
                            "class": "form-control form-control-lg",
                        }
                    ),
                )

    def rows(self) -> list[dict]:
        return [
            {
                "trainee": trainee,
                "status": self[f"status_{trainee.pk}"],
                "score": self[f"score_{trainee.pk}"] if self.contest else None,
            }
            for trainee in self.trainees
        ]

    def marks(self) -> dict:
        return {t: self.cleaned_data[f"status_{t.pk}"] for t in self.trainees}

    def scores(self) -> dict:
        if not self.contest:
            return {}
        return {t: self.cleaned_data[f"score_{t.pk}"] for t in self.trainees}
