"""The public job board and the station's LED screen: only open postings, no login needed."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from tests.conftest import client_for
from tests.factories import CommunityFactory
from tests.services.factories import ServiceStationFactory
from tests.services.jobs_factories import JobPostingFactory, JobSeekerFactory

pytestmark = pytest.mark.django_db


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return str(translation.gettext(message))


@pytest.fixture
def station(community):
    return ServiceStationFactory(community=community, name="和泰社区便民服务站")


def yesterday():
    return timezone.localdate() - timedelta(days=1)


def led(station, **params):
    url = reverse("services:led_board", args=[station.pk])
    return client_for(None).get(url, params)


def test_anyone_sees_open_postings_newest_first_with_the_pay_range(station):
    older = JobPostingFactory(station=station, title="超市理货员")
    newer = JobPostingFactory(station=station, title="小区保安")

    response = client_for(None).get(reverse("services:posting_list"))

    assert response.status_code == 200
    assert list(response.context["object_list"]) == [newer, older]
    assert "¥3,000–4,500 / " in response.content.decode()


def test_expired_and_withdrawn_postings_leave_the_list_by_themselves(station):
    today = JobPostingFactory(station=station, title="今天截止", expires_on=timezone.localdate())
    JobPostingFactory(station=station, title="昨天截止", expires_on=yesterday())
    JobPostingFactory(station=station, title="已撤下", withdrawn=True)
    JobPostingFactory(station=ServiceStationFactory(archived=True), title="停用站点")

    response = client_for(None).get(reverse("services:posting_list"))

    assert list(response.context["object_list"]) == [today]


@pytest.mark.parametrize("change", [{"expires_on": "yesterday"}, {"withdrawn": True}])
def test_closed_posting_detail_is_gone(station, change):
    if change.get("expires_on") == "yesterday":
        change = {"expires_on": yesterday()}
    posting = JobPostingFactory(station=station, **change)

    response = client_for(None).get(reverse("services:posting_detail", args=[posting.pk]))

    assert response.status_code == 404


def test_open_posting_detail_shows_the_contact(station):
    posting = JobPostingFactory(station=station, contact_phone="0352-7654321")

    response = client_for(None).get(posting.get_absolute_url())

    assert response.status_code == 200
    assert "0352-7654321" in response.content.decode()


def test_list_filters_by_station_community_and_keyword(station, community):
    other_station = ServiceStationFactory(community=CommunityFactory(street=community.street))
    cleaner = JobPostingFactory(station=station, title="保洁员")
    guard = JobPostingFactory(station=other_station, title="保安", requirements="夜班")
    client = client_for(None)
    page = reverse("services:posting_list")

    assert list(client.get(page, {"station": station.pk}).context["object_list"]) == [cleaner]
    by_community = client.get(page, {"community": other_station.community_id})
    assert list(by_community.context["object_list"]) == [guard]
    assert list(client.get(page, {"q": "夜班"}).context["object_list"]) == [guard]


@pytest.mark.parametrize(
    "params", [{"station": "abc"}, {"community": "999999"}, {"q": "x" * 500}, {"page": "9999"}]
)
def test_list_survives_bad_filters(station, params):
    JobPostingFactory(station=station)

    response = client_for(None).get(reverse("services:posting_list"), params)

    assert response.status_code in {200, 404}


def test_public_pages_never_show_job_seekers_phones(station):
    posting = JobPostingFactory(station=station)
    seeker = JobSeekerFactory(station=station, phone="13612345678")

    for response in (
        client_for(None).get(reverse("services:posting_list")),
        client_for(None).get(posting.get_absolute_url()),
        led(station),
    ):
        assert seeker.phone not in response.content.decode()


def test_posting_list_queries_stay_flat(station, django_assert_max_num_queries):
    client = client_for(None)
    JobPostingFactory.create_batch(2, station=station)
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("services:posting_list"))

    JobPostingFactory.create_batch(25, station=ServiceStationFactory())
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("services:posting_list"))


# The LED screen ------------------------------------------------------------------------------


def test_led_board_works_without_login_and_shows_one_posting(station):
    JobPostingFactory(station=station, title="超市理货员", employer="华联超市")

    response = led(station)

    assert response.status_code == 200
    content = response.content.decode()
    assert "超市理货员" in content and "华联超市" in content and "0352-7654321" in content
    assert station.name in content
    assert '<meta http-equiv="refresh" content="15;url=?i=0">' in content


def test_led_board_has_no_inline_styles_or_scripts(station):
    JobPostingFactory(station=station)

    content = led(station).content.decode()

    assert "style=" not in content and "<style" not in content and "<script" not in content
    assert "css/led_board.css" in content


def test_led_board_rotates_and_wraps_around(station):
    postings = [JobPostingFactory(station=station, title=f"岗位{n}") for n in range(3)]
    newest_first = postings[::-1]

    for index, expected_next in [(0, 1), (1, 2), (2, 0), (5, 0), (-1, 0)]:
        response = led(station, i=index)
        shown = response.context["postings"]
        assert shown == [newest_first[index % 3]]
        assert f'content="15;url=?i={expected_next}"' in response.content.decode()


@pytest.mark.parametrize("bad", ["abc", "", "99999999999999999999999", "1.5"])
def test_led_board_starts_over_on_a_bad_index(station, bad):
    JobPostingFactory(station=station)

    response = led(station, i=bad)

    assert response.status_code == 200
    assert response.context["screen"] == 1


def test_led_board_drops_expired_and_withdrawn_postings(station):
    JobPostingFactory(station=station, title="过期岗位", expires_on=yesterday())
    JobPostingFactory(station=station, title="撤下岗位", withdrawn=True)
    JobPostingFactory(station=ServiceStationFactory(), title="别的站点")

    response = led(station)

    assert response.context["postings"] == []
    content = response.content.decode()
    assert zh("No job postings at the moment") in content
    assert station.contact_phone in content
    assert "过期岗位" not in content and "撤下岗位" not in content and "别的站点" not in content


@override_settings(JOBS_LED_SECONDS=30, JOBS_LED_PER_SCREEN=2)
def test_led_board_follows_its_settings(station):
    JobPostingFactory.create_batch(3, station=station)

    first, second = led(station, i=0), led(station, i=1)

    assert len(first.context["postings"]) == 2 and len(second.context["postings"]) == 1
    assert 'content="30;url=?i=1"' in first.content.decode()
    assert 'content="30;url=?i=0"' in second.content.decode()


def test_led_board_of_an_archived_or_unknown_station_is_404(community):
    archived = ServiceStationFactory(community=community, archived=True)

    assert led(archived).status_code == 404
    assert client_for(None).get("/services/stations/999999/led/").status_code == 404


def test_led_board_queries_stay_flat(station, django_assert_max_num_queries):
    JobPostingFactory.create_batch(2, station=station)
    with django_assert_max_num_queries(10) as small:
        led(station, i=1)

    JobPostingFactory.create_batch(30, station=station)
    with django_assert_max_num_queries(len(small.captured_queries)):
        led(station, i=1)
