"""The short caches (governance_portal.pagecache): what is served from them, to whom, and how a
write drops them. Also the token-free footer forms that let public pages be cached at all."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities import actions
from activities.models import Activity
from governance_portal.display import DISPLAY_COOKIE, LARGE
from governance_portal.pagecache import anonymous_page
from tests.activities.factories import ActivityFactory
from tests.conftest import client_for
from tests.factories import CommunityFactory, UserFactory

LIST = reverse("activities:activity_list")
NEWS = reverse("activities:news_list")
HOME = reverse("home")


@pytest.mark.parametrize("url", [LIST, NEWS, HOME])
def test_a_repeated_anonymous_page_runs_no_query(client, community, url, django_assert_num_queries):
    ActivityFactory(community=community, title="邻里议事会")
    first = client.get(url)
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert "Content-Security-Policy" in again  # the middleware still answers around the cache


def test_a_write_shows_at_once(client, community):
    ActivityFactory(community=community, title="邻里议事会")
    assert "社区义诊" not in client.get(LIST).content.decode()

    ActivityFactory(community=community, title="社区义诊")

    assert "社区义诊" in client.get(LIST).content.decode()


def test_an_edit_and_a_new_community_show_at_once(client, community):
    activity = ActivityFactory(community=community, title="邻里议事会")
    client.get(LIST)

    activity.title = "邻里议事会（改期）"
    activity.save()
    CommunityFactory(name="新建社区")

    page = client.get(LIST).content.decode()
    assert "邻里议事会（改期）" in page
    assert "新建社区" in page  # the filter form's community choices


def test_logged_in_visitors_never_get_the_anonymous_page(client, community, resident):
    ActivityFactory(community=community)
    client.get(LIST)

    page = client_for(resident).get(LIST).content.decode()

    assert reverse("logout") in page
    assert reverse("login") + '"' not in page


def test_each_language_and_display_mode_has_its_own_page(client, community):
    ActivityFactory(community=community)
    chinese = client.get(LIST).content.decode()

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(LIST).content.decode()
    client.cookies[DISPLAY_COOKIE] = LARGE
    large = client.get(LIST).content.decode()

    assert "活动" in chinese and 'lang="zh-Hans"' in chinese
    assert 'lang="en"' in english and "display-large" not in english
    assert "display-large" in large


def test_a_page_with_a_pending_message_is_not_served_from_the_cache(client, community, rf):
    ActivityFactory(community=community)
    client.get(LIST)
    request = rf.get(LIST)
    storage = CookieStorage(request)
    storage.add(constants.INFO, "您已退出登录。")
    response = HttpResponse()
    storage.update(response)
    client.cookies["messages"] = response.cookies["messages"].value

    assert "您已退出登录。" in client.get(LIST).content.decode()


def test_a_page_that_asked_for_a_csrf_token_is_not_cached():
    calls = []

    @anonymous_page("test")
    def view(request):
        calls.append(1)
        return HttpResponse(f"<form>{get_token(request)}</form>")

    factory = RequestFactory()
    view(factory.get("/x/"))
    view(factory.get("/x/"))

    assert len(calls) == 2


def test_a_page_that_sets_a_cookie_or_fails_is_not_cached():
    calls = []

    @anonymous_page("test")
    def view(request):
        calls.append(1)
        response = HttpResponse("ok", status=200 if request.GET.get("ok") else 404)
        if request.GET.get("cookie"):
            response.set_cookie("seen", "1")
        return response

    factory = RequestFactory()
    for query in ({}, {}, {"ok": "1", "cookie": "1"}, {"ok": "1", "cookie": "1"}):
        view(factory.get("/y/", query))
    assert len(calls) == 4
    view(factory.get("/y/", {"ok": "1"}))
    view(factory.get("/y/", {"ok": "1"}))
    assert len(calls) == 5


def test_the_footer_has_no_csrf_token_and_its_forms_still_work(community):
    ActivityFactory(community=community)
    client = Client(enforce_csrf_checks=True)
    page = client.get(LIST).content.decode()
    assert "csrfmiddlewaretoken" not in page
    assert "csrftoken" not in client.cookies

    response = client.post(reverse("set_language"), {"language": "en", "next": LIST})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    response = client.post(reverse("display_mode"), {"mode": LARGE, "next": LIST})
    assert response.status_code == 302
    assert client.cookies[DISPLAY_COOKIE].value == LARGE
    assert 'lang="en"' in client.get(LIST).content.decode()


@pytest.mark.parametrize("name", ["set_language", "display_mode"])
def test_a_footer_form_sent_from_another_site_changes_nothing(name):
    client = Client()
    data = {"language": "en", "mode": LARGE, "next": LIST}
    forged = [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_ORIGIN": "null"},
    ]
    for headers in forged:
        response = client.post(reverse(name), data, **headers)
        assert response.status_code == 403
        assert not client.cookies
    same = client.post(reverse(name), data, HTTP_ORIGIN="http://testserver")
    assert same.status_code == 302
    assert client.cookies


def test_other_forms_still_need_their_token(community, resident):
    activity = ActivityFactory(community=community)
    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)

    response = client.post(reverse("activities:signup_create", args=[activity.pk]), {})

    assert response.status_code == 403
    assert not activity.signups.exists()


def _many(community, count, fields):
    author = UserFactory()
    Activity.objects.bulk_create(
        ActivityFactory.build(community=community, created_by=author, **fields(index))
        for index in range(count)
    )


def _completed(community, count):
    ends = timezone.now() - timedelta(days=1)
    _many(
        community,
        count,
        lambda index: {
            "title": f"报道{index}",
            "starts_at": ends - timedelta(hours=2, minutes=index),
            "ends_at": ends - timedelta(minutes=index),
            "status": Activity.Status.COMPLETED,
            "report": "大家都来了。",
        },
    )


def test_a_long_public_list_counts_only_so_far(client, community):
    soon = timezone.now() + timedelta(days=1)
    _many(
        community,
        230,
        lambda index: {
            "title": f"活动{index:03}",
            "starts_at": soon + timedelta(minutes=index),
            "ends_at": soon + timedelta(minutes=index, hours=1),
        },
    )

    first = client.get(LIST)
    page = first.content.decode()
    assert "找到超过 200 项活动" in page
    assert "第 1 页" in page and "共" not in page.split("第 1 页")[1][:10]
    assert first.context["page_obj"].has_next()

    deep = client.get(LIST, {"page": 12})
    assert deep.status_code == 200
    titles = [activity.title for activity in deep.context["object_list"]]
    assert titles == [f"活动{index:03}" for index in range(220, 230)]
    assert "第 12 页，共 12 页" in deep.content.decode()
    assert not deep.context["page_obj"].has_next()
    assert client.get(LIST, {"page": 13}).status_code == 404
    assert client.get(LIST, {"page": "9" * 30}).status_code == 404  # not an SQL overflow


def test_a_short_list_still_counts_exactly(client, community):
    ActivityFactory.create_batch(3, community=community)
    page = client.get(LIST).content.decode()
    assert "共找到 3 个活动" in page
    assert "超过" not in page


def test_the_news_feed_pages_past_its_count(client, community):
    _completed(community, 215)
    first = client.get(NEWS)
    assert first.context["paginator"].is_open_ended
    assert first.context["page_obj"].has_next()
    last = client.get(NEWS, {"page": 22})
    assert len(last.context["object_list"]) == 5
    assert not last.context["paginator"].is_open_ended
    really_last = client.get(NEWS, {"page": "last"})
    assert really_last.context["page_obj"].number == 22
    assert not really_last.context["page_obj"].has_next()


def test_an_audited_write_without_a_signal_drops_the_caches(community, community_staff):
    """``QuerySet.update`` sends no signal; the audit event every staff write leaves does."""
    from governance_portal import audit, pagecache
    from governance_portal.models import AuditEvent

    before = pagecache.version()
    audit.record(action=AuditEvent.Action.EXPORT, model="activities.activity", user=community_staff)
    assert pagecache.version() == before  # a download changes nothing
    audit.record(action=AuditEvent.Action.UPDATE, instance=community, user=community_staff)
    assert pagecache.version() != before


def test_bulk_deletes_of_unwatched_models_stay_fast(db):
    """Receivers are connected per watched model: sessions, the audit log and other apps'
    rows are still deleted in one statement, not loaded and signalled row by row."""
    from django.contrib.sessions.models import Session
    from django.db.models.deletion import Collector

    from governance_portal.models import LoginThrottle, Notification

    collector = Collector(using="default")
    assert collector.can_fast_delete(Session.objects.all())
    assert collector.can_fast_delete(Notification.objects.all())
    assert collector.can_fast_delete(LoginThrottle.objects.all())
    assert not collector.can_fast_delete(Activity.objects.all())  # watched: signals sent


def test_staff_page_parts_live_a_minute_only_with_a_shared_cache(settings):
    from governance_portal import pagecache

    settings.REDIS_URL = ""
    assert pagecache.fragment_seconds() == pagecache.SECONDS
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    assert pagecache.fragment_seconds() == pagecache.FRAGMENT_SECONDS


def test_a_flood_of_page_addresses_does_not_evict_the_rate_limit_counters(client, community):
    """Pages live in their own cache: filling it (a made-up query string per request) cannot
    push a client's rate-limit counter out of the default cache and reset the limit."""
    from django.core.cache import cache

    from governance_portal import pagecache

    cache.set("ratelimit:registration:203.0.113.9", 10, 3600)
    client.get(LIST, {"z": "flood"})
    assert any("pagecache:activity_list" in name for name in pagecache.store._cache)
    assert not any("pagecache" in name for name in cache._cache)
    for index in range(2500):
        pagecache.store.set(pagecache.key("activity_list", index), b"page", 10)
    assert cache.get("ratelimit:registration:203.0.113.9") == 10


def test_a_residents_repeated_view_of_an_activity_reads_only_who_they_are_and_their_signup(
    community, resident
):
    activity = ActivityFactory(community=community, title="邻里议事会")
    actions.signup_create(activity=activity, resident=resident)
    visitor = client_for(resident)
    visitor.get(activity.get_absolute_url())

    with CaptureQueriesContext(connection) as captured:
        page = visitor.get(activity.get_absolute_url())

    assert "邻里议事会" in page.content.decode()
    assert page.context["my_signup"].status == "confirmed"
    tables = " ".join(query["sql"] for query in captured.captured_queries)
    assert '"activities_activity"' not in tables.replace('"activities_activity"."', "")
    assert len(captured.captured_queries) <= 3  # the session, its user, their signup


def test_an_activity_cancelled_after_a_resident_saw_it_shows_cancelled_at_once(
    community, community_staff, resident
):
    activity = ActivityFactory(community=community, title="邻里议事会")
    visitor = client_for(resident)
    assert visitor.get(activity.get_absolute_url()).context["signup_open"]

    actions.activity_cancel(activity=activity, by=community_staff, reason="暴雨")

    page = visitor.get(activity.get_absolute_url())
    assert page.context["activity"].status == Activity.Status.CANCELLED
    assert not page.context["signup_open"]


def test_staff_read_the_activity_themselves_and_still_see_their_drafts(
    community, community_staff, resident
):
    draft = ActivityFactory(community=community, status=Activity.Status.DRAFT)
    assert client_for(resident).get(draft.get_absolute_url()).status_code == 404
    assert client_for(community_staff).get(draft.get_absolute_url()).status_code == 200
    assert client_for(resident).get(draft.get_absolute_url()).status_code == 404
