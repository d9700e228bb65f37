from django.core.management import CommandError, call_command

from communities.models import Community, Compound, ResidentProfile, StaffAssignment, Street, User
from communities.permissions import scope_for


def test_seed_demo_builds_the_articles_places_and_is_idempotent(db):
    call_command("seed_demo", allow_production=True)
    counts = (Street.objects.count(), Community.objects.count(), User.objects.count())
    call_command("seed_demo", allow_production=True)

    assert (Street.objects.count(), Community.objects.count(), User.objects.count()) == counts
    assert set(Street.objects.values_list("name", flat=True)) >= {
        "水泊寺街道",
        "鹿苑街道",
        "新旺街道",
        "永泰街道",
        "迎宾街道",
    }
    assert Community.objects.get(name="北辰社区").street.name == "鹿苑街道"
    assert set(
        Community.objects.filter(street__name="新旺街道").values_list("name", flat=True)
    ) == {"和信社区", "柳港园东院社区"}
    assert Compound.objects.get(name="高寒所小区").community.name == "友谊街社区"
    assert Community.objects.get(name="和泰社区").street.name == "迎宾街道"
    assert {"恒大社区", "向西街社区"} <= set(Community.objects.values_list("name", flat=True))


def test_seed_demo_gives_one_user_per_role(db):
    call_command("seed_demo", allow_production=True)

    assert User.objects.get(username="admin").is_superuser
    assert scope_for(User.objects.get(username="shuiposi_staff")).is_street_staff
    hengda = scope_for(User.objects.get(username="hengda_staff"))
    assert hengda.community_ids == {Community.objects.get(name="恒大社区").pk}
    assert ResidentProfile.objects.filter(user__username="13800000001").exists()
    assert StaffAssignment.objects.active().count() == 5


def test_seed_demo_refuses_production_without_the_flag(db, settings):
    settings.DEBUG = False
    try:
        call_command("seed_demo")
    except CommandError as error:
        assert "DJANGO_DEBUG" in str(error)
    else:
        raise AssertionError("seed_demo ran in production mode")
    assert not User.objects.exists()
