"""Writes for the job board: postings, job seekers' registrations and statuses, referrals."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.permissions import is_staff_account
from services.models import JobPosting, JobSeeker, Referral, ServiceStation

User = get_user_model()

POSTING_FIELDS = {
    "station",
    "employer",
    "title",
    "pay_min",
    "pay_max",
    "pay_unit",
    "place",
    "requirements",
    "contact_name",
    "contact_phone",
    "expires_on",
}
OPEN_STATUSES = (JobSeeker.Status.REGISTERED, JobSeeker.Status.REFERRED)


def _check_expiry(expires_on: date | None) -> None:
    if expires_on is not None and expires_on < timezone.localdate():
        raise ValidationError({"expires_on": _("The closing date must not be in the past.")})


@transaction.atomic
def posting_create(*, station: ServiceStation, by, **fields: Any) -> JobPosting:
    """A new posting on the station's board; it shows until its closing date."""
    unknown = set(fields) - POSTING_FIELDS
    if unknown:
        raise TypeError(f"Unknown posting fields: {sorted(unknown)}")
    _check_expiry(fields.get("expires_on"))
    posting = JobPosting(station=station, created_by=by, **fields)
    posting.full_clean()
    posting.save()
    return posting


@transaction.atomic
def posting_update(*, posting: JobPosting, changes: dict[str, Any], by) -> JobPosting:
    unknown = set(changes) - POSTING_FIELDS
    if unknown:
        raise TypeError(f"Unknown posting fields: {sorted(unknown)}")
    if "expires_on" in changes and changes["expires_on"] != posting.expires_on:
        _check_expiry(changes["expires_on"])
    for name, value in changes.items():
        setattr(posting, name, value)
    posting.full_clean()
    if changes:  # only what changed: a withdrawal made meanwhile is not undone
        posting.save(update_fields=list(changes))
    return posting


@transaction.atomic
def posting_withdraw(*, posting: JobPosting, by) -> JobPosting:
    """Take a posting off the board (the job is filled or cancelled); it leaves at once."""
    if posting.withdrawn:
        raise ValidationError(_("This posting is already withdrawn."))
    posting.withdrawn = True
    posting.save(update_fields=["withdrawn"])
    return posting


def _resident_account(phone: str, station: ServiceStation):
    """The resident login with this number in the station's community, if there is one."""
    user = (
        User.objects.filter(phone=phone, resident_profile__community_id=station.community_id)
        .select_related("resident_profile")
        .first()
    )
    if user is None or is_staff_account(user):
        return None
    return user


@transaction.atomic
def seeker_register(
    *,
    station: ServiceStation,
    name: str,
    phone: str,
    age_band: str,
    wished_work: str,
    skills: str = "",
    availability: str = "",
    share_consent: bool = False,
    user=None,
    by=None,
) -> JobSeeker:
    """Register a job seeker, online (``user`` is the resident, ``by`` None) or at the desk
    (``by`` is the staff member; a resident account with the same number in the station's
    community is linked so the resident sees the registration too).

    One open registration (registered or referred) per person and station. Agreeing to share
    details with employers is a separate choice, recorded with its time.
    """
    # Serialise registrations at one station so two quick submissions make one record.
    station = ServiceStation.objects.select_for_update().get(pk=station.pk)
    if user is None and by is not None:
        user = _resident_account(phone, station)
    same_person = JobSeeker.objects.filter(station=station, status__in=OPEN_STATUSES)
    if user is not None:
        same_person = same_person.filter(user=user) | same_person.filter(phone=phone)
    else:
        same_person = same_person.filter(phone=phone)
    if same_person.exists():
        raise ValidationError(
            _(
                "This person is already registered as looking for work at this station. "
                "Update that registration instead."
            )
        )
    seeker = JobSeeker(
        station=station,
        user=user,
        name=name,
        phone=phone,
        age_band=age_band,
        skills=skills,
        wished_work=wished_work,
        availability=availability,
        share_consent=share_consent,
        share_consent_at=timezone.now() if share_consent else None,
        registered_by=by,
    )
    seeker.full_clean()
    seeker.save()
    return seeker


@transaction.atomic
def seeker_set_status(*, seeker: JobSeeker, status: str, by) -> JobSeeker:
    """registered → referred → employed, or no longer looking (and back to registered when the
    person looks again). The first referral and employment keep their dates."""
    if status not in JobSeeker.Status.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    if status == seeker.status:
        raise ValidationError({"status": _("The job seeker already has this status.")})
    if status == JobSeeker.Status.REFERRED and not seeker.share_consent:
        raise ValidationError(
            {
                "status": _(
                    "The person has not agreed to share their details with employers, so they "
                    "cannot be referred."
                )
            }
        )
    if status in OPEN_STATUSES and seeker.status not in OPEN_STATUSES:
        # Looking again: the same one-open-registration rule as registering.
        ServiceStation.objects.select_for_update().filter(pk=seeker.station_id).first()
        others = JobSeeker.objects.filter(
            station_id=seeker.station_id, status__in=OPEN_STATUSES
        ).exclude(pk=seeker.pk)
        same_person = Q(phone=seeker.phone) | (
            Q(user_id=seeker.user_id) if seeker.user_id else Q(pk__in=[])
        )
        if others.filter(same_person).exists():
            raise ValidationError(
                {"status": _("This person already has an open registration at this station.")}
            )
    now = timezone.now()
    seeker.status = status
    if status == JobSeeker.Status.REFERRED and seeker.referred_at is None:
        seeker.referred_at = now
    if status == JobSeeker.Status.EMPLOYED and seeker.employed_at is None:
        seeker.employed_at = now
    seeker.full_clean()
    seeker.save(update_fields=["status", "referred_at", "employed_at"])
    return seeker


@transaction.atomic
def seeker_withdraw(*, seeker: JobSeeker, by) -> JobSeeker:
    """The person is no longer looking (they said so online or at the desk)."""
    if seeker.status not in OPEN_STATUSES:
        raise ValidationError(_("This registration is already closed."))
    return seeker_set_status(seeker=seeker, status=JobSeeker.Status.WITHDRAWN, by=by)


@transaction.atomic
def referral_create(*, seeker: JobSeeker, posting: JobPosting, by) -> Referral:
    """Refer a seeker to an open posting of their community. Needs the seeker's consent to share
    their details with employers; a registered seeker becomes referred."""
    seeker = JobSeeker.objects.select_for_update().get(pk=seeker.pk)
    if not seeker.share_consent:
        raise ValidationError(
            _(
                "The person has not agreed to share their details with employers, "
                "so they cannot be referred."
            )
        )
    if seeker.status not in OPEN_STATUSES:
        raise ValidationError(_("This person is not looking for work now."))
    if not JobPosting.objects.active().filter(pk=posting.pk).exists():
        raise ValidationError({"posting": _("This posting is closed.")})
    if Referral.objects.filter(seeker=seeker, posting=posting).exists():
        raise ValidationError({"posting": _("This person was already referred to this job.")})
    referral = Referral(seeker=seeker, posting=posting, referred_by=by)
    referral.full_clean()
    referral.save()
    if seeker.status == JobSeeker.Status.REGISTERED:
        seeker_set_status(seeker=seeker, status=JobSeeker.Status.REFERRED, by=by)
    elif seeker.referred_at is None:
        seeker.referred_at = timezone.now()
        seeker.save(update_fields=["referred_at"])
    return referral


@transaction.atomic
def referral_set_outcome(*, referral: Referral, outcome: str, by) -> Referral:
    """Record the employer's answer; hired makes the seeker employed (dated the first time)."""
    if outcome not in Referral.Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome from the list.")})
    referral.outcome = outcome
    referral.full_clean()
    referral.save(update_fields=["outcome"])
    if outcome == Referral.Outcome.HIRED:
        seeker = JobSeeker.objects.select_for_update().get(pk=referral.seeker_id)
        if seeker.status != JobSeeker.Status.EMPLOYED:
            seeker_set_status(seeker=seeker, status=JobSeeker.Status.EMPLOYED, by=by)
        referral.seeker = seeker
    return referral
