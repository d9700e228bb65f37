"""我的数据: a person sees and downloads their own data, asks for deletion; an administrator
anonymises the account (the same anonymisation as the retention command)."""

import json
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from activities import actions
from activities.models import Activity, Signup
from communities import privacy
from communities.models import Consent, DeletionRequest, User
from governance_portal.models import Notification
from tests.activities.factories import ActivityFactory
from tests.conftest import client_for
from tests.factories import PASSWORD, ResidentProfileFactory

URL = "/me/data/"


@pytest.fixture
def activity(community, community_staff):
    return ActivityFactory(
        community=community, created_by=community_staff, title="读书会", capacity=3
    )


@pytest.fixture
def resident_with_data(resident, activity):
    Consent.objects.create(user=resident, notice=Consent.Notice.PRIVACY, version="2026-11")
    actions.signup_create(
        activity=activity,
        resident=resident,
        party_size=2,
        children_under_14=1,
        guardian_consent=True,
    )
    Notification.objects.create(user=resident, message="刘芳的通知")
    return resident


@pytest.fixture
def neighbour(community, activity):
    user = ResidentProfileFactory(
        community=community, user__name="邻居王五", user__phone="13900000077"
    ).user
    actions.signup_create(activity=activity, resident=user)
    Notification.objects.create(user=user, message="邻居的通知")
    return user


def test_url_name_is_my_data():
    assert reverse("activities:my_data") == URL


def test_anonymous_visitor_is_sent_to_login(db):
    response = client_for(None).get(URL)

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_page_shows_the_users_own_data_and_nobody_elses(resident_with_data, neighbour):
    response = client_for(resident_with_data).get(URL)

    page = response.content.decode()
    assert response.status_code == 200
    for own in ("刘芳", "13800000001", "读书会", "刘芳的通知", "恒大社区", "2026-11"):
        assert own in page
    for other in ("邻居王五", "13900000077", "邻居的通知"):
        assert other not in page
    assert "no-store" in response["Cache-Control"]


def test_json_download_holds_the_same_data_and_nobody_elses(resident_with_data, neighbour):
    response = client_for(resident_with_data).get(URL, {"format": "json"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["account"]["phone"] == "13800000001"
    assert data["account"]["name"] == "刘芳"
    assert data["resident_profile"]["community"] == "恒大社区"
    assert [s["activity"] for s in data["signups"]] == ["读书会"]
    assert data["signups"][0]["children_under_14"] == 1
    assert [n["message"] for n in data["notifications"]] == ["刘芳的通知"]
    assert data["consents"][0]["version"] == "2026-11"
    assert data["retention_days"] == {"account": 1095, "signup": 1095, "notification": 365}
    assert {"communities.User.phone", "activities.Signup.children_under_14"} <= {
        p["record"] for p in data["purposes"]
    }
    text = response.content.decode()
    assert "邻居" not in text and "13900000077" not in text


def test_staff_see_their_own_posts(community_staff):
    response = client_for(community_staff).get(URL, {"format": "json"})

    data = json.loads(response.content)
    assert data["resident_profile"] is None
    assert [post["unit"] for post in data["staff_posts"]] == ["恒大社区"]


def test_my_page_links_to_my_data(resident):
    page = client_for(resident).get(reverse("activities:me")).content.decode()

    assert URL in page


def test_page_queries_stay_flat(resident_with_data, activity, django_assert_max_num_queries):
    client = client_for(resident_with_data)
    with django_assert_max_num_queries(30) as few:
        client.get(URL)
    for n in range(3):
        Notification.objects.create(user=resident_with_data, message=f"更多通知{n}")
        other = ActivityFactory(community=activity.community, created_by=activity.created_by)
        actions.signup_create(activity=other, resident=resident_with_data)

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(URL)


def test_resident_asks_for_deletion_once(resident):
    client = client_for(resident)

    first = client.post(URL, {"reason": "搬走了"})
    second = client.post(URL, {"reason": "再问一次"}, follow=True)

    assert first.status_code == 302
    assert DeletionRequest.objects.filter(user=resident).count() == 1
    assert DeletionRequest.objects.get(user=resident).reason == "搬走了"
    shown = [str(m) for m in get_messages(second.wsgi_request)]
    assert any("已提交注销申请" in m for m in shown)
    assert "管理员将予以处理" in second.content.decode()  # the page says the request is waiting


def test_deletion_request_with_bad_input_changes_nothing(resident):
    response = client_for(resident).post(URL, {"reason": "x" * 5000})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not DeletionRequest.objects.exists()


def test_a_handled_request_lets_the_person_ask_again(resident, admin_user):
    first = privacy.deletion_request_create(user=resident)
    privacy.deletion_request_refuse(request=first, by=admin_user)

    privacy.deletion_request_create(user=resident, reason="again")

    assert DeletionRequest.objects.filter(user=resident).count() == 2


def admin_action(admin_user, action, *requests):
    return client_for(admin_user).post(
        reverse("admin:communities_deletionrequest_changelist"),
        {"action": action, "_selected_action": [r.pk for r in requests]},
        follow=True,
    )


def test_admin_anonymises_the_account_and_keeps_signup_counts(
    resident_with_data, activity, admin_user
):
    request = privacy.deletion_request_create(user=resident_with_data, reason="请删除")
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=timezone.now() - timedelta(days=3), ends_at=timezone.now() - timedelta(days=2)
    )
    Signup.objects.filter(resident=resident_with_data).update(status=Signup.Status.ATTENDED)
    before = (
        Signup.objects.filter(activity=activity).count(),
        actions.checked_in_count(activity),
        Activity.objects.get(pk=activity.pk).places_taken,
    )

    response = admin_action(admin_user, "anonymise_account", request)

    assert response.status_code == 200
    user = User.objects.get(pk=resident_with_data.pk)
    assert (user.name, user.phone, user.email) == (privacy.ANONYMISED_NAME, "", "")
    assert user.username == f"anon-{user.pk}"
    assert not user.is_active and not user.has_usable_password()
    assert not Notification.objects.filter(user=user).exists()
    request.refresh_from_db()
    assert request.handled_by == admin_user and request.handled_at is not None
    assert (request.outcome, request.reason) == (DeletionRequest.Outcome.ANONYMISED, "")
    after = (
        Signup.objects.filter(activity=activity).count(),
        actions.checked_in_count(activity),
        Activity.objects.get(pk=activity.pk).places_taken,
    )
    assert after == before
    assert not client_for(None).login(username="13800000001", password=PASSWORD)


def test_anonymising_cancels_upcoming_signups_and_promotes_the_waitlist(
    resident_with_data, activity, make_waiting
):
    waiting = make_waiting()
    assert waiting.status == Signup.Status.WAITLISTED

    privacy.account_anonymise(user=resident_with_data, by=None)

    waiting.refresh_from_db()
    assert waiting.status == Signup.Status.CONFIRMED
    mine = Signup.objects.get(resident=resident_with_data)
    assert mine.status == Signup.Status.CANCELLED


@pytest.fixture
def make_waiting(community, activity):
    def make():
        user = ResidentProfileFactory(community=community).user
        return actions.signup_create(activity=activity, resident=user, party_size=2)

    return make


def test_anonymised_session_is_logged_out(resident):
    client = client_for(resident)

    privacy.account_anonymise(user=resident, by=None)

    assert client.get(URL).status_code == 302


def test_staff_accounts_are_refused(community_staff, admin_user):
    request = privacy.deletion_request_create(user=community_staff)

    response = admin_action(admin_user, "anonymise_account", request)

    user = User.objects.get(pk=community_staff.pk)
    assert user.is_active and user.name == "李娜"
    request.refresh_from_db()
    assert request.handled_at is None
    assert "staff" in response.content.decode()


def test_former_staff_are_refused_too(community, admin_user):
    from tests.factories import StaffAssignmentFactory

    former = StaffAssignmentFactory(
        community=community, user__is_staff=False, ended_on=timezone.localdate()
    ).user

    with pytest.raises(privacy.AnonymiseRefused):
        privacy.account_anonymise(user=former, by=admin_user)


def test_admin_can_refuse_a_request(resident, admin_user):
    request = privacy.deletion_request_create(user=resident)

    admin_action(admin_user, "refuse_request", request)

    request.refresh_from_db()
    assert request.outcome == DeletionRequest.Outcome.REFUSED
    assert User.objects.get(pk=resident.pk).is_active


def test_only_superusers_see_deletion_requests_in_the_admin(community_staff, resident):
    privacy.deletion_request_create(user=resident)
    url = reverse("admin:communities_deletionrequest_changelist")

    assert client_for(community_staff).get(url).status_code == 403


def test_superuser_opens_the_deletion_request_admin(admin_user, resident):
    request = privacy.deletion_request_create(user=resident, reason="理由")
    client = client_for(admin_user)

    assert client.get(reverse("admin:communities_deletionrequest_changelist")).status_code == 200
    change = reverse("admin:communities_deletionrequest_change", args=[request.pk])
    assert client.get(change).status_code == 200
