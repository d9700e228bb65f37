"""The training base's pages: who may open what, what the programme page shows (progress,
attendance rates, the contest ranking), the public part of a session, and query counts that stay
flat as programmes grow."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, Trainee, TrainingAttendance, TrainingProgramme
from activities.parts.training import queries
from activities.parts.training.views import public_part_context
from communities.models import SocialOrganisation, SocialWorker
from tests.activities.training_factories import (
    InstructorFactory,
    ProgrammeFactory,
    SessionFactory,
    TraineeFactory,
    TrainingActivityFactory,
)
from tests.conftest import client_for
from tests.factories import StaffAssignmentFactory
from tests.volunteers.factories import VolunteerFactory

Status = TrainingAttendance.Status
PRESENT, ABSENT, EXCUSED = Status.PRESENT, Status.ABSENT, Status.EXCUSED


def url(name: str, *args) -> str:
    return reverse(f"activities:{name}", args=args)


@pytest.fixture
def other_street_staff(other_street):
    return StaffAssignmentFactory(street=other_street, community=None, user__name="孙杰").user


@pytest.fixture
def programme(street):
    return ProgrammeFactory(street=street, title="2025年头雁领航工程", planned_sessions=4)


@pytest.fixture
def session(programme, community):
    """A held session of ``programme`` run by ``community``."""
    return SessionFactory(
        programme=programme, activity=TrainingActivityFactory(community=community, held=True)
    )


def mark(session, trainee, status):
    return TrainingAttendance.objects.create(session=session, trainee=trainee, status=status)


def held_session(programme, community, **fields):
    return SessionFactory(
        programme=programme,
        activity=TrainingActivityFactory(community=community, held=True, **fields),
    )


# --- access --------------------------------------------------------------------------------------

READ_PAGES = ["programme_list", "programme_detail"]
STREET_PAGES = ["programme_create", "programme_update", "instructor_create", "trainee_create"]


def page_url(name, programme, session=None):
    if name in ("programme_detail", "programme_update", "trainee_create"):
        return url(name, programme.pk)
    if name == "activity_training":
        return url(name, session.activity_id)
    return url(name)


@pytest.mark.parametrize("name", [*READ_PAGES, *STREET_PAGES, "activity_training"])
def test_anonymous_visitors_are_sent_to_log_in(programme, session, name):
    response = client_for(None).get(page_url(name, programme, session))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", [*READ_PAGES, *STREET_PAGES, "activity_training"])
def test_residents_get_403(resident, programme, session, name):
    assert client_for(resident).get(page_url(name, programme, session)).status_code == 403


@pytest.mark.parametrize("name", [*READ_PAGES, *STREET_PAGES, "activity_training"])
def test_street_staff_open_every_page(street_staff, programme, session, name):
    assert client_for(street_staff).get(page_url(name, programme, session)).status_code == 200


@pytest.mark.parametrize("name", READ_PAGES)
def test_community_staff_read_their_streets_programmes(community_staff, programme, session, name):
    response = client_for(community_staff).get(page_url(name, programme))

    assert response.status_code == 200
    assert programme.title in response.content.decode()
    assert not response.context["can_run_base"]


@pytest.mark.parametrize("name", STREET_PAGES)
def test_community_staff_cannot_change_the_base(community_staff, programme, name):
    client = client_for(community_staff)

    assert client.get(page_url(name, programme)).status_code == 403
    assert client.post(page_url(name, programme), {"title": "改名"}).status_code == 403
    programme.refresh_from_db()
    assert programme.title == "2025年头雁领航工程"


def test_community_staff_cannot_withdraw_a_trainee(community_staff, programme):
    trainee = TraineeFactory(programme=programme)

    response = client_for(community_staff).post(url("trainee_withdraw", trainee.pk))

    assert response.status_code == 403
    trainee.refresh_from_db()
    assert not trainee.withdrawn


def test_community_staff_record_attendance_for_their_own_sessions(community_staff, session):
    wang = TraineeFactory(programme=session.programme)

    response = client_for(community_staff).post(
        url("activity_training", session.activity_id),
        {"form": "attendance", f"status_{wang.pk}": PRESENT},
    )

    assert response.status_code == 302
    assert session.attendance.get().status == PRESENT


def test_community_staff_cannot_attach_or_change_a_session(community_staff, community, programme):
    training = TrainingActivityFactory(community=community)
    client = client_for(community_staff)

    page = client.get(url("activity_training", training.pk))
    response = client.post(
        url("activity_training", training.pk), {"form": "attach", "s-programme": programme.pk}
    )

    assert page.context["forms"]["attach"] is None
    assert response.status_code == 302
    assert not programme.sessions.exists()


def test_sessions_of_a_sibling_community_are_404_for_community_staff(
    sibling_community_staff, session
):
    trainee = TraineeFactory(programme=session.programme)
    client = client_for(sibling_community_staff)

    page = client.get(url("programme_detail", session.programme_id))
    response = client.post(
        url("activity_training", session.activity_id),
        {"form": "attendance", f"status_{trainee.pk}": PRESENT},
    )

    assert page.status_code == 200  # same street: they may read the programme
    assert not page.context["sessions"][0].manageable
    assert response.status_code == 404
    assert not TrainingAttendance.objects.exists()


@pytest.mark.parametrize(
    "name", ["programme_detail", "programme_update", "trainee_create", "activity_training"]
)
def test_another_streets_programme_is_404_for_its_street_staff(
    other_street_staff, programme, session, name
):
    response = client_for(other_street_staff).get(page_url(name, programme, session))

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["programme_detail", "activity_training"])
def test_another_streets_programme_is_404_for_community_staff_there(
    other_community_staff, programme, session, name
):
    response = client_for(other_community_staff).get(page_url(name, programme, session))

    assert response.status_code == 404


def test_another_streets_programmes_are_not_listed(other_street_staff, programme):
    response = client_for(other_street_staff).get(url("programme_list"))

    assert response.context["programmes"] == []
    assert programme.title not in response.content.decode()


def test_another_streets_trainee_cannot_be_withdrawn(other_street_staff, programme):
    trainee = TraineeFactory(programme=programme)

    response = client_for(other_street_staff).post(url("trainee_withdraw", trainee.pk))

    assert response.status_code == 404
    trainee.refresh_from_db()
    assert not trainee.withdrawn


def test_another_streets_staff_cannot_post_to_a_programme(other_street_staff, programme):
    response = client_for(other_street_staff).post(
        url("trainee_create", programme.pk), {"category": "other", "name": "外人"}
    )

    assert response.status_code == 404
    assert not Trainee.objects.exists()


HOSTILE_POST = {
    "form": "attendance",
    "street": "1; DROP TABLE",
    "year": "9999",
    "track": "<script>",
    "title": "\x00" * 3,
    "name": "x" * 5000,
    "category": "mayor",
    "s-programme": "-1",
}
PERSONAS = [
    None,
    "resident",
    "other_street_staff",
    "other_community_staff",
    "sibling_community_staff",
    "community_staff",
    "street_staff",
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_fails_on_hostile_requests(request, persona, programme, session):
    user = request.getfixturevalue(persona) if persona else None
    client = client_for(user)
    trainee = TraineeFactory(programme=programme)
    paths = [page_url(name, programme, session) for name in (*READ_PAGES, *STREET_PAGES)]
    paths += [url("activity_training", session.activity_id), url("trainee_withdraw", 999999)]

    hostile = HOSTILE_POST | {f"status_{trainee.pk}": "late", f"score_{trainee.pk}": "1e999"}

    for path in paths:
        assert client.get(path).status_code < 500
        assert client.post(path, hostile).status_code < 500
        assert (
            client.get(
                path, {"year": "x" * 300, "track": "\x00", "programme": "9" * 40}
            ).status_code
            < 500
        )

    assert TrainingProgramme.objects.count() == 1
    assert list(Trainee.objects.all()) == [trainee]
    assert not TrainingAttendance.objects.exists()


# --- the list and the programme page -------------------------------------------------------------


def test_the_list_filters_by_year_and_track(street_staff, street):
    ProgrammeFactory(street=street, year=2024, title="旧")
    wanted = ProgrammeFactory(
        street=street, year=2025, track=TrainingProgramme.Track.SKILLS_CONTEST, title="比武"
    )
    ProgrammeFactory(street=street, year=2025, title="头雁")
    client = client_for(street_staff)

    response = client.get(url("programme_list"), {"year": "2025", "track": "skills_contest"})
    hostile = client.get(url("programme_list"), {"year": "99999999999", "track": "x"})

    assert response.context["programmes"] == [wanted]
    assert hostile.status_code == 200
    assert hostile.context["filter"].errors


def test_progress_counts_held_sessions_against_planned(street_staff, programme, community):
    held_session(programme, community)
    completed = held_session(programme, community)
    Activity.objects.filter(pk=completed.activity_id).update(
        status=Activity.Status.COMPLETED, ends_at=timezone.now() + timedelta(hours=1)
    )
    SessionFactory(programme=programme, activity=TrainingActivityFactory(community=community))
    cancelled = held_session(programme, community)
    Activity.objects.filter(pk=cancelled.activity_id).update(status=Activity.Status.CANCELLED)

    listed = client_for(street_staff).get(url("programme_list")).context["programmes"][0]
    page = client_for(street_staff).get(url("programme_detail", programme.pk)).context

    assert (listed.held_sessions, listed.planned_sessions, listed.progress_percent) == (2, 4, 50)
    assert page["programme"].held_sessions == 2
    assert [s.is_held for s in page["sessions"]].count(True) == 2


def test_attendance_rate_counts_only_held_sessions_and_active_trainees(
    street_staff, programme, community
):
    first, second = held_session(programme, community), held_session(programme, community)
    upcoming = SessionFactory(
        programme=programme, activity=TrainingActivityFactory(community=community)
    )
    wang, li, gone = (
        TraineeFactory(programme=programme, name=name) for name in ("王强", "李梅", "退出")
    )
    mark(first, wang, PRESENT)
    mark(second, wang, ABSENT)
    mark(upcoming, wang, PRESENT)  # not held yet: not counted
    mark(first, li, PRESENT)
    mark(second, li, EXCUSED)  # excused: counts neither way
    mark(first, gone, ABSENT)
    mark(second, gone, ABSENT)
    Trainee.objects.filter(pk=gone.pk).update(withdrawn=True)
    client = client_for(street_staff)

    listed = client.get(url("programme_list")).context["programmes"][0]
    page = client.get(url("programme_detail", programme.pk)).context
    rates = {t.name: t.attendance_rate for t in page["trainees"]}

    assert (listed.trainee_count, listed.attendance_rate) == (2, 67)  # 2 present of 3 counted
    assert page["programme"].attendance_rate == 67
    assert rates["王强"] == 50
    assert rates["李梅"] == 100
    assert [t.name for t in page["trainees"]][-1] == "退出"  # kept, listed last


def test_the_contest_ranking_shares_ranks_on_ties(street_staff, street, community):
    contest = ProgrammeFactory(street=street, track=TrainingProgramme.Track.SKILLS_CONTEST)
    rounds = [held_session(contest, community) for _ in range(2)]
    cancelled = held_session(contest, community)
    totals = {"甲": (90, 90), "乙": (85, 85), "丙": (80, 90), "丁": (75, 75), "退出": (100, 100)}
    for name, scores in totals.items():
        trainee = TraineeFactory(programme=contest, name=name, withdrawn=name == "退出")
        for session, score in zip(rounds, scores, strict=True):
            trainee.scores.create(session=session, score=Decimal(score))
        trainee.scores.create(session=cancelled, score=Decimal("100"))
    Activity.objects.filter(pk=cancelled.activity_id).update(status=Activity.Status.CANCELLED)
    TraineeFactory(programme=contest, name="未评分")

    ranking = client_for(street_staff).get(url("programme_detail", contest.pk)).context["ranking"]

    assert [(r.rank, r.trainee.name, r.total) for r in ranking] == [
        (1, "甲", Decimal("180")),
        (2, "丙", Decimal("170")),
        (2, "乙", Decimal("170")),
        (4, "丁", Decimal("150")),
    ]


def test_ranking_helper_skips_ranks_after_ties():
    people = []
    for pk, total in [(1, 10), (2, 9), (3, 9), (4, 9), (5, 1)]:
        person = Trainee(pk=pk, name=str(pk), withdrawn=False)
        person.total_score = Decimal(total)
        people.append(person)

    assert [r.rank for r in queries.ranking(people)] == [1, 2, 2, 2, 5]


def test_trainees_link_to_their_records(street_staff, programme, street, community):
    worker = SocialWorker.objects.create(street=street, name="陈静")
    unit = SocialOrganisation.objects.create(
        street=street, name="平城区社创中心", category=SocialOrganisation.Category.INCUBATOR
    )
    volunteer = VolunteerFactory(community=community)
    TraineeFactory(programme=programme, category="social_worker", social_worker=worker)
    TraineeFactory(programme=programme, category="organisation", organisation=unit)
    TraineeFactory(programme=programme, category="volunteer", volunteer=volunteer)

    content = client_for(street_staff).get(url("programme_detail", programme.pk)).content.decode()

    assert reverse("communities:socialworker_detail", args=[worker.pk]) in content
    assert reverse("communities:organisation_detail", args=[unit.pk]) in content
    assert reverse("volunteers:manage_detail", args=[volunteer.pk]) in content


def test_the_kind_staff_link_leads_to_the_training_page(street_staff, session):
    page = client_for(street_staff).get(url("activity_manage", session.activity_id))

    assert url("activity_training", session.activity_id) in page.content.decode()


# --- the public part -----------------------------------------------------------------------------


def test_the_public_page_shows_programme_topic_and_instructors_not_trainees(
    session, street, django_assert_max_num_queries
):
    instructor = InstructorFactory(street=street, name="郝老师", title="心理学老师")
    session.instructors.add(instructor)
    TraineeFactory(programme=session.programme, name="王秘密")

    with django_assert_max_num_queries(2):
        context = public_part_context(session.activity)
    content = client_for(None).get(session.activity.get_absolute_url()).content.decode()

    assert context["training_session"] == session
    assert session.programme.title in content
    assert session.topic in content
    assert "郝老师" in content and "心理学老师" in content
    assert "王秘密" not in content


def test_a_training_activity_without_a_programme_shows_no_part(community):
    training = TrainingActivityFactory(community=community)

    response = client_for(None).get(training.get_absolute_url())

    assert response.status_code == 200
    assert public_part_context(training) == {"training_session": None}


# --- query counts --------------------------------------------------------------------------------


def count_queries(client, path) -> int:
    client.get(path)  # the first request of a session also saves the session
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


def grow_programme(programme, community, sessions: int, trainees: int) -> None:
    people = [TraineeFactory(programme=programme, community=community) for _ in range(trainees)]
    for _ in range(sessions):
        session = held_session(programme, community)
        session.instructors.add(InstructorFactory(street=programme.street))
        for person in people:
            mark(session, person, PRESENT)
            person.scores.create(session=session, score=Decimal("80"))
    programme.instructors.add(InstructorFactory(street=programme.street))


def test_programme_list_queries_stay_flat(street_staff, street, community):
    client = client_for(street_staff)
    grow_programme(ProgrammeFactory(street=street, year=2024), community, 1, 1)
    small = count_queries(client, url("programme_list"))

    for year in range(2010, 2020):
        grow_programme(ProgrammeFactory(street=street, year=year), community, 2, 3)

    assert count_queries(client, url("programme_list")) == small


@pytest.mark.parametrize("track", list(TrainingProgramme.Track))
def test_programme_page_queries_stay_flat(street_staff, street, community, track):
    client = client_for(street_staff)
    programme = ProgrammeFactory(street=street, track=track)
    grow_programme(programme, community, 1, 1)
    small = count_queries(client, url("programme_detail", programme.pk))

    grow_programme(programme, community, 4, 8)
    VolunteerFactory(community=community)
    TraineeFactory(
        programme=programme,
        category="volunteer",
        volunteer=VolunteerFactory(community=community),
    )

    assert count_queries(client, url("programme_detail", programme.pk)) == small


@pytest.mark.parametrize("track", list(TrainingProgramme.Track))
def test_activity_training_queries_stay_flat(street_staff, street, community, track):
    client = client_for(street_staff)
    programme = ProgrammeFactory(street=street, track=track)
    session = held_session(programme, community)
    TraineeFactory(programme=programme, community=community)
    InstructorFactory(street=street)
    page = url("activity_training", session.activity_id)
    small = count_queries(client, page)

    for person in TraineeFactory.create_batch(12, programme=programme, community=community):
        mark(session, person, PRESENT)
        if programme.is_contest:
            person.scores.create(session=session, score=Decimal("75.5"))
    session.instructors.add(*InstructorFactory.create_batch(4, street=street))

    assert count_queries(client, page) == small


def test_unattached_activity_training_queries_stay_flat(street_staff, street, community):
    client = client_for(street_staff)
    training = TrainingActivityFactory(community=community)
    ProgrammeFactory(street=street)
    page = url("activity_training", training.pk)
    small = count_queries(client, page)

    for track in TrainingProgramme.Track.values[1:]:
        ProgrammeFactory(street=street, track=track)
    InstructorFactory.create_batch(5, street=street)

    assert count_queries(client, page) == small


@pytest.mark.parametrize("instructor", [str(2**63), "9" * 30, str(-(2**63) - 1)])
def test_an_instructor_id_beyond_64_bits_is_a_form_error(
    programme, street, street_staff, instructor
):
    """Regression: the ``__in`` query raised OverflowError on SQLite (a 500)."""
    data = {"topic": "", "instructors": instructor, "year": "2025", "track": "lead_geese"}
    data |= {"title": "头雁", "planned_sessions": "4"}

    response = client_for(street_staff).post(url("programme_update", programme.pk), data)

    assert response.status_code == 200
    assert "instructors" in response.context["form"].errors
