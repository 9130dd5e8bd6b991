"""Headless Chromium for screen tests: Debian's /usr/bin/chromium driven by Playwright's sync API.

Playwright's own browser download does not work here, so the tests launch the system Chromium
(`make system-deps` installs it, with a CJK font so Chinese text renders in screenshots).
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",  # the tests run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP_VIEWPORT = (1366, 768)
REPO = Path(__file__).resolve().parents[2]
DESKTOP_STATIC = REPO / "web" / "static" / "desktop"
STATIC_ROOT = REPO / "web" / "static"  # every page's folder: /desktop/, /wallboard/, /supervisor/


@contextmanager
def chromium() -> Iterator[Browser]:
    """Playwright (sync API) with the system Chromium, headless; closed on exit."""
    if not CHROMIUM.exists():
        raise RuntimeError(
            f"{CHROMIUM} is missing: install Debian's chromium and fonts-noto-cjk (`make system-deps` as root)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser: Browser, base_url: str, viewport: tuple[int, int] = DESKTOP_VIEWPORT, **context_options) -> Page:
    """A page in a fresh browser context (its own cookies and storage) whose relative URLs resolve
    against base_url. Console errors and uncaught exceptions are collected in console_errors(page).
    Close it with page.context.close()."""
    width, height = viewport
    context = browser.new_context(base_url=base_url, viewport={"width": width, "height": height}, **context_options)
    page = context.new_page()
    errors: list[str] = []
    _ERRORS[id(page)] = errors

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"console: {message.text} ({message.location.get('url', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    context.on("close", lambda _context: _ERRORS.pop(id(page), None))
    return page


_ERRORS: dict[int, list[str]] = {}


def console_errors(page: Page, ignore_failed_api: bool = False) -> list[str]:
    """Console errors and uncaught exceptions of a page made by new_page. With ignore_failed_api,
    Chromium's own "Failed to load resource" lines for /api/ URLs are left out (an API that answers
    4xx/5xx is logged by the browser itself, whatever the page does with the answer)."""
    errors = list(_ERRORS.get(id(page), []))
    if ignore_failed_api:
        errors = [e for e in errors if not ("Failed to load resource" in e and "/api/" in e)]
    return errors


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript"}

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass


@contextmanager
def serve_directory(directory: Path) -> Iterator[str]:
    """Serves a folder with Python's http.server on a free 127.0.0.1 port in a thread; yields its
    base URL (ending in /). Anything else (the API) answers 404 (GET) or 501 (other methods)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="static-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def sign_in_ready(page: Page, username: str, password: str, seat: str) -> None:
    """Sign in on the desktop page (base URL: the server), take `seat` and go Ready, as an agent does."""
    page.goto("/desktop/")
    page.fill("#signin-username", username)
    page.fill("#signin-password", password)
    page.click("#btn-signin")
    page.wait_for_selector("#seat-select", state="visible")
    page.select_option("#seat-select", seat)
    page.click("#btn-seat")
    page.wait_for_selector("#btn-ready:enabled")
    page.click("#btn-ready")
    page.wait_for_function("document.querySelector('#state-badge').dataset.status === 'ready'", timeout=10000)


def sign_in_page(page: Page, path: str, username: str, password: str) -> None:
    """Open a page of the server (/wallboard/, /supervisor/, /desktop/) and sign in on its form."""
    page.goto(path)
    page.wait_for_selector("#signin-username", state="visible")
    page.fill("#signin-username", username)
    page.fill("#signin-password", password)
    page.click("#btn-signin")
    page.wait_for_selector("#signin-form", state="hidden")
