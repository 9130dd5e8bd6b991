"""A small bank branch for the routing core's tests, and helpers that read what the core asked for.

Agents sit at `desk-1`, `desk-2`, ... in the order a test signs them in; the clock is a plain number
every call passes in, so a test reads as a timeline: who did what, at which second.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from appliance.acd.actions import Action, AgentChanged, CancelOffer, Connect, Exit, Offer
from appliance.acd.distributor import AgentStatus, Distributor
from appliance.model import AcdSettings, Agent, BranchConfig, PauseCode, Queue, Seat

__all__ = (
    "GENERAL",
    "PAUSE_CODES",
    "SEATS",
    "agent",
    "answer",
    "branch",
    "cancelled",
    "changes",
    "connects",
    "exits",
    "offered",
    "offers",
    "queue",
    "sign_in",
    "waiting_ids",
)

SEATS = tuple(Seat(f"desk-{i}", f"sip:desk{i}@127.0.0.1:{5060 + 10 * i}") for i in range(1, 10))
# As the first migration seeds them: two system codes the appliance sets, the rest for agents.
PAUSE_CODES = (
    PauseCode("login", "Signed in", "已登录", system=True),
    PauseCode("missed", "Missed a call", "未接来电", system=True),
    PauseCode("break", "Break", "休息"),
    PauseCode("meal", "Meal", "用餐"),
    PauseCode("training", "Training", "培训"),
)
GENERAL = Queue("general", ring_timeout=10, wrapup=5, max_wait=60, skills={"general": 1})


def queue(name: str, **settings) -> Queue:
    """A queue needing the skill of its own name at level 1, unless `skills` says otherwise."""
    settings.setdefault("skills", {name: 1})
    settings.setdefault("ring_timeout", 10)
    settings.setdefault("wrapup", 5)
    settings.setdefault("max_wait", 60)
    return Queue(name, **settings)


def agent(agent_id: str, *, penalties: dict[str, int] | None = None, wrapup: int | None = None, **skills: int) -> Agent:
    """`agent("ann", general=5)`: Ann, with the general skill at level 5."""
    return Agent(agent_id, agent_id.title(), skills or {"general": 5}, penalties or {}, wrapup)


def branch(
    *agents: Agent,
    queues: Sequence[Queue] = (GENERAL,),
    acd: AcdSettings | None = None,
    pause_codes: Sequence[PauseCode] = PAUSE_CODES,
) -> BranchConfig:
    return BranchConfig(
        seats=SEATS, agents=tuple(agents), queues=tuple(queues), pause_codes=tuple(pause_codes), acd=acd or AcdSettings()
    )


def sign_in(d: Distributor, *agent_ids: str, at: float = 0.0, step: float = 1.0) -> None:
    """Log the agents in at desk-1, desk-2, ... and make them Ready one `step` apart, so the first
    named has been idle longest."""
    for i, agent_id in enumerate(agent_ids):
        seat = next(s.name for s in SEATS if not any(a.seat == s.name for a in d.agents()))
        d.login(agent_id, seat, at + i * step)
        d.ready(agent_id, at + i * step)


def offers(actions: Iterable[Action]) -> list[Offer]:
    return [a for a in actions if isinstance(a, Offer)]


def offered(actions: Iterable[Action]) -> list[tuple[str, str]]:
    """(call, agent) for every offer, in order."""
    return [(a.call_id, a.agent_id) for a in offers(actions)]


def cancelled(actions: Iterable[Action]) -> list[tuple[str, str, str]]:
    return [(a.call_id, a.agent_id, a.outcome) for a in actions if isinstance(a, CancelOffer)]


def connects(actions: Iterable[Action]) -> list[Connect]:
    return [a for a in actions if isinstance(a, Connect)]


def exits(actions: Iterable[Action]) -> list[Exit]:
    return [a for a in actions if isinstance(a, Exit)]


def changes(actions: Iterable[Action], agent_id: str | None = None) -> list[AgentChanged]:
    return [a for a in actions if isinstance(a, AgentChanged) and (agent_id is None or a.agent_id == agent_id)]


def waiting_ids(d: Distributor, now: float) -> list[str]:
    """Who waits, in service order."""
    return [c.call_id for c in d.waiting(now)]


def answer(d: Distributor, call_id: str, now: float, agent_id: str | None = None) -> list[Action]:
    """The agent being rung for the call (the only one, unless named) picks up."""
    call = d.waiting_call(call_id)
    assert call is not None and call.offered_to, f"nobody is being rung for {call_id}"
    if agent_id is None:
        [agent_id] = call.offered_to
    assert d.agent(agent_id).status is AgentStatus.RINGING
    return d.offer_answered(call_id, agent_id, now)
