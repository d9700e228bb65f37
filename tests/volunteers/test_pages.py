"""Every volunteer page opens for the people it is for (templates render with no missing
variable: pytest runs with --fail-on-template-vars), and teams are kept in scope."""

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.volunteers.factories import (
    ServiceRecordFactory,
    VolunteerFactory,
    VolunteerTeamFactory,
    verified,
)
from volunteers import actions
from volunteers.models import Volunteer, VolunteerTeam


@pytest.fixture
def busy(volunteer, activity, role, community_staff):
    """A volunteer with a role, records of each status and a certificate."""
    actions.role_signup_create(role=role, volunteer=volunteer)
    verified(volunteer, "120")
    ServiceRecordFactory(volunteer=volunteer)
    ServiceRecordFactory(volunteer=volunteer, status="rejected", decision_reason="不实")
    certificate = actions.certificate_issue(volunteer=volunteer, by=community_staff)
    return {"volunteer": volunteer, "activity": activity, "role": role, "cert": certificate}


STAFF_PAGES = [
    ("volunteers:manage_list", None),
    ("volunteers:desk_register", None),
    ("volunteers:manage_detail", "volunteer"),
    ("volunteers:volunteer_update", "volunteer"),
    ("volunteers:team_list", None),
    ("volunteers:team_create", None),
    ("volunteers:record_queue", None),
    ("volunteers:hours_export", None),
    ("volunteers:activity_roles", "activity"),
    ("volunteers:role_update", "role"),
    ("volunteers:certificate_revoke", "cert"),
]


@pytest.mark.parametrize(("name", "arg"), STAFF_PAGES)
@pytest.mark.parametrize("persona", ["community_staff", "street_staff", "admin_user"])
def test_staff_pages_open(request, busy, name, arg, persona):
    args = [busy[arg].pk] if arg else []

    response = client_for(request.getfixturevalue(persona)).get(reverse(name, args=args))

    assert response.status_code == 200


@pytest.mark.parametrize(("name", "arg"), STAFF_PAGES)
def test_staff_pages_are_closed_to_residents(busy, resident, name, arg):
    args = [busy[arg].pk] if arg else []

    assert client_for(resident).get(reverse(name, args=args)).status_code == 403


@pytest.mark.parametrize(
    ("name", "arg"),
    [
        ("volunteers:manage_detail", "volunteer"),
        ("volunteers:volunteer_update", "volunteer"),
        ("volunteers:activity_roles", "activity"),
        ("volunteers:role_update", "role"),
        ("volunteers:certificate_revoke", "cert"),
    ],
)
def test_staff_pages_of_another_community_are_404(busy, sibling_community_staff, name, arg):
    url = reverse(name, args=[busy[arg].pk])

    assert client_for(sibling_community_staff).get(url).status_code == 404


@pytest.mark.parametrize("status", ["pending", "approved", "declined", "left"])
def test_my_volunteering_opens_in_every_status(resident, community, status):
    VolunteerFactory(user=resident, community=community, status=status, decision_reason="资料不全")

    assert client_for(resident).get(reverse("volunteers:me")).status_code == 200


def test_volunteer_pages_open(busy):
    client = client_for(busy["volunteer"].user)

    assert client.get(reverse("volunteers:me")).status_code == 200
    assert client.get(reverse("volunteers:backfill")).status_code == 200
    assert client.get(busy["activity"].get_absolute_url()).status_code == 200
    assert client.get(busy["cert"].get_absolute_url()).status_code == 200


def test_declined_resident_sees_the_apply_page_again(resident, community):
    VolunteerFactory(user=resident, community=community, status="declined", decision_reason="x")

    response = client_for(resident).get(reverse("volunteers:apply"))

    assert response.status_code == 200


def test_public_pages_open_for_anyone(busy):
    anonymous = client_for(None)

    assert anonymous.get(reverse("volunteers:ranking")).status_code == 200
    assert anonymous.get(reverse("volunteers:certificate_verify")).status_code == 200
    assert anonymous.get(busy["cert"].get_verify_url()).status_code == 200


def test_volunteer_pages_ask_anonymous_visitors_to_log_in(db):
    for name in ("volunteers:me", "volunteers:apply", "volunteers:backfill"):
        response = client_for(None).get(reverse(name))
        assert response.status_code == 302
        assert reverse("login") in response["Location"]


# --- teams -----------------------------------------------------------------------------------


def team_data(community, **overrides) -> dict:
    data = {
        "name": "恒大社区助老服务队",
        "community": community.pk,
        "description": "",
        "archived": "",
    }
    return data | overrides


def test_community_staff_create_a_team_of_their_community(community, community_staff):
    response = client_for(community_staff).post(
        reverse("volunteers:team_create"), team_data(community)
    )

    assert response.status_code == 302
    team = VolunteerTeam.objects.get()
    assert (team.name, team.community, team.street) == (
        "恒大社区助老服务队",
        community,
        community.street,
    )


def test_community_staff_cannot_create_a_team_elsewhere(sibling_community, community_staff):
    response = client_for(community_staff).post(
        reverse("volunteers:team_create"), team_data(sibling_community)
    )

    assert response.status_code == 200
    assert not VolunteerTeam.objects.exists()


def test_team_names_are_unique_in_a_street(community, sibling_community, community_staff):
    VolunteerTeamFactory(community=sibling_community, name="恒大社区助老服务队")

    response = client_for(community_staff).post(
        reverse("volunteers:team_create"), team_data(community)
    )

    assert response.status_code == 200
    assert VolunteerTeam.objects.count() == 1


def test_staff_cannot_edit_another_communitys_team(sibling_community, community_staff):
    team = VolunteerTeamFactory(community=sibling_community, name="向西街服务队")

    response = client_for(community_staff).post(
        reverse("volunteers:team_update", args=[team.pk]), team_data(sibling_community, name="改")
    )

    assert response.status_code == 404
    team.refresh_from_db()
    assert team.name == "向西街服务队"


def test_archiving_a_team_ends_its_leaders_role(community, community_staff, make_volunteer):
    team = VolunteerTeamFactory(community=community, name="恒大社区助老服务队")
    leader = make_volunteer(team=team, leads_team=True)

    client_for(community_staff).post(
        reverse("volunteers:team_update", args=[team.pk]), team_data(community, archived="on")
    )

    team.refresh_from_db()
    assert team.archived
    assert Volunteer.objects.get(pk=leader.pk).leads_team is False
