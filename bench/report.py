"""The printed table: each figure at S and L beside the issue's target, with a verdict."""

from __future__ import annotations

from bench.pages import CEILING, PAGES
from bench.targets import Check


def _fmt(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    out = [line(header), line(["-" * w for w in widths])]
    out += [line(row) for row in rows]
    return "\n".join(out)


def figures_table(results: dict) -> str:
    sizes = list(results["sizes"])
    header = ["page"]
    for size in sizes:
        header += [f"req/s {size}", f"÷ ceiling {size}", f"queries {size}", f"buffers {size}"]
    rows = []
    for page in PAGES:
        row = [page.label]
        for size in sizes:
            data = results["sizes"][size]
            wrk = data.get("throughput", {}).get(page.key, {})
            sql = data.get("sql", {}).get(page.key, {})
            ratio = 1.0 if page.key == CEILING and wrk else wrk.get("ratio")
            row += [_fmt(wrk.get("rps")), _fmt(ratio), _fmt(sql.get("queries")),
                    _fmt(sql.get("buffers"))]  # fmt: skip
        rows.append(row)
    return _table(header, rows)


def checks_table(checks: list[Check]) -> str:
    verdict = {True: "pass", False: "FAIL", None: "not measured"}
    return _table(
        ["figure", "target", "measured", "verdict"],
        [[c.figure, c.target, _fmt(c.value), verdict[c.passed]] for c in checks],
    )


def other_figures(results: dict) -> str:
    lines = []
    for size, data in results["sizes"].items():
        rush = data.get("rush") or {}
        locust = data.get("locust")
        lines.append(
            f"{size}: seed {data.get('seed_seconds')} s; rush {rush.get('confirmed')} confirmed, "
            f"{rush.get('waitlisted')} waitlisted, in order: {_fmt(rush.get('in_arrival_order'))}, "
            f"{rush.get('signups_per_second')} signups/s; RSS per worker "
            f"{data.get('rss_mib')} MiB; load average before/after wrk "
            f"{data.get('load_average')}"
        )
        if locust:
            lines.append(
                f"{size}: {locust['users']} users, {locust['requests']} requests, "
                f"{locust['failures']} failures, p50/p95/p99 {locust['p50_ms']:.0f}/"
                f"{locust['p95_ms']:.0f}/{locust['p99_ms']:.0f} ms, {locust['rps']} req/s"
            )
    return "\n".join(lines)
