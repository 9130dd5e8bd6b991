"""A flagged agent and the improvement plan, across two browsers against the real server
(docs/teams.md, "The team page and the desktop's My team"): ann was rostered six days in a row
and never signed in, so `branchline team flags` raised an adherence warning for the first three
days and a plan-level flag for the next three. The team leader sees ann flagged on /team/, waiting
for her plan; ann sees the badge on the desktop's My team button, writes the plan in the dialog
and the badge clears; the team leader sees the plan and files a follow-up note, then closes it;
ann sees the note under her plan. The team leader registers a complaint about ann's call, decides
it, and the month's analysis counts it."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest

from appliance.clock import iso
from appliance.store.database import connect
from appliance.store.records import CallRecord, save_call
from tests.support.branch import Branch, Server
from tests.support.browser import console_errors, new_page, sign_in_page
from tests.support.desktop import add_user

PLAN = "Sign in by 08:25 every day; my squad leader checks for two weeks."
NOTE = "On time three days running."


def days_ago(n: int) -> str:
    return (date.today() - timedelta(days=n)).isoformat()


@pytest.fixture
def flagged(tmp_path):
    branch = Branch(tmp_path)
    branch.init()
    for agent, name, team in (("ann", "Ann Lee", "tellers"), ("bob", "Bob Wu", "tellers")):
        branch.cli("agent", "add", agent, "--name", name)
        branch.cli("team", "add", team, check=False)
        branch.cli("team", "assign", agent, team)
    branch.cli("shift", "add", "day", "--starts", "08:30", "--ends", "17:00", "--break-minutes", "60")
    for n in range(8, 2, -1):
        branch.cli("roster", "set", days_ago(n), "ann", "day")
    # The daily follow-up, as the server runs it after each day: days 8-6 warn, days 5-3 need a plan.
    branch.cli("team", "flags", "--day", days_ago(3))
    conn = connect(branch.data / "branchline.db")
    with conn:  # a call ann took an hour ago, as the switchboard records it
        save_call(conn, CallRecord("call-1", "13800138000", "100", iso(time.time() - 3600), agent_id="ann"))
    conn.close()
    passwords = {
        "tess": add_user(branch, "tess", "team_leader", team="tellers"),
        "alice": add_user(branch, "alice", "agent", agent="ann"),
    }
    server = Server(branch).start()
    try:
        yield server, passwords
    finally:
        server.stop()


def test_a_team_leader_sees_a_flagged_agent_who_writes_the_plan_and_gets_a_follow_up(browser, flagged):
    server, passwords = flagged

    # The team leader sees ann flagged, the plan-level flag waiting for her plan.
    leader = new_page(browser, server.url)
    sign_in_page(leader, "/team/#followup", "tess", passwords["tess"])
    plan_flag = leader.locator("#flags li[data-agent-id=ann][data-level=plan]")
    plan_flag.wait_for(timeout=10000)
    assert leader.locator("#flags li[data-agent-id=ann][data-level=warning]").count() == 1
    assert "Ann Lee (ann)" in plan_flag.inner_text() and "Adherence" in plan_flag.inner_text()
    assert "Waiting for the agent to write the improvement plan." in plan_flag.inner_text()
    assert leader.inner_text("#flags-count") == "1"
    # Her adherence this month is on the wrong side of the 99.5 % default target.
    cell = leader.locator("#kpi-table tr[data-row=agent][data-id=ann] td[data-kpi=adherence]")
    if days_ago(3)[:7] == date.today().isoformat()[:7]:
        assert cell.get_attribute("data-off") == "true" and cell.inner_text() == "0%"
    # Each of her rostered days of this month is a shift missed, beside the KPIs.
    missed = sum(days_ago(n)[:7] == date.today().isoformat()[:7] for n in range(3, 9))
    ann_row = "#kpi-table tr[data-row=agent][data-id=ann]"
    assert leader.inner_text(f"{ann_row} td[data-discipline=absences]") == str(missed)
    assert leader.inner_text(f"{ann_row} td[data-discipline=late_minutes]") == "0"

    # Ann: the My team badge counts the plan to write; she writes it in the dialog.
    agent = new_page(browser, server.url)
    sign_in_page(agent, "/desktop/", "alice", passwords["alice"])
    # (The badge adds up every My team tab's count; the My KPIs tab's own count is the plan to write.)
    agent.wait_for_function("() => document.querySelector('#myteam-tab-mykpis .count')?.textContent === '1'", timeout=10000)
    assert int(agent.inner_text("#myteam-count")) >= 1
    before = int(agent.inner_text("#myteam-count"))
    # My day (shown once she takes a seat) has the short line too.
    assert "Improvement plans to write: 1" in agent.text_content("#myday-team")
    agent.click("#btn-my-team")
    agent.wait_for_selector("#myteam-dialog[open]")
    mine = agent.locator("#mykpis-flags li[data-level=plan]")
    mine.wait_for(timeout=10000)
    assert "Improvement plan needed" in mine.inner_text()
    assert f"{missed} shifts missed" in agent.inner_text("#mykpis-discipline")
    mine.locator("textarea.plan-input").fill(PLAN)
    mine.locator("button.btn-plan").click()
    agent.wait_for_selector("#mykpis-flags li[data-level=plan][data-has-plan=true]", timeout=10000)
    assert PLAN in agent.inner_text("#mykpis-flags")
    assert "sent to your team leader" in agent.inner_text("#myteam-status")
    agent.click("#myteam-close")
    agent.wait_for_function("() => document.querySelector('#myteam-tab-mykpis .count').textContent === ''", timeout=10000)
    agent.wait_for_function("(n) => Number(document.querySelector('#myteam-count').textContent || 0) === n - 1", arg=before)

    # The team leader sees the plan and files a follow-up note, then closes the plan.
    leader.click("#followup-refresh")
    leader.wait_for_selector("#flags li[data-agent-id=ann][data-level=plan][data-plan-status=open]", timeout=10000)
    assert plan_flag.locator("[data-testid=plan-text]").inner_text() == PLAN
    plan_flag.locator("textarea.follow-note").fill(NOTE)
    plan_flag.locator("button.btn-follow-up").click()
    leader.wait_for_function(
        "(note) => [...document.querySelectorAll('#flags li[data-level=plan] .follow-up')].some(p => p.textContent.includes(note))",
        arg=NOTE, timeout=10000)
    assert "tess: " + NOTE in plan_flag.locator(".follow-up").first.inner_text()
    assert "Follow-up note added." in leader.inner_text("#notice-bar")
    plan_flag.locator("textarea.follow-note").fill("Two weeks on time.")
    plan_flag.locator("button.btn-follow-close").click()
    leader.wait_for_selector("#flags li[data-agent-id=ann][data-level=plan][data-plan-status=closed]", timeout=10000)
    assert leader.inner_text("#flags-count") == ""

    # Ann sees the notes under her plan.
    agent.click("#btn-my-team")
    agent.wait_for_function(
        "(note) => document.querySelector('#mykpis-flags').textContent.includes(note)", arg=NOTE, timeout=10000)
    assert "closed" in agent.inner_text("#mykpis-flags li[data-level=plan]")

    # A complaint about ann's call: registered, decided, and in the month's analysis.
    leader.fill("#complaint-call", "call-1")
    leader.fill("#complaint-category", "Attitude")
    leader.fill("#complaint-description", "Rushed me off the phone")
    leader.click("#complaint-form button[type=submit]")
    complaint = leader.locator("#complaints li[data-decided=false]")
    complaint.wait_for(timeout=10000)
    assert "Ann Lee (ann)" in complaint.inner_text() and "attitude" in complaint.inner_text()
    complaint.locator("button.btn-decide[data-substantiated=true]").click()
    assert "Write why before deciding." in leader.inner_text("#error-text")
    complaint.locator("input.decision-note").fill("The recording confirms it.")
    complaint.locator("button.btn-decide[data-substantiated=true]").click()
    leader.wait_for_selector("#complaints li[data-decided=true]", timeout=10000)
    assert leader.inner_text("[data-testid=complaint-summary]") == (
        "Complaints: 1 · decided: 1 · substantiated: 1 (100% of those decided)")

    assert console_errors(leader, ignore_failed_api=True) == []
    assert console_errors(agent, ignore_failed_api=True) == []
    leader.context.close()
    agent.context.close()
