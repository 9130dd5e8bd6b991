"""The real distributor, driven by a seeded M/M/N simulation (bench/acd_sim.py), agrees with Erlang C.

Why 4 standard errors: each standard error comes from 20 batch means of 750 consecutive calls,
long enough for the batches to be nearly independent at 85% occupancy (checked: their lag-1
correlation is not strongly positive). With 19 degrees of freedom a deviation over 4 standard
errors happens by chance about once in 1,300 runs. At this length the service level is checked to
about +-13 points and the ASA to about +-40 s (waits are strongly correlated at 85% occupancy);
the sharper check is the wait of each queued caller against k * AHT / N (k = their position),
known to about +-4 s on a mean wait near 120 s: a caller served out of order or an agent left
idle beside a waiting caller shows there first.
"""

from __future__ import annotations

import math
import random

import pytest

from bench.acd_sim import compare_with_erlang, ewt_accuracy, shared_agents, simulate, single_queue
from bench.stats import batch_means

TOLERANCE = 4.0  # standard errors


@pytest.fixture(scope="module")
def mmn():
    return simulate(single_queue(agents=10, occupancy=0.85, aht=180.0, calls=16_000, warmup=1_000, seed=7))


def test_every_caller_is_answered_once_and_agents_are_as_busy_as_the_load(mmn):
    assert len(mmn.calls) == 15_000
    assert all(c.wait >= 0 for c in mmn.calls)
    assert mmn.occupancy == pytest.approx(0.85, abs=0.03)


def test_batches_are_long_enough_to_be_nearly_independent(mmn):
    # Positive correlation between batches would make the standard errors too small.
    check = compare_with_erlang(mmn)
    assert check.service_level.lag1 < 0.5
    assert check.asa.lag1 < 0.5


def test_service_level_within_20_seconds_agrees_with_erlang_c(mmn):
    check = compare_with_erlang(mmn)
    assert abs(check.service_level.value - check.erlang_service_level) <= TOLERANCE * check.service_level.stderr


def test_average_speed_of_answer_agrees_with_erlang_c(mmn):
    check = compare_with_erlang(mmn)
    assert abs(check.asa.value - check.erlang_asa) <= TOLERANCE * check.asa.stderr


def test_each_queued_caller_waits_as_long_as_their_position_predicts(mmn):
    # In M/M/N the caller at position k with every agent busy waits for k departures, each
    # AHT/N apart on average: (k - free) * AHT / N is exact in the mean.
    [load] = mmn.scenario.queues
    errors = [c.estimate * load.handle / c.learned_handle - c.wait for c in mmn.calls if c.estimate is not None]
    bias = batch_means(errors)
    assert abs(bias.value) <= TOLERANCE * bias.stderr


def test_callers_offered_on_entry_get_no_estimate_and_the_others_do(mmn):
    offered_at_once = [c for c in mmn.calls if c.position is None]
    assert all(c.wait == 0 for c in offered_at_once)
    assert all(c.estimate is not None and c.position >= 1 for c in mmn.calls if c.position is not None)


def test_shared_agents_with_wrapup_run_to_the_end_and_report_accuracy():
    result = simulate(shared_agents(calls=3_000, warmup=300, seed=3))
    for accuracy in ewt_accuracy(result).values():
        assert accuracy.announced > 0
        assert accuracy.median_abs <= accuracy.p90_abs


def test_batch_means_of_independent_draws_give_the_textbook_standard_error():
    rng = random.Random(11)
    values = [rng.random() for _ in range(20_000)]
    estimate = batch_means(values)
    textbook = math.sqrt(1 / 12) / math.sqrt(len(values))  # sd of U(0, 1) over sqrt(n)
    assert estimate.value == pytest.approx(0.5, abs=4 * textbook)
    assert estimate.stderr == pytest.approx(textbook, rel=0.5)  # 20 batches: the SE is itself +-16%
    assert estimate.low < estimate.value < estimate.high
