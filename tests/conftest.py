"""Personas and shared fixtures. Every view test picks its personas from here."""

import pytest
from django.test import Client

from tests.factories import (
    CommunityFactory,
    ResidentProfileFactory,
    StaffAssignmentFactory,
    StreetFactory,
    UserFactory,
)


def clear_caches() -> None:
    """Rate-limit counters (the default cache) and pages (``pages``): none left."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Every test starts with no rate-limit counter and no cached page."""
    clear_caches()


@pytest.fixture(autouse=True)
def _fast_and_plain(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Static files are served from the source folders; production uses the manifest storage.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def street(db):
    return StreetFactory(name="水泊寺街道")


@pytest.fixture
def community(street):
    return CommunityFactory(street=street, name="恒大社区")


@pytest.fixture
def sibling_community(street):
    """Another community of the same street."""
    return CommunityFactory(street=street, name="向西街社区")


@pytest.fixture
def other_street(db):
    return StreetFactory(name="鹿苑街道")


@pytest.fixture
def other_community(other_street):
    return CommunityFactory(street=other_street, name="北辰社区")


@pytest.fixture
def resident(community):
    return ResidentProfileFactory(
        community=community, user__name="刘芳", user__phone="13800000001"
    ).user


@pytest.fixture
def community_staff(community):
    return StaffAssignmentFactory(community=community, user__name="李娜").user


@pytest.fixture
def other_community_staff(other_community):
    return StaffAssignmentFactory(community=other_community, user__name="张伟").user


@pytest.fixture
def sibling_community_staff(sibling_community):
    """Staff of another community in the same street: the likeliest scoping mistake."""
    return StaffAssignmentFactory(community=sibling_community, user__name="赵敏").user


@pytest.fixture
def street_staff(street):
    return StaffAssignmentFactory(street=street, community=None, user__name="王丽").user


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def as_user():
    """``as_user(persona)`` gives a logged-in client (``None``: anonymous)."""
    return client_for
