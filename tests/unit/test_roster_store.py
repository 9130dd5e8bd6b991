"""The team's organisation, shift templates, the roster and swaps in the store (docs/teams.md).

Times are made-up unix seconds passed in as `now`: no test sleeps.
"""

from __future__ import annotations

from pathlib import Path

import apsw
import pytest

from appliance.errors import Conflict, InvalidInput, NotFound
from appliance.store import team_org, teams
from appliance.store.roster import (
    ShiftTemplate,
    add_template,
    change_template,
    clear_roster,
    import_roster,
    list_templates,
    local_day_start,
    remove_template,
    roster_entries,
    scheduled_shifts,
    set_roster,
)
from appliance.store.swaps import decide_swap, list_swaps, request_swap
from tests.support.store import raises, store_with_teams

T0 = 1_700_000_000.0
HOUR = 3600
DAY = "2026-12-01"


@pytest.fixture
def conn(tmp_path: Path) -> apsw.Connection:
    """Team cards: ann, bob, cai; team loans: dan; shifts early (08:30-17:00, 60 min break) and night (22:00-06:00)."""
    c = store_with_teams(tmp_path, (("ann", "Ann", "cards"), ("bob", "Bob", "cards"), ("cai", "Cai", "cards"),
                                    ("dan", "Dan", "loans")))
    add_template(c, ShiftTemplate("early", "8:30", "17:00", 60))
    add_template(c, ShiftTemplate("night", "22:00", "06:00", 30, huddle=False))
    return c


# ---- organisation ------------------------------------------------------------------------------------


def test_squads_roles_and_members_without_a_squad_make_the_team_overview(conn):
    team_org.add_squad(conn, "cards", "north", leader="ann")
    team_org.add_squad(conn, "cards", "south")
    team_org.assign_squad(conn, "bob", "north")
    team_org.add_role(conn, "cards", "cai", "trainer")
    overview = team_org.team_overview(conn, "cards")
    assert [(s.name, s.leader, [m.id for m in s.members]) for s in overview.squads] == [
        ("north", "ann", ["ann", "bob"]), ("south", None, [])]
    assert [(r.agent_id, r.role) for r in overview.roles] == [("cai", "trainer")]
    assert [m.id for m in overview.without_squad] == ["cai"]


def test_squads_and_roles_take_only_the_teams_own_agents(conn):
    with raises(InvalidInput, "agent 'dan' is in team 'loans', so cannot be a squad leader in team 'cards'"):
        team_org.add_squad(conn, "cards", "north", leader="dan")
    team_org.add_squad(conn, "cards", "north")
    with raises(NotFound, "team 'loans' has no squad 'north'"):
        team_org.assign_squad(conn, "dan", "north")
    with raises(InvalidInput, "agent 'dan' is in team 'loans', so cannot be a trainer in team 'cards'"):
        team_org.add_role(conn, "cards", "dan", "trainer")
    with raises(InvalidInput, "'coach' is not a team role"):
        team_org.add_role(conn, "cards", "ann", "coach")
    team_org.add_role(conn, "cards", "ann", "fund_keeper")
    with raises(Conflict, "already a fund_keeper"):
        team_org.add_role(conn, "cards", "ann", "fund_keeper")
    team_org.remove_role(conn, "cards", "ann", "fund_keeper")
    with raises(NotFound, "agent 'ann' is not a fund_keeper in team 'cards'"):
        team_org.remove_role(conn, "cards", "ann", "fund_keeper")


def test_removing_a_squad_leaves_its_members_in_the_team_without_a_squad(conn):
    team_org.add_squad(conn, "cards", "north", leader="ann")
    team_org.assign_squad(conn, "bob", "north")
    assert team_org.remove_squad(conn, "cards", "north") == 2
    overview = team_org.team_overview(conn, "cards")
    assert overview.squads == () and [m.id for m in overview.without_squad] == ["ann", "bob", "cai"]


def test_a_squad_leader_who_moves_to_another_squad_stops_leading_the_old_one(conn):
    team_org.add_squad(conn, "cards", "north", leader="ann")
    team_org.add_squad(conn, "cards", "south")
    team_org.assign_squad(conn, "ann", "south")
    assert [s.leader for s in team_org.team_overview(conn, "cards").squads] == [None, None]


def test_moving_an_agent_to_another_team_clears_their_squad_and_roles_there(conn):
    team_org.add_squad(conn, "cards", "north", leader="ann")
    team_org.add_role(conn, "cards", "ann", "trainer")
    teams.assign_agent(conn, "ann", "cards")  # staying put keeps everything
    assert team_org.team_overview(conn, "cards").squads[0].leader == "ann"
    teams.assign_agent(conn, "ann", "loans")
    cards, loans = team_org.team_overview(conn, "cards"), team_org.team_overview(conn, "loans")
    assert cards.squads[0].leader is None and cards.squads[0].members == () and cards.roles == ()
    assert [m.id for m in loans.without_squad] == ["ann", "dan"]
    assert conn.execute("SELECT squad FROM agents WHERE id = 'ann'").fetchone() == (None,)


# ---- shift templates ---------------------------------------------------------------------------------


def test_shift_templates_are_checked_listed_changed_and_removed_unless_rostered(conn):
    assert [(t.name, t.starts, t.ends, t.break_minutes, t.huddle) for t in list_templates(conn)] == [
        ("early", "08:30", "17:00", 60, True), ("night", "22:00", "06:00", 30, False)]
    with raises(InvalidInput, "end time '25:00' is not a time of day"):
        add_template(conn, ShiftTemplate("late", "14:00", "25:00"))
    with raises(InvalidInput, "a break of 600 minutes does not fit a shift from 08:30 to 17:00 (510 minutes)"):
        change_template(conn, "early", break_minutes=600)
    assert change_template(conn, "early", ends="17:30").ends == "17:30"
    set_roster(conn, DAY, "ann", "early")
    with raises(Conflict, "shift 'early' is on the roster 1 time(s), from 2026-12-01 to 2026-12-01: clear those days"):
        remove_template(conn, "early")
    remove_template(conn, "night")
    assert [t.name for t in list_templates(conn)] == ["early"]


def test_a_night_shift_ends_the_next_day(conn):
    set_roster(conn, DAY, "ann", "night")
    shift = scheduled_shifts(conn, DAY, DAY)[("ann", DAY)]
    assert shift.start == local_day_start(DAY) + 22 * HOUR
    assert shift.end == local_day_start("2026-12-02") + 6 * HOUR
    assert (shift.break_s, shift.huddle) == (30 * 60, False)


# ---- the roster --------------------------------------------------------------------------------------


def test_a_roster_file_with_wrong_lines_reports_every_one_by_number_and_stores_nothing(conn):
    text = ("day,agent,shift\n"
            "2026-12-01,ann,early\n"
            "2026-12-01,zed,early\n"
            "2026-13-01,bob,early\n"
            "2026-12-01,bob,lunch\n"
            "\n"
            "2026-12-01,ann,night\n"
            "2026-12-02,cai\n")
    with pytest.raises(InvalidInput) as caught:
        import_roster(conn, text)
    assert [(p["line"], p["problem"]) for p in caught.value.details["problems"]] == [
        (3, "agent 'zed' does not exist ('branchline agent list' shows who there is)"),
        (4, "'2026-13-01' is not a date like 2026-12-01"),
        (5, "shift 'lunch' does not exist ('branchline shift list' shows what there is)"),
        (7, "agent 'ann' is already rostered for 2026-12-01 on line 2"),
        (8, "2 field(s) where 3 are expected (day,agent,shift)"),
    ]
    assert caught.value.message.startswith("the roster file has 5 wrong line(s) and nothing was stored")
    assert "  line 8: " in caught.value.message
    assert conn.execute("SELECT count(*) FROM roster").fetchone() == (0,)


def test_a_roster_file_needs_its_header(conn):
    with raises(InvalidInput, "line 1: the header must be day,agent,shift"):
        import_roster(conn, "2026-12-01,ann,early\n")


def test_a_good_roster_file_is_stored_and_replaces_the_days_it_names(conn):
    set_roster(conn, DAY, "ann", "night")
    assert import_roster(conn, "\ufeffDay,Agent,Shift\r\n2026-12-01,ann,early\r\n2026-12-01,dan,night\r\n") == 2
    entries = roster_entries(conn, DAY, DAY)
    assert [(e.agent_id, e.shift, e.team) for e in entries] == [("ann", "early", "cards"), ("dan", "night", "loans")]
    assert [e.agent_id for e in roster_entries(conn, DAY, DAY, team="loans")] == ["dan"]


def test_roster_days_and_ranges_are_checked(conn):
    with raises(InvalidInput, "day '1.12.2026' is not a date: write it as YYYY-MM-DD"):
        set_roster(conn, "1.12.2026", "ann", "early")
    with raises(InvalidInput, "the range ends (2026-11-30) before it starts (2026-12-01)"):
        roster_entries(conn, DAY, "2026-11-30")
    with raises(NotFound, "agent 'ann' is not on the roster for 2026-12-01"):
        clear_roster(conn, DAY, "ann")
    set_roster(conn, DAY, "ann", "early")
    clear_roster(conn, DAY, "ann")
    assert roster_entries(conn, DAY, DAY) == []


# ---- swaps -------------------------------------------------------------------------------------------


def test_an_approved_swap_moves_the_shift_and_its_huddle_to_the_colleague(conn):
    set_roster(conn, DAY, "ann", "early")
    swap = request_swap(conn, DAY, "ann", "bob", "dentist", T0)
    assert (swap.status, swap.team, swap.reason) == ("requested", "cards", "dentist")
    assert set(scheduled_shifts(conn, DAY, DAY)) == {("ann", DAY)}  # nothing moves before approval
    approved = decide_swap(conn, swap.id, True, "lee", T0 + HOUR)
    assert (approved.status, approved.decided_by) == ("approved", "lee")
    shifts = scheduled_shifts(conn, DAY, DAY)
    assert set(shifts) == {("bob", DAY)}
    assert (shifts["bob", DAY].swapped_from, shifts["bob", DAY].huddle) == ("ann", True)
    [entry] = roster_entries(conn, DAY, DAY)
    assert (entry.agent_id, entry.worked_by, entry.swap_id) == ("ann", "bob", swap.id)


def test_a_swap_is_decided_once(conn):
    set_roster(conn, DAY, "ann", "early")
    swap = request_swap(conn, DAY, "ann", "bob", "", T0)
    with raises(Conflict, "already has a swap waiting for the team leader"):
        request_swap(conn, DAY, "ann", "cai", "", T0)
    assert decide_swap(conn, swap.id, False, "lee", T0).status == "rejected"
    with raises(Conflict, f"swap {swap.id} is already rejected (by lee)"):
        decide_swap(conn, swap.id, True, "lee", T0)
    with raises(NotFound, "swap 99 does not exist"):
        decide_swap(conn, 99, True, "lee", T0)
    assert set(scheduled_shifts(conn, DAY, DAY)) == {("ann", DAY)}
    assert [s.status for s in list_swaps(conn, status="rejected", team="cards", agent="bob")] == ["rejected"]


def test_a_swap_needs_a_rostered_from_agent_a_free_colleague_and_one_team(conn):
    set_roster(conn, DAY, "ann", "early")
    set_roster(conn, DAY, "cai", "early")
    with raises(InvalidInput, "bob is not on the roster for 2026-12-01"):
        request_swap(conn, DAY, "bob", "ann", "", T0)
    with raises(InvalidInput, "cai already works a shift on 2026-12-01"):
        request_swap(conn, DAY, "ann", "cai", "", T0)
    with raises(InvalidInput, "ann (team cards) and dan (team loans) are not in one team"):
        request_swap(conn, DAY, "ann", "dan", "", T0)
    with raises(InvalidInput, "cannot swap a shift with themselves"):
        request_swap(conn, DAY, "ann", "ann", "", T0)


def test_approval_checks_the_roster_again(conn):
    set_roster(conn, DAY, "ann", "early")
    swap = request_swap(conn, DAY, "ann", "bob", "", T0)
    set_roster(conn, DAY, "bob", "night")  # bob got a shift of his own meanwhile
    with raises(InvalidInput, "bob already works a shift on 2026-12-01"):
        decide_swap(conn, swap.id, True, "lee", T0)


def test_a_colleague_working_a_swapped_shift_is_not_rostered_twice_and_the_given_shift_stays(conn):
    set_roster(conn, DAY, "ann", "early")
    swap = request_swap(conn, DAY, "ann", "bob", "", T0)
    decide_swap(conn, swap.id, True, "lee", T0)
    with raises(InvalidInput, f"agent 'bob' already works ann's shift on 2026-12-01 by swap {swap.id}"):
        set_roster(conn, DAY, "bob", "night")
    with raises(Conflict, f"the shift of agent 'ann' on 2026-12-01 is worked by bob (swap {swap.id}, approved)"):
        clear_roster(conn, DAY, "ann")
