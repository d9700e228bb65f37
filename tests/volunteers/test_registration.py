"""Registration: a resident applies online, staff decide; staff register people at the desk."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from communities.models import Consent, ResidentProfile, User
from governance_portal.models import Notification
from tests.conftest import client_for
from tests.volunteers.factories import VolunteerFactory, VolunteerTeamFactory
from volunteers import actions
from volunteers.models import Volunteer

APPLY = reverse("volunteers:apply")
DESK = reverse("volunteers:desk_register")


def apply_data(community, **overrides) -> dict:
    data = {
        "community": community.pk,
        "team": "",
        "skills": "理发、急救",
        "availability": ["weekends", "holidays"],
        "availability_note": "周末上午",
    }
    return data | overrides


def decide(client, volunteer, decision, reason=""):
    return client.post(
        reverse("volunteers:volunteer_decide", args=[volunteer.pk]),
        {"decision": decision, "reason": reason},
    )


def desk_data(community, **overrides) -> dict:
    data = {
        "name": "陈静",
        "phone": "13700000077",
        "community": community.pk,
        "team": "",
        "skills": "书法",
        "availability": ["weekday_daytime"],
        "availability_note": "",
        "consent": "on",
    }
    return data | overrides


# --- online registration ---------------------------------------------------------------------


def test_resident_applies_and_waits_for_approval(resident, community):
    team = VolunteerTeamFactory(community=community, name="恒大社区志愿服务队")

    response = client_for(resident).post(APPLY, apply_data(community, team=team.pk))

    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:me")
    volunteer = Volunteer.objects.get(user=resident)
    assert volunteer.status == Volunteer.Status.PENDING
    assert (volunteer.community, volunteer.team) == (community, team)
    assert volunteer.skills == "理发、急救"
    assert volunteer.availability == ["weekends", "holidays"]
    assert volunteer.decided_by is None


def test_apply_page_opens_for_a_resident(resident):
    assert client_for(resident).get(APPLY).status_code == 200


def test_applying_twice_is_refused(resident, community, sibling_community):
    client = client_for(resident)
    client.post(APPLY, apply_data(community))

    response = client.post(APPLY, apply_data(sibling_community, skills="摄影"))

    assert response.status_code == 302
    assert Volunteer.objects.filter(user=resident).count() == 1
    volunteer = Volunteer.objects.get(user=resident)
    assert (volunteer.community, volunteer.skills) == (community, "理发、急救")
    with pytest.raises(ValidationError):
        actions.volunteer_apply(user=resident, community=sibling_community)


def test_approved_volunteer_cannot_apply_again(volunteer, community):
    response = client_for(volunteer.user).post(APPLY, apply_data(community))

    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.status == Volunteer.Status.APPROVED


def test_staff_approve_and_the_resident_is_told(resident, community, community_staff):
    client_for(resident).post(APPLY, apply_data(community))
    volunteer = Volunteer.objects.get(user=resident)

    response = decide(client_for(community_staff), volunteer, "approve")

    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.status == Volunteer.Status.APPROVED
    assert volunteer.decided_by == community_staff
    assert volunteer.decided_at is not None
    notice = Notification.objects.get(user=resident)
    assert notice.url == reverse("volunteers:me")
    assert community.name in notice.message


def test_declining_needs_a_reason(resident, community, community_staff):
    client_for(resident).post(APPLY, apply_data(community))
    volunteer = Volunteer.objects.get(user=resident)

    decide(client_for(community_staff), volunteer, "decline", reason="   ")

    volunteer.refresh_from_db()
    assert volunteer.status == Volunteer.Status.PENDING
    assert not Notification.objects.filter(user=resident).exists()


def test_declined_resident_is_told_why(resident, community, community_staff):
    client_for(resident).post(APPLY, apply_data(community))
    volunteer = Volunteer.objects.get(user=resident)

    decide(client_for(community_staff), volunteer, "decline", reason="请先参加岗前培训")

    volunteer.refresh_from_db()
    assert volunteer.status == Volunteer.Status.DECLINED
    assert volunteer.decision_reason == "请先参加岗前培训"
    assert "请先参加岗前培训" in Notification.objects.get(user=resident).message


def test_a_decided_registration_is_not_decided_again(resident, community, community_staff):
    client_for(resident).post(APPLY, apply_data(community))
    volunteer = Volunteer.objects.get(user=resident)
    client = client_for(community_staff)
    decide(client, volunteer, "approve")

    decide(client, volunteer, "decline", reason="弄错了")

    volunteer.refresh_from_db()
    assert volunteer.status == Volunteer.Status.APPROVED
    assert Notification.objects.filter(user=resident).count() == 1


def test_declined_resident_may_apply_again_on_the_same_record(resident, community, community_staff):
    client = client_for(resident)
    client.post(APPLY, apply_data(community))
    first = Volunteer.objects.get(user=resident)
    decide(client_for(community_staff), first, "decline", reason="资料不全")

    response = client.post(APPLY, apply_data(community, skills="摄影"))

    assert response.status_code == 302
    again = Volunteer.objects.get(user=resident)
    assert again.pk == first.pk
    assert again.status == Volunteer.Status.PENDING
    assert again.decision_reason == ""
    assert again.decided_by is None
    assert again.skills == "摄影"


@pytest.mark.parametrize("persona", ["sibling_community_staff", "other_community_staff"])
def test_staff_of_another_community_cannot_decide(request, persona, resident, community):
    client_for(resident).post(APPLY, apply_data(community))
    volunteer = Volunteer.objects.get(user=resident)

    response = decide(client_for(request.getfixturevalue(persona)), volunteer, "approve")

    assert response.status_code == 404
    volunteer.refresh_from_db()
    assert volunteer.status == Volunteer.Status.PENDING


def test_street_staff_decide_for_their_communities(resident, community, street_staff):
    client_for(resident).post(APPLY, apply_data(community))
    volunteer = Volunteer.objects.get(user=resident)

    decide(client_for(street_staff), volunteer, "approve")

    volunteer.refresh_from_db()
    assert volunteer.status == Volunteer.Status.APPROVED


def test_residents_cannot_reach_the_staff_pages(volunteer, resident):
    client = client_for(resident)
    assert client.get(reverse("volunteers:manage_list")).status_code == 403
    assert decide(client, volunteer, "approve").status_code == 403


# --- teams -----------------------------------------------------------------------------------


def test_team_of_another_community_is_refused(resident, community, sibling_community):
    team = VolunteerTeamFactory(community=sibling_community)

    response = client_for(resident).post(APPLY, apply_data(community, team=team.pk))

    assert response.status_code == 200
    assert response.context["form"].errors["team"]
    assert not Volunteer.objects.filter(user=resident).exists()


def test_action_refuses_a_team_of_another_community(resident, community, other_community):
    team = VolunteerTeamFactory(community=other_community)

    with pytest.raises(ValidationError) as error:
        actions.volunteer_apply(user=resident, community=community, team=team)

    assert "team" in error.value.message_dict
    assert not Volunteer.objects.filter(user=resident).exists()


def test_street_wide_team_takes_volunteers_of_its_communities(resident, community, street):
    team = VolunteerTeamFactory(community=None, street=street, name="水泊寺街道志愿服务总队")

    client_for(resident).post(APPLY, apply_data(community, team=team.pk))

    assert Volunteer.objects.get(user=resident).team == team


def test_archived_team_is_refused(resident, community):
    team = VolunteerTeamFactory(community=community, archived=True)

    with pytest.raises(ValidationError):
        actions.volunteer_apply(user=resident, community=community, team=team)


# --- at the desk -----------------------------------------------------------------------------


def test_desk_registration_of_a_new_number_needs_consent(community, community_staff):
    response = client_for(community_staff).post(DESK, desk_data(community, consent=""))

    assert response.status_code == 200
    assert response.context["form"].errors["consent"]
    assert not User.objects.filter(phone="13700000077").exists()
    assert not Volunteer.objects.exists()


def test_desk_registration_creates_an_approved_volunteer(community, community_staff):
    response = client_for(community_staff).post(DESK, desk_data(community))

    volunteer = Volunteer.objects.get(user__phone="13700000077")
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:manage_detail", args=[volunteer.pk])
    assert volunteer.status == Volunteer.Status.APPROVED
    assert volunteer.registered_by == community_staff
    assert volunteer.decided_by == community_staff
    assert volunteer.user.name == "陈静"
    assert ResidentProfile.objects.get(user=volunteer.user).community == community
    assert Consent.objects.filter(user=volunteer.user, recorded_by=community_staff).exists()


def test_desk_registration_of_a_resident_in_scope_needs_no_new_consent(
    resident, community, community_staff
):
    response = client_for(community_staff).post(
        DESK, desk_data(community, name="刘芳", phone=resident.phone, consent="")
    )

    assert response.status_code == 302
    volunteer = Volunteer.objects.get(user=resident)
    assert volunteer.status == Volunteer.Status.APPROVED


def test_desk_approves_a_pending_application(resident, community, community_staff):
    client_for(resident).post(APPLY, apply_data(community))
    pending = Volunteer.objects.get(user=resident)

    client_for(community_staff).post(DESK, desk_data(community, phone=resident.phone))

    volunteer = Volunteer.objects.get(user=resident)
    assert volunteer.pk == pending.pk
    assert volunteer.status == Volunteer.Status.APPROVED


def test_desk_refuses_the_number_of_a_resident_outside_scope(
    community, community_staff, other_community, make_resident
):
    outsider = make_resident(community=other_community, phone="13600000066", name="周涛")

    response = client_for(community_staff).post(
        DESK, desk_data(community, name="陈静", phone="13600000066")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["phone"]
    assert not Volunteer.objects.filter(user=outsider).exists()
    outsider.refresh_from_db()
    assert outsider.name == "周涛"


def test_desk_refuses_an_already_approved_volunteer(volunteer, community, community_staff):
    response = client_for(community_staff).post(
        DESK, desk_data(community, phone=volunteer.user.phone)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["phone"]
    assert Volunteer.objects.count() == 1


def test_desk_cannot_register_into_a_community_outside_scope(community_staff, other_community):
    response = client_for(community_staff).post(DESK, desk_data(other_community))

    assert response.status_code == 200
    assert response.context["form"].errors["community"]
    assert not User.objects.filter(phone="13700000077").exists()


def test_desk_refuses_a_team_of_another_community(
    community, sibling_community, community_staff, street_staff
):
    team = VolunteerTeamFactory(community=sibling_community)

    response = client_for(street_staff).post(DESK, desk_data(community, team=team.pk))

    assert response.status_code == 200
    assert response.context["form"].errors["team"]
    assert not User.objects.filter(phone="13700000077").exists()
    assert not Volunteer.objects.exists()


def test_desk_action_leaves_no_resident_behind_when_the_team_is_wrong(
    community, other_community, community_staff
):
    from communities.permissions import scope_for

    team = VolunteerTeamFactory(community=other_community)

    with pytest.raises(ValidationError):
        actions.volunteer_register_at_desk(
            name="陈静",
            phone="13700000077",
            community=community,
            scope=scope_for(community_staff),
            by=community_staff,
            team=team,
        )
    assert not User.objects.filter(phone="13700000077").exists()


def test_staff_list_shows_only_volunteers_in_scope(
    community, sibling_community, community_staff, make_volunteer
):
    mine = make_volunteer()
    theirs = make_volunteer(community=sibling_community)

    response = client_for(community_staff).get(reverse("volunteers:manage_list"))

    assert response.status_code == 200
    shown = {v.pk for v in response.context["object_list"]}
    assert mine.pk in shown
    assert theirs.pk not in shown


def test_staff_detail_of_another_community_is_404(sibling_community, community_staff):
    theirs = VolunteerFactory(community=sibling_community)

    url = reverse("volunteers:manage_detail", args=[theirs.pk])
    assert client_for(community_staff).get(url).status_code == 404


# --- staff edit ------------------------------------------------------------------------------


def edit_data(volunteer, **overrides) -> dict:
    data = {
        "community": volunteer.community_id,
        "team": volunteer.team_id or "",
        "skills": volunteer.skills,
        "availability": volunteer.availability,
        "availability_note": volunteer.availability_note,
        "leads_team": "on" if volunteer.leads_team else "",
        "honours": volunteer.honours,
    }
    return data | overrides


def test_staff_edit_a_volunteer_and_make_them_team_leader(volunteer, community, community_staff):
    team = VolunteerTeamFactory(community=community)

    response = client_for(community_staff).post(
        reverse("volunteers:volunteer_update", args=[volunteer.pk]),
        edit_data(volunteer, team=team.pk, leads_team="on", honours="2025年度优秀志愿者"),
    )

    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert (volunteer.team, volunteer.leads_team) == (team, True)
    assert volunteer.honours == "2025年度优秀志愿者"


def test_staff_edit_refuses_a_team_of_another_community(volunteer, sibling_community, street_staff):
    team = VolunteerTeamFactory(community=sibling_community)

    response = client_for(street_staff).post(
        reverse("volunteers:volunteer_update", args=[volunteer.pk]),
        edit_data(volunteer, team=team.pk),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["team"]
    volunteer.refresh_from_db()
    assert volunteer.team is None


def test_no_team_means_no_team_leader(volunteer, community, community_staff):
    team = VolunteerTeamFactory(community=community)
    Volunteer.objects.filter(pk=volunteer.pk).update(team=team, leads_team=True)
    volunteer.refresh_from_db()

    client_for(community_staff).post(
        reverse("volunteers:volunteer_update", args=[volunteer.pk]),
        edit_data(volunteer, team="", leads_team="on"),
    )

    volunteer.refresh_from_db()
    assert (volunteer.team, volunteer.leads_team) == (None, False)
