"""A resident's trees and reading clubs in 我的数据 and when their account is anonymised."""

import json
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from activities.models import CareLog, ClubMember, ReadingClub, Tree, TreeAdoption
from communities import privacy
from tests.conftest import client_for


@pytest.fixture
def adopted_tree(community, community_staff, resident):
    tree = Tree.objects.create(
        community=community,
        name="同心树 1号",
        species="国槐",
        planted_on=timezone.localdate(),
        care_due_at=timezone.now() + timedelta(days=14),
        created_by=community_staff,
        adopter=resident,
        tag_name="小明",
    )
    adoption = TreeAdoption.objects.create(
        tree=tree, adopter=resident, tag_name="小明", registered_by=community_staff
    )
    log = CareLog(tree=tree, adoption=adoption, kind=CareLog.Kind.WATER, logged_by=resident)
    log.photo.save("care.jpg", ContentFile(b"jpeg"), save=False)
    log.thumbnail.save("care-thumb.jpg", ContentFile(b"jpeg"), save=False)
    log.save()
    return tree


@pytest.fixture
def membership(community, resident):
    club = ReadingClub.objects.create(community=community, name="北辰社区读书会")
    return ClubMember.objects.create(club=club, resident=resident)


@pytest.mark.django_db
def test_my_data_lists_my_trees_care_and_clubs(resident, adopted_tree, membership):
    client = client_for(resident)

    page = client.get(reverse("activities:my_data")).content.decode()
    download = json.loads(client.get(reverse("activities:my_data") + "?format=json").content)

    assert "同心树 1号" in page and "北辰社区读书会" in page
    assert download["tree_adoptions"][0]["name_on_tag"] == "小明"
    assert download["tree_care"][0]["photo"] is True
    assert download["reading_clubs"][0]["club"] == "北辰社区读书会"


@pytest.mark.django_db(transaction=True)
def test_anonymising_ends_the_adoption_and_removes_tag_names_and_care_photos(
    resident, adopted_tree, membership
):
    log = CareLog.objects.get()
    storage, photo_name = log.photo.storage, log.photo.name

    privacy.account_anonymise(user=resident, by=None)

    tree = Tree.objects.get(pk=adopted_tree.pk)
    assert tree.adopter is None and tree.tag_name == ""
    adoption = TreeAdoption.objects.get()
    assert adoption.ended_at is not None and adoption.tag_name == ""
    log.refresh_from_db()
    assert not log.photo and not log.thumbnail
    assert not storage.exists(photo_name)
    assert CareLog.objects.count() == 1  # the care itself stays in the tree's history
    membership.refresh_from_db()
    assert membership.left_at is not None
