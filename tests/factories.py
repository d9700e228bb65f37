"""factory_boy factories for the organisation tree and its people."""

import factory
from django.contrib.auth import get_user_model

from communities.models import (
    Community,
    Compound,
    District,
    ResidentProfile,
    StaffAssignment,
    Street,
)

PASSWORD = "Correct-Horse-7"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ["name"]

    name = "平城区"


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Street

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"测试{n}街道")
    office_address = factory.LazyAttribute(lambda o: f"平城区{o.name}办事处")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    street = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"测试{n}社区")


class CompoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Compound

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"测试{n}小区")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"居民{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ResidentProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResidentProfile

    user = factory.SubFactory(UserFactory)
    community = factory.SubFactory(CommunityFactory)


class StaffAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffAssignment

    user = factory.SubFactory(UserFactory, is_staff=True)
    community = factory.SubFactory(CommunityFactory)
    street = None
    role = StaffAssignment.Role.STAFF
