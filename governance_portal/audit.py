"""The audit log: every create, change and delete by staff, administrators and commands.

How it is captured:
- ``AuditContextMiddleware`` remembers who is acting and from where for the request
  (a ``ContextVar``, so threads and async tasks do not mix them up);
- model signals record each save and delete of the audited models when the actor is staff,
  an administrator, or a management command (residents' own signups and registrations are
  their own records and are not logged here);
- writes that bypass signals (``QuerySet.update``) call ``record()`` themselves, and so do
  reveals of personal data, exports and login events.

Personal values are masked in the recorded changes (``governance_portal.masking``). The log
itself is append-only (see ``AuditEvent``). Read ``docs/audit.md``.
"""

from __future__ import annotations

import ipaddress
import sys
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.apps import apps
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save

from governance_portal.masking import mask_phone
from governance_portal.models import AuditEvent

AUDITED_APPS = {"communities", "activities", "volunteers", "services", "governance_portal"}
# The log itself; notifications (side effects of audited changes); login counters (their
# events are recorded by governance_portal.logins with the username masked).
NOT_AUDITED = {
    "governance_portal.auditevent",
    "governance_portal.notification",
    "governance_portal.loginthrottle",
    # Totals kept by the portal from rows that are audited themselves.
    "governance_portal.dayfigures",
}
# Never recorded, even masked.
SECRET_FIELDS = {"password", "calendar_token", "checkin_token", "last_login"}
PHONE_FIELDS = {"phone", "contact_phone"}
# Free text a person wrote about themselves: recorded only as "changed", never the words.
FREE_TEXT = {
    ("communities.deletionrequest", "reason"),
    ("volunteers.volunteer", "skills"),
    ("volunteers.volunteer", "availability_note"),
    ("volunteers.volunteer", "honours"),
    ("volunteers.servicerecord", "description"),
    ("activities.tree", "tag_name"),
    ("activities.treeadoption", "tag_name"),
    ("activities.carelog", "note"),
    ("activities.bookshare", "reason"),
    ("services.jobseeker", "skills"),
    ("services.jobseeker", "wished_work"),
    ("services.jobseeker", "availability"),
    ("services.booking", "address"),
    ("services.booking", "note"),
    ("services.booking", "comment"),
}
NAME_FIELDS = {"name", "contact_name", "donor_name", "holder_name"}
PERSON_MODELS = {
    "communities.user",
    "communities.socialworker",
    "activities.trainee",
    "services.jobseeker",
}
# Records whose text names a person: the log shows "type #id" for them instead.
PERSON_REPR_MODELS = PERSON_MODELS | {
    "communities.residentprofile",
    "communities.consent",
    "communities.staffassignment",
    "communities.deletionrequest",
    "activities.signup",
    "volunteers.volunteer",
    "volunteers.rolesignup",
    "volunteers.servicerecord",
    "volunteers.certificate",
    "activities.treeadoption",
    "activities.clubmember",
    "activities.carelog",
    "activities.trainee",
    "services.jobseeker",
    "services.booking",
    "services.reservation",
    "services.referral",
    "communities.specialgroup",
}


@dataclass(frozen=True)
class Actor:
    user: object | None
    ip: str | None


_actor: ContextVar[Actor | None] = ContextVar("audit_actor", default=None)
_suppressed: ContextVar[bool] = ContextVar("audit_suppressed", default=False)


@contextmanager
def suppressed():
    """For restoring a backup: the restored rows bring their own history."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def client_ip(request) -> str:
    """The client's address. Behind ``TRUSTED_PROXY_COUNT`` reverse proxies it is taken from
    X-Forwarded-For, counting from the right (the entries proxies appended), so a client
    cannot choose it. Never empty: login locks and rate limits fail closed on "0.0.0.0"."""
    from django.conf import settings

    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= proxies and _is_ip(forwarded[-proxies]):
            return forwarded[-proxies]
    address = request.META.get("REMOTE_ADDR", "")
    return address if _is_ip(address) else "0.0.0.0"


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _actor.set(Actor(user=getattr(request, "user", None), ip=client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)


def _current() -> tuple[object | None, str, str | None, bool]:
    """(user or None, how to name them, ip, whether their writes are audited)."""
    if _suppressed.get():
        return None, "", None, False
    actor = _actor.get()
    if actor is None:
        command = sys.argv[1] if len(sys.argv) > 1 else "shell"
        return None, f"system ({command})", None, True
    user = actor.user
    if user is None or not getattr(user, "is_authenticated", False):
        return None, "anonymous", actor.ip, False
    from communities.permissions import scope_for

    audited = user.is_staff or user.is_superuser or scope_for(user).is_staff
    return user, mask_login_name(user.get_username()), actor.ip, audited


def _mask(model_label: str, field: str, value):
    if value in (None, ""):
        return value
    if (model_label, field) in FREE_TEXT:
        return "***"
    if field in PHONE_FIELDS:
        return mask_phone(str(value))
    if field == "email":
        name, _, domain = str(value).partition("@")
        return f"{name[:1]}***@{domain}"
    if field == "certificate_number":
        return f"{str(value)[:2]}***"
    if field in NAME_FIELDS and (model_label in PERSON_MODELS or field != "name"):
        return f"{str(value)[:1]}*"
    if field == "username" and model_label == "communities.user" and str(value).isdigit():
        return mask_phone(str(value))
    return value


def mask_login_name(username: str) -> str:
    """Residents log in with their mobile number (in any spelling): never store it in full."""
    from communities.validators import normalize_mainland_mobile

    username = (username or "")[:150]
    phone = normalize_mainland_mobile(username)
    return mask_phone(phone) if phone.isdigit() and len(phone) >= 7 else username


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _values(instance) -> dict:
    label = instance._meta.label_lower
    values = {}
    for field in instance._meta.concrete_fields:
        if field.name in SECRET_FIELDS:
            continue
        value = getattr(instance, field.attname)
        if isinstance(field, models.FileField):
            value = getattr(value, "name", value)
        values[field.name] = _plain(_mask(label, field.name, value))
    return values


#: Links to a record that knows its street or community, tried in order and followed up to a
#: few levels (a care log → its tree; a booking → its item → provider → station).
PARENTS = (
    "activity",
    "organisation",
    "resource",
    "worker",
    "tree",
    "club",
    "report",
    "programme",
    "session",
    "station",
    "provider",
    "item",
    "product",
    "seeker",
    "posting",
)
#: Links to the person a record is about, whose community scopes it when nothing else does.
PERSON_LINKS = ("user_id", "resident_id", "adopter_id")


def _located(instance, depth: int = 0):
    """The nearest record (itself or a parent) with a street or a community."""
    if getattr(instance, "street_id", None) or getattr(instance, "community_id", None):
        return instance
    if depth >= 4:
        return None
    for name in PARENTS:
        if getattr(instance, f"{name}_id", None):
            return _located(getattr(instance, name), depth + 1)
    return None


def _unit(instance) -> tuple[int | None, int | None]:
    """(street_id, community_id) of the record, for scoping the log."""
    from communities.models import Community, ResidentProfile

    label = instance._meta.label_lower
    street_id = getattr(instance, "street_id", None)
    community_id = getattr(instance, "community_id", None)
    if label == "communities.community":
        community_id = instance.pk
    elif label == "communities.street":
        street_id = instance.pk
    if street_id is None and community_id is None:
        parent = _located(instance)
        if parent is not None:
            street_id = getattr(parent, "street_id", None)
            community_id = getattr(parent, "community_id", None)
        else:
            user_id = instance.pk if instance._meta.label_lower == "communities.user" else None
            user_id = user_id or next(
                (getattr(instance, link) for link in PERSON_LINKS if getattr(instance, link, None)),
                None,
            )
            if user_id:
                community_id = (
                    ResidentProfile.objects.filter(user_id=user_id)
                    .values_list("community_id", flat=True)
                    .first()
                )
    if community_id is not None and street_id is None:
        street_id = (
            Community.objects.filter(pk=community_id).values_list("street_id", flat=True).first()
        )
    return street_id, community_id


def _clean_text(value):
    """NUL cannot be stored in PostgreSQL text: drop it from whatever is recorded."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_clean_text(k): _clean_text(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean_text(v) for v in value]
    return value


WRITES = frozenset(
    {
        AuditEvent.Action.CREATE,
        AuditEvent.Action.UPDATE,
        AuditEvent.Action.DELETE,
        AuditEvent.Action.BULK,
    }
)


def record(
    *,
    action: str,
    instance=None,
    model: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict | None = None,
    note: str = "",
    user=None,
    street_id: int | None = None,
    community_id: int | None = None,
) -> AuditEvent:
    """Write one event. ``user`` overrides the request's actor (e.g. a failed login's name).

    A create, change or delete also drops the short page caches (``pagecache.invalidate``):
    it covers the audited writes that send no model signal (``QuerySet.update``)."""
    if action in WRITES:
        from governance_portal import pagecache

        pagecache.invalidate()
    actor, actor_repr, ip, _audited = _current()
    if user is not None:
        actor, actor_repr = (user if user.pk else None), mask_login_name(user.get_username())
    if instance is not None:
        model = model or instance._meta.label_lower
        object_id = object_id or str(instance.pk)
        if not object_repr:
            # Records named after a person are shown by type and id, never by the name.
            person = model in PERSON_REPR_MODELS
            object_repr = (
                f"{instance._meta.verbose_name} #{instance.pk}" if person else str(instance)
            )
        if street_id is None and community_id is None:
            street_id, community_id = _unit(instance)
    return AuditEvent.objects.create(
        actor=actor,
        actor_repr=_clean_text(actor_repr)[:150],
        ip=ip,
        action=action,
        model=model,
        object_id=_clean_text(object_id)[:40],
        object_repr=_clean_text(object_repr)[:200],
        changes=_clean_text(changes or {}),
        note=_clean_text(note)[:300],
        street_id=street_id,
        community_id=community_id,
    )


def _is_audited(sender) -> bool:
    label = sender._meta.label_lower
    if label == "auth.group":
        return True
    return sender._meta.app_label in AUDITED_APPS and label not in NOT_AUDITED


def _before_save(sender, instance, raw=False, **kwargs):
    if raw or not _is_audited(sender) or instance.pk is None or not _current()[3]:
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_before = _values(old) if old is not None else None
    if old is not None and hasattr(old, "password"):
        instance._audit_password_before = old.password


def _after_save(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw or not _is_audited(sender) or not _current()[3]:
        return
    after = _values(instance)
    if created:
        record(action=AuditEvent.Action.CREATE, instance=instance, changes=after)
        return
    before = getattr(instance, "_audit_before", None) or {}
    changed = {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value and name not in {"updated_at"}
    }
    old_password = getattr(instance, "_audit_password_before", None)
    if old_password is not None and old_password != getattr(instance, "password", None):
        changed["password"] = ["***", "changed"]  # that it changed, never the value
    if changed:
        record(action=AuditEvent.Action.UPDATE, instance=instance, changes=changed)


def _after_delete(sender, instance, **kwargs):
    if not _is_audited(sender) or not _current()[3]:
        return
    record(action=AuditEvent.Action.DELETE, instance=instance, changes=_values(instance))


def _m2m_changed(sender, instance, action, model, pk_set, reverse=False, **kwargs):
    """Group memberships and permissions: who gained or lost which role."""
    if action not in {"post_add", "post_remove", "post_clear"} or not _current()[3]:
        return
    field = sender._meta.object_name
    record(
        action=AuditEvent.Action.UPDATE,
        instance=instance,
        changes={field: {action.removeprefix("post_"): sorted(pk_set or [])}},
    )


def connect() -> None:
    """Called from GovernancePortalConfig.ready()."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models.signals import m2m_changed

    user_model = get_user_model()
    for through in (
        user_model.groups.through,
        user_model.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(
            _m2m_changed, sender=through, dispatch_uid=f"audit-m2m-{through._meta.label_lower}"
        )
    for model in (Group,):
        uid = f"audit-{model._meta.label_lower}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}-pre")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}-post")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}-delete")
    for model in apps.get_models():
        if _is_audited(model):
            uid = f"audit-{model._meta.label_lower}"
            pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}-pre")
            post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}-post")
            post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}-delete")
