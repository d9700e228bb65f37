"""Request/response plumbing shared by every page."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _

from communities.permissions import scope_for


def content_security_policy(media_sources=()) -> str:
    """No inline scripts or styles anywhere: every script and stylesheet is a file under
    static/. Images may also come from the media storage (``settings.MEDIA_SOURCES``: the S3
    endpoint or custom domain when media live in object storage)."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            " ".join(["img-src 'self' data: blob:", *media_sources]),
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeadersMiddleware:
    """CSP on every response; pages shown to a logged-in user are never stored by caches."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = content_security_policy(getattr(settings, "MEDIA_SOURCES", ()))

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)  # max-age=0, no-cache, no-store, private
        return response


class PortalLocaleMiddleware:
    """Chinese first: the language is the one the visitor chose (cookie), else zh-hans.

    Django's LocaleMiddleware would follow the browser's Accept-Language; a street office's portal
    speaks Chinese until the visitor asks for English.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


STAFF_IDLE_SECONDS = 30 * 60
_LAST_SEEN = "portal_last_seen"


class StaffIdleTimeoutMiddleware:
    """Staff sessions end after 30 minutes without a request (等保: 会话超时).

    Residents keep the ordinary session lifetime. The timestamp is written at most once a
    minute, so an active session does not cost a session write per request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and (user.is_staff or scope_for(user).is_staff)
        ):
            now = int(time.time())
            last_seen = request.session.get(_LAST_SEEN)
            if last_seen is not None and now - last_seen > STAFF_IDLE_SECONDS:
                logout(request)
                messages.info(request, _("You were logged out after 30 minutes without activity."))
                return redirect_to_login(request.get_full_path())
            if last_seen is None or now - last_seen > 60:
                request.session[_LAST_SEEN] = now
        return self.get_response(request)
