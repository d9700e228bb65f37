"""Writes on volunteers, roles, service records and certificates. Views, the admin and commands
call these, nothing else.

Concurrency: a role's ``taken`` count is kept on its row and changed only under that row's lock;
a volunteer's own sign-ups are serialised by locking the volunteer row first (so two overlapping
roles cannot be taken at once from two tabs). The order is always volunteer, then role. A
service record changes status only through a conditional update (``WHERE status = 'pending'``),
so two staff verifying the same record at once count it once.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from activities import actions as activity_actions
from activities.models import Activity
from governance_portal import audit
from governance_portal.dashboards import daily
from governance_portal.models import AuditEvent
from governance_portal.notifications import notify, notify_many, portal_language
from volunteers.models import (
    Certificate,
    RoleSignup,
    ServiceRecord,
    StarPolicy,
    Volunteer,
    VolunteerRole,
    VolunteerTeam,
)

HUNDREDTH = Decimal("0.01")
#: A volunteer may take a role until the activity starts; staff add people until it ends.
CHECKIN_EARLY = timedelta(minutes=30)


def _locked_volunteer(volunteer: Volunteer) -> Volunteer:
    return Volunteer.objects.select_for_update().select_related("user").get(pk=volunteer.pk)


def _locked_role(role: VolunteerRole) -> VolunteerRole:
    return (
        VolunteerRole.objects.select_for_update(of=("self",))
        .select_related("activity")
        .get(pk=role.pk)
    )


def _my_volunteering_url() -> str:
    from django.urls import reverse

    return reverse("volunteers:me")


# --- registration ----------------------------------------------------------------------------


def _check_team(team: VolunteerTeam | None, community) -> None:
    if team is not None and (team.archived or not team.accepts(community)):
        raise ValidationError({"team": _("This team does not take volunteers of that community.")})


@transaction.atomic
def volunteer_apply(*, user, community, team=None, **fields) -> Volunteer:
    """A resident asks to become a volunteer; staff of ``community`` decide.

    Someone declined earlier (or who left) may apply again: the same record goes back to
    pending, so their history stays in one place.
    """
    _check_team(team, community)
    volunteer = Volunteer.objects.select_for_update().filter(user=user).first()
    if volunteer is not None and volunteer.status in {
        Volunteer.Status.PENDING,
        Volunteer.Status.APPROVED,
    }:
        raise ValidationError(_("You have already registered as a volunteer."))
    if volunteer is None:
        volunteer = Volunteer(user=user)
    volunteer.community = community
    volunteer.team = team
    for name, value in fields.items():
        setattr(volunteer, name, value)
    volunteer.status = Volunteer.Status.PENDING
    volunteer.decision_reason = ""
    volunteer.decided_by = volunteer.decided_at = None
    volunteer.full_clean(exclude=["user"])
    try:
        with transaction.atomic():
            volunteer.save()
    except IntegrityError:  # a double submit: the other one won
        raise ValidationError(_("You have already registered as a volunteer.")) from None
    return volunteer


@transaction.atomic
def volunteer_register_at_desk(*, name, phone, community, scope, by, team=None, **fields):
    """Staff register someone in person: found or created as a resident, approved at once."""
    _check_team(team, community)
    user = activity_actions.resident_find_or_create_at_desk(
        name=name, phone=phone, community=community, scope=scope, by=by
    )
    volunteer = Volunteer.objects.select_for_update().filter(user=user).first()
    if volunteer is not None and volunteer.status == Volunteer.Status.APPROVED:
        raise ValidationError({"phone": _("This person is already a registered volunteer.")})
    volunteer = volunteer or Volunteer(user=user)
    volunteer.community = community
    volunteer.team = team
    for field, value in fields.items():
        setattr(volunteer, field, value)
    volunteer.status = Volunteer.Status.APPROVED
    volunteer.decision_reason = ""
    volunteer.registered_by = volunteer.decided_by = by
    volunteer.decided_at = timezone.now()
    volunteer.full_clean(exclude=["user"])
    volunteer.save()
    return volunteer


@transaction.atomic
def volunteer_update(*, volunteer: Volunteer, by, changes: dict) -> Volunteer:
    volunteer = _locked_volunteer(volunteer)
    for name, value in changes.items():
        setattr(volunteer, name, value)
    _check_team(volunteer.team, volunteer.community)
    if volunteer.team_id is None:
        volunteer.leads_team = False
    volunteer.full_clean(exclude=["user"])
    volunteer.save()
    return volunteer


@transaction.atomic
def volunteer_decide(*, volunteer: Volunteer, by, approve: bool, reason: str = "") -> Volunteer:
    volunteer = _locked_volunteer(volunteer)
    _not_oneself(volunteer, by)
    if volunteer.status != Volunteer.Status.PENDING:
        raise ValidationError(_("This registration has already been decided."))
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError(
            {"reason": _("Give the reason for declining; the resident will see it.")}
        )
    volunteer.status = Volunteer.Status.APPROVED if approve else Volunteer.Status.DECLINED
    volunteer.decision_reason = "" if approve else reason
    volunteer.decided_by = by
    volunteer.decided_at = timezone.now()
    volunteer.save()
    with portal_language():
        if approve:
            message = _("Welcome: you are now a registered volunteer of %(community)s.") % {
                "community": volunteer.community.name
            }
        else:
            message = _("Your volunteer registration was declined: %(reason)s") % {"reason": reason}
    notify(user=volunteer.user, message=message, url=_my_volunteering_url())
    return volunteer


@transaction.atomic
def volunteer_set_ranking_name(*, volunteer: Volunteer, full_name: bool) -> Volunteer:
    volunteer = _locked_volunteer(volunteer)
    volunteer.full_name_in_ranking = full_name
    volunteer.save(update_fields=["full_name_in_ranking", "updated_at"])
    return volunteer


@transaction.atomic
def team_save(*, team: VolunteerTeam, by) -> VolunteerTeam:
    if team.community_id and not team.street_id:
        team.street_id = team.community.street_id
    team.full_clean()
    team.save()
    if team.archived:
        Volunteer.objects.filter(team=team, leads_team=True).update(leads_team=False)
    return team


@transaction.atomic
def star_policy_save(*, street, by, thresholds: dict) -> StarPolicy:
    policy = StarPolicy.objects.select_for_update().filter(street=street).first()
    policy = policy or StarPolicy(street=street)
    for name, value in thresholds.items():
        setattr(policy, name, value)
    policy.updated_by = by
    policy.full_clean()
    policy.save()
    return policy


# --- roles on activities ---------------------------------------------------------------------


def _not_oneself(volunteer: Volunteer, by) -> None:
    """Staff never decide on their own registration, hours or certificate."""
    if by is not None and volunteer.user_id == by.pk:
        raise ValidationError(_("Another staff member must decide on your own volunteering."))


def _editable_activity(activity: Activity) -> None:
    if activity.status in {Activity.Status.CANCELLED, Activity.Status.COMPLETED}:
        raise ValidationError(_("A cancelled or completed activity's roles cannot be changed."))


@transaction.atomic
def role_save(*, role: VolunteerRole, by) -> VolunteerRole:
    """Create or edit a role; it never offers fewer places than volunteers already took."""
    activity = activity_actions._locked(role.activity)
    _editable_activity(activity)
    if role.pk:
        current = _locked_role(role)
        role.taken = current.taken
        if role.slots is not None and role.slots < current.taken:
            raise ValidationError(
                {
                    "slots": _(
                        "%(count)d volunteers have already taken this role; ask for at least "
                        "that many."
                    )
                    % {"count": current.taken}
                }
            )
    role.full_clean()
    try:
        with transaction.atomic():
            role.save()
    except IntegrityError:
        raise ValidationError(
            {"name": _("This activity already has a role of this name.")}
        ) from None
    return role


@transaction.atomic
def role_delete(*, role: VolunteerRole, by) -> None:
    role = _locked_role(role)
    _editable_activity(role.activity)
    if role.signups.active().exists():
        raise ValidationError(
            _("Volunteers have signed up for this role; cancel their sign-ups first.")
        )
    role.signups.all().delete()  # only cancelled ones are left: they never made hours
    role.delete()


def _overlapping(volunteer: Volunteer, activity: Activity):
    return (
        RoleSignup.objects.active()
        .filter(
            volunteer=volunteer,
            role__activity__starts_at__lt=activity.ends_at,
            role__activity__ends_at__gt=activity.starts_at,
        )
        .exclude(role__activity__status=Activity.Status.CANCELLED)
    )


@transaction.atomic
def role_signup_create(*, role: VolunteerRole, volunteer: Volunteer, by=None) -> RoleSignup:
    """An approved volunteer takes a role (``by``: the staff member adding them).

    Never more volunteers than the role's places; never two roles at overlapping times.
    """
    volunteer = _locked_volunteer(volunteer)
    activity = activity_actions._locked(role.activity)  # order: volunteer, activity, role
    role = _locked_role(role)
    now = timezone.now()
    if volunteer.status != Volunteer.Status.APPROVED:
        raise ValidationError(_("Only approved volunteers can take a role."))
    if activity.status != Activity.Status.PUBLISHED:
        raise ValidationError(_("This activity is not taking volunteers."))
    deadline = activity.ends_at if by is not None else activity.starts_at
    if now >= deadline:
        raise ValidationError(_("It is too late to take a role in this activity."))
    if RoleSignup.objects.active().filter(role=role, volunteer=volunteer).exists():
        raise ValidationError(_("You have already taken this role."))
    clash = _overlapping(volunteer, activity).select_related("role__activity").first()
    if clash is not None:
        raise ValidationError(
            _("You already have the role “%(role)s” in “%(title)s” at that time.")
            % {"role": clash.role.name, "title": clash.role.activity.title}
        )
    if role.taken >= role.slots:
        raise ValidationError(_("All places for this role are taken."))
    signup = RoleSignup(role=role, volunteer=volunteer, registered_by=by)
    signup.save()
    role.taken += 1
    role.save(update_fields=["taken"])
    return signup


@transaction.atomic
def role_signup_cancel(*, signup: RoleSignup, by) -> RoleSignup:
    """Volunteers may cancel until the activity starts; staff until the volunteer checked in."""
    volunteer = _locked_volunteer(signup.volunteer)
    activity_actions._locked(signup.role.activity)  # the same order as taking a role
    role = _locked_role(signup.role)
    signup = RoleSignup.objects.select_for_update().get(pk=signup.pk)
    if signup.status != RoleSignup.Status.CONFIRMED:
        raise ValidationError(_("This sign-up is already cancelled."))
    if signup.checked_in_at is not None:
        raise ValidationError(_("The volunteer has checked in; the sign-up cannot be cancelled."))
    if by == volunteer.user and timezone.now() >= role.activity.starts_at:
        raise ValidationError(_("The activity has started; please tell the staff at the activity."))
    signup.status = RoleSignup.Status.CANCELLED
    signup.cancelled_at = timezone.now()
    signup.save(update_fields=["status", "cancelled_at"])
    role.taken -= 1
    role.save(update_fields=["taken"])
    return signup


def roles_release_for_cancelled(activity: Activity, message: str) -> None:
    """The activity was cancelled (inside its transaction): its role sign-ups end and the
    volunteers are told ``message``."""
    signups = list(
        RoleSignup.objects.active()
        .filter(role__activity=activity, checked_in_at__isnull=True)
        .select_related("volunteer__user")
    )
    if not signups:
        return
    RoleSignup.objects.filter(
        pk__in=[s.pk for s in signups],
        status=RoleSignup.Status.CONFIRMED,
        checked_in_at__isnull=True,
    ).update(status=RoleSignup.Status.CANCELLED, cancelled_at=timezone.now())
    for role in VolunteerRole.objects.filter(activity=activity):
        role.taken = role.signups.active().count()
        role.save(update_fields=["taken"])
    audit.record(
        action=AuditEvent.Action.BULK,
        instance=activity,
        changes={"role_signups_cancelled": [s.pk for s in signups]},
    )
    notify_many(
        users=[signup.volunteer.user for signup in signups],
        message=message,
        url=activity.get_absolute_url(),
    )


def volunteers_tell_of_change(activity: Activity, message: str) -> None:
    """The activity moved (time or venue): the volunteers with a role hear it too."""
    signups = RoleSignup.objects.active().filter(role__activity=activity)
    notify_many(
        users=[signup.volunteer.user for signup in signups.select_related("volunteer__user")],
        message=message,
        url=activity.get_absolute_url(),
    )


# --- check-in, check-out and service hours --------------------------------------------------


def _hours_between(start: datetime, end: datetime) -> Decimal:
    seconds = max((end - start).total_seconds(), 0)
    return (Decimal(seconds) / Decimal(3600)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def served_hours(signup: RoleSignup, activity: Activity) -> Decimal:
    """Check-in to check-out, capped by the activity's window; without a check-out, the role's
    planned duration (never more than the window)."""
    window = _hours_between(activity.starts_at, activity.ends_at)
    if signup.checked_out_at is None:
        return min(signup.role.planned_hours, window)
    start = max(signup.checked_in_at, activity.starts_at)
    end = min(signup.checked_out_at, activity.ends_at)
    return _hours_between(start, end)


def _locked_signup(signup: RoleSignup) -> RoleSignup:
    return (
        RoleSignup.objects.select_for_update(of=("self",))
        .select_related("role__activity__community", "role__activity__street", "volunteer__user")
        .get(pk=signup.pk)
    )


@transaction.atomic
def role_check_in(*, signup: RoleSignup, by) -> ServiceRecord:
    """Check a volunteer in: a pending service record is made at once (with the planned
    duration), so hours are never lost when nobody checks them out."""
    activity_actions._locked(signup.role.activity)  # not while the activity is cancelled
    signup = _locked_signup(signup)
    activity = signup.role.activity
    now = timezone.now()
    if signup.status != RoleSignup.Status.CONFIRMED:
        raise ValidationError(_("This sign-up is cancelled."))
    if activity.status not in {Activity.Status.PUBLISHED, Activity.Status.COMPLETED}:
        raise ValidationError(_("This activity is not taking place."))
    if not activity.starts_at - CHECKIN_EARLY <= now <= activity.ends_at:
        raise ValidationError(
            _("Volunteers are checked in from 30 minutes before the start until the end.")
        )
    if signup.checked_in_at is not None:
        raise ValidationError(_("This volunteer is already checked in."))
    signup.checked_in_at = now
    signup.save(update_fields=["checked_in_at"])
    record = ServiceRecord(
        volunteer=signup.volunteer,
        source=ServiceRecord.Source.ATTENDANCE,
        role_signup=signup,
        activity=activity,
        street_id=activity.street_id,
        community_id=activity.community_id,
        organiser=activity.unit_name,
        title=f"{activity.title} · {signup.role.name}",
        description=signup.role.description,
        place=activity.venue,
        served_on=timezone.localtime(activity.starts_at).date(),
        started_at=now,
        hours=served_hours(signup, activity),
        recorded_by=by,
    )
    record.save()
    return record


@transaction.atomic
def role_check_out(*, signup: RoleSignup, by) -> ServiceRecord:
    signup = _locked_signup(signup)
    activity = signup.role.activity
    if signup.checked_in_at is None:
        raise ValidationError(_("Check the volunteer in first."))
    if signup.checked_out_at is not None:
        raise ValidationError(_("This volunteer is already checked out."))
    record = ServiceRecord.objects.select_for_update().get(role_signup=signup)
    if record.status != ServiceRecord.Status.PENDING:
        raise ValidationError(
            _("The hours are already verified or rejected; they stay as they are.")
        )
    now = timezone.now()
    signup.checked_out_at = now
    signup.save(update_fields=["checked_out_at"])
    record.ended_at = now
    record.hours = served_hours(signup, activity)
    record.save(update_fields=["ended_at", "hours", "updated_at"])
    return record


def _notify_decided(records: list[ServiceRecord], verified: bool, reason: str = "") -> None:
    with portal_language():
        for record in records:
            values = {"title": record.title, "hours": record.hours, "reason": reason}
            if verified:
                message = _("%(hours)s hours for “%(title)s” are verified.") % values
            else:
                message = _("Your hours for “%(title)s” were not accepted: %(reason)s") % values
            notify(user=record.volunteer.user, message=message, url=_my_volunteering_url())


def _decide(records, *, by, status: str, reason: str = "", evaluation: str = "") -> list[int]:
    """Move pending records to ``status``; returns the ids this call changed. Records decided
    meanwhile by someone else are left alone (the WHERE status = pending)."""
    now = timezone.now()
    changed = []
    for record in records:
        fields = {"status": status, "decided_by": by, "decided_at": now, "updated_at": now}
        undecidable = Q(volunteer__user=by)  # never one's own hours
        if status == ServiceRecord.Status.VERIFIED:
            # Hours of a volunteer still at the activity are not final until check-out.
            undecidable |= Q(
                source=ServiceRecord.Source.ATTENDANCE,
                ended_at__isnull=True,
                activity__ends_at__gt=now,
            )
        if reason:
            fields["decision_reason"] = reason
        if evaluation:
            fields["evaluation"] = evaluation
        if ServiceRecord.objects.filter(pk=record.pk).filter(undecidable).exists():
            continue
        # No joins here: on PostgreSQL the WHERE is checked again after the row lock, so of two
        # staff deciding at once only one changes the row.
        count = ServiceRecord.objects.filter(
            pk=record.pk, status=ServiceRecord.Status.PENDING
        ).update(**fields)
        if count:
            changed.append(record.pk)
            audit.record(
                action=AuditEvent.Action.UPDATE,
                instance=record,
                changes={
                    "status": [ServiceRecord.Status.PENDING, status],
                    **({"decision_reason": ["", reason]} if reason else {}),
                },
            )
    daily.refresh_rows("volunteers.ServiceRecord", changed)  # a bulk UPDATE sends no signal
    return changed


def _check_decidable(record: ServiceRecord, by) -> None:
    _not_oneself(record.volunteer, by)
    still_there = (
        record.source == ServiceRecord.Source.ATTENDANCE
        and record.ended_at is None
        and record.activity is not None
        and record.activity.ends_at > timezone.now()
    )
    if still_there:
        raise ValidationError(
            _(
                "The volunteer has not checked out yet; verify the hours after check-out or "
                "after the activity ends."
            )
        )


@transaction.atomic
def record_verify(*, record: ServiceRecord, by, evaluation: str = "") -> ServiceRecord:
    record = ServiceRecord.objects.select_related("activity", "volunteer__user").get(pk=record.pk)
    _check_decidable(record, by)
    changed = _decide(
        [record], by=by, status=ServiceRecord.Status.VERIFIED, evaluation=evaluation.strip()
    )
    if not changed:
        raise ValidationError(_("This record has already been verified or rejected."))
    record.refresh_from_db()
    _notify_decided([record], verified=True)
    return record


@transaction.atomic
def record_reject(*, record: ServiceRecord, by, reason: str) -> ServiceRecord:
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Give the reason for rejecting; the volunteer will see it.")}
        )
    _not_oneself(record.volunteer, by)
    changed = _decide([record], by=by, status=ServiceRecord.Status.REJECTED, reason=reason)
    if not changed:
        raise ValidationError(_("This record has already been verified or rejected."))
    record.refresh_from_db()
    _notify_decided([record], verified=False, reason=reason)
    return record


@transaction.atomic
def records_verify_bulk(*, records, by) -> int:
    """Verify many pending records at once; returns how many this call verified."""
    records = list(records.select_related("volunteer__user"))
    changed = set(_decide(records, by=by, status=ServiceRecord.Status.VERIFIED))
    _notify_decided([r for r in records if r.pk in changed], verified=True)
    return len(changed)


MAX_BACKFILL_HOURS = Decimal("24")


@transaction.atomic
def backfill_request(*, volunteer: Volunteer, by, evidence=None, **fields) -> ServiceRecord:
    """补录: a volunteer asks for past service to be recorded; their community's staff decide."""
    volunteer = _locked_volunteer(volunteer)
    if volunteer.status != Volunteer.Status.APPROVED:
        raise ValidationError(_("Only approved volunteers can ask for hours to be recorded."))
    served_on = fields.get("served_on")
    if served_on and served_on > timezone.localdate():
        raise ValidationError({"served_on": _("The date of service cannot be in the future.")})
    hours = fields.get("hours")
    if hours is not None and not Decimal("0.01") <= hours <= MAX_BACKFILL_HOURS:
        raise ValidationError(
            {"hours": _("Enter between 0.01 and 24 hours; record each day separately.")}
        )
    community = volunteer.community
    record = ServiceRecord(
        volunteer=volunteer,
        source=ServiceRecord.Source.BACKFILL,
        street_id=community.street_id,
        community=community,
        recorded_by=by,
        **fields,
    )
    if evidence is not None:
        record.evidence.save(evidence.image.name, evidence.image, save=False)
    record.full_clean()
    record.save()
    return record


# --- certificates ----------------------------------------------------------------------------


@transaction.atomic
def certificate_issue(
    *, volunteer: Volunteer, by, period_start: date | None = None, period_end: date | None = None
) -> Certificate:
    """志愿服务记录证明 over the verified records in the period, issued by the volunteer's
    community."""
    volunteer = _locked_volunteer(volunteer)
    _not_oneself(volunteer, by)
    if period_start and period_end and period_end < period_start:
        raise ValidationError({"period_end": _("The end of the period is before its start.")})
    records = volunteer.service_records.verified()
    if period_start:
        records = records.filter(served_on__gte=period_start)
    if period_end:
        records = records.filter(served_on__lte=period_end)
    totals = records.aggregate(hours=Sum("hours"))
    ids = list(records.values_list("pk", flat=True))
    if not ids:
        raise ValidationError(_("There are no verified hours in this period to certify."))
    certificate = Certificate.objects.create(
        volunteer=volunteer,
        community=volunteer.community,
        period_start=period_start,
        period_end=period_end,
        total_hours=totals["hours"],
        record_count=len(ids),
        holder_name=volunteer.user.display_name,
        issued_by=by,
    )
    certificate.records.set(ids)
    with portal_language():
        message = _("A volunteer service certificate for %(hours)s hours was issued to you.") % {
            "hours": certificate.total_hours
        }
    notify(user=volunteer.user, message=message, url=certificate.get_absolute_url())
    return certificate


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, by, reason: str) -> Certificate:
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is not None:
        raise ValidationError(_("This certificate is already revoked."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for revoking.")})
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason.strip()
    certificate.save(update_fields=["revoked_at", "revoked_reason"])
    return certificate
