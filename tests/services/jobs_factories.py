"""factory_boy factories for the job board: postings, job seekers, referrals."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from services.models import JobPosting, JobSeeker, Referral
from tests.factories import UserFactory
from tests.services.factories import ServiceStationFactory


class JobPostingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobPosting

    station = factory.SubFactory(ServiceStationFactory)
    employer = factory.Sequence(lambda n: f"和泰物业{n}公司")
    title = "保洁员"
    pay_min = Decimal("3000")
    pay_max = Decimal("4500")
    pay_unit = JobPosting.PayUnit.MONTH
    place = "和泰小区"
    requirements = "身体健康，能吃苦，会打扫卫生"
    contact_name = "王经理"
    contact_phone = "0352-7654321"
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    created_by = factory.SubFactory(UserFactory, is_staff=True)


class JobSeekerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobSeeker

    station = factory.SubFactory(ServiceStationFactory)
    name = factory.Sequence(lambda n: f"求职者{n}")
    phone = factory.Sequence(lambda n: f"136{n:08d}")
    age_band = JobSeeker.AgeBand.FROM_45
    skills = "打扫卫生，做饭"
    wished_work = "保洁"
    availability = "工作日白天"
    share_consent = True
    share_consent_at = factory.LazyFunction(timezone.now)


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    seeker = factory.SubFactory(JobSeekerFactory)
    posting = factory.SubFactory(JobPostingFactory)
    referred_by = factory.SubFactory(UserFactory, is_staff=True)
