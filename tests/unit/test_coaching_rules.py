"""The coaching and training calendar rules and the three-tier segmentation, on constructed data
with known answers (docs/teams.md, "Coaching and development")."""

from __future__ import annotations

from datetime import date

import pytest

from appliance.teamwork import coaching_week as rules
from appliance.teamwork.segmentation import APPROACH, TIERS, segment, tier_sizes

# 2026-11-23 is a Monday (ISO week 2026-W48); 2026-11-29 the Sunday.
MON, THU, SUN = date(2026, 11, 23), date(2026, 11, 26), date(2026, 11, 29)


def test_iso_weeks_run_monday_to_sunday_across_the_new_year():
    assert rules.iso_week(MON) == rules.iso_week(SUN) == "2026-W48"
    assert rules.iso_week(date(2026, 11, 30)) == "2026-W49"
    assert rules.iso_week(date(2027, 1, 1)) == "2026-W53"  # a Friday: still the old year's week
    assert rules.week_days("2026-W53") == (date(2026, 12, 28), date(2027, 1, 3))
    with pytest.raises(ValueError, match="is not an ISO week"):
        rules.week_days("2026-48")


def test_two_talks_with_one_agent_count_once_and_other_weeks_do_not_count():
    talks = [("2026-11-22", "ann"), ("2026-11-23", "bob"), ("2026-11-25", "bob"), ("2026-11-30", "cat")]
    status = rules.week_status(talks, "2026-W48", THU)
    assert (status.agents, status.talks, status.short, status.met, status.days_left) == (("bob",), 2, 1, False, 4)
    talks.append(("2026-11-29", "dan"))  # Sunday still counts
    status = rules.week_status(talks, "2026-W48", SUN)
    assert (status.agents, status.short, status.met, status.days_left) == (("bob", "dan"), 0, True, 1)
    assert rules.week_status(talks, "2026-W48", date(2026, 12, 2)).days_left == 0
    assert rules.week_status(talks, "2026-W48", MON, required=3).short == 1


def test_a_reminder_is_due_from_thursday_while_short_and_never_once_met():
    one = rules.week_status([("2026-11-23", "bob")], "2026-W48", THU)
    assert not rules.reminder_due(one, date(2026, 11, 25))  # Wednesday
    assert rules.reminder_due(one, THU) and rules.reminder_due(one, SUN)
    assert rules.reminder_due(one, date(2026, 11, 24), remind_from=2)  # configured: from Tuesday
    assert not rules.reminder_due(one, date(2026, 11, 30))  # the next week's Monday: another week
    met = rules.week_status([("2026-11-23", "bob"), ("2026-11-24", "cat")], "2026-W48", THU)
    assert not rules.reminder_due(met, THU)


def test_history_lists_finished_weeks_newest_first():
    talks = [("2026-11-09", "a"), ("2026-11-10", "b"), ("2026-11-17", "a")]
    weeks = rules.history(talks, date(2026, 11, 4), THU)  # from W45 (a Wednesday) to W47
    assert [(w.week, w.met, w.short) for w in weeks] == [("2026-W47", False, 1), ("2026-W46", True, 0),
                                                         ("2026-W45", False, 2)]
    assert rules.history(talks, MON, THU) == []  # this week is not finished


def test_least_recently_talked_with_come_first_never_talked_with_before_all():
    order = rules.least_recent(["ann", "bob", "cat", "dan"], {"ann": "2026-11-20", "bob": "2026-11-02"})
    assert order == [("cat", None), ("dan", None), ("bob", "2026-11-02"), ("ann", "2026-11-20")]


@pytest.mark.parametrize(("day", "month"), [
    ("2026-11-01", "2026-12"), ("2026-11-25", "2026-12"), ("2026-11-26", "2027-01"), ("2026-11-30", "2027-01"),
    ("2026-12-25", "2027-01"), ("2026-12-26", "2027-02"), ("2027-01-31", "2027-03"),
])
def test_requests_up_to_the_25th_go_into_next_months_plan_later_ones_the_month_after(day, month):
    assert rules.plan_month(date.fromisoformat(day)) == month


@pytest.mark.parametrize(("n", "sizes"), [(0, (0, 0, 0)), (1, (0, 1, 0)), (2, (0, 2, 0)), (3, (1, 1, 1)),
                                          (4, (1, 2, 1)), (10, (3, 6, 1)), (14, (4, 9, 1)), (15, (4, 9, 2)),
                                          (20, (5, 13, 2)), (30, (8, 19, 3))])
def test_tier_sizes_round_half_up_with_at_least_one_each_from_three_agents(n, sizes):
    assert tier_sizes(n) == sizes


def test_ten_distinct_scores_split_three_six_one():
    scores = {f"a{k:02d}": float(500 - 10 * k) for k in range(10)}
    split = segment(scores)
    assert [t.tier for t in split.tiers] == list(TIERS)
    front, middle, grow = ([a for a, _ in t.agents] for t in split.tiers)
    assert front == ["a00", "a01", "a02"] and grow == ["a09"] and len(middle) == 6


def test_ties_stay_together_in_the_better_tier_and_unscored_are_listed():
    scores = {"a": 400.0, "b": 300.0, "c": 300.0, "d": 200.0, "e": 100.0, "f": 100.0, "x": None}
    # 6 scored: front 2 (b and c tie at the cut: both join), grow 1 (e and f tie: both stay in the middle).
    split = segment(scores)
    front, middle, grow = ([a for a, _ in t.agents] for t in split.tiers)
    assert (front, middle, grow, split.unscored) == (["a", "b", "c"], ["d", "e", "f"], [], ("x",))


def test_a_tie_below_the_bottom_cut_goes_together():
    split = segment({"a": 9.0, "b": 8.0, "c": 7.0, "d": 1.0})
    assert [[a for a, _ in t.agents] for t in split.tiers] == [["a"], ["b", "c"], ["d"]]


def test_one_or_two_scored_agents_are_all_in_the_middle_and_all_equal_are_all_front_runners():
    assert [len(t.agents) for t in segment({"a": 5.0, "b": 1.0}).tiers] == [0, 2, 0]
    assert [len(t.agents) for t in segment({"a": 500.0, "b": 500.0, "c": 500.0}).tiers] == [3, 0, 0]


def test_every_tier_names_its_coaching_approach_in_english_and_chinese():
    for tier in TIERS:
        for part in ("name", "approach"):
            assert set(APPROACH[tier][part]) == {"en", "zh"} and all(APPROACH[tier][part].values())
