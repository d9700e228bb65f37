"""Every URL × every persona × GET and POST: never a 500, never another community's data.

Each named URL must be listed in ACCESS; a new URL without an entry fails
``test_every_url_is_classified``, so nobody adds a page without saying who may open it.
"""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from activities import actions
from activities.models import (
    Activity,
    ActivityPartner,
    ActivityPhoto,
    BookShare,
    CareLog,
    ClubMember,
    ClubSession,
    DrillAction,
    DrillGroup,
    DrillReport,
    Instructor,
    ReadingClub,
    Signup,
    Trainee,
    TrainingAttendance,
    TrainingProgramme,
    TrainingScore,
    TrainingSession,
    Tree,
    TreeAdoption,
)
from activities.parts.clubs import actions as club_actions
from activities.parts.drills import actions as drill_actions
from activities.parts.training import actions as training_actions
from activities.parts.trees import actions as tree_actions
from communities import actions as community_actions
from communities.models import (
    CharitableResource,
    Community,
    Compound,
    OrganisationTransition,
    OutsideUnit,
    ResidentProfile,
    ResourceAllocation,
    SocialOrganisation,
    SocialWorker,
    SocialWorkRecord,
    SpecialGroup,
    Street,
    User,
)
from communities.permissions import scope_for
from services.actions import bookings as booking_actions
from services.actions import jobs as job_actions
from services.actions import produce as produce_actions
from services.actions import stations as station_actions
from services.models import (
    Booking,
    JobPosting,
    JobSeeker,
    Product,
    Referral,
    Reservation,
    ServiceItem,
    ServiceProvider,
    ServiceStation,
    TimeSlot,
    WorkingHours,
)
from services.slots import local_moment
from tests.activities.factories import ActivityFactory
from tests.conftest import client_for
from tests.factories import CompoundFactory, ResidentProfileFactory
from volunteers import actions as volunteer_actions
from volunteers.models import (
    Certificate,
    RoleSignup,
    ServiceRecord,
    StarPolicy,
    Volunteer,
    VolunteerRole,
    VolunteerTeam,
)

PUBLIC, LOGIN, RESIDENT, OWNER = "public", "login", "resident", "owner"
COMMUNITY_STAFF, STREET_STAFF = "community", "street"
# A tree's care log: POSTed by the tree's current adopter (the victim resident, not a persona) or
# by staff whose scope covers the tree's community; a GET only redirects to the public tree page.
ADOPTER_OR_STAFF = "adopter_or_staff"

ACCESS = {
    "home": PUBLIC,
    "display_mode": PUBLIC,
    "privacy_notice": PUBLIC,
    "set_language": PUBLIC,
    "audit_log": COMMUNITY_STAFF,
    "login": PUBLIC,
    "logout": PUBLIC,
    "password_change": LOGIN,
    "password_change_done": LOGIN,
    "password_reset": PUBLIC,
    "password_reset_done": PUBLIC,
    "password_reset_confirm": PUBLIC,
    "password_reset_complete": PUBLIC,
    "communities:street_list": PUBLIC,
    "communities:street_detail": PUBLIC,
    "communities:community_detail": PUBLIC,
    "communities:resident_register": PUBLIC,
    "communities:community_list": COMMUNITY_STAFF,
    "communities:community_manage": COMMUNITY_STAFF,
    "communities:community_update": COMMUNITY_STAFF,
    "communities:compound_create": COMMUNITY_STAFF,
    "communities:compound_update": COMMUNITY_STAFF,
    "communities:resident_list": COMMUNITY_STAFF,
    "communities:street_update": STREET_STAFF,
    "communities:resident_password_set": COMMUNITY_STAFF,
    "communities:phone_reveal": COMMUNITY_STAFF,
    "activities:activity_list": PUBLIC,
    "activities:activity_detail": PUBLIC,
    "activities:activity_calendar": PUBLIC,
    "activities:news_list": PUBLIC,
    "activities:calendar_feed": PUBLIC,  # the secret token is the key
    "activities:signup_create": RESIDENT,
    "activities:signup_cancel": OWNER,  # only the resident who signed up
    "activities:self_checkin": LOGIN,
    "activities:me": LOGIN,
    "activities:my_data": LOGIN,
    "activities:notifications_read": LOGIN,
    "activities:calendar_token_reset": RESIDENT,
    "activities:manage_list": COMMUNITY_STAFF,
    "activities:activity_create": COMMUNITY_STAFF,
    "activities:activity_manage": COMMUNITY_STAFF,
    "activities:activity_update": COMMUNITY_STAFF,
    "activities:activity_publish": COMMUNITY_STAFF,
    "activities:activity_complete": COMMUNITY_STAFF,
    "activities:activity_cancel": COMMUNITY_STAFF,
    "activities:activity_copy": COMMUNITY_STAFF,
    "activities:activity_repeat": COMMUNITY_STAFF,
    "activities:activity_report": COMMUNITY_STAFF,
    "activities:photo_upload": COMMUNITY_STAFF,
    "activities:photo_delete": COMMUNITY_STAFF,
    "activities:activity_qr": COMMUNITY_STAFF,
    "activities:checkin_desk": COMMUNITY_STAFF,
    "activities:desk_signup": COMMUNITY_STAFF,
    "activities:walk_in": COMMUNITY_STAFF,
    "activities:signin_sheet": COMMUNITY_STAFF,
    "activities:attendance_mark": COMMUNITY_STAFF,
    "activities:staff_signup_cancel": COMMUNITY_STAFF,
    "activities:activity_partners": COMMUNITY_STAFF,
    "activities:partner_remove": COMMUNITY_STAFF,
    "activities:allocation_release": COMMUNITY_STAFF,
    "communities:organisation_list": PUBLIC,
    "communities:organisation_detail": PUBLIC,
    "communities:resource_public": PUBLIC,
    "communities:organisation_manage_list": COMMUNITY_STAFF,
    "communities:organisation_create": COMMUNITY_STAFF,
    "communities:organisation_update": COMMUNITY_STAFF,
    "communities:organisation_transition": COMMUNITY_STAFF,
    "communities:organisation_archive": COMMUNITY_STAFF,
    "communities:socialworker_list": COMMUNITY_STAFF,
    "communities:socialworker_create": COMMUNITY_STAFF,
    "communities:socialworker_detail": COMMUNITY_STAFF,
    "communities:socialworker_update": COMMUNITY_STAFF,
    "communities:socialworker_archive": COMMUNITY_STAFF,
    "communities:resource_list": COMMUNITY_STAFF,
    "communities:resource_create": COMMUNITY_STAFF,
    "communities:resource_update": COMMUNITY_STAFF,
    "communities:resource_archive": COMMUNITY_STAFF,
    "communities:outsideunit_list": COMMUNITY_STAFF,
    "communities:outsideunit_create": COMMUNITY_STAFF,
    "communities:outsideunit_update": COMMUNITY_STAFF,
    "communities:outsideunit_archive": COMMUNITY_STAFF,
    "volunteers:ranking": PUBLIC,
    "volunteers:certificate_verify": PUBLIC,
    "volunteers:certificate_verify_code": PUBLIC,  # the unguessable code is the key
    "volunteers:apply": LOGIN,
    "volunteers:me": LOGIN,
    "volunteers:ranking_name": LOGIN,
    "volunteers:backfill": LOGIN,
    "volunteers:role_take": LOGIN,
    "volunteers:role_cancel": OWNER,  # only the volunteer who holds the role
    # The holder may open these too, but the holder is not a persona: staff pages here.
    "volunteers:certificate": COMMUNITY_STAFF,
    "volunteers:record_evidence": COMMUNITY_STAFF,
    "volunteers:manage_list": COMMUNITY_STAFF,
    "volunteers:desk_register": COMMUNITY_STAFF,
    "volunteers:manage_detail": COMMUNITY_STAFF,
    "volunteers:volunteer_update": COMMUNITY_STAFF,
    "volunteers:volunteer_decide": COMMUNITY_STAFF,
    "volunteers:certificate_issue": COMMUNITY_STAFF,
    "volunteers:certificate_revoke": COMMUNITY_STAFF,
    "volunteers:team_list": COMMUNITY_STAFF,
    "volunteers:team_create": COMMUNITY_STAFF,
    "volunteers:team_update": COMMUNITY_STAFF,
    "volunteers:record_queue": COMMUNITY_STAFF,
    "volunteers:record_bulk_verify": COMMUNITY_STAFF,
    "volunteers:hours_export": COMMUNITY_STAFF,
    "volunteers:record_verify": COMMUNITY_STAFF,
    "volunteers:record_reject": COMMUNITY_STAFF,
    "volunteers:activity_roles": COMMUNITY_STAFF,
    "volunteers:role_update": COMMUNITY_STAFF,
    "volunteers:role_delete": COMMUNITY_STAFF,
    "volunteers:role_assign": COMMUNITY_STAFF,
    "volunteers:role_check_in": COMMUNITY_STAFF,
    "volunteers:role_check_out": COMMUNITY_STAFF,
    "volunteers:role_staff_cancel": COMMUNITY_STAFF,
    "volunteers:star_policy": STREET_STAFF,  # the pk is a street
    # Tree adoption (activities/parts/trees)
    "activities:tree_public": PUBLIC,  # the page a name tag's QR code opens
    "activities:tree_qr": PUBLIC,
    "activities:care_log_create": ADOPTER_OR_STAFF,
    "activities:tree_manage_list": COMMUNITY_STAFF,
    "activities:tree_create": COMMUNITY_STAFF,
    "activities:tree_labels": COMMUNITY_STAFF,
    "activities:tree_manage": COMMUNITY_STAFF,
    "activities:tree_update": COMMUNITY_STAFF,
    "activities:tree_adopt": COMMUNITY_STAFF,
    "activities:tree_adoption_end": COMMUNITY_STAFF,
    "activities:tree_mark_lost": COMMUNITY_STAFF,
    "activities:tree_replace": COMMUNITY_STAFF,
    "activities:activity_trees": COMMUNITY_STAFF,
    # Reading clubs (activities/parts/clubs)
    "activities:club_list": PUBLIC,
    "activities:club_detail": PUBLIC,
    "activities:club_join": RESIDENT,  # a resident of the club's community
    "activities:club_leave": RESIDENT,  # a current member
    "activities:club_manage_list": COMMUNITY_STAFF,
    "activities:club_create": COMMUNITY_STAFF,
    "activities:club_manage": COMMUNITY_STAFF,
    "activities:club_update": COMMUNITY_STAFF,
    "activities:club_member_add": COMMUNITY_STAFF,
    "activities:club_member_leave": COMMUNITY_STAFF,
    "activities:activity_club": COMMUNITY_STAFF,
    "activities:book_share_update": COMMUNITY_STAFF,
    "activities:book_share_remove": COMMUNITY_STAFF,
    # Fire drills (activities/parts/drills)
    "activities:drill_list": COMMUNITY_STAFF,
    "activities:drill_report": COMMUNITY_STAFF,
    "activities:drill_action_done": COMMUNITY_STAFF,
    # The training base (activities/parts/training): street staff run it; community staff read
    # their street's programmes and record attendance for the sessions they manage.
    "activities:programme_list": COMMUNITY_STAFF,
    "activities:programme_detail": COMMUNITY_STAFF,  # street-wide: see STREET_WIDE_PAGES
    "activities:programme_create": STREET_STAFF,
    "activities:programme_update": STREET_STAFF,
    "activities:instructor_create": STREET_STAFF,
    "activities:trainee_create": STREET_STAFF,
    "activities:trainee_withdraw": STREET_STAFF,
    "activities:activity_training": COMMUNITY_STAFF,
    # Special groups of a resident (service eligibility), verified by staff
    "communities:special_groups": COMMUNITY_STAFF,
    "communities:special_group_revoke": COMMUNITY_STAFF,
    # The service station (services): stations, providers and items
    "services:station_list": PUBLIC,
    "services:station_detail": PUBLIC,
    "services:item_detail": PUBLIC,
    "services:station_manage_list": COMMUNITY_STAFF,
    "services:station_create": COMMUNITY_STAFF,
    "services:station_manage": COMMUNITY_STAFF,
    "services:station_update": COMMUNITY_STAFF,
    "services:provider_create": COMMUNITY_STAFF,
    "services:provider_update": COMMUNITY_STAFF,
    "services:item_create": COMMUNITY_STAFF,
    "services:item_update": COMMUNITY_STAFF,
    # Bookings
    "services:booking_create": LOGIN,
    "services:booking_mine": LOGIN,
    "services:booking_cancel": OWNER,  # only the resident who booked
    "services:booking_rate": OWNER,
    "services:booking_day": COMMUNITY_STAFF,
    "services:booking_status": COMMUNITY_STAFF,
    "services:booking_desk": COMMUNITY_STAFF,
    # Farm produce
    "services:reservation_create": LOGIN,
    "services:reservation_mine": LOGIN,
    "services:reservation_cancel_mine": OWNER,  # only the resident who reserved
    "services:product_create": COMMUNITY_STAFF,
    "services:product_update": COMMUNITY_STAFF,
    "services:product_restock": COMMUNITY_STAFF,
    "services:reservation_product_list": COMMUNITY_STAFF,
    "services:reservation_station_list": COMMUNITY_STAFF,
    "services:reservation_pickup": COMMUNITY_STAFF,
    "services:reservation_cancel": COMMUNITY_STAFF,
    # The job board
    "services:posting_list": PUBLIC,
    "services:posting_detail": PUBLIC,
    "services:led_board": PUBLIC,  # the station's screen
    "services:seeker_register": LOGIN,
    "services:seeker_mine": LOGIN,
    "services:seeker_withdraw": OWNER,  # only the resident whose registration it is
    "services:posting_manage_list": COMMUNITY_STAFF,
    "services:posting_create": COMMUNITY_STAFF,
    "services:posting_update": COMMUNITY_STAFF,
    "services:posting_withdraw": COMMUNITY_STAFF,
    "services:seeker_list": COMMUNITY_STAFF,
    "services:seeker_create": COMMUNITY_STAFF,
    "services:seeker_detail": COMMUNITY_STAFF,
    "services:seeker_status": COMMUNITY_STAFF,
    "services:referral_create": COMMUNITY_STAFF,
    "services:referral_outcome": COMMUNITY_STAFF,
    "services:jobs_monthly": COMMUNITY_STAFF,
    # Dashboards, the monthly report and the ledger
    "dashboards:index": COMMUNITY_STAFF,
    "dashboards:community_dashboard": COMMUNITY_STAFF,
    "dashboards:community_report": COMMUNITY_STAFF,
    "dashboards:community_ledger": COMMUNITY_STAFF,
    "dashboards:street_dashboard": STREET_STAFF,  # the pk is a street
    "dashboards:street_report": STREET_STAFF,
    "dashboards:street_ledger": STREET_STAFF,
}


def named_urls(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # the admin has its own tests (tests/communities/test_admin.py)
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_urls(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def test_every_url_is_classified():
    assert {name for name, _ in named_urls()} == set(ACCESS)


@pytest.fixture
def world(community, other_community, street, community_staff, street_staff):
    """Records of ``community`` (the victim) that outsiders try to reach."""
    compound = CompoundFactory(community=community)
    activity = ActivityFactory(community=community, created_by=community_staff)
    victim = ResidentProfileFactory(community=community, user__name="受害居民")
    signup = actions.signup_create(activity=activity, resident=victim.user)
    photo = ActivityPhoto.objects.create(
        activity=activity,
        image="activities/sweep.jpg",
        thumbnail="activities/sweep_thumb.jpg",
        width=1,
        height=1,
        uploaded_by=community_staff,
    )
    forces = {
        "organisation": SocialOrganisation.objects.create(
            name="受害组织", category="other", street=street, community=community
        ),
        "socialworker": SocialWorker.objects.create(
            name="受害社工", street=street, community=community, phone="13600009999"
        ),
        "resource": CharitableResource.objects.create(
            donor_name="受害捐赠人",
            donor_kind="individual",
            kind="goods",
            description="受害物资",
            value="100.00",
            received_on="2026-01-01",
            street=street,
            community=community,
            recorded_by=community_staff,
        ),
        "outsideunit": OutsideUnit.objects.create(
            name="受害驻街单位", kind="school", street=street, community=community
        ),
    }
    partner = ActivityPartner.objects.create(activity=activity, kind="other", name="受害伙伴")
    allocation = ResourceAllocation.objects.create(
        resource=forces["resource"], activity=activity, value="10.00", allocated_by=community_staff
    )
    team = VolunteerTeam.objects.create(name="受害服务队", street=street, community=community)
    volunteer = Volunteer.objects.create(
        user=victim.user,
        community=community,
        team=team,
        skills="急救",
        status=Volunteer.Status.APPROVED,
        decided_by=community_staff,
        decided_at=timezone.now(),
    )
    role = VolunteerRole.objects.create(
        activity=activity, name="摆放单车", slots=3, planned_hours=Decimal("2")
    )
    role_signup = volunteer_actions.role_signup_create(role=role, volunteer=volunteer)
    backfill = {
        "title": "清扫楼道",
        "description": "清扫三号楼楼道",
        "place": "三号楼",
        "organiser": f"{community.name}居委会",
        "served_on": timezone.localdate() - timedelta(days=3),
        "hours": Decimal("1.50"),
    }
    verified = volunteer_actions.backfill_request(
        volunteer=volunteer, by=victim.user, **{**backfill, "title": "受害记录"}
    )
    volunteer_actions.record_verify(record=verified, by=community_staff)
    certificate = volunteer_actions.certificate_issue(volunteer=volunteer, by=community_staff)
    record = volunteer_actions.backfill_request(volunteer=volunteer, by=victim.user, **backfill)
    return {
        **forces,
        **_tree_world(community, compound, activity, victim.user, community_staff),
        **_club_world(community, victim.user, community_staff),
        **_drill_world(community, forces["outsideunit"], community_staff),
        **_training_world(community, street, street_staff),
        **_services_world(community, victim.user, community_staff),
        "partner": partner,
        "allocation": allocation,
        "community": community,
        "compound": compound,
        "street": street,
        "activity": activity,
        "signup": signup,
        "photo": photo,
        "profile": victim,
        "team": team,
        "volunteer": volunteer,
        "role": role,
        "role_signup": role_signup,
        "record": record,
        "certificate": certificate,
    }


def _tree_world(community, compound, planting, adopter, staff) -> dict:
    """A tree planted at the (tree adoption) activity, adopted by the victim, with a care log."""
    tree = tree_actions.tree_create(
        by=staff,
        scope=scope_for(staff),
        community=community,
        compound=compound,
        planting_activity=planting,
        name="受害绿植",
        species="银杏",
        spot="3号楼东侧草坪",
        planted_on=timezone.localdate() - timedelta(days=2),
        care_every_days=14,
    )
    tree_actions.tree_adopt(tree=tree, adopter=adopter, tag_name="小树苗", by=staff)
    tree.refresh_from_db()
    care_log = tree_actions.care_log_add(tree=tree, by=adopter, kind="water", note="浇了水")
    return {"tree": tree, "care_log": care_log}


def _club_world(community, member_user, staff) -> dict:
    """A reading club with the victim as a member, one session and one shared book."""
    club = club_actions.club_create(
        community=community, name="受害读书会", description="每月一本书", meets="周六上午", by=staff
    )
    member = club_actions.club_join(club=club, resident=member_user)
    reading = ActivityFactory(
        community=community,
        created_by=staff,
        kind=Activity.Kind.READING_CLUB,
        title="受害读书分享会",
        starts_at=timezone.now() - timedelta(days=1),
    )
    session = club_actions.club_session_attach(
        activity=reading, club=club, theme="品读经典", by=staff
    )
    book_share = club_actions.book_share_add(
        session=session,
        title="《平凡的世界》",
        author="路遥",
        recommended_by=member,
        reason="写尽了奋斗",
        by=staff,
    )
    return {
        "club": club,
        "club_member": member,
        "reading_activity": reading,
        "club_session": session,
        "book_share": book_share,
    }


def _drill_world(community, partner_unit, staff) -> dict:
    """A fire drill that was held, with its report: one group of participants, one follow-up."""
    drill = ActivityFactory(
        community=community,
        created_by=staff,
        kind=Activity.Kind.FIRE_DRILL,
        title="受害消防演练",
        starts_at=timezone.now() - timedelta(days=1),
    )
    report = drill_actions.drill_report_save(
        activity=drill,
        by=staff,
        partner_unit=partner_unit,
        evacuation_seconds=155,
        findings="东侧通道堵塞",
        groups=[{"name": "居民", "people": 60}],
        actions=[
            {
                "pk": None,
                "action": "清理东侧通道",
                "owner": "物业",
                "due_on": timezone.localdate() + timedelta(days=7),
                "done": False,
            }
        ],
    )
    return {"drill": drill, "drill_report": report, "drill_action": report.actions.get()}


def _training_world(community, street, street_staff) -> dict:
    """A programme of the street with an instructor, a trainee of ``community`` and a held
    session on a training activity of ``community``."""
    instructor = training_actions.instructor_create(
        street=street,
        name="受害讲师",
        title="专业社工老师",
        organisation="平城社工站",
        by=street_staff,
    )
    programme = training_actions.programme_create(
        street=street,
        year=timezone.localdate().year,
        track=TrainingProgramme.Track.LEAD_GEESE,
        title="头雁领航工程",
        planned_sessions=4,
        goal="培养带头人",
        instructors=[instructor],
        by=street_staff,
    )
    trainee = training_actions.trainee_create(
        programme=programme,
        category=Trainee.Category.OTHER,
        name="受训学员",
        community=community,
        by=street_staff,
    )
    training = ActivityFactory(
        community=community,
        created_by=street_staff,
        kind=Activity.Kind.TRAINING,
        title="受害治理培训",
        starts_at=timezone.now() - timedelta(days=1),
    )
    session = training_actions.session_attach(
        activity=training,
        programme=programme,
        topic="矛盾调解实务",
        instructors=[instructor],
        by=street_staff,
    )
    training_actions.attendance_record(
        session=session, marks={trainee: TrainingAttendance.Status.PRESENT}, by=street_staff
    )
    return {
        "instructor": instructor,
        "programme": programme,
        "trainee": trainee,
        "training_activity": training,
        "training_session": session,
    }


def _services_world(community, resident, staff) -> dict:
    """A service station of ``community``: a barber working every day with a home-haircut item
    (home visits for the 80-and-over), booked by the victim, who is verified as 80+; a farm
    produce provider with a product the victim reserved; a job posting and the victim's job
    registration, referred to it."""
    every_day = [(weekday, time(8, 0), time(18, 0)) for weekday in range(7)]
    station = station_actions.station_create(
        by=staff,
        community=community,
        name="受害便民服务站",
        address="受害服务中心一楼",
        opening_hours="周一至周六 8:30–17:30",
        contact_phone="0352-1234567",
        description="一老一小一站式服务",
    )
    provider = station_actions.provider_create(
        station=station,
        by=staff,
        hours=every_day,
        name="受害理发店",
        category=ServiceProvider.Category.BARBER,
        contact_name="王师傅",
        contact_phone="13700009999",
    )
    item = station_actions.item_create(
        provider=provider,
        by=staff,
        name="受害上门义剪",
        price=Decimal("15.00"),
        special_price=Decimal("0.00"),
        special_groups=[SpecialGroup.Group.ELDERLY_80],
        home_visit=True,
        home_visit_only_for_special_groups=True,
    )
    special_group = community_actions.special_group_add(
        resident=resident, group=SpecialGroup.Group.ELDERLY_80, proof_seen="身份证", by=staff
    )
    booking = booking_actions.booking_create(
        item=item,
        resident=resident,
        starts_at=local_moment(timezone.localdate() + timedelta(days=2), time(9, 0)),
        home_visit=True,
        address="受害小区3号楼401",
        by=resident,
    )
    farm = station_actions.provider_create(
        station=station,
        by=staff,
        name="受害驻村工作队",
        category=ServiceProvider.Category.FARM_PRODUCE,
    )
    product = produce_actions.product_create(
        provider=farm,
        by=staff,
        name="受害小米",
        origin_village="新菜区",
        unit="斤",
        price=Decimal("6.50"),
        stock=20,
        pickup_time="每周六 9:00–11:00 在服务站",
    )
    reservation = produce_actions.reservation_create(product=product, resident=resident, quantity=2)
    posting = job_actions.posting_create(
        station=station,
        by=staff,
        employer="受害物业公司",
        title="保洁员",
        pay_min=Decimal("3000"),
        pay_max=Decimal("4500"),
        place="受害小区",
        contact_name="王经理",
        contact_phone="0352-7654321",
        expires_on=timezone.localdate() + timedelta(days=30),
    )
    seeker = job_actions.seeker_register(
        station=station,
        name=resident.name,
        phone=resident.phone,
        age_band="45_59",
        wished_work="保洁",
        share_consent=True,
        user=resident,
    )
    referral = job_actions.referral_create(seeker=seeker, posting=posting, by=staff)
    return {
        "station": station,
        "provider": provider,
        "item": item,
        "special_group": special_group,
        "booking": booking,
        "farm_provider": farm,
        "product": product,
        "reservation": reservation,
        "posting": posting,
        "seeker": seeker,
        "referral": referral,
    }


OWN_DATA_PAGES = {"activities:my_data"}

SIGNUP_URLS = {
    "activities:signup_cancel",
    "activities:attendance_mark",
    "activities:staff_signup_cancel",
}

# Pages that list every community (public directory data, as on the registration page): the
# victim community's name is on them for everyone, so the leak check cannot look for it there.
ALL_COMMUNITIES_PAGES = {"volunteers:apply"}

# A form on a public record (a service item) that any logged-in user may open: it names the
# station's community to those who may not book there (“only residents of … can book online”),
# as the item's public page does, so the leak check cannot look for that name there; the
# victim's own details are still looked for.
PUBLIC_RECORD_PAGES = {"services:booking_create"}

# Pages of a street-wide record (a training programme of the street): staff of every community
# of that street may read them, so the sibling community's staff get them too, and the victim
# community's name (its trainees, its sessions) is on them for those staff. Another street's
# staff still get a 404, and the leak check still runs for them.
STREET_WIDE_PAGES = {"activities:programme_detail"}

VOLUNTEER_SIGNUP_URLS = {
    "volunteers:role_cancel",
    "volunteers:role_check_in",
    "volunteers:role_check_out",
    "volunteers:role_staff_cancel",
}
# Which world record each volunteers URL names by its pk.
VOLUNTEER_OBJECTS = {
    "volunteers:role_take": "role",
    "volunteers:role_update": "role",
    "volunteers:role_delete": "role",
    "volunteers:role_assign": "role",
    "volunteers:activity_roles": "activity",
    "volunteers:team_update": "team",
    "volunteers:record_evidence": "record",
    "volunteers:record_verify": "record",
    "volunteers:record_reject": "record",
    "volunteers:manage_detail": "volunteer",
    "volunteers:volunteer_update": "volunteer",
    "volunteers:volunteer_decide": "volunteer",
    "volunteers:certificate_issue": "volunteer",
    "volunteers:certificate_revoke": "certificate",
    "volunteers:star_policy": "street",
}
# Which world record each kind-specific part's URL names by its pk.
PART_OBJECTS = {
    "activities:tree_manage": "tree",
    "activities:tree_update": "tree",
    "activities:tree_adopt": "tree",
    "activities:tree_adoption_end": "tree",
    "activities:tree_mark_lost": "tree",
    "activities:tree_replace": "tree",
    "activities:activity_trees": "activity",  # the tree adoption activity the tree was planted at
    "activities:club_detail": "club",
    "activities:club_join": "club",
    "activities:club_leave": "club",
    "activities:club_manage": "club",
    "activities:club_update": "club",
    "activities:club_member_add": "club",
    "activities:club_member_leave": "club_member",
    "activities:activity_club": "reading_activity",
    "activities:book_share_update": "book_share",
    "activities:book_share_remove": "book_share",
    "activities:drill_report": "drill",
    "activities:drill_action_done": "drill_action",
    "activities:programme_detail": "programme",
    "activities:programme_update": "programme",
    "activities:trainee_create": "programme",
    "activities:trainee_withdraw": "trainee",
    "activities:activity_training": "training_activity",
}
# Which world record each service station URL names by its pk.
SERVICE_OBJECTS = {
    "services:station_detail": "station",
    "services:station_manage": "station",
    "services:station_update": "station",
    "services:provider_create": "station",
    "services:reservation_station_list": "station",
    "services:led_board": "station",
    "services:provider_update": "provider",
    "services:item_create": "provider",
    "services:item_detail": "item",
    "services:item_update": "item",
    "services:booking_create": "item",
    "services:booking_desk": "item",
    "services:booking_cancel": "booking",
    "services:booking_rate": "booking",
    "services:booking_status": "booking",
    "services:reservation_create": "product",
    "services:product_update": "product",
    "services:product_restock": "product",
    "services:reservation_product_list": "product",
    "services:reservation_cancel_mine": "reservation",
    "services:reservation_pickup": "reservation",
    "services:reservation_cancel": "reservation",
    "services:posting_detail": "posting",
    "services:posting_update": "posting",
    "services:posting_withdraw": "posting",
    "services:seeker_withdraw": "seeker",
    "services:seeker_detail": "seeker",
    "services:seeker_status": "seeker",
    "services:referral_create": "seeker",
    "services:referral_outcome": "referral",
}
# Tree pages reached from the QR code on the name tag: named by the tag's code.
TREE_TAG_URLS = {"activities:tree_public", "activities:tree_qr", "activities:care_log_create"}


def url_for(name: str, world) -> str:
    pattern = dict(named_urls())[name].pattern
    keys = set(pattern.converters)
    if not keys:
        return reverse(name)
    if name == "password_reset_confirm":
        return reverse(name, kwargs={"uidb64": "MQ", "token": "set-password"})
    if name.startswith(("communities:street_", "dashboards:street_")):
        return reverse(name, kwargs={"pk": world["street"].pk})
    if name == "communities:compound_update":
        return reverse(name, kwargs={"pk": world["compound"].pk})
    if name == "activities:calendar_feed":
        return reverse(name, kwargs={"token": world["profile"].calendar_token})
    if name == "activities:self_checkin":
        activity = world["activity"]
        return reverse(name, kwargs={"pk": activity.pk, "token": activity.checkin_token})
    if name in SIGNUP_URLS:
        return reverse(name, kwargs={"pk": world["signup"].pk})
    if name == "activities:photo_delete":
        return reverse(name, kwargs={"pk": world["photo"].pk})
    if name == "communities:phone_reveal":
        return reverse(name, kwargs={"user_pk": world["profile"].user_id})
    if name == "communities:resident_password_set":
        return reverse(name, kwargs={"pk": world["profile"].pk})
    if name == "activities:partner_remove":
        return reverse(name, kwargs={"pk": world["partner"].pk})
    if name == "activities:allocation_release":
        return reverse(name, kwargs={"pk": world["allocation"].pk})
    if name in ("volunteers:certificate", "volunteers:certificate_verify_code"):
        return reverse(name, kwargs={"code": world["certificate"].code})
    if name in VOLUNTEER_SIGNUP_URLS:
        return reverse(name, kwargs={"pk": world["role_signup"].pk})
    if name in VOLUNTEER_OBJECTS:
        return reverse(name, kwargs={"pk": world[VOLUNTEER_OBJECTS[name]].pk})
    if name in PART_OBJECTS:
        return reverse(name, kwargs={"pk": world[PART_OBJECTS[name]].pk})
    if name in TREE_TAG_URLS:
        return reverse(name, kwargs={"tag_code": world["tree"].tag_code})
    if name in SERVICE_OBJECTS:
        return reverse(name, kwargs={"pk": world[SERVICE_OBJECTS[name]].pk})
    if name == "communities:special_groups":
        return reverse(name, kwargs={"profile_pk": world["profile"].pk})
    if name == "communities:special_group_revoke":
        kwargs = {"profile_pk": world["profile"].pk, "pk": world["special_group"].pk}
        return reverse(name, kwargs=kwargs)
    for key in ("organisation", "socialworker", "resource", "outsideunit"):
        if name.startswith(f"communities:{key}_"):
            return reverse(name, kwargs={"pk": world[key].pk})
    if name.startswith("activities:"):
        return reverse(name, kwargs={"pk": world["activity"].pk})
    kwargs = dict.fromkeys(keys, world["community"].pk)
    return reverse(name, kwargs=kwargs)


def snapshot():
    """What an unauthorised POST must leave untouched."""
    return (
        list(Activity.objects.values_list("pk", "title", "status", "places_taken", "venue")),
        list(Signup.objects.values_list("pk", "status")),
        ActivityPhoto.objects.count(),
        ActivityPartner.objects.count(),
        list(SocialOrganisation.objects.values_list("pk", "name", "state", "archived")),
        list(SocialWorker.objects.values_list("pk", "name", "archived")),
        list(CharitableResource.objects.values_list("pk", "description", "archived")),
        list(OutsideUnit.objects.values_list("pk", "name", "archived")),
        list(ResourceAllocation.objects.values_list("pk", "value", "released_at")),
        list(OrganisationTransition.objects.values_list("pk", "to_state")),
        list(SocialWorkRecord.objects.values_list("pk", "cases")),
        list(Community.objects.values_list("pk", "office_address", "office_hours", "introduction")),
        list(Street.objects.values_list("pk", "office_address", "introduction")),
        list(Compound.objects.values_list("pk", "name", "address")),
        User.objects.count(),
        ResidentProfile.objects.count(),
        list(Volunteer.objects.values_list("pk", "status", "team", "skills")),
        list(VolunteerTeam.objects.values_list("pk", "name", "archived")),
        list(VolunteerRole.objects.values_list("pk", "name", "slots", "taken")),
        list(RoleSignup.objects.values_list("pk", "status", "checked_in_at")),
        list(ServiceRecord.objects.values_list("pk", "status", "hours")),
        list(Certificate.objects.values_list("pk", "revoked_at")),
        StarPolicy.objects.count(),
        list(
            Tree.objects.values_list(
                "pk", "name", "status", "adopter", "tag_name", "last_cared_at", "replaced_by"
            )
        ),
        list(TreeAdoption.objects.values_list("pk", "adopter", "ended_at")),
        list(CareLog.objects.values_list("pk", "kind", "note")),
        list(ReadingClub.objects.values_list("pk", "name", "archived")),
        list(ClubMember.objects.values_list("pk", "resident", "left_at")),
        list(ClubSession.objects.values_list("pk", "club", "theme")),
        list(BookShare.objects.values_list("pk", "title", "recommended_by")),
        list(DrillReport.objects.values_list("pk", "evacuation_seconds", "findings")),
        list(DrillGroup.objects.values_list("pk", "name", "people")),
        list(DrillAction.objects.values_list("pk", "action", "done")),
        list(TrainingProgramme.objects.values_list("pk", "title", "year", "planned_sessions")),
        list(Instructor.objects.values_list("pk", "name", "title")),
        list(Trainee.objects.values_list("pk", "name", "withdrawn")),
        list(TrainingSession.objects.values_list("pk", "topic")),
        list(TrainingAttendance.objects.values_list("pk", "trainee", "status")),
        list(TrainingScore.objects.values_list("pk", "score")),
        list(SpecialGroup.objects.values_list("pk", "resident", "group", "revoked_at")),
        list(ServiceStation.objects.values_list("pk", "name", "address", "archived")),
        list(ServiceProvider.objects.values_list("pk", "name", "category", "archived")),
        sorted(WorkingHours.objects.values_list("provider", "weekday", "opens", "closes")),
        list(ServiceItem.objects.values_list("pk", "name", "price", "home_visit", "archived")),
        list(TimeSlot.objects.values_list("pk", "starts_at", "capacity", "taken")),
        list(Booking.objects.values_list("pk", "status", "rating", "comment")),
        list(Product.objects.values_list("pk", "name", "price", "stock", "archived")),
        list(Reservation.objects.values_list("pk", "status", "quantity")),
        list(JobPosting.objects.values_list("pk", "title", "expires_on", "withdrawn")),
        list(JobSeeker.objects.values_list("pk", "name", "status", "share_consent")),
        list(Referral.objects.values_list("pk", "outcome")),
    )


HOSTILE_POST = {
    "name": "<script>alert(1)</script>",
    "office_address": "x" * 5000,
    "office_hours": "\x00",
    "introduction": "😀" * 10,
    "address": "被篡改",
}

PERSONAS = [
    "anonymous",
    "resident",
    "other_community_staff",
    "sibling_community_staff",
    "community_staff",
    "street_staff",
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(ACCESS))
def test_url_sweep(name, persona, request, world):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    client = client_for(user)
    url = url_for(name, world)
    access = ACCESS[name]
    names_an_object = bool(dict(named_urls())[name].pattern.converters)
    victims_staff = {"community_staff", "street_staff"}
    any_staff = victims_staff | {"other_community_staff", "sibling_community_staff"}
    street_wide = name in STREET_WIDE_PAGES and persona == "sibling_community_staff"
    allowed = (
        access == PUBLIC
        or (access == LOGIN and user is not None)
        or (access == RESIDENT and persona == "resident")
        or (
            access == COMMUNITY_STAFF
            and (persona in (victims_staff if names_an_object else any_staff) or street_wide)
        )
        or (access == STREET_STAFF and persona == "street_staff")
        or (access == ADOPTER_OR_STAFF and persona in victims_staff)
    )

    before_get = snapshot()
    get = client.get(url)
    assert get.status_code < 500
    assert snapshot() == before_get, "a GET changed data"
    if access != PUBLIC and persona not in victims_staff:
        page = get.content.decode()
        # A resident's own-data page shows their own community (the victim's, by fixture).
        own_data = persona == "resident" and name in OWN_DATA_PAGES
        exempt = ALL_COMMUNITIES_PAGES | PUBLIC_RECORD_PAGES
        if not own_data and name not in exempt and not street_wide:
            assert world["community"].name not in page
        assert world["compound"].name not in page and "受害居民" not in page
    if not allowed:
        if user is None:
            assert get.status_code == 302 and reverse("login") in get["Location"]
        elif access == ADOPTER_OR_STAFF:
            # Only the public tree page, which anyone may open: the care form is refused below.
            assert get.status_code == 302
            assert get["Location"] == world["tree"].get_absolute_url()
        else:
            assert get.status_code in {403, 404, 405}

    before = snapshot()
    post = client.post(url, HOSTILE_POST)
    assert post.status_code < 500
    if not allowed:
        assert post.status_code in {302, 403, 404, 405}
        assert snapshot() == before


@pytest.mark.parametrize(
    "name",
    [
        "communities:community_manage",
        "communities:resident_list",
        "activities:tree_manage",
        "activities:tree_update",
        "activities:tree_adopt",
        "activities:tree_adoption_end",
        "activities:tree_mark_lost",
        "activities:tree_replace",
        "activities:activity_trees",
        "activities:club_manage",
        "activities:club_update",
        "activities:club_member_add",
        "activities:activity_club",
        "activities:book_share_update",
        "activities:drill_report",
        "activities:programme_detail",
        "activities:activity_training",
        "communities:special_groups",
        "services:station_manage",
        "services:station_update",
        "services:provider_create",
        "services:provider_update",
        "services:item_create",
        "services:item_update",
        "services:booking_desk",
        "services:product_update",
        "services:product_restock",
        "services:reservation_product_list",
        "services:reservation_station_list",
        "services:posting_update",
        "services:seeker_detail",
        "dashboards:community_dashboard",
        "dashboards:community_report",
        "dashboards:community_ledger",
    ],
)
def test_outsider_staff_get_404_for_another_communitys_page(name, world, other_community_staff):
    response = client_for(other_community_staff).get(url_for(name, world))

    assert response.status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "activities:club_member_leave",
        "activities:drill_action_done",
        "communities:special_group_revoke",
        "services:booking_status",
        "services:reservation_pickup",
        "services:reservation_cancel",
        "services:posting_withdraw",
        "services:seeker_status",
        "services:referral_create",
        "services:referral_outcome",
    ],
)
def test_outsider_staff_get_404_when_posting_to_another_communitys_record(
    name, world, other_community_staff, sibling_community_staff
):
    before = snapshot()
    for outsider in (other_community_staff, sibling_community_staff):
        assert client_for(outsider).post(url_for(name, world)).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("name", sorted(STREET_WIDE_PAGES))
def test_street_wide_pages_are_for_the_streets_staff_only(
    name, world, sibling_community_staff, other_community_staff, resident
):
    assert client_for(sibling_community_staff).get(url_for(name, world)).status_code == 200
    assert client_for(other_community_staff).get(url_for(name, world)).status_code == 404
    assert client_for(resident).get(url_for(name, world)).status_code == 403


def test_another_resident_cannot_log_care_for_the_victims_tree(world, resident):
    before = snapshot()

    response = client_for(resident).post(
        url_for("activities:care_log_create", world), {"kind": "water", "note": "不是我的树"}
    )

    assert response.status_code == 403
    assert snapshot() == before


def test_the_adopter_logs_care_for_their_tree(world):
    logs = CareLog.objects.count()

    response = client_for(world["profile"].user).post(
        url_for("activities:care_log_create", world), {"kind": "water", "note": "又浇了水"}
    )

    assert response.status_code == 302
    assert CareLog.objects.count() == logs + 1


def test_outsider_cannot_edit_another_communitys_compound(world, other_community_staff):
    url = url_for("communities:compound_update", world)

    response = client_for(other_community_staff).post(url, {"name": "改名"})

    assert response.status_code == 404
    world["compound"].refresh_from_db()
    assert world["compound"].name != "改名"


def test_community_staff_cannot_edit_their_street(world, community_staff):
    response = client_for(community_staff).get(url_for("communities:street_update", world))

    assert response.status_code == 403


def test_street_staff_cannot_edit_another_street(other_street, street_staff):
    url = reverse("communities:street_update", args=[other_street.pk])

    assert client_for(street_staff).get(url).status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "services:booking_cancel",
        "services:booking_rate",
        "services:reservation_cancel_mine",
        "services:seeker_withdraw",
    ],
)
def test_another_resident_gets_404_for_the_victims_own_record(name, world, resident):
    before = snapshot()
    client = client_for(resident)

    assert client.post(url_for(name, world), {"rating": "1"}).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(
    "name",
    [
        "services:booking_cancel",
        "services:reservation_cancel_mine",
        "services:seeker_withdraw",
    ],
)
def test_the_owner_may_close_their_own_record(name, world):
    before = snapshot()

    response = client_for(world["profile"].user).post(url_for(name, world))

    assert response.status_code == 302
    assert snapshot() != before
