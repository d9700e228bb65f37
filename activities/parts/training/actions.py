"""Writes of the governance training base (社区治理研学基地): programmes, instructors, trainees,
sessions, attendance and competition scores.

Views check who may call what (street staff run the base; community staff record attendance for
the sessions they run); these functions check that the data agrees with itself: everything of a
programme belongs to the programme's street, a trainee's linked record matches their group, and a
session is a training activity that was not cancelled.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from activities.models import (
    Activity,
    Instructor,
    Trainee,
    TrainingAttendance,
    TrainingProgramme,
    TrainingScore,
    TrainingSession,
)
from communities.models import (
    Community,
    SocialOrganisation,
    SocialWorker,
    StaffAssignment,
    Street,
)

#: Which linked record goes with which trainee group.
LINK_OF_CATEGORY = {
    Trainee.Category.COMMITTEE: "staff_user",
    Trainee.Category.SOCIAL_WORKER: "social_worker",
    Trainee.Category.VOLUNTEER: "volunteer",
    Trainee.Category.ORGANISATION: "organisation",
}
LINKS = ("staff_user", "social_worker", "volunteer", "organisation")


# --- programmes ----------------------------------------------------------------------------------


def programme_check_unique(
    *, street: Street, year: int, track: str, exclude_pk: int | None = None
) -> None:
    """One programme per street, year and track: a clear message on the track otherwise."""
    others = TrainingProgramme.objects.filter(street=street, year=year, track=track)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise ValidationError(
            {
                "track": _(
                    "%(street)s already has this programme for %(year)s. Open it from the "
                    "list instead of creating it again."
                )
                % {"street": street.name, "year": year}
            }
        )


def _check_instructors(instructors: Iterable[Instructor], street_id: int) -> None:
    strangers = [str(i) for i in instructors if i.street_id != street_id]
    if strangers:
        raise ValidationError(
            {
                "instructors": _("These instructors teach for another street: %(names)s")
                % {"names": "、".join(strangers)}
            }
        )


def _save_programme(programme: TrainingProgramme, instructors) -> TrainingProgramme:
    programme_check_unique(
        street=programme.street,
        year=programme.year,
        track=programme.track,
        exclude_pk=programme.pk,
    )
    instructors = list(instructors)
    _check_instructors(instructors, programme.street_id)
    programme.full_clean()
    try:
        with transaction.atomic():
            programme.save()
    except IntegrityError:  # created at the same moment by someone else
        programme_check_unique(
            street=programme.street,
            year=programme.year,
            track=programme.track,
            exclude_pk=programme.pk,
        )
        raise
    programme.instructors.set(instructors)
    return programme


@transaction.atomic
def programme_create(
    *,
    street: Street,
    year: int,
    track: str,
    title: str,
    planned_sessions: int,
    goal: str = "",
    instructors: Iterable[Instructor] = (),
    by,
) -> TrainingProgramme:
    programme = TrainingProgramme(
        street=street,
        year=year,
        track=track,
        title=title.strip(),
        goal=goal.strip(),
        planned_sessions=planned_sessions,
        created_by=by,
    )
    return _save_programme(programme, instructors)


@transaction.atomic
def programme_update(
    *,
    programme: TrainingProgramme,
    year: int,
    track: str,
    title: str,
    planned_sessions: int,
    goal: str = "",
    instructors: Iterable[Instructor] = (),
    by,
) -> TrainingProgramme:
    """Change a programme; its street stays (its sessions and trainees belong to it)."""
    programme.year, programme.track, programme.title = year, track, title.strip()
    programme.goal, programme.planned_sessions = goal.strip(), planned_sessions
    return _save_programme(programme, instructors)


# --- instructors ---------------------------------------------------------------------------------


@transaction.atomic
def instructor_create(
    *,
    street: Street,
    title: str,
    name: str = "",
    organisation: str = "",
    social_worker: SocialWorker | None = None,
    by,
) -> Instructor:
    """A teacher at the base; the name defaults to the linked social worker's."""
    if social_worker is not None and social_worker.street_id != street.pk:
        raise ValidationError({"social_worker": _("This social worker works for another street.")})
    name = name.strip() or (social_worker.name if social_worker else "")
    if not name:
        raise ValidationError({"name": _("Enter the instructor's name.")})
    title = title.strip()
    if Instructor.objects.filter(street=street, name=name, title=title).exists():
        raise ValidationError(
            {
                "name": _("%(name)s（%(title)s） is already an instructor.")
                % {"name": name, "title": title}
            }
        )
    instructor = Instructor(
        street=street,
        name=name,
        title=title,
        organisation=organisation.strip(),
        social_worker=social_worker,
    )
    instructor.full_clean()
    instructor.save()
    return instructor


# --- trainees ------------------------------------------------------------------------------------


def _street_id_of(record) -> int:
    """The street of a linked social worker, organisation or volunteer (by their community)."""
    return record.street_id if hasattr(record, "street_id") else record.community.street_id


@transaction.atomic
def trainee_create(
    *,
    programme: TrainingProgramme,
    category: str,
    name: str = "",
    community: Community | None = None,
    social_worker: SocialWorker | None = None,
    volunteer=None,
    organisation: SocialOrganisation | None = None,
    staff_user=None,
    by,
) -> Trainee:
    """Enrol a trainee, linked to their record where it exists.

    The link must be the one of the trainee's group (a volunteer record for a volunteer, a staff
    account for a 两委 leader…) and belong to the programme's street; a 两委 leader's account
    must hold an active post in the trainee's community (taken from that post when empty). The
    name defaults to the linked record's name, the community to the record's community.
    """
    links = {
        "staff_user": staff_user,
        "social_worker": social_worker,
        "volunteer": volunteer,
        "organisation": organisation,
    }
    chosen = {field: record for field, record in links.items() if record is not None}
    expected = LINK_OF_CATEGORY.get(category)
    wrong = [field for field in chosen if field != expected]
    if wrong:
        raise ValidationError(
            {
                wrong[0]: _(
                    "This record does not match the trainee's group. Choose the record of "
                    "the group selected above, or change the group."
                )
            }
        )
    if community is not None and community.street_id != programme.street_id:
        raise ValidationError(
            {"community": _("This community belongs to another street than the programme.")}
        )
    record = chosen.get(expected) if expected else None
    if record is not None and expected != "staff_user":
        if _street_id_of(record) != programme.street_id:
            raise ValidationError(
                {expected: _("This record belongs to another street than the programme.")}
            )
        if community is None:
            community = record.community
    if expected == "staff_user" and record is not None:
        posts = StaffAssignment.objects.active().filter(
            user=record, community__street_id=programme.street_id
        )
        if community is not None:
            posts = posts.filter(community=community)
        post = posts.select_related("community").first()
        if post is None:
            raise ValidationError(
                {"staff_user": _("This account holds no current post in the trainee's community.")}
            )
        community = post.community
    name = name.strip() or (str(record) if record is not None else "")
    if not name:
        raise ValidationError(
            {"name": _("Enter the trainee's name, or choose their record to take it from there.")}
        )
    if Trainee.objects.filter(programme=programme, name=name, community=community).exists():
        raise ValidationError(
            {"name": _("%(name)s is already a trainee of this programme.") % {"name": name}}
        )
    trainee = Trainee(programme=programme, name=name, category=category, community=community)
    for field, value in chosen.items():
        setattr(trainee, field, value)
    trainee.full_clean()
    trainee.save()
    return trainee


@transaction.atomic
def trainee_withdraw(*, trainee: Trainee, by) -> Trainee:
    """Mark a trainee withdrawn: kept with their attendance, left out of rates and rankings."""
    trainee = Trainee.objects.select_for_update().get(pk=trainee.pk)
    if trainee.withdrawn:
        raise ValidationError(_("%(name)s has already withdrawn.") % {"name": trainee.name})
    trainee.withdrawn = True
    trainee.save(update_fields=["withdrawn"])
    return trainee


# --- sessions, attendance and scores -------------------------------------------------------------


@transaction.atomic
def session_attach(
    *,
    activity: Activity,
    programme: TrainingProgramme,
    topic: str = "",
    instructors: Iterable[Instructor] = (),
    by,
) -> TrainingSession:
    """Make a training activity one session of a programme of the activity's street."""
    if activity.kind != Activity.Kind.TRAINING:
        raise ValidationError(_("Only training activities can be sessions of a programme."))
    if activity.status == Activity.Status.CANCELLED:
        raise ValidationError(_("This activity is cancelled; it cannot become a session."))
    if programme.street_id != activity.street_id:
        raise ValidationError(
            {"programme": _("This programme belongs to another street than the activity.")}
        )
    if TrainingSession.objects.filter(activity=activity).exists():
        raise ValidationError(_("This activity is already a session of a programme."))
    instructors = list(instructors)
    _check_instructors(instructors, programme.street_id)
    session = TrainingSession(programme=programme, activity=activity, topic=topic.strip())
    session.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError:
        raise ValidationError(_("This activity is already a session of a programme.")) from None
    session.instructors.set(instructors)
    return session


@transaction.atomic
def session_update(
    *, session: TrainingSession, topic: str = "", instructors: Iterable[Instructor] = (), by
) -> TrainingSession:
    instructors = list(instructors)
    _check_instructors(instructors, session.programme.street_id)
    session.topic = topic.strip()
    session.full_clean(validate_constraints=False)
    session.save(update_fields=["topic"])
    session.instructors.set(instructors)
    return session


@transaction.atomic
def attendance_record(
    *,
    session: TrainingSession,
    marks: Mapping[Trainee, str],
    scores: Mapping[Trainee, Decimal | None] | None = None,
    by,
) -> int:
    """Record attendance (and, in a skills contest, each trainee's score for this round) for
    many trainees at once: all rows are saved, or none.

    ``marks`` maps trainees to a ``TrainingAttendance.Status``; ``scores`` maps them to a score
    from 0 to 100 (one decimal) or None for "not scored", which removes an earlier score.
    Returns the number of attendance rows saved.
    """
    scores = scores or {}
    activity = session.activity
    if activity.status == Activity.Status.CANCELLED:
        raise ValidationError(_("This session's activity was cancelled."))
    if any(value is not None for value in scores.values()) and not session.programme.is_contest:
        raise ValidationError(_("Scores are kept only for the Skills Contest programme."))
    problems = []
    for trainee in set(marks) | set(scores):
        if trainee.programme_id != session.programme_id:
            problems.append(_("%(name)s is not a trainee of this programme.") % {"name": trainee})
        elif trainee.withdrawn:
            problems.append(_("%(name)s has withdrawn from the programme.") % {"name": trainee})
    for trainee, status in marks.items():
        mark = TrainingAttendance(session=session, trainee=trainee, status=status)
        try:
            mark.full_clean(exclude=["session", "trainee"], validate_constraints=False)
        except ValidationError as error:
            problems.extend(f"{trainee}: {message}" for message in error.messages)
    for trainee, value in scores.items():
        if value is None:
            continue
        score = TrainingScore(session=session, trainee=trainee, score=value)
        try:
            score.full_clean(exclude=["session", "trainee"], validate_constraints=False)
        except ValidationError as error:
            problems.extend(f"{trainee}: {message}" for message in error.messages)
    if problems:
        raise ValidationError(sorted(set(problems)))

    for trainee, status in marks.items():
        TrainingAttendance.objects.update_or_create(
            session=session, trainee=trainee, defaults={"status": status}
        )
    for trainee, value in scores.items():
        if value is None:
            TrainingScore.objects.filter(session=session, trainee=trainee).delete()
        else:
            TrainingScore.objects.update_or_create(
                session=session, trainee=trainee, defaults={"score": value}
            )
    return len(marks)
