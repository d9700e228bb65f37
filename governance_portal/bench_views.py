"""The benchmark's ceiling: the cheapest page the project can serve (bench/, docs/performance.md).

Its URL exists only with ``PORTAL_BENCHMARK=1`` (``settings.BENCHMARK``). The request still goes
through every middleware, so its throughput is what a real page could reach at best.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path


@login_not_required
def ceiling(request):
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


urlpatterns = [path("bench/ok/", ceiling, name="bench_ceiling")]
