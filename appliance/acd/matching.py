"""Matching waiting callers with free agents: one round of the distributor's decision.

Rules, in the order they apply (docs/acd.md):

- callers are taken in service order (`waiting.service_order`);
- an agent may take a caller of a queue whose skills they hold, within the penalty limit the
  queue's penalty rules give for the caller's wait so far;
- tiers: an agent is kept for the lowest-penalty work they could take; a higher-penalty caller
  gets them only when no such work waits (`held_back` tells the distributor to try another
  round when that kept someone idle);
- a caller meant for one agent (transferred to them, or their own scheduled callback) goes to
  that agent only, whatever their skills and tiers;
- a caller the IVR gave a skill of their own (a VIP tier's desk, a topic) needs an agent with it
  too, at least at its level;
- agents not yet tried for a caller go first; when every agent who could take it has been tried,
  the caller's round of tries starts over (`call.tried` is reset);
- among the agents left, the queue's strategy chooses (`strategies.choose`).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import NamedTuple

from appliance.acd.agents import AgentState
from appliance.acd.strategies import Candidate, choose
from appliance.acd.waiting import WaitingCall, service_order
from appliance.model import BranchConfig, Queue

__all__ = ("Match", "match_round")


class Match(NamedTuple):
    call: WaitingCall
    queue: Queue
    agents: list[AgentState]  # one, or several for ring-all


def match_round(
    waiting: Iterable[WaitingCall],
    free: list[AgentState],
    config: BranchConfig,
    members: dict[str, dict[str, int]],
    last_rung: dict[str, str],
    rng: random.Random,
    now: float,
) -> tuple[list[Match], bool]:
    """The offers to make now, and whether the tier rule held a free agent back from a caller.

    `members` maps each queue to {agent id: penalty} for the agents with its skills; `last_rung`
    (round-robin memory) is updated as agents are chosen.
    """
    free_ids = {a.agent_id for a in free}
    # Callers whose queue no free agent serves cannot be matched: skipping them early keeps a
    # decision under a millisecond with 100 callers waiting (bench/routing.py).
    pending = [
        c for c in waiting
        if not c.offered_to and now >= c.not_before
        and (c.agent in free_ids if c.agent else not free_ids.isdisjoint(members.get(c.queue, ())))
    ]
    if not free or not pending:
        return [], False
    queues = {c.queue: config.queue(c.queue) for c in pending}
    pending.sort(key=lambda c: service_order(c, queues[c.queue], now))
    candidates = {c.call_id: _candidates(c, queues[c.queue], free, config, members, now) for c in pending}
    best_penalty: dict[str, int] = {}
    for options in candidates.values():
        for state, _, penalty in options:
            best_penalty[state.agent_id] = min(penalty, best_penalty.get(state.agent_id, penalty))
    matches: list[Match] = []
    taken: set[str] = set()
    held_back = False
    for call in pending:
        queue = queues[call.queue]
        still_free = [c for c in candidates[call.call_id] if c[0].agent_id not in taken]
        options = [c for c in still_free if c[2] == best_penalty[c[0].agent_id]]
        held_back = held_back or len(options) < len(still_free)
        if queue is None or not options:
            continue
        untried = [c for c in options if c[0].agent_id not in call.tried]
        if untried:
            options = untried
        else:
            call.tried = set()
        chosen = choose(queue, options, last_rung.get(queue.name), rng)
        last_rung[queue.name] = chosen[-1].agent_id
        taken.update(a.agent_id for a in chosen)
        matches.append(Match(call, queue, chosen))
    return matches, held_back


def _candidates(
    call: WaitingCall, queue: Queue | None, free: list[AgentState], config: BranchConfig,
    members: dict[str, dict[str, int]], now: float,
) -> list[Candidate]:
    if queue is None:  # removed while callers waited: they wait out their max wait
        return []
    if call.agent is not None:  # meant for one agent: their skills and tier do not matter
        return [(state, agent, 0) for state in free if state.agent_id == call.agent
                if (agent := config.agent(state.agent_id)) is not None]
    penalties = members.get(queue.name, {})
    limit = queue.penalty_limit(now - call.arrived)
    options: list[Candidate] = []
    for state in free:
        penalty = penalties.get(state.agent_id)
        if penalty is None or (limit is not None and penalty > limit):
            continue
        agent = config.agent(state.agent_id)
        if agent is not None and _has_skill(agent.skills, call.skill):
            options.append((state, agent, penalty))
    return options


def _has_skill(skills: dict[str, int], needed: tuple[str, int] | None) -> bool:
    return needed is None or skills.get(needed[0], 0) >= needed[1]
