"""The period a dashboard, report or ledger covers: a month, a quarter, a year or a date range.

Read from the query string by ``PeriodForm``: ``?month=2026-11``, ``?quarter=2026-4``,
``?year=2026`` or ``?start=2026-11-03&end=2026-11-20``; nothing (or something wrong) means this
month, and the form's errors say what was wrong. Dates are local (Asia/Shanghai) days; the
datetime bounds (``start_at`` inclusive, ``end_at`` exclusive) are local midnights.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

EARLIEST_YEAR = 2000
#: A custom range may span at most this many days (three years): the month charts stay readable.
LONGEST_RANGE_DAYS = 3 * 366
MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{1,2})$")
QUARTER_PATTERN = re.compile(r"^(\d{4})-([1-4])$")


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class Period:
    kind: str  # "month", "quarter", "year" or "range"
    start: date  # first day, inclusive
    end: date  # last day, inclusive

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        first = date(year, month, 1)
        return cls("month", first, next_month(first) - timedelta(days=1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = date(year, 3 * quarter - 2, 1)
        return cls("quarter", first, next_month(next_month(next_month(first))) - timedelta(days=1))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls("year", date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def this_month(cls) -> Period:
        today = timezone.localdate()
        return cls.month(today.year, today.month)

    @property
    def start_at(self) -> datetime:
        return local_midnight(self.start)

    @property
    def end_at(self) -> datetime:
        """The local midnight after the last day (exclusive)."""
        return local_midnight(self.end + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        if self.kind == "month":
            return date_format(self.start, "YEAR_MONTH_FORMAT")  # 2026年11月 / November 2026
        if self.kind == "quarter":
            return gettext("Q%(quarter)d %(year)d") % {
                "year": self.start.year,
                "quarter": (self.start.month + 2) // 3,
            }
        if self.kind == "year":
            return gettext("%(year)d") % {"year": self.start.year}
        return gettext("%(start)s to %(end)s") % {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }

    @property
    def query(self) -> str:
        """The query string that selects this period again (without ``?``)."""
        if self.kind == "month":
            return f"month={self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"quarter={self.start.year}-{(self.start.month + 2) // 3}"
        if self.kind == "year":
            return f"year={self.start.year}"
        return f"start={self.start.isoformat()}&end={self.end.isoformat()}"

    def months(self) -> list[date]:
        """First days of the months the period touches, in order."""
        months, current = [], month_start(self.start)
        while current <= self.end:
            months.append(current)
            current = next_month(current)
        return months

    def trend_months(self, count: int = 12) -> list[date]:
        """The months a trend chart shows: the period's own months, or, for a period shorter
        than ``count`` months, the ``count`` months that end with the period's last month."""
        months = self.months()
        if len(months) >= count:
            return months
        first = month_start(self.end)
        for _step in range(count - 1):
            first = month_start(first - timedelta(days=1))
        return Period("range", first, self.end).months()

    @property
    def last_month(self) -> Period:
        """The month of the period's last day: what the monthly report and ledger open from a
        longer period."""
        return Period.month(self.end.year, self.end.month)

    def previous(self) -> Period | None:
        """The period of the same kind just before (months, quarters, years)."""
        before = self.start - timedelta(days=1)
        if self.kind == "month":
            return Period.month(before.year, before.month)
        if self.kind == "quarter":
            return Period.quarter(before.year, (before.month + 2) // 3)
        if self.kind == "year":
            return Period.year(before.year)
        return None

    def following(self) -> Period | None:
        after = self.end + timedelta(days=1)
        if after > timezone.localdate():
            return None
        if self.kind == "month":
            return Period.month(after.year, after.month)
        if self.kind == "quarter":
            return Period.quarter(after.year, (after.month + 2) // 3)
        if self.kind == "year":
            return Period.year(after.year)
        return None


def shortcuts() -> list[tuple[str, Period]]:
    """The periods staff pick most: this and last month, this quarter, this and last year."""
    today = timezone.localdate()
    last_month = month_start(today) - timedelta(days=1)
    return [
        (gettext("This month"), Period.month(today.year, today.month)),
        (gettext("Last month"), Period.month(last_month.year, last_month.month)),
        (gettext("This quarter"), Period.quarter(today.year, (today.month + 2) // 3)),
        (gettext("This year"), Period.year(today.year)),
        (gettext("Last year"), Period.year(today.year - 1)),
    ]


class PeriodForm(forms.Form):
    """Bound to ``request.GET``; ``period`` is the chosen period, or this month when nothing or
    something invalid was asked for (``errors`` then says what)."""

    month = forms.CharField(
        label=_("Month"),
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month"}),
        help_text=_("For example 2026-11."),
    )
    quarter = forms.CharField(required=False, max_length=6, widget=forms.HiddenInput)
    year = forms.CharField(required=False, max_length=4, widget=forms.HiddenInput)
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    #: Only a month: the ledger and the monthly report.
    months_only = False

    def _year(self, value: int, field: str) -> int:
        if not EARLIEST_YEAR <= value <= timezone.localdate().year:
            raise forms.ValidationError(
                {
                    field: _("Choose a year from %(first)d to %(last)d.")
                    % {"first": EARLIEST_YEAR, "last": timezone.localdate().year}
                }
            )
        return value

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        month, quarter, year = data.get("month"), data.get("quarter"), data.get("year")
        start, end = data.get("start"), data.get("end")
        period = None
        if self.months_only and (quarter or year or start or end):
            raise forms.ValidationError(_("This page covers one month: choose a month."))
        if start or end:
            if not (start and end):
                raise forms.ValidationError(_("Give both the first and the last day."))
            if end < start:
                raise forms.ValidationError(_("The last day cannot be before the first day."))
            if (end - start).days >= LONGEST_RANGE_DAYS:
                raise forms.ValidationError(_("Choose at most three years."))
            self._year(start.year, "start")
            self._year(end.year, "end")
            period = Period("range", start, end)
        elif month:
            match = MONTH_PATTERN.match(month) if month.isascii() else None
            if not match or not 1 <= int(match[2]) <= 12:
                raise forms.ValidationError({"month": _("Give a month as 2026-11.")})
            period = Period.month(self._year(int(match[1]), "month"), int(match[2]))
        elif quarter:
            match = QUARTER_PATTERN.match(quarter) if quarter.isascii() else None
            if not match:
                raise forms.ValidationError({"quarter": _("Give a quarter as 2026-4.")})
            period = Period.quarter(self._year(int(match[1]), "quarter"), int(match[2]))
        elif year:
            if not (year.isascii() and year.isdigit()):
                raise forms.ValidationError({"year": _("Give a year as 2026.")})
            period = Period.year(self._year(int(year), "year"))
        if period and period.start > timezone.localdate():
            raise forms.ValidationError(_("This period has not started yet."))
        data["period"] = period
        return data

    @property
    def period(self) -> Period:
        if self.is_valid() and self.cleaned_data.get("period"):
            return self.cleaned_data["period"]
        return Period.this_month()


class MonthForm(PeriodForm):
    months_only = True
