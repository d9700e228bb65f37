"""`make bench`: fresh database, seed, gunicorn, then every figure of issue #10 in one run.

    python -m bench.run --sizes S,L --out bench-results.json --duration 10

Writes the figures to a JSON file and prints them beside the targets (docs/performance.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import tempfile
import time
from pathlib import Path

from bench import client, latency, report, rush, server, targets, wrk
from bench.pages import CEILING, PAGES

DATABASES = {"S": "portal_bench_s", "L": "portal_bench_l"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--sizes", default="S,L", help="Comma-separated: S, L or S,L.")
    parser.add_argument("--out", type=Path, default=Path("bench-results.json"))
    parser.add_argument("--duration", type=int, default=10, help="Seconds per wrk run.")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads.")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections.")
    parser.add_argument("--users", type=int, default=200, help="locust users.")
    parser.add_argument(
        "--latency-seconds", type=int, default=60, help="locust run time after the ramp."
    )
    parser.add_argument(
        "--latency-sizes", default="L", help="Sizes with the locust run (comma-separated)."
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432"),
        help="The PostgreSQL server (no database name).",
    )
    parser.add_argument(
        "--redis",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
        help="REDIS_URL of the app (cache and sessions shared by the workers, as deployed with "
        "several); its database is emptied before each size. Empty: per-process caches.",
    )
    args = parser.parse_args(argv)
    args.sizes = [s.strip().upper() for s in args.sizes.split(",") if s.strip()]
    args.latency_sizes = {s.strip().upper() for s in args.latency_sizes.split(",") if s.strip()}
    unknown = set(args.sizes) - DATABASES.keys()
    if unknown:
        parser.error(f"unknown sizes: {', '.join(sorted(unknown))}")
    return args


def machine(postgres_url: str) -> dict:
    meminfo = Path("/proc/meminfo").read_text().split()
    return {
        "cpus": os.cpu_count(),
        "cpu_model": next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        ),
        "ram_gib": round(int(meminfo[meminfo.index("MemTotal:") + 1]) / 2**20, 1),
        "postgresql": server.postgres_version(postgres_url),
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def inprocess(command: str, argument: str, env: dict, workdir: Path) -> dict:
    out = workdir / f"{command}.json"
    subprocess.run(
        [server.PYTHON, "-m", "bench.inprocess", command, argument, str(out)],
        cwd=server.ROOT, env=env, check=True,
    )  # fmt: skip
    return json.loads(out.read_text(encoding="utf-8"))


def measure_throughput(args, manifest: dict, cookies: dict[str, str]) -> dict:
    results = {}
    for page in PAGES:
        path, cookie = page.path(manifest), cookies.get(page.role, "")
        client.check_page(server.BASE_URL, path, cookie)
        wrk.run(server.BASE_URL + path, cookie=cookie, threads=1, connections=2, seconds=2)
        say(f"  wrk {page.key} {path}")
        results[page.key] = wrk.run(
            server.BASE_URL + path,
            cookie=cookie,
            threads=args.threads,
            connections=args.connections,
            seconds=args.duration,
        )
    ceiling = results[CEILING]["rps"]
    for figures in results.values():
        figures["ratio"] = round(figures["rps"] / ceiling, 3) if ceiling else None
    return results


def run_size(args, size: str, workdir: Path) -> dict:
    log = workdir / f"{size}.log"
    manifest_path = workdir / f"manifest-{size}.json"
    name = DATABASES[size]
    say(f"{size}: fresh database {name}, migrate, seed_scale --size {size} (log {log})")
    seed_seconds = server.prepare(args.postgres, name, size, manifest_path, log)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    db_url = server.database_url(args.postgres, name)
    env = server.app_env(db_url, secret_key=server.new_secret_key(), REDIS_URL=args.redis)
    if args.redis:
        server.empty_redis(args.redis)
    data: dict = {"database": name, "seed_seconds": seed_seconds, "rows": manifest.get("rows")}

    say(f"{size}: SQL queries and buffers per page (in-process, Django test client)")
    sql_env = {**env, "DJANGO_ALLOWED_HOSTS": f"{server.HOST},testserver"}
    data["sql"] = inprocess("sql", str(manifest_path), sql_env, workdir)

    say(f"{size}: gunicorn on {server.BASE_URL}")
    with server.Gunicorn(env, log) as gunicorn:
        password = manifest["password"]
        sessions = {
            role: client.login(server.BASE_URL, username, password)
            for role, username in manifest["accounts"].items()
        }
        cookies = {role: client.cookie_header(s) for role, s in sessions.items()}
        # Other work on the machine skews every figure: the 1-minute load before and after.
        load_before = os.getloadavg()[0]
        data["throughput"] = measure_throughput(args, manifest, cookies)
        data["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
        if size in args.latency_sizes:
            say(f"{size}: locust, {args.users} users, {args.latency_seconds} s")
            paths = {page.key: page.path(manifest) for page in PAGES}
            data["locust"] = latency.run(
                server.BASE_URL,
                cookies=cookies,
                paths=paths,
                users=args.users,
                seconds=args.latency_seconds,
                workdir=workdir,
            )
        residents = manifest["rush_residents"]
        say(f"{size}: signup rush, {len(residents)} residents log in")
        rush_sessions = client.login_many(server.BASE_URL, residents, password)
        figures = rush.run(server.BASE_URL, rush_sessions, manifest["rush_activity_id"])
        data["rss_mib"] = gunicorn.worker_rss_mib()
    check = inprocess("rush-check", str(manifest["rush_activity_id"]), env, workdir)
    check["correct"] = targets.rush_correct(check, residents=len(residents))
    data["rush"] = {**figures, **check}
    return data


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    results: dict = {
        "machine": machine(args.postgres),
        "settings": {
            "gunicorn": f"{server.WORKERS} sync workers, DEBUG off, CONN_MAX_AGE 600",
            "redis": args.redis or "none (per-process caches, sessions in the database)",
            "wrk": f"-t{args.threads} -c{args.connections} -d{args.duration}s",
            "locust": f"{args.users} users, wait between(1, 3) s, {args.latency_seconds} s "
            f"after the ramp, at {', '.join(sorted(args.latency_sizes)) or 'no size'}",
        },
        "sizes": {},
    }
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        workdir = Path(tmp)
        say("collectstatic (the production static storage needs its manifest)")
        server.manage(
            "collectstatic", "--noinput", "-v0",
            env=server.app_env("sqlite://:memory:", secret_key=server.new_secret_key()),
            log=workdir / "collectstatic.log",
        )  # fmt: skip
        for size in args.sizes:
            try:
                results["sizes"][size] = run_size(args, size, workdir)
            finally:
                # Kept beside the figures: the seed's timings and ids, gunicorn's errors.
                for kept in [*workdir.glob("*.log"), *workdir.glob("manifest-*.json")]:
                    copy = args.out.with_name(f"{args.out.stem}-{kept.name}")
                    copy.write_text(kept.read_text(encoding="utf-8"), encoding="utf-8")
    sizes = results["sizes"]
    if "S" in sizes and "L" in sizes:
        results["comparison"] = {
            "queries_identical": targets.queries_identical(sizes["S"]["sql"], sizes["L"]["sql"]),
            "buffers_ratio": targets.buffers_ratio(sizes["S"]["sql"], sizes["L"]["sql"]),
        }
    checks = targets.evaluate(results)
    results["checks"] = [c.as_dict() for c in checks]
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print()
    print(report.figures_table(results))
    print()
    print(report.other_figures(results))
    print()
    print(report.checks_table(checks))
    print(f"\nFigures written to {args.out}")
    return results


if __name__ == "__main__":
    main()
