"""Log in with a username or, for residents, the mobile number they registered with."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef

from communities.models import ResidentProfile, StaffAssignment
from communities.validators import normalize_mainland_mobile
from governance_portal.prepared import PreparedQuery


class UsernameOrPhoneBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user_model = get_user_model()
        phone = normalize_mainland_mobile(username)
        user = user_model._default_manager.filter(username=username).first()
        if user is None and phone:
            user = user_model._default_manager.filter(phone=phone).first()
        if user is None:
            # Run the hasher anyway so that timing does not tell which usernames exist.
            user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        """The user of a session, with whether they hold a staff post and whether they are a
        resident in the same query: a resident's ``scope_for`` then needs no query of its own
        on every page, nor does a page that asks ``is_resident``."""
        user = SESSION_USER.first(pk=user_id) if _is_id(user_id) else None
        return user if user is not None and self.user_can_authenticate(user) else None


def _session_user(pk: int):
    """The user ``pk`` annotated with ``holds_staff_post`` and ``has_resident_profile``."""
    return (
        get_user_model()
        ._default_manager.annotate(
            holds_staff_post=Exists(
                StaffAssignment.objects.active().filter(user_id=OuterRef("pk"))
            ),
            has_resident_profile=Exists(ResidentProfile.objects.filter(user_id=OuterRef("pk"))),
        )
        .filter(pk=pk)
        .order_by()[:1]
    )


#: Run on every request with a session: compiled once per process (governance_portal.prepared).
SESSION_USER = PreparedQuery(_session_user, "pk")


def _is_id(value) -> bool:
    """Whether a session's user id (Django's ``to_python`` made it an int) can be one: a raw
    query is not kept in range by the ORM's lookups."""
    return type(value) is int and 0 < value < 2**63


def is_resident(user) -> bool:
    """Whether ``user`` is a registered resident: known without a query for the session's user
    (``get_user`` asked), one query for any other user object."""
    if not getattr(user, "is_authenticated", False):
        return False
    known = getattr(user, "has_resident_profile", None)
    if known is not None:
        return known
    return ResidentProfile.objects.filter(user_id=user.pk).exists()
