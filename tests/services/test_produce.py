"""Farm produce: products and stock (staff), reservations (residents), pickups."""

from decimal import Decimal

import pytest
from django.urls import reverse

from governance_portal.models import AuditEvent
from services.models import Product, Reservation, ServiceProvider
from tests.conftest import client_for
from tests.factories import ResidentProfileFactory
from tests.services.factories import (
    ProductFactory,
    ReservationFactory,
    ServiceProviderFactory,
    ServiceStationFactory,
)

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"services:{name}", args=args)


@pytest.fixture
def station(community):
    return ServiceStationFactory(community=community)


@pytest.fixture
def farm(station):
    return ServiceProviderFactory(
        station=station, name="驻村工作队", category=ServiceProvider.Category.FARM_PRODUCE
    )


@pytest.fixture
def product(farm):
    return ProductFactory(provider=farm, name="小米", price=Decimal("6.50"), stock=5)


def reserve(user, product, quantity):
    return client_for(user).post(
        url("reservation_create", product.pk), {"quantity": quantity}, HTTP_ACCEPT_LANGUAGE="en"
    )


def stock_of(product):
    return Product.objects.values_list("stock", flat=True).get(pk=product.pk)


# Residents reserve --------------------------------------------------------------------------


def test_resident_reserves_and_stock_goes_down(resident, product):
    response = reserve(resident, product, 3)
    assert response.status_code == 302
    assert response.url == url("reservation_mine")
    reservation = Reservation.objects.get()
    assert (reservation.resident, reservation.quantity) == (resident, 3)
    assert reservation.price == Decimal("19.50")  # price × quantity, in Decimal
    assert stock_of(product) == 2


def test_reservation_form_shows_the_product(resident, product):
    response = client_for(resident).get(url("reservation_create", product.pk))
    assert response.status_code == 200
    assert "小米" in response.text and "¥6.50" in response.text


def test_reserving_more_than_stock_is_a_clear_message_and_changes_nothing(resident, product):
    response = reserve(resident, product, 6)
    assert response.status_code == 200
    assert response.context["form"].errors["quantity"] == ["仅剩 5 斤，预订数量不能超过 5。"]
    assert stock_of(product) == 5
    assert not Reservation.objects.exists()


def test_sold_out_is_a_clear_message(resident, product):
    Product.objects.filter(pk=product.pk).update(stock=0)
    response = reserve(resident, product, 1)
    assert response.status_code == 200
    assert response.context["form"].errors["quantity"] == ["抱歉，该农产品已售完。"]
    assert stock_of(product) == 0


@pytest.mark.parametrize("quantity", ["", "0", "-1", "abc", "1001", "1.5"])
def test_bad_quantity_is_a_form_message(resident, product, quantity):
    response = reserve(resident, product, quantity)
    assert response.status_code == 200
    assert response.context["form"].errors["quantity"]
    assert stock_of(product) == 5
    assert not Reservation.objects.exists()


def test_resident_of_another_community_is_refused(other_community, product):
    outsider = ResidentProfileFactory(community=other_community).user
    response = reserve(outsider, product, 1)
    assert response.status_code == 200
    assert "的居民才能在本服务站预订" in " ".join(response.context["form"].non_field_errors())
    assert stock_of(product) == 5
    assert not Reservation.objects.exists()


def test_staff_without_a_resident_profile_cannot_reserve(community_staff, product):
    response = reserve(community_staff, product, 1)
    assert response.status_code == 200
    assert not Reservation.objects.exists()


def test_archived_product_is_not_reservable(resident, product):
    product.archived = True
    product.save()
    assert reserve(resident, product, 1).status_code == 404
    assert stock_of(product) == 5


def test_product_of_archived_provider_is_not_reservable(resident, product, farm):
    farm.archived = True
    farm.save()
    assert reserve(resident, product, 1).status_code == 404


def test_anonymous_is_sent_to_login_to_reserve(product):
    response = client_for(None).post(url("reservation_create", product.pk), {"quantity": 1})
    assert response.status_code == 302
    assert reverse("login") in response.url
    assert stock_of(product) == 5


def test_stock_never_goes_below_zero_even_bypassing_the_action(product):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=product.pk).update(stock=-1)


# My reservations ---------------------------------------------------------------------------


def test_resident_sees_own_reservations_only(resident, product, community):
    mine = ReservationFactory(product=product, resident=resident, quantity=2)
    ReservationFactory(product=product, resident=ResidentProfileFactory(community=community).user)
    response = client_for(resident).get(url("reservation_mine"))
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [mine]
    assert "¥13.00" in response.text


def test_me_page_links_to_my_produce(resident):
    response = client_for(resident).get(reverse("activities:me"))
    assert url("reservation_mine") in response.text


def test_resident_cancel_returns_stock(resident, product):
    reserve(resident, product, 2)
    reservation = Reservation.objects.get()
    response = client_for(resident).post(url("reservation_cancel_mine", reservation.pk))
    assert response.status_code == 302
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.CANCELLED
    assert stock_of(product) == 5
    # A second cancel changes nothing.
    client_for(resident).post(url("reservation_cancel_mine", reservation.pk))
    assert stock_of(product) == 5


def test_picked_up_reservation_cannot_be_cancelled_by_the_resident(resident, product):
    reservation = ReservationFactory(
        product=product, resident=resident, status=Reservation.Status.PICKED_UP
    )
    client_for(resident).post(url("reservation_cancel_mine", reservation.pk))
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.PICKED_UP
    assert stock_of(product) == 5


def test_resident_cannot_cancel_someone_elses_reservation(resident, product, community):
    other = ReservationFactory(
        product=product, resident=ResidentProfileFactory(community=community).user
    )
    assert client_for(resident).post(url("reservation_cancel_mine", other.pk)).status_code == 404


def test_my_reservations_queries_stay_flat(resident, farm, django_assert_max_num_queries):
    client = client_for(resident)
    ReservationFactory(product__provider=farm, resident=resident)
    with django_assert_max_num_queries(15) as small:
        client.get(url("reservation_mine"))
    for _ in range(10):
        ReservationFactory(product__provider=farm, resident=resident)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url("reservation_mine"))


# Staff: pickups and cancels ------------------------------------------------------------------


def test_staff_mark_a_pickup_once(community_staff, resident, product):
    reservation = ReservationFactory(product=product, resident=resident)
    client = client_for(community_staff)
    response = client.post(url("reservation_pickup", reservation.pk))
    assert response.status_code == 302
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.PICKED_UP
    assert reservation.handled_by == community_staff
    first = reservation.picked_up_at
    response = client.post(
        url("reservation_pickup", reservation.pk), follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "该预订已领取。" in response.text
    reservation.refresh_from_db()
    assert reservation.picked_up_at == first


def test_staff_cancel_returns_stock(community_staff, resident, product):
    reserve(resident, product, 4)
    reservation = Reservation.objects.get()
    assert stock_of(product) == 1
    client_for(community_staff).post(url("reservation_cancel", reservation.pk))
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.CANCELLED
    assert stock_of(product) == 5


def test_cancelled_reservation_cannot_be_picked_up(community_staff, resident, product):
    reservation = ReservationFactory(
        product=product, resident=resident, status=Reservation.Status.CANCELLED
    )
    client_for(community_staff).post(url("reservation_pickup", reservation.pk))
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.CANCELLED


def test_pickup_redirect_ignores_outside_next(community_staff, resident, product):
    reservation = ReservationFactory(product=product, resident=resident)
    response = client_for(community_staff).post(
        url("reservation_pickup", reservation.pk), {"next": "https://evil.example/"}
    )
    assert response.url == url("reservation_station_list", product.provider.station_id)


def test_staff_reservation_lists_show_the_station_or_product(community_staff, resident, product):
    ReservationFactory(product=product, resident=resident, quantity=2)
    client = client_for(community_staff)
    by_station = client.get(url("reservation_station_list", product.provider.station_id))
    by_product = client.get(url("reservation_product_list", product.pk))
    assert by_station.status_code == by_product.status_code == 200
    assert resident.name in by_station.text and resident.name in by_product.text
    filtered = client.get(
        url("reservation_station_list", product.provider.station_id), {"q": resident.phone[-4:]}
    )
    assert len(filtered.context["object_list"]) == 1


@pytest.mark.parametrize("name", ["reservation_station_list", "reservation_product_list"])
def test_reservation_lists_queries_stay_flat(
    community_staff, community, product, name, django_assert_max_num_queries
):
    page = url(name, product.provider.station_id if "station" in name else product.pk)
    client = client_for(community_staff)
    ReservationFactory(product=product, resident=ResidentProfileFactory(community=community).user)
    with django_assert_max_num_queries(20) as small:
        assert client.get(page).status_code == 200
    for _ in range(12):
        ReservationFactory(
            product=product,
            resident=ResidentProfileFactory(community=community).user,
            handled_by=community_staff,
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(page).status_code == 200


def test_bad_reservation_filter_is_harmless(community_staff, product):
    response = client_for(community_staff).get(
        url("reservation_station_list", product.provider.station_id),
        {"status": "lost", "product": "abc"},
    )
    assert response.status_code == 200


# Staff: products and stock -----------------------------------------------------------------


def product_data(farm, **overrides):
    return {
        "provider": farm.pk,
        "name": "土鸡蛋",
        "origin_village": "新菜区",
        "unit": "盒",
        "price": "35.80",
        "stock": "30",
        "pickup_time": "每周六 9:00–11:00",
        **overrides,
    }


def test_staff_create_a_product(community_staff, farm):
    response = client_for(community_staff).post(url("product_create"), product_data(farm))
    assert response.status_code == 302
    product = Product.objects.get(name="土鸡蛋")
    assert (product.price, product.stock) == (Decimal("35.80"), 30)


def test_product_provider_must_be_farm_produce_in_scope(
    community_staff, station, other_community, farm
):
    barber = ServiceProviderFactory(station=station)
    foreign_farm = ServiceProviderFactory(
        station__community=other_community, category=ServiceProvider.Category.FARM_PRODUCE
    )
    client = client_for(community_staff)
    form = client.get(url("product_create")).context["form"]
    assert list(form.fields["provider"].queryset) == [farm]
    for provider in (barber, foreign_farm):
        response = client.post(url("product_create"), product_data(provider))
        assert response.status_code == 200
        assert response.context["form"].errors["provider"]
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"name": ""},
        {"price": "-1"},
        {"price": "abc"},
        {"stock": "-3"},
        {"stock": "2000000"},
        {"unit": "x" * 11},
        {"provider": ""},
    ],
)
def test_bad_product_input_is_a_form_message(community_staff, farm, bad):
    response = client_for(community_staff).post(url("product_create"), product_data(farm, **bad))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Product.objects.exists()


def test_duplicate_product_name_is_a_form_message(community_staff, farm, product):
    response = client_for(community_staff).post(
        url("product_create"), product_data(farm, name=product.name)
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Product.objects.count() == 1


def test_staff_archive_a_product_without_touching_stock(community_staff, farm, product):
    data = product_data(farm, name="小米", stock="999", archived="on")
    response = client_for(community_staff).post(url("product_update", product.pk), data)
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.archived
    assert product.stock == 5


def test_restock_adds_with_a_reason_in_the_audit_log(community_staff, product):
    response = client_for(community_staff).post(
        url("product_restock", product.pk), {"change": "20", "reason": "新到货"}
    )
    assert response.status_code == 302
    assert stock_of(product) == 25
    event = AuditEvent.objects.filter(model="services.product", note="新到货").get()
    assert event.changes == {"stock": [5, 25]}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"change": "-6", "reason": "损耗"}, "change"),
        ({"change": "0", "reason": "无"}, "change"),
        ({"change": "abc", "reason": "无"}, "change"),
        ({"change": "5", "reason": ""}, "reason"),
        ({"change": "5", "reason": "x" * 201}, "reason"),
        ({"change": "2000000", "reason": "多"}, "change"),
    ],
)
def test_bad_restock_is_a_form_message(community_staff, product, data, field):
    response = client_for(community_staff).post(url("product_restock", product.pk), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert stock_of(product) == 5


def test_restock_can_take_away_down_to_zero(community_staff, product):
    client_for(community_staff).post(
        url("product_restock", product.pk), {"change": "-5", "reason": "损耗"}
    )
    assert stock_of(product) == 0


# Access ------------------------------------------------------------------------------------


def staff_pages(product, reservation):
    return [
        ("get", url("product_create")),
        ("get", url("product_update", product.pk)),
        ("get", url("product_restock", product.pk)),
        ("get", url("reservation_product_list", product.pk)),
        ("get", url("reservation_station_list", product.provider.station_id)),
        ("post", url("reservation_pickup", reservation.pk)),
        ("post", url("reservation_cancel", reservation.pk)),
    ]


def test_resident_gets_403_on_staff_pages(resident, product):
    reservation = ReservationFactory(product=product, resident=resident)
    client = client_for(resident)
    for method, page in staff_pages(product, reservation):
        assert getattr(client, method)(page).status_code == 403, page
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.RESERVED


def test_other_community_staff_get_404(other_community_staff, resident, product):
    reservation = ReservationFactory(product=product, resident=resident)
    client = client_for(other_community_staff)
    for method, page in staff_pages(product, reservation)[1:]:
        assert getattr(client, method)(page).status_code == 404, page
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.RESERVED
    assert stock_of(product) == 5


def test_anonymous_is_sent_to_login_from_my_produce():
    response = client_for(None).get(url("reservation_mine"))
    assert response.status_code == 302
