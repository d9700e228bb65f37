"""Headless Chromium (Debian's package) driven by Playwright against pytest-django's live server.

Playwright's own browser download is not used: this machine reaches only package registries.
Without Chromium the browser tests skip, unless PORTAL_REQUIRE_BROWSER=1 (CI sets it), where
they fail instead.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("PORTAL_CHROMIUM") or shutil.which("chromium") or ""
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        if os.environ.get("PORTAL_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required (apt-get install chromium) but was not found.")
        pytest.skip("Chromium is not installed: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 412, "height": 915}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
