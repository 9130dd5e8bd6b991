"""Coaching records, the weekly rule's reminders from the daily run, and training in the store
(appliance/store/coaching.py, appliance/store/training.py), on a real migrated SQLite file.

The server's time zone is Asia/Shanghai (UTC+8) here, so a local day is not a UTC one.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import apsw
import pytest

from appliance.errors import Conflict, InvalidInput, NotFound
from appliance.store import coaching, team_org, training
from appliance.store.database import connect
from appliance.store.recordings import add_recording
from appliance.store.roster import local_day_start
from appliance.store.users import add_user
from appliance.teamwork.follow_up import DailyFollowUp
from tests.support.store import raises, store_with_teams
from tests.support.timezone import shanghai  # noqa: F401 - autouse: local days are not UTC days

NOW = 1_790_000_000.0
TALK = {"keep": "Warm greeting", "improve": "Read the number back", "actions": "Listen to 3 calls"}


@pytest.fixture
def conn(tmp_path: Path) -> apsw.Connection:
    """Team cards (ann, amy, al; leader grace), team loans (bob; leader lou). Recording 1 is ann's,
    2 is bob's. Both leaders' accounts date from 1 November 2026."""
    c = store_with_teams(tmp_path, (("ann", "Ann Lee", "cards"), ("amy", "Amy Xu", "cards"), ("al", "Al Bo", "cards"),
                                    ("bob", "Bob Wu", "loans")))
    for username, team in (("grace", "cards"), ("lou", "loans")):
        add_user(c, username, "correct-horse-1", "team_leader", team=team)
    c.execute("UPDATE users SET created_at = '2026-11-01T00:00:00.000Z'")
    for n, agent in ((1, "ann"), (2, "bob")):
        add_recording(c, call_id=f"c{n}", path=f"{n}.wav", direction="inbound", queue=None, agent_id=agent,
                      team=None, caller="1", started_at="2026-11-16T01:00:00.000Z")
    return c


def talk(conn, agent: str, day: str, leader: str = "grace", **more):
    return coaching.add_record(conn, agent, leader, day=day, today=date(2026, 11, 30), now=NOW, **{**TALK, **more})


def test_a_record_links_the_agents_recordings_and_is_acknowledged_once(conn):
    record = talk(conn, "ann", "2026-11-16", recordings=[1, 1], follow_up_on="2026-11-23")
    assert (record.team, record.leader, record.recordings, record.agent_name) == ("cards", "grace", (1,), "Ann Lee")
    with raises(NotFound, "there is no coaching record 1 of yours."):
        coaching.acknowledge(conn, record.id, "amy", NOW)
    first = coaching.acknowledge(conn, record.id, "ann", NOW).acknowledged_at
    assert coaching.acknowledge(conn, record.id, "ann", NOW + 60).acknowledged_at == first
    assert coaching.set_outcome(conn, record.id, "Reads it back now", "grace", NOW).outcome == "Reads it back now"
    assert [r.id for r in coaching.list_records(conn, team="cards")] == [record.id]
    assert coaching.list_records(conn, team="loans") == []


def test_wrong_records_are_refused_with_what_to_do(conn):
    with raises(InvalidInput, "recording 2 is agent bob's call, not ann's"):
        talk(conn, "ann", "2026-11-16", recordings=[2])
    with raises(NotFound, "there is no recording 7"):
        talk(conn, "ann", "2026-11-16", recordings=[7])
    with raises(InvalidInput, "user 'lou' does not lead team 'cards'"):
        talk(conn, "ann", "2026-11-16", leader="lou")
    with raises(InvalidInput, "the talk's day 2026-12-01 is in the future"):
        talk(conn, "ann", "2026-12-01")
    with raises(InvalidInput, "the agreed actions needs text"):
        talk(conn, "ann", "2026-11-16", actions="  ")
    assert coaching.list_records(conn) == []


def test_the_daily_run_reminds_a_leader_still_short_from_thursday_once(conn):
    talk(conn, "ann", "2026-11-23")  # Monday of 2026-W48
    talk(conn, "ann", "2026-11-24")  # the same agent: still one
    clock = [local_day_start("2026-11-25") + 600]  # Wednesday 00:10: evaluates Tuesday, no reminder yet
    daily = DailyFollowUp(lambda: connect(Path(conn.db_filename("main"))), lambda: clock[0])
    daily.tick()
    assert conn.execute("SELECT count(*) FROM coaching_reminders").fetchone()[0] == 0
    clock[0] = local_day_start("2026-11-26") + 600  # Thursday 00:10
    daily.tick()
    rows = conn.execute("SELECT leader, week, agents, needed FROM coaching_reminders ORDER BY leader").fetchall()
    assert rows == [("grace", "2026-W48", 1, 2), ("lou", "2026-W48", 0, 2)]
    assert coaching.remind_leaders(conn, date(2026, 11, 27), NOW) == []  # once per week
    week = coaching.leader_week(conn, "grace", date(2026, 11, 26))
    assert week.reminder is not None and week.status.short == 1
    assert [m.agent_id for m in week.least_recent] == ["al", "amy", "ann"]
    talk(conn, "amy", "2026-11-26")
    assert coaching.leader_week(conn, "grace", date(2026, 11, 26)).reminder is None  # met: no longer shown


def test_missed_weeks_count_from_the_leaders_first_week(conn):
    talk(conn, "ann", "2026-11-09")
    talk(conn, "amy", "2026-11-10")
    week = coaching.leader_week(conn, "grace", date(2026, 11, 25))
    assert [(w.week, w.met) for w in week.weeks] == [("2026-W47", False), ("2026-W46", True), ("2026-W45", False),
                                                    ("2026-W44", False)]
    assert [w.week for w in week.missed] == ["2026-W47", "2026-W45", "2026-W44"]


def test_training_requests_follow_the_25th_rule_and_sessions_take_them_once(conn):
    on_25th = training.add_request(conn, "ann", "New card", "asked daily", date(2026, 11, 25), NOW)
    on_26th = training.add_request(conn, "amy", "Loans", "new to it", date(2026, 11, 26), NOW)
    assert (on_25th.plan_month, on_26th.plan_month) == ("2026-12", "2027-01")
    with raises(InvalidInput, "'amy' is not a trainer of team 'cards'"):
        training.add_session(conn, "cards", kind="planned", trainer="amy", day="2026-12-03", topic="x", by="g", now=NOW)
    team_org.add_role(conn, "cards", "amy", "trainer")
    session = training.add_session(conn, "cards", kind="planned", trainer="amy", day="2026-12-03", topic="New card",
                                   requests=[on_25th.id], by="grace", now=NOW)
    assert session.requests == (on_25th.id,)
    with raises(Conflict, f"training request {on_25th.id} is already planned in session {session.id}."):
        training.add_session(conn, "cards", kind="planned", trainer="amy", day="2026-12-04", topic="again",
                             requests=[on_25th.id], by="grace", now=NOW)
    with raises(InvalidInput, "an ad hoc session takes no requests"):
        training.add_session(conn, "cards", kind="adhoc", trainer="amy", day="2026-12-04", topic="app",
                             requests=[on_26th.id], by="grace", now=NOW)
    with raises(InvalidInput, "'bob' is not in team 'cards'"):
        training.set_attendance(conn, session.id, "bob", True)
    training.set_attendance(conn, session.id, "ann", True)
    marked = training.set_attendance(conn, session.id, "ann", False)
    assert [(a.agent_id, a.present) for a in marked.attendance] == [("ann", False)]
    plan = training.training_plan(conn, "cards", "2026-12")
    assert [r.id for r in plan.requests] == [on_25th.id] and [s.id for s in plan.sessions] == [session.id]


def test_suggestions_carry_the_squad_and_need_a_note_to_adopt_or_decline(conn):
    team_org.add_squad(conn, "cards", "s1", leader="ann")
    team_org.assign_squad(conn, "amy", "s1")
    made = training.add_suggestion(conn, "amy", "FAQ card", "One page of fee questions", NOW)
    assert (made.squad, made.status) == ("s1", "new")
    assert training.squad_leader_of(conn, "cards", made.squad) == "ann"
    with raises(InvalidInput, "a suggestion declined needs a note"):
        training.review_suggestion(conn, made.id, "declined", "", "ann", NOW)
    with raises(InvalidInput, "'new' is not a decision"):
        training.review_suggestion(conn, made.id, "new", "", "ann", NOW)
    done = training.review_suggestion(conn, made.id, "adopted", "Printed", "ann", NOW)
    assert (done.status, done.note, done.reviewed_by) == ("adopted", "Printed", "ann")
