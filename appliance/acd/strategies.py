"""How a queue chooses among the agents who could take a call (the queue's `strategy`).

Pure functions of the candidates' state. Every strategy first prefers the lowest penalty, as in
Asterisk's app_queue; the strategy then orders agents of equal penalty. Ties always end on the
agent id, so the choice is deterministic; `random` draws from the distributor's seeded RNG.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from appliance.acd.agents import AgentState
from appliance.model import Agent, Queue

__all__ = ("Candidate", "choose")

# (agent state, the agent's configuration, the agent's penalty for this queue)
Candidate = tuple[AgentState, Agent, int]


def _longest_idle(c: Candidate, queue: Queue) -> tuple:
    return (c[0].idle_since, c[0].agent_id)


def _fewest_calls(c: Candidate, queue: Queue) -> tuple:
    return (c[0].calls_by_queue.get(queue.name, 0), c[0].idle_since, c[0].agent_id)


def _least_talk_time(c: Candidate, queue: Queue) -> tuple:
    return (c[0].talk_seconds, c[0].idle_since, c[0].agent_id)


def _skill_level(c: Candidate, queue: Queue) -> tuple:
    return (-queue.skill_score(c[1]), c[0].idle_since, c[0].agent_id)


def _linear(c: Candidate, queue: Queue) -> tuple:
    return (c[0].agent_id,)


_ORDERS: dict[str, Callable[[Candidate, Queue], tuple]] = {
    "longest-idle": _longest_idle,
    "fewest-calls": _fewest_calls,
    "least-talk-time": _least_talk_time,
    "skill-level": _skill_level,
    "linear": _linear,
}


def choose(queue: Queue, candidates: Sequence[Candidate], last_rung: str | None, rng: random.Random) -> list[AgentState]:
    """The agents to ring for one call: one agent, or every best-penalty agent for ring-all."""
    if not candidates:
        return []
    best = min(c[2] for c in candidates)
    tier = sorted((c for c in candidates if c[2] == best), key=lambda c: c[0].agent_id)
    if queue.strategy == "ring-all":
        return [c[0] for c in tier]
    if queue.strategy == "random":
        return [rng.choice(tier)[0]]
    if queue.strategy == "round-robin":
        return [_after(tier, last_rung)[0]]
    order = _ORDERS.get(queue.strategy, _longest_idle)
    return [min(tier, key=lambda c: order(c, queue))[0]]


def _after(tier: list[Candidate], last_rung: str | None) -> Candidate:
    """Round-robin with memory: the first agent (by id, wrapping round) after the last one rung."""
    if last_rung is None:
        return tier[0]
    return next((c for c in tier if c[0].agent_id > last_rung), tier[0])
