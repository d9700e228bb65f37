"""Residents register online as looking for work and see (or close) their registrations."""

import re

import pytest
from django.urls import reverse

from services.models import JobSeeker
from tests.conftest import client_for
from tests.factories import ResidentProfileFactory
from tests.services.factories import ServiceStationFactory
from tests.services.jobs_factories import JobSeekerFactory

pytestmark = pytest.mark.django_db

REGISTER = reverse("services:seeker_register")
MINE = reverse("services:seeker_mine")


@pytest.fixture
def station(community):
    return ServiceStationFactory(community=community, name="和泰社区便民服务站")


def form_data(at, **changes):
    data = {
        "station": at.pk,
        "name": "刘芳",
        "phone": "13800000001",
        "age_band": JobSeeker.AgeBand.FROM_30,
        "skills": "收银",
        "wished_work": "超市收银员",
        "availability": "周末",
    }
    return {**data, **changes}


def test_anonymous_visitors_are_sent_to_log_in():
    for page in (REGISTER, MINE):
        response = client_for(None).get(page)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_form_is_prefilled_from_the_account_and_sharing_is_unticked(resident, station):
    response = client_for(resident).get(REGISTER)

    form = response.context["form"]
    assert form.initial["name"] == "刘芳" and form.initial["phone"] == "13800000001"
    assert form.fields["station"].initial == station.pk
    checkbox = re.search(r'<input[^>]*name="share_consent"[^>]*>', response.content.decode())
    assert "checked" not in checkbox.group(0)


def test_resident_registers_with_a_separate_consent(resident, station):
    response = client_for(resident).post(REGISTER, form_data(station, share_consent="on"))

    assert response.status_code == 302 and response["Location"] == MINE
    seeker = JobSeeker.objects.get()
    assert (seeker.user, seeker.station, seeker.registered_by) == (resident, station, None)
    assert seeker.share_consent and seeker.share_consent_at is not None


def test_resident_may_register_without_sharing(resident, station):
    client_for(resident).post(REGISTER, form_data(station))

    seeker = JobSeeker.objects.get()
    assert not seeker.share_consent and seeker.share_consent_at is None


def test_one_open_registration_per_person_and_station(resident, station):
    client = client_for(resident)
    client.post(REGISTER, form_data(station))

    response = client.post(REGISTER, form_data(station, phone="13900000009"))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert JobSeeker.objects.count() == 1


def test_a_desk_registration_under_the_same_number_counts_too(resident, station):
    JobSeekerFactory(station=station, phone=resident.phone)

    response = client_for(resident).post(REGISTER, form_data(station))

    assert response.context["form"].non_field_errors()
    assert JobSeeker.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"phone": "110"}, "phone"),
        ({"name": ""}, "name"),
        ({"wished_work": "w" * 301}, "wished_work"),
        ({"age_band": "old"}, "age_band"),
        ({"station": "abc"}, "station"),
    ],
)
def test_bad_input_is_refused_on_the_form(resident, station, changes, field):
    response = client_for(resident).post(REGISTER, form_data(station, **changes))

    assert field in response.context["form"].errors
    assert not JobSeeker.objects.exists()


def test_a_station_of_another_community_cannot_be_chosen(resident, station, other_community):
    elsewhere = ServiceStationFactory(community=other_community)

    response = client_for(resident).post(REGISTER, form_data(elsewhere))

    assert "station" in response.context["form"].errors
    assert not JobSeeker.objects.exists()


def test_residents_without_a_station_are_told_where_to_go(other_community):
    lonely = ResidentProfileFactory(community=other_community).user

    response = client_for(lonely).get(REGISTER)

    assert response.status_code == 200
    assert "form" not in response.context
    assert client_for(lonely).post(REGISTER, {}).status_code == 200
    assert not JobSeeker.objects.exists()


def test_my_page_lists_my_registrations_with_a_masked_phone(resident, station):
    mine = JobSeekerFactory(station=station, user=resident, phone="13800000001")
    JobSeekerFactory(station=station, name="别人")

    response = client_for(resident).get(MINE)

    assert list(response.context["registrations"]) == [mine]
    content = response.content.decode()
    assert "138****0001" in content and "13800000001" not in content


def test_resident_says_they_are_no_longer_looking_and_may_register_again(resident, station):
    mine = JobSeekerFactory(station=station, user=resident, phone=resident.phone)
    client = client_for(resident)

    client.post(reverse("services:seeker_withdraw", args=[mine.pk]))

    mine.refresh_from_db()
    assert mine.status == JobSeeker.Status.WITHDRAWN
    client.post(REGISTER, form_data(station))
    assert JobSeeker.objects.filter(user=resident).count() == 2


def test_withdrawing_someone_elses_registration_is_404(resident, station):
    theirs = JobSeekerFactory(station=station)

    response = client_for(resident).post(reverse("services:seeker_withdraw", args=[theirs.pk]))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == JobSeeker.Status.REGISTERED


def test_mine_page_links_from_the_residents_page(resident):
    response = client_for(resident).get(reverse("activities:me"))

    assert MINE in response.content.decode()
