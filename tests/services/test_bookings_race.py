"""Eight residents ask for the last place of a slot at the same moment, each on its own database
connection: exactly one gets it, and the slot is never overbooked."""

from services.actions import bookings as actions
from services.models import Booking, TimeSlot
from tests.concurrency import POSTGRES_ONLY, at_once
from tests.factories import ResidentProfileFactory
from tests.services.booking_factories import at, book, make_item

pytestmark = POSTGRES_ONLY


def race(item, residents, starts_at):
    outcome = at_once(
        [
            lambda r=r: actions.booking_create(item=item, resident=r, starts_at=starts_at, by=r)
            for r in residents
        ]
    )
    return outcome.refused, outcome.errors


def test_the_last_place_goes_to_exactly_one_of_eight(community):
    item = make_item(community, slot_capacity=3)
    starts_at = at(2, 10)
    book(item, ResidentProfileFactory(community=community).user, starts_at)
    book(item, ResidentProfileFactory(community=community).user, starts_at)
    residents = [ResidentProfileFactory(community=community).user for _ in range(8)]

    refused, errors = race(item, residents, starts_at)

    assert errors == []
    assert len(refused) == 7
    assert all("starts_at" in error.error_dict for error in refused)
    assert Booking.objects.filter(slot__starts_at=starts_at).count() == 3
    assert TimeSlot.objects.get(starts_at=starts_at).taken == 3


def test_a_new_slot_created_by_many_at_once_is_created_once(community):
    item = make_item(community, slot_capacity=2)
    starts_at = at(3, 15)
    residents = [ResidentProfileFactory(community=community).user for _ in range(6)]

    refused, errors = race(item, residents, starts_at)

    assert errors == []
    assert len(refused) == 4
    assert TimeSlot.objects.filter(item=item).count() == 1
    assert TimeSlot.objects.get(item=item).taken == 2
