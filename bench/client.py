"""Logging in over HTTP as a browser does: the login page's CSRF token, then the form."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import requests

LOGIN_PATH = "/accounts/login/"
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = _TOKEN.search(html)
    if not match:
        raise ValueError("The page has no CSRF token field.")
    return match[1]


def login(base_url: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    page = session.get(base_url + LOGIN_PATH, timeout=30)
    page.raise_for_status()
    response = session.post(
        base_url + LOGIN_PATH,
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": csrf_token_from(page.text),
        },
        headers={"Referer": base_url + LOGIN_PATH},
        allow_redirects=False,
        timeout=30,
    )
    if response.status_code != 302 or "sessionid" not in session.cookies:
        raise RuntimeError(f"Login as {username} failed (HTTP {response.status_code}).")
    return session


def login_many(base_url: str, usernames: list[str], password: str) -> list[requests.Session]:
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda name: login(base_url, name, password), usernames))


def cookie_header(session: requests.Session) -> str:
    return "; ".join(f"{name}={value}" for name, value in session.cookies.items())


def check_page(base_url: str, path: str, cookie: str = "") -> int:
    """The page answers 200 itself (wrk would count a redirect to the login page as success)."""
    response = requests.get(
        base_url + path,
        headers={"Cookie": cookie} if cookie else {},
        allow_redirects=False,
        timeout=60,
    )
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}, not 200.")
    return len(response.content)
