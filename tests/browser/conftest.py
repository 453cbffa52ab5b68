"""A served sandbox and a headless Chromium to look at it with.

The browser is Debian's ``chromium`` (``make browser`` installs it), driven by Playwright's
bundled driver; ``playwright install`` is never run, so no browser is downloaded.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Request, Route, sync_playwright

from tests.support.processes import serving

CHROMIUM = Path("/usr/bin/chromium")

# Headless, and without the sandbox (tests run as root in containers, where Chromium's own
# sandbox cannot start) or a GPU. The rest stop Chromium's own traffic to Google (QUIC,
# background networking, component updates, sync): on a closed network those connections are
# refused, and they have nothing to do with the page under test.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


@pytest.fixture(scope="module")
def served_sandbox() -> Iterator[str]:
    """``creditbox serve --in-memory`` as a real process on a free port; yields its base URL.

    A real server, not an in-process app, because the browser needs a socket to connect to and
    because the pages must work as a user gets them from ``creditbox serve``.
    """
    with serving(("--in-memory",)) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the session (starting one takes about a second)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (installs Debian's chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page in a fresh browser context, so no test sees another's cookies or storage."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


def keep_within(page: Page, base_url: str) -> list[str]:
    """Block every request the page makes outside ``base_url``; the list fills with them.

    The pages must work without internet (no CDN), so a test asserts the list stays empty.
    """
    elsewhere: list[str] = []

    def only_the_sandbox(route: Route, request: Request) -> None:
        if request.url.startswith(f"{base_url}/"):
            route.continue_()
        else:
            elsewhere.append(request.url)
            route.abort()

    page.route("**/*", only_the_sandbox)
    return elsewhere
