"""A small known world for the dashboard tests: October 2026 in 水泊寺街道.

Every figure the dashboards show can be worked out by hand from ``build_world``; the comments
give the expected values. ``grow`` adds the same kinds of rows again (more data, same query
count).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from activities.models import Activity, ActivityPartner, CareLog, Signup, Tree, TreeAdoption
from communities.models import CharitableResource, ResourceAllocation
from governance_portal.dashboards import daily
from services.models import Booking, JobSeeker, TimeSlot
from tests.activities.factories import ActivityFactory
from tests.factories import ResidentProfileFactory, UserFactory
from tests.services.factories import (
    ServiceItemFactory,
    ServiceProviderFactory,
    ServiceStationFactory,
)
from tests.services.jobs_factories import JobSeekerFactory, ReferralFactory
from tests.volunteers.factories import ServiceRecordFactory, VolunteerFactory, verified

MONTH = "2026-10"


def on(day: int, hour: int = 10, month: int = 10) -> datetime:
    """A local moment in 2026 (October unless said)."""
    return timezone.make_aware(datetime.combine(date(2026, month, day), time(hour)))


def activity(community, street=None, **fields) -> Activity:
    starts = fields.pop("starts_at", on(10))
    return ActivityFactory(
        community=community,
        street=street or community.street,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        status=fields.pop("status", Activity.Status.COMPLETED),
        **fields,
    )


def build_world(community, sibling_community, other_community, *, size: int = 1) -> dict:
    """``size`` copies of the rows, so the expected figures are ``size`` × those below.

    community (恒大), per copy: activities 2 (1 completed with a report), cancelled 1, signed up 10,
    capacity 10 with 6 taken (fill 60 %), checked in 3, attendance 8, linked ≥3 forces 1;
    verified hours 4.0 by 2 volunteers, 1 pending; resources 1 worth ¥3000, ¥1200 allocated;
    bookings 3 (2 done, 1 home visit done); seekers registered 2, employed 1, referrals 1;
    adoptions started 1, trees adopted 1 (+1 lost tree), care logged 2 on 1 tree.
    street-wide (水泊寺街道), per copy: activity 1 with capacity 20 and 4 taken, 2.0 hours.
    sibling (向西街), per copy: activity 1 with capacity 10, all 10 taken.
    other street (北辰): activity 1, 5 hours — never in 水泊寺's figures.
    """
    street = community.street
    staff = UserFactory()
    for _copy in range(size):
        # Activities
        linked = activity(
            community, capacity=10, places_taken=6, attendance=8, report="居民种下二十棵树。"
        )
        ActivityPartner.objects.create(
            activity=linked, kind=ActivityPartner.Kind.SOCIAL_ORGANISATION, name="爱心社"
        )
        ActivityPartner.objects.create(
            activity=linked, kind=ActivityPartner.Kind.SOCIAL_WORKER, name="王社工"
        )
        activity(
            community,
            capacity=None,
            places_taken=4,
            status=Activity.Status.PUBLISHED,
            starts_at=on(25),
        )
        activity(community, status=Activity.Status.CANCELLED, cancel_reason="下雨")
        activity(community, status=Activity.Status.DRAFT, places_taken=9)
        activity(community, starts_at=on(28, month=9), places_taken=7)  # September
        activity(None, street=street, capacity=20, places_taken=4)  # street-wide
        activity(sibling_community, capacity=10, places_taken=10)
        activity(other_community, capacity=5, places_taken=5)
        for resident_number, checked in ((2, True), (1, True), (4, False)):
            Signup.objects.create(
                activity=linked,
                resident=ResidentProfileFactory(community=community).user,
                party_size=resident_number,
                status=Signup.Status.ATTENDED if checked else Signup.Status.CONFIRMED,
                checked_in_at=on(10) if checked else None,
            )
        # Volunteers
        first, second = VolunteerFactory(community=community), VolunteerFactory(community=community)
        verified(first, "2.5", served_on=date(2026, 10, 5))
        verified(second, "1.5", served_on=date(2026, 10, 20))
        verified(first, "4", served_on=date(2026, 9, 30))  # September
        ServiceRecordFactory(volunteer=first, hours=Decimal("3"), served_on=date(2026, 10, 6))
        verified(first, "2", served_on=date(2026, 10, 7), community=None)  # street-wide
        verified(VolunteerFactory(community=other_community), "5", served_on=date(2026, 10, 8))
        # Charitable resources
        resource = CharitableResource.objects.create(
            street=street,
            community=community,
            donor_name="刘先生",
            donor_kind=CharitableResource.DonorKind.INDIVIDUAL,
            kind=CharitableResource.Kind.FUNDS,
            description="助老资金",
            value=Decimal("3000"),
            received_on=date(2026, 10, 3),
            recorded_by=staff,
        )
        CharitableResource.objects.create(
            street=street,
            community=community,
            donor_name="某企业",
            donor_kind=CharitableResource.DonorKind.ENTERPRISE,
            kind=CharitableResource.Kind.GOODS,
            description="大米",
            value=Decimal("800"),
            received_on=date(2026, 9, 3),
            recorded_by=staff,
        )
        kept = ResourceAllocation.objects.create(
            resource=resource, activity=linked, value=Decimal("1200"), allocated_by=staff
        )
        released = ResourceAllocation.objects.create(
            resource=resource,
            activity=linked,
            value=Decimal("500"),
            allocated_by=staff,
            released_at=on(12),
            released_by=staff,
            release_reason="取消",
        )
        # Back-dated with an UPDATE (the dates are set on save): the day rows follow.
        with daily.updating("communities.ResourceAllocation", [kept.pk, released.pk]):
            ResourceAllocation.objects.filter(pk__in=[kept.pk, released.pk]).update(
                allocated_at=on(11)
            )
        # The service station
        station = ServiceStationFactory(community=community)
        item = ServiceItemFactory(provider=ServiceProviderFactory(station=station))
        slot = TimeSlot.objects.create(
            item=item, starts_at=on(15), ends_at=on(15) + timedelta(minutes=30), capacity=9
        )
        for status, home in (
            (Booking.Status.DONE, False),
            (Booking.Status.DONE, True),
            (Booking.Status.REQUESTED, False),
            (Booking.Status.CANCELLED, True),
        ):
            Booking.objects.create(
                item=item,
                slot=slot,
                resident=ResidentProfileFactory(community=community).user,
                status=status,
                home_visit=home,
                address="3号楼2单元" if home else "",
                price=Decimal("15"),
            )
        # Jobs
        employed = JobSeekerFactory(station=station, status=JobSeeker.Status.EMPLOYED)
        waiting = JobSeekerFactory(station=station)
        old = JobSeekerFactory(station=station)
        with daily.updating("services.JobSeeker", [employed.pk, waiting.pk, old.pk]):
            JobSeeker.objects.filter(pk__in=[employed.pk, waiting.pk]).update(registered_at=on(4))
            JobSeeker.objects.filter(pk=employed.pk).update(employed_at=on(20))
            JobSeeker.objects.filter(pk=old.pk).update(registered_at=on(4, month=8))
        referral = ReferralFactory(seeker=employed)
        with daily.updating("services.Referral", [referral.pk]):
            type(referral).objects.filter(pk=referral.pk).update(referred_at=on(18))
        # Trees
        adopter = ResidentProfileFactory(community=community).user
        tree = Tree.objects.create(
            community=community,
            name=f"同心树 {Tree.objects.count() + 1}号",
            species="银杏",
            planted_on=date(2026, 3, 12),
            care_due_at=on(30),
            adopter=adopter,
            created_by=staff,
        )
        Tree.objects.create(
            community=community,
            name=f"同心树 {Tree.objects.count() + 1}号",
            species="国槐",
            planted_on=date(2026, 3, 12),
            care_due_at=on(30),
            adopter=adopter,
            status=Tree.Status.LOST,
            created_by=staff,
        )
        adoption = TreeAdoption.objects.create(
            tree=tree, adopter=adopter, started_at=on(2), registered_by=staff
        )
        for day in (6, 20):
            CareLog.objects.create(
                tree=tree,
                adoption=adoption,
                kind=CareLog.Kind.WATER,
                logged_by=adopter,
                logged_at=on(day),
            )
        CareLog.objects.create(
            tree=tree, kind=CareLog.Kind.WATER, logged_by=staff, logged_at=on(2, month=11)
        )
    return {"street": street}
