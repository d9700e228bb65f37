"""Eight residents ask for the last place of a slot at the same moment, each on its own database
connection: exactly one gets it, and the slot is never overbooked."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from services.actions import bookings as actions
from services.models import Booking, TimeSlot
from tests.factories import ResidentProfileFactory
from tests.services.booking_factories import at, book, make_item

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks are PostgreSQL's; CI runs this on PostgreSQL",
    ),
]


def race(item, residents, starts_at):
    barrier = threading.Barrier(len(residents))
    refused, errors = [], []

    def book_one(resident):
        try:
            barrier.wait(timeout=30)
            actions.booking_create(item=item, resident=resident, starts_at=starts_at, by=resident)
        except ValidationError as error:
            refused.append(error)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book_one, args=(r,)) for r in residents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return refused, errors


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
