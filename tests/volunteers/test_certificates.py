"""志愿服务记录证明: staff issue it from verified records; the holder and scoped staff see it;
anyone checks a code on the public page, which shows no more than the certificate's surname."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from governance_portal.models import Notification
from tests.conftest import client_for
from tests.volunteers.factories import ServiceRecordFactory, VolunteerFactory, verified
from volunteers import actions
from volunteers.models import Certificate


def in_portal_language(message: str) -> str:
    """``message`` as the (Chinese-first) portal shows it: translated when the catalogue has it."""
    with translation.override("zh-hans"):
        return translation.gettext(message)


GENUINE = "This certificate is genuine."
NOT_FOUND = (
    "No certificate has this code. Check the code printed on the certificate, or ask the "
    "community that issued it."
)


def days_ago(days: int):
    return timezone.localdate() - timedelta(days=days)


def issue(client, volunteer, **period):
    data = {key: value.isoformat() for key, value in period.items()}
    return client.post(reverse("volunteers:certificate_issue", args=[volunteer.pk]), data)


@pytest.fixture
def certificate(volunteer, community_staff):
    verified(volunteer, "12.5")
    return actions.certificate_issue(volunteer=volunteer, by=community_staff)


# --- issuing ---------------------------------------------------------------------------------


def test_staff_issue_a_certificate_over_the_verified_records_of_the_period(
    volunteer, community_staff
):
    inside = [
        verified(volunteer, "2.25", served_on=days_ago(20)),
        verified(volunteer, "3.5", served_on=days_ago(10)),
        verified(volunteer, "1", served_on=days_ago(30)),  # the first day of the period
    ]
    verified(volunteer, "40", served_on=days_ago(31))  # before the period
    verified(volunteer, "40", served_on=days_ago(4))  # after it
    ServiceRecordFactory(volunteer=volunteer, hours=Decimal("9"), served_on=days_ago(15))
    ServiceRecordFactory(
        volunteer=volunteer,
        hours=Decimal("9"),
        served_on=days_ago(15),
        status="rejected",
        decision_reason="不实",
    )

    response = issue(
        client_for(community_staff),
        volunteer,
        period_start=days_ago(30),
        period_end=days_ago(5),
    )

    certificate = Certificate.objects.get(volunteer=volunteer)
    assert response.status_code == 302
    assert response["Location"] == certificate.get_absolute_url()
    assert certificate.total_hours == Decimal("6.75")
    assert certificate.record_count == 3
    assert set(certificate.records.all()) == set(inside)
    assert (certificate.period_start, certificate.period_end) == (days_ago(30), days_ago(5))
    assert certificate.holder_name == "刘芳"
    assert certificate.community == volunteer.community
    assert certificate.issued_by == community_staff
    assert certificate.is_valid
    assert Notification.objects.filter(
        user=volunteer.user, url=certificate.get_absolute_url()
    ).exists()


def test_certificate_without_period_covers_all_verified_hours(volunteer, community_staff):
    verified(volunteer, "1.11", served_on=days_ago(400))
    verified(volunteer, "2.22", served_on=days_ago(1))
    ServiceRecordFactory(volunteer=volunteer, hours=Decimal("5"))

    issue(client_for(community_staff), volunteer)

    certificate = Certificate.objects.get()
    assert (certificate.total_hours, certificate.record_count) == (Decimal("3.33"), 2)


def test_no_verified_hours_no_certificate(volunteer, community_staff):
    ServiceRecordFactory(volunteer=volunteer, hours=Decimal("5"))  # pending only
    verified(volunteer, "8", served_on=days_ago(100))  # outside the period

    response = issue(client_for(community_staff), volunteer, period_start=days_ago(30))

    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:manage_detail", args=[volunteer.pk])
    assert not Certificate.objects.exists()


def test_period_ending_before_it_starts_is_refused(volunteer, community_staff):
    verified(volunteer, "8", served_on=days_ago(10))

    issue(client_for(community_staff), volunteer, period_start=days_ago(5), period_end=days_ago(20))

    assert not Certificate.objects.exists()


@pytest.mark.parametrize("persona", ["other_community_staff", "sibling_community_staff"])
def test_staff_of_another_community_cannot_issue(request, persona, volunteer):
    verified(volunteer, "8")

    response = issue(client_for(request.getfixturevalue(persona)), volunteer)

    assert response.status_code == 404
    assert not Certificate.objects.exists()


def test_residents_cannot_issue_themselves_a_certificate(volunteer):
    verified(volunteer, "8")

    assert issue(client_for(volunteer.user), volunteer).status_code == 403
    assert not Certificate.objects.exists()


# --- the certificate page --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("holder", 200),
        ("community_staff", 200),
        ("street_staff", 200),
        ("admin_user", 200),
        ("other_resident", 404),
        ("sibling_community_staff", 404),
        ("other_community_staff", 404),
    ],
)
def test_certificate_page_for_the_holder_and_scoped_staff(
    request, certificate, make_resident, persona, status
):
    if persona == "holder":
        user = certificate.volunteer.user
    elif persona == "other_resident":
        user = make_resident()
    else:
        user = request.getfixturevalue(persona)

    response = client_for(user).get(certificate.get_absolute_url())

    assert response.status_code == status
    if status == 200:
        content = response.content.decode()
        assert "刘芳" in content
        assert certificate.code in content
        assert "12.50" in content


def test_certificate_page_asks_anonymous_visitors_to_log_in(certificate):
    response = client_for(None).get(certificate.get_absolute_url())

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- the public check ------------------------------------------------------------------------


def verify_page(code: str):
    return client_for(None).get(reverse("volunteers:certificate_verify_code", args=[code]))


def test_public_check_says_genuine_and_shows_only_the_surname(certificate, volunteer):
    response = verify_page(certificate.code)

    assert response.status_code == 200
    assert response.context["certificate"] == certificate
    content = response.content.decode()
    assert in_portal_language(GENUINE) in content
    assert "刘*" in content
    assert "12.50" in content
    assert "刘芳" not in content
    assert volunteer.user.phone not in content
    assert volunteer.user.phone[-4:] not in content


def test_public_check_of_an_unknown_code(certificate):
    response = verify_page("ABCDEFGHJKLMNPQR")

    assert response.status_code == 200
    assert response.context["certificate"] is None
    content = response.content.decode()
    assert in_portal_language(NOT_FOUND) in content
    assert in_portal_language(GENUINE) not in content


@pytest.mark.parametrize("code", ["x", "中文编号", "a" * 300, "<script>", "ABCD'--"])
def test_public_check_of_odd_codes_says_not_found(db, code):
    response = verify_page(code)

    assert response.status_code == 200
    assert response.context["certificate"] is None
    assert in_portal_language(NOT_FOUND) in response.content.decode()


def test_public_check_of_a_revoked_certificate(certificate, community_staff):
    response = client_for(community_staff).post(
        reverse("volunteers:certificate_revoke", args=[certificate.pk]),
        {"reason": "服务记录有误"},
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None

    response = verify_page(certificate.code)

    assert response.status_code == 200
    content = response.content.decode()
    assert in_portal_language(GENUINE) not in content
    assert "alert-danger" in content
    assert not response.context["certificate"].is_valid


def test_staff_of_another_community_cannot_revoke(certificate, other_community_staff):
    response = client_for(other_community_staff).post(
        reverse("volunteers:certificate_revoke", args=[certificate.pk]), {"reason": "试试"}
    )

    assert response.status_code == 404
    certificate.refresh_from_db()
    assert certificate.is_valid


def test_the_lookup_form_normalises_the_code(certificate):
    code = certificate.code
    typed = f"  {code[:4].lower()} {code[4:8]}-{code[8:12].lower()}  {code[12:]} "

    response = client_for(None).get(reverse("volunteers:certificate_verify"), {"code": typed})

    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:certificate_verify_code", args=[code])
    followed = client_for(None).get(response["Location"])
    assert followed.context["certificate"] == certificate
    assert in_portal_language(GENUINE) in followed.content.decode()


def test_a_lowercase_code_in_the_address_is_found(certificate):
    response = verify_page(certificate.code.lower())

    assert response.context["certificate"] == certificate


def test_the_empty_lookup_page_opens(db):
    response = client_for(None).get(reverse("volunteers:certificate_verify"))

    assert response.status_code == 200
    assert response.context["certificate"] is None


def test_codes_are_long_and_distinct(volunteer, community_staff):
    verified(volunteer, "1")
    codes = {
        actions.certificate_issue(volunteer=volunteer, by=community_staff).code for _ in range(5)
    }

    assert len(codes) == 5
    assert all(len(code) == 16 for code in codes)


def test_holder_name_stays_as_printed_after_a_rename(certificate, volunteer):
    volunteer.user.name = "刘芳芳"
    volunteer.user.save(update_fields=["name"])

    certificate.refresh_from_db()
    assert certificate.holder_name == "刘芳"


def test_my_volunteering_lists_my_certificates(certificate, volunteer):
    other = VolunteerFactory(community=volunteer.community)
    verified(other, "3")

    response = client_for(volunteer.user).get(reverse("volunteers:me"))

    assert [c.pk for c in response.context["certificates"]] == [certificate.pk]
    assert certificate.get_absolute_url() in response.content.decode()


@pytest.mark.parametrize("typed", ["---", " - - ", "AB/CD", "ABCD/EFGH/JKLM/NPQR"])
def test_the_lookup_form_never_fails_on_odd_input(db, typed):
    """What a visitor types must never become a server error: an empty code after removing the
    spaces and dashes, or a code with a slash, cannot be put into the check page's address."""
    client = client_for(None)
    client.raise_request_exception = False

    response = client.get(reverse("volunteers:certificate_verify"), {"code": typed}, follow=True)

    assert response.status_code == 200
    assert response.context["certificate"] is None
