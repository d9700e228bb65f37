"""A resident finds tree adoption through the filters, signs up a party of 3, sees 我的."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.activities.factories import ActivityFactory
from tests.factories import PASSWORD, ResidentProfileFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_resident_finds_tree_adoption_and_signs_up_family(page, live_server, community):
    ResidentProfileFactory(community=community, user__phone="13800000001", user__name="刘芳")
    soon = timezone.now() + timedelta(days=5)
    ActivityFactory(community=community, title="春季绿植领养", kind="tree_adoption", starts_at=soon)
    ActivityFactory(community=community, title="读书会", kind="reading_club", starts_at=soon)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("手机号或用户名").fill("13800000001")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.get_by_role("link", name="活动", exact=True).click()
    page.get_by_text("筛选与搜索").click()
    page.get_by_label("类型").select_option(label="绿植领养")
    page.get_by_role("button", name="查看活动").click()
    assert page.locator("main").get_by_role("link", name="读书会").count() == 0
    page.get_by_role("link", name="春季绿植领养").click()

    page.get_by_label("人数").fill("3")
    page.get_by_label("其中14岁以下儿童").fill("1")
    page.get_by_label("我作为监护人，同意14岁以下儿童参加").check()
    page.get_by_role("button", name="报名").click()
    assert "报名成功" in page.get_by_role("status").inner_text()
    assert page.get_by_text("还剩 7 个名额").first.is_visible()

    page.get_by_role("link", name="我的", exact=True).click()
    assert page.get_by_role("link", name="春季绿植领养").is_visible()
    assert page.get_by_role("button", name="取消报名").is_visible()
