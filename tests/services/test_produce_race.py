"""8 residents reserve the last 5 units at the same moment, each on its own connection."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from services.actions import produce as actions
from services.models import Product, Reservation, ServiceProvider
from tests.factories import ResidentProfileFactory
from tests.services.factories import ProductFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks are PostgreSQL's; CI runs this on PostgreSQL",
    ),
]


def test_eight_residents_reserve_the_last_five_units(community):
    product = ProductFactory(
        provider__station__community=community,
        provider__category=ServiceProvider.Category.FARM_PRODUCE,
        stock=5,
    )
    residents = [ResidentProfileFactory(community=community).user for _ in range(8)]
    barrier = threading.Barrier(len(residents))
    refused, errors = [], []

    def reserve(resident, quantity):
        try:
            barrier.wait(timeout=30)
            actions.reservation_create(product=product, resident=resident, quantity=quantity)
        except ValidationError as error:
            refused.append(error)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    # Some want one, some want two: whatever the order, no more than 5 can be taken.
    threads = [
        threading.Thread(target=reserve, args=(r, 1 + i % 2)) for i, r in enumerate(residents)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    reservations = list(Reservation.objects.filter(product=product))
    taken = sum(r.quantity for r in reservations)
    stock = Product.objects.get(pk=product.pk).stock
    assert taken + stock == 5
    assert stock >= 0
    assert len(reservations) + len(refused) == 8
    assert all(r.price == product.price * r.quantity for r in reservations)


def test_eight_residents_reserve_one_each_of_the_last_five(community):
    product = ProductFactory(
        provider__station__community=community,
        provider__category=ServiceProvider.Category.FARM_PRODUCE,
        stock=5,
    )
    residents = [ResidentProfileFactory(community=community).user for _ in range(8)]
    barrier = threading.Barrier(len(residents))
    refused, errors = [], []

    def reserve(resident):
        try:
            barrier.wait(timeout=30)
            actions.reservation_create(product=product, resident=resident, quantity=1)
        except ValidationError as error:
            refused.append(error)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reserve, args=(r,)) for r in residents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert Reservation.objects.filter(product=product).count() == 5
    assert Product.objects.get(pk=product.pk).stock == 0
    assert len(refused) == 3
    assert len({r.resident_id for r in Reservation.objects.filter(product=product)}) == 5
