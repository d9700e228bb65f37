"""What runs inside Django against a bench database (a subprocess of the runner, with its
DATABASE_URL): SQL queries and buffers per page, and the check of the signup rush.

    python -m bench.inprocess sql MANIFEST OUT.json
    python -m bench.inprocess rush-check ACTIVITY_ID OUT.json
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

EXPLAIN = "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) "


def plan_buffers(plan_json) -> int:
    """Shared blocks hit + read by the execution (planning excluded) of one EXPLAIN result."""
    document = plan_json[0] if isinstance(plan_json, list) else plan_json
    top = document["Plan"]
    return int(top.get("Shared Hit Blocks", 0)) + int(top.get("Shared Read Blocks", 0))


def is_read(sql: str) -> bool:
    return sql.lstrip().upper().startswith(("SELECT", "WITH"))


def _get(client, path: str) -> tuple[object, list[tuple[str, object]]]:
    from django.db import connection

    captured: list[tuple[str, object]] = []

    def capture(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}, not 200")
    return response, captured


def measure_pages(manifest: dict) -> dict:
    """Per page: queries of a request on a cold cache (after one warm-up request for
    Python-level caches), queries of the same request repeated at once, and the shared
    buffers the cold request's reads touch (each SELECT re-run under EXPLAIN ANALYZE)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from bench.pages import PAGES
    from governance_portal import pagecache

    users = get_user_model().objects
    results = {}
    for page in PAGES:
        client = Client()
        if page.role:
            client.force_login(users.get(username=manifest["accounts"][page.role]))
        path = page.path(manifest)
        expected = reverse(page.url_name, args=page.url_args(manifest))
        if path != expected:
            raise RuntimeError(f"bench.pages has {path} for {page.url_name}, Django {expected}")
        client.get(path)
        pagecache.store.clear()
        response, captured = _get(client, path)
        _, repeated = _get(client, path)
        statements = []
        with connection.cursor() as cursor:
            for sql, params in captured:
                if is_read(sql):
                    cursor.execute(EXPLAIN + sql, params)
                    statements.append((plan_buffers(cursor.fetchone()[0]), sql))
        results[page.key] = {
            "path": path,
            "queries": len(captured),
            "queries_repeat": len(repeated),
            "explained": len(statements),
            "buffers": sum(blocks for blocks, _ in statements),
            "bytes": len(response.content),
            # Where the buffers go: the costliest statements, cut short.
            "heaviest": [
                {"buffers": blocks, "sql": sql[:400]}
                for blocks, sql in sorted(statements, key=lambda s: -s[0])[:3]
            ],
        }
    return results


def check_rush(activity_id: int) -> dict:
    """Exactly the capacity confirmed, everyone else waitlisted, and the order of arrival
    (``created_at``, stamped under the activity's row lock) kept: every confirmed signup came
    before every waitlisted one, and waitlist positions run 1…n in arrival order."""
    from activities.models import Activity, Signup

    activity = Activity.objects.get(pk=activity_id)
    signups = list(
        Signup.objects.filter(activity_id=activity_id)
        .with_waitlist_position()
        .order_by("created_at", "pk")
    )
    statuses = [s.status for s in signups]
    confirmed = statuses.count(Signup.Status.CONFIRMED)
    waitlisted = statuses.count(Signup.Status.WAITLISTED)
    first_waiting = next(
        (i for i, s in enumerate(statuses) if s == Signup.Status.WAITLISTED), len(statuses)
    )
    in_order = all(s == Signup.Status.CONFIRMED for s in statuses[:first_waiting]) and all(
        s == Signup.Status.WAITLISTED for s in statuses[first_waiting:]
    )
    positions = [s.waitlist_position for s in signups[first_waiting:]]
    capacity = activity.capacity
    return {
        "capacity": capacity,
        "signups": len(signups),
        "confirmed": confirmed,
        "waitlisted": waitlisted,
        "places_taken": activity.places_taken,
        "waitlist_count": activity.waitlist_count,
        "in_arrival_order": in_order and positions == list(range(1, len(positions) + 1)),
        "overbooked": confirmed > capacity or activity.places_taken > capacity,
    }


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance_portal.settings")
    import django

    django.setup()
    command, argument, out = argv
    if command == "sql":
        result = measure_pages(json.loads(Path(argument).read_text(encoding="utf-8")))
    elif command == "rush-check":
        result = check_rush(int(argument))
    else:
        raise SystemExit(f"unknown command {command!r}")
    Path(out).write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
