"""Paging long public lists without counting all of them.

A page of a list that grows with the city (the public activity list, the news feed) must cost
the same at any size. Django's paginator counts every matching row to know the number of pages;
``LookaheadPaginator`` counts only up to a little past the page asked for, and says so when the
count stopped early ("more than 200"). Deep pages work up to ``FURTHEST``: the count reaches as
far as the page asked for, so its cost grows with the page number, never with the data. Past
that the list ends (a 404, like any page past the end): nobody pages through ten thousand
activities, the filters narrow them. ``?page=last`` is the last page within that reach.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

REACH = 200  # rows counted past the start of the page asked for, rounded up to hundreds
FURTHEST = 500  # the count reaches at most this page's rows (and REACH more)


class LookaheadPaginator(Paginator):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Until page() is called with a number, "last" is asked for (ListView reads num_pages
        # first for ?page=last): count as far as the list reaches.
        self.asked = FURTHEST
        self.is_open_ended = False

    def page(self, number):
        try:
            self.asked = min(max(int(number), 1), FURTHEST)
        except (TypeError, ValueError):
            self.asked = 1
        return super().page(number)

    @cached_property
    def count(self) -> int:
        reach = (self.asked - 1) * self.per_page + REACH
        limit = -(-reach // 100) * 100
        counted = self.object_list[: limit + 1].count()
        self.is_open_ended = counted > limit
        return min(counted, limit)
