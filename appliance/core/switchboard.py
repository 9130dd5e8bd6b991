"""The switchboard: turns telephony events into distributor decisions, and decisions into commands.

It runs on the asyncio loop. It owns the live calls' records and writes them, and every call and
agent event, to the store as they happen. It never touches pjsua2: it sends commands through
`send`, which the server wires to the engine.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import apsw
import msgspec

from appliance.acd.actions import Action, AgentChanged, CancelOffer, Connect, GiveUp, Offer, ReleaseCaller
from appliance.acd.distributor import AgentState, Distributor, OfferOutcome
from appliance.clock import iso
from appliance.core.prompts import PromptLibrary
from appliance.model import BranchConfig
from appliance.store.records import CallRecord, append_event, record_offer, save_call
from appliance.telephony.messages import (
    Answer,
    Bridge,
    CallArrived,
    CallRefused,
    Command,
    Dial,
    EngineFailed,
    Event,
    Hangup,
    HangupAll,
    LegAnswered,
    LegEnded,
    MusicOnHold,
    Play,
    PromptFinished,
)

__all__ = ("Switchboard",)

log = logging.getLogger(__name__)

BUSY_HERE = 486
NOT_FOUND = 404
# Final statuses from a seat phone that mean "busy" rather than "not there".
_BUSY_STATUSES = frozenset({486, 600, 603})


class _LiveCall(msgspec.Struct):
    record: CallRecord
    phase: str = "welcome"  # welcome -> queued -> talking | sorry -> ended
    agent_leg: str | None = None
    agent_id: str | None = None
    offer_seat: str = ""
    offered_at: float = 0.0
    offers: int = 0
    released_by_us: str | None = None  # ended_by when the appliance ends the caller's leg


class Switchboard:
    def __init__(
        self,
        conn: apsw.Connection,
        config: BranchConfig,
        prompts: PromptLibrary,
        send: Callable[[Command], None],
        leg_capacity: int,
        clock: Callable[[], float],
    ) -> None:
        self._conn = conn
        self._config = config
        self._prompts = prompts
        self._send = send
        self._leg_capacity = leg_capacity
        self._clock = clock
        self.distributor = Distributor(config)
        self._calls: dict[str, _LiveCall] = {}
        self._agent_legs: dict[str, str] = {}  # agent leg id -> call id
        self.listeners: list[Callable[[AgentChanged], None]] = []

    # ---- configuration and agents ---------------------------------------------------------------

    def configure(self, config: BranchConfig) -> None:
        self._config = config
        self._apply(self.distributor.configure(config, self._clock()))

    def login(self, agent_id: str, seat: str) -> AgentState:
        self._apply(self.distributor.login(agent_id, seat, self._clock()))
        return self.distributor.agent(agent_id)

    def ready(self, agent_id: str) -> AgentState:
        self._apply(self.distributor.ready(agent_id, self._clock()))
        return self.distributor.agent(agent_id)

    def pause(self, agent_id: str, reason: str) -> AgentState:
        self._apply(self.distributor.pause(agent_id, reason, self._clock()))
        return self.distributor.agent(agent_id)

    def logout(self, agent_id: str, reason: str = "logout") -> AgentState:
        self._apply(self.distributor.logout(agent_id, self._clock(), reason))
        return self.distributor.agent(agent_id)

    def live_calls(self) -> int:
        return len(self._calls)

    def hang_up_all(self, reason: str) -> None:
        """Shutdown: every live call ends, and its record says the appliance ended it and why."""
        for call in self._calls.values():
            call.released_by_us, call.record.end_reason = "system", reason
        self._send(HangupAll())

    def next_deadline(self) -> float | None:
        return self.distributor.next_deadline()

    def tick(self) -> None:
        self._apply(self.distributor.tick(self._clock()))

    # ---- telephony events -----------------------------------------------------------------------

    def on_event(self, event: Event) -> None:
        with self._conn:  # one transaction per event: its record and log entries land together
            match event:
                case CallArrived():
                    self._arrived(event)
                case CallRefused(source=source, did=did, status=status, reason=reason):
                    append_event(self._conn, self._clock(), "call_refused", source=source, did=did, status=status, reason=reason)
                case PromptFinished(leg_id=leg_id):
                    self._prompt_finished(leg_id)
                case LegAnswered(leg_id=leg_id):
                    self._answered(leg_id)
                case LegEnded():
                    self._ended(event)
                case EngineFailed(reason=reason):
                    append_event(self._conn, self._clock(), "engine_failed", reason=reason)

    def _arrived(self, event: CallArrived) -> None:
        now = self._clock()
        did = self._config.did(event.did)
        record = CallRecord(event.leg_id, event.caller, event.did, iso(now), trunk=event.trunk)
        if did is None or did.queue is None:
            self._refuse(record, NOT_FOUND, "no queue for this number", now)
            return
        record.queue = did.queue
        # Callers may take only the legs that logged-in agents' phones will not need.
        room = self._leg_capacity - self.distributor.logged_in()
        if len(self._calls) >= room:
            self._refuse(record, BUSY_HERE, "no room: every leg is taken or kept for agents' phones", now)
            return
        self._calls[event.leg_id] = _LiveCall(record)
        record.answered_at = iso(now)
        save_call(self._conn, record)
        append_event(self._conn, now, "call_arrived", call_id=record.id, queue=record.queue, caller=event.caller,
                     did=event.did, trunk=event.trunk, source=event.source)
        self._send(Answer(event.leg_id))
        self._send(Play(event.leg_id, "welcome", self._prompts.path("welcome", self._config.language)))

    def _refuse(self, record: CallRecord, status: int, reason: str, now: float) -> None:
        record.ended_at, record.ended_by, record.end_reason = iso(now), "system", reason
        save_call(self._conn, record)
        append_event(self._conn, now, "call_refused", call_id=record.id, queue=record.queue, status=status, reason=reason)
        self._send(Hangup(record.id, status))

    def _prompt_finished(self, leg_id: str) -> None:
        call = self._calls.get(leg_id)
        if call is None:
            return
        now = self._clock()
        if call.phase == "welcome":
            call.phase = "queued"
            call.record.queued_at = iso(now)
            save_call(self._conn, call.record)
            append_event(self._conn, now, "call_queued", call_id=leg_id, queue=call.record.queue)
            self._send(MusicOnHold(leg_id))
            self._apply(self.distributor.enqueue(leg_id, call.record.queue or "", now))
        elif call.phase == "sorry":
            self._send(Hangup(leg_id))

    def _answered(self, leg_id: str) -> None:
        call_id = self._agent_legs.get(leg_id)
        if call_id is None:
            return  # an inbound leg's answer: recorded when we answered it
        call = self._calls.get(call_id)
        if call is None or call.agent_leg != leg_id:
            self._send(Hangup(leg_id))  # answered just as the offer was withdrawn
            return
        self._apply(self.distributor.offer_answered(call_id, self._clock()))

    def _ended(self, event: LegEnded) -> None:
        now = self._clock()
        call_id = self._agent_legs.pop(event.leg_id, None)
        if call_id is not None:
            self._agent_leg_ended(call_id, event, now)
            return
        call = self._calls.pop(event.leg_id, None)
        if call is None:
            return
        if call.agent_leg:
            self._agent_legs.pop(call.agent_leg, None)
            self._send(Hangup(call.agent_leg))
            if call.phase != "talking":  # the caller left while the agent's phone rang
                self._close_offer(call, OfferOutcome.CALLER_LEFT.value, now)
        ended_by = call.released_by_us or "caller"
        record = call.record
        record.ended_at, record.ended_by = iso(now), ended_by
        record.end_reason = record.end_reason or ("caller hung up" if ended_by == "caller" else event.reason)
        save_call(self._conn, record)
        append_event(self._conn, now, "call_ended", call_id=record.id, queue=record.queue, agent_id=record.agent_id,
                     ended_by=ended_by, reason=record.end_reason, status=event.status)
        self._apply(self.distributor.caller_left(event.leg_id, now))

    def _agent_leg_ended(self, call_id: str, event: LegEnded, now: float) -> None:
        call = self._calls.get(call_id)
        if call is None or call.agent_leg != event.leg_id:
            return
        call.agent_leg = None
        if call.phase == "talking":
            if call.released_by_us is None:  # not already ended by the appliance (shutdown)
                call.released_by_us, call.record.end_reason = "agent", "agent hung up"
            self._apply(self.distributor.agent_hung_up(call_id, now))
            return
        # The offer ended without an answer: the phone refused it or could not be reached.
        outcome = OfferOutcome.BUSY if event.status in _BUSY_STATUSES else OfferOutcome.UNREACHABLE
        self._close_offer(call, outcome.value, now)
        self._apply(self.distributor.offer_failed(call_id, outcome, now))

    # ---- carrying out decisions -----------------------------------------------------------------

    def _apply(self, actions: list[Action]) -> None:
        with self._conn:
            for action in actions:
                self._carry_out(action)

    def _carry_out(self, action: Action) -> None:
        now = self._clock()
        match action:
            case AgentChanged():
                append_event(self._conn, now, f"agent_{action.status}", call_id=action.call_id, agent_id=action.agent_id,
                             seat=action.seat, reason=action.reason)
                for listener in self.listeners:
                    listener(action)
            case Offer():
                self._offer(action, now)
            case CancelOffer(call_id=call_id, outcome=outcome):
                call = self._calls.get(call_id)
                if call is not None and call.agent_leg:
                    self._agent_legs.pop(call.agent_leg, None)
                    self._send(Hangup(call.agent_leg))
                    call.agent_leg = None
                    self._close_offer(call, outcome, now)
            case Connect(call_id=call_id, agent_id=agent_id, seat=seat):
                call = self._calls.get(call_id)
                if call is None or call.agent_leg is None:
                    return
                call.phase = "talking"
                self._close_offer(call, "answered", now)
                call.record.agent_id, call.record.seat, call.record.agent_answered_at = agent_id, seat, iso(now)
                save_call(self._conn, call.record)
                append_event(self._conn, now, "call_connected", call_id=call_id, queue=call.record.queue,
                             agent_id=agent_id, seat=seat)
                self._send(Bridge(call_id, call.agent_leg))
            case GiveUp(call_id=call_id, reason=reason):
                call = self._calls.get(call_id)
                if call is None:
                    return
                call.phase, call.released_by_us, call.record.end_reason = "sorry", "system", reason
                append_event(self._conn, now, "call_gave_up", call_id=call_id, queue=call.record.queue, reason=reason)
                self._send(Play(call_id, "sorry", self._prompts.path("sorry", self._config.language)))
            case ReleaseCaller(call_id=call_id):
                call = self._calls.get(call_id)
                if call is not None:
                    call.released_by_us = call.released_by_us or "agent"
                    self._send(Hangup(call_id))

    def _offer(self, offer: Offer, now: float) -> None:
        call = self._calls.get(offer.call_id)
        if call is None:
            return
        call.offers += 1
        leg_id = f"{offer.call_id}~{call.offers}"
        call.agent_leg, call.agent_id, call.offer_seat, call.offered_at = leg_id, offer.agent_id, offer.seat, now
        self._agent_legs[leg_id] = offer.call_id
        append_event(self._conn, now, "offer_started", call_id=offer.call_id, queue=call.record.queue,
                     agent_id=offer.agent_id, seat=offer.seat)
        self._send(Dial(leg_id, offer.phone_uri, call.record.caller))

    def _close_offer(self, call: _LiveCall, outcome: str, now: float) -> None:
        if call.agent_id is None:
            return
        record_offer(self._conn, call.record.id, call.agent_id, call.offer_seat, call.offered_at, now, outcome)
        append_event(self._conn, now, "offer_ended", call_id=call.record.id, queue=call.record.queue,
                     agent_id=call.agent_id, outcome=outcome)
        if outcome != "answered":
            call.agent_id = None
