"""The Redis cache backend that keeps one client per connection pool (settings with REDIS_URL)."""

import pytest
import redis
from django.core.cache.backends.redis import RedisCache

from governance_portal.cache_backends import ReusedClientRedisCache

URL = "redis://127.0.0.1:6379/14"


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


def test_it_is_djangos_redis_cache():
    # The settings pick it for both caches with REDIS_URL (test_settings.py).
    assert issubclass(ReusedClientRedisCache, RedisCache)
