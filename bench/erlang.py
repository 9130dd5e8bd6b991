"""Erlang C: what queueing theory predicts for N agents, Poisson callers and exponential handle times.

The model is M/M/N with infinitely patient callers served in arrival order: traffic A = arrival
rate x AHT (Erlangs) offered to N agents, stable only when A < N. With C = P(a caller waits):

    service level  P(wait <= T) = 1 - C * exp(-(N - A) * T / AHT)
    ASA (mean wait over all callers) = C * AHT / (N - A)

C is computed from Erlang B with the recurrence B(0) = 1, B(k) = A*B(k-1) / (k + A*B(k-1)), then
C = N*B / (N - A*(1 - B)). Every step stays between 0 and 1, so it works for hundreds of agents,
where the textbook formula with A**N / N! overflows a float.

The simulation in bench/acd_sim.py checks the real distributor against these figures.
"""

from __future__ import annotations

import math

__all__ = ("agents_for_service_level", "asa", "erlang_b", "erlang_c", "service_level")


def _check(agents: int, traffic: float) -> None:
    if agents < 1:
        raise ValueError(f"Erlang C needs at least one agent, not {agents}.")
    if traffic < 0:
        raise ValueError(f"traffic must be zero or more Erlangs, not {traffic}.")


def erlang_b(agents: int, traffic: float) -> float:
    """Blocking probability for `traffic` Erlangs offered to `agents` servers with no queue."""
    _check(agents, traffic)
    blocking = 1.0
    for k in range(1, agents + 1):
        blocking = traffic * blocking / (k + traffic * blocking)
    return blocking


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that a caller has to wait (all agents busy when they arrive)."""
    _check(agents, traffic)
    if traffic >= agents:
        raise ValueError(
            f"{traffic} Erlangs on {agents} agents is more work than they can do: the queue grows without end "
            "(Erlang C needs traffic < agents)."
        )
    blocking = erlang_b(agents, traffic)
    return agents * blocking / (agents - traffic * (1.0 - blocking))


def service_level(agents: int, traffic: float, aht: float, threshold: float) -> float:
    """Share of callers answered within `threshold` seconds (waiting time counted from joining the queue)."""
    if aht <= 0:
        raise ValueError(f"the average handle time must be more than 0 seconds, not {aht}.")
    return 1.0 - erlang_c(agents, traffic) * math.exp(-(agents - traffic) * threshold / aht)


def asa(agents: int, traffic: float, aht: float) -> float:
    """Average speed of answer: the mean wait in seconds over all callers, those who did not wait included."""
    if aht <= 0:
        raise ValueError(f"the average handle time must be more than 0 seconds, not {aht}.")
    return erlang_c(agents, traffic) * aht / (agents - traffic)


def agents_for_service_level(traffic: float, aht: float, threshold: float, target: float) -> int:
    """The fewest agents that answer at least `target` (0-1) of callers within `threshold` seconds."""
    if not 0.0 < target < 1.0:
        raise ValueError(f"the service level target is a share between 0 and 1 (0.8 for 80%), not {target}.")
    agents = max(1, math.floor(traffic) + 1)
    while service_level(agents, traffic, aht, threshold) < target:
        agents += 1
    return agents
