"""Issue #10's query budgets for the pages `make bench` measures, at two data sizes, on a cold
cache (what a request costs when nothing is cached: the first after a write)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities import actions
from activities.models import ActivityPartner
from governance_portal import pagecache
from tests.activities.factories import ActivityFactory
from tests.conftest import client_for
from tests.factories import CommunityFactory, ResidentProfileFactory


def new_resident(community):
    return ResidentProfileFactory(community=community).user


BUDGETS = {"manage_list": 6, "public_list": 6, "news": 6, "detail": 8, "dashboard": 12}


def grow(community, times):
    """More of everything the pages show: activities here and in other communities, signups,
    partners, completed activities with reports."""
    past = timezone.now() - timedelta(days=2)
    for _ in range(times):
        elsewhere = CommunityFactory()
        for place in (community, elsewhere):
            activity = ActivityFactory(community=place)
            actions.signup_create(activity=activity, resident=new_resident(community))
            ActivityPartner.objects.create(activity=activity, kind="volunteers", name="志愿队")
            ActivityFactory(
                community=place,
                status="completed",
                report="大家都来了。",
                starts_at=past,
                ends_at=past + timedelta(hours=1),
            )


def cold_queries(client, url) -> int:
    pagecache.store.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("page", sorted(BUDGETS))
def test_each_page_keeps_its_budget_at_two_sizes(page, client, community, community_staff):
    # An activity of a kind without a part of its own (a tree adoption reads its trees too).
    activity = ActivityFactory(community=community, kind="volunteer_service")
    resident = new_resident(community)
    actions.signup_create(activity=activity, resident=resident)
    grow(community, 1)
    who, url = {
        "manage_list": (community_staff, reverse("activities:manage_list")),
        "public_list": (None, reverse("activities:activity_list")),
        "news": (None, reverse("activities:news_list")),
        "detail": (resident, activity.get_absolute_url()),
        "dashboard": (
            community_staff,
            reverse("dashboards:community_dashboard", args=[community.pk]),
        ),
    }[page]
    visitor = client_for(who) if who else client
    visitor.get(url)  # a session's first request also writes the session

    small = cold_queries(visitor, url)
    grow(community, 8)
    large = cold_queries(visitor, url)

    assert small == large
    assert large <= BUDGETS[page]
