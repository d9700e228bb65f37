"""The Redis cache backend that keeps one client per connection pool (settings with REDIS_URL)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from governance_portal.cache_backends import ReusedClientRedisCache

URL = "redis://127.0.0.1:6379/14"
ROOT = Path(__file__).resolve().parents[2]


def _redis_problem() -> str:
    try:
        redis.Redis.from_url(URL, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError as error:
        return f"needs Redis at {URL} ({error}); CI starts redis-server"
    return ""


pytestmark = pytest.mark.skipif(bool(_redis_problem()), reason=_redis_problem() or "-")


def test_one_client_serves_every_operation_and_the_cache_still_works():
    cache = ReusedClientRedisCache(URL, {"KEY_PREFIX": "test-reused-client"})
    cache.clear()
    client = cache._cache.get_client(write=True)

    cache.set("a", {"page": "内容"}, 30)
    cache.set_many({"b": 2, "c": 3}, 30)
    assert cache.get("a") == {"page": "内容"}
    assert cache.get_many(["a", "b", "c", "missing"]) == {"a": {"page": "内容"}, "b": 2, "c": 3}
    assert cache.incr("b") == 3
    cache.delete("a")
    assert cache.get("a") is None

    assert cache._cache.get_client() is client
    assert cache._cache.get_client(write=True) is client
    cache.clear()


def test_the_portal_uses_it_for_both_caches_with_redis_url():
    environment = {**os.environ, "REDIS_URL": URL, "DJANGO_DEBUG": "1"}
    shown = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings;"
         " print(sorted((a, c['BACKEND']) for a, c in settings.CACHES.items()))"],
        env={**environment, "DJANGO_SETTINGS_MODULE": "governance_portal.settings"},
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout  # fmt: skip
    backend = "governance_portal.cache_backends.ReusedClientRedisCache"
    assert shown.strip() == str([("default", backend), ("pages", backend)])
