"""The demo data: 和信社区's volunteer team from the article, across the star levels."""

from decimal import Decimal

from django.core.management import call_command
from django.urls import reverse

from communities.models import Community
from tests.conftest import client_for
from volunteers.models import Certificate, ServiceRecord, Volunteer, VolunteerTeam, star_level
from volunteers.models.people import thresholds_for


def test_seed_demo_gives_hexin_volunteers_of_every_star_level(db):
    call_command("seed_demo", allow_production=True)

    hexin = Community.objects.get(name="和信社区")
    team = VolunteerTeam.objects.get(name="和信社区志愿服务队")
    assert team.community == hexin
    assert team.street == hexin.street
    volunteers = list(Volunteer.objects.filter(community=hexin).approved().with_hours())
    thresholds = thresholds_for(hexin.street_id)
    levels = {star_level(v.verified_hours, thresholds) for v in volunteers}
    assert {1, 2, 3, 4, 5} <= levels
    for volunteer in volunteers:
        records = ServiceRecord.objects.filter(volunteer=volunteer, status="verified")
        total = sum((r.hours for r in records), Decimal("0"))
        assert volunteer.verified_hours == total  # the total is the records' sum, no counter
    assert all(v.team == team for v in volunteers)
    assert Volunteer.objects.filter(community=hexin, status="pending").exists()
    assert Certificate.objects.filter(volunteer__community=hexin).exists()


def test_seed_demo_is_idempotent_for_volunteers(db):
    call_command("seed_demo", allow_production=True)
    counts = (Volunteer.objects.count(), ServiceRecord.objects.count())

    call_command("seed_demo", allow_production=True)

    assert (Volunteer.objects.count(), ServiceRecord.objects.count()) == counts
    assert VolunteerTeam.objects.filter(name="和信社区志愿服务队").count() == 1


def test_seed_demo_ranking_of_hexin_opens(db):
    call_command("seed_demo", allow_production=True)
    hexin = Community.objects.get(name="和信社区")

    response = client_for(None).get(reverse("volunteers:ranking"), {"unit": f"c-{hexin.pk}"})

    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) >= 5
    hours = [row.verified_hours for row in rows]
    assert hours == sorted(hours, reverse=True)
    assert "王建军" in response.content.decode()  # chose to show the full name
