"""A resident signs up, cancels, checks in and reads 我的, through the pages."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from activities import actions
from activities.models import Activity, Signup
from governance_portal.models import Notification
from tests.conftest import client_for


def post_signup(client, activity, *, follow=False, **data):
    payload = {"party_size": 1, "children_under_14": 0, **data}
    url = reverse("activities:signup_create", args=[activity.pk])
    return client.post(url, payload, follow=follow)


def test_resident_signs_up_with_family(activity, make_resident):
    resident = make_resident()

    response = post_signup(client_for(resident), activity, party_size=3)

    assert response.status_code == 302
    signup = Signup.objects.get(resident=resident)
    assert (signup.status, signup.party_size) == ("confirmed", 3)
    assert Activity.objects.get(pk=activity.pk).places_taken == 3


def test_double_submit_gets_a_friendly_message(activity, make_resident):
    client = client_for(make_resident())
    post_signup(client, activity)

    response = post_signup(client, activity, follow=True)

    assert "您已报名" in response.content.decode()
    assert Signup.objects.count() == 1


def test_child_without_consent_is_a_form_error(activity, make_resident):
    response = post_signup(client_for(make_resident()), activity, party_size=2, children_under_14=1)

    assert response.status_code == 200
    assert response.context["form"].errors["guardian_consent"]
    assert not Signup.objects.exists()


def test_bad_party_size_is_a_form_error(activity, make_resident):
    response = post_signup(client_for(make_resident()), activity, party_size="很多")

    assert response.status_code == 200
    assert not Signup.objects.exists()


def test_full_activity_says_the_waitlist_position(activity, make_resident):
    actions.signup_create(activity=activity, resident=make_resident(), party_size=10)
    client = client_for(make_resident())

    response = post_signup(client, activity, follow=True)

    assert "候补名单第 1 位" in response.content.decode()


def test_staff_without_a_resident_profile_cannot_sign_up(activity, community_staff):
    response = post_signup(client_for(community_staff), activity)

    assert response.status_code == 403
    assert not Signup.objects.exists()


def test_anonymous_signup_goes_to_login(client, activity):
    response = post_signup(client, activity)

    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_resident_cancels_and_the_waiting_resident_is_notified(activity, make_resident):
    holder, waiting = make_resident(), make_resident()
    held = actions.signup_create(activity=activity, resident=holder, party_size=10)
    actions.signup_create(activity=activity, resident=waiting)

    client_for(holder).post(reverse("activities:signup_cancel", args=[held.pk]))

    assert Signup.objects.get(pk=held.pk).status == "cancelled"
    assert Signup.objects.get(resident=waiting).status == "confirmed"
    notification = Notification.objects.get(user=waiting)
    assert activity.title in notification.message
    page = client_for(waiting).get(reverse("activities:me")).content.decode()
    assert notification.message in page


def test_promoted_resident_with_email_gets_mail(
    activity, make_resident, mailoutbox, django_capture_on_commit_callbacks
):
    holder, waiting = make_resident(), make_resident(email="wait@example.cn")
    held = actions.signup_create(activity=activity, resident=holder, party_size=10)
    actions.signup_create(activity=activity, resident=waiting)

    with django_capture_on_commit_callbacks(execute=True):
        client_for(holder).post(reverse("activities:signup_cancel", args=[held.pk]))

    assert [mail.to for mail in mailoutbox] == [["wait@example.cn"]]


def test_cancelling_someone_elses_signup_is_404(activity, make_resident):
    owner = make_resident()
    signup = actions.signup_create(activity=activity, resident=owner)

    response = client_for(make_resident()).post(
        reverse("activities:signup_cancel", args=[signup.pk])
    )

    assert response.status_code == 404
    assert Signup.objects.get(pk=signup.pk).status == "confirmed"


def test_my_page_lists_signups_with_waitlist_positions(activity, make_resident):
    actions.signup_create(activity=activity, resident=make_resident(), party_size=10)
    actions.signup_create(activity=activity, resident=make_resident())
    me = make_resident()
    actions.signup_create(activity=activity, resident=me)

    page = client_for(me).get(reverse("activities:me")).content.decode()

    assert activity.title in page
    assert "候补第 2 位" in page


def test_my_page_queries_stay_flat(
    activity, make_resident, community, django_assert_max_num_queries
):
    from tests.activities.factories import ActivityFactory

    me = make_resident()
    client = client_for(me)
    actions.signup_create(activity=activity, resident=me)
    with django_assert_max_num_queries(10) as small:
        client.get(reverse("activities:me"))
    for _ in range(10):
        other = ActivityFactory(community=community, capacity=1)
        actions.signup_create(activity=other, resident=make_resident())
        actions.signup_create(activity=other, resident=me)  # waits
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("activities:me"))


def test_calendar_feed_lists_my_signups_and_the_token_can_be_reset(activity, make_resident):
    me = make_resident()
    actions.signup_create(activity=activity, resident=me)
    token = me.resident_profile.calendar_token
    feed = reverse("activities:calendar_feed", args=[token])

    assert activity.title in client_for(None).get(feed).content.decode()

    client_for(me).post(reverse("activities:calendar_token_reset"))

    assert client_for(None).get(feed).status_code == 404
    me.resident_profile.refresh_from_db()
    assert me.resident_profile.calendar_token != token


def test_self_checkin_get_changes_nothing_and_post_checks_in(activity, make_resident):
    me = make_resident()
    signup = actions.signup_create(activity=activity, resident=me)
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=timezone.now() - timedelta(minutes=5),
        ends_at=timezone.now() + timedelta(hours=1),
    )
    url = reverse("activities:self_checkin", args=[activity.pk, activity.checkin_token])
    client = client_for(me)

    assert client.get(url).status_code == 200
    assert Signup.objects.get(pk=signup.pk).status == "confirmed"

    client.post(url)
    assert Signup.objects.get(pk=signup.pk).status == "attended"


def test_self_checkin_with_a_wrong_token_changes_nothing(activity, make_resident):
    me = make_resident()
    signup = actions.signup_create(activity=activity, resident=me)
    Activity.objects.filter(pk=activity.pk).update(  # inside the check-in window
        starts_at=timezone.now() - timedelta(minutes=5),
        ends_at=timezone.now() + timedelta(hours=1),
    )
    url = reverse("activities:self_checkin", args=[activity.pk, "guessed-token-123"])

    response = client_for(me).post(url)

    assert response.status_code == 302
    assert Signup.objects.get(pk=signup.pk).status == "confirmed"


def test_staff_set_a_password_for_a_desk_registered_resident(community_staff, community, activity):
    from communities.models import ResidentProfile
    from communities.permissions import scope_for

    resident = actions.resident_find_or_create_at_desk(
        name="王大爷",
        phone="13912345678",
        community=community,
        scope=scope_for(community_staff),
        by=community_staff,
    )
    profile = ResidentProfile.objects.get(user=resident)
    url = reverse("communities:resident_password_set", args=[profile.pk])

    client_for(community_staff).post(
        url, {"new_password1": "Wang-daye-2026", "new_password2": "Wang-daye-2026"}
    )

    assert (
        client_for(None)
        .post(reverse("login"), {"username": "13912345678", "password": "Wang-daye-2026"})
        .status_code
        == 302
    )


def test_staff_cannot_set_passwords_outside_their_community_or_for_staff(
    other_community_staff, community_staff, resident
):
    from communities.models import ResidentProfile

    profile = ResidentProfile.objects.get(user=resident)
    url = reverse("communities:resident_password_set", args=[profile.pk])
    data = {"new_password1": "Taken-over-2026", "new_password2": "Taken-over-2026"}

    assert client_for(other_community_staff).post(url, data).status_code == 404
    resident.is_staff = True
    resident.save()
    assert client_for(community_staff).post(url, data).status_code == 404
    resident.refresh_from_db()
    assert not resident.check_password("Taken-over-2026")
