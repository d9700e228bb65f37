"""The signup rush: residents sign up for one activity at the same instant."""

from __future__ import annotations

import threading
import time

import requests

from bench.client import csrf_token_from


def _csrf(session: requests.Session, base_url: str, activity_id: int) -> str:
    page = session.get(f"{base_url}/activities/{activity_id}/signup/", timeout=60)
    page.raise_for_status()
    return csrf_token_from(page.text)


def run(base_url: str, sessions: list[requests.Session], activity_id: int) -> dict:
    """One signup POST per session from its own thread, all released by one barrier. The
    wall time runs from the release to the last response."""
    url = f"{base_url}/activities/{activity_id}/signup/"
    tokens = [_csrf(session, base_url, activity_id) for session in sessions]
    barrier = threading.Barrier(len(sessions) + 1)
    statuses: list[int | None] = [None] * len(sessions)
    ended: list[float] = [0.0] * len(sessions)

    def sign_up(index: int) -> None:
        session = sessions[index]
        barrier.wait()
        try:
            response = session.post(
                url,
                data={
                    "party_size": "1",
                    "children_under_14": "0",
                    "csrfmiddlewaretoken": tokens[index],
                },
                headers={"Referer": url},
                allow_redirects=False,
                timeout=120,
            )
            statuses[index] = response.status_code
        finally:
            ended[index] = time.perf_counter()

    threads = [threading.Thread(target=sign_up, args=(i,)) for i in range(len(sessions))]
    for thread in threads:
        thread.start()
    barrier.wait()
    released = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = max(ended) - released
    return {
        "residents": len(sessions),
        "redirects": sum(status == 302 for status in statuses),
        "other_statuses": sorted({s for s in statuses if s != 302}, key=str),
        "wall_seconds": round(wall, 3),
        "signups_per_second": round(len(sessions) / wall, 1),
    }
