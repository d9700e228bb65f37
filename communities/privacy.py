"""Residents' rights over their personal data: see it, take it away, have it deleted.

- ``my_data(user)`` is everything the portal holds about one user (the 我的数据 page and its
  JSON download read it; nothing else does);
- ``deletion_request_create`` records a request to delete it (one open request per person);
- ``account_anonymise`` is *the* anonymisation of an account: the admin action that answers a
  request and the retention command (``purge_personal_data``) both call it.

Anonymising keeps what statistics need and removes what names the person: the sign-up rows,
their party sizes and attendance, the resident's community and compound, and the consent rows
(as evidence) stay; the name, phone, e-mail, login, password, notifications and the request's
free text go. The ``User`` row itself stays because sign-ups, consents and the audit log point
at it (PROTECT): deleting it would erase the activities' history. See docs/privacy.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.actions import signup_cancel
from activities.models import Signup
from communities.models import (
    Consent,
    DeletionRequest,
    ResidentProfile,
    SocialWorker,
    SpecialGroup,
    StaffAssignment,
    new_token,
)
from governance_portal import personal_data
from governance_portal.models import Notification

User = get_user_model()

#: What an anonymised account is called wherever its sign-ups are listed. Stored data in the
#: portal's language, like the notifications, so it is not a translated UI string.
ANONYMISED_NAME = "已注销居民"
#: Usernames starting with this are anonymised accounts (residents log in with a phone number,
#: staff accounts are made by administrators, so no real login starts with it).
ANONYMISED_USERNAME_PREFIX = "anon-"


class AnonymiseRefused(ValidationError):
    """The account is not a resident's (staff, administrator, social worker): an administrator
    ends their posts first and decides by hand."""


class DeletionRequestExists(ValidationError):
    """The person already has a request waiting."""


# --- which accounts ----------------------------------------------------------------------------


def resident_accounts() -> QuerySet:
    """Accounts that may be anonymised: not staff, not an administrator, never held a staff post
    (the record of who held which post stays), not a social worker's login, not already done."""
    return (
        User.objects.filter(is_staff=False, is_superuser=False)
        .exclude(Exists(StaffAssignment.objects.filter(user=OuterRef("pk"))))
        .exclude(Exists(SocialWorker.objects.filter(user=OuterRef("pk"))))
        .exclude(username__startswith=ANONYMISED_USERNAME_PREFIX)
    )


def inactive_resident_accounts(*, cutoff: datetime) -> QuerySet:
    """Resident accounts with no login and no sign-up since ``cutoff`` (a sign-up counts from
    when it was made until its activity ends)."""
    recent_signup = Signup.objects.filter(resident=OuterRef("pk")).filter(
        Q(created_at__gte=cutoff) | Q(activity__ends_at__gte=cutoff)
    )
    return (
        resident_accounts()
        .filter(date_joined__lt=cutoff)
        .filter(Q(last_login__isnull=True) | Q(last_login__lt=cutoff))
        .exclude(Exists(recent_signup))
    )


def is_anonymised(user) -> bool:
    return user.username.startswith(ANONYMISED_USERNAME_PREFIX)


def _refusal(user) -> str:
    if user.is_superuser or user.is_staff:
        return _("%(user)s is a staff or administrator account.")
    if StaffAssignment.objects.filter(user=user).exists():
        return _("%(user)s has held a staff post; the record of who held it is kept.")
    if SocialWorker.objects.filter(user=user).exists():
        return _("%(user)s is a social worker's login; change the social worker record first.")
    return ""


# --- anonymise -------------------------------------------------------------------------------


@transaction.atomic
def account_anonymise(*, user, by=None) -> User:
    """Anonymise a resident's account; ``by`` is the administrator (None: the retention command).

    Upcoming sign-ups are cancelled first (their places go to the waitlist), then the person's
    identifying data is removed, their notifications deleted, their consents marked withdrawn
    and any open deletion request closed as handled. Running it twice changes nothing more.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    refusal = _refusal(user)
    if refusal:
        raise AnonymiseRefused(refusal % {"user": user.username}, code="staff")
    now = timezone.now()
    upcoming = Signup.objects.filter(
        resident=user,
        status__in=[Signup.Status.CONFIRMED, Signup.Status.WAITLISTED],
        activity__ends_at__gte=now,
    ).select_related("activity")
    for signup in upcoming:
        signup_cancel(signup=signup, by=by)
    if not is_anonymised(user):
        user.username = f"{ANONYMISED_USERNAME_PREFIX}{user.pk}"
        user.name = ANONYMISED_NAME
        user.first_name = user.last_name = ""
        user.phone = ""
        user.email = ""
        user.is_active = False
        user.set_unusable_password()  # also ends every session: the session hash changes
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
        profile = ResidentProfile.objects.filter(user=user).first()
        if profile is not None:
            # The old calendar-feed link must not keep working.
            profile.calendar_token = new_token()
            profile.save(update_fields=["calendar_token"])
    from volunteers.privacy import volunteer_anonymise  # volunteers builds on communities

    volunteer_anonymise(user=user, name=ANONYMISED_NAME)
    from activities.privacy import activity_parts_anonymise  # activities builds on communities

    activity_parts_anonymise(user=user)
    from services.privacy import services_anonymise  # services builds on communities

    services_anonymise(user=user, name=ANONYMISED_NAME)
    for consent in Consent.objects.filter(user=user, withdrawn_at__isnull=True):
        consent.withdrawn_at = now
        consent.save(update_fields=["withdrawn_at"])
    Notification.objects.filter(user=user).delete()
    requests = DeletionRequest.objects.filter(user=user)
    for request in requests.filter(~Q(reason="") | Q(handled_at__isnull=True)):
        request.reason = ""
        if request.handled_at is None:
            request.handled_at = now
            request.handled_by = by
            request.outcome = DeletionRequest.Outcome.ANONYMISED
        request.save()
    return user


# --- deletion requests -----------------------------------------------------------------------


@transaction.atomic
def deletion_request_create(*, user, reason: str = "") -> DeletionRequest:
    if DeletionRequest.objects.filter(user=user, handled_at__isnull=True).exists():
        raise DeletionRequestExists(
            _("You have already asked for your data to be deleted; an administrator will answer."),
            code="duplicate",
        )
    request = DeletionRequest(user=user, reason=reason.strip())
    request.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:  # a double submit that slipped past the check above
        raise DeletionRequestExists(
            _("You have already asked for your data to be deleted; an administrator will answer."),
            code="duplicate",
        ) from None
    return request


@transaction.atomic
def deletion_request_refuse(*, request: DeletionRequest, by) -> DeletionRequest:
    """Close a request without anonymising (e.g. a staff account, or data the law says to
    keep); the administrator tells the person why."""
    request = DeletionRequest.objects.select_for_update().get(pk=request.pk)
    if request.handled_at is not None:
        return request
    request.handled_at = timezone.now()
    request.handled_by = by
    request.outcome = DeletionRequest.Outcome.REFUSED
    request.save()
    return request


# --- see and export ----------------------------------------------------------------------------


@dataclass
class MyData:
    """Everything the portal holds about one user (the same for the page and the download)."""

    user: Any
    profile: ResidentProfile | None
    staff_posts: list = field(default_factory=list)
    social_worker: SocialWorker | None = None
    consents: list = field(default_factory=list)
    signups: list = field(default_factory=list)
    notifications: list = field(default_factory=list)
    deletion_requests: list = field(default_factory=list)
    volunteer: Any = None
    service_records: list = field(default_factory=list)
    tree_adoptions: list = field(default_factory=list)
    care_logs: list = field(default_factory=list)
    club_memberships: list = field(default_factory=list)
    special_groups: list = field(default_factory=list)
    bookings: list = field(default_factory=list)
    reservations: list = field(default_factory=list)
    job_seeker_records: list = field(default_factory=list)

    @property
    def open_deletion_request(self) -> DeletionRequest | None:
        return next((r for r in self.deletion_requests if r.is_open), None)

    @property
    def retention(self) -> dict[str, int]:
        """How long the data a resident sees here is kept, in days (docs/privacy.md)."""
        return {category: personal_data.RETENTION[category] for category in RESIDENT_CATEGORIES}


#: The retention categories of the data shown to a person about themselves.
RESIDENT_CATEGORIES = (personal_data.ACCOUNT, personal_data.SIGNUP, personal_data.NOTIFICATION)


def my_data(user) -> MyData:
    """A fixed number of queries, whatever the amount of data."""
    from activities.models import CareLog, ClubMember, TreeAdoption
    from services.models import Booking, JobSeeker, Reservation
    from volunteers.models import ServiceRecord, Volunteer  # volunteers builds on communities

    return MyData(
        special_groups=list(SpecialGroup.objects.filter(resident=user).order_by("pk")),
        bookings=list(
            Booking.objects.filter(resident=user)
            .select_related("item__provider__station", "slot")
            .order_by("-slot__starts_at", "-pk")
        ),
        reservations=list(
            Reservation.objects.filter(resident=user)
            .select_related("product")
            .order_by("-created_at", "-pk")
        ),
        job_seeker_records=list(
            JobSeeker.objects.filter(user=user).select_related("station").order_by("-pk")
        ),
        tree_adoptions=list(
            TreeAdoption.objects.filter(adopter=user)
            .select_related("tree__community")
            .order_by("-started_at", "-pk")
        ),
        care_logs=list(
            CareLog.objects.filter(adoption__adopter=user)
            .select_related("tree")
            .order_by("-logged_at", "-pk")
        ),
        club_memberships=list(
            ClubMember.objects.filter(resident=user)
            .select_related("club__community")
            .order_by("-joined_at", "-pk")
        ),
        volunteer=Volunteer.objects.filter(user=user).select_related("community", "team").first(),
        service_records=list(
            ServiceRecord.objects.filter(volunteer__user=user).order_by("-served_on", "-pk")
        ),
        user=user,
        profile=ResidentProfile.objects.filter(user=user)
        .select_related("community", "compound")
        .first(),
        staff_posts=list(
            StaffAssignment.objects.filter(user=user).select_related("street", "community")
        ),
        social_worker=SocialWorker.objects.filter(user=user).select_related("street").first(),
        consents=list(Consent.objects.filter(user=user)),
        signups=list(
            Signup.objects.filter(resident=user)
            .select_related("activity__community", "activity__street")
            .order_by("-activity__starts_at", "-pk")
        ),
        notifications=list(Notification.objects.filter(user=user)),
        deletion_requests=list(DeletionRequest.objects.filter(user=user)),
    )


def _when(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _social_worker(worker: SocialWorker | None) -> dict | None:
    if worker is None:
        return None
    return {
        "name": worker.name,
        "phone": worker.phone,
        "qualification": worker.get_qualification_display(),
        "certificate_number": worker.certificate_number,
        "station": str(worker.station),
    }


def _volunteer(volunteer) -> dict | None:
    if volunteer is None:
        return None
    return {
        "community": volunteer.community.name,
        "team": volunteer.team.name if volunteer.team else None,
        "team_leader": volunteer.leads_team,
        "status": volunteer.get_status_display(),
        "skills": volunteer.skills,
        "availability": volunteer.availability_labels(),
        "availability_note": volunteer.availability_note,
        "honours": volunteer.honours,
        "full_name_in_ranking": volunteer.full_name_in_ranking,
        "registered_at": _when(volunteer.created_at),
    }


def my_data_as_json(data: MyData) -> dict:
    """The download: plain values, times in the portal's time zone."""
    user, profile = data.user, data.profile
    return {
        "exported_at": _when(timezone.now()),
        "retention_days": data.retention,
        "purposes": [
            {
                "record": f"{entry.model_label}.{entry.field}",
                "purpose": entry.purpose,
                "retention": entry.category,
            }
            for entry in personal_data.REGISTRY
            if entry.category in RESIDENT_CATEGORIES
        ],
        "account": {
            "username": user.username,
            "name": user.name,
            "phone": user.phone,
            "email": user.email,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
        },
        "resident_profile": {
            "community": profile.community.name,
            "compound": profile.compound.name if profile.compound else None,
            "registered_at": _when(profile.registered_at),
        }
        if profile
        else None,
        "staff_posts": [
            {
                "unit": str(post.unit),
                "role": post.get_role_display(),
                "title": post.title,
                "started_on": post.started_on.isoformat(),
                "ended_on": post.ended_on.isoformat() if post.ended_on else None,
            }
            for post in data.staff_posts
        ],
        "social_worker": _social_worker(data.social_worker),
        "consents": [
            {
                "notice": consent.get_notice_display(),
                "version": consent.version,
                "given_at": _when(consent.given_at),
                "recorded_at_the_desk": consent.recorded_by_id is not None,
                "withdrawn_at": _when(consent.withdrawn_at),
            }
            for consent in data.consents
        ],
        "signups": [
            {
                "activity": signup.activity.title,
                "activity_starts_at": _when(signup.activity.starts_at),
                "organised_by": signup.activity.unit_name,
                "status": signup.get_status_display(),
                "party_size": signup.party_size,
                "children_under_14": signup.children_under_14,
                "guardian_consent": signup.guardian_consent,
                "signed_up_at_the_desk": signup.registered_by_id is not None,
                "walk_in": signup.walk_in,
                "signed_up_at": _when(signup.created_at),
                "cancelled_at": _when(signup.cancelled_at),
                "checked_in_at": _when(signup.checked_in_at),
            }
            for signup in data.signups
        ],
        "volunteer": _volunteer(data.volunteer),
        "volunteer_service_records": [
            {
                "service": record.title,
                "served_on": record.served_on.isoformat(),
                "place": record.place,
                "organiser": record.organiser,
                "hours": str(record.hours),
                "status": record.get_status_display(),
                "source": record.get_source_display(),
                "description": record.description,
                "training": record.training,
                "evaluation": record.evaluation,
                "reason_for_rejecting": record.decision_reason,
                "recorded_at": _when(record.created_at),
            }
            for record in data.service_records
        ],
        "special_groups": [
            {
                "group": group.get_group_display(),
                "proof_seen": group.proof_seen,
                "verified_at": _when(group.verified_at),
                "revoked_at": _when(group.revoked_at),
            }
            for group in data.special_groups
        ],
        "service_bookings": [
            {
                "service": booking.item.name,
                "station": booking.item.provider.station.name,
                "time": _when(booking.slot.starts_at),
                "status": booking.get_status_display(),
                "home_visit": booking.home_visit,
                "address": booking.address,
                "price": str(booking.price),
                "note": booking.note,
                "rating": booking.rating,
                "comment": booking.comment,
                "booked_at_the_desk": booking.booked_by_id is not None,
                "booked_at": _when(booking.created_at),
            }
            for booking in data.bookings
        ],
        "produce_reservations": [
            {
                "product": reservation.product.name,
                "quantity": reservation.quantity,
                "total": str(reservation.price),
                "status": reservation.get_status_display(),
                "reserved_at": _when(reservation.created_at),
                "picked_up_at": _when(reservation.picked_up_at),
            }
            for reservation in data.reservations
        ],
        "job_seeker_records": [
            {
                "station": seeker.station.name,
                "name": seeker.name,
                "phone": seeker.phone,
                "age_band": seeker.get_age_band_display(),
                "skills": seeker.skills,
                "work_wanted": seeker.wished_work,
                "availability": seeker.availability,
                "agrees_to_share_with_employers": seeker.share_consent,
                "status": seeker.get_status_display(),
                "registered_at": _when(seeker.registered_at),
            }
            for seeker in data.job_seeker_records
        ],
        "tree_adoptions": [
            {
                "tree": adoption.tree.name,
                "species": adoption.tree.species,
                "community": adoption.tree.community.name,
                "name_on_tag": adoption.tag_name,
                "adopted_at": _when(adoption.started_at),
                "ended_at": _when(adoption.ended_at),
            }
            for adoption in data.tree_adoptions
        ],
        "tree_care": [
            {
                "tree": log.tree.name,
                "care": log.get_kind_display(),
                "note": log.note,
                "photo": bool(log.photo),
                "logged_at": _when(log.logged_at),
            }
            for log in data.care_logs
        ],
        "reading_clubs": [
            {
                "club": membership.club.name,
                "community": membership.club.community.name,
                "joined_at": _when(membership.joined_at),
                "left_at": _when(membership.left_at),
            }
            for membership in data.club_memberships
        ],
        "notifications": [
            {
                "message": notification.message,
                "link": notification.url,
                "created_at": _when(notification.created_at),
                "read_at": _when(notification.read_at),
            }
            for notification in data.notifications
        ],
        "deletion_requests": [
            {
                "requested_at": _when(request.requested_at),
                "reason": request.reason,
                "handled_at": _when(request.handled_at),
                "outcome": request.get_outcome_display(),
            }
            for request in data.deletion_requests
        ],
    }
