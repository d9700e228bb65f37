"""The training base's rules, through its pages as street staff use them: programmes once a year,
instructors, trainees linked to their records, sessions, attendance and contest scores.

The Chinese catalogue is written afterwards, so tests check status codes, the database, which
form field has an error and figures on the page, never translated message text.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from activities.models import (
    Activity,
    Instructor,
    Trainee,
    TrainingAttendance,
    TrainingProgramme,
    TrainingScore,
    TrainingSession,
)
from activities.parts.training import actions
from communities.models import SocialOrganisation, SocialWorker
from tests.activities.factories import ActivityFactory
from tests.activities.training_factories import (
    InstructorFactory,
    ProgrammeFactory,
    SessionFactory,
    TraineeFactory,
    TrainingActivityFactory,
)
from tests.conftest import client_for
from tests.factories import ResidentProfileFactory, StaffAssignmentFactory
from tests.volunteers.factories import VolunteerFactory
from volunteers.models import Volunteer

Track = TrainingProgramme.Track
Category = Trainee.Category
PRESENT, ABSENT, EXCUSED = (
    TrainingAttendance.Status.PRESENT,
    TrainingAttendance.Status.ABSENT,
    TrainingAttendance.Status.EXCUSED,
)


def url(name: str, *args) -> str:
    return reverse(f"activities:{name}", args=args)


def programme_data(street, **overrides) -> dict:
    data = {
        "street": street.pk,
        "year": "2025",
        "track": Track.LEAD_GEESE,
        "title": "2025年头雁领航工程",
        "goal": "提升社区两委班子的治理能力。",
        "planned_sessions": "6",
    }
    return data | overrides


def social_worker(street, community=None, **fields) -> SocialWorker:
    return SocialWorker.objects.create(street=street, community=community, name="陈静", **fields)


def organisation(street, community=None, name="平城区社创中心") -> SocialOrganisation:
    return SocialOrganisation.objects.create(
        street=street,
        community=community,
        name=name,
        category=SocialOrganisation.Category.INCUBATOR,
    )


def field_errors(response, form_key: str = "form") -> dict:
    form = response.context[form_key]
    return form.errors


# --- programmes ----------------------------------------------------------------------------------


def test_street_staff_create_a_programme(street_staff, street):
    instructor = InstructorFactory(street=street)
    response = client_for(street_staff).post(
        url("programme_create"), programme_data(street, instructors=[instructor.pk])
    )

    programme = TrainingProgramme.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("programme_detail", programme.pk)
    assert (programme.street, programme.year, programme.track) == (street, 2025, Track.LEAD_GEESE)
    assert programme.created_by == street_staff
    assert list(programme.instructors.all()) == [instructor]


def test_a_second_programme_of_the_same_street_year_and_track_is_refused(street_staff, street):
    ProgrammeFactory(street=street, year=2025, track=Track.LEAD_GEESE)

    response = client_for(street_staff).post(url("programme_create"), programme_data(street))

    assert response.status_code == 200
    assert list(field_errors(response)) == ["track"]
    assert TrainingProgramme.objects.count() == 1


def test_the_same_track_in_another_year_is_allowed(street_staff, street):
    ProgrammeFactory(street=street, year=2024, track=Track.LEAD_GEESE)

    response = client_for(street_staff).post(url("programme_create"), programme_data(street))

    assert response.status_code == 302
    assert TrainingProgramme.objects.count() == 2


def test_changing_a_programme_into_a_duplicate_is_refused(street_staff, street):
    ProgrammeFactory(street=street, year=2025, track=Track.SEEDLINGS)
    programme = ProgrammeFactory(street=street, year=2025, track=Track.LEAD_GEESE)

    response = client_for(street_staff).post(
        url("programme_update", programme.pk), programme_data(street, track=Track.SEEDLINGS)
    )

    assert response.status_code == 200
    assert "track" in field_errors(response)
    programme.refresh_from_db()
    assert programme.track == Track.LEAD_GEESE


def test_street_staff_change_a_programme_and_its_instructors(street_staff, street):
    programme = ProgrammeFactory(street=street, planned_sessions=4)
    instructor = InstructorFactory(street=street, title="心理学老师")

    response = client_for(street_staff).post(
        url("programme_update", programme.pk),
        programme_data(street, planned_sessions="8", instructors=[instructor.pk]) | {"street": ""},
    )

    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.planned_sessions == 8
    assert programme.street == street
    assert list(programme.instructors.all()) == [instructor]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("year", "9999"),
        ("year", "1999"),
        ("year", "二〇二五"),
        ("year", ""),
        ("track", "unknown"),
        ("title", ""),
        ("title", "长" * 121),
        ("goal", "长" * 3001),
        ("planned_sessions", "0"),
        ("planned_sessions", "-3"),
        ("planned_sessions", "101"),
        ("planned_sessions", "four"),
        ("title", "bad\x00title"),
    ],
)
def test_bad_programme_input_is_refused_on_its_field(street_staff, street, field, value):
    response = client_for(street_staff).post(
        url("programme_create"), programme_data(street, **{field: value})
    )

    assert response.status_code == 200
    assert field in field_errors(response)
    assert not TrainingProgramme.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"), [("year", "9999"), ("title", ""), ("planned_sessions", "-1")]
)
def test_bad_input_on_the_programme_edit_form_changes_nothing(street_staff, street, field, value):
    programme = ProgrammeFactory(street=street, title="原标题", year=2025, planned_sessions=4)

    response = client_for(street_staff).post(
        url("programme_update", programme.pk), programme_data(street, **{field: value})
    )

    assert field in field_errors(response)
    programme.refresh_from_db()
    assert (programme.title, programme.year, programme.planned_sessions) == ("原标题", 2025, 4)


def test_a_programme_of_another_street_cannot_be_created(street_staff, street, other_street):
    response = client_for(street_staff).post(url("programme_create"), programme_data(other_street))

    assert response.status_code == 200
    assert "street" in field_errors(response)
    assert not TrainingProgramme.objects.exists()


def test_instructors_of_another_street_are_not_offered_nor_accepted(
    street_staff, street, other_street
):
    stranger = InstructorFactory(street=other_street)
    client = client_for(street_staff)

    page = client.get(url("programme_create"))
    response = client.post(
        url("programme_create"), programme_data(street, instructors=[stranger.pk])
    )

    assert stranger not in page.context["form"].fields["instructors"].queryset
    assert "instructors" in field_errors(response)
    assert not TrainingProgramme.objects.exists()


def test_the_action_refuses_an_instructor_of_another_street(street_staff, street, other_street):
    with pytest.raises(ValidationError) as caught:
        actions.programme_create(
            street=street,
            year=2025,
            track=Track.SEEDLINGS,
            title="岗位育苗",
            planned_sessions=4,
            instructors=[InstructorFactory(street=other_street)],
            by=street_staff,
        )

    assert "instructors" in caught.value.error_dict
    assert not TrainingProgramme.objects.exists()


# --- instructors ---------------------------------------------------------------------------------


def test_an_instructor_linked_to_a_social_worker_takes_their_name(street_staff, street):
    worker = social_worker(street)

    response = client_for(street_staff).post(
        url("instructor_create"),
        {"street": street.pk, "social_worker": worker.pk, "name": "", "title": "专业社工老师"},
    )

    assert response.status_code == 302
    instructor = Instructor.objects.get()
    assert (instructor.name, instructor.social_worker) == ("陈静", worker)


def test_an_instructor_created_from_a_programme_goes_back_to_it(street_staff, street):
    programme = ProgrammeFactory(street=street)

    response = client_for(street_staff).post(
        f"{url('instructor_create')}?programme={programme.pk}",
        {"street": street.pk, "name": "郝老师", "title": "心理学老师"},
    )

    assert response["Location"] == url("programme_update", programme.pk)


@pytest.mark.parametrize(
    "overrides",
    [
        {"title": ""},
        {"name": "", "social_worker": ""},
        {"name": "长" * 51},
        {"title": "长" * 61},
        {"organisation": "长" * 101},
        {"street": "999999"},
        {"social_worker": "abc"},
    ],
)
def test_bad_instructor_input_is_refused(street_staff, street, overrides):
    data = {"street": street.pk, "name": "郝老师", "title": "心理学老师", "organisation": ""}

    response = client_for(street_staff).post(url("instructor_create"), data | overrides)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Instructor.objects.exists()


def test_a_duplicate_instructor_is_refused_with_a_message_on_the_name(street_staff, street):
    InstructorFactory(street=street, name="郝老师", title="心理学老师")

    response = client_for(street_staff).post(
        url("instructor_create"), {"street": street.pk, "name": "郝老师", "title": "心理学老师"}
    )

    assert "name" in field_errors(response)
    assert Instructor.objects.count() == 1


def test_an_instructor_cannot_be_a_social_worker_out_of_scope(street_staff, street, other_street):
    stranger = social_worker(other_street)

    response = client_for(street_staff).post(
        url("instructor_create"),
        {"street": street.pk, "social_worker": stranger.pk, "title": "专业社工老师"},
    )

    assert "social_worker" in field_errors(response)
    assert not Instructor.objects.exists()


def test_the_action_refuses_a_social_worker_of_another_street(street_staff, street, other_street):
    with pytest.raises(ValidationError):
        actions.instructor_create(
            street=street, title="老师", social_worker=social_worker(other_street), by=street_staff
        )


# --- trainees ------------------------------------------------------------------------------------


def trainee_data(**overrides) -> dict:
    data = {
        "category": Category.OTHER,
        "name": "",
        "community": "",
        "staff_post": "",
        "social_worker": "",
        "volunteer": "",
        "organisation": "",
    }
    return data | overrides


@pytest.fixture
def programme(street):
    return ProgrammeFactory(street=street)


def add_trainee(user, programme, **data):
    return client_for(user).post(url("trainee_create", programme.pk), trainee_data(**data))


def test_a_volunteer_trainee_takes_name_and_community_from_the_record(
    street_staff, programme, community
):
    volunteer = VolunteerFactory(
        community=community,
        user=ResidentProfileFactory(community=community, user__name="刘洋").user,
    )

    response = add_trainee(
        street_staff, programme, category=Category.VOLUNTEER, volunteer=volunteer.pk
    )

    assert response.status_code == 302
    trainee = Trainee.objects.get()
    assert (trainee.name, trainee.community, trainee.volunteer) == ("刘洋", community, volunteer)


def test_a_committee_leader_is_linked_through_their_staff_post(street_staff, programme, community):
    post = StaffAssignmentFactory(community=community, user__name="马书记")

    add_trainee(street_staff, programme, category=Category.COMMITTEE, staff_post=post.pk)

    trainee = Trainee.objects.get()
    assert (trainee.name, trainee.staff_user, trainee.community) == ("马书记", post.user, community)


def test_a_committee_leader_must_hold_a_post_in_the_trainees_community(
    street_staff, programme, community, sibling_community
):
    post = StaffAssignmentFactory(community=community)

    response = add_trainee(
        street_staff,
        programme,
        category=Category.COMMITTEE,
        staff_post=post.pk,
        community=sibling_community.pk,
    )

    assert "staff_post" in field_errors(response)
    assert not Trainee.objects.exists()


def test_social_worker_and_organisation_trainees_link_their_records(
    street_staff, programme, street
):
    worker = social_worker(street)
    unit = organisation(street)
    client = client_for(street_staff)

    client.post(
        url("trainee_create", programme.pk),
        trainee_data(category=Category.SOCIAL_WORKER, social_worker=worker.pk),
    )
    client.post(
        url("trainee_create", programme.pk),
        trainee_data(category=Category.ORGANISATION, organisation=unit.pk, name="周敏"),
    )

    by_name = {t.name: t for t in Trainee.objects.all()}
    assert by_name["陈静"].social_worker == worker
    assert by_name["周敏"].organisation == unit


@pytest.mark.parametrize(
    "category", [Category.SOCIAL_WORKER, Category.COMMITTEE, Category.OTHER, Category.ORGANISATION]
)
def test_a_record_of_another_group_is_refused(street_staff, programme, community, category):
    volunteer = VolunteerFactory(community=community)

    response = add_trainee(street_staff, programme, category=category, volunteer=volunteer.pk)

    assert response.status_code == 200
    assert "volunteer" in field_errors(response)
    assert not Trainee.objects.exists()


def test_records_of_another_street_are_not_offered_nor_accepted(
    street_staff, programme, other_street, other_community
):
    volunteer = VolunteerFactory(community=other_community)
    worker = social_worker(other_street)
    unit = organisation(other_street, name="鹿苑志愿协会")
    post = StaffAssignmentFactory(community=other_community)
    client = client_for(street_staff)

    form = client.get(url("trainee_create", programme.pk)).context["form"]
    assert volunteer not in form.fields["volunteer"].queryset
    assert worker not in form.fields["social_worker"].queryset
    assert post not in form.fields["staff_post"].queryset
    assert other_community not in form.fields["community"].queryset
    for category, field, record in [
        (Category.VOLUNTEER, "volunteer", volunteer),
        (Category.SOCIAL_WORKER, "social_worker", worker),
        (Category.ORGANISATION, "organisation", unit),
        (Category.COMMITTEE, "staff_post", post),
    ]:
        response = client.post(
            url("trainee_create", programme.pk),
            trainee_data(category=category, name="某人", **{field: record.pk}),
        )
        assert field in field_errors(response)
    response = client.post(
        url("trainee_create", programme.pk), trainee_data(name="某人", community=other_community.pk)
    )
    assert "community" in field_errors(response)
    assert not Trainee.objects.exists()


def test_volunteers_not_yet_approved_are_not_offered(street_staff, programme, community):
    pending = VolunteerFactory(community=community, status=Volunteer.Status.PENDING)

    response = add_trainee(
        street_staff, programme, category=Category.VOLUNTEER, volunteer=pending.pk
    )

    assert "volunteer" in field_errors(response)


def test_the_action_refuses_a_record_of_another_street(street_staff, programme, other_street):
    with pytest.raises(ValidationError) as caught:
        actions.trainee_create(
            programme=programme,
            category=Category.SOCIAL_WORKER,
            social_worker=social_worker(other_street),
            by=street_staff,
        )

    assert "social_worker" in caught.value.error_dict


@pytest.mark.parametrize(
    "overrides",
    [
        {"name": ""},  # no name and no record
        {"name": "长" * 51},
        {"category": "mayor"},
        {"category": ""},
        {"community": "abc"},
        {"volunteer": "999999"},
        {"name": "bad\x07name"},
    ],
)
def test_bad_trainee_input_is_refused(street_staff, programme, overrides):
    response = add_trainee(street_staff, programme, **({"name": "王强"} | overrides))

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Trainee.objects.exists()


def test_the_same_trainee_twice_is_refused(street_staff, programme, community):
    TraineeFactory(programme=programme, name="王强", community=community)

    response = add_trainee(street_staff, programme, name="王强", community=community.pk)

    assert "name" in field_errors(response)
    assert Trainee.objects.count() == 1


def test_withdrawing_keeps_the_trainee_and_their_attendance(street_staff, programme, community):
    trainee = TraineeFactory(programme=programme)
    session = SessionFactory(
        programme=programme, activity=TrainingActivityFactory(community=community, held=True)
    )
    TrainingAttendance.objects.create(session=session, trainee=trainee, status=PRESENT)
    client = client_for(street_staff)

    response = client.post(url("trainee_withdraw", trainee.pk))
    again = client.post(url("trainee_withdraw", trainee.pk), follow=True)

    assert response["Location"] == url("programme_detail", programme.pk)
    trainee.refresh_from_db()
    assert trainee.withdrawn
    assert trainee.attendance.count() == 1
    assert [m.level_tag for m in again.context["messages"]][-1] == "error"


# --- sessions ------------------------------------------------------------------------------------


@pytest.fixture
def training(community, street_staff):
    """A published training activity of ``community`` in three days."""
    return TrainingActivityFactory(community=community, created_by=street_staff)


def attach(user, activity, programme, **data):
    return client_for(user).post(
        url("activity_training", activity.pk),
        {"form": "attach", "s-programme": programme.pk, "s-topic": "矛盾调解", **data},
    )


def test_street_staff_attach_a_training_activity_to_a_programme(
    street_staff, training, programme, street
):
    instructor = InstructorFactory(street=street)

    response = attach(street_staff, training, programme, **{"s-instructors": [instructor.pk]})

    assert response.status_code == 302
    session = TrainingSession.objects.get()
    assert (session.activity, session.programme, session.topic) == (training, programme, "矛盾调解")
    assert list(session.instructors.all()) == [instructor]


def test_only_training_activities_have_a_training_page(street_staff, community, programme):
    drill = ActivityFactory(community=community, kind=Activity.Kind.FIRE_DRILL)

    assert client_for(street_staff).get(url("activity_training", drill.pk)).status_code == 404
    assert attach(street_staff, drill, programme).status_code == 404
    with pytest.raises(ValidationError):
        actions.session_attach(activity=drill, programme=programme, by=street_staff)
    assert not TrainingSession.objects.exists()


def test_a_cancelled_activity_cannot_be_attached(street_staff, training, programme):
    Activity.objects.filter(pk=training.pk).update(status=Activity.Status.CANCELLED)

    response = attach(street_staff, training, programme)

    assert response.status_code == 200
    assert response.context["forms"]["attach"].non_field_errors()
    assert not TrainingSession.objects.exists()


def test_a_programme_of_another_street_cannot_be_chosen(
    street_staff, training, other_street, admin_user
):
    stranger = ProgrammeFactory(street=other_street)

    response = attach(street_staff, training, stranger)
    admin_response = attach(admin_user, training, stranger)  # sees every street: action says no

    assert "programme" in response.context["forms"]["attach"].errors
    assert "programme" in admin_response.context["forms"]["attach"].errors
    assert not TrainingSession.objects.exists()


def test_an_activity_is_a_session_of_one_programme_only(street_staff, training, programme, street):
    SessionFactory(programme=programme, activity=training)
    other = ProgrammeFactory(street=street, track=Track.SEEDLINGS)

    with pytest.raises(ValidationError):
        actions.session_attach(activity=training, programme=other, by=street_staff)
    response = attach(street_staff, training, other)  # the page offers no attach form any more

    assert response.status_code == 302
    assert TrainingSession.objects.get().programme == programme


@pytest.mark.parametrize(
    "data",
    [
        {"s-programme": ""},
        {"s-programme": "abc"},
        {"s-topic": "长" * 121},
        {"s-instructors": ["999999"]},
    ],
)
def test_bad_attach_input_is_refused(street_staff, training, programme, data):
    response = attach(street_staff, training, programme, **data)

    assert response.status_code == 200
    assert response.context["forms"]["attach"].errors
    assert not TrainingSession.objects.exists()


def test_street_staff_change_the_session_topic_and_instructors(
    street_staff, training, programme, street
):
    session = SessionFactory(programme=programme, activity=training, topic="旧主题")
    instructor = InstructorFactory(street=street)

    response = client_for(street_staff).post(
        url("activity_training", training.pk),
        {"form": "session", "s-topic": "新主题", "s-instructors": [instructor.pk]},
    )

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.topic == "新主题"
    assert list(session.instructors.all()) == [instructor]


@pytest.mark.parametrize(
    "data", [{"s-topic": "长" * 121}, {"s-instructors": ["abc"]}, {"s-topic": "bad\x00"}]
)
def test_bad_session_input_changes_nothing(street_staff, training, programme, street, data):
    session = SessionFactory(programme=programme, activity=training, topic="旧主题")
    session.instructors.add(InstructorFactory(street=street))

    response = client_for(street_staff).post(
        url("activity_training", training.pk), {"form": "session", **data}
    )

    assert response.status_code == 200
    assert response.context["forms"]["session"].errors
    session.refresh_from_db()
    assert session.topic == "旧主题"
    assert session.instructors.count() == 1


def test_an_unknown_form_changes_nothing(street_staff, training, programme):
    response = client_for(street_staff).post(
        url("activity_training", training.pk), {"form": "hack", "s-programme": programme.pk}
    )

    assert response.status_code == 302
    assert not TrainingSession.objects.exists()


# --- attendance and scores -----------------------------------------------------------------------


@pytest.fixture
def session(programme, community):
    return SessionFactory(
        programme=programme, activity=TrainingActivityFactory(community=community, held=True)
    )


def record(user, session, rows: dict, scores: dict | None = None):
    data = {"form": "attendance"}
    data.update({f"status_{trainee.pk}": status for trainee, status in rows.items()})
    data.update({f"score_{trainee.pk}": value for trainee, value in (scores or {}).items()})
    return client_for(user).post(url("activity_training", session.activity_id), data)


def marks(session) -> dict:
    return dict(session.attendance.values_list("trainee__name", "status"))


def test_attendance_is_saved_for_every_trainee(street_staff, session):
    wang, li = (TraineeFactory(programme=session.programme, name=n) for n in ("王强", "李梅"))

    response = record(street_staff, session, {wang: PRESENT, li: EXCUSED})

    assert response.status_code == 302
    assert marks(session) == {"王强": PRESENT, "李梅": EXCUSED}


def test_recording_again_updates_the_rows(street_staff, session):
    wang = TraineeFactory(programme=session.programme, name="王强")
    record(street_staff, session, {wang: ABSENT})

    record(street_staff, session, {wang: PRESENT})

    assert marks(session) == {"王强": PRESENT}


@pytest.mark.parametrize("bad", ["", "late", None])
def test_one_bad_row_saves_nothing_and_marks_that_row(street_staff, session, bad):
    wang, li = (TraineeFactory(programme=session.programme, name=n) for n in ("王强", "李梅"))
    rows = {wang: PRESENT} if bad is None else {wang: PRESENT, li: bad}

    response = record(street_staff, session, rows)

    assert response.status_code == 200
    assert list(response.context["forms"]["attendance"].errors) == [f"status_{li.pk}"]
    assert not TrainingAttendance.objects.exists()


def test_the_action_saves_nothing_when_one_trainee_is_not_allowed(street_staff, session):
    wang = TraineeFactory(programme=session.programme)
    gone = TraineeFactory(programme=session.programme, withdrawn=True)
    outsider = TraineeFactory()

    for bad in (gone, outsider):
        with pytest.raises(ValidationError):
            actions.attendance_record(
                session=session, marks={wang: PRESENT, bad: PRESENT}, by=street_staff
            )

    assert not TrainingAttendance.objects.exists()


def test_withdrawn_trainees_get_no_row(street_staff, session):
    TraineeFactory(programme=session.programme, name="王强")
    TraineeFactory(programme=session.programme, name="退出者", withdrawn=True)

    form = (
        client_for(street_staff)
        .get(url("activity_training", session.activity_id))
        .context["forms"]["attendance"]
    )

    assert [row["trainee"].name for row in form.rows()] == ["王强"]


def test_no_attendance_for_a_cancelled_session(street_staff, session):
    wang = TraineeFactory(programme=session.programme)
    Activity.objects.filter(pk=session.activity_id).update(status=Activity.Status.CANCELLED)
    session.activity.refresh_from_db()

    with pytest.raises(ValidationError):
        actions.attendance_record(session=session, marks={wang: PRESENT}, by=street_staff)
    page = client_for(street_staff).get(url("activity_training", session.activity_id))

    assert b'name="form" value="attendance"' not in page.content
    assert not TrainingAttendance.objects.exists()


@pytest.fixture
def contest(street, community):
    programme = ProgrammeFactory(street=street, track=Track.SKILLS_CONTEST)
    return SessionFactory(
        programme=programme, activity=TrainingActivityFactory(community=community, held=True)
    )


@pytest.mark.parametrize(("value", "stored"), [("0", "0.0"), ("100", "100.0"), ("87.5", "87.5")])
def test_scores_from_0_to_100_are_kept(street_staff, contest, value, stored):
    wang = TraineeFactory(programme=contest.programme)

    response = record(street_staff, contest, {wang: PRESENT}, {wang: value})

    assert response.status_code == 302
    assert TrainingScore.objects.get().score == Decimal(stored)


@pytest.mark.parametrize("value", ["100.1", "-1", "abc", "12.34", "1e9", "NaN", "Infinity"])
def test_scores_outside_0_to_100_are_refused_on_the_row(street_staff, contest, value):
    wang, li = TraineeFactory.create_batch(2, programme=contest.programme)

    response = record(street_staff, contest, {wang: PRESENT, li: PRESENT}, {li: value})

    assert response.status_code == 200
    assert list(response.context["forms"]["attendance"].errors) == [f"score_{li.pk}"]
    assert not TrainingAttendance.objects.exists()
    assert not TrainingScore.objects.exists()


def test_an_empty_score_means_not_scored_and_clears_an_earlier_one(street_staff, contest):
    wang = TraineeFactory(programme=contest.programme)
    record(street_staff, contest, {wang: PRESENT}, {wang: "90"})

    record(street_staff, contest, {wang: PRESENT}, {wang: ""})

    assert not TrainingScore.objects.exists()
    assert marks(contest) == {wang.name: PRESENT}


def test_the_action_refuses_scores_out_of_range(street_staff, contest):
    wang = TraineeFactory(programme=contest.programme)

    with pytest.raises(ValidationError):
        actions.attendance_record(
            session=contest, marks={wang: PRESENT}, scores={wang: Decimal("101")}, by=street_staff
        )

    assert not TrainingAttendance.objects.exists()


def test_scores_are_only_for_the_skills_contest(street_staff, session):
    wang = TraineeFactory(programme=session.programme)

    record(street_staff, session, {wang: PRESENT}, {wang: "90"})  # no score field: ignored
    with pytest.raises(ValidationError):
        actions.attendance_record(
            session=session, marks={wang: PRESENT}, scores={wang: Decimal("90")}, by=street_staff
        )

    assert not TrainingScore.objects.exists()
