"""Short caches that are dropped on write: whole public pages for anonymous visitors, and the
fragments of other pages that cost the most to build.

The cache holds one version number; a write to any model of the portal's own apps (activities,
communities, volunteers, services; not accounts' logins, not the audit log) sets a new one
(``invalidate``, connected in ``GovernancePortalConfig.ready``), so nothing cached before the
write is read again. One version for everything is coarse, and simple to trust: a page built
from many tables (the home page's figures) cannot miss the write of one of them.

Entries also expire (``SECONDS``, ``FRAGMENT_SECONDS``), which bounds what a write that sends
no signal (a queryset ``update()``) can leave stale, and what a per-process cache (no
``REDIS_URL``: each worker has its own) can show after a write made in another worker: run more
than one worker with ``REDIS_URL``.

Anonymous pages are cached only for visitors without a session cookie (nothing personal can be
on the page, and the check costs no query), never when the page asked for a CSRF token or set a
cookie, and per language and display mode (the two preferences a visitor without a session
has; both are cookies).
"""

from __future__ import annotations

import hashlib
import time
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.connection import ConnectionProxy
from django.utils.safestring import mark_safe

from governance_portal.display import DISPLAY_COOKIE, LARGE

SECONDS = 10  # whole anonymous pages
FRAGMENT_SECONDS = 60  # parts of pages that only a write changes
_VERSION_KEY = "pagecache:version"
WATCHED_APPS = frozenset({"activities", "communities", "volunteers", "services"})
#: The cache alias of pages and their parts (settings.CACHES["pages"]), apart from "default"
#: where the rate-limit counters live: a flood of distinct addresses must not evict those.
store = ConnectionProxy(caches, "pages")


def version() -> int:
    current = store.get(_VERSION_KEY)
    if current is None:
        store.add(_VERSION_KEY, time.time_ns(), None)
        current = store.get(_VERSION_KEY)
    return current


def _bump() -> None:
    store.set(_VERSION_KEY, time.time_ns(), None)


def invalidate() -> None:
    """A write happened: entries made before now are not read again. The version is set at once
    and again when the transaction commits, so that a page built from the old rows while the
    write was uncommitted is not kept under the new version."""
    _bump()
    transaction.on_commit(_bump)


def invalidate_on_write(sender, **kwargs) -> None:
    invalidate()


def fragment_seconds() -> int:
    """How long a part of a staff page is kept: a minute when every process shares the cache
    (``REDIS_URL``) and a write drops the part everywhere; as long as an anonymous page when
    each process has its own cache, since a write through one worker cannot reach another's."""
    return FRAGMENT_SECONDS if settings.REDIS_URL else SECONDS


def _digest(parts) -> str:
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()


def key(kind: str, *parts, at: int | None = None) -> str:
    """The key of an entry made now: it carries the current version (or ``at``, a version read
    once for several keys), so a write orphans it."""
    return f"pagecache:{kind}:{version() if at is None else at}:{_digest(parts)}"


def remember(entry_key: str, compute):
    """``compute()``'s value from the cache under ``entry_key`` (from ``key``, made before any
    data is read), or computed and kept for ``fragment_seconds()``."""
    value = store.get(entry_key)
    if value is None:
        value = compute()
        store.set(entry_key, value, fragment_seconds())
    return value


def _anonymous_without_session(request) -> bool:
    cookies = request.COOKIES
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
    )


def anonymous_page(kind: str, seconds: int = SECONDS):
    """Decorate a view: anonymous visitors get the page from the cache for ``seconds`` at most,
    or until the next write."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not _anonymous_without_session(request):
                return view(request, *args, **kwargs)
            # The page is kept with the version it was built under, not under a key holding
            # it: one round trip to the cache reads both the version and the page.
            entry_key = "pagecache:{}:{}".format(
                kind,
                _digest(
                    (
                        request.get_host(),
                        request.get_full_path(),
                        getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
                        request.COOKIES.get(DISPLAY_COOKIE) == LARGE,
                    )
                ),
            )
            found = store.get_many([_VERSION_KEY, entry_key])
            current = found.get(_VERSION_KEY)
            if current is None:
                current = version()
            entry = found.get(entry_key)
            if entry is not None and entry[0] == current:
                _, content_type, content = entry
                return HttpResponse(content, content_type=content_type)
            response = view(request, *args, **kwargs)

            def keep(rendered):
                if (
                    rendered.status_code == 200
                    and not rendered.streaming
                    and not rendered.cookies
                    and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
                ):
                    page = (current, rendered["Content-Type"], rendered.content)
                    store.set(entry_key, page, seconds)

            if getattr(response, "is_rendered", True):
                keep(response)
            else:
                response.add_post_render_callback(keep)
            return response

        return wrapped

    return decorator


def watched_models():
    """The models of the portal's own apps (with their many-to-many tables), except the user
    model: its ``last_login`` is written at every login and no cached page shows it."""
    for label in sorted(WATCHED_APPS):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.label != settings.AUTH_USER_MODEL:
                yield model


def connect() -> None:
    """Receivers per model (a receiver for every sender would make Django load and signal each
    row of every bulk delete, sessions and notifications included). Writes that bypass the
    signals (``QuerySet.update``) are covered where they are audited: ``audit.record`` of a
    create, change or delete invalidates too."""
    for model in watched_models():
        uid = f"pagecache-{model._meta.label_lower}"
        post_save.connect(invalidate_on_write, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(invalidate_on_write, sender=model, dispatch_uid=f"{uid}-delete")
        if model._meta.auto_created:
            m2m_changed.connect(invalidate_on_write, sender=model, dispatch_uid=f"{uid}-m2m")


class CachedBodyMixin:
    """For a page whose main part is the same for everyone who gets the same ``body_key()``
    (a staff list for one scope, a unit's dashboard for one period): the part is rendered from
    ``body_template`` and kept until the next write; the page's own template shows
    ``{{ body }}`` inside the layout, which stays per visitor (their name, their menu). On a hit
    the view runs ``body_key()`` only, which must therefore do the page's access check (a 404
    for another community's unit) and set whatever the page's title needs."""

    body_template: str

    def body_key(self) -> tuple:
        raise NotImplementedError

    def page_context(self) -> dict:
        """What the page's own template needs besides the body (its title), on a hit."""
        return {}

    def get(self, request, *args, **kwargs):
        self.body_cache_key = key(
            "body",
            type(self).__name__,
            *self.body_key(),
            request.GET.urlencode(),
            getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
        )
        body = store.get(self.body_cache_key)
        if body is not None:
            return self.response_class(
                request=request,
                template=[self.template_name],
                context={**self.page_context(), "body": mark_safe(body), "view": self},
                using=self.template_engine,
            )
        return super().get(request, *args, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        if "body" not in context:
            body = render_to_string(self.body_template, context, request=self.request)
            if "csrfmiddlewaretoken" not in body:  # a token is per visitor: never shared
                store.set(self.body_cache_key, body, fragment_seconds())
            context["body"] = body
        return super().render_to_response(context, **response_kwargs)
