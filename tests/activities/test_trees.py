"""Tree adoption rules (activities.parts.trees.actions): planting, adoption, care, loss.

The views are tested in test_trees_views.py; here each rule is checked on the actions that
views, the admin and commands all call.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from activities.models import Activity, CareLog, Tree, TreeAdoption
from activities.parts.trees import actions
from activities.parts.trees.views import my_trees, public_part_context
from tests.activities.factories import ActivityFactory
from tests.activities.trees_support import days_ago
from tests.factories import ResidentProfileFactory

pytest_plugins = ["tests.activities.trees_fixtures"]

SHANGHAI = ZoneInfo("Asia/Shanghai")


def reload(tree: Tree) -> Tree:
    return Tree.objects.get(pk=tree.pk)


# --- planting --------------------------------------------------------------------------------


def test_care_is_first_due_the_interval_after_the_planting_day_in_shanghai(make_tree):
    tree = make_tree(planted_on=date(2025, 3, 12), care_every_days=14)

    assert tree.care_due_at == datetime(2025, 3, 26, 0, 0, tzinfo=SHANGHAI)
    assert tree.last_cared_at is None
    assert tree.adopter is None and tree.status == Tree.Status.HEALTHY
    assert len(tree.tag_code) == 10


def test_tree_planted_at_its_communitys_tree_adoption_activity(make_tree, planting):
    tree = make_tree(planting_activity=planting)

    assert reload(tree).planting_activity == planting


def test_compound_of_another_community_is_refused(make_tree, other_compound):
    with pytest.raises(ValidationError) as error:
        make_tree(compound=other_compound)

    assert "compound" in error.value.message_dict
    assert not Tree.objects.exists()


def test_activity_of_another_community_is_refused(make_tree, sibling_community):
    elsewhere = ActivityFactory(community=sibling_community, kind=Activity.Kind.TREE_ADOPTION)

    with pytest.raises(ValidationError) as error:
        make_tree(planting_activity=elsewhere)

    assert "planting_activity" in error.value.message_dict


def test_activity_of_another_kind_is_refused(make_tree, community):
    club = ActivityFactory(community=community, kind=Activity.Kind.READING_CLUB)

    with pytest.raises(ValidationError) as error:
        make_tree(planting_activity=club)

    assert "planting_activity" in error.value.message_dict


def test_whole_street_tree_adoption_activity_may_plant_in_its_communities(make_tree, street):
    street_wide = ActivityFactory(community=None, street=street, kind=Activity.Kind.TREE_ADOPTION)

    assert make_tree(planting_activity=street_wide).planting_activity == street_wide


def test_tree_outside_the_staff_members_scope_is_refused(make_tree, other_community):
    with pytest.raises(ValidationError) as error:
        make_tree(community=other_community, compound=None)

    assert "community" in error.value.message_dict


def test_two_trees_of_a_community_cannot_share_a_name(make_tree):
    make_tree(name="同心树 1号")

    with pytest.raises(ValidationError) as error:
        make_tree(name="同心树 1号")

    assert "name" in error.value.message_dict
    assert Tree.objects.count() == 1


def test_changing_the_interval_moves_the_care_due_date(tree, community_staff):
    actions.tree_update(tree=tree, by=community_staff, care_every_days=7)

    planted = datetime.combine(tree.planted_on, datetime.min.time(), tzinfo=SHANGHAI)
    assert reload(tree).care_due_at == planted + timedelta(days=7)


def test_a_tree_cannot_move_to_another_community(tree, community_staff, sibling_community):
    with pytest.raises(ValidationError):
        actions.tree_update(tree=tree, by=community_staff, community=sibling_community)


# --- adoption --------------------------------------------------------------------------------


def test_adopting_mirrors_the_adoption_on_the_tree(tree, adopter, community_staff):
    adoption = actions.tree_adopt(
        tree=tree, adopter=adopter, tag_name=" 陈小雨 ", by=community_staff
    )

    tree = reload(tree)
    assert (tree.adopter, tree.tag_name) == (adopter, "陈小雨")
    assert (adoption.adopter, adoption.registered_by, adoption.ended_at) == (
        adopter,
        community_staff,
        None,
    )


def test_change_of_adopter_keeps_the_history(adopted, adopter, community_staff, make_resident):
    actions.care_log_add(tree=adopted, by=adopter, kind=CareLog.Kind.WATER)
    newcomer = make_resident(name="王芳")

    actions.tree_adopt(
        tree=adopted, adopter=newcomer, tag_name="", by=community_staff, reason="搬家了"
    )

    first, second = TreeAdoption.objects.filter(tree=adopted).order_by("pk")
    assert (first.adopter, first.end_reason) == (adopter, "搬家了")
    assert first.ended_at is not None
    assert (second.adopter, second.ended_at) == (newcomer, None)
    assert (reload(adopted).adopter, reload(adopted).tag_name) == (newcomer, "")
    # The first family's care stays on the tree, tied to their adoption.
    assert CareLog.objects.get(tree=adopted).adoption == first


def test_same_family_adopting_again_only_changes_the_tag(adopted, adopter, community_staff):
    actions.tree_adopt(tree=adopted, adopter=adopter, tag_name="陈小雪", by=community_staff)

    assert TreeAdoption.objects.filter(tree=adopted).count() == 1
    assert reload(adopted).tag_name == "陈小雪"


def test_resident_of_another_community_cannot_adopt(tree, sibling_community, community_staff):
    outsider = ResidentProfileFactory(community=sibling_community).user

    with pytest.raises(ValidationError):
        actions.tree_adopt(tree=tree, adopter=outsider, by=community_staff)

    assert reload(tree).adopter is None
    assert not TreeAdoption.objects.exists()


def test_account_without_a_resident_profile_cannot_adopt(tree, community_staff):
    with pytest.raises(ValidationError):
        actions.tree_adopt(tree=tree, adopter=community_staff, by=community_staff)


def test_lost_tree_cannot_be_adopted(tree, adopter, community_staff):
    actions.tree_mark_lost(tree=tree, note="冬季冻死", by=community_staff)

    with pytest.raises(ValidationError):
        actions.tree_adopt(tree=tree, adopter=adopter, by=community_staff)


def test_ending_an_adoption_keeps_it_in_the_history(adopted, adopter, community_staff):
    actions.tree_adoption_end(tree=adopted, reason="孩子上大学了", by=community_staff)

    tree = reload(adopted)
    assert (tree.adopter, tree.tag_name) == (None, "")
    adoption = TreeAdoption.objects.get(tree=tree)
    assert (adoption.adopter, adoption.end_reason) == (adopter, "孩子上大学了")
    assert my_trees(adopter) == []


def test_ending_needs_a_reason_and_an_adoption(tree, adopted, community_staff):
    with pytest.raises(ValidationError):
        actions.tree_adoption_end(tree=adopted, reason="  ", by=community_staff)
    actions.tree_adoption_end(tree=adopted, reason="搬家", by=community_staff)
    with pytest.raises(ValidationError):
        actions.tree_adoption_end(tree=adopted, reason="搬家", by=community_staff)


# --- care ------------------------------------------------------------------------------------


def test_adopters_care_records_the_adoption_and_moves_care_due(adopted, adopter):
    before = timezone.now()

    log = actions.care_log_add(tree=adopted, by=adopter, kind=CareLog.Kind.WATER, note="浇透了")

    tree = reload(adopted)
    assert log.adoption == TreeAdoption.objects.get(tree=tree)
    assert tree.last_cared_at == log.logged_at >= before
    assert tree.care_due_at == log.logged_at + timedelta(days=14)


def test_staff_of_the_community_log_care_without_an_adoption(adopted, street_staff):
    log = actions.care_log_add(tree=adopted, by=street_staff, kind=CareLog.Kind.PRUNE)

    assert log.adoption is None
    assert reload(adopted).last_cared_at == log.logged_at


@pytest.mark.parametrize("who", ["other_resident", "other_community_staff", "previous"])
def test_others_cannot_log_care(
    adopted, make_resident, other_community_staff, community_staff, who
):
    if who == "other_resident":
        user = make_resident()
    elif who == "other_community_staff":
        user = other_community_staff
    else:
        user = adopted.adopter
        actions.tree_adoption_end(tree=adopted, reason="搬家", by=community_staff)

    with pytest.raises(PermissionDenied):
        actions.care_log_add(tree=adopted, by=user, kind=CareLog.Kind.WATER)

    assert not CareLog.objects.exists()


def test_lost_tree_refuses_care(adopted, adopter, community_staff):
    actions.tree_mark_lost(tree=adopted, note="被挖走了", by=community_staff)

    with pytest.raises(ValidationError):
        actions.care_log_add(tree=adopted, by=adopter, kind=CareLog.Kind.WATER)

    assert not CareLog.objects.exists()


def test_unknown_care_kind_is_refused(adopted, adopter):
    with pytest.raises(ValidationError):
        actions.care_log_add(tree=adopted, by=adopter, kind="dance")

    assert reload(adopted).last_cared_at is None


def test_needs_care_appears_after_the_interval(make_tree, adopter, community_staff):
    tree = make_tree(planted_on=days_ago(20), care_every_days=14)
    fresh = make_tree(planted_on=days_ago(3), care_every_days=14)

    assert list(Tree.objects.needs_care()) == [tree]
    assert tree.condition == "needs_care" and fresh.condition == "healthy"
    # Twelve days from now the fresh tree is overdue too.
    later = timezone.now() + timedelta(days=12)
    assert set(Tree.objects.needs_care(later)) == {tree, fresh}

    actions.tree_adopt(tree=tree, adopter=adopter, by=community_staff)
    actions.care_log_add(tree=tree, by=adopter, kind=CareLog.Kind.VISIT)

    assert list(Tree.objects.needs_care()) == []
    assert reload(tree).condition == "healthy"


def test_lost_tree_never_shows_needs_care(make_tree, community_staff):
    tree = make_tree(planted_on=days_ago(60))
    actions.tree_mark_lost(tree=tree, note="枯死", by=community_staff)

    assert reload(tree).condition == "lost"
    assert not Tree.objects.needs_care().exists()


def test_marking_lost_needs_a_note_and_a_healthy_tree(tree, community_staff):
    with pytest.raises(ValidationError):
        actions.tree_mark_lost(tree=tree, note="", by=community_staff)
    actions.tree_mark_lost(tree=tree, note="枯死", by=community_staff)
    with pytest.raises(ValidationError):
        actions.tree_mark_lost(tree=tree, note="枯死", by=community_staff)


# --- replacement -----------------------------------------------------------------------------


def test_replacement_moves_the_adoption_and_the_old_history_stays(
    adopted, adopter, community_staff, compound
):
    actions.care_log_add(tree=adopted, by=adopter, kind=CareLog.Kind.WATER)
    actions.tree_mark_lost(tree=adopted, note="冬季冻死", by=community_staff)

    new = actions.tree_replace(
        tree=adopted,
        by=community_staff,
        name="同心树 1号（补种）",
        species="银杏",
        compound=compound,
        planted_on=timezone.localdate(),
        care_every_days=10,
    )

    old = reload(adopted)
    assert (old.status, old.replaced_by, old.adopter, old.status_note) == (
        Tree.Status.REPLACED,
        new,
        None,
        "冬季冻死",
    )
    assert (new.adopter, new.tag_name, new.community) == (adopter, "陈小雨", old.community)
    old_adoption = TreeAdoption.objects.get(tree=old)
    assert old_adoption.ended_at is not None
    assert TreeAdoption.objects.get(tree=new, ended_at__isnull=True).adopter == adopter
    assert CareLog.objects.get().tree == old
    assert my_trees(adopter) == [new]
    actions.care_log_add(tree=new, by=adopter, kind=CareLog.Kind.WATER)
    with pytest.raises(ValidationError):
        actions.care_log_add(tree=old, by=community_staff, kind=CareLog.Kind.WATER)


def test_replaced_tree_cannot_be_replaced_again_and_rules_hold(
    tree, community_staff, other_compound
):
    with pytest.raises(ValidationError):
        actions.tree_replace(
            tree=tree,
            by=community_staff,
            name="新树",
            species="银杏",
            compound=other_compound,
            planted_on=timezone.localdate(),
        )
    assert reload(tree).status == Tree.Status.HEALTHY

    actions.tree_replace(
        tree=tree, by=community_staff, name="新树", species="银杏", planted_on=date(2025, 4, 1)
    )
    with pytest.raises(ValidationError):
        actions.tree_replace(
            tree=tree, by=community_staff, name="新树2", species="银杏", planted_on=date(2025, 4, 1)
        )


# --- what other pages read -------------------------------------------------------------------


def test_public_part_is_one_query(
    make_tree, planting, adopted, django_assert_num_queries, community
):
    for _ in range(3):
        make_tree(planting_activity=planting)

    with django_assert_num_queries(1):
        context = public_part_context(planting)

    assert len(context["planted_trees"]) == 3
    assert context["more_trees"] is False


def test_my_trees_lists_current_adoptions_only(adopted, adopter, make_tree, community_staff):
    other = make_tree()
    actions.tree_adopt(tree=other, adopter=adopter, by=community_staff)
    given_back = make_tree()
    actions.tree_adopt(tree=given_back, adopter=adopter, by=community_staff)
    actions.tree_adoption_end(tree=given_back, reason="搬家", by=community_staff)

    assert set(my_trees(adopter)) == {adopted, other}
