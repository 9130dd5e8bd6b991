"""The wallboard and supervisor pages (web/static/wallboard, web/static/supervisor) in headless
Chromium without a server behind them: they load cleanly to their sign-in form, both languages
have the same words, and a Floor document rendered through the pages' test hooks shows every
figure where a test (and a person across the room) finds it, coloured by the thresholds, with
server text as text. The live behaviour against the real server is in test_wallboard_live.py
and test_supervisor_quality.py.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.browser import STATIC_ROOT, console_errors, new_page, serve_directory

CJK = re.compile(r"[\u4e00-\u9fff]")
EVIL = '<img src=x onerror="window.__owned=1">'


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def floor(*, waiting: int = 4, service_level: float | None = 72.5, agent_name: str = "Ann Lee") -> dict:
    """A Floor as GET /api/v1/floor sends it (docs/supervision.md)."""
    now = datetime.now(UTC)
    return {
        "server_time": iso(now),
        "queues": [
            {"queue": "general", "service_level_seconds": 20, "short_abandon_seconds": 5,
             "live": {"waiting": waiting, "longest_wait": 70.0, "longest_waiting_since": iso(now - timedelta(seconds=70)),
                      "callbacks_waiting": 0, "estimated_wait": 45.0,
                      "agents": {"ready": 1, "not_ready": 2, "ringing": 0, "on_call": 3, "wrapup": 1,
                                 "phone_unreachable": 0, "logged_out": 2}},
             "today": {"offered": 40, "answered": 35, "abandoned": 3, "service_level": service_level}},
            {"queue": "cards", "service_level_seconds": 20, "short_abandon_seconds": 5,
             "live": {"waiting": 0, "longest_wait": 0.0, "longest_waiting_since": None, "callbacks_waiting": 0,
                      "estimated_wait": None, "agents": {"ready": 2}},
             "today": {"offered": 4, "answered": 4, "abandoned": 0, "service_level": 100.0}},
        ],
        "agents": [
            {"agent_id": "ann", "name": agent_name, "team": "t1", "status": "on_call", "shown_status": "on_call",
             "reason": "", "since": iso(now - timedelta(seconds=95)), "seat": "desk-1", "phone_ok": True,
             "call_id": "c1", "queue": "general", "caller": "55501234", "talk_since": iso(now - timedelta(seconds=60))},
            {"agent_id": "bob", "name": "Bob Wu", "team": "t1", "status": "not_ready", "shown_status": "not_ready",
             "reason": "lunch", "since": iso(now - timedelta(seconds=300)), "seat": "desk-2", "phone_ok": False,
             "call_id": None, "queue": None, "caller": None, "talk_since": None},
        ],
        "calls": [
            {"call_id": "c1", "caller": "55501234", "queue": "general", "direction": "inbound", "agent_id": "ann",
             "agent_name": agent_name, "since": iso(now - timedelta(seconds=60)), "held": False, "recording": True,
             "monitor": None},
        ],
        "alerts": [{"kind": "recording_disk", "message": "12 MB free, under 1024 MB", "since": iso(now)}],
        "thresholds": {"waiting": [3, 6], "longest_wait": [60, 120], "service_level": [80, 60]},
    }


@pytest.fixture(scope="module")
def static_url():
    with serve_directory(STATIC_ROOT) as url:
        yield url


@pytest.fixture
def open_static(browser, static_url):
    pages = []

    def open_(path: str, viewport: tuple[int, int] = (1366, 768)):
        page = new_page(browser, static_url, viewport=viewport)
        pages.append(page)
        page.goto(path)
        page.evaluate("() => window.__wallboardReady || window.__supervisorReady")
        return page

    yield open_
    for page in pages:
        page.context.close()


def by_testid(page, name: str):
    return page.locator(f'[data-testid="{name}"]')


def dictionaries(page, module: str) -> dict:
    return page.evaluate("async (m) => { const d = (await import(m)).dictionaries; return {en: d.en, zh: d.zh}; }", module)


# ---------------------------------------------------------------- both languages, every key


@pytest.mark.parametrize("page_name, script", [("wallboard", "wallboard.js"), ("supervisor", "*.js")])
def test_every_english_text_has_a_chinese_one_and_every_key_used_exists(open_static, page_name, script):
    page = open_static(f"/{page_name}/")
    d = dictionaries(page, f"/{page_name}/i18n.js")
    en, zh = d["en"], d["zh"]
    assert sorted(set(en) ^ set(zh)) == []
    assert [k for k, v in {**en, **zh}.items() if not isinstance(v, str) or not v.strip()] == []
    for key, text in en.items():  # the same {placeholders} in both languages
        assert sorted(re.findall(r"\{\w+\}", text)) == sorted(re.findall(r"\{\w+\}", zh[key])), key
    folder = STATIC_ROOT / page_name
    used = set(re.findall(r'data-i18n(?:-placeholder|-title|-aria-label)?="([^"]+)"', (folder / "index.html").read_text()))
    shared = [STATIC_ROOT / "desktop" / "bars.js"] if page_name == "supervisor" else []  # core.js's error bar
    for path in [*folder.glob(script), *shared]:
        used |= set(re.findall(r'\bt(?:Or)?\(\s*"([^"]+)"', path.read_text(encoding="utf-8")))
    assert used and sorted(used - set(en)) == []
    assert console_errors(page, ignore_failed_api=True) == []


@pytest.mark.parametrize("page_name", ["wallboard", "supervisor"])
def test_loads_to_the_sign_in_form_in_either_language(open_static, page_name):
    page = open_static(f"/{page_name}/")
    page.wait_for_selector("#signin-form", state="visible")
    assert page.inner_text("#btn-signin") == "Sign in"
    page.click("#lang-switch [data-lang=zh]")
    page.wait_for_function("document.documentElement.lang === 'zh-CN'")
    assert page.inner_text("#btn-signin") == "登录"
    assert CJK.search(page.inner_text("#signin-form"))
    assert console_errors(page, ignore_failed_api=True) == []


# ---------------------------------------------------------------- the wallboard


@pytest.mark.parametrize("viewport", [(1920, 1080), (1366, 768)])
def test_wallboard_shows_each_queue_coloured_by_thresholds_and_fits_the_screen(open_static, viewport):
    page = open_static("/wallboard/", viewport)
    assert page.evaluate("f => window.__renderFloorForTest(f)", floor())["view"] == "board"
    figures = {name: by_testid(page, f"q-general-{name}") for name in ("waiting", "longest", "sl", "answered", "abandoned", "ewt")}
    assert figures["waiting"].inner_text() == "4" and figures["waiting"].get_attribute("data-level") == "warn"
    assert figures["sl"].inner_text() == "73%" and figures["sl"].get_attribute("data-level") == "warn"
    assert figures["answered"].inner_text() == "35" and figures["abandoned"].inner_text() == "3"
    assert figures["ewt"].inner_text() == "00:45"
    assert re.fullmatch(r"01:1\d", figures["longest"].inner_text())
    assert figures["longest"].get_attribute("data-level") == "warn"
    assert [by_testid(page, f"q-general-agents-{s}").inner_text() for s in ("ready", "on_call", "wrapup", "not_ready", "ringing")] == [
        "1", "3", "1", "2", "0"]
    assert by_testid(page, "q-cards-longest").inner_text() == "—"
    assert by_testid(page, "q-cards-sl").get_attribute("data-level") == "normal"
    assert by_testid(page, "total-not_ready").inner_text() == "1"
    assert "disk" in page.inner_text("#alerts")

    # The longest wait counts on between pushes.
    first = figures["longest"].inner_text()
    page.wait_for_function("f => document.querySelector('[data-testid=\"q-general-longest\"]').textContent !== f", arg=first)

    # Worse figures turn red; no alert, no banner.
    worse = floor(waiting=7, service_level=50.0)
    worse["alerts"] = []
    page.evaluate("f => window.__renderFloorForTest(f)", worse)
    assert figures["waiting"].get_attribute("data-level") == "alarm"
    assert figures["sl"].get_attribute("data-level") == "alarm"
    assert page.is_hidden("#alerts")

    width, height = viewport
    problems = page.evaluate(
        """([w, h]) => {
          const out = [];
          for (const node of document.querySelectorAll('[data-testid^="q-"], [data-testid^="total-"], .tile .label')) {
            const r = node.getBoundingClientRect();
            if (r.width === 0 || r.right > w + 0.5 || r.bottom > h + 0.5) out.push(node.dataset.testid || node.textContent);
            const tile = node.closest('.tile');
            if (tile) { const t = tile.getBoundingClientRect(); if (r.right > t.right + 0.5 || r.bottom > t.bottom + 0.5) out.push(`${node.dataset.testid || node.textContent} sticks out`); }
          }
          const s = document.scrollingElement;
          if (s.scrollWidth > w || s.scrollHeight > h) out.push('the page scrolls');
          return out;
        }""",
        [width, height],
    )
    assert problems == []
    size = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('[data-testid=\"q-general-waiting\"]')).fontSize)")
    assert size >= 48, "the main figures read from across the room"
    assert console_errors(page, ignore_failed_api=True) == []


def test_wallboard_in_chinese(open_static):
    page = open_static("/wallboard/")
    page.click("#lang-switch [data-lang=zh]")
    page.wait_for_function("document.documentElement.lang === 'zh-CN'")
    page.evaluate("f => window.__renderFloorForTest(f)", floor())
    text = page.inner_text("#view-board")
    assert "排队数" in text and "今日服务水平" in text
    assert "Waiting" not in text and "Answered" not in text
    assert "磁盘" in page.inner_text("#alerts")


def test_wallboard_shows_server_text_as_text(open_static):
    page = open_static("/wallboard/")
    document = floor()
    document["queues"][0]["queue"] = EVIL
    document["alerts"] = [{"kind": EVIL, "message": EVIL, "since": document["server_time"]}]
    page.evaluate("f => window.__renderFloorForTest(f)", document)
    assert EVIL in page.inner_text("#queues")
    assert page.get_by_test_id(f"q-{EVIL}-waiting").inner_text() == "4"
    assert page.locator("body img").count() == 0
    assert page.evaluate("window.__owned") is None


# ---------------------------------------------------------------- the supervisor's floor


def test_supervisor_floor_lists_agents_and_calls_with_their_actions(open_static):
    page = open_static("/supervisor/")
    codes = [{"code": "lunch", "label": "Lunch"}, {"code": "break", "label": "Break"}]
    shown = page.evaluate("([f, c]) => window.__renderSupervisorForTest(f, {pauseCodes: c})", [floor(agent_name=EVIL), codes])
    assert shown == {"view": "app", "tab": "floor"}
    ann = page.locator("#agents tr[data-agent-id=ann]")
    bob = page.locator("#agents tr[data-agent-id=bob]")
    assert EVIL in ann.inner_text() and page.locator("body img").count() == 0
    assert by_testid(page, "agent-ann-state").inner_text() == "On a call"
    assert "55501234" in ann.inner_text() and "general" in ann.inner_text()
    assert re.fullmatch(r"01:3\d", ann.locator("td.since").inner_text())
    assert ann.locator(".btn-ready").is_disabled() and ann.locator(".btn-logout").is_disabled()
    assert ann.locator(".btn-pause").is_enabled(), "not ready after the call"
    assert by_testid(page, "agent-bob-state").inner_text() == "Not ready"
    assert "Lunch" in bob.inner_text() and "Phone not connected" in bob.inner_text()
    assert bob.locator(".btn-ready").is_enabled() and bob.locator(".btn-logout").is_enabled()
    assert bob.locator("select.reason").input_value() == "lunch"

    call = page.locator("#calls tr[data-call-id=c1]")
    assert call.get_attribute("data-phase") == "talking"
    assert [b.inner_text() for b in call.locator(".btn-monitor").all()] == ["Listen", "Whisper", "Barge"]
    assert "Recorded" in call.inner_text()

    document = floor()
    document["calls"][0]["monitor"] = {"username": "grace", "seat": "desk-9", "mode": "whisper", "state": "connected"}
    page.evaluate("([f, c]) => window.__renderSupervisorForTest(f, {pauseCodes: c})", [document, codes])
    assert call.locator("select.mode").input_value() == "whisper"
    assert call.locator(".btn-stop").is_visible() and call.locator(".btn-monitor").count() == 0

    page.keyboard.press("Tab")  # the controls are reachable from the keyboard and show their focus
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    assert console_errors(page, ignore_failed_api=True) == []
