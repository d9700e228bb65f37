"""Rate limits for public forms: a fixed-window counter per key in the cache.

With ``REDIS_URL`` set the counters are shared by every app process; without it (development)
each process counts on its own. Exceeding a limit gives a friendly 429 page.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

from governance_portal.audit import client_ip


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one request; False when ``limit`` was already reached in this window."""
    bucket = f"ratelimit:{key}:{int(time.time()) // window}"
    cache.add(bucket, 0, timeout=window + 1)
    try:
        count = cache.incr(bucket)
    except ValueError:  # evicted between add and incr
        cache.set(bucket, 1, timeout=window + 1)
        count = 1
    return count <= limit


class RateLimitMixin:
    """For class-based views: POSTs beyond the limit get a friendly 429 page, change nothing."""

    rate_limit_scope = ""
    rate_limit_setting = ""  # the settings name holding the limit
    rate_limit_window = 60  # seconds
    rate_limit_per = "ip"  # or "user" (falls back to the address when anonymous)

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" and self.rate_limit_scope:
            if self.rate_limit_per == "user" and request.user.is_authenticated:
                who = f"user:{request.user.pk}"
            else:
                who = f"ip:{client_ip(request)}"
            limit = getattr(settings, self.rate_limit_setting)
            key = f"{self.rate_limit_scope}:{who}"
            if not hit(key, limit=limit, window=self.rate_limit_window):
                return render(request, "429.html", status=429)
        return super().dispatch(request, *args, **kwargs)
