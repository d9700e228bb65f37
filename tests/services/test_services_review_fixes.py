"""Regressions found in the review of the service station (#7)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from communities import actions as community_actions
from communities.models import SpecialGroup
from governance_portal.models import AuditEvent
from services.actions import jobs as job_actions
from services.actions import produce as produce_actions
from services.models import JobSeeker, Product
from tests.conftest import client_for
from tests.factories import ResidentProfileFactory
from tests.services.booking_factories import at, book, make_item, verify
from tests.services.factories import FarmProviderFactory, ProductFactory, ServiceStationFactory
from tests.services.jobs_factories import JobSeekerFactory

pytestmark = pytest.mark.django_db


def test_editing_a_product_never_writes_back_a_stale_stock(community, community_staff, resident):
    station = ServiceStationFactory(community=community)
    product = ProductFactory(provider=FarmProviderFactory(station=station), stock=5)
    stale = Product.objects.get(pk=product.pk)
    produce_actions.reservation_create(product=product, resident=resident, quantity=3)

    produce_actions.product_update(product=stale, by=community_staff, changes={"name": "新小米"})

    product.refresh_from_db()
    assert product.stock == 2 and product.name == "新小米"


def test_a_closed_registration_cannot_reopen_beside_a_newer_open_one(community, community_staff):
    station = ServiceStationFactory(community=community)
    first = JobSeekerFactory(station=station, phone="13800001111")
    job_actions.seeker_withdraw(seeker=first, by=community_staff)
    JobSeekerFactory(station=station, phone="13800001111")

    with pytest.raises(ValidationError):
        job_actions.seeker_set_status(
            seeker=first, status=JobSeeker.Status.REGISTERED, by=community_staff
        )


def test_staff_cannot_mark_referred_without_consent_to_share(community, community_staff):
    seeker = JobSeekerFactory(
        station=ServiceStationFactory(community=community), share_consent=False
    )

    with pytest.raises(ValidationError):
        job_actions.seeker_set_status(
            seeker=seeker, status=JobSeeker.Status.REFERRED, by=community_staff
        )


def test_a_verified_80_year_old_pays_the_60_and_over_price(community, community_staff, resident):
    item = make_item(
        community,
        price=Decimal("15.00"),
        special_price=Decimal("10.00"),
        special_groups=[SpecialGroup.Group.ELDERLY_60],
    )
    verify(resident, SpecialGroup.Group.ELDERLY_80, by=community_staff)

    booking = book(item, resident, at(2, 10))

    assert booking.price == Decimal("10.00")


def test_staff_cannot_verify_their_own_special_group(community, community_staff):
    ResidentProfileFactory(user=community_staff, community=community)

    with pytest.raises(ValidationError):
        community_actions.special_group_add(
            resident=community_staff, group="elderly_80", proof_seen="身份证", by=community_staff
        )


def test_a_desk_registration_is_logged_for_its_community_without_the_persons_details(
    community, community_staff
):
    station = ServiceStationFactory(community=community)

    response = client_for(community_staff).post(
        reverse("services:seeker_create"),
        {
            "station": station.pk,
            "name": "张秀英",
            "phone": "13912340000",
            "age_band": "45_59",
            "skills": "做饭很拿手",
            "wished_work": "帮厨",
            "availability": "工作日",
            "record_consent": "on",
        },
    )

    assert response.status_code == 302
    event = AuditEvent.objects.filter(model="services.jobseeker").latest("pk")
    assert event.community_id == community.pk
    logged = str(event.object_repr) + str(event.changes)
    assert "张秀英" not in logged and "做饭很拿手" not in logged and "13912340000" not in logged


def test_an_items_duration_cannot_change_under_bookings_to_come(
    community, community_staff, resident
):
    from services.actions import stations as station_actions

    item = make_item(community, duration_minutes=30)
    book(item, resident, at(2, 9, 30))

    with pytest.raises(ValidationError):
        station_actions.item_update(item=item, by=community_staff, changes={"duration_minutes": 60})
