"""A resident's service-station data in 我的数据 and when the account is anonymised."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from communities import privacy
from communities.models import SpecialGroup, User
from services.models import Booking, JobSeeker, Product, Reservation, TimeSlot
from tests.conftest import client_for


@pytest.fixture
def elder(db):
    call_command("seed_demo", allow_production=True)
    return User.objects.get(username="13800000002")


def test_my_data_shows_bookings_reservations_and_special_groups(elder):
    client = client_for(elder)

    page = client.get(reverse("activities:my_data")).content.decode()
    download = json.loads(client.get(reverse("activities:my_data") + "?format=json").content)

    assert "上门义剪" in page and "小米" in page
    assert download["special_groups"][0]["proof_seen"] == "身份证"
    assert any(b["address"] for b in download["service_bookings"])
    assert download["produce_reservations"][0]["quantity"] == 5


def test_anonymising_frees_places_returns_stock_and_clears_addresses(elder):
    open_bookings = list(
        Booking.objects.filter(resident=elder, status__in=["requested", "confirmed"])
    )
    taken_before = {b.slot_id: TimeSlot.objects.get(pk=b.slot_id).taken for b in open_bookings}
    millet = Product.objects.get(name="小米")
    stock_before = millet.stock

    privacy.account_anonymise(user=elder, by=None)

    assert open_bookings
    for booking in open_bookings:
        booking.refresh_from_db()
        assert booking.status == "cancelled" and "和泰小区" not in booking.address
        assert TimeSlot.objects.get(pk=booking.slot_id).taken == taken_before[booking.slot_id] - 1
    millet.refresh_from_db()
    assert millet.stock == stock_before + 5
    assert not Reservation.objects.filter(resident=elder, status="reserved").exists()
    assert not SpecialGroup.objects.current().filter(resident=elder).exists()


def test_anonymising_empties_the_job_seeker_record(db, resident, community):
    from tests.services.factories import ServiceStationFactory

    station = ServiceStationFactory(community=community)
    seeker = JobSeeker.objects.create(
        station=station,
        user=resident,
        name="李四",
        phone="13912345678",
        age_band="30_44",
        wished_work="保洁",
        share_consent=True,
        share_consent_at=timezone.now() - timedelta(days=1),
    )

    privacy.account_anonymise(user=resident, by=None)

    seeker.refresh_from_db()
    assert seeker.phone == "" and seeker.name != "李四" and seeker.wished_work == ""
    assert seeker.status == "withdrawn" and seeker.share_consent is False
