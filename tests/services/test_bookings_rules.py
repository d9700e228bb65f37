"""The booking rules, through the actions: slots, eligibility, prices, capacity, statuses."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from communities.actions import special_group_revoke
from communities.models import SpecialGroup
from governance_portal.models import Notification
from services.actions import bookings as actions
from services.models import Booking, TimeSlot
from services.slots import BOOKING_HORIZON_DAYS, slots_for
from tests.factories import ResidentProfileFactory
from tests.services.booking_factories import (
    at,
    book,
    home_haircut,
    make_item,
    move_into_past,
    verify,
)

pytestmark = pytest.mark.django_db


def codes(error: ValidationError) -> set[str]:
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


def refused(code: str, call, *args, **kwargs):
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    assert code in codes(caught.value), caught.value
    return caught.value


# --- slots ---------------------------------------------------------------------------------


def test_slots_step_through_the_working_hours_by_the_items_duration(community):
    item = make_item(community, duration_minutes=45, slot_capacity=2)
    day = timezone.localdate() + timedelta(days=3)

    slots = slots_for(item, day)

    # 8:00–18:00 by 45 minutes: 13 whole slots (the last one 17:00–17:45).
    assert len(slots) == 13
    assert timezone.localtime(slots[0].starts_at).strftime("%H:%M") == "08:00"
    assert timezone.localtime(slots[-1].ends_at).strftime("%H:%M") == "17:45"
    assert {slot.capacity for slot in slots} == {2}
    assert all(slot.places_left == 2 for slot in slots)


def test_slots_show_the_places_taken(community, resident):
    item = make_item(community, slot_capacity=2)
    book(item, resident, at(3, 10))

    slots = {s.starts_at: s for s in slots_for(item, timezone.localdate() + timedelta(days=3))}

    assert slots[at(3, 10)].places_left == 1
    assert slots[at(3, 11)].places_left == 2


def test_no_slots_in_the_past_or_beyond_the_horizon(community):
    item = make_item(community)
    today = timezone.localdate()

    assert slots_for(item, today - timedelta(days=1)) == []
    assert slots_for(item, today + timedelta(days=BOOKING_HORIZON_DAYS + 1)) == []
    assert all(slot.starts_at > timezone.now() for slot in slots_for(item, today))


def test_slots_count_in_one_query_for_the_day(community, django_assert_num_queries):
    item = make_item(community)
    with django_assert_num_queries(2):  # the hours and the day's slot rows
        slots_for(item, timezone.localdate() + timedelta(days=1))


# --- booking --------------------------------------------------------------------------------


def test_resident_books_a_slot(community, resident):
    item = make_item(community)

    booking = book(item, resident, at(2, 9, 30))

    assert booking.status == Booking.Status.REQUESTED
    assert booking.price == Decimal("15.00")
    assert booking.booked_by is None
    assert booking.slot.taken == 1


def test_a_slot_in_the_past_is_refused(community, resident):
    item = make_item(community)
    refused("past", book, item, resident, timezone.now() - timedelta(hours=1))
    assert not TimeSlot.objects.exists()


def test_a_time_that_is_not_a_slot_is_refused(community, resident):
    item = make_item(community)
    refused("not_a_slot", book, item, resident, at(2, 9, 10))  # slots start on the half hour
    refused("not_a_slot", book, item, resident, at(2, 19))  # after closing
    refused("too_far", book, item, resident, at(BOOKING_HORIZON_DAYS + 2))
    assert not Booking.objects.exists()


def test_a_full_slot_is_refused_and_nothing_changes(community, resident):
    item = make_item(community, slot_capacity=1)
    book(item, ResidentProfileFactory(community=community).user, at(2))

    refused("full", book, item, resident, at(2))

    assert Booking.objects.count() == 1
    assert TimeSlot.objects.get().taken == 1


def test_one_resident_cannot_hold_the_same_slot_twice(community, resident):
    item = make_item(community, slot_capacity=3)
    book(item, resident, at(2))
    refused("duplicate", book, item, resident, at(2))


def test_archived_items_providers_and_stations_take_no_bookings(community, resident):
    for archive in ("item", "provider", "station"):
        item = make_item(community)
        target = {
            "item": item,
            "provider": item.provider,
            "station": item.provider.station,
        }[archive]
        type(target).objects.filter(pk=target.pk).update(archived=True)
        refused("archived", book, item, resident, at(2))


def test_a_resident_of_another_community_is_refused(community, other_community):
    item = make_item(community)
    outsider = ResidentProfileFactory(community=other_community).user
    refused("community", book, item, outsider, at(2))


def test_desk_booking_needs_the_staff_scope_to_cover_the_station(
    community, sibling_community_staff, community_staff
):
    item = make_item(community)
    walk_in = ResidentProfileFactory(community=community).user

    refused("scope", book, item, walk_in, at(2), by=sibling_community_staff)
    booking = book(item, walk_in, at(2), by=community_staff)

    assert booking.booked_by == community_staff


def test_home_visit_for_an_ineligible_resident_is_refused(community, resident):
    item = home_haircut(community)
    error = refused("not_eligible", book, item, resident, at(2), home_visit=True, address="3号楼")
    assert "home_visit" in error.error_dict
    assert not Booking.objects.exists()


def test_home_visit_needs_an_address(community, resident, community_staff):
    item = home_haircut(community)
    verify(resident, by=community_staff)
    refused("no_address", book, item, resident, at(2), home_visit=True, address="  ")


def test_home_visit_when_the_item_offers_none_is_refused(community, resident):
    item = make_item(community, home_visit=False)
    refused("no_home_visit", book, item, resident, at(2), home_visit=True, address="3号楼")


def test_home_visit_open_to_all_when_not_limited_to_special_groups(community, resident):
    item = make_item(community, home_visit=True, home_visit_only_for_special_groups=False)
    booking = book(item, resident, at(2), home_visit=True, address="和泰小区3号楼")
    assert (booking.home_visit, booking.address) == (True, "和泰小区3号楼")


def test_verified_80_year_old_gets_the_free_home_haircut(community, resident, community_staff):
    item = home_haircut(community)
    verify(resident, by=community_staff)

    booking = book(item, resident, at(2), home_visit=True, address="和泰小区3号楼2单元401")

    assert booking.price == Decimal("0.00")
    assert booking.home_visit


def test_special_price_only_for_the_items_groups(community, resident, community_staff):
    item = make_item(
        community,
        price=Decimal("40.00"),
        special_price=Decimal("20.00"),
        special_groups=[SpecialGroup.Group.ELDERLY_60],
    )
    other = ResidentProfileFactory(community=community).user
    verify(other, SpecialGroup.Group.CHILD, by=community_staff)
    verify(resident, SpecialGroup.Group.ELDERLY_60, by=community_staff)

    assert book(item, resident, at(2)).price == Decimal("20.00")
    assert book(item, other, at(3)).price == Decimal("40.00")


def test_a_revoked_group_no_longer_counts(community, resident, community_staff):
    item = home_haircut(community)
    special = verify(resident, by=community_staff)
    special_group_revoke(special_group=special, by=community_staff)

    refused("not_eligible", book, item, resident, at(2), home_visit=True, address="3号楼")
    assert book(item, resident, at(2)).price == Decimal("15.00")


def test_a_raised_capacity_counts_for_existing_slots(community, resident):
    item = make_item(community, slot_capacity=1)
    book(item, ResidentProfileFactory(community=community).user, at(2))
    item.slot_capacity = 2
    item.save()

    book(item, resident, at(2))

    assert TimeSlot.objects.get().taken == 2


# --- statuses -------------------------------------------------------------------------------


def test_staff_confirm_and_the_resident_is_told(community, resident, community_staff):
    booking = book(make_item(community), resident)

    booking = actions.booking_confirm(booking=booking, by=community_staff)

    assert booking.status == Booking.Status.CONFIRMED
    assert booking.status_changed_at is not None
    assert Notification.objects.filter(user=resident).count() == 1


def test_staff_of_another_community_cannot_change_a_booking(
    community, resident, other_community_staff
):
    booking = book(make_item(community), resident)
    refused("scope", actions.booking_confirm, booking=booking, by=other_community_staff)
    refused("scope", actions.booking_cancel, booking=booking, by=other_community_staff)


def test_done_and_no_show_only_once_the_time_has_begun(community, resident, community_staff):
    booking = book(make_item(community), resident)
    refused("not_begun", actions.booking_done, booking=booking, by=community_staff)

    booking = move_into_past(booking)
    booking = actions.booking_done(booking=booking, by=community_staff)

    assert booking.status == Booking.Status.DONE
    refused("status", actions.booking_no_show, booking=booking, by=community_staff)


def test_no_show_frees_the_place(community, resident, community_staff):
    booking = move_into_past(book(make_item(community), resident))
    actions.booking_no_show(booking=booking, by=community_staff)
    assert TimeSlot.objects.get().taken == 0


def test_cancel_frees_the_place(community, resident):
    item = make_item(community, slot_capacity=1)
    booking = book(item, resident, at(2))

    actions.booking_cancel(booking=booking, by=resident)

    assert Booking.objects.get().status == Booking.Status.CANCELLED
    assert TimeSlot.objects.get().taken == 0
    other = ResidentProfileFactory(community=community).user
    assert book(item, other, at(2)).slot.taken == 1


def test_resident_cannot_cancel_after_the_cutoff(community, resident, settings):
    settings.SERVICE_CANCEL_CUTOFF_HOURS = 2
    item = make_item(community, hours=(time(0, 0), time(23, 59)))
    soon = timezone.localtime(timezone.now() + timedelta(hours=1)).replace(
        minute=0, second=0, microsecond=0
    ) + timedelta(hours=1)  # the next whole hour but one: at most 2 hours away
    booking = book(item, resident, soon)

    refused("too_late", actions.booking_cancel, booking=booking, by=resident)

    assert Booking.objects.get().status == Booking.Status.REQUESTED
    assert TimeSlot.objects.get().taken == 1


def test_staff_may_cancel_after_the_cutoff_and_the_resident_is_told(
    community, resident, community_staff, settings
):
    settings.SERVICE_CANCEL_CUTOFF_HOURS = 72
    booking = book(make_item(community), resident, at(2))

    actions.booking_cancel(booking=booking, by=community_staff)

    assert Booking.objects.get().status == Booking.Status.CANCELLED
    assert Notification.objects.filter(user=resident).count() == 1


def test_a_done_booking_cannot_be_cancelled(community, resident, community_staff):
    booking = move_into_past(book(make_item(community), resident))
    actions.booking_done(booking=booking, by=community_staff)
    refused("status", actions.booking_cancel, booking=booking, by=community_staff)


# --- rating ---------------------------------------------------------------------------------


def test_rating_before_done_is_refused(community, resident):
    booking = book(make_item(community), resident)
    refused("not_done", actions.booking_rate, booking=booking, resident=resident, rating=5)


def test_rating_after_done_only_once(community, resident, community_staff):
    booking = move_into_past(book(make_item(community), resident))
    actions.booking_done(booking=booking, by=community_staff)

    actions.booking_rate(booking=booking, resident=resident, rating=4, comment="师傅手艺好")
    refused("rated", actions.booking_rate, booking=booking, resident=resident, rating=1)

    assert (Booking.objects.get().rating, Booking.objects.get().comment) == (4, "师傅手艺好")


def test_only_the_resident_rates_and_only_1_to_5(community, resident, community_staff):
    booking = move_into_past(book(make_item(community), resident))
    actions.booking_done(booking=booking, by=community_staff)
    other = ResidentProfileFactory(community=community).user

    refused("not_yours", actions.booking_rate, booking=booking, resident=other, rating=5)
    with pytest.raises(ValidationError):
        actions.booking_rate(booking=booking, resident=resident, rating=6)
    assert Booking.objects.get().rating is None
