"""Roles on activities: staff add them, approved volunteers take them, places never overfill."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from activities import actions as activity_actions
from governance_portal.models import Notification
from tests.activities.factories import ActivityFactory
from tests.conftest import client_for
from tests.volunteers.factories import VolunteerFactory, VolunteerRoleFactory
from volunteers import actions
from volunteers.models import RoleSignup, Volunteer, VolunteerRole


def take(client, role):
    return client.post(reverse("volunteers:role_take", args=[role.pk]))


def reload(role) -> VolunteerRole:
    return VolunteerRole.objects.get(pk=role.pk)


def role_data(**overrides) -> dict:
    data = {"name": "擦拭站台", "slots": "4", "planned_hours": "2.5", "description": "清理站牌"}
    return data | overrides


# --- staff add and edit roles ----------------------------------------------------------------


def test_staff_add_a_role_to_their_activity(activity, community_staff):
    url = reverse("volunteers:activity_roles", args=[activity.pk])

    response = client_for(community_staff).post(url, role_data())

    assert response.status_code == 302
    assert response["Location"] == url
    role = VolunteerRole.objects.get(activity=activity)
    assert (role.name, role.slots, role.planned_hours, role.taken) == (
        "擦拭站台",
        4,
        Decimal("2.50"),
        0,
    )


def test_the_roles_page_lists_the_roles(activity, role, community_staff, volunteer):
    actions.role_signup_create(role=role, volunteer=volunteer)

    response = client_for(community_staff).get(
        reverse("volunteers:activity_roles", args=[activity.pk])
    )

    assert response.status_code == 200
    assert "摆放单车" in response.content.decode()
    assert "刘芳" in response.content.decode()


def test_role_name_is_unique_in_the_activity(activity, role, community_staff):
    url = reverse("volunteers:activity_roles", args=[activity.pk])

    response = client_for(community_staff).post(url, role_data(name="摆放单车"))

    assert response.status_code == 200
    assert response.context["form"].errors
    assert VolunteerRole.objects.filter(activity=activity).count() == 1


@pytest.mark.parametrize("persona", ["other_community_staff", "sibling_community_staff"])
def test_staff_cannot_add_roles_to_another_communitys_activity(request, persona, activity):
    url = reverse("volunteers:activity_roles", args=[activity.pk])
    client = client_for(request.getfixturevalue(persona))

    assert client.get(url).status_code == 404
    assert client.post(url, role_data()).status_code == 404
    assert not VolunteerRole.objects.exists()


def test_staff_cannot_edit_another_communitys_role(role, other_community_staff):
    url = reverse("volunteers:role_update", args=[role.pk])

    response = client_for(other_community_staff).post(url, role_data(slots="9"))

    assert response.status_code == 404
    assert reload(role).slots == 3


def test_roles_of_a_cancelled_activity_cannot_be_added(activity, community_staff):
    activity_actions.activity_cancel(activity=activity, by=community_staff, reason="大风")
    url = reverse("volunteers:activity_roles", args=[activity.pk])

    response = client_for(community_staff).post(url, role_data())

    assert response.status_code == 200
    assert not VolunteerRole.objects.exists()


def test_staff_cannot_lower_slots_below_the_places_taken(role, community_staff, make_volunteer):
    actions.role_signup_create(role=role, volunteer=make_volunteer())
    actions.role_signup_create(role=role, volunteer=make_volunteer())
    url = reverse("volunteers:role_update", args=[role.pk])
    client = client_for(community_staff)

    response = client.post(url, role_data(name=role.name, slots="1"))

    assert response.status_code == 200
    assert response.context["form"].errors["slots"]
    assert (reload(role).slots, reload(role).taken) == (3, 2)

    response = client.post(url, role_data(name=role.name, slots="2"))

    assert response.status_code == 302
    assert (reload(role).slots, reload(role).taken) == (2, 2)


def test_the_action_refuses_fewer_slots_than_taken(role, community_staff, make_volunteer):
    actions.role_signup_create(role=role, volunteer=make_volunteer())
    actions.role_signup_create(role=role, volunteer=make_volunteer())
    role = reload(role)
    role.slots = 1

    with pytest.raises(ValidationError) as error:
        actions.role_save(role=role, by=community_staff)

    assert "slots" in error.value.message_dict
    assert reload(role).slots == 3


def test_a_role_with_volunteers_cannot_be_deleted(role, community_staff, volunteer):
    actions.role_signup_create(role=role, volunteer=volunteer)

    client_for(community_staff).post(reverse("volunteers:role_delete", args=[role.pk]))

    assert VolunteerRole.objects.filter(pk=role.pk).exists()


def test_an_empty_role_can_be_deleted(role, community_staff):
    client_for(community_staff).post(reverse("volunteers:role_delete", args=[role.pk]))

    assert not VolunteerRole.objects.filter(pk=role.pk).exists()


# --- volunteers take roles -------------------------------------------------------------------


def test_approved_volunteer_takes_a_role(role, volunteer, activity):
    response = take(client_for(volunteer.user), role)

    assert response.status_code == 302
    assert response["Location"] == activity.get_absolute_url()
    signup = RoleSignup.objects.get(role=role)
    assert signup.volunteer == volunteer
    assert signup.status == RoleSignup.Status.CONFIRMED
    assert signup.registered_by is None
    assert reload(role).taken == 1


def test_taking_the_same_role_twice_counts_once(role, volunteer):
    client = client_for(volunteer.user)
    take(client, role)
    take(client, role)

    assert RoleSignup.objects.filter(role=role).count() == 1
    assert reload(role).taken == 1


@pytest.mark.parametrize(
    "status", [Volunteer.Status.PENDING, Volunteer.Status.DECLINED, Volunteer.Status.LEFT]
)
def test_unapproved_volunteer_cannot_take_a_role(role, resident, community, status):
    VolunteerFactory(user=resident, community=community, status=status, decision_reason="资料不全")

    response = take(client_for(resident), role)

    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:me")
    assert not RoleSignup.objects.exists()
    assert reload(role).taken == 0


def test_resident_who_is_no_volunteer_cannot_take_a_role(role, resident):
    take(client_for(resident), role)

    assert not RoleSignup.objects.exists()


def test_the_action_refuses_an_unapproved_volunteer(role, resident, community):
    pending = VolunteerFactory(user=resident, community=community, status="pending")

    with pytest.raises(ValidationError):
        actions.role_signup_create(role=role, volunteer=pending)
    assert reload(role).taken == 0


def test_capacity_is_never_exceeded(activity, make_volunteer):
    role = VolunteerRoleFactory(activity=activity, slots=1)
    first, second = make_volunteer(), make_volunteer()

    take(client_for(first.user), role)
    take(client_for(second.user), role)

    assert list(RoleSignup.objects.active().values_list("volunteer", flat=True)) == [first.pk]
    assert reload(role).taken == 1
    with pytest.raises(ValidationError):
        actions.role_signup_create(role=role, volunteer=second)


def test_role_cannot_be_taken_after_the_activity_started(community, community_staff, volunteer):
    from django.utils import timezone

    started = ActivityFactory(
        community=community,
        starts_at=timezone.now() - timedelta(minutes=5),
        ends_at=timezone.now() + timedelta(hours=1),
    )
    role = VolunteerRoleFactory(activity=started)

    take(client_for(volunteer.user), role)

    assert not RoleSignup.objects.exists()


def test_role_of_a_draft_activity_is_404(community, volunteer):
    draft = ActivityFactory(community=community, status="draft")
    role = VolunteerRoleFactory(activity=draft)

    assert take(client_for(volunteer.user), role).status_code == 404
    assert not RoleSignup.objects.exists()


def overlapping_pair(community, first_start, second_start, hours=2):
    first = ActivityFactory(
        community=community, starts_at=first_start, ends_at=first_start + timedelta(hours=hours)
    )
    second = ActivityFactory(
        community=community, starts_at=second_start, ends_at=second_start + timedelta(hours=hours)
    )
    return VolunteerRoleFactory(activity=first), VolunteerRoleFactory(activity=second)


def test_volunteer_cannot_hold_two_roles_at_overlapping_times(community, volunteer):
    from django.utils import timezone

    start = timezone.now() + timedelta(days=5)
    first, second = overlapping_pair(community, start, start + timedelta(hours=1))
    client = client_for(volunteer.user)

    take(client, first)
    take(client, second)

    assert list(RoleSignup.objects.active().values_list("role", flat=True)) == [first.pk]
    assert reload(second).taken == 0


def test_two_roles_of_the_same_activity_overlap_too(activity, volunteer):
    first = VolunteerRoleFactory(activity=activity)
    second = VolunteerRoleFactory(activity=activity)
    actions.role_signup_create(role=first, volunteer=volunteer)

    with pytest.raises(ValidationError):
        actions.role_signup_create(role=second, volunteer=volunteer)


def test_back_to_back_roles_do_not_overlap(community, volunteer):
    from django.utils import timezone

    start = timezone.now() + timedelta(days=5)
    first, second = overlapping_pair(community, start, start + timedelta(hours=2))
    client = client_for(volunteer.user)

    take(client, first)
    take(client, second)

    assert RoleSignup.objects.active().count() == 2
    assert (reload(first).taken, reload(second).taken) == (1, 1)


def test_a_cancelled_role_no_longer_blocks_the_time(community, volunteer):
    from django.utils import timezone

    start = timezone.now() + timedelta(days=5)
    first, second = overlapping_pair(community, start, start + timedelta(minutes=30))
    signup = actions.role_signup_create(role=first, volunteer=volunteer)
    actions.role_signup_cancel(signup=signup, by=volunteer.user)

    actions.role_signup_create(role=second, volunteer=volunteer)

    assert RoleSignup.objects.active().get().role == second


# --- cancelling ------------------------------------------------------------------------------


def test_cancelling_frees_the_place(activity, make_volunteer):
    role = VolunteerRoleFactory(activity=activity, slots=1)
    first, second = make_volunteer(), make_volunteer()
    signup = actions.role_signup_create(role=role, volunteer=first)

    response = client_for(first.user).post(reverse("volunteers:role_cancel", args=[signup.pk]))

    assert response.status_code == 302
    signup.refresh_from_db()
    assert signup.status == RoleSignup.Status.CANCELLED
    assert signup.cancelled_at is not None
    assert reload(role).taken == 0
    take(client_for(second.user), role)
    assert reload(role).taken == 1
    assert RoleSignup.objects.active().get().volunteer == second


def test_cancelling_twice_frees_one_place(role, make_volunteer):
    first, second = make_volunteer(), make_volunteer()
    signup = actions.role_signup_create(role=role, volunteer=first)
    actions.role_signup_create(role=role, volunteer=second)
    client = client_for(first.user)
    url = reverse("volunteers:role_cancel", args=[signup.pk])

    client.post(url)
    client.post(url)

    assert reload(role).taken == 1


def test_volunteer_cannot_cancel_someone_elses_role(role, make_volunteer):
    owner, stranger = make_volunteer(), make_volunteer()
    signup = actions.role_signup_create(role=role, volunteer=owner)

    response = client_for(stranger.user).post(reverse("volunteers:role_cancel", args=[signup.pk]))

    assert response.status_code == 404
    signup.refresh_from_db()
    assert signup.status == RoleSignup.Status.CONFIRMED


def test_staff_add_a_volunteer_by_phone_and_cancel_them(role, community_staff, volunteer):
    client = client_for(community_staff)

    client.post(reverse("volunteers:role_assign", args=[role.pk]), {"phone": "13800000001"})

    signup = RoleSignup.objects.active().get(role=role)
    assert (signup.volunteer, signup.registered_by) == (volunteer, community_staff)
    assert reload(role).taken == 1

    client.post(reverse("volunteers:role_staff_cancel", args=[signup.pk]))

    signup.refresh_from_db()
    assert signup.status == RoleSignup.Status.CANCELLED
    assert reload(role).taken == 0


def test_staff_cannot_add_a_volunteer_of_another_community(
    role, community_staff, other_community, make_volunteer
):
    outsider = make_volunteer(community=other_community)

    client_for(community_staff).post(
        reverse("volunteers:role_assign", args=[role.pk]), {"phone": outsider.user.phone}
    )

    assert not RoleSignup.objects.exists()


def test_cancelling_the_activity_cancels_roles_and_tells_volunteers(
    activity, community_staff, make_volunteer
):
    role = VolunteerRoleFactory(activity=activity, slots=3)
    other_role = VolunteerRoleFactory(activity=activity, slots=2)
    first, second = make_volunteer(), make_volunteer()
    actions.role_signup_create(role=role, volunteer=first)
    actions.role_signup_create(role=other_role, volunteer=second)
    bystander = make_volunteer()

    activity_actions.activity_cancel(activity=activity, by=community_staff, reason="暴雨预警")

    assert not RoleSignup.objects.active().exists()
    assert set(RoleSignup.objects.values_list("status", flat=True)) == {"cancelled"}
    assert (reload(role).taken, reload(other_role).taken) == (0, 0)
    for person in (first, second):
        notice = Notification.objects.get(user=person.user)
        assert "暴雨预警" in notice.message
        assert notice.url == activity.get_absolute_url()
    assert not Notification.objects.filter(user=bystander.user).exists()


def test_cancelling_the_activity_through_the_staff_page_releases_roles(
    activity, role, community_staff, volunteer
):
    actions.role_signup_create(role=role, volunteer=volunteer)

    client_for(community_staff).post(
        reverse("activities:activity_cancel", args=[activity.pk]), {"reason": "场地维修"}
    )

    activity.refresh_from_db()
    assert activity.status == "cancelled"
    assert reload(role).taken == 0
    assert Notification.objects.filter(user=volunteer.user).exists()


def test_activity_page_shows_the_roles_to_a_volunteer(activity, role, volunteer):
    response = client_for(volunteer.user).get(activity.get_absolute_url())

    assert response.status_code == 200
    content = response.content.decode()
    assert "摆放单车" in content
    assert reverse("volunteers:role_take", args=[role.pk]) in content


def test_activity_page_shows_no_take_button_to_a_pending_volunteer(
    activity, role, resident, community
):
    VolunteerFactory(user=resident, community=community, status="pending")

    response = client_for(resident).get(activity.get_absolute_url())

    assert response.status_code == 200
    assert reverse("volunteers:role_take", args=[role.pk]) not in response.content.decode()


def test_activity_page_with_roles_opens_for_anonymous_visitors(activity, role):
    response = client_for(None).get(activity.get_absolute_url())

    assert response.status_code == 200
    assert "摆放单车" in response.content.decode()


def test_volunteer_cannot_give_up_a_role_once_the_activity_started(
    running_activity, volunteer, community_staff
):
    role = VolunteerRoleFactory(activity=running_activity)
    signup = actions.role_signup_create(role=role, volunteer=volunteer, by=community_staff)

    client_for(volunteer.user).post(reverse("volunteers:role_cancel", args=[signup.pk]))

    signup.refresh_from_db()
    assert signup.status == RoleSignup.Status.CONFIRMED
    assert reload(role).taken == 1

    client_for(community_staff).post(reverse("volunteers:role_staff_cancel", args=[signup.pk]))

    signup.refresh_from_db()
    assert signup.status == RoleSignup.Status.CANCELLED
    assert reload(role).taken == 0


def test_staff_add_volunteers_until_the_activity_ends(running_activity, community_staff, volunteer):
    role = VolunteerRoleFactory(activity=running_activity)

    take(client_for(volunteer.user), role)  # too late for the volunteer themselves
    assert not RoleSignup.objects.exists()

    client_for(community_staff).post(
        reverse("volunteers:role_assign", args=[role.pk]), {"phone": volunteer.user.phone}
    )
    assert RoleSignup.objects.active().get().volunteer == volunteer


def test_moving_the_activity_tells_the_volunteers(activity, role, volunteer, community_staff):
    actions.role_signup_create(role=role, volunteer=volunteer)

    activity_actions.activity_update(
        activity=activity, by=community_staff, changes={"venue": "社区东门广场"}
    )

    notice = Notification.objects.get(user=volunteer.user)
    assert "社区东门广场" in notice.message
    assert RoleSignup.objects.active().filter(volunteer=volunteer).exists()


def test_a_role_given_up_by_everyone_can_be_removed(activity, community_staff):
    role = VolunteerRole.objects.create(
        activity=activity, name="清理站台", slots=2, planned_hours=Decimal("1")
    )
    volunteer = VolunteerFactory(community=activity.community)
    signup = actions.role_signup_create(role=role, volunteer=volunteer)
    actions.role_signup_cancel(signup=signup, by=volunteer.user)

    actions.role_delete(role=role, by=community_staff)

    assert not VolunteerRole.objects.filter(pk=role.pk).exists()
