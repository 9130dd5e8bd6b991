"""Call control from the agent's desktop: hold, hang-up, blind transfers, consultations and the
agent's own callbacks.

A mixin of the switchboard, kept apart because it is one concern: what an agent does to the call
they are on. It works on the switchboard's live calls, agent legs and distributor, and carries
out what it decides through the same `_send` and `_apply` (see switchboard.py).
"""

from __future__ import annotations

from collections.abc import Callable

import apsw

from appliance.acd.actions import Action
from appliance.acd.distributor import AgentState, Distributor
from appliance.clock import iso
from appliance.core.agent_legs import AgentLegs
from appliance.core.agent_log import seconds
from appliance.core.callbacks import CallbackCalls
from appliance.core.consultations import Consultation, Consultations
from appliance.core.dialplan import outbound_target
from appliance.core.live_calls import CallView, LiveCall
from appliance.core.outside_transfers import OutsideTransfers
from appliance.errors import Conflict, InvalidInput, NotFound
from appliance.model import BranchConfig
from appliance.store.callbacks import CallbackRequest
from appliance.store.records import CallRecord, append_event, save_call
from appliance.telephony.messages import Bridge, Command, Dial, Hangup, LegEnded, MusicOnHold

__all__ = ("DeskCalls",)


class DeskCalls:
    # What the switchboard provides (switchboard.py).
    _conn: apsw.Connection
    _config: BranchConfig
    _calls: dict[str, LiveCall]
    _agent_legs: AgentLegs
    _send: Callable[[Command], None]
    _clock: Callable[[], float]
    distributor: Distributor
    callbacks: CallbackCalls
    outside: OutsideTransfers
    consultations: Consultations
    _apply: Callable[[list[Action], float], None]
    _enqueue: Callable[..., None]
    _agent_command: Callable[..., AgentState]
    conversation_started: Callable[[LiveCall, str, str, float], None]

    def call_view(self, call_id: str | None) -> CallView | None:
        call = self._calls.get(call_id or "")
        if call is None:
            return None
        record = call.record
        return CallView(record.id, record.caller, record.queue, call.phase, call.arrived, call.entered,
                        call.talk_started, call.held_since, record.customer_ref, record.flow)

    def schedule_callback(self, agent_id: str, call_id: str, queue: str | None, number: str, due: float,
                          notes: str) -> str:
        """The agent's own callback, offered to them only from `due` on (or when they click Dial).
        The caller's transaction saves it with the wrap-up that scheduled it."""
        if (why := self.outside.check(self._config, number)) is not None:
            raise InvalidInput(f"cannot call back {number!r}: {why}")
        queue = queue if queue and self._config.queue(queue) else None
        if queue is None:
            raise InvalidInput("this call has no queue to schedule its callback in.")
        now = self._clock()
        taken = self._conn.execute("SELECT count(*) FROM callbacks WHERE id LIKE ?", (f"{call_id}~sched%",)).fetchone()
        request = CallbackRequest(f"{call_id}~sched{taken[0] + 1}", queue, number, 0, now, not_before=due,
                                  source="agent", owner=agent_id, notes=notes or None)
        # Its own call record: offers and attempts hang off a call, as a caller's callback's do.
        save_call(self._conn, CallRecord(request.call_id, number, "callback", iso(now), queue=queue, agent_id=agent_id,
                                         ended_at=iso(now), ended_by="agent", end_reason="callback scheduled",
                                         exit_reason="callback"))
        self.callbacks.requested(request, "agent", 0.0, now)
        self._apply(self.distributor.add_callback(request.call_id, queue, number, now, arrived=now,
                                                  not_before=due, agent=agent_id), now)
        return request.call_id

    def dial_callback(self, agent_id: str, callback_id: str) -> AgentState:
        return self._agent_command(self.distributor.dial_callback, agent_id, callback_id)

    def answer(self, agent_id: str) -> AgentState:
        """Answer from the desktop: the seat phone is asked to pick up (only phones that allow it)."""
        state = self.distributor.agent(agent_id)
        seat = self._config.seat(state.seat or "")
        if state.status.value != "ringing" or state.call_id is None:
            raise Conflict("nothing is ringing for you to answer.")
        if seat is None or not seat.remote_answer:
            raise Conflict(f"the phone at seat {state.seat!r} cannot be answered from the page: pick it up "
                           "(an admin can add the seat with --remote-answer if the phone allows it).")
        call = self._calls.get(state.call_id)
        shown = call.record.caller if call else (self.callbacks.number(state.call_id) or "")
        if not self._agent_legs.ring_again_to_answer(state.call_id, agent_id, seat.phone_uri, shown):
            raise Conflict("nothing is ringing for you to answer.")
        return state

    def hold(self, agent_id: str) -> AgentState:
        call = self._talking_call(agent_id)
        if call.held_since:
            raise Conflict("the caller is on hold already: resume the call first.")
        now = self._clock()
        call.held_since = now
        with self._conn:
            append_event(self._conn, now, "call_held", call_id=call.record.id, queue=call.record.queue, agent_id=agent_id)
        self._send(MusicOnHold(call.record.id))
        return self.distributor.agent(agent_id)

    def resume(self, agent_id: str) -> AgentState:
        call = self._talking_call(agent_id)
        if not call.held_since:
            raise Conflict("the caller is not on hold.")
        now = self._clock()
        with self._conn:
            append_event(self._conn, now, "call_resumed", call_id=call.record.id, queue=call.record.queue,
                         agent_id=agent_id, held=seconds(now - call.held_since))
        call.held_since = 0.0
        self._send(Bridge(call.record.id, call.agent_leg or ""))
        return self.distributor.agent(agent_id)

    def hang_up(self, agent_id: str) -> AgentState:
        """End the agent's conversation from the desktop, as if they hung up their phone."""
        state = self.distributor.agent(agent_id)
        leg = self._agent_legs.leg_of(state.call_id or "", agent_id) if state.status.value == "on_call" else None
        if leg is None:
            raise Conflict(f"agent {agent_id!r} is not on a call: there is nothing to hang up.")
        self._send(Hangup(leg))  # its LegEnded ends the call the way a hang-up on the phone does
        return state

    def transfer(self, agent_id: str, to: str, target: str) -> AgentState:
        """A blind transfer: the caller goes to a queue, one agent, or an outside number."""
        call = self._talking_call(agent_id)
        target = target.strip()
        self._check_transfer(agent_id, to, target)
        now = self._clock()
        with self._conn:
            actions = self.distributor.transfer_out(call.record.id, now)
            self._agent_legs.hang_up(call.agent_leg)
            call.agent_leg, call.held_since = None, 0.0
            append_event(self._conn, now, "call_transferred", call_id=call.record.id, queue=call.record.queue,
                         agent_id=agent_id, to=to, target=target, talk=seconds(now - call.talk_started))
            self._apply(actions, now)
            if to == "number":
                call.phase = "outside"
                self._send(MusicOnHold(call.record.id))
                self.outside.dial(self._config, call.record.id, call.record.caller, target, now)
            else:
                queue = target if to == "queue" else call.record.queue or ""
                self._enqueue(call, queue, now, agent=target if to == "agent" else None)
        return self.distributor.agent(agent_id)

    def _check_transfer(self, agent_id: str, to: str, target: str) -> None:
        if to == "queue" and self._config.queue(target) is None:
            raise NotFound(f"there is no queue {target!r}: pick one of the branch's queues.")
        if to == "agent":
            if target == agent_id:
                raise InvalidInput("you cannot transfer a call to yourself.")
            if self.distributor.agent(target).status.value == "logged_out":
                raise Conflict(f"agent {target!r} is not signed in: transfer to a queue, or to someone signed in.")
        if to == "number" and (why := self.outside.check(self._config, target)) is not None:
            raise InvalidInput(f"cannot transfer to {target!r}: {why}")
        if to not in ("queue", "agent", "number"):
            raise InvalidInput(f"transfer to {to!r}? Use queue, agent or number.")

    def _talking_call(self, agent_id: str) -> LiveCall:
        state = self.distributor.agent(agent_id)
        call = self._calls.get(state.call_id or "") if state.status.value == "on_call" else None
        if call is None or call.phase != "talking" or call.agent_leg is None:
            raise Conflict(f"agent {agent_id!r} is not talking to a caller: hold and transfer work on a live call.")
        if call.record.agent_id != agent_id:  # consulted about this call: the caller is the other agent's
            raise Conflict("this caller is still the consulting agent's: they complete the transfer to you.")
        return call

    def _outside_leg_ended(self, event: LegEnded, now: float) -> None:
        call_id, answered = self.outside.ended(event.leg_id, event.reason or f"status {event.status}", now)
        call = self._calls.get(call_id)
        if call is None:
            return
        if answered:  # the outside party hung up: the caller's call is over too
            call.released_by_us, call.record.end_reason = "system", "the transferred call ended"
            self._send(Hangup(call_id))
        else:  # nobody took it: back to the queue they came from, in their place
            self._enqueue(call, call.record.queue or "", now)

    # ---- consultations (talk to the target first, then complete or go back) ---------------------

    def consult(self, agent_id: str, to: str, target: str) -> AgentState:
        call = self._talking_call(agent_id)
        if self.consultations.of_call(call.record.id) is not None:
            raise Conflict("a consultation is going on already: complete it or go back to the caller first.")
        target, now = target.strip(), self._clock()
        with self._conn:
            uri, trunk, actions = self._consult_target(agent_id, call, to, target, now)
            consultation = self.consultations.start(call.record.id, agent_id, to, target, now)
            call.held_since = call.held_since or now
            self._send(MusicOnHold(call.record.id))
            append_event(self._conn, now, "consult_started", call_id=call.record.id, queue=call.record.queue,
                         agent_id=agent_id, to=to, target=target)
            self._send(Dial(consultation.leg_id, uri, call.record.caller, trunk))
            self._apply(actions, now)
        return self.distributor.agent(agent_id)

    def _consult_target(self, agent_id: str, call: LiveCall, to: str, target: str,
                        now: float) -> tuple[str, str | None, list[Action]]:
        """(URI, trunk, distributor actions) for dialling the consulted party."""
        if to == "agent":
            if target == agent_id:
                raise InvalidInput("you cannot consult yourself.")
            seat = self._config.seat(self.distributor.agent(target).seat or "")
            actions = self.distributor.consult_ring(target, call.record.id, now)  # refuses a busy agent
            assert seat is not None  # signed in, so seated
            return seat.phone_uri, None, actions
        if to == "number":
            found = outbound_target(self._config, target)
            if isinstance(found, str):
                raise InvalidInput(f"cannot consult {target!r}: {found}")
            return found[0], found[1], []
        raise InvalidInput(f"consult {to!r}? Use agent or number.")

    def _consult_answered(self, consultation: Consultation, now: float) -> None:
        consultation.answered = True
        call = self._calls.get(consultation.call_id)
        append_event(self._conn, now, "consult_answered", call_id=consultation.call_id,
                     agent_id=consultation.agent_id, to=consultation.to, target=consultation.target)
        if consultation.to == "agent":
            self._apply(self.distributor.consult_answered(consultation.target, now), now)
        if call is not None and call.agent_leg:
            self._send(Bridge(call.agent_leg, consultation.leg_id))

    def _consult_ended(self, consultation: Consultation, reason: str, now: float) -> None:
        """The consulted party hung up or never answered: the agent is back with the caller."""
        self.consultations.forget(consultation.call_id)
        append_event(self._conn, now, "consult_ended", call_id=consultation.call_id, agent_id=consultation.agent_id,
                     to=consultation.to, target=consultation.target, reason=reason)
        if consultation.to == "agent":
            self._apply(self.distributor.consult_ended(consultation.target, now), now)
        call = self._calls.get(consultation.call_id)
        if call is not None and call.phase == "talking" and call.agent_leg:
            call.held_since = 0.0
            self._send(Bridge(call.record.id, call.agent_leg))

    def consult_cancel(self, agent_id: str) -> AgentState:
        call = self._talking_call(agent_id)
        consultation = self.consultations.of_call(call.record.id)
        if consultation is None:
            raise Conflict("there is no consultation to leave.")
        self._send(Hangup(consultation.leg_id))
        with self._conn:
            self._consult_ended(consultation, "the agent went back to the caller", self._clock())
        return self.distributor.agent(agent_id)

    def consult_complete(self, agent_id: str) -> AgentState:
        """Hand the caller to the consulted party; the agent goes to wrap-up."""
        call = self._talking_call(agent_id)
        consultation = self.consultations.of_call(call.record.id)
        if consultation is None or not consultation.answered:
            raise Conflict("nobody has answered the consultation yet: wait, or go back to the caller.")
        self.consultations.forget(call.record.id)
        now = self._clock()
        with self._conn:
            if consultation.to == "agent":
                actions = self.distributor.take_over(call.record.id, consultation.target, now)
            else:
                actions = self.distributor.transfer_out(call.record.id, now)
            self._agent_legs.hang_up(call.agent_leg)
            append_event(self._conn, now, "call_transferred", call_id=call.record.id, queue=call.record.queue,
                         agent_id=agent_id, to=consultation.to, target=consultation.target, consulted=True,
                         talk=seconds(now - call.talk_started))
            call.held_since, call.agent_leg = 0.0, None
            if consultation.to == "agent":
                self._agent_legs.adopt(consultation.leg_id, call.record.id, consultation.target)
                call.agent_leg, call.talk_started = consultation.leg_id, now
                call.record.agent_id = consultation.target
                save_call(self._conn, call.record)
            else:
                call.phase = "outside"
                self.outside.adopt(consultation.leg_id, call.record.id, consultation.target)
            self._send(Bridge(call.record.id, consultation.leg_id))
            if consultation.to == "agent":
                self.conversation_started(call, consultation.leg_id, consultation.target, now)
            self._apply(actions, now)
        return self.distributor.agent(agent_id)
