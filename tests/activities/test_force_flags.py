"""The five-forces flags on an activity's row (activities.forces): every way a partner, a
donation or a volunteer role is written keeps them as the relations say, and dashboards count
from them."""

from decimal import Decimal

import pytest
from django.urls import reverse

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
