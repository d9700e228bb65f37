"""A volunteer takes a role on the phone; staff check them in and out and verify the hours in
bulk; the volunteer sees the verified hours and the first star."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.activities.factories import ActivityFactory
from tests.factories import PASSWORD, ResidentProfileFactory
from volunteers import actions
from volunteers.models import ServiceRecord, Volunteer, VolunteerRole

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, login):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("手机号或用户名").fill(login)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_role_check_in_out_and_verified_hours(page, live_server, community, community_staff):
    user = ResidentProfileFactory(
        community=community, user__phone="13800000003", user__name="周明"
    ).user
    volunteer = Volunteer.objects.create(
        user=user, community=community, status=Volunteer.Status.APPROVED
    )
    # 98.5 verified hours already: the 1.5 hours of today's service reach the first star.
    ServiceRecord.objects.create(
        volunteer=volunteer,
        source=ServiceRecord.Source.BACKFILL,
        street=community.street,
        community=community,
        organiser=community.name,
        title="楼道清扫",
        place="小区",
        served_on=timezone.localdate() - timedelta(days=30),
        hours=Decimal("98.50"),
        status=ServiceRecord.Status.VERIFIED,
        recorded_by=community_staff,
    )
    upcoming = ActivityFactory(
        community=community, title="学雷锋：整理共享单车", kind="volunteer_service"
    )
    VolunteerRole.objects.create(
        activity=upcoming, name="摆放单车", slots=4, planned_hours=Decimal("2")
    )
    now = timezone.now()
    today = ActivityFactory(
        community=community,
        title="擦拭公交站台",
        kind="volunteer_service",
        starts_at=now - timedelta(minutes=20),
        ends_at=now + timedelta(hours=2),
    )
    station = VolunteerRole.objects.create(
        activity=today, name="擦拭站台", slots=2, planned_hours=Decimal("1.5")
    )
    actions.role_signup_create(role=station, volunteer=volunteer, by=community_staff)

    # The volunteer takes a role from the activity's page.
    log_in(page, live_server, "13800000003")
    page.goto(f"{live_server.url}{upcoming.get_absolute_url()}")
    page.get_by_role("button", name="报名此岗位 摆放单车").click()
    assert "感谢您的参与" in page.get_by_role("status").inner_text()
    page.goto(f"{live_server.url}/me/volunteering/")
    assert page.get_by_role("link", name="学雷锋：整理共享单车").is_visible()

    # Staff check them in and out at today's activity, then verify in bulk.
    page.get_by_role("button", name="退出登录").click()
    log_in(page, live_server, community_staff.username)
    page.goto(f"{live_server.url}/manage/activities/{today.pk}/volunteer-roles/")
    page.get_by_role("button", name="签到 周明").click()
    assert "周明" in page.get_by_role("status").inner_text()
    page.get_by_role("button", name="签退 周明").click()
    assert "待核实" in page.get_by_role("status").inner_text()
    record = ServiceRecord.objects.get(role_signup__role=station)
    record.hours = Decimal("1.50")  # the few seconds between the clicks, as 1.5 hours
    record.save(update_fields=["hours"])
    page.get_by_role("link", name="志愿者", exact=True).click()
    page.get_by_role("link", name="志愿服务时长", exact=True).click()
    page.get_by_label("选择 周明：擦拭公交站台 · 擦拭站台").check()
    page.get_by_role("button", name="将勾选的记录核实通过").click()
    assert "已核实 1 条记录" in page.get_by_role("status").inner_text()

    # The volunteer sees 100 verified hours: one star.
    page.get_by_role("button", name="退出登录").click()
    log_in(page, live_server, "13800000003")
    page.goto(f"{live_server.url}/me/volunteering/")
    assert "100.00" in page.locator("dd").first.inner_text()
    assert page.get_by_role("img", name="1 星").is_visible()
