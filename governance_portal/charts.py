"""Small server-side charts: the geometry of an inline SVG, computed in Python.

``line_chart`` (values over time) and ``bar_chart`` (values by category, horizontal bars so long
Chinese names fit) return a ``Chart`` that ``templates/includes/_chart_line.html`` and
``_chart_bar.html`` draw as inline SVG, with the same numbers in a table beside it for screen
readers and for anyone who prefers numbers. No JavaScript, no inline styles (the CSP forbids
them): colours come from ``currentColor`` and presentation attributes, so charts print.

    chart = line_chart([("3月", 155), ("6月", 140)], unit="s", title="疏散用时")
    {% include "includes/_chart_line.html" with chart=chart %}
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

Number = int | float | Decimal
Formatter = Callable[[float], str]

WIDTH = 640
LINE_HEIGHT = 280
# Room for the y-axis labels (left), the x-axis labels (bottom) and the last point (right).
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 64, 24, 16, 44
# Horizontal bars: the category names take the left part, the value follows each bar.
BAR_LABEL_WIDTH, BAR_VALUE_WIDTH, BAR_ROW, BAR_THICKNESS = 160, 72, 36, 22
MAX_X_LABELS = 8
TICKS = 4


@dataclass(frozen=True)
class Tick:
    """A value-axis tick: its position along the axis (x for bars, y for lines) and its label."""

    position: float
    label: str


@dataclass(frozen=True)
class Point:
    label: str
    value: float
    display: str
    x: float
    y: float
    show_label: bool  # crowded axes label only some points; the table has all
    anchor: str = "middle"  # text-anchor of the label: the first and last stay inside


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    display: str
    x: float
    y: float
    width: float
    height: float
    label_y: float


@dataclass(frozen=True)
class Chart:
    kind: str  # "line" or "bar"
    id: str  # for aria-labelledby; unique on the page
    title: str
    unit: str
    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    ticks: tuple[Tick, ...]
    points: tuple[Point, ...] = ()
    bars: tuple[Bar, ...] = ()

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def label_x(self) -> float:
        """Where the labels left of the plot end (tick labels of a line, names of bars)."""
        return self.left - 8

    @property
    def polyline(self) -> str:
        """The ``points`` attribute of the line's ``<polyline>``."""
        return " ".join(f"{p.x:g},{p.y:g}" for p in self.points)

    @property
    def rows(self) -> tuple[Point | Bar, ...]:
        """The data in order, for the accessible table."""
        return self.points or self.bars

    @property
    def empty(self) -> bool:
        return not self.rows

    @property
    def minimum(self) -> Point | Bar | None:
        return min(self.rows, key=lambda row: row.value, default=None)

    @property
    def maximum(self) -> Point | Bar | None:
        return max(self.rows, key=lambda row: row.value, default=None)


def format_number(value: float) -> str:
    """1 → "1", 2.5 → "2.5", 1234.56 → "1234.6" (no exponent, at most one decimal)."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}"


#: Tick steps that read well for durations in seconds (15 s … 1 h).
SECOND_STEPS = (1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)


def nice_ticks(
    low: float,
    high: float,
    count: int = TICKS,
    steps: Sequence[float] = (),
    whole: bool = False,
) -> list[float]:
    """Round tick values covering ``low``..``high``; the axis starts at zero unless values are
    negative. Steps are 1, 2, 2.5 or 5 × 10ⁿ, or the smallest of ``steps`` that fits (e.g.
    ``SECOND_STEPS`` so that times tick at whole minutes). ``whole``: the values are counts, so
    ticks are whole numbers too (no 2.5, nothing below 1)."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    fitting = [step for step in steps if step >= raw]
    if fitting:
        step = min(fitting)
    else:
        multipliers = (1, 2, 5, 10) if whole else (1, 2, 2.5, 5, 10)
        step = next(m * magnitude for m in multipliers if raw <= m * magnitude)
        if whole:
            step = max(step, 1)
    first = math.floor(low / step) * step
    last = math.ceil(high / step) * step
    steps = round((last - first) / step)
    return [round(first + i * step, 10) for i in range(steps + 1)]


def _clean(points: Sequence[tuple[str, Number]]) -> list[tuple[str, float]]:
    return [(str(label), float(value)) for label, value in points if value is not None]


def _new_id() -> str:
    return f"chart-{uuid.uuid4().hex[:8]}"


def line_chart(
    points: Sequence[tuple[str, Number]],
    *,
    unit: str,
    title: str = "",
    value_format: Formatter = format_number,
    tick_steps: Sequence[float] = (),
    width: int = WIDTH,
    height: int = LINE_HEIGHT,
) -> Chart:
    """A line through ``points`` ((label, value) in order, e.g. by date).

    ``value_format`` turns a value into text for the ticks, the point titles and the table
    (e.g. seconds as "2:35"); ``tick_steps`` the steps it reads well in (``SECOND_STEPS``);
    ``unit`` is said once, in the table head.
    """
    data = _clean(points)
    left, right = MARGIN_LEFT, width - MARGIN_RIGHT
    top, bottom = MARGIN_TOP, height - MARGIN_BOTTOM
    values = [value for _, value in data] or [0.0]
    ticks = nice_ticks(
        min(values), max(values), steps=tick_steps, whole=all(v.is_integer() for v in values)
    )
    low, high = ticks[0], ticks[-1]

    def y_of(value: float) -> float:
        return round(bottom - (value - low) / (high - low) * (bottom - top), 1)

    every = max(1, math.ceil(len(data) / MAX_X_LABELS))
    span = right - left
    chart_points = []
    for index, (label, value) in enumerate(data):
        x = left + span / 2 if len(data) == 1 else left + span * index / (len(data) - 1)
        last = index == len(data) - 1
        anchor = "middle"
        if len(data) > 1 and index == 0:
            anchor = "start"
        elif len(data) > 1 and last:
            anchor = "end"
        chart_points.append(
            Point(
                label=label,
                value=value,
                display=value_format(value),
                x=round(x, 1),
                y=y_of(value),
                show_label=index % every == 0 or (last and every == 1),
                anchor=anchor,
            )
        )
    return Chart(
        kind="line",
        id=_new_id(),
        title=title,
        unit=unit,
        width=width,
        height=height,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        ticks=tuple(Tick(y_of(tick), value_format(tick)) for tick in ticks),
        points=tuple(chart_points),
    )


def bar_chart(
    points: Sequence[tuple[str, Number]],
    *,
    unit: str,
    title: str = "",
    value_format: Formatter = format_number,
    tick_steps: Sequence[float] = (),
    width: int = WIDTH,
) -> Chart:
    """Horizontal bars, one row per (label, value), in the order given."""
    data = _clean(points)
    top = MARGIN_TOP
    height = top + BAR_ROW * max(len(data), 1) + MARGIN_BOTTOM
    bottom = height - MARGIN_BOTTOM
    left, right = BAR_LABEL_WIDTH, width - BAR_VALUE_WIDTH
    values = [value for _, value in data] or [0.0]
    ticks = nice_ticks(
        min(values), max(values), steps=tick_steps, whole=all(v.is_integer() for v in values)
    )
    low, high = ticks[0], ticks[-1]

    def x_of(value: float) -> float:
        return round(left + (value - low) / (high - low) * (right - left), 1)

    zero = x_of(0.0)
    bars = []
    for index, (label, value) in enumerate(data):
        row_top = top + BAR_ROW * index
        end = x_of(value)
        bars.append(
            Bar(
                label=label,
                value=value,
                display=value_format(value),
                x=min(zero, end),
                y=row_top + (BAR_ROW - BAR_THICKNESS) / 2,
                width=round(abs(end - zero), 1),
                height=BAR_THICKNESS,
                label_y=row_top + BAR_ROW / 2,
            )
        )
    return Chart(
        kind="bar",
        id=_new_id(),
        title=title,
        unit=unit,
        width=width,
        height=height,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        ticks=tuple(Tick(x_of(tick), value_format(tick)) for tick in ticks),
        bars=tuple(bars),
    )
