"""Every URL × every persona × GET and POST: never a 500, never another community's data.

Each named URL must be listed in ACCESS; a new URL without an entry fails
``test_every_url_is_classified``, so nobody adds a page without saying who may open it.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from activities import actions
from activities.models import Activity, ActivityPartner, ActivityPhoto, Signup
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
    Street,
    User,
)
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
def world(community, other_community, street, community_staff):
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


OWN_DATA_PAGES = {"activities:my_data"}

SIGNUP_URLS = {
    "activities:signup_cancel",
    "activities:attendance_mark",
    "activities:staff_signup_cancel",
}

# Pages that list every community (public directory data, as on the registration page): the
# victim community's name is on them for everyone, so the leak check cannot look for it there.
ALL_COMMUNITIES_PAGES = {"volunteers:apply"}

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


def url_for(name: str, world) -> str:
    pattern = dict(named_urls())[name].pattern
    keys = set(pattern.converters)
    if not keys:
        return reverse(name)
    if name == "password_reset_confirm":
        return reverse(name, kwargs={"uidb64": "MQ", "token": "set-password"})
    if name.startswith("communities:street_"):
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
    allowed = (
        access == PUBLIC
        or (access == LOGIN and user is not None)
        or (access == RESIDENT and persona == "resident")
        or (
            access == COMMUNITY_STAFF
            and persona in (victims_staff if names_an_object else any_staff)
        )
        or (access == STREET_STAFF and persona == "street_staff")
    )

    before_get = snapshot()
    get = client.get(url)
    assert get.status_code < 500
    assert snapshot() == before_get, "a GET changed data"
    if access != PUBLIC and persona not in victims_staff:
        page = get.content.decode()
        # A resident's own-data page shows their own community (the victim's, by fixture).
        own_data = persona == "resident" and name in OWN_DATA_PAGES
        if not own_data and name not in ALL_COMMUNITIES_PAGES:
            assert world["community"].name not in page
        assert world["compound"].name not in page and "受害居民" not in page
    if not allowed:
        if user is None:
            assert get.status_code == 302 and reverse("login") in get["Location"]
        else:
            assert get.status_code in {403, 404, 405}

    before = snapshot()
    post = client.post(url, HOSTILE_POST)
    assert post.status_code < 500
    if not allowed:
        assert post.status_code in {302, 403, 404, 405}
        assert snapshot() == before


@pytest.mark.parametrize("name", ["communities:community_manage", "communities:resident_list"])
def test_outsider_staff_get_404_for_another_communitys_page(name, world, other_community_staff):
    response = client_for(other_community_staff).get(url_for(name, world))

    assert response.status_code == 404


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
