"""An adopter scans a tree's name tag on a phone, logs in, logs watering with a photo and sees
it on the tree's care timeline."""

import io
import re

import pytest
from PIL import Image

from activities.models import CareLog
from activities.parts.trees import actions
from communities.permissions import scope_for
from tests.activities.trees_support import days_ago
from tests.factories import (
    PASSWORD,
    CompoundFactory,
    ResidentProfileFactory,
    StaffAssignmentFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Labels of this part not yet in the Chinese catalogue are matched in both languages.
WATERING = re.compile("浇水|Watering")


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), "seagreen").save(buffer, "JPEG")
    return buffer.getvalue()


def test_adopter_scans_the_tag_and_logs_watering_with_a_photo(
    page, live_server, community, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    staff = StaffAssignmentFactory(community=community, user__name="李娜").user
    adopter = ResidentProfileFactory(
        community=community, user__phone="13800000001", user__name="刘芳"
    ).user
    tree = actions.tree_create(
        by=staff,
        scope=scope_for(staff),
        community=community,
        compound=CompoundFactory(community=community, name="恒大华府小区"),
        name="同心树 1号",
        species="银杏",
        spot="3号楼东侧草坪",
        planted_on=days_ago(3),
    )
    actions.tree_adopt(tree=tree, adopter=adopter, tag_name="刘小雨", by=staff)

    # The QR code on the name tag opens the tree's public page.
    page.goto(f"{live_server.url}{tree.get_absolute_url()}")
    assert page.get_by_role("heading", name="同心树 1号").is_visible()
    assert page.get_by_text("刘*").is_visible()
    assert page.get_by_text("刘芳").count() == 0
    page.locator("#care").get_by_role("link", name="登录").click()

    page.get_by_label("手机号或用户名").fill("13800000001")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    # Back on the tree's page, with the care form.
    assert page.get_by_role("heading", name="同心树 1号").is_visible()
    page.locator("#care label").filter(has_text=WATERING).click()
    page.get_by_label("备注").fill("浇透了，长出新叶")
    page.locator("#id_photo").set_input_files(
        files=[{"name": "IMG_20250401.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
    )
    page.get_by_role("button", name="保存").click()

    assert page.get_by_role("status").first.is_visible()
    timeline = page.locator("#timeline")
    assert timeline.get_by_text("浇透了，长出新叶").is_visible()
    assert timeline.get_by_text(WATERING).first.is_visible()
    log = CareLog.objects.get()
    assert (log.kind, log.logged_by_id) == ("water", adopter.pk)
    assert timeline.locator(f'img[src="{log.thumbnail.url}"]').count() == 1


def test_staff_print_name_tags_on_a4_label_sheets(page, live_server, community):
    staff = StaffAssignmentFactory(community=community, user__username="lina").user
    for number in range(1, 10):
        actions.tree_create(
            by=staff,
            scope=scope_for(staff),
            community=community,
            name=f"同心树 {number}号",
            species="银杏",
            planted_on=days_ago(1),
        )

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("手机号或用户名").fill("lina")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/manage/trees/labels/")

    assert page.locator(".tree-label svg").count() == 9
    box = page.locator(".tree-label").first.bounding_box()
    # 105 × 74 mm at 96 dpi.
    assert round(box["width"]) == 397 and round(box["height"]) == 280
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 2  # 8 labels a sheet, then 1
