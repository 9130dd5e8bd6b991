"""The wallboard in Chromium against the real server: SIPp callers wait in a queue nobody is
ready for and the page counts them; the agent goes Ready, their test phone answers, and the page
counts the answer. Then the server stops and starts again under the open page, which reconnects
by itself (the session is kept in the database) and shows live figures again."""

from __future__ import annotations

import pytest

from tests.support.branch import wait_until
from tests.support.browser import console_errors, new_page, sign_in_page
from tests.support.desktop import add_user
from tests.support.rtp import RtpEndpoint
from tests.support.sipp import start_sipp

WALL = (1920, 1080)


@pytest.fixture
def floor_branch(branch, server, phones):
    """ann signed in at desk-1 but Not Ready; grace leads her team; callers wait up to a minute."""
    branch.cli("queue", "set", "general", "--max-wait", "60", "--ring-timeout", "5")
    branch.cli("team", "add", "t1")
    branch.cli("team", "assign", "ann", "t1")
    password = add_user(branch, "grace", "team_leader", team="t1")
    phone = phones("--tone", "2100", user="desk1")
    branch.cli("seat", "add", "desk-1", "--phone", phone.uri)
    server.start()
    status, body = server.api("POST", "/api/v1/agents/ann/login", {"seat": "desk-1"})
    assert status == 200, body
    return password, phone


def figure(page, name: str) -> str:
    return page.get_by_test_id(name).inner_text().strip()


def wait_figure(page, name: str, predicate, what: str, timeout: float = 15):
    return wait_until(lambda: predicate(figure(page, name)), timeout, f"{name} {what}", interval=0.2)


def test_waiting_callers_and_an_answer_show_on_the_wallboard(browser, floor_branch, server, tmp_path):
    password, phone = floor_branch
    page = new_page(browser, server.url, viewport=WALL)
    sign_in_page(page, "/wallboard/", "grace", password)
    page.wait_for_selector("#view-board", state="visible")
    wait_figure(page, "q-general-waiting", lambda v: v == "0", "to show 0")
    assert figure(page, "q-general-answered") == "0"
    assert figure(page, "q-general-agents-not_ready") == "1"

    with RtpEndpoint(tone_hz=1300) as rtp:
        callers = start_sipp("call_caller_hangs_up.xml", "127.0.0.1", server.sip_port, service="100", calls=2, rate=10,
                             variables={"rtp_port": rtp.port, "talk_ms": 40000}, timeout_s=60, log_dir=tmp_path / "sipp")
        try:
            wait_figure(page, "q-general-waiting", lambda v: v == "2", "to rise to 2")
            assert figure(page, "q-general-longest") != "—"

            made_ready = server.api("POST", "/api/v1/agents/ann/ready")
            assert made_ready[0] == 200, made_ready
            phone.wait_for("answered", 15)
            wait_figure(page, "q-general-answered", lambda v: v == "1", "to rise to 1")
            wait_figure(page, "q-general-waiting", lambda v: v == "1", "to fall to 1")
            wait_figure(page, "q-general-agents-on_call", lambda v: v == "1", "to count ann on the call")
        finally:
            callers.kill()
    assert console_errors(page, ignore_failed_api=True) == []
    page.context.close()


def test_wallboard_reconnects_by_itself_after_a_server_restart(browser, floor_branch, server):
    password, _phone = floor_branch
    page = new_page(browser, server.url, viewport=(1366, 768))
    sign_in_page(page, "/wallboard/", "grace", password)
    wait_figure(page, "q-general-waiting", lambda v: v == "0", "to show 0")

    server.stop()
    page.wait_for_selector("[data-testid=ws-status]", state="visible", timeout=10000)
    assert "Reconnecting" in page.inner_text("[data-testid=ws-status]")
    before = page.get_attribute("#view-board", "data-floor-at")

    server.start()
    page.wait_for_selector("[data-testid=ws-status]", state="hidden", timeout=20000)
    wait_until(lambda: page.get_attribute("#view-board", "data-floor-at") != before, 10, "a new Floor after the restart")
    assert page.is_visible("#view-board") and page.is_hidden("#signin-form"), "the session survived the restart"
    assert figure(page, "q-general-waiting") == "0"
    # Nobody touched the page; the browser logged the refused connections, nothing else.
    errors = [e for e in console_errors(page, ignore_failed_api=True) if "WebSocket" not in e]
    assert errors == []
    page.context.close()
