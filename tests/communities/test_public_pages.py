import pytest
from django.urls import reverse

from tests.factories import CommunityFactory, CompoundFactory, StreetFactory


def build(streets: int, communities_each: int, compounds_each: int) -> None:
    for _ in range(streets):
        street = StreetFactory()
        for _ in range(communities_each):
            community = CommunityFactory(street=street)
            CompoundFactory.create_batch(compounds_each, community=community)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["home", "communities:street_list"])
def test_directory_pages_run_a_fixed_number_of_queries(client, name, django_assert_max_num_queries):
    build(1, 1, 1)
    with django_assert_max_num_queries(4) as small:
        client.get(reverse(name))
    build(6, 5, 3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse(name))
    assert response.status_code == 200


@pytest.mark.django_db
def test_community_page_shows_office_and_compounds(client, community):
    community.office_hours = "周一至周五 8:30–17:30"
    community.save()
    CompoundFactory(community=community, name="高寒所小区")

    page = client.get(community.get_absolute_url()).content.decode()

    assert "恒大社区" in page
    assert "高寒所小区" in page
    assert "周一至周五 8:30–17:30" in page
    assert "水泊寺街道" in page


@pytest.mark.django_db
def test_community_page_queries_do_not_grow_with_compounds(
    client, community, django_assert_max_num_queries
):
    CompoundFactory(community=community)
    with django_assert_max_num_queries(10) as small:
        client.get(community.get_absolute_url())
    CompoundFactory.create_batch(20, community=community)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(community.get_absolute_url())


@pytest.mark.django_db
def test_street_page_lists_its_communities(client, community, sibling_community, other_community):
    page = client.get(community.street.get_absolute_url()).content.decode()

    assert "恒大社区" in page and "向西街社区" in page
    assert "北辰社区" not in page


@pytest.mark.django_db
def test_unknown_community_is_404(client):
    assert client.get(reverse("communities:community_detail", args=[999])).status_code == 404


@pytest.mark.django_db
def test_public_pages_show_no_personal_data(client, resident, community):
    page = client.get(community.get_absolute_url()).content.decode()

    assert resident.phone not in page
    assert resident.name not in page
