"""200 simulated visitors with 1–3 s think time (``locust -f bench/locustfile.py``).

Each visitor opens the measured pages in the mix below, as the account the page needs; the
session cookies come from the runner in ``BENCH_COOKIES`` (JSON: role → Cookie header) and the
paths in ``BENCH_PAGES`` (JSON: page key → path).
"""

import json
import os

from locust import HttpUser, between, task

COOKIES = json.loads(os.environ.get("BENCH_COOKIES", "{}"))
PATHS = json.loads(os.environ.get("BENCH_PAGES", "{}"))


class Visitor(HttpUser):
    wait_time = between(1, 3)

    def _open(self, key: str, role: str | None) -> None:
        headers = {"Cookie": COOKIES[role]} if role else {}
        self.client.get(PATHS[key], headers=headers, name=key, allow_redirects=False)

    @task(4)
    def public_list(self):
        self._open("public_list", None)

    @task(3)
    def detail(self):
        self._open("detail", "resident")

    @task(2)
    def news(self):
        self._open("news", None)

    @task(2)
    def manage_list(self):
        self._open("manage_list", "community_staff")

    @task(1)
    def dashboard(self):
        self._open("dashboard", "community_staff")
