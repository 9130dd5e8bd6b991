"""My day's figures from constructed state spans, with answers worked out by hand."""

from __future__ import annotations

from appliance.reports.my_day import StateSpan, compute_my_day

MIDNIGHT = 1_000_000.0
HOUR = 3600.0


def test_figures_from_a_morning():
    spans = [
        StateSpan("not_ready", MIDNIGHT + 8 * HOUR + 60, 60),       # 08:00-08:01 signed in, not ready
        StateSpan("ready", MIDNIGHT + 8 * HOUR + 600, 540),         # 08:01-08:10 ready
        StateSpan("on_call", MIDNIGHT + 8 * HOUR + 900, 300),       # 08:10-08:15 on a call
        StateSpan("wrapup", MIDNIGHT + 8 * HOUR + 960, 60),         # 08:15-08:16 wrap-up
        StateSpan("ready", MIDNIGHT + 9 * HOUR, 2640),              # 08:16-09:00 ready
    ]
    day = compute_my_day(spans, handled=1, fcr=[True], scores=[4], since=MIDNIGHT, now=MIDNIGHT + 9 * HOUR)
    assert day.signed_in_s == 3600.0
    assert day.state_seconds == {"ready": 3180.0, "not_ready": 60.0, "ringing": 0.0, "on_call": 300.0, "wrapup": 60.0}
    assert day.calls_per_hour == 1.0
    assert day.average_handle_s == 360.0
    assert day.utilisation == 0.1
    assert (day.fcr_rate, day.satisfaction) == (1.0, 4.0)


def test_a_state_that_began_before_midnight_counts_from_midnight_only():
    spans = [StateSpan("ready", MIDNIGHT + 600, 1200)]  # 23:50 to 00:10: ten minutes of it today
    day = compute_my_day(spans, handled=0, fcr=[], scores=[], since=MIDNIGHT, now=MIDNIGHT + 600)
    assert day.state_seconds["ready"] == 600.0


def test_nothing_to_divide_by_gives_no_figure_rather_than_zero():
    day = compute_my_day([], handled=0, fcr=[], scores=[], since=MIDNIGHT, now=MIDNIGHT + HOUR)
    assert (day.calls_per_hour, day.average_handle_s, day.fcr_rate, day.satisfaction, day.utilisation) == (
        None, None, None, None, None)
    assert day.calls_handled == 0 and day.signed_in_s == 0.0
