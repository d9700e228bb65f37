from datetime import timedelta

import factory
from django.utils import timezone

from activities.models import Activity
from tests.factories import CommunityFactory, UserFactory


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    kind = Activity.Kind.TREE_ADOPTION
    title = factory.Sequence(lambda n: f"绿植领养第{n}期")
    community = factory.SubFactory(CommunityFactory)
    street = factory.LazyAttribute(lambda o: o.community.street if o.community else None)
    venue = "小区东侧绿地"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    capacity = 10
    description = "和孩子一起种下一棵树。"
    status = Activity.Status.PUBLISHED
    created_by = factory.SubFactory(UserFactory)
