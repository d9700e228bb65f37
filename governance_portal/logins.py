"""Hardened logins: five failures in a row for one username from one address lock that pair
for 30 minutes (colleagues behind the same office address can still log in). Every failure,
lock and unlock is in the audit log."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from governance_portal import audit
from governance_portal.models import AuditEvent, LoginThrottle

MAX_FAILURES = 5
LOCK_MINUTES = 30


def _key(username: str) -> str:
    """One key per account whatever its spelling: '+86 138-0000-0001' is '13800000001'."""
    from communities.validators import normalize_mainland_mobile

    phone = normalize_mainland_mobile(username or "")
    if phone.isdigit() and len(phone) == 11:
        return phone
    return (username or "").strip().lower()[:150]


def is_locked(*, username: str, ip: str | None) -> bool:
    if not ip:
        return False
    return LoginThrottle.objects.filter(
        username=_key(username), ip=ip, locked_until__gt=timezone.now()
    ).exists()


@transaction.atomic
def login_failed(*, username: str, ip: str | None) -> bool:
    """Count a failure; returns True when this failure locked the pair."""
    if not ip:
        return False
    throttle, _ = LoginThrottle.objects.select_for_update().get_or_create(
        username=_key(username), ip=ip
    )
    now = timezone.now()
    if throttle.locked_until and throttle.locked_until <= now:
        throttle.failures, throttle.locked_until = 0, None  # the lock expired: start again
    throttle.failures += 1
    locked = throttle.failures >= MAX_FAILURES and throttle.locked_until is None
    if locked:
        throttle.locked_until = now + timedelta(minutes=LOCK_MINUTES)
    throttle.save()
    audit.record(
        action=AuditEvent.Action.LOGIN_LOCKED if locked else AuditEvent.Action.LOGIN_FAILED,
        model="login",
        object_repr=audit.mask_login_name(username),
        note=f"{throttle.failures}",
    )
    return locked


def login_succeeded(*, username: str, ip: str | None) -> None:
    if ip:
        LoginThrottle.objects.filter(username=_key(username), ip=ip).delete()


@transaction.atomic
def unlock(*, throttle: LoginThrottle, by) -> None:
    audit.record(
        action=AuditEvent.Action.LOGIN_UNLOCKED,
        model="login",
        object_repr=audit.mask_login_name(throttle.username),
        note=str(throttle.ip),
        user=by,
    )
    throttle.delete()


class LockoutFormMixin:
    """For AuthenticationForm subclasses (the portal's and the admin's login)."""

    def clean(self):
        from django import forms

        username = self.cleaned_data.get("username", "")
        ip = audit.client_ip(self.request) if self.request else None
        locked_message = self.error_messages["locked"]
        if is_locked(username=username, ip=ip):
            raise forms.ValidationError(locked_message, code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if login_failed(username=username, ip=ip):
                raise forms.ValidationError(locked_message, code="locked") from None
            raise
        login_succeeded(username=username, ip=ip)
        return cleaned
