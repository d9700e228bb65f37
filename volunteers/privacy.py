"""A volunteer's personal data when their account is anonymised (communities.privacy calls it).

Service records stay (hours add up in statistics and the organiser's ledger) but name no one
once the account is anonymised; what the person wrote about themselves and their evidence
photos go, certificates show the anonymised name, and upcoming roles are given up.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from volunteers import actions
from volunteers.models import Certificate, RoleSignup, ServiceRecord, Volunteer


def volunteer_anonymise(*, user, name: str) -> None:
    volunteer = Volunteer.objects.filter(user=user).first()
    if volunteer is None:
        return
    upcoming = RoleSignup.objects.active().filter(
        volunteer=volunteer, checked_in_at__isnull=True, role__activity__ends_at__gte=timezone.now()
    )
    for signup in upcoming:
        actions.role_signup_cancel(signup=signup, by=None)
    Volunteer.objects.filter(pk=volunteer.pk).update(
        skills="",
        availability=[],
        availability_note="",
        honours="",
        full_name_in_ranking=False,
        status=Volunteer.Status.LEFT,
        team=None,
        leads_team=False,
    )
    Certificate.objects.filter(volunteer=volunteer).update(holder_name=name)
    for record in ServiceRecord.objects.filter(volunteer=volunteer).exclude(evidence=""):
        stored = record.evidence
        storage, file_name = stored.storage, stored.name
        ServiceRecord.objects.filter(pk=record.pk).update(evidence="")
        transaction.on_commit(lambda s=storage, n=file_name: s.delete(n))
