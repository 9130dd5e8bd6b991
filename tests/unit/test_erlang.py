"""Erlang C (bench/erlang.py) against exact sums, closed forms and the textbook staffing example."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.erlang import agents_for_service_level, asa, erlang_b, erlang_c, service_level


def exact_erlang_c(agents: int, traffic: int) -> Fraction:
    """The textbook sum, in exact fractions: (A^N/N! * N/(N-A)) / (sum_{k<N} A^k/k! + A^N/N! * N/(N-A))."""
    tail = Fraction(traffic**agents, math.factorial(agents)) * Fraction(agents, agents - traffic)
    head = sum(Fraction(traffic**k, math.factorial(k)) for k in range(agents))
    return tail / (head + tail)


def exact_erlang_b(agents: int, traffic: int) -> Fraction:
    terms = [Fraction(traffic**k, math.factorial(k)) for k in range(agents + 1)]
    return terms[-1] / sum(terms)


def test_one_agent_is_the_single_server_queue():
    # M/M/1: P(wait) = utilisation, mean wait = rho / (mu - lambda).
    assert erlang_c(1, 0.75) == pytest.approx(0.75)
    assert asa(1, 0.75, 100.0) == pytest.approx(0.75 * 100.0 / (1 - 0.75))


def test_two_agents_match_the_closed_form():
    # M/M/2 with rho = A/2: P(wait) = 2 rho^2 / (1 + rho).
    rho = 0.8
    assert erlang_c(2, 2 * rho) == pytest.approx(2 * rho**2 / (1 + rho))


def test_erlang_b_table_value():
    assert erlang_b(10, 5.0) == pytest.approx(0.018385, abs=5e-7)
    assert erlang_b(10, 5.0) == pytest.approx(float(exact_erlang_b(10, 5)), rel=1e-12)


def test_textbook_example_ten_erlangs_needs_fourteen_agents_for_80_in_20():
    # 100 calls per half hour, 180 s handle time: A = 10 Erlangs (the usual worked example).
    assert erlang_c(14, 10.0) == pytest.approx(0.1741, abs=5e-5)
    # 1 - 0.17408 * exp(-4 * 20 / 180) = 1 - 0.17408 * 0.64118
    assert service_level(14, 10.0, 180.0, 20.0) == pytest.approx(0.8884, abs=5e-5)
    assert asa(14, 10.0, 180.0) == pytest.approx(7.84, abs=5e-3)
    assert service_level(13, 10.0, 180.0, 20.0) < 0.80
    assert agents_for_service_level(10.0, 180.0, 20.0, 0.80) == 14


@pytest.mark.parametrize(("agents", "traffic"), [(1, 0), (3, 2), (10, 8), (14, 10), (50, 45), (120, 110)])
def test_recurrence_matches_the_exact_sum(agents, traffic):
    assert erlang_c(agents, float(traffic)) == pytest.approx(float(exact_erlang_c(agents, traffic)), rel=1e-10)


def test_hundreds_of_agents_do_not_overflow():
    # 950**1000 / 1000! overflows a float; the recurrence does not.
    assert erlang_c(1000, 950.0) == pytest.approx(float(exact_erlang_c(1000, 950)), rel=1e-9)


def test_service_level_and_asa_follow_from_the_waiting_probability():
    c = erlang_c(10, 8.5)
    assert service_level(10, 8.5, 180.0, 0.0) == pytest.approx(1 - c)
    assert service_level(10, 8.5, 180.0, 20.0) == pytest.approx(1 - c * math.exp(-1.5 * 20 / 180))
    assert asa(10, 8.5, 180.0) == pytest.approx(c * 180 / 1.5)


@given(st.integers(1, 60), st.floats(0.01, 0.99))
def test_waiting_probability_lies_between_blocking_and_one_and_falls_with_more_agents(agents, load):
    traffic = agents * load
    c = erlang_c(agents, traffic)
    assert erlang_b(agents, traffic) <= c <= 1.0
    assert erlang_c(agents + 1, traffic) <= c


def test_overload_and_bad_input_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="more work than they can do"):
        erlang_c(10, 10.0)
    with pytest.raises(ValueError, match="at least one agent"):
        erlang_c(0, 0.5)
    with pytest.raises(ValueError, match="handle time must be more than 0"):
        asa(2, 1.0, 0.0)
    with pytest.raises(ValueError, match="share between 0 and 1"):
        agents_for_service_level(10.0, 180.0, 20.0, 80)
