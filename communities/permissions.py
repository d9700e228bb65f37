"""Who may act on which communities: the one place that answers it.

``scope_for(user)`` turns a user's active staff assignments into a ``Scope``: the streets they work
for and every community they may act on. Querysets take a scope (``Community.objects.in_scope``),
views take it from the mixins below, the admin from ``governance_portal.admin_scoping``. Read
``docs/permissions.md`` before changing anything here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q

from communities.models import Community, SocialWorker, StaffAssignment

_CACHE_ATTRIBUTE = "_portal_scope"


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    street_ids: frozenset[int] = field(default_factory=frozenset)
    community_ids: frozenset[int] = field(default_factory=frozenset)

    def cache_key(self) -> tuple:
        """What a page that shows only this scope's rows may be cached under."""
        return (self.everything, tuple(sorted(self.street_ids)), tuple(sorted(self.community_ids)))

    @property
    def is_staff(self) -> bool:
        """True for anyone who may act on at least one community (or everything)."""
        return self.everything or bool(self.community_ids) or bool(self.street_ids)

    @property
    def is_street_staff(self) -> bool:
        return self.everything or bool(self.street_ids)

    def covers_community(self, community_id: int | None) -> bool:
        return self.everything or community_id in self.community_ids

    def covers_street(self, street_id: int | None) -> bool:
        return self.everything or street_id in self.street_ids

    def rows_q(self) -> Q:
        """Rows with ``street_id`` and an optional ``community_id`` that this scope acts on:
        its communities' rows, and street-wide rows (no community) of its streets. The one
        rule behind activities, the five forces' registries and the audit log."""
        return Q(community_id__in=self.community_ids) | Q(
            community_id__isnull=True, street_id__in=self.street_ids
        )


NO_SCOPE = Scope()
EVERYTHING = Scope(everything=True)


def scope_for(user) -> Scope:
    """The scope of ``user``, computed once per user object: two queries for staff, none for
    anyone else (the session's user arrives knowing whether they hold a post)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_SCOPE
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    if user.is_superuser:
        scope = EVERYTHING
    elif getattr(user, "holds_staff_post", None) is False:
        # Loaded by the login backend, which already asked: no active post, no scope.
        scope = Scope()
    else:
        rows = (
            StaffAssignment.objects.active()
            .filter(user=user)
            .values_list("street_id", "community_id")
        )
        street_ids = frozenset(street for street, _ in rows if street)
        community_ids = {community for _, community in rows if community}
        if street_ids:
            community_ids.update(
                Community.objects.filter(street_id__in=street_ids).values_list("pk", flat=True)
            )
        scope = Scope(street_ids=street_ids, community_ids=frozenset(community_ids))
    setattr(user, _CACHE_ATTRIBUTE, scope)
    return scope


def is_staff_account(user) -> bool:
    """Any account that works for the portal: administrators, Django staff, anyone with an
    active staff post, social workers with a login. Such accounts are never treated as
    residents (no password set by the office, no desk signup, staff password and idle rules)."""
    if getattr(user, "pk", None) is None:
        return False
    if user.is_staff or user.is_superuser or scope_for(user).is_staff:
        return True
    return StaffAssignment.objects.filter(user=user, ended_on__isnull=True).exists() or (
        SocialWorker.objects.filter(user=user).exists()
    )


def staff_accounts_q(prefix: str = "") -> Q:
    """The same rule as ``is_staff_account``, as a filter on users (``prefix``: the lookup to
    the user, e.g. ``"user__"``)."""
    active_post = StaffAssignment.objects.filter(
        user=OuterRef(f"{prefix}pk" if prefix else "pk"), ended_on__isnull=True
    )
    worker = SocialWorker.objects.filter(user=OuterRef(f"{prefix}pk" if prefix else "pk"))
    return (
        Q(**{f"{prefix}is_staff": True})
        | Q(**{f"{prefix}is_superuser": True})
        | Exists(active_post)
        | Exists(worker)
    )


def forget_scope(user) -> None:
    """Drop the cached scope, after the user's assignments changed."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


class ScopedViewMixin(AccessMixin):
    """Base for staff views: sets ``self.scope`` and refuses users outside ``has_scope``.

    Login itself is enforced by ``LoginRequiredMiddleware``. A logged-in user without the right
    role gets 403; a staff member asking for another community's record gets 404, because views
    fetch objects only through ``...in_scope(self.scope)``.
    """

    raise_exception = True

    def has_scope(self, scope: Scope) -> bool:  # pragma: no cover - overridden
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        self.scope = scope_for(request.user)
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.has_scope(self.scope):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CommunityStaffRequiredMixin(ScopedViewMixin):
    """Community staff, street staff (for all their street's communities) and administrators."""

    def has_scope(self, scope: Scope) -> bool:
        return scope.is_staff


class StreetStaffRequiredMixin(ScopedViewMixin):
    """Street staff and administrators only."""

    def has_scope(self, scope: Scope) -> bool:
        return scope.is_street_staff
