"""Reads the training-base pages share: progress, attendance rates, the contest ranking.

The rules, said once and used by every page:

* A session is **held** when its activity is not cancelled and has either been marked completed
  or has ended. Planned sessions are the programme's ``planned_sessions``.
* A trainee's **attendance rate** is the held sessions they attended divided by the held
  sessions where they were recorded present or absent. Excused absences (请假) count neither
  way; sessions not held yet, or with no record for them, do not count. Withdrawn trainees are
  kept in the history but left out of every rate and count.
* A programme's attendance rate is the same sum over its active trainees.
* The **contest ranking** (技能比武) adds up each active trainee's scores over every round that
  was not cancelled; equal totals share a rank and the next rank is skipped (1, 2, 2, 4).

Every figure is computed in SQL with subqueries, so a list of programmes or trainees costs one
query however many rows it has.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from activities.models import (
    Activity,
    Instructor,
    Trainee,
    TrainingAttendance,
    TrainingProgramme,
    TrainingScore,
    TrainingSession,
)

Status = TrainingAttendance.Status
COUNTED = (Status.PRESENT, Status.ABSENT)


def held_q(prefix: str = "") -> Q:
    """Sessions (``prefix`` leads from the queried model to the session) that were held."""
    status, ends_at = f"{prefix}activity__status", f"{prefix}activity__ends_at__lt"
    return ~Q(**{status: Activity.Status.CANCELLED}) & (
        Q(**{status: Activity.Status.COMPLETED}) | Q(**{ends_at: timezone.now()})
    )


def _count(queryset: QuerySet, group: str) -> Coalesce:
    """``COUNT(*)`` of ``queryset`` (already filtered on an ``OuterRef``) as a subquery."""
    counted = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def percent(part: int, whole: int) -> int | None:
    """``part`` of ``whole`` as a whole percentage; None when there is nothing to count."""
    if not whole:
        return None
    return round(part * 100 / whole)


def with_progress(programmes: QuerySet) -> QuerySet:
    """Annotate ``held_sessions``, ``trainee_count``, ``attended`` and
    ``attendance_counted`` (present + absent at held sessions, active trainees)."""
    sessions = TrainingSession.objects.filter(programme=OuterRef("pk"))
    marks = TrainingAttendance.objects.filter(
        session__programme=OuterRef("pk"), trainee__withdrawn=False
    ).filter(held_q("session__"))
    return programmes.annotate(
        held_sessions=_count(sessions.filter(held_q()), "programme"),
        trainee_count=_count(
            Trainee.objects.filter(programme=OuterRef("pk"), withdrawn=False), "programme"
        ),
        attended=_count(marks.filter(status=Status.PRESENT), "session__programme"),
        attendance_counted=_count(marks.filter(status__in=COUNTED), "session__programme"),
    )


def add_rates(programmes) -> None:
    """Set ``attendance_rate`` and ``progress_percent`` on annotated programmes (no queries)."""
    for programme in programmes:
        programme.attendance_rate = percent(programme.attended, programme.attendance_counted)
        programme.progress_percent = min(
            percent(programme.held_sessions, programme.planned_sessions) or 0, 100
        )


def programme_sessions(programme: TrainingProgramme, scope) -> QuerySet:
    """The programme's sessions in date order, with ``is_held``, ``present_count`` and
    ``manageable`` (whether the holder of ``scope`` may record its attendance)."""
    manageable = Activity.objects.manageable_by(scope).filter(pk=OuterRef("activity_id"))
    present = TrainingAttendance.objects.filter(
        session=OuterRef("pk"), status=Status.PRESENT, trainee__withdrawn=False
    )
    return (
        programme.sessions.select_related("activity__community", "activity__street")
        .prefetch_related(Prefetch("instructors", queryset=Instructor.objects.order_by("name")))
        .annotate(
            is_held=ExpressionWrapper(held_q(), output_field=BooleanField()),
            present_count=_count(present, "session"),
            manageable=Exists(manageable),
        )
        .order_by("activity__starts_at", "pk")
    )


def programme_trainees(programme: TrainingProgramme) -> QuerySet:
    """Every trainee (withdrawn last) with their linked records, ``attended``,
    ``attendance_counted``, ``total_score`` and ``rounds_scored``."""
    marks = TrainingAttendance.objects.filter(trainee=OuterRef("pk")).filter(held_q("session__"))
    scores = TrainingScore.objects.filter(trainee=OuterRef("pk")).exclude(
        session__activity__status=Activity.Status.CANCELLED
    )
    total = scores.order_by().values("trainee").annotate(total=Sum("score")).values("total")
    return (
        programme.trainees.select_related(
            "community", "social_worker", "volunteer__user", "organisation", "staff_user"
        )
        .annotate(
            attended=_count(marks.filter(status=Status.PRESENT), "trainee"),
            attendance_counted=_count(marks.filter(status__in=COUNTED), "trainee"),
            total_score=Subquery(total, output_field=DecimalField(max_digits=8, decimal_places=1)),
            rounds_scored=_count(scores, "trainee"),
        )
        .order_by("withdrawn", "category", "name", "pk")
    )


@dataclass(frozen=True)
class Ranked:
    rank: int
    trainee: Trainee
    total: Decimal


def ranking(trainees) -> list[Ranked]:
    """Active trainees with at least one score, highest total first; ties share a rank and the
    next rank is skipped (standard competition ranking: 1, 2, 2, 4)."""
    scored = [t for t in trainees if not t.withdrawn and t.total_score is not None]
    scored.sort(key=lambda t: (-t.total_score, t.name, t.pk))
    ranked, previous = [], None
    for position, trainee in enumerate(scored, start=1):
        if previous is None or trainee.total_score != previous.total:
            rank = position
        else:
            rank = previous.rank
        previous = Ranked(rank=rank, trainee=trainee, total=trainee.total_score)
        ranked.append(previous)
    return ranked
