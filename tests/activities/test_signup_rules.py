"""The signup rules, through the actions that views, admin and commands share."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from activities import actions
from activities.models import Activity, Signup
from communities.permissions import scope_for
from governance_portal.models import Notification
from tests.activities.factories import ActivityFactory


def signup(activity, resident, **kwargs):
    return actions.signup_create(activity=activity, resident=resident, **kwargs)


def reload(activity):
    return Activity.objects.get(pk=activity.pk)


def test_signup_confirms_while_places_last_and_counts_party_size(activity, make_resident):
    first = signup(activity, make_resident(), party_size=3)
    second = signup(activity, make_resident(), party_size=7)

    assert (first.status, second.status) == ("confirmed", "confirmed")
    assert reload(activity).places_taken == 10
    assert reload(activity).places_left == 0


def test_full_activity_puts_resident_on_waitlist(activity, make_resident):
    signup(activity, make_resident(), party_size=10)

    waiting = signup(activity, make_resident())

    assert waiting.status == Signup.Status.WAITLISTED
    activity = reload(activity)
    assert (activity.places_taken, activity.waitlist_count) == (10, 1)


def test_party_that_does_not_fit_waits_even_if_places_remain(activity, make_resident):
    signup(activity, make_resident(), party_size=8)

    assert signup(activity, make_resident(), party_size=3).status == "waitlisted"


def test_free_places_go_to_a_party_that_fits_not_to_nobody(activity, make_resident):
    signup(activity, make_resident(), party_size=8)
    big = signup(activity, make_resident(), party_size=3)  # waits: only 2 places left

    small = signup(activity, make_resident(), party_size=1)

    assert (big.status, small.status) == ("waitlisted", "confirmed")
    assert reload(activity).places_left == 1


def test_unlimited_activity_always_confirms(make_resident, community):
    open_day = ActivityFactory(community=community, capacity=None)

    for _ in range(5):
        assert signup(open_day, make_resident(), party_size=10).status == "confirmed"
    assert reload(open_day).places_taken == 50


def test_second_signup_by_same_resident_is_refused(activity, make_resident):
    resident = make_resident()
    signup(activity, resident)

    with pytest.raises(actions.SignupError) as error:
        signup(activity, resident)

    assert error.value.code == "duplicate"
    assert Signup.objects.filter(activity=activity).count() == 1


def test_database_refuses_two_active_signups_for_one_resident(activity, make_resident):
    resident = make_resident()
    signup(activity, resident)

    with pytest.raises(IntegrityError), transaction.atomic():
        Signup.objects.create(activity=activity, resident=resident, status="waitlisted")


def test_resident_may_sign_up_again_after_cancelling(activity, make_resident):
    resident = make_resident()
    first = signup(activity, resident)
    actions.signup_cancel(signup=first, by=resident)

    again = signup(activity, resident)

    assert again.status == "confirmed"
    assert reload(activity).places_taken == 1


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"status": Activity.Status.DRAFT}, "closed"),
        ({"status": Activity.Status.CANCELLED}, "closed"),
        ({"signup_opens_at": timezone.now() + timedelta(days=1)}, "closed"),
        ({"signup_closes_at": timezone.now() - timedelta(minutes=1)}, "closed"),
        (
            {
                "starts_at": timezone.now() - timedelta(hours=1),
                "ends_at": timezone.now() + timedelta(hours=1),
            },
            "closed",
        ),
    ],
)
def test_signup_only_inside_the_window(activity, make_resident, change, code):
    Activity.objects.filter(pk=activity.pk).update(**change)

    with pytest.raises(actions.SignupError) as error:
        signup(reload(activity), make_resident())

    assert error.value.code == code
    assert not Signup.objects.exists()


def test_signup_window_open_between_opening_and_closing(activity, make_resident):
    Activity.objects.filter(pk=activity.pk).update(
        signup_opens_at=timezone.now() - timedelta(hours=1),
        signup_closes_at=timezone.now() + timedelta(hours=1),
    )

    assert signup(reload(activity), make_resident()).status == "confirmed"


@pytest.mark.parametrize(
    ("party", "children", "consent", "code"),
    [
        (0, 0, False, "party_size"),
        (11, 0, False, "party_size"),
        (2, 2, True, "children"),
        (3, 1, False, "guardian_consent"),
    ],
)
def test_party_rules(activity, make_resident, party, children, consent, code):
    with pytest.raises(actions.SignupError) as error:
        signup(
            activity,
            make_resident(),
            party_size=party,
            children_under_14=children,
            guardian_consent=consent,
        )
    assert error.value.code == code


def test_child_with_guardian_consent_is_recorded(activity, make_resident):
    made = signup(
        activity, make_resident(), party_size=3, children_under_14=2, guardian_consent=True
    )

    assert (made.children_under_14, made.guardian_consent) == (2, True)


def test_cancelling_promotes_the_first_waiting_signup_and_tells_them(activity, make_resident):
    holder = make_resident()
    first_waiting = make_resident(email="wait1@example.cn")
    second_waiting = make_resident()
    held = signup(activity, holder, party_size=10)
    signup(activity, first_waiting)
    signup(activity, second_waiting)

    actions.signup_cancel(signup=held, by=holder)

    statuses = dict(Signup.objects.filter(activity=activity).values_list("resident", "status"))
    assert statuses[first_waiting.pk] == "confirmed"
    assert statuses[second_waiting.pk] == "confirmed"
    assert Notification.objects.filter(user=first_waiting).count() == 1
    activity = reload(activity)
    assert (activity.places_taken, activity.waitlist_count) == (2, 0)


def test_promotion_skips_a_party_too_big_for_the_freed_places(activity, make_resident):
    holders = [make_resident() for _ in range(2)]
    held = [signup(activity, holders[0], party_size=2), signup(activity, holders[1], party_size=8)]
    big, small = make_resident(), make_resident()
    signup(activity, big, party_size=5)
    signup(activity, small, party_size=2)

    actions.signup_cancel(signup=held[0], by=holders[0])

    assert Signup.objects.get(resident=big).status == "waitlisted"
    assert Signup.objects.get(resident=small).status == "confirmed"
    assert reload(activity).places_taken == 10


def test_promotion_keeps_the_waitlist_order(activity, make_resident):
    holder = make_resident()
    held = signup(activity, holder, party_size=10)
    queue = [make_resident() for _ in range(3)]
    for resident in queue:
        signup(activity, resident, party_size=5)

    actions.signup_cancel(signup=held, by=holder)

    assert [Signup.objects.get(resident=r).status for r in queue] == [
        "confirmed",
        "confirmed",
        "waitlisted",
    ]


def test_cancelling_a_waiting_signup_frees_no_places(activity, make_resident):
    signup(activity, make_resident(), party_size=10)
    resident = make_resident()
    waiting = signup(activity, resident)

    actions.signup_cancel(signup=waiting, by=resident)

    activity = reload(activity)
    assert (activity.places_taken, activity.waitlist_count) == (10, 0)


def test_resident_cannot_cancel_after_the_cut_off_but_staff_can(
    activity, make_resident, community_staff
):
    resident = make_resident()
    made = signup(activity, resident)
    Activity.objects.filter(pk=activity.pk).update(
        cancel_deadline=timezone.now() - timedelta(minutes=1)
    )

    with pytest.raises(actions.SignupError) as error:
        actions.signup_cancel(signup=made, by=resident)
    assert error.value.code == "too_late"

    actions.signup_cancel(signup=made, by=community_staff)
    assert Signup.objects.get(pk=made.pk).status == "cancelled"


def test_cancelled_activity_tells_everyone_signed_up(activity, make_resident, community_staff):
    confirmed, waiting = make_resident(), make_resident()
    signup(activity, confirmed, party_size=10)
    signup(activity, waiting)

    actions.activity_cancel(activity=activity, by=community_staff, reason="大风天气")

    assert reload(activity).status == "cancelled"
    for resident in (confirmed, waiting):
        assert "大风天气" in Notification.objects.get(user=resident).message


def test_cancelling_needs_a_reason(activity, community_staff):
    with pytest.raises(actions.ValidationError):
        actions.activity_cancel(activity=activity, by=community_staff, reason="  ")
    assert reload(activity).status == "published"


def test_desk_signup_creates_a_minimal_resident_once(activity, community_staff, community):
    scope = scope_for(community_staff)

    def at_desk():
        return actions.resident_find_or_create_at_desk(
            name="王大爷", phone="13912345678", community=community, scope=scope, by=community_staff
        )

    first, again = at_desk(), at_desk()

    assert first == again
    assert not first.has_usable_password()
    assert first.resident_profile.community == community
    assert first.consents.get().recorded_by == community_staff
    made = signup(activity, first, by=community_staff)
    assert made.registered_by == community_staff


def test_staff_may_sign_up_at_the_desk_after_online_signup_closed(
    activity, make_resident, community_staff
):
    Activity.objects.filter(pk=activity.pk).update(
        signup_closes_at=timezone.now() - timedelta(minutes=1)
    )

    made = signup(reload(activity), make_resident(), by=community_staff)

    assert made.status == "confirmed"


def test_walk_in_is_checked_in_at_once_and_refused_when_full(
    activity, make_resident, community_staff
):
    walk_in = signup(activity, make_resident(), party_size=9, by=community_staff, walk_in=True)
    assert walk_in.status == "attended" and walk_in.checked_in_at

    with pytest.raises(actions.SignupError):
        signup(activity, make_resident(), party_size=2, by=community_staff, walk_in=True)


def test_self_checkin_works_only_during_the_activity_with_the_right_code(activity, make_resident):
    resident = make_resident()
    signup(activity, resident)

    with pytest.raises(actions.SignupError):  # three days early
        actions.signup_self_checkin(
            activity=activity, resident=resident, token=activity.checkin_token
        )

    Activity.objects.filter(pk=activity.pk).update(
        starts_at=timezone.now() - timedelta(minutes=10),
        ends_at=timezone.now() + timedelta(hours=1),
    )
    with pytest.raises(actions.SignupError):
        actions.signup_self_checkin(activity=reload(activity), resident=resident, token="wrong")

    checked = actions.signup_self_checkin(
        activity=reload(activity), resident=resident, token=activity.checkin_token
    )
    assert checked.status == "attended"


def test_self_checkin_without_a_place_is_refused(activity, make_resident):
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=timezone.now() - timedelta(minutes=10),
        ends_at=timezone.now() + timedelta(hours=1),
    )

    with pytest.raises(actions.SignupError) as error:
        actions.signup_self_checkin(
            activity=reload(activity), resident=make_resident(), token=activity.checkin_token
        )
    assert error.value.code == "no_signup"


def test_report_attendance_defaults_to_check_in_and_needs_a_reason_to_differ(
    activity, make_resident, community_staff
):
    for _ in range(3):
        made = signup(activity, make_resident(), party_size=2)
        actions.signup_mark_attendance(signup=made, attended=True, by=community_staff)
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )

    reported = actions.activity_report(
        activity=activity, by=community_staff, report="活动很成功。", attendance=None
    )
    assert (reported.attendance, reported.status) == (6, "completed")

    with pytest.raises(actions.ValidationError):
        actions.activity_report(
            activity=activity, by=community_staff, report="活动很成功。", attendance=9
        )
    fixed = actions.activity_report(
        activity=activity,
        by=community_staff,
        report="活动很成功。",
        attendance=9,
        attendance_note="三位老人未扫码",
    )
    assert fixed.attendance == 9


def test_repeat_weekly_makes_independent_drafts(activity, community_staff):
    until = timezone.localdate(activity.starts_at) + timedelta(weeks=3)

    copies = actions.activity_repeat(
        activity=activity, by=community_staff, frequency="weekly", until=until
    )

    assert len(copies) == 3
    assert all(copy.status == "draft" and copy.series_id for copy in copies)
    assert [c.starts_at - activity.starts_at for c in copies] == [
        timedelta(weeks=n) for n in (1, 2, 3)
    ]
    Activity.objects.filter(pk=copies[0].pk).update(venue="改到活动室")
    assert Activity.objects.get(pk=copies[1].pk).venue == activity.venue


def test_repeat_monthly_skips_days_a_month_does_not_have(community, community_staff):
    start = timezone.make_aware(timezone.datetime(2027, 1, 31, 9))
    activity = ActivityFactory(
        community=community, starts_at=start, ends_at=start + timedelta(hours=1)
    )

    copies = actions.activity_repeat(
        activity=activity,
        by=community_staff,
        frequency="monthly",
        until=timezone.datetime(2027, 5, 31).date(),
    )

    assert [timezone.localtime(c.starts_at).date().isoformat() for c in copies] == [
        "2027-03-31",
        "2027-05-31",
    ]


def test_copy_keeps_the_details_but_not_the_signups(activity, make_resident, community_staff):
    signup(activity, make_resident())
    new_start = activity.starts_at + timedelta(days=30)

    copy = actions.activity_copy(activity=activity, by=community_staff, starts_at=new_start)

    assert (copy.title, copy.venue, copy.capacity) == (
        activity.title,
        activity.venue,
        activity.capacity,
    )
    assert copy.status == "draft" and copy.places_taken == 0
    assert copy.ends_at - copy.starts_at == activity.ends_at - activity.starts_at


def test_capacity_cannot_drop_below_places_taken(activity, make_resident):
    signup(activity, make_resident(), party_size=6)
    activity = reload(activity)
    activity.capacity = 5

    with pytest.raises(actions.ValidationError):
        activity.full_clean()


def test_more_places_promote_the_waiting_list(activity, make_resident, community_staff):
    actions.signup_create(activity=activity, resident=make_resident(), party_size=10)
    waiting = actions.signup_create(activity=activity, resident=make_resident(), party_size=2)

    actions.activity_update(activity=activity, by=community_staff, changes={"capacity": 12})

    assert Signup.objects.get(pk=waiting.pk).status == "confirmed"
    assert reload(activity).places_taken == 12


def test_party_bigger_than_capacity_never_blocks_the_waitlist(community, make_resident):
    small_event = ActivityFactory(community=community, capacity=2)

    with pytest.raises(actions.SignupError):
        signup(small_event, make_resident(), party_size=5)
    assert signup(small_event, make_resident(), party_size=2).status == "confirmed"


def test_removing_the_limit_confirms_everyone_waiting(activity, make_resident, community_staff):
    signup(activity, make_resident(), party_size=10)
    waiting = signup(activity, make_resident(), party_size=4)

    actions.activity_update(activity=activity, by=community_staff, changes={"capacity": None})

    assert Signup.objects.get(pk=waiting.pk).status == "confirmed"
    assert reload(activity).waitlist_count == 0


def test_cancelling_the_activity_ends_its_signups_and_promotes_nobody(
    activity, make_resident, community_staff
):
    holder, waiting = make_resident(), make_resident()
    held = signup(activity, holder, party_size=10)
    signup(activity, waiting)
    actions.activity_cancel(activity=activity, by=community_staff, reason="下雨")

    assert set(Signup.objects.values_list("status", flat=True)) == {"cancelled"}
    with pytest.raises(actions.SignupError):
        actions.signup_cancel(signup=held, by=holder)
    assert Notification.objects.filter(user=waiting).count() == 1  # only the cancellation


def test_no_attendance_on_a_cancelled_activity(activity, make_resident, community_staff):
    made = signup(activity, make_resident())
    actions.activity_cancel(activity=activity, by=community_staff, reason="下雨")

    with pytest.raises(actions.SignupError):
        actions.signup_mark_attendance(signup=made, attended=True, by=community_staff)


def test_waiting_resident_may_leave_the_waitlist_after_the_cut_off(activity, make_resident):
    signup(activity, make_resident(), party_size=10)
    resident = make_resident()
    waiting = signup(activity, resident)
    Activity.objects.filter(pk=activity.pk).update(
        cancel_deadline=timezone.now() - timedelta(minutes=1)
    )

    actions.signup_cancel(signup=waiting, by=resident)

    assert Signup.objects.get(pk=waiting.pk).status == "cancelled"


def test_nobody_is_promoted_once_the_activity_has_started(activity, make_resident, community_staff):
    holder = make_resident()
    held = signup(activity, holder, party_size=10)
    waiting = signup(activity, make_resident())
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=timezone.now() - timedelta(minutes=5), ends_at=timezone.now() + timedelta(hours=1)
    )

    actions.signup_cancel(signup=held, by=community_staff)

    assert Signup.objects.get(pk=waiting.pk).status == "waitlisted"


def test_a_past_activity_can_be_logged_from_a_draft(community, community_staff):
    held = ActivityFactory(
        community=community,
        status="draft",
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2) + timedelta(hours=1),
    )

    logged = actions.activity_report(
        activity=held, by=community_staff, report="消防演练顺利完成。", attendance=0
    )

    assert logged.status == "completed"


def test_new_time_or_venue_is_told_to_everyone_signed_up(activity, make_resident, community_staff):
    resident = make_resident()
    signup(activity, resident)

    actions.activity_update(activity=activity, by=community_staff, changes={"venue": "活动室"})
    actions.activity_update(activity=activity, by=community_staff, changes={"capacity": 12})

    when = timezone.localtime(activity.starts_at).strftime("%Y-%m-%d %H:%M")
    assert [n.message for n in Notification.objects.filter(user=resident)] == [
        f"“{activity.title}”有变动：现为 {when}，地点：活动室。"
    ]


def test_completed_activity_is_not_edited(activity, community_staff):
    Activity.objects.filter(pk=activity.pk).update(status="completed")

    with pytest.raises(actions.ValidationError):
        actions.activity_update(activity=activity, by=community_staff, changes={"venue": "别处"})


def test_notifications_are_in_chinese_whoever_triggers_them(
    activity, make_resident, community_staff
):
    from django.utils import translation

    resident = make_resident()
    signup(activity, resident)
    with translation.override("en"):
        actions.activity_cancel(activity=activity, by=community_staff, reason="下雨")

    assert "已取消" in Notification.objects.get(user=resident).message


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("signup_opens_at", 1),  # days after the start
        ("cancel_deadline", 1),
        ("starts_at", -365 * 40),
    ],
)
def test_window_and_dates_are_validated(activity, field, value):
    activity = reload(activity)
    setattr(activity, field, activity.starts_at + timedelta(days=value))

    with pytest.raises(actions.ValidationError) as error:
        activity.full_clean()
    assert field in error.value.message_dict
