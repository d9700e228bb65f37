"""The public activity list, detail page, news feed and calendar files."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from activities import actions
from activities.models import Activity, ActivityPartner, ActivityPhoto
from tests.activities.factories import ActivityFactory
from tests.conftest import client_for
from tests.factories import CommunityFactory, ResidentProfileFactory

LIST = reverse("activities:activity_list")


def titles(response) -> list[str]:
    return [activity.title for activity in response.context["object_list"]]


@pytest.fixture
def month(community, other_community):
    """A small month of activities in two streets."""
    soon = timezone.now() + timedelta(days=2)
    return {
        "trees": ActivityFactory(
            community=community, title="春季绿植领养", kind="tree_adoption", starts_at=soon
        ),
        "reading": ActivityFactory(
            community=other_community,
            title="读书会",
            kind="reading_club",
            audience="elderly",
            starts_at=soon + timedelta(days=10),
        ),
        "full": ActivityFactory(community=community, title="已满的活动", kind="other", capacity=1),
        "draft": ActivityFactory(community=community, title="草稿活动", status="draft"),
        "past": ActivityFactory(
            community=community,
            title="上个月的活动",
            starts_at=timezone.now() - timedelta(days=30),
            ends_at=timezone.now() - timedelta(days=30) + timedelta(hours=2),
        ),
    }


def fill(activity):
    resident = ResidentProfileFactory(community=activity.community).user
    actions.signup_create(activity=activity, resident=resident, party_size=activity.capacity)


def test_list_shows_upcoming_published_activities_only(client, month):
    shown = titles(client.get(LIST))

    assert set(shown) == {"春季绿植领养", "读书会", "已满的活动"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "tree_adoption"}, {"春季绿植领养"}),
        ({"audience": "elderly"}, {"读书会"}),
        ({"q": "绿植"}, {"春季绿植领养"}),
        ({"has_places": "on"}, {"春季绿植领养", "读书会"}),
    ],
)
def test_list_filters(client, month, query, expected):
    fill(month["full"])

    assert set(titles(client.get(LIST, query))) == expected


def test_list_filters_by_street_and_community(client, month, community, other_community):
    assert titles(client.get(LIST, {"community": other_community.pk})) == ["读书会"]
    assert "读书会" not in titles(client.get(LIST, {"street": community.street_id}))


def test_list_date_range_reaches_the_past(client, month):
    day = timezone.localdate() - timedelta(days=30)

    shown = titles(client.get(LIST, {"date_from": day.isoformat(), "date_to": day.isoformat()}))

    assert shown == ["上个月的活动"]


@pytest.mark.parametrize(
    "query",
    [{"kind": "nonsense"}, {"date_from": "2026-13-45"}, {"community": "abc"}, {"page": "999"}],
)
def test_bad_filter_values_are_not_a_500(client, month, query):
    assert client.get(LIST, query).status_code in {200, 404}


def test_cards_show_places_left(client, month):
    page = client.get(LIST).content.decode()

    assert "还剩 10 个名额" in page


def test_list_queries_do_not_grow_with_activities(client, community, django_assert_max_num_queries):
    ActivityFactory.create_batch(2, community=community)
    with django_assert_max_num_queries(6) as small:
        client.get(LIST)
    for _ in range(3):
        ActivityFactory.create_batch(10, community=CommunityFactory())
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(LIST)
    assert len(response.context["object_list"]) == 20  # paginated


def test_detail_shows_the_right_button(client, activity, make_resident):
    resident = make_resident()
    anonymous_page = client.get(activity.get_absolute_url()).content.decode()
    resident_page = client_for(resident).get(activity.get_absolute_url()).content.decode()

    assert reverse("login") in anonymous_page
    assert reverse("activities:signup_create", args=[activity.pk]) in resident_page


def test_detail_offers_the_waitlist_when_full(activity, make_resident):
    actions.signup_create(activity=activity, resident=make_resident(), party_size=10)

    page = client_for(make_resident()).get(activity.get_absolute_url()).content.decode()

    assert "加入候补名单" in page


def test_detail_query_count_does_not_grow_with_signups_and_photos(
    activity, make_resident, django_assert_max_num_queries
):
    resident = make_resident()
    client = client_for(resident)
    actions.signup_create(activity=activity, resident=resident)
    # 10, plus one for the tree-adoption part (the trees planted at it, activities.kinds).
    with django_assert_max_num_queries(11) as small:
        client.get(activity.get_absolute_url())
    for index in range(20):
        actions.signup_create(activity=activity, resident=make_resident())
        ActivityPartner.objects.create(activity=activity, kind="volunteers", name=f"志愿队{index}")
        ActivityPhoto.objects.create(
            activity=activity,
            image=f"activities/p{index}.jpg",
            thumbnail=f"activities/p{index}_thumb.jpg",
            width=1,
            height=1,
            uploaded_by=resident,
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(activity.get_absolute_url()).content.decode()
    assert "志愿队19" in page


def test_draft_is_404_for_the_public_and_other_community_staff(
    client, month, other_community_staff, community_staff, street_staff
):
    url = month["draft"].get_absolute_url()

    assert client.get(url).status_code == 404
    assert client_for(other_community_staff).get(url).status_code == 404
    assert client_for(community_staff).get(url).status_code == 200
    assert client_for(street_staff).get(url).status_code == 200


def test_cancelled_activity_shows_its_reason(client, activity, community_staff):
    actions.activity_cancel(activity=activity, by=community_staff, reason="大风天气改期")

    page = client.get(activity.get_absolute_url()).content.decode()

    assert "大风天气改期" in page
    assert reverse("activities:signup_create", args=[activity.pk]) not in page


def test_news_feed_shows_completed_activities_with_reports(client, community):
    done = ActivityFactory(
        community=community,
        title="消防疏散演练",
        starts_at=timezone.now() - timedelta(days=5),
        ends_at=timezone.now() - timedelta(days=5) + timedelta(hours=1),
        status=Activity.Status.COMPLETED,
        report="孩子们捂住口鼻有序撤离。",
    )
    ActivityFactory(community=community, title="没有报道的活动", status="completed", report="")

    page = client.get(reverse("activities:news_list")).content.decode()

    assert done.title in page and "孩子们捂住口鼻有序撤离" in page
    assert "没有报道的活动" not in page


def test_news_feed_queries_stay_flat(client, community, django_assert_max_num_queries):
    def completed():
        return ActivityFactory(community=community, status="completed", report="报道")

    completed()
    with django_assert_max_num_queries(8) as small:
        client.get(reverse("activities:news_list"))
    for _ in range(15):
        completed()
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("activities:news_list"))


def test_activity_calendar_file_links_back(client, activity):
    response = client.get(reverse("activities:activity_calendar", args=[activity.pk]))

    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in body and "SUMMARY:春季绿植领养" in body
    assert f"/activities/{activity.pk}/" in body.replace("\r\n ", "")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_draft_has_no_calendar_file(client, month):
    url = reverse("activities:activity_calendar", args=[month["draft"].pk])

    assert client.get(url).status_code == 404
