"""Street staff of 水泊寺街道 open 数据看板 on a phone, pick October 2026, compare the communities,
open 恒大社区's dashboard and its monthly report, and download the month's ledger (台账).

The world is ``tests/governance_portal/dashboard_world.build_world``: in October 2026 恒大社区
has 2 activities, 向西街社区 1, the street itself 1 (4 in all, fill rate 50 %).
"""

from io import BytesIO
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from activities.models import Activity
from governance_portal.dashboards.periods import Period
from tests.factories import PASSWORD
from tests.governance_portal.dashboard_world import MONTH, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}

# Elements that stick out to the right of the viewport, other than inside a scrolling
# wrapper (.table-responsive, .portal-chart-scroll) or a closed <details> (Chromium lays
# its content out without showing it).
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.body.querySelectorAll('*')]
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .filter((el) => !el.closest('.table-responsive, .portal-chart-scroll'))
    .filter((el) => !el.closest('details:not([open]) > :not(summary)'))
    .map((el) => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
      ? '.' + el.className.trim().split(/\\s+/).join('.') : ''))
    .slice(0, 10);
}"""


def log_in(page, live_server, login):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("手机号或用户名").fill(login)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return gettext(msgid)


def assert_fits_the_phone(page):
    widths = page.evaluate(
        "() => ({doc: document.documentElement.scrollWidth, body: document.body.scrollWidth,"
        " view: document.documentElement.clientWidth})"
    )
    assert widths["view"] <= PHONE["width"]
    outside = page.evaluate(OVERFLOWING)
    assert widths["doc"] <= PHONE["width"] + 1, (widths, outside)
    assert widths["body"] <= PHONE["width"] + 1, (widths, outside)
    assert outside == []


def test_street_staff_compare_october_open_a_community_report_and_download_its_ledger(
    page, live_server, street, community, sibling_community, other_community, street_staff
):
    build_world(community, sibling_community, other_community)
    october = [  # 恒大社区's October activities that count: neither drafts nor cancelled
        activity.title
        for activity in Activity.objects.filter(
            community=community,
            starts_at__gte=Period.month(2026, 10).start_at,
            starts_at__lt=Period.month(2026, 10).end_at,
        ).exclude(status__in=[Activity.Status.DRAFT, Activity.Status.CANCELLED])
    ]
    assert len(october) == 2
    page.set_viewport_size(PHONE)

    log_in(page, live_server, street_staff.username)

    # 数据看板 in the main navigation: /manage/dashboards/ goes straight to the street's own.
    page.locator(".portal-nav").get_by_role("link", name="数据看板", exact=True).click()
    page.wait_for_url(f"**/manage/streets/{street.pk}/dashboard/")
    assert page.get_by_role("heading", level=1).inner_text() == "水泊寺街道 · 数据看板"
    assert page.locator(".dashboard-card").count() >= 5
    assert page.locator("figure.portal-chart svg[role=img]").count() >= 3

    # Pick October 2026 with the month field.
    page.locator("#period-month").fill(MONTH)
    page.locator("form:has(#period-month) button[type=submit]").click()
    page.wait_for_url(f"**/manage/streets/{street.pk}/dashboard/?month={MONTH}")
    assert "2026年10月" in page.locator("p.lead").inner_text()

    # The figures: 4 activities in the street, half the places offered taken.
    first_card = page.locator(".dashboard-card").first
    figures = {
        row.locator("dt").inner_text().strip(): row.locator("dd").inner_text().strip()
        for row in first_card.locator("dl > div").all()
    }
    assert figures[zh("Activities")] == "4", figures
    assert figures[zh("Fill rate (places taken ÷ places offered)")] == "50%", figures

    # Five charts for a street (by kind, by month, forces, and two by community), each an SVG.
    charts = page.locator("figure.portal-chart svg[role=img]")
    assert charts.count() == 5
    titles = [charts.nth(i).locator("title").first.text_content() for i in range(charts.count())]
    assert zh("Activities by community") in titles

    # Compared, in a scrolling wrapper: 恒大社区 2, 向西街社区 1, street-wide 1, total 4.
    table = page.locator("table.dashboard-comparison")
    assert table.locator("xpath=ancestor::div[contains(@class, 'table-responsive')]").count() == 1

    def activities_of(name):
        row = table.locator("tr", has=page.get_by_role("rowheader", name=name, exact=True))
        return row.locator("td").first.inner_text()

    assert activities_of("恒大社区") == "2"
    assert activities_of("向西街社区") == "1"
    assert activities_of(zh("Street-wide (organised by the street)")) == "1"
    assert table.locator("tfoot td").first.inner_text() == "4"
    assert "北辰社区" not in page.content()

    # Nothing but the comparison table's own wrapper is wider than the phone, even with the
    # date-range fields (自选日期) open.
    assert_fits_the_phone(page)
    page.locator("details:has(#period-start) > summary").click()
    assert page.locator("#period-start").is_visible()
    assert_fits_the_phone(page)

    # 恒大社区's dashboard, still October.
    table.get_by_role("link", name="恒大社区", exact=True).click()
    page.wait_for_url(f"**/manage/communities/{community.pk}/dashboard/?month={MONTH}")
    assert page.get_by_role("heading", level=1).inner_text() == "恒大社区 · 数据看板"
    assert "2026年10月" in page.locator("p.lead").inner_text()
    assert page.locator("figure.portal-chart svg[role=img]").count() == 3
    assert page.locator("table.dashboard-comparison").count() == 0
    assert_fits_the_phone(page)

    # 工作月报 of October: title, heading and the two activities held.
    page.get_by_role("link", name="工作月报 · 2026年10月", exact=True).click()
    page.wait_for_url(f"**/manage/communities/{community.pk}/monthly-report/?month={MONTH}")
    assert "2026年10月" in page.title()
    heading = page.get_by_role("heading", level=1).inner_text()
    assert "恒大社区" in heading and "2026年10月" in heading
    held = page.locator("table.monthly-report-activities tbody").inner_text()
    for title in october:
        assert title in held
    assert "爱心社" in held  # the partners of the linked activity
    assert_fits_the_phone(page)

    # The month's ledger, as an XLSX file whose first sheet is the summary (汇总).
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载月度台账（XLSX）").click()
    download = download_info.value
    assert download.suggested_filename.endswith("2026-10.xlsx"), download.suggested_filename
    workbook = load_workbook(BytesIO(Path(download.path()).read_bytes()), read_only=True)
    assert workbook.sheetnames[0] == "汇总"
    summary = [[cell for cell in row if cell is not None] for row in workbook["汇总"].values]
    assert ["社区", "恒大社区"] in [[str(cell) for cell in row] for row in summary]
