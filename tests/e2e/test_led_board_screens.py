"""The LED board in a real browser at the station screen's sizes: the title is at least 6% of
the screen's width and nothing runs off the screen. Screenshots land in test-artifacts/."""

from decimal import Decimal

import pytest

from tests.e2e.conftest import ARTIFACTS
from tests.services.factories import ServiceStationFactory
from tests.services.jobs_factories import JobPostingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = [(1920, 1080), (1280, 720)]


def assert_nothing_hidden_under_the_footer(page) -> None:
    footer = page.eval_on_selector(".led-footer", "e => e.getBoundingClientRect().toJSON()")
    assert footer["bottom"] <= page.viewport_size["height"]
    bottoms = page.eval_on_selector_all(
        ".led-main > *", "all => all.map(e => e.getBoundingClientRect().bottom)"
    )
    assert bottoms and max(bottoms) <= footer["top"]


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_led_board_reads_at_the_screen_sizes(browser, live_server, community, width, height):
    station = ServiceStationFactory(community=community, name="和泰社区便民服务站")
    JobPostingFactory(
        station=station,
        title="超市理货员（长期）",
        employer="华联超市和泰店",
        pay_min=Decimal("3000"),
        pay_max=Decimal("4500"),
        place="和泰广场华联超市",
        requirements="身体健康，能搬重物，会用手机扫码枪；早班 7:00–15:00，晚班 14:00–22:00，"
        "每月休四天，包午餐。" * 3,
        contact_name="王经理",
        contact_phone="0352-7654321",
    )
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/services/stations/{station.pk}/led/")
        title_size = page.eval_on_selector(
            ".led-title", "e => parseFloat(getComputedStyle(e).fontSize)"
        )
        assert title_size >= 0.06 * width
        assert page.evaluate("document.documentElement.scrollHeight") <= height
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        footer_bottom = page.eval_on_selector(
            ".led-footer", "e => e.getBoundingClientRect().bottom"
        )
        assert footer_bottom <= height
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"led-{width}x{height}.png"))
    finally:
        context.close()


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_long_titles_two_postings_and_an_empty_board_stay_on_the_screen(
    browser,
    live_server,
    community,
    settings,
    width,
    height,
):
    settings.JOBS_LED_PER_SCREEN = 2
    station = ServiceStationFactory(community=community, name="和泰社区便民服务站")
    empty = ServiceStationFactory(community=community, name="向阳便民服务站")
    JobPostingFactory(station=station, title="小区保洁员" * 8, employer="物业公司" * 10)
    JobPostingFactory(
        station=station, title="夜班保安", pay_min=Decimal("150"), pay_max=Decimal("150")
    )
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    try:
        for target, name in [(station, "two"), (empty, "empty")]:
            page.goto(f"{live_server.url}/services/stations/{target.pk}/led/")
            assert page.evaluate("document.documentElement.scrollHeight") <= height
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            assert_nothing_hidden_under_the_footer(page)
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"led-{name}-{width}x{height}.png"))
    finally:
        context.close()
