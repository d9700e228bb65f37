"""The dashboards' day rows (governance_portal.dashboards.daily) stay in step with what they
count, whichever way it is written: every step below is done as staff and residents do it
(pages and actions), then the rows kept so far must equal the rows made again from scratch
(``daily.rebuild``), and the dashboard must show them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities import actions
from activities.models import Activity, CareLog, Signup, Tree
from communities.models import Community, ResourceAllocation
from governance_portal.dashboards import daily
from governance_portal.dashboards.figures import COMMUNITY, Figures, with_figures
from governance_portal.dashboards.periods import Period
from governance_portal.models import DayFigures
from services.models import Booking, TimeSlot
from tests.activities.factories import ActivityFactory
from tests.communities.test_forces import make_resource
from tests.conftest import client_for
from tests.factories import ResidentProfileFactory
from tests.services.factories import (
    ServiceItemFactory,
    ServiceProviderFactory,
    ServiceStationFactory,
)
from tests.volunteers.factories import ServiceRecordFactory, VolunteerFactory

FIELDS = [f.name for f in DayFigures._meta.fields if f.name not in {"id", "street", "community"}]


def kept() -> dict:
    """The day rows as kept, without the all-zero ones (a day whose rows went away)."""
    rows = DayFigures.objects.values_list("community_id", "street_id", *FIELDS)
    return {
        (community, street, values[0]): values[1:]
        for community, street, *values in rows
        if any(values[1:])
    }


def assert_in_step() -> None:
    before = kept()
    daily.rebuild()
    assert before == kept()


def figures_of(community, day) -> Figures:
    period = Period("range", day, day)
    return Figures.of(
        with_figures(Community.objects.filter(pk=community.pk), COMMUNITY, period).get()
    )


@pytest.fixture
def activity(community, community_staff):
    return ActivityFactory(community=community, created_by=community_staff, capacity=3)


def post_signup(resident, activity, party_size=1):
    return client_for(resident).post(
        reverse("activities:signup_create", args=[activity.pk]),
        {"party_size": party_size, "children_under_14": 0},
    )


def test_the_model_has_a_column_for_every_source_column():
    assert set(FIELDS) - {"day"} == set(daily.COLUMNS)


def test_signups_waiting_list_cancel_and_check_in_through_the_pages(
    activity, community, community_staff
):
    day = timezone.localdate(activity.starts_at)
    residents = [ResidentProfileFactory(community=community).user for _ in range(3)]
    assert post_signup(residents[0], activity, 2).status_code == 302
    assert post_signup(residents[1], activity, 1).status_code == 302
    assert post_signup(residents[2], activity, 1).status_code == 302  # waits
    assert_in_step()
    assert (figures_of(community, day).signed_up, figures_of(community, day).capacity) == (3, 3)

    first = Signup.objects.get(resident=residents[0])
    client_for(residents[0]).post(reverse("activities:signup_cancel", args=[first.pk]))
    assert_in_step()
    assert figures_of(community, day).signed_up == 2  # the one waiting moved up

    second = Signup.objects.get(resident=residents[1])
    client_for(community_staff).post(
        reverse("activities:attendance_mark", args=[second.pk]), {"attended": "1"}
    )
    assert_in_step()
    assert figures_of(community, day).checked_in == 1


def test_cancelling_an_activity_takes_it_and_its_check_ins_off_the_day(
    activity, community, community_staff
):
    day = timezone.localdate(activity.starts_at)
    resident = ResidentProfileFactory(community=community).user
    post_signup(resident, activity)
    actions.signup_mark_attendance(
        signup=Signup.objects.get(resident=resident), attended=True, by=community_staff
    )
    assert figures_of(community, day).checked_in == 1

    client_for(community_staff).post(
        reverse("activities:activity_cancel", args=[activity.pk]), {"reason": "场地维修"}
    )
    assert_in_step()
    figures = figures_of(community, day)
    assert (figures.activities, figures.cancelled, figures.checked_in) == (0, 1, 0)


def test_an_activity_moved_to_another_day_and_community_leaves_the_old_day(
    activity, community, sibling_community
):
    old_day = timezone.localdate(activity.starts_at)
    activity.starts_at += timedelta(days=40)
    activity.ends_at += timedelta(days=40)
    activity.community = sibling_community
    activity.save()
    assert_in_step()
    assert figures_of(community, old_day).activities == 0
    new_day = timezone.localdate(activity.starts_at)
    assert figures_of(sibling_community, new_day).activities == 1


def test_deleting_an_activity_takes_it_off_its_day(activity, community):
    day = timezone.localdate(activity.starts_at)
    assert figures_of(community, day).activities == 1
    activity.delete()
    assert_in_step()
    assert figures_of(community, day).activities == 0


def test_volunteer_hours_verified_on_the_queue_count_on_the_day_served(community, community_staff):
    record = ServiceRecordFactory(
        volunteer=VolunteerFactory(community=community), hours=Decimal("2.50")
    )
    assert figures_of(community, record.served_on).records_pending == 1
    response = client_for(community_staff).post(
        reverse("volunteers:record_verify", args=[record.pk]), {"evaluation": ""}
    )
    assert response.status_code == 302
    assert_in_step()
    figures = figures_of(community, record.served_on)
    assert (figures.records_pending, figures.volunteer_hours) == (0, Decimal("2.50"))


def test_bookings_resources_and_care_logs(community, community_staff, resident):
    station = ServiceStationFactory(community=community)
    item = ServiceItemFactory(provider=ServiceProviderFactory(station=station))
    starts = timezone.now() + timedelta(days=2)
    slot = TimeSlot.objects.create(
        item=item, starts_at=starts, ends_at=starts + timedelta(minutes=30), capacity=5
    )
    booking = Booking.objects.create(
        item=item, slot=slot, resident=resident, home_visit=True, address="3号楼", price=10
    )
    booking.status = Booking.Status.DONE
    booking.save()
    make_resource(community=community, value="800", received_on=timezone.localdate())
    tree = Tree.objects.create(
        community=community,
        name="同心树 1号",
        species="银杏",
        planted_on=timezone.localdate(),
        care_due_at=timezone.now() + timedelta(days=7),
        created_by=community_staff,
    )
    log = CareLog.objects.create(tree=tree, kind="water", logged_by=community_staff)
    assert log.community_id == community.pk  # the tree's, kept on the log
    assert_in_step()
    figures = figures_of(community, timezone.localdate(starts))
    assert (figures.bookings_done, figures.home_visits_done) == (1, 1)
    today = figures_of(community, timezone.localdate())
    assert (today.resources_value, today.care_logs, today.trees_cared) == (
        Decimal("800.00"),
        1,
        1,
    )
    booking.delete()
    assert_in_step()


def test_a_signup_moves_its_day_row_by_one_update_and_a_waiting_one_not_at_all(activity, community):
    """The signup rush pays one statement for the day row: the places move by what the
    activity's did under its row lock, without counting the day again."""
    day_table = DayFigures._meta.db_table
    post_signup(ResidentProfileFactory(community=community).user, activity, 2)
    with CaptureQueriesContext(connection) as queries:
        post_signup(ResidentProfileFactory(community=community).user, activity)  # the last place
    (statement,) = [q["sql"] for q in queries if day_table in q["sql"]]
    assert statement.startswith("UPDATE")
    with CaptureQueriesContext(connection) as queries:
        post_signup(ResidentProfileFactory(community=community).user, activity)  # waits
    assert [q["sql"] for q in queries if day_table in q["sql"]] == []
    assert Signup.objects.filter(activity=activity, status="waitlisted").count() == 1
    assert_in_step()


def test_a_signup_on_a_day_without_a_row_counts_the_day(activity, community):
    DayFigures.objects.all().delete()  # as if made outside the portal
    post_signup(ResidentProfileFactory(community=community).user, activity)
    day = timezone.localdate(activity.starts_at)
    assert (figures_of(community, day).activities, figures_of(community, day).signed_up) == (1, 1)


def test_refresh_day_figures_command_repairs_a_bulk_change(activity, community):
    from django.core.management import call_command

    day = timezone.localdate(activity.starts_at)
    Activity.objects.filter(pk=activity.pk).update(attendance=7)  # no signal: the row is stale
    assert figures_of(community, day).attendance == 0
    call_command("refresh_day_figures", verbosity=0)
    assert figures_of(community, day).attendance == 7


def test_administrators_read_the_day_rows_in_the_admin_and_staff_do_not(
    activity, admin_user, community_staff
):
    url = reverse("admin:governance_portal_dayfigures_changelist")
    page = client_for(admin_user).get(url)
    assert page.status_code == 200
    assert len(page.context["cl"].result_list) == 1
    row = page.context["cl"].result_list[0]
    change = client_for(admin_user).post(
        reverse("admin:governance_portal_dayfigures_change", args=[row.pk]), {"activities": 99}
    )
    assert change.status_code == 403  # nothing here changes a figure
    assert DayFigures.objects.get(pk=row.pk).activities == 1
    assert client_for(community_staff).get(url).status_code in {302, 403}


def test_a_station_or_a_donation_moved_to_another_community_takes_its_rows_along(
    activity, community, sibling_community, community_staff, resident
):
    station = ServiceStationFactory(community=community)
    item = ServiceItemFactory(provider=ServiceProviderFactory(station=station))
    starts = timezone.now() + timedelta(days=2)
    slot = TimeSlot.objects.create(
        item=item, starts_at=starts, ends_at=starts + timedelta(minutes=30), capacity=5
    )
    Booking.objects.create(item=item, slot=slot, resident=resident, price=10)
    resource = make_resource(community=community, value="500")
    ResourceAllocation.objects.create(
        resource=resource, activity=activity, value=Decimal("200"), allocated_by=community_staff
    )
    booked_on, today = timezone.localdate(starts), timezone.localdate()
    assert figures_of(community, booked_on).bookings == 1
    assert figures_of(community, today).allocations == 1

    station.community = sibling_community
    station.save()
    resource.community = sibling_community
    resource.save(update_fields=["community_id"])  # an attname names the field too

    assert_in_step()
    assert (
        figures_of(community, booked_on).bookings,
        figures_of(community, today).allocations,
    ) == (
        0,
        0,
    )
    assert figures_of(sibling_community, booked_on).bookings == 1
    assert figures_of(sibling_community, today).allocations == 1


def test_a_community_moved_to_another_street_takes_its_day_rows_along(
    activity, community, other_community
):
    community.street = other_community.street
    community.save()
    assert set(DayFigures.objects.filter(community=community).values_list("street", flat=True)) == {
        other_community.street_id
    }
    daily.rebuild()  # a rebuild files the community's days under its street now
    assert set(DayFigures.objects.filter(community=community).values_list("street", flat=True)) == {
        other_community.street_id
    }
