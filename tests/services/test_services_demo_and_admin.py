"""The 和泰社区 station of the demo data, and the admin pages over the station's records."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from communities.models import User
from services.models import Booking, JobPosting, JobSeeker, Product, ServiceStation
from tests.conftest import client_for

MODELS = [model._meta.model_name for model in apps.get_app_config("services").get_models()]


@pytest.fixture
def demo(db):
    call_command("seed_demo", allow_production=True)


def test_the_demo_station_has_the_articles_providers_and_a_free_home_haircut(demo):
    station = ServiceStation.objects.get(community__name="和泰社区")
    names = set(station.providers.values_list("name", flat=True))
    assert {"针灸按摩馆", "理发店", "家政公司", "房屋中介公司", "驻村工作队"} <= names
    haircut = Booking.objects.get(item__name="上门义剪", resident__username="13800000002")
    assert haircut.home_visit and haircut.price == Decimal("0.00")
    assert Product.objects.filter(origin_village="新菜区").count() == 4
    assert JobPosting.objects.active().filter(station=station).count() == 5
    assert JobSeeker.objects.filter(station=station, status="referred").count() == 1


def test_the_demo_station_page_and_led_board_open(demo):
    station = ServiceStation.objects.get(community__name="和泰社区")
    client = client_for(None)

    page = client.get(station.get_absolute_url())
    board = client.get(reverse("services:led_board", args=[station.pk]))

    assert page.status_code == 200 and "上门义剪" in page.content.decode()
    newest = JobPosting.objects.active().filter(station=station).order_by("-created_at", "-pk")
    assert board.status_code == 200 and newest.first().title in board.content.decode()


@pytest.mark.parametrize("model_name", MODELS)
def test_an_administrator_can_list_and_open_every_station_record(demo, model_name):
    client = client_for(User.objects.get(username="admin"))
    model = apps.get_model("services", model_name)

    listing = client.get(reverse(f"admin:services_{model_name}_changelist"))
    detail = client.get(
        reverse(f"admin:services_{model_name}_change", args=[model.objects.first().pk])
    )

    assert listing.status_code == 200 and detail.status_code == 200
