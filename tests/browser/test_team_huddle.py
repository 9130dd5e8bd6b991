"""Huddles and monthly plans in Chromium against the real server (docs/teams.md, "Huddles and
meetings"): the team leader plans yesterday's huddle on /team/ (a key point and a hard case with
its handling steps), takes attendance from the sign-in times (bob signed in 12 minutes late) and
corrects his entry, publishes the notes; the agent acknowledges them among the desktop's notices
and the team leader's page shows the acknowledgement. The agent writes their monthly plan in My
team → My plan, reviewing last month's goals, and prepares the agenda of the huddle they host;
the team leader sees both."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

import pytest

from appliance.store import meetings
from appliance.store.database import connect
from appliance.store.records import append_event
from tests.support.browser import console_errors, new_page, sign_in_page, sign_in_ready
from tests.support.desktop import add_user

YESTERDAY = (date.today() - timedelta(days=1)).isoformat()


@pytest.fixture
def team(branch):
    """Team tellers (ann, bob; led by tess; alice is ann), both on shift `day` 08:30-17:00 yesterday:
    ann signed in at 08:10, bob at 08:27:40 (the huddle starts 08:15)."""
    branch.cli("team", "add", "tellers")
    for agent in ("ann", "bob"):
        branch.cli("team", "assign", agent, "tellers")
        branch.cli("shift", "add", "day", "--starts", "08:30", "--ends", "17:00", check=False)
        branch.cli("roster", "set", YESTERDAY, agent, "day")
    conn = connect(branch.data / "branchline.db")
    with conn:
        for agent, clock in (("ann", "08:10:00"), ("bob", "08:27:40")):
            moment = time.mktime(datetime.strptime(f"{YESTERDAY} {clock}", "%Y-%m-%d %H:%M:%S").timetuple())
            append_event(conn, moment, "agent_ready", agent_id=agent, previous="logged_out", duration=None)
    conn.close()
    return {"tess": add_user(branch, "tess", "team_leader", team="tellers"),
            "alice": add_user(branch, "alice", "agent", agent="ann")}


def test_team_leader_plans_takes_attendance_publishes_and_the_agent_acknowledges(browser, branch, server, phones, team):
    phone = phones(user="desk1")
    branch.cli("seat", "add", "desk-1", "--phone", phone.uri)
    server.start()

    leader = new_page(browser, server.url)
    sign_in_page(leader, "/team/#huddles", "tess", team["tess"])
    leader.wait_for_selector("#panel-huddles #huddle-day")
    leader.fill("#huddle-day", YESTERDAY)
    leader.click("#huddle-open")
    leader.wait_for_function("document.querySelector('#huddle-summary').textContent.includes('Host: Ann Lee (ann) (rotation)')")
    assert "Starts 08:15, 15 min." in leader.inner_text("#huddle-summary")

    # The agenda: a key business point and a hard case with its handling steps, saved as a draft.
    leader.fill("#huddle-points", "Savings rate 2.1% from Monday")
    leader.click("#huddle-add-case")
    leader.fill("#huddle-cases .hard-case .case-title", "Card swallowed by an ATM")
    leader.fill("#huddle-cases .hard-case .case-steps", "Freeze the card\nBook a branch visit")
    leader.click("#huddle-save")
    leader.wait_for_selector("[data-testid=notice-bar]:has-text('Draft saved.')")
    assert leader.input_value("#huddle-cases .case-steps") == "Freeze the card\nBook a branch visit"

    # Attendance from the sign-in times; bob's entry corrected with a reason.
    leader.click("#huddle-take")
    bob = leader.locator("#huddle-attendance tr[data-agent-id=bob]")
    bob.wait_for()
    assert bob.locator(".verdict").inner_text() == "Late 12 min"
    assert leader.locator("#huddle-attendance tr[data-agent-id=ann] .verdict").inner_text() == "Present"
    bob.locator(".att-status").select_option("present")
    bob.locator(".att-reason").fill("was in the room; his PC was slow to start")
    bob.locator(".btn-correct").click()
    leader.wait_for_selector("#huddle-attendance tr[data-agent-id=bob][data-status=present] .correction")
    assert leader.inner_text("#huddle-attendance tr[data-agent-id=bob] .correction") == (
        "was Late 12 min; corrected by tess: was in the room; his PC was slow to start")

    leader.click("#huddle-publish")
    leader.wait_for_selector("#huddle-published", state="visible")
    leader.wait_for_selector("#huddle-acks li[data-username=alice][data-acked=false]")
    assert leader.is_disabled("#huddle-points")

    # The agent finds the notes among the desktop's notices and acknowledges them.
    agent = new_page(browser, server.url)
    sign_in_ready(agent, "alice", team["alice"], "desk-1")
    notes = agent.locator("#notices li", has_text="Huddle notes")
    notes.wait_for(timeout=10000)
    assert "Card swallowed by an ATM: (1) Freeze the card; (2) Book a branch visit" in notes.inner_text()
    notes.locator(".btn-ack").click()
    agent.wait_for_selector("#notices li.acked:has-text('Huddle notes')")

    leader.click("#huddle-open")
    leader.wait_for_selector("#huddle-acks li[data-username=alice][data-acked=true]")
    assert "1 of 1" in leader.inner_text("#huddle-acks-count")
    # The signed-out session probe (/api/v1/me answers 401) is logged by Chromium itself.
    assert console_errors(leader, ignore_failed_api=True) == [] and console_errors(agent, ignore_failed_api=True) == []


def test_the_agent_writes_their_monthly_plan_and_prepares_the_huddle_they_host(browser, branch, server, phones, team):
    """Ann had goals last month; she and bob work today, and the rotation makes her today's host."""
    today = date.today().isoformat()
    for agent in ("ann", "bob"):
        branch.cli("roster", "set", today, agent, "day")
    this_month = time.strftime("%Y-%m")
    last_month = meetings.previous_month(this_month)
    conn = connect(branch.data / "branchline.db")
    with conn:
        meetings.write_plan(conn, "ann", last_month, "Calmer calls", ["FCR 90%", "No complaints"], [], time.time())
    conn.close()
    phone = phones(user="desk1")
    branch.cli("seat", "add", "desk-1", "--phone", phone.uri)
    server.start()

    agent = new_page(browser, server.url)
    sign_in_ready(agent, "alice", team["alice"], "desk-1")
    agent.wait_for_selector("#btn-my-team:visible")
    agent.wait_for_function("document.querySelector('#myteam-count').textContent !== ''")
    agent.click("#btn-my-team")
    agent.click("#myteam-tab-myplan")
    review = agent.locator("#myplan-review li[data-goal='FCR 90%']")
    review.wait_for()
    assert agent.inner_text("#myplan-saved").startswith("Not written yet")
    review.locator(".review-met").select_option("met")
    review.locator(".review-note").fill("91% in the last week")
    agent.fill("#myplan-text", "Learn the new card products before the campaign")
    agent.fill("#myplan-goals", "Quality 95\nFCR 92%")
    agent.click("#myplan-save")
    agent.wait_for_function("document.querySelector('#myplan-saved').textContent.startsWith('Saved')")

    # The host prepares today's agenda from the same tab: a key point and a hard case on one line.
    host = agent.locator(f"#myplan-host form[data-day='{today}']")
    assert host.locator("h3").inner_text().startswith(f"You host the huddle of {today} at 08:15")
    host.locator(".host-points").fill("Card campaign starts today")
    host.locator(".host-cases").fill("Customer abroad without a PIN: verify identity; reset the PIN by SMS")
    host.locator("button[type=submit]").click()
    agent.wait_for_selector(f"#myteam-status:has-text('Agenda of the huddle of {today} saved.')")

    leader = new_page(browser, server.url)
    sign_in_page(leader, "/team/#meetings", "tess", team["tess"])
    plan = leader.locator("#plans li[data-agent-id=ann]")
    plan.wait_for()
    text = plan.inner_text()
    assert "Learn the new card products" in text and "Quality 95 · FCR 92%" in text
    assert "FCR 90%: met — 91% in the last week" in text
    assert leader.inner_text("#plans-missing") == "Not written yet: Bob Wu (bob)"
    leader.click("#tab-huddles")
    leader.wait_for_function("document.querySelector('#huddle-points')?.value === 'Card campaign starts today'")
    assert leader.input_value("#huddle-cases .case-steps") == "verify identity\nreset the PIN by SMS"
    assert console_errors(leader, ignore_failed_api=True) == [] and console_errors(agent, ignore_failed_api=True) == []
