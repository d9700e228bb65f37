"""Service hours: check-in and check-out at an activity, staff verify or reject, and 补录."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity
from governance_portal.models import Notification
from tests.activities.factories import ActivityFactory
from tests.conftest import client_for
from tests.volunteers.conftest import jpeg_bytes
from tests.volunteers.factories import (
    RoleSignupFactory,
    ServiceRecordFactory,
    VolunteerFactory,
    VolunteerRoleFactory,
)
from volunteers import actions, queries
from volunteers.models import RoleSignup, ServiceRecord, Volunteer


def check_in(client, signup):
    return client.post(reverse("volunteers:role_check_in", args=[signup.pk]))


def check_out(client, signup):
    return client.post(reverse("volunteers:role_check_out", args=[signup.pk]))


def signup_on(activity, volunteer, **role_fields):
    role = VolunteerRoleFactory(activity=activity, **role_fields)
    return RoleSignupFactory(role=role, volunteer=volunteer)


def move_activity(activity, **fields) -> Activity:
    Activity.objects.filter(pk=activity.pk).update(**fields)
    return Activity.objects.get(pk=activity.pk)


# --- check-in ------------------------------------------------------------------------------


def test_check_in_makes_a_pending_record_with_the_planned_hours(
    running_activity, volunteer, community_staff
):
    signup = signup_on(running_activity, volunteer, name="擦拭站台", planned_hours=Decimal("1.5"))

    response = check_in(client_for(community_staff), signup)

    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:activity_roles", args=[running_activity.pk])
    signup.refresh_from_db()
    assert signup.checked_in_at is not None
    record = ServiceRecord.objects.get(role_signup=signup)
    assert record.status == ServiceRecord.Status.PENDING
    assert record.source == ServiceRecord.Source.ATTENDANCE
    assert record.hours == Decimal("1.50")
    assert record.volunteer == volunteer
    assert record.activity == running_activity
    assert record.community == running_activity.community
    assert record.recorded_by == community_staff
    assert "擦拭站台" in record.title
    assert record.served_on == timezone.localtime(running_activity.starts_at).date()


def test_check_in_caps_the_planned_hours_by_the_activity_window(
    running_activity, volunteer, community_staff
):
    signup = signup_on(running_activity, volunteer, planned_hours=Decimal("5"))  # window: 2 h

    check_in(client_for(community_staff), signup)

    assert ServiceRecord.objects.get(role_signup=signup).hours == Decimal("2.00")


def test_checking_in_twice_makes_one_record(running_activity, volunteer, community_staff):
    signup = signup_on(running_activity, volunteer)
    client = client_for(community_staff)

    check_in(client, signup)
    check_in(client, signup)

    assert ServiceRecord.objects.filter(volunteer=volunteer).count() == 1


@pytest.mark.parametrize(
    ("starts_in", "allowed"),
    [
        (timedelta(days=3), False),
        (timedelta(minutes=40), False),
        (timedelta(minutes=20), True),
        (timedelta(hours=-3), False),  # ended an hour ago
    ],
)
def test_check_in_only_from_half_an_hour_before_until_the_end(
    community, volunteer, community_staff, starts_in, allowed
):
    starts_at = timezone.now() + starts_in
    activity = ActivityFactory(
        community=community, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2)
    )
    signup = signup_on(activity, volunteer)

    check_in(client_for(community_staff), signup)

    signup.refresh_from_db()
    assert (signup.checked_in_at is not None) is allowed
    assert ServiceRecord.objects.filter(role_signup=signup).exists() is allowed


def test_cancelled_signup_cannot_be_checked_in(running_activity, volunteer, community_staff):
    signup = signup_on(running_activity, volunteer)
    RoleSignup.objects.filter(pk=signup.pk).update(status=RoleSignup.Status.CANCELLED)

    with pytest.raises(ValidationError):
        actions.role_check_in(signup=signup, by=community_staff)
    assert not ServiceRecord.objects.exists()


@pytest.mark.parametrize("persona", ["other_community_staff", "sibling_community_staff"])
def test_staff_of_another_community_cannot_check_in(request, persona, running_activity, volunteer):
    signup = signup_on(running_activity, volunteer)

    response = check_in(client_for(request.getfixturevalue(persona)), signup)

    assert response.status_code == 404
    assert not ServiceRecord.objects.exists()


def test_checked_in_volunteer_cannot_be_cancelled(running_activity, volunteer, community_staff):
    signup = signup_on(running_activity, volunteer)
    client = client_for(community_staff)
    check_in(client, signup)

    client.post(reverse("volunteers:role_staff_cancel", args=[signup.pk]))

    signup.refresh_from_db()
    assert signup.status == RoleSignup.Status.CONFIRMED


# --- check-out ------------------------------------------------------------------------------


def checked_in(activity, volunteer, staff, **role_fields):
    signup = signup_on(activity, volunteer, **role_fields)
    actions.role_check_in(signup=signup, by=staff)
    signup.refresh_from_db()
    return signup


def test_check_out_counts_from_check_in_to_check_out(running_activity, volunteer, community_staff):
    signup = checked_in(running_activity, volunteer, community_staff, planned_hours=Decimal("2"))
    RoleSignup.objects.filter(pk=signup.pk).update(
        checked_in_at=timezone.now() - timedelta(minutes=45)
    )

    response = check_out(client_for(community_staff), signup)

    assert response.status_code == 302
    signup.refresh_from_db()
    assert signup.checked_out_at is not None
    record = ServiceRecord.objects.get(role_signup=signup)
    assert record.hours == Decimal("0.75")
    assert record.ended_at == signup.checked_out_at
    assert record.status == ServiceRecord.Status.PENDING


def test_check_out_is_capped_by_the_window_and_rounds_half_up(
    running_activity, volunteer, community_staff
):
    signup = checked_in(running_activity, volunteer, community_staff)
    # The activity ended a moment ago; the volunteer came 20 minutes before it started.
    ends_at = timezone.now() - timedelta(seconds=1)
    starts_at = ends_at - timedelta(hours=1, minutes=7, seconds=30)  # 1.125 h
    activity = move_activity(running_activity, starts_at=starts_at, ends_at=ends_at)
    RoleSignup.objects.filter(pk=signup.pk).update(
        checked_in_at=activity.starts_at - timedelta(minutes=20)
    )

    check_out(client_for(community_staff), signup)

    assert ServiceRecord.objects.get(role_signup=signup).hours == Decimal("1.13")


def test_check_out_rounds_to_two_decimals(running_activity, volunteer, community_staff):
    signup = checked_in(running_activity, volunteer, community_staff)
    ends_at = timezone.now() - timedelta(seconds=1)
    activity = move_activity(
        running_activity, starts_at=ends_at - timedelta(hours=3), ends_at=ends_at
    )
    # From check-in to the end: 1 h 20 min 10 s = 1.336 h.
    RoleSignup.objects.filter(pk=signup.pk).update(
        checked_in_at=activity.ends_at - timedelta(hours=1, minutes=20, seconds=10)
    )

    check_out(client_for(community_staff), signup)

    assert ServiceRecord.objects.get(role_signup=signup).hours == Decimal("1.34")


def test_check_out_needs_a_check_in(running_activity, volunteer, community_staff):
    signup = signup_on(running_activity, volunteer)

    check_out(client_for(community_staff), signup)

    signup.refresh_from_db()
    assert signup.checked_out_at is None
    assert not ServiceRecord.objects.exists()


def test_hours_are_not_verified_while_the_volunteer_is_still_there(
    running_activity, volunteer, community_staff
):
    """Before check-out (and before the activity ends) the hours are not final: verifying them
    would lock in the planned duration of someone who may leave early."""
    signup = checked_in(running_activity, volunteer, community_staff, planned_hours=Decimal("1"))
    record = ServiceRecord.objects.get(role_signup=signup)

    with pytest.raises(ValidationError):
        actions.record_verify(record=record, by=community_staff)
    actions.role_check_out(signup=signup, by=community_staff)
    actions.record_verify(record=record, by=community_staff)

    record.refresh_from_db()
    assert record.status == ServiceRecord.Status.VERIFIED


def test_staff_never_verify_their_own_hours(running_activity, community, community_staff):
    own = Volunteer.objects.create(
        user=community_staff, community=community, status=Volunteer.Status.APPROVED
    )
    signup = checked_in(running_activity, own, community_staff, planned_hours=Decimal("1"))
    actions.role_check_out(signup=signup, by=community_staff)
    record = ServiceRecord.objects.get(role_signup=signup)

    with pytest.raises(ValidationError):
        actions.record_verify(record=record, by=community_staff)
    assert (
        actions.records_verify_bulk(
            records=ServiceRecord.objects.filter(pk=record.pk), by=community_staff
        )
        == 0
    )

    record.refresh_from_db()
    assert record.status == ServiceRecord.Status.PENDING


# --- verify and reject ----------------------------------------------------------------------


def verify(client, record, evaluation=""):
    return client.post(
        reverse("volunteers:record_verify", args=[record.pk]), {"evaluation": evaluation}
    )


def reject(client, record, reason):
    return client.post(reverse("volunteers:record_reject", args=[record.pk]), {"reason": reason})


def test_staff_verify_a_record_and_the_volunteer_is_told(volunteer, community_staff):
    record = ServiceRecordFactory(volunteer=volunteer, hours=Decimal("2.50"))

    response = verify(client_for(community_staff), record, evaluation="表现优秀")

    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:record_queue")
    record.refresh_from_db()
    assert record.status == ServiceRecord.Status.VERIFIED
    assert (record.decided_by, record.evaluation) == (community_staff, "表现优秀")
    assert record.decided_at is not None
    assert Notification.objects.filter(user=volunteer.user).count() == 1
    assert queries.hour_totals(volunteer).verified == Decimal("2.50")


def test_a_verified_record_cannot_be_decided_again(volunteer, community_staff, street_staff):
    record = ServiceRecordFactory(volunteer=volunteer, hours=Decimal("3"))
    verify(client_for(community_staff), record)
    record.refresh_from_db()
    decided_at = record.decided_at

    second = verify(client_for(street_staff), record)
    reject(client_for(street_staff), record, "重复")

    levels = [message.level for message in get_messages(second.wsgi_request)]
    assert levels == [messages.ERROR]

    record.refresh_from_db()
    assert record.status == ServiceRecord.Status.VERIFIED
    assert (record.decided_by, record.decided_at) == (community_staff, decided_at)
    assert queries.hour_totals(volunteer).verified == Decimal("3.00")
    assert Notification.objects.filter(user=volunteer.user).count() == 1
    with pytest.raises(ValidationError):
        actions.record_verify(record=record, by=street_staff)
    with pytest.raises(ValidationError):
        actions.record_reject(record=record, by=street_staff, reason="重复")


def test_rejecting_needs_a_reason(volunteer, community_staff):
    record = ServiceRecordFactory(volunteer=volunteer)

    response = reject(client_for(community_staff), record, "  ")

    assert response.status_code == 200
    assert response.context["form"].errors
    record.refresh_from_db()
    assert record.status == ServiceRecord.Status.PENDING


def test_staff_reject_a_record_with_a_reason(volunteer, community_staff):
    record = ServiceRecordFactory(volunteer=volunteer, hours=Decimal("4"))

    response = reject(client_for(community_staff), record, "当天未见到本人")

    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == ServiceRecord.Status.REJECTED
    assert record.decision_reason == "当天未见到本人"
    assert "当天未见到本人" in Notification.objects.get(user=volunteer.user).message
    totals = queries.hour_totals(volunteer)
    assert (totals.verified, totals.rejected) == (Decimal("0"), Decimal("4.00"))


def test_a_rejected_record_cannot_be_verified(volunteer, community_staff):
    record = ServiceRecordFactory(volunteer=volunteer)
    reject(client_for(community_staff), record, "信息不实")

    verify(client_for(community_staff), record)

    record.refresh_from_db()
    assert record.status == ServiceRecord.Status.REJECTED


@pytest.mark.parametrize("persona", ["other_community_staff", "sibling_community_staff"])
def test_staff_of_another_community_cannot_verify_or_reject(request, persona, volunteer):
    record = ServiceRecordFactory(volunteer=volunteer)
    client = client_for(request.getfixturevalue(persona))

    assert verify(client, record).status_code == 404
    assert reject(client, record, "不行").status_code == 404
    assert client.get(reverse("volunteers:record_reject", args=[record.pk])).status_code == 404
    record.refresh_from_db()
    assert record.status == ServiceRecord.Status.PENDING


def test_residents_cannot_verify(volunteer):
    record = ServiceRecordFactory(volunteer=volunteer)

    assert verify(client_for(volunteer.user), record).status_code == 403
    record.refresh_from_db()
    assert record.status == ServiceRecord.Status.PENDING


def test_bulk_verify_verifies_the_ticked_pending_records_in_scope(
    volunteer, community_staff, sibling_community, make_volunteer
):
    first = ServiceRecordFactory(volunteer=volunteer, hours=Decimal("1.25"))
    second = ServiceRecordFactory(volunteer=make_volunteer(), hours=Decimal("2"))
    untouched = ServiceRecordFactory(volunteer=volunteer, hours=Decimal("9"))
    outside = ServiceRecordFactory(volunteer=make_volunteer(community=sibling_community))
    rejected = ServiceRecordFactory(
        volunteer=volunteer, status="rejected", decision_reason="信息不实"
    )

    response = client_for(community_staff).post(
        reverse("volunteers:record_bulk_verify"),
        {"record": [first.pk, second.pk, outside.pk, rejected.pk, "x"]},
    )

    assert response.status_code == 302
    statuses = dict(ServiceRecord.objects.values_list("pk", "status"))
    assert statuses == {
        first.pk: "verified",
        second.pk: "verified",
        untouched.pk: "pending",
        outside.pk: "pending",
        rejected.pk: "rejected",
    }
    assert queries.hour_totals(volunteer).verified == Decimal("1.25")


def test_bulk_verify_twice_counts_once(volunteer, community_staff):
    record = ServiceRecordFactory(volunteer=volunteer, hours=Decimal("2"))
    client = client_for(community_staff)
    url = reverse("volunteers:record_bulk_verify")

    client.post(url, {"record": [record.pk]})
    client.post(url, {"record": [record.pk]})

    assert queries.hour_totals(volunteer).verified == Decimal("2.00")
    assert Notification.objects.filter(user=volunteer.user).count() == 1


def test_the_queue_shows_pending_records_in_scope(
    volunteer, community_staff, sibling_community, make_volunteer
):
    mine = ServiceRecordFactory(volunteer=volunteer)
    done = ServiceRecordFactory(volunteer=volunteer, status="verified")
    theirs = ServiceRecordFactory(volunteer=make_volunteer(community=sibling_community))

    response = client_for(community_staff).get(reverse("volunteers:record_queue"))

    assert response.status_code == 200
    shown = [r.pk for r in response.context["object_list"]]
    assert shown == [mine.pk]
    assert done.pk not in shown and theirs.pk not in shown


# --- 补录 (back-dated requests) ---------------------------------------------------------------

BACKFILL = reverse("volunteers:backfill")


def backfill_data(**overrides) -> dict:
    data = {
        "title": "清理楼道小广告",
        "description": "和邻居一起清理了3号楼楼道里的小广告。",
        "served_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
        "hours": "1.5",
        "place": "恒大小区3号楼",
        "organiser": "恒大社区居委会",
        "training": "",
    }
    return data | overrides


def test_volunteer_asks_for_past_service_to_be_recorded(volunteer):
    response = client_for(volunteer.user).post(BACKFILL, backfill_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:me")
    record = ServiceRecord.objects.get(volunteer=volunteer)
    assert record.source == ServiceRecord.Source.BACKFILL
    assert record.status == ServiceRecord.Status.PENDING
    assert record.hours == Decimal("1.50")
    assert record.community == volunteer.community
    assert record.served_on == timezone.localdate() - timedelta(days=2)
    assert not record.evidence


def test_backfill_for_a_future_date_is_refused(volunteer):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = client_for(volunteer.user).post(BACKFILL, backfill_data(served_on=tomorrow))

    assert response.status_code == 200
    assert response.context["form"].errors["served_on"]
    assert not ServiceRecord.objects.exists()


def test_backfill_action_refuses_a_future_date(volunteer):
    with pytest.raises(ValidationError):
        actions.backfill_request(
            volunteer=volunteer,
            by=volunteer.user,
            title="x",
            description="x",
            served_on=timezone.localdate() + timedelta(days=1),
            hours=Decimal("1"),
            place="x",
            organiser="x",
        )
    assert not ServiceRecord.objects.exists()


@pytest.mark.parametrize(
    ("hours", "accepted"),
    [("0", False), ("24.01", False), ("25", False), ("24", True), ("0.01", True)],
)
def test_backfill_hours_between_a_hundredth_and_24(volunteer, hours, accepted):
    response = client_for(volunteer.user).post(BACKFILL, backfill_data(hours=hours))

    assert ServiceRecord.objects.exists() is accepted
    if not accepted:
        assert response.status_code == 200
        assert response.context["form"].errors["hours"]


def test_pending_volunteer_cannot_ask_for_hours(resident, community):
    VolunteerFactory(user=resident, community=community, status="pending")

    response = client_for(resident).post(BACKFILL, backfill_data())

    assert response.status_code == 302
    assert not ServiceRecord.objects.exists()


def test_backfill_with_an_evidence_photo(volunteer, media_root, community_staff):
    photo = SimpleUploadedFile("现场照片.jpg", jpeg_bytes(), content_type="image/jpeg")

    response = client_for(volunteer.user).post(BACKFILL, backfill_data(evidence=photo))

    assert response.status_code == 302
    record = ServiceRecord.objects.get(volunteer=volunteer)
    assert record.evidence.name.startswith("volunteers/")
    assert "现场照片" not in record.evidence.name
    assert (media_root / record.evidence.name).exists()


def test_a_file_that_is_no_picture_is_refused(volunteer, media_root):
    fake = SimpleUploadedFile("photo.jpg", b"not a picture at all", content_type="image/jpeg")

    response = client_for(volunteer.user).post(BACKFILL, backfill_data(evidence=fake))

    assert response.status_code == 200
    assert response.context["form"].errors["evidence"]
    assert not ServiceRecord.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("owner", 200),
        ("community_staff", 200),
        ("street_staff", 200),
        ("admin_user", 200),
        ("other_resident", 404),
        ("other_community_staff", 404),
        ("sibling_community_staff", 404),
    ],
)
def test_evidence_is_seen_by_the_volunteer_and_scoped_staff_only(
    request, volunteer, media_root, make_resident, persona, status
):
    photo = SimpleUploadedFile("evidence.jpg", jpeg_bytes(), content_type="image/jpeg")
    client_for(volunteer.user).post(BACKFILL, backfill_data(evidence=photo))
    record = ServiceRecord.objects.get(volunteer=volunteer)
    if persona == "owner":
        user = volunteer.user
    elif persona == "other_resident":
        user = make_resident()
    else:
        user = request.getfixturevalue(persona)

    response = client_for(user).get(reverse("volunteers:record_evidence", args=[record.pk]))

    assert response.status_code == status
    if status == 200:
        body = b"".join(response.streaming_content)
        assert body[:2] == b"\xff\xd8"  # a JPEG


def test_evidence_of_a_record_without_photo_is_404(volunteer):
    record = ServiceRecordFactory(volunteer=volunteer)

    response = client_for(volunteer.user).get(
        reverse("volunteers:record_evidence", args=[record.pk])
    )

    assert response.status_code == 404
