"""Callback conversations: the agent's phone is rung first, then the customer is dialled through a trunk.

The distributor decides when a callback request reaches an agent (in the caller's original
place); this module carries out what follows: it finds the route in the dial plan, dials the
customer, bridges them to the agent, and keeps each attempt's call record and events.
"""

from __future__ import annotations

from collections.abc import Callable

import apsw
import msgspec

from appliance.acd.actions import Connect
from appliance.clock import iso
from appliance.core.dialplan import outbound_target
from appliance.model import BranchConfig
from appliance.store.callbacks import CallbackRequest, save_callback_request, update_callback
from appliance.store.records import CallRecord, append_event, save_call
from appliance.telephony.messages import Bridge, Command, Dial, Hangup, LegEnded

__all__ = ("CallbackCalls",)

CUSTOMER_RING_S = 30.0  # a customer who has not answered by then is tried again later


class _Callback(msgspec.Struct):
    request: CallbackRequest
    attempt: int = 0
    agent_leg: str | None = None
    customer_leg: str | None = None
    ring_until: float = 0.0
    reached_at: float = 0.0
    record: CallRecord | None = None
    ended_by: str | None = None
    last_failure: str = ""


class CallbackCalls:
    def __init__(self, conn: apsw.Connection, send: Callable[[Command], None]) -> None:
        self._conn = conn
        self._send = send
        self._callbacks: dict[str, _Callback] = {}
        self._customer_legs: dict[str, str] = {}  # customer leg -> call id

    # ---- what the switchboard asks --------------------------------------------------------------

    def requested(self, request: CallbackRequest, via: str, waited: float, now: float) -> None:
        """A caller asked for a callback (queue key, overflow offer or IVR): stored, and remembered."""
        save_callback_request(self._conn, request, now)
        self.remember(request)
        append_event(self._conn, now, "callback_requested", call_id=request.call_id, queue=request.queue,
                     number=request.number, waited=waited, via=via)

    def remember(self, request: CallbackRequest) -> None:
        self._callbacks[request.call_id] = _Callback(request, attempt=request.attempts)

    def forget(self, call_id: str) -> None:
        self._callbacks.pop(call_id, None)

    def live(self) -> int:
        """Conversations under way (agent rung or customer dialled): each needs legs like a caller."""
        return sum(1 for c in self._callbacks.values() if c.agent_leg or c.customer_leg)

    def knows(self, call_id: str) -> bool:
        return call_id in self._callbacks

    def queue(self, call_id: str) -> str | None:
        callback = self._callbacks.get(call_id)
        return callback.request.queue if callback is not None else None

    def number(self, call_id: str) -> str | None:
        callback = self._callbacks.get(call_id)
        return callback.request.number if callback is not None else None

    def agent_leg(self, call_id: str) -> str | None:
        callback = self._callbacks.get(call_id)
        return callback.agent_leg if callback is not None else None

    def call_of(self, customer_leg: str) -> str | None:
        return self._customer_legs.get(customer_leg)

    def last_failure(self, call_id: str) -> str:
        callback = self._callbacks.get(call_id)
        return callback.last_failure if callback is not None else ""

    def next_deadline(self) -> float | None:
        return min((c.ring_until for c in self._callbacks.values() if c.ring_until), default=None)

    def due(self, now: float) -> list[str]:
        """Customer legs that have rung long enough; the switchboard hangs them up."""
        legs = []
        for callback in self._callbacks.values():
            if callback.ring_until and now >= callback.ring_until and callback.customer_leg:
                callback.ring_until, callback.last_failure = 0.0, "the customer did not answer"
                legs.append(callback.customer_leg)
        return legs

    def ending_all(self, reason: str) -> None:
        for callback in self._callbacks.values():
            if callback.record is not None:
                callback.ended_by, callback.record.end_reason = "system", reason

    # ---- the steps of one attempt ----------------------------------------------------------------

    def dial_customer(self, connect: Connect, agent_leg: str | None, config: BranchConfig, now: float) -> str | None:
        """The agent answered: dial the customer. Returns why it cannot be dialled, or None."""
        callback = self._callbacks[connect.call_id]
        request = callback.request
        callback.attempt += 1
        callback.agent_leg = agent_leg
        target = outbound_target(config, request.number)
        if isinstance(target, str):
            callback.last_failure, callback.agent_leg = target, None
            return target
        uri, trunk = target
        leg_id = f"{request.call_id}~cb{callback.attempt}-customer"
        callback.customer_leg, callback.ring_until = leg_id, now + CUSTOMER_RING_S
        self._customer_legs[leg_id] = request.call_id
        callback.record = CallRecord(f"{request.call_id}-cb{callback.attempt}", request.number, "callback", iso(now),
                                     trunk=trunk, queue=request.queue, agent_id=connect.agent_id, seat=connect.seat,
                                     priority=request.priority)
        save_call(self._conn, callback.record)
        update_callback(self._conn, request.call_id, now, status="dialling", attempts=callback.attempt - 1,
                        agent_id=connect.agent_id)
        append_event(self._conn, now, "callback_dialled", call_id=request.call_id, queue=request.queue,
                     agent_id=connect.agent_id, number=request.number, attempt=callback.attempt, leg=leg_id)
        self._send(Dial(leg_id, uri, "", trunk))
        return None

    def customer_answered(self, leg_id: str, now: float) -> str | None:
        call_id = self._customer_legs.get(leg_id)
        callback = self._callbacks.get(call_id or "")
        if callback is None or callback.agent_leg is None or callback.record is None:
            return None
        callback.ring_until, callback.reached_at = 0.0, now
        callback.record.answered_at = callback.record.agent_answered_at = iso(now)
        save_call(self._conn, callback.record)
        update_callback(self._conn, callback.request.call_id, now, status="completed", attempts=callback.attempt)
        append_event(self._conn, now, "callback_completed", call_id=callback.request.call_id,
                     queue=callback.request.queue, agent_id=callback.record.agent_id, number=callback.request.number)
        self._send(Bridge(leg_id, callback.agent_leg))
        return call_id

    def agent_left(self, call_id: str, now: float) -> bool:
        """The agent's leg ended. True when the customer had been reached (the conversation is over)."""
        callback = self._callbacks[call_id]
        callback.agent_leg = None
        callback.ended_by = callback.ended_by or "agent"
        if callback.reached_at:
            return True
        # Not reached yet: stop dialling; the customer's leg ending later is not news any more.
        callback.last_failure = "the agent hung up before the customer answered"
        if callback.customer_leg:
            self._customer_legs.pop(callback.customer_leg, None)
            self._send(Hangup(callback.customer_leg))
        self._close_attempt(callback, now, "agent hung up before the customer answered")
        return False

    def customer_left(self, call_id: str, event: LegEnded, now: float) -> bool:
        """The customer's leg ended. True when it had been answered."""
        callback = self._callbacks[call_id]
        self._customer_legs.pop(event.leg_id, None)
        reached = bool(callback.reached_at)
        if reached:
            by = callback.ended_by or "caller"
            append_event(self._conn, now, "call_completed", call_id=call_id, queue=callback.request.queue,
                         agent_id=callback.record.agent_id if callback.record else None, by=by,
                         talk=round(now - callback.reached_at, 3), callback=True)
            self._close_attempt(callback, now, "agent hung up" if by == "agent" else "customer hung up", by)
            self.forget(call_id)
        else:
            callback.last_failure = callback.last_failure or f"the customer's line answered {event.status} {event.reason}"
            self._close_attempt(callback, now, callback.last_failure)
        return reached

    def release_customer(self, call_id: str) -> None:
        callback = self._callbacks.get(call_id)
        if callback is not None and callback.customer_leg:
            callback.ended_by = callback.ended_by or "agent"
            self._send(Hangup(callback.customer_leg))

    def _close_attempt(self, callback: _Callback, now: float, reason: str, ended_by: str = "system") -> None:
        if callback.record is not None:
            record = callback.record
            record.ended_at, record.ended_by = iso(now), callback.ended_by if callback.reached_at else ended_by
            record.end_reason = record.end_reason or reason
            save_call(self._conn, record)
            append_event(self._conn, now, "call_ended", call_id=record.id, queue=record.queue, agent_id=record.agent_id,
                         ended_by=record.ended_by, reason=record.end_reason)
        callback.record, callback.customer_leg, callback.agent_leg = None, None, None
        callback.ring_until, callback.reached_at, callback.ended_by = 0.0, 0.0, None
