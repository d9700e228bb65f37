"""Querysets compiled once per process (governance_portal.prepared), and the two hot queries that
use them: the session's user and a resident's own signup on an activity's page."""

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.test import Client

from activities import actions
from activities.models import Signup
from activities.views.public import VIEWERS_SIGNUP
from communities.backends import SESSION_USER
from communities.models import StaffAssignment
from governance_portal.prepared import PreparedQuery
from tests.activities.factories import ActivityFactory
from tests.conftest import client_for
from tests.factories import ResidentProfileFactory


def test_the_session_user_is_the_orms_with_true_booleans(resident, community_staff):
    for user, staff, lives_here in ((resident, False, True), (community_staff, True, False)):
        prepared = SESSION_USER.first(pk=user.pk)
        assert prepared == user
        assert prepared.username == user.username
        assert prepared.holds_staff_post is staff  # a bool on SQLite too, not 0 or 1
        assert prepared.has_resident_profile is lives_here
        assert prepared.date_joined == user.date_joined  # converted like the ORM's
        assert prepared.date_joined.tzinfo is not None


def test_an_ended_post_is_seen_at_once(community_staff):
    assert SESSION_USER.first(pk=community_staff.pk).holds_staff_post is True
    StaffAssignment.objects.filter(user=community_staff).update(ended_on="2026-01-01")
    assert SESSION_USER.first(pk=community_staff.pk).holds_staff_post is False


def test_an_unknown_id_finds_nobody(db):
    assert SESSION_USER.first(pk=987654) is None


def test_it_is_built_once_and_run_with_each_requests_ids(resident, community_staff):
    built = []

    def build(pk):
        built.append(pk)
        return get_user_model().objects.filter(pk=pk).order_by("pk")

    query = PreparedQuery(build, "pk")
    assert query.first(pk=resident.pk) == resident
    assert query.first(pk=community_staff.pk) == community_staff
    assert [row.pk for row in query.run(pk=resident.pk)] == [resident.pk]
    assert len(built) == 1  # compiled with a stand-in, never again


def test_it_takes_only_the_integer_ids_it_was_made_for(db):
    query = PreparedQuery(lambda pk: get_user_model().objects.filter(pk=pk), "pk")
    with pytest.raises(TypeError):
        query.run(pk="1")
    with pytest.raises(TypeError):
        query.run()
    with pytest.raises(TypeError):
        query.run(pk=1, other=2)


def test_it_refuses_what_it_cannot_rebuild(db):
    related = PreparedQuery(
        lambda pk: Signup.objects.select_related("activity").filter(pk=pk), "pk"
    )
    with pytest.raises(ValueError, match="related"):
        related.run(pk=1)
    unused = PreparedQuery(lambda pk, other: get_user_model().objects.filter(pk=pk), "pk", "other")
    with pytest.raises(ValueError, match="other"):
        unused.run(pk=1, other=2)


def test_the_viewers_signup_carries_its_waitlist_position(community):
    activity = ActivityFactory(community=community, capacity=1)
    first, second, third = (ResidentProfileFactory(community=community).user for _ in range(3))
    for person in (first, second, third):
        actions.signup_create(activity=activity, resident=person)

    assert VIEWERS_SIGNUP.first(activity=activity.pk, resident=first.pk).status == "confirmed"
    waiting = VIEWERS_SIGNUP.first(activity=activity.pk, resident=third.pk)
    assert (waiting.status, waiting.waitlist_position) == ("waitlisted", 2)
    assert VIEWERS_SIGNUP.first(activity=activity.pk + 1, resident=first.pk) is None


@pytest.mark.parametrize("stored", [12345678901234567890123, -1, 0])
def test_a_session_with_an_impossible_user_id_is_a_visitor(resident, stored):
    client = client_for(resident)
    session = client.session
    session[SESSION_KEY] = stored
    session.save()
    page = client.get("/activities/")
    assert page.status_code == 200
    assert resident.username not in page.content.decode()
    assert Client().get("/activities/").status_code == 200
