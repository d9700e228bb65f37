"""The small SVG charts: geometry from numbers, rendered as accessible inline SVG with a table."""

from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from governance_portal.charts import bar_chart, format_number, line_chart, nice_ticks


def seconds(value: float) -> str:
    minutes, rest = divmod(int(value), 60)
    return f"{minutes}:{rest:02d}"


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0, 10, [0, 2.5, 5, 7.5, 10]),
        (3, 155, [0, 50, 100, 150, 200]),
        (0, 0, [0, 0.25, 0.5, 0.75, 1]),
        (-5, 5, [-5, -2.5, 0, 2.5, 5]),
    ],
)
def test_ticks_are_round_and_cover_the_values(low, high, expected):
    ticks = nice_ticks(low, high)

    assert ticks == expected
    assert ticks[0] <= min(low, 0) and ticks[-1] >= high


def test_format_number_has_no_exponent_and_one_decimal():
    assert [format_number(v) for v in (1, 2.5, 1234.56, 1e6)] == ["1", "2.5", "1234.6", "1000000"]


def test_line_chart_places_points_left_to_right_and_higher_values_higher():
    chart = line_chart([("3月", 200), ("6月", 155), ("9月", 120)], unit="秒", title="疏散用时")

    xs = [p.x for p in chart.points]
    ys = [p.y for p in chart.points]
    assert xs == sorted(xs) and xs[0] == chart.left and xs[-1] == chart.right
    assert ys[0] < ys[1] < ys[2]  # SVG y grows downwards: the biggest value is highest
    assert all(chart.top <= y <= chart.bottom for y in ys)
    assert chart.polyline == " ".join(f"{p.x:g},{p.y:g}" for p in chart.points)
    assert chart.view_box == f"0 0 {chart.width} {chart.height}"
    assert chart.ticks[0].position == chart.bottom  # zero sits on the axis
    assert (chart.minimum.label, chart.maximum.label) == ("9月", "3月")


def test_line_chart_formats_values_ticks_and_accepts_decimals():
    chart = line_chart([("a", Decimal("155")), ("b", 90)], unit="分:秒", value_format=seconds)

    assert [p.display for p in chart.points] == ["2:35", "1:30"]
    assert all(":" in tick.label for tick in chart.ticks)


def test_one_point_sits_in_the_middle_and_none_is_empty():
    single = line_chart([("a", 5)], unit="")
    assert single.points[0].x == (single.left + single.right) / 2

    empty = line_chart([], unit="")
    assert empty.empty and empty.polyline == "" and empty.ticks


def test_crowded_axis_labels_only_some_points():
    chart = line_chart([(f"{i}", i) for i in range(40)], unit="")

    labelled = [p for p in chart.points if p.show_label]
    assert 1 < len(labelled) <= 8
    assert len(chart.rows) == 40  # the table keeps every value


def test_bar_chart_bars_grow_with_values_from_the_zero_line():
    chart = bar_chart([("恒大社区", 12), ("向西街社区", 3), ("北辰社区", 0)], unit="次")

    widths = [bar.width for bar in chart.bars]
    assert widths[0] > widths[1] > widths[2] == 0
    assert all(bar.x == chart.left for bar in chart.bars)
    assert [bar.y for bar in chart.bars] == sorted(bar.y for bar in chart.bars)
    assert chart.height > chart.bottom > chart.bars[-1].y


def test_bar_chart_handles_negative_values():
    chart = bar_chart([("up", 4), ("down", -2)], unit="")

    up, down = chart.bars
    assert down.x < up.x and down.x + down.width == pytest.approx(up.x)


@pytest.mark.parametrize("template", ["includes/_chart_line.html", "includes/_chart_bar.html"])
def test_chart_templates_render_accessible_svg_and_a_table(template):
    build = line_chart if "line" in template else bar_chart
    chart = build([("恒大社区", 12), ("向西街社区", 3)], unit="次", title="演练次数")

    html = render_to_string(template, {"chart": chart})

    assert 'role="img"' in html and f'aria-labelledby="{chart.id}-title {chart.id}-desc"' in html
    assert f'<title id="{chart.id}-title">演练次数</title>' in html
    assert "<table" in html and "<details" in html
    assert html.count("<tr>") == 3  # head + two rows
    assert "<script" not in html and "style=" not in html


def test_empty_chart_renders_a_plain_message():
    html = render_to_string("includes/_chart_line.html", {"chart": line_chart([], unit="秒")})

    assert "<svg" not in html


def test_two_charts_on_a_page_have_distinct_ids():
    assert line_chart([("a", 1)], unit="").id != line_chart([("a", 1)], unit="").id
