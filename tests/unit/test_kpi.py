"""KPIs per agent per day, from event histories written through the real store functions on a
migrated database, with every answer worked out by hand (docs/teams.md, "KPIs per agent per day").

The server's time zone is Asia/Shanghai (UTC+8) here, so a local midnight is 16:00 UTC: days and
midnight splits are local, not UTC. Times are made up; no test sleeps.
"""

from __future__ import annotations

import re
from pathlib import Path

import apsw
import pytest

from appliance.acd.actions import AgentChanged
from appliance.acd.agents import AgentState, AgentStatus
from appliance.clock import iso
from appliance.core.agent_log import log_agent_change
from appliance.model import Agent
from appliance.reports.my_day import my_day
from appliance.resources import migrations_dir
from appliance.store import routing, teams
from appliance.store.database import connect
from appliance.store.ivr import save_survey
from appliance.store.migrations import migrate
from appliance.store.recordings import add_recording
from appliance.store.records import CallRecord, append_event, save_call
from appliance.store.roster import local_day_start
from appliance.store.wrapups import Wrapup, save_wrapup
from appliance.teamwork import kpi
from appliance.teamwork.kpi import AgentDay, roll_up
from appliance.teamwork.kpi_source import agent_days, month_kpis
from tests.support.timezone import shanghai  # noqa: F401 - autouse: local days are not UTC days

D, D1, D2 = "2026-11-10", "2026-11-11", "2026-11-12"
MINUTE, HOUR = 60, 3600
SHIFT_S = 8.5 * HOUR  # 08:30-17:00


@pytest.fixture
def conn(tmp_path: Path) -> apsw.Connection:
    """Team cards: squad east (ann, cy), squad west (bob); dan has no team. Shift templates `day`
    (08:30-17:00, 60 min break) and `night` (22:00-06:00, 30 min break); nobody rostered yet."""
    c = connect(tmp_path / "b.db")
    migrate(c, migrations_dir(), tmp_path / "backups")
    teams.add_team(c, "cards")
    for agent_id, team in (("ann", "cards"), ("bob", "cards"), ("cy", "cards"), ("dan", None)):
        routing.add_agent(c, Agent(agent_id, agent_id.title(), team=team))
    c.execute("UPDATE agents SET squad = 'east' WHERE id IN ('ann', 'cy')")
    c.execute("UPDATE agents SET squad = 'west' WHERE id = 'bob'")
    c.execute("INSERT INTO squads (team, name) VALUES ('cards', 'east'), ('cards', 'west')")
    c.execute("INSERT INTO shift_templates (name, starts, ends, break_minutes) VALUES"
              " ('day', '08:30', '17:00', 60), ('night', '22:00', '06:00', 30)")
    return c


def at(day: str, clock: str) -> float:
    """Epoch seconds of local `clock` (HH:MM or HH:MM:SS) on `day`."""
    hours, minutes, seconds = (int(p) for p in (clock + ":00")[:8].split(":"))
    return local_day_start(day) + hours * HOUR + minutes * MINUTE + seconds


def rostered(conn, day: str, agent_id: str, template: str = "day") -> None:
    conn.execute("INSERT INTO roster (day, agent_id, template) VALUES (?, ?, ?)", (day, agent_id, template))


class Desk:
    """One agent's state changes, logged by the core's own writer (each carries the previous state
    and how long it lasted), and their calls' events through append_event."""

    def __init__(self, conn: apsw.Connection, agent_id: str) -> None:
        self.conn, self.agent_id = conn, agent_id
        self.status, self.reason, self.since = "logged_out", "", 0.0
        self.calls = 0

    def go(self, t: float, status: str, reason: str = "", call_id: str | None = None) -> Desk:
        log_agent_change(self.conn, AgentChanged(self.agent_id, status, reason, seat="s1", call_id=call_id,
                                                 previous=self.status, previous_reason=self.reason,
                                                 previous_since=self.since), None, t)
        self.status, self.reason, self.since = status, reason, t
        return self

    def call(self, t: float, talk: float, wrap: float | None, *, ring: float = 10, hold: float = 0,
             fcr: bool | None = None, score: int | None = None, transferred: bool = False) -> str:
        """Rings at t, answered after `ring`, talks `talk` seconds (`hold` of them on hold), then
        wraps up for `wrap` seconds and goes ready (wrap None: stays in wrap-up)."""
        self.calls += 1
        call_id = f"{self.agent_id}-{self.calls}"
        save_call(self.conn, CallRecord(call_id, "13800000000", "100", iso(t - 30)))
        append_event(self.conn, t - 30, "call_arrived", call_id=call_id, caller="13800000000", did="100")
        append_event(self.conn, t, "offer_started", call_id=call_id, agent_id=self.agent_id, seat="s1")
        self.go(t, "ringing", call_id=call_id)
        answered = t + ring
        append_event(self.conn, answered, "offer_ended", call_id=call_id, agent_id=self.agent_id, outcome="answered")
        append_event(self.conn, answered, "call_connected", call_id=call_id, agent_id=self.agent_id, seat="s1")
        self.go(answered, "on_call", call_id=call_id)
        if hold:
            append_event(self.conn, answered + 1, "call_held", call_id=call_id, agent_id=self.agent_id)
            append_event(self.conn, answered + 1 + hold, "call_resumed", call_id=call_id, agent_id=self.agent_id,
                         held=hold)
        ended = answered + talk
        if transferred:
            append_event(self.conn, ended, "call_transferred", call_id=call_id, agent_id=self.agent_id,
                         to="queue", target="loans", talk=talk)
        else:
            append_event(self.conn, ended, "call_completed", call_id=call_id, agent_id=self.agent_id,
                         by="caller", talk=talk)
            append_event(self.conn, ended, "call_ended", call_id=call_id, agent_id=self.agent_id,
                         ended_by="caller", reason="caller hung up", status=200)
        self.go(ended, "wrapup", "general", call_id=call_id)
        if fcr is not None:
            save_wrapup(self.conn, Wrapup(call_id, self.agent_id, "information", "", fcr, iso(ended + 20)), None)
        if score is not None:
            save_survey(self.conn, call_id, self.agent_id, "general", score, ended + 40)
        if wrap is not None:
            self.go(ended + wrap, "ready")
        return call_id


def one(conn, agent_id: str, day: str, last: str | None = None) -> list[AgentDay]:
    return agent_days(conn, day, last or day, [agent_id])


def approx(value: float) -> pytest.approx:
    return pytest.approx(value, abs=1e-6)


# ---- the catalogue ----------------------------------------------------------------------------------


def test_the_catalogue_is_the_table_in_docs_teams():
    text = (Path(__file__).resolve().parents[2] / "docs" / "teams.md").read_text(encoding="utf-8")
    section = text.split("## KPIs per agent per day")[1].split("\n## ")[0]
    rows = re.findall(r"^\| (.+?) \| (.+?) \| `(\w+)` \| .+ \| (higher|lower) \| (\w+) \|$", section, flags=re.M)
    assert rows == [(k.name.lower(), k.name_zh, k.id, k.better, k.unit) for k in kpi.KPIS]


def test_an_unknown_kpi_is_refused_with_the_valid_ids():
    with pytest.raises(ValueError, match="'speed' is not a KPI: use one of calls_per_hour, avg_talk_s"):
        AgentDay().value("speed")


# ---- one ordinary day -------------------------------------------------------------------------------


def test_a_day_shift_with_one_call_and_a_long_break(conn):
    rostered(conn, D, "ann")
    ann = Desk(conn, "ann")
    ann.go(at(D, "08:20"), "not_ready", "login").go(at(D, "08:25"), "ready")
    ann.call(at(D, "09:00"), talk=300, wrap=60, hold=60, fcr=True, score=4)
    ann.go(at(D, "12:00"), "not_ready", "break").go(at(D, "13:10"), "ready")   # 70 min: 10 over the hour
    ann.go(at(D, "17:00"), "logged_out")
    append_event(conn, at(D, "10:00"), "call_arrived", call_id="ivr-1", caller="1", did="100")  # no agent
    (day,) = one(conn, "ann", D)

    signed_in = 8 * HOUR + 40 * MINUTE  # 08:20-17:00
    assert day.signed_in_s == approx(signed_in)
    assert day.state_seconds() == {"ready": approx(signed_in - 10 - 300 - 60 - 300 - 70 * MINUTE),
                                   "not_ready": approx(300 + 70 * MINUTE), "ringing": approx(10),
                                   "on_call": approx(300), "wrapup": approx(60)}
    assert day.value("calls_per_hour") == approx(1 / (signed_in / HOUR))
    assert day.value("avg_talk_s") == approx(240)           # 300 talk - 60 on hold
    assert day.value("aht_s") == approx(360)                # on call 300 + wrap-up 60
    assert (day.value("fcr_rate"), day.value("satisfaction")) == (1.0, 4.0)
    assert day.paid_s == approx(SHIFT_S)                    # the shift, not the 8 h 40 signed in
    assert day.value("utilisation") == approx(360 / SHIFT_S)
    # The sign-in pause before 08:30 is outside the shift; the break's first hour is adherent.
    assert day.adherent_s == approx(SHIFT_S - 600)
    assert day.value("adherence") == approx((SHIFT_S - 600) / SHIFT_S)
    assert (day.break_s, day.break_allowed_s, day.value("break_overtime_s")) == (approx(4200), 3600, approx(600))
    assert (day.shifts, day.late_minutes, day.absent, day.owed_s) == (1, 0, 0, 0)
    assert (day.value("quality_score"), day.value("complaints")) == (None, 0.0)


def test_a_pause_during_wrap_up_ends_the_wrap_up_and_counts_as_a_break(conn):
    rostered(conn, D, "ann")
    ann = Desk(conn, "ann")
    ann.go(at(D, "08:30"), "ready")
    ann.call(at(D, "09:00"), talk=200, wrap=None, ring=0)
    ann.go(at(D, "09:03:50"), "not_ready", "break")          # 30 s into wrap-up
    ann.go(at(D, "09:13:50"), "ready").go(at(D, "17:00"), "logged_out")
    (day,) = one(conn, "ann", D)
    assert (day.wrapup_s, day.on_call_s, day.break_s) == (approx(30), approx(200), approx(600))
    assert day.value("aht_s") == approx(230)
    assert day.value("adherence") == 1.0                     # ten minutes of an hour's allowance
    assert day.value("break_overtime_s") == 0.0


def test_a_transfer_is_a_conversation_handled_and_only_the_agents_own_events_count(conn):
    bob = Desk(conn, "bob")
    bob.go(at(D, "10:00"), "ready")
    bob.call(at(D, "10:10"), talk=120, wrap=0, ring=0, transferred=True)
    bob.call(at(D, "10:20"), talk=60, wrap=0, ring=0)
    bob.go(at(D, "11:00"), "logged_out")
    append_event(conn, at(D, "10:30"), "call_completed", call_id="x", agent_id="ann", by="caller", talk=999)
    (day,) = one(conn, "bob", D)
    assert (day.handled, day.talk_s) == (2, approx(180))
    assert day.value("calls_per_hour") == approx(2.0)
    assert day.paid_s == approx(HOUR)                        # not rostered: paid is the time signed in


# ---- midnight -----------------------------------------------------------------------------------------


def test_a_call_and_a_state_across_midnight_split_at_local_midnight(conn):
    bob = Desk(conn, "bob")
    bob.go(at(D, "23:00"), "ready")
    bob.call(at(D, "23:50"), talk=20 * MINUTE, wrap=60, ring=0, hold=120)   # 23:50 -> 00:10, then wrap-up
    bob.go(at(D1, "00:30"), "logged_out")
    first, second = one(conn, "bob", D, D1)
    assert (first.day, second.day) == (D, D1)
    assert (first.ready_s, first.on_call_s) == (approx(50 * MINUTE), approx(10 * MINUTE))
    assert (second.on_call_s, second.wrapup_s, second.ready_s) == (approx(10 * MINUTE), approx(60), approx(19 * MINUTE))
    assert (first.handled, second.handled) == (0, 1)          # a call counts on the day it ended
    assert (first.value("aht_s"), second.value("aht_s")) == (None, approx(10 * MINUTE + 60))
    assert second.value("avg_talk_s") == approx(20 * MINUTE - 120)  # its hold too, on the day it ended
    assert first.value("calls_per_hour") == 0.0


def test_a_night_shift_counts_on_both_days_and_is_judged_on_the_day_it_starts(conn):
    rostered(conn, D, "cy", "night")                          # 22:00 -> 06:00, 30 min break
    cy = Desk(conn, "cy")
    cy.go(at(D, "21:50"), "not_ready", "login").go(at(D, "22:00"), "ready")
    cy.go(at(D1, "02:00"), "not_ready", "break").go(at(D1, "02:40"), "ready")  # 10 min over
    cy.go(at(D1, "06:00"), "logged_out")
    first, second = one(conn, "cy", D, D1)
    assert (first.scheduled_s, second.scheduled_s) == (approx(2 * HOUR), approx(6 * HOUR))
    assert (first.paid_s, second.paid_s) == (approx(2 * HOUR), approx(6 * HOUR))
    assert first.value("adherence") == 1.0
    assert second.value("adherence") == approx((6 * HOUR - 600) / (6 * HOUR))
    assert (first.value("break_overtime_s"), second.value("break_overtime_s")) == (0.0, approx(600))
    assert (first.shifts, first.break_allowed_s, second.shifts, second.break_allowed_s) == (1, 1800, 0, 0)
    assert (first.late_minutes, first.absent, first.owed_s) == (0, 0, 0)
    # Asked for the second day alone, the shift that began the day before still counts there.
    (alone,) = one(conn, "cy", D1)
    assert (alone.scheduled_s, alone.adherent_s, alone.shifts) == (approx(6 * HOUR), second.adherent_s, 0)


def test_a_state_still_going_when_the_period_is_read_counts_up_to_its_end(conn):
    rostered(conn, D, "cy", "night")
    cy = Desk(conn, "cy")
    cy.go(at(D, "22:00"), "ready").go(at(D2, "01:00"), "logged_out")   # 27 h in one state
    (day,) = one(conn, "cy", D)
    assert (day.ready_s, day.adherent_s, day.absent) == (approx(2 * HOUR), approx(2 * HOUR), 0)
    (day,) = one(conn, "cy", D1)
    assert (day.ready_s, day.scheduled_s, day.adherent_s) == (approx(24 * HOUR), approx(6 * HOUR), approx(6 * HOUR))


# ---- lateness, absence, hours owed -------------------------------------------------------------------


@pytest.mark.parametrize(("sign_in", "late", "absent"), [("08:59:59", 29, 0), ("09:00:00", 0, 1)])
def test_29_minutes_late_is_late_and_30_is_an_absence(conn, sign_in, late, absent):
    rostered(conn, D, "ann")
    Desk(conn, "ann").go(at(D, sign_in), "ready").go(at(D, "17:00"), "logged_out")
    (day,) = one(conn, "ann", D)
    assert (day.late_minutes, day.absent) == (late, absent)
    assert day.owed_s == approx(at(D, sign_in) - at(D, "08:30"))


def test_no_sign_in_at_all_is_an_absence_and_the_whole_shift_is_owed(conn):
    rostered(conn, D, "ann")
    (day,) = one(conn, "ann", D)
    assert (day.shifts, day.absent, day.late_minutes, day.owed_s) == (1, 1, 0, approx(SHIFT_S))
    assert (day.value("adherence"), day.value("utilisation"), day.value("break_overtime_s")) == (0.0, 0.0, 0.0)
    assert day.value("calls_per_hour") is None


def test_a_sign_in_more_than_two_hours_early_does_not_count_for_the_shift(conn):
    rostered(conn, D, "ann")
    ann = Desk(conn, "ann")
    ann.go(at(D, "06:00"), "ready").go(at(D, "06:10"), "logged_out")
    ann.go(at(D, "08:40"), "ready").go(at(D, "17:00"), "logged_out")
    (day,) = one(conn, "ann", D)
    assert (day.late_minutes, day.absent) == (10, 0)


def test_hours_owed_are_made_up_after_the_shift_the_same_day_up_to_what_is_owed(conn):
    rostered(conn, D, "ann")
    Desk(conn, "ann").go(at(D, "08:50"), "ready").go(at(D, "17:30"), "logged_out")
    (day,) = one(conn, "ann", D)
    assert (day.late_minutes, day.owed_s, day.made_up_s) == (20, approx(1200), approx(1200))  # 30 min after: 20 count


def test_a_swapped_shift_is_the_colleagues_and_the_original_agent_is_not_absent(conn):
    rostered(conn, D2, "ann")
    conn.execute("INSERT INTO shift_swaps (day, from_agent, to_agent, status, requested_at)"
                 " VALUES (?, 'ann', 'bob', 'approved', ?)", (D2, iso(at(D, "12:00"))))
    Desk(conn, "bob").go(at(D2, "08:45"), "ready").go(at(D2, "17:00"), "logged_out")
    days = {d.agent_id: d for d in agent_days(conn, D2, D2, ["ann", "bob"])}
    assert (days["ann"].shifts, days["ann"].absent, days["ann"].scheduled_s) == (0, 0, 0.0)
    assert (days["bob"].shifts, days["bob"].late_minutes, days["bob"].absent) == (1, 15, 0)
    assert days["bob"].value("adherence") == approx((SHIFT_S - 15 * MINUTE) / SHIFT_S)


def test_a_shift_not_yet_over_counts_up_to_now_and_is_not_an_absence_before_30_minutes(conn):
    rostered(conn, D, "ann")
    (early,) = agent_days(conn, D, D, ["ann"], until=at(D, "08:50"))
    assert (early.shifts, early.absent, early.scheduled_s) == (0, 0, approx(20 * MINUTE))
    (later,) = agent_days(conn, D, D, ["ann"], until=at(D, "09:00"))
    assert (later.shifts, later.absent) == (1, 1)


# ---- quality, complaints, nothing to divide by --------------------------------------------------------


def test_quality_by_the_recordings_start_and_complaints_by_when_received(conn):
    conn.execute("INSERT INTO scorecards (id, name, version, definition, created_at, created_by)"
                 " VALUES (1, 'basic', 1, '{}', '2026-11-01T00:00:00.000Z', 'lee')")
    for k, (started, score) in enumerate(((at(D, "23:59"), 80.0), (at(D, "10:00"), 90.0), (at(D1, "00:01"), 50.0))):
        rec = add_recording(conn, call_id=f"c{k}", path=f"calls/{k}.wav", direction="inbound", queue="general",
                            agent_id="ann", team="cards", caller="1", started_at=iso(started))
        conn.execute("INSERT INTO evaluations (recording_id, scorecard_id, agent_id, evaluator, answers, score, fatal,"
                     " created_at) VALUES (?, 1, 'ann', 'lee', '{}', ?, 0, ?)", (rec, score, iso(at(D2, "09:00"))))
    for received in (at(D, "09:00"), at(D, "23:59:59"), at(D1, "00:00")):
        conn.execute("INSERT INTO complaints (call_id, agent_id, category, description, received_at, registered_by)"
                     " VALUES ('c1', 'ann', 'attitude', 'rude', ?, 'lee')", (iso(received),))
    first, second = one(conn, "ann", D, D1)
    assert (first.value("quality_score"), second.value("quality_score")) == (85.0, 50.0)
    assert (first.value("complaints"), second.value("complaints")) == (2.0, 1.0)


def test_a_day_with_nothing_to_divide_by_has_no_figures_rather_than_zeros(conn):
    (day,) = one(conn, "dan", D)
    values = day.values()
    assert values.pop("complaints") == 0.0
    assert values == dict.fromkeys(values, None)


# ---- roll-ups ---------------------------------------------------------------------------------------


def test_roll_ups_add_the_raw_sums_and_never_average_ratios():
    busy = AgentDay(agent_id="ann", signed_in_s=8 * HOUR, handled=80, fcr=9, wrapups=10)
    quiet = AgentDay(agent_id="bob", signed_in_s=2 * HOUR, handled=2, fcr=0, wrapups=1)
    total = roll_up([busy, quiet])
    assert total.value("calls_per_hour") == approx(82 / 10)          # not (10 + 1) / 2
    assert total.value("fcr_rate") == approx(9 / 11)                 # not (0.9 + 0) / 2
    assert (total.handled, total.signed_in_s, total.agent_id) == (82, 10 * HOUR, None)


def test_month_kpis_roll_up_by_agent_squad_and_team(conn):
    ann, bob, cy = Desk(conn, "ann"), Desk(conn, "bob"), Desk(conn, "cy")
    ann.go(at(D, "09:00"), "ready")
    for k in range(4):
        ann.call(at(D, "09:10") + k * 600, talk=240, wrap=60, ring=0, fcr=k < 3)
    ann.go(at(D, "11:00"), "logged_out")                                  # 2 h, 4 calls
    ann.go(at(D1, "09:00"), "ready").go(at(D1, "10:00"), "logged_out")    # 1 h, none
    bob.go(at(D, "09:00"), "ready")
    bob.call(at(D, "09:10"), talk=100, wrap=20, ring=0, fcr=True)
    bob.go(at(D, "09:30"), "logged_out")                                  # 30 min, 1 call
    cy.go(at(D, "09:00"), "ready").go(at(D, "10:00"), "logged_out")       # 1 h, none
    month = month_kpis(conn, "2026-11")
    assert len(month.days) == 4 * 30 and {d.day for d in month.days} >= {"2026-11-01", "2026-11-30"}
    assert month.agents["ann"].value("calls_per_hour") == approx(4 / 3)   # 4 calls in 3 h, not mean(2, 0)
    assert month.squads["cards"]["east"].value("calls_per_hour") == approx(4 / 4)
    assert month.squads["cards"]["west"].value("calls_per_hour") == approx(1 / 0.5)
    assert month.teams["cards"].value("calls_per_hour") == approx(5 / 4.5)
    assert month.teams["cards"].value("fcr_rate") == approx(4 / 5)
    assert month.teams["cards"].value("aht_s") == approx((4 * 300 + 120) / 5)
    assert set(month.teams) == {"cards"} and "dan" in month.agents


def test_month_kpis_names_a_bad_month():
    with pytest.raises(ValueError, match="'2026-13' is not a month: write it as YYYY-MM"):
        month_kpis(None, "2026-13")


# ---- my day ------------------------------------------------------------------------------------------


def test_my_day_is_today_so_far_with_the_state_the_agent_is_in_now_and_the_shift_so_far(conn):
    rostered(conn, D, "ann")
    ann = Desk(conn, "ann")
    ann.go(at(D, "08:30"), "ready")
    ann.call(at(D, "09:00"), talk=300, wrap=60, ring=0, fcr=False, score=5)
    now = at(D, "10:30")
    state = AgentState("ann", "Ann", status=AgentStatus.READY, since=ann.since)
    day = my_day(conn, state, now)
    assert (day.calls_handled, day.signed_in_s, day.fcr_rate, day.satisfaction) == (1, 2 * HOUR, 0.0, 5.0)
    assert day.calls_per_hour == 0.5
    assert day.utilisation == round(360 / (2 * HOUR), 3)                 # of the shift so far
