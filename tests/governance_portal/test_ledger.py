"""The monthly ledger (台账): one XLSX per community or street and month, a sheet per area.

Sheet titles and headers are asserted through ``gettext`` under zh-hans, so the tests hold
before and after the catalogue is translated (the page speaks zh-hans by default).
"""

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from activities.models import Activity, ActivityPartner, CareLog, Signup, Tree, TreeAdoption
from communities.models import CharitableResource, ResourceAllocation
from governance_portal.dashboards import daily
from services.models import Booking, JobPosting, JobSeeker, TimeSlot
from tests.activities.factories import ActivityFactory
from tests.conftest import client_for
from tests.factories import ResidentProfileFactory, StaffAssignmentFactory, UserFactory
from tests.services.factories import (
    ServiceItemFactory,
    ServiceProviderFactory,
    ServiceStationFactory,
)
from tests.services.jobs_factories import JobPostingFactory, JobSeekerFactory
from tests.volunteers.factories import ServiceRecordFactory, VolunteerFactory, verified
from volunteers.models import ServiceRecord

pytestmark = pytest.mark.django_db

MONTH = "2026-03"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The sheets in order, by msgid (Chinese: 汇总, 活动, 志愿服务时长, 慈善资源, 资源使用, 便民服务,
# 求职人员, 招聘信息, 绿植领养).
SHEET_MSGIDS = [
    "Summary",
    "Activities",
    "Volunteer hours",
    "Charitable resources",
    "Resource use",
    "Convenience services",
    "Job seekers",
    "Job postings",
    "Tree adoption",
]

VOLUNTEER_PHONE = "13912345678"
RESIDENT_PHONE = "13800000001"  # the ``resident`` persona
SEEKER_PHONE = "13600000009"
NAMELESS_PHONE = "13700000002"


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return gettext(msgid)


def at(day: int, hour: int = 9, month: int = 3) -> datetime:
    return timezone.make_aware(datetime(2026, month, day, hour))


def community_ledger(community) -> str:
    return reverse("dashboards:community_ledger", args=[community.pk])


def street_ledger(street) -> str:
    return reverse("dashboards:street_ledger", args=[street.pk])


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    return load_workbook(io.BytesIO(response.content))


def rows(book, msgid: str) -> list[tuple]:
    """The rows of the sheet titled ``msgid`` (in Chinese), header first."""
    return list(book[zh(msgid)].iter_rows(values_only=True))


def column(sheet_rows: list[tuple], msgid: str) -> list:
    """The values under the header ``msgid`` (in Chinese)."""
    index = sheet_rows[0].index(zh(msgid))
    return [row[index] for row in sheet_rows[1:]]


def every_cell(book) -> list[str]:
    return [
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]


def summary_value(book, msgid: str, position: int = 1):
    """The value of the summary row labelled ``msgid`` (column ``position``)."""
    for row in rows(book, "Summary"):
        if row[0] == zh(msgid):
            return row[position]
    raise AssertionError(f"no summary row {msgid!r}")


def held(community, day: int, title: str, *, street=None, month: int = 3, **fields) -> Activity:
    starts_at = at(day, month=month)
    return ActivityFactory(
        community=community,
        street=street or community.street,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        **fields,
    )


def checked_in(activity, party_size: int) -> Signup:
    return Signup.objects.create(
        activity=activity,
        resident=UserFactory(),
        party_size=party_size,
        status=Signup.Status.ATTENDED,
        checked_in_at=activity.starts_at,
    )


@pytest.fixture
def month_of_work(community, sibling_community, other_community, community_staff, resident):
    """March 2026 in 恒大社区, with a little in its sibling, its street and another street."""
    street = community.street
    first = held(community, 5, "=1+1", capacity=20)
    Activity.objects.filter(pk=first.pk).update(places_taken=5)
    ActivityPartner.objects.create(
        activity=first, kind=ActivityPartner.Kind.SOCIAL_WORKER, name="阳光社工"
    )
    ActivityPartner.objects.create(
        activity=first, kind=ActivityPartner.Kind.VOLUNTEERS, name="恒大志愿服务队"
    )
    checked_in(first, 2)
    checked_in(first, 1)
    Signup.objects.create(
        activity=first, resident=UserFactory(), status=Signup.Status.CONFIRMED
    )  # not checked in
    held(
        community,
        20,
        "春季义诊",
        status=Activity.Status.COMPLETED,
        attendance=12,
        capacity=None,
        report="为社区老人量血压、看诊。",
    )
    held(community, 21, "草稿活动", status=Activity.Status.DRAFT)
    held(community, 22, "取消的活动", status=Activity.Status.CANCELLED)
    held(community, 20, "二月的活动", month=2)
    held(sibling_community, 7, "向西街义剪")
    held(None, 15, "街道运动会", street=street)
    held(other_community, 7, "北辰植树")

    # Volunteer hours: 2 + 1.5 verified, 1 pending; one record without a name on the account.
    user = ResidentProfileFactory(
        community=community, user__name="陈静", user__phone=VOLUNTEER_PHONE
    ).user
    volunteer = VolunteerFactory(community=community, user=user)
    verified(volunteer, "2", served_on=date(2026, 3, 4), title="楼道清扫")
    verified(volunteer, "1.5", served_on=date(2026, 3, 18), title="-2+3")
    ServiceRecordFactory(volunteer=volunteer, hours=Decimal("1.00"), served_on=date(2026, 3, 9))
    verified(volunteer, "4", served_on=date(2026, 4, 1), title="四月的服务")
    nameless = ResidentProfileFactory(
        community=community, user__name="", user__username=NAMELESS_PHONE, user__phone=""
    ).user
    ServiceRecordFactory(
        volunteer=VolunteerFactory(community=community, user=nameless),
        served_on=date(2026, 3, 10),
        title="无名服务",
    )
    verified(
        VolunteerFactory(community=sibling_community),
        "3",
        served_on=date(2026, 3, 4),
        title="向西街服务",
    )
    verified(
        VolunteerFactory(community=other_community),
        "3",
        served_on=date(2026, 3, 4),
        title="北辰服务",
    )

    # A resource received and partly used for the first activity.
    resource = CharitableResource.objects.create(
        street=street,
        community=community,
        donor_name="刘芳",
        donor_kind=CharitableResource.DonorKind.INDIVIDUAL,
        kind=CharitableResource.Kind.GOODS,
        description="@SUM(A1:A2)",
        value=Decimal("500.00"),
        quantity=Decimal("20"),
        unit="袋",
        received_on=date(2026, 3, 3),
        recorded_by=community_staff,
    )
    allocation = ResourceAllocation.objects.create(
        resource=resource,
        activity=first,
        value=Decimal("200.00"),
        note="义诊物资",
        allocated_by=community_staff,
    )
    with daily.updating("communities.ResourceAllocation", [allocation.pk]):  # back-dated
        ResourceAllocation.objects.filter(pk=allocation.pk).update(allocated_at=at(6))

    # A booking at the community's station, a job seeker and a posting.
    station = ServiceStationFactory(community=community, name="恒大便民服务站")
    item = ServiceItemFactory(provider=ServiceProviderFactory(station=station), name="理发")
    slot = TimeSlot.objects.create(
        item=item, starts_at=at(10), ends_at=at(10) + timedelta(minutes=30), capacity=1, taken=1
    )
    Booking.objects.create(
        item=item, slot=slot, resident=resident, price=Decimal("15.00"), status=Booking.Status.DONE
    )
    seeker = JobSeekerFactory(station=station, name="周强", phone=SEEKER_PHONE)
    with daily.updating("services.JobSeeker", [seeker.pk]):
        JobSeeker.objects.filter(pk=seeker.pk).update(registered_at=at(8))
    posting = JobPostingFactory(station=station, title="保洁员")
    JobPosting.objects.filter(pk=posting.pk).update(created_at=at(9))

    # A tree adopted, cared for twice in March and once in April.
    tree = Tree.objects.create(
        community=community,
        name="同心树 1号",
        species="银杏",
        planted_on=date(2026, 3, 1),
        care_due_at=at(26),
        created_by=community_staff,
        adopter=resident,
    )
    TreeAdoption.objects.create(
        tree=tree, adopter=resident, started_at=at(12), registered_by=community_staff
    )
    for logged_at in (at(14), at(20), at(2, month=4)):
        CareLog.objects.create(
            tree=tree, kind=CareLog.Kind.WATER, logged_by=resident, logged_at=logged_at
        )
    return first


# --- The workbook ----------------------------------------------------------------------------


def test_the_ledger_is_an_xlsx_with_an_ascii_name_and_the_sheets_in_order(
    community, community_staff, month_of_work
):
    response = client_for(community_staff).get(community_ledger(community), {"month": MONTH})

    book = workbook(response)
    # Chinese titles once translated: 汇总 活动 志愿服务时长 慈善资源 资源使用 便民服务 求职人员
    # 招聘信息 绿植领养.
    assert book.sheetnames == [zh(msgid) for msgid in SHEET_MSGIDS]
    disposition = response["Content-Disposition"]
    assert disposition.isascii()
    assert disposition == f'attachment; filename="ledger-community-{community.pk}-2026-03.xlsx"'


def test_the_summary_names_the_unit_and_month_and_has_the_months_figures(
    community, community_staff, month_of_work
):
    book = workbook(client_for(community_staff).get(community_ledger(community), {"month": MONTH}))

    summary = rows(book, "Summary")
    assert summary[0] == (zh("Figure"), zh("Value"))
    assert summary_value(book, "Community") == "恒大社区"
    assert summary_value(book, "Street") == "水泊寺街道"
    assert summary_value(book, "Month") == "2026年3月"
    assert summary_value(book, "Activities") == 2
    assert summary_value(book, "Of which completed with a report") == 1
    assert summary_value(book, "Cancelled") == 1
    assert summary_value(book, "Checked in") == 3
    assert summary_value(book, "Attendance in reports") == 12
    assert summary_value(book, "Fill rate (places taken ÷ places offered)") == "25%"
    assert summary_value(book, "Verified volunteer hours") == 3.5
    assert summary_value(book, "Service records awaiting verification") == 2
    assert summary_value(book, "Value received") == 500
    assert summary_value(book, "Value allocated") == 200
    assert summary_value(book, "Bookings (not cancelled)") == 1
    assert summary_value(book, "Job seekers registered") == 1
    assert summary_value(book, "Adoptions started") == 1
    assert summary_value(book, "Care logged") == 2


def test_activities_sheet_lists_the_counted_activities_with_check_ins_partners_and_forces(
    community, community_staff, month_of_work
):
    book = workbook(client_for(community_staff).get(community_ledger(community), {"month": MONTH}))

    sheet = rows(book, "Activities")
    assert sheet[0][0] == zh("Starts at")
    # Formula-looking titles keep a leading apostrophe; drafts, cancelled and other months'
    # activities are not counted.
    assert column(sheet, "Activity") == ["'=1+1", "春季义诊"]
    assert column(sheet, "Starts at") == ["2026-03-05 09:00", "2026-03-20 09:00"]
    assert column(sheet, "Community") == ["恒大社区", "恒大社区"]
    assert column(sheet, "Places") == [20, None]
    assert column(sheet, "Signed up") == [5, 0]
    assert column(sheet, "People checked in") == [3, 0]
    assert column(sheet, "Attendance") == [None, 12]
    with translation.override("zh-hans"):
        worker = str(ActivityPartner.Kind.SOCIAL_WORKER.label)
        volunteers = str(ActivityPartner.Kind.VOLUNTEERS.label)
    assert column(sheet, "Partners") == [
        f"阳光社工（{worker}）；恒大志愿服务队（{volunteers}）",
        None,
    ]
    # The community, a social worker, volunteers and (by the allocation) charity.
    assert column(sheet, "Forces linked (of five)") == [4, 1]


def test_volunteer_hours_sheet_lists_the_months_records_with_masked_mobiles(
    community, community_staff, month_of_work
):
    book = workbook(client_for(community_staff).get(community_ledger(community), {"month": MONTH}))

    sheet = rows(book, "Volunteer hours")
    assert zh("Mobile number") in sheet[0]
    services = column(sheet, "Service")
    assert len(services) == 4
    assert "'-2+3" in services and "四月的服务" not in services
    assert column(sheet, "Date of service") == [
        "2026-03-04",
        "2026-03-09",
        "2026-03-10",
        "2026-03-18",
    ]
    assert column(sheet, "Hours") == [2, 1, 2, 1.5]
    assert set(column(sheet, "Volunteer")) == {"陈静", "137****0002"}
    assert set(column(sheet, "Mobile number")) == {"139****5678", None}
    with translation.override("zh-hans"):
        pending = str(ServiceRecord.Status.PENDING.label)
    assert column(sheet, "Status").count(pending) == 2


def test_resources_use_services_jobs_and_trees_sheets(community, community_staff, month_of_work):
    book = workbook(client_for(community_staff).get(community_ledger(community), {"month": MONTH}))

    resources = rows(book, "Charitable resources")
    assert column(resources, "Donor") == ["刘芳"]
    assert column(resources, "What was given") == ["'@SUM(A1:A2)"]
    assert column(resources, "Value (CNY)") == [500]
    assert column(resources, "Quantity") == [20]
    assert column(resources, "Unit") == ["袋"]

    use = rows(book, "Resource use")
    assert column(use, "Date") == ["2026-03-06"]
    assert column(use, "Activity") == ["'=1+1"]
    assert column(use, "Value (CNY)") == [200]
    assert column(use, "Released") == [zh("No")]

    bookings = rows(book, "Convenience services")
    assert column(bookings, "Time") == ["2026-03-10 09:00"]
    assert column(bookings, "Service station") == ["恒大便民服务站"]
    assert column(bookings, "Resident") == ["刘芳"]
    assert column(bookings, "Mobile number") == ["138****0001"]
    assert column(bookings, "Home visit") == [zh("No")]
    assert column(bookings, "Price (CNY)") == [15]

    seekers = rows(book, "Job seekers")
    assert column(seekers, "Full name") == ["周强"]
    assert column(seekers, "Mobile number") == ["136****0009"]
    assert column(seekers, "Registered on") == ["2026-03-08"]
    assert column(seekers, "Work wanted") == ["保洁"]

    postings = rows(book, "Job postings")
    assert column(postings, "Job") == ["保洁员"]
    assert column(postings, "Published on") == ["2026-03-09"]

    trees = rows(book, "Tree adoption")
    assert column(trees, "Tree") == ["同心树 1号"]
    assert column(trees, "Adopter") == ["刘芳"]
    assert column(trees, "Mobile number") == ["138****0001"]
    assert column(trees, "Adopted on") == ["2026-03-12"]
    assert column(trees, "Care logged this month") == [2]


def test_no_full_mobile_number_appears_anywhere_in_the_file(
    community, community_staff, month_of_work
):
    book = workbook(client_for(community_staff).get(community_ledger(community), {"month": MONTH}))

    text = "\n".join(every_cell(book))
    for phone in (VOLUNTEER_PHONE, RESIDENT_PHONE, SEEKER_PHONE, NAMELESS_PHONE):
        assert phone not in text
    assert "139****5678" in text


def test_an_empty_month_gives_the_sheets_with_headers_only(community, community_staff):
    book = workbook(client_for(community_staff).get(community_ledger(community), {"month": MONTH}))

    assert book.sheetnames == [zh(msgid) for msgid in SHEET_MSGIDS]
    for msgid in SHEET_MSGIDS[1:]:
        assert len(rows(book, msgid)) == 1
    assert summary_value(book, "Activities") == 0
    assert summary_value(book, "Fill rate (places taken ÷ places offered)") == "—"


def test_no_month_means_this_month(community, community_staff):
    response = client_for(community_staff).get(community_ledger(community))

    workbook(response)
    assert f'-{timezone.localdate():%Y-%m}.xlsx"' in response["Content-Disposition"]


# --- Scope -----------------------------------------------------------------------------------


def test_a_community_ledger_never_shows_another_communitys_rows(
    community, community_staff, month_of_work
):
    book = workbook(client_for(community_staff).get(community_ledger(community), {"month": MONTH}))

    text = "\n".join(every_cell(book))
    for title in ("向西街义剪", "街道运动会", "北辰植树", "向西街服务", "北辰服务"):
        assert title not in text


def test_community_staff_get_404_for_a_sibling_communitys_ledger(
    community_staff, sibling_community, month_of_work
):
    response = client_for(community_staff).get(
        community_ledger(sibling_community), {"month": MONTH}
    )

    assert response.status_code == 404


def test_other_streets_staff_get_404(community, other_community_staff, month_of_work):
    response = client_for(other_community_staff).get(community_ledger(community))

    assert response.status_code == 404


def test_community_staff_may_not_download_the_street_ledger(community, community_staff):
    response = client_for(community_staff).get(street_ledger(community.street))

    assert response.status_code == 403


def test_residents_may_not_download_a_ledger(community, resident):
    assert client_for(resident).get(community_ledger(community)).status_code == 403


def test_the_street_ledger_has_both_communities_and_street_wide_work_but_no_other_street(
    street, street_staff, month_of_work
):
    book = workbook(client_for(street_staff).get(street_ledger(street), {"month": MONTH}))

    assert book.sheetnames == [zh(msgid) for msgid in SHEET_MSGIDS]
    activities = rows(book, "Activities")
    assert column(activities, "Activity") == ["'=1+1", "向西街义剪", "街道运动会", "春季义诊"]
    assert column(activities, "Community") == ["恒大社区", "向西街社区", "水泊寺街道", "恒大社区"]
    services = column(rows(book, "Volunteer hours"), "Service")
    assert "向西街服务" in services
    assert "北辰服务" not in services
    assert "北辰植树" not in "\n".join(every_cell(book))


def test_the_street_summary_shows_each_community_and_the_streets_own_work(
    street, street_staff, month_of_work
):
    book = workbook(client_for(street_staff).get(street_ledger(street), {"month": MONTH}))

    header = rows(book, "Summary")[0]
    assert header == (
        zh("Figure"),
        zh("Total"),
        "向西街社区",
        "恒大社区",
        zh("Street-wide (organised by the street)"),
    )
    assert summary_value(book, "Street") == "水泊寺街道"
    activities = [summary_value(book, "Activities", position) for position in range(1, 5)]
    assert activities == [4, 1, 2, 1]
    hours = [summary_value(book, "Verified volunteer hours", position) for position in (1, 2, 3)]
    assert hours == [6.5, 3, 3.5]


def test_another_streets_staff_get_404_for_the_street_ledger(street, other_street, month_of_work):
    outsider = StaffAssignmentFactory(street=other_street, community=None).user

    assert client_for(outsider).get(street_ledger(street)).status_code == 404


# --- Bad input -------------------------------------------------------------------------------


def next_month() -> str:
    today = timezone.localdate()
    return f"{today.year + today.month // 12}-{today.month % 12 + 1:02d}"


@pytest.mark.parametrize(
    "month", ["2026-13", "2026-00", "abc", "٢٠٢٦-١١", "1999-12", "2026-3-1", "9" * 40, "next"]
)
def test_a_bad_month_goes_back_to_the_monthly_report(
    community, community_staff, street_staff, month
):
    month = next_month() if month == "next" else month
    for user, ledger, report in (
        (
            community_staff,
            community_ledger(community),
            reverse("dashboards:community_report", args=[community.pk]),
        ),
        (
            street_staff,
            street_ledger(community.street),
            reverse("dashboards:street_report", args=[community.street.pk]),
        ),
    ):
        response = client_for(user).get(ledger, {"month": month})

        assert response.status_code == 302
        assert response["Location"].startswith(report + "?")


def test_only_a_month_is_accepted(community, community_staff):
    response = client_for(community_staff).get(community_ledger(community), {"year": "2026"})

    assert response.status_code == 302


# --- Query count -----------------------------------------------------------------------------


def grow(size: int, community, sibling_community) -> None:
    """``size`` more of everything in the month, in both communities of the street."""
    for index in range(size):
        for unit in (community, sibling_community):
            activity = held(unit, 5 + index % 20, f"活动{unit.pk}-{index}", capacity=30)
            ActivityPartner.objects.create(
                activity=activity, kind=ActivityPartner.Kind.OTHER, name=f"伙伴{index}"
            )
            checked_in(activity, 1)
            verified(VolunteerFactory(community=unit), "1", served_on=date(2026, 3, 5))
            station = ServiceStationFactory(community=unit)
            item = ServiceItemFactory(provider=ServiceProviderFactory(station=station))
            slot = TimeSlot.objects.create(
                item=item,
                starts_at=at(11),
                ends_at=at(11) + timedelta(minutes=30),
                capacity=1,
                taken=1,
            )
            Booking.objects.create(
                item=item, slot=slot, resident=UserFactory(), price=Decimal("10.00")
            )
            seeker = JobSeekerFactory(station=station)
            with daily.updating("services.JobSeeker", [seeker.pk]):
                JobSeeker.objects.filter(pk=seeker.pk).update(registered_at=at(8))
            posting = JobPostingFactory(station=station)
            JobPosting.objects.filter(pk=posting.pk).update(created_at=at(9))


@pytest.mark.parametrize("level", ["community", "street"])
def test_the_ledger_runs_the_same_queries_at_any_size(
    level,
    community,
    sibling_community,
    community_staff,
    street_staff,
    month_of_work,
    django_assert_num_queries,
):
    user, url = (
        (community_staff, community_ledger(community))
        if level == "community"
        else (street_staff, street_ledger(community.street))
    )
    client = client_for(user)
    client.get(url, {"month": MONTH})  # the session is warm
    grow(1, community, sibling_community)
    with CaptureQueriesContext(connection) as small:
        workbook(client.get(url, {"month": MONTH}))
    grow(6, community, sibling_community)
    with django_assert_num_queries(len(small.captured_queries)):
        book = workbook(client.get(url, {"month": MONTH}))
    # 2 + 7 activities of 恒大社区; the street adds 向西街社区's 1 + 7 and its own one.
    assert len(rows(book, "Activities")) - 1 == (9 if level == "community" else 18)


def test_downloading_the_ledger_is_in_the_audit_log(community, community_staff, month_of_work):
    from governance_portal.models import AuditEvent

    client_for(community_staff).get(community_ledger(community), {"month": MONTH})

    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.object_repr == f"ledger-community-{community.pk}-2026-03.xlsx"
    assert event.community_id == community.pk
