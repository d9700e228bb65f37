"""The kind-specific parts' personal data when an account is anonymised (communities.privacy
calls this): the current tree adoption ends and its tag name goes, the person's care photos are
deleted, and reading-club memberships end. Care logs and book shares stay for the record; they
name no one once the account is anonymised."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import CareLog, ClubMember, Tree, TreeAdoption
from governance_portal import pagecache


def activity_parts_anonymise(*, user) -> None:
    now = timezone.now()
    TreeAdoption.objects.filter(adopter=user, ended_at__isnull=True).update(
        ended_at=now, end_reason=_("The account was anonymised.")
    )
    TreeAdoption.objects.filter(adopter=user).update(tag_name="")
    Tree.objects.filter(adopter=user).update(adopter=None, tag_name="")
    for log in CareLog.objects.filter(adoption__adopter=user).exclude(photo=""):
        files = [(f.storage, f.name) for f in (log.photo, log.thumbnail) if f]
        CareLog.objects.filter(pk=log.pk).update(photo="", thumbnail="")
        for storage, name in files:
            transaction.on_commit(lambda s=storage, n=name: s.delete(n))
    ClubMember.objects.filter(resident=user, left_at__isnull=True).update(left_at=now)
    pagecache.invalidate()  # a tree's tag name is on its activity's cached page
