"""The booking pages, used as residents and staff use them: forms, access and query counts.

The Chinese catalogue for these pages is written later, so the tests check status codes,
redirects, the database, form errors and data on the page, not translated message text.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import ResidentProfile, User
from services.actions import bookings as actions
from services.models import Booking, TimeSlot
from tests.conftest import client_for
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


def url(name: str, *args) -> str:
    return reverse(f"services:{name}", args=args)


def slot_value(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def day_param(moment) -> str:
    return f"?day={timezone.localdate(moment):%Y-%m-%d}"


def form_errors(response) -> list[str]:
    form = response.context["form"]
    return [message for errors in form.errors.values() for message in errors]


@pytest.fixture
def item(community):
    return make_item(community)


@pytest.fixture
def haircut(community):
    return home_haircut(community)


# --- the resident's booking page -------------------------------------------------------------


def test_booking_page_shows_days_slots_and_price(resident, item):
    response = client_for(resident).get(url("booking_create", item.pk) + day_param(at(2)))

    assert response.status_code == 200
    assert len(response.context["days"]) == 14
    assert response.context["slots"]
    assert response.context["price"] == Decimal("15.00")
    assert slot_value(at(2, 9)) in response.content.decode()


def test_verified_resident_sees_the_free_price(resident, community_staff, haircut):
    verify(resident, by=community_staff)
    response = client_for(resident).get(url("booking_create", haircut.pk))

    assert response.context["price"] == Decimal("0.00")
    assert response.context["home_visit_allowed"]


def test_ineligible_resident_is_told_home_visits_are_for_verified_groups(resident, haircut):
    response = client_for(resident).get(url("booking_create", haircut.pk))
    assert response.context["home_visit_allowed"] is False
    assert "alert-info" in response.content.decode()


def test_resident_books_and_lands_on_my_bookings(resident, item):
    response = client_for(resident).post(
        url("booking_create", item.pk) + day_param(at(2)),
        {"starts_at": slot_value(at(2, 10)), "note": "请准时"},
    )

    assert response.status_code == 302
    assert response["Location"] == url("booking_mine")
    booking = Booking.objects.get()
    assert (booking.resident, booking.slot.starts_at, booking.note) == (
        resident,
        at(2, 10),
        "请准时",
    )


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"starts_at": ""},
        {"starts_at": "abc"},
        {"starts_at": "9999-01-01T09:00"},
        {"starts_at": "0001-01-01T09:00"},
        {"starts_at": slot_value(at(2, 9)), "note": "长" * 301},
        {"starts_at": slot_value(at(2, 9)), "note": "bad\x00note"},
    ],
)
def test_bad_booking_input_is_a_form_message_and_changes_nothing(resident, item, data):
    response = client_for(resident).post(url("booking_create", item.pk), data)

    assert response.status_code == 200
    assert form_errors(response)
    assert not Booking.objects.exists()
    assert not TimeSlot.objects.exists()


@pytest.mark.parametrize(
    "moment",
    [
        lambda: timezone.now() - timedelta(days=1),
        lambda: at(2, 9, 10),  # not a slot's start
        lambda: at(60),  # beyond the horizon
    ],
    ids=["past", "not-a-slot", "too-far"],
)
def test_times_that_are_not_bookable_are_a_form_message(resident, item, moment):
    response = client_for(resident).post(
        url("booking_create", item.pk), {"starts_at": slot_value(moment())}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["starts_at"]
    assert not Booking.objects.exists()


def test_a_full_slot_is_a_form_message(community, resident, item):
    book(item, ResidentProfileFactory(community=community).user, at(2, 9))

    response = client_for(resident).post(
        url("booking_create", item.pk), {"starts_at": slot_value(at(2, 9))}
    )

    assert response.context["form"].errors["starts_at"]
    assert Booking.objects.count() == 1
    assert TimeSlot.objects.get().taken == 1


def test_full_slots_are_shown_disabled(community, resident, item):
    book(item, ResidentProfileFactory(community=community).user, at(2, 9))
    page = client_for(resident).get(url("booking_create", item.pk) + day_param(at(2))).content

    assert f'value="{slot_value(at(2, 9))}"'.encode() in page
    assert b"disabled" in page


def test_home_visit_for_an_ineligible_resident_is_a_form_message(resident, haircut):
    response = client_for(resident).post(
        url("booking_create", haircut.pk),
        {"starts_at": slot_value(at(2)), "home_visit": "on", "address": "和泰小区3号楼"},
    )

    assert response.context["form"].errors["home_visit"]
    assert not Booking.objects.exists()


def test_home_visit_without_address_is_a_form_message(resident, community_staff, haircut):
    verify(resident, by=community_staff)
    response = client_for(resident).post(
        url("booking_create", haircut.pk), {"starts_at": slot_value(at(2)), "home_visit": "on"}
    )

    assert response.context["form"].errors["address"]
    assert not Booking.objects.exists()


def test_resident_of_another_community_cannot_book(other_community, item):
    outsider = ResidentProfileFactory(community=other_community).user
    client = client_for(outsider)

    assert client.get(url("booking_create", item.pk)).context["can_book"] is False
    response = client.post(url("booking_create", item.pk), {"starts_at": slot_value(at(2))})
    assert response.context["form"].non_field_errors()
    assert not Booking.objects.exists()


@pytest.mark.parametrize("day", ["abc", "9999-01-01", "2001-01-01", ""])
def test_bad_day_parameter_shows_the_first_day(resident, item, day):
    response = client_for(resident).get(url("booking_create", item.pk) + f"?day={day}")
    assert response.status_code == 200
    assert response.context["day"] == timezone.localdate()


def test_archived_or_unknown_item_is_404(resident, item):
    item.archived = True
    item.save()
    assert client_for(resident).get(url("booking_create", item.pk)).status_code == 404
    assert client_for(resident).get(url("booking_create", 99999)).status_code == 404


def test_anonymous_visitor_is_sent_to_login(item):
    for page in (url("booking_create", item.pk), url("booking_mine")):
        response = client_for(None).get(page)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


# --- 我的预约 -------------------------------------------------------------------------------


def test_my_bookings_lists_upcoming_with_a_cancel_button(resident, item):
    booking = book(item, resident, at(2))
    response = client_for(resident).get(url("booking_mine"))

    assert response.context["upcoming"] == [booking]
    assert response.context["upcoming"][0].may_cancel
    assert url("booking_cancel", booking.pk).encode() in response.content


def test_after_the_cutoff_my_bookings_gives_the_phone_instead(resident, item, settings):
    book(item, resident, at(2))
    settings.SERVICE_CANCEL_CUTOFF_HOURS = 24 * 5
    response = client_for(resident).get(url("booking_mine"))

    assert not response.context["upcoming"][0].may_cancel
    assert item.provider.station.contact_phone.encode() in response.content


def test_resident_cancels_and_the_place_is_free(resident, item):
    booking = book(item, resident, at(2))
    response = client_for(resident).post(url("booking_cancel", booking.pk))

    assert response.status_code == 302
    assert Booking.objects.get().status == Booking.Status.CANCELLED
    assert TimeSlot.objects.get().taken == 0


def test_cancel_after_the_cutoff_is_refused(resident, item, settings):
    booking = book(item, resident, at(2))
    settings.SERVICE_CANCEL_CUTOFF_HOURS = 24 * 5
    client_for(resident).post(url("booking_cancel", booking.pk))
    assert Booking.objects.get().status == Booking.Status.REQUESTED


def test_another_residents_booking_is_404(community, resident, item):
    other = ResidentProfileFactory(community=community).user
    booking = book(item, other, at(2))
    client = client_for(resident)

    assert client.post(url("booking_cancel", booking.pk)).status_code == 404
    assert client.get(url("booking_rate", booking.pk)).status_code == 404
    assert client.post(url("booking_rate", booking.pk), {"rating": "5"}).status_code == 404
    assert Booking.objects.get().status == Booking.Status.REQUESTED


def test_past_done_booking_offers_a_rating(resident, community_staff, item):
    booking = move_into_past(book(item, resident, at(2)))
    actions.booking_done(booking=booking, by=community_staff)
    client = client_for(resident)

    assert url("booking_rate", booking.pk).encode() in client.get(url("booking_mine")).content
    response = client.post(url("booking_rate", booking.pk), {"rating": "5", "comment": "很好"})

    assert response.status_code == 302
    assert (Booking.objects.get().rating, Booking.objects.get().comment) == (5, "很好")
    again = client.post(url("booking_rate", booking.pk), {"rating": "1"})
    assert again.status_code == 200
    assert Booking.objects.get().rating == 5


def test_rating_before_done_is_refused_on_the_form(resident, item):
    booking = book(item, resident, at(2))
    response = client_for(resident).post(url("booking_rate", booking.pk), {"rating": "5"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Booking.objects.get().rating is None


@pytest.mark.parametrize(
    "data",
    [{}, {"rating": "0"}, {"rating": "6"}, {"rating": "x"}, {"rating": "3", "comment": "长" * 501}],
)
def test_bad_rating_is_a_form_message(resident, community_staff, item, data):
    booking = move_into_past(book(item, resident, at(2)))
    actions.booking_done(booking=booking, by=community_staff)
    response = client_for(resident).post(url("booking_rate", booking.pk), data)
    assert response.status_code == 200
    assert form_errors(response)
    assert Booking.objects.get().rating is None


def test_my_page_links_to_my_bookings(resident):
    response = client_for(resident).get(reverse("activities:me"))
    assert url("booking_mine").encode() in response.content


# --- staff: the day list and statuses ----------------------------------------------------------


def test_day_list_shows_the_days_bookings_per_provider(community_staff, resident, item):
    verify(resident, by=community_staff)
    book(item, resident, at(2, 10))
    book(item, ResidentProfileFactory(community=item.provider.station.community).user, at(3))
    response = client_for(community_staff).get(url("booking_day") + day_param(at(2)))

    assert response.status_code == 200
    assert [b.resident for b in response.context["object_list"]] == [resident]
    page = response.content.decode()
    assert "刘芳" in page
    assert "138****0001" in page and "13800000001" not in page
    assert item.provider.name in page


def test_other_community_staff_see_none_of_its_bookings(other_community_staff, resident, item):
    book(item, resident, at(2))
    response = client_for(other_community_staff).get(url("booking_day") + day_param(at(2)))

    assert list(response.context["object_list"]) == []
    assert "刘芳" not in response.content.decode()


def test_filtering_by_another_communitys_station_shows_nothing(
    other_community_staff, resident, item
):
    book(item, resident, at(2))
    response = client_for(other_community_staff).get(
        url("booking_day") + day_param(at(2)) + f"&station={item.provider.station_id}"
    )
    assert response.status_code == 200
    assert "刘芳" not in response.content.decode()


@pytest.mark.parametrize("query", ["?day=abc", "?day=9999-12-31", "?station=x&provider=-1"])
def test_day_list_bad_filters_are_not_a_500(community_staff, query):
    assert client_for(community_staff).get(url("booking_day") + query).status_code == 200


def test_residents_get_403_on_staff_pages(resident, item):
    booking = book(item, resident, at(2))
    client = client_for(resident)
    assert client.get(url("booking_day")).status_code == 403
    assert client.get(url("booking_desk", item.pk)).status_code == 403
    assert client.post(url("booking_status", booking.pk), {"action": "confirm"}).status_code == 403
    assert Booking.objects.get().status == Booking.Status.REQUESTED


def test_anonymous_is_sent_to_login_from_staff_pages(item):
    response = client_for(None).get(url("booking_day"))
    assert response.status_code == 302


def test_staff_confirm_from_the_day_list(community_staff, resident, item):
    booking = book(item, resident, at(2))
    response = client_for(community_staff).post(
        url("booking_status", booking.pk), {"action": "confirm"}
    )

    assert response.status_code == 302
    assert Booking.objects.get().status == Booking.Status.CONFIRMED


@pytest.mark.parametrize("action", ["", "delete", "done"])
def test_unknown_or_premature_status_changes_nothing(community_staff, resident, item, action):
    booking = book(item, resident, at(2))
    response = client_for(community_staff).post(
        url("booking_status", booking.pk), {"action": action}
    )
    assert response.status_code == 302
    assert Booking.objects.get().status == Booking.Status.REQUESTED


def test_other_community_staff_get_404_on_a_booking(other_community_staff, resident, item):
    booking = book(item, resident, at(2))
    client = client_for(other_community_staff)
    response = client.post(url("booking_status", booking.pk), {"action": "cancel"})
    assert response.status_code == 404
    assert client.get(url("booking_desk", item.pk)).status_code == 404
    assert Booking.objects.get().status == Booking.Status.REQUESTED


def test_street_staff_manage_their_streets_bookings(street_staff, resident, item):
    booking = book(item, resident, at(2))
    client_for(street_staff).post(url("booking_status", booking.pk), {"action": "cancel"})
    assert Booking.objects.get().status == Booking.Status.CANCELLED


# --- staff: the desk --------------------------------------------------------------------------


def desk_data(moment, **overrides) -> dict:
    return {
        "name": "王大爷",
        "phone": "13900001111",
        "consent": "on",
        "starts_at": slot_value(moment),
        **overrides,
    }


def test_desk_books_for_a_new_walk_in_resident(community_staff, community, item):
    response = client_for(community_staff).post(url("booking_desk", item.pk), desk_data(at(2)))

    assert response.status_code == 302
    booking = Booking.objects.select_related("resident").get()
    assert booking.resident.phone == "13900001111"
    assert booking.booked_by == community_staff
    assert ResidentProfile.objects.get(user=booking.resident).community == community


def test_desk_books_for_a_known_verified_resident_with_a_home_visit(
    community_staff, resident, haircut
):
    verify(resident, by=community_staff)
    response = client_for(community_staff).post(
        url("booking_desk", haircut.pk),
        desk_data(
            at(2),
            name="刘芳",
            phone="13800000001",
            consent="",
            home_visit="on",
            address="和泰小区3号楼",
        ),
    )

    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.resident, booking.price, booking.home_visit) == (
        resident,
        Decimal("0.00"),
        True,
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {"phone": "12345"},
        {"name": ""},
        {"consent": ""},  # a new number needs the privacy agreement
        {"starts_at": "abc"},
        {"starts_at": "9999-01-01T09:00"},
        {"home_visit": "on", "address": "3号楼"},  # a new resident is not verified
        {"home_visit": "on"},
    ],
)
def test_bad_desk_input_is_a_form_message_and_creates_nobody(community_staff, haircut, overrides):
    users_before = User.objects.count()
    response = client_for(community_staff).post(
        url("booking_desk", haircut.pk), desk_data(at(2), **overrides)
    )

    assert response.status_code == 200
    assert form_errors(response) or response.context["form"].non_field_errors()
    assert not Booking.objects.exists()
    assert User.objects.count() == users_before


def test_desk_refuses_a_number_of_another_communitys_resident(
    community_staff, other_community, item
):
    ResidentProfileFactory(community=other_community, user__phone="13900002222")
    response = client_for(community_staff).post(
        url("booking_desk", item.pk), desk_data(at(2), phone="13900002222")
    )
    assert response.context["form"].errors["phone"]
    assert not Booking.objects.exists()


# --- query counts -----------------------------------------------------------------------------


def add_bookings(item, count: int, days: int = 2, first: int = 0):
    community = item.provider.station.community
    for index in range(first, first + count):
        moment = at(days, 8 + index // 2, 30 * (index % 2))
        book(item, ResidentProfileFactory(community=community).user, moment)


def test_booking_page_queries_stay_flat(community, resident, item, django_assert_max_num_queries):
    item.slot_capacity = 3
    item.save()
    page = url("booking_create", item.pk) + day_param(at(2))
    client = client_for(resident)
    add_bookings(item, 1)
    with django_assert_max_num_queries(20) as small:
        assert client.get(page).status_code == 200

    add_bookings(item, 15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(page).status_code == 200


def test_my_bookings_queries_stay_flat(
    community, resident, community_staff, django_assert_max_num_queries
):
    client = client_for(resident)

    def add(count):
        for _ in range(count):
            item = make_item(community)
            book(item, resident, at(2))
            done = move_into_past(book(item, resident, at(3)))
            actions.booking_done(booking=done, by=community_staff)

    add(1)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url("booking_mine")).status_code == 200
    add(8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url("booking_mine")).status_code == 200


def test_day_list_queries_stay_flat(community, community_staff, django_assert_max_num_queries):
    item = make_item(community, slot_capacity=3)
    other = make_item(community)
    page = url("booking_day") + day_param(at(2))
    client = client_for(community_staff)
    add_bookings(item, 1)
    add_bookings(other, 1)
    with django_assert_max_num_queries(25) as small:
        assert client.get(page).status_code == 200

    add_bookings(item, 15)
    add_bookings(other, 10, first=1)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(page).status_code == 200
