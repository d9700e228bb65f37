"""Two app servers on one PostgreSQL and one Redis keep no state of their own (docs/deploy.md).

Two real gunicorn processes serve the pytest test database with ``REDIS_URL`` set. A resident
logs in and signs up through server A; server B knows the session and shows the signup; a
logout through B ends the session on A; and the login rate limit counts requests on both.

Needs PostgreSQL (``DATABASE_URL=postgres://…``, as CI runs the suite) and Redis on
127.0.0.1:6379; otherwise the tests are skipped with the reason. They use Redis database 15 and
flush only that one.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.urls import reverse

from activities.models import Signup
from tests.activities.factories import ActivityFactory
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/15"
LOGIN_LIMIT = 6  # RATE_LIMIT_LOGIN_PER_MINUTE for both servers


def _redis_unavailable() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError as error:
        return f"needs Redis at {REDIS_URL} ({error}); CI starts redis-server"
    return ""


REDIS_PROBLEM = _redis_unavailable()

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="two servers share the test database: needs DATABASE_URL=postgres://… (as in CI)",
    ),
    pytest.mark.skipif(bool(REDIS_PROBLEM), reason=REDIS_PROBLEM),
    pytest.mark.django_db(transaction=True),
]

# The servers run the production settings with the two changes the tests make for themselves
# (tests/conftest.py): static files from the source folders (no collectstatic manifest needed)
# and the fast password hasher the factories used.
TEST_SETTINGS = """\
from governance_portal.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
"""


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    user = urllib.parse.quote(db["USER"] or "", safe="")
    password = urllib.parse.quote(db["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}{host}{port}/{urllib.parse.quote(db['NAME'], safe='')}"


def _environment(settings_dir: Path) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "PORTAL_", "REDIS_", "RATE_LIMIT_"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="twoproc_settings",
        PYTHONPATH=os.pathsep.join([str(settings_dir), str(ROOT)]),
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="two-processes-share-this-secret-key-0123456789",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_HSTS_SECONDS="0",
        DATABASE_URL=_database_url(),
        REDIS_URL=REDIS_URL,
        RATE_LIMIT_LOGIN_PER_MINUTE=str(LOGIN_LIMIT),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
    )
    return environment


def _start(name: str, folder: Path, environment: dict[str, str]) -> Server:
    port = _free_port()
    log = folder / f"server-{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "governance_portal.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--timeout",
                "30",
            ],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return Server(url=f"http://127.0.0.1:{port}", process=process, log=log)


def _wait_until_ready(server: Server, deadline: float) -> None:
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(server.url + reverse("login"), timeout=2) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            time.sleep(0.2)
    pytest.fail(f"server {server.url} did not start:\n{server.log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def servers(django_db_setup, tmp_path_factory):
    """Servers A and B on the test database, started together once, always stopped."""
    tmp_path = tmp_path_factory.mktemp("two_processes")
    (tmp_path / "twoproc_settings.py").write_text(TEST_SETTINGS)
    store = redis.Redis.from_url(REDIS_URL)
    store.flushdb()
    environment = _environment(tmp_path)
    started: list[Server] = []
    try:
        for name in ("a", "b"):
            started.append(_start(name, tmp_path, environment))
        deadline = time.monotonic() + 20
        for server in started:
            _wait_until_ready(server, deadline)
        yield started
    finally:
        for server in started:
            server.process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        for server in started:
            try:
                server.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait()
        store.flushdb()
        store.close()


class Browser:
    """A visitor with a cookie jar, on one server at a time."""

    def __init__(self, server: Server, jar: http.cookiejar.CookieJar | None = None):
        self.server = server
        self.jar = jar if jar is not None else http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, str, str]:
        """Status, final path after redirects, and body."""
        return self._open(urllib.request.Request(self.server.url + path))

    def post_form(
        self, path: str, data: dict[str, str], *, form_page: str = ""
    ) -> tuple[int, str, str]:
        """Load the page with the form (``path`` itself by default) for its CSRF token, then
        submit ``data`` to ``path``."""
        _, _, page = self.get(form_page or path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, f"no CSRF token on {form_page or path}"
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token.group(1)}).encode()
        return self._open(urllib.request.Request(self.server.url + path, data=body))

    def cookie(self, name: str) -> str:
        return next(cookie.value for cookie in self.jar if cookie.name == name)

    def _open(self, request) -> tuple[int, str, str]:
        try:
            with self.opener.open(request, timeout=10) as response:
                final = urllib.parse.urlsplit(response.url).path
                return response.status, final, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, urllib.parse.urlsplit(error.url).path, error.read().decode()


def only_the_session_of(browser: Browser) -> http.cookiejar.CookieJar:
    """A new jar holding just the session cookie: what a load balancer's next hop would get."""
    jar = http.cookiejar.CookieJar()
    for cookie in browser.jar:
        if cookie.name == "sessionid":
            jar.set_cookie(cookie)
    return jar


def test_a_login_and_a_signup_through_one_server_are_seen_by_the_other(
    servers, resident, community
):
    server_a, server_b = servers
    activity = ActivityFactory(community=community, title="两台服务器都知道的活动")
    on_a = Browser(server_a)

    status, landed, _ = on_a.post_form(
        reverse("login"), {"username": resident.username, "password": PASSWORD}
    )
    assert (status, landed) == (200, reverse("home"))

    # The session lives in Redis (read by every server) and in the database (the truth).
    session_key = on_a.cookie("sessionid")
    with redis.Redis.from_url(REDIS_URL) as store:
        assert store.exists(f"portal:1:django.contrib.sessions.cached_db{session_key}")

    on_b = Browser(server_b, only_the_session_of(on_a))
    status, landed, page = on_b.get(reverse("activities:me"))
    assert (status, landed) == (200, reverse("activities:me"))
    assert resident.name in page

    status, _, _ = on_a.post_form(
        reverse("activities:signup_create", args=[activity.pk]),
        {"party_size": "1", "children_under_14": "0"},
    )
    assert status == 200
    assert Signup.objects.filter(activity=activity, resident=resident).count() == 1

    status, _, page = on_b.get(reverse("activities:me"))
    assert status == 200
    assert activity.title in page

    # Logging out through B ends the session on A as well: no server keeps a copy.
    status, _, _ = on_b.post_form(reverse("logout"), {}, form_page=reverse("activities:me"))
    assert status == 200
    status, landed, _ = on_a.get(reverse("activities:me"))
    assert landed == reverse("login")


def test_the_login_rate_limit_counts_requests_on_both_servers(servers):
    server_a, server_b = servers
    redis.Redis.from_url(REDIS_URL).flushdb()  # no attempts counted by the test before
    # The counters use one-minute windows: do not straddle the end of one (the attempts take
    # well under a second).
    if time.time() % 60 > 55:
        time.sleep(61 - time.time() % 60)
    browsers = [Browser(server_a), Browser(server_b)]

    statuses = [
        browsers[attempt % 2].post_form(
            reverse("login"), {"username": f"nobody{attempt}", "password": "wrong-password"}
        )[0]
        for attempt in range(LOGIN_LIMIT + 1)
    ]

    # Each server alone saw at most four attempts; together they saw one too many.
    assert statuses == [200] * LOGIN_LIMIT + [429]
