"""Huddles, meetings and monthly plans in the store (appliance/store/huddles.py, meetings.py): the
rotation over the real roster with swaps, attendance from the event log's sign-ins, corrections,
publishing to the desktops' notices with acknowledgements, and the monthly meeting's rules.

The server's time zone is Asia/Shanghai here, so local days are not UTC days.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import apsw
import pytest

from appliance.errors import Conflict, InvalidInput, NotFound
from appliance.store import huddles, meetings
from appliance.store.notices import acknowledge, notices_for
from appliance.store.records import append_event
from appliance.store.roster import local_day_start
from tests.support.store import raises, store_with_teams
from tests.support.timezone import shanghai  # noqa: F401 - autouse

HOUR = 3600
MON, TUE, WED = "2026-11-30", "2026-12-01", "2026-12-02"


@pytest.fixture
def conn(tmp_path: Path) -> apsw.Connection:
    """Team cards: ann, bob, cat (users alice, bobby, cathy); eve in team loans; shift `day` 08:30-17:00,
    shift `late` 13:00-21:00 without a huddle."""
    c = store_with_teams(tmp_path, (("ann", "Ann Lee", "cards"), ("bob", "Bob Wu", "cards"), ("cat", "Cat Ng", "cards"),
                                    ("eve", "Eve Ho", "loans")))
    for user, agent in (("alice", "ann"), ("bobby", "bob"), ("cathy", "cat")):
        c.execute("INSERT INTO users (username, password_hash, role, agent_id, created_at) VALUES (?, 'x', 'agent', ?, '')",
                  (user, agent))
    c.execute("INSERT INTO shift_templates (name, starts, ends, break_minutes) VALUES ('day', '08:30', '17:00', 60)")
    c.execute("INSERT INTO shift_templates (name, starts, ends, huddle) VALUES ('late', '13:00', '21:00', 0)")
    return c


def at(day: str, clock: str) -> float:
    hours, minutes = (int(p) for p in clock.split(":"))
    return local_day_start(day) + hours * HOUR + minutes * 60


def rostered(conn, day: str, *agents: str, shift: str = "day") -> None:
    for agent in agents:
        conn.execute("INSERT INTO roster (day, agent_id, template) VALUES (?, ?, ?)", (day, agent, shift))


def swapped(conn, day: str, from_agent: str, to_agent: str) -> None:
    conn.execute("INSERT INTO shift_swaps (day, from_agent, to_agent, status, requested_at) VALUES (?, ?, ?, 'approved', '')",
                 (day, from_agent, to_agent))


def signs_in(conn, agent: str, moment: float) -> None:
    append_event(conn, moment, "agent_ready", agent_id=agent, previous="logged_out", duration=None)


def test_the_huddle_is_before_the_first_huddle_shift_and_only_huddle_shifts_attend(conn):
    rostered(conn, MON, "ann", "bob")
    rostered(conn, MON, "cat", shift="late")
    h = huddles.get_huddle(conn, "cards", MON)
    assert (h.starts, h.length_minutes) == ("08:15", 15)
    assert [a.agent_id for a in h.attendees] == ["ann", "bob"]
    huddles.change_settings(conn, "cards", fixed_time="08:00", length_minutes=20, opener="Good morning, cards!")
    assert (huddles.get_huddle(conn, "cards", MON).starts, huddles.get_huddle(conn, "cards", MON).length_minutes) == ("08:00", 20)
    assert huddles.get_huddle(conn, "cards", TUE).opener == "Good morning, cards!"  # a new huddle's opener


def test_hosts_rotate_over_stored_days_and_a_swap_hands_the_duty_over(conn):
    for d in (MON, TUE, WED):
        rostered(conn, d, "ann", "bob", "cat")
    swapped(conn, TUE, "bob", "eve")
    assert huddles.get_huddle(conn, "cards", MON).host == "ann"
    tue = huddles.get_huddle(conn, "cards", TUE)
    assert (tue.turn, tue.host, tue.host_reason) == ("bob", "eve", "swap")
    assert "eve" in {a.agent_id for a in tue.attendees} and "bob" not in {a.agent_id for a in tue.attendees}
    assert huddles.get_huddle(conn, "cards", WED).host == "cat"


def test_opening_a_later_day_gives_the_days_between_their_turns(conn):
    for d in (MON, TUE, WED):
        rostered(conn, d, "ann", "bob", "cat")
    huddles.get_huddle(conn, "cards", MON)
    assert huddles.get_huddle(conn, "cards", WED).host == "cat"
    assert huddles.get_huddle(conn, "cards", TUE).host == "bob"


def test_the_team_leader_names_another_host_who_must_attend(conn):
    rostered(conn, MON, "ann", "bob")
    with raises(InvalidInput, "agent 'cat' does not attend cards's huddle of 2026-11-30: choose one who does (ann, bob)."):
        huddles.set_host(conn, "cards", MON, "cat", "ann is training", "tess", at(MON, "07:00"))
    h = huddles.set_host(conn, "cards", MON, "bob", "ann is training", "tess", at(MON, "07:00"))
    assert (h.host, h.host_reason, h.host_by, h.host_note, h.turn) == ("bob", "manual", "tess", "ann is training", "ann")


def test_attendance_from_first_sign_ins_and_a_correction_with_its_reason(conn):
    rostered(conn, MON, "ann", "bob", "cat")
    signs_in(conn, "ann", at(MON, "08:10"))
    signs_in(conn, "bob", at(MON, "08:22") + 59)
    signs_in(conn, "bob", at(MON, "08:40"))  # a second sign-in does not count
    signs_in(conn, "cat", at(MON, "08:45"))
    with raises(InvalidInput, "cards's huddle of 2026-11-30 starts at 08:15: take attendance once it has started."):
        huddles.take_attendance(conn, "cards", MON, at(MON, "08:00"))
    h = huddles.take_attendance(conn, "cards", MON, at(MON, "09:00"))
    assert [(e.agent_id, e.status, e.late_minutes) for e in h.attendance] == [
        ("ann", "present", 0), ("bob", "late", 7), ("cat", "absent", 0)]
    with raises(InvalidInput, "late needs the minutes late, a whole number from 1 to 29"):
        huddles.correct_attendance(conn, "cards", MON, "cat", "late", 30, "bus", "tess", at(MON, "09:05"))
    with raises(InvalidInput, "the reason for the correction needs text"):
        huddles.correct_attendance(conn, "cards", MON, "cat", "late", 12, " ", "tess", at(MON, "09:05"))
    huddles.correct_attendance(conn, "cards", MON, "cat", "late", 12, "metro stopped; told me at 08:00", "tess", at(MON, "09:05"))
    h = huddles.take_attendance(conn, "cards", MON, at(MON, "10:00"))  # taking it again keeps the correction
    cat = h.attendance[2]
    assert (cat.status, cat.late_minutes, cat.computed_status, cat.corrected_by, cat.reason) == (
        "late", 12, "absent", "tess", "metro stopped; told me at 08:00")
    with raises(NotFound, "agent 'eve' has no attendance entry"):
        huddles.correct_attendance(conn, "cards", MON, "eve", "present", None, "x", "tess", at(MON, "09:05"))


def test_someone_signed_in_since_before_midnight_is_present(conn):
    rostered(conn, MON, "ann")
    signs_in(conn, "ann", at(MON, "00:00") - HOUR)
    h = huddles.take_attendance(conn, "cards", MON, at(MON, "08:20"))
    assert [(e.status, e.late_minutes) for e in h.attendance] == [("present", 0)]


def test_the_agenda_is_a_draft_until_published_then_every_member_acknowledges(conn):
    rostered(conn, MON, "ann", "bob")
    with raises(InvalidInput, "has no key points, hard cases or notes yet"):
        huddles.publish(conn, "cards", MON, "tess", at(MON, "08:40"))
    with raises(InvalidInput, "hard case 1 (Lost card abroad) needs its handling steps"):
        huddles.save_agenda(conn, "cards", MON, "tess", at(MON, "07:00"), hard_cases=[huddles.HardCase("Lost card abroad", [])])
    huddles.save_agenda(conn, "cards", MON, "ann", at(MON, "07:00"), points=["New savings rate 2.1%"],
                        hard_cases=[huddles.HardCase("Lost card abroad", ["Freeze the card", "Offer emergency cash"])],
                        opener="Smile and dial!")
    h = huddles.save_agenda(conn, "cards", MON, "tess", at(MON, "07:05"), notes="Queue was long yesterday.")
    assert (h.points, h.hard_cases[0].steps, h.opener, h.edited_by) == (
        ["New savings rate 2.1%"], ["Freeze the card", "Offer emergency cash"], "Smile and dial!", "tess")
    h = huddles.publish(conn, "cards", MON, "tess", at(MON, "08:40"))
    assert h.status == "published" and h.notice_id is not None
    text = notices_for(conn, "alice", "cards")[0].text
    assert "Key points / 业务要点:\n- New savings rate 2.1%" in text and "1. Lost card abroad: (1) Freeze the card; (2) Offer" in text
    assert [(a.username, a.at) for a in h.acknowledgements] == [("alice", None), ("bobby", None), ("cathy", None)]
    acknowledge(conn, h.notice_id, "bobby", "cards", at(MON, "09:00"))
    h = huddles.get_huddle(conn, "cards", MON)
    assert [(a.username, a.at is not None) for a in h.acknowledgements] == [
        ("alice", False), ("cathy", False), ("bobby", True)]
    with raises(Conflict, "they are final"):
        huddles.save_agenda(conn, "cards", MON, "tess", at(MON, "09:00"), notes="more")
    h = huddles.save_debrief(conn, "cards", MON, "tess", at(MON, "17:10"), good_calls="Bob's call about a stolen card")
    assert h.debrief.good_calls == "Bob's call about a stolen card"
    with raises(InvalidInput, "a debrief needs at least one of"):
        huddles.save_debrief(conn, "cards", MON, "tess", at(MON, "17:10"))


def test_the_monthly_meeting_is_announced_two_working_days_ahead(conn):
    friday = at("2026-12-04", "10:00")
    with raises(InvalidInput, "a monthly meeting is announced at least 2 working day(s) ahead: announced today "
                              "(2026-12-04), it can be held on 2026-12-08 at the earliest, not 2026-12-07."):
        meetings.announce(conn, "cards", "2026-12-07", "16:30", "Review November", "tess", friday)
    m = meetings.announce(conn, "cards", "2026-12-08", "16:30", "Review November; focus on FCR", "tess", friday)
    assert "Monthly meeting / 月度例会 — team cards: Tuesday 2026-12-08 at 16:30." in notices_for(conn, "alice", "cards")[0].text
    with raises(InvalidInput, "publish its minutes once it has been held"):
        meetings.publish_minutes(conn, m.id, "We agreed ...", "tess", friday)
    m = meetings.publish_minutes(conn, m.id, "FCR is the focus.", "tess", at("2026-12-08", "17:00"))
    assert m.minutes == "FCR is the focus." and notices_for(conn, "alice", "cards")[0].text.endswith("FCR is the focus.")
    with raises(Conflict, "they are final"):
        meetings.publish_minutes(conn, m.id, "again", "tess", at("2026-12-08", "17:00"))


def test_each_member_writes_a_plan_reviewing_last_months_goals(conn):
    now = at("2026-12-01", "09:00")
    meetings.write_plan(conn, "ann", "2026-11", "Calmer calls", ["FCR 90%", "No complaints"], [], now)
    mine = meetings.my_plan(conn, "ann", "2026-12")
    assert (mine.plan, mine.last_month, mine.last_goals) == (None, "2026-11", ["FCR 90%", "No complaints"])
    with raises(InvalidInput, "'Be fast' is not one of your goals for 2026-11"):
        meetings.write_plan(conn, "ann", "2026-12", "x", ["y"], [meetings.GoalReview("Be fast", True)], now)
    with raises(InvalidInput, "a monthly plan needs its goals"):
        meetings.write_plan(conn, "ann", "2026-12", "x", [" "], [], now)
    meetings.write_plan(conn, "ann", "2026-12", "Learn the new card products", ["Quality 95"],
                        [meetings.GoalReview("FCR 90%", True, "91%"), meetings.GoalReview("No complaints", False)], now)
    plans = meetings.team_plans(conn, "cards", "2026-12")
    assert [(p.agent_id, p.goals, p.review[0].note) for p in plans.plans] == [("ann", ["Quality 95"], "91%")]
    assert plans.missing == [{"agent_id": "bob", "name": "Bob Wu"}, {"agent_id": "cat", "name": "Cat Ng"}]


def test_a_huddle_too_far_ahead_is_refused_and_nothing_is_opened(conn):
    far = (date.today() + timedelta(days=huddles.PLAN_AHEAD_DAYS + 1)).isoformat()
    with raises(InvalidInput, "days ahead"):
        huddles.get_huddle(conn, "cards", far)
    assert conn.execute("SELECT count(*) FROM huddles").fetchone()[0] == 0
