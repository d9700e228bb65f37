"""30 residents sign up at the same moment for 10 places, each on its own database connection."""

import threading

import pytest
from django.db import connection, connections

from activities import actions
from activities.models import Activity, Signup
from tests.activities.factories import ActivityFactory
from tests.factories import ResidentProfileFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks are PostgreSQL's; CI runs this on PostgreSQL",
    ),
]


def test_thirty_concurrent_signups_for_ten_places(community):
    activity = ActivityFactory(community=community, capacity=10)
    residents = [ResidentProfileFactory(community=community).user for _ in range(30)]
    barrier = threading.Barrier(len(residents))
    errors = []

    def sign_up(resident):
        try:
            barrier.wait(timeout=30)
            actions.signup_create(activity=activity, resident=resident, party_size=1)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign_up, args=(r,)) for r in residents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    signups = list(Signup.objects.filter(activity=activity).order_by("created_at", "pk"))
    assert len(signups) == 30  # none lost
    assert len({s.resident_id for s in signups}) == 30  # none doubled
    statuses = [s.status for s in signups]
    assert statuses.count("confirmed") == 10
    assert statuses.count("waitlisted") == 20
    # Waitlisted in the order they were taken: every confirmed came before every waiting one.
    assert statuses == ["confirmed"] * 10 + ["waitlisted"] * 20
    activity = Activity.objects.get(pk=activity.pk)
    assert (activity.places_taken, activity.waitlist_count) == (10, 20)
