"""The large-text, high-contrast display mode for elderly readers (适老化), and the guard of the
token-free preference forms in the footer (display mode, language)."""

from functools import wraps
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied

DISPLAY_COOKIE = "portal_display"
LARGE = "large"
STANDARD = "standard"
COOKIE_AGE = 60 * 60 * 24 * 365


def same_site_only(view):
    """The footer's preference forms carry no CSRF token (so public pages can be cached); a
    browser still says where a form came from, and a POST sent from another site is refused:
    a forged form cannot switch an elderly reader's language or text size."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if request.method == "POST":
            origin = request.headers.get("Origin")
            cross_site = request.headers.get("Sec-Fetch-Site") == "cross-site"
            if cross_site or (origin is not None and urlsplit(origin).netloc != request.get_host()):
                raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded
