"""The leg budget counts legs whose sockets are still closing, so churn cannot abort the engine."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from appliance.telephony.budget import SOCKET_RELEASE_S, LegBudget


def test_a_leg_that_just_ended_still_counts_until_its_sockets_are_free():
    budget = LegBudget(hard_limit=32, capacity=24, margin=2)
    for _ in range(24):
        budget.opened()
    for _ in range(4):
        budget.released(10.0)
    assert budget.in_use == 20
    assert budget.footprint(10.1) == 24
    assert budget.footprint(10.0 + SOCKET_RELEASE_S + 0.001) == 20


def test_shedding_starts_when_closing_legs_leave_no_room_for_a_full_capacity():
    budget = LegBudget(hard_limit=32, capacity=24, margin=2)
    for _ in range(24):
        budget.opened()
    assert not budget.must_shed(0.0)  # at capacity pjsua itself answers 486: nothing to shed
    for _ in range(6):
        budget.released(0.0)
    assert not budget.must_shed(0.1) and budget.can_dial(0.1)
    budget.released(0.1)
    assert budget.must_shed(0.2)
    assert not budget.can_dial(0.2)
    assert not budget.must_shed(0.75)


def test_capacity_must_leave_the_margin_below_the_hard_limit():
    with pytest.raises(ValueError, match="below the hard limit 32 less the margin 2"):
        LegBudget(hard_limit=32, capacity=30, margin=2)


@given(st.lists(st.tuples(st.sampled_from(["invite", "dial", "end"]), st.floats(0, 0.5)), max_size=300))
def test_live_and_closing_legs_never_pass_the_hard_limit(ops):
    """INVITEs are taken whenever pjsua would take them (below capacity) unless shedding;
    the engine dials only when allowed; calls end at any time."""
    budget = LegBudget(hard_limit=32, capacity=24, margin=2)
    now = 0.0
    for op, dt in ops:
        now += dt
        if op == "invite" and budget.in_use < budget.capacity and not budget.must_shed(now):
            budget.opened()
        elif op == "dial" and budget.can_dial(now):
            budget.opened()
        elif op == "end" and budget.in_use:
            budget.released(now)
        assert budget.footprint(now) <= budget.hard_limit
