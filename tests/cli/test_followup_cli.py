"""Targets, flags and complaints from the admin CLI, run as a subprocess the way an admin runs it:
`team target`, `team targets`, `team flags` and the `complaint` commands."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest

from appliance.clock import iso
from appliance.store.database import connect
from appliance.store.records import CallRecord, save_call
from tests.support.branch import Branch, cli_json, help_of

COMMANDS = [
    ["team", "target"], ["team", "targets"], ["team", "flags"],
    ["complaint"], ["complaint", "add"], ["complaint", "decide"], ["complaint", "list"], ["complaint", "analysis"],
]


@pytest.fixture
def branch(tmp_path) -> Branch:
    """Team cards with agents a1001 and a1002; a1003 in team loans; shift `day` 08:30-17:00."""
    b = Branch(tmp_path)
    b.init()
    for agent, name, team in (("a1001", "Li Na", "cards"), ("a1002", "Wang Wei", "cards"), ("a1003", "Zhao Lei", "loans")):
        b.cli("agent", "add", agent, "--name", name)
        b.cli("team", "add", team, check=False)
        b.cli("team", "assign", agent, team)
    b.cli("shift", "add", "day", "--starts", "08:30", "--ends", "17:00", "--break-minutes", "60")
    return b


def days_ago(n: int) -> str:
    return (date.today() - timedelta(days=n)).isoformat()


def calls_taken(branch: Branch, *calls: tuple[str, str | None]) -> None:
    """Call records as the switchboard writes them: (call id, the agent who took it or None)."""
    conn = connect(branch.data / "branchline.db")
    with conn:
        for call_id, agent in calls:
            save_call(conn, CallRecord(call_id, "13800138000", "100", iso(time.time() - 3600), agent_id=agent))
    conn.close()


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(command):
    text = help_of(*command)
    assert "Usage:" in text and ("Example:" in text or len(command) == 1)


def test_a_team_sets_lists_and_drops_targets_and_each_change_is_audited(branch):
    assert cli_json(branch, "team", "targets", "cards") == [
        {"team": "cards", "kpi": "adherence", "target": 0.995, "better": "higher", "default": True}]
    assert "Team cards: aht_s target 360 (lower is better)." in branch.cli("team", "target", "cards", "aht_s", "360").stdout
    branch.cli("team", "target", "cards", "adherence", "0.98")
    table = branch.cli("team", "targets", "cards").stdout
    assert "aht_s" in table and "0.98" in table and "team" in table
    branch.cli("team", "target", "cards", "adherence", "-")
    assert {t["kpi"]: t["target"] for t in cli_json(branch, "team", "targets", "cards")} == {"aht_s": 360, "adherence": 0.995}
    audit = cli_json(branch, "audit")
    assert [(e["action"], e["target"], e["details"].get("kpi")) for e in audit[:3]] == [
        ("target_removed", "cards", "adherence"), ("target_set", "cards", "adherence"), ("target_set", "cards", "aht_s")]


def test_a_wrong_target_says_what_to_write(branch):
    wrong = branch.cli("team", "target", "cards", "adherence", "99.5", check=False)
    assert wrong.returncode == 2 and "must be from 0 to 1 (a share is written like 0.95)" in wrong.stderr
    assert "is not a number" in branch.cli("team", "target", "cards", "aht_s", "fast", check=False).stderr
    assert "'speed' is not one of" in branch.cli("team", "target", "cards", "speed", "1", check=False).stderr
    assert "team 'nope' does not exist" in branch.cli("team", "target", "nope", "aht_s", "300", check=False).stderr
    assert "has set no target for aht_s" in branch.cli("team", "target", "cards", "aht_s", "-", check=False).stderr


def test_team_flags_evaluates_a_day_once_and_refuses_a_day_not_over(branch):
    for n in (5, 4, 3):
        branch.cli("roster", "set", days_ago(n), "a1001", "day")  # rostered, never signed in: adherence 0
    assert "No new flags" in branch.cli("team", "flags", "--day", days_ago(4)).stdout
    evaluation = cli_json(branch, "team", "flags", "--day", days_ago(3))
    assert [(f["agent_id"], f["kpi"], f["first_day"], f["level"]) for f in evaluation["flags"]] == [
        ("a1001", "adherence", days_ago(5), "warning")]
    assert cli_json(branch, "team", "flags", "--day", days_ago(3))["flags"] == []
    assert cli_json(branch, "team", "flags")["day"] == days_ago(1)  # yesterday by default
    today = branch.cli("team", "flags", "--day", date.today().isoformat(), check=False)
    assert today.returncode == 2 and "is not over yet" in today.stderr


def test_complaints_are_registered_decided_listed_and_analysed(branch):
    calls_taken(branch, ("call-1", "a1001"), ("call-2", "a1003"), ("call-3", None))
    added = branch.cli("complaint", "add", "call-1", "--category", "attitude", "--description", "Rushed me").stdout
    assert "Complaint 1 registered against agent a1001 (call call-1)." in added
    branch.cli("complaint", "add", "call-2", "--category", "waiting", "--description", "Long hold")
    refused = branch.cli("complaint", "add", "call-3", "--category", "waiting", "--description", "x", check=False)
    assert refused.returncode == 2 and "was not taken by an agent" in refused.stderr
    assert "not substantiated" in branch.cli("complaint", "decide", "2", "--not-substantiated", "--note", "Hold was 20 s").stdout
    branch.cli("complaint", "decide", "1", "--substantiated", "--note", "The recording confirms it")
    month = time.strftime("%Y-%m")
    listed = cli_json(branch, "complaint", "list", "--month", month)
    assert [(c["id"], c["agent_id"], c["substantiated"]) for c in listed] == [(2, "a1003", False), (1, "a1001", True)]
    analysis = cli_json(branch, "complaint", "analysis", "--month", month)
    assert (analysis["complaints"], analysis["decided"], analysis["substantiated_share"]) == (2, 2, 0.5)
    assert [(a["agent_id"], a["name"], a["complaints"]) for a in analysis["by_agent"]] == [
        ("a1001", "Li Na", 1), ("a1003", "Zhao Lei", 1)]
    text = branch.cli("complaint", "analysis", "--month", month).stdout
    assert f"{month}: 2 complaints, 2 decided, 1 substantiated (50% of those decided)." in text
    assert "attitude" in text and "Zhao Lei" in text
    assert "month '11-2026' is not a month" in branch.cli("complaint", "list", "--month", "11-2026", check=False).stderr
    assert [e["action"] for e in cli_json(branch, "audit")[:2]] == ["complaint_decided", "complaint_decided"]
