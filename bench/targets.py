"""The issue's targets at L (#10) and the pass/fail verdict on measured figures."""

from __future__ import annotations

import operator
from dataclasses import dataclass

LIST_PAGES = ("manage_list", "public_list", "news")
QUERY_BUDGETS = {"manage_list": 6, "public_list": 6, "news": 6, "detail": 8, "dashboard": 12}
RATIO_TARGETS = {"manage_list": 0.10, "detail": 0.12, "dashboard": 0.08, "public_list": 0.60}

_OPS = {"<=": operator.le, ">=": operator.ge, "==": operator.eq}


@dataclass(frozen=True)
class Check:
    figure: str
    target: str
    value: float | bool | None
    passed: bool | None  # None: not measured in this run

    def as_dict(self) -> dict:
        return {
            "figure": self.figure,
            "target": self.target,
            "value": self.value,
            "pass": self.passed,
        }


def _check(figure: str, value, op: str, limit) -> Check:
    target = f"{op} {limit}"
    if value is None:
        return Check(figure, target, None, None)
    return Check(figure, target, value, bool(_OPS[op](value, limit)))


def evaluate(results: dict) -> list[Check]:
    """The target table for the largest size measured (L when present); L-vs-S figures only
    when both sizes ran. ``results`` is the JSON the runner writes."""
    sizes = results["sizes"]
    size = "L" if "L" in sizes else (next(reversed(sizes)) if sizes else None)
    data = sizes.get(size, {}) if size else {}
    checks: list[Check] = []
    throughput = data.get("throughput", {})
    for page, limit in RATIO_TARGETS.items():
        ratio = throughput.get(page, {}).get("ratio")
        checks.append(_check(f"{page} throughput ÷ ceiling ({size})", ratio, ">=", limit))
    latency = data.get("locust") or {}
    checks.append(_check(f"p95 at 200 users, ms ({size})", latency.get("p95_ms"), "<=", 100))
    checks.append(_check(f"p99 at 200 users, ms ({size})", latency.get("p99_ms"), "<=", 300))
    checks.append(_check(f"failures at 200 users ({size})", latency.get("failures"), "==", 0))
    sql = data.get("sql", {})
    for page, limit in QUERY_BUDGETS.items():
        queries = sql.get(page, {}).get("queries")
        checks.append(_check(f"{page} queries per request ({size})", queries, "<=", limit))
    comparison = results.get("comparison") or {}
    identical = comparison.get("queries_identical")
    checks.append(
        Check(
            "queries per page, L vs S",
            "identical",
            identical,
            None if identical is None else bool(identical),
        )
    )
    for page, ratio in (comparison.get("buffers_ratio") or {}).items():
        checks.append(_check(f"{page} buffers per request, L ÷ S", ratio, "<=", 1.5))
    rush = data.get("rush") or {}
    checks.append(_check(f"signups per second ({size})", rush.get("signups_per_second"), ">=", 100))
    checks.append(
        Check(
            f"signup rush: 10 confirmed, rest waitlisted in order ({size})",
            "exact",
            rush.get("correct"),
            rush.get("correct"),
        )
    )
    rss = data.get("rss_mib") or []
    checks.append(_check(f"RSS per warmed worker, MiB ({size})", max(rss, default=None), "<=", 100))
    return checks


def rush_correct(check: dict, *, residents: int) -> bool:
    """The rush filled exactly the capacity and waitlisted the rest in order of arrival, and
    the counters on the activity row agree (``check``: bench.inprocess.check_rush)."""
    confirmed = min(check["capacity"], residents)
    return (
        check["confirmed"] == confirmed
        and check["waitlisted"] == residents - confirmed
        and check["places_taken"] == check["confirmed"]
        and check["waitlist_count"] == check["waitlisted"]
        and check["in_arrival_order"]
        and not check["overbooked"]
    )


def buffers_ratio(small: dict, large: dict) -> dict[str, float]:
    """L ÷ S shared buffers per request for each page measured at both sizes."""
    ratios = {}
    for page, figures in large.items():
        base = small.get(page, {}).get("buffers")
        if base:
            ratios[page] = round(figures["buffers"] / base, 2)
    return ratios


def queries_identical(small: dict, large: dict) -> bool:
    pages = small.keys() & large.keys()
    return all(small[p]["queries"] == large[p]["queries"] for p in pages)
