"""The staff workspace: what community and street staff do with their own communities."""

import pytest
from django.urls import reverse

from communities.models import Compound
from tests.conftest import client_for
from tests.factories import CompoundFactory, ResidentProfileFactory


def test_community_staff_see_only_their_community_in_the_workspace(
    community_staff, community, other_community
):
    page = client_for(community_staff).get(reverse("communities:community_list")).content.decode()

    assert community.name in page
    assert other_community.name not in page


def test_street_staff_see_all_their_streets_communities(
    street_staff, community, sibling_community, other_community
):
    page = client_for(street_staff).get(reverse("communities:community_list")).content.decode()

    assert community.name in page and sibling_community.name in page
    assert other_community.name not in page


def test_resident_gets_403_for_the_workspace(resident):
    assert client_for(resident).get(reverse("communities:community_list")).status_code == 403


def test_staff_update_their_communitys_office_details(community_staff, community):
    url = reverse("communities:community_update", args=[community.pk])

    response = client_for(community_staff).post(
        url,
        {
            "office_address": "恒大社区居委会一楼",
            "office_hours": "周一至周五 8:30–17:30",
            "office_phone": "0352-1234567",
            "introduction": "",
        },
    )

    assert response.status_code == 302
    community.refresh_from_db()
    assert community.office_address == "恒大社区居委会一楼"


def test_too_long_office_address_is_a_form_error(community_staff, community):
    url = reverse("communities:community_update", args=[community.pk])

    response = client_for(community_staff).post(url, {"office_address": "长" * 201})

    assert response.status_code == 200
    assert response.context["form"].errors["office_address"]
    community.refresh_from_db()
    assert community.office_address != "长" * 201


def test_staff_add_a_compound(community_staff, community):
    url = reverse("communities:compound_create", args=[community.pk])

    response = client_for(community_staff).post(url, {"name": "高寒所小区", "address": ""})

    assert response.status_code == 302
    assert Compound.objects.get(name="高寒所小区").community == community


def test_duplicate_compound_name_is_a_form_error(community_staff, community):
    CompoundFactory(community=community, name="高寒所小区")
    url = reverse("communities:compound_create", args=[community.pk])

    response = client_for(community_staff).post(url, {"name": "高寒所小区"})

    assert response.status_code == 200
    assert "该社区已有同名小区" in response.content.decode()
    assert Compound.objects.filter(name="高寒所小区").count() == 1


def test_staff_rename_a_compound(community_staff, community):
    compound = CompoundFactory(community=community, name="旧名")
    url = reverse("communities:compound_update", args=[compound.pk])

    client_for(community_staff).post(url, {"name": "新名"})

    compound.refresh_from_db()
    assert compound.name == "新名"
    assert compound.community == community


def test_resident_list_masks_phones(community_staff, community, resident):
    url = reverse("communities:resident_list", args=[community.pk])

    page = client_for(community_staff).get(url).content.decode()

    assert resident.name in page
    assert "138****0001" in page
    assert resident.phone not in page


def test_resident_list_searches_by_last_four_digits(community_staff, community, resident):
    ResidentProfileFactory(community=community, user__name="陈建国", user__phone="13911112222")
    url = reverse("communities:resident_list", args=[community.pk])

    page = client_for(community_staff).get(url, {"q": "0001"}).content.decode()

    assert "刘芳" in page and "陈建国" not in page


def test_resident_list_filter_rejects_another_communitys_compound(
    community_staff, community, other_community
):
    foreign = CompoundFactory(community=other_community)
    url = reverse("communities:resident_list", args=[community.pk])

    response = client_for(community_staff).get(url, {"compound": foreign.pk})

    assert response.status_code == 200
    assert response.context["filter"].errors


@pytest.mark.parametrize("page", ["1", "999", "abc"])
def test_resident_list_bad_page_is_not_a_500(community_staff, community, page):
    url = reverse("communities:resident_list", args=[community.pk])

    response = client_for(community_staff).get(url, {"page": page})

    assert response.status_code in {200, 404}


def test_resident_list_queries_stay_flat(community_staff, community, django_assert_max_num_queries):
    url = reverse("communities:resident_list", args=[community.pk])
    client = client_for(community_staff)
    ResidentProfileFactory(community=community)
    with django_assert_max_num_queries(12) as small:
        client.get(url)
    ResidentProfileFactory.create_batch(30, community=community)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_street_staff_edit_their_street_office(street_staff, street):
    url = reverse("communities:street_update", args=[street.pk])

    response = client_for(street_staff).post(
        url, {"office_address": "水泊寺街道办事处二楼", "office_hours": "", "office_phone": ""}
    )

    assert response.status_code == 302
    street.refresh_from_db()
    assert street.office_address == "水泊寺街道办事处二楼"
