"""Star levels (星级志愿者) from verified hours, a street's own thresholds, the public ranking."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import StaffAssignmentFactory
from tests.volunteers.factories import ServiceRecordFactory, VolunteerFactory, verified
from volunteers.models import DEFAULT_STAR_THRESHOLDS, StarPolicy, star_level

ME = reverse("volunteers:me")
RANKING = reverse("volunteers:ranking")
STARS = re.compile(r'class="volunteer-stars"[^>]*>(.*?)</span>', re.S)


def stars_shown(response) -> int:
    """The filled stars in the page's star box (★ filled, ☆ empty)."""
    box = STARS.search(response.content.decode())
    assert box is not None
    assert box.group(1).count("★") + box.group(1).count("☆") == 5
    return box.group(1).count("★")


@pytest.mark.parametrize(
    ("hours", "stars"),
    [
        ("0", 0),
        ("99.99", 0),
        ("100", 1),
        ("299.99", 1),
        ("300", 2),
        ("600", 3),
        ("999.99", 3),
        ("1000", 4),
        ("1499.99", 4),
        ("1500", 5),
        ("9000", 5),
    ],
)
def test_star_level_thresholds(hours, stars):
    assert star_level(Decimal(hours)) == stars
    assert star_level(Decimal(hours), DEFAULT_STAR_THRESHOLDS) == stars


def test_no_hours_is_no_star():
    assert star_level(None) == 0


@pytest.mark.parametrize(("hours", "stars"), [("99.99", 0), ("100.00", 1), ("1500", 5)])
def test_my_volunteering_shows_the_stars(volunteer, hours, stars):
    verified(volunteer, Decimal(hours) - Decimal("0.99"))
    verified(volunteer, "0.99")
    ServiceRecordFactory(volunteer=volunteer, hours=Decimal("50"))  # pending: no stars
    ServiceRecordFactory(
        volunteer=volunteer, hours=Decimal("50"), status="rejected", decision_reason="不实"
    )

    response = client_for(volunteer.user).get(ME)

    assert response.status_code == 200
    assert response.context["stars"].level == stars
    assert response.context["totals"].verified == Decimal(hours)
    assert stars_shown(response) == stars


def test_staff_see_the_stars_on_the_volunteer_page(volunteer, community_staff):
    verified(volunteer, "320")

    response = client_for(community_staff).get(
        reverse("volunteers:manage_detail", args=[volunteer.pk])
    )

    assert response.status_code == 200
    assert stars_shown(response) == 2


# --- a street's own thresholds ---------------------------------------------------------------


def policy_data(*values) -> dict:
    return dict(zip(StarPolicy.FIELDS, (str(v) for v in values), strict=True))


def test_street_staff_set_their_streets_thresholds(street, street_staff, volunteer):
    verified(volunteer, "15")
    url = reverse("volunteers:star_policy", args=[street.pk])
    client = client_for(street_staff)
    assert client.get(url).status_code == 200

    response = client.post(url, policy_data(10, 20, 40, 80, 160))

    assert response.status_code == 302
    policy = StarPolicy.objects.get(street=street)
    assert policy.thresholds == tuple(Decimal(v) for v in (10, 20, 40, 80, 160))
    assert policy.updated_by == street_staff
    me = client_for(volunteer.user).get(ME)
    assert me.context["stars"].level == 1
    assert stars_shown(me) == 1


def test_the_policy_of_one_street_leaves_others_on_the_default(
    other_street, other_community, volunteer, admin_user
):
    outsider = VolunteerFactory(community=other_community)
    verified(outsider, "15")
    verified(volunteer, "15")

    client_for(admin_user).post(
        reverse("volunteers:star_policy", args=[other_street.pk]), policy_data(10, 20, 30, 40, 50)
    )

    assert client_for(outsider.user).get(ME).context["stars"].level == 1
    assert client_for(volunteer.user).get(ME).context["stars"].level == 0


def test_saving_again_updates_the_same_policy(street, street_staff):
    url = reverse("volunteers:star_policy", args=[street.pk])
    client = client_for(street_staff)
    client.post(url, policy_data(10, 20, 40, 80, 160))

    client.post(url, policy_data(50, 150, 300, 500, 750))

    assert StarPolicy.objects.count() == 1
    assert StarPolicy.objects.get().five_stars == Decimal("750")


@pytest.mark.parametrize(
    "values",
    [(10, 20, 20, 80, 160), (10, 30, 20, 80, 160), (0, 20, 40, 80, 160), (100, 90, 80, 70, 60)],
)
def test_thresholds_must_increase(street, street_staff, values):
    url = reverse("volunteers:star_policy", args=[street.pk])

    response = client_for(street_staff).post(url, policy_data(*values))

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not StarPolicy.objects.exists()


def test_community_staff_cannot_change_the_thresholds(street, community_staff):
    url = reverse("volunteers:star_policy", args=[street.pk])
    client = client_for(community_staff)

    assert client.get(url).status_code == 403
    assert client.post(url, policy_data(10, 20, 40, 80, 160)).status_code == 403
    assert not StarPolicy.objects.exists()


def test_street_staff_of_another_street_get_404(street, other_street):
    other = StaffAssignmentFactory(street=other_street, community=None).user
    url = reverse("volunteers:star_policy", args=[street.pk])

    assert client_for(other).post(url, policy_data(10, 20, 40, 80, 160)).status_code == 404
    assert not StarPolicy.objects.exists()


# --- the ranking -----------------------------------------------------------------------------


def ranking(community, client=None):
    client = client or client_for(None)
    return client.get(RANKING, {"unit": f"c-{community.pk}"})


def test_ranking_is_public_and_shows_surnames_only(volunteer, community):
    verified(volunteer, "12.5")

    response = ranking(community)

    assert response.status_code == 200
    content = response.content.decode()
    assert "刘*" in content
    assert "刘芳" not in content
    assert "12.50" in content


def test_volunteer_may_show_their_full_name(volunteer, community):
    verified(volunteer, "12.5")

    client_for(volunteer.user).post(reverse("volunteers:ranking_name"), {"full_name": "on"})

    volunteer.refresh_from_db()
    assert volunteer.full_name_in_ranking is True
    assert "刘芳" in ranking(community).content.decode()


def test_ranking_leaves_out_unapproved_and_zero_hour_volunteers(community, make_volunteer):
    shown = make_volunteer()
    verified(shown, "3")
    pending = make_volunteer(status="pending")
    verified(pending, "30")
    left = make_volunteer(status="left")
    verified(left, "30")
    idle = make_volunteer()
    ServiceRecordFactory(volunteer=idle, hours=Decimal("8"))  # pending hours only

    response = ranking(community)

    assert [row.pk for row in response.context["rows"]] == [shown.pk]


def test_ranking_orders_by_verified_hours(community, make_volunteer, resident):
    names = {"王建军": "150", "李秀兰": "9.5", "张志强": "88", "赵红梅": "88.01"}
    people = {}
    for name, hours in names.items():
        volunteer = make_volunteer(full_name_in_ranking=True)
        volunteer.user.name = name
        volunteer.user.save(update_fields=["name"])
        verified(volunteer, hours)
        people[name] = volunteer
    ServiceRecordFactory(volunteer=people["李秀兰"], hours=Decimal("500"))  # pending

    response = ranking(community)

    order = ["王建军", "赵红梅", "张志强", "李秀兰"]
    assert [row.pk for row in response.context["rows"]] == [people[n].pk for n in order]
    content = response.content.decode()
    positions = [content.index(name) for name in order]
    assert positions == sorted(positions)


def test_ranking_of_a_community_leaves_out_other_communities(
    community, sibling_community, street, volunteer, make_volunteer
):
    verified(volunteer, "5")
    neighbour = make_volunteer(community=sibling_community)
    verified(neighbour, "7")

    assert [r.pk for r in ranking(community).context["rows"]] == [volunteer.pk]
    by_street = client_for(None).get(RANKING, {"unit": f"s-{street.pk}"})
    assert [r.pk for r in by_street.context["rows"]] == [neighbour.pk, volunteer.pk]


def test_ranking_survives_a_nonsense_unit(volunteer):
    verified(volunteer, "5")

    for unit in ["c-999999", "x-1", "c-", "s-abc", ""]:
        assert client_for(None).get(RANKING, {"unit": unit}).status_code == 200
