"""Writes on activities and signups. Views, the admin and commands call these, nothing else.

Capacity is never exceeded, even under concurrent requests: every signup write first locks the
activity row (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the whole write transaction is
serialised by ``transaction_mode=IMMEDIATE``), then reads and updates the counts kept on that
row. A database check constraint (``activities_activity_never_overbooked``) backs it up.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from activities import signals
from activities.models import Activity, ActivityPartner, ActivityPhoto, ActivitySeries, Signup
from communities import actions as community_actions
from communities.models import Community, Consent, ResidentProfile
from communities.permissions import is_staff_account
from governance_portal import audit
from governance_portal.models import AuditEvent
from governance_portal.notifications import notify, notify_many, portal_language

User = get_user_model()

MAX_PARTY_SIZE = 10


class SignupError(ValidationError):
    """A signup rule said no; the message is for the resident."""


def _locked(activity: Activity, *, units_as_read: bool = False) -> Activity:
    """The activity read again under its row lock (fresh counters), with its community and
    street. A signup, which never writes the units, may take them from ``activity`` when it
    holds them and they are still the row's (``units_as_read``): the rush then pays no join."""
    if not units_as_read:
        # of=("self",): lock only the activity row (community is nullable: an outer join).
        return (
            Activity.objects.select_for_update(of=("self",))
            .select_related("community", "street")
            .get(pk=activity.pk)
        )
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    for name in ("community", "street"):
        field = Activity._meta.get_field(name)
        same = getattr(locked, field.attname) == getattr(activity, field.attname)
        if same and field.is_cached(activity):
            field.set_cached_value(locked, field.get_cached_value(activity))
    return locked


# --- activities ------------------------------------------------------------------------------


@transaction.atomic
def activity_create(*, by, **fields) -> Activity:
    activity = Activity(created_by=by, **fields)
    if activity.community_id and not activity.street_id:
        activity.street_id = activity.community.street_id
    activity.full_clean()
    activity.save()
    return activity


@transaction.atomic
def activity_update(*, activity: Activity, by, changes: dict) -> Activity:
    """Apply a staff member's edits under the row lock.

    More places promote waiting signups; a new time or venue of a published activity is told to
    everyone signed up. Cancelled and completed activities are not edited (the report is).
    """
    activity = _locked(activity)
    if activity.status in {Activity.Status.CANCELLED, Activity.Status.COMPLETED}:
        raise ValidationError(_("A cancelled or completed activity cannot be edited."))
    before = {name: getattr(activity, name) for name in NOTIFIED_FIELDS}
    for name, value in changes.items():
        setattr(activity, name, value)
    activity.full_clean()
    activity.save()
    if _promote_waitlisted(activity):
        activity.save(update_fields=["places_taken", "waitlist_count"])
    moved = any(getattr(activity, name) != value for name, value in before.items())
    if moved and activity.status == Activity.Status.PUBLISHED:
        residents = [
            signup.resident
            for signup in activity.signups.filter(
                status__in=[Signup.Status.CONFIRMED, Signup.Status.WAITLISTED]
            ).select_related("resident")
        ]
        with portal_language():
            message = _("“%(title)s” has changed: now %(date)s at %(venue)s.") % {
                "title": activity.title,
                "date": timezone.localtime(activity.starts_at).strftime("%Y-%m-%d %H:%M"),
                "venue": activity.venue,
            }
        notify_many(users=residents, message=message, url=activity.get_absolute_url())
        signals.activity_moved.send(sender=Activity, activity=activity, by=by, message=message)
    return activity


#: Changes residents who signed up are told about.
NOTIFIED_FIELDS = ("starts_at", "ends_at", "venue")


@transaction.atomic
def activity_publish(*, activity: Activity, by) -> Activity:
    activity = _locked(activity)
    if activity.status != Activity.Status.DRAFT:
        raise ValidationError(_("Only a draft can be published."))
    if activity.ends_at <= timezone.now():
        raise ValidationError(_("This activity has already ended; it cannot be published."))
    activity.status = Activity.Status.PUBLISHED
    activity.save(update_fields=["status", "updated_at"])
    return activity


@transaction.atomic
def activity_cancel(*, activity: Activity, by, reason: str) -> Activity:
    """Cancel and tell everyone who signed up (confirmed or waiting)."""
    activity = _locked(activity)
    if activity.status not in {Activity.Status.DRAFT, Activity.Status.PUBLISHED}:
        raise ValidationError(_("Only a draft or published activity can be cancelled."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for cancelling; residents will see it."))
    activity.status = Activity.Status.CANCELLED
    activity.cancel_reason = reason.strip()
    affected = list(
        activity.signups.filter(
            status__in=[Signup.Status.CONFIRMED, Signup.Status.WAITLISTED]
        ).select_related("resident")
    )
    # The activity will not take place: its signups end too, and nothing is promoted later.
    Signup.objects.filter(pk__in=[signup.pk for signup in affected]).update(
        status=Signup.Status.CANCELLED, cancelled_at=timezone.now()
    )
    # Donations set aside for it go back to their balance (the allocation stays on record).
    for allocation in activity.allocations.filter(released_at__isnull=True):
        community_actions.allocation_release(
            allocation=allocation, by=by, reason=str(_("The activity was cancelled."))
        )
    if affected:  # a bulk update bypasses the audit signals: say it here
        audit.record(
            action=AuditEvent.Action.BULK,
            instance=activity,
            changes={"signups_cancelled": [signup.pk for signup in affected]},
        )
    activity.places_taken = activity.waitlist_count = 0
    activity.save(
        update_fields=["status", "cancel_reason", "places_taken", "waitlist_count", "updated_at"]
    )
    with portal_language():
        message = _("“%(title)s” on %(date)s is cancelled: %(reason)s") % {
            "title": activity.title,
            "date": timezone.localtime(activity.starts_at).strftime("%Y-%m-%d %H:%M"),
            "reason": activity.cancel_reason,
        }
    notify_many(
        users=[signup.resident for signup in affected],
        message=message,
        url=activity.get_absolute_url(),
    )
    signals.activity_cancelled.send(sender=Activity, activity=activity, by=by, message=message)
    return activity


@transaction.atomic
def activity_complete(*, activity: Activity, by) -> Activity:
    activity = _locked(activity)
    if activity.status != Activity.Status.PUBLISHED:
        raise ValidationError(_("Only a published activity can be marked completed."))
    if activity.starts_at > timezone.now():
        raise ValidationError(_("The activity has not started yet."))
    activity.status = Activity.Status.COMPLETED
    activity.save(update_fields=["status", "updated_at"])
    return activity


COPIED_FIELDS = [
    "kind",
    "title",
    "street",
    "community",
    "venue",
    "capacity",
    "audience",
    "description",
]


def _copy_fields(activity: Activity) -> dict:
    return {name: getattr(activity, name) for name in COPIED_FIELDS}


def _shifted(value: datetime | None, delta: timedelta) -> datetime | None:
    return value + delta if value else None


@transaction.atomic
def activity_copy(*, activity: Activity, by, starts_at: datetime) -> Activity:
    """A new draft like ``activity`` at another time; signups, photos and report stay behind."""
    delta = starts_at - activity.starts_at
    return activity_create(
        by=by,
        starts_at=starts_at,
        ends_at=activity.ends_at + delta,
        signup_opens_at=_shifted(activity.signup_opens_at, delta),
        signup_closes_at=_shifted(activity.signup_closes_at, delta),
        cancel_deadline=_shifted(activity.cancel_deadline, delta),
        **_copy_fields(activity),
    )


def _add_months(moment: datetime, months: int) -> datetime | None:
    """The same local wall-clock time ``months`` later (computed in local time, not UTC)."""
    moment = timezone.localtime(moment)
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    try:
        return moment.replace(year=year, month=month)
    except ValueError:
        return None  # no such day that month (the 31st): skip it rather than drift


MAX_SERIES_LENGTH = 60


@transaction.atomic
def activity_repeat(*, activity: Activity, by, frequency: str, until: date) -> list[Activity]:
    """Copy ``activity`` weekly or monthly until ``until`` (inclusive) as drafts of one series.

    Each copy is its own row: editing one date later never changes the others.
    """
    if until <= timezone.localtime(activity.starts_at).date():
        raise ValidationError(_("Choose an end date after the activity's own date."))
    series = ActivitySeries.objects.create(frequency=frequency, until=until, created_by=by)
    if activity.series_id is None:
        activity.series = series
        activity.save(update_fields=["series", "updated_at"])
    copies = []
    step = 1
    while True:
        if frequency == ActivitySeries.Frequency.WEEKLY:
            # Local wall-clock arithmetic: the same hour each week even across a DST change.
            starts_at = timezone.localtime(activity.starts_at) + timedelta(weeks=step)
        else:
            starts_at = _add_months(activity.starts_at, step)
        step += 1
        if starts_at is None:
            continue
        if timezone.localtime(starts_at).date() > until:
            break
        if len(copies) >= MAX_SERIES_LENGTH:
            raise ValidationError(
                _("A series can have at most %(count)d dates; choose an earlier end date.")
                % {"count": MAX_SERIES_LENGTH}
            )
        copy = activity_copy(activity=activity, by=by, starts_at=starts_at)
        copy.series = series
        copy.save(update_fields=["series"])
        copies.append(copy)
    return copies


@transaction.atomic
def activity_report(
    *,
    activity: Activity,
    by,
    report: str,
    attendance: int | None,
    attendance_note: str = "",
    details: dict | None = None,
) -> Activity:
    """Write the report after the activity; attendance defaults to the check-in count and may
    be changed only with a reason. ``details`` answers the kind's own report questions
    (``activities.kinds``); ``None`` keeps the answers already given."""
    activity = _locked(activity)
    # A draft of a past activity is how staff log something that already happened.
    if activity.status == Activity.Status.CANCELLED:
        raise ValidationError(_("A cancelled activity gets no report."))
    if activity.starts_at > timezone.now():
        raise ValidationError(_("Write the report after the activity has started."))
    counted = checked_in_count(activity)
    if attendance is None:
        attendance = counted
    if attendance != counted and not attendance_note.strip():
        raise ValidationError(
            {
                "attendance_note": _(
                    "Check-in counted %(count)d people; say why the attendance differs."
                )
                % {"count": counted}
            }
        )
    activity.report = report
    activity.attendance = attendance
    activity.attendance_note = attendance_note.strip()
    if details is not None:
        activity.report_details = details
    activity.reported_at = timezone.now()
    activity.status = Activity.Status.COMPLETED
    activity.full_clean()
    activity.save()
    return activity


def checked_in_count(activity: Activity) -> int:
    """People (party sizes) marked attended."""
    total = activity.signups.filter(status=Signup.Status.ATTENDED).aggregate(n=Sum("party_size"))
    return total["n"] or 0


@transaction.atomic
def photo_add(*, activity: Activity, by, processed, caption: str = "", credit: str = ""):
    photo = ActivityPhoto(activity=activity, uploaded_by=by, caption=caption, credit=credit)
    photo.image.save(processed.image.name, processed.image, save=False)
    photo.thumbnail.save(processed.thumbnail.name, processed.thumbnail, save=False)
    photo.full_clean()
    photo.save()
    return photo


# --- signups ---------------------------------------------------------------------------------


def _validate_party(party_size: int, children_under_14: int, guardian_consent: bool) -> None:
    if not 1 <= party_size <= MAX_PARTY_SIZE:
        raise SignupError(
            _("A sign-up is for 1 to %(max)d people.") % {"max": MAX_PARTY_SIZE},
            code="party_size",
        )
    if not 0 <= children_under_14 < party_size:
        raise SignupError(
            _("At least one adult must come; the children are part of the number of people."),
            code="children",
        )
    if children_under_14 and not guardian_consent:
        raise SignupError(
            _("Children under 14 need their guardian's consent: tick the consent box."),
            code="guardian_consent",
        )


@transaction.atomic
def signup_create(
    *,
    activity: Activity,
    resident,
    party_size: int = 1,
    children_under_14: int = 0,
    guardian_consent: bool = False,
    by=None,
    walk_in: bool = False,
) -> Signup:
    """Confirm a place if the party fits, otherwise join the waitlist.

    Invariant kept by every write here: no waiting party fits in the free places (promotion
    runs after each change). So a party that fits now takes the place: the same rule as
    promotion, which confirms the first waiting signups that fit.

    ``by`` is the staff member signing up on the resident's behalf (代报名): staff may do so
    outside the signup window, until the activity ends.
    """
    _validate_party(party_size, children_under_14, guardian_consent)
    activity = _locked(activity, units_as_read=True)
    now = timezone.now()
    if by is None and not activity.signup_is_open(now):
        raise SignupError(_("Sign-up for this activity is not open."), code="closed")
    if by is not None and (activity.status != Activity.Status.PUBLISHED or activity.ends_at <= now):
        raise SignupError(_("This activity is not taking sign-ups."), code="closed")
    if activity.capacity is not None and party_size > activity.capacity:
        raise SignupError(
            _("This activity has %(capacity)d places in all; sign up fewer people.")
            % {"capacity": activity.capacity},
            code="party_size",
        )
    if Signup.objects.active().filter(activity=activity, resident=resident).exists():
        raise SignupError(_("You have already signed up for this activity."), code="duplicate")
    fits = activity.capacity is None or activity.places_taken + party_size <= activity.capacity
    if walk_in and not fits:
        raise SignupError(_("There are not enough places left for this walk-in."), code="full")
    signup = Signup(
        activity=activity,
        resident=resident,
        party_size=party_size,
        children_under_14=children_under_14,
        guardian_consent=guardian_consent,
        registered_by=by,
        walk_in=walk_in,
        created_at=now,
    )
    if fits:
        signup.status = Signup.Status.ATTENDED if walk_in else Signup.Status.CONFIRMED
        signup.checked_in_at = now if walk_in else None
        activity.places_taken += party_size
    else:
        signup.status = Signup.Status.WAITLISTED
        activity.waitlist_count += 1
        # Last in line: the counter on the locked row is the number waiting, this one included
        # (what ``with_waitlist_position`` would count, without another query).
        signup.waitlist_position = activity.waitlist_count
    try:
        with transaction.atomic():
            signup.save()
    except IntegrityError:
        # A double submit that slipped past the check above: the unique constraint caught it.
        raise SignupError(
            _("You have already signed up for this activity."), code="duplicate"
        ) from None
    activity.save(update_fields=["places_taken", "waitlist_count"])
    return signup


@transaction.atomic
def signup_cancel(*, signup: Signup, by) -> Signup:
    """Cancel; a freed place goes to the first waiting signups that fit, who are told so.

    Residents may cancel until the activity's cut-off; staff may cancel at any time.
    """
    activity = _locked(signup.activity, units_as_read=True)
    signup = Signup.objects.select_for_update().get(pk=signup.pk)
    if signup.status not in {Signup.Status.CONFIRMED, Signup.Status.WAITLISTED}:
        raise SignupError(_("This sign-up cannot be cancelled any more."), code="not_active")
    is_staff_action = by != signup.resident
    holds_place = signup.status == Signup.Status.CONFIRMED
    if not is_staff_action and holds_place and timezone.now() >= activity.cancel_until():
        raise SignupError(
            _("It is too late to cancel online. Please call the community office."),
            code="too_late",
        )
    was_confirmed = signup.status == Signup.Status.CONFIRMED
    signup.status = Signup.Status.CANCELLED
    signup.cancelled_at = timezone.now()
    signup.save(update_fields=["status", "cancelled_at"])
    if was_confirmed:
        activity.places_taken -= signup.party_size
    else:
        activity.waitlist_count -= 1
    _promote_waitlisted(activity)
    activity.save(update_fields=["places_taken", "waitlist_count"])
    return signup


def _promote_waitlisted(activity: Activity) -> list[Signup]:
    """Within the caller's lock: confirm waiting signups in order while they fit.

    Only for a published activity that has not started: nobody is told "you're in" mid-event.
    """
    if activity.status != Activity.Status.PUBLISHED or activity.starts_at <= timezone.now():
        return []
    promoted = []
    for waiting in activity.signups.waitlisted().select_related("resident"):
        room = activity.capacity is None or (
            activity.places_taken + waiting.party_size <= activity.capacity
        )
        if not room:
            continue  # too big for the free places; the next one may fit
        waiting.status = Signup.Status.CONFIRMED
        waiting.save(update_fields=["status"])
        activity.places_taken += waiting.party_size
        activity.waitlist_count -= 1
        promoted.append(waiting)
        with portal_language():
            message = _(
                "Good news: a place became free and you are now confirmed for “%(title)s”."
            ) % {"title": activity.title}
        notify(user=waiting.resident, message=message, url=activity.get_absolute_url())
    return promoted


@transaction.atomic
def signup_mark_attendance(*, signup: Signup, attended: bool, by) -> Signup:
    """At the desk: mark a confirmed signup as attended or no-show (and correct it later)."""
    signup = Signup.objects.select_for_update().select_related("activity").get(pk=signup.pk)
    if signup.activity.status not in {Activity.Status.PUBLISHED, Activity.Status.COMPLETED}:
        raise SignupError(_("This activity is not taking place."), code="not_held")
    if signup.status not in Signup.HOLDING_PLACES:
        raise SignupError(_("Only a confirmed sign-up can be checked in."), code="not_confirmed")
    signup.status = Signup.Status.ATTENDED if attended else Signup.Status.NO_SHOW
    signup.checked_in_at = timezone.now() if attended else None
    signup.save(update_fields=["status", "checked_in_at"])
    return signup


@transaction.atomic
def signup_self_checkin(*, activity: Activity, resident, token: str) -> Signup:
    """A resident scanned the activity's QR code during the activity."""
    activity = _locked(activity, units_as_read=True)
    if token != activity.checkin_token or not activity.checkin_is_open():
        raise SignupError(_("This check-in code is not valid now."), code="checkin_closed")
    signup = (
        Signup.objects.select_for_update()
        .filter(activity=activity, resident=resident, status__in=Signup.HOLDING_PLACES)
        .first()
    )
    if signup is None:
        raise SignupError(
            _("You have no confirmed place for this activity. Please see the staff at the desk."),
            code="no_signup",
        )
    if signup.status != Signup.Status.ATTENDED:
        signup.status = Signup.Status.ATTENDED
        signup.checked_in_at = timezone.now()
        signup.save(update_fields=["status", "checked_in_at"])
    return signup


@transaction.atomic
def resident_find_or_create_at_desk(
    *, name: str, phone: str, community: Community, scope, by
) -> User:
    """For 代报名: the resident with this mobile number in the staff member's scope, or a minimal
    record for a new number, with the resident's consent recorded as given at the desk.

    A number that belongs to a staff account or to a resident outside the staff member's scope
    is refused: the desk must not turn a phone number into someone else's name or signup. The
    new login has no usable password; the office can set one later (resident_set_password).
    """
    user = User.objects.filter(phone=phone).select_related("resident_profile").first()
    if user is not None:
        profile = getattr(user, "resident_profile", None)
        outside = profile is None or not scope.covers_community(profile.community_id)
        if outside or is_staff_account(user):
            raise ValidationError(
                {
                    "phone": _(
                        "This number belongs to an account this desk cannot sign up. "
                        "The resident can sign up themselves, or ask their own community."
                    )
                }
            )
        return user
    user = User(username=phone, name=name, phone=phone)
    user.set_unusable_password()
    user.full_clean()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationError(
            {"phone": _("This number was registered a moment ago; please try again.")}
        ) from None
    ResidentProfile.objects.create(user=user, community=community)
    Consent.objects.create(
        user=user,
        notice=Consent.Notice.PRIVACY,
        version=settings.PRIVACY_NOTICE_VERSION,
        recorded_by=by,
    )
    return user


@transaction.atomic
def photo_delete(*, photo: ActivityPhoto, by) -> None:
    """Remove a photo and, once the transaction commits, its files."""
    files = [photo.image, photo.thumbnail]
    photo.delete()
    for stored in files:
        storage, name = stored.storage, stored.name
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))


# --- partners (五社联动) ----------------------------------------------------------------------

PARTNER_KIND_OF_UNIT = {
    "school": ActivityPartner.Kind.RESIDENT_UNIT,
    "property_company": ActivityPartner.Kind.PROPERTY_COMPANY,
}


@transaction.atomic
def partner_add(
    *,
    activity: Activity,
    by,
    organisation=None,
    social_worker=None,
    outside_unit=None,
    kind: str = "",
    name: str = "",
    role: str = "",
) -> ActivityPartner:
    """Record who took part: one registry entry, or a named partner of a given kind."""
    linked = [x for x in (organisation, social_worker, outside_unit) if x is not None]
    if len(linked) > 1:
        raise ValidationError(_("Choose one partner at a time."))
    if organisation is not None:
        kind, name = ActivityPartner.Kind.SOCIAL_ORGANISATION, organisation.name
    elif social_worker is not None:
        kind, name = ActivityPartner.Kind.SOCIAL_WORKER, social_worker.name
    elif outside_unit is not None:
        kind = PARTNER_KIND_OF_UNIT.get(outside_unit.kind, ActivityPartner.Kind.RESIDENT_UNIT)
        name = outside_unit.name
    partner = ActivityPartner(
        activity=activity,
        organisation=organisation,
        social_worker=social_worker,
        outside_unit=outside_unit,
        kind=kind,
        name=name.strip(),
        role=role.strip(),
    )
    partner.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            partner.save()
    except IntegrityError:
        raise ValidationError(_("%(name)s is already listed.") % {"name": name}) from None
    return partner
