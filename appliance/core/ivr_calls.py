"""Callers walking through IVR flows: runs each one's interpreter session and carries out what it
asks for that is not the ACD's business (prompts, lookups, HTTP, recordings, transfers, the path).

Queueing, callback requests and hanging up touch the switchboard's records and the distributor,
so they come back to the switchboard as *handoffs* (`EnterQueue`, `RequestCallback`, `EndCall`).
HTTP requests run on the asyncio loop outside this module (`start_http`); their answers come back
through `http_answered`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import apsw

from appliance.clock import iso
from appliance.core.dialplan import outbound_target
from appliance.core.prompts import PromptLibrary
from appliance.customers import Customer
from appliance.ivr.actions import (
    EndCall,
    EnterQueue,
    HttpPost,
    IvrAction,
    LookupCustomer,
    PlayPrompts,
    RecordVoicemail,
    RequestCallback,
    SaveSurvey,
    Step,
    StopPrompt,
    StopRecording,
    TransferOut,
)
from appliance.ivr.interpreter import Session
from appliance.ivr.nodes import Flow, load_flow
from appliance.model import BranchConfig
from appliance.store.customers import find_customer
from appliance.store.ivr import append_step, flow_source, save_survey, save_voicemail
from appliance.store.records import CallRecord, append_event, save_call
from appliance.telephony.messages import Bridge, Command, Dial, Hangup, LegEnded, Play, Record, Silence
from appliance.telephony.messages import StopRecording as StopRecordingCommand

__all__ = ("Handoff", "IvrCalls")

log = logging.getLogger(__name__)

Handoff = EnterQueue | RequestCallback | EndCall
MIN_VOICEMAIL_S = 1.0  # shorter recordings are a hang-up at the beep, not a message


class IvrCaller(Protocol):
    """What the IVR needs of the switchboard's live call."""

    record: CallRecord
    priority: int


@dataclass
class _InFlow:
    call: IvrCaller
    session: Session
    steps: int = 0
    voicemail_queue: str | None = None
    transfer_leg: str | None = None
    transfer_until: float = 0.0
    transfer_timed_out: bool = False  # nobody answered in time: the appliance cancelled the dial
    transfer_answered: bool = False


class IvrCalls:
    def __init__(
        self,
        conn: apsw.Connection,
        send: Callable[[Command], None],
        prompts: PromptLibrary,
        recordings: Path,
        start_http: Callable[[str, HttpPost], None],
    ) -> None:
        self._conn = conn
        self._send = send
        self._prompts = prompts
        self._recordings = recordings
        self._start_http = start_http
        self._config = BranchConfig()
        self._calls: dict[str, _InFlow] = {}
        self._transfer_legs: dict[str, str] = {}  # dialled leg -> the caller's call id
        self._flows: dict[tuple[str, int], Flow] = {}

    def configure(self, config: BranchConfig) -> None:
        self._config = config

    # ---- calls entering and leaving ---------------------------------------------------------------

    def start(self, call: IvrCaller, flow_name: str, now: float) -> list[Handoff]:
        """The caller enters the active version of `flow_name`; they stay on it to the end."""
        flow = self._flow(flow_name)
        language = self._config.language if self._config.language in flow.languages else flow.languages[0]
        record = call.record
        record.flow, record.flow_version, record.language = flow.name, flow.version, language
        variables = {"caller": record.caller, "did": record.did, "call_id": record.id, "language": language}
        session = Session(flow, variables, language, call.priority)
        self._calls[record.id] = _InFlow(call, session)
        append_event(self._conn, now, "ivr_entered", call_id=record.id, flow=flow.name, version=flow.version)
        return self._run(record.id, session.start(now), now)

    def knows(self, call_id: str) -> bool:
        return call_id in self._calls

    def session(self, call_id: str) -> Session | None:
        entry = self._calls.get(call_id)
        return entry.session if entry else None

    def forget(self, call_id: str, now: float) -> None:
        """The caller's leg ended: the path says where they left, and anything going on for them stops."""
        entry = self._calls.get(call_id)
        if entry is None:
            return
        self._run(call_id, entry.session.hung_up(now), now)  # only the closing Step of the path
        del self._calls[call_id]
        if entry.transfer_leg:
            self._transfer_legs.pop(entry.transfer_leg, None)
            self._send(Hangup(entry.transfer_leg))

    # ---- what the caller and the engine did -------------------------------------------------------

    def prompt_finished(self, call_id: str, label: str, now: float) -> list[Handoff]:
        return self._feed(call_id, lambda s: s.prompt_finished(label, now), now)

    def digit(self, call_id: str, key: str, now: float) -> list[Handoff]:
        return self._feed(call_id, lambda s: s.digit(key, now), now)

    def agent_hung_up(self, call_id: str, now: float) -> list[Handoff]:
        return self._feed(call_id, lambda s: s.agent_hung_up(now), now)

    def http_answered(self, call_id: str, answer: dict | None, error: str, now: float) -> list[Handoff]:
        return self._feed(call_id, lambda s: s.http_result(answer, error, now), now)

    def recording_stopped(self, call_id: str, path: str, seconds: float, now: float) -> list[Handoff]:
        entry = self._calls.get(call_id)
        if entry is None or entry.voicemail_queue is None:
            return []
        queue, entry.voicemail_queue = entry.voicemail_queue, None
        record = entry.call.record
        if seconds >= MIN_VOICEMAIL_S:
            voicemail = save_voicemail(self._conn, call_id, queue, record.caller, path, seconds, now)
            append_event(self._conn, now, "voicemail_left", call_id=call_id, queue=queue, id=voicemail,
                         seconds=seconds)
            record.exit_reason = "voicemail"
        else:
            Path(path).unlink(missing_ok=True)
        return self._feed(call_id, lambda s: s.recording_finished(seconds, now), now)

    def next_deadline(self) -> float | None:
        times = [e.session.next_deadline() for e in self._calls.values()]
        times += [e.transfer_until for e in self._calls.values() if self._transfer_ringing(e)]
        return min((t for t in times if t is not None), default=None)

    def tick(self, now: float) -> dict[str, list[Handoff]]:
        handoffs: dict[str, list[Handoff]] = {}
        for call_id, entry in list(self._calls.items()):
            if self._transfer_ringing(entry) and now >= entry.transfer_until:
                entry.transfer_timed_out = True
                self._send(Hangup(entry.transfer_leg))  # nobody answered: LegEnded brings the failure
            deadline = entry.session.next_deadline()
            if deadline is not None and now >= deadline:
                handoffs[call_id] = self._feed(call_id, lambda s: s.tick(now), now)
        return handoffs

    # ---- transfers out ----------------------------------------------------------------------------

    @staticmethod
    def _transfer_ringing(entry: _InFlow) -> bool:
        return bool(entry.transfer_leg) and not entry.transfer_answered and not entry.transfer_timed_out

    def transfer_legs(self) -> int:
        """Outside numbers being dialled or talked to: each takes a leg beside its caller's."""
        return len(self._transfer_legs)

    def owns_leg(self, leg_id: str) -> bool:
        return leg_id in self._transfer_legs

    def transfer_answered(self, leg_id: str, now: float) -> None:
        entry = self._calls.get(self._transfer_legs.get(leg_id, ""))
        if entry is None:
            self._send(Hangup(leg_id))
            return
        entry.transfer_answered = True
        record = entry.call.record
        record.exit_reason = "transferred"
        save_call(self._conn, record)
        append_event(self._conn, now, "ivr_transfer_answered", call_id=record.id, leg=leg_id)
        self._send(Bridge(record.id, leg_id))

    def transfer_ended(self, event: LegEnded, now: float) -> tuple[str, list[Handoff]]:
        """The dialled leg ended: the caller's call id, and what follows for them."""
        call_id = self._transfer_legs.pop(event.leg_id, "")
        entry = self._calls.get(call_id)
        if entry is None:
            return call_id, []
        entry.transfer_leg = None
        if entry.transfer_answered:  # the outside party hung up: so does the caller
            return call_id, [EndCall("the transferred call ended", contained=False)]
        reason = "no answer" if entry.transfer_timed_out else (event.reason or f"status {event.status}")
        append_event(self._conn, now, "ivr_transfer_failed", call_id=call_id, reason=reason, status=event.status)
        return call_id, self._feed(call_id, lambda s: s.transfer_failed(reason, now), now)

    # ---- carrying out the interpreter's actions ---------------------------------------------------

    def _feed(self, call_id: str, step: Callable[[Session], list[IvrAction]], now: float) -> list[Handoff]:
        entry = self._calls.get(call_id)
        if entry is None:
            return []
        return self._run(call_id, step(entry.session), now)

    def _run(self, call_id: str, actions: list[IvrAction], now: float) -> list[Handoff]:
        handoffs: list[Handoff] = []
        pending = list(actions)
        while pending:
            action = pending.pop(0)
            entry = self._calls.get(call_id)
            if entry is None:
                break
            if isinstance(action, EnterQueue | RequestCallback | EndCall):
                handoffs.append(action)
            else:
                pending[:0] = self._carry_out(entry, action, now)
        return handoffs

    def _carry_out(self, entry: _InFlow, action: IvrAction, now: float) -> list[IvrAction]:
        """Do one action; returns the interpreter's answer when it comes at once (a lookup)."""
        record = entry.call.record
        match action:
            case Step(node=node, kind=kind, outcome=outcome, digits=digits, details=details):
                entry.steps += 1
                append_step(self._conn, record.id, entry.steps, now, node, kind, outcome, digits, details)
            case PlayPrompts():
                return self._play(entry, action, now)
            case StopPrompt():
                self._send(Silence(record.id))
            case LookupCustomer(number=number, ref=ref):
                customer = self._lookup(number, ref)
                if customer is not None:
                    record.customer_ref = customer.ref
                return entry.session.lookup_result(customer, now)
            case HttpPost():
                self._start_http(record.id, action)
            case RecordVoicemail(queue=queue, max_seconds=max_seconds):
                entry.voicemail_queue = queue
                path = self._recordings / "voicemail" / iso(now)[:10] / f"{record.id}.wav"
                self._send(Record(record.id, str(path), float(max_seconds)))
            case StopRecording():
                self._send(StopRecordingCommand(record.id))
            case TransferOut(number=number, timeout=timeout):
                return self._transfer(entry, number, timeout, now)
            case SaveSurvey(score=score):
                save_survey(self._conn, record.id, record.agent_id, record.queue, score, now)
                append_event(self._conn, now, "survey_scored", call_id=record.id, queue=record.queue,
                             agent_id=record.agent_id, score=score)
        return []

    def _play(self, entry: _InFlow, action: PlayPrompts, now: float) -> list[IvrAction]:
        record = entry.call.record
        record.language = action.language
        paths = []
        for name in action.names:
            try:
                paths.append(self._prompts.path(name, action.language))
            except FileNotFoundError:
                # `ivr check` refuses flows with missing prompts; a prompt removed since is skipped.
                log.warning("call %s: prompt %r has no recording in %r; skipped", record.id, name, action.language)
        if not paths:
            return entry.session.prompt_finished(action.label, now)
        self._send(Play(record.id, action.label, tuple(paths)))
        return []

    def _lookup(self, number: str | None, ref: str | None) -> Customer | None:
        try:
            return find_customer(self._conn, number=number, ref=ref)
        except ValueError:  # a caller ID with no digits ("anonymous") finds nobody
            return None

    def _transfer(self, entry: _InFlow, number: str, timeout: float, now: float) -> list[IvrAction]:
        record = entry.call.record
        target = outbound_target(self._config, number)
        if isinstance(target, str):
            append_event(self._conn, now, "ivr_transfer_failed", call_id=record.id, number=number, reason=target)
            return entry.session.transfer_failed(target, now)
        uri, trunk = target
        leg_id = f"{record.id}~xfer{entry.steps}"
        entry.transfer_leg, entry.transfer_until = leg_id, now + timeout
        entry.transfer_answered = entry.transfer_timed_out = False
        self._transfer_legs[leg_id] = record.id
        append_event(self._conn, now, "ivr_transfer_dialled", call_id=record.id, number=number, trunk=trunk, leg=leg_id)
        self._send(Dial(leg_id, uri, record.caller, trunk))
        return []

    def _flow(self, name: str) -> Flow:
        version = self._config.flows.get(name)
        if version is None:
            raise LookupError(f"flow {name!r} is not active")
        key = (name, version)
        if key not in self._flows:
            _, source = flow_source(self._conn, name, version)
            self._flows[key] = load_flow(source, version)
        return self._flows[key]
