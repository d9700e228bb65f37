"""我的志愿服务, the hours export (CSV/XLSX) and the number of queries of the busy pages."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from governance_portal import pagecache
from tests.activities.factories import ActivityFactory
from tests.conftest import client_for
from tests.volunteers.factories import (
    RoleSignupFactory,
    ServiceRecordFactory,
    VolunteerFactory,
    VolunteerRoleFactory,
    VolunteerTeamFactory,
    verified,
)
from volunteers import actions

ME = reverse("volunteers:me")
EXPORT = reverse("volunteers:hours_export")


def days_ago(days: int):
    return timezone.localdate() - timedelta(days=days)


# --- 我的志愿服务 -------------------------------------------------------------------------------


def test_my_volunteering_shows_hours_by_status(volunteer, make_volunteer):
    verified(volunteer, "10.25")
    verified(volunteer, "2")
    ServiceRecordFactory(volunteer=volunteer, hours=Decimal("1.5"))
    ServiceRecordFactory(
        volunteer=volunteer, hours=Decimal("4"), status="rejected", decision_reason="无人证明"
    )
    verified(make_volunteer(), "77")  # someone else's

    response = client_for(volunteer.user).get(ME)

    assert response.status_code == 200
    totals = response.context["totals"]
    assert (totals.verified, totals.pending, totals.rejected, totals.records) == (
        Decimal("12.25"),
        Decimal("1.50"),
        Decimal("4.00"),
        4,
    )
    content = response.content.decode()
    for shown in ("12.25", "1.50", "4.00", "无人证明"):
        assert shown in content
    assert "77.00" not in content


def test_my_volunteering_for_a_resident_who_is_no_volunteer(resident):
    response = client_for(resident).get(ME)

    assert response.status_code == 200
    assert response.context["volunteer"] is None
    assert reverse("volunteers:apply") in response.content.decode()


def test_my_volunteering_shows_my_upcoming_roles(volunteer, activity):
    role = VolunteerRoleFactory(activity=activity, name="引导签到")
    signup = actions.role_signup_create(role=role, volunteer=volunteer)

    response = client_for(volunteer.user).get(ME)

    assert [s.pk for s in response.context["upcoming_roles"]] == [signup.pk]
    content = response.content.decode()
    assert "引导签到" in content
    assert reverse("volunteers:role_cancel", args=[signup.pk]) in content


# --- the export ------------------------------------------------------------------------------


@pytest.fixture
def export_data(volunteer, community, sibling_community, make_volunteer):
    """刘芳 (in scope) with hours in and out of the period; others in and out of scope."""
    team = VolunteerTeamFactory(community=community, name="=cmd|' /C calc'!A0")
    volunteer.team = team
    volunteer.save()
    verified(volunteer, "2.5", served_on=days_ago(10))
    verified(volunteer, "1.25", served_on=days_ago(20))
    verified(volunteer, "100", served_on=days_ago(90))  # before the period
    ServiceRecordFactory(volunteer=volunteer, hours=Decimal("3"), served_on=days_ago(5))
    ServiceRecordFactory(volunteer=volunteer, hours=Decimal("7"), served_on=days_ago(95))
    formula = make_volunteer()
    formula.user.name = '=HYPERLINK("http://evil.example","点我")'
    formula.user.save(update_fields=["name"])
    outside = make_volunteer(community=sibling_community)
    verified(outside, "9", served_on=days_ago(10))
    declined = make_volunteer(status="declined", decision_reason="资料不全")
    return {"volunteer": volunteer, "formula": formula, "outside": outside, "declined": declined}


def period() -> dict:
    return {"date_from": days_ago(30).isoformat(), "date_to": days_ago(1).isoformat()}


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_export_of_hours_in_the_period(export_data, community_staff):
    response = client_for(community_staff).get(EXPORT, {"format": "csv", **period()})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    body = rows[1:]
    by_phone = {row[1]: row for row in body}
    assert len(body) == 2  # 刘芳 and the formula name; not the declined, not the neighbour
    row = by_phone["138****0001"]
    assert row[0] == "刘芳"
    assert row[2] == "恒大社区"
    assert Decimal(row[4]) == Decimal("3.75")  # verified in the period
    assert Decimal(row[5]) == Decimal("3")  # pending in the period
    assert int(row[6]) == 2  # verified services in the period
    assert Decimal(row[7]) == Decimal("103.75")  # verified in all
    assert int(row[8]) == 1  # stars
    text = "\n".join(",".join(r) for r in rows)
    assert "13800000001" not in text
    assert export_data["outside"].user.name not in text
    assert export_data["declined"].user.name not in text


def test_export_neutralises_formulas(export_data, community_staff):
    rows = csv_rows(client_for(community_staff).get(EXPORT, {"format": "csv", **period()}))

    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("http://evil.example","点我")' in cells
    assert "'=cmd|' /C calc'!A0" in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)


def test_xlsx_export_has_the_same_figures(export_data, community_staff):
    response = client_for(community_staff).get(EXPORT, {"format": "xlsx", **period()})

    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    by_phone = {row[1]: row for row in rows[1:]}
    assert set(by_phone) == {"138****0001", sheet_phone(export_data["formula"])}
    row = by_phone["138****0001"]
    assert row[0] == "刘芳"
    assert Decimal(str(row[4])) == Decimal("3.75")
    assert Decimal(str(row[7])) == Decimal("103.75")
    formula_row = by_phone[sheet_phone(export_data["formula"])]
    assert str(formula_row[0]).startswith("'=")
    assert all(not str(v).startswith("=") for row in rows for v in row if v is not None)


def sheet_phone(volunteer) -> str:
    phone = volunteer.user.phone
    return f"{phone[:3]}****{phone[-4:]}"


def test_export_without_a_period_counts_everything(export_data, community_staff):
    rows = csv_rows(client_for(community_staff).get(EXPORT, {"format": "csv"}))

    row = {r[1]: r for r in rows[1:]}["138****0001"]
    assert Decimal(row[4]) == Decimal("103.75")
    assert Decimal(row[5]) == Decimal("10")
    assert int(row[6]) == 3


def test_export_of_street_staff_covers_their_communities(export_data, street_staff):
    rows = csv_rows(client_for(street_staff).get(EXPORT, {"format": "csv", **period()}))

    names = {r[0] for r in rows[1:]}
    assert {"刘芳", export_data["outside"].user.name} <= names


def test_export_period_ending_before_it_starts_shows_the_form(export_data, community_staff):
    response = client_for(community_staff).get(
        EXPORT,
        {
            "format": "csv",
            "date_from": days_ago(1).isoformat(),
            "date_to": days_ago(30).isoformat(),
        },
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert response.context["form"].errors["date_to"]


@pytest.mark.parametrize("persona", ["resident", None])
def test_export_is_for_staff_only(request, export_data, persona):
    user = request.getfixturevalue(persona) if persona else None

    response = client_for(user).get(EXPORT, {"format": "csv"})

    assert response.status_code in {302, 403}
    assert "13800000001" not in response.content.decode(errors="replace")


# --- queries stay flat -----------------------------------------------------------------------


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(context.captured_queries)


def assert_flat(client, url, grow, params=None):
    """Both counts on a cold cache (governance_portal.pagecache): what a request costs after a
    write, whatever the page keeps between writes."""
    client.get(url, params or {})  # warm: session, scope
    pagecache.store.clear()
    small = count_queries(client, url, params)
    grow()
    pagecache.store.clear()
    large = count_queries(client, url, params)
    assert large == small, f"{url}: {small} queries with little data, {large} with more"


def busy_volunteer(community, team=None, records=3):
    volunteer = VolunteerFactory(community=community, team=team, leads_team=bool(team))
    for index in range(records):
        verified(volunteer, "2.5")
        ServiceRecordFactory(volunteer=volunteer, hours=Decimal(index + 1))
    return volunteer


def test_volunteer_list_queries_stay_flat(community, community_staff):
    busy_volunteer(community)

    def grow():
        for _ in range(6):
            team = VolunteerTeamFactory(community=community)
            busy_volunteer(community, team=team)
        VolunteerFactory(community=community, status="pending")

    assert_flat(client_for(community_staff), reverse("volunteers:manage_list"), grow)


def test_record_queue_queries_stay_flat(community, community_staff, running_activity):
    busy_volunteer(community, records=1)

    def grow():
        for _ in range(6):
            volunteer = busy_volunteer(community, team=VolunteerTeamFactory(community=community))
            signup = RoleSignupFactory(
                role=VolunteerRoleFactory(activity=running_activity), volunteer=volunteer
            )
            actions.role_check_in(signup=signup, by=community_staff)

    assert_flat(client_for(community_staff), reverse("volunteers:record_queue"), grow)


def test_ranking_queries_stay_flat(community):
    busy_volunteer(community)

    def grow():
        for _ in range(8):
            busy_volunteer(community, team=VolunteerTeamFactory(community=community))

    params = {"unit": f"c-{community.pk}"}
    assert_flat(client_for(None), reverse("volunteers:ranking"), grow, params)


def test_my_volunteering_queries_stay_flat(volunteer, community, community_staff):
    verified(volunteer, "3")
    activity = ActivityFactory(community=community)
    actions.role_signup_create(role=VolunteerRoleFactory(activity=activity), volunteer=volunteer)
    actions.certificate_issue(volunteer=volunteer, by=community_staff)

    def grow():
        start = timezone.now() + timedelta(days=10)
        for index in range(5):
            later = ActivityFactory(
                community=community,
                starts_at=start + timedelta(days=index),
                ends_at=start + timedelta(days=index, hours=2),
            )
            role = VolunteerRoleFactory(activity=later)
            actions.role_signup_create(role=role, volunteer=volunteer)
            verified(volunteer, "1", activity=later)
            ServiceRecordFactory(volunteer=volunteer, hours=Decimal("2"))
            actions.certificate_issue(volunteer=volunteer, by=community_staff)

    assert_flat(client_for(volunteer.user), ME, grow)


def test_activity_page_with_roles_queries_stay_flat(activity, volunteer, make_volunteer):
    first = VolunteerRoleFactory(activity=activity, slots=10)
    actions.role_signup_create(role=first, volunteer=make_volunteer())

    def grow():
        for _ in range(5):
            role = VolunteerRoleFactory(activity=activity, slots=10)
            actions.role_signup_create(role=role, volunteer=make_volunteer())
        actions.role_signup_create(role=first, volunteer=volunteer)

    assert_flat(client_for(volunteer.user), activity.get_absolute_url(), grow)


def test_activity_page_with_roles_queries_stay_flat_for_visitors(activity, make_volunteer):
    VolunteerRoleFactory(activity=activity)

    def grow():
        for _ in range(5):
            role = VolunteerRoleFactory(activity=activity)
            actions.role_signup_create(role=role, volunteer=make_volunteer())

    assert_flat(client_for(None), activity.get_absolute_url(), grow)


def test_export_queries_stay_flat(community, community_staff):
    busy_volunteer(community)

    def grow():
        for _ in range(6):
            busy_volunteer(community, team=VolunteerTeamFactory(community=community))

    assert_flat(client_for(community_staff), EXPORT, grow, {"format": "csv"})
