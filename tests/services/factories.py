"""factory_boy factories for the service station: stations, providers, hours, items, produce."""

from datetime import time
from decimal import Decimal

import factory

from services.models import (
    Product,
    Reservation,
    ServiceItem,
    ServiceProvider,
    ServiceStation,
    WorkingHours,
)
from tests.factories import CommunityFactory, UserFactory


class ServiceStationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceStation

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"测试{n}便民服务站")
    address = "和泰社区服务中心一楼"
    opening_hours = "周一至周六 8:30–17:30"
    contact_phone = "0352-1234567"
    description = "一老一小一站式服务。"


class ServiceProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceProvider

    station = factory.SubFactory(ServiceStationFactory)
    name = factory.Sequence(lambda n: f"测试{n}理发店")
    category = ServiceProvider.Category.BARBER
    contact_name = "王师傅"
    contact_phone = factory.Sequence(lambda n: f"137{n:08d}")
    description = "社区老字号理发店。"


class WorkingHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingHours

    provider = factory.SubFactory(ServiceProviderFactory)
    weekday = WorkingHours.Weekday.MONDAY
    opens = time(9, 0)
    closes = time(12, 0)


class ServiceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceItem

    provider = factory.SubFactory(ServiceProviderFactory)
    name = factory.Sequence(lambda n: f"理发{n}")
    description = "剪发、修面。"
    price = Decimal("15.00")
    special_price = None
    special_groups = factory.LazyFunction(list)
    duration_minutes = 30
    slot_capacity = 1
    home_visit = False
    home_visit_only_for_special_groups = True


class FarmProviderFactory(ServiceProviderFactory):
    name = factory.Sequence(lambda n: f"驻村工作队{n}")
    category = ServiceProvider.Category.FARM_PRODUCE


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    provider = factory.SubFactory(FarmProviderFactory)
    name = factory.Sequence(lambda n: f"小米{n}")
    origin_village = "新菜区"
    unit = "斤"
    price = Decimal("6.50")
    stock = 20
    pickup_time = "每周六 9:00–11:00 在服务站"


class ReservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reservation

    product = factory.SubFactory(ProductFactory)
    resident = factory.SubFactory(UserFactory)
    quantity = 1
    price = factory.LazyAttribute(lambda o: o.product.price * o.quantity)
