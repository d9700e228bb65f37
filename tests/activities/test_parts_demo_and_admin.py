"""The demo data of what activities keep (恒大社区's trees, 北辰社区's club, 向西街社区's drill,
水泊寺街道's training base), and the admin pages over them."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from activities.models import (
    BookShare,
    CareLog,
    DrillReport,
    ReadingClub,
    Trainee,
    TrainingProgramme,
    TrainingScore,
    Tree,
)
from communities.models import User
from tests.conftest import client_for

PART_MODELS = [
    "tree",
    "treeadoption",
    "carelog",
    "readingclub",
    "clubmember",
    "clubsession",
    "bookshare",
    "drillreport",
    "drillgroup",
    "drillaction",
    "trainingprogramme",
    "instructor",
    "trainee",
    "trainingsession",
    "trainingattendance",
    "trainingscore",
]


@pytest.fixture
def demo(db):
    call_command("seed_demo", allow_production=True)


def test_the_demo_has_the_articles_trees_club_drill_and_programmes(demo):
    trees = Tree.objects.filter(community__name="恒大社区")
    assert trees.count() == 6
    assert trees.filter(adopter__isnull=False).count() == 5
    assert trees.needs_care().exists() and trees.exclude(pk__in=trees.needs_care()).exists()
    assert CareLog.objects.filter(tree__in=trees).count() >= 10

    club = ReadingClub.objects.get(community__name="北辰社区")
    books = list(club.book_list())
    assert books[0]["title_key"] == "平凡的世界" and books[0]["shares"] == 3
    assert BookShare.objects.filter(club=club).count() == 8

    drill = DrillReport.objects.get(activity__community__name="向西街社区")
    assert drill.partner_unit.name == "平城区41小"
    assert drill.evacuation_seconds == 155
    assert drill.groups.count() == 3 and drill.actions.filter(done=False).count() == 2

    programmes = TrainingProgramme.objects.filter(street__name="水泊寺街道")
    assert sorted(programmes.values_list("track", flat=True)) == sorted(
        TrainingProgramme.Track.values
    )
    assert Trainee.objects.filter(programme__track="lead_geese").exists()
    assert TrainingScore.objects.filter(session__programme__track="skills_contest").exists()


def test_seeding_twice_adds_nothing(demo):
    counts = [Tree.objects.count(), CareLog.objects.count(), BookShare.objects.count()]

    call_command("seed_demo", allow_production=True)

    assert [Tree.objects.count(), CareLog.objects.count(), BookShare.objects.count()] == counts


@pytest.mark.parametrize("model_name", PART_MODELS)
def test_an_administrator_can_list_and_open_every_part(demo, model_name):
    admin = User.objects.get(username="admin")
    model = apps.get_model("activities", model_name)
    client = client_for(admin)

    listing = client.get(reverse(f"admin:activities_{model_name}_changelist"))
    first = model.objects.first()
    detail = client.get(reverse(f"admin:activities_{model_name}_change", args=[first.pk]))

    assert listing.status_code == 200
    assert detail.status_code == 200
    # Read-only: the pages' actions keep the parts consistent.
    assert b'name="_save"' not in detail.content
