"""Hardened logins: five failures in a row for one account from one address lock that pair for
30 minutes (colleagues behind the same office address can still log in). Every failure, lock
and unlock is in the audit log.

The lock is keyed on the account the name resolves to (any spelling of a mobile number is one
account), and an attempt is counted *before* the password is checked, under a row lock, so
parallel attempts cannot slip past the limit.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from governance_portal import audit
from governance_portal.models import AuditEvent, LoginThrottle

MAX_FAILURES = 5
LOCK_MINUTES = 30


def _account(username: str):
    from communities.validators import normalize_mainland_mobile

    users = get_user_model()._default_manager
    name = (username or "").strip()
    if len(name) > users.model._meta.get_field("username").max_length:
        # No account has so long a name; SQLite also refuses very long LIKE patterns.
        return None
    user = users.filter(username__iexact=name).first()
    phone = normalize_mainland_mobile(username or "")
    if user is None and phone:
        user = users.filter(phone=phone).first()
    return user


def _key(username: str) -> str:
    """``user:<pk>`` for an existing account, else the typed name (normalised)."""
    user = _account(username)
    if user is not None:
        return f"user:{user.pk}"
    return (username or "").strip().lower()[:150]


def _shown(username: str) -> str:
    """How the audit log names the attempted account: masked, never a typed secret."""
    from communities.validators import normalize_mainland_mobile

    user = _account(username)
    if user is None:
        return "(unknown name)"
    phone = normalize_mainland_mobile(username or "")
    if phone.isdigit() and len(phone) == 11:
        return audit.mask_login_name(phone)
    return audit.mask_login_name(user.get_username())


@transaction.atomic
def attempt_allowed(*, username: str, ip: str) -> bool:
    """Reserve one attempt: False while locked; otherwise count it as a failure in advance
    (login_succeeded clears it). Five reserved attempts lock the pair."""
    throttle, _ = LoginThrottle.objects.select_for_update().get_or_create(
        username=_key(username), ip=ip
    )
    now = timezone.now()
    if throttle.locked_until and throttle.locked_until > now:
        return False
    if throttle.locked_until:
        throttle.failures, throttle.locked_until = 0, None  # the lock expired: start again
    throttle.failures += 1
    if throttle.failures >= MAX_FAILURES:
        throttle.locked_until = now + timedelta(minutes=LOCK_MINUTES)
    throttle.save()
    return True


def is_locked(*, username: str, ip: str) -> bool:
    return LoginThrottle.objects.filter(
        username=_key(username), ip=ip, locked_until__gt=timezone.now()
    ).exists()


def login_failed(*, username: str, ip: str) -> bool:
    """Record the failure (already counted); True when it locked the pair."""
    throttle = LoginThrottle.objects.filter(username=_key(username), ip=ip).first()
    locked = bool(throttle and throttle.locked_until)
    audit.record(
        action=AuditEvent.Action.LOGIN_LOCKED if locked else AuditEvent.Action.LOGIN_FAILED,
        model="login",
        object_repr=_shown(username),
        note=str(throttle.failures if throttle else 1),
    )
    return locked


def login_succeeded(*, username: str, ip: str) -> None:
    LoginThrottle.objects.filter(username=_key(username), ip=ip).delete()


@transaction.atomic
def unlock(*, throttle: LoginThrottle, by) -> None:
    user_pk = throttle.username.removeprefix("user:")
    account = (
        get_user_model()._default_manager.filter(pk=user_pk).first()
        if (throttle.username.startswith("user:") and user_pk.isdigit())
        else None
    )
    audit.record(
        action=AuditEvent.Action.LOGIN_UNLOCKED,
        model="login",
        object_repr=audit.mask_login_name(account.get_username()) if account else "(unknown name)",
        note=str(throttle.ip),
        user=by,
    )
    throttle.delete()


class LockoutFormMixin:
    """For AuthenticationForm subclasses (the portal's and the admin's login)."""

    def clean(self):
        from django import forms

        username = self.cleaned_data.get("username", "")
        ip = audit.client_ip(self.request) if self.request else "0.0.0.0"
        locked_message = self.error_messages["locked"]
        if not attempt_allowed(username=username, ip=ip):
            raise forms.ValidationError(locked_message, code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if login_failed(username=username, ip=ip):
                raise forms.ValidationError(locked_message, code="locked") from None
            raise
        login_succeeded(username=username, ip=ip)
        return cleaned
