"""Values every template may use."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from communities.permissions import scope_for
from governance_portal.display import DISPLAY_COOKIE, LARGE


def portal(request):
    return {
        "portal_name": settings.PORTAL_NAME,
        # Lazy: anonymous pages that never look at the scope run no query for it.
        "scope": SimpleLazyObject(lambda: scope_for(request.user)),
        "large_display": request.COOKIES.get(DISPLAY_COOKIE) == LARGE,
    }
