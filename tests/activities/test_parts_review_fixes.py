"""Regression tests for the review of the kinds' parts (issue #6): trees, clubs, drills, training.

Each test pins one defect the review found: odd digits in a query string, the planting day in
the local time zone, a double "leave the club", a staff member with posts in two streets, books
shared at a draft session, and first-time writes racing each other (PostgreSQL only).
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from activities.models import (
    Activity,
    BookShare,
    ClubMember,
    ClubSession,
    DrillReport,
    ReadingClub,
    TrainingSession,
)
from activities.parts.clubs import actions as club_actions
from activities.parts.drills import actions as drill_actions
from tests.activities.factories import ActivityFactory
from tests.activities.training_factories import (
    ProgrammeFactory,
    TraineeFactory,
    TrainingActivityFactory,
)
from tests.concurrency import POSTGRES_ONLY, at_once
from tests.conftest import client_for
from tests.factories import ResidentProfileFactory, StaffAssignmentFactory

pytest_plugins = ["tests.activities.trees_fixtures"]

SUPERSCRIPT_TWO = "²"  # str.isdigit() says yes, int() says no


def url(name: str, *args) -> str:
    return reverse(f"activities:{name}", args=args)


def make_club(community, name="恒大社区读书会") -> ReadingClub:
    return ReadingClub.objects.create(community=community, name=name)


def make_member(club) -> ClubMember:
    resident = ResidentProfileFactory(community=club.community).user
    return ClubMember.objects.create(club=club, resident=resident)


def make_session(club, **activity_fields) -> ClubSession:
    activity = ActivityFactory(
        community=club.community,
        kind=Activity.Kind.READING_CLUB,
        starts_at=timezone.now() - timedelta(days=1),
        **activity_fields,
    )
    return ClubSession.objects.create(club=club, activity=activity)


# --- 1. digits that are not ASCII digits -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "parameter"),
    [("tree_labels", "tree"), ("tree_labels", "activity"), ("tree_create", "activity")],
)
def test_tree_pages_ignore_a_superscript_digit_in_the_query(community_staff, tree, name, parameter):
    response = client_for(community_staff).get(url(name), {parameter: SUPERSCRIPT_TWO})

    assert response.status_code == 200


def test_tree_labels_with_a_superscript_digit_print_the_scope_s_trees(community_staff, tree):
    response = client_for(community_staff).get(url("tree_labels"), {"tree": SUPERSCRIPT_TWO})

    assert response.status_code == 200
    assert response.context["label_count"] == 1


def test_tree_create_with_a_superscript_digit_proposes_no_activity(community_staff, planting):
    response = client_for(community_staff).get(url("tree_create"), {"activity": SUPERSCRIPT_TWO})

    assert response.status_code == 200
    assert "planting_activity" not in response.context["form"].initial


def test_new_instructor_page_ignores_a_superscript_programme(street_staff, street):
    programme = ProgrammeFactory(street=street)
    client = client_for(street_staff)

    response = client.get(url("instructor_create"), {"programme": SUPERSCRIPT_TWO})

    assert response.status_code == 200
    # A real programme still leads back to it; the odd digit falls back to the list.
    assert client.get(url("instructor_create"), {"programme": programme.pk}).status_code == 200


# --- 2. the planting day is the local day ----------------------------------------------------


@pytest.fixture
def shanghai(settings):
    settings.TIME_ZONE = "Asia/Shanghai"


def test_new_tree_from_an_early_morning_activity_proposes_its_local_date(
    shanghai, community, community_staff
):
    # 07:30 in Shanghai on 12 March is still 11 March in UTC.
    starts_at = datetime(2026, 3, 11, 23, 30, tzinfo=UTC)
    activity = ActivityFactory(
        community=community,
        created_by=community_staff,
        kind=Activity.Kind.TREE_ADOPTION,
        title="植树节绿植领养",
        starts_at=starts_at,
    )

    response = client_for(community_staff).get(url("tree_create"), {"activity": activity.pk})

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["planting_activity"] == activity
    assert form.initial["planted_on"] == date(2026, 3, 12)
    html = response.content.decode()
    assert 'value="2026-03-12"' in html
    assert "2026-03-12 植树节绿植领养" in html
    assert "2026-03-11 植树节绿植领养" not in html


# --- 3. leaving a club twice -----------------------------------------------------------------


@pytest.fixture
def club(community):
    return make_club(community)


def test_leaving_a_club_already_left_is_no_server_error(community_staff, club):
    member = make_member(club)
    client_for(community_staff).post(url("club_member_leave", member.pk))
    member.refresh_from_db()
    left_at = member.left_at
    assert left_at is not None

    response = client_for(member.resident).post(url("club_leave", club.pk))

    assert response.status_code in (302, 404)
    member.refresh_from_db()
    assert member.left_at == left_at


def test_a_double_tap_on_leave_that_loses_the_race_is_no_server_error(monkeypatch, club):
    """The second request finds the membership current, then the first one marks it left before
    the second one's action runs: the action refuses, the view says so instead of a 500."""
    member = make_member(club)
    leave = club_actions.club_member_leave
    first_left = {}

    def the_other_tap_wins(*, member, by):
        first_left["at"] = leave(member=member, by=by).left_at
        return leave(member=member, by=by)

    monkeypatch.setattr(club_actions, "club_member_leave", the_other_tap_wins)

    response = client_for(member.resident).post(url("club_leave", club.pk))

    assert response.status_code == 302
    assert response["Location"] == club.get_absolute_url()
    member.refresh_from_db()
    assert member.left_at == first_left["at"]


# --- 4. a street post in one street, a community post in another -----------------------------


@pytest.fixture
def two_post_staff(street, other_community):
    """Street staff of ``street`` (A) and community staff of a community of ``other_street`` (B)."""
    user = StaffAssignmentFactory(street=street, community=None, user__name="周洋").user
    StaffAssignmentFactory(user=user, community=other_community)
    return user


@pytest.fixture
def programme_b(other_street):
    return ProgrammeFactory(street=other_street, title="鹿苑街道头雁领航工程")


@pytest.fixture
def trainee_b(programme_b):
    return TraineeFactory(programme=programme_b, name="钱多多")


def test_staff_with_a_community_post_in_another_street_read_its_programme(
    two_post_staff, programme_b, trainee_b
):
    response = client_for(two_post_staff).get(url("programme_detail", programme_b.pk))

    assert response.status_code == 200
    assert programme_b.title in response.content.decode()
    assert not response.context["can_run_base"]
    html = response.content.decode()
    assert url("programme_update", programme_b.pk) not in html
    assert url("trainee_create", programme_b.pk) not in html
    assert url("trainee_withdraw", trainee_b.pk) not in html


def test_staff_with_a_community_post_in_another_street_cannot_change_its_programme(
    two_post_staff, programme_b
):
    client = client_for(two_post_staff)
    title = programme_b.title

    assert client.get(url("programme_update", programme_b.pk)).status_code == 404
    assert (
        client.post(url("programme_update", programme_b.pk), {"title": "改名"}).status_code == 404
    )
    programme_b.refresh_from_db()
    assert programme_b.title == title


def test_staff_with_a_community_post_in_another_street_cannot_add_its_trainees(
    two_post_staff, programme_b
):
    client = client_for(two_post_staff)

    assert client.get(url("trainee_create", programme_b.pk)).status_code == 404
    response = client.post(url("trainee_create", programme_b.pk), {"name": "新学员"})
    assert response.status_code == 404
    assert not programme_b.trainees.filter(name="新学员").exists()


def test_staff_with_a_community_post_in_another_street_cannot_withdraw_its_trainees(
    two_post_staff, trainee_b
):
    response = client_for(two_post_staff).post(url("trainee_withdraw", trainee_b.pk))

    assert response.status_code == 404
    trainee_b.refresh_from_db()
    assert not trainee_b.withdrawn


def test_another_street_s_programme_is_not_offered_for_a_training_activity_there(
    two_post_staff, other_community, programme_b
):
    activity = TrainingActivityFactory(community=other_community)
    client = client_for(two_post_staff)

    response = client.get(url("activity_training", activity.pk))

    assert response.status_code == 200
    assert not response.context["can_run_base"]
    attach = response.context["forms"]["attach"]
    if attach is not None:  # if offered at all, never with B's programme
        assert programme_b not in attach.fields["programme"].queryset
    data = {"form": "attach", "s-programme": programme_b.pk, "s-topic": "议事协商"}
    client.post(url("activity_training", activity.pk), data)
    assert not TrainingSession.objects.filter(activity=activity).exists()


def test_street_staff_still_run_their_own_street_s_programme(two_post_staff, street):
    programme = ProgrammeFactory(street=street)
    client = client_for(two_post_staff)

    response = client.get(url("programme_detail", programme.pk))
    assert response.context["can_run_base"]
    assert client.get(url("programme_update", programme.pk)).status_code == 200
    assert client.get(url("trainee_create", programme.pk)).status_code == 200


# --- 5. books shared at a draft session ------------------------------------------------------


def test_book_list_leaves_out_books_shared_at_a_draft_session(club, community_staff):
    member = make_member(club)
    published = make_session(club)
    draft = make_session(club, status=Activity.Status.DRAFT)
    for session, title in ((published, "《活着》"), (draft, "《草房子》"), (draft, "活着")):
        club_actions.book_share_add(
            session=session, title=title, recommended_by=member, by=community_staff
        )
    assert BookShare.objects.filter(club=club).count() == 3

    books = list(club.book_list())

    assert [(book["title"], book["shares"]) for book in books] == [("《活着》", 1)]


def test_public_club_page_lists_no_book_of_a_draft_session(club, community_staff):
    member = make_member(club)
    draft = make_session(club, status=Activity.Status.DRAFT)
    club_actions.book_share_add(
        session=draft, title="《秘密读物》", recommended_by=member, by=community_staff
    )

    response = client_for(None).get(club.get_absolute_url())

    assert response.status_code == 200
    assert response.context["books"] == []
    assert "秘密读物" not in response.content.decode()


# --- 7. first-time writes racing each other (PostgreSQL) -------------------------------------


def race(test):
    """Each thread has its own connection: rows must really be committed, and SQLite has no row
    locks (the same pattern as ``test_signup_race``)."""
    for mark in POSTGRES_ONLY:
        test = mark(test)
    return test


def run_at_once(count: int, work) -> tuple[list, list]:
    """Run ``work()`` in ``count`` threads released together; returns (results, errors)."""
    outcome = at_once([work] * count)
    return outcome.results, outcome.refused + outcome.errors


@race
@pytest.mark.parametrize("attempt", range(3))
def test_race_two_first_time_joins_make_one_membership(community, attempt):
    club = make_club(community)
    resident = ResidentProfileFactory(community=community).user

    results, errors = run_at_once(2, lambda: club_actions.club_join(club=club, resident=resident))

    assert ClubMember.objects.filter(club=club, resident=resident).count() == 1
    # The loser is told "already a member"; never an IntegrityError from the unique constraint.
    assert all(type(error) is ValidationError for error in errors), errors
    assert len(results) == 1 and len(errors) == 1
    assert results[0].pk == ClubMember.objects.get(club=club, resident=resident).pk


@race
@pytest.mark.parametrize("attempt", range(3))
def test_race_two_first_time_session_attaches_make_one_session(community, community_staff, attempt):
    club = make_club(community)
    activity = ActivityFactory(community=community, kind=Activity.Kind.READING_CLUB)

    results, errors = run_at_once(
        2,
        lambda: club_actions.club_session_attach(
            activity=activity, club=club, theme="读《活着》", by=community_staff
        ),
    )

    assert errors == []
    assert ClubSession.objects.filter(activity=activity).count() == 1
    assert {session.pk for session in results} == {ClubSession.objects.get(activity=activity).pk}


@race
@pytest.mark.parametrize("attempt", range(3))
def test_race_two_first_time_drill_report_saves_make_one_report(
    community, community_staff, attempt
):
    drill = ActivityFactory(
        community=community,
        kind=Activity.Kind.FIRE_DRILL,
        starts_at=timezone.now() - timedelta(days=1),
    )

    def save():
        return drill_actions.drill_report_save(
            activity=drill,
            by=community_staff,
            partner_unit=None,
            evacuation_seconds=155,
            groups=[{"name": "居民", "people": 60}],
            actions=[],
        )

    results, errors = run_at_once(2, save)

    assert errors == []
    assert DrillReport.objects.filter(activity=drill).count() == 1
    report = DrillReport.objects.get(activity=drill)
    assert {saved.pk for saved in results} == {report.pk}
    assert report.groups.count() == 1
