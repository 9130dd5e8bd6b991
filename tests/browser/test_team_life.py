"""Team life in Chromium against the real server (docs/teams.md, "Recognition and team life"): the
team leader records a contribution on /team/ and sets a penalty rule; the fund keeper (an agent)
records a contribution and a spend in the desktop's My team → Team life, and as the activity
officer plans an activity there; an agent sees last
month's published leaderboard and the fund's statement there, and votes for the best trainer,
which clears the tab's badge."""

from __future__ import annotations

import pytest

from tests.cli.test_recognition_cli import months_ago, worked
from tests.support.browser import console_errors, new_page, sign_in_page
from tests.support.desktop import add_user

MONTH = months_ago(1)


@pytest.fixture
def team(branch):
    """Team tellers: ann (alice), bob (barry, fund keeper and activity officer), abe (the trainer); led by tess.
    Last month's results are published: ann 300, bob 200, abe 100 (see test_recognition_cli)."""
    branch.cli("agent", "add", "abe", "--name", "Abe Ma")
    branch.cli("team", "add", "tellers")
    for agent in ("ann", "bob", "abe"):
        branch.cli("team", "assign", agent, "tellers")
    branch.cli("team", "role", "add", "tellers", "bob", "fund_keeper")
    branch.cli("team", "role", "add", "tellers", "bob", "activity_officer")
    branch.cli("team", "role", "add", "tellers", "abe", "trainer")
    db = branch.data / "branchline.db"
    for agent, (cph, talk) in {"ann": (12, 180), "bob": (10, 200), "abe": (8, 220)}.items():
        worked(db, agent, f"{MONTH}-05", hours=8, calls=cph * 8, talk=talk)
    branch.cli("recognition", "publish", "tellers", "--month", MONTH)
    return {"tess": add_user(branch, "tess", "team_leader", team="tellers"),
            "alice": add_user(branch, "alice", "agent", agent="ann"),
            "barry": add_user(branch, "barry", "agent", agent="bob")}


def open_team_life(page) -> None:
    page.wait_for_selector("#btn-my-team:visible")
    page.click("#btn-my-team")
    page.click("#myteam-tab-teamlife")
    page.wait_for_selector("#tl-balance:not(:empty)")


def test_the_fund_is_kept_and_an_agent_sees_the_statement_and_votes(browser, branch, server, team):
    server.start()

    # The team leader: a penalty rule and ann's contribution (the monthly 10 yuan) on /team/.
    leader = new_page(browser, server.url)
    sign_in_page(leader, "/team/#fund", "tess", team["tess"])
    leader.wait_for_selector("#panel-fund #fund-contribution:visible")
    leader.fill("#fund-rule-name", "missed quiz answer")
    leader.fill("#fund-rule-amount", "2")
    leader.click("#fund-rule-save")
    leader.wait_for_selector("#fund-penalty-rules li[data-rule='missed quiz answer']")
    leader.select_option("#fund-c-member", "ann")
    leader.click("#fund-c-save")
    row = leader.locator("#fund-statement tr[data-kind=contribution]")
    row.wait_for()
    assert row.locator(".amount").inner_text() == "10.00" and "tess" in row.inner_text()
    assert leader.inner_text("#fund-balance") == "Balance: 10.00 yuan"

    # The fund keeper, an agent, records bob's contribution and a spend on the desktop.
    keeper = new_page(browser, server.url)
    sign_in_page(keeper, "/desktop/", "barry", team["barry"])
    open_team_life(keeper)
    keeper.wait_for_selector("#tl-keeper:visible")
    keeper.select_option("#tl-c-member", "bob")
    keeper.click("#tl-c-save")
    keeper.wait_for_selector("#tl-balance:has-text('20.00')")
    keeper.fill("#tl-s-amount", "4.50")
    keeper.fill("#tl-s-description", "Tea for the huddle")
    keeper.fill("#tl-s-receipt", "No. 0042, kept by Bob")
    keeper.click("#tl-s-save")
    keeper.wait_for_selector("#tl-balance:has-text('15.50')")
    spent = keeper.locator("#tl-statement tr[data-kind=spending]")
    assert "Tea for the huddle; No. 0042, kept by Bob" in spent.inner_text() and "barry" in spent.inner_text()
    # ... and, as the activity officer, plans the team dinner for today.
    keeper.fill("#tl-a-title", "Team dinner")
    keeper.fill("#tl-a-place", "Lotus Garden")
    keeper.click("#tl-a-save")
    keeper.wait_for_selector("#tl-activities li[data-activity-id='1'] select.tl-att")

    # The agent: last month's leaderboard, the statement (read only), and the vote.
    agent = new_page(browser, server.url)
    sign_in_page(agent, "/desktop/", "alice", team["alice"])
    open_team_life(agent)
    agent.wait_for_function("document.querySelector('#myteam-tab-teamlife .count').textContent === '1'")
    assert agent.inner_text("#tl-results-title") == f"Recognition of {MONTH}"
    first = agent.locator("#tl-board tr[data-agent-id=ann]")
    assert "Ann Lee" in first.inner_text() and "300.0" in first.inner_text() and "Rewarded" in first.inner_text()
    assert agent.is_hidden("#tl-keeper")
    assert agent.inner_text("#tl-balance") == "balance 15.50 yuan"
    assert agent.locator("#tl-statement tr[data-entry-id]").count() == 3
    assert "not voted" in agent.inner_text("#tl-vote-state")
    assert "Team dinner @ Lotus Garden" in agent.inner_text("#tl-activities")
    assert agent.is_hidden("#tl-plan") and agent.locator("#tl-activities select").count() == 0
    agent.select_option("#tl-vote-trainer", "abe")
    agent.click("#tl-vote-save")
    agent.wait_for_selector("#tl-vote-state[data-voted=true]")
    assert agent.inner_text("#tl-vote-state").startswith("You voted for Abe Ma")
    agent.wait_for_function("document.querySelector('#myteam-tab-teamlife .count').textContent === ''")

    # The team leader's recognition tab counts the vote for this month.
    leader.goto(f"{server.url}/team/#recognition")
    leader.wait_for_selector("#recog-board tr[data-agent-id]")
    leader.fill("#recog-month", months_ago(0))
    leader.dispatch_event("#recog-month", "change")
    leader.wait_for_selector("#recog-trainer tr[data-trainer=abe][data-winner=true]")
    assert console_errors(leader, ignore_failed_api=True) == []
    assert console_errors(keeper, ignore_failed_api=True) == [] and console_errors(agent, ignore_failed_api=True) == []
