"""The pages the benchmark measures, who opens them, and their paths from the seed's manifest.

Paths are written out rather than reversed so that the runner needs no Django; a test checks
that they match the URL names.
"""

from __future__ import annotations

from dataclasses import dataclass

CEILING = "ceiling"


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    url_name: str
    role: str | None  # a manifest account role, or None for an anonymous visitor
    path_template: str

    def path(self, manifest: dict) -> str:
        return self.path_template.format(
            activity=manifest["activity_id"], community=manifest["community_id"]
        )

    def url_args(self, manifest: dict) -> list[int]:
        """The arguments ``reverse(self.url_name, args=…)`` needs (for the path check)."""
        if "{activity}" in self.path_template:
            return [manifest["activity_id"]]
        if "{community}" in self.path_template:
            return [manifest["community_id"]]
        return []


PAGES = (
    Page(CEILING, "trivial view (ceiling)", "bench_ceiling", None, "/bench/ok/"),
    Page(
        "manage_list",
        "activity list (staff)",
        "activities:manage_list",
        "community_staff",
        "/manage/activities/",
    ),
    Page(
        "detail",
        "activity detail (resident)",
        "activities:activity_detail",
        "resident",
        "/activities/{activity}/",
    ),
    Page("news", "public news feed", "activities:news_list", None, "/news/"),
    Page(
        "public_list",
        "anonymous public list",
        "activities:activity_list",
        None,
        "/activities/",
    ),
    Page(
        "dashboard",
        "community dashboard",
        "dashboards:community_dashboard",
        "community_staff",
        "/manage/communities/{community}/dashboard/",
    ),
)

BY_KEY = {page.key: page for page in PAGES}
