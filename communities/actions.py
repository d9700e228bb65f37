"""Writes that touch more than one row: called by views, the admin and commands alike."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from communities.models import Community, Compound, Consent, ResidentProfile, StaffAssignment

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
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return assignment
