"""Quality review across two browsers against the real server: a SIPp caller is answered by an
agent's test phone and the call is recorded (100 % by default); the team leader finds the
recording on /supervisor/, plays it (the player's Range request answers 206), scores it with the
standard scorecard `branchline init` seeds and submits; the agent sees it under My evaluations
on /desktop/ and acknowledges it; the team leader sees it acknowledged."""

from __future__ import annotations

import pytest

from tests.support.branch import seat_agent, wait_until
from tests.support.browser import console_errors, new_page, sign_in_page
from tests.support.calls import call_did
from tests.support.desktop import add_user


@pytest.fixture
def recorded_call(branch, server, phones, tmp_path):
    """One finished, recorded conversation of ann's (team t1, led by grace); the passwords."""
    branch.cli("team", "add", "t1")
    branch.cli("team", "assign", "ann", "t1")
    leader = add_user(branch, "grace", "team_leader", team="t1")
    agent = add_user(branch, "alice", "agent", agent="ann")
    branch.cli("quality", "settings", "--min-seconds", "1")  # the test call is short
    phone = phones("--tone", "2100", user="desk1")
    server.start()
    seat_agent(branch, server, "ann", "desk-1", phone)
    result, _heard = call_did(server, tmp_path / "sipp", "call_caller_hangs_up.xml", talk_ms=3000)
    assert result.succeeded, result.summary()

    def complete():
        status, body = server.api("GET", "/api/v1/recordings")
        assert status == 200, body
        return [r for r in body if r["status"] == "complete"]

    [recording] = wait_until(complete, 10, "the call's recording to be complete")
    assert recording["agent_id"] == "ann" and recording["seconds"] > 1
    return leader, agent, recording


def test_team_leader_scores_a_recording_and_the_agent_acknowledges_it(browser, recorded_call, server):
    leader_password, agent_password, recording = recorded_call
    rec_id = recording["id"]

    leader = new_page(browser, server.url)
    sign_in_page(leader, "/supervisor/", "grace", leader_password)
    leader.click("#tab-recordings")
    row = leader.locator(f"#recordings tr[data-recording-id='{rec_id}']")
    row.wait_for(timeout=10000)  # today's recordings are searched on opening the tab

    # Today's review list draws it for ann, still to review; choosing it opens it in Recordings.
    leader.click("#tab-review")
    drawn = leader.locator(f"#review [data-agent-id=ann] li[data-recording-id='{rec_id}']")
    drawn.wait_for(timeout=10000)
    assert drawn.get_attribute("data-done") == "false"
    assert leader.inner_text("[data-testid=review-left]") == "1 still to review"
    drawn.locator(".btn-open-recording").click()
    leader.wait_for_selector(f"#rec-detail[data-recording-id='{rec_id}']")
    assert leader.get_attribute("#tab-recordings", "aria-selected") == "true"

    # The player points at the audio route, and seeking works: a Range request answers 206.
    src = leader.get_attribute("#rec-audio", "src")
    assert src == f"/api/v1/recordings/{rec_id}/audio"
    ranged = leader.evaluate(
        """async (src) => {
          const r = await fetch(src, {headers: {Range: 'bytes=100-199'}});
          return {status: r.status, range: r.headers.get('Content-Range'), length: (await r.arrayBuffer()).byteLength};
        }""",
        src,
    )
    assert ranged["status"] == 206 and ranged["range"].startswith("bytes 100-199/") and ranged["length"] == 100
    leader.wait_for_function("() => document.querySelector('#rec-audio').duration > 1", timeout=10000)

    # Score it with the standard scorecard: everything in full but courtesy, 5 of 10.
    scorecards = [o.inner_text() for o in leader.locator("#eval-scorecard option").all()]
    assert any("Standard call review" in text for text in scorecards), scorecards
    if not leader.input_value("#eval-scorecard"):
        leader.select_option("#eval-scorecard", label=next(t for t in scorecards if "Standard call review" in t))
    leader.wait_for_selector("#eval-criteria select[data-criterion=courtesy]")
    assert leader.locator("#eval-criteria select[data-fatal=true]").count() >= 1
    leader.select_option("#eval-criteria select[data-criterion=courtesy]", "5")
    assert leader.inner_text("#eval-preview") == "Score: 95.0"
    leader.fill("#eval-comment", "Warmer closing, please.")
    leader.click("#btn-eval-submit")
    item = leader.locator("#rec-evaluations li.evaluation")
    item.wait_for(timeout=10000)
    assert item.get_attribute("data-status") == "open"
    assert "95.0" in item.inner_text() and "Warmer closing, please." in item.inner_text()

    # Marked as a highlight, it is in the library with its reason and a player.
    leader.fill("#hl-reason", "Calm with an upset customer")
    leader.click("#btn-highlight")
    leader.wait_for_selector("#btn-unhighlight", state="visible", timeout=10000)
    leader.click("#tab-review")
    leader.wait_for_selector(f"#review li[data-recording-id='{rec_id}'][data-done=true]", timeout=10000)
    assert leader.inner_text("[data-testid=review-left]") == "All reviewed."
    leader.click("#tab-highlights")
    library = leader.locator(f"#highlights li[data-recording-id='{rec_id}']")
    library.wait_for(timeout=10000)
    assert "Calm with an upset customer" in library.inner_text()
    assert library.locator("audio").get_attribute("src") == f"/api/v1/recordings/{rec_id}/audio"

    # The agent answers it on the desktop.
    agent = new_page(browser, server.url)
    sign_in_page(agent, "/desktop/", "alice", agent_password)
    agent.wait_for_function("() => document.querySelector('#evals-count').textContent === '1'", timeout=10000)
    agent.click("#btn-my-evals")
    mine = agent.locator("#evals-list li.evaluation")
    mine.wait_for(timeout=10000)
    text = mine.inner_text()
    assert "95.0" in text and "Warmer closing, please." in text and "standard" in text
    mine.locator("summary").click()
    agent.wait_for_function(
        "() => [...document.querySelectorAll('#evals-list .criteria li')].some(li => li.textContent.includes('courteous'))")
    assert "5 / 10" in mine.locator(".criteria li[data-criterion=courtesy]").inner_text()
    mine.locator(".btn-eval-ack").click()
    agent.wait_for_selector("#evals-list li.evaluation[data-status=acknowledged]", timeout=10000)
    assert agent.inner_text("#evals-count") == ""

    # The desktop's link to the team's highlights opens the library, the only tab an agent gets.
    assert agent.get_attribute("#evals-highlights", "href") == "/supervisor/#highlights"
    agent.goto("/supervisor/#highlights")
    agent.wait_for_selector(f"#highlights li[data-recording-id='{rec_id}']", timeout=10000)
    assert agent.is_hidden("#tab-recordings") and agent.is_hidden("#tab-floor")

    # The team leader sees it acknowledged.
    leader.click("#tab-evaluations")
    leader.wait_for_selector("#evaluations li.evaluation[data-status=acknowledged]", timeout=10000)
    assert "Acknowledged" in leader.inner_text("#evaluations")

    assert console_errors(leader, ignore_failed_api=True) == []
    assert console_errors(agent, ignore_failed_api=True) == []
    leader.context.close()
    agent.context.close()
