"""A fresh database per size, the seed, and gunicorn as production runs it."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST, PORT = "127.0.0.1", 8100
BASE_URL = f"http://{HOST}:{PORT}"
WORKERS = 2


def database_url(server_url: str, name: str) -> str:
    return f"{server_url.rstrip('/')}/{name}"


def recreate_database(server_url: str, name: str) -> None:
    """DROP (closing any connection) and CREATE ``name`` on the server."""
    connection = psycopg2.connect(database_url(server_url, "postgres"))
    connection.autocommit = True
    with connection.cursor() as cursor:
        database = sql.Identifier(name)
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(database))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(database))
    connection.close()


def postgres_version(server_url: str) -> str:
    connection = psycopg2.connect(database_url(server_url, "postgres"))
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    connection.close()
    return version


def app_env(db_url: str, *, secret_key: str, **extra: str) -> dict[str, str]:
    """Production-like settings on plain HTTP at the loopback address (as behind a TLS proxy):
    DEBUG off, persistent connections, the ceiling view on, login and signup limits out of
    the way of the benchmark's own many logins from one address."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db_url,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secret_key,
        DJANGO_ALLOWED_HOSTS=HOST,
        DATABASE_CONN_MAX_AGE="600",
        PORTAL_BENCHMARK="1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_HSTS_SECONDS="0",
        RATE_LIMIT_LOGIN_PER_MINUTE="100000",
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


def empty_redis(url: str) -> None:
    """The benchmark's own Redis database, emptied: no cached page or session of an earlier run."""
    import redis

    redis.Redis.from_url(url).flushdb()


def new_secret_key() -> str:
    return "bench-" + secrets.token_urlsafe(48)


def manage(*args: str, env: dict[str, str], log: Path) -> None:
    with log.open("a") as out:
        out.write(f"\n$ manage.py {' '.join(args)}\n")
        out.flush()
        result = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed: see {log}")


def prepare(server_url: str, name: str, size: str, manifest: Path, log: Path) -> float:
    """Fresh database, migrations, the seed; the seed's wall time in seconds."""
    recreate_database(server_url, name)
    env = app_env(database_url(server_url, name), secret_key=new_secret_key())
    manage("migrate", "--noinput", "-v0", env=env, log=log)
    started = time.monotonic()
    seed_env = {**env, "DJANGO_DEBUG": "1"}
    manage("seed_scale", "--size", size, "--manifest", str(manifest), "-v2", env=seed_env, log=log)
    return round(time.monotonic() - started, 1)


class Gunicorn:
    """Two sync workers on 127.0.0.1:8100; stopped by the pid it started."""

    def __init__(self, env: dict[str, str], log: Path):
        self.env, self.log = env, log
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        self._out = self.log.open("a")
        self.process = subprocess.Popen(
            [
                PYTHON, "-m", "gunicorn", "governance_portal.wsgi:application",
                "--bind", f"{HOST}:{PORT}", "--workers", str(WORKERS),
                "--worker-class", "sync", "--timeout", "120",
            ],
            cwd=ROOT, env=self.env, stdout=self._out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self._wait_until_up()
        return self

    def _wait_until_up(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start-up: see {self.log}")
            try:
                with urllib.request.urlopen(f"{BASE_URL}/bench/ok/", timeout=2) as response:
                    if response.status == 200 and len(self.worker_pids()) == WORKERS:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer on {BASE_URL} within {seconds} s")

    def worker_pids(self) -> list[int]:
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children")
        return [int(p) for p in children.read_text().split()] if children.exists() else []

    def worker_rss_mib(self) -> list[float]:
        return [rss_mib(pid) for pid in self.worker_pids()]

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._out.close()


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError(f"no VmRSS for pid {pid}")
