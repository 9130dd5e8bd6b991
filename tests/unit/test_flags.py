"""The flag rules on constructed days: what is off target, what makes a run of three, when a run is
a warning and when a plan, and what is announced for twice in a month (appliance/teamwork/flags.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from appliance.teamwork.flags import (
    WARNING_STANDS_DAYS,
    Flag,
    days_off_target_in_month,
    new_flags,
    off_target,
    off_target_runs,
    repeated_in_month,
)


def days(first: str, *values: float | None) -> dict[str, float | None]:
    """Consecutive days from `first` with these values."""
    start = date.fromisoformat(first)
    return {(start + timedelta(days=i)).isoformat(): v for i, v in enumerate(values)}


def spans(runs) -> list[tuple[str, str]]:
    return [(r.first_day, r.last_day) for r in runs]


# ---- off target ------------------------------------------------------------------------------------


def test_equal_to_the_target_is_on_target_either_way():
    assert not off_target(0.995, 0.995, "higher")
    assert not off_target(300.0, 300.0, "lower")


def test_below_is_off_for_higher_is_better_and_above_for_lower_is_better():
    assert off_target(0.9949, 0.995, "higher") and not off_target(0.9951, 0.995, "higher")
    assert off_target(300.5, 300.0, "lower") and not off_target(299.5, 300.0, "lower")


def test_a_day_without_a_value_is_never_off_target():
    assert not off_target(None, 0.995, "higher") and not off_target(None, 0.0, "lower")


def test_an_unknown_direction_is_refused():
    with pytest.raises(ValueError, match="'higher' or 'lower'"):
        off_target(1.0, 2.0, "up")


# ---- runs ------------------------------------------------------------------------------------------


def test_three_days_off_target_in_a_row_are_a_run_and_two_are_not():
    assert spans(off_target_runs(days("2026-11-02", 0.9, 0.9, 0.9), 0.995, "higher")) == [("2026-11-02", "2026-11-04")]
    assert off_target_runs(days("2026-11-02", 0.9, 0.9), 0.995, "higher") == []


def test_a_day_exactly_on_target_breaks_the_run():
    assert off_target_runs(days("2026-11-02", 0.9, 0.9, 0.995, 0.9, 0.9), 0.995, "higher") == []


def test_days_without_a_value_are_skipped_not_breaks():
    values = days("2026-11-06", 0.9, None, None, 0.9, 0.9)  # Friday, a weekend off, Monday, Tuesday
    (run,) = off_target_runs(values, 0.995, "higher")
    assert run.days == ("2026-11-06", "2026-11-09", "2026-11-10")


def test_missing_days_are_skipped_too():
    values = {"2026-11-02": 0.9, "2026-11-05": 0.9, "2026-11-20": 0.9}
    assert spans(off_target_runs(values, 0.995, "higher")) == [("2026-11-02", "2026-11-20")]


def test_lower_is_better_runs_count_days_above_the_target():
    values = days("2026-11-02", 400, 301, 300, 350, 500, 310)
    assert spans(off_target_runs(values, 300, "lower")) == [("2026-11-05", "2026-11-07")]


def test_six_days_in_a_row_are_two_runs_and_five_are_one():
    six = off_target_runs(days("2026-11-02", *[0.5] * 6), 0.995, "higher")
    assert spans(six) == [("2026-11-02", "2026-11-04"), ("2026-11-05", "2026-11-07")]
    assert len(off_target_runs(days("2026-11-02", *[0.5] * 5), 0.995, "higher")) == 1


def test_a_run_crosses_the_month_end():
    (run,) = off_target_runs(days("2026-11-29", 0.9, 0.9, 0.9), 0.995, "higher")
    assert run.days == ("2026-11-29", "2026-11-30", "2026-12-01")


def test_days_up_to_after_do_not_count():
    values = days("2026-11-02", 0.9, 0.9, 0.9, 0.9, 0.9)
    assert spans(off_target_runs(values, 0.995, "higher", after="2026-11-03")) == [("2026-11-04", "2026-11-06")]
    assert off_target_runs(values, 0.995, "higher", after="2026-11-04") == []


# ---- escalation ------------------------------------------------------------------------------------


def test_the_first_run_is_a_warning():
    assert new_flags(days("2026-11-02", 0.9, 0.9, 0.9), 0.995, "higher") == [Flag("2026-11-02", "2026-11-04", "warning")]


def test_a_further_run_while_the_warning_stands_is_a_plan():
    values = days("2026-11-02", 0.9, 0.9, 0.9, 1.0, 0.9, 0.9, 0.9)
    assert new_flags(values, 0.995, "higher") == [
        Flag("2026-11-02", "2026-11-04", "warning"), Flag("2026-11-06", "2026-11-08", "plan")]


def test_evaluating_the_same_days_again_raises_nothing_new():
    values = days("2026-11-02", 0.9, 0.9, 0.9, 0.9)
    first = new_flags(values, 0.995, "higher")
    assert new_flags(values, 0.995, "higher", existing=first) == []


def test_a_streak_that_goes_on_after_a_warning_becomes_a_plan_three_days_later():
    warning = Flag("2026-11-02", "2026-11-04", "warning")
    values = days("2026-11-02", 0.9, 0.9, 0.9, 0.9, 0.9)
    assert new_flags(values, 0.995, "higher", existing=[warning]) == []
    values["2026-11-07"] = 0.9
    assert new_flags(values, 0.995, "higher", existing=[warning]) == [Flag("2026-11-05", "2026-11-07", "plan")]


def test_a_warning_stands_for_exactly_its_days():
    warning = Flag("2026-10-01", "2026-10-03", "warning")
    last_standing = date(2026, 10, 3) + timedelta(days=WARNING_STANDS_DAYS)
    inside = days((last_standing - timedelta(days=2)).isoformat(), 0.9, 0.9, 0.9)
    outside = days((last_standing - timedelta(days=1)).isoformat(), 0.9, 0.9, 0.9)
    assert [f.level for f in new_flags(inside, 0.995, "higher", existing=[warning])] == ["plan"]
    assert [f.level for f in new_flags(outside, 0.995, "higher", existing=[warning])] == ["warning"]


def test_a_plan_does_not_extend_the_warning():
    flags = [Flag("2026-10-01", "2026-10-03", "warning"), Flag("2026-10-20", "2026-10-22", "plan")]
    values = days("2026-11-10", 0.9, 0.9, 0.9)  # 38 days after the warning, 19 after the plan
    assert new_flags(values, 0.995, "higher", existing=flags) == [Flag("2026-11-10", "2026-11-12", "warning")]


def test_every_further_run_while_the_warning_stands_is_a_plan():
    values = days("2026-11-02", *[0.5] * 9)
    assert [f.level for f in new_flags(values, 0.995, "higher")] == ["warning", "plan", "plan"]


def test_a_warning_raised_across_the_month_end_escalates_in_the_next_month():
    values = days("2026-11-29", 0.9, 0.9, 0.9, 1.0, 0.9, 0.9, 0.9)
    assert new_flags(values, 0.995, "higher") == [
        Flag("2026-11-29", "2026-12-01", "warning"), Flag("2026-12-03", "2026-12-05", "plan")]


# ---- twice in a month ------------------------------------------------------------------------------


def test_break_overtime_on_two_days_of_a_month_is_announced_and_on_one_is_not():
    overtime = {"2026-11-03": 120.0, "2026-11-04": 0.0, "2026-11-17": 1.0}
    assert repeated_in_month(overtime, 0.0, "lower", "2026-11") == ["2026-11-03", "2026-11-17"]
    assert repeated_in_month({"2026-11-03": 120.0, "2026-11-04": 0.0}, 0.0, "lower", "2026-11") == []


def test_the_days_need_not_be_in_a_row_and_equal_to_the_target_does_not_count():
    utilisation = {"2026-11-01": 0.5, "2026-11-15": 0.8, "2026-11-30": 0.49}
    assert repeated_in_month(utilisation, 0.8, "higher", "2026-11") == ["2026-11-01", "2026-11-30"]


def test_each_month_counts_on_its_own():
    overtime = {"2026-10-31": 60.0, "2026-11-01": 60.0, "2026-11-02": None}
    assert days_off_target_in_month(overtime, 0.0, "lower", "2026-10") == ["2026-10-31"]
    assert repeated_in_month(overtime, 0.0, "lower", "2026-10") == []
    assert repeated_in_month(overtime, 0.0, "lower", "2026-11") == []
