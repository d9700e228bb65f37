"""The one mechanism for what each kind adds (activities.kinds): report questions asked on the
shared report form, kept in report_details and shown on the public page; the kind's own staff
page linked from the activity's staff page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from activities import kinds
from activities.models import Activity
from tests.activities.factories import ActivityFactory
from tests.conftest import client_for


def held(community, staff, kind, **fields) -> Activity:
    now = timezone.now()
    return ActivityFactory(
        community=community,
        created_by=staff,
        kind=kind,
        starts_at=now - timedelta(hours=3),
        ends_at=now - timedelta(hours=1),
        **fields,
    )


def report_url(activity) -> str:
    return reverse("activities:activity_report", args=[activity.pk])


@pytest.mark.django_db
def test_a_cleanup_report_asks_what_was_cleaned_and_how_much(community, community_staff):
    cleanup = held(community, community_staff, Activity.Kind.CLEANUP)

    page = client_for(community_staff).get(report_url(cleanup)).content.decode()

    assert 'name="detail_what_cleaned"' in page
    assert 'name="detail_rubbish_bags"' in page
    assert 'name="detail_theme"' not in page  # publicity's question, not a clean-up's


@pytest.mark.django_db
def test_a_publicity_report_asks_for_the_theme_and_materials(community, community_staff):
    publicity = held(community, community_staff, Activity.Kind.PUBLICITY)

    page = client_for(community_staff).get(report_url(publicity)).content.decode()

    assert 'name="detail_theme"' in page
    assert 'name="detail_materials_count"' in page
    assert 'name="detail_rubbish_bags"' not in page


@pytest.mark.django_db
def test_other_kinds_ask_no_extra_questions(community, community_staff):
    other = held(community, community_staff, Activity.Kind.OTHER)

    page = client_for(community_staff).get(report_url(other)).content.decode()

    assert 'name="detail_' not in page


@pytest.mark.django_db
def test_answers_are_kept_and_shown_on_the_public_page(community, community_staff):
    cleanup = held(community, community_staff, Activity.Kind.CLEANUP, title="健身场地清理")

    response = client_for(community_staff).post(
        report_url(cleanup),
        {
            "report": "清理了健身场地。",
            "attendance": "0",
            "detail_what_cleaned": "  高寒所小区健身器材  ",
            "detail_rubbish_bags": "12",
            "detail_rubbish_kg": "35.5",
            "detail_area_m2": "",
        },
    )

    assert response.status_code == 302
    cleanup.refresh_from_db()
    assert cleanup.report_details == {
        "what_cleaned": "高寒所小区健身器材",
        "rubbish_bags": 12,
        "rubbish_kg": "35.5",
    }
    page = client_for(None).get(cleanup.get_absolute_url()).content.decode()
    assert "高寒所小区健身器材" in page
    assert "35.5" in page


@pytest.mark.django_db
def test_the_report_form_shows_earlier_answers_again(community, community_staff):
    publicity = held(
        community,
        community_staff,
        Activity.Kind.PUBLICITY,
        report="宣传",
        report_details={"theme": "爱水节水", "materials_count": 150},
    )

    page = client_for(community_staff).get(report_url(publicity)).content.decode()

    assert 'value="爱水节水"' in page
    assert 'value="150"' in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field, value",
    [
        ("detail_rubbish_bags", "-1"),
        ("detail_rubbish_bags", "十二"),
        ("detail_rubbish_kg", "1e9"),
        ("detail_what_cleaned", "长" * 201),
    ],
)
def test_bad_answers_are_form_errors_and_change_nothing(community, community_staff, field, value):
    cleanup = held(community, community_staff, Activity.Kind.CLEANUP)

    response = client_for(community_staff).post(
        report_url(cleanup), {"report": "清理", "attendance": "0", field: value}
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    cleanup.refresh_from_db()
    assert cleanup.report == "" and cleanup.report_details == {}


@pytest.mark.django_db
def test_answers_to_another_kinds_questions_are_ignored(community, community_staff):
    cleanup = held(community, community_staff, Activity.Kind.CLEANUP)

    client_for(community_staff).post(
        report_url(cleanup),
        {"report": "清理", "attendance": "0", "detail_theme": "不属于清理活动"},
    )

    cleanup.refresh_from_db()
    assert cleanup.report_details == {}


def test_every_kind_with_a_staff_page_names_a_label_and_a_public_part():
    for kind, part in kinds.PARTS.items():
        assert kind in Activity.Kind.values
        if part.staff_page:
            assert part.staff_page_label, kind
            reverse(part.staff_page, args=[1])  # the URL exists
        if part.public_template:
            assert part.public_context, kind


def test_question_names_are_unique_within_a_kind():
    for kind, part in kinds.PARTS.items():
        names = [question.name for question in part.questions]
        assert len(names) == len(set(names)), kind


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind, url_name",
    [(kind, part.staff_page) for kind, part in kinds.PARTS.items() if part.staff_page],
)
def test_the_staff_page_links_to_the_kinds_own_page(community, community_staff, kind, url_name):
    activity = ActivityFactory(community=community, created_by=community_staff, kind=kind)

    page = client_for(community_staff).get(
        reverse("activities:activity_manage", args=[activity.pk])
    )

    assert reverse(url_name, args=[activity.pk]) in page.content.decode()


@pytest.mark.django_db
def test_a_kind_without_its_own_page_shows_no_extra_link(community, community_staff):
    activity = ActivityFactory(
        community=community, created_by=community_staff, kind=Activity.Kind.OTHER
    )

    page = client_for(community_staff).get(
        reverse("activities:activity_manage", args=[activity.pk])
    )

    for part in kinds.PARTS.values():
        if part.staff_page:
            assert reverse(part.staff_page, args=[activity.pk]) not in page.content.decode()


@pytest.mark.django_db
def test_the_news_feed_shows_the_answers_too(community, community_staff):
    held(
        community,
        community_staff,
        Activity.Kind.PUBLICITY,
        status=Activity.Status.COMPLETED,
        report="在小区里开展爱水节水宣传。",
        report_details={"theme": "爱水节水", "people_reached": 60},
    )

    page = client_for(None).get(reverse("activities:news_list")).content.decode()

    assert "爱水节水" in page and "60" in page


@pytest.mark.django_db
@pytest.mark.parametrize("typed, kept", [("20", "20"), ("10.0", "10"), ("0.5", "0.5")])
def test_amounts_are_kept_as_people_write_them(community, community_staff, typed, kept):
    cleanup = held(community, community_staff, Activity.Kind.CLEANUP)

    client_for(community_staff).post(
        report_url(cleanup), {"report": "清理", "attendance": "0", "detail_rubbish_kg": typed}
    )

    cleanup.refresh_from_db()
    assert cleanup.report_details == {"rubbish_kg": kept}
