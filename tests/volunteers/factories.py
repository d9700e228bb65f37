"""factory_boy factories for volunteers, their teams, roles on activities and service records."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.db.models import F
from django.utils import timezone

from activities.models import Activity
from tests.activities.factories import ActivityFactory
from tests.factories import CommunityFactory, ResidentProfileFactory
from volunteers.models import RoleSignup, ServiceRecord, Volunteer, VolunteerRole, VolunteerTeam


class VolunteerTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VolunteerTeam

    name = factory.Sequence(lambda n: f"第{n}志愿服务队")
    community = factory.SubFactory(CommunityFactory)
    street = factory.LazyAttribute(lambda o: o.community.street if o.community else None)


class VolunteerFactory(factory.django.DjangoModelFactory):
    """An approved volunteer; the account is a resident of the volunteer's community."""

    class Meta:
        model = Volunteer

    community = factory.SubFactory(CommunityFactory)
    user = factory.LazyAttribute(lambda o: ResidentProfileFactory(community=o.community).user)
    skills = "急救"
    status = Volunteer.Status.APPROVED
    decided_at = factory.LazyFunction(timezone.now)


class VolunteerRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VolunteerRole

    activity = factory.SubFactory(ActivityFactory)
    name = factory.Sequence(lambda n: f"岗位{n}")
    slots = 3
    planned_hours = Decimal("2.00")
    description = "摆放共享单车"


class RoleSignupFactory(factory.django.DjangoModelFactory):
    """A confirmed sign-up written directly (keeps ``role.taken`` in step)."""

    class Meta:
        model = RoleSignup
        skip_postgeneration_save = True

    role = factory.SubFactory(VolunteerRoleFactory)
    volunteer = factory.SubFactory(VolunteerFactory)

    @factory.post_generation
    def count_it(obj, create, extracted, **kwargs):
        if create and obj.status == RoleSignup.Status.CONFIRMED:
            VolunteerRole.objects.filter(pk=obj.role_id).update(taken=F("taken") + 1)
            obj.role.refresh_from_db()
            # An update sends no signal: the activity's five-forces flags, as a role's save does.
            Activity.objects.filter(pk=obj.role.activity_id).refresh_forces()


class ServiceRecordFactory(factory.django.DjangoModelFactory):
    """A back-dated (补录) record organised by the volunteer's community."""

    class Meta:
        model = ServiceRecord

    volunteer = factory.SubFactory(VolunteerFactory)
    source = ServiceRecord.Source.BACKFILL
    community = factory.LazyAttribute(lambda o: o.volunteer.community)
    street = factory.LazyAttribute(lambda o: o.volunteer.community.street)
    organiser = "社区居委会"
    title = factory.Sequence(lambda n: f"楼道清扫{n}")
    place = "小区楼道"
    served_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=7))
    hours = Decimal("2.00")
    status = ServiceRecord.Status.PENDING
    recorded_by = factory.LazyAttribute(lambda o: o.volunteer.user)


def verified(volunteer, hours, **fields) -> ServiceRecord:
    """A verified record of ``hours`` for ``volunteer``."""
    return ServiceRecordFactory(
        volunteer=volunteer,
        hours=Decimal(str(hours)),
        status=ServiceRecord.Status.VERIFIED,
        decided_at=timezone.now(),
        **fields,
    )
