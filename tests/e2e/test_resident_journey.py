"""A resident registers on a phone-sized screen, logs in, switches language, sees the home page."""

import pytest

from tests.factories import CompoundFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_resident_registers_logs_in_and_switches_language(page, live_server, community):
    CompoundFactory(community=community, name="恒大华府小区")

    # The browser asks for English, but the portal speaks Chinese until told otherwise.
    page.goto(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.get_by_role("link", name="注册", exact=True).click()

    page.get_by_label("姓名").fill("陈建国")
    page.get_by_label("手机号").fill("13800138000")
    page.get_by_label("社区").select_option(label="水泊寺街道 · 恒大社区")
    page.get_by_label("小区").select_option(label="恒大社区 · 恒大华府小区")
    page.locator("#id_password1").fill("Heng-da-2026!")
    page.locator("#id_password2").fill("Heng-da-2026!")
    page.get_by_label("我已阅读并同意隐私声明").check()
    page.get_by_role("button", name="注册").click()

    assert "欢迎" in page.get_by_role("status").inner_text()
    page.get_by_role("button", name="退出登录").click()

    page.get_by_role("link", name="登录").first.click()
    page.get_by_label("手机号或用户名").fill("13800138000")
    page.locator("#id_password").fill("Heng-da-2026!")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("heading", name="我的社区").is_visible()

    page.get_by_role("button", name="English").click()

    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="My community").is_visible()
    assert page.get_by_role("link", name="恒大社区").first.is_visible()
    assert page.get_by_role("button", name="Log out").is_visible()
