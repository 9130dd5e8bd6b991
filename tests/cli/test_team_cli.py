"""A team's organisation, shifts, the roster and swaps from the admin CLI, run as a subprocess the way
an admin runs it (docs/teams.md)."""

from __future__ import annotations

import pytest

from tests.support.branch import Branch, cli_json, help_of

COMMANDS = [
    ["team", "show"], ["team", "squad", "add"], ["team", "squad", "remove"], ["team", "squad", "assign"],
    ["team", "role", "add"], ["team", "role", "remove"],
    ["shift", "add"], ["shift", "set"], ["shift", "list"], ["shift", "remove"],
    ["roster", "import"], ["roster", "set"], ["roster", "clear"], ["roster", "show"],
    ["swap", "request"], ["swap", "approve"], ["swap", "reject"], ["swap", "list"],
]
DAY = "2026-12-01"


@pytest.fixture
def branch(tmp_path) -> Branch:
    """Team cards with a1001, a1002, a1003; team loans with a2001; shift early."""
    b = Branch(tmp_path)
    b.init()
    for team in ("cards", "loans"):
        b.cli("team", "add", team)
    for agent_id, team in (("a1001", "cards"), ("a1002", "cards"), ("a1003", "cards"), ("a2001", "loans")):
        b.cli("agent", "add", agent_id, "--name", f"Agent {agent_id}")
        b.cli("team", "assign", agent_id, team)
    b.cli("shift", "add", "early", "--starts", "08:30", "--ends", "17:00", "--break-minutes", "60")
    return b


def refused(branch: Branch, *args: str) -> str:
    result = branch.cli(*args, check=False)
    assert result.returncode == 2, result.stdout
    return result.stderr


def audited_actions(branch: Branch) -> list[str]:
    return [e["action"] for e in cli_json(branch, "audit", "--limit", "1000") if e["actor"] == "cli"]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_team_and_roster_command_has_help_with_an_example(command):
    assert "Example:" in help_of(*command)


def test_squads_and_roles_show_in_the_team_and_are_audited(branch):
    assert branch.cli("team", "squad", "add", "cards", "north", "--leader", "a1001").stdout == \
        "Added squad north to team cards, led by a1001.\n"
    branch.cli("team", "squad", "assign", "a1002", "north")
    branch.cli("team", "role", "add", "cards", "a1003", "trainer")
    shown = cli_json(branch, "team", "show", "cards")
    assert shown["squads"] == [{"name": "north", "leader": "a1001", "members": [
        {"id": "a1001", "name": "Agent a1001"}, {"id": "a1002", "name": "Agent a1002"}]}]
    assert shown["roles"] == [{"agent_id": "a1003", "role": "trainer"}]
    assert shown["without_squad"] == [{"id": "a1003", "name": "Agent a1003"}]
    table = branch.cli("team", "show", "cards").stdout
    assert "north" in table and "Roles: trainer a1003." in table
    branch.cli("team", "squad", "assign", "a1002", "-")
    branch.cli("team", "role", "remove", "cards", "a1003", "trainer")
    assert branch.cli("team", "squad", "remove", "cards", "north").stdout.endswith("1 member(s) are now in no squad.\n")
    assert audited_actions(branch)[:6] == ["squad_removed", "team_role_removed", "squad_assigned", "team_role_added",
                                           "squad_assigned", "squad_added"]


def test_squad_and_role_mistakes_say_what_to_do(branch):
    assert "agent 'a2001' is in team 'loans', so cannot be a squad leader in team 'cards': " \
           "'branchline team assign a2001 cards' moves them first." in refused(
               branch, "team", "squad", "add", "cards", "north", "--leader", "a2001")
    assert "team 'loans' has no squad 'north'" in refused(branch, "team", "squad", "assign", "a2001", "north")
    assert "team 'tellers' does not exist" in refused(branch, "team", "show", "tellers")
    assert "Invalid value for 'ROLE'" in refused(branch, "team", "role", "add", "cards", "a1001", "coach")


def test_moving_an_agent_to_another_team_drops_their_squad_and_roles(branch):
    branch.cli("team", "squad", "add", "cards", "north", "--leader", "a1001")
    branch.cli("team", "role", "add", "cards", "a1001", "fund_keeper")
    branch.cli("team", "assign", "a1001", "loans")
    cards = cli_json(branch, "team", "show", "cards")
    assert cards["squads"] == [{"name": "north", "leader": None, "members": []}] and cards["roles"] == []
    assert [m["id"] for m in cli_json(branch, "team", "show", "loans")["without_squad"]] == ["a1001", "a2001"]


def test_shifts_are_added_listed_changed_and_removed_unless_rostered(branch):
    out = branch.cli("shift", "add", "night", "--starts", "22:00", "--ends", "6:00", "--break-minutes", "30",
                     "--no-huddle").stdout
    assert out == "Added shift night: 22:00 to 06:00 the next day, 30 min break, without the huddle.\n"
    assert [(s["name"], s["starts"], s["ends"], s["huddle"]) for s in cli_json(branch, "shift", "list")] == [
        ("early", "08:30", "17:00", True), ("night", "22:00", "06:00", False)]
    assert "(+1 day)" in branch.cli("shift", "list").stdout
    branch.cli("shift", "set", "early", "--ends", "17:30")
    branch.cli("roster", "set", DAY, "a1001", "early")
    assert "shift 'early' is on the roster 1 time(s), from 2026-12-01 to 2026-12-01: clear those days" in refused(
        branch, "shift", "remove", "early")
    assert "start time '25:00' is not a time of day" in refused(branch, "shift", "add", "x", "--starts", "25:00",
                                                                 "--ends", "06:00")
    branch.cli("shift", "remove", "night")
    assert [s["name"] for s in cli_json(branch, "shift", "list")] == ["early"]


def test_a_roster_file_with_wrong_lines_lists_them_all_and_stores_nothing(branch, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("day,agent,shift\n2026-12-01,a1001,early\n2026-12-01,zed,early\n2026-12-32,a1002,early\n"
                   "2026-12-01,a1003,late\n2026-12-01,a1001,early\n")
    stderr = refused(branch, "roster", "import", str(bad))
    assert "the roster file has 4 wrong line(s) and nothing was stored" in stderr
    for line in ("line 3: agent 'zed' does not exist", "line 4: '2026-12-32' is not a date",
                 "line 5: shift 'late' does not exist", "line 6: agent 'a1001' is already rostered for 2026-12-01 on line 2"):
        assert line in stderr
    assert cli_json(branch, "roster", "show", "--from", DAY, "--to", DAY) == []
    good = tmp_path / "good.csv"
    good.write_text("day,agent,shift\n2026-12-01,a1001,early\n2026-12-01,a2001,early\n")
    assert branch.cli("roster", "import", str(good)).stdout == "Imported 2 roster line(s) from good.csv.\n"
    shown = cli_json(branch, "roster", "show", "--from", DAY, "--to", DAY, "--team", "cards")
    assert [(e["day"], e["agent_id"], e["shift"], e["worked_by"]) for e in shown] == [(DAY, "a1001", "early", "a1001")]
    assert "roster_imported" in audited_actions(branch)


def test_roster_set_and_clear(branch):
    assert branch.cli("roster", "set", DAY, "a1002", "early").stdout == "Agent a1002 works shift early on 2026-12-01.\n"
    assert "a1002" in branch.cli("roster", "show", "--from", DAY, "--to", DAY).stdout
    branch.cli("roster", "clear", DAY, "a1002")
    assert "Nobody is rostered from 2026-12-01 to 2026-12-01." in branch.cli("roster", "show", "--from", DAY, "--to", DAY).stdout
    assert "day '12/01/2026' is not a date: write it as YYYY-MM-DD" in refused(branch, "roster", "set", "12/01/2026",
                                                                                "a1002", "early")
    assert "agent 'a1002' is not on the roster for 2026-12-01" in refused(branch, "roster", "clear", DAY, "a1002")


def test_an_approved_swap_shows_the_colleague_on_the_roster(branch):
    branch.cli("roster", "set", DAY, "a1001", "early")
    assert branch.cli("swap", "request", DAY, "a1001", "a1002", "--reason", "dentist").stdout == \
        "Swap 1 requested: a1002 to work a1001's shift on 2026-12-01.\n"
    assert [s["status"] for s in cli_json(branch, "swap", "list", "--status", "requested")] == ["requested"]
    assert branch.cli("swap", "approve", "1").stdout == "Swap 1 approved: a1001's shift on 2026-12-01 is worked by a1002.\n"
    [entry] = cli_json(branch, "roster", "show", "--from", DAY, "--to", DAY)
    assert (entry["agent_id"], entry["worked_by"], entry["swap_id"]) == ("a1001", "a1002", 1)
    assert "a1002 (swap 1)" in branch.cli("roster", "show", "--from", DAY, "--to", DAY).stdout
    assert "swap 1 is already approved (by cli)" in refused(branch, "swap", "reject", "1")
    assert audited_actions(branch)[:2] == ["swap_approved", "swap_requested"]


def test_swap_mistakes_say_what_was_wrong(branch):
    branch.cli("roster", "set", DAY, "a1001", "early")
    branch.cli("roster", "set", DAY, "a1003", "early")
    assert "a1002 is not on the roster for 2026-12-01: there is no shift to swap" in refused(
        branch, "swap", "request", DAY, "a1002", "a1001")
    assert "a1003 already works a shift on 2026-12-01: pick a colleague who is free that day" in refused(
        branch, "swap", "request", DAY, "a1001", "a1003")
    assert "a1001 (team cards) and a2001 (team loans) are not in one team" in refused(
        branch, "swap", "request", DAY, "a1001", "a2001")
    branch.cli("swap", "request", DAY, "a1001", "a1002")
    assert branch.cli("swap", "reject", "1").stdout == "Swap 1 rejected: a1001's shift on 2026-12-01 stays theirs.\n"
    assert "swap 7 does not exist" in refused(branch, "swap", "approve", "7")
