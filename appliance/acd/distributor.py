"""The distributor: agents' states, callers waiting in queues, and who is offered which call.

Pure: every method takes the time, changes the distributor's state and returns the actions the
core must carry out. Nothing here reads a clock, touches SIP or writes to the database.

The distributor keeps the state and applies each event to it; who gets which call is decided by
`matching.py` among the agents free now (Ready, phone answering pings, not held back after a
missed, busy or unreachable offer); what callers are told comes from `estimate.py`.
docs/acd.md has the full rules and examples.
"""

from __future__ import annotations

import random

from appliance.acd.actions import (
    Action,
    AgentChanged,
    CallbackGaveUp,
    CallbackRetry,
    CancelOffer,
    Connect,
    Exit,
    Offer,
    ReleaseCaller,
)
from appliance.acd.agents import AgentState, AgentStatus, OfferOutcome
from appliance.acd.estimate import HandleTimes, estimated_wait
from appliance.acd.matching import match_round
from appliance.acd.waiting import NEVER, WaitingCall, service_order
from appliance.errors import Conflict, InvalidInput, NotFound
from appliance.model import BranchConfig, Queue, Seat

__all__ = ("AgentState", "AgentStatus", "Distributor", "OfferOutcome", "WaitingCall")

MISSED_REASON = "missed"
LOGIN_REASON = "login"
_SERVING = (AgentStatus.READY, AgentStatus.RINGING, AgentStatus.ON_CALL, AgentStatus.WRAPUP)


class _Talk:
    __slots__ = ("agent_id", "queue", "started", "callback")

    def __init__(self, agent_id: str, queue: str, started: float, callback: str | None) -> None:
        self.agent_id, self.queue, self.started, self.callback = agent_id, queue, started, callback


class Distributor:
    def __init__(self, config: BranchConfig, seed: int = 0) -> None:
        self._config = config
        self._rng = random.Random(seed)
        self._agents: dict[str, AgentState] = {}
        self._waiting: dict[str, WaitingCall] = {}
        self._talking: dict[str, _Talk] = {}  # call id -> who talks, in which queue, since when
        self._members: dict[str, dict[str, int]] = {}  # queue -> {agent id: penalty} of agents with its skills
        self._rule_times: dict[str, list[int]] = {}  # queue -> its penalty rules' thresholds, ascending
        self._last_rung: dict[str, str] = {}  # queue -> agent, for round-robin
        self._handle_times = HandleTimes()
        self._phones_down: set[str] = set()  # seats whose phones do not answer pings
        self._callbacks_dialling: dict[str, WaitingCall] = {}  # agent answered; customer being dialled
        self._wrapup_started: dict[str, tuple[str, float, float]] = {}  # agent -> (queue, talk start, wrap-up start)
        self._consulted: dict[str, tuple[AgentStatus, str]] = {}  # agent rung for a consultation -> state before it
        self._seq = 0
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
        self._members = {
            q.name: {a.id: a.penalty(q.name) for a in config.agents if q.accepts(a)} for q in config.queues
        }
        self._rule_times = {q.name: sorted(r.after for r in q.penalty_rules) for q in config.queues if q.penalty_rules}
        return actions + self._leave_empty(now) + self._dispatch(now)

    def seed_handle_times(self, queue: str, seconds: list[float]) -> None:
        """Recent handle times from the store, so the estimated wait is right from the first call."""
        self._handle_times.seed(queue, seconds)

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
        if (state.seat, state.status, state.reason) == (seat.name, AgentStatus.NOT_READY, LOGIN_REASON):
            return []  # signed in here already: nothing changes, so nothing to log
        if state.status is AgentStatus.LOGGED_OUT:
            state.calls_by_queue, state.talk_seconds, state.misses = {}, 0.0, 0
        state.seat = seat.name
        state.phone_ok = seat.name not in self._phones_down
        # A fresh login starts Not Ready, as in every ACD: the agent says when they are ready.
        return self._set(state, AgentStatus.NOT_READY, now, reason=LOGIN_REASON)

    def ready(self, agent_id: str, now: float) -> list[Action]:
        state = self._logged_in(agent_id)
        state.pause_after_call = None
        if state.status in (AgentStatus.RINGING, AgentStatus.ON_CALL, AgentStatus.READY):
            return []  # ready already, or will be after the call
        if state.status is AgentStatus.WRAPUP:
            return self.end_wrapup(agent_id, now)
        state.misses, state.blocked_until = 0, 0.0
        return self._set(state, AgentStatus.READY, now) + self._dispatch(now)

    def pause(self, agent_id: str, reason: str, now: float) -> list[Action]:
        reason = reason.strip()  # " break " is the code break, and is logged as such
        self._check_pause_code(reason)
        state = self._logged_in(agent_id)
        if state.status is AgentStatus.NOT_READY and state.reason == reason:
            return []  # paused already for this reason: the pause's clock keeps running
        if state.status in (AgentStatus.ON_CALL, AgentStatus.WRAPUP):
            state.pause_after_call = reason  # taken when the call and its wrap-up are over
            return []
        actions: list[Action] = []
        if state.status is AgentStatus.RINGING:
            actions += self._withdraw(state, now, OfferOutcome.WITHDRAWN)
        return actions + self._set(state, AgentStatus.NOT_READY, now, reason=reason) + self._dispatch(now)

    def logout(self, agent_id: str, now: float, reason: str = "logout") -> list[Action]:
        state = self.agent(agent_id)
        if state.status is AgentStatus.ON_CALL:
            raise Conflict(f"agent {agent_id!r} is on a call: log out after it ends.")
        if state.status is AgentStatus.LOGGED_OUT:
            return []
        return self._force_logout(state, now, reason) + self._leave_empty(now) + self._dispatch(now)

    def end_wrapup(self, agent_id: str, now: float) -> list[Action]:
        """The agent finished their after-call work early."""
        state = self._in_wrapup(agent_id)
        return self._after_call(state, now) + self._dispatch(now)

    def extend_wrapup(self, agent_id: str, now: float) -> list[Action]:
        """One extension per wrap-up, of the branch's `wrapup_extend` seconds."""
        state = self._in_wrapup(agent_id)
        if state.wrapup_extended:
            raise Conflict(f"agent {agent_id!r} has already extended this wrap-up once: finish it, or pause.")
        state.wrapup_extended = True
        state.wrapup_until += self._config.acd.wrapup_extend
        return []

    def phone_reachable(self, seat: str, reachable: bool, now: float) -> list[Action]:
        """The seat phone started or stopped answering pings: nobody is offered calls on a dead phone."""
        if reachable:
            self._phones_down.discard(seat)
        else:
            self._phones_down.add(seat)
        actions: list[Action] = []
        for state in self._agents.values():
            if state.seat == seat and state.phone_ok != reachable:
                state.phone_ok = reachable
                actions += self._set(state, state.status, now, reason=state.reason, keep_since=True,
                                     phone_changed=True)
        return actions + self._leave_empty(now) + self._dispatch(now)

    # ---- calls --------------------------------------------------------------------------------

    def waiting(self, now: float) -> list[WaitingCall]:
        """Everybody waiting, in service order at `now` (aging priorities change it over time)."""
        return sorted(self._waiting.values(), key=lambda c: service_order(c, self._config.queue(c.queue), now))

    def waiting_call(self, call_id: str) -> WaitingCall | None:
        return self._waiting.get(call_id)

    def serving_agents(self, queue_name: str) -> int:
        """Agents signed in with a working phone who could serve the queue: can a caller hope?"""
        members = self._members.get(queue_name, {})
        return sum(
            1 for a in self._agents.values() if a.agent_id in members and a.status is not AgentStatus.LOGGED_OUT and a.phone_ok
        )

    def queues_of(self, agent_id: str) -> list[str]:
        """The queues whose skills the agent holds, by name."""
        return sorted(name for name, members in self._members.items() if agent_id in members)

    def logged_in(self) -> int:
        return sum(1 for a in self._agents.values() if a.status is not AgentStatus.LOGGED_OUT)

    def enqueue(
        self, call_id: str, queue_name: str, now: float, *, priority: int = 0, arrived: float | None = None,
        skill: tuple[str, int] | None = None, agent: str | None = None,
    ) -> list[Action]:
        """A caller joins a queue (or moves to it by overflow or a transfer, keeping `arrived`).
        `skill`: one more skill (name, minimum level) the answering agent must have, beyond the
        queue's; `agent`: only this agent may answer (a transfer to them)."""
        queue = self._queue(queue_name)
        if agent is not None:
            self._transfer_target(agent)
        on_line = [c for c in self._waiting.values() if c.queue == queue.name and c.on_line]
        if queue.max_callers and len(on_line) >= queue.max_callers:
            return [Exit(call_id, "full", queue.overflow)]
        if not queue.join_empty and self.serving_agents(queue.name) == 0:
            return [Exit(call_id, "empty", queue.overflow)]
        self._seq += 1
        start = now if arrived is None else arrived
        self._waiting[call_id] = WaitingCall(call_id, queue.name, start, now, self._seq, priority, now + queue.max_wait,
                                             skill=skill, agent=agent)
        return self._dispatch(now)

    def _transfer_target(self, agent_id: str) -> None:
        state = self.agent(agent_id)
        if state.status is AgentStatus.LOGGED_OUT:
            raise Conflict(f"agent {agent_id!r} is not signed in: transfer to a queue, or to someone signed in.")

    def add_callback(
        self, call_id: str, queue_name: str, number: str, now: float, *,
        arrived: float, priority: int = 0, attempts: int = 0, not_before: float = 0.0, agent: str | None = None,
    ) -> list[Action]:
        """A callback request joins with its original place (also after a restart). `agent`: an
        agent's own scheduled callback, offered to them only, from `not_before` on."""
        self._seq += 1
        call = WaitingCall(call_id, queue_name, arrived, now, self._seq, priority, NEVER, callback=number,
                           attempts=attempts, not_before=not_before, agent=agent)
        self._waiting[call_id] = call
        return self._dispatch(now)

    def request_callback(self, call_id: str, number: str, now: float) -> list[Action]:
        """The caller asked to be called back: they leave the line but keep their place."""
        call = self._waiting.get(call_id)
        if call is None or not call.on_line:
            raise Conflict(f"call {call_id!r} is not waiting in a queue: only a waiting caller can ask for a callback.")
        actions: list[Action] = []
        for agent_id in list(call.offered_to):
            actions += self._withdraw(self._agents[agent_id], now, OfferOutcome.CALLER_LEFT)
        # A fresh start for the callback: the agent who was being rung may well be the one to call back.
        call.callback, call.give_up_at, call.tried = number, NEVER, set()
        return actions + self._dispatch(now)

    def offer_answered(self, call_id: str, agent_id: str, now: float) -> list[Action]:
        call = self._waiting.get(call_id)
        if call is None or agent_id not in call.offered_to:
            return []
        del self._waiting[call_id]
        actions: list[Action] = []
        # A copy: releasing an agent removes them from offered_to (ring-all may ring many).
        for other in list(call.offered_to):
            if other != agent_id:
                actions += self._release_ringing(self._agents[other], call, now, OfferOutcome.ANSWERED_ELSEWHERE)
        state = self._agents[agent_id]
        state.calls_answered += 1
        state.misses = 0
        state.calls_by_queue[call.queue] = state.calls_by_queue.get(call.queue, 0) + 1
        self._talking[call_id] = _Talk(agent_id, call.queue, now, call.callback)
        if call.callback is not None:
            self._callbacks_dialling[call_id] = call
        actions += self._set(state, AgentStatus.ON_CALL, now, call_id=call_id)
        # Dispatch too: with ring-all the other agents rung are Ready again and can take waiting callers.
        return [Connect(call_id, agent_id, state.seat or "", call.callback), *actions, *self._dispatch(now)]

    def offer_failed(self, call_id: str, agent_id: str, outcome: OfferOutcome, now: float) -> list[Action]:
        """The agent's phone was busy or unreachable: hold that agent back a while, try the next one."""
        call = self._waiting.get(call_id)
        if call is None or agent_id not in call.offered_to:
            return []
        state = self._agents[agent_id]
        delay = self._config.acd.busy_delay if outcome is OfferOutcome.BUSY else self._config.acd.unreachable_delay
        actions = self._release_ringing(state, call, now, None)
        state.blocked_until = now + delay
        return actions + self._dispatch(now)

    def caller_left(self, call_id: str, now: float) -> list[Action]:
        """The caller hung up, whether waiting, being offered, or talking."""
        call = self._waiting.get(call_id)
        actions: list[Action] = []
        if call is not None and call.on_line:
            del self._waiting[call_id]
            for agent_id in list(call.offered_to):
                actions += self._release_ringing(self._agents[agent_id], call, now, OfferOutcome.CALLER_LEFT)
        actions += self._end_talk(call_id, now)
        return actions + self._dispatch(now)

    def dial_callback(self, agent_id: str, call_id: str, now: float) -> list[Action]:
        """The agent clicked Dial on a waiting callback: their phone rings for it now, whatever its
        turn. A paused agent returns to that pause when the callback is over."""
        call = self._waiting.get(call_id)
        if call is None or call.on_line:
            raise NotFound(f"callback {call_id!r} is not waiting: it was dialled already or has ended.")
        if call.offered_to:
            raise Conflict(f"callback {call_id!r} is ringing an agent now.")
        if call.agent not in (None, agent_id):
            raise Conflict(f"callback {call_id!r} was scheduled by agent {call.agent!r}: only they can dial it.")
        state = self._logged_in(agent_id)
        if state.status not in (AgentStatus.READY, AgentStatus.NOT_READY):
            raise Conflict(f"agent {agent_id!r} is {state.status.value}: dial the callback when the call is over.")
        if state.status is AgentStatus.NOT_READY:
            state.pause_after_call = state.reason
        call.not_before = 0.0
        return self._offer(call, self._queue(call.queue), [state], now)

    # ---- consultations: an agent talks to another before passing the caller on ------------------

    def consult_ring(self, agent_id: str, call_id: str, now: float) -> list[Action]:
        """Another agent's phone rings for a consultation: they are offered nothing else meanwhile."""
        state = self._logged_in(agent_id)
        if state.status not in (AgentStatus.READY, AgentStatus.NOT_READY):
            raise Conflict(f"agent {agent_id!r} is {state.status.value}: consult someone free, or a queue.")
        self._consulted[agent_id] = (state.status, state.reason)
        return self._set(state, AgentStatus.RINGING, now, keep_idle=True, call_id=call_id)

    def consult_answered(self, agent_id: str, now: float) -> list[Action]:
        state = self._agents[agent_id]
        return self._set(state, AgentStatus.ON_CALL, now, call_id=state.call_id)

    def consult_ended(self, agent_id: str, now: float) -> list[Action]:
        """The consultation is over without a transfer: the agent is as they were before it."""
        status, reason = self._consulted.pop(agent_id, (AgentStatus.READY, ""))
        state = self._agents[agent_id]
        state.call_id = None
        return self._set(state, status, now, reason=reason, keep_idle=True) + self._dispatch(now)

    def take_over(self, call_id: str, agent_id: str, now: float) -> list[Action]:
        """A consultation became a transfer: the consulted agent has the caller, the other wraps up."""
        talk = self._talking.get(call_id)
        if talk is None:
            raise Conflict(f"call {call_id!r} is not talking to an agent: there is nothing to transfer.")
        self._consulted.pop(agent_id, None)
        actions = self._end_talk(call_id, now)
        state = self._agents[agent_id]
        state.calls_answered += 1
        self._talking[call_id] = _Talk(agent_id, talk.queue, now, None)
        return actions + self._dispatch(now)

    def transfer_out(self, call_id: str, now: float) -> list[Action]:
        """The agent passed the caller on (a blind transfer): their part ends, the caller stays."""
        if call_id not in self._talking:
            raise Conflict(f"call {call_id!r} is not talking to an agent: there is nothing to transfer.")
        return [*self._end_talk(call_id, now), *self._dispatch(now)]

    def agent_hung_up(self, call_id: str, now: float) -> list[Action]:
        if call_id not in self._talking:
            return []
        return [ReleaseCaller(call_id), *self._end_talk(call_id, now), *self._dispatch(now)]

    def callback_result(self, call_id: str, reached: bool, now: float) -> list[Action]:
        """The customer of a callback answered (the call goes on) or could not be reached."""
        call = self._callbacks_dialling.pop(call_id, None)
        if call is None or reached:
            return []
        talk = self._talking.pop(call_id, None)
        actions: list[Action] = []
        if talk is not None:
            # No conversation happened: the agent's idle time runs on, or the pause they asked for starts.
            actions += self._free_agent(self._agents[talk.agent_id], now, keep_idle=True)
        call.attempts += 1
        if call.attempts >= self._config.acd.callback_attempts:
            actions.append(CallbackGaveUp(call_id, call.attempts))
        else:
            call.offered_to, call.tried, call.not_before = [], set(), now + self._config.acd.callback_retry
            self._waiting[call_id] = call  # back in its original place
            actions.append(CallbackRetry(call_id, call.attempts, call.not_before))
        return actions + self._dispatch(now)

    # ---- what callers are told ----------------------------------------------------------------

    def position(self, call_id: str, now: float) -> int | None:
        """1 for the next caller of this call's queue to be served."""
        call = self._waiting.get(call_id)
        if call is None:
            return None
        queue = self._config.queue(call.queue)
        key = service_order(call, queue, now)
        return 1 + sum(
            1 for c in self._waiting.values() if c.queue == call.queue and service_order(c, queue, now) < key
        )

    def estimated_wait(self, queue_name: str, position: int, now: float) -> float | None:
        """Seconds until the caller at `position` is offered to an agent (estimate.py); None when nobody serves."""
        members = self._members.get(queue_name, {})
        serving = [a for a in self._agents.values() if a.agent_id in members and a.status in _SERVING and a.phone_ok]
        # Free means free for a caller who has just arrived: an agent the queue's penalty rules keep
        # back until callers have waited a while will not take them now.
        queue = self._config.queue(queue_name)
        limit = queue.penalty_limit(0.0) if queue else None
        free = sum(1 for a in serving if a.available(now) and (limit is None or members[a.agent_id] <= limit))
        return estimated_wait(position, len(serving), free, self.handle_time(queue_name))

    def handle_time(self, queue_name: str) -> float:
        queue = self._config.queue(queue_name)
        return self._handle_times.mean(queue_name, float(queue.handle_time if queue else 180))

    # ---- time ---------------------------------------------------------------------------------

    def next_deadline(self, now: float) -> float | None:
        """When `tick` must next run. A past time means now: something is due.

        Runs after every event, so it keeps a running minimum instead of building lists.
        """
        best = NEVER
        for call in self._waiting.values():
            # Max-wait is due even while an agent's phone rings (tick acts on it then too).
            best = min(best, call.give_up_at)
            if call.offered_to:
                best = min(best, call.ring_until)
            else:
                # The next penalty-rule threshold still ahead lets more agents take this caller.
                best = min(best, next((t for a in self._rule_times.get(call.queue, ()) if (t := call.arrived + a) > now),
                                      NEVER))
            if call.not_before:
                best = min(best, call.not_before)
        for agent in self._agents.values():
            if agent.status is AgentStatus.WRAPUP:
                best = min(best, agent.wrapup_until)
            if agent.blocked_until:
                best = min(best, agent.blocked_until)
        return None if best == NEVER else best

    def tick(self, now: float) -> list[Action]:
        actions: list[Action] = []
        for state in self._agents.values():
            if state.status is AgentStatus.WRAPUP and now >= state.wrapup_until:
                actions += self._after_call(state, now)
            if state.blocked_until and now >= state.blocked_until:
                state.blocked_until = 0.0
        for call in list(self._waiting.values()):
            if call.offered_to and now >= call.ring_until:
                actions += self._ring_no_answer(call, now)
        for call in list(self._waiting.values()):
            if call.not_before and now >= call.not_before:
                call.not_before = 0.0
            if now >= call.give_up_at:
                actions += self._exit(call, "timeout", now)
        return actions + self._dispatch(now)

    # ---- inside: matching callers and agents --------------------------------------------------

    def _dispatch(self, now: float) -> list[Action]:
        actions: list[Action] = []
        while True:
            made, held_back = self._dispatch_round(now)
            actions += made
            # Another round matters only when the tier rule held an agent back from a call: the
            # lower-penalty call they were kept for may have gone to someone else this round.
            if not made or not held_back:
                return actions

    def _dispatch_round(self, now: float) -> tuple[list[Action], bool]:
        free = [a for a in self._agents.values() if a.available(now) and self._config.seat(a.seat or "") is not None]
        matches, held_back = match_round(
            self._waiting.values(), free, self._config, self._members, self._last_rung, self._rng, now
        )
        actions: list[Action] = []
        for match in matches:
            actions += self._offer(match.call, match.queue, match.agents, now)
        return actions, held_back

    def _offer(self, call: WaitingCall, queue: Queue, agents: list[AgentState], now: float) -> list[Action]:
        actions: list[Action] = []
        call.offered_to, call.ring_until = [a.agent_id for a in agents], now + queue.ring_timeout
        for state in agents:
            seat = self._seat(state.seat or "")
            call.tried.add(state.agent_id)
            actions.append(Offer(call.call_id, state.agent_id, seat.name, seat.phone_uri, queue.ring_timeout, call.callback))
            actions += self._set(state, AgentStatus.RINGING, now, keep_idle=True, call_id=call.call_id)
        return actions

    def _ring_no_answer(self, call: WaitingCall, now: float) -> list[Action]:
        actions: list[Action] = []
        counts = self._config.queue(call.queue) is None or self._config.queue(call.queue).strategy != "ring-all"
        acd = self._config.acd
        for agent_id in list(call.offered_to):
            state = self._agents[agent_id]
            actions += self._release_ringing(state, call, now, OfferOutcome.NO_ANSWER)
            if not counts:
                continue  # ring-all rings everyone; nobody in particular missed it
            state.misses += 1
            if acd.max_no_answer and state.misses >= acd.max_no_answer:
                # The agent is away from the phone: stop offering them calls until they return.
                state.misses = 0
                actions += self._set(state, AgentStatus.NOT_READY, now, reason=MISSED_REASON)
            else:
                state.blocked_until = now + acd.no_answer_delay
        return actions

    def _release_ringing(
        self, state: AgentState, call: WaitingCall, now: float, outcome: OfferOutcome | None
    ) -> list[Action]:
        """An agent's phone stops ringing for this call; the agent is Ready again, idle time kept."""
        if state.agent_id in call.offered_to:
            call.offered_to.remove(state.agent_id)
        if not call.offered_to:
            call.ring_until = 0.0
        state.call_id = None
        actions: list[Action] = [CancelOffer(call.call_id, state.agent_id, outcome.value)] if outcome else []
        if state.pause_after_call:  # rung from a pause (a callback they dialled): back to it
            reason, state.pause_after_call = state.pause_after_call, None
            return actions + self._set(state, AgentStatus.NOT_READY, now, reason=reason)
        return actions + self._set(state, AgentStatus.READY, now, keep_idle=True)

    def _withdraw(self, state: AgentState, now: float, outcome: OfferOutcome) -> list[Action]:
        call = self._waiting.get(state.call_id or "")
        if call is None:
            state.call_id = None
            return []
        return self._release_ringing(state, call, now, outcome)

    def _exit(self, call: WaitingCall, reason: str, now: float) -> list[Action]:
        del self._waiting[call.call_id]
        actions: list[Action] = []
        for agent_id in list(call.offered_to):
            actions += self._release_ringing(self._agents[agent_id], call, now, OfferOutcome.CALLER_LEFT)
        queue = self._config.queue(call.queue)
        return actions + [Exit(call.call_id, reason, queue.overflow if queue else "sorry")]

    def _leave_empty(self, now: float) -> list[Action]:
        actions: list[Action] = []
        for queue in self._config.queues:
            if queue.leave_empty and self.serving_agents(queue.name) == 0:
                for call in [c for c in self._waiting.values() if c.queue == queue.name and c.on_line]:
                    actions += self._exit(call, "empty", now)
        return actions

    # ---- inside: calls ending, agents' states -----------------------------------------------------

    def _end_talk(self, call_id: str, now: float) -> list[Action]:
        talk = self._talking.pop(call_id, None)
        self._callbacks_dialling.pop(call_id, None)
        if talk is None:
            return []
        state = self._agents[talk.agent_id]
        state.talk_seconds += now - talk.started
        return self._start_wrapup(state, call_id, talk, now)

    def _start_wrapup(self, state: AgentState, call_id: str, talk: _Talk, now: float) -> list[Action]:
        queue = self._config.queue(talk.queue)
        config = self._config.agent(state.agent_id)
        wrapup = config.wrapup if config and config.wrapup is not None else (queue.wrapup if queue else 0)
        state.call_id = None
        state.wrapup_until, state.wrapup_extended = now + wrapup, False
        self._wrapup_started[state.agent_id] = (talk.queue, talk.started, now)
        if wrapup <= 0:
            return self._after_call(state, now)
        # The wrap-up event names the call it follows, so reports can add it to that call's handle time.
        return self._set(state, AgentStatus.WRAPUP, now, reason=talk.queue, call_id=call_id)

    def _after_call(self, state: AgentState, now: float) -> list[Action]:
        started = self._wrapup_started.pop(state.agent_id, None)
        if started is not None:
            queue, talk_started, _ = started
            self._handle_times.record(queue, now - talk_started)
        return self._free_agent(state, now)

    def _free_agent(self, state: AgentState, now: float, *, keep_idle: bool = False) -> list[Action]:
        """A call is over for the agent: Ready, or Not Ready when they asked for a pause during it."""
        state.call_id = None
        if state.pause_after_call:
            reason, state.pause_after_call = state.pause_after_call, None
            return self._set(state, AgentStatus.NOT_READY, now, reason=reason)
        return self._set(state, AgentStatus.READY, now, keep_idle=keep_idle)

    def _force_logout(self, state: AgentState, now: float, reason: str) -> list[Action]:
        actions: list[Action] = []
        if state.status is AgentStatus.RINGING:
            actions += self._withdraw(state, now, OfferOutcome.WITHDRAWN)
        for call_id in [c for c, t in self._talking.items() if t.agent_id == state.agent_id]:
            del self._talking[call_id]
            self._callbacks_dialling.pop(call_id, None)
        self._wrapup_started.pop(state.agent_id, None)
        state.pause_after_call, state.blocked_until, state.call_id = None, 0.0, None
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
        keep_since: bool = False,
        call_id: str | None = None,
        phone_changed: bool = False,
    ) -> list[Action]:
        if status is AgentStatus.READY and not keep_idle:
            state.idle_since = now
        previous, previous_reason, previous_since = state.status.value, state.reason, state.since
        state.status, state.reason = status, reason
        # An event that changes neither status nor reason (phone up/down, a new seat) continues the
        # current period: restarting `since` there would lose that period's time from every report.
        if not keep_since and (status.value, reason) != (previous, previous_reason):
            state.since = now
        if call_id is not None:
            state.call_id = call_id
        return [
            AgentChanged(state.agent_id, status.value, reason, state.seat, state.call_id,
                         previous, previous_reason, previous_since, state.phone_ok, phone_changed)
        ]

    # ---- inside: lookups ----------------------------------------------------------------------

    def _logged_in(self, agent_id: str) -> AgentState:
        state = self.agent(agent_id)
        if state.status is AgentStatus.LOGGED_OUT:
            raise Conflict(f"agent {agent_id!r} is not logged in: log in at a seat first with 'branchline agent login'.")
        return state

    def _in_wrapup(self, agent_id: str) -> AgentState:
        state = self._logged_in(agent_id)
        if state.status is not AgentStatus.WRAPUP:
            raise Conflict(f"agent {agent_id!r} is not in wrap-up (they are {state.status.value}).")
        return state

    def _check_pause_code(self, reason: str) -> None:
        code = self._config.pause_code(reason.strip())
        if code is None or code.system:
            choices = ", ".join(p.code for p in self._config.pause_codes if not p.system) or "none configured"
            raise InvalidInput(
                f"{reason!r} is not a pause reason agents can choose: use one of {choices} "
                "('branchline pause-code add' makes more)."
            )

    def _seat(self, name: str) -> Seat:
        seat = self._config.seat(name)
        if seat is None:
            raise NotFound(f"seat {name!r} does not exist: 'branchline seat list' shows the seats.")
        return seat

    def _queue(self, name: str) -> Queue:
        queue = self._config.queue(name)
        if queue is None:
            raise NotFound(f"queue {name!r} does not exist: 'branchline queue list' shows the queues.")
        return queue
