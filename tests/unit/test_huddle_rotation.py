"""Who hosts the huddle and who counts as present, on constructed days with known answers
(appliance/teamwork/huddle_rotation.py, appliance/teamwork/attendance.py)."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from appliance.teamwork.attendance import Attendance, earliest_meeting_day, judge, working_days_after
from appliance.teamwork.huddle_rotation import HuddleDay, Turn, next_turn, rotate

TEAM = ("ann", "bob", "cat", "dan")


def day(name: str, *working: str, swaps: dict[str, str] | None = None, manual: str | None = None) -> HuddleDay:
    """A day where `working` work their own huddle shifts and `swaps` gives shifts to colleagues."""
    workers = {a: a for a in working} | (swaps or {})
    return HuddleDay(name, workers, manual)


def hosts(turns: list[Turn]) -> list[tuple[str | None, str | None, str]]:
    return [(t.turn, t.host, t.reason) for t in turns]


def test_hosting_goes_round_the_members_in_a_stable_order():
    days = [day(f"d{k}", *TEAM) for k in range(6)]
    assert [t.host for t in rotate(reversed(TEAM), None, days)] == ["ann", "bob", "cat", "dan", "ann", "bob"]


def test_the_rotation_continues_after_the_last_days_turn():
    assert [t.host for t in rotate(TEAM, "cat", [day("d1", *TEAM), day("d2", *TEAM)])] == ["dan", "ann"]


def test_someone_off_that_day_is_skipped_and_keeps_their_place():
    turns = rotate(TEAM, "ann", [day("d1", "ann", "cat", "dan"), day("d2", *TEAM)])
    assert hosts(turns) == [("cat", "cat", "rotation"), ("dan", "dan", "rotation")]
    # bob's turn came while he was off: the rotation goes on from cat, and he hosts when it comes round.
    assert rotate(TEAM, "dan", [day("d3", *TEAM)])[0].host == "ann"


def test_a_swap_hands_the_hosting_to_the_colleague_who_works_the_shift():
    # bob's shift of d1 is worked by eve (not in the order); it is bob's turn, so eve hosts.
    turns = rotate(TEAM, "ann", [day("d1", "ann", "cat", swaps={"bob": "eve"}), day("d2", *TEAM)])
    assert hosts(turns) == [("bob", "eve", "swap"), ("cat", "cat", "rotation")]


def test_a_swapped_in_member_hosts_in_the_swapped_out_members_place():
    turns = rotate(TEAM, "ann", [day("d1", "ann", "cat", "dan", swaps={"bob": "dan"})])
    assert hosts(turns) == [("bob", "dan", "swap")]


def test_the_team_leaders_choice_wins_and_the_turn_stays():
    turns = rotate(TEAM, None, [day("d1", *TEAM, manual="dan"), day("d2", *TEAM)])
    assert hosts(turns) == [("ann", "dan", "manual"), ("bob", "bob", "rotation")]


def test_a_member_who_joins_takes_their_place_and_one_who_leaves_is_passed():
    assert rotate(("ann", "bob", "cat", "dan", "bea"), "ann", [day("d1", *TEAM, "bea")])[0].host == "bea"
    # cat left after her turn: the rotation goes on after her place.
    assert rotate(("ann", "bob", "dan"), "cat", [day("d1", "ann", "bob", "dan")])[0].host == "dan"


def test_a_day_without_huddle_shifts_has_no_host_and_leaves_the_rotation_alone():
    turns = rotate(TEAM, "ann", [day("sun"), day("mon", *TEAM)])
    assert hosts(turns) == [(None, None, "none"), ("bob", "bob", "rotation")]
    assert next_turn([], None, {"ann"}) is None


START = 1_000_000.0


def test_attendance_is_present_late_by_whole_minutes_or_absent_from_thirty():
    assert judge(START, START - 600, START + 3600) == Attendance("present", 0)
    assert judge(START, START + 59, START + 3600) == Attendance("present", 0)
    assert judge(START, START + 7 * 60 + 59, START + 3600) == Attendance("late", 7)
    assert judge(START, START + 29 * 60 + 59, START + 3600) == Attendance("late", 29)
    assert judge(START, START + 30 * 60, START + 3600) == Attendance("absent", 0)


def test_no_sign_in_is_pending_until_thirty_minutes_have_passed_then_absent():
    assert judge(START, None, START + 29 * 60) == Attendance("pending", 0)
    assert judge(START, None, START + 30 * 60) == Attendance("absent", 0)


def test_a_meeting_is_announced_two_working_days_ahead_weekends_not_counted():
    monday, friday = date(2026, 11, 30), date(2026, 12, 4)
    assert working_days_after(monday, date(2026, 12, 2)) == 2
    assert earliest_meeting_day(monday, 2) == date(2026, 12, 2)  # Wednesday
    assert earliest_meeting_day(friday, 2) == date(2026, 12, 8)  # Tuesday: the weekend does not count
    assert earliest_meeting_day(date(2026, 12, 5), 2) == date(2026, 12, 8)  # from a Saturday: Mon, Tue
    assert earliest_meeting_day(friday, 0) == friday


MEMBERS = ("a1", "a2", "a3", "a4", "a5")
days_strategy = st.lists(
    st.tuples(st.sets(st.sampled_from(MEMBERS)), st.dictionaries(st.sampled_from(MEMBERS), st.sampled_from(("x1", "x2")),
                                                                  max_size=2)),
    max_size=30)


@given(days_strategy)
def test_the_host_always_works_a_huddle_shift_that_day_and_the_turn_owes_one(days):
    built = [HuddleDay(f"d{k}", {a: a for a in working} | swaps) for k, (working, swaps) in enumerate(days)]
    for day, turn in zip(built, rotate(MEMBERS, None, built)):
        assert (turn.host is None) == (not day.workers)
        if turn.host is not None:
            assert turn.turn in day.workers and turn.host == day.workers[turn.turn]


@given(st.integers(min_value=1, max_value=6), st.sampled_from((None, *MEMBERS)))
def test_when_everyone_works_each_member_hosts_once_in_every_round(rounds, previous):
    days = [HuddleDay(f"d{k}", {a: a for a in MEMBERS}) for k in range(rounds * len(MEMBERS))]
    hosts_seen = [t.host for t in rotate(MEMBERS, previous, days)]
    for r in range(rounds):
        assert sorted(hosts_seen[r * len(MEMBERS):(r + 1) * len(MEMBERS)]) == list(MEMBERS)
