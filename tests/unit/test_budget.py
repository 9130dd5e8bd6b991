"""The leg budget counts legs whose sockets are still closing, so churn cannot abort the engine."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from appliance.telephony.budget import SOCKET_RELEASE_S, LegBudget


def test_a_leg_that_just_ended_still_counts_until_its_sockets_are_free():
    budget = LegBudget(hard_limit=32, capacity=24, margin=6)
    for _ in range(24):
        budget.opened()
    for _ in range(4):
        budget.released(10.0)
    assert budget.in_use == 20
    assert budget.footprint(10.1) == 24
    assert budget.footprint(10.0 + SOCKET_RELEASE_S + 0.001) == 20


def test_shedding_starts_the_margin_short_of_the_hard_limit():
    budget = LegBudget(hard_limit=32, capacity=24, margin=6)
    for _ in range(24):
        budget.opened()
    assert not budget.must_shed(0.0)
    budget.released(0.0)
    budget.released(0.0)
    budget.opened()
    budget.opened()
    assert budget.footprint(0.1) == 26
    assert budget.must_shed(0.1)
    assert not budget.can_dial(0.1)
    assert not budget.must_shed(1.0)


def test_capacity_must_leave_the_margin_below_the_hard_limit():
    with pytest.raises(ValueError, match="at most the hard limit 32 less the margin 6"):
        LegBudget(hard_limit=32, capacity=30, margin=6)


@given(st.lists(st.tuples(st.sampled_from(["open", "close"]), st.floats(0, 0.5)), max_size=200))
def test_a_caller_that_only_opens_legs_when_allowed_never_passes_the_hard_limit(ops):
    budget = LegBudget(hard_limit=32, capacity=24, margin=6)
    now = 0.0
    for op, dt in ops:
        now += dt
        if op == "open" and budget.can_dial(now):
            budget.opened()
        elif op == "close" and budget.in_use:
            budget.released(now)
        assert budget.footprint(now) <= budget.hard_limit - budget.margin
