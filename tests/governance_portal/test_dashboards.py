"""Dashboards: the figures on a known world, scope, periods, charts and fixed query counts."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance_portal.dashboards.figures import (
    COMMUNITY,
    STREET,
    Figures,
    format_hours,
    with_figures,
)
from governance_portal.dashboards.periods import Period
from tests.factories import StaffAssignmentFactory
from tests.governance_portal.dashboard_world import MONTH, activity, build_world
from tests.volunteers.factories import VolunteerFactory, verified

pytestmark = pytest.mark.django_db

OCTOBER = Period.month(2026, 10)


@pytest.fixture
def world(community, sibling_community, other_community):
    return build_world(community, sibling_community, other_community)


def dashboard(level, pk):
    return reverse(f"dashboards:{level}_dashboard", args=[pk])


def figures_of(model, level, pk, period=OCTOBER) -> Figures:
    return Figures.of(with_figures(model.objects.filter(pk=pk), level, period).get())


def test_community_figures_on_a_known_month(world, community):
    f = figures_of(type(community), COMMUNITY, community.pk)
    assert (f.activities, f.completed, f.cancelled) == (2, 1, 1)
    assert (f.signed_up, f.capacity, f.capped_taken, f.fill_rate) == (10, 10, 6, 60)
    assert (f.checked_in, f.attendance) == (3, 8)
    assert (f.linked_three, f.linked_three_share) == (1, 50)
    assert (f.with_organisation, f.with_social_worker, f.with_volunteers, f.with_charity) == (
        1,
        1,
        0,
        1,  # the allocation brings the charity force in
    )
    assert f.volunteer_hours == Decimal("4.00")
    assert (f.volunteers_active, f.records_pending, f.volunteers_registered) == (2, 1, 2)
    assert (f.resources_received, f.resources_value) == (1, Decimal("3000.00"))
    assert (f.allocations, f.allocated_value) == (1, Decimal("1200.00"))
    assert (f.bookings, f.bookings_done, f.home_visits, f.home_visits_done) == (3, 2, 1, 1)
    assert (f.seekers_registered, f.seekers_employed, f.referrals) == (2, 1, 1)
    assert (f.adoptions_started, f.trees_adopted, f.care_logs, f.trees_cared) == (1, 1, 2, 1)


def test_street_figures_add_its_communities_and_its_own_work_but_no_other_street(
    world, street, community
):
    f = figures_of(type(street), STREET, street.pk)
    assert f.activities == 2 + 1 + 1  # 恒大, street-wide, 向西街
    assert (f.signed_up, f.capacity, f.capped_taken, f.fill_rate) == (24, 40, 20, 50)
    assert f.volunteer_hours == Decimal("6.00")  # 4 in 恒大 + 2 street-wide; not 北辰's 5
    assert f.volunteers_active == 2


def test_a_period_with_nothing_shows_zeros_and_no_rates(world, community):
    f = figures_of(type(community), COMMUNITY, community.pk, Period.month(2026, 1))
    assert f.activities == 0 and f.volunteer_hours == 0
    assert f.fill_rate is None and f.linked_three_share is None
    assert f.trees_adopted == 1  # a "now" figure: the same in every period


def test_community_dashboard_shows_the_figures(world, community, community_staff, as_user):
    response = as_user(community_staff).get(dashboard(COMMUNITY, community.pk), {"month": MONTH})
    assert response.status_code == 200
    assert response.context["figures"] == figures_of(type(community), COMMUNITY, community.pk)
    page = response.content.decode()
    assert "2026-10" in page and "60%" in page and "¥3,000.00" in page
    assert "<svg" in page and "<table" in page  # charts, each with its numbers


def test_street_dashboard_compares_its_communities_only(world, street, street_staff, as_user):
    response = as_user(street_staff).get(dashboard(STREET, street.pk), {"month": MONTH})
    assert response.status_code == 200
    rows = {community.name: figures for community, figures in response.context["community_rows"]}
    assert set(rows) == {"恒大社区", "向西街社区"}
    assert rows["恒大社区"].activities == 2 and rows["向西街社区"].fill_rate == 100
    own = response.context["street_own"]
    assert (own.activities, own.capacity, own.volunteer_hours) == (1, 20, Decimal("2.00"))
    assert "北辰社区" not in response.content.decode()


@pytest.mark.parametrize("name", ["dashboard", "report", "ledger"])
def test_another_community_is_a_404(world, sibling_community, community_staff, as_user, name):
    url = reverse(f"dashboards:community_{name}", args=[sibling_community.pk])
    assert as_user(community_staff).get(url).status_code == 404


@pytest.mark.parametrize("name", ["dashboard", "report", "ledger"])
def test_another_street_is_a_404_and_community_staff_get_no_street_page(
    world, street, other_street, street_staff, community_staff, as_user, name
):
    url = reverse(f"dashboards:street_{name}", args=[other_street.pk])
    assert as_user(street_staff).get(url).status_code == 404
    own = reverse(f"dashboards:street_{name}", args=[street.pk])
    assert as_user(community_staff).get(own).status_code == 403


def test_street_staff_open_their_communities_dashboards(world, community, street_staff, as_user):
    assert as_user(street_staff).get(dashboard(COMMUNITY, community.pk)).status_code == 200


def test_residents_and_visitors_have_no_dashboard(world, community, resident, as_user):
    assert as_user(resident).get(dashboard(COMMUNITY, community.pk)).status_code == 403
    response = as_user(None).get(dashboard(COMMUNITY, community.pk))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "query",
    [
        {"month": "2026-13"},
        {"month": "abc"},
        {"month": "٢٠٢٦-١٠"},
        {"month": "2099-01"},
        {"year": "19999"},
        {"quarter": "2026-5"},
        {"start": "2026-10-10"},
        {"start": "2026-10-10", "end": "2026-10-01"},
        {"start": "2020-01-01", "end": "2026-10-01"},
        {"start": "not a date", "end": "2026-10-01"},
    ],
)
def test_bad_periods_say_why_and_show_this_month(world, community, community_staff, as_user, query):
    response = as_user(community_staff).get(dashboard(COMMUNITY, community.pk), query)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["period"] == Period.this_month()
    assert "alert-warning" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"month": "2026-10"}, Period.month(2026, 10)),
        ({"quarter": "2026-3"}, Period.quarter(2026, 3)),
        ({"year": "2025"}, Period.year(2025)),
        (
            {"start": "2026-10-05", "end": "2026-10-20"},
            Period("range", date(2026, 10, 5), date(2026, 10, 20)),
        ),
    ],
)
def test_good_periods(world, community, community_staff, as_user, query, expected):
    response = as_user(community_staff).get(dashboard(COMMUNITY, community.pk), query)
    assert response.context["period"] == expected


def test_a_date_range_counts_only_its_days(world, community):
    f = figures_of(
        type(community),
        COMMUNITY,
        community.pk,
        Period("range", date(2026, 10, 1), date(2026, 10, 15)),
    )
    assert f.activities == 1  # the 25 October activity is outside
    assert f.volunteer_hours == Decimal("2.50")


def test_month_chart_covers_twelve_months_to_the_period(world, community, community_staff, as_user):
    response = as_user(community_staff).get(dashboard(COMMUNITY, community.pk), {"month": MONTH})
    points = {point.label: point.value for point in response.context["month_chart"].points}
    assert list(points)[0] == "2025-11" and list(points)[-1] == "2026-10"
    assert points["2026-10"] == 2 and points["2026-09"] == 1


def test_index_goes_to_the_one_dashboard(
    world, street, community, street_staff, community_staff, as_user
):
    index = reverse("dashboards:index")
    assert as_user(street_staff).get(index)["Location"] == dashboard(STREET, street.pk)
    assert as_user(community_staff).get(index)["Location"] == dashboard(COMMUNITY, community.pk)


def test_index_lists_the_choices_of_staff_of_two_communities(
    world, community, sibling_community, community_staff, as_user
):
    StaffAssignmentFactory(user=community_staff, community=sibling_community)
    response = as_user(community_staff).get(reverse("dashboards:index"))
    assert response.status_code == 200
    assert {c.name for c in response.context["communities"]} == {"向西街社区", "恒大社区"}


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, {"month": MONTH}).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("level", [COMMUNITY, STREET])
def test_query_count_does_not_grow_with_the_data(
    community, sibling_community, other_community, community_staff, street_staff, as_user, level
):
    build_world(community, sibling_community, other_community)
    user = community_staff if level == COMMUNITY else street_staff
    pk = community.pk if level == COMMUNITY else community.street_id
    client = as_user(user)
    client.get(dashboard(level, pk))  # the first request of a session also writes the session
    small = _queries(client, dashboard(level, pk))
    build_world(community, sibling_community, other_community, size=3)
    assert _queries(client, dashboard(level, pk)) == small
    assert small <= 12


def report(level, pk):
    return reverse(f"dashboards:{level}_report", args=[pk])


def test_monthly_report_lists_the_months_activities_with_partners(
    world, community, community_staff, as_user
):
    response = as_user(community_staff).get(report(COMMUNITY, community.pk), {"month": MONTH})
    assert response.status_code == 200
    activities = list(response.context["activities"])
    assert len(activities) == 2  # not the draft, the cancelled one or September's
    page = response.content.decode()
    assert "爱心社" in page and "王社工" in page
    assert response.context["figures"] == figures_of(type(community), COMMUNITY, community.pk)


def test_street_monthly_report_has_the_comparison_and_street_wide_activities(
    world, street, street_staff, as_user
):
    response = as_user(street_staff).get(report(STREET, street.pk), {"month": MONTH})
    assert len(list(response.context["activities"])) == 4
    assert {c.name for c, _ in response.context["community_rows"]} == {"恒大社区", "向西街社区"}
    assert "北辰社区" not in response.content.decode()


@pytest.mark.parametrize("query", [{"year": "2026"}, {"start": "2026-10-01", "end": "2026-10-31"}])
def test_monthly_report_covers_a_month_only(world, community, community_staff, as_user, query):
    response = as_user(community_staff).get(report(COMMUNITY, community.pk), query)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["period"] == Period.this_month()


@pytest.mark.parametrize("level", [COMMUNITY, STREET])
def test_monthly_report_query_count_does_not_grow(
    community, sibling_community, other_community, community_staff, street_staff, as_user, level
):
    build_world(community, sibling_community, other_community)
    user = community_staff if level == COMMUNITY else street_staff
    pk = community.pk if level == COMMUNITY else community.street_id
    client = as_user(user)
    client.get(report(level, pk))
    small = _queries(client, report(level, pk))
    build_world(community, sibling_community, other_community, size=3)
    assert _queries(client, report(level, pk)) == small


def test_street_wide_row_counts_its_own_volunteers_never_a_difference(
    street, community, sibling_community, street_staff, as_user
):
    """One volunteer served in two communities and street-wide: each row counts them once
    (a difference of distinct counts would give -1 and 0)."""
    volunteer = VolunteerFactory(community=community)
    verified(volunteer, "1", served_on=date(2026, 10, 3))
    verified(volunteer, "1", served_on=date(2026, 10, 4), community=sibling_community)
    verified(volunteer, "1", served_on=date(2026, 10, 5), community=None)

    response = as_user(street_staff).get(dashboard(STREET, street.pk), {"month": MONTH})

    rows = {c.name: figures.volunteers_active for c, figures in response.context["community_rows"]}
    assert rows == {"恒大社区": 1, "向西街社区": 1}
    assert response.context["street_own"].volunteers_active == 1
    assert response.context["figures"].volunteers_active == 1


def test_hours_are_shown_as_recorded_everywhere(street, community, street_staff, as_user):
    verified(VolunteerFactory(community=community), "2.25", served_on=date(2026, 10, 3))

    page = as_user(street_staff).get(dashboard(STREET, street.pk), {"month": MONTH})

    text = page.content.decode()
    assert ">2.25<" in text and ">2.2<" not in text and ">2.3<" not in text
    assert format_hours(Decimal("4.00")) == "4" and format_hours(Decimal("2.50")) == "2.5"


def test_completed_without_a_report_is_not_counted_as_reported(community):
    activity(community, report="")
    activity(community, report="种下了二十棵树。")
    assert figures_of(type(community), COMMUNITY, community.pk).completed == 1


def test_rates_round_halves_up(community):
    activity(community, capacity=8, places_taken=5)  # 62.5 %
    assert figures_of(type(community), COMMUNITY, community.pk).fill_rate == 63
