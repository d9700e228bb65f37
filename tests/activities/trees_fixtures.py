"""Fixtures of the tree adoption tests: ``pytest_plugins = ["tests.activities.trees_fixtures"]``."""

import pytest

from activities.models import Activity, Tree
from activities.parts.trees import actions
from communities.permissions import scope_for
from tests.activities.factories import ActivityFactory
from tests.activities.trees_support import days_ago
from tests.factories import CompoundFactory, ResidentProfileFactory


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def compound(community):
    return CompoundFactory(community=community, name="恒大华府")


@pytest.fixture
def other_compound(other_community):
    return CompoundFactory(community=other_community, name="北辰小区")


@pytest.fixture
def planting(community, community_staff):
    """A tree adoption activity of ``community``."""
    return ActivityFactory(
        community=community,
        created_by=community_staff,
        kind=Activity.Kind.TREE_ADOPTION,
        title="春季绿植领养",
    )


@pytest.fixture
def make_tree(community, community_staff, compound):
    """``make_tree(name=…)`` → a tree of ``community`` created by its staff."""
    counter = iter(range(1, 10_000))

    def make(**fields) -> Tree:
        values = {
            "community": community,
            "compound": compound,
            "name": f"同心树 {next(counter)}号",
            "species": "银杏",
            "spot": "3号楼东侧草坪",
            "planted_on": days_ago(1),
            "care_every_days": 14,
        } | fields
        by = values.pop("by", community_staff)
        return actions.tree_create(by=by, scope=scope_for(by), **values)

    return make


@pytest.fixture
def tree(make_tree):
    return make_tree(name="同心树 1号")


@pytest.fixture
def adopter(community):
    """A resident of ``community`` (the family adopting)."""
    return ResidentProfileFactory(
        community=community, user__name="陈建国", user__phone="13800138000"
    ).user


@pytest.fixture
def adopted(tree, adopter, community_staff):
    actions.tree_adopt(tree=tree, adopter=adopter, tag_name="陈小雨", by=community_staff)
    tree.refresh_from_db()
    return tree
