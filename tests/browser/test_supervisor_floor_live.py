"""The supervisor's Floor tab in Chromium against the real server: a team leader changes an
agent's state from the agent grid, and listens in to a live call from the seat phone chosen in
the page (remembered across reloads), switches to whisper and stops."""

from __future__ import annotations

import pytest

from tests.support.branch import wait_until
from tests.support.browser import console_errors, new_page, sign_in_page
from tests.support.desktop import add_user
from tests.support.rtp import RtpEndpoint
from tests.support.sipp import start_sipp


@pytest.fixture
def floor_branch(branch, server, phones):
    branch.cli("queue", "set", "general", "--max-wait", "60")
    branch.cli("team", "add", "t1")
    branch.cli("team", "assign", "ann", "t1")
    password = add_user(branch, "grace", "team_leader", team="t1")
    agent_phone = phones("--tone", "2100", user="desk1")
    leader_phone = phones(user="desk9")
    branch.cli("seat", "add", "desk-1", "--phone", agent_phone.uri)
    branch.cli("seat", "add", "desk-9", "--phone", leader_phone.uri)
    server.start()
    assert server.api("POST", "/api/v1/agents/ann/login", {"seat": "desk-1"})[0] == 200
    return password, agent_phone, leader_phone


def agent_status(server) -> str:
    return server.api("GET", "/api/v1/agents/ann")[1]["status"]


def test_team_leader_changes_an_agents_state_and_listens_in(browser, floor_branch, server, tmp_path):
    password, agent_phone, leader_phone = floor_branch
    page = new_page(browser, server.url)
    sign_in_page(page, "/supervisor/", "grace", password)
    ann = page.locator("#agents tr[data-agent-id=ann]")
    ann.wait_for(timeout=10000)

    ann.locator(".btn-ready").click()
    page.wait_for_selector("#agents tr[data-agent-id=ann][data-status=ready]", timeout=10000)
    assert agent_status(server) == "ready"
    reasons = [o.get_attribute("value") for o in ann.locator("select.reason option").all()]
    assert reasons, "the pause codes the desktop offers"
    ann.locator("select.reason").select_option(reasons[-1])
    ann.locator(".btn-pause").click()
    page.wait_for_selector("#agents tr[data-agent-id=ann][data-status=paused]", timeout=10000)
    assert server.api("GET", "/api/v1/agents/ann")[1]["reason"] == reasons[-1]
    ann.locator(".btn-ready").click()
    page.wait_for_selector("#agents tr[data-agent-id=ann][data-status=ready]", timeout=10000)

    page.select_option("#seat-picker", "desk-9")
    page.reload()
    page.wait_for_selector("#agents tr[data-agent-id=ann]")
    assert page.input_value("#seat-picker") == "desk-9", "the seat is remembered in this browser"

    with RtpEndpoint(tone_hz=1300) as rtp:
        caller = start_sipp("call_caller_hangs_up.xml", "127.0.0.1", server.sip_port, service="100",
                            variables={"rtp_port": rtp.port, "talk_ms": 30000}, timeout_s=45, log_dir=tmp_path / "sipp")
        try:
            agent_phone.wait_for("answered", 15)
            row = page.locator("#calls tbody tr").first
            row.wait_for(timeout=10000)
            call_id = row.get_attribute("data-call-id")
            row.locator(".btn-monitor[data-mode=listen]").click()
            leader_phone.wait_for("answered", 15)
            mode = page.locator(f"#calls tr[data-call-id='{call_id}'] select.mode")
            mode.wait_for(timeout=10000)
            assert mode.input_value() == "listen"
            mode.select_option("whisper")
            wait_until(lambda: "whisper" in page.inner_text(f"#calls tr[data-call-id='{call_id}']").lower(), 10,
                       "the floor to show the whisper")
            page.click(f"#calls tr[data-call-id='{call_id}'] .btn-stop")
            page.wait_for_selector(f"#calls tr[data-call-id='{call_id}'] .btn-monitor[data-mode=listen]", timeout=10000)
        finally:
            caller.kill()
    assert console_errors(page, ignore_failed_api=True) == []
    page.context.close()
