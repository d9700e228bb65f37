"""The base layout: language, display mode, headers, error pages, landmarks."""

import pytest
from django.urls import reverse

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_home_is_in_chinese_by_default_even_for_an_english_browser(client):
    response = client.get(reverse("home"), headers={"accept-language": "en-US,en;q=0.9"})

    assert response.status_code == 200
    assert '<html lang="zh-Hans"' in response.content.decode()
    assert "五社联动" in response.content.decode()


def test_language_switch_to_english_is_remembered(client, settings):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/streets/"})

    assert response.status_code == 302
    assert response["Location"] == "/streets/"
    page = client.get(reverse("communities:street_list")).content.decode()
    assert '<html lang="en"' in page
    assert "Streets and communities" in page


def test_unknown_language_falls_back_to_chinese(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"

    assert '<html lang="zh-Hans"' in client.get(reverse("home")).content.decode()


def test_large_display_mode_is_remembered_per_browser(client):
    response = client.post(reverse("display_mode"), {"mode": "large", "next": "/privacy/"})

    assert response.status_code == 302
    assert response["Location"] == "/privacy/"
    assert 'class="display-large"' in client.get(reverse("home")).content.decode()

    client.post(reverse("display_mode"), {"mode": "standard"})
    assert "display-large" not in client.get(reverse("home")).content.decode()


def test_display_mode_refuses_to_redirect_off_site(client):
    response = client.post(reverse("display_mode"), {"mode": "large", "next": "https://evil.cn/"})

    assert response["Location"] == "/"


def test_display_mode_changes_nothing_on_get(client):
    response = client.get(reverse("display_mode"))

    assert response.status_code == 405
    assert "portal_display" not in response.cookies


def test_pages_have_skip_link_landmarks_and_no_inline_script(client):
    page = client.get(reverse("home")).content.decode()

    assert 'href="#main"' in page
    assert '<main id="main"' in page
    assert "<nav" in page and "<footer" in page
    assert "<script>" not in page and "onclick" not in page and "style=" not in page


def test_security_headers_are_set(client):
    response = client.get(reverse("home"))

    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_pages_for_logged_in_users_are_not_stored(resident):
    response = client_for(resident).get(reverse("home"))

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_not_found_page_has_the_portal_look(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page
    assert 'href="#main"' in page


def test_server_error_page_is_friendly(client, settings):
    from django.template.loader import render_to_string

    page = render_to_string("500.html")

    assert "出错了" in page
    assert "/static/css/portal.css" in page


def test_navigation_follows_the_role(client, resident, community_staff, admin_user):
    workspace = reverse("communities:community_list")
    admin = reverse("admin:index")

    anonymous = client.get(reverse("home")).content.decode()
    as_resident = client_for(resident).get(reverse("home")).content.decode()
    as_staff = client_for(community_staff).get(reverse("home")).content.decode()
    as_admin = client_for(admin_user).get(reverse("home")).content.decode()

    assert reverse("login") in anonymous and workspace not in anonymous
    assert workspace not in as_resident and admin not in as_resident
    assert workspace in as_staff and admin in as_staff
    assert workspace in as_admin and admin in as_admin


def test_logout_is_post_only(resident):
    client = client_for(resident)

    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("password_change")).status_code == 302


def test_login_is_required_by_default(client):
    response = client.get(reverse("password_change"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_wrong_password_shows_a_message(client, resident):
    response = client.post(reverse("login"), {"username": resident.phone, "password": "wrong"})

    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_password_reset_sends_a_chinese_email(client, resident, mailoutbox):
    resident.email = "liufang@example.cn"
    resident.save()

    client.post(reverse("password_reset"), {"email": "liufang@example.cn"})

    assert len(mailoutbox) == 1
    assert "重置" in mailoutbox[0].subject
    assert "/accounts/reset/" in mailoutbox[0].body
