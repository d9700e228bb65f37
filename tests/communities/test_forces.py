"""The five forces as data: social organisations, social workers, charitable resources, outside
units and the partners of each activity.

Rules are tested through ``communities.actions`` and through the views, as staff and the public
use them. The Chinese catalogue for these pages is still being written, so the tests check status
codes, the database, form errors and data values; the only UI text asserted is "爱心人士" and
"社会组织".
"""

import csv
import io
import itertools
import threading
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.db.models import ProtectedError, Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from activities.models import Activity, ActivityPartner
from communities import actions
from communities.forces_profile import five_forces_profile
from communities.models import (
    CharitableResource,
    OutsideUnit,
    ResourceAllocation,
    SocialOrganisation,
    SocialWorker,
    SocialWorkRecord,
)
from governance_portal.exports import XLSX_TYPE
from tests.activities.factories import ActivityFactory
from tests.conftest import client_for
from tests.factories import UserFactory

State = SocialOrganisation.State
_numbers = itertools.count(1)


# --- helpers ---------------------------------------------------------------------------------


def today() -> date:
    return timezone.localdate()


def make_org(*, community=None, street=None, by=None, on=None, **fields) -> SocialOrganisation:
    """An organisation created as staff would: through ``organisation_create``."""
    fields.setdefault("name", f"测试社会组织{next(_numbers)}")
    fields.setdefault("category", SocialOrganisation.Category.COMMUNITY_SERVICE)
    return actions.organisation_create(
        by=by or UserFactory(),
        on=on,
        street=street or community.street,
        community=community,
        **fields,
    )


def make_worker(*, community=None, street=None, **fields) -> SocialWorker:
    fields.setdefault("name", f"社工{next(_numbers)}")
    return SocialWorker.objects.create(
        street=street or community.street, community=community, **fields
    )


def make_resource(*, community=None, street=None, value="100.00", **fields) -> CharitableResource:
    fields.setdefault("donor_name", f"捐赠企业{next(_numbers)}")
    fields.setdefault("donor_kind", CharitableResource.DonorKind.ENTERPRISE)
    fields.setdefault("kind", CharitableResource.Kind.FUNDS)
    fields.setdefault("description", "爱心善款")
    fields.setdefault("received_on", today() - timedelta(days=10))
    if "recorded_by" not in fields:
        fields["recorded_by"] = UserFactory()
    return CharitableResource.objects.create(
        street=street or community.street, community=community, value=Decimal(value), **fields
    )


def make_unit(*, community=None, street=None, **fields) -> OutsideUnit:
    fields.setdefault("name", f"驻街单位{next(_numbers)}")
    fields.setdefault("kind", OutsideUnit.Kind.SCHOOL)
    return OutsideUnit.objects.create(
        street=street or community.street, community=community, **fields
    )


def step(organisation, to_state, *, days_ago=0, note="", by=None):
    return actions.organisation_transition(
        organisation=organisation,
        to_state=to_state,
        on=today() - timedelta(days=days_ago),
        note=note,
        by=by or organisation.transitions.first().recorded_by,
    )


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


def this_year_at(month: int, day: int = 1) -> datetime:
    return timezone.make_aware(datetime(today().year, month, day, 10, 0))


def worker_form_data(community, **overrides) -> dict:
    data = {
        "name": "陈静",
        "phone": "13800000002",
        "community": community.pk,
        "qualification": SocialWorker.Qualification.ASSISTANT,
        "certificate_number": "ZS2019-0001",
        "certificate_year": "2019",
        "employer": "",
        "specialities": "老年",
    }
    return {**data, **overrides}


def resource_form_data(community, **overrides) -> dict:
    data = {
        "donor_name": "山西某爱心企业",
        "donor_kind": CharitableResource.DonorKind.ENTERPRISE,
        "kind": CharitableResource.Kind.GOODS,
        "description": "米面油",
        "value": "500.00",
        "quantity": "20",
        "unit": "箱",
        "received_on": (today() - timedelta(days=1)).isoformat(),
        "community": community.pk,
    }
    return {**data, **overrides}


def organisation_form_data(**overrides) -> dict:
    data = {
        "name": "水泊寺街道志愿服务协会",
        "category": SocialOrganisation.Category.PUBLIC_WELFARE,
        "street": "",
        "community": "",
        "incubator": "",
        "contact_name": "",
        "contact_phone": "",
        "description": "",
        "services": "",
    }
    return {**data, **overrides}


def partners_url(activity) -> str:
    return reverse("activities:activity_partners", args=[activity.pk])


def post_partner(client, activity, which: str, **fields):
    prefix = {"registry": "r", "named": "n", "allocation": "a"}[which]
    data = {"form": which, **{f"{prefix}-{key}": value for key, value in fields.items()}}
    return client.post(partners_url(activity), data)


@pytest.fixture
def activity(community, community_staff):
    """A published activity of ``community`` in three days."""
    return ActivityFactory(community=community, created_by=community_staff, title="春季绿植领养")


# --- organisations: the incubation lifecycle -------------------------------------------------


def test_creating_an_organisation_records_its_first_settled_step(community, community_staff):
    org = make_org(community=community, by=community_staff)

    assert org.state == State.SETTLED
    (first,) = org.transitions.all()
    assert (first.from_state, first.to_state, first.on) == ("", State.SETTLED, today())
    assert first.recorded_by == community_staff


def test_the_next_step_needs_no_note(community):
    org = make_org(community=community, on=today() - timedelta(days=5))

    transition = step(org, State.INCUBATING)

    org = reload(org)
    assert (org.state, org.state_since) == (State.INCUBATING, today())
    assert (transition.from_state, transition.to_state, transition.note) == (
        State.SETTLED,
        State.INCUBATING,
        "",
    )


def test_skipping_a_step_without_a_note_is_refused(community):
    org = make_org(community=community, on=today() - timedelta(days=5))

    with pytest.raises(ValidationError) as caught:
        step(org, State.FILED)

    assert "note" in caught.value.message_dict
    assert reload(org).state == State.SETTLED
    assert org.transitions.count() == 1


def test_skipping_a_step_with_a_note_is_recorded(community):
    org = make_org(community=community, on=today() - timedelta(days=5))

    step(org, State.REGISTERED, note="已在民政局直接登记")

    assert reload(org).state == State.REGISTERED
    assert org.transitions.last().note == "已在民政局直接登记"


def test_a_blank_note_does_not_count_as_a_reason(community):
    org = make_org(community=community, on=today() - timedelta(days=5))

    with pytest.raises(ValidationError) as caught:
        step(org, State.FILED, note="   ")

    assert "note" in caught.value.message_dict


def test_the_lifecycle_does_not_go_backwards(community):
    org = make_org(community=community, on=today() - timedelta(days=5))
    step(org, State.INCUBATING, days_ago=4)
    step(org, State.FILED, days_ago=3)

    with pytest.raises(ValidationError) as caught:
        step(org, State.INCUBATING, note="回到孵化")

    assert "to_state" in caught.value.message_dict
    assert reload(org).state == State.FILED


def test_staying_in_the_same_state_is_refused(community):
    org = make_org(community=community)

    with pytest.raises(ValidationError) as caught:
        step(org, State.SETTLED, note="再次入驻")

    assert "to_state" in caught.value.message_dict


@pytest.mark.parametrize("reached", [State.SETTLED, State.INCUBATING, State.FILED, State.GRADUATED])
def test_an_organisation_can_withdraw_from_any_step(community, reached):
    org = make_org(community=community, on=today() - timedelta(days=10))
    path = SocialOrganisation.PATH
    for state in path[1 : path.index(reached) + 1]:
        step(org, state, days_ago=5)

    step(org, State.WITHDRAWN)

    assert reload(org).state == State.WITHDRAWN


def test_a_withdrawn_organisation_moves_in_again_only_with_a_note(community):
    org = make_org(community=community, on=today() - timedelta(days=10))
    step(org, State.WITHDRAWN, days_ago=5)

    with pytest.raises(ValidationError):
        step(org, State.SETTLED)
    with pytest.raises(ValidationError):
        step(org, State.INCUBATING, note="重新孵化")
    assert reload(org).state == State.WITHDRAWN

    step(org, State.SETTLED, note="换了负责人，重新入驻")
    assert reload(org).state == State.SETTLED


def test_a_step_dated_in_the_future_is_refused(community):
    org = make_org(community=community)

    with pytest.raises(ValidationError) as caught:
        actions.organisation_transition(
            organisation=org,
            to_state=State.INCUBATING,
            on=today() + timedelta(days=1),
            by=UserFactory(),
        )

    assert "on" in caught.value.message_dict
    assert reload(org).state == State.SETTLED


def test_a_step_dated_before_the_previous_step_is_refused(community):
    org = make_org(community=community, on=today() - timedelta(days=30))

    with pytest.raises(ValidationError) as caught:
        step(org, State.INCUBATING, days_ago=31)

    assert "on" in caught.value.message_dict
    assert org.transitions.count() == 1


def test_the_transition_view_puts_a_skipped_step_error_on_the_note(community_staff, community):
    org = make_org(community=community, on=today() - timedelta(days=5))
    url = reverse("communities:organisation_transition", args=[org.pk])

    response = client_for(community_staff).post(
        url, {"to_state": State.FILED, "on": today().isoformat(), "note": ""}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["note"]
    assert reload(org).state == State.SETTLED


def test_the_transition_view_records_the_next_step(community_staff, community):
    org = make_org(community=community, on=today() - timedelta(days=5))
    url = reverse("communities:organisation_transition", args=[org.pk])

    response = client_for(community_staff).post(
        url, {"to_state": State.INCUBATING, "on": today().isoformat(), "note": ""}
    )

    assert response.status_code == 302
    org = reload(org)
    assert org.state == State.INCUBATING
    assert org.transitions.last().recorded_by == community_staff


def test_the_timeline_is_shown_in_order_on_the_public_page(community):
    org = make_org(community=community, on=today() - timedelta(days=30))
    step(org, State.INCUBATING, days_ago=20, note="timeline-note-incubating")
    step(org, State.REGISTERED, days_ago=10, note="timeline-note-registered")
    step(org, State.GRADUATED, days_ago=0, note="timeline-note-graduated")

    response = client_for(None).get(reverse("communities:organisation_detail", args=[org.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    dates = [(today() - timedelta(days=d)).isoformat() for d in (30, 20, 10, 0)]
    positions = [page.index(f'datetime="{d}"') for d in dates]
    assert positions == sorted(positions)
    notes = ["timeline-note-incubating", "timeline-note-registered", "timeline-note-graduated"]
    note_positions = [page.index(n) for n in notes]
    assert note_positions == sorted(note_positions)


# --- social workers --------------------------------------------------------------------------


@pytest.mark.parametrize("year", [today().year + 1, 2007])
def test_a_certificate_year_outside_2008_to_this_year_is_a_form_error(
    community_staff, community, year
):
    response = client_for(community_staff).post(
        reverse("communities:socialworker_create"),
        worker_form_data(community, certificate_year=str(year)),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["certificate_year"]
    assert not SocialWorker.objects.exists()


def test_a_qualified_social_worker_needs_a_certificate_number(community_staff, community):
    response = client_for(community_staff).post(
        reverse("communities:socialworker_create"),
        worker_form_data(community, certificate_number=""),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["certificate_number"]
    assert not SocialWorker.objects.exists()


def test_a_certificate_without_a_qualification_is_a_form_error(community_staff, community):
    response = client_for(community_staff).post(
        reverse("communities:socialworker_create"),
        worker_form_data(community, qualification=SocialWorker.Qualification.NONE),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["qualification"]
    assert not SocialWorker.objects.exists()


def test_staff_register_a_social_worker_of_their_community(community_staff, community):
    response = client_for(community_staff).post(
        reverse("communities:socialworker_create"), worker_form_data(community)
    )

    assert response.status_code == 302
    worker = SocialWorker.objects.get()
    assert (worker.community, worker.street, worker.certificate_year) == (
        community,
        community.street,
        2019,
    )


def previous_month() -> date:
    return (today().replace(day=1) - timedelta(days=1)).replace(day=1)


def test_a_monthly_record_is_created_then_corrected_in_place(community_staff, community):
    worker = make_worker(community=community)
    url = reverse("communities:socialworker_detail", args=[worker.pk])
    client = client_for(community_staff)
    month = previous_month().strftime("%Y-%m")

    first = client.post(url, {"month": month, "cases": 3, "groups": 1, "community_activities": 2})
    second = client.post(
        url, {"month": month, "cases": 5, "groups": 2, "community_activities": 4, "notes": "更正"}
    )

    assert (first.status_code, second.status_code) == (302, 302)
    record = SocialWorkRecord.objects.get(worker=worker)
    assert record.month == previous_month()
    assert (record.cases, record.groups, record.community_activities) == (5, 2, 4)
    assert record.notes == "更正"
    assert record.recorded_by == community_staff


def test_a_record_for_a_future_month_is_refused(community_staff, community):
    worker = make_worker(community=community)
    next_month = (today().replace(day=28) + timedelta(days=5)).strftime("%Y-%m")

    response = client_for(community_staff).post(
        reverse("communities:socialworker_detail", args=[worker.pk]),
        {"month": next_month, "cases": 1, "groups": 0, "community_activities": 0},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["month"]
    assert not SocialWorkRecord.objects.exists()


def test_the_action_refuses_a_future_month(community):
    worker = make_worker(community=community)

    with pytest.raises(ValidationError) as caught:
        actions.work_record_save(
            worker=worker,
            month=today().replace(day=28) + timedelta(days=5),
            cases=1,
            groups=0,
            community_activities=0,
            by=UserFactory(),
        )

    assert "month" in caught.value.message_dict


@pytest.mark.parametrize(
    ("field", "value"), [("cases", "-1"), ("groups", "abc"), ("community_activities", "10001")]
)
def test_a_bad_monthly_count_is_a_form_error(community_staff, community, field, value):
    worker = make_worker(community=community)
    month = previous_month().strftime("%Y-%m")
    data = {"month": month, "cases": 0, "groups": 0, "community_activities": 0}

    response = client_for(community_staff).post(
        reverse("communities:socialworker_detail", args=[worker.pk]), {**data, field: value}
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not SocialWorkRecord.objects.exists()


def test_community_staff_see_the_streets_social_worker_but_cannot_record_work(
    community_staff, street
):
    worker = make_worker(street=street)  # the street's 社工站: visible, not editable
    url = reverse("communities:socialworker_detail", args=[worker.pk])
    client = client_for(community_staff)

    page = client.get(url)
    response = client.post(
        url,
        {
            "month": previous_month().strftime("%Y-%m"),
            "cases": 1,
            "groups": 0,
            "community_activities": 0,
        },
    )

    assert page.status_code == 200
    assert page.context["can_edit"] is False
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not SocialWorkRecord.objects.exists()


@pytest.mark.parametrize("outsider", ["other_community_staff", "sibling_community_staff"])
def test_staff_of_another_community_get_404_for_a_social_worker(request, community, outsider):
    worker = make_worker(community=community)
    client = client_for(request.getfixturevalue(outsider))
    url = reverse("communities:socialworker_detail", args=[worker.pk])

    assert client.get(url).status_code == 404
    response = client.post(
        url, {"month": previous_month().strftime("%Y-%m"), "cases": 1, "groups": 0}
    )
    assert response.status_code == 404
    assert not SocialWorkRecord.objects.exists()


def test_a_resident_gets_403_for_the_social_worker_list(resident):
    response = client_for(resident).get(reverse("communities:socialworker_list"))

    assert response.status_code == 403


# --- charitable resources --------------------------------------------------------------------


def test_an_allocation_within_the_balance_is_saved_and_the_balance_is_public(
    community, community_staff, activity
):
    resource = make_resource(community=community, value="100.00")

    actions.resource_allocate(
        resource=resource, activity=activity, value=Decimal("30.00"), by=community_staff
    )

    response = client_for(None).get(reverse("communities:resource_public"))
    assert response.status_code == 200
    (shown,) = response.context["object_list"]
    assert (shown.allocated_value, shown.balance_value) == (Decimal("30.00"), Decimal("70.00"))
    page = response.content.decode()
    assert "70.00" in page
    assert activity.title in page


def test_an_allocation_above_the_balance_is_refused_and_nothing_is_created(
    community, community_staff, activity
):
    resource = make_resource(community=community, value="100.00")
    actions.resource_allocate(
        resource=resource, activity=activity, value=Decimal("80.00"), by=community_staff
    )

    with pytest.raises(ValidationError) as caught:
        actions.resource_allocate(
            resource=resource, activity=activity, value=Decimal("20.01"), by=community_staff
        )

    assert "value" in caught.value.message_dict
    assert resource.allocations.count() == 1


def test_the_partners_page_refuses_an_allocation_above_the_balance(
    community, community_staff, activity
):
    resource = make_resource(community=community, value="100.00")

    response = post_partner(
        client_for(community_staff), activity, "allocation", resource=resource.pk, value="100.01"
    )

    assert response.status_code == 200
    assert response.context["forms"]["allocation"].errors["value"]
    assert not ResourceAllocation.objects.exists()


def test_nothing_can_be_allocated_to_a_cancelled_activity(community, community_staff):
    cancelled = ActivityFactory(community=community, status=Activity.Status.CANCELLED)
    resource = make_resource(community=community)

    with pytest.raises(ValidationError):
        actions.resource_allocate(
            resource=resource, activity=cancelled, value=Decimal("10.00"), by=community_staff
        )

    assert not ResourceAllocation.objects.exists()


def test_nothing_can_be_allocated_from_an_archived_resource(community, community_staff, activity):
    resource = make_resource(community=community, archived=True)

    with pytest.raises(ValidationError):
        actions.resource_allocate(
            resource=resource, activity=activity, value=Decimal("10.00"), by=community_staff
        )

    assert not ResourceAllocation.objects.exists()


@pytest.mark.parametrize("value", ["0", "0.00", "-5.00"])
def test_an_allocation_of_zero_or_less_is_refused(community, community_staff, activity, value):
    resource = make_resource(community=community)

    with pytest.raises(ValidationError) as caught:
        actions.resource_allocate(
            resource=resource, activity=activity, value=Decimal(value), by=community_staff
        )

    assert "value" in caught.value.message_dict
    assert not ResourceAllocation.objects.exists()


def test_an_anonymous_donor_is_shown_as_a_kind_hearted_donor(community, community_staff, activity):
    resource = make_resource(community=community, donor_name="王建国", anonymous=True)
    actions.resource_allocate(
        resource=resource, activity=activity, value=Decimal("10.00"), by=community_staff
    )

    public = client_for(None).get(reverse("communities:resource_public")).content.decode()
    activity_page = (
        client_for(None).get(reverse("activities:activity_detail", args=[activity.pk])).content
    ).decode()

    assert "爱心人士" in public
    assert "王建国" not in public
    assert "王建国" not in activity_page


def test_a_named_donor_is_shown_on_the_public_page(community):
    make_resource(community=community, donor_name="平城区爱心企业", anonymous=False)

    page = client_for(None).get(reverse("communities:resource_public")).content.decode()

    assert "平城区爱心企业" in page


def test_a_donation_received_in_the_future_is_a_form_error(community_staff, community):
    tomorrow = (today() + timedelta(days=1)).isoformat()

    response = client_for(community_staff).post(
        reverse("communities:resource_create"), resource_form_data(community, received_on=tomorrow)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["received_on"]
    assert not CharitableResource.objects.exists()


def test_staff_record_a_donation(community_staff, community):
    response = client_for(community_staff).post(
        reverse("communities:resource_create"), resource_form_data(community)
    )

    assert response.status_code == 302
    resource = CharitableResource.objects.get()
    assert (resource.community, resource.street, resource.recorded_by) == (
        community,
        community.street,
        community_staff,
    )
    assert resource.value == Decimal("500.00")


def test_a_resource_cannot_be_lowered_below_what_was_allocated(
    community_staff, community, activity
):
    resource = make_resource(community=community, value="100.00")
    actions.resource_allocate(
        resource=resource, activity=activity, value=Decimal("90.00"), by=community_staff
    )

    response = client_for(community_staff).post(
        reverse("communities:resource_update", args=[resource.pk]),
        resource_form_data(community, value="50.00"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["value"]
    assert reload(resource).value == Decimal("100.00")


def test_a_resource_can_be_corrected_down_to_what_was_allocated(
    community_staff, community, activity
):
    resource = make_resource(community=community, value="100.00")
    actions.resource_allocate(
        resource=resource, activity=activity, value=Decimal("90.00"), by=community_staff
    )

    response = client_for(community_staff).post(
        reverse("communities:resource_update", args=[resource.pk]),
        resource_form_data(community, value="90.00"),
    )

    assert response.status_code == 302
    assert reload(resource).value == Decimal("90.00")


@pytest.mark.parametrize("value", ["0", "-1"])
def test_a_donation_worth_zero_or_less_is_a_form_error(community_staff, community, value):
    response = client_for(community_staff).post(
        reverse("communities:resource_create"), resource_form_data(community, value=value)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["value"]
    assert not CharitableResource.objects.exists()


# --- concurrency (PostgreSQL) ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks are PostgreSQL's; CI runs this on PostgreSQL",
)
def test_ten_concurrent_allocations_never_overdraw_a_resource(community):
    staff = UserFactory()
    activity = ActivityFactory(community=community, created_by=staff)
    resource = make_resource(community=community, value="100.00", recorded_by=staff)
    attempts = 10
    barrier = threading.Barrier(attempts)
    refused, unexpected = [], []

    def allocate():
        try:
            barrier.wait(timeout=30)
            actions.resource_allocate(
                resource=resource, activity=activity, value=Decimal("30.00"), by=staff
            )
        except ValidationError as error:
            refused.append(error)
        except Exception as error:  # reported below
            unexpected.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=allocate) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert unexpected == []
    assert ResourceAllocation.objects.filter(resource=resource).count() == 3
    assert len(refused) == 7
    total = ResourceAllocation.objects.filter(resource=resource).aggregate(t=Sum("value"))["t"]
    assert total == Decimal("90.00")
    assert total <= resource.value


# --- history is never erased -----------------------------------------------------------------


def test_an_organisation_an_activity_refers_to_cannot_be_deleted(community, activity):
    org = make_org(community=community)
    partner = ActivityPartner.objects.create(
        activity=activity,
        organisation=org,
        kind=ActivityPartner.Kind.SOCIAL_ORGANISATION,
        name=org.name,
    )

    with pytest.raises(ProtectedError) as caught:
        org.delete()

    assert partner in caught.value.protected_objects
    assert SocialOrganisation.objects.filter(pk=org.pk).exists()


def test_a_resource_with_allocations_cannot_be_deleted(community, community_staff, activity):
    resource = make_resource(community=community)
    allocation = actions.resource_allocate(
        resource=resource, activity=activity, value=Decimal("10.00"), by=community_staff
    )

    with pytest.raises(ProtectedError) as caught:
        resource.delete()

    assert allocation in caught.value.protected_objects
    assert CharitableResource.objects.filter(pk=resource.pk).exists()


def test_an_outside_unit_an_activity_refers_to_cannot_be_deleted(community, activity):
    unit = make_unit(community=community)
    partner = ActivityPartner.objects.create(
        activity=activity,
        outside_unit=unit,
        kind=ActivityPartner.Kind.RESIDENT_UNIT,
        name=unit.name,
    )

    with pytest.raises(ProtectedError) as caught:
        unit.delete()

    assert partner in caught.value.protected_objects


def test_a_social_worker_an_activity_refers_to_cannot_be_deleted(community, activity):
    worker = make_worker(community=community)
    ActivityPartner.objects.create(
        activity=activity,
        social_worker=worker,
        kind=ActivityPartner.Kind.SOCIAL_WORKER,
        name=worker.name,
    )

    with pytest.raises(ProtectedError):
        worker.delete()


def test_an_activity_with_allocations_cannot_be_deleted(community, community_staff, activity):
    resource = make_resource(community=community)
    actions.resource_allocate(
        resource=resource, activity=activity, value=Decimal("10.00"), by=community_staff
    )

    with pytest.raises(ProtectedError):
        activity.delete()


@pytest.mark.parametrize(
    ("url_name", "make"),
    [
        ("communities:organisation_archive", make_org),
        ("communities:socialworker_archive", make_worker),
        ("communities:resource_archive", make_resource),
        ("communities:outsideunit_archive", make_unit),
    ],
)
def test_the_archive_button_archives_and_restores(community_staff, community, url_name, make):
    obj = make(community=community)
    client = client_for(community_staff)
    url = reverse(url_name, args=[obj.pk])

    assert client.post(url, {"archived": "1"}).status_code == 302
    assert reload(obj).archived is True
    assert type(obj).objects.filter(pk=obj.pk).exists()
    client.post(url, {"archived": "1"})  # a double submit does not undo it
    assert reload(obj).archived is True

    assert client.post(url, {"archived": "0"}).status_code == 302
    assert reload(obj).archived is False


@pytest.mark.parametrize(
    ("url_name", "make"),
    [
        ("communities:organisation_archive", make_org),
        ("communities:resource_archive", make_resource),
    ],
)
def test_staff_of_another_community_cannot_archive(
    other_community_staff, community, url_name, make
):
    obj = make(community=community)

    response = client_for(other_community_staff).post(reverse(url_name, args=[obj.pk]))

    assert response.status_code == 404
    assert reload(obj).archived is False


def test_the_archive_button_takes_only_post(community_staff, community):
    org = make_org(community=community)

    response = client_for(community_staff).get(
        reverse("communities:organisation_archive", args=[org.pk])
    )

    assert response.status_code == 405


def test_an_archived_organisation_leaves_the_directory_but_keeps_its_page(
    community, community_staff
):
    kept = make_org(community=community, name="仍在服务的组织")
    archived = make_org(community=community, name="已归档的组织")
    client_for(community_staff).post(
        reverse("communities:organisation_archive", args=[archived.pk])
    )

    directory = client_for(None).get(reverse("communities:organisation_list"))
    detail = client_for(None).get(reverse("communities:organisation_detail", args=[archived.pk]))

    assert list(directory.context["object_list"]) == [kept]
    assert "已归档的组织" not in directory.content.decode()
    assert detail.status_code == 200
    assert "已归档的组织" in detail.content.decode()


# --- partners of an activity -----------------------------------------------------------------


def test_staff_record_all_kinds_of_partners_and_the_activity_page_shows_them(
    community, community_staff, activity
):
    org = make_org(community=community, name="恒大社区乐龄服务中心")
    worker = make_worker(community=community, name="刘社工")
    unit = make_unit(community=community, name="平城区41小")
    resource = make_resource(community=community, donor_name="平城区某超市", description="绿植")
    client = client_for(community_staff)

    responses = [
        post_partner(client, activity, "registry", organisation=org.pk, role="组织报名"),
        post_partner(client, activity, "registry", social_worker=worker.pk),
        post_partner(client, activity, "registry", outside_unit=unit.pk),
        post_partner(client, activity, "named", kind="volunteers", name="恒大社区志愿服务队"),
        post_partner(client, activity, "allocation", resource=resource.pk, value="30.00"),
    ]

    assert [r.status_code for r in responses] == [302] * 5
    partners = {(p.kind, p.name) for p in activity.partners.all()}
    assert partners == {
        (ActivityPartner.Kind.SOCIAL_ORGANISATION, "恒大社区乐龄服务中心"),
        (ActivityPartner.Kind.SOCIAL_WORKER, "刘社工"),
        (ActivityPartner.Kind.RESIDENT_UNIT, "平城区41小"),
        (ActivityPartner.Kind.VOLUNTEERS, "恒大社区志愿服务队"),
    }
    assert activity.partners.get(organisation=org).role == "组织报名"
    allocation = ResourceAllocation.objects.get()
    assert (allocation.resource, allocation.activity, allocation.value) == (
        resource,
        activity,
        Decimal("30.00"),
    )
    assert allocation.allocated_by == community_staff

    response = client_for(None).get(reverse("activities:activity_detail", args=[activity.pk]))
    assert response.status_code == 200
    forces = dict(response.context["activity"].forces_present())
    assert list(forces.values()) == [True] * 5
    page = response.content.decode()
    assert "社会组织" in page
    assert "恒大社区乐龄服务中心" in page
    assert "平城区某超市" in page and "30.00" in page


def test_a_property_company_is_recorded_as_one(community, community_staff, activity):
    unit = make_unit(
        community=community, name="恒大社区物业", kind=OutsideUnit.Kind.PROPERTY_COMPANY
    )

    post_partner(client_for(community_staff), activity, "registry", outside_unit=unit.pk)

    assert activity.partners.get().kind == ActivityPartner.Kind.PROPERTY_COMPANY


def test_the_same_organisation_twice_is_a_form_error(community, community_staff, activity):
    org = make_org(community=community)
    client = client_for(community_staff)
    post_partner(client, activity, "registry", organisation=org.pk)

    response = post_partner(client, activity, "registry", organisation=org.pk)

    assert response.status_code == 200
    assert response.context["forms"]["registry"].errors
    assert activity.partners.count() == 1


def test_two_registry_entries_at_once_is_a_form_error(community, community_staff, activity):
    org = make_org(community=community)
    worker = make_worker(community=community)

    response = post_partner(
        client_for(community_staff),
        activity,
        "registry",
        organisation=org.pk,
        social_worker=worker.pk,
    )

    assert response.status_code == 200
    assert response.context["forms"]["registry"].errors
    assert not activity.partners.exists()


def test_no_registry_entry_is_a_form_error(community_staff, activity):
    response = post_partner(client_for(community_staff), activity, "registry", role="帮忙")

    assert response.status_code == 200
    assert response.context["forms"]["registry"].errors
    assert not activity.partners.exists()


def test_an_organisation_of_another_street_is_not_a_choice(
    community_staff, other_community, activity
):
    foreign = make_org(community=other_community)

    response = post_partner(
        client_for(community_staff), activity, "registry", organisation=foreign.pk
    )

    assert response.status_code == 200
    assert response.context["forms"]["registry"].errors["organisation"]
    assert not activity.partners.exists()


def test_an_archived_organisation_is_not_a_choice(community, community_staff, activity):
    org = make_org(community=community, archived=True)

    response = post_partner(client_for(community_staff), activity, "registry", organisation=org.pk)

    assert response.status_code == 200
    assert response.context["forms"]["registry"].errors["organisation"]
    assert not activity.partners.exists()


def test_a_resource_of_another_community_is_not_a_choice(
    community_staff, sibling_community, activity
):
    foreign = make_resource(community=sibling_community)

    response = post_partner(
        client_for(community_staff), activity, "allocation", resource=foreign.pk, value="1.00"
    )

    assert response.status_code == 200
    assert response.context["forms"]["allocation"].errors["resource"]
    assert not ResourceAllocation.objects.exists()


def test_an_unknown_partner_form_changes_nothing(community_staff, activity):
    response = client_for(community_staff).post(partners_url(activity), {"form": "other"})

    assert response.status_code == 302
    assert not activity.partners.exists()


def test_staff_remove_a_partner(community, community_staff, activity):
    org = make_org(community=community)
    client = client_for(community_staff)
    post_partner(client, activity, "registry", organisation=org.pk)
    partner = activity.partners.get()

    response = client.post(reverse("activities:partner_remove", args=[partner.pk]))

    assert response.status_code == 302
    assert not activity.partners.exists()
    assert SocialOrganisation.objects.filter(pk=org.pk).exists()


@pytest.mark.parametrize("outsider", ["other_community_staff", "sibling_community_staff"])
def test_outsiders_get_404_for_the_partners_pages(request, community, activity, outsider):
    org = make_org(community=community)
    partner = ActivityPartner.objects.create(
        activity=activity,
        organisation=org,
        kind=ActivityPartner.Kind.SOCIAL_ORGANISATION,
        name=org.name,
    )
    client = client_for(request.getfixturevalue(outsider))

    assert client.get(partners_url(activity)).status_code == 404
    assert post_partner(client, activity, "named", kind="volunteers", name="x").status_code == 404
    assert client.post(reverse("activities:partner_remove", args=[partner.pk])).status_code == 404
    assert activity.partners.count() == 1


def test_a_resident_gets_403_for_the_partners_page(resident, activity):
    assert client_for(resident).get(partners_url(activity)).status_code == 403


# --- the five-forces profile -----------------------------------------------------------------


def add_forces(activity, *kinds):
    for kind in kinds:
        ActivityPartner.objects.create(activity=activity, kind=kind, name=f"{kind}-partner")


def build_profile_activities(community, *, extra: int = 0):
    """Activities this year with 1, 3 and 4 forces (plus ``extra`` more 1-force ones), and a
    draft and a cancelled one with every force."""
    Kind = ActivityPartner.Kind
    one = ActivityFactory(community=community, starts_at=this_year_at(6))
    three = ActivityFactory(community=community, starts_at=this_year_at(6, 2))
    add_forces(three, Kind.SOCIAL_ORGANISATION, Kind.SOCIAL_WORKER)
    four = ActivityFactory(community=community, starts_at=this_year_at(6, 3))
    add_forces(four, Kind.SOCIAL_ORGANISATION, Kind.VOLUNTEERS)
    resource = make_resource(community=community, value="1000.00")
    actions.resource_allocate(
        resource=resource, activity=four, value=Decimal("10.00"), by=UserFactory()
    )
    for status in (Activity.Status.DRAFT, Activity.Status.CANCELLED):
        ignored = ActivityFactory(community=community, status=status, starts_at=this_year_at(6))
        add_forces(ignored, Kind.SOCIAL_ORGANISATION, Kind.SOCIAL_WORKER, Kind.VOLUNTEERS)
    for _ in range(extra):
        ActivityFactory(community=community, starts_at=this_year_at(7))
    return one, three, four


def test_the_profile_counts_activities_linking_three_forces(community):
    build_profile_activities(community)

    profile = five_forces_profile(community)

    assert profile.activities == 3
    assert profile.linked_three == 2
    assert profile.linked_three_share == 67
    assert (profile.with_organisation, profile.with_social_worker) == (2, 1)
    assert (profile.with_volunteers, profile.with_charity) == (1, 1)


def test_the_profile_ignores_other_communities_and_other_years(community, sibling_community):
    build_profile_activities(community)
    last_year = timezone.make_aware(datetime(today().year - 1, 6, 1, 10))
    ActivityFactory(community=community, starts_at=last_year)
    ActivityFactory(community=sibling_community, starts_at=this_year_at(6))

    profile = five_forces_profile(community)

    assert profile.activities == 3


def test_the_profile_counts_the_forces_serving_the_community(
    community, sibling_community, other_community
):
    make_org(community=community)
    make_org(street=community.street)  # street-wide: serves every community of the street
    make_org(community=community, archived=True)
    make_org(community=sibling_community)
    make_org(community=other_community)
    make_worker(community=community)
    make_worker(community=sibling_community)
    make_resource(community=community, value="100.00")
    make_resource(street=community.street, value="50.50")
    make_resource(community=other_community, value="999.00")

    profile = five_forces_profile(community)

    assert (profile.organisations, profile.social_workers) == (2, 1)
    assert (profile.resources, profile.resource_value) == (2, Decimal("150.50"))


def test_an_empty_profile_has_a_zero_share(community):
    profile = five_forces_profile(community)

    assert (profile.activities, profile.linked_three, profile.linked_three_share) == (0, 0, 0)


def test_the_community_page_shows_the_share(community):
    build_profile_activities(community)

    response = client_for(None).get(reverse("communities:community_detail", args=[community.pk]))

    assert response.status_code == 200
    assert response.context["profile"].linked_three_share == 67
    assert "67%" in response.content.decode()


@pytest.mark.parametrize("extra", [0, 15])
def test_the_profile_runs_a_fixed_number_of_queries(community, django_assert_num_queries, extra):
    build_profile_activities(community, extra=extra)
    for _ in range(extra):
        make_org(community=community)
        make_worker(community=community)
        make_resource(community=community)

    # Two registry counts, one resource aggregate, one aggregate over the year's activities.
    with django_assert_num_queries(4):
        five_forces_profile(community)


# --- scope -----------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["sibling_community", "other_community"])
def test_community_staff_get_404_editing_another_communitys_organisation(
    request, community_staff, where
):
    org = make_org(community=request.getfixturevalue(where))
    client = client_for(community_staff)

    for name in ("organisation_update", "organisation_transition"):
        assert client.get(reverse(f"communities:{name}", args=[org.pk])).status_code == 404
    response = client.post(
        reverse("communities:organisation_update", args=[org.pk]),
        organisation_form_data(name="改名"),
    )
    assert response.status_code == 404
    assert reload(org).name != "改名"


def test_community_staff_cannot_edit_a_street_wide_organisation(community_staff, street):
    org = make_org(street=street)

    response = client_for(community_staff).get(
        reverse("communities:organisation_update", args=[org.pk])
    )

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("url_name", "make"),
    [
        ("communities:socialworker_update", make_worker),
        ("communities:resource_update", make_resource),
        ("communities:outsideunit_update", make_unit),
    ],
)
def test_community_staff_get_404_editing_another_streets_records(
    community_staff, other_community, url_name, make
):
    obj = make(community=other_community)

    response = client_for(community_staff).get(reverse(url_name, args=[obj.pk]))

    assert response.status_code == 404


def test_street_staff_create_a_street_wide_organisation(street_staff, street):
    response = client_for(street_staff).post(
        reverse("communities:organisation_create"), organisation_form_data(street=street.pk)
    )

    assert response.status_code == 302
    org = SocialOrganisation.objects.get()
    assert (org.street, org.community) == (street, None)
    assert org.transitions.get().recorded_by == street_staff


def test_street_staff_create_a_community_organisation_without_picking_the_street(
    street_staff, community
):
    response = client_for(street_staff).post(
        reverse("communities:organisation_create"),
        organisation_form_data(community=community.pk),
    )

    assert response.status_code == 302
    org = SocialOrganisation.objects.get()
    assert (org.street, org.community) == (community.street, community)


def test_street_staff_create_a_community_social_worker_without_picking_the_street(
    street_staff, community
):
    response = client_for(street_staff).post(
        reverse("communities:socialworker_create"),
        {**worker_form_data(community), "street": ""},
    )

    assert response.status_code == 302
    assert SocialWorker.objects.get().street == community.street


def test_street_staff_create_a_community_organisation_naming_both(street_staff, community):
    response = client_for(street_staff).post(
        reverse("communities:organisation_create"),
        organisation_form_data(street=community.street_id, community=community.pk),
    )

    assert response.status_code == 302
    assert SocialOrganisation.objects.get().community == community


def test_street_staff_cannot_pair_a_community_with_another_street(
    street_staff, community, other_street
):
    response = client_for(street_staff).post(
        reverse("communities:organisation_create"),
        organisation_form_data(street=other_street.pk, community=community.pk),
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not SocialOrganisation.objects.exists()


def test_community_staff_cannot_create_a_street_wide_organisation(community_staff, street):
    response = client_for(community_staff).post(
        reverse("communities:organisation_create"), organisation_form_data(street=street.pk)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["community"]
    assert not SocialOrganisation.objects.exists()


def test_community_staff_cannot_create_for_another_community(community_staff, sibling_community):
    response = client_for(community_staff).post(
        reverse("communities:organisation_create"),
        organisation_form_data(community=sibling_community.pk),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["community"]
    assert not SocialOrganisation.objects.exists()


def test_a_duplicate_organisation_name_is_a_form_error(community_staff, community):
    make_org(community=community, name="同名组织")

    response = client_for(community_staff).post(
        reverse("communities:organisation_create"),
        organisation_form_data(name="同名组织", community=community.pk),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert SocialOrganisation.objects.count() == 1


def test_a_duplicate_outside_unit_name_in_a_street_is_a_form_error(community_staff, community):
    make_unit(community=community, name="平城区41小")

    response = client_for(community_staff).post(
        reverse("communities:outsideunit_create"),
        {"name": "平城区41小", "kind": OutsideUnit.Kind.SCHOOL, "community": community.pk},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert OutsideUnit.objects.count() == 1


def scoped_rows(make, community, sibling_community, other_community):
    """One row per unit: own community, the street, a sibling community, another street."""
    return {
        "own": make(community=community),
        "street": make(street=community.street),
        "sibling": make(community=sibling_community),
        "other": make(community=other_community),
    }


LISTS = [
    ("communities:organisation_manage_list", make_org),
    ("communities:socialworker_list", make_worker),
    ("communities:resource_list", make_resource),
    ("communities:outsideunit_list", make_unit),
]


@pytest.mark.parametrize(("url_name", "make"), LISTS)
def test_community_staff_lists_show_own_and_street_wide_rows(
    community_staff, community, sibling_community, other_community, url_name, make
):
    rows = scoped_rows(make, community, sibling_community, other_community)

    response = client_for(community_staff).get(reverse(url_name))

    assert response.status_code == 200
    assert set(response.context["object_list"]) == {rows["own"], rows["street"]}


@pytest.mark.parametrize(("url_name", "make"), LISTS)
def test_street_staff_lists_show_their_streets_rows_only(
    street_staff, community, sibling_community, other_community, url_name, make
):
    rows = scoped_rows(make, community, sibling_community, other_community)

    response = client_for(street_staff).get(reverse(url_name))

    assert set(response.context["object_list"]) == {rows["own"], rows["street"], rows["sibling"]}


@pytest.mark.parametrize(("url_name", "make"), LISTS)
def test_residents_get_403_for_the_staff_lists(resident, url_name, make):
    assert client_for(resident).get(reverse(url_name)).status_code == 403


@pytest.mark.parametrize(
    ("url_name", "make"),
    [
        (
            "communities:organisation_manage_list",
            lambda community: make_org(community=community, contact_phone="13800000001"),
        ),
        (
            "communities:socialworker_list",
            lambda community: make_worker(community=community, phone="13800000001"),
        ),
        (
            "communities:outsideunit_list",
            lambda community: make_unit(community=community, contact_phone="13800000001"),
        ),
    ],
)
def test_staff_lists_mask_phones(community_staff, community, url_name, make):
    make(community)

    page = client_for(community_staff).get(reverse(url_name)).content.decode()

    assert "138****0001" in page
    assert "13800000001" not in page


def test_the_public_organisation_page_masks_the_contact_phone(community):
    org = make_org(community=community, contact_name="张联系", contact_phone="13800000001")

    page = (
        client_for(None)
        .get(reverse("communities:organisation_detail", args=[org.pk]))
        .content.decode()
    )

    assert "138****0001" in page
    assert "13800000001" not in page


# --- exports ---------------------------------------------------------------------------------

FORMULA_NAME = '=HYPERLINK("http://x")'


def read_export(response) -> list[list[str]]:
    """The rows of a CSV or XLSX download as text, header first."""
    if response["Content-Type"] == XLSX_TYPE:
        sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
        return [
            ["" if cell is None else str(cell) for cell in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def export(client, url_name, file_format, **params):
    return client.get(reverse(url_name), {**params, "export": file_format})


EXPORTS = [
    (
        "communities:organisation_manage_list",
        lambda community, phone, name: make_org(
            community=community, name=name, contact_name="张联系", contact_phone=phone
        ),
    ),
    (
        "communities:socialworker_list",
        lambda community, phone, name: make_worker(community=community, name=name, phone=phone),
    ),
    (
        "communities:outsideunit_list",
        lambda community, phone, name: make_unit(
            community=community, name=name, contact_phone=phone
        ),
    ),
]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize(("url_name", "make"), EXPORTS)
def test_exports_mask_phones_and_neutralise_formulas(
    community_staff, community, other_community, url_name, make, file_format
):
    make(community, "13800000001", FORMULA_NAME)
    make(other_community, "13900000009", "外街道的记录")

    response = export(client_for(community_staff), url_name, file_format)

    assert response.status_code == 200
    if file_format == "csv":
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response.content.startswith("\ufeff".encode())
    else:
        assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Disposition"].rstrip('"').endswith(f".{file_format}")
    header, *rows = read_export(response)
    assert len(rows) == 1
    (row,) = rows
    assert len(row) == len(header)
    assert "'" + FORMULA_NAME in row
    assert FORMULA_NAME not in row
    assert "138****0001" in row
    everything = "".join("".join(r) for r in [header, *rows])
    assert "13800000001" not in everything
    assert "外街道的记录" not in everything


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_resource_export_neutralises_formulas_and_keeps_numbers(
    community_staff, community, other_community, activity, file_format
):
    resource = make_resource(
        community=community, donor_name="+86 爱心人", description="-捐赠", value="100.00"
    )
    actions.resource_allocate(
        resource=resource, activity=activity, value=Decimal("25.50"), by=community_staff
    )
    make_resource(community=other_community, donor_name="外街道捐赠人")

    response = export(client_for(community_staff), "communities:resource_list", file_format)

    header, *rows = read_export(response)
    (row,) = rows
    assert "'+86 爱心人" in row and "'-捐赠" in row
    assert resource.received_on.isoformat() in row
    assert [float(v) for v in row[6:7] + row[9:11]] == [100.0, 25.5, 74.5]


def test_an_xlsx_export_keeps_numbers_as_numbers(community_staff, community, activity):
    make_resource(community=community, value="100.00")

    response = export(client_for(community_staff), "communities:resource_list", "xlsx")

    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    _header, row = list(sheet.iter_rows(values_only=True))
    assert row[6] == 100


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exports_follow_the_lists_filters(community_staff, community, file_format):
    make_org(
        community=community, name="养老服务社", category=SocialOrganisation.Category.ELDERLY_CARE
    )
    make_org(
        community=community, name="文体协会", category=SocialOrganisation.Category.CULTURE_SPORT
    )

    response = export(
        client_for(community_staff),
        "communities:organisation_manage_list",
        file_format,
        category=SocialOrganisation.Category.ELDERLY_CARE,
    )

    _header, *rows = read_export(response)
    assert [row[0] for row in rows] == ["养老服务社"]


def test_exports_are_for_staff_only(resident):
    response = export(client_for(resident), "communities:organisation_manage_list", "csv")

    assert response.status_code == 403


# --- query counts ----------------------------------------------------------------------------


def add_rows(make, community, street, count: int) -> None:
    for _ in range(count):
        make(community=community)
        make(street=street)


def activity_for(*, community=None, street=None):
    """An activity of the community, or a street-wide one."""
    return ActivityFactory(community=community, street=street or community.street)


def with_activity_links(make):
    """Organisations and outside units that took part in an activity, so the counts annotate."""

    def make_linked(**kwargs):
        obj = make(**kwargs)
        activity = activity_for(**kwargs)
        field = "organisation" if isinstance(obj, SocialOrganisation) else "outside_unit"
        ActivityPartner.objects.create(
            activity=activity, name=obj.name, kind="other", **{field: obj}
        )
        return obj

    return make_linked


def with_allocation(**kwargs):
    resource = make_resource(**kwargs)
    activity = activity_for(**kwargs)
    actions.resource_allocate(
        resource=resource, activity=activity, value=Decimal("1.00"), by=UserFactory()
    )
    return resource


def with_employer(**kwargs):
    employer = make_org(community=kwargs.get("community"), street=kwargs.get("street"))
    return make_worker(employer=employer, phone="13800000003", **kwargs)


QUERY_LISTS = [
    ("communities:organisation_manage_list", with_activity_links(make_org)),
    ("communities:socialworker_list", with_employer),
    ("communities:resource_list", with_allocation),
    ("communities:outsideunit_list", with_activity_links(make_unit)),
]


def measure(client, url) -> int:
    client.get(url)  # warm up: session, caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(("url_name", "make"), QUERY_LISTS)
def test_staff_list_queries_stay_flat(
    street_staff, community, street, url_name, make, django_assert_max_num_queries
):
    client = client_for(street_staff)
    url = reverse(url_name)
    add_rows(make, community, street, 2)
    small = measure(client, url)

    add_rows(make, community, street, 10)
    with django_assert_max_num_queries(small):
        response = client.get(url)

    assert len(response.context["object_list"]) > 20


@pytest.mark.parametrize(("url_name", "make"), QUERY_LISTS)
def test_staff_export_queries_stay_flat(
    street_staff, community, street, url_name, make, django_assert_max_num_queries
):
    client = client_for(street_staff)
    url = reverse(url_name) + "?export=csv"
    add_rows(make, community, street, 2)
    small = measure(client, url)

    add_rows(make, community, street, 10)
    with django_assert_max_num_queries(small):
        client.get(url)


def test_the_public_directory_queries_stay_flat(community, street, django_assert_max_num_queries):
    client = client_for(None)
    url = reverse("communities:organisation_list")
    incubator = make_org(street=street, category=SocialOrganisation.Category.INCUBATOR)

    def add(count):
        for _ in range(count):
            make_org(community=community, incubator=incubator, services="助老服务")
            make_org(street=street)

    add(2)
    small = measure(client, url)
    add(8)
    with django_assert_max_num_queries(small):
        response = client.get(url)

    assert len(response.context["object_list"]) == 20


def test_the_public_notice_queries_stay_flat(community, street, django_assert_max_num_queries):
    client = client_for(None)
    url = reverse("communities:resource_public")

    def add(count):
        for _ in range(count):
            resource = make_resource(community=community, anonymous=True)
            for _ in range(2):
                activity = ActivityFactory(community=community)
                actions.resource_allocate(
                    resource=resource, activity=activity, value=Decimal("1.00"), by=UserFactory()
                )
            make_resource(street=street, quantity=Decimal("3"), unit="箱")

    add(2)
    small = measure(client, url)
    add(8)
    with django_assert_max_num_queries(small):
        response = client.get(url)

    assert len(response.context["object_list"]) == 20


def test_the_organisation_page_queries_stay_flat(community, django_assert_max_num_queries):
    client = client_for(None)
    org = make_org(community=community, on=today() - timedelta(days=30))
    url = reverse("communities:organisation_detail", args=[org.pk])

    def link(count):
        for _ in range(count):
            activity = ActivityFactory(community=community)
            ActivityPartner.objects.create(
                activity=activity, organisation=org, kind="social_organisation", name=org.name
            )

    link(1)
    small = measure(client, url)
    step(org, State.INCUBATING, days_ago=20)
    step(org, State.FILED, days_ago=10)
    link(8)
    with django_assert_max_num_queries(small):
        client.get(url)


def test_individual_donors_appear_by_surname_only_on_the_public_notice(
    client, street, community, community_staff
):
    CharitableResource.objects.create(
        donor_name="王建华",
        donor_kind="individual",
        kind="goods",
        description="图书",
        value="100.00",
        received_on="2026-01-01",
        street=street,
        community=community,
        recorded_by=community_staff,
    )

    page = client.get(reverse("communities:resource_public")).content.decode()

    assert "王*" in page
    assert "王建华" not in page


def test_released_allocation_goes_back_to_the_balance_and_stays_on_record(
    community_staff, community, street, activity
):
    resource = CharitableResource.objects.create(
        donor_name="恒大物业",
        donor_kind="enterprise",
        kind="funds",
        description="活动经费",
        value="100.00",
        received_on="2026-01-01",
        street=street,
        community=community,
        recorded_by=community_staff,
    )
    allocation = actions.resource_allocate(
        resource=resource, activity=activity, value=Decimal("80.00"), by=community_staff
    )
    client = client_for(community_staff)
    url = reverse("activities:allocation_release", args=[allocation.pk])

    client.post(url, {"reason": ""})  # a reason is required
    allocation.refresh_from_db()
    assert allocation.released_at is None

    client.post(url, {"reason": "活动改为线上"})
    allocation.refresh_from_db()
    assert allocation.released_at and allocation.release_reason == "活动改为线上"
    assert CharitableResource.objects.with_balance().get(pk=resource.pk).balance_value == 100
    assert ResourceAllocation.objects.filter(pk=allocation.pk).exists()


def test_cancelling_an_activity_releases_its_allocations(
    community_staff, community, street, activity
):
    from activities import actions as activity_actions

    resource = CharitableResource.objects.create(
        donor_name="恒大物业",
        donor_kind="enterprise",
        kind="funds",
        description="活动经费",
        value="100.00",
        received_on="2026-01-01",
        street=street,
        community=community,
        recorded_by=community_staff,
    )
    actions.resource_allocate(
        resource=resource, activity=activity, value=Decimal("60.00"), by=community_staff
    )

    activity_actions.activity_cancel(activity=activity, by=community_staff, reason="下雨")

    assert CharitableResource.objects.with_balance().get(pk=resource.pk).balance_value == 100
