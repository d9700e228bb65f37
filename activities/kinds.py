"""What each kind of activity has of its own, said once.

Every kind shares the activity screens (create, publish, check in, report). A kind may add:

* ``questions`` — extra report questions, asked on the one report form and kept in
  ``Activity.report_details`` (publicity: theme and materials; clean-ups: what and how much);
* ``staff_page`` — the URL name of its own staff page for one activity (trees planted, the club
  session's books, the drill report, the training session), linked from the activity's staff page;
* ``public_part`` — a template (and the dotted path of a function giving its context) shown on
  the public activity page under the report.

Forms, the staff page and the public page read this registry; nothing else branches on the kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from activities.models import Activity

Kind = Activity.Kind


@dataclass(frozen=True)
class Question:
    """One report question: ``name`` is the key in ``report_details``."""

    name: str
    label: str
    kind: str = "text"  # text | count | amount
    help_text: str = ""
    max_length: int = 200

    def form_field(self) -> forms.Field:
        common = {"label": self.label, "required": False, "help_text": self.help_text}
        if self.kind == "count":
            return forms.IntegerField(min_value=0, max_value=1_000_000, **common)
        if self.kind == "amount":
            return forms.DecimalField(
                min_value=Decimal("0"), max_value=Decimal("1000000"), decimal_places=1, **common
            )
        return forms.CharField(max_length=self.max_length, **common)

    def stored(self, value):
        """The JSON-safe value kept in ``report_details`` (decimals as text, blanks dropped)."""
        if value in (None, ""):
            return None
        if isinstance(value, Decimal):
            whole = value == value.to_integral()
            return format(value.quantize(Decimal(1)) if whole else value.normalize(), "f")
        return value.strip() if isinstance(value, str) else value


@dataclass(frozen=True)
class KindPart:
    questions: tuple[Question, ...] = ()
    staff_page: str = ""
    staff_page_label: str = ""
    public_template: str = ""
    public_context: str = ""


PARTS: dict[str, KindPart] = {
    Kind.TREE_ADOPTION: KindPart(
        questions=(Question("families", _("Families that adopted a tree"), "count"),),
        staff_page="activities:activity_trees",
        staff_page_label=_("Trees planted"),
        public_template="activities/parts/_trees_planted.html",
        public_context="activities.parts.trees.views.public_part_context",
    ),
    Kind.READING_CLUB: KindPart(
        staff_page="activities:activity_club",
        staff_page_label=_("Club session and shared books"),
        public_template="activities/parts/_books_shared.html",
        public_context="activities.parts.clubs.views.public_part_context",
    ),
    Kind.FIRE_DRILL: KindPart(
        staff_page="activities:drill_report",
        staff_page_label=_("Drill report"),
        public_template="activities/parts/_drill_summary.html",
        public_context="activities.parts.drills.views.public_part_context",
    ),
    Kind.TRAINING: KindPart(
        staff_page="activities:activity_training",
        staff_page_label=_("Training session: attendance and scores"),
        public_template="activities/parts/_training_session.html",
        public_context="activities.parts.training.views.public_part_context",
    ),
    Kind.PUBLICITY: KindPart(
        questions=(
            Question("theme", _("Theme"), help_text=_("For example: 爱水节水, 垃圾分类")),
            Question(
                "materials",
                _("Materials handed out"),
                help_text=_("For example: 宣传册 200份, 节水器 50个"),
            ),
            Question("materials_count", _("Number of materials handed out"), "count"),
            Question("people_reached", _("People reached"), "count"),
        ),
    ),
    Kind.CLEANUP: KindPart(
        questions=(
            Question(
                "what_cleaned",
                _("What was cleaned"),
                help_text=_("For example: 高寒所小区健身区器材和地面"),
            ),
            Question("area_m2", _("Area cleaned (m²)"), "count"),
            Question("rubbish_bags", _("Bags of rubbish"), "count"),
            Question("rubbish_kg", _("Rubbish removed (kg)"), "amount"),
        ),
    ),
    Kind.VOLUNTEER_SERVICE: KindPart(
        questions=(
            Question(
                "service_done",
                _("Service done"),
                help_text=_("For example: 整理共享单车, 清洁公交站台"),
            ),
            Question("items_handled", _("How many (bikes, stops, homes…)"), "count"),
        ),
    ),
}

NO_PART = KindPart()


def part_for(kind: str) -> KindPart:
    return PARTS.get(kind, NO_PART)


def question_fields(kind: str) -> dict[str, forms.Field]:
    """The report form's extra fields for ``kind``, named ``detail_<question>``."""
    return {f"detail_{q.name}": q.form_field() for q in part_for(kind).questions}


def details_from(kind: str, cleaned: dict) -> dict:
    """``report_details`` from a report form's cleaned data (only this kind's answers)."""
    details = {}
    for question in part_for(kind).questions:
        value = question.stored(cleaned.get(f"detail_{question.name}"))
        if value is not None:
            details[question.name] = value
    return details


def details_initial(activity: Activity) -> dict:
    return {f"detail_{name}": value for name, value in (activity.report_details or {}).items()}


def answered(activity: Activity) -> list[tuple[str, object]]:
    """(label, value) for the report questions this activity answered, in the kind's order."""
    details = activity.report_details or {}
    return [
        (q.label, details[q.name]) for q in part_for(activity.kind).questions if q.name in details
    ]


def public_part(activity: Activity) -> tuple[str, dict] | None:
    """The kind's public template and its context, or None."""
    part = part_for(activity.kind)
    if not part.public_template:
        return None
    context = import_string(part.public_context)(activity) if part.public_context else {}
    return part.public_template, context
