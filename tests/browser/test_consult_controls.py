"""The consultation controls on the desktop page: shown for a live consultation, fitting the screen."""

from __future__ import annotations

from tests.browser import samples
from tests.browser.test_page_assets import open_page, render


def test_consultation_bar_shows_who_is_being_consulted_and_its_buttons(static_page):
    open_page(static_page)
    desktop = samples.desktop(call_state="held")
    desktop["call"]["consultation"] = {"to": "agent", "target": "bob", "state": "ringing"}
    render(static_page, desktop)
    assert static_page.is_visible("#consult-bar")
    assert "bob" in static_page.inner_text("#consult-status")
    assert static_page.is_disabled("#btn-consult-complete")  # nobody has answered yet
    assert static_page.is_enabled("#btn-consult-cancel")
    desktop["call"]["consultation"]["state"] = "talking"
    render(static_page, desktop)
    assert static_page.is_enabled("#btn-consult-complete")
    box = static_page.locator("#consult-bar").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1366 and box["y"] + box["height"] <= 768
    desktop["call"]["consultation"] = None
    render(static_page, desktop)
    assert not static_page.is_visible("#consult-bar")
