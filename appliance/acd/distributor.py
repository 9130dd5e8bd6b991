"""The distributor: agents' states, callers waiting in queues, and who is offered which call.

Pure: every method takes the time, changes the distributor's state and returns the actions the
core must carry out. Nothing here reads a clock, touches SIP or writes to the database.

Order of service (documented, deterministic): callers are served in arrival order across all
queues; each caller is offered to the Ready agent who can serve its queue and has been idle the
longest (ties broken by agent id). An agent who missed or refused the call is not offered the
same call again.
"""

from __future__ import annotations

import enum

import msgspec

from appliance.acd.actions import Action, AgentChanged, CancelOffer, Connect, GiveUp, Offer, ReleaseCaller
from appliance.errors import Conflict, InvalidInput, NotFound
from appliance.model import BranchConfig, Queue, Seat

__all__ = ("AgentStatus", "Distributor", "OfferOutcome")


class AgentStatus(enum.StrEnum):
    LOGGED_OUT = "logged_out"
    READY = "ready"
    NOT_READY = "not_ready"
    RINGING = "ringing"
    ON_CALL = "on_call"
    WRAPUP = "wrapup"


class OfferOutcome(enum.StrEnum):
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    UNREACHABLE = "unreachable"
    CALLER_LEFT = "caller_left"


MISSED_REASON = "missed"


class AgentState(msgspec.Struct):
    agent_id: str
    name: str
    status: AgentStatus = AgentStatus.LOGGED_OUT
    reason: str = ""
    seat: str | None = None
    since: float = 0.0
    idle_since: float = 0.0
    call_id: str | None = None
    wrapup_until: float = 0.0
    pause_after_call: str | None = None
    calls_answered: int = 0


class WaitingCall(msgspec.Struct):
    call_id: str
    queue: str
    arrived: float
    give_up_at: float
    tried: set[str] = set()
    offered_to: str | None = None
    ring_until: float = 0.0


class Distributor:
    def __init__(self, config: BranchConfig) -> None:
        self._config = config
        self._agents: dict[str, AgentState] = {}
        self._waiting: dict[str, WaitingCall] = {}  # insertion order is arrival order
        self._talking: dict[str, tuple[str, str]] = {}  # call id -> (agent id, queue)
        self.configure(config, now=0.0)

    # ---- configuration ------------------------------------------------------------------------

    def configure(self, config: BranchConfig, now: float) -> list[Action]:
        """Take a new configuration; agents removed from it are logged out."""
        self._config = config
        actions: list[Action] = []
        for agent in config.agents:
            state = self._agents.setdefault(agent.id, AgentState(agent.id, agent.name, since=now))
            state.name = agent.name
        for agent_id in [a for a in self._agents if config.agent(a) is None]:
            state = self._agents[agent_id]
            if state.status is not AgentStatus.LOGGED_OUT:
                actions += self._force_logout(state, now, "removed")
            del self._agents[agent_id]
        return actions + self._dispatch(now)

    # ---- agents -------------------------------------------------------------------------------

    def agents(self) -> list[AgentState]:
        return sorted(self._agents.values(), key=lambda a: a.agent_id)

    def agent(self, agent_id: str) -> AgentState:
        state = self._agents.get(agent_id)
        if state is None:
            raise NotFound(f"agent {agent_id!r} does not exist: 'branchline agent list' shows the agents.")
        return state

    def login(self, agent_id: str, seat_name: str, now: float) -> list[Action]:
        state = self.agent(agent_id)
        seat = self._seat(seat_name)
        holder = next((a for a in self._agents.values() if a.seat == seat.name and a.agent_id != agent_id), None)
        if holder is not None:
            raise Conflict(f"seat {seat.name!r} is in use by agent {holder.agent_id!r}: log them out first.")
        if state.status in (AgentStatus.RINGING, AgentStatus.ON_CALL):
            raise Conflict(f"agent {agent_id!r} is on a call: log in again after it ends.")
        state.seat = seat.name
        # A fresh login starts Not Ready, as in every ACD: the agent says when they are ready.
        return self._set(state, AgentStatus.NOT_READY, now, reason="login")

    def ready(self, agent_id: str, now: float) -> list[Action]:
        state = self._logged_in(agent_id)
        state.pause_after_call = None
        if state.status in (AgentStatus.RINGING, AgentStatus.ON_CALL, AgentStatus.READY):
            return []  # ready already, or will be after the call
        actions = self._set(state, AgentStatus.READY, now)
        return actions + self._dispatch(now)

    def pause(self, agent_id: str, reason: str, now: float) -> list[Action]:
        if not reason.strip():
            raise InvalidInput("a pause needs a reason, for example --reason break.")
        state = self._logged_in(agent_id)
        if state.status in (AgentStatus.ON_CALL, AgentStatus.WRAPUP):
            state.pause_after_call = reason  # taken when the call and its wrap-up are over
            return []
        actions: list[Action] = []
        if state.status is AgentStatus.RINGING:
            actions += self._withdraw_offer(state, now, OfferOutcome.NO_ANSWER)
        return actions + self._set(state, AgentStatus.NOT_READY, now, reason=reason) + self._dispatch(now)

    def logout(self, agent_id: str, now: float, reason: str = "logout") -> list[Action]:
        state = self.agent(agent_id)
        if state.status is AgentStatus.ON_CALL:
            raise Conflict(f"agent {agent_id!r} is on a call: log out after it ends.")
        if state.status is AgentStatus.LOGGED_OUT:
            return []
        return self._force_logout(state, now, reason) + self._dispatch(now)

    # ---- calls --------------------------------------------------------------------------------

    def waiting(self) -> list[WaitingCall]:
        return list(self._waiting.values())

    def serving_agents(self, queue_name: str) -> int:
        """Agents logged in who could serve the queue: whether a caller can hope for an answer."""
        queue = self._queue(queue_name)
        return sum(
            1
            for a in self._agents.values()
            if a.status is not AgentStatus.LOGGED_OUT and (cfg := self._config.agent(a.agent_id)) and queue.accepts(cfg)
        )

    def logged_in(self) -> int:
        return sum(1 for a in self._agents.values() if a.status is not AgentStatus.LOGGED_OUT)

    def enqueue(self, call_id: str, queue_name: str, now: float) -> list[Action]:
        queue = self._queue(queue_name)
        self._waiting[call_id] = WaitingCall(call_id, queue.name, now, now + queue.max_wait)
        return self._dispatch(now)

    def offer_answered(self, call_id: str, now: float) -> list[Action]:
        call = self._waiting.pop(call_id, None)
        if call is None or call.offered_to is None:
            return []
        state = self._agents[call.offered_to]
        state.calls_answered += 1
        self._talking[call_id] = (state.agent_id, call.queue)
        actions = self._set(state, AgentStatus.ON_CALL, now, call_id=call_id)
        return [Connect(call_id, state.agent_id, state.seat or ""), *actions]

    def offer_failed(self, call_id: str, outcome: OfferOutcome, now: float) -> list[Action]:
        """The agent's phone was busy or unreachable: try the next agent."""
        call = self._waiting.get(call_id)
        if call is None or call.offered_to is None:
            return []
        state = self._agents[call.offered_to]
        call.offered_to, call.ring_until = None, 0.0
        state.call_id = None
        actions = self._set(state, AgentStatus.READY, now, keep_idle=True)
        return actions + self._dispatch(now)

    def caller_left(self, call_id: str, now: float) -> list[Action]:
        """The caller hung up, whether waiting, being offered, or talking."""
        call = self._waiting.pop(call_id, None)
        actions: list[Action] = []
        if call is not None and call.offered_to is not None:
            state = self._agents[call.offered_to]
            actions.append(CancelOffer(call_id, state.agent_id, OfferOutcome.CALLER_LEFT))
            state.call_id = None
            actions += self._set(state, AgentStatus.READY, now, keep_idle=True)
        talking = self._talking.pop(call_id, None)
        if talking is not None:
            actions += self._start_wrapup(self._agents[talking[0]], talking[1], now)
        return actions + self._dispatch(now)

    def agent_hung_up(self, call_id: str, now: float) -> list[Action]:
        talking = self._talking.pop(call_id, None)
        if talking is None:
            return []
        agent_id, queue = talking
        return [ReleaseCaller(call_id), *self._start_wrapup(self._agents[agent_id], queue, now), *self._dispatch(now)]

    # ---- time ---------------------------------------------------------------------------------

    def next_deadline(self) -> float | None:
        times = [c.give_up_at for c in self._waiting.values()]
        times += [c.ring_until for c in self._waiting.values() if c.offered_to]
        times += [a.wrapup_until for a in self._agents.values() if a.status is AgentStatus.WRAPUP]
        return min(times, default=None)

    def tick(self, now: float) -> list[Action]:
        actions: list[Action] = []
        for state in self._agents.values():
            if state.status is AgentStatus.WRAPUP and now >= state.wrapup_until:
                actions += self._after_call(state, now)
        for call in list(self._waiting.values()):
            if call.offered_to and now >= call.ring_until:
                state = self._agents[call.offered_to]
                actions += self._withdraw_offer(state, now, OfferOutcome.NO_ANSWER)
                # Ring-no-answer: the agent is away from the phone; stop offering them calls.
                actions += self._set(state, AgentStatus.NOT_READY, now, reason=MISSED_REASON)
        for call in list(self._waiting.values()):
            if now >= call.give_up_at:
                if call.offered_to:
                    state = self._agents[call.offered_to]
                    actions += self._withdraw_offer(state, now, OfferOutcome.CALLER_LEFT)
                    actions += self._set(state, AgentStatus.READY, now, keep_idle=True)
                del self._waiting[call.call_id]
                actions.append(GiveUp(call.call_id, "max_wait"))
        return actions + self._dispatch(now)

    # ---- inside ------------------------------------------------------------------------------

    def _dispatch(self, now: float) -> list[Action]:
        actions: list[Action] = []
        for call in self._waiting.values():
            if call.offered_to:
                continue
            agent = self._pick_agent(call)
            if agent is None:
                continue
            queue = self._queue(call.queue)
            seat = self._seat(agent.seat or "")
            call.offered_to, call.ring_until = agent.agent_id, now + queue.ring_timeout
            call.tried.add(agent.agent_id)
            agent.call_id = call.call_id
            actions.append(Offer(call.call_id, agent.agent_id, seat.name, seat.phone_uri, queue.ring_timeout))
            actions += self._set(agent, AgentStatus.RINGING, now, keep_idle=True, call_id=call.call_id)
        return actions

    def _pick_agent(self, call: WaitingCall) -> AgentState | None:
        queue = self._config.queue(call.queue)
        if queue is None:  # removed while callers waited: they wait out their max wait
            return None
        candidates = [
            a
            for a in self._agents.values()
            if a.status is AgentStatus.READY
            and a.agent_id not in call.tried
            and a.seat is not None
            and self._config.seat(a.seat) is not None
            and (cfg := self._config.agent(a.agent_id)) is not None
            and queue.accepts(cfg)
        ]
        return min(candidates, key=lambda a: (a.idle_since, a.agent_id), default=None)

    def _withdraw_offer(self, state: AgentState, now: float, outcome: OfferOutcome) -> list[Action]:
        call_id = state.call_id
        state.call_id = None
        call = self._waiting.get(call_id or "")
        if call is not None:
            call.offered_to, call.ring_until = None, 0.0
        return [CancelOffer(call_id, state.agent_id, outcome)] if call_id else []

    def _start_wrapup(self, state: AgentState, queue_name: str, now: float) -> list[Action]:
        queue = self._config.queue(queue_name)
        wrapup = queue.wrapup if queue else 0
        state.call_id = None
        state.wrapup_until = now + wrapup
        if wrapup <= 0:
            return self._after_call(state, now)
        return self._set(state, AgentStatus.WRAPUP, now, reason=queue_name)

    def _after_call(self, state: AgentState, now: float) -> list[Action]:
        if state.pause_after_call:
            reason, state.pause_after_call = state.pause_after_call, None
            return self._set(state, AgentStatus.NOT_READY, now, reason=reason)
        return self._set(state, AgentStatus.READY, now)

    def _force_logout(self, state: AgentState, now: float, reason: str) -> list[Action]:
        actions: list[Action] = []
        if state.status is AgentStatus.RINGING:
            actions += self._withdraw_offer(state, now, OfferOutcome.NO_ANSWER)
        call_id = next((c for c, (a, _) in self._talking.items() if a == state.agent_id), None)
        if call_id is not None:
            del self._talking[call_id]
        state.pause_after_call = None
        actions += self._set(state, AgentStatus.LOGGED_OUT, now, reason=reason)
        state.seat = None
        return actions

    def _set(
        self,
        state: AgentState,
        status: AgentStatus,
        now: float,
        *,
        reason: str = "",
        keep_idle: bool = False,
        call_id: str | None = None,
    ) -> list[Action]:
        if status is AgentStatus.READY and not keep_idle:
            state.idle_since = now  # longest-idle counts from the end of the last call or pause
        state.status, state.reason, state.since = status, reason, now
        if call_id is not None:
            state.call_id = call_id
        return [AgentChanged(state.agent_id, status.value, reason, state.seat, state.call_id)]

    def _logged_in(self, agent_id: str) -> AgentState:
        state = self.agent(agent_id)
        if state.status is AgentStatus.LOGGED_OUT:
            raise Conflict(f"agent {agent_id!r} is not logged in: log in at a seat first with 'branchline agent login'.")
        return state

    def _seat(self, name: str) -> Seat:
        seat = self._config.seat(name)
        if seat is None:
            raise NotFound(f"seat {name!r} does not exist: 'branchline seat list' shows the seats.")
        return seat

    def _queue(self, name: str) -> Queue:
        queue = self._config.queue(name)
        if queue is None:
            raise NotFound(f"queue {name!r} does not exist.")
        return queue
