"""The benchmark's ceiling view exists only with PORTAL_BENCHMARK=1, and the benchmark's pure
helpers read wrk, locust and EXPLAIN output and judge the issue's targets (bench/)."""

import importlib
import json

import pytest
from django.urls import clear_url_caches, reverse

import governance_portal.urls
from bench import inprocess, latency, targets, wrk
from bench.pages import PAGES
from bench.report import checks_table, figures_table

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8100/activities/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   341.13ms   50.10ms 497.11ms   70.00%
    Req/Sec    12.00      5.00    20.00     60.00%
  Latency Distribution
     50%  341.13ms
     75%  371.87ms
     90%  411.54ms
     99%    1.20s
  232 requests in 10.07s, 3.20MB read
  Socket errors: connect 0, read 0, write 0, timeout 3
  Non-2xx or 3xx responses: 2
Requests/sec:     23.04
Transfer/sec:    325.00KB
"""


def _reload_urls():
    importlib.reload(governance_portal.urls)
    clear_url_caches()


@pytest.fixture
def benchmark_urls(settings):
    settings.BENCHMARK = True
    _reload_urls()
    yield
    settings.BENCHMARK = False
    _reload_urls()


@pytest.mark.django_db
def test_ceiling_view_is_absent_without_portal_benchmark(client):
    assert client.get("/bench/ok/").status_code == 404


@pytest.mark.django_db
def test_ceiling_view_answers_ok_to_anyone_with_portal_benchmark(client, benchmark_urls):
    response = client.get("/bench/ok/")

    assert response.status_code == 200
    assert response.content == b"ok"


def test_benchmark_paths_match_the_url_names(benchmark_urls):
    manifest = {"activity_id": 7, "community_id": 3}

    for page in PAGES:
        assert page.path(manifest) == reverse(page.url_name, args=page.url_args(manifest))


def test_wrk_report_is_read():
    figures = wrk.parse(WRK_OUTPUT)

    assert figures["rps"] == 23.04
    assert figures["requests"] == 232
    assert figures["non_2xx"] == 2
    assert figures["socket_errors"] == 3
    assert figures["latency_ms"] == {"p50": 341.13, "p75": 371.87, "p90": 411.54, "p99": 1200.0}


def test_wrk_report_without_a_rate_is_an_error():
    with pytest.raises(ValueError):
        wrk.parse("unable to connect to 127.0.0.1:8100 Connection refused")


def test_locust_summary_is_read(tmp_path):
    columns = "Type,Name,Request Count,Failure Count,Requests/s,50%,95%,99%"
    stats = tmp_path / "locust_stats.csv"
    stats.write_text(
        f"{columns}\nGET,detail,90,0,3.0,40,80,120\n,Aggregated,300,1,10.5,45,95,310\n",
        encoding="utf-8",
    )

    summary = latency.parse_stats(stats)

    assert (summary["p50_ms"], summary["p95_ms"], summary["p99_ms"]) == (45, 95, 310)
    assert summary["failures"] == 1
    assert summary["pages"]["detail"]["requests"] == 90


def test_buffers_are_the_executions_shared_hits_and_reads():
    plan = [
        {
            "Plan": {"Node Type": "Limit", "Shared Hit Blocks": 40, "Shared Read Blocks": 2},
            "Planning": {"Shared Hit Blocks": 500},
        }
    ]

    assert inprocess.plan_buffers(plan) == 42
    assert inprocess.plan_buffers(json.loads(json.dumps(plan[0]))) == 42


def test_only_reads_are_explained():
    assert inprocess.is_read('  SELECT "x" FROM t')
    assert inprocess.is_read("WITH a AS (SELECT 1) SELECT * FROM a")
    assert not inprocess.is_read('UPDATE "django_session" SET x = 1')


def _results(**large) -> dict:
    small_sql = {
        "manage_list": {"queries": 6, "buffers": 40},
        "detail": {"queries": 8, "buffers": 20},
    }
    return {
        "sizes": {
            "S": {"sql": small_sql},
            "L": {
                "throughput": {"manage_list": {"ratio": 0.2}, "detail": {"ratio": 0.05}},
                "sql": large.get("sql", small_sql),
                "locust": {"p95_ms": 90, "p99_ms": 400, "failures": 0},
                "rush": {"signups_per_second": 150, "correct": True},
                "rss_mib": [80.0, 101.5],
            },
        },
        "comparison": {
            "queries_identical": targets.queries_identical(small_sql, large.get("sql", small_sql)),
            "buffers_ratio": targets.buffers_ratio(small_sql, large.get("sql", small_sql)),
        },
    }


def test_targets_are_judged_at_l():
    checks = {c.figure: c.passed for c in targets.evaluate(_results())}

    assert checks["manage_list throughput ÷ ceiling (L)"] is True
    assert checks["detail throughput ÷ ceiling (L)"] is False
    assert checks["dashboard throughput ÷ ceiling (L)"] is None
    assert checks["p95 at 200 users, ms (L)"] is True
    assert checks["p99 at 200 users, ms (L)"] is False
    assert checks["signups per second (L)"] is True
    assert checks["RSS per warmed worker, MiB (L)"] is False
    assert checks["queries per page, L vs S"] is True


def test_growing_queries_or_buffers_fail_the_l_against_s_targets():
    grown = {"manage_list": {"queries": 7, "buffers": 100}, "detail": {"queries": 8, "buffers": 20}}

    checks = {c.figure: c for c in targets.evaluate(_results(sql=grown))}

    assert checks["queries per page, L vs S"].passed is False
    assert checks["manage_list buffers per request, L ÷ S"].value == 2.5
    assert checks["manage_list buffers per request, L ÷ S"].passed is False
    assert checks["detail buffers per request, L ÷ S"].passed is True


RUSH = {
    "capacity": 10,
    "confirmed": 10,
    "waitlisted": 54,
    "places_taken": 10,
    "waitlist_count": 54,
    "in_arrival_order": True,
    "overbooked": False,
}


def test_a_full_rush_in_order_is_correct():
    assert targets.rush_correct(RUSH, residents=64)


@pytest.mark.parametrize(
    "change",
    [
        {"confirmed": 11, "waitlisted": 53, "places_taken": 11, "overbooked": True},
        {"confirmed": 9, "waitlisted": 55, "places_taken": 9, "waitlist_count": 55},
        {"waitlist_count": 53},
        {"in_arrival_order": False},
    ],
)
def test_an_overbooked_short_miscounted_or_unordered_rush_is_not(change):
    assert not targets.rush_correct({**RUSH, **change}, residents=64)


def test_tables_print_every_page_and_verdict():
    results = _results()

    assert "activity detail (resident)" in figures_table(results)
    assert "not measured" in checks_table(targets.evaluate(results))
