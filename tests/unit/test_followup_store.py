"""Targets, flags, improvement plans and complaints in the store, and a day's evaluation from the
real KPIs (appliance/store/targets.py, appliance/store/complaints.py, appliance/teamwork/follow_up.py).

The server's time zone is Asia/Shanghai (UTC+8) here, so a local day or month is not a UTC one.
Nobody signs in in these stories: a rostered day with no sign-in has adherence and utilisation 0.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import apsw
import pytest

from appliance.clock import iso
from appliance.errors import Conflict, InvalidInput, NotFound
from appliance.store import complaints, targets
from appliance.store.database import connect
from appliance.store.notices import notices_for
from appliance.store.records import CallRecord, save_call
from appliance.store.roster import local_day_start
from appliance.teamwork import follow_up
from appliance.teamwork.flags import Flag
from appliance.teamwork.follow_up import NOTICE_AUTHOR, DailyFollowUp, due_day, evaluate_day
from appliance.teamwork.kpi import AgentDay
from tests.support.store import raises, store_with_teams
from tests.support.timezone import shanghai  # noqa: F401 - autouse: local days are not UTC days

HOUR = 3600


def DB(conn: apsw.Connection) -> Path:  # noqa: N802 - reads like a constant at the call sites
    """The file behind a test connection: the daily follow-up opens its own, as the server's does."""
    return Path(conn.db_filename("main"))


@pytest.fixture
def conn(tmp_path: Path) -> apsw.Connection:
    """Team cards (ann, amy), team loans (bob), dan in no team; shift `day` 08:30-17:00."""
    c = store_with_teams(tmp_path, (("ann", "Ann Lee", "cards"), ("amy", "Amy Xu", "cards"), ("bob", "Bob Wu", "loans"),
                                    ("dan", "Dan Ma", None)))
    c.execute("INSERT INTO shift_templates (name, starts, ends, break_minutes) VALUES ('day', '08:30', '17:00', 60)")
    return c


def at(day: str, clock: str = "00:00") -> float:
    hours, minutes = (int(p) for p in clock.split(":"))
    return local_day_start(day) + hours * HOUR + minutes * 60


def rostered(conn, agent_id: str, *days: str) -> None:
    for day in days:
        conn.execute("INSERT INTO roster (day, agent_id, template) VALUES (?, ?, 'day')", (day, agent_id))


def call(conn, call_id: str, agent_id: str | None, arrived: float) -> None:
    save_call(conn, CallRecord(call_id, "13800138000", "100", iso(arrived), agent_id=agent_id))


# ---- targets -----------------------------------------------------------------------------------------------


def test_a_team_without_targets_has_the_adherence_default(conn):
    (only,) = targets.team_targets(conn, "cards")
    assert (only.kpi, only.target, only.better, only.default) == ("adherence", 0.995, "higher", True)


def test_a_team_sets_changes_and_removes_targets_and_the_default_comes_back(conn):
    targets.set_target(conn, "cards", "aht_s", 360)
    targets.set_target(conn, "cards", "adherence", 0.98)
    targets.set_target(conn, "cards", "aht_s", 300)
    listed = {t.kpi: (t.target, t.better, t.default) for t in targets.team_targets(conn, "cards")}
    assert listed == {"aht_s": (300.0, "lower", False), "adherence": (0.98, "higher", False)}
    assert targets.targets_of(conn, "loans") == {"adherence": 0.995}  # another team's are its own
    targets.remove_target(conn, "cards", "adherence")
    assert targets.targets_of(conn, "cards") == {"adherence": 0.995, "aht_s": 300.0}
    with raises(NotFound, "team 'cards' has set no target for adherence"):
        targets.remove_target(conn, "cards", "adherence")


def test_a_target_is_refused_for_an_unknown_kpi_team_or_out_of_range_value(conn):
    with raises(InvalidInput, "there is no KPI 'speed': use one of calls_per_hour, "):
        targets.set_target(conn, "cards", "speed", 1)
    with raises(NotFound, "team 'nope' does not exist"):
        targets.set_target(conn, "nope", "aht_s", 300)
    with raises(InvalidInput, "the target for adherence must be from 0 to 1 (a share is written like 0.95), not 99.5"):
        targets.set_target(conn, "cards", "adherence", 99.5)
    with raises(InvalidInput, "the target for satisfaction must be from 1 to 5"):
        targets.set_target(conn, "cards", "satisfaction", 0)
    with raises(InvalidInput, "the target for aht_s must be from 0"):
        targets.set_target(conn, "cards", "aht_s", -1)
    with raises(InvalidInput, "must be a number"):
        targets.set_target(conn, "cards", "aht_s", float("nan"))


# ---- flags and plans ---------------------------------------------------------------------------------------


def test_a_flag_is_stored_once_per_agent_kpi_and_first_day(conn):
    warning = Flag("2026-11-02", "2026-11-04", "warning")
    first = targets.raise_flag(conn, "ann", "adherence", warning, at("2026-11-05"))
    assert first is not None
    assert targets.raise_flag(conn, "ann", "adherence", warning, at("2026-11-06")) is None
    assert targets.raise_flag(conn, "ann", "aht_s", warning, at("2026-11-05")) is not None
    assert targets.agent_flags(conn, "ann", "adherence") == [warning]


def test_flags_are_listed_newest_first_by_team_agent_or_visible_agents(conn):
    targets.raise_flag(conn, "ann", "adherence", Flag("2026-11-02", "2026-11-04", "warning"), at("2026-11-05"))
    targets.raise_flag(conn, "ann", "adherence", Flag("2026-11-05", "2026-11-07", "plan"), at("2026-11-08"))
    targets.raise_flag(conn, "bob", "aht_s", Flag("2026-11-02", "2026-11-04", "warning"), at("2026-11-05"))
    assert [(f.agent_id, f.level) for f in targets.list_flags(conn, team="cards")] == [("ann", "plan"), ("ann", "warning")]
    assert [f.team for f in targets.list_flags(conn, agent_id="bob")] == ["loans"]
    assert len(targets.list_flags(conn)) == 3 and targets.list_flags(conn, agents=set()) == []
    assert [f.agent_id for f in targets.list_flags(conn, agents={"bob"})] == ["bob"]


def test_the_agent_writes_a_plan_for_a_plan_flag_and_the_team_leader_follows_it_up_and_closes_it(conn):
    warning = targets.raise_flag(conn, "ann", "adherence", Flag("2026-11-02", "2026-11-04", "warning"), at("2026-11-05"))
    plan_flag = targets.raise_flag(conn, "ann", "adherence", Flag("2026-11-05", "2026-11-07", "plan"), at("2026-11-08"))
    with raises(InvalidInput, f"flag {warning} is a warning: an improvement plan is written for a plan-level flag."):
        targets.write_plan(conn, warning, "ann", "try harder", at("2026-11-08", "09:00"))
    with raises(NotFound, f"there is no flag {plan_flag} of yours."):
        targets.write_plan(conn, plan_flag, "amy", "not mine", at("2026-11-08", "09:00"))
    with raises(InvalidInput, "an improvement plan needs text"):
        targets.write_plan(conn, plan_flag, "ann", "   ", at("2026-11-08", "09:00"))
    plan = targets.write_plan(conn, plan_flag, "ann", " Sign in by 08:25; no personal calls. ", at("2026-11-08", "09:00"))
    assert (plan.plan, plan.status, plan.follow_up) == ("Sign in by 08:25; no personal calls.", "open", None)
    with raises(Conflict, f"the improvement plan for flag {plan_flag} is written already (plan {plan.id})."):
        targets.write_plan(conn, plan_flag, "ann", "again", at("2026-11-08", "09:05"))
    targets.follow_up_plan(conn, plan.id, "On time twice this week.", "tess", at("2026-11-12"), day="2026-11-12")
    closed = targets.follow_up_plan(conn, plan.id, "On time all week: done.", "tess", at("2026-11-15"), close=True,
                                    day="2026-11-15")
    assert closed.follow_up == "2026-11-12 tess: On time twice this week.\n2026-11-15 tess: On time all week: done."
    assert (closed.status, closed.followed_by) == ("closed", "tess")
    assert targets.get_flag(conn, plan_flag).plan == closed
    with raises(Conflict, f"improvement plan {plan.id} is closed"):
        targets.follow_up_plan(conn, plan.id, "more", "tess", at("2026-11-16"))


# ---- complaints --------------------------------------------------------------------------------------------


def test_a_complaint_is_against_the_calls_agent_and_a_call_without_one_is_refused(conn):
    call(conn, "c1", "ann", at("2026-11-03", "10:00"))
    call(conn, "c2", None, at("2026-11-03", "10:05"))
    added = complaints.add_complaint(conn, "c1", " Attitude ", "Rushed me off the phone", "tess", at("2026-11-03", "11:00"))
    assert (added.agent_id, added.team, added.category, added.substantiated) == ("ann", "cards", "attitude", None)
    with raises(InvalidInput, "call 'c2' was not taken by an agent"):
        complaints.add_complaint(conn, "c2", "waiting", "Nobody answered", "tess", at("2026-11-03", "11:00"))
    with raises(NotFound, "there is no call 'c9'"):
        complaints.add_complaint(conn, "c9", "waiting", "?", "tess", at("2026-11-03", "11:00"))
    with raises(InvalidInput, "a complaint's description needs text"):
        complaints.add_complaint(conn, "c1", "waiting", "", "tess", at("2026-11-03", "11:00"))


def test_a_decision_is_recorded_with_its_note_and_can_be_revised(conn):
    call(conn, "c1", "ann", at("2026-11-03", "10:00"))
    added = complaints.add_complaint(conn, "c1", "attitude", "Rude", "tess", at("2026-11-03", "11:00"))
    decided = complaints.decide_complaint(conn, added.id, True, "The recording confirms it.", "tess", at("2026-11-04"))
    assert (decided.substantiated, decided.decided_by, decided.decision_note) == (True, "tess", "The recording confirms it.")
    revised = complaints.decide_complaint(conn, added.id, False, "Reviewed again: polite.", "sam", at("2026-11-05"))
    assert (revised.substantiated, revised.decided_by) == (False, "sam")
    with raises(InvalidInput, "a decision needs text"):
        complaints.decide_complaint(conn, added.id, True, " ", "tess", at("2026-11-05"))
    with raises(NotFound, "there is no complaint 99."):
        complaints.decide_complaint(conn, 99, True, "x", "tess", at("2026-11-05"))


def test_the_monthly_analysis_counts_local_months_by_category_and_agent_with_the_substantiated_share(conn):
    call(conn, "c1", "ann", at("2026-10-31", "20:00"))
    call(conn, "c2", "bob", at("2026-11-02", "10:00"))
    # 1 November 00:30 in Shanghai is still 31 October in UTC: it belongs to November.
    first = complaints.add_complaint(conn, "c1", "attitude", "Rude", "tess", at("2026-11-01", "00:30"))
    second = complaints.add_complaint(conn, "c1", "wrong-information", "Wrong rate", "tess", at("2026-11-15", "12:00"))
    complaints.add_complaint(conn, "c2", "attitude", "Impatient", "lou", at("2026-11-30", "23:59"))
    complaints.add_complaint(conn, "c1", "attitude", "October", "tess", at("2026-10-31", "23:59"))
    complaints.add_complaint(conn, "c2", "attitude", "December", "lou", at("2026-12-01", "00:00"))
    complaints.decide_complaint(conn, first.id, True, "confirmed", "tess", at("2026-11-02"))
    complaints.decide_complaint(conn, second.id, False, "the rate was right", "tess", at("2026-11-16"))
    analysis = complaints.complaint_analysis(conn, "2026-11")
    assert (analysis.complaints, analysis.decided, analysis.substantiated, analysis.substantiated_share) == (3, 2, 1, 0.5)
    assert [(c.category, c.complaints, c.substantiated) for c in analysis.by_category] == [
        ("attitude", 2, 1), ("wrong-information", 1, 0)]
    assert [(a.agent_id, a.name, a.complaints, a.substantiated) for a in analysis.by_agent] == [
        ("ann", "Ann Lee", 2, 1), ("bob", "Bob Wu", 1, 0)]
    cards = complaints.complaint_analysis(conn, "2026-11", agents={"ann", "amy"})
    assert (cards.complaints, [a.agent_id for a in cards.by_agent]) == (2, ["ann"])
    assert [c.description for c in complaints.list_complaints(conn, month="2026-11", agents={"bob"})] == ["Impatient"]
    assert len(complaints.list_complaints(conn)) == 5


def test_a_month_with_no_decided_complaints_has_no_share_and_a_bad_month_is_refused(conn):
    assert complaints.complaint_analysis(conn, "2026-11").substantiated_share is None
    for bad in ("2026-13", "2026-1", "november"):
        with raises(InvalidInput, f"month {bad!r} is not a month like 2026-11."):
            complaints.complaint_analysis(conn, bad)


# ---- evaluating a day from the real KPIs -------------------------------------------------------------------


def test_three_rostered_days_without_signing_in_raise_an_adherence_warning_once(conn):
    rostered(conn, "ann", "2026-11-02", "2026-11-03", "2026-11-04")
    assert evaluate_day(conn, "2026-11-03", at("2026-11-05", "00:10")).flags == ()
    evaluation = evaluate_day(conn, "2026-11-04", at("2026-11-05", "00:10"))
    assert [(f.agent_id, f.kpi, f.first_day, f.last_day, f.level) for f in evaluation.flags] == [
        ("ann", "adherence", "2026-11-02", "2026-11-04", "warning")]
    assert evaluate_day(conn, "2026-11-04", at("2026-11-05", "00:20")).flags == ()  # again: nothing new


def test_a_team_target_raises_its_own_flags_and_a_second_run_is_a_plan(conn):
    targets.set_target(conn, "cards", "utilisation", 0.6)
    days = [f"2026-11-{d:02d}" for d in (2, 3, 4, 6, 9, 10)]  # with a day off between the two runs
    rostered(conn, "amy", *days)
    evaluation = evaluate_day(conn, "2026-11-10", at("2026-11-11", "00:10"))
    flags = sorted((f.kpi, f.first_day, f.level) for f in evaluation.flags)
    assert flags == [("adherence", "2026-11-02", "warning"), ("adherence", "2026-11-06", "plan"),
                     ("utilisation", "2026-11-02", "warning"), ("utilisation", "2026-11-06", "plan")]


def test_low_utilisation_twice_in_a_month_is_announced_to_the_team_once(conn):
    targets.set_target(conn, "cards", "utilisation", 0.6)
    rostered(conn, "ann", "2026-11-03")
    assert evaluate_day(conn, "2026-11-03", at("2026-11-04", "00:10")).notices == ()
    rostered(conn, "ann", "2026-11-17")
    (notice,) = evaluate_day(conn, "2026-11-17", at("2026-11-18", "00:10")).notices
    assert (notice.team, notice.agent_id, notice.kpi, notice.days) == ("cards", "ann", "utilisation",
                                                                        ("2026-11-03", "2026-11-17"))
    rostered(conn, "ann", "2026-11-18")
    assert evaluate_day(conn, "2026-11-18", at("2026-11-19", "00:10")).notices == ()  # once a month
    shown = [n for n in notices_for(conn, "amy", "cards") if n.author == NOTICE_AUTHOR]
    assert [n.text for n in shown] == [
        "Utilisation below target in 2026-11: ann (Ann Lee) on 2 days, 2026-11-03, 2026-11-17. "
        "The team leader follows it up."]
    assert notices_for(conn, "bob", "loans") == []


def test_without_a_utilisation_target_there_is_no_utilisation_notice_and_no_team_no_notice(conn):
    rostered(conn, "ann", "2026-11-03", "2026-11-17")
    rostered(conn, "dan", "2026-11-03", "2026-11-17")
    targets.set_target(conn, "loans", "utilisation", 0.6)  # another team's target
    assert evaluate_day(conn, "2026-11-17", at("2026-11-18", "00:10")).notices == ()


def test_break_overtime_twice_in_a_month_is_announced_and_each_month_again(conn, monkeypatch):
    def overtime(day: str, seconds: float) -> AgentDay:
        return AgentDay(agent_id="bob", day=day, scheduled_s=8 * HOUR, adherent_s=8 * HOUR, break_over_s=seconds)

    history = {"2026-10-30": 120.0, "2026-10-31": 0.0, "2026-11-02": 300.0, "2026-11-03": 60.0, "2026-12-01": 10.0,
               "2026-12-02": 10.0}
    monkeypatch.setattr(follow_up, "agent_days", lambda conn, first, last, until=None: [
        overtime(day, seconds) for day, seconds in history.items() if first <= day <= last])
    assert evaluate_day(conn, "2026-11-02", at("2026-11-04")).notices == ()  # one day in November, one in October
    (november,) = evaluate_day(conn, "2026-11-03", at("2026-11-04")).notices
    assert (november.kpi, november.month, november.days) == ("break_overtime_s", "2026-11", ("2026-11-02", "2026-11-03"))
    (december,) = evaluate_day(conn, "2026-12-02", at("2026-12-03")).notices
    assert december.month == "2026-12"
    targets.set_target(conn, "loans", "break_overtime_s", 60)  # a team may allow some
    history["2027-01-04"], history["2027-01-05"] = 60.0, 61.0
    assert evaluate_day(conn, "2027-01-05", at("2027-01-06")).notices == ()


def test_only_finished_days_are_evaluated(conn):
    with raises(InvalidInput, "2026-11-05 is not over yet"):
        evaluate_day(conn, "2026-11-05", at("2026-11-05", "23:59"))
    with raises(InvalidInput, "day '5 Nov' is not a date like 2026-11-03."):
        evaluate_day(conn, "5 Nov", at("2026-11-05"))


# ---- once a day ------------------------------------------------------------------------------------------


def test_the_previous_day_is_due_after_five_past_midnight_once():
    assert due_day(datetime(2026, 11, 5, 0, 4, 59), None) is None
    assert due_day(datetime(2026, 11, 5, 0, 5), None) == "2026-11-04"
    assert due_day(datetime(2026, 11, 5, 14, 0), "2026-11-04") is None
    assert due_day(datetime(2026, 11, 6, 0, 6), "2026-11-04") == "2026-11-05"


def test_the_daily_follow_up_evaluates_at_the_first_tick_after_five_past_midnight(conn):
    rostered(conn, "ann", "2026-11-02", "2026-11-03", "2026-11-04")
    clock = [at("2026-11-05", "00:04")]
    daily = DailyFollowUp(lambda: connect(DB(conn)), lambda: clock[0])
    assert daily.tick() is None
    clock[0] = at("2026-11-05", "00:05")
    assert [f.level for f in daily.tick().flags] == ["warning"]
    clock[0] = at("2026-11-05", "09:00")
    assert daily.tick() is None  # once a day


def test_a_failing_evaluation_is_logged_and_the_ticks_go_on(conn, monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise apsw.SQLError("boom")

    monkeypatch.setattr(follow_up, "agent_days", broken)
    daily = DailyFollowUp(lambda: connect(DB(conn)), lambda: at("2026-11-05", "00:10"))
    assert daily.tick() is None
    assert "evaluating the KPI flags for 2026-11-04 failed" in caplog.text
    assert daily.tick() is None  # not retried every tick
