"""The agent desktop page (web/static/desktop) in headless Chromium, served by plain http.server.

There is no API behind it here: the page must still load cleanly and show the sign-in form. The
Desktop views are rendered through the page's test hook (window.__renderDesktopForTest), and one
test drives sign-in, seat choice and the live stream through Playwright's request and WebSocket
routing. Set BRANCHLINE_SCREENSHOTS=/some/dir to keep the screenshots taken at 1366x768.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.browser import samples
from tests.support.browser import DESKTOP_STATIC, console_errors

SCREENSHOTS = os.environ.get("BRANCHLINE_SCREENSHOTS")
WIDTH, HEIGHT = 1366, 768
CJK = re.compile(r"[\u4e00-\u9fff]")

# What must be on screen, whole and inside its panel, for a ringing call plus a wrap-up.
ON_SCREEN = [
    "#state-badge", "#state-duration", "#btn-ready", "#pause-reason", "#btn-pause", "#btn-signout",
    "#lang-switch", "#pop", "#pop-caller", "#pop-customer-name", "#pop-tier", "#pop-ivr-path",
    "#pop-history", "#btn-hold", "#btn-hangup", "#transfer-kind", "#transfer-target", "#btn-transfer",
    "#wrapup-form", "#wrapup-disposition", "#wrapup-notes", "#wrapup-fcr", "#wrapup-callback-at",
    "#wrapup-callback-number", "#btn-wrapup-submit", "#callbacks", "#myday", "#notices", "#queues",
    "#shortcuts", "#callbacks .btn-dial", "#notices .btn-ack",
]  # fmt: skip


def screenshot(page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"desktop-{name}.png"))


def open_page(page) -> None:
    page.goto("/")
    page.evaluate("() => window.__desktopReady")


def render(page, desktop: dict, *, myday: dict | None = None, me: dict | None = None) -> dict:
    options = {"me": me} if me else {}
    if myday is not None:
        options["myday"] = myday
    return page.evaluate("([d, o]) => window.__renderDesktopForTest(d, o)", [desktop, options])


def set_language(page, lang: str) -> None:
    page.click(f"#lang-switch [data-lang={lang}]")
    page.wait_for_function("lang => document.documentElement.lang.startsWith(lang)", arg=lang)


def layout_problems(page, selectors: list[str]) -> list[str]:
    """Elements missing, hidden, outside the 1366x768 viewport or sticking out of their panel
    (clipped by it), panels overlapping each other, and any page scrolling."""
    return page.evaluate(
        """([selectors, width, height]) => {
          const problems = [];
          const inside = (a, b) => a.left >= b.left - 0.5 && a.right <= b.right + 0.5 && a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
          for (const selector of selectors) {
            const nodes = document.querySelectorAll(selector);
            if (nodes.length === 0) { problems.push(`${selector}: missing`); continue; }
            for (const node of nodes) {
              const box = node.getBoundingClientRect();
              if (box.width === 0 || box.height === 0 || !node.checkVisibility()) { problems.push(`${selector}: not visible`); continue; }
              if (!inside(box, {left: 0, top: 0, right: width, bottom: height})) problems.push(`${selector}: outside the viewport ${JSON.stringify(box)}`);
              const panel = node.parentElement && node.parentElement.closest('.panel');
              if (panel && !inside(box, panel.getBoundingClientRect())) problems.push(`${selector}: sticks out of #${panel.id}`);
              for (let up = node.parentElement; up && up !== panel; up = up.parentElement) {
                const style = getComputedStyle(up);
                if (style.overflowX !== 'visible' && (box.right > up.getBoundingClientRect().right + 0.5 || box.left < up.getBoundingClientRect().left - 0.5)) {
                  problems.push(`${selector}: cut off sideways by ${up.tagName}.${up.className}`);
                }
              }
            }
          }
          const panels = [...document.querySelectorAll('#view-desktop .panel')].map(p => [p.id, p.getBoundingClientRect()]);
          for (let i = 0; i < panels.length; i++) for (let j = i + 1; j < panels.length; j++) {
            const [a, b] = [panels[i][1], panels[j][1]];
            if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) problems.push(`#${panels[i][0]} overlaps #${panels[j][0]}`);
          }
          const scroller = document.scrollingElement, main = document.querySelector('main');
          if (scroller.scrollWidth > width || scroller.scrollHeight > height) problems.push('the page scrolls');
          if (main.scrollHeight > main.clientHeight + 1 || main.scrollWidth > main.clientWidth + 1) problems.push('main scrolls');
          return problems;
        }""",
        [selectors, WIDTH, HEIGHT],
    )


def english_keys(page) -> dict:
    return page.evaluate(
        """async () => {
          const m = await import(new URL('i18n.js', location.href).href);
          return {en: m.dictionaries.en, zh: m.dictionaries.zh};
        }"""
    )


# ---------------------------------------------------------------- loading and languages


def test_loads_without_errors_and_shows_signin_when_the_api_is_missing(static_page):
    open_page(static_page)
    assert static_page.is_visible("#signin-form")
    assert static_page.is_visible("#signin-username") and static_page.is_visible("#signin-password")
    assert static_page.is_hidden("#view-desktop") and static_page.is_hidden("#view-loading")
    assert static_page.is_hidden("#error-bar"), "a missing route (404, no API message) is not an error to show"
    assert static_page.evaluate("document.documentElement.lang") == "en"
    assert static_page.inner_text("#btn-signin") == "Sign in"
    assert console_errors(static_page, ignore_failed_api=True) == []
    screenshot(static_page, "signin-en")


def test_language_switch_shows_chinese_and_is_remembered(static_page):
    open_page(static_page)
    set_language(static_page, "zh")
    assert static_page.evaluate("document.documentElement.lang") == "zh-CN"
    assert static_page.inner_text("#btn-signin") == "登录"
    assert CJK.search(static_page.inner_text("#signin-form"))
    assert static_page.get_attribute("#lang-switch [data-lang=zh]", "aria-pressed") == "true"
    screenshot(static_page, "signin-zh")

    open_page(static_page)  # reloaded: the choice made before signing in is kept
    assert static_page.evaluate("document.documentElement.lang") == "zh-CN"
    assert static_page.inner_text("label[for=signin-password]") == "密码"
    set_language(static_page, "en")
    assert static_page.inner_text("#btn-signin") == "Sign in"
    assert console_errors(static_page, ignore_failed_api=True) == []


def test_every_english_text_has_a_chinese_one_and_every_key_used_exists(static_page):
    open_page(static_page)
    dictionaries = english_keys(static_page)
    en, zh = dictionaries["en"], dictionaries["zh"]
    assert sorted(set(en) - set(zh)) == []
    assert sorted(set(zh) - set(en)) == []
    assert [k for k, v in {**en, **zh}.items() if not isinstance(v, str) or not v.strip()] == []
    for key, text in en.items():  # the same {placeholders} in both languages
        assert sorted(re.findall(r"\{\w+\}", text)) == sorted(re.findall(r"\{\w+\}", zh[key])), key

    html = (DESKTOP_STATIC / "index.html").read_text(encoding="utf-8")
    used = set(re.findall(r'data-i18n(?:-placeholder|-title|-aria-label)?="([^"]+)"', html))
    for script in DESKTOP_STATIC.glob("*.js"):
        used |= set(re.findall(r'\bt(?:Or)?\(\s*"([^"]+)"', script.read_text(encoding="utf-8")))
    used |= {f"status.{s}" for s in ("logged_out", "ready", "paused", "ringing", "on_call", "wrapup")}
    used |= {f"call.title_{s}" for s in ("ringing", "talking", "held")}
    assert sorted(used - set(en)) == []


# ---------------------------------------------------------------- the desktop, rendered from a Desktop


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_ringing_call_and_wrapup_fit_1366x768(static_page, lang):
    open_page(static_page)
    if lang == "zh":
        set_language(static_page, "zh")
    shown = render(static_page, samples.desktop(lang=lang), myday=samples.myday())
    assert shown["view"] == "desktop"
    assert shown["popCallId"] == "c-1001" and shown["popShownAt"] > 0

    page = static_page
    assert page.inner_text("#pop-caller") == "+86 138 0013 8000"
    assert page.inner_text("#pop-customer-name") == "Wang Xiaoming"
    assert page.inner_text("#pop-tier") == {"en": "VIP", "zh": "贵宾"}[lang]
    crumbs = page.locator("#pop-ivr-path li .node").all_inner_texts()
    assert crumbs == ["welcome", "language", "identify", "main-menu", "cards", "to-cards-queue"]
    assert page.locator("#pop-ivr-path li .input").all_inner_texts() == ["2", "6222•••••4418", "3", "1"]
    assert page.inner_text("#pop-digits") == "2#31"
    assert page.locator("#pop-history tbody tr").count() == 3
    assert page.get_attribute("#state-badge", "data-status") == "ringing"
    assert page.inner_text("#state-label") == {"en": "Ringing", "zh": "振铃"}[lang]
    assert re.fullmatch(r"00:0\d", page.inner_text("#state-duration"))

    # What makes no sense while the phone rings is disabled; Not ready gives the call back.
    for button in ("#btn-ready", "#btn-hold", "#btn-hangup", "#btn-transfer", "#btn-signout"):
        assert page.is_disabled(button), button
    assert page.is_enabled("#btn-pause")
    assert page.is_hidden("#btn-resume")
    assert page.locator("#callbacks .btn-dial:enabled").count() == 0

    assert page.is_visible("#wrapup-form")
    options = page.locator("#wrapup-disposition option").all_inner_texts()
    assert options[1:] == [label for _, label in samples.DISPOSITIONS[lang]]
    assert page.is_disabled("#btn-wrapup-submit"), "no outcome chosen yet"
    assert page.input_value("#wrapup-callback-number") == "+86 21 5555 0142"
    assert page.get_attribute("#wrapup-callback-at", "type") == "datetime-local"

    assert [r.get_attribute("data-callback-id") for r in page.locator("#callbacks tbody tr").all()] == [
        "cb-17",
        "cb-18",
        "cb-19",
    ]
    assert page.locator("#notices .btn-ack").count() == 1
    assert page.locator("#queues tbody tr").count() == 3
    assert page.inner_text("#myday [data-figure=fcr_rate] dd") == "83%"

    text = page.inner_text("body")
    if lang == "zh":
        for english in ("Wrap-up", "Callbacks", "Notices", "My day", "Previous contacts", "Hang up", "Transfer"):
            assert english not in text, english
    else:
        assert not CJK.search(text.replace("中文", ""))

    assert layout_problems(page, ON_SCREEN) == []
    assert console_errors(page, ignore_failed_api=True) == []
    screenshot(page, f"ringing-wrapup-{lang}")


def test_talking_held_and_idle_states(static_page):
    open_page(static_page)
    page = static_page
    render(page, samples.desktop(status="on_call", call_state="talking", with_wrapup=False), myday=samples.myday())
    assert page.get_attribute("#call-panel", "data-call-state") == "talking"
    assert page.is_visible("#btn-hold") and page.is_enabled("#btn-hold")
    assert page.is_hidden("#btn-resume")
    assert page.is_enabled("#btn-hangup")
    assert page.is_disabled("#btn-transfer"), "no target chosen"
    page.select_option("#transfer-target", "general")
    assert page.is_enabled("#btn-transfer")
    page.select_option("#transfer-kind", "agent")
    agents = page.locator("#transfer-target option")
    assert [o.get_attribute("value") for o in agents.all()] == ["", "bob", "cai", "dan"], "no transfer to oneself"
    assert page.is_disabled("#transfer-target option[value=dan]"), "a signed-out agent cannot take a transfer"
    page.select_option("#transfer-kind", "number")
    assert page.get_attribute("#transfer-target", "type") == "tel"
    page.fill("#transfer-target", "95588")
    assert page.is_enabled("#btn-transfer")
    assert page.is_hidden("#wrapup-form") and page.is_visible("#wrapup-idle")
    screenshot(page, "talking-en")

    render(page, samples.desktop(status="on_call", call_state="held", with_wrapup=False))
    assert page.is_hidden("#btn-hold") and page.is_visible("#btn-resume") and page.is_enabled("#btn-resume")
    assert page.input_value("#transfer-target") == "95588", "a new Desktop does not reset what was typed"

    render(page, samples.desktop(status="paused", call_state=None, with_wrapup=False))
    assert page.is_hidden("#pop") and page.is_visible("#pop-idle")
    assert page.is_enabled("#btn-ready")
    assert page.input_value("#pause-reason") == "lunch", "the current reason is preselected"
    assert page.is_disabled("#btn-pause"), "already not ready for that reason"
    page.select_option("#pause-reason", "training")
    assert page.is_enabled("#btn-pause")
    assert page.locator("#callbacks .btn-dial:enabled").count() == 3
    assert page.inner_text("#state-reason") == "Lunch"
    assert page.inner_text("#state-duration") == "05:20"

    # The switchboard's own name for Not ready is shown the same way.
    not_ready = samples.desktop(status="paused", call_state=None, with_wrapup=True)
    not_ready["agent"]["status"] = "not_ready"
    not_ready["wrapup"]["until"] = None  # a wrap-up whose time ran out: the form stays, no countdown
    render(page, not_ready)
    assert page.get_attribute("#state-badge", "data-status") == "paused"
    assert page.inner_text("#state-label") == "Not ready"
    assert page.is_visible("#wrapup-form") and page.inner_text("#wrapup-countdown") == ""
    assert layout_problems(page, ["#state-badge", "#callbacks .btn-dial", "#btn-ready", "#pop-idle"]) == []


def test_screen_pop_marker_is_set_once_per_new_ringing_call(static_page):
    open_page(static_page)
    page = static_page
    first = render(page, samples.desktop(call_id="c-1"))
    assert first["popCallId"] == "c-1"
    again = render(page, samples.desktop(call_id="c-1", waiting=7))
    assert again["popShownAt"] == first["popShownAt"]
    talking = render(page, samples.desktop(call_id="c-2", status="on_call", call_state="talking"))
    assert talking["popCallId"] == "c-1", "a call first seen already answered (a reload) is no new pop"
    second = render(page, samples.desktop(call_id="c-3"))
    assert second["popCallId"] == "c-3" and second["popShownAt"] > first["popShownAt"]


def test_wrapup_form_keeps_what_was_typed_until_the_call_changes(static_page):
    open_page(static_page)
    page = static_page
    render(page, samples.desktop(status="wrapup", call_state=None))
    page.select_option("#wrapup-disposition", "complaint")
    page.fill("#wrapup-notes", "Fee charged twice; refund promised.")
    page.check("#wrapup-fcr")
    page.fill("#wrapup-callback-at", "2030-01-02T10:30")
    assert page.is_enabled("#btn-wrapup-submit")

    render(page, samples.desktop(status="wrapup", call_state=None, waiting=9))  # the same wrap-up again
    assert page.input_value("#wrapup-disposition") == "complaint"
    assert page.input_value("#wrapup-notes") == "Fee charged twice; refund promised."
    assert page.is_checked("#wrapup-fcr")
    assert page.input_value("#wrapup-callback-at") == "2030-01-02T10:30"

    other = samples.desktop(status="wrapup", call_state=None)
    other["wrapup"]["call_id"] = "c-1234"
    render(page, other)
    assert page.input_value("#wrapup-disposition") == ""
    assert page.input_value("#wrapup-notes") == ""
    assert not page.is_checked("#wrapup-fcr")


def test_server_text_is_shown_as_text(static_page):
    open_page(static_page)
    page = static_page
    evil = '<img src=x onerror="window.__owned=1">'
    desktop = samples.desktop(customer_name=evil)
    desktop["notices"][0]["text"] = evil
    desktop["call"]["ivr"]["path"][0]["node"] = evil
    render(page, desktop)
    assert page.inner_text("#pop-customer-name") == evil
    assert page.locator("body img").count() == 0
    assert page.evaluate("window.__owned") is None
