"""The audit log: who changed what, when and from where, with personal values masked.

Changes are made as staff and administrators make them (views, the admin, actions run by a
command) and the log is read back from ``AuditEvent``. The Chinese catalogue for the new pages is
still being written, so the tests check status codes, the database, event fields and form error
codes, never translated text.
"""

import json
import sys
from datetime import timedelta

import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.db.models import Max
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities import actions as activity_actions
from activities.models import Activity, ActivityPartner, Signup
from communities.models import ResidentProfile, SocialWorker, User
from governance_portal import audit
from governance_portal.models import AUDIT_MIN_RETENTION_DAYS, AuditEvent
from tests.activities.factories import ActivityFactory
from tests.conftest import client_for
from tests.factories import CompoundFactory, ResidentProfileFactory

Action = AuditEvent.Action
LOCALHOST = "127.0.0.1"
REVEALED_PHONE = "13612345678"


# --- helpers ---------------------------------------------------------------------------------


def mark() -> int:
    """The newest event's id: set-up (factories) is logged as "system" too, so tests look only
    at what came after."""
    return AuditEvent.objects.aggregate(newest=Max("pk"))["newest"] or 0


def events_after(since: int, **filters):
    return AuditEvent.objects.filter(pk__gt=since, **filters).order_by("pk")


def all_logged_text() -> str:
    """Everything the log holds, as one string, to look for values that must never be in it."""
    rows = AuditEvent.objects.values_list("actor_repr", "object_repr", "note", "changes")
    return json.dumps([list(row) for row in rows], ensure_ascii=False, default=str)


def office_data(**overrides) -> dict:
    data = {
        "office_address": "平城区恒大社区服务中心",
        "office_hours": "周一至周五 9:00-17:00",
        "office_phone": "0352-1234567",
        "introduction": "",
    }
    return data | overrides


def days_ahead(days: int, hour: int) -> str:
    day = timezone.localdate() + timedelta(days=days)
    return f"{day:%Y-%m-%d}T{hour:02d}:00"


def new_activity_data(community) -> dict:
    return {
        "kind": Activity.Kind.READING_CLUB,
        "title": "读书分享会",
        "community": community.pk,
        "venue": "社区图书室",
        "starts_at": days_ahead(7, 14),
        "ends_at": days_ahead(7, 16),
        "capacity": "20",
        "signup_opens_at": "",
        "signup_closes_at": "",
        "cancel_deadline": "",
        "audience": Activity.Audience.EVERYONE,
        "description": "一起读一本好书。",
    }


def worker_data(community, **overrides) -> dict:
    data = {
        "name": "陈静",
        "phone": REVEALED_PHONE,
        "community": community.pk,
        "qualification": SocialWorker.Qualification.ASSISTANT,
        "certificate_number": "ZS2019-0001",
        "certificate_year": "2019",
        "employer": "",
        "specialities": "老年",
    }
    return data | overrides


def insert_event_at(at, note: str = "") -> None:
    """An event written ``at`` a past moment. ``at`` is set on insert by the model, and rows are
    never updated, so old events can only be made with a raw INSERT (allowed by the trigger)."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (at, actor_repr, action, model, object_id, object_repr,"
            " changes, note) VALUES (%s, 'system (test)', 'update', '', '', '', '{}', %s)",
            [connection.ops.adapt_datetimefield_value(at), note],
        )


def event_in(community, **fields) -> AuditEvent:
    return audit.record(
        action=fields.pop("action", Action.UPDATE),
        model="communities.compound",
        object_id="1",
        object_repr=fields.pop("object_repr", "小区"),
        street_id=community.street_id,
        community_id=community.pk,
        **fields,
    )


# --- staff changes through views -------------------------------------------------------------


def test_staff_editing_their_communitys_office_details_is_logged_with_old_and_new_values(
    community_staff, community
):
    old_address = community.office_address
    since = mark()

    response = client_for(community_staff).post(
        reverse("communities:community_update", args=[community.pk]),
        office_data(office_address="平城区新址88号"),
    )

    assert response.status_code == 302
    event = events_after(since).get()
    assert (event.actor, event.actor_repr, event.ip, event.action) == (
        community_staff,
        community_staff.username,
        LOCALHOST,
        Action.UPDATE,
    )
    assert (event.model, event.object_id) == ("communities.community", str(community.pk))
    assert event.changes["office_address"] == [old_address, "平城区新址88号"]
    assert event.street_id == community.street_id


def test_community_staff_see_the_changes_to_their_own_community_in_the_log(
    community_staff, community
):
    client = client_for(community_staff)
    client.post(
        reverse("communities:community_update", args=[community.pk]),
        office_data(office_address="平城区新址88号"),
    )
    event = AuditEvent.objects.get(model="communities.community", action=Action.UPDATE)

    page = client.get(reverse("audit_log"))

    assert event in page.context["object_list"]


def test_staff_creating_and_publishing_an_activity_are_logged(community_staff, community):
    client = client_for(community_staff)
    since = mark()

    response = client.post(reverse("activities:activity_create"), new_activity_data(community))
    activity = Activity.objects.get(title="读书分享会")
    client.post(reverse("activities:activity_publish", args=[activity.pk]))

    assert response.status_code == 302
    created, published = events_after(since, model="activities.activity")
    assert (created.action, created.object_id) == (Action.CREATE, str(activity.pk))
    assert created.changes["title"] == "读书分享会"
    assert created.changes["status"] == Activity.Status.DRAFT
    assert (published.action, published.object_id) == (Action.UPDATE, str(activity.pk))
    assert published.changes == {"status": [Activity.Status.DRAFT, Activity.Status.PUBLISHED]}
    for event in (created, published):
        assert (event.actor, event.ip) == (community_staff, LOCALHOST)
        assert (event.street_id, event.community_id) == (community.street_id, community.pk)


def test_an_activitys_checkin_token_is_never_logged(community_staff, community):
    client_for(community_staff).post(
        reverse("activities:activity_create"), new_activity_data(community)
    )
    activity = Activity.objects.get(title="读书分享会")

    event = AuditEvent.objects.get(model="activities.activity", action=Action.CREATE)
    assert "checkin_token" not in event.changes
    assert activity.checkin_token not in all_logged_text()


def test_an_administrator_editing_a_compound_in_the_admin_is_logged(admin_user, community):
    compound = CompoundFactory(community=community, name="东方小区", address="旧地址1号")
    since = mark()

    response = client_for(admin_user).post(
        reverse("admin:communities_compound_change", args=[compound.pk]),
        {
            "community": community.pk,
            "name": "东方花园",
            "address": "旧地址1号",
            "property_company": "",
            "_save": "1",
        },
    )

    assert response.status_code == 302
    event = events_after(since).get()
    assert (event.actor, event.ip, event.action) == (admin_user, LOCALHOST, Action.UPDATE)
    assert (event.model, event.object_id) == ("communities.compound", str(compound.pk))
    assert event.changes == {"name": ["东方小区", "东方花园"]}
    assert event.community_id == community.pk


def test_an_action_run_by_a_command_is_logged_as_the_system(monkeypatch, community):
    activity = ActivityFactory(community=community, status=Activity.Status.DRAFT)
    monkeypatch.setattr(sys, "argv", ["manage.py", "seed_demo"])
    since = mark()

    activity_actions.activity_publish(activity=activity, by=None)

    event = events_after(since).get()
    assert event.actor is None
    assert event.actor_repr.startswith("system")
    assert event.actor_repr == "system (seed_demo)"
    assert event.ip is None
    assert (event.action, event.model, event.object_id) == (
        Action.UPDATE,
        "activities.activity",
        str(activity.pk),
    )
    assert event.changes == {"status": [Activity.Status.DRAFT, Activity.Status.PUBLISHED]}


def test_staff_removing_a_partner_is_logged_as_a_delete(community_staff, community):
    activity = ActivityFactory(community=community)
    partner = ActivityPartner.objects.create(
        activity=activity, kind=ActivityPartner.Kind.VOLUNTEERS, name="青年志愿者服务队"
    )
    since = mark()

    response = client_for(community_staff).post(
        reverse("activities:partner_remove", args=[partner.pk])
    )

    assert response.status_code == 302
    event = events_after(since).get()
    assert (event.actor, event.ip, event.action) == (community_staff, LOCALHOST, Action.DELETE)
    assert (event.model, event.object_id) == ("activities.activitypartner", str(partner.pk))
    assert event.changes["name"] == "青年志愿者服务队"
    assert event.changes["activity"] == activity.pk
    assert event.community_id == community.pk


# --- personal values -------------------------------------------------------------------------


def test_a_social_workers_phone_is_masked_in_the_log(community_staff, community):
    since = mark()

    response = client_for(community_staff).post(
        reverse("communities:socialworker_create"), worker_data(community)
    )

    assert response.status_code == 302
    worker = SocialWorker.objects.get()
    event = events_after(since).get()
    assert (event.action, event.model, event.object_id) == (
        Action.CREATE,
        "communities.socialworker",
        str(worker.pk),
    )
    assert event.changes["phone"] == "136****5678"
    assert event.changes["name"] == "陈*"
    assert "陈静" not in event.object_repr
    assert REVEALED_PHONE not in all_logged_text()


def test_a_changed_phone_is_masked_on_both_sides(community_staff, community):
    client = client_for(community_staff)
    client.post(reverse("communities:socialworker_create"), worker_data(community))
    worker = SocialWorker.objects.get()
    since = mark()

    client.post(
        reverse("communities:socialworker_update", args=[worker.pk]),
        worker_data(community, phone="13798765432"),
    )

    event = events_after(since).get()
    assert event.changes["phone"] == ["136****5678", "137****5432"]
    text = all_logged_text()
    assert REVEALED_PHONE not in text
    assert "13798765432" not in text


def test_a_resident_created_at_the_desk_is_logged_without_their_number(community_staff, community):
    activity = ActivityFactory(community=community)

    response = client_for(community_staff).post(
        reverse("activities:desk_signup", args=[activity.pk]),
        {
            "name": "孙强",
            "phone": "13566667777",
            "party_size": "1",
            "children_under_14": "0",
            "consent": "on",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(phone="13566667777")
    event = AuditEvent.objects.get(model="communities.user", object_id=str(user.pk))
    assert (event.actor, event.action) == (community_staff, Action.CREATE)
    assert event.changes["phone"] == "135****7777"
    assert event.changes["username"] == "135****7777"
    assert event.changes["name"] == "孙*"
    assert "password" not in event.changes
    calendar_token = ResidentProfile.objects.get(user=user).calendar_token
    text = all_logged_text()
    assert "13566667777" not in text
    assert calendar_token not in text


def test_a_resident_created_at_the_desk_has_their_name_masked_everywhere_in_the_log(
    community_staff, community
):
    activity = ActivityFactory(community=community)

    client_for(community_staff).post(
        reverse("activities:desk_signup", args=[activity.pk]),
        {
            "name": "孙强",
            "phone": "13566667777",
            "party_size": "1",
            "children_under_14": "0",
            "consent": "on",
        },
    )

    assert User.objects.filter(name="孙强").exists()
    assert "孙强" not in all_logged_text()


def test_passwords_set_by_the_office_never_reach_the_log(community_staff, resident):
    profile = resident.resident_profile

    response = client_for(community_staff).post(
        reverse("communities:resident_password_set", args=[profile.pk]),
        {"new_password1": "Spring-Tree-93", "new_password2": "Spring-Tree-93"},
    )

    assert response.status_code == 302
    resident.refresh_from_db()
    text = all_logged_text()
    assert "Spring-Tree-93" not in text
    assert resident.password not in text
    # Only the fact that it changed is recorded, as a marker, never a value or hash.
    for event in AuditEvent.objects.filter(changes__has_key="password"):
        assert event.changes["password"] == ["***", "changed"]


def test_the_office_setting_a_residents_password_is_logged(community_staff, resident):
    profile = resident.resident_profile
    since = mark()

    client_for(community_staff).post(
        reverse("communities:resident_password_set", args=[profile.pk]),
        {"new_password1": "Spring-Tree-93", "new_password2": "Spring-Tree-93"},
    )

    assert events_after(since, model="communities.user", object_id=str(resident.pk)).exists()


# --- what is not logged, and bulk changes ------------------------------------------------------


def test_a_residents_own_signup_is_not_logged(resident, community):
    activity = ActivityFactory(community=community)
    since = mark()

    response = client_for(resident).post(
        reverse("activities:signup_create", args=[activity.pk]),
        {"party_size": 1, "children_under_14": 0},
    )

    assert response.status_code == 302
    assert Signup.objects.filter(activity=activity, resident=resident).exists()
    assert not events_after(since).exists()


def test_a_residents_own_registration_is_not_logged(community):
    since = mark()

    response = client_for(None).post(
        reverse("communities:resident_register"),
        {
            "name": "周敏",
            "phone": "13911112222",
            "community": community.pk,
            "email": "",
            "password1": "Spring-Tree-93",
            "password2": "Spring-Tree-93",
            "agree_privacy": "on",
        },
    )

    assert response.status_code == 302
    assert User.objects.filter(phone="13911112222").exists()
    assert not events_after(since).exists()


def test_cancelling_an_activity_logs_the_cancelled_signups_in_one_bulk_event(
    community_staff, community, resident
):
    activity = ActivityFactory(community=community, created_by=community_staff)
    other = ResidentProfileFactory(community=community).user
    signups = [
        activity_actions.signup_create(activity=activity, resident=person)
        for person in (resident, other)
    ]
    since = mark()

    response = client_for(community_staff).post(
        reverse("activities:activity_cancel", args=[activity.pk]), {"reason": "暴雨预警"}
    )

    assert response.status_code == 302
    bulk = events_after(since, action=Action.BULK).get()
    assert (bulk.actor, bulk.ip, bulk.model, bulk.object_id) == (
        community_staff,
        LOCALHOST,
        "activities.activity",
        str(activity.pk),
    )
    assert sorted(bulk.changes["signups_cancelled"]) == sorted(s.pk for s in signups)
    assert bulk.community_id == community.pk
    update = events_after(since, action=Action.UPDATE, model="activities.activity").get()
    assert update.changes["status"] == [Activity.Status.PUBLISHED, Activity.Status.CANCELLED]


def test_cancelling_an_activity_nobody_signed_up_for_logs_no_bulk_event(community_staff, community):
    activity = ActivityFactory(community=community, created_by=community_staff)
    since = mark()

    client_for(community_staff).post(
        reverse("activities:activity_cancel", args=[activity.pk]), {"reason": "暴雨预警"}
    )

    assert not events_after(since, action=Action.BULK).exists()
    assert events_after(since, action=Action.UPDATE, model="activities.activity").exists()


def test_an_export_is_logged(community_staff):
    since = mark()

    response = client_for(community_staff).get(
        reverse("communities:organisation_manage_list") + "?export=csv&q=敬老"
    )

    assert response.status_code == 200
    event = events_after(since).get()
    assert (event.actor, event.ip, event.action, event.model) == (
        community_staff,
        LOCALHOST,
        Action.EXPORT,
        "communities.socialorganisation",
    )
    assert event.changes == {"filters": {"q": "敬老"}}


def test_browsing_a_list_without_exporting_is_not_logged(community_staff):
    since = mark()

    response = client_for(community_staff).get(reverse("communities:organisation_manage_list"))

    assert response.status_code == 200
    assert not events_after(since).exists()


# --- revealing a phone number ----------------------------------------------------------------


@pytest.fixture
def caller(community):
    """A resident whose full number staff may need to call."""
    return ResidentProfileFactory(
        community=community, user__name="刘芳", user__phone=REVEALED_PHONE
    ).user


def reveal_url(user) -> str:
    return reverse("communities:phone_reveal", args=[user.pk])


def test_the_reveal_page_shows_only_the_masked_number_and_logs_nothing(community_staff, caller):
    since = mark()

    response = client_for(community_staff).get(reveal_url(caller))

    assert response.status_code == 200
    page = response.content.decode()
    assert "136****5678" in page
    assert REVEALED_PHONE not in page
    assert not events_after(since).exists()


def test_revealing_a_number_with_a_reason_shows_it_once_and_logs_it(
    community_staff, community, caller
):
    client = client_for(community_staff)
    since = mark()

    response = client.post(reveal_url(caller), {"reason": "明天活动需要电话联系"})

    assert response.status_code == 200
    assert REVEALED_PHONE in response.content.decode()
    event = events_after(since).get()
    assert (event.actor, event.ip, event.action) == (community_staff, LOCALHOST, Action.REVEAL)
    assert (event.model, event.object_id) == ("communities.user", str(caller.pk))
    assert event.note == "明天活动需要电话联系"
    assert event.community_id == community.pk
    assert REVEALED_PHONE not in all_logged_text()
    assert REVEALED_PHONE not in client.get(reveal_url(caller)).content.decode()


def test_a_too_short_reason_is_a_form_error_and_reveals_nothing(community_staff, caller):
    since = mark()

    response = client_for(community_staff).post(reveal_url(caller), {"reason": "打电"})

    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["reason"][0].code == "min_length"
    assert REVEALED_PHONE not in response.content.decode()
    assert not events_after(since).exists()


@pytest.mark.parametrize("outsider", ["sibling_community_staff", "other_community_staff"])
def test_staff_of_another_community_get_404_for_a_reveal(request, caller, outsider):
    client = client_for(request.getfixturevalue(outsider))
    since = mark()

    assert client.get(reveal_url(caller)).status_code == 404
    assert client.post(reveal_url(caller), {"reason": "明天活动需要电话联系"}).status_code == 404
    assert not events_after(since).exists()


def test_a_resident_gets_403_for_a_reveal(resident, caller):
    response = client_for(resident).post(reveal_url(caller), {"reason": "明天活动需要电话联系"})

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=Action.REVEAL).exists()


# --- append-only -----------------------------------------------------------------------------


@pytest.fixture
def logged(community):
    return event_in(community)


def test_a_logged_event_cannot_be_saved_again(logged):
    logged.note = "改写"

    with pytest.raises(PermissionError):
        logged.save()
    assert AuditEvent.objects.get(pk=logged.pk).note == ""


def test_a_logged_event_cannot_be_deleted(logged):
    with pytest.raises(PermissionError):
        logged.delete()
    assert AuditEvent.objects.filter(pk=logged.pk).exists()


def test_the_log_cannot_be_updated_or_deleted_in_bulk(logged):
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(note="改写")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=logged.pk).update(note="改写")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=logged.pk).delete()
    with pytest.raises(PermissionError), transaction.atomic():
        AuditEvent.objects.bulk_update([logged], ["note"])
    assert AuditEvent.objects.get(pk=logged.pk).note == ""


@pytest.mark.parametrize("days", [100, AUDIT_MIN_RETENTION_DAYS - 1])
def test_the_purge_refuses_to_keep_less_than_six_months(logged, days):
    with pytest.raises(ValueError):
        AuditEvent.objects.purge_expired(older_than_days=days)
    assert AuditEvent.objects.filter(pk=logged.pk).exists()


def test_the_purge_deletes_only_events_older_than_the_period(logged):
    now = timezone.now()
    insert_event_at(now - timedelta(days=400), note="很旧")
    insert_event_at(now - timedelta(days=250), note="旧")
    insert_event_at(now - timedelta(days=190), note="半年多")
    kept_before = AuditEvent.objects.exclude(note__in=["很旧", "旧"]).count()

    deleted = AuditEvent.objects.purge_expired(older_than_days=200)

    assert deleted == 2
    assert not AuditEvent.objects.filter(note__in=["很旧", "旧"]).exists()
    assert AuditEvent.objects.filter(note="半年多").exists()
    assert AuditEvent.objects.filter(pk=logged.pk).exists()
    assert AuditEvent.objects.count() == kept_before


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the database trigger exists on PostgreSQL only"
)


@postgresql_only
def test_the_database_refuses_a_raw_update_of_the_log(logged):
    table = AuditEvent._meta.db_table

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET note = 'rewritten' WHERE id = %s", [logged.pk])

    assert AuditEvent.objects.get(pk=logged.pk).note == ""


@postgresql_only
def test_the_database_refuses_a_raw_delete_of_a_recent_event(logged):
    table = AuditEvent._meta.db_table

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [logged.pk])

    assert AuditEvent.objects.filter(pk=logged.pk).exists()


@postgresql_only
def test_the_database_allows_deleting_events_past_the_retention_period(logged):
    insert_event_at(timezone.now() - timedelta(days=AUDIT_MIN_RETENTION_DAYS + 2), note="旧")
    table = AuditEvent._meta.db_table

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE note = %s", ["旧"])
        assert cursor.rowcount == 1


# --- browsing the log ------------------------------------------------------------------------


def test_the_workspace_links_to_the_audit_log(community_staff):
    response = client_for(community_staff).get(reverse("communities:community_list"))

    assert response.status_code == 200
    assert f'href="{reverse("audit_log")}"' in response.content.decode()


def test_community_staff_see_their_communitys_events_and_no_others(
    community_staff, community, sibling_community, other_community
):
    mine = event_in(community, object_repr="本社区小区")
    sibling = event_in(sibling_community, object_repr="兄弟社区小区")
    other = event_in(other_community, object_repr="外街道小区")

    response = client_for(community_staff).get(reverse("audit_log"))

    assert response.status_code == 200
    shown = list(response.context["object_list"])
    assert mine in shown
    assert sibling not in shown
    assert other not in shown
    page = response.content.decode()
    assert "兄弟社区小区" not in page
    assert "外街道小区" not in page


def test_street_staff_see_every_community_of_their_street(
    street_staff, community, sibling_community, other_community
):
    mine = event_in(community)
    sibling = event_in(sibling_community)
    other = event_in(other_community)

    shown = list(client_for(street_staff).get(reverse("audit_log")).context["object_list"])

    assert mine in shown
    assert sibling in shown
    assert other not in shown


def test_administrators_see_every_event(admin_user, community, other_community):
    events = [event_in(community), event_in(other_community), audit.record(action=Action.EXPORT)]

    response = client_for(admin_user).get(reverse("audit_log") + "?page=1")

    shown = list(response.context["object_list"])
    assert all(event in shown for event in events)


def test_the_log_filters_by_action(community_staff, community):
    update = event_in(community)
    reveal = event_in(community, action=Action.REVEAL)

    response = client_for(community_staff).get(reverse("audit_log"), {"action": Action.REVEAL})

    shown = list(response.context["object_list"])
    assert reveal in shown
    assert update not in shown


def test_a_bad_date_in_the_filter_is_a_form_error(community_staff):
    response = client_for(community_staff).get(reverse("audit_log"), {"date_from": "不是日期"})

    assert response.status_code == 200
    assert response.context["filter"].form.errors.as_data()["date_from"][0].code == "invalid"


def test_a_resident_gets_403_for_the_log(resident):
    assert client_for(resident).get(reverse("audit_log")).status_code == 403


def test_the_audit_log_query_count_stays_flat(community_staff, community):
    client = client_for(community_staff)
    url = reverse("audit_log")
    client.get(url)  # warm up: the session and the idle-time stamp

    def queries_with(total: int) -> int:
        while AuditEvent.objects.filter(community_id=community.pk).count() < total:
            event_in(community)
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        assert response.status_code == 200
        return len(context.captured_queries)

    assert queries_with(5) == queries_with(60)


# --- the admin -------------------------------------------------------------------------------


def test_the_log_is_read_only_in_the_admin_even_for_superusers(admin_user, logged):
    client = client_for(admin_user)
    change_url = reverse("admin:governance_portal_auditevent_change", args=[logged.pk])

    assert client.get(reverse("admin:governance_portal_auditevent_changelist")).status_code == 200
    assert client.get(change_url).status_code == 200  # view only
    assert client.post(change_url, {"note": "改写"}).status_code == 403
    assert client.get(reverse("admin:governance_portal_auditevent_add")).status_code == 403
    delete_url = reverse("admin:governance_portal_auditevent_delete", args=[logged.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.get(pk=logged.pk).note == ""


def test_the_audit_admin_grants_no_write_permission(admin_user, logged):
    model_admin = admin.site._registry[AuditEvent]
    request = RequestFactory().get("/")
    request.user = admin_user

    assert model_admin.has_view_permission(request, logged)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, logged)
    assert not model_admin.has_delete_permission(request, logged)
    assert "delete_selected" not in model_admin.get_actions(request)


def test_community_staff_see_only_their_communitys_events_in_the_admin(
    community_staff, community, other_community
):
    mine = event_in(community)
    other = event_in(other_community)

    response = client_for(community_staff).get(
        reverse("admin:governance_portal_auditevent_changelist")
    )

    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert mine in shown
    assert other not in shown


def test_a_tree_adopted_at_the_desk_leaves_no_names_in_the_log(community_staff, community):
    from datetime import date

    from activities.parts.trees import actions as tree_actions
    from communities.permissions import scope_for

    tree = tree_actions.tree_create(
        by=community_staff,
        scope=scope_for(community_staff),
        community=community,
        name="同心树 9号",
        species="国槐",
        planted_on=date(2026, 3, 12),
    )

    response = client_for(community_staff).post(
        reverse("activities:tree_adopt", args=[tree.pk]),
        {"name": "钱小红", "phone": "13566668888", "consent": "on", "tag_name": "钱多多"},
    )

    assert response.status_code == 302
    tree.refresh_from_db()
    assert tree.tag_name == "钱多多"
    logged = all_logged_text()
    assert "钱小红" not in logged and "钱多多" not in logged
