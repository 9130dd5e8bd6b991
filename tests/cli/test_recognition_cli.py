"""Recognition, team activities and the team fund from the admin CLI, run as a subprocess the way an
admin runs it: a month's results from constructed calls (leaderboard, squad competition with an
activity skip, most improved), publishing a snapshot, and the fund's movements and statement."""

from __future__ import annotations

import csv
import io
import time
from datetime import date, datetime, timedelta

import pytest

from appliance.store.database import connect
from appliance.store.records import append_event
from tests.support.branch import Branch, cli_json, help_of
from tests.support.desktop import add_user
from tests.support.timezone import shanghai  # noqa: F401 - local days in Asia/Shanghai

COMMANDS = [
    ["recognition"], ["recognition", "rules"], ["recognition", "preview"], ["recognition", "publish"],
    ["recognition", "show"], ["recognition", "history"], ["recognition", "nominate"], ["recognition", "votes"],
    ["activity"], ["activity", "add"], ["activity", "list"], ["activity", "attend"], ["activity", "cancel"],
    ["fund"], ["fund", "settings"], ["fund", "rules"], ["fund", "rule"], ["fund", "contribute"], ["fund", "collect"],
    ["fund", "penalty"], ["fund", "spend"], ["fund", "reverse"], ["fund", "statement"],
]


def months_ago(n: int) -> str:
    """The local month n months before this one, as YYYY-MM."""
    first = date.today().replace(day=1)
    for _ in range(n):
        first = (first - timedelta(days=1)).replace(day=1)
    return first.strftime("%Y-%m")


def worked(db, agent: str, day: str, *, hours: float, calls: int, talk: float) -> None:
    """A constructed day: `agent` signed in (ready) for `hours` from 09:00 local and handled `calls`
    calls of `talk` seconds each, the calls ending during those hours."""
    start = time.mktime(datetime.fromisoformat(f"{day}T09:00:00").timetuple())
    conn = connect(db)
    with conn:
        append_event(conn, start + hours * 3600, "agent_logged_out", agent_id=agent, previous="ready",
                     duration=hours * 3600)
        for k in range(calls):
            append_event(conn, start + 60 + k, "call_completed", call_id=f"{agent}-{day}-{k}", agent_id=agent,
                         talk=talk)
    conn.close()


def last_months_calls(branch: Branch) -> tuple[str, str]:
    """Last month (the one to publish) and the month before it, with known composites:

    last month, day 5: a1001 12 calls an hour at 180 s, a1002 10 at 200 s, a1003 8 at 220 s;
    calls per hour and talk place them 100/50/0 each, utilisation (0 for all: nothing on call)
    gives everyone 100, FCR and satisfaction have no value: composites 300, 200, 100.
    The month before, day 10: the other way round (100, 200, 300), so a1001 gained most.
    """
    month, before = months_ago(1), months_ago(2)
    db = branch.data / "branchline.db"
    for agent, (cph, talk) in {"a1001": (12, 180), "a1002": (10, 200), "a1003": (8, 220)}.items():
        worked(db, agent, f"{month}-05", hours=8, calls=cph * 8, talk=talk)
    for agent, (cph, talk) in {"a1001": (8, 220), "a1002": (10, 200), "a1003": (12, 180)}.items():
        worked(db, agent, f"{before}-10", hours=8, calls=cph * 8, talk=talk)
    return month, before


@pytest.fixture
def branch(tmp_path) -> Branch:
    """Team cards: a1001 and a1002 in squad east, a1003 in squad west (and its trainer); a1004 in loans."""
    b = Branch(tmp_path)
    b.init()
    for agent, name, team in (("a1001", "Li Na", "cards"), ("a1002", "Wang Wei", "cards"),
                              ("a1003", "Zhao Lei", "cards"), ("a1004", "Sun Li", "loans")):
        b.cli("agent", "add", agent, "--name", name)
        b.cli("team", "add", team, check=False)
        b.cli("team", "assign", agent, team)
    b.cli("team", "squad", "add", "cards", "east", "--leader", "a1001")
    b.cli("team", "squad", "assign", "a1002", "east")
    b.cli("team", "squad", "add", "cards", "west", "--leader", "a1003")
    b.cli("team", "role", "add", "cards", "a1003", "trainer")
    return b


def refused(branch: Branch, *args: str) -> str:
    result = branch.cli(*args, check=False)
    assert result.returncode == 2, result.stdout + result.stderr
    return result.stderr.strip()


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(command):
    text = help_of(*command)
    assert "Usage:" in text and ("Example:" in text or len(command) == 1)


# ---- recognition ------------------------------------------------------------------------------------------


def test_a_months_results_from_constructed_calls_are_published_and_kept_as_published(branch):
    month, before = last_months_calls(branch)
    added = branch.cli("activity", "add", "cards", "--title", "Team dinner", "--day", f"{month}-20",
                       "--place", "Lotus Garden").stdout
    assert added.startswith("Activity 1: Team dinner")
    branch.cli("activity", "attend", "1", "a1002", "skipped")
    branch.cli("activity", "attend", "1", "a1003", "attended")
    branch.cli("recognition", "nominate", "cards", "a1001", "--month", month, "--reason", "Lifted Wang Wei to target")

    found = cli_json(branch, "recognition", "preview", "cards", "--month", month)
    assert [(r["agent_id"], r["place"], round(r["score"], 6), r["award"]) for r in found["leaderboard"]] == [
        ("a1001", 1, 300, "top"), ("a1002", 2, 200, "top"), ("a1003", 3, 100, "bottom")]
    assert found["leaderboard"][0]["missing"] == ["fcr_rate", "satisfaction"]
    # east: 176 calls in 16 h, west 64 in 8 h; east loses one point for a1002's skipped dinner
    assert [(s["squad"], round(s["composite"], 6), s["discipline"]["skips"], round(s["total"], 6), s["winner"])
            for s in found["squads"]] == [("east", 300, 1, 299, True), ("west", 100, 0, 100, False)]
    assert found["improved_from"] == before
    assert [(i["agent_id"], round(i["gain"], 6), i["winner"]) for i in found["most_improved"]] == [
        ("a1001", 200, True), ("a1002", 0, False), ("a1003", -200, False)]
    assert found["best_trainer"] == [{"trainer": "a1003", "votes": 0, "place": 1, "winner": False}]
    assert found["contribution"]["agent_id"] == "a1001" and found["published_at"] is None

    assert f"Published the results of {month}" in branch.cli("recognition", "publish", "cards", "--month", month).stdout
    assert "already published" in refused(branch, "recognition", "publish", "cards", "--month", month)
    # a late record for a1003 changes the preview, never what was published
    worked(branch.data / "branchline.db", "a1003", f"{month}-06", hours=1, calls=100, talk=60)
    assert cli_json(branch, "recognition", "preview", "cards", "--month", month)["leaderboard"][0]["agent_id"] == "a1003"
    shown = cli_json(branch, "recognition", "show", "cards")
    assert shown["leaderboard"][0]["agent_id"] == "a1001" and shown["published_by"] == "cli"
    text = branch.cli("recognition", "show", "cards", "--month", month).stdout
    assert "Li Na" in text and "east (winner)" in text and "Lifted Wang Wei to target" in text
    assert [m["month"] for m in cli_json(branch, "recognition", "history", "cards")] == [month]
    assert "the award can no longer change" in refused(branch, "recognition", "nominate", "cards", "a1002",
                                                       "--month", month, "--reason", "x")
    branch.cli("recognition", "publish", "cards", "--month", month, "--replace")
    assert cli_json(branch, "recognition", "show", "cards")["leaderboard"][0]["agent_id"] == "a1003"
    actions = [e["action"] for e in cli_json(branch, "audit")[:3]]
    assert actions == ["recognition_published", "recognition_published", "contribution_nominated"]


def test_the_publication_is_announced_to_the_teams_desktops(branch):
    month, _ = last_months_calls(branch)
    branch.cli("recognition", "publish", "cards", "--month", month)
    conn = connect(branch.data / "branchline.db")
    team, text = conn.execute("SELECT team, text FROM notices ORDER BY id DESC LIMIT 1").fetchone()
    conn.close()
    assert team == "cards" and f"Recognition {month}" in text and "1. Li Na 300.0" in text
    assert "Squad competition: east" in text and "Most improved: Li Na" in text


def test_rules_are_set_per_team_and_wrong_ones_are_refused(branch):
    assert cli_json(branch, "recognition", "rules", "cards")["recognition"] == {
        "top_n": 2, "bottom_n": 2, "absence_points": 2, "late_points": 1, "skip_points": 1}
    changed = cli_json(branch, "recognition", "rules", "cards", "--top", "3", "--skip-points", "5")
    assert (changed["recognition"]["top_n"], changed["recognition"]["skip_points"]) == (3, 5)
    assert cli_json(branch, "recognition", "rules", "loans")["recognition"]["top_n"] == 2
    assert "top 3 rewarded" in branch.cli("recognition", "rules", "cards").stdout
    assert refused(branch, "recognition", "rules", "cards", "--bottom", "-1") == (
        "Error: bottom_n must be a whole number from 0 to 50, not -1.")
    assert "has not started yet" in refused(branch, "recognition", "preview", "cards", "--month", "2999-01")
    assert "is not a month like 2026-11" in refused(branch, "recognition", "preview", "cards", "--month", "11/2026")
    assert "no results published yet" in refused(branch, "recognition", "show", "cards")
    assert cli_json(branch, "recognition", "votes", "cards") == [{"trainer": "a1003", "votes": 0, "place": 1,
                                                                   "winner": False}]
    assert "is not an agent of team 'cards'" in refused(branch, "recognition", "nominate", "cards", "a1004",
                                                        "--reason", "helped")


# ---- activities -------------------------------------------------------------------------------------------


def test_activities_are_planned_attended_listed_and_cancelled(branch):
    branch.cli("activity", "add", "cards", "--title", "Hike", "--day", "2026-12-12", "--place", "Xiangshan")
    branch.cli("activity", "add", "cards", "--title", "Quiz night", "--day", "2026-12-03")
    branch.cli("activity", "attend", "1", "a1001", "attended")
    branch.cli("activity", "attend", "1", "a1002", "excused")
    listed = cli_json(branch, "activity", "list", "cards")
    assert [(a["id"], a["day"]) for a in listed] == [(2, "2026-12-03"), (1, "2026-12-12")]
    assert [(x["agent_id"], x["status"]) for x in listed[1]["attendance"]] == [
        ("a1001", "attended"), ("a1002", "excused"), ("a1003", None)]
    assert [a["id"] for a in cli_json(branch, "activity", "list", "cards", "--from", "2026-12-10")] == [1]
    branch.cli("activity", "cancel", "2")
    assert "cancelled" in branch.cli("activity", "list", "cards").stdout
    assert "was cancelled" in refused(branch, "activity", "attend", "2", "a1001", "skipped")
    assert "is not an agent of team 'cards'" in refused(branch, "activity", "attend", "1", "a1004", "skipped")
    assert "is not a date" in refused(branch, "activity", "add", "cards", "--title", "x", "--day", "12/12")
    assert "there is no activity 9" in refused(branch, "activity", "attend", "9", "a1001", "skipped")


# ---- the fund ---------------------------------------------------------------------------------------------


def test_the_fund_collects_penalises_spends_corrects_and_lists_every_movement(branch):
    add_user(branch, "tess", "team_leader", team="cards")
    assert "10.00 per member and 50.00 per team leader" in branch.cli("fund", "settings", "cards").stdout
    branch.cli("fund", "rule", "cards", "missed quiz answer", "2")
    branch.cli("fund", "rule", "cards", "substantiated complaint", "20")
    assert [(r["name"], r["amount"]) for r in cli_json(branch, "fund", "rules", "cards")] == [
        ("missed quiz answer", "2.00"), ("substantiated complaint", "20.00")]
    branch.cli("fund", "contribute", "cards", "a1001", "--month", "2026-11")
    collected = branch.cli("fund", "collect", "cards", "--month", "2026-11").stdout
    assert "Recorded 3 contributions for 2026-11: 70.00 in all." in collected  # a1002, a1003, tess
    assert "Recorded 0 contributions" in branch.cli("fund", "collect", "cards", "--month", "2026-11").stdout
    assert "penalty 2.00 (a1002)" in branch.cli("fund", "penalty", "cards", "a1002", "missed quiz answer",
                                               "--note", "huddle of 12-01").stdout
    branch.cli("fund", "spend", "cards", "45.50", "--description", "Prizes", "--receipt", "No. 0042, kept by tess")
    assert "correction -2.00 (a1002)" in branch.cli("fund", "reverse", "5", "--reason", "Answered after all").stdout

    found = cli_json(branch, "fund", "statement", "cards")
    assert [(e["kind"], e["member"], e["amount_fen"], e["balance_fen"]) for e in found["entries"]] == [
        ("contribution", "a1001", 1000, 1000), ("contribution", "a1002", 1000, 2000),
        ("contribution", "a1003", 1000, 3000), ("contribution", "tess", 5000, 8000),
        ("penalty", "a1002", 200, 8200), ("spending", None, -4550, 3650), ("correction", "a1002", -200, 3450)]
    assert found["balance"] == "34.50" and found["entries"][4]["reversed_by"] == 7
    assert all(e["recorded_by"] == "cli" for e in found["entries"])
    rows = list(csv.DictReader(io.StringIO(branch.cli("fund", "statement", "cards", "--csv").stdout)))
    assert [(r["kind"], r["amount"], r["balance"]) for r in rows][-2:] == [("spending", "-45.50", "36.50"),
                                                                          ("correction", "-2.00", "34.50")]
    assert rows[5]["receipt"] == "No. 0042, kept by tess"
    assert "Balance: 34.50" in branch.cli("fund", "statement", "cards").stdout
    assert cli_json(branch, "fund", "statement", "loans")["balance"] == "0.00"


def test_wrong_fund_movements_say_what_to_do(branch):
    branch.cli("fund", "contribute", "cards", "a1001")
    assert "write yuan like 10 or 12.50" in refused(branch, "fund", "spend", "cards", "ten", "--description", "x",
                                                    "--receipt", "none")
    assert "the fund holds 10.00 yuan, less than 12.00" in refused(branch, "fund", "spend", "cards", "12",
                                                                 "--description", "Tea", "--receipt", "none")
    assert "has no penalty rule 'late'" in refused(branch, "fund", "penalty", "cards", "a1001", "late")
    assert "is not an agent of team 'cards'" in refused(branch, "fund", "contribute", "cards", "a1004")
    branch.cli("fund", "reverse", "1", "--reason", "wrong month")
    assert "already reversed by entry 2" in refused(branch, "fund", "reverse", "1", "--reason", "again")
    assert "is itself a correction" in refused(branch, "fund", "reverse", "2", "--reason", "again")
    assert "choose one of --json and --csv" in refused(branch, "fund", "statement", "cards", "--json", "--csv")
    conn = connect(branch.data / "branchline.db")
    with pytest.raises(Exception, match="never changed"):
        conn.execute("UPDATE fund_entries SET amount_fen = 1")
    with pytest.raises(Exception, match="never deleted"):
        conn.execute("DELETE FROM fund_entries")
    conn.close()
