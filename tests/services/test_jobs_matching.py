"""Matching suggestions: shared words and character pairs between a seeker and postings."""

from datetime import timedelta

import pytest
from django.utils import timezone

from services.matching import suggestions, suggestions_for_seeker, tokens
from tests.factories import CommunityFactory
from tests.services.factories import ServiceStationFactory
from tests.services.jobs_factories import JobPostingFactory, JobSeekerFactory, ReferralFactory


def test_chinese_text_splits_into_character_pairs_and_words():
    assert tokens("保洁员，做饭") == {"保洁", "洁员", "做饭"}
    assert tokens("厨 Excel、电脑") == {"厨", "excel", "电脑"}
    assert tokens("") == set()


@pytest.mark.django_db
def test_best_matches_come_first_and_unrelated_postings_are_left_out(community):
    station = ServiceStationFactory(community=community)
    seeker = JobSeekerFactory(station=station, skills="做饭，打扫卫生", wished_work="保洁")
    title_match = JobPostingFactory(station=station, title="保洁员", requirements="会打扫卫生")
    requirement_match = JobPostingFactory(station=station, title="食堂帮工", requirements="会做饭")
    JobPostingFactory(station=station, title="电工", requirements="持证上岗")

    found = suggestions(seeker, [requirement_match, title_match])

    assert [s.posting for s in found] == [title_match, requirement_match]
    assert found[0].score > found[1].score > 0
    assert "保洁" in found[0].shared


@pytest.mark.django_db
def test_suggestions_look_only_at_open_unreferred_postings_of_the_community(
    community, django_assert_num_queries
):
    station = ServiceStationFactory(community=community)
    seeker = JobSeekerFactory(station=station, skills="", wished_work="保洁")
    wanted = JobPostingFactory(station=station, title="保洁员")
    JobPostingFactory(station=ServiceStationFactory(community=CommunityFactory()), title="保洁员")
    JobPostingFactory(
        station=station, title="保洁员", expires_on=timezone.localdate() - timedelta(days=1)
    )
    JobPostingFactory(station=station, title="保洁员", withdrawn=True)
    ReferralFactory(seeker=seeker, posting=JobPostingFactory(station=station, title="保洁员"))
    seeker = type(seeker).objects.select_related("station").get(pk=seeker.pk)

    with django_assert_num_queries(1):
        found = suggestions_for_seeker(seeker)

    assert [s.posting for s in found] == [wanted]


@pytest.mark.django_db
def test_suggestions_are_capped(community):
    station = ServiceStationFactory(community=community)
    seeker = JobSeekerFactory(station=station, wished_work="保洁")
    JobPostingFactory.create_batch(7, station=station, title="保洁员")

    assert len(suggestions_for_seeker(seeker, limit=5)) == 5
