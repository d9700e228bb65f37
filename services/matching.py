"""Suggest job postings for a job seeker: shared words between what the seeker can and wants to
do and what a posting asks for.

Chinese has no spaces between words, so text is split on punctuation and whitespace and every
run of Chinese characters also yields its character pairs (保洁员 → 保洁, 洁员). A single Chinese
character on its own counts as a word (厨). A pair found in the posting's title counts twice: the
title says what the job is, the requirements only what it needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from services.models import JobPosting, JobSeeker

# The most postings one seeker's suggestions look at: a station's board never has this many.
CANDIDATE_LIMIT = 200
TITLE_WEIGHT = 2

_PIECES = re.compile(r"[\W_]+", re.UNICODE)
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def tokens(text: str) -> set[str]:
    """The words of ``text`` (lower-cased), plus character pairs of its Chinese runs."""
    found: set[str] = set()
    for piece in _PIECES.split((text or "").lower()):
        if not piece:
            continue
        rest = _CJK_RUN.sub(" ", piece).split()
        found.update(word for word in rest if len(word) >= 2)
        for run in _CJK_RUN.findall(piece):
            if len(run) == 1:
                found.add(run)
            found.update(run[i : i + 2] for i in range(len(run) - 1))
    return found


def seeker_tokens(seeker: JobSeeker) -> set[str]:
    return tokens(seeker.skills) | tokens(seeker.wished_work)


@dataclass(frozen=True)
class Suggestion:
    posting: JobPosting
    score: int
    shared: tuple[str, ...]


def score(wanted: set[str], posting: JobPosting) -> tuple[int, set[str]]:
    in_title = wanted & tokens(posting.title)
    in_requirements = wanted & tokens(posting.requirements)
    return TITLE_WEIGHT * len(in_title) + len(in_requirements - in_title), in_title | (
        in_requirements
    )


def suggestions(seeker: JobSeeker, postings: Iterable[JobPosting]) -> list[Suggestion]:
    """The postings that share words with the seeker, best first (newest first on a tie)."""
    wanted = seeker_tokens(seeker)
    if not wanted:
        return []
    found = []
    for posting in postings:
        points, shared = score(wanted, posting)
        if points > 0:
            found.append(Suggestion(posting, points, tuple(sorted(shared))))
    found.sort(key=lambda s: (-s.score, -s.posting.created_at.timestamp(), -s.posting.pk))
    return found


def candidate_postings(seeker: JobSeeker):
    """Open postings of the seeker's community not yet referred to, newest first, capped: one
    query."""
    return (
        JobPosting.objects.active()
        .filter(station__community_id=seeker.station.community_id)
        .exclude(referrals__seeker=seeker)
        .select_related("station")
        .order_by("-created_at", "-pk")[:CANDIDATE_LIMIT]
    )


def suggestions_for_seeker(seeker: JobSeeker, limit: int = 5) -> list[Suggestion]:
    """The top ``limit`` suggestions for ``seeker`` (whose ``station`` should be loaded)."""
    return suggestions(seeker, candidate_postings(seeker))[:limit]
