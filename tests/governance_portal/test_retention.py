"""manage.py purge_personal_data: past retention, personal data goes and statistics stay."""

from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from activities import actions
from activities.models import Activity, ActivityPartner, Signup
from communities.models import (
    CharitableResource,
    Consent,
    OutsideUnit,
    SocialOrganisation,
    SocialWorker,
    SocialWorkRecord,
    StaffAssignment,
    User,
)
from communities.privacy import ANONYMISED_NAME
from governance_portal import retention
from governance_portal.models import AuditEvent, LoginThrottle, Notification
from governance_portal.retention import ANONYMISED_DONOR, personal_data_purge
from tests.activities.factories import ActivityFactory
from tests.factories import ResidentProfileFactory, StaffAssignmentFactory, UserFactory

NOW = timezone.now()
FOUR_YEARS_AGO = NOW - timedelta(days=4 * 365)
LAST_YEAR = NOW - timedelta(days=365)


def backdate_user(user, when):
    User.objects.filter(pk=user.pk).update(date_joined=when, last_login=when)


def move_to(activity, when):
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=when, ends_at=when + timedelta(hours=2), status=Activity.Status.COMPLETED
    )


def attended(activity, resident, **party):
    signup = actions.signup_create(activity=activity, resident=resident, **party)
    Signup.objects.filter(pk=signup.pk).update(status=Signup.Status.ATTENDED, checked_in_at=NOW)
    return signup


def statistics(activity):
    activity.refresh_from_db()
    signups = Signup.objects.filter(activity=activity)
    return (
        signups.count(),
        signups.aggregate(n=Sum("party_size"))["n"],
        list(signups.values_list("status", flat=True).order_by("pk")),
        actions.checked_in_count(activity),
        activity.places_taken,
        activity.waitlist_count,
        activity.attendance,
    )


def snapshot():
    return (
        list(
            User.objects.order_by("pk").values_list(
                "pk", "username", "name", "phone", "email", "password", "is_active"
            )
        ),
        list(
            Signup.objects.order_by("pk").values_list(
                "pk", "status", "party_size", "children_under_14", "guardian_consent"
            )
        ),
        list(Notification.objects.order_by("pk").values_list("pk", flat=True)),
        list(Consent.objects.order_by("pk").values_list("pk", "withdrawn_at")),
        list(SocialOrganisation.objects.values_list("pk", "contact_name", "contact_phone")),
        list(OutsideUnit.objects.values_list("pk", "contact_name", "contact_phone")),
        list(SocialWorker.objects.values_list("pk", "name", "phone", "certificate_number")),
        list(CharitableResource.objects.values_list("pk", "donor_name", "evidence")),
        list(LoginThrottle.objects.values_list("pk", flat=True)),
        AuditEvent.objects.filter(at__lt=NOW - timedelta(days=200)).count(),
    )


@pytest.fixture
def world(community, community_staff, admin_user):
    """Old and recent people and records; ``old_*`` are past retention."""
    old_activity = ActivityFactory(community=community, created_by=community_staff, capacity=20)
    recent_activity = ActivityFactory(community=community, created_by=community_staff)

    old_resident = ResidentProfileFactory(
        community=community, user__name="旧居民", user__phone="13700000001"
    ).user
    active_resident = ResidentProfileFactory(
        community=community, user__name="常来居民", user__phone="13700000002"
    ).user
    recently_signed_up = ResidentProfileFactory(
        community=community, user__name="去年来过", user__phone="13700000003"
    ).user
    for user in (old_resident, active_resident, recently_signed_up):
        Consent.objects.create(user=user, notice=Consent.Notice.PRIVACY, version="2023-01")

    attended(old_activity, old_resident, party_size=3, children_under_14=1, guardian_consent=True)
    attended(
        old_activity, active_resident, party_size=2, children_under_14=1, guardian_consent=True
    )
    recent = attended(
        recent_activity,
        recently_signed_up,
        party_size=2,
        children_under_14=1,
        guardian_consent=True,
    )
    Activity.objects.filter(pk=old_activity.pk).update(attendance=5)
    move_to(old_activity, FOUR_YEARS_AGO)
    move_to(recent_activity, LAST_YEAR)
    Signup.objects.filter(activity=old_activity).update(created_at=FOUR_YEARS_AGO)
    Signup.objects.filter(pk=recent.pk).update(created_at=LAST_YEAR)

    old_staff = StaffAssignmentFactory(community=community, user__name="老员工").user
    former_staff = StaffAssignmentFactory(
        community=community, user__name="离职员工", user__is_staff=False, ended_on=LAST_YEAR
    ).user
    never_logged_in_admin = UserFactory(username="old-root", is_staff=True, is_superuser=True)
    for user in (old_resident, recently_signed_up, old_staff, former_staff, never_logged_in_admin):
        backdate_user(user, FOUR_YEARS_AGO)
    backdate_user(active_resident, FOUR_YEARS_AGO)
    User.objects.filter(pk=active_resident.pk).update(last_login=NOW - timedelta(days=10))

    old_note = Notification.objects.create(user=active_resident, message="旧通知")
    Notification.objects.filter(pk=old_note.pk).update(created_at=NOW - timedelta(days=400))
    new_note = Notification.objects.create(user=active_resident, message="新通知")
    Notification.objects.create(user=old_resident, message="给旧居民的通知")
    return {
        "old_activity": old_activity,
        "recent_activity": recent_activity,
        "old_resident": old_resident,
        "active_resident": active_resident,
        "recently_signed_up": recently_signed_up,
        "staff": [old_staff, former_staff, never_logged_in_admin, community_staff, admin_user],
        "old_note": old_note,
        "new_note": new_note,
    }


def purge(*args) -> str:
    out = StringIO()
    call_command("purge_personal_data", *args, stdout=out)
    return out.getvalue()


def test_dry_run_changes_nothing_and_says_what_it_would_do(world):
    before = snapshot()

    output = purge("--dry-run")

    assert snapshot() == before
    assert "Dry run" in output
    lines = {line.split()[0]: line for line in output.splitlines()[1:] if line.strip()}
    assert "would change      1" in lines["account"]
    assert "would change      2" in lines["signup"]  # the old activity's two families
    assert "would change      1" in lines["notification"]


def test_inactive_resident_account_is_anonymised(world):
    token = world["old_resident"].resident_profile.calendar_token

    purge()

    user = User.objects.get(pk=world["old_resident"].pk)
    assert user.name == ANONYMISED_NAME
    assert (user.phone, user.email) == ("", "")
    assert user.username == f"anon-{user.pk}"
    assert not user.is_active and not user.has_usable_password()
    assert not Notification.objects.filter(user=user).exists()
    assert user.resident_profile.community_id == world["old_activity"].community_id
    assert user.resident_profile.calendar_token != token  # the old feed link stops working
    assert Consent.objects.get(user=user).withdrawn_at is not None


def test_residents_active_by_login_or_signup_are_kept(world):
    purge()

    for key, name in (("active_resident", "常来居民"), ("recently_signed_up", "去年来过")):
        user = User.objects.get(pk=world[key].pk)
        assert (user.name, user.is_active) == (name, True)


def test_staff_and_administrators_are_never_anonymised(world):
    before = {
        u.pk: (u.username, u.name, u.phone, u.is_active)
        for u in User.objects.filter(pk__in=[s.pk for s in world["staff"]])
    }

    purge()

    after = {
        u.pk: (u.username, u.name, u.phone, u.is_active)
        for u in User.objects.filter(pk__in=[s.pk for s in world["staff"]])
    }
    assert after == before
    assert StaffAssignment.objects.filter(user__in=world["staff"]).count() == 3


def test_statistics_of_every_activity_are_unchanged(world):
    before = [statistics(world[key]) for key in ("old_activity", "recent_activity")]

    purge()

    assert [statistics(world[key]) for key in ("old_activity", "recent_activity")] == before


def test_old_signups_lose_the_children_but_keep_the_party(world):
    purge()

    old = Signup.objects.filter(activity=world["old_activity"])
    assert list(old.values_list("children_under_14", flat=True)) == [0, 0]
    assert sorted(old.values_list("party_size", flat=True)) == [2, 3]
    recent = Signup.objects.get(activity=world["recent_activity"])
    assert recent.children_under_14 == 1


def test_old_notifications_are_deleted_and_new_ones_kept(world):
    purge()

    remaining = set(Notification.objects.values_list("pk", flat=True))
    assert world["old_note"].pk not in remaining
    assert world["new_note"].pk in remaining


def test_a_second_run_changes_nothing(world):
    purge()
    after_first = snapshot()

    results = personal_data_purge()

    assert snapshot() == after_first
    assert {r.category: r.count for r in results} == dict.fromkeys((r.category for r in results), 0)


def test_archived_organisation_and_unit_contacts_go_after_retention(street, community):
    old = SocialOrganisation.objects.create(
        name="旧组织",
        category="other",
        street=street,
        contact_name="陈静",
        contact_phone="13600000001",
        archived=True,
    )
    SocialOrganisation.objects.filter(pk=old.pk).update(
        created_at=FOUR_YEARS_AGO, state_since=FOUR_YEARS_AGO.date()
    )
    current = SocialOrganisation.objects.create(
        name="在册组织", category="other", street=street, contact_name="周强", contact_phone=""
    )
    SocialOrganisation.objects.filter(pk=current.pk).update(created_at=FOUR_YEARS_AGO)
    unit = OutsideUnit.objects.create(
        name="旧单位", kind="school", street=street, contact_name="吴老师", archived=True
    )
    undated = OutsideUnit.objects.create(
        name="没参加过活动", kind="school", street=street, contact_name="郑老师", archived=True
    )
    activity = ActivityFactory(community=community)
    ActivityPartner.objects.create(
        activity=activity, kind="other", name="旧单位", outside_unit=unit
    )
    move_to(activity, FOUR_YEARS_AGO)

    results = {r.category: r for r in personal_data_purge()}

    assert results["contact"].count == 2 and results["contact"].undated == 1
    assert SocialOrganisation.objects.values_list("contact_name", "contact_phone").get(
        pk=old.pk
    ) == ("", "")
    assert SocialOrganisation.objects.get(pk=current.pk).contact_name == "周强"
    assert OutsideUnit.objects.get(pk=unit.pk).contact_name == ""
    assert OutsideUnit.objects.get(pk=undated.pk).contact_name == "郑老师"


def test_archived_social_worker_keeps_the_name_and_loses_phone_and_certificate(
    street, community_staff
):
    worker = SocialWorker.objects.create(
        name="孙社工",
        street=street,
        phone="13600000002",
        qualification="assistant",
        certificate_number="S1400001",
        archived=True,
    )
    SocialWorkRecord.objects.create(
        worker=worker, month=FOUR_YEARS_AGO.date().replace(day=1), recorded_by=community_staff
    )
    working = SocialWorker.objects.create(name="在岗社工", street=street, phone="13600000003")

    personal_data_purge()

    worker.refresh_from_db()
    assert (worker.name, worker.phone, worker.certificate_number) == ("孙社工", "", "")
    assert SocialWorker.objects.get(pk=working.pk).phone == "13600000003"


def test_old_individual_donation_loses_name_and_evidence_file(
    street, community_staff, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path

    def gift(kind, name, received_on):
        resource = CharitableResource(
            donor_name=name,
            donor_kind=kind,
            kind="goods",
            description="米面油",
            value="500.00",
            received_on=received_on,
            street=street,
            recorded_by=community_staff,
        )
        resource.evidence.save("receipt.jpg", ContentFile(b"receipt"), save=False)
        resource.save()
        return resource

    long_ago = (NOW - timedelta(days=31 * 365)).date()
    person = gift("individual", "钱先生", long_ago)
    enterprise = gift("enterprise", "平城超市", long_ago)
    recent = gift("individual", "李女士", LAST_YEAR.date())
    evidence_path = tmp_path / person.evidence.name

    with django_capture_on_commit_callbacks(execute=True):
        personal_data_purge()

    person.refresh_from_db()
    assert (person.donor_name, person.anonymous, person.evidence.name) == (
        ANONYMISED_DONOR,
        True,
        "",
    )
    assert str(person.value) == "500.00"
    assert not evidence_path.exists()
    assert CharitableResource.objects.get(pk=enterprise.pk).donor_name == "平城超市"
    assert CharitableResource.objects.get(pk=recent.pk).donor_name == "李女士"


def test_idle_login_counters_go_and_current_locks_stay(db):
    idle = LoginThrottle.objects.create(username="13700000009", ip="10.0.0.1", failures=2)
    locked = LoginThrottle.objects.create(
        username="13700000008", ip="10.0.0.1", failures=5, locked_until=NOW + timedelta(days=1)
    )
    LoginThrottle.objects.filter(pk__in=[idle.pk, locked.pk]).update(
        updated_at=NOW - timedelta(days=60)
    )

    personal_data_purge()

    assert list(LoginThrottle.objects.values_list("pk", flat=True)) == [locked.pk]


def test_audit_events_are_kept_for_their_period_then_deleted(db):
    def event_at(when):
        with mock.patch("django.utils.timezone.now", return_value=when):
            return AuditEvent.objects.create(actor_repr="system", action="update")

    old = event_at(NOW - timedelta(days=400))
    kept = event_at(NOW - timedelta(days=200))

    personal_data_purge()

    remaining = set(AuditEvent.objects.values_list("pk", flat=True))
    assert old.pk not in remaining and kept.pk in remaining


def test_the_purge_runs_in_one_transaction(world):
    """A failure in the last category undoes the anonymisations done before it."""
    before = snapshot()
    failing = mock.Mock(side_effect=RuntimeError("disk full"))

    with mock.patch.dict(retention.PURGES, {"audit": failing}), pytest.raises(RuntimeError):
        personal_data_purge()

    assert snapshot() == before
