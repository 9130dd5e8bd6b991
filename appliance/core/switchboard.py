"""The switchboard: turns telephony events into distributor decisions, and decisions into commands.

It runs on the asyncio loop. It owns the live calls' records and writes them, and every call and
agent event, to the store as they happen (the event kinds are listed in docs/acd.md). It never
touches pjsua2: it sends commands through `send`, which the server wires to the engine.
Callback conversations (ring the agent, then dial the customer) live in `callbacks.py`; what an
agent does to their call from the desktop (hold, transfers, consultations) in `desk_calls.py`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import apsw

from appliance.acd import announce
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
from appliance.acd.distributor import AgentState, Distributor, OfferOutcome
from appliance.clock import iso
from appliance.core import say
from appliance.core.agent_legs import AgentLegs
from appliance.core.agent_log import log_agent_change, seconds
from appliance.core.callbacks import CallbackCalls
from appliance.core.consultations import Consultations
from appliance.core.conversations import Conversations
from appliance.core.desk_calls import DeskCalls
from appliance.core.ivr_calls import Handoff, IvrCalls
from appliance.core.live_calls import LiveCall
from appliance.core.outside_transfers import OutsideTransfers
from appliance.core.prompts import PromptLibrary
from appliance.ivr.actions import EndCall, EnterQueue, HttpPost, RequestCallback
from appliance.model import BranchConfig
from appliance.store.callbacks import CallbackRequest, open_callbacks, update_callback
from appliance.store.records import CallRecord, append_event, save_call
from appliance.telephony.messages import (
    Answer,
    Bridge,
    CallArrived,
    CallRefused,
    Command,
    DtmfReceived,
    EngineFailed,
    Event,
    Hangup,
    HangupAll,
    LegAnswered,
    LegEnded,
    MusicOnHold,
    PhoneReachability,
    Play,
    PromptFinished,
    RecordingStopped,
)

__all__ = ("Switchboard",)

log = logging.getLogger(__name__)

BUSY_HERE = 486
NOT_FOUND = 404
# Final statuses from a seat phone that mean "busy" rather than "not there".
_BUSY_STATUSES = frozenset({486, 600, 603})
# After a last prompt ("goodbye"), the BYE waits this long: its tail is still on its way.
PROMPT_TAIL_S = 0.5
OVERFLOW_KEY_WAIT_S = 8.0  # how long a caller offered a callback at overflow has to press the key


class Switchboard(DeskCalls):
    def __init__(
        self,
        conn: apsw.Connection,
        config: BranchConfig,
        prompts: PromptLibrary,
        send: Callable[[Command], None],
        leg_capacity: int,
        clock: Callable[[], float],
        recordings: Path,
        start_http: Callable[[str, HttpPost], None],
    ) -> None:
        self._conn = conn
        self._config = config
        self._prompts = prompts
        self._send = send
        self._leg_capacity = leg_capacity
        self._clock = clock
        self.distributor = Distributor(config)
        self._calls: dict[str, LiveCall] = {}
        self._agent_legs = AgentLegs(conn, send)
        self.callbacks = CallbackCalls(conn, send)
        self.ivr = IvrCalls(conn, send, prompts, recordings, start_http)
        self.ivr.configure(config)
        self.outside = OutsideTransfers(conn, send)
        self.consultations = Consultations()
        self.conversations = Conversations(conn, send, recordings)
        self.listeners: list[Callable[[AgentChanged], None]] = []
        self._restore_callbacks()

    # ---- configuration and agents ---------------------------------------------------------------

    def configure(self, config: BranchConfig) -> None:
        self._config = config
        self.ivr.configure(config)
        now = self._clock()
        self._apply(self.distributor.configure(config, now), now)

    @property
    def config(self) -> BranchConfig:
        return self._config

    def _agent_command(self, method: Callable[..., list[Action]], agent_id: str, *args: object) -> AgentState:
        now = self._clock()
        self._apply(method(agent_id, *args, now) if args else method(agent_id, now), now)
        return self.distributor.agent(agent_id)

    def login(self, agent_id: str, seat: str) -> AgentState:
        return self._agent_command(self.distributor.login, agent_id, seat)

    def ready(self, agent_id: str) -> AgentState:
        return self._agent_command(self.distributor.ready, agent_id)

    def pause(self, agent_id: str, reason: str) -> AgentState:
        return self._agent_command(self.distributor.pause, agent_id, reason)

    def end_wrapup(self, agent_id: str) -> AgentState:
        return self._agent_command(self.distributor.end_wrapup, agent_id)

    def extend_wrapup(self, agent_id: str) -> AgentState:
        return self._agent_command(self.distributor.extend_wrapup, agent_id)

    def logout(self, agent_id: str, reason: str = "logout") -> AgentState:
        now = self._clock()
        self._apply(self.distributor.logout(agent_id, now, reason), now)
        return self.distributor.agent(agent_id)

    def live_calls(self) -> int:
        """Legs in use or about to be, besides those kept for logged-in agents' phones."""
        return (len(self._calls) + self.callbacks.live() + self.ivr.transfer_legs() + self.outside.live()
                + self.consultations.live() + self.conversations.live())

    def hang_up_all(self, reason: str) -> None:
        """Shutdown: every live call ends, and its record says the appliance ended it and why."""
        for call in self._calls.values():
            call.released_by_us, call.record.end_reason = "system", reason
        self.callbacks.ending_all(reason)
        self._send(HangupAll())

    def next_deadline(self) -> float | None:
        now = self._clock()
        times = [
            t for t in (self.distributor.next_deadline(now), self.callbacks.next_deadline(), self.ivr.next_deadline(),
                        self.outside.next_deadline(), self.consultations.next_deadline(),
                        self.conversations.next_deadline())
            if t is not None
        ]
        for call in self._calls.values():
            if call.phase == "queued" and call.next_announcement is not None:
                times.append(call.next_announcement)
            if call.phase == "callback-offer":
                times.append(call.key_deadline)
        return min(times, default=None)

    def tick(self) -> None:
        now = self._clock()
        with self._conn:
            for call in list(self._calls.values()):
                if call.phase == "queued" and call.next_announcement is not None and now >= call.next_announcement:
                    self._announce(call, now)
                elif call.phase == "callback-offer" and now >= call.key_deadline:
                    self._say_sorry(call, "sorry")
            for leg_id in self.callbacks.due(now):
                self._send(Hangup(leg_id))  # the customer did not answer in time
            for call_id, handoffs in self.ivr.tick(now).items():
                self._ivr_handoffs(call_id, handoffs, now)
            self.outside.tick(now)
            for leg_id in self.consultations.unanswered_by(now):
                self._send(Hangup(leg_id))  # its LegEnded takes the agent back to the caller
            self.conversations.tick(now)
        self._apply(self.distributor.tick(now), now)

    # ---- telephony events -----------------------------------------------------------------------

    def on_event(self, event: Event) -> None:
        now = self._clock()
        with self._conn:  # one transaction per event: its record and log entries land together
            match event:
                case CallArrived():
                    self._arrived(event, now)
                case CallRefused(source=source, did=did, status=status, reason=reason):
                    append_event(self._conn, now, "call_refused", source=source, did=did, status=status, reason=reason)
                case PromptFinished(leg_id=leg_id, prompt=prompt):
                    self._prompt_finished(leg_id, prompt, now)
                case LegAnswered(leg_id=leg_id):
                    self._answered(leg_id, now)
                case LegEnded():
                    self._ended(event, now)
                case DtmfReceived(leg_id=leg_id, digit=digit):
                    self._digit(leg_id, digit, now)
                case RecordingStopped(leg_id=leg_id, path=path, seconds=seconds, reason=reason):
                    if not self.conversations.recording_stopped(path, seconds, reason, now):
                        self._ivr_handoffs(leg_id, self.ivr.recording_stopped(leg_id, path, seconds, now), now)
                case PhoneReachability(uri=uri, reachable=reachable):
                    seat = next((s.name for s in self._config.seats if s.phone_uri == uri), None)
                    if seat is not None:
                        self._apply(self.distributor.phone_reachable(seat, reachable, now), now)
                case EngineFailed(reason=reason):
                    append_event(self._conn, now, "engine_failed", reason=reason)

    def _arrived(self, event: CallArrived, now: float) -> None:
        did = self._config.did(event.did)
        record = CallRecord(event.leg_id, event.caller, event.did, iso(now), trunk=event.trunk)
        flow = did.flow if did is not None and did.flow in self._config.flows else None
        if did is None or (did.queue is None and flow is None):
            self._refuse(record, NOT_FOUND, "no queue or flow for this number", now)
            return
        record.queue = did.queue
        # Callers may take only the legs that logged-in agents' phones will not need.
        room = self._leg_capacity - self.distributor.logged_in()
        if self.live_calls() >= room:
            self._refuse(record, BUSY_HERE, "no room: every leg is taken or kept for agents' phones", now)
            return
        call = self._calls[event.leg_id] = LiveCall(record, now, priority=did.priority)
        record.answered_at, record.priority = iso(now), did.priority
        save_call(self._conn, record)
        append_event(self._conn, now, "call_arrived", call_id=record.id, queue=record.queue, caller=event.caller,
                     did=event.did, trunk=event.trunk, source=event.source, flow=flow)
        self._send(Answer(event.leg_id))
        if flow is None:
            self._play(event.leg_id, "welcome", ["welcome"])
            return
        call.phase = "ivr"
        handoffs = self.ivr.start(call, flow, now)
        save_call(self._conn, record)
        self._ivr_handoffs(record.id, handoffs, now)

    def _refuse(self, record: CallRecord, status: int, reason: str, now: float) -> None:
        record.ended_at, record.ended_by, record.end_reason = iso(now), "system", reason
        save_call(self._conn, record)
        append_event(self._conn, now, "call_refused", call_id=record.id, queue=record.queue, status=status, reason=reason)
        self._send(Hangup(record.id, status))

    def _prompt_finished(self, leg_id: str, prompt: str, now: float) -> None:
        call = self._calls.get(leg_id)
        if call is None:
            return
        if call.phase in ("ivr", "survey"):
            self._ivr_handoffs(leg_id, self.ivr.prompt_finished(leg_id, prompt, now), now)
        elif call.phase == "welcome":
            self._enqueue(call, call.record.queue or "", now)
        elif call.phase == "queued" and prompt == "announcement":
            self._send(MusicOnHold(leg_id))
        elif call.phase == "leaving":
            self._send(Hangup(leg_id, after=PROMPT_TAIL_S))

    def _answered(self, leg_id: str, now: float) -> None:
        if leg_id in self._calls:
            return  # an inbound leg's answer: recorded when we answered it
        if self.conversations.supervisor_answered(leg_id):
            return
        if self.ivr.owns_leg(leg_id):
            self.ivr.transfer_answered(leg_id, now)
            return
        if self.outside.owns(leg_id):
            self.outside.answered(leg_id, now)
            return
        if (consultation := self.consultations.of_leg(leg_id)) is not None:
            self._consult_answered(consultation, now)
            return
        owner = self._agent_legs.owner(leg_id)
        if owner is not None:
            self._apply(self.distributor.offer_answered(*owner, now), now)
            return
        call_id = self.callbacks.customer_answered(leg_id, now)
        if call_id is not None:
            agent_leg = self.callbacks.agent_leg(call_id) or ""
            _, agent_id = self._agent_legs.owner(agent_leg) or ("", "")
            self.conversations.started(call_id=call_id, customer_leg=leg_id, agent_leg=agent_leg, agent_id=agent_id,
                                       queue=self.callbacks.queue(call_id), direction="outbound",
                                       caller=self.callbacks.number(call_id) or "", config=self._config, now=now)
            self._apply(self.distributor.callback_result(call_id, reached=True, now=now), now)
        else:
            self._send(Hangup(leg_id))  # answered just as its offer was withdrawn

    def _ended(self, event: LegEnded, now: float) -> None:
        if self.conversations.leg_ended(event.leg_id, now):
            return  # a supervisor's phone
        if self._agent_legs.owner(event.leg_id) is not None:
            self._agent_leg_ended(event, now)
        elif event.leg_id in self._calls:
            self._caller_leg_ended(self._calls[event.leg_id], event, now)
        elif (call_id := self.callbacks.call_of(event.leg_id)) is not None:
            self._customer_leg_ended(call_id, event, now)
        elif self.ivr.owns_leg(event.leg_id):
            self._ivr_handoffs(*self.ivr.transfer_ended(event, now), now)
        elif self.outside.owns(event.leg_id):
            self._outside_leg_ended(event, now)
        elif (consultation := self.consultations.of_leg(event.leg_id)) is not None:
            self._consult_ended(consultation, f"{event.reason or event.status}", now)

    def _caller_leg_ended(self, call: LiveCall, event: LegEnded, now: float) -> None:
        # Phones still ringing for this caller stop with the distributor's CancelOffer below.
        self._agent_legs.hang_up(call.agent_leg)
        self.outside.caller_left(call.record.id)
        if (consultation := self.consultations.of_call(call.record.id)) is not None:
            self._send(Hangup(consultation.leg_id))  # nobody to hand over to: its end cleans up
        ended_by = call.released_by_us or "caller"
        self.ivr.forget(call.record.id, now)
        if call.phase == "ivr" and ended_by == "caller" and not call.record.exit_reason:
            call.record.exit_reason = "ivr-abandoned"
        if call.phase == "queued" and ended_by == "caller":
            append_event(self._conn, now, "call_abandoned", call_id=call.record.id, queue=call.record.queue,
                         waited=seconds(now - call.entered))
            call.record.exit_reason = "abandoned"
        if call.phase == "talking":
            append_event(self._conn, now, "call_completed", call_id=call.record.id, queue=call.record.queue,
                         agent_id=call.record.agent_id, by=ended_by, talk=seconds(now - call.talk_started))
        record = call.record
        record.ended_at, record.ended_by = iso(now), ended_by
        record.end_reason = record.end_reason or ("caller hung up" if ended_by == "caller" else event.reason)
        save_call(self._conn, record)
        append_event(self._conn, now, "call_ended", call_id=record.id, queue=record.queue, agent_id=record.agent_id,
                     ended_by=ended_by, reason=record.end_reason, status=event.status)
        if record.exit_reason != "callback":  # a callback request lives on after the caller hangs up
            self._apply(self.distributor.caller_left(record.id, now), now)  # may stop phones ringing for it
        del self._calls[record.id]
        if record.exit_reason != "callback":  # a callback request goes on ringing agents for this id
            self._agent_legs.forget_call(record.id)

    def _agent_leg_ended(self, event: LegEnded, now: float) -> None:
        call_id, agent_id = self._agent_legs.owner(event.leg_id)
        call = self._calls.get(call_id)
        if call is not None and call.agent_leg == event.leg_id:
            self._agent_legs.ended(event.leg_id)
            call.agent_leg = None
            if call.released_by_us is None:  # not already ended by the appliance (shutdown)
                call.released_by_us, call.record.end_reason = "agent", "agent hung up"
            self._apply(self.distributor.agent_hung_up(call_id, now), now)
        elif self.callbacks.agent_leg(call_id) == event.leg_id:
            self._agent_legs.ended(event.leg_id)
            if self.callbacks.agent_left(call_id, now):
                self._apply(self.distributor.agent_hung_up(call_id, now), now)
            else:  # the agent gave up before the customer answered: try again later
                self._apply(self.distributor.callback_result(call_id, reached=False, now=now), now)
        else:
            # The offer ended without an answer: the phone refused it or could not be reached.
            outcome = OfferOutcome.BUSY if event.status in _BUSY_STATUSES else OfferOutcome.UNREACHABLE
            self._agent_legs.failed(event.leg_id, outcome.value, now)
            self._apply(self.distributor.offer_failed(call_id, agent_id, outcome, now), now)

    def _customer_leg_ended(self, call_id: str, event: LegEnded, now: float) -> None:
        agent_leg = self.callbacks.agent_leg(call_id)
        reached = self.callbacks.customer_left(call_id, event, now)
        self._agent_legs.hang_up(agent_leg)
        if reached:
            self._apply(self.distributor.caller_left(call_id, now), now)
        else:
            self._apply(self.distributor.callback_result(call_id, reached=False, now=now), now)

    def _digit(self, leg_id: str, digit: str, now: float) -> None:
        call = self._calls.get(leg_id)
        if call is None:
            return
        if call.phase in ("ivr", "survey"):
            self._ivr_handoffs(leg_id, self.ivr.digit(leg_id, digit, now), now)
            return
        queue = self._config.queue(call.record.queue or "")
        if queue is None or not queue.callback_key or digit != queue.callback_key:
            return
        if call.phase == "queued" and self.distributor.waiting_call(leg_id) is not None:
            self._leave_for_callback(call, "key", now)
        elif call.phase == "callback-offer":
            self._leave_for_callback(call, "overflow", now)

    # ---- callers in queues ------------------------------------------------------------------------

    def _enqueue(self, call: LiveCall, queue_name: str, now: float, agent: str | None = None) -> None:
        call.phase, call.entered = "queued", now
        call.visited.append(queue_name)
        call.record.queue = queue_name
        call.record.queued_at = call.record.queued_at or iso(now)
        save_call(self._conn, call.record)
        append_event(self._conn, now, "call_queued", call_id=call.record.id, queue=queue_name, priority=call.priority)
        self._send(MusicOnHold(call.record.id))
        self._apply(self.distributor.enqueue(call.record.id, queue_name, now, priority=call.priority,
                                             arrived=call.arrived, skill=call.skill, agent=agent), now)
        queue = self._config.queue(queue_name)
        if call.phase == "queued" and queue is not None:
            call.next_announcement = announce.first_announcement_at(queue, now)
            if self._agent_legs.any_ringing(call.record.id):  # an agent is being rung: no need to say "wait"
                call.next_announcement = announce.next_announcement_at(queue, now)

    def _announce(self, call: LiveCall, now: float) -> None:
        queue = self._config.queue(call.record.queue or "")
        if queue is None:
            call.next_announcement = None
            return
        call.next_announcement = announce.next_announcement_at(queue, now)
        position = self.distributor.position(call.record.id, now)
        wait = self.distributor.estimated_wait(queue.name, position, now) if position else None
        prompts = announce.announcement(queue, position, wait, self._language(call))
        if prompts and not self._agent_legs.any_ringing(call.record.id):
            append_event(self._conn, now, "announcement", call_id=call.record.id, queue=queue.name,
                         position=position, estimated_wait=None if wait is None else round(wait, 1))
            self._play(call.record.id, "announcement", prompts)

    def _leave_for_callback(self, call: LiveCall, via: str, now: float) -> None:
        number = call.record.caller
        queue = call.record.queue or ""
        if via == "key":
            actions = self.distributor.request_callback(call.record.id, number, now)
        else:
            actions = self.distributor.add_callback(call.record.id, queue, number, now, arrived=call.arrived,
                                                    priority=call.priority)
        self._callback_requested(call, queue, number, via, now)
        call.phase, call.released_by_us = "leaving", "system"
        call.record.end_reason = "callback requested"
        self._play(call.record.id, "callback-confirmed", say.callback_confirmed(self._language(call)))
        self._apply(actions, now)

    def _callback_requested(self, call: LiveCall, queue: str, number: str, via: str, now: float) -> None:
        request = CallbackRequest(call.record.id, queue, number, call.priority, call.arrived,
                                  source="ivr" if via == "ivr" else "queue")
        self.callbacks.requested(request, via, seconds(now - call.entered) if call.entered else 0.0, now)
        call.record.exit_reason = "callback"

    # ---- callers in the IVR ---------------------------------------------------------------------

    def ivr_http_answered(self, call_id: str, answer: dict | None, error: str) -> None:
        """An IVR `http` node's request finished (the server runs it on the loop)."""
        now = self._clock()
        with self._conn:
            self._ivr_handoffs(call_id, self.ivr.http_answered(call_id, answer, error, now), now)

    def _ivr_handoffs(self, call_id: str, handoffs: list[Handoff], now: float) -> None:
        """Carry out what the IVR hands to the switchboard: queueing, a callback request, hanging up."""
        call = self._calls.get(call_id)
        if call is None:
            return
        for handoff in handoffs:
            match handoff:
                case EnterQueue(queue=queue, priority=priority, skill=skill, skill_level=level, survey_after=survey):
                    call.priority = call.record.priority = priority
                    call.survey_after = survey
                    call.skill = (skill, level) if skill else None
                    if self._config.queue(queue) is None:  # removed since the flow was applied
                        self._say_sorry(call, "sorry")
                    else:
                        self._enqueue(call, queue, now)
                case RequestCallback(queue=queue, number=number):
                    call.record.queue = queue
                    self._callback_requested(call, queue, number, "ivr", now)
                    self._apply(self.distributor.add_callback(call.record.id, queue, number, now,
                                                              arrived=call.arrived, priority=call.priority), now)
                case EndCall(reason=reason, contained=contained):
                    call.released_by_us = call.released_by_us or "system"
                    if call.phase == "ivr" and contained and not call.record.exit_reason:
                        call.record.exit_reason = "ivr"
                    call.record.end_reason = call.record.end_reason or reason
                    self._send(Hangup(call_id, after=PROMPT_TAIL_S))
        save_call(self._conn, call.record)

    def _to_survey(self, call: LiveCall, now: float) -> None:
        """The agent hung up on a caller whose flow asked for a survey: the IVR takes them back."""
        append_event(self._conn, now, "call_completed", call_id=call.record.id, queue=call.record.queue,
                     agent_id=call.record.agent_id, by="agent", talk=seconds(now - call.talk_started))
        call.phase, call.agent_leg = "survey", None
        self._ivr_handoffs(call.record.id, self.ivr.agent_hung_up(call.record.id, now), now)

    def _exit(self, action: Exit, now: float) -> None:
        call = self._calls.get(action.call_id)
        if call is None:
            return
        append_event(self._conn, now, "call_exited", call_id=call.record.id, queue=call.record.queue,
                     reason=action.reason, destination=action.destination, waited=seconds(now - call.entered))
        call.record.exit_reason = action.reason
        target = action.destination.removeprefix("queue:") if action.destination.startswith("queue:") else None
        if target is not None and target not in call.visited and self._config.queue(target) is not None:
            append_event(self._conn, now, "call_transferred", call_id=call.record.id, queue=call.record.queue,
                         from_queue=call.record.queue, to_queue=target, reason=action.reason)
            self._enqueue(call, target, now)
            return
        queue = self._config.queue(call.record.queue or "")
        can_call_back = queue is not None and queue.callback_key and call.record.caller.isdigit()
        if action.destination == "callback" and can_call_back:
            call.phase, call.key_deadline = "callback-offer", now + OVERFLOW_KEY_WAIT_S
            call.next_announcement = None
            self._play(call.record.id, "overflow-callback",
                       say.overflow_callback_offer(queue.callback_key, self._language(call)))
            return
        self._say_sorry(call, "queue-full" if action.reason == "full" else "sorry")

    def _say_sorry(self, call: LiveCall, prompt: str) -> None:
        call.phase, call.released_by_us = "leaving", "system"
        call.record.end_reason = call.record.end_reason or call.record.exit_reason or prompt
        self._play(call.record.id, prompt, [prompt])

    # ---- carrying out decisions -----------------------------------------------------------------

    def _apply(self, actions: list[Action], now: float) -> None:
        with self._conn:
            for action in actions:
                self._carry_out(action, now)

    def _carry_out(self, action: Action, now: float) -> None:
        match action:
            case AgentChanged():
                waiting = self.distributor.waiting_call(action.call_id or "")
                log_agent_change(self._conn, action, waiting.queue if waiting else None, now)
                for listener in self.listeners:
                    listener(action)
            case Offer():
                self._offer(action, now)
            case CancelOffer(call_id=call_id, agent_id=agent_id, outcome=outcome):
                self._agent_legs.cancel(call_id, agent_id, outcome, now)
            case Connect():
                self._connect(action, now)
            case Exit():
                self._exit(action, now)
            case ReleaseCaller(call_id=call_id):
                call = self._calls.get(call_id)
                if call is not None and call.survey_after and call.phase == "talking" and self.ivr.knows(call_id):
                    self._to_survey(call, now)
                elif call is not None:
                    call.released_by_us = call.released_by_us or "agent"
                    self._send(Hangup(call_id))
                else:
                    self.callbacks.release_customer(call_id)
            case CallbackRetry(call_id=call_id, attempts=attempts, not_before=not_before):
                update_callback(self._conn, call_id, now, status="pending", attempts=attempts, next_try_at=iso(not_before))
                append_event(self._conn, now, "callback_failed", call_id=call_id, queue=self.callbacks.queue(call_id),
                             attempt=attempts, final=False, reason=self.callbacks.last_failure(call_id))
            case CallbackGaveUp(call_id=call_id, attempts=attempts):
                update_callback(self._conn, call_id, now, status="failed", attempts=attempts)
                append_event(self._conn, now, "callback_failed", call_id=call_id, queue=self.callbacks.queue(call_id),
                             attempt=attempts, final=True, reason=self.callbacks.last_failure(call_id))
                self.callbacks.forget(call_id)

    def _offer(self, offer: Offer, now: float) -> None:
        # A callback first: its caller may still be on the line, hearing the confirmation.
        call = self._calls.get(offer.call_id)
        if offer.callback is not None and self.callbacks.knows(offer.call_id):
            self._agent_legs.ring(offer, self.callbacks.queue(offer.call_id), offer.callback, now)
        elif call is not None:
            self._agent_legs.ring(offer, call.record.queue, call.record.caller, now)

    def _connect(self, action: Connect, now: float) -> None:
        agent_leg = self._agent_legs.answered(action.call_id, action.agent_id, now)
        if action.callback is not None:
            failure = self.callbacks.dial_customer(action, agent_leg, self._config, now)
            if failure:
                self._agent_legs.hang_up(agent_leg)
                self._apply(self.distributor.callback_result(action.call_id, reached=False, now=now), now)
            return
        call = self._calls.get(action.call_id)
        if call is None or agent_leg is None:
            return
        call.phase, call.agent_leg, call.next_announcement = "talking", agent_leg, None
        call.talk_started = now
        call.record.agent_id, call.record.seat, call.record.agent_answered_at = action.agent_id, action.seat, iso(now)
        save_call(self._conn, call.record)
        append_event(self._conn, now, "call_connected", call_id=call.record.id, queue=call.record.queue,
                     agent_id=action.agent_id, seat=action.seat, waited=seconds(now - call.entered))
        self._send(Bridge(call.record.id, agent_leg))
        self.conversation_started(call, agent_leg, action.agent_id, now)

    def conversation_started(self, call: LiveCall, agent_leg: str, agent_id: str, now: float) -> None:
        """A caller was just bridged to an agent: record it if the policy says so."""
        self.conversations.started(call_id=call.record.id, customer_leg=call.record.id, agent_leg=agent_leg,
                                   agent_id=agent_id, queue=call.record.queue, direction="inbound",
                                   caller=call.record.caller, config=self._config, now=now)

    def _language(self, call: LiveCall | None) -> str:
        """The caller's language: the one their IVR journey chose, else the branch's."""
        return (call.record.language if call else None) or self._config.language

    def _play(self, leg_id: str, label: str, names: list[str]) -> None:
        language = self._language(self._calls.get(leg_id))
        self._send(Play(leg_id, label, tuple(self._prompts.path(name, language) for name in names)))

    def _restore_callbacks(self) -> None:
        """Callback requests survive a restart with their place in line."""
        now = self._clock()
        for request in open_callbacks(self._conn):
            self.callbacks.remember(request)
            self._apply(self.distributor.add_callback(
                request.call_id, request.queue, request.number, now, arrived=request.arrived,
                priority=request.priority, attempts=request.attempts, not_before=request.not_before,
                agent=request.owner), now)
