"""Regressions from the security review of the trust work."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from django.urls import reverse

from communities.models import StaffAssignment
from governance_portal.audit import client_ip
from governance_portal.models import AuditEvent
from tests.conftest import client_for


def test_office_cannot_set_the_password_of_a_resident_who_holds_a_staff_post(
    community_staff, resident, street
):
    # A post given in the admin does not set is_staff; the account is still staff.
    StaffAssignment.objects.create(user=resident, street=street, role="staff")
    url = reverse("communities:resident_password_set", args=[resident.resident_profile.pk])

    response = client_for(community_staff).post(
        url, {"new_password1": "Taken-over-2026", "new_password2": "Taken-over-2026"}
    )

    assert response.status_code == 404
    resident.refresh_from_db()
    assert not resident.check_password("Taken-over-2026")


@pytest.mark.parametrize(
    ("proxies", "forwarded", "remote", "expected"),
    [
        (0, "1.2.3.4", "10.0.0.1", "10.0.0.1"),  # no proxy: the header is ignored
        (1, "6.6.6.6, 1.2.3.4", "10.0.0.1", "1.2.3.4"),  # the client cannot choose its address
        (1, "", "10.0.0.1", "10.0.0.1"),
        (1, "not-an-address", "", "0.0.0.0"),  # never empty: locks fail closed
    ],
)
def test_client_address_behind_trusted_proxies(settings, proxies, forwarded, remote, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)

    assert client_ip(request) == expected


def test_group_membership_changes_are_audited(admin_user, community_staff):
    group = Group.objects.create(name="编辑")
    before = AuditEvent.objects.count()

    community_staff.groups.add(group)

    event = AuditEvent.objects.order_by("-pk").first()
    assert AuditEvent.objects.count() > before
    assert event.object_id == str(community_staff.pk)
    assert "add" in str(event.changes)


def test_admin_search_does_not_match_full_phone_numbers(community_staff, resident):
    client = client_for(community_staff)
    url = reverse("admin:communities_residentprofile_changelist")

    found = client.get(url, {"q": resident.phone}).context["cl"].result_list

    assert list(found) == []


def test_password_reset_requests_are_rate_limited(settings, db, mailoutbox):
    settings.RATE_LIMIT_LOGIN_PER_MINUTE = 3
    client = Client()
    statuses = [
        client.post(reverse("password_reset"), {"email": "x@example.cn"}).status_code
        for _ in range(5)
    ]

    assert statuses[:3] == [302, 302, 302]
    assert statuses[3:] == [429, 429]
