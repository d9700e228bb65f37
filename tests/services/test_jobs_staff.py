"""Staff pages of the job board: postings, job seekers, referrals, monthly counts."""

import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation

from services.models import JobPosting, JobSeeker, Referral
from tests.conftest import client_for
from tests.factories import ResidentProfileFactory
from tests.services.factories import ServiceStationFactory
from tests.services.jobs_factories import JobPostingFactory, JobSeekerFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return str(translation.gettext(message))


def url(name, *args):
    return reverse(f"services:{name}", args=args)


def messages_of(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


@pytest.fixture
def station(community):
    return ServiceStationFactory(community=community, name="和泰社区便民服务站")


@pytest.fixture
def other_station(other_community):
    return ServiceStationFactory(community=other_community, name="北辰便民服务站")


@pytest.fixture
def posting(station):
    return JobPostingFactory(station=station, title="保洁员")


@pytest.fixture
def seeker(station):
    return JobSeekerFactory(station=station, name="陈建国", phone="13612345678")


def posting_data(at, **changes):
    data = {
        "station": at.pk,
        "title": "超市理货员",
        "employer": "华联超市",
        "pay_min": "3000",
        "pay_max": "4500",
        "pay_unit": "month",
        "place": "和泰广场",
        "requirements": "能上夜班",
        "contact_name": "王经理",
        "contact_phone": "0352-7654321",
        "expires_on": (timezone.localdate() + timedelta(days=20)).isoformat(),
    }
    return {**data, **changes}


def seeker_data(at, **changes):
    data = {
        "station": at.pk,
        "name": "陈建国",
        "phone": "13612345678",
        "age_band": JobSeeker.AgeBand.FROM_45,
        "skills": "开车，做饭",
        "wished_work": "司机",
        "availability": "工作日白天",
        "record_consent": "on",
    }
    return {**data, **changes}


# Access --------------------------------------------------------------------------------------

STAFF_GETS = [
    ("posting_manage_list", False),
    ("posting_create", False),
    ("posting_update", True),
    ("seeker_list", False),
    ("seeker_create", False),
    ("seeker_detail", True),
    ("jobs_monthly", False),
]


@pytest.mark.parametrize(("name", "needs_pk"), STAFF_GETS)
def test_residents_get_403_and_anonymous_visitors_go_to_login(
    resident, posting, seeker, name, needs_pk
):
    pk = (posting.pk if name.startswith("posting") else seeker.pk) if needs_pk else None
    page = url(name, pk) if needs_pk else url(name)

    assert client_for(resident).get(page).status_code == 403
    anonymous = client_for(None).get(page)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


@pytest.mark.parametrize(("name", "needs_pk"), STAFF_GETS)
def test_staff_of_the_community_and_street_open_staff_pages(
    community_staff, street_staff, posting, seeker, name, needs_pk
):
    pk = (posting.pk if name.startswith("posting") else seeker.pk) if needs_pk else None
    page = url(name, pk) if needs_pk else url(name)

    assert client_for(community_staff).get(page).status_code == 200
    assert client_for(street_staff).get(page).status_code == 200


def test_another_communitys_records_are_404(other_community_staff, posting, seeker):
    referral = ReferralFactory(seeker=seeker, posting=posting)
    client = client_for(other_community_staff)

    assert client.get(url("posting_update", posting.pk)).status_code == 404
    assert client.post(url("posting_withdraw", posting.pk)).status_code == 404
    assert client.get(url("seeker_detail", seeker.pk)).status_code == 404
    assert client.post(url("seeker_status", seeker.pk), {"status": "employed"}).status_code == 404
    assert (
        client.post(url("referral_create", seeker.pk), {"posting": posting.pk}).status_code == 404
    )
    outcome = client.post(url("referral_outcome", referral.pk), {"outcome": "hired"})
    assert outcome.status_code == 404
    posting.refresh_from_db()
    seeker.refresh_from_db()
    assert not posting.withdrawn and seeker.status == JobSeeker.Status.REGISTERED


def test_staff_lists_hold_only_their_scope(community_staff, posting, seeker, other_station):
    JobPostingFactory(station=other_station, title="别处岗位")
    JobSeekerFactory(station=other_station, name="别处求职者")
    client = client_for(community_staff)

    assert list(client.get(url("posting_manage_list")).context["object_list"]) == [posting]
    assert list(client.get(url("seeker_list")).context["object_list"]) == [seeker]


# Postings ------------------------------------------------------------------------------------


def test_staff_put_a_posting_on_the_board(community_staff, station):
    response = client_for(community_staff).post(url("posting_create"), posting_data(station))

    assert response.status_code == 302
    posting = JobPosting.objects.get()
    assert (posting.title, posting.pay_min, posting.created_by) == (
        "超市理货员",
        Decimal("3000"),
        community_staff,
    )
    assert list(client_for(None).get(url("posting_list")).context["object_list"]) == [posting]


def test_station_choices_are_in_scope(community_staff, station, other_station):
    response = client_for(community_staff).get(url("posting_create"))

    assert list(response.context["form"].fields["station"].queryset) == [station]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"pay_min": "5000", "pay_max": "4000"}, "pay_max"),
        ({"pay_min": "-1"}, "pay_min"),
        ({"pay_min": "abc"}, "pay_min"),
        ({"pay_max": "1" * 20}, "pay_max"),
        ({"expires_on": "2000-01-01"}, "expires_on"),
        ({"expires_on": "9999-12-31"}, "expires_on"),
        ({"expires_on": "not a date"}, "expires_on"),
        ({"title": ""}, "title"),
        ({"title": "长" * 81}, "title"),
        ({"title": "保洁\x00员"}, "title"),
        ({"pay_unit": "week"}, "pay_unit"),
        ({"contact_phone": "call me"}, "contact_phone"),
        ({"station": "999999"}, "station"),
    ],
)
def test_bad_posting_input_is_refused_on_the_form(community_staff, station, changes, field):
    response = client_for(community_staff).post(
        url("posting_create"), posting_data(station, **changes)
    )

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not JobPosting.objects.exists()


def test_expiry_yesterday_is_refused_on_create(community_staff, station):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()

    response = client_for(community_staff).post(
        url("posting_create"), posting_data(station, expires_on=yesterday)
    )

    assert response.context["form"].errors["expires_on"] == [
        zh("The closing date must not be in the past.")
    ]


def test_another_communitys_station_is_refused(community_staff, other_station):
    response = client_for(community_staff).post(url("posting_create"), posting_data(other_station))

    assert "station" in response.context["form"].errors
    assert not JobPosting.objects.exists()


def test_staff_update_a_posting(community_staff, posting):
    response = client_for(community_staff).post(
        url("posting_update", posting.pk),
        posting_data(posting.station, title="保洁主管", pay_min="4000", pay_max="4000"),
    )

    assert response.status_code == 302
    posting.refresh_from_db()
    assert (posting.title, posting.pay_max) == ("保洁主管", Decimal("4000"))


def test_update_refuses_a_pay_range_upside_down(community_staff, posting):
    response = client_for(community_staff).post(
        url("posting_update", posting.pk),
        posting_data(posting.station, pay_min="9000", pay_max="100"),
    )

    assert "pay_max" in response.context["form"].errors
    posting.refresh_from_db()
    assert posting.pay_min == Decimal("3000")


def test_withdrawn_posting_leaves_list_detail_and_led(community_staff, posting):
    response = client_for(community_staff).post(url("posting_withdraw", posting.pk))

    assert response.status_code == 302
    posting.refresh_from_db()
    assert posting.withdrawn
    anonymous = client_for(None)
    assert list(anonymous.get(url("posting_list")).context["object_list"]) == []
    assert anonymous.get(url("posting_detail", posting.pk)).status_code == 404
    assert anonymous.get(url("led_board", posting.station_id)).context["postings"] == []


def test_withdrawing_twice_says_so(community_staff, posting):
    client = client_for(community_staff)
    client.post(url("posting_withdraw", posting.pk))

    response = client.post(url("posting_withdraw", posting.pk))

    assert zh("This posting is already withdrawn.") in messages_of(response)


def test_withdraw_is_post_only(community_staff, posting):
    assert client_for(community_staff).get(url("posting_withdraw", posting.pk)).status_code == 405


# Job seekers at the desk ---------------------------------------------------------------------


def share_checkbox(content: str) -> str:
    return re.search(r'<input[^>]*name="share_consent"[^>]*>', content).group(0)


def test_share_consent_is_unticked_by_default(community_staff, station):
    response = client_for(community_staff).get(url("seeker_create"))

    assert "checked" not in share_checkbox(response.content.decode())


def test_desk_registration_without_share_consent(community_staff, station):
    response = client_for(community_staff).post(url("seeker_create"), seeker_data(station))

    seeker = JobSeeker.objects.get()
    assert response.status_code == 302
    assert (seeker.name, seeker.phone, seeker.registered_by) == (
        "陈建国",
        "13612345678",
        community_staff,
    )
    assert seeker.share_consent is False and seeker.share_consent_at is None
    assert seeker.status == JobSeeker.Status.REGISTERED


def test_desk_registration_records_when_sharing_was_agreed(community_staff, station):
    client_for(community_staff).post(
        url("seeker_create"), seeker_data(station, share_consent="on", phone="136 1234 5678")
    )

    seeker = JobSeeker.objects.get()
    assert seeker.share_consent and seeker.share_consent_at is not None
    assert seeker.phone == "13612345678"


def test_desk_registration_links_the_residents_account(community_staff, station, community):
    user = ResidentProfileFactory(community=community, user__phone="13612345678").user

    client_for(community_staff).post(url("seeker_create"), seeker_data(station))

    assert JobSeeker.objects.get().user == user


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"record_consent": ""}, "record_consent"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "名" * 51}, "name"),
        ({"phone": "12345"}, "phone"),
        ({"phone": "abcdefghijk"}, "phone"),
        ({"age_band": "ancient"}, "age_band"),
        ({"wished_work": ""}, "wished_work"),
        ({"skills": "x" * 301}, "skills"),
        ({"station": "999999"}, "station"),
    ],
)
def test_bad_seeker_input_is_refused_on_the_form(community_staff, station, changes, field):
    response = client_for(community_staff).post(
        url("seeker_create"), seeker_data(station, **changes)
    )

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not JobSeeker.objects.exists()


def test_desk_cannot_register_at_another_communitys_station(community_staff, other_station):
    response = client_for(community_staff).post(url("seeker_create"), seeker_data(other_station))

    assert "station" in response.context["form"].errors
    assert not JobSeeker.objects.exists()


def test_one_open_registration_per_person_and_station(community_staff, station, seeker):
    response = client_for(community_staff).post(
        url("seeker_create"), seeker_data(station, phone=seeker.phone)
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert JobSeeker.objects.count() == 1


def test_a_closed_registration_allows_a_new_one(community_staff, station, seeker):
    JobSeeker.objects.filter(pk=seeker.pk).update(status=JobSeeker.Status.WITHDRAWN)

    client_for(community_staff).post(url("seeker_create"), seeker_data(station, phone=seeker.phone))

    assert JobSeeker.objects.count() == 2


# Phones: masked on lists, full on the seeker's own staff page --------------------------------


def test_seeker_list_masks_phones(community_staff, seeker):
    content = client_for(community_staff).get(url("seeker_list")).content.decode()

    assert "136****5678" in content
    assert "13612345678" not in content


def test_seeker_detail_shows_the_full_phone_to_scoped_staff(community_staff, street_staff, seeker):
    for user in (community_staff, street_staff):
        assert (
            "13612345678" in client_for(user).get(url("seeker_detail", seeker.pk)).content.decode()
        )


def test_seeker_list_filters_by_status_and_keyword(community_staff, station, seeker):
    employed = JobSeekerFactory(
        station=station, name="周红", phone="13698765432", status=JobSeeker.Status.EMPLOYED
    )
    client = client_for(community_staff)
    page = url("seeker_list")

    assert list(client.get(page, {"status": "employed"}).context["object_list"]) == [employed]
    assert list(client.get(page, {"q": "5678"}).context["object_list"]) == [seeker]
    assert list(client.get(page, {"q": "周"}).context["object_list"]) == [employed]
    assert client.get(page, {"status": "nonsense"}).status_code == 200


# Status, referrals, outcomes -----------------------------------------------------------------


def test_status_moves_and_keeps_its_first_dates(community_staff, seeker):
    client = client_for(community_staff)

    client.post(url("seeker_status", seeker.pk), {"status": "referred"})
    seeker.refresh_from_db()
    first_referred = seeker.referred_at
    assert seeker.status == JobSeeker.Status.REFERRED and first_referred is not None

    client.post(url("seeker_status", seeker.pk), {"status": "employed"})
    seeker.refresh_from_db()
    assert seeker.status == JobSeeker.Status.EMPLOYED and seeker.employed_at is not None

    client.post(url("seeker_status", seeker.pk), {"status": "withdrawn"})
    client.post(url("seeker_status", seeker.pk), {"status": "referred"})
    seeker.refresh_from_db()
    assert seeker.referred_at == first_referred


@pytest.mark.parametrize("bad", ["", "promoted", "registered"])
def test_bad_status_changes_nothing(community_staff, seeker, bad):
    response = client_for(community_staff).post(url("seeker_status", seeker.pk), {"status": bad})

    assert response.status_code == 302
    assert messages_of(response)
    seeker.refresh_from_db()
    assert seeker.status == JobSeeker.Status.REGISTERED and seeker.referred_at is None


def test_referral_moves_a_registered_seeker_to_referred(community_staff, seeker, posting):
    response = client_for(community_staff).post(
        url("referral_create", seeker.pk), {"posting": posting.pk}
    )

    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.seeker, referral.posting, referral.referred_by) == (
        seeker,
        posting,
        community_staff,
    )
    seeker.refresh_from_db()
    assert seeker.status == JobSeeker.Status.REFERRED and seeker.referred_at is not None


def test_referral_needs_consent_to_share(community_staff, station, posting):
    seeker = JobSeekerFactory(station=station, share_consent=False, share_consent_at=None)

    response = client_for(community_staff).post(
        url("referral_create", seeker.pk), {"posting": posting.pk}
    )

    expected = zh(
        "The person has not agreed to share their details with employers, "
        "so they cannot be referred."
    )
    assert expected in messages_of(response)
    assert not Referral.objects.exists()
    seeker.refresh_from_db()
    assert seeker.status == JobSeeker.Status.REGISTERED


def test_seeker_page_without_consent_offers_no_refer_button(community_staff, station, posting):
    seeker = JobSeekerFactory(station=station, share_consent=False, share_consent_at=None)

    response = client_for(community_staff).get(url("seeker_detail", seeker.pk))

    assert url("referral_create", seeker.pk) not in response.content.decode()


@pytest.mark.parametrize("which", ["other_community", "expired", "withdrawn", "unknown", "text"])
def test_referral_to_a_posting_out_of_reach_is_refused(
    community_staff, seeker, station, other_station, which
):
    target = {
        "other_community": lambda: JobPostingFactory(station=other_station).pk,
        "expired": lambda: (
            JobPostingFactory(
                station=station, expires_on=timezone.localdate() - timedelta(days=1)
            ).pk
        ),
        "withdrawn": lambda: JobPostingFactory(station=station, withdrawn=True).pk,
        "unknown": lambda: 999999,
        "text": lambda: "abc",
    }[which]()

    response = client_for(community_staff).post(
        url("referral_create", seeker.pk), {"posting": target}
    )

    assert response.status_code == 302
    assert messages_of(response)
    assert not Referral.objects.exists()


def test_referring_twice_to_the_same_job_is_refused(community_staff, seeker, posting):
    client = client_for(community_staff)
    client.post(url("referral_create", seeker.pk), {"posting": posting.pk})

    response = client.post(url("referral_create", seeker.pk), {"posting": posting.pk})

    assert zh("This person was already referred to this job.") in messages_of(response)
    assert Referral.objects.count() == 1


def test_hired_makes_the_seeker_employed_with_the_date(community_staff, seeker, posting):
    client = client_for(community_staff)
    client.post(url("referral_create", seeker.pk), {"posting": posting.pk})
    referral = Referral.objects.get()

    client.post(url("referral_outcome", referral.pk), {"outcome": "hired"})

    referral.refresh_from_db()
    seeker.refresh_from_db()
    assert referral.outcome == Referral.Outcome.HIRED
    assert seeker.status == JobSeeker.Status.EMPLOYED
    assert timezone.now() - seeker.employed_at < timedelta(minutes=1)


@pytest.mark.parametrize("bad", ["", "maybe"])
def test_bad_outcome_changes_nothing(community_staff, seeker, posting, bad):
    referral = ReferralFactory(seeker=seeker, posting=posting)

    response = client_for(community_staff).post(
        url("referral_outcome", referral.pk), {"outcome": bad}
    )

    assert messages_of(response)
    referral.refresh_from_db()
    assert referral.outcome == Referral.Outcome.PENDING


def test_seeker_page_suggests_matching_jobs_with_a_refer_button(community_staff, station, seeker):
    cleaner = JobPostingFactory(station=station, title="小区保洁员", requirements="会打扫卫生")
    JobPostingFactory(station=station, title="电工", requirements="持证上岗")

    response = client_for(community_staff).get(url("seeker_detail", seeker.pk))

    assert [s.posting for s in response.context["suggestions"]] == [cleaner]
    content = response.content.decode()
    assert f'name="posting" value="{cleaner.pk}"' in content


# Monthly counts ------------------------------------------------------------------------------


def local(year, month, day, hour, minute=0):
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def test_monthly_counts_follow_china_time(community_staff, station, other_station):
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    # 00:30 on the 1st in Shanghai is still the previous month in UTC.
    just_after = timezone.make_aware(datetime.combine(this_month, datetime.min.time())) + timedelta(
        minutes=30
    )
    just_before = just_after - timedelta(hours=1)
    mid_last = timezone.make_aware(datetime.combine(last_month, datetime.min.time())) + timedelta(
        days=10
    )

    def seeker(registered_at, referred_at=None, employed_at=None, at=station):
        made = JobSeekerFactory(station=at)
        JobSeeker.objects.filter(pk=made.pk).update(
            registered_at=registered_at, referred_at=referred_at, employed_at=employed_at
        )

    seeker(just_after)
    seeker(just_after, referred_at=just_after)
    seeker(just_before, referred_at=just_after, employed_at=just_after)
    seeker(mid_last, referred_at=just_before)
    seeker(mid_last - timedelta(days=400))  # older than a year: not shown
    seeker(just_after, at=other_station)  # another community: not counted

    response = client_for(community_staff).get(url("jobs_monthly"))

    rows = {row["month"]: row for row in response.context["rows"]}
    assert len(rows) == 12
    assert (rows[this_month]["registered"], rows[this_month]["referred"]) == (2, 2)
    assert rows[this_month]["employed"] == 1
    assert (rows[last_month]["registered"], rows[last_month]["referred"]) == (2, 1)
    assert rows[last_month]["employed"] == 0
    assert response.context["totals"] == {"registered": 4, "referred": 3, "employed": 1}


def test_monthly_counts_run_three_aggregate_queries(
    community_staff, station, django_assert_max_num_queries
):
    client = client_for(community_staff)
    JobSeekerFactory.create_batch(2, station=station)
    with django_assert_max_num_queries(20) as small:
        client.get(url("jobs_monthly"))

    JobSeekerFactory.create_batch(
        20, station=station, status=JobSeeker.Status.EMPLOYED, employed_at=timezone.now()
    )
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url("jobs_monthly"))


# Query counts --------------------------------------------------------------------------------


def test_seeker_list_queries_stay_flat(community_staff, station, django_assert_max_num_queries):
    client = client_for(community_staff)
    JobSeekerFactory.create_batch(2, station=station)
    with django_assert_max_num_queries(20) as small:
        client.get(url("seeker_list"))

    JobSeekerFactory.create_batch(30, station=station)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url("seeker_list"))


def test_seeker_detail_queries_stay_flat(
    community_staff, station, seeker, django_assert_max_num_queries
):
    client = client_for(community_staff)

    def grow(n):
        for _ in range(n):
            ReferralFactory(seeker=seeker, posting=JobPostingFactory(station=station))
            JobPostingFactory(station=station, title="保洁员")

    grow(1)
    with django_assert_max_num_queries(25) as small:
        client.get(url("seeker_detail", seeker.pk))

    grow(12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url("seeker_detail", seeker.pk))


def test_posting_manage_list_queries_stay_flat(
    community_staff, station, django_assert_max_num_queries
):
    client = client_for(community_staff)
    JobPostingFactory.create_batch(2, station=station)
    with django_assert_max_num_queries(20) as small:
        client.get(url("posting_manage_list"))

    JobPostingFactory.create_batch(25, station=station)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url("posting_manage_list"))
