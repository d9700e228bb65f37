"""The staff pages: create and run activities, the check-in desk, photos, the report.

Everything goes through the views with the test client, as staff would use them. The Chinese
catalogue for these pages is still being written, so the tests check status codes, redirects,
the database, form errors and data shown on the page, never translated message text.
"""

import io
import re
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from activities import actions
from activities.forms import ActivityForm
from activities.models import Activity, ActivityPhoto, ActivitySeries, Signup
from communities.models import ResidentProfile, User
from governance_portal.models import Notification
from tests.activities.factories import ActivityFactory
from tests.conftest import client_for

INPUT_FORMAT = "%Y-%m-%dT%H:%M"  # what a datetime-local input sends
GENERATED_PHOTO_NAME = re.compile(r"activities/\d{4}/\d{2}/[0-9a-f]{32}\.jpg")
GENERATED_THUMBNAIL_NAME = re.compile(r"activities/\d{4}/\d{2}/[0-9a-f]{32}_thumb\.jpg")


# --- helpers ---------------------------------------------------------------------------------


def url(name: str, *args) -> str:
    return reverse(f"activities:{name}", args=args)


def reload(activity: Activity) -> Activity:
    return Activity.objects.get(pk=activity.pk)


def as_input(moment: datetime) -> str:
    return timezone.localtime(moment).strftime(INPUT_FORMAT)


def days_ahead(days: int, hour: int = 10, minute: int = 0) -> str:
    """A datetime-local value ``days`` from today (negative: in the past), local time."""
    day = timezone.localdate() + timedelta(days=days)
    return f"{day:%Y-%m-%d}T{hour:02d}:{minute:02d}"


def new_activity_data(**overrides) -> dict:
    data = {
        "kind": Activity.Kind.READING_CLUB,
        "title": "读书分享会",
        "venue": "社区图书室",
        "starts_at": days_ahead(7, 14),
        "ends_at": days_ahead(7, 16),
        "capacity": "20",
        "signup_opens_at": "",
        "signup_closes_at": "",
        "cancel_deadline": "",
        "audience": Activity.Audience.EVERYONE,
        "description": "一起读一本好书，交流读后感。",
    }
    return data | overrides


def edit_data(activity: Activity, **overrides) -> dict:
    """The edit form as the browser would send it back unchanged, with ``overrides``."""
    data = {
        "kind": activity.kind,
        "title": activity.title,
        "street": activity.street_id,
        "community": activity.community_id or "",
        "venue": activity.venue,
        "starts_at": as_input(activity.starts_at),
        "ends_at": as_input(activity.ends_at),
        "capacity": activity.capacity if activity.capacity is not None else "",
        "signup_opens_at": "",
        "signup_closes_at": "",
        "cancel_deadline": "",
        "audience": activity.audience,
        "description": activity.description,
    }
    return data | overrides


def sign_up(activity: Activity, resident, **kwargs) -> Signup:
    return actions.signup_create(activity=activity, resident=resident, **kwargs)


def move_into_past(activity: Activity) -> Activity:
    """The activity started three hours ago and ended an hour ago."""
    now = timezone.now()
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=1)
    )
    return reload(activity)


def message_levels(response) -> list[str]:
    return [message.level_tag for message in get_messages(response.wsgi_request)]


def jpeg_bytes(width: int = 64, height: int = 48) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "seagreen").save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


# --- create ----------------------------------------------------------------------------------


def test_community_staff_create_a_draft_for_their_community(community_staff, community):
    data = new_activity_data(community=community.pk)

    response = client_for(community_staff).post(url("activity_create"), data)

    activity = Activity.objects.get(title="读书分享会")
    assert response.status_code == 302
    assert response.url == url("activity_manage", activity.pk)
    assert activity.status == Activity.Status.DRAFT
    assert activity.community == community
    assert activity.street == community.street
    assert activity.created_by == community_staff
    assert as_input(activity.starts_at) == data["starts_at"]
    assert as_input(activity.ends_at) == data["ends_at"]
    assert activity.capacity == 20


def test_new_draft_shows_on_its_manage_page(community_staff, community):
    client = client_for(community_staff)
    client.post(url("activity_create"), new_activity_data(community=community.pk))

    page = client.get(url("activity_manage", Activity.objects.get().pk)).content.decode()

    assert "读书分享会" in page
    assert "社区图书室" in page


def test_another_communitys_pk_is_a_form_error(community_staff, other_community):
    response = client_for(community_staff).post(
        url("activity_create"), new_activity_data(community=other_community.pk)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["community"]
    assert not Activity.objects.exists()


def test_community_staff_cannot_create_a_whole_street_activity(community_staff, street):
    response = client_for(community_staff).post(
        url("activity_create"), new_activity_data(community="", street=street.pk)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["community"]
    assert not Activity.objects.exists()


def test_street_staff_create_a_whole_street_activity(street_staff, street):
    response = client_for(street_staff).post(
        url("activity_create"), new_activity_data(community="", street=street.pk)
    )

    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.street == street
    assert activity.community is None
    assert activity.created_by == street_staff
    assert activity.status == Activity.Status.DRAFT


def test_street_staff_whole_street_activity_needs_a_street(street_staff):
    response = client_for(street_staff).post(
        url("activity_create"), new_activity_data(community="", street="")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["street"]
    assert not Activity.objects.exists()


def test_street_staff_cannot_pick_another_streets_community(street_staff, other_community):
    response = client_for(street_staff).post(
        url("activity_create"), new_activity_data(community=other_community.pk)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["community"]
    assert not Activity.objects.exists()


def test_activity_ending_before_it_starts_is_a_form_error(community_staff, community):
    data = new_activity_data(
        community=community.pk, starts_at=days_ahead(7, 16), ends_at=days_ahead(7, 14)
    )

    response = client_for(community_staff).post(url("activity_create"), data)

    assert response.status_code == 200
    assert response.context["form"].errors["ends_at"]
    assert not Activity.objects.exists()


def test_malformed_date_is_a_form_error(community_staff, community):
    data = new_activity_data(community=community.pk, starts_at="下周三上午")

    response = client_for(community_staff).post(url("activity_create"), data)

    assert response.status_code == 200
    assert response.context["form"].errors["starts_at"]
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "长" * 1000),
        ("description", "第一行\x00第二行"),
        ("venue", "社区\x00图书室"),
        ("capacity", "-5"),
        ("kind", "party"),
    ],
)
def test_hostile_input_is_a_form_error_not_a_crash(community_staff, community, field, value):
    response = client_for(community_staff).post(
        url("activity_create"), new_activity_data(community=community.pk, **{field: value})
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Activity.objects.exists()


def test_zero_places_is_an_error_on_the_capacity_field(community_staff, community):
    response = client_for(community_staff).post(
        url("activity_create"), new_activity_data(community=community.pk, capacity="0")
    )

    assert response.status_code == 200
    assert not Activity.objects.exists()
    assert response.context["form"].errors["capacity"]
    assert not response.context["form"].non_field_errors()


def test_script_in_the_title_is_shown_escaped(community_staff, community):
    title = "<script>alert('x')</script>读书会"
    client = client_for(community_staff)

    client.post(url("activity_create"), new_activity_data(community=community.pk, title=title))

    activity = Activity.objects.get()
    assert activity.title == title
    page = client.get(url("activity_manage", activity.pk)).content.decode()
    assert "<script>alert(" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;读书会" in page


def test_create_form_offers_only_communities_in_scope(
    community_staff, community, sibling_community, other_community
):
    form = client_for(community_staff).get(url("activity_create")).context["form"]

    assert list(form.fields["community"].queryset) == [community]
    assert "street" not in form.fields


# --- update ----------------------------------------------------------------------------------


def test_staff_edit_the_venue(community_staff, activity):
    client = client_for(community_staff)
    assert client.get(url("activity_update", activity.pk)).status_code == 200

    response = client.post(
        url("activity_update", activity.pk), edit_data(activity, venue="社区党群服务中心二楼")
    )

    assert response.status_code == 302
    assert response.url == url("activity_manage", activity.pk)
    activity = reload(activity)
    assert activity.venue == "社区党群服务中心二楼"
    assert activity.status == Activity.Status.PUBLISHED


def test_capacity_below_places_taken_is_a_form_error(community_staff, activity, make_resident):
    sign_up(activity, make_resident(), party_size=3)
    activity = reload(activity)

    response = client_for(community_staff).post(
        url("activity_update", activity.pk), edit_data(activity, capacity="2", venue="别处")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["capacity"]
    activity = reload(activity)
    assert (activity.capacity, activity.places_taken, activity.venue) == (10, 3, "小区东侧绿地")


def test_cancelled_activity_cannot_be_edited(community_staff, activity):
    Activity.objects.filter(pk=activity.pk).update(
        status=Activity.Status.CANCELLED, cancel_reason="场地维修"
    )
    activity = reload(activity)

    response = client_for(community_staff).post(
        url("activity_update", activity.pk), edit_data(activity, venue="别处")
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    activity = reload(activity)
    assert activity.venue == "小区东侧绿地"
    assert activity.status == Activity.Status.CANCELLED


def test_editing_keeps_a_place_taken_by_a_signup_made_meanwhile(
    community_staff, activity, make_resident, monkeypatch
):
    """Simulates a resident signing up while the edit request is being processed."""
    newcomer = make_resident()
    original_clean = ActivityForm.clean

    def clean_while_a_resident_signs_up(form):
        sign_up(activity, newcomer)
        return original_clean(form)

    monkeypatch.setattr(ActivityForm, "clean", clean_while_a_resident_signs_up)

    client_for(community_staff).post(
        url("activity_update", activity.pk), edit_data(activity, venue="社区党群服务中心")
    )

    activity = reload(activity)
    assert activity.venue == "社区党群服务中心"
    assert Signup.objects.get(resident=newcomer).status == Signup.Status.CONFIRMED
    assert activity.places_taken == 1


def test_raising_capacity_confirms_people_waiting(community_staff, activity, make_resident):
    sign_up(activity, make_resident(), party_size=10)
    waiting = sign_up(activity, make_resident(), party_size=2)
    assert waiting.status == Signup.Status.WAITLISTED
    activity = reload(activity)

    client_for(community_staff).post(
        url("activity_update", activity.pk), edit_data(activity, capacity="20")
    )

    activity = reload(activity)
    assert activity.capacity == 20
    waiting.refresh_from_db()
    assert waiting.status == Signup.Status.CONFIRMED
    assert (activity.places_taken, activity.waitlist_count) == (12, 0)


# --- publish, complete -----------------------------------------------------------------------


def test_staff_publish_a_draft(community_staff, community):
    draft = ActivityFactory(community=community, status=Activity.Status.DRAFT)

    response = client_for(community_staff).post(url("activity_publish", draft.pk))

    assert response.status_code == 302
    assert response.url == url("activity_manage", draft.pk)
    assert reload(draft).status == Activity.Status.PUBLISHED
    assert message_levels(response) == ["success"]


def test_publish_by_get_is_not_allowed(community_staff, community):
    draft = ActivityFactory(community=community, status=Activity.Status.DRAFT)

    response = client_for(community_staff).get(url("activity_publish", draft.pk))

    assert response.status_code == 405
    assert reload(draft).status == Activity.Status.DRAFT


def test_publishing_a_published_activity_is_an_error(community_staff, activity):
    before = reload(activity)

    response = client_for(community_staff).post(url("activity_publish", activity.pk))

    assert response.status_code == 302
    assert message_levels(response) == ["error"]
    after = reload(activity)
    assert after.status == Activity.Status.PUBLISHED
    assert after.updated_at == before.updated_at


def test_publishing_a_draft_that_has_ended_is_an_error(community_staff, community):
    now = timezone.now()
    draft = ActivityFactory(
        community=community,
        status=Activity.Status.DRAFT,
        starts_at=now - timedelta(hours=3),
        ends_at=now - timedelta(hours=1),
    )

    response = client_for(community_staff).post(url("activity_publish", draft.pk))

    assert message_levels(response) == ["error"]
    assert reload(draft).status == Activity.Status.DRAFT


def test_staff_mark_a_started_activity_completed(community_staff, activity):
    now = timezone.now()
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1)
    )

    response = client_for(community_staff).post(url("activity_complete", activity.pk))

    assert response.status_code == 302
    assert response.url == url("activity_manage", activity.pk)
    assert reload(activity).status == Activity.Status.COMPLETED


def test_future_activity_cannot_be_completed(community_staff, activity):
    response = client_for(community_staff).post(url("activity_complete", activity.pk))

    assert message_levels(response) == ["error"]
    assert reload(activity).status == Activity.Status.PUBLISHED


# --- cancel ----------------------------------------------------------------------------------


def test_cancelling_tells_everyone_signed_up(community_staff, activity, make_resident):
    confirmed = sign_up(activity, make_resident(), party_size=10).resident
    waiting = sign_up(activity, make_resident()).resident
    gone = make_resident()
    actions.signup_cancel(signup=sign_up(activity, gone), by=gone)
    client = client_for(community_staff)
    assert client.get(url("activity_cancel", activity.pk)).status_code == 200

    response = client.post(
        url("activity_cancel", activity.pk), {"reason": "  暴雨预警，改期举行  "}
    )

    assert response.status_code == 302
    assert response.url == url("activity_manage", activity.pk)
    activity = reload(activity)
    assert activity.status == Activity.Status.CANCELLED
    assert activity.cancel_reason == "暴雨预警，改期举行"
    for person in (confirmed, waiting):
        notification = Notification.objects.get(user=person)
        assert "暴雨预警，改期举行" in notification.message
        assert "春季绿植领养" in notification.message
        assert notification.url == activity.get_absolute_url()
    assert not Notification.objects.filter(user=gone).exists()


def test_cancelled_activity_shows_its_reason_on_the_public_page(community_staff, activity):
    client_for(community_staff).post(url("activity_cancel", activity.pk), {"reason": "场地维修"})

    page = client_for(None).get(url("activity_detail", activity.pk)).content.decode()

    assert "场地维修" in page


@pytest.mark.parametrize("reason", ["", "   "])
def test_cancelling_without_a_reason_is_a_form_error(
    community_staff, activity, make_resident, reason
):
    sign_up(activity, make_resident())

    response = client_for(community_staff).post(
        url("activity_cancel", activity.pk), {"reason": reason}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert reload(activity).status == Activity.Status.PUBLISHED
    assert not Notification.objects.exists()


def test_completed_activity_cannot_be_cancelled(community_staff, activity):
    Activity.objects.filter(pk=activity.pk).update(status=Activity.Status.COMPLETED)

    response = client_for(community_staff).post(
        url("activity_cancel", activity.pk), {"reason": "弄错了"}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert reload(activity).status == Activity.Status.COMPLETED


# --- copy and repeat -------------------------------------------------------------------------


def test_copy_to_a_future_date_makes_a_new_draft(community_staff, activity, make_resident):
    sign_up(activity, make_resident(), party_size=4)
    new_start = days_ahead(30, 9, 30)

    response = client_for(community_staff).post(
        url("activity_copy", activity.pk), {"starts_at": new_start}
    )

    copy = Activity.objects.exclude(pk=activity.pk).get()
    assert response.status_code == 302
    assert response.url == url("activity_update", copy.pk)
    assert copy.status == Activity.Status.DRAFT
    assert (copy.title, copy.venue, copy.community, copy.street, copy.capacity) == (
        activity.title,
        activity.venue,
        activity.community,
        activity.street,
        activity.capacity,
    )
    assert as_input(copy.starts_at) == new_start
    assert copy.ends_at - copy.starts_at == activity.ends_at - activity.starts_at
    assert copy.created_by == community_staff
    assert (copy.places_taken, copy.signups.count()) == (0, 0)
    assert reload(activity).places_taken == 4


def test_copy_to_a_past_date_is_a_form_error(community_staff, activity):
    response = client_for(community_staff).post(
        url("activity_copy", activity.pk), {"starts_at": days_ahead(-1)}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["starts_at"]
    assert Activity.objects.count() == 1


def test_repeat_weekly_makes_drafts_of_one_series(community_staff, activity):
    first_day = timezone.localtime(activity.starts_at).date()
    until = first_day + timedelta(weeks=3)

    response = client_for(community_staff).post(
        url("activity_repeat", activity.pk),
        {"frequency": ActivitySeries.Frequency.WEEKLY, "until": until.isoformat()},
    )

    assert response.status_code == 302
    assert urlsplit(response.url).path == url("manage_list")
    series = ActivitySeries.objects.get()
    assert (series.frequency, series.until, series.created_by) == ("weekly", until, community_staff)
    copies = list(Activity.objects.exclude(pk=activity.pk).order_by("starts_at"))
    assert len(copies) == 3
    assert {copy.status for copy in copies} == {Activity.Status.DRAFT}
    assert {copy.series_id for copy in copies} == {series.pk}
    assert reload(activity).series == series
    assert [copy.starts_at - activity.starts_at for copy in copies] == [
        timedelta(weeks=1),
        timedelta(weeks=2),
        timedelta(weeks=3),
    ]


def test_repeat_until_the_activitys_own_day_is_a_form_error(community_staff, activity):
    until = timezone.localtime(activity.starts_at).date()

    response = client_for(community_staff).post(
        url("activity_repeat", activity.pk), {"frequency": "weekly", "until": until.isoformat()}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Activity.objects.count() == 1
    assert not ActivitySeries.objects.exists()


def test_repeat_beyond_the_series_limit_creates_nothing(community_staff, activity):
    until = timezone.localtime(activity.starts_at).date() + timedelta(weeks=200)

    response = client_for(community_staff).post(
        url("activity_repeat", activity.pk), {"frequency": "weekly", "until": until.isoformat()}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Activity.objects.count() == 1
    assert not ActivitySeries.objects.exists()
    assert reload(activity).series is None


def test_repeat_redirects_to_a_search_for_the_exact_title(community_staff, community):
    weekly = ActivityFactory(community=community, title="亲子阅读 & 手工 #3")
    until = timezone.localtime(weekly.starts_at).date() + timedelta(weeks=1)

    response = client_for(community_staff).post(
        url("activity_repeat", weekly.pk), {"frequency": "weekly", "until": until.isoformat()}
    )

    assert parse_qs(urlsplit(response.url).query)["q"] == ["亲子阅读 & 手工 #3"]


def test_repeat_monthly_keeps_the_local_day_of_the_month(community_staff, community):
    year = timezone.localdate().year + 1
    starts_at = timezone.make_aware(datetime(year, 3, 1, 7, 30))
    morning = ActivityFactory(community=community, title="晨练太极", starts_at=starts_at)

    client_for(community_staff).post(
        url("activity_repeat", morning.pk),
        {"frequency": "monthly", "until": date(year, 5, 31).isoformat()},
    )

    copies = Activity.objects.exclude(pk=morning.pk).order_by("starts_at")
    assert [as_input(copy.starts_at) for copy in copies] == [
        f"{year}-04-01T07:30",
        f"{year}-05-01T07:30",
    ]


# --- report ----------------------------------------------------------------------------------


@pytest.fixture
def held_activity(activity, make_resident):
    """``activity``, held: it ended an hour ago and two of its three residents checked in."""
    signups = [sign_up(activity, make_resident()) for _ in range(3)]
    for signup in signups[:2]:
        actions.signup_mark_attendance(signup=signup, attended=True, by=None)
    return move_into_past(activity)


def test_report_with_attendance_differing_from_check_in_needs_a_note(
    community_staff, held_activity
):
    response = client_for(community_staff).post(
        url("activity_report", held_activity.pk),
        {"report": "二十余户家庭领养了绿植。", "attendance": "5", "attendance_note": ""},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["attendance_note"]
    activity = reload(held_activity)
    assert (activity.report, activity.attendance, activity.reported_at) == ("", None, None)
    assert activity.status == Activity.Status.PUBLISHED


def test_report_is_saved_and_appears_in_the_news_feed_and_on_the_activity(
    community_staff, held_activity
):
    client = client_for(community_staff)
    assert client.get(url("activity_report", held_activity.pk)).status_code == 200

    response = client.post(
        url("activity_report", held_activity.pk),
        {
            "report": "二十余户家庭领养了绿植。\n孩子们给每盆花起了名字。",
            "attendance": "5",
            "attendance_note": "三位老人没有扫码，现场登记",
        },
    )

    assert response.status_code == 302
    assert response.url == url("activity_manage", held_activity.pk)
    activity = reload(held_activity)
    assert activity.status == Activity.Status.COMPLETED
    assert activity.attendance == 5
    assert activity.attendance_note == "三位老人没有扫码，现场登记"
    assert activity.reported_at is not None
    visitor = client_for(None)
    news = visitor.get(url("news_list")).content.decode()
    assert "春季绿植领养" in news
    assert "孩子们给每盆花起了名字。" in news
    detail = visitor.get(url("activity_detail", activity.pk)).content.decode()
    assert "二十余户家庭领养了绿植。" in detail


def test_report_without_attendance_takes_the_check_in_count(community_staff, held_activity):
    client_for(community_staff).post(
        url("activity_report", held_activity.pk),
        {"report": "活动顺利。", "attendance": "", "attendance_note": ""},
    )

    activity = reload(held_activity)
    assert activity.attendance == 2
    assert activity.status == Activity.Status.COMPLETED


def test_report_on_a_future_activity_is_an_error(community_staff, activity):
    response = client_for(community_staff).post(
        url("activity_report", activity.pk), {"report": "提前写好", "attendance": ""}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert reload(activity).report == ""


def test_negative_attendance_is_a_form_error(community_staff, held_activity):
    response = client_for(community_staff).post(
        url("activity_report", held_activity.pk),
        {"report": "活动顺利。", "attendance": "-1", "attendance_note": "笔误"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["attendance"]
    assert reload(held_activity).report == ""


# --- photos ----------------------------------------------------------------------------------


def upload_photo(client, activity, content: bytes, name: str = "IMG_2024 我家.jpg", **fields):
    return client.post(
        url("photo_upload", activity.pk),
        {"photo": SimpleUploadedFile(name, content, content_type="image/jpeg"), **fields},
    )


def test_staff_upload_a_photo_stored_under_a_generated_name(community_staff, activity, media_root):
    client = client_for(community_staff)
    assert client.get(url("photo_upload", activity.pk)).status_code == 200

    response = upload_photo(
        client, activity, jpeg_bytes(64, 48), caption="孩子们在种树", credit="本报记者 杨翠叶"
    )

    assert response.status_code == 302
    assert response.url == url("photo_upload", activity.pk)
    photo = ActivityPhoto.objects.get()
    assert photo.activity == activity
    assert photo.uploaded_by == community_staff
    assert (photo.caption, photo.credit) == ("孩子们在种树", "本报记者 杨翠叶")
    assert (photo.width, photo.height) == (64, 48)
    assert GENERATED_PHOTO_NAME.fullmatch(photo.image.name)
    assert GENERATED_THUMBNAIL_NAME.fullmatch(photo.thumbnail.name)
    assert stored_files(media_root) == sorted([photo.image.name, photo.thumbnail.name])
    assert "IMG_2024" not in photo.image.name
    page = client.get(url("photo_upload", activity.pk)).content.decode()
    assert "孩子们在种树" in page and "本报记者 杨翠叶" in page


def test_text_file_named_like_a_photo_is_a_form_error(community_staff, activity, media_root):
    response = upload_photo(
        client_for(community_staff), activity, b"just some text, not a picture", "photo.jpg"
    )

    assert response.status_code == 200
    assert response.context["form"].errors["photo"]
    assert not ActivityPhoto.objects.exists()
    assert stored_files(media_root) == []


def test_upload_without_a_file_is_a_form_error(community_staff, activity, media_root):
    response = client_for(community_staff).post(
        url("photo_upload", activity.pk), {"caption": "没有照片"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["photo"]
    assert not ActivityPhoto.objects.exists()


def test_staff_delete_a_photo_and_its_files(
    community_staff, activity, media_root, django_capture_on_commit_callbacks
):
    client = client_for(community_staff)
    upload_photo(client, activity, jpeg_bytes())
    photo = ActivityPhoto.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("photo_delete", photo.pk))

    assert response.status_code == 302
    assert response.url == url("photo_upload", activity.pk)
    assert not ActivityPhoto.objects.exists()
    assert stored_files(media_root) == []


def test_deleting_a_photo_by_get_is_not_allowed(community_staff, activity, media_root):
    client = client_for(community_staff)
    upload_photo(client, activity, jpeg_bytes())

    response = client.get(url("photo_delete", ActivityPhoto.objects.get().pk))

    assert response.status_code == 405
    assert ActivityPhoto.objects.count() == 1


def test_outsider_cannot_delete_a_photo(
    community_staff, other_community_staff, activity, media_root
):
    upload_photo(client_for(community_staff), activity, jpeg_bytes())
    photo = ActivityPhoto.objects.get()

    response = client_for(other_community_staff).post(url("photo_delete", photo.pk))

    assert response.status_code == 404
    assert ActivityPhoto.objects.filter(pk=photo.pk).exists()
    assert len(stored_files(media_root)) == 2


# --- the check-in desk -----------------------------------------------------------------------


def test_desk_lists_confirmed_signups_with_masked_phones(
    community_staff, activity, resident, make_resident
):
    sign_up(activity, resident)
    gone = make_resident(name="周敏", phone="13700005555")
    actions.signup_cancel(signup=sign_up(activity, gone), by=gone)

    response = client_for(community_staff).get(url("checkin_desk", activity.pk))

    page = response.content.decode()
    assert response.status_code == 200
    assert "刘芳" in page
    assert "138****0001" in page
    assert "13800000001" not in page
    assert "周敏" not in page


def test_desk_search_by_last_four_digits(community_staff, activity, resident, make_resident):
    sign_up(activity, resident)
    sign_up(activity, make_resident(name="陈静", phone="13900002222"))
    client = client_for(community_staff)

    page = client.get(url("checkin_desk", activity.pk), {"q": "2222"}).content.decode()

    assert "陈静" in page and "139****2222" in page
    assert "刘芳" not in page


def test_desk_search_by_name(community_staff, activity, resident, make_resident):
    sign_up(activity, resident)
    sign_up(activity, make_resident(name="陈静", phone="13900002222"))

    page = (
        client_for(community_staff)
        .get(url("checkin_desk", activity.pk), {"q": "刘"})
        .content.decode()
    )

    assert "刘芳" in page
    assert "陈静" not in page


def test_desk_checks_a_resident_in(community_staff, activity, resident):
    signup = sign_up(activity, resident)

    response = client_for(community_staff).post(
        url("attendance_mark", signup.pk), {"attended": "1"}
    )

    assert response.status_code == 302
    assert response.url == url("checkin_desk", activity.pk)
    signup.refresh_from_db()
    assert signup.status == Signup.Status.ATTENDED
    assert signup.checked_in_at is not None


def test_desk_marks_a_resident_as_not_come(community_staff, activity, resident):
    signup = sign_up(activity, resident)
    actions.signup_mark_attendance(signup=signup, attended=True, by=community_staff)

    client_for(community_staff).post(url("attendance_mark", signup.pk), {"attended": "0"})

    signup.refresh_from_db()
    assert signup.status == Signup.Status.NO_SHOW
    assert signup.checked_in_at is None


def test_waitlisted_signup_cannot_be_checked_in(community_staff, activity, make_resident):
    sign_up(activity, make_resident(), party_size=10)
    waiting = sign_up(activity, make_resident())

    response = client_for(community_staff).post(
        url("attendance_mark", waiting.pk), {"attended": "1"}
    )

    assert message_levels(response) == ["error"]
    waiting.refresh_from_db()
    assert waiting.status == Signup.Status.WAITLISTED


# --- signing up at the desk (代报名) and walk-ins --------------------------------------------


def desk_data(**overrides) -> dict:
    data = {
        "name": "赵大爷",
        "phone": "13912345678",
        "party_size": "2",
        "children_under_14": "0",
        "consent": "on",
    }
    return data | overrides


def test_desk_signup_creates_a_resident_without_a_password(community_staff, activity, community):
    client = client_for(community_staff)
    assert client.get(url("desk_signup", activity.pk)).status_code == 200

    response = client.post(url("desk_signup", activity.pk), desk_data())

    assert response.status_code == 302
    assert response.url == url("activity_manage", activity.pk)
    newcomer = User.objects.get(phone="13912345678")
    assert newcomer.name == "赵大爷"
    assert not newcomer.has_usable_password()
    assert ResidentProfile.objects.get(user=newcomer).community == community
    signup = Signup.objects.get(resident=newcomer)
    assert signup.status == Signup.Status.CONFIRMED
    assert signup.registered_by == community_staff
    assert signup.party_size == 2
    assert not signup.walk_in
    assert reload(activity).places_taken == 2
    page = client.get(url("activity_manage", activity.pk)).content.decode()
    assert "赵大爷" in page and "139****5678" in page
    assert "13912345678" not in page


def test_desk_signup_normalises_the_phone(community_staff, activity):
    client_for(community_staff).post(
        url("desk_signup", activity.pk), desk_data(phone="+86 139-1234-5678")
    )

    assert Signup.objects.get().resident.phone == "13912345678"


@pytest.mark.parametrize("phone", ["12345", "1391234567", "23912345678", "1391234567a", ""])
def test_desk_signup_with_a_malformed_phone_is_a_form_error(community_staff, activity, phone):
    users_before = User.objects.count()

    response = client_for(community_staff).post(
        url("desk_signup", activity.pk), desk_data(phone=phone)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["phone"]
    assert User.objects.count() == users_before
    assert not Signup.objects.exists()


def test_desk_signup_of_a_known_phone_reuses_the_resident(community_staff, activity, resident):
    users_before = User.objects.count()

    client_for(community_staff).post(
        url("desk_signup", activity.pk), desk_data(name="别的名字", phone="138 0000 0001")
    )

    assert User.objects.count() == users_before
    signup = Signup.objects.get()
    assert signup.resident == resident
    resident.refresh_from_db()
    assert resident.name == "刘芳"
    assert resident.has_usable_password()


def test_desk_signup_of_someone_already_signed_up_is_an_error(community_staff, activity, resident):
    sign_up(activity, resident)

    response = client_for(community_staff).post(
        url("desk_signup", activity.pk), desk_data(phone=resident.phone)
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Signup.objects.count() == 1


def test_desk_signup_name_with_control_characters_is_a_form_error(community_staff, activity):
    response = client_for(community_staff).post(
        url("desk_signup", activity.pk), desk_data(name="赵\x07大爷")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not User.objects.filter(phone="13912345678").exists()


def test_desk_signup_with_children_needs_consent(community_staff, activity):
    response = client_for(community_staff).post(
        url("desk_signup", activity.pk), desk_data(party_size="2", children_under_14="1")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["guardian_consent"]
    assert not Signup.objects.exists()


def test_desk_signup_for_a_whole_street_activity_asks_for_the_community(
    street_staff, street, community
):
    street_day = ActivityFactory(community=None, street=street)
    client = client_for(street_staff)

    missing = client.post(url("desk_signup", street_day.pk), desk_data())
    assert missing.status_code == 200
    assert missing.context["form"].errors["community"]
    assert not User.objects.filter(phone="13912345678").exists()

    response = client.post(url("desk_signup", street_day.pk), desk_data(community=community.pk))
    assert response.status_code == 302
    assert User.objects.get(phone="13912345678").resident_profile.community == community


def test_desk_signup_needs_consent_for_a_new_resident(community_staff, activity):
    response = client_for(community_staff).post(
        url("desk_signup", activity.pk), desk_data(consent="")
    )

    assert response.context["form"].errors["consent"]
    assert not User.objects.filter(phone="13912345678").exists()


def test_desk_signup_refuses_a_number_from_another_community(
    other_community_staff, other_community, resident
):
    own = ActivityFactory(community=other_community)

    response = client_for(other_community_staff).post(
        url("desk_signup", own.pk), desk_data(phone=resident.phone)
    )

    page = response.content.decode()
    assert response.context["form"].errors["phone"]
    assert resident.name not in page
    assert not Signup.objects.filter(resident=resident).exists()


def test_desk_signup_refuses_a_staff_members_number(community_staff, activity, street_staff):
    street_staff.phone = "13700000077"
    street_staff.save()

    response = client_for(community_staff).post(
        url("desk_signup", activity.pk), desk_data(phone="13700000077")
    )

    assert response.context["form"].errors["phone"]
    assert not Signup.objects.filter(resident=street_staff).exists()


def test_walk_in_is_signed_up_and_checked_in_at_once(community_staff, activity):
    response = client_for(community_staff).post(
        url("walk_in", activity.pk), desk_data(party_size="1")
    )

    assert response.status_code == 302
    assert response.url == url("checkin_desk", activity.pk)
    signup = Signup.objects.get(resident__phone="13912345678")
    assert signup.status == Signup.Status.ATTENDED
    assert signup.walk_in
    assert signup.registered_by == community_staff
    assert signup.checked_in_at is not None
    assert reload(activity).places_taken == 1


def test_walk_in_for_a_full_activity_is_an_error(community_staff, activity, make_resident):
    sign_up(activity, make_resident(), party_size=10)

    response = client_for(community_staff).post(url("walk_in", activity.pk), desk_data())

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Signup.objects.count() == 1


def test_refused_walk_in_leaves_no_resident_record(community_staff, activity, make_resident):
    sign_up(activity, make_resident(), party_size=10)

    client_for(community_staff).post(url("walk_in", activity.pk), desk_data())

    assert not User.objects.filter(phone="13912345678").exists()


# --- staff cancel a signup -------------------------------------------------------------------


def test_staff_cancel_a_signup_and_the_first_waiting_gets_the_place(
    community_staff, activity, make_resident
):
    big_family = sign_up(activity, make_resident(), party_size=10)
    first_waiting = sign_up(activity, make_resident(), party_size=2)
    second_waiting = sign_up(activity, make_resident(), party_size=1)

    response = client_for(community_staff).post(url("staff_signup_cancel", big_family.pk))

    assert response.status_code == 302
    assert response.url == url("activity_manage", activity.pk)
    big_family.refresh_from_db()
    first_waiting.refresh_from_db()
    second_waiting.refresh_from_db()
    assert big_family.status == Signup.Status.CANCELLED
    assert first_waiting.status == Signup.Status.CONFIRMED
    assert second_waiting.status == Signup.Status.CONFIRMED
    assert Notification.objects.filter(user=first_waiting.resident).count() == 1
    activity = reload(activity)
    assert (activity.places_taken, activity.waitlist_count) == (3, 0)


def test_staff_may_cancel_after_the_residents_deadline(community_staff, activity, resident):
    signup = sign_up(activity, resident)
    Activity.objects.filter(pk=activity.pk).update(
        cancel_deadline=timezone.now() - timedelta(hours=1)
    )

    client_for(community_staff).post(url("staff_signup_cancel", signup.pk))

    signup.refresh_from_db()
    assert signup.status == Signup.Status.CANCELLED
    assert reload(activity).places_taken == 0


def test_cancelling_a_cancelled_signup_again_is_an_error(community_staff, activity, resident):
    signup = sign_up(activity, resident)
    client = client_for(community_staff)
    client.post(url("staff_signup_cancel", signup.pk), follow=True)

    response = client.post(url("staff_signup_cancel", signup.pk))

    assert message_levels(response) == ["error"]
    assert reload(activity).places_taken == 0


# --- sign-in sheet, QR -----------------------------------------------------------------------


def test_sign_in_sheet_shows_names_and_masked_phones(
    community_staff, activity, resident, make_resident
):
    sign_up(activity, resident)
    sign_up(activity, make_resident(name="陈静", phone="13900002222"), party_size=3)

    response = client_for(community_staff).get(url("signin_sheet", activity.pk))

    page = response.content.decode()
    assert response.status_code == 200
    assert "刘芳" in page and "138****0001" in page
    assert "陈静" in page and "139****2222" in page
    assert "13800000001" not in page and "13900002222" not in page


def test_manage_page_masks_phones(community_staff, activity, resident):
    sign_up(activity, resident)

    page = client_for(community_staff).get(url("activity_manage", activity.pk)).content.decode()

    assert "刘芳" in page and "138****0001" in page
    assert "13800000001" not in page


def test_check_in_qr_code_is_an_svg(community_staff, activity):
    response = client_for(community_staff).get(url("activity_qr", activity.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content


# --- who may open what -----------------------------------------------------------------------

OUTSIDER_REQUESTS = [
    ("get", "activity_manage"),
    ("get", "activity_update"),
    ("post", "activity_update"),
    ("post", "activity_publish"),
    ("post", "activity_complete"),
    ("get", "activity_cancel"),
    ("post", "activity_cancel"),
    ("get", "activity_copy"),
    ("post", "activity_copy"),
    ("get", "activity_repeat"),
    ("post", "activity_repeat"),
    ("get", "activity_report"),
    ("get", "photo_upload"),
    ("get", "checkin_desk"),
    ("get", "desk_signup"),
    ("post", "desk_signup"),
    ("post", "walk_in"),
    ("get", "signin_sheet"),
    ("get", "activity_qr"),
]


@pytest.mark.parametrize(("method", "name"), OUTSIDER_REQUESTS)
def test_outsider_gets_404(other_community_staff, community, method, name):
    draft = ActivityFactory(community=community, status=Activity.Status.DRAFT, title="内部草稿")
    data = edit_data(draft, venue="被改了") | desk_data() | {"reason": "恶作剧"}
    data |= {"starts_at": days_ahead(20), "frequency": "weekly"}
    data["until"] = (timezone.localdate() + timedelta(days=30)).isoformat()

    response = getattr(client_for(other_community_staff), method)(url(name, draft.pk), data)

    assert response.status_code == 404
    after = reload(draft)
    assert (after.status, after.venue, after.cancel_reason) == ("draft", "小区东侧绿地", "")
    assert Activity.objects.count() == 1
    assert not Signup.objects.exists()


@pytest.mark.parametrize("name", ["attendance_mark", "staff_signup_cancel"])
def test_outsider_gets_404_for_a_signup(other_community_staff, activity, resident, name):
    signup = sign_up(activity, resident)

    response = client_for(other_community_staff).post(url(name, signup.pk), {"attended": "1"})

    assert response.status_code == 404
    signup.refresh_from_db()
    assert signup.status == Signup.Status.CONFIRMED


def test_outsider_does_not_see_the_activity_in_the_manage_list(other_community_staff, activity):
    page = client_for(other_community_staff).get(url("manage_list")).content.decode()

    assert "春季绿植领养" not in page


def test_staff_see_their_activities_in_the_manage_list(community_staff, activity, community):
    ActivityFactory(community=community, status=Activity.Status.DRAFT, title="夏季草稿")

    page = client_for(community_staff).get(url("manage_list")).content.decode()

    assert "春季绿植领养" in page and "夏季草稿" in page


@pytest.mark.parametrize("name", ["manage_list", "activity_create"])
def test_resident_gets_403(resident, name):
    assert client_for(resident).get(url(name)).status_code == 403


def test_resident_gets_403_for_an_activitys_manage_page(resident, activity):
    assert client_for(resident).get(url("activity_manage", activity.pk)).status_code == 403


def test_resident_cannot_create_an_activity(resident, community):
    response = client_for(resident).post(
        url("activity_create"), new_activity_data(community=community.pk)
    )

    assert response.status_code == 403
    assert not Activity.objects.exists()


def test_anonymous_visitor_is_sent_to_log_in(activity):
    response = client_for(None).get(url("activity_manage", activity.pk))

    assert response.status_code == 302
    assert urlsplit(response.url).path == reverse("login")


def test_street_staff_open_their_streets_community_activity(street_staff, activity):
    assert client_for(street_staff).get(url("activity_manage", activity.pk)).status_code == 200


def test_community_staff_get_404_for_a_whole_street_activity(community_staff, street):
    street_day = ActivityFactory(community=None, street=street)

    response = client_for(community_staff).get(url("activity_manage", street_day.pk))

    assert response.status_code == 404


# --- query counts ----------------------------------------------------------------------------


@pytest.fixture
def open_activity(activity):
    """``activity`` without a limit on places."""
    Activity.objects.filter(pk=activity.pk).update(capacity=None)
    return reload(activity)


def add_signups(activity, make_resident, count, by=None):
    for _ in range(count):
        sign_up(activity, make_resident(), by=by)


@pytest.mark.parametrize("name", ["activity_manage", "checkin_desk", "signin_sheet"])
def test_activity_pages_run_a_flat_number_of_queries(
    community_staff, open_activity, make_resident, django_assert_max_num_queries, name
):
    page = url(name, open_activity.pk)
    client = client_for(community_staff)
    add_signups(open_activity, make_resident, 1)
    add_signups(open_activity, make_resident, 1, by=community_staff)
    with django_assert_max_num_queries(20) as small:
        assert client.get(page).status_code == 200

    add_signups(open_activity, make_resident, 14)
    add_signups(open_activity, make_resident, 14, by=community_staff)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(page).status_code == 200


def test_manage_page_queries_stay_flat_with_a_waitlist(
    community_staff, activity, make_resident, django_assert_max_num_queries
):
    page = url("activity_manage", activity.pk)
    client = client_for(community_staff)
    sign_up(activity, make_resident(), party_size=10)
    sign_up(activity, make_resident())
    with django_assert_max_num_queries(20) as small:
        client.get(page)

    add_signups(activity, make_resident, 28)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(page)


def test_manage_list_queries_stay_flat(community_staff, community, django_assert_max_num_queries):
    client = client_for(community_staff)
    ActivityFactory.create_batch(2, community=community)
    with django_assert_max_num_queries(20) as small:
        client.get(url("manage_list"))

    ActivityFactory.create_batch(20, community=community)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url("manage_list"))


def test_street_staff_create_a_community_activity_without_picking_the_street(
    street_staff, community
):
    response = client_for(street_staff).post(
        url("activity_create"), new_activity_data(community=community.pk, street="")
    )

    assert response.status_code == 302
    created = Activity.objects.get()
    assert (created.community, created.street) == (community, community.street)


def test_street_staff_edit_a_community_activity_without_picking_the_street(street_staff, activity):
    response = client_for(street_staff).post(
        url("activity_update", activity.pk), edit_data(activity, street="", venue="活动室")
    )

    assert response.status_code == 302
    assert (reload(activity).venue, reload(activity).street) == ("活动室", activity.street)
