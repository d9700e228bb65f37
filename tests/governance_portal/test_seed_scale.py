"""manage.py seed_scale: the benchmark's city, at a tiny size. Counts as asked, the counters kept
on rows agree with the rows they count, the same seed gives the same data, the guards hold and
the benchmark's accounts log in."""

import json
import random
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, CareLog, Signup, Tree, TreeAdoption
from communities.models import Community, ResidentProfile, Street, User
from communities.permissions import scope_for
from governance_portal import scale
from services.models import Booking, JobSeeker, ServiceStation, TimeSlot
from volunteers.models import ServiceRecord, Volunteer

TINY = {"activities": 60, "signups": 400, "residents": 150, "communities": 4, "streets": 2}
TINY_SIZES = scale.Sizes(**TINY)


@pytest.fixture
def manifest(db, tmp_path) -> dict:
    path = tmp_path / "scale.json"
    call_command("seed_scale", **TINY, manifest=path, allow_production=True, stdout=StringIO())
    return json.loads(path.read_text(encoding="utf-8"))


def test_counts_are_as_asked(manifest):
    assert Street.objects.filter(name__startswith="规模测试").count() == 2
    assert Community.objects.filter(street__name__startswith="规模测试").count() == 4
    assert ResidentProfile.objects.count() == 150
    assert Activity.objects.count() == 60
    assert Signup.objects.count() == 400
    # In proportion: 5% volunteers, two service records per activity, a booking per two
    # activities, a job seeker per hundred residents, twenty trees and a station a community.
    assert Volunteer.objects.count() == 7
    assert ServiceRecord.objects.count() == 120
    assert Booking.objects.count() == 30
    assert JobSeeker.objects.count() == 1
    assert Tree.objects.count() == 80
    assert ServiceStation.objects.count() == 4
    assert manifest["rows"]["activities.Signup"] == 400


def test_the_data_has_every_kind_status_and_street_wide_activities(manifest):
    assert {a.status for a in Activity.objects.all()} >= {"completed", "published"}
    assert Activity.objects.filter(community__isnull=True).exists()
    assert Activity.objects.filter(capacity__isnull=True).exists()
    past = Activity.objects.filter(ends_at__lt=timezone.now())
    assert past.count() > Activity.objects.filter(starts_at__gt=timezone.now()).count()
    assert Activity.objects.filter(starts_at__lt=timezone.now() - timedelta(days=2 * 365)).exists()
    assert ServiceRecord.objects.filter(status="verified").exists()
    assert ServiceRecord.objects.filter(status="pending").exists()
    assert CareLog.objects.exists()


def test_activity_counters_match_the_signups(manifest):
    holding = Signup.objects.filter(activity=OuterRef("pk"), status__in=Signup.HOLDING_PLACES)
    waiting = Signup.objects.filter(activity=OuterRef("pk"), status=Signup.Status.WAITLISTED)
    attended = Signup.objects.filter(activity=OuterRef("pk"), status=Signup.Status.ATTENDED)

    def total(signups, aggregate):
        return Coalesce(
            Subquery(signups.order_by().values("activity").annotate(n=aggregate).values("n")[:1]),
            0,
        )

    activities = Activity.objects.annotate(
        counted_places=total(holding, Sum("party_size")),
        counted_waiting=total(waiting, Count("pk")),
        counted_attended=total(attended, Sum("party_size")),
    )
    assert not activities.exclude(places_taken=F("counted_places"))
    assert not activities.exclude(waitlist_count=F("counted_waiting"))
    assert not activities.filter(status="completed").exclude(attendance=F("counted_attended"))
    assert activities.filter(places_taken__gt=0).exists()


def test_nothing_is_overbooked_and_no_waiting_party_would_fit(manifest):
    assert not Activity.objects.filter(capacity__isnull=False, places_taken__gt=F("capacity"))
    open_ = Q(activity__status="published", activity__starts_at__gt=timezone.now())
    fits = Q(activity__capacity__isnull=True) | Q(
        activity__places_taken__lte=F("activity__capacity") - F("party_size")
    )
    assert not Signup.objects.filter(open_ & fits, status=Signup.Status.WAITLISTED)
    assert not Signup.objects.filter(activity__status="draft")
    cancelled = Signup.objects.filter(activity__status="cancelled")
    assert not cancelled.exclude(status=Signup.Status.CANCELLED)


def test_a_resident_signs_up_once_per_activity(manifest):
    repeated = Signup.objects.values("activity", "resident").annotate(n=Count("pk")).filter(n__gt=1)
    assert not repeated


def test_slot_taken_counts_the_bookings_holding_it(manifest):
    slots = TimeSlot.objects.annotate(
        holding=Count("bookings", filter=Q(bookings__status__in=Booking.HOLDING))
    )
    assert slots.exists()
    assert not slots.exclude(taken=F("holding"))
    assert not slots.filter(taken__gt=F("capacity"))


def test_tree_adopter_is_the_current_adoption(manifest):
    current = TreeAdoption.objects.filter(tree=OuterRef("pk"), ended_at__isnull=True)
    trees = Tree.objects.annotate(current=Subquery(current.values("adopter")[:1]))
    assert trees.filter(adopter__isnull=False).exists()
    for tree in trees:
        assert tree.adopter_id == tree.current
    bench = User.objects.get(username=scale.BENCH_RESIDENT)
    assert Tree.objects.filter(adopter=bench).exists()


def test_the_same_seed_gives_the_same_titles():
    now = timezone.now()
    first = scale.activity_titles(7, TINY_SIZES, 30, now=now)

    assert first == scale.activity_titles(7, TINY_SIZES, 30, now=now)
    assert first != scale.activity_titles(8, TINY_SIZES, 30, now=now)
    assert all("第" in title and title.endswith("期") for title in first)


def test_the_loaded_titles_are_the_seeds_titles(manifest):
    titles = list(Activity.objects.order_by("pk").values_list("title", flat=True))

    assert titles[:59] == scale.activity_titles(scale.DEFAULT_SEED, TINY_SIZES, 59)
    assert titles[-1] == scale.RUSH_TITLE


def test_signups_are_spread_exactly_and_within_what_residents_can_make():
    rng = random.Random(1)
    counts = scale.signup_counts(rng, 100, [1, 2, 3, 4], [10, 100, 0, 100])

    assert sum(counts) == 100
    assert counts[0] <= 10 and counts[2] == 0
    with pytest.raises(ValueError):
        scale.signup_counts(rng, 11, [1, 1], [5, 5])


def test_refuses_to_run_with_debug_off(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("seed_scale", **TINY, stdout=StringIO())
    assert not Street.objects.exists()


def test_refuses_to_run_twice_on_the_same_database(manifest):
    with pytest.raises(CommandError, match="fresh database"):
        call_command("seed_scale", **TINY, allow_production=True, stdout=StringIO())
    assert Activity.objects.count() == 60


def test_sizes_that_cannot_be_met_are_refused_and_nothing_is_written(db):
    too_many = {**TINY, "residents": 8, "signups": 5000}
    with pytest.raises(CommandError, match="signups do not fit"):
        call_command("seed_scale", **too_many, allow_production=True, stdout=StringIO())
    with pytest.raises(CommandError, match="community"):
        call_command(
            "seed_scale", **{**TINY, "streets": 5}, allow_production=True, stdout=StringIO()
        )
    assert not Street.objects.exists()
    assert not User.objects.exists()


def test_the_manifest_names_what_the_benchmark_needs(manifest):
    street = Street.objects.get(pk=manifest["street_id"])
    community = Community.objects.get(pk=manifest["community_id"])
    assert street.name == "规模测试01街道"
    assert community.street == street
    assert manifest["password"] == scale.DEFAULT_PASSWORD
    assert manifest["sizes"] == TINY

    upcoming = Activity.objects.get(pk=manifest["activity_id"])
    assert upcoming.status == Activity.Status.PUBLISHED
    assert upcoming.community == community
    assert upcoming.starts_at > timezone.now()
    assert upcoming.places_left > 0

    rush = Activity.objects.get(pk=manifest["rush_activity_id"])
    assert (rush.title, rush.capacity, rush.places_taken, rush.waitlist_count) == (
        "抢报名测试活动",
        10,
        0,
        0,
    )
    assert rush.signup_is_open()
    assert not rush.signups.exists()

    residents = ResidentProfile.objects.filter(user__username__in=manifest["rush_residents"])
    assert residents.count() == len(manifest["rush_residents"]) > 0
    assert {profile.community_id for profile in residents} == {community.pk}


def test_the_known_accounts_log_in_with_the_published_password(manifest):
    accounts = manifest["accounts"]
    for username in (*accounts.values(), manifest["rush_residents"][0]):
        client = Client()
        response = client.post(
            reverse("login"), {"username": username, "password": scale.DEFAULT_PASSWORD}
        )
        assert response.status_code == 302, username
        assert "_auth_user_id" in client.session

    street_staff = scope_for(User.objects.get(username=accounts["street_staff"]))
    assert street_staff.street_ids == {manifest["street_id"]}
    community_staff = scope_for(User.objects.get(username=accounts["community_staff"]))
    assert community_staff.community_ids == {manifest["community_id"]}
    resident = User.objects.get(username=accounts["resident"])
    assert resident.resident_profile.community_id == manifest["community_id"]
    assert resident.signups.filter(activity_id=manifest["activity_id"]).exists()
    assert resident.signups.count() > 1


def test_the_password_option_sets_every_accounts_password(db):
    call_command(
        "seed_scale", **TINY, password="Another#Pass1", allow_production=True, stdout=StringIO()
    )
    user = User.objects.get(username=scale.BENCH_COMMUNITY)
    assert user.check_password("Another#Pass1")
    # One hash for everyone: hashed once, not once per account.
    assert User.objects.values("password").distinct().count() == 1


def test_the_five_forces_flags_agree_with_partners_and_donations(manifest):
    fields = ["pk", "has_organisation", "has_social_worker", "has_volunteers", "has_charity"]
    written = list(Activity.objects.order_by("pk").values_list(*fields))
    assert any(any(row[1:]) for row in written)  # the seed links some forces

    Activity.objects.refresh_forces()

    assert list(Activity.objects.order_by("pk").values_list(*fields)) == written


def test_the_cards_unit_and_partners_agree_with_their_rows(manifest):
    for activity in Activity.objects.select_related("community", "street").prefetch_related(
        "partners"
    ):
        assert activity.unit_label == activity.current_unit_name()
        assert activity.partner_cards == [
            {"kind": p.kind, "name": p.name, "role": p.role} for p in activity.partners.all()
        ]
