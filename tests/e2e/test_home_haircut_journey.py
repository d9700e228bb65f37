"""At the service station's desk, staff verify that 张奶奶 is over 80 (she shows her ID card),
book her the free home haircut (上门义剪) and see it on the day's list, free of charge.

The pages' own words are still being translated, so the steps find fields by their names and
compare prices with the catalogue's current word for "Free" (免费 once translated).
"""

from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from communities.models import SpecialGroup
from services.models import Booking
from tests.factories import PASSWORD, ResidentProfileFactory
from tests.services.booking_factories import at, home_haircut

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, login):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("手机号或用户名").fill(login)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_desk_books_the_free_home_haircut_for_a_verified_80_year_old(
    page, live_server, community, community_staff
):
    grandma = ResidentProfileFactory(
        community=community, user__name="张奶奶", user__phone="13900008080"
    )
    haircut = home_haircut(community)
    when = at(2, 9, 30)
    with translation.override("zh-hans"):
        free = gettext("Free")

    log_in(page, live_server, community_staff.username)

    # The resident list → her special groups → record "80 and over" after seeing her ID card.
    page.goto(f"{live_server.url}/manage/communities/{community.pk}/residents/")
    page.locator(f"a[href='/manage/residents/{grandma.pk}/special-groups/']").click()
    page.locator("input[name=group][value=elderly_80]").check()
    page.locator("#id_proof_seen").fill("身份证")
    page.locator("form:has(#id_proof_seen) button[type=submit]").click()
    page.wait_for_url(f"**/manage/residents/{grandma.pk}/special-groups/")
    assert SpecialGroup.objects.current().filter(resident=grandma.user).count() == 1

    # The day list offers desk booking for the station's items.
    page.goto(f"{live_server.url}/manage/services/bookings/")
    page.locator(f"a[href='/manage/services/items/{haircut.pk}/desk-book/']").click()

    # Pick the day (a big button), then the time, then her details and address.
    page.locator(f"a[href='?day={timezone.localdate(when):%Y-%m-%d}']").click()
    page.locator(
        f"input[name=starts_at][value='{timezone.localtime(when):%Y-%m-%dT%H:%M}']"
    ).check()
    page.locator("#id_name").fill("张奶奶")
    page.locator("#id_phone").fill("13900008080")
    page.locator("#id_home_visit").check()
    page.locator("#id_address").fill("和泰小区3号楼2单元401")
    page.locator("form:has(#id_phone) button[type=submit]").click()

    # Back on the list of that day: her home haircut, free, at her address.
    page.wait_for_url("**/manage/services/bookings/?day=*")
    row = page.locator("tr", has_text="张奶奶")
    assert row.count() == 1
    text = row.inner_text()
    assert "上门义剪" in text
    assert "和泰小区3号楼2单元401" in text
    assert free in text
    assert "139****8080" in text

    booking = Booking.objects.get()
    assert (booking.resident_id, booking.price, booking.home_visit, booking.booked_by_id) == (
        grandma.user_id,
        Decimal("0.00"),
        True,
        community_staff.pk,
    )
    assert booking.slot.starts_at == when
