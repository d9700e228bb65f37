"""Security headers on every kind of page, CSRF on POSTs, and templates that need no inline code.

The CSP forbids inline scripts and styles, so the templates are scanned for them too: an inline
``<script>``, an ``onclick=`` or a ``style=`` would be blocked by the browser and break the page.
"""

import re
import time
import types
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from communities.models import User
from tests.conftest import client_for
from tests.factories import PASSWORD

TEMPLATES = Path(django_settings.BASE_DIR) / "templates"


def csp_directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def pages(resident):
    """(client, url, expected status) for each kind of page."""
    return {
        "public page": (Client(), reverse("home"), 200),
        "logged-in page": (client_for(resident), reverse("activities:me"), 200),
        "staff-only page refused": (client_for(resident), reverse("audit_log"), 403),
        "admin login page": (Client(), reverse("admin:login"), 200),
        "a 404": (Client(), "/no-such-page/", 404),
        "login redirect": (Client(), reverse("communities:community_list"), 302),
    }


KINDS = [
    "public page",
    "logged-in page",
    "staff-only page refused",
    "admin login page",
    "a 404",
    "login redirect",
]


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_page_carries_the_security_headers(pages, kind):
    client, url, status = pages[kind]

    response = client.get(url)

    assert response.status_code == status
    csp = csp_directives(response)
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_a_rate_limited_response_carries_the_headers_too(settings, monkeypatch, db):
    now = time.time()  # pinned: the two posts fall in one rate-limit window
    monkeypatch.setattr("governance_portal.ratelimit.time", types.SimpleNamespace(time=lambda: now))
    settings.RATE_LIMIT_LOGIN_PER_MINUTE = 1
    client = Client()
    client.post(reverse("login"), {"username": "x", "password": "y"})

    response = client.post(reverse("login"), {"username": "x", "password": "y"})

    assert response.status_code == 429
    assert csp_directives(response)["frame-ancestors"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("persona", "url_name"),
    [
        ("resident", "activities:me"),
        ("resident", "home"),
        ("community_staff", "communities:community_list"),
        ("community_staff", "audit_log"),
    ],
)
def test_pages_for_a_logged_in_user_are_never_stored(request, persona, url_name):
    response = client_for(request.getfixturevalue(persona)).get(reverse(url_name))

    assert response.status_code == 200
    cache_control = response.headers["Cache-Control"]
    assert "no-store" in cache_control
    assert "private" in cache_control


def test_the_phone_reveal_page_is_never_stored(community_staff, resident):
    response = client_for(community_staff).post(
        reverse("communities:phone_reveal", args=[resident.pk]),
        {"reason": "明天活动需要电话联系"},
    )

    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]


def test_hsts_is_sent_over_https_in_production(db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = False
    client = Client()  # built after the settings change: SecurityMiddleware reads them once

    response = client.get(reverse("home"), secure=True)

    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_no_hsts_over_plain_http(db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = False

    response = Client().get(reverse("home"))

    assert "Strict-Transport-Security" not in response.headers


def test_cookies_are_secure_and_http_only_in_production(settings, community_staff):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    client = Client()

    page = client.get(reverse("login"), secure=True)
    response = client.post(
        reverse("login"),
        {"username": community_staff.username, "password": PASSWORD},
        secure=True,
    )

    assert page.cookies["csrftoken"]["secure"]
    assert response.status_code == 302
    session_cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert session_cookie["secure"]
    assert session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"


def registration_data(community) -> dict:
    return {
        "name": "周敏",
        "phone": "13911112222",
        "community": community.pk,
        "email": "",
        "password1": "Spring-Tree-93",
        "password2": "Spring-Tree-93",
        "agree_privacy": "on",
    }


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(community):
    users_before = User.objects.count()

    response = Client(enforce_csrf_checks=True).post(
        reverse("communities:resident_register"), registration_data(community)
    )

    assert response.status_code == 403
    assert User.objects.count() == users_before
    assert not User.objects.filter(phone="13911112222").exists()


def test_a_post_with_the_csrf_token_goes_through(community):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("communities:resident_register"))
    token = client.cookies["csrftoken"].value

    response = client.post(
        reverse("communities:resident_register"),
        {**registration_data(community), "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 302
    assert User.objects.filter(phone="13911112222").exists()


def test_a_staff_post_without_the_csrf_token_is_refused(community_staff, community):
    client = Client(enforce_csrf_checks=True)
    client.force_login(community_staff)

    response = client.post(
        reverse("communities:community_update", args=[community.pk]),
        {"office_address": "改了", "office_hours": "", "office_phone": "", "introduction": ""},
    )

    assert response.status_code == 403
    community.refresh_from_db()
    assert community.office_address != "改了"


# --- templates -------------------------------------------------------------------------------

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
EVENT_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*?\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*?\sstyle\s*=", re.IGNORECASE | re.DOTALL)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def template_files() -> list[Path]:
    files = sorted(p for p in TEMPLATES.rglob("*") if p.suffix in {".html", ".txt"})
    assert len(files) > 20  # the scan found the templates
    return files


def offenders(pattern: re.Pattern, check=None) -> list[str]:
    found = []
    for path in template_files():
        text = path.read_text(encoding="utf-8")
        for match in pattern.finditer(text):
            if check is None or check(match):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(TEMPLATES)}:{line}")
    return found


def test_no_template_has_an_inline_script():
    def inline(match: re.Match) -> bool:
        attributes, body = match.group(1), match.group(2)
        return "src=" not in attributes or body.strip() != ""

    assert offenders(SCRIPT_TAG, inline) == []


def test_every_script_tag_loads_a_file():
    scripts = offenders(SCRIPT_TAG)

    assert scripts  # base.html loads Bootstrap
    opening_tags = offenders(re.compile(r"<script\b", re.IGNORECASE))
    assert len(opening_tags) == len(scripts)  # no unclosed or odd <script> left unscanned


def test_no_template_has_an_event_handler_attribute():
    assert offenders(EVENT_ATTRIBUTE) == []


def test_no_template_has_a_style_attribute_or_element():
    assert offenders(STYLE_ATTRIBUTE) == []
    assert offenders(STYLE_ELEMENT) == []


def test_no_template_has_a_javascript_url():
    assert offenders(JAVASCRIPT_URL) == []


def test_images_may_come_from_the_media_storage_and_nowhere_else(db, settings):
    settings.MEDIA_SOURCES = ["https://oss.example.cn", "https://*.oss.example.cn"]

    policy = Client().get(reverse("home")).headers["Content-Security-Policy"]

    assert "img-src 'self' data: blob: https://oss.example.cn https://*.oss.example.cn;" in policy
    assert "script-src 'self';" in policy


def test_without_object_storage_images_come_from_the_portal_only(db, settings):
    settings.MEDIA_SOURCES = []

    policy = Client().get(reverse("home")).headers["Content-Security-Policy"]

    assert "img-src 'self' data: blob:;" in policy
