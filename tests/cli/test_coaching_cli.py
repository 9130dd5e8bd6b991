"""Coaching and training from the admin CLI, run as a subprocess the way an admin runs it: the
`coaching` and `training` groups (docs/teams.md, "Coaching and development")."""

from __future__ import annotations

import pytest

from appliance.store.database import connect
from appliance.store.recordings import add_recording, finish_recording
from tests.support.branch import Branch, cli_json, help_of
from tests.support.desktop import add_user

COMMANDS = [
    ["coaching"], ["coaching", "add"], ["coaching", "show"], ["coaching", "list"], ["coaching", "outcome"],
    ["coaching", "week"], ["coaching", "remind"], ["coaching", "settings"], ["coaching", "segments"],
    ["training"], ["training", "request"], ["training", "plan"], ["training", "session"], ["training", "attend"],
    ["training", "suggest"], ["training", "suggestions"], ["training", "review"],
]


@pytest.fixture
def branch(tmp_path) -> Branch:
    """Team cards (a1001 Li Na, a1002 Wang Wei, a1004 Sun Mei; leader grace), team loans (a1003;
    leader lou); recording 1 is a1001's, recording 2 a1003's."""
    b = Branch(tmp_path)
    b.init()
    for agent, name, team in (("a1001", "Li Na", "cards"), ("a1002", "Wang Wei", "cards"), ("a1004", "Sun Mei", "cards"),
                              ("a1003", "Zhao Lei", "loans")):
        b.cli("agent", "add", agent, "--name", name)
        b.cli("team", "add", team, check=False)
        b.cli("team", "assign", agent, team)
    add_user(b, "grace", "team_leader", team="cards")
    add_user(b, "lou", "team_leader", team="loans")
    conn = connect(b.data / "branchline.db")
    with conn:
        for n, agent, team in ((1, "a1001", "cards"), (2, "a1003", "loans")):
            path = f"calls/2026/11/16/{n}.wav"
            add_recording(conn, call_id=f"call-{n}", path=path, direction="inbound", queue=None, agent_id=agent,
                          team=team, caller="13800138000", started_at="2026-11-16T02:00:00.000Z")
            finish_recording(conn, path, ended_at="2026-11-16T02:03:00.000Z", seconds=180.0, size=0, reason="hangup")
    conn.close()
    return b


def talk(branch: Branch, agent: str, day: str, *more: str, check: bool = True, leader: str = "grace"):
    return branch.cli("coaching", "add", agent, "--leader", leader, "--day", day, "--keep", "Warm greeting",
                      "--improve", "Read the card number back", "--actions", "Listen to 3 calls together",
                      *more, check=check)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(command):
    text = help_of(*command)
    assert "Usage:" in text and ("Example:" in text or len(command) == 1)


def test_a_talk_is_recorded_with_the_agents_recording_shown_listed_and_followed_up(branch):
    out = talk(branch, "a1001", "2026-11-16", "--recording", "1", "--follow-up", "2026-11-23").stdout
    assert "Coaching record 1: grace with a1001 on 2026-11-16." in out
    record = cli_json(branch, "coaching", "show", "1")
    assert (record["agent_id"], record["team"], record["leader"], record["recordings"], record["follow_up_on"]) == (
        "a1001", "cards", "grace", [1], "2026-11-23")
    assert "Read the card number back" in branch.cli("coaching", "show", "1").stdout
    assert "Coaching record 1: outcome written." in branch.cli("coaching", "outcome", "1", "Reads it back now").stdout
    [listed] = cli_json(branch, "coaching", "list", "--team", "cards")
    assert listed["outcome"] == "Reads it back now" and listed["acknowledged_at"] is None
    assert cli_json(branch, "coaching", "list", "--team", "loans") == []
    audit = [(e["action"], e["target"]) for e in cli_json(branch, "audit")[:2]]
    assert audit == [("coaching_outcome", "1"), ("coaching_added", "a1001")]


def test_wrong_talks_say_what_was_wrong(branch):
    cases = [
        (("a1001", "2026-11-16", "--recording", "2"), "recording 2 is agent a1003's call, not a1001's"),
        (("a1001", "2026-11-16", "--recording", "9"), "there is no recording 9"),
        (("a1001", "2999-01-01"), "is in the future"),
        (("a1001", "16/11/2026"), "is not a date like 2026-11-03"),
        (("a1001", "2026-11-16", "--follow-up", "2026-11-01"), "is before the talk"),
        (("nobody", "2026-11-16"), "agent 'nobody' does not exist"),
    ]
    for args, message in cases:
        result = talk(branch, *args, check=False)
        assert result.returncode == 2 and message in result.stderr, (args, result.stderr)
        assert result.stderr.count("\n") == 1  # one sentence
    wrong_leader = talk(branch, "a1001", "2026-11-16", leader="lou", check=False)
    assert wrong_leader.returncode == 2 and "user 'lou' does not lead team 'cards'" in wrong_leader.stderr
    assert cli_json(branch, "coaching", "list") == []


def test_the_weekly_rule_counts_agents_reminds_from_thursday_and_lists_missed_weeks(branch):
    # Week 2026-W47 runs Monday 16 to Sunday 22 November.
    assert cli_json(branch, "coaching", "week", "--leader", "grace", "--day", "2026-11-17")[0]["status"]["short"] == 2
    talk(branch, "a1001", "2026-11-16")
    talk(branch, "a1001", "2026-11-18")  # the same agent again: still one
    [week] = cli_json(branch, "coaching", "week", "--leader", "grace", "--day", "2026-11-18")
    assert (week["status"]["agents"], week["status"]["talks"], week["status"]["short"]) == (["a1001"], 2, 1)
    assert [m["agent_id"] for m in week["least_recent"]] == ["a1002", "a1004", "a1001"]
    assert "No new reminders." in branch.cli("coaching", "remind", "--day", "2026-11-18").stdout  # Wednesday
    out = branch.cli("coaching", "remind", "--day", "2026-11-19").stdout  # Thursday: grace 1 of 2, lou 0 of 2
    assert "Reminded grace (team cards): 1 of 2 agents in 2026-W47." in out and "Reminded lou" in out
    assert "No new reminders." in branch.cli("coaching", "remind", "--day", "2026-11-20").stdout  # once a week
    text = branch.cli("coaching", "week", "--leader", "grace", "--day", "2026-11-19").stdout
    assert "grace (team cards) 2026-W47: 1 of 2 agents, 1 more by Sunday 2026-11-22." in text
    assert "Reminder: still short" in text and "Least recently talked with: a1002 (never), a1004 (never)" in text
    talk(branch, "a1002", "2026-11-20")
    [met] = cli_json(branch, "coaching", "week", "--leader", "grace", "--day", "2026-11-20")
    assert met["status"]["met"] and met["reminder"] is None
    # Grace has led since 1 November (W44): from W48, W44-W46 were missed and W47 met.
    conn = connect(branch.data / "branchline.db")
    with conn:
        conn.execute("UPDATE users SET created_at = '2026-11-01T00:00:00.000Z' WHERE username = 'grace'")
    conn.close()
    [later] = cli_json(branch, "coaching", "week", "--leader", "grace", "--day", "2026-11-25")
    assert [(w["week"], w["met"]) for w in later["weeks"]] == [
        ("2026-W47", True), ("2026-W46", False), ("2026-W45", False), ("2026-W44", False)]
    assert [w["week"] for w in later["missed"]] == ["2026-W46", "2026-W45", "2026-W44"]
    assert "Weeks missed: 2026-W46 (0 of 2), 2026-W45 (0 of 2), 2026-W44 (0 of 2)." in branch.cli(
        "coaching", "week", "--leader", "grace", "--day", "2026-11-25").stdout


def test_settings_change_the_rule_and_the_reminder_day(branch):
    out = branch.cli("coaching", "settings", "--per-week", "3", "--remind-from", "tue").stdout
    assert "at least 3 agents a week; reminders from tue on." in out
    talk(branch, "a1001", "2026-11-16")
    assert "Reminded grace (team cards): 1 of 3 agents" in branch.cli("coaching", "remind", "--day", "2026-11-17").stdout
    bad = branch.cli("coaching", "settings", "--per-week", "0", check=False)
    assert bad.returncode == 2 and "agents per week must be from 1 to 20, not 0." in bad.stderr


def test_segments_without_kpi_data_list_every_agent_unscored(branch):
    segments = cli_json(branch, "coaching", "segments", "cards", "--month", "2026-11")
    assert [t["tier"] for t in segments["tiers"]] == ["front", "middle", "grow"]
    assert [a["agent_id"] for a in segments["unscored"]] == ["a1001", "a1002", "a1004"]
    text = branch.cli("coaching", "segments", "cards", "--month", "2026-11", "--lang", "zh").stdout
    assert "领跑者" in text and "重点帮扶" in text
    bad = branch.cli("coaching", "segments", "cards", "--month", "November", check=False)
    assert bad.returncode == 2 and "'November' is not a month: write it as YYYY-MM" in bad.stderr


def test_training_requests_go_into_the_plan_by_the_25th_rule_and_sessions_take_attendance(branch):
    assert "in the plan for 2026-12." in branch.cli("training", "request", "a1001", "--topic", "New card",
                                                    "--why", "Asked daily", "--day", "2026-11-25").stdout
    assert "in the plan for 2027-01." in branch.cli("training", "request", "a1002", "--topic", "Loans",
                                                    "--why", "New to it", "--day", "2026-11-26").stdout
    plan = cli_json(branch, "training", "plan", "cards", "--month", "2026-12")
    assert [(r["id"], r["agent_id"], r["session_id"]) for r in plan["requests"]] == [(1, "a1001", None)]
    not_trainer = branch.cli("training", "session", "cards", "--kind", "planned", "--trainer", "a1002",
                             "--day", "2026-12-03", "--topic", "New card", "--request", "1", check=False)
    assert not_trainer.returncode == 2 and "'a1002' is not a trainer of team 'cards'" in not_trainer.stderr
    branch.cli("team", "role", "add", "cards", "a1002", "trainer")
    out = branch.cli("training", "session", "cards", "--kind", "planned", "--trainer", "a1002", "--day", "2026-12-03",
                     "--topic", "New card", "--request", "1").stdout
    assert "Training session 1 (planned) on 2026-12-03: New card, by a1002." in out
    again = branch.cli("training", "session", "cards", "--kind", "planned", "--trainer", "a1002", "--day",
                       "2026-12-04", "--topic", "x", "--request", "1", check=False)
    assert again.returncode == 2 and "already planned in session 1" in again.stderr
    branch.cli("training", "session", "cards", "--kind", "adhoc", "--trainer", "a1002", "--day", "2026-12-05",
               "--topic", "The new mobile app")
    assert "2 present, 0 absent" in branch.cli("training", "attend", "1", "a1001", "a1004").stdout
    assert "2 present, 1 absent" in branch.cli("training", "attend", "1", "a1002", "--absent").stdout
    stranger = branch.cli("training", "attend", "1", "a1003", check=False)
    assert stranger.returncode == 2 and "'a1003' is not in team 'cards'" in stranger.stderr
    plan = cli_json(branch, "training", "plan", "cards", "--month", "2026-12")
    assert [(s["id"], s["kind"]) for s in plan["sessions"]] == [(2, "adhoc"), (1, "planned")]
    assert plan["requests"][0]["session_id"] == 1 and plan["trainers"] == ["a1002"]
    assert [(a["agent_id"], a["present"]) for a in plan["sessions"][1]["attendance"]] == [
        ("a1001", True), ("a1002", False), ("a1004", True)]


def test_suggestions_are_collected_and_decided_with_a_note(branch):
    assert "Suggestion 1 of a1001: FAQ card." in branch.cli("training", "suggest", "a1001", "--title", "FAQ card",
                                                             "--text", "One page of fee questions").stdout
    assert [s["status"] for s in cli_json(branch, "training", "suggestions", "cards")] == ["new"]
    branch.cli("training", "review", "1", "under_review")
    no_note = branch.cli("training", "review", "1", "adopted", check=False)
    assert no_note.returncode == 2 and "needs a note saying why" in no_note.stderr
    branch.cli("training", "review", "1", "adopted", "--note", "Printed for every desk")
    [done] = cli_json(branch, "training", "suggestions", "cards", "--status", "adopted")
    assert (done["status"], done["note"], done["reviewed_by"]) == ("adopted", "Printed for every desk", "cli")
    assert "does not exist" in branch.cli("training", "suggestions", "nope", check=False).stderr
