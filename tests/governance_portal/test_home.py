"""The public home page: activities near the visitor, the latest reports, this year's figures."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, ActivityPhoto, Tree
from governance_portal.headlines import street_headlines, thumbnail_size
from tests.activities.factories import ActivityFactory
from tests.conftest import client_for
from tests.factories import CommunityFactory, ResidentProfileFactory, UserFactory
from tests.volunteers.factories import ServiceRecordFactory, VolunteerFactory, verified
from volunteers.models import ServiceRecord

pytestmark = pytest.mark.django_db

HOME = reverse("home")
YEAR = timezone.localdate().year


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def held(community, starts_at: datetime, **fields) -> Activity:
    """An activity of ``community`` (``None`` with ``street=``: street-wide) at ``starts_at``."""
    return ActivityFactory(
        community=community, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), **fields
    )


def in_days(days: int) -> datetime:
    return timezone.now() + timedelta(days=days)


def make_tree(community, *, adopter=None, status=Tree.Status.HEALTHY) -> Tree:
    return Tree.objects.create(
        community=community,
        name=f"同心树 {Tree.objects.count() + 1}号",
        species="银杏",
        planted_on=date(YEAR, 1, 1),
        care_due_at=timezone.now() + timedelta(days=14),
        created_by=UserFactory(),
        adopter=adopter,
        status=status,
    )


def add_photo(activity, name: str, *, caption: str = "", width: int = 1200, height: int = 900):
    return ActivityPhoto.objects.create(
        activity=activity,
        image=f"activities/{name}.jpg",
        thumbnail=f"activities/{name}_thumb.jpg",
        width=width,
        height=height,
        caption=caption,
        uploaded_by=activity.created_by,
    )


def reported(community, title: str, *, days_ago: int = 3) -> Activity:
    starts_at = timezone.now() - timedelta(days=days_ago)
    return held(
        community,
        starts_at,
        title=title,
        status=Activity.Status.COMPLETED,
        report="五十多位居民一起在小区东侧绿地种下了二十棵银杏树，孩子们给每棵树挂上了名牌。" * 3,
    )


# --- Headline figures ----------------------------------------------------------------------


def test_headline_figures_count_only_this_years_real_activities_hours_and_adopted_trees(
    community, sibling_community, other_community
):
    street, other_street = community.street, other_community.street
    # Activities: the community's and a street-wide one count, from the first minute of the year.
    held(community, at(YEAR, 1, 1, 0, 0))
    held(None, at(YEAR, 1, 2), street=street, status=Activity.Status.COMPLETED)
    held(sibling_community, at(YEAR, 1, 3))
    held(community, at(YEAR, 1, 4), status=Activity.Status.DRAFT)
    held(community, at(YEAR, 1, 5), status=Activity.Status.CANCELLED)
    held(community, at(YEAR - 1, 12, 31, 21, 30))
    held(other_community, at(YEAR, 1, 6))
    # Hours: only verified records served this year, by the record's street.
    volunteer = VolunteerFactory(community=community)
    verified(volunteer, "2.5", served_on=date(YEAR, 1, 1))
    verified(volunteer, "1.25", served_on=date(YEAR, 1, 1))
    verified(volunteer, "8", served_on=date(YEAR - 1, 12, 31))
    ServiceRecordFactory(volunteer=volunteer, hours=3, served_on=date(YEAR, 1, 1))
    ServiceRecordFactory(
        volunteer=volunteer,
        hours=3,
        served_on=date(YEAR, 1, 1),
        status=ServiceRecord.Status.REJECTED,
        decision_reason="时间对不上",
    )
    verified(VolunteerFactory(community=other_community), "7", served_on=date(YEAR, 1, 1))
    # Trees: only those with a current adopter count (lost and replaced ones have none).
    make_tree(community, adopter=UserFactory())
    make_tree(sibling_community, adopter=UserFactory())
    make_tree(community)
    make_tree(community, status=Tree.Status.LOST)
    make_tree(community, adopter=UserFactory(), status=Tree.Status.REPLACED)
    make_tree(other_community, adopter=UserFactory())

    figures = {headline.street: headline for headline in street_headlines()}

    assert (figures[street].activities, figures[street].trees_adopted) == (3, 2)
    assert figures[street].volunteer_hours == Decimal("3.75")
    assert (figures[other_street].activities, figures[other_street].trees_adopted) == (1, 1)
    assert figures[other_street].volunteer_hours == Decimal("7")
    assert figures[street].year == YEAR


def test_a_street_with_nothing_this_year_shows_zeros(street):
    [headline] = street_headlines()

    assert (headline.activities, headline.volunteer_hours, headline.trees_adopted) == (0, 0, 0)


def test_the_residents_street_comes_first(client, street, other_street):
    resident = ResidentProfileFactory(community=CommunityFactory(street=other_street)).user

    anonymous = client.get(HOME).context["headlines"]
    as_resident = client_for(resident).get(HOME).context["headlines"]

    assert [h.street for h in anonymous] == [street, other_street]  # by name
    assert [h.street for h in as_resident] == [other_street, street]
    assert as_resident[0].is_mine and not any(h.is_mine for h in anonymous)
    assert [h.street for h in street_headlines(first_street_id=other_street.pk)] == [
        other_street,
        street,
    ]


def test_home_page_shows_the_figures(client, community):
    for day in range(1, 4):
        held(community, at(YEAR, 1, day))
    verified(VolunteerFactory(community=community), "12.5", served_on=date(YEAR, 1, 1))

    page = client.get(HOME).content.decode()

    assert 'class="headline-number mb-0 order-1">3</dd>' in page
    assert 'class="headline-number mb-0 order-1">12.5</dd>' in page
    assert 'class="headline-number mb-0 order-1">0</dd>' in page


# --- Upcoming activities near you ----------------------------------------------------------


@pytest.fixture
def spread(community, sibling_community, other_community):
    """Upcoming activities: another street's soonest, then the sibling's, then the resident's
    community's, then one street-wide of the resident's street."""
    return {
        "other": held(other_community, in_days(1), title="北辰社区义诊"),
        "sibling": held(sibling_community, in_days(2), title="向西街读书会"),
        "own": held(community, in_days(3), title="恒大社区绿植领养"),
        "street": held(None, in_days(4), street=community.street, title="水泊寺街道消防演练"),
        "draft": held(community, in_days(1), title="草稿活动", status=Activity.Status.DRAFT),
    }


def test_anonymous_visitors_see_all_upcoming_activities_soonest_first(client, spread):
    response = client.get(HOME)

    assert response.context["near"] is None
    assert response.context["upcoming"] == [
        spread["other"],
        spread["sibling"],
        spread["own"],
        spread["street"],
    ]
    assert "草稿活动" not in response.content.decode()


def test_resident_sees_own_community_and_street_wide_activities_first(resident, spread):
    response = client_for(resident).get(HOME)
    page = response.content.decode()

    assert response.context["upcoming_near"] == [spread["own"], spread["street"]]
    assert response.context["upcoming"] == [spread["other"], spread["sibling"]]
    assert (
        page.index("恒大社区绿植领养")
        < page.index("水泊寺街道消防演练")
        < page.index("北辰社区义诊")
    )
    assert (
        f"{reverse('activities:activity_list')}?community={resident.resident_profile.community.pk}"
        in page
    )


def test_anyone_may_choose_a_community(client, resident, spread, other_community):
    for visitor in (client, client_for(resident)):
        response = visitor.get(HOME, {"community": str(other_community.pk)})

        assert response.status_code == 200
        assert response.context["near"] == other_community
        assert response.context["upcoming_near"] == [spread["other"]]
        page = response.content.decode()
        assert f'<option value="{other_community.pk}" selected>' in page
        assert f"?community={other_community.pk}" in page


def test_community_chooser_lists_communities_grouped_by_street(client, spread, other_community):
    page = client.get(HOME).content.decode()

    assert (
        '<select class="form-select form-select-lg" id="near-community" name="community">' in page
    )
    assert f'<optgroup label="{other_community.street.name}">' in page
    assert f'<option value="{other_community.pk}">北辰社区</option>' in page


@pytest.mark.parametrize(
    "value", ["", "abc", "٣", "１", "-1", "1.0", " 1", "1 ", "99999", "9" * 40, "0x1", "1\x00"]
)
def test_bad_community_choices_are_ignored(client, resident, spread, value):
    anonymous = client.get(HOME, {"community": value})
    as_resident = client_for(resident).get(HOME, {"community": value})

    assert anonymous.status_code == as_resident.status_code == 200
    assert anonymous.context["near"] is None and not anonymous.context["community_chosen"]
    assert as_resident.context["near"] == resident.resident_profile.community


def test_nothing_near_still_shows_the_rest(client, sibling_community, other_community):
    activity = held(other_community, in_days(1), title="北辰社区义诊")

    response = client.get(HOME, {"community": str(sibling_community.pk)})

    assert response.context["upcoming_near"] == []
    assert response.context["upcoming"] == [activity]
    assert "北辰社区义诊" in response.content.decode()


def test_at_most_six_upcoming_activities(client, community):
    for day in range(1, 10):
        held(community, in_days(day))

    response = client.get(HOME, {"community": str(community.pk)})

    assert len(response.context["upcoming_near"]) + len(response.context["upcoming"]) == 6


# --- Latest reports --------------------------------------------------------------------------


def test_reports_show_the_first_photos_thumbnail_or_none(client, community, other_community):
    with_photos = reported(community, "春季绿植领养", days_ago=2)
    add_photo(with_photos, "first", caption="孩子们挂名牌")
    add_photo(with_photos, "second", caption="合影")
    without = reported(other_community, "北辰社区义诊", days_ago=1)
    uncaptioned = reported(community, "消防演练", days_ago=5)
    add_photo(uncaptioned, "drill", width=900, height=1600)
    held(
        community,
        timezone.now() - timedelta(days=1),
        status=Activity.Status.COMPLETED,
        title="没有报道的活动",
    )
    held(community, in_days(2), title="即将开展", report="预告")

    response = client.get(HOME)
    page = response.content.decode()

    cards = response.context["reports"]
    assert [card.activity for card in cards] == [without, with_photos, uncaptioned]
    assert cards[0].thumbnail_url == "" and "北辰社区义诊" in page
    assert (
        '<img class="card-img-top report-card-image" src="/media/activities/first_thumb.jpg" '
        'alt="孩子们挂名牌" width="480" height="360" loading="lazy">'
    ) in page
    assert "second_thumb" not in page
    assert 'src="/media/activities/drill_thumb.jpg" alt="" width="270" height="480"' in page
    assert "没有报道的活动" not in page
    assert "五十多位居民一起在小区东侧绿地种下了" in page
    assert with_photos.report not in page  # an excerpt only


def test_thumbnail_size_fits_the_box_and_keeps_the_ratio():
    assert thumbnail_size(1200, 900) == (480, 360)
    assert thumbnail_size(300, 200) == (300, 200)
    assert thumbnail_size(0, 0) == (None, None)


# --- Query counts ----------------------------------------------------------------------------


def build(size: int, resident_community) -> None:
    """``size`` streets with a community each, and in each: an upcoming activity, a reported one
    with two photos, a verified record and an adopted tree; plus ``size`` activities, reports
    and photos in the resident's community."""
    for index in range(size):
        for community in (CommunityFactory(), resident_community):
            held(community, in_days(index + 1))
            done = reported(community, f"报道{community.pk}-{index}", days_ago=index + 1)
            add_photo(done, f"p{done.pk}a", caption="合影")
            add_photo(done, f"p{done.pk}b")
        verified(VolunteerFactory(), "2", served_on=timezone.localdate())
        make_tree(CommunityFactory(), adopter=UserFactory())
    held(None, in_days(1), street=resident_community.street)


def test_anonymous_home_page_runs_four_queries_at_any_size(
    client, community, django_assert_num_queries
):
    build(2, community)
    with django_assert_num_queries(4):
        assert client.get(HOME).status_code == 200
    build(10, community)
    with django_assert_num_queries(4):
        assert client.get(HOME, {"community": str(community.pk)}).status_code == 200


def test_resident_home_page_runs_the_same_queries_at_any_size(
    resident, community, django_assert_num_queries
):
    client = client_for(resident)
    client.get(HOME)  # the session is warm
    build(2, community)
    # Session, user (knowing it holds no staff post), profile, streets, communities,
    # activities, reports.
    with django_assert_num_queries(7) as small:
        response = client.get(HOME)
    assert response.context["upcoming_near"]
    build(10, community)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(HOME)
    assert len(response.context["reports"]) == 6
    assert len(response.context["headlines"]) == 1 + 3 * 12
