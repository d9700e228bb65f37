"""Staff verify residents' special groups (who may get free home visits), and revoke them."""

import pytest
from django.urls import reverse

from communities.models import SpecialGroup
from tests.conftest import client_for
from tests.factories import ResidentProfileFactory

pytestmark = pytest.mark.django_db


def page(profile) -> str:
    return reverse("communities:special_groups", args=[profile.pk])


@pytest.fixture
def profile(resident):
    return resident.resident_profile


def test_staff_record_a_verified_group(community_staff, profile):
    response = client_for(community_staff).post(
        page(profile), {"group": "elderly_80", "proof_seen": "身份证"}
    )

    assert response.status_code == 302
    special = SpecialGroup.objects.get()
    assert (special.resident, special.group, special.verified_by, special.proof_seen) == (
        profile.user,
        "elderly_80",
        community_staff,
        "身份证",
    )


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"group": "vip", "proof_seen": "身份证"},
        {"group": "elderly_80", "proof_seen": ""},
        {"group": "elderly_80", "proof_seen": "身份证 140202194401011234"},
        {"group": "elderly_80", "proof_seen": "长" * 101},
    ],
)
def test_bad_input_is_a_form_message_and_records_nothing(community_staff, profile, data):
    response = client_for(community_staff).post(page(profile), data)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not SpecialGroup.objects.exists()


def test_the_same_group_twice_is_a_form_message(community_staff, profile):
    client = client_for(community_staff)
    client.post(page(profile), {"group": "disabled", "proof_seen": "残疾人证"})
    response = client.post(page(profile), {"group": "disabled", "proof_seen": "残疾人证"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() or response.context["form"].errors
    assert SpecialGroup.objects.count() == 1


def test_staff_revoke_a_group_and_the_row_stays(community_staff, profile):
    client = client_for(community_staff)
    client.post(page(profile), {"group": "elderly_80", "proof_seen": "身份证"})
    special = SpecialGroup.objects.get()

    response = client.post(
        reverse("communities:special_group_revoke", args=[profile.pk, special.pk])
    )

    assert response.status_code == 302
    assert SpecialGroup.objects.get().revoked_at is not None
    assert not SpecialGroup.objects.current().exists()
    # A revoked group may be recorded again later.
    client.post(page(profile), {"group": "elderly_80", "proof_seen": "身份证"})
    assert SpecialGroup.objects.current().count() == 1


def test_another_communitys_resident_is_404(
    other_community_staff, sibling_community_staff, profile
):
    for staff in (other_community_staff, sibling_community_staff):
        client = client_for(staff)
        assert client.get(page(profile)).status_code == 404
        response = client.post(page(profile), {"group": "elderly_80", "proof_seen": "身份证"})
        assert response.status_code == 404
    assert not SpecialGroup.objects.exists()


def test_revoking_a_group_of_another_resident_through_the_url_is_404(
    community_staff, community, profile
):
    other = ResidentProfileFactory(community=community)
    special = SpecialGroup.objects.create(
        resident=other.user, group="elderly_80", verified_by=community_staff
    )
    response = client_for(community_staff).post(
        reverse("communities:special_group_revoke", args=[profile.pk, special.pk])
    )
    assert response.status_code == 404
    assert SpecialGroup.objects.get().revoked_at is None


def test_residents_get_403_and_anonymous_visitors_login(resident, profile):
    assert client_for(resident).get(page(profile)).status_code == 403
    assert client_for(None).get(page(profile)).status_code == 302


def test_street_staff_verify_in_their_street(street_staff, profile):
    client_for(street_staff).post(page(profile), {"group": "elderly_80", "proof_seen": "身份证"})
    assert SpecialGroup.objects.count() == 1


def test_resident_list_links_to_special_groups(community_staff, community, profile):
    response = client_for(community_staff).get(
        reverse("communities:resident_list", args=[community.pk])
    )
    assert page(profile).encode() in response.content
