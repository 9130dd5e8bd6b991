"""Browser tests: the agent desktop in Debian's headless Chromium (see tests/support/browser.py)."""

from __future__ import annotations

import pytest

from tests.support.browser import DESKTOP_STATIC, chromium, new_page, serve_directory


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module; every test gets its own context through new_page.
    Not per session: Playwright's sync API keeps an event loop running in the main thread while
    it is open, and later tests that call asyncio.run() would fail."""
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def static_desktop_url():
    """web/static/desktop served by http.server on a free loopback port (no API behind it)."""
    with serve_directory(DESKTOP_STATIC) as url:
        yield url


@pytest.fixture
def static_page(browser, static_desktop_url):
    """A fresh 1366x768 page on the static desktop, not yet navigated."""
    page = new_page(browser, static_desktop_url)
    yield page
    page.context.close()
