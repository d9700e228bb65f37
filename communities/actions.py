"""Writes that touch more than one row: called by views, the admin and commands alike."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import (
    CharitableResource,
    Community,
    Compound,
    Consent,
    OrganisationTransition,
    ResidentProfile,
    ResourceAllocation,
    SocialOrganisation,
    SocialWorker,
    SocialWorkRecord,
    SpecialGroup,
    StaffAssignment,
)

User = get_user_model()


@transaction.atomic
def resident_register(
    *,
    name: str,
    phone: str,
    password: str,
    community: Community,
    compound: Compound | None = None,
    email: str = "",
    privacy_version: str | None = None,
) -> User:
    """Create a resident's login, profile and privacy consent in one transaction.

    The caller has validated the input (``ResidentRegistrationForm``); ``full_clean`` runs again
    here so that a command or the admin cannot create a resident the form would have refused.
    """
    user = User(username=phone, name=name, phone=phone, email=email)
    user.set_password(password)
    user.full_clean()
    user.save()
    profile = ResidentProfile(user=user, community=community, compound=compound)
    profile.full_clean()
    profile.save()
    Consent.objects.create(
        user=user,
        notice=Consent.Notice.PRIVACY,
        version=privacy_version or settings.PRIVACY_NOTICE_VERSION,
    )
    return user


@transaction.atomic
def staff_assign(
    *,
    user,
    role: str,
    street=None,
    community: Community | None = None,
    title: str = "",
) -> StaffAssignment:
    """Give ``user`` a post at a street office or a community (and admin-site access)."""
    assignment = StaffAssignment(
        user=user, street=street, community=community, role=role, title=title
    )
    assignment.full_clean()
    assignment.save()
    staff_flag_sync(user=user)
    return assignment


def staff_flag_sync(*, user) -> None:
    """Whoever holds an active post may open the admin site (read-only outside their scope)."""
    if not user.is_staff and user.staff_assignments.filter(ended_on__isnull=True).exists():
        user.is_staff = True
        user.save(update_fields=["is_staff"])


# --- the five forces -------------------------------------------------------------------------


def _next_step(state: str) -> str | None:
    path = SocialOrganisation.PATH
    return path[path.index(state) + 1] if state in path and state != path[-1] else None


@transaction.atomic
def organisation_transition(
    *, organisation: SocialOrganisation, to_state: str, on: date, note: str = "", by
) -> OrganisationTransition:
    """Move an organisation along 入驻 → 孵化中 → 备案 → 登记 → 出壳 (or to 退驻).

    The next step needs nothing more; skipping steps, or coming back after withdrawing, needs a
    note saying why. Steps never go backwards, and are dated between the last step and today.
    """
    organisation = SocialOrganisation.objects.select_for_update().get(pk=organisation.pk)
    State = SocialOrganisation.State
    current, note = organisation.state, note.strip()
    path = SocialOrganisation.PATH
    if to_state not in State.values or to_state == current:
        raise ValidationError({"to_state": _("Choose a different state.")})
    if current == State.WITHDRAWN:
        if to_state != State.SETTLED or not note:
            raise ValidationError(
                {"to_state": _("A withdrawn organisation can only move in again, with a note.")}
            )
    elif to_state != State.WITHDRAWN:
        if path.index(to_state) < path.index(current):
            raise ValidationError({"to_state": _("The lifecycle does not go backwards.")})
        if to_state != _next_step(current) and not note:
            raise ValidationError(
                {"note": _("This skips a step of the lifecycle: say why in the note.")}
            )
    last = organisation.transitions.order_by("-on", "-pk").first()
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    if last and on < last.on:
        raise ValidationError(
            {"on": _("The date cannot be before the previous step (%(date)s).") % {"date": last.on}}
        )
    step = OrganisationTransition.objects.create(
        organisation=organisation,
        from_state=current,
        to_state=to_state,
        on=on,
        note=note,
        recorded_by=by,
    )
    organisation.state, organisation.state_since = to_state, on
    organisation.save(update_fields=["state", "state_since"])
    return step


@transaction.atomic
def organisation_create(*, by, on: date | None = None, **fields) -> SocialOrganisation:
    """A new organisation moves in; its first lifecycle step is recorded."""
    organisation = SocialOrganisation(**fields)
    organisation.state = SocialOrganisation.State.SETTLED
    organisation.state_since = on or timezone.localdate()
    organisation.full_clean()
    organisation.save()
    OrganisationTransition.objects.create(
        organisation=organisation,
        to_state=organisation.state,
        on=organisation.state_since,
        recorded_by=by,
    )
    return organisation


@transaction.atomic
def resource_allocate(
    *, resource: CharitableResource, activity, value: Decimal, note: str = "", by
) -> ResourceAllocation:
    """Use part of a resource for an activity; never more than its balance.

    The resource row is locked first, so two allocations at once cannot both spend the same
    balance (PostgreSQL row lock; SQLite serialises writers).
    """
    resource = CharitableResource.objects.select_for_update().get(pk=resource.pk)
    if value is None or value <= 0:
        raise ValidationError({"value": _("Enter an amount greater than zero.")})
    if resource.archived:
        raise ValidationError(_("This resource is archived."))
    if activity.status == activity.Status.CANCELLED:
        raise ValidationError(_("The activity is cancelled; nothing can be allocated to it."))
    balance = resource.value - resource.allocated()
    if value > balance:
        raise ValidationError(
            {
                "value": _("Only ¥%(balance)s of this resource is left; allocate at most that.")
                % {"balance": f"{balance:,.2f}"}
            }
        )
    allocation = ResourceAllocation(
        resource=resource, activity=activity, value=value, note=note.strip(), allocated_by=by
    )
    allocation.full_clean()
    allocation.save()
    return allocation


@transaction.atomic
def work_record_save(
    *,
    worker: SocialWorker,
    month: date,
    cases: int,
    groups: int,
    community_activities: int,
    notes: str = "",
    by,
) -> SocialWorkRecord:
    """Create or correct a social worker's record for one month."""
    first_day = month.replace(day=1)
    if first_day > timezone.localdate():
        raise ValidationError({"month": _("The month cannot be in the future.")})
    record, _created = SocialWorkRecord.objects.update_or_create(
        worker=worker,
        month=first_day,
        defaults={
            "cases": cases,
            "groups": groups,
            "community_activities": community_activities,
            "notes": notes,
            "recorded_by": by,
        },
    )
    return record


@transaction.atomic
def resource_save(*, resource: CharitableResource, evidence=None, by) -> CharitableResource:
    """Create or edit a resource. An edit locks the row first, so the check that the value
    still covers what is allocated cannot race an allocation made at the same moment."""
    if resource.pk:
        CharitableResource.objects.select_for_update().filter(pk=resource.pk).first()
    else:
        resource.recorded_by = by
    if evidence:
        resource.evidence.save(evidence.image.name, evidence.image, save=False)
    resource.full_clean()
    resource.save()
    return resource


@transaction.atomic
def allocation_release(*, allocation: ResourceAllocation, by, reason: str) -> ResourceAllocation:
    """Give an allocation back to the resource's balance; the record stays, marked released."""
    allocation = ResourceAllocation.objects.select_for_update().get(pk=allocation.pk)
    if allocation.released_at is not None:
        raise ValidationError(_("This allocation was already released."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the allocation is released.")})
    allocation.released_at = timezone.now()
    allocation.released_by = by
    allocation.release_reason = reason.strip()[:200]
    allocation.save(update_fields=["released_at", "released_by", "release_reason"])
    return allocation


# --- special groups (service eligibility) ----------------------------------------------------

#: Six or more digits in a row look like an ID or certificate number, which is never stored.
_LOOKS_LIKE_A_NUMBER = re.compile(r"\d{6,}")


@transaction.atomic
def special_group_add(*, resident, group: str, proof_seen: str = "", by) -> SpecialGroup:
    """Record that staff saw proof that ``resident`` belongs to ``group`` (80+, disabled…).
    Only the kind of proof is kept (身份证, 残疾人证), never its number."""
    proof_seen = (proof_seen or "").strip()
    if _LOOKS_LIKE_A_NUMBER.search(proof_seen):
        raise ValidationError(
            {
                "proof_seen": _(
                    "Write only the kind of document you saw (ID card, disability certificate), "
                    "not its number."
                )
            }
        )
    if by is not None and by.pk == resident.pk:
        raise ValidationError(_("Another staff member must verify your own special group."))
    if not ResidentProfile.objects.filter(user=resident).exists():
        raise ValidationError(_("Only residents can be recorded in a special group."))
    special = SpecialGroup(resident=resident, group=group, proof_seen=proof_seen, verified_by=by)
    special.full_clean()
    try:
        with transaction.atomic():
            special.save()
    except IntegrityError:
        raise ValidationError({"group": _("The resident is already in this group.")}) from None
    return special


@transaction.atomic
def special_group_revoke(*, special_group: SpecialGroup, by) -> SpecialGroup:
    """End a special group (moved away, recorded by mistake); the row stays for the record."""
    special_group = SpecialGroup.objects.select_for_update().get(pk=special_group.pk)
    if special_group.revoked_at is not None:
        raise ValidationError(_("This group was already revoked."))
    special_group.revoked_at = timezone.now()
    special_group.save(update_fields=["revoked_at"])
    return special_group
