"""Stations, providers with weekly hours, priced items: public pages and staff pages."""

from datetime import time
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from services.models import ServiceItem, ServiceProvider, ServiceStation, WorkingHours
from tests.conftest import client_for
from tests.factories import ResidentProfileFactory
from tests.services.factories import (
    ProductFactory,
    ServiceItemFactory,
    ServiceProviderFactory,
    ServiceStationFactory,
    WorkingHoursFactory,
)

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"services:{name}", args=args)


@pytest.fixture
def station(community):
    return ServiceStationFactory(community=community, name="和泰社区便民服务站")


@pytest.fixture
def barber(station):
    return ServiceProviderFactory(station=station, name="理发店", contact_phone="13712345678")


@pytest.fixture
def other_station(other_community):
    return ServiceStationFactory(community=other_community)


# The money filter --------------------------------------------------------------------------


def render(text, **context):
    return Template("{% load money %}" + text).render(Context(context))


def test_yuan_shows_two_decimals_and_free_for_zero():
    assert render("{{ v|yuan }}", v=Decimal("12.5")) == "¥12.50"
    assert render("{{ v|yuan }}", v=Decimal("0")) == "¥0.00"
    assert render("{{ v|yuan }}", v=None) == ""
    with translation.override("zh-hans"):
        assert render("{{ v|yuan_or_free }}", v=Decimal("0.00")) in ("免费", "Free")
    with translation.override("en"):
        assert render("{{ v|yuan_or_free }}", v=Decimal("0")) == "Free"
        assert render("{{ v|yuan_or_free }}", v=Decimal("1")) == "¥1.00"


# Public pages ------------------------------------------------------------------------------


def test_anyone_sees_the_active_stations(station, other_station):
    ServiceStationFactory(community=station.community, name="旧服务站", archived=True)
    response = client_for(None).get(url("station_list"))
    assert response.status_code == 200
    assert station.name in response.text
    assert other_station.name in response.text
    assert "旧服务站" not in response.text
    assert station.opening_hours in response.text


def test_station_page_shows_items_with_prices_free_and_home_visit(station, barber):
    WorkingHoursFactory(provider=barber, weekday=0, opens=time(9), closes=time(12))
    ServiceItemFactory(provider=barber, name="剪发", price=Decimal("15"))
    ServiceItemFactory(
        provider=barber,
        name="上门义剪",
        price=Decimal("20"),
        special_price=Decimal("0"),
        special_groups=["elderly_80", "disabled"],
        home_visit=True,
    )
    ServiceItemFactory(provider=barber, name="旧项目", archived=True)
    with translation.override("en"):
        response = client_for(None).get(
            url("station_detail", station.pk), HTTP_ACCEPT_LANGUAGE="en"
        )
    text = response.text
    assert response.status_code == 200
    assert "¥15.00" in text and "¥20.00" in text
    assert "80岁以上老人、残疾人：免费" in text or "80岁以上老人、残疾人: 免费" in text
    assert "上门服务" in text
    assert "旧项目" not in text
    assert "理发店" in text
    # The provider's own mobile is for staff only; the station's telephone is public.
    assert "13712345678" not in text
    assert station.contact_phone in text


def test_station_page_shows_provider_contacts_to_its_staff(station, barber, community_staff):
    response = client_for(community_staff).get(url("station_detail", station.pk))
    assert "13712345678" in response.text


def test_station_page_shows_farm_products_with_stock(station):
    product = ProductFactory(provider__station=station, name="小米", stock=7)
    ProductFactory(provider__station=station, name="下架的蛋", archived=True)
    response = client_for(None).get(url("station_detail", station.pk))
    assert "小米" in response.text
    assert "¥6.50" in response.text
    assert url("reservation_create", product.pk) in response.text
    assert "下架的蛋" not in response.text


def test_archived_station_is_not_found(station):
    station.archived = True
    station.save()
    assert client_for(None).get(url("station_detail", station.pk)).status_code == 404


def test_item_page_shows_special_price_and_hours(barber):
    WorkingHoursFactory(provider=barber, weekday=2, opens=time(14), closes=time(17))
    item = ServiceItemFactory(
        provider=barber,
        price=Decimal("30"),
        special_price=Decimal("12.5"),
        special_groups=["elderly_60"],
    )
    response = client_for(None).get(url("item_detail", item.pk), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "¥30.00" in response.text and "¥12.50" in response.text
    assert "14:00" in response.text


def test_archived_item_is_not_found(barber):
    item = ServiceItemFactory(provider=barber, archived=True)
    assert client_for(None).get(url("item_detail", item.pk)).status_code == 404


def test_station_page_queries_stay_flat(station, django_assert_max_num_queries):
    def add(n):
        for _ in range(n):
            provider = ServiceProviderFactory(station=station)
            WorkingHoursFactory(provider=provider)
            ServiceItemFactory.create_batch(2, provider=provider)
            ProductFactory(provider__station=station)

    client = client_for(None)
    add(1)
    with django_assert_max_num_queries(15) as small:
        assert client.get(url("station_detail", station.pk)).status_code == 200
    add(8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url("station_detail", station.pk)).status_code == 200


# Access to staff pages -------------------------------------------------------------------------


STAFF_PAGES = [
    ("station_manage_list", False),
    ("station_create", False),
    ("station_manage", True),
    ("station_update", True),
    ("provider_create", True),
]


@pytest.mark.parametrize(("name", "needs_station"), STAFF_PAGES)
def test_resident_gets_403_on_staff_pages(resident, station, name, needs_station):
    args = [station.pk] if needs_station else []
    assert client_for(resident).get(url(name, *args)).status_code == 403


@pytest.mark.parametrize(("name", "needs_station"), STAFF_PAGES)
def test_anonymous_is_sent_to_login_from_staff_pages(station, name, needs_station):
    args = [station.pk] if needs_station else []
    response = client_for(None).get(url(name, *args))
    assert response.status_code == 302
    assert reverse("login") in response.url


def test_other_community_staff_get_404_for_every_object(other_community_staff, station, barber):
    item = ServiceItemFactory(provider=barber)
    client = client_for(other_community_staff)
    for page in [
        url("station_manage", station.pk),
        url("station_update", station.pk),
        url("provider_create", station.pk),
        url("provider_update", barber.pk),
        url("item_create", barber.pk),
        url("item_update", item.pk),
    ]:
        assert client.get(page).status_code == 404, page
        if page != url("station_manage", station.pk):
            assert client.post(page, {}).status_code == 404, page


def test_staff_list_shows_only_stations_in_scope(community_staff, station, other_station):
    response = client_for(community_staff).get(url("station_manage_list"))
    assert station.name in response.text
    assert other_station.name not in response.text


def test_staff_list_queries_stay_flat(community_staff, community, django_assert_max_num_queries):
    client = client_for(community_staff)
    ServiceProviderFactory(station__community=community)
    with django_assert_max_num_queries(20) as small:
        client.get(url("station_manage_list"))
    for _ in range(6):
        ServiceProviderFactory.create_batch(2, station=ServiceStationFactory(community=community))
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url("station_manage_list"))


def test_station_manage_queries_stay_flat(community_staff, station, django_assert_max_num_queries):
    def add(n):
        for _ in range(n):
            provider = ServiceProviderFactory(station=station)
            WorkingHoursFactory(provider=provider)
            ServiceItemFactory.create_batch(2, provider=provider)
            ProductFactory(provider__station=station)

    client = client_for(community_staff)
    add(1)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url("station_manage", station.pk)).status_code == 200
    add(8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url("station_manage", station.pk)).status_code == 200


# Stations ----------------------------------------------------------------------------------


def station_data(unit, **overrides):
    return {
        "community": unit.pk,
        "name": "新服务站",
        "address": "和泰路1号",
        "opening_hours": "周一至周五 9:00–17:00",
        "contact_phone": "0352-7654321",
        "description": "",
        **overrides,
    }


def test_staff_create_a_station(community_staff, community):
    response = client_for(community_staff).post(url("station_create"), station_data(community))
    station = ServiceStation.objects.get(name="新服务站")
    assert response.status_code == 302
    assert response.url == url("station_manage", station.pk)
    assert station.community == community


def test_station_for_another_community_is_refused(community_staff, other_community):
    response = client_for(community_staff).post(
        url("station_create"), station_data(other_community)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["community"]
    assert not ServiceStation.objects.filter(name="新服务站").exists()


@pytest.mark.parametrize(
    "bad",
    [{"name": ""}, {"address": "x" * 201}, {"community": "abc"}, {"name": "坏\x00字"}],
)
def test_bad_station_input_is_a_form_message(community_staff, community, bad):
    response = client_for(community_staff).post(
        url("station_create"), station_data(community, **bad)
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not ServiceStation.objects.exists()


def test_duplicate_station_name_is_a_form_message(community_staff, station):
    response = client_for(community_staff).post(
        url("station_create"), station_data(station.community, name=station.name)
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert ServiceStation.objects.count() == 1


def test_staff_archive_a_station(community_staff, station):
    data = station_data(station.community, name=station.name, archived="on")
    response = client_for(community_staff).post(url("station_update", station.pk), data)
    assert response.status_code == 302
    station.refresh_from_db()
    assert station.archived


# Providers and their hours -------------------------------------------------------------------


def provider_data(hours=(), **overrides):
    data = {
        "name": "针灸按摩馆",
        "category": ServiceProvider.Category.MASSAGE,
        "contact_name": "李医生",
        "contact_phone": "+86 138-0013-8000",
        "description": "",
        "hours-TOTAL_FORMS": str(len(hours) + 1),
        "hours-INITIAL_FORMS": "0",
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "1000",
        **overrides,
    }
    for i, (weekday, opens, closes) in enumerate(hours):
        data[f"hours-{i}-weekday"] = str(weekday)
        data[f"hours-{i}-opens"] = opens
        data[f"hours-{i}-closes"] = closes
    return data


def test_staff_create_a_provider_with_weekly_hours(community_staff, station):
    data = provider_data([(0, "09:00", "12:00"), (0, "14:00", "17:00"), (3, "09:00", "11:30")])
    response = client_for(community_staff).post(url("provider_create", station.pk), data)
    assert response.status_code == 302
    provider = ServiceProvider.objects.get(name="针灸按摩馆")
    assert provider.station == station
    assert provider.contact_phone == "13800138000"
    assert list(provider.hours.values_list("weekday", "opens", "closes")) == [
        (0, time(9), time(12)),
        (0, time(14), time(17)),
        (3, time(9), time(11, 30)),
    ]


def test_overlapping_hours_on_one_day_are_refused(community_staff, station):
    data = provider_data([(0, "09:00", "12:00"), (0, "11:00", "15:00")])
    response = client_for(community_staff).post(
        url("provider_create", station.pk), data, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "重叠" in " ".join(response.context["formset"].non_form_errors())
    assert not ServiceProvider.objects.exists()


@pytest.mark.parametrize(
    "hours",
    [
        [(0, "12:00", "09:00")],  # ends before it starts
        [(0, "25:00", "26:00")],  # not a time
        [(9, "09:00", "10:00")],  # unknown weekday
        [(0, "abc", "10:00")],
    ],
)
def test_bad_hours_are_a_form_message(community_staff, station, hours):
    response = client_for(community_staff).post(
        url("provider_create", station.pk), provider_data(hours)
    )
    assert response.status_code == 200
    assert not response.context["formset"].is_valid()
    assert not ServiceProvider.objects.exists()


@pytest.mark.parametrize(
    "bad", [{"name": ""}, {"category": "spa"}, {"contact_phone": "12345"}, {"name": "x" * 81}]
)
def test_bad_provider_input_is_a_form_message(community_staff, station, bad):
    response = client_for(community_staff).post(
        url("provider_create", station.pk), provider_data(**bad)
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not ServiceProvider.objects.exists()


def test_editing_a_provider_replaces_its_hours(community_staff, barber):
    old = WorkingHoursFactory(provider=barber, weekday=0, opens=time(9), closes=time(12))
    data = provider_data(
        [(1, "08:00", "10:00")],
        name=barber.name,
        category=barber.category,
        **{
            "hours-TOTAL_FORMS": "2",
            "hours-INITIAL_FORMS": "1",
            "hours-0-id": str(old.pk),
            "hours-0-provider": str(barber.pk),
            "hours-0-weekday": "0",
            "hours-0-opens": "09:00",
            "hours-0-closes": "12:00",
            "hours-0-DELETE": "on",
            "hours-1-weekday": "1",
            "hours-1-opens": "08:00",
            "hours-1-closes": "10:00",
        },
    )
    response = client_for(community_staff).post(url("provider_update", barber.pk), data)
    assert response.status_code == 302
    assert list(WorkingHours.objects.filter(provider=barber).values_list("weekday", "opens")) == [
        (1, time(8))
    ]


# Items -------------------------------------------------------------------------------------


def item_data(**overrides):
    return {
        "name": "上门义剪",
        "description": "",
        "price": "20.00",
        "special_price": "0",
        "special_groups": ["elderly_80", "disabled"],
        "duration_minutes": "30",
        "slot_capacity": "1",
        "home_visit": "on",
        "home_visit_only_for_special_groups": "on",
        **overrides,
    }


def test_staff_create_a_free_item_for_special_groups(community_staff, barber):
    response = client_for(community_staff).post(url("item_create", barber.pk), item_data())
    assert response.status_code == 302
    item = ServiceItem.objects.get()
    assert item.price == Decimal("20.00")
    assert item.special_price == Decimal("0")
    assert item.special_groups == ["elderly_80", "disabled"]
    assert item.price_for({"elderly_80"}) == Decimal("0")
    assert item.price_for(set()) == Decimal("20.00")


def test_empty_special_price_means_none(community_staff, barber):
    data = item_data(special_price="", special_groups=[], home_visit="")
    response = client_for(community_staff).post(url("item_create", barber.pk), data)
    assert response.status_code == 302
    assert ServiceItem.objects.get().special_price is None


@pytest.mark.parametrize(
    "bad",
    [
        {"price": "-1"},
        {"price": "abc"},
        {"price": "123456789012"},
        {"special_price": "-0.01"},
        {"special_price": "30"},  # higher than the price
        {"special_groups": ["martians"]},
        {"special_groups": []},  # a special price for nobody
        {"duration_minutes": "0"},
        {"duration_minutes": "9999"},
        {"slot_capacity": "0"},
        {"name": ""},
    ],
)
def test_bad_item_input_is_a_form_message(community_staff, barber, bad):
    response = client_for(community_staff).post(url("item_create", barber.pk), item_data(**bad))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not ServiceItem.objects.exists()


def test_no_service_items_on_a_farm_produce_provider(community_staff, station):
    farm = ServiceProviderFactory(station=station, category=ServiceProvider.Category.FARM_PRODUCE)
    assert client_for(community_staff).get(url("item_create", farm.pk)).status_code == 404


def test_staff_archive_an_item(community_staff, barber):
    item = ServiceItemFactory(provider=barber, name="剪发")
    data = item_data(name="剪发", special_price="", special_groups=[], home_visit="", archived="on")
    response = client_for(community_staff).post(url("item_update", item.pk), data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.archived


def test_street_staff_manage_stations_of_their_street(street_staff, station):
    assert client_for(street_staff).get(url("station_manage", station.pk)).status_code == 200


def test_resident_profile_is_not_staff(station, community):
    resident = ResidentProfileFactory(community=community).user
    assert client_for(resident).get(url("station_manage", station.pk)).status_code == 403
