"""Retention: anonymise or delete personal data past its period, keeping what statistics need.

One function per category of ``governance_portal.personal_data``; each finds what is past its
cut-off, changes it unless ``dry_run``, and returns how many records that is. Run them all with
``personal_data_purge`` (``manage.py purge_personal_data``). Everything is idempotent: what was
done is not found again. docs/privacy.md explains every choice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from activities.models import Signup
from communities.models import CharitableResource, OutsideUnit, SocialOrganisation, SocialWorker
from communities.privacy import account_anonymise, inactive_resident_accounts
from governance_portal import audit
from governance_portal import personal_data as pd
from governance_portal.models import AuditEvent, LoginThrottle, Notification

#: What an individual donor is called once their name is past retention (stored data, in the
#: portal's language; the public page already says "a kind-hearted donor" for anonymous gifts).
ANONYMISED_DONOR = "个人捐赠者"


@dataclass(frozen=True)
class Result:
    category: str
    days: int
    cutoff: datetime
    count: int
    #: Records that might be past retention but carry no date to tell (reviewed by hand).
    undated: int = 0


def _local_date(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment else None


def _latest(*dates: date | None) -> date | None:
    known = [d for d in dates if d is not None]
    return max(known) if known else None


def _record(model: str, note: str, count: int) -> None:
    """Bulk updates bypass the model signals: write their audit event here."""
    audit.record(action=AuditEvent.Action.BULK, model=model, note=note, changes={"count": count})


# --- one function per category ---------------------------------------------------------------


def purge_accounts(*, cutoff: datetime, now: datetime, dry_run: bool) -> tuple[int, int]:
    """Resident accounts with no login and no sign-up since the cut-off are anonymised (the
    same anonymisation as a deletion request; staff and administrators are never touched)."""
    accounts = list(inactive_resident_accounts(cutoff=cutoff))
    if not dry_run:
        for user in accounts:
            account_anonymise(user=user, by=None)
    return len(accounts), 0


def purge_signups(*, cutoff: datetime, now: datetime, dry_run: bool) -> tuple[int, int]:
    """Sign-ups for activities that ended before the cut-off lose the family detail (children
    under 14). The row, its status and party size stay: places, attendance and check-in
    counts still add up."""
    expired = Signup.objects.filter(activity__ends_at__lt=cutoff, children_under_14__gt=0)
    if dry_run:
        return expired.count(), 0
    count = expired.update(children_under_14=0)
    if count:
        _record("activities.signup", "retention: children under 14 cleared", count)
    return count, 0


def purge_notifications(*, cutoff: datetime, now: datetime, dry_run: bool) -> tuple[int, int]:
    expired = Notification.objects.filter(created_at__lt=cutoff)
    if dry_run:
        return expired.count(), 0
    count, _by_model = expired.delete()
    return count, 0


def purge_contacts(*, cutoff: datetime, now: datetime, dry_run: bool) -> tuple[int, int]:
    """Archived organisations and outside units last seen before the cut-off lose their
    contact person. Last seen: the latest of its creation, state change and activities. An
    outside unit that never took part in an activity has no date and is left for review."""
    cutoff_day = timezone.localdate(cutoff)
    organisations = (
        SocialOrganisation.objects.filter(archived=True)
        .exclude(contact_name="", contact_phone="")
        .annotate(
            last_activity=Max("activity_links__activity__ends_at"),
            last_step=Max("transitions__on"),
        )
    )
    organisation_ids = [
        org.pk
        for org in organisations
        if _latest(
            _local_date(org.created_at),
            org.state_since,
            org.last_step,
            _local_date(org.last_activity),
        )
        < cutoff_day
    ]
    units = (
        OutsideUnit.objects.filter(archived=True)
        .exclude(contact_name="", contact_phone="")
        .annotate(last_activity=Max("activity_links__activity__ends_at"))
    )
    unit_ids, undated = [], 0
    for unit in units:
        if unit.last_activity is None:
            undated += 1
        elif _local_date(unit.last_activity) < cutoff_day:
            unit_ids.append(unit.pk)
    count = len(organisation_ids) + len(unit_ids)
    if not dry_run:
        cleared = {"contact_name": "", "contact_phone": ""}
        if organisation_ids:
            SocialOrganisation.objects.filter(pk__in=organisation_ids).update(**cleared)
            _record(
                "communities.socialorganisation",
                "retention: contact cleared",
                len(organisation_ids),
            )
        if unit_ids:
            OutsideUnit.objects.filter(pk__in=unit_ids).update(**cleared)
            _record("communities.outsideunit", "retention: contact cleared", len(unit_ids))
    return count, undated


def purge_social_workers(*, cutoff: datetime, now: datetime, dry_run: bool) -> tuple[int, int]:
    """Archived social workers last seen (monthly record or activity) before the cut-off lose
    their phone and certificate number; their name stays as the record of their work."""
    cutoff_day = timezone.localdate(cutoff)
    workers = (
        SocialWorker.objects.filter(archived=True)
        .exclude(phone="", certificate_number="")
        .annotate(
            last_activity=Max("activity_links__activity__ends_at"),
            last_month=Max("work_records__month"),
        )
    )
    ids, undated = [], 0
    for worker in workers:
        last_seen = _latest(worker.last_month, _local_date(worker.last_activity))
        if last_seen is None:
            undated += 1
        elif last_seen < cutoff_day:
            ids.append(worker.pk)
    if not dry_run and ids:
        SocialWorker.objects.filter(pk__in=ids).update(phone="", certificate_number="")
        _record("communities.socialworker", "retention: phone and certificate cleared", len(ids))
    return len(ids), undated


def purge_donors(*, cutoff: datetime, now: datetime, dry_run: bool) -> tuple[int, int]:
    """Gifts from individuals received before the cut-off lose the donor's name and the
    evidence photo (file included); value, kind and allocations stay for the accounts."""
    expired = CharitableResource.objects.filter(
        donor_kind=CharitableResource.DonorKind.INDIVIDUAL,
        received_on__lt=timezone.localdate(cutoff),
    ).exclude(donor_name=ANONYMISED_DONOR, evidence="")
    resources = list(expired.only("pk", "evidence"))
    if dry_run or not resources:
        return len(resources), 0
    files = [resource.evidence for resource in resources if resource.evidence]
    CharitableResource.objects.filter(pk__in=[r.pk for r in resources]).update(
        donor_name=ANONYMISED_DONOR, anonymous=True, evidence=""
    )
    for stored in files:
        storage, name = stored.storage, stored.name
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
    _record(
        "communities.charitableresource", "retention: individual donor anonymised", len(resources)
    )
    return len(resources), 0


def purge_login_locks(*, cutoff: datetime, now: datetime, dry_run: bool) -> tuple[int, int]:
    """Failed-login counters untouched since the cut-off (and not locked now) are deleted."""
    expired = LoginThrottle.objects.filter(updated_at__lt=cutoff).exclude(locked_until__gt=now)
    if dry_run:
        return expired.count(), 0
    count, _by_model = expired.delete()
    return count, 0


def purge_audit(*, cutoff: datetime, now: datetime, dry_run: bool) -> tuple[int, int]:
    """Audit events past their period (at least six months) are deleted by the log's own
    purge, the only delete it allows."""
    if dry_run:
        return AuditEvent.objects.filter(at__lt=cutoff).count(), 0
    days = (now - cutoff).days
    return AuditEvent.objects.purge_expired(older_than_days=days), 0


PURGES: dict[str, Callable[..., tuple[int, int]]] = {
    pd.ACCOUNT: purge_accounts,
    pd.SIGNUP: purge_signups,
    pd.NOTIFICATION: purge_notifications,
    pd.CONTACT: purge_contacts,
    pd.SOCIAL_WORKER: purge_social_workers,
    pd.DONOR: purge_donors,
    pd.LOGIN_LOCK: purge_login_locks,
    pd.AUDIT: purge_audit,
}


@transaction.atomic
def personal_data_purge(
    *, dry_run: bool = False, retention: dict[str, int] | None = None
) -> list[Result]:
    """Apply every category's retention in one transaction; a dry run changes nothing."""
    retention = retention or pd.RETENTION
    now = timezone.now()
    results = []
    for category, purge in PURGES.items():
        days = retention[category]
        cutoff = now - timedelta(days=days)
        count, undated = purge(cutoff=cutoff, now=now, dry_run=dry_run)
        results.append(Result(category, days, cutoff, count, undated))
    if dry_run:
        transaction.set_rollback(True)  # belt and braces: nothing above writes in a dry run
    return results
