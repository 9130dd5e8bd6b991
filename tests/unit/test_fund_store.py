"""The team fund, activities and a month's discipline points in a real migrated store
(appliance/store/fund.py, activities.py, recognition.py): collecting counts corrections, a penalty
keeps the amount of its day, skips of cancelled activities do not count, a rostered shift never
signed in costs the squad its absence points."""

from __future__ import annotations

import time
from pathlib import Path

import apsw
import pytest

from appliance.errors import Conflict, InvalidInput
from appliance.store import activities, fund, recognition
from tests.support.store import raises, store_with_teams
from tests.support.timezone import shanghai  # noqa: F401 - autouse: local days are not UTC days

NOW = time.mktime((2026, 11, 20, 12, 0, 0, 0, 0, -1))


@pytest.fixture
def conn(tmp_path: Path) -> apsw.Connection:
    """Team cards: ann and amy in squad east, abe in west; team loans: bob; shift `day` 08:30-17:00."""
    c = store_with_teams(tmp_path, (("ann", "Ann", "cards"), ("amy", "Amy", "cards"), ("abe", "Abe", "cards"),
                                    ("bob", "Bob", "loans")))
    c.execute("INSERT INTO squads (team, name) VALUES ('cards', 'east'), ('cards', 'west')")
    c.execute("UPDATE agents SET squad = 'east' WHERE id IN ('ann', 'amy')")
    c.execute("UPDATE agents SET squad = 'west' WHERE id = 'abe'")
    c.execute("INSERT INTO shift_templates (name, starts, ends, break_minutes) VALUES ('day', '08:30', '17:00', 60)")
    return c


def test_collecting_again_after_a_correction_asks_for_the_reversed_contribution_again(conn):
    first = fund.collect_month(conn, "cards", "2026-11", "fay", NOW)
    assert [(e.member, e.amount_fen, e.recorded_by) for e in first] == [("abe", 1000, "fay"), ("amy", 1000, "fay"),
                                                                        ("ann", 1000, "fay")]
    fund.reverse_entry(conn, first[0].id, "abe was on leave all month", "fay", NOW)
    again = fund.collect_month(conn, "cards", "2026-11", "fay", NOW)
    assert [(e.member, e.amount_fen) for e in again] == [("abe", 1000)]
    assert fund.fund_statement(conn, "cards").balance == "30.00"


def test_a_penalty_keeps_the_amount_of_its_day_when_the_rule_changes(conn):
    fund.set_penalty_rule(conn, "cards", "missed quiz answer", 200)
    fund.add_penalty(conn, "cards", "ann", "missed quiz answer", "tess", NOW, "huddle of 11-20")
    fund.set_penalty_rule(conn, "cards", "missed quiz answer", 500)
    fund.add_penalty(conn, "cards", "amy", "missed quiz answer", "tess", NOW)
    entries = fund.fund_statement(conn, "cards").entries
    assert [(e.member, e.amount_fen, e.rule, e.description) for e in entries] == [
        ("ann", 200, "missed quiz answer", "huddle of 11-20"), ("amy", 500, "missed quiz answer", "")]


def test_spending_needs_a_description_a_receipt_note_and_the_money(conn):
    fund.add_contribution(conn, "cards", "ann", "tess", NOW)
    with raises(InvalidInput, "what the money was spent on is required"):
        fund.add_spending(conn, "cards", 500, " ", "none", "tess", NOW)
    with raises(InvalidInput, "the receipt note"):
        fund.add_spending(conn, "cards", 500, "Tea", "", "tess", NOW)
    with raises(Conflict, "the fund holds 10.00 yuan, less than 10.01"):
        fund.add_spending(conn, "cards", 1001, "Tea", "none", "tess", NOW)
    assert fund.add_spending(conn, "cards", 1000, "Tea", "none", "tess", NOW).amount_fen == -1000


def test_only_skips_of_activities_held_that_month_count(conn):
    dinner = activities.add_activity(conn, "cards", "Dinner", "2026-11-06", "Lotus", "tess", NOW)
    hike = activities.add_activity(conn, "cards", "Hike", "2026-11-13", "", "tess", NOW)
    december = activities.add_activity(conn, "cards", "Party", "2026-12-01", "", "tess", NOW)
    for one in (dinner, hike, december):
        activities.record_attendance(conn, one.id, "abe", "skipped", "tess", NOW)
    activities.record_attendance(conn, dinner.id, "ann", "excused", "tess", NOW)
    activities.cancel_activity(conn, hike.id)
    assert activities.skips_in_month(conn, "cards", "2026-11") == {"abe": 1}


def test_a_rostered_shift_never_signed_in_costs_the_squad_its_absence_points(conn):
    conn.execute("INSERT INTO roster (day, agent_id, template) VALUES ('2026-11-03', 'amy', 'day')")
    dinner = activities.add_activity(conn, "cards", "Dinner", "2026-11-06", "Lotus", "tess", NOW)
    activities.record_attendance(conn, dinner.id, "abe", "skipped", "tess", NOW)
    recognition.set_rules(conn, "cards", absence_points=5)
    squads = {s.squad: s for s in recognition.compute_results(conn, "cards", "2026-11", NOW).squads}
    assert (squads["east"].discipline.absences, squads["east"].discipline.points) == (1, -5)
    assert (squads["west"].discipline.skips, squads["west"].discipline.points) == (1, -1)
    # No calls: east's only value is utilisation 0 (amy's rostered day), west has none at all, so
    # east's composite is 100 (the only value in the group) and west's 0; nobody handled a call,
    # so the month has no winner.
    assert (squads["east"].composite, squads["east"].total, squads["west"].total) == (100.0, 95.0, -1.0)
    assert not squads["east"].winner and not squads["west"].winner
