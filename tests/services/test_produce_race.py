"""8 residents reserve the last 5 units at the same moment, each on its own connection."""

from services.actions import produce as actions
from services.models import Product, Reservation, ServiceProvider
from tests.concurrency import POSTGRES_ONLY, at_once
from tests.factories import ResidentProfileFactory
from tests.services.factories import ProductFactory

pytestmark = POSTGRES_ONLY


def test_eight_residents_reserve_the_last_five_units(community):
    product = ProductFactory(
        provider__station__community=community,
        provider__category=ServiceProvider.Category.FARM_PRODUCE,
        stock=5,
    )
    residents = [ResidentProfileFactory(community=community).user for _ in range(8)]
    # Some want one, some want two: whatever the order, no more than 5 can be taken.
    outcome = at_once(
        [
            lambda r=r, q=1 + i % 2: actions.reservation_create(
                product=product, resident=r, quantity=q
            )
            for i, r in enumerate(residents)
        ]
    )
    refused, errors = outcome.refused, outcome.errors

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
    outcome = at_once(
        [
            lambda r=r: actions.reservation_create(product=product, resident=r, quantity=1)
            for r in residents
        ]
    )
    refused, errors = outcome.refused, outcome.errors

    assert errors == []
    assert Reservation.objects.filter(product=product).count() == 5
    assert Product.objects.get(pk=product.pk).stock == 0
    assert len(refused) == 3
    assert len({r.resident_id for r in Reservation.objects.filter(product=product)}) == 5
