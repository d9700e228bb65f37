"""p50/p95/p99 at 200 users: locust headless, read from its CSV summary."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

LOCUSTFILE = Path(__file__).with_name("locustfile.py")


def parse_stats(csv_path: Path) -> dict:
    """The ``Aggregated`` row of locust's ``*_stats.csv``, and each page's row."""
    rows = list(csv.DictReader(csv_path.open(encoding="utf-8")))

    def figures(row: dict) -> dict:
        return {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "rps": round(float(row["Requests/s"]), 1),
            "p50_ms": float(row["50%"]),
            "p95_ms": float(row["95%"]),
            "p99_ms": float(row["99%"]),
        }

    total = next(row for row in rows if row["Name"] == "Aggregated")
    return {
        **figures(total),
        "pages": {row["Name"]: figures(row) for row in rows if row["Name"] != "Aggregated"},
    }


def run(
    base_url: str,
    *,
    cookies: dict[str, str],
    paths: dict[str, str],
    users: int,
    seconds: int,
    workdir: Path,
) -> dict:
    prefix = workdir / "locust"
    env = {**os.environ, "BENCH_COOKIES": json.dumps(cookies), "BENCH_PAGES": json.dumps(paths)}
    subprocess.run(
        [
            sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
            "--host", base_url, "--users", str(users), "--spawn-rate", str(max(1, users // 10)),
            "--run-time", f"{seconds}s", "--csv", str(prefix), "--only-summary", "--reset-stats",
            "--loglevel", "WARNING", "--exit-code-on-error", "0",
        ],
        check=True, env=env, capture_output=True, text=True, timeout=seconds + 120,
    )  # fmt: skip
    result = parse_stats(Path(f"{prefix}_stats.csv"))
    result.update(users=users, seconds=seconds, think_time_s=[1, 3])
    return result
