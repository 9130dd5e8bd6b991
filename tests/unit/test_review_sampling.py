"""The daily review list's draw: up to N per agent, random across days and reviewers, the same for
the same inputs, and topping up never replaces what was drawn before."""

from __future__ import annotations

from appliance.quality.sampling import draw_samples

DAY = "2026-03-02/lee"


def test_each_agent_gets_up_to_n_of_their_own_recordings():
    eligible = {"ann": list(range(1, 11)), "bob": [20, 21], "cat": [30]}
    added = draw_samples(eligible, {}, 3, DAY)
    assert len(added["ann"]) == 3 and set(added["ann"]) <= set(eligible["ann"])
    assert added["bob"] == [20, 21] and added["cat"] == [30]


def test_the_same_inputs_draw_the_same_recordings_whatever_their_order():
    eligible = {"ann": list(range(1, 51)), "bob": list(range(100, 140))}
    shuffled = {"bob": list(reversed(eligible["bob"])), "ann": eligible["ann"][25:] + eligible["ann"][:25]}
    assert draw_samples(eligible, {}, 2, DAY) == draw_samples(shuffled, {}, 2, DAY)


def test_another_day_or_reviewer_draws_differently():
    eligible = {"ann": list(range(1, 101))}
    draws = {tuple(draw_samples(eligible, {}, 3, seed)["ann"]) for seed in
             ("2026-03-02/lee", "2026-03-03/lee", "2026-03-02/sue", "2026-03-04/lee")}
    assert len(draws) > 1


def test_topping_up_keeps_what_was_drawn_and_adds_only_the_shortfall():
    drawn = {"ann": [3]}
    added = draw_samples({"ann": list(range(1, 21))}, drawn, 3, DAY)
    assert len(added["ann"]) == 2 and 3 not in added["ann"]


def test_an_agent_with_n_already_drawn_gets_nothing_more_even_if_those_are_no_longer_eligible():
    added = draw_samples({"ann": [7, 8, 9]}, {"ann": [1, 2]}, 2, DAY)
    assert added == {}


def test_adding_an_agent_does_not_change_the_others_draw():
    one = draw_samples({"ann": list(range(1, 41))}, {}, 2, DAY)
    two = draw_samples({"ann": list(range(1, 41)), "bob": list(range(50, 90))}, {}, 2, DAY)
    assert two["ann"] == one["ann"]


def test_every_recording_is_drawn_about_as_often():
    counts = dict.fromkeys(range(10), 0)
    for day in range(2000):
        for recording in draw_samples({"ann": list(range(10))}, {}, 1, f"day-{day}/lee")["ann"]:
            counts[recording] += 1
    assert min(counts.values()) > 140 and max(counts.values()) < 260  # 200 expected each
