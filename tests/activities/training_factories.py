"""factory_boy factories for the training base (activities.models.training)."""

from datetime import timedelta

import factory
from django.utils import timezone

from activities.models import (
    Activity,
    Instructor,
    Trainee,
    TrainingProgramme,
    TrainingSession,
)
from tests.activities.factories import ActivityFactory
from tests.factories import StreetFactory, UserFactory


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingProgramme

    street = factory.SubFactory(StreetFactory)
    year = 2025
    track = TrainingProgramme.Track.LEAD_GEESE
    title = factory.Sequence(lambda n: f"头雁领航工程第{n}期")
    planned_sessions = 4
    created_by = factory.SubFactory(UserFactory)


class InstructorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instructor

    street = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"老师{n}")
    title = "专业社工老师"


class TraineeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trainee

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"学员{n}")
    category = Trainee.Category.OTHER


class TrainingActivityFactory(ActivityFactory):
    """A training activity; ``held=True`` puts it in the past (a held session)."""

    class Params:
        held = factory.Trait(
            starts_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=2)),
        )

    kind = Activity.Kind.TRAINING
    title = factory.Sequence(lambda n: f"社区治理培训第{n}讲")
    venue = "社区治理研学基地"


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    programme = factory.SubFactory(ProgrammeFactory)
    activity = factory.SubFactory(TrainingActivityFactory)
    topic = factory.Sequence(lambda n: f"主题{n}")
