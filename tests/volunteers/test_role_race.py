"""Twelve volunteers take the last places of a role at the same moment, each on its own
database connection: exactly ``slots`` are confirmed."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from tests.activities.factories import ActivityFactory
from tests.volunteers.factories import VolunteerFactory, VolunteerRoleFactory
from volunteers import actions
from volunteers.models import RoleSignup, VolunteerRole

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks are PostgreSQL's; CI runs this on PostgreSQL",
    ),
]


def test_concurrent_volunteers_never_overfill_a_role(community):
    activity = ActivityFactory(community=community)
    role = VolunteerRoleFactory(activity=activity, slots=3)
    volunteers = [VolunteerFactory(community=community) for _ in range(12)]
    barrier = threading.Barrier(len(volunteers))
    refused, errors = [], []

    def take(volunteer):
        try:
            barrier.wait(timeout=30)
            actions.role_signup_create(role=role, volunteer=volunteer)
        except ValidationError as error:
            refused.append(error)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=(v,)) for v in volunteers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(refused) == 9
    confirmed = RoleSignup.objects.active().filter(role=role)
    assert confirmed.count() == 3
    assert len(set(confirmed.values_list("volunteer", flat=True))) == 3
    assert VolunteerRole.objects.get(pk=role.pk).taken == 3


def test_one_volunteer_in_two_tabs_gets_one_of_two_overlapping_roles(community):
    activity = ActivityFactory(community=community)
    roles = [VolunteerRoleFactory(activity=activity) for _ in range(2)]
    volunteer = VolunteerFactory(community=community)
    barrier = threading.Barrier(2)
    errors = []

    def take(role):
        try:
            barrier.wait(timeout=30)
            actions.role_signup_create(role=role, volunteer=volunteer)
        except ValidationError:
            pass
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=(r,)) for r in roles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert RoleSignup.objects.active().filter(volunteer=volunteer).count() == 1
    assert sum(VolunteerRole.objects.filter(activity=activity).values_list("taken", flat=True)) == 1


def test_two_staff_verifying_the_same_record_count_it_once(community):
    from governance_portal.models import Notification
    from tests.factories import StaffAssignmentFactory
    from tests.volunteers.factories import ServiceRecordFactory
    from volunteers import queries
    from volunteers.models import ServiceRecord

    staff = [StaffAssignmentFactory(community=community).user for _ in range(4)]
    volunteer = VolunteerFactory(community=community)
    record = ServiceRecordFactory(volunteer=volunteer, hours="2.5")
    barrier = threading.Barrier(len(staff))
    done, refused, errors = [], [], []

    def verify(user):
        try:
            barrier.wait(timeout=30)
            actions.record_verify(record=ServiceRecord.objects.get(pk=record.pk), by=user)
            done.append(user)
        except ValidationError as error:
            refused.append(error)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=verify, args=(u,)) for u in staff]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert (len(done), len(refused)) == (1, 3)
    record.refresh_from_db()
    assert record.decided_by == done[0]
    assert str(queries.hour_totals(volunteer).verified) == "2.50"
    assert Notification.objects.filter(user=volunteer.user).count() == 1
