from django.contrib.auth.models import AnonymousUser

from communities.models import Community
from communities.permissions import scope_for
from tests.factories import StaffAssignmentFactory


def test_community_staff_act_on_their_community_only(community_staff, community, other_community):
    scope = scope_for(community_staff)

    assert scope.community_ids == {community.pk}
    assert not scope.is_street_staff
    assert list(Community.objects.in_scope(scope)) == [community]


def test_street_staff_act_on_every_community_of_their_street(
    street_staff, community, sibling_community, other_community
):
    scope = scope_for(street_staff)

    assert scope.is_street_staff
    assert scope.community_ids == {community.pk, sibling_community.pk}
    assert not scope.covers_community(other_community.pk)


def test_resident_and_anonymous_have_no_scope(resident):
    assert not scope_for(resident).is_staff
    assert not scope_for(AnonymousUser()).is_staff


def test_superuser_acts_on_everything(admin_user, community, other_community):
    scope = scope_for(admin_user)

    assert scope.everything
    assert Community.objects.in_scope(scope).count() == 2


def test_ended_assignment_gives_no_scope(community):
    assignment = StaffAssignmentFactory(community=community, ended_on="2026-01-01")

    assert not scope_for(assignment.user).is_staff


def test_scope_is_computed_once_per_user_object(community_staff, django_assert_num_queries):
    with django_assert_num_queries(1):
        scope_for(community_staff)
        scope_for(community_staff)
