"""What an activity's row keeps of other rows (activities.derived): the five-forces flags, the
partners as its cards list them and the organising unit's name. Every way those rows are
written keeps the activity's row as the relations say; dashboards and cards read the row."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, ActivityPartner
from activities.models.core import FORCE_FLAGS
from communities import actions as community_actions
from tests.activities.factories import ActivityFactory
from tests.communities.test_forces import make_resource, post_partner
from tests.conftest import client_for
from tests.volunteers.factories import VolunteerFactory, VolunteerRoleFactory
from volunteers import actions as volunteer_actions


def flags(activity) -> dict[str, bool]:
    row = Activity.objects.values(*FORCE_FLAGS).get(pk=activity.pk)
    return {flag: row[flag] for flag in FORCE_FLAGS}


def recounted(activity) -> dict[str, bool]:
    """The flags as the relations say, set again from scratch (what the receivers must match)."""
    Activity.objects.filter(pk=activity.pk).refresh_forces()
    return flags(activity)


@pytest.fixture
def activity(community, community_staff):
    return ActivityFactory(community=community, created_by=community_staff)


def test_a_new_activity_links_no_force_but_the_community(activity):
    assert not any(flags(activity).values())
    assert Activity.objects.with_forces().get(pk=activity.pk).force_count == 1


def test_partners_added_and_removed_on_the_partners_page_set_and_clear_flags(
    activity, community_staff
):
    staff = client_for(community_staff)
    post_partner(staff, activity, "named", kind="social_worker", name="街道社工站", role="辅导")
    post_partner(staff, activity, "named", kind="charity", name="爱心企业", role="")
    assert flags(activity) == {
        "has_organisation": False,
        "has_social_worker": True,
        "has_volunteers": False,
        "has_charity": True,
    }
    assert Activity.objects.with_forces().get(pk=activity.pk).force_count == 3

    worker = ActivityPartner.objects.get(activity=activity, kind="social_worker")
    staff.post(reverse("activities:partner_remove", args=[worker.pk]))

    assert flags(activity)["has_social_worker"] is False
    assert flags(activity) == recounted(activity)


def test_a_donation_allocated_to_the_activity_counts_as_charity(activity, community):
    resource = make_resource(community=community, value="500.00")
    community_actions.resource_allocate(
        resource=resource, activity=activity, value=Decimal("120.00"), by=resource.recorded_by
    )
    assert flags(activity)["has_charity"] is True


def test_a_volunteer_taking_a_role_counts_until_the_last_one_cancels(activity, community):
    role = VolunteerRoleFactory(activity=activity)
    assert flags(activity)["has_volunteers"] is False  # a role nobody took is no force yet

    volunteer = VolunteerFactory(community=community)
    signup = volunteer_actions.role_signup_create(role=role, volunteer=volunteer)
    assert flags(activity)["has_volunteers"] is True

    volunteer_actions.role_signup_cancel(signup=signup, by=volunteer.user)
    assert flags(activity)["has_volunteers"] is False


def test_a_volunteer_team_named_as_partner_keeps_the_flag_when_roles_empty(activity, community):
    ActivityPartner.objects.create(activity=activity, kind="volunteers", name="志愿服务队")
    role = VolunteerRoleFactory(activity=activity)
    volunteer = VolunteerFactory(community=community)
    signup = volunteer_actions.role_signup_create(role=role, volunteer=volunteer)
    volunteer_actions.role_signup_cancel(signup=signup, by=volunteer.user)

    assert flags(activity)["has_volunteers"] is True
    assert flags(activity) == recounted(activity)


def test_the_dashboard_counts_the_forces_from_the_flags(activity, community, community_staff):
    for kind in ("social_organisation", "social_worker"):
        ActivityPartner.objects.create(activity=activity, kind=kind, name=f"{kind}伙伴")
    ActivityFactory(community=community)  # links nothing but the community

    page = client_for(community_staff).get(
        reverse("dashboards:community_dashboard", args=[community.pk])
    )

    figures = page.context["figures"]
    assert (figures.linked_three, figures.with_organisation, figures.with_social_worker) == (
        1,
        1,
        1,
    )
    assert figures.with_volunteers == figures.with_charity == 0


# --- the card's unit and partners ----------------------------------------------------------


def news_page(client=None):
    return (client or client_for(None)).get(reverse("activities:news_list"))


def reported(community, **fields):
    ended = timezone.now() - timedelta(days=1)
    return ActivityFactory(
        community=community,
        status=Activity.Status.COMPLETED,
        report="大家一起清理了楼道。",
        starts_at=ended - timedelta(hours=2),
        ends_at=ended,
        **fields,
    )


def test_the_news_card_lists_partners_as_they_are_added_and_removed(community, community_staff):
    activity = reported(community)
    staff = client_for(community_staff)
    post_partner(staff, activity, "named", kind="volunteers", name="蓝天志愿队", role="引导")
    post_partner(staff, activity, "named", kind="other", name="社区卫生站", role="")

    page = news_page().content.decode()
    assert "蓝天志愿队" in page and "引导" in page and "社区卫生站" in page
    assert [card.name for card in Activity.objects.get(pk=activity.pk).partner_list] == [
        "蓝天志愿队",
        "社区卫生站",
    ]

    first = ActivityPartner.objects.get(activity=activity, name="蓝天志愿队")
    staff.post(reverse("activities:partner_remove", args=[first.pk]))

    page = news_page().content.decode()
    assert "蓝天志愿队" not in page and "社区卫生站" in page


def test_the_news_page_reads_no_community_street_or_partner(community):
    activity = reported(community, title="楼道清理")
    ActivityPartner.objects.create(activity=activity, kind="volunteers", name="蓝天志愿队")

    with CaptureQueriesContext(connection) as captured:
        page = news_page()

    assert community.name in page.content.decode() and "蓝天志愿队" in page.content.decode()
    tables = " ".join(query["sql"] for query in captured.captured_queries)
    for table in ("communities_community", "communities_street", "activities_activitypartner"):
        assert table not in tables


def test_a_renamed_community_or_street_shows_its_new_name_on_its_activities(
    community, sibling_community, street
):
    own = reported(community)
    sibling = reported(sibling_community)
    street_wide = ActivityFactory(community=None, street=street)

    community.name = "和美社区"
    community.save()
    street.name = "和平街道"
    street.save()

    labels = dict(Activity.objects.values_list("pk", "unit_label"))
    assert labels[own.pk] == "和美社区"
    assert labels[sibling.pk] == sibling_community.name
    assert labels[street_wide.pk] == "和平街道"
    assert "和美社区" in news_page().content.decode()


def test_an_activity_moved_to_another_community_takes_its_name(community, sibling_community):
    activity = ActivityFactory(community=community)
    activity.community = sibling_community
    activity.save()
    assert Activity.objects.get(pk=activity.pk).unit_name == sibling_community.name


def test_saving_the_counters_does_not_read_the_unit(community):
    activity = Activity.objects.get(pk=ActivityFactory(community=community).pk)
    activity.places_taken = 1
    with CaptureQueriesContext(connection) as captured:
        activity.save(update_fields=["places_taken"])
    tables = " ".join(query["sql"] for query in captured.captured_queries)
    assert "communities_community" not in tables and "communities_street" not in tables
    (update,) = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith('UPDATE "activities_activity"')
    ]
    assert "unit_label" not in update
