"""A coaching talk in Chromium against the real server (docs/teams.md, "Coaching and development"):
the team leader records a one-on-one talk on /team/ linked to the agent's recording and sees the
weekly rule go from 0 to 1 of 2; the agent finds the record in My team → Development on the
desktop and acknowledges it; the team leader's records show it acknowledged. And training: the
agent asks for training and makes a suggestion on the desktop; the team leader plans a session
from the request, takes attendance and adopts the suggestion; the agent sees both."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest

from appliance.clock import iso
from appliance.store.database import connect
from appliance.store.recordings import add_recording, finish_recording
from appliance.teamwork.coaching_week import plan_month
from tests.support.browser import console_errors, new_page, sign_in_page, sign_in_ready
from tests.support.desktop import add_user


@pytest.fixture
def team(branch):
    """Team tellers (ann, bob; led by tess; alice is ann). Recording 1 is a finished call of ann's an
    hour ago, stored as the switchboard stores it (the call itself is tested in test_supervisor_quality)."""
    branch.cli("team", "add", "tellers")
    for agent in ("ann", "bob"):
        branch.cli("team", "assign", agent, "tellers")
    conn = connect(branch.data / "branchline.db")
    path = "calls/ann-1.wav"
    with conn:
        rec_id = add_recording(conn, call_id="call-1", path=path, direction="inbound", queue="general", agent_id="ann",
                               team="tellers", caller="13800138000", started_at=iso(time.time() - 3600))
        finish_recording(conn, path, ended_at=iso(time.time() - 3480), seconds=120.0, size=0, reason="hangup")
    conn.close()
    assert rec_id == 1
    return {"tess": add_user(branch, "tess", "team_leader", team="tellers"),
            "alice": add_user(branch, "alice", "agent", agent="ann")}


def test_team_leader_records_a_talk_and_the_agent_acknowledges_it(browser, branch, server, phones, team):
    phone = phones(user="desk1")
    branch.cli("seat", "add", "desk-1", "--phone", phone.uri)
    server.start()
    today = date.today()
    sunday = (today + timedelta(days=6 - today.weekday())).isoformat()

    leader = new_page(browser, server.url)
    sign_in_page(leader, "/team/#coaching", "tess", team["tess"])
    week = "#coaching-week [data-leader=tess]"
    leader.wait_for_selector(f"{week}[data-count='0']")
    assert leader.inner_text(f"{week} [data-testid=week-line]") == f"this week 0 of 2, 2 more by Sunday {sunday}"

    # The talk with ann, going through her recording of this morning.
    leader.select_option("#coaching-agent", "ann")
    leader.locator("#coaching-recordings input[data-recording-id='1']").check()
    leader.fill("#coaching-keep", "Warm greeting and the customer's name")
    leader.fill("#coaching-improve", "Read the card number back before acting")
    leader.fill("#coaching-actions", "Listen to three model calls together on Friday")
    leader.fill("#coaching-follow-up", (today + timedelta(days=7)).isoformat())
    leader.click("#coaching-save")
    leader.wait_for_selector("#notice-bar:has-text('Coaching record 1 saved for Ann Lee (ann).')")
    leader.wait_for_selector(f"{week}[data-count='1']")
    assert leader.inner_text(f"{week} [data-testid=week-line]") == f"this week 1 of 2, 1 more by Sunday {sunday}"
    row = leader.locator("#coaching-records tr[data-record-id='1']")
    assert "#1" in row.inner_text() and row.locator("[data-testid=acknowledged]").inner_text() == "not yet read"
    assert leader.input_value("#coaching-keep") == ""  # the form is ready for the next talk

    # The agent sees it waiting in My team (the badge) and acknowledges it under Development.
    agent = new_page(browser, server.url)
    sign_in_ready(agent, "alice", team["alice"], "desk-1")
    agent.wait_for_selector("#btn-my-team:visible")
    agent.wait_for_function("document.querySelector('#myteam-count').textContent !== ''", timeout=10000)
    agent.click("#btn-my-team")
    agent.click("#myteam-tab-development")
    record = agent.locator(".coaching-record[data-record-id='1'][data-acknowledged=false]")
    record.wait_for()
    text = record.inner_text()
    assert "Read the card number back before acting" in text and "#1" in text and "with tess" in text
    record.locator(".btn-ack-coaching").click()
    agent.wait_for_selector(".coaching-record[data-record-id='1'][data-acknowledged=true]")

    # Back on the team page the record shows as acknowledged.
    leader.click("#tab-training")
    leader.click("#tab-coaching")
    leader.wait_for_selector("#coaching-records tr[data-record-id='1'] [data-testid=acknowledged]:has-text('acknowledged')")
    assert console_errors(leader, ignore_failed_api=True) == [] and console_errors(agent, ignore_failed_api=True) == []


def test_an_agent_asks_for_training_and_suggests_and_the_team_leader_plans_and_decides(browser, branch, server, phones,
                                                                                         team):
    branch.cli("team", "role", "add", "tellers", "bob", "trainer")
    phone = phones(user="desk1")
    branch.cli("seat", "add", "desk-1", "--phone", phone.uri)
    server.start()
    month = plan_month(date.today())

    agent = new_page(browser, server.url)
    sign_in_ready(agent, "alice", team["alice"], "desk-1")
    agent.wait_for_selector("#btn-my-team:visible")
    agent.click("#btn-my-team")
    agent.click("#myteam-tab-development")
    agent.fill("#dev-topic", "The new credit card")
    agent.fill("#dev-why", "Customers ask about its fees every day")
    agent.click("#dev-send-request")
    agent.wait_for_selector(f"#dev-requests li[data-request-id='1']:has-text('plan {month}')")
    agent.fill("#dev-s-title", "FAQ card")
    agent.fill("#dev-s-text", "One printed page of the fee questions for every desk")
    agent.click("#dev-send-suggestion")
    agent.wait_for_selector("#dev-suggestions li[data-suggestion-id='1']:has-text('new')")

    leader = new_page(browser, server.url)
    sign_in_page(leader, "/team/#training", "tess", team["tess"])
    leader.wait_for_selector("#training-month")
    leader.fill("#training-month", month)
    leader.click("#training-show")
    request = leader.locator("#training-requests tr[data-request-id='1']")
    request.wait_for()
    assert "The new credit card" in request.inner_text() and "not planned yet" in request.inner_text()
    request.locator("input[type=checkbox]").check()
    leader.select_option("#training-trainer", "bob")
    leader.fill("#training-day", f"{month}-03")
    leader.fill("#training-topic", "The new credit card")
    leader.click("#training-save")
    session = leader.locator("#training-sessions [data-session-id='1']")
    session.wait_for()
    assert "session 1" in leader.inner_text("#training-requests tr[data-request-id='1']")
    session.locator("tr[data-agent-id=ann] button[data-present=true]").click()
    leader.wait_for_selector("#training-sessions [data-session-id='1'] tr[data-agent-id=ann] button[data-present=true].primary")
    assert "1 of 1 marked present" in session.inner_text()

    suggestion = leader.locator("#training-suggestions tr[data-suggestion-id='1']")
    suggestion.locator("select").select_option("adopted")
    suggestion.locator("input").fill("Printed for every desk from next week")
    suggestion.locator("button").click()
    leader.wait_for_selector("#training-suggestions tr[data-suggestion-id='1'] [data-testid=status]:has-text('adopted')")

    agent.click("#myteam-tab-mykpis")
    agent.click("#myteam-tab-development")
    agent.wait_for_selector("#dev-suggestions li[data-suggestion-id='1']:has-text('Printed for every desk')")
    assert "The new credit card" in agent.inner_text("#dev-sessions li[data-session-id='1']")
    assert console_errors(leader, ignore_failed_api=True) == [] and console_errors(agent, ignore_failed_api=True) == []
