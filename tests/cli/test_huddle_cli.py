"""Huddles and the monthly meeting from the admin CLI, run as a subprocess the way an admin runs it:
the `huddle` and `meeting` commands (docs/teams.md, "Huddles and meetings")."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

import pytest

from appliance.store.database import connect
from appliance.store.records import append_event
from appliance.teamwork.attendance import earliest_meeting_day
from tests.support.branch import Branch, cli_json, help_of

COMMANDS = [
    ["huddle"], ["huddle", "settings"], ["huddle", "plan"], ["huddle", "host"], ["huddle", "show"],
    ["huddle", "list"], ["huddle", "attendance"], ["huddle", "correct"], ["huddle", "publish"],
    ["huddle", "debrief"], ["meeting"], ["meeting", "announce"], ["meeting", "minutes"], ["meeting", "show"],
    ["meeting", "plans"],
]
YESTERDAY = (date.today() - timedelta(days=1)).isoformat()


@pytest.fixture
def branch(tmp_path) -> Branch:
    """Team cards: a1001, a1002, a1003, all on shift `day` (08:30-17:00) yesterday."""
    b = Branch(tmp_path)
    b.init()
    b.cli("team", "add", "cards")
    for agent, name in (("a1001", "Li Na"), ("a1002", "Wang Wei"), ("a1003", "Zhao Lei")):
        b.cli("agent", "add", agent, "--name", name)
        b.cli("team", "assign", agent, "cards")
    b.cli("shift", "add", "day", "--starts", "08:30", "--ends", "17:00", "--break-minutes", "60")
    for agent in ("a1001", "a1002", "a1003"):
        b.cli("roster", "set", YESTERDAY, agent, "day")
    return b


def signs_in(branch: Branch, agent: str, clock: str) -> None:
    moment = time.mktime(datetime.strptime(f"{YESTERDAY} {clock}", "%Y-%m-%d %H:%M:%S").timetuple())
    conn = connect(branch.data / "branchline.db")
    with conn:
        append_event(conn, moment, "agent_ready", agent_id=agent, previous="logged_out", duration=None)
    conn.close()


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(command):
    text = help_of(*command)
    assert "Usage:" in text and ("Example:" in text or len(command) == 1)


def test_a_team_leader_plans_takes_attendance_corrects_and_publishes_a_huddle(branch):
    out = branch.cli("huddle", "settings", "cards", "--opener", "Cards team, ready to serve!").stdout
    assert "huddle 15 min before the first shift, 15 min; opener: Cards team, ready to serve!" in out
    out = branch.cli("huddle", "plan", "cards", "--day", YESTERDAY, "--point", "New savings rate 2.1%",
                     "--case", "Lost card abroad: freeze the card; offer emergency cash").stdout
    assert "1 key point(s), 1 hard case(s); host a1001 (draft)" in out
    shown = cli_json(branch, "huddle", "show", "cards", "--day", YESTERDAY)
    assert (shown["starts"], shown["opener"], shown["hard_cases"]) == (
        "08:15", "Cards team, ready to serve!", [{"title": "Lost card abroad", "steps": ["freeze the card", "offer emergency cash"]}])
    assert "host a1002 (manual)" in branch.cli("huddle", "host", "cards", "a1002", "--day", YESTERDAY,
                                                "--reason", "a1001 at training").stdout
    signs_in(branch, "a1001", "08:00:00")
    signs_in(branch, "a1002", "08:24:30")
    taken = cli_json(branch, "huddle", "attendance", "cards", "--day", YESTERDAY)
    assert [(e["agent_id"], e["status"], e["late_minutes"]) for e in taken] == [
        ("a1001", "present", 0), ("a1002", "late", 9), ("a1003", "absent", 0)]
    out = branch.cli("huddle", "correct", "cards", "a1003", "--day", YESTERDAY, "--status", "late", "--late-minutes", "5",
                     "--reason", "signed in at the wrong seat").stdout
    assert "a1003 at cards's huddle of" in out and "late 5 min (corrected by cli: signed in at the wrong seat)" in out
    out = branch.cli("huddle", "publish", "cards", "--day", YESTERDAY).stdout
    assert "Published the notes of cards's huddle" in out
    listed = cli_json(branch, "huddle", "list", "cards")
    assert [(h["day"], h["host"], h["status"]) for h in listed] == [(YESTERDAY, "a1002", "published")]
    audit = [e["action"] for e in cli_json(branch, "audit")[:4]]
    assert audit == ["huddle_published", "huddle_attendance_corrected", "huddle_attendance", "huddle_host"]


def test_wrong_huddle_input_says_what_to_do(branch):
    wrong = branch.cli("huddle", "plan", "cards", "--day", YESTERDAY, "--case", "no title here", check=False)
    assert wrong.returncode == 2 and "has no title: write it as 'TITLE: step one; step two'" in wrong.stderr
    wrong = branch.cli("huddle", "correct", "cards", "a1003", "--day", YESTERDAY, "--status", "present",
                       "--reason", "x", check=False)
    assert wrong.returncode == 2 and "take attendance first" in wrong.stderr
    wrong = branch.cli("huddle", "publish", "cards", "--day", YESTERDAY, check=False)
    assert wrong.returncode == 2 and "write the agenda first" in wrong.stderr
    wrong = branch.cli("huddle", "settings", "cards", "--at", "8h", check=False)
    assert wrong.returncode == 2 and "is not a time of day: write it as HH:MM" in wrong.stderr
    wrong = branch.cli("huddle", "show", "nope", check=False)
    assert wrong.returncode == 2 and "team 'nope' does not exist" in wrong.stderr


def test_a_meeting_is_announced_ahead_and_members_plans_are_listed(branch):
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    wrong = branch.cli("meeting", "announce", "cards", tomorrow, "--at", "16:30", "--focus", "November", check=False)
    assert wrong.returncode == 2 and "a monthly meeting is announced at least 2 working day(s) ahead" in wrong.stderr
    day = earliest_meeting_day(date.today(), 2).isoformat()
    out = branch.cli("meeting", "announce", "cards", day, "--at", "16:30", "--focus", "November in review").stdout
    assert f"Meeting 1 of cards announced for {day} at 16:30." in out
    assert [m["day"] for m in cli_json(branch, "meeting", "show", "cards")] == [day]
    wrong = branch.cli("meeting", "minutes", "1", "--text", "done", check=False)
    assert wrong.returncode == 2 and "publish its minutes once it has been held" in wrong.stderr
    plans = cli_json(branch, "meeting", "plans", "cards")
    assert plans["plans"] == [] and [m["agent_id"] for m in plans["missing"]] == ["a1001", "a1002", "a1003"]
