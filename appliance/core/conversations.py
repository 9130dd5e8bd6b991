"""Conversations between a customer and an agent, as supervision sees them: which are recorded
(the policy per queue and direction, and the disk-space guard), and supervisors listening in.

The switchboard tells this module when a customer is bridged to an agent and when legs end; it
answers with engine commands. One conversation per customer leg: a transfer to another agent
replaces it, and its recording (the engine stops the old file when the new one starts).
"""

from __future__ import annotations

import logging
import random
import re
import shutil
import time
import wave
from collections.abc import Callable
from pathlib import Path

import apsw
import msgspec

from appliance.clock import iso
from appliance.errors import Conflict, InvalidInput, NotFound
from appliance.model import BranchConfig
from appliance.store.recordings import (
    add_recording,
    finish_recording,
    recording_percent,
    recording_settings,
    unfinished_recordings,
)
from appliance.store.records import append_event
from appliance.telephony.messages import MONITOR_MODES, Command, Dial, Hangup, Monitor, Record, StopRecording

__all__ = ("Alert", "Conversation", "Conversations", "Supervision")

log = logging.getLogger(__name__)

MAX_RECORDING_S = 4 * 3600.0  # the file ends there; the call goes on
DISK_CHECK_EVERY_S = 10.0
SUPERVISOR_RING_S = 30.0
MB = 1024 * 1024
WAV_HEADER_BYTES = 44
DEFAULT_RATE = 8000  # the conference bridge's clock rate (telephony/pjsip.py CLOCK_RATE)


class Alert(msgspec.Struct, frozen=True):
    kind: str
    message: str
    since: str


class Supervision(msgspec.Struct):
    """A supervisor's phone connected (or ringing) to a conversation."""

    leg_id: str
    username: str
    seat: str
    mode: str
    state: str = "ringing"  # -> connected
    ring_until: float = 0.0


class Conversation(msgspec.Struct):
    call_id: str  # the call (for a callback, the request) whose wrap-up belongs with it
    customer_leg: str
    agent_leg: str
    agent_id: str
    queue: str | None
    direction: str  # inbound: the customer rang the branch; outbound: the branch dialled them
    caller: str
    started: float
    recording: str | None = None  # the file's absolute path while it is being written
    supervision: Supervision | None = None


class Conversations:
    def __init__(self, conn: apsw.Connection, send: Callable[[Command], None], recordings_dir: Path,
                 rng: random.Random | None = None) -> None:
        self._conn = conn
        self._send = send
        self._dir = recordings_dir
        self._rng = rng or random.Random()
        self._by_customer: dict[str, Conversation] = {}
        self._supervisor_legs: dict[str, str] = {}  # supervisor's leg -> customer leg
        self._disk_alert: Alert | None = None
        self._next_disk_check = 0.0
        self._monitor_count = 0
        self._finish_interrupted()

    # ---- what the screens show ------------------------------------------------------------------

    def of_call(self, call_id: str) -> Conversation | None:
        return next((c for c in self._by_customer.values() if c.call_id == call_id), None)

    def all(self) -> list[Conversation]:
        return list(self._by_customer.values())

    def alerts(self) -> list[Alert]:
        return [self._disk_alert] if self._disk_alert else []

    def live(self) -> int:
        """Legs this module holds: supervisors' phones."""
        return len(self._supervisor_legs)

    # ---- conversations begin and end --------------------------------------------------------------

    def started(self, *, call_id: str, customer_leg: str, agent_leg: str, agent_id: str, queue: str | None,
                direction: str, caller: str, config: BranchConfig, now: float) -> None:
        """A customer has just been bridged to an agent."""
        previous = self._by_customer.get(customer_leg)
        if previous is not None and previous.agent_leg == agent_leg:
            return  # the same two talking again (after hold or a consultation): one conversation
        if previous is not None:
            self._end_supervision(previous, "the call moved to another agent")
        conversation = Conversation(call_id, customer_leg, agent_leg, agent_id, queue, direction, caller, now)
        self._by_customer[customer_leg] = conversation
        if self._rng.random() * 100 < recording_percent(self._conn, queue, direction) and self._disk_allows(now):
            self._start_recording(conversation, config, now)
        elif previous is not None and previous.recording:
            self._send(StopRecording(customer_leg))

    def leg_ended(self, leg_id: str, now: float) -> bool:
        """Any leg ended. True when it was a supervisor's (nothing else needs to hear of it)."""
        if (customer_leg := self._supervisor_legs.pop(leg_id, None)) is not None:
            conversation = self._by_customer.get(customer_leg)
            if conversation is not None and conversation.supervision and conversation.supervision.leg_id == leg_id:
                conversation.supervision = None
            return True
        conversation = self._by_customer.get(leg_id) or next(
            (c for c in self._by_customer.values() if c.agent_leg == leg_id), None)
        if conversation is not None:
            del self._by_customer[conversation.customer_leg]
            if conversation.recording and leg_id == conversation.agent_leg:
                self._send(StopRecording(conversation.customer_leg))  # the customer may stay (a survey)
            self._end_supervision(conversation, "the call ended")
        return False

    def recording_stopped(self, path: str, seconds: float, reason: str, now: float) -> bool:
        """The engine finished a file. True when it was a conversation recording."""
        size = Path(path).stat().st_size if Path(path).exists() else 0
        recording_id = finish_recording(self._conn, self._relative(path), ended_at=iso(now), seconds=seconds,
                                        size=size, reason=reason)
        for conversation in self._by_customer.values():
            if conversation.recording == path:
                conversation.recording = None
        return recording_id is not None

    # ---- recording -------------------------------------------------------------------------------

    def _finish_interrupted(self) -> None:
        """Rows a stopped or crashed server left running: keep what reached the disk.

        NOTE: pjsua writes the WAV header's sizes only when the recorder closes, so the length of
        a file cut off by a crash comes from its size (16-bit mono PCM after a 44-byte header).
        """
        now = time.time()
        with self._conn:
            for recording_id, relative in unfinished_recordings(self._conn):
                path = self._dir / relative
                size = path.stat().st_size if path.exists() else 0
                seconds = round(max(0, size - WAV_HEADER_BYTES) / (2 * _wav_rate(path)), 3) if size else 0.0
                finish_recording(self._conn, relative, ended_at=iso(now), seconds=seconds, size=size,
                                 reason="interrupted: the server stopped")
                log.warning("recording %d was cut off when the server stopped; %.1f s kept", recording_id, seconds)

    def _start_recording(self, conversation: Conversation, config: BranchConfig, now: float) -> None:
        day = time.strftime("%Y/%m/%d", time.localtime(now))
        name = re.sub(r"[^\w.-]", "_", conversation.agent_leg)  # unique per ring of an agent's phone
        path = self._dir / "calls" / day / f"{name}.wav"
        agent = next((a for a in config.agents if a.id == conversation.agent_id), None)
        recording_id = add_recording(
            self._conn, call_id=conversation.call_id, path=self._relative(str(path)), direction=conversation.direction,
            queue=conversation.queue, agent_id=conversation.agent_id, team=agent.team if agent else None,
            caller=conversation.caller, started_at=iso(now))
        conversation.recording = str(path)
        append_event(self._conn, now, "recording_started", call_id=conversation.call_id, queue=conversation.queue,
                     agent_id=conversation.agent_id, recording=recording_id)
        self._send(Record(conversation.customer_leg, str(path), MAX_RECORDING_S, both_sides=True))

    def _relative(self, path: str) -> str:
        try:
            return str(Path(path).relative_to(self._dir))
        except ValueError:
            return path

    def _disk_allows(self, now: float) -> bool:
        """Whether the recordings' disk has room; raises or clears the wallboard's alert."""
        min_free = recording_settings(self._conn).min_free_mb * MB
        self._dir.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(self._dir).free
        if free >= min_free:
            if self._disk_alert is not None:
                log.info("recording resumes: %d MB free", free // MB)
                append_event(self._conn, now, "recording_resumed", free_mb=free // MB)
            self._disk_alert = None
            return True
        if self._disk_alert is None:
            message = (f"Recording stopped: {free // MB} MB free on the recordings disk, under the "
                       f"{min_free // MB} MB minimum. Free space or change 'branchline recordings settings --min-free-mb'.")
            log.warning("%s", message)
            self._disk_alert = Alert("recording_disk", message, iso(now))
            append_event(self._conn, now, "recording_disk_low", free_mb=free // MB, min_free_mb=min_free // MB)
        return False

    def check_disk(self, now: float) -> None:
        """Every few seconds: raise or clear the alert, and stop every recording when the disk runs low."""
        if now < self._next_disk_check:
            return
        self._next_disk_check = now + DISK_CHECK_EVERY_S
        if self._disk_allows(now) and self._disk_alert is None:
            return
        for conversation in self._by_customer.values():
            if conversation.recording:
                self._send(StopRecording(conversation.customer_leg))

    def next_deadline(self) -> float | None:
        times = [c.supervision.ring_until for c in self._by_customer.values()
                 if c.supervision and c.supervision.state == "ringing"]
        return min(times, default=self._next_disk_check)

    def tick(self, now: float) -> None:
        self.check_disk(now)
        for conversation in self._by_customer.values():
            supervision = conversation.supervision
            if supervision and supervision.state == "ringing" and now >= supervision.ring_until:
                supervision.ring_until = float("inf")  # hung up once; its LegEnded cleans up
                self._send(Hangup(supervision.leg_id))

    # ---- supervisors --------------------------------------------------------------------------------

    def monitor(self, call_id: str, username: str, seat: str, phone_uri: str, auto_answer: bool, mode: str,
                now: float) -> Supervision:
        """Ring the supervisor's seat phone; once answered it is connected to the call in `mode`."""
        conversation = self._talking(call_id)
        _check_mode(mode)
        if conversation.supervision is not None:
            raise Conflict(f"{conversation.supervision.username} is already listening to call {call_id}.")
        if any(seat == c.supervision.seat for c in self._by_customer.values() if c.supervision):
            raise Conflict(f"the phone at seat {seat!r} is already listening to another call.")
        self._monitor_count += 1
        leg_id = f"{conversation.customer_leg}~monitor-{self._monitor_count}"
        conversation.supervision = Supervision(leg_id, username, seat, mode, ring_until=now + SUPERVISOR_RING_S)
        self._supervisor_legs[leg_id] = conversation.customer_leg
        self._send(Dial(leg_id, phone_uri, conversation.caller, auto_answer=auto_answer))
        return conversation.supervision

    def supervisor_answered(self, leg_id: str) -> bool:
        customer_leg = self._supervisor_legs.get(leg_id)
        if customer_leg is None:
            return False
        conversation = self._by_customer.get(customer_leg)
        if conversation is None or conversation.supervision is None or conversation.supervision.leg_id != leg_id:
            self._send(Hangup(leg_id))  # the call ended while the phone rang
            return True
        conversation.supervision.state = "connected"
        self._connect_supervisor(conversation)
        return True

    def change_mode(self, call_id: str, username: str, mode: str) -> Supervision:
        _check_mode(mode)
        conversation = self._talking(call_id)
        supervision = self._supervision_of(conversation, username)
        supervision.mode = mode
        if supervision.state == "connected":
            self._connect_supervisor(conversation)
        return supervision

    def stop_monitor(self, call_id: str, username: str) -> None:
        conversation = self._talking(call_id)
        self._send(Hangup(self._supervision_of(conversation, username).leg_id))

    def _connect_supervisor(self, conversation: Conversation) -> None:
        supervision = conversation.supervision
        self._send(Monitor(supervision.leg_id, conversation.customer_leg, conversation.agent_leg, supervision.mode))

    def _end_supervision(self, conversation: Conversation, why: str) -> None:
        if conversation.supervision is not None:
            log.info("%s stops listening to call %s: %s", conversation.supervision.username, conversation.call_id, why)
            self._send(Hangup(conversation.supervision.leg_id))

    def _talking(self, call_id: str) -> Conversation:
        conversation = self.of_call(call_id)
        if conversation is None:
            raise NotFound(f"call {call_id!r} is not a conversation with an agent right now.", call=call_id)
        return conversation

    @staticmethod
    def _supervision_of(conversation: Conversation, username: str) -> Supervision:
        supervision = conversation.supervision
        if supervision is None or supervision.username != username:
            raise NotFound(f"you are not listening to call {conversation.call_id!r}.", call=conversation.call_id)
        return supervision


def _wav_rate(path: Path) -> int:
    try:
        with wave.open(str(path), "rb") as wav:
            return wav.getframerate()
    except (OSError, EOFError, wave.Error):
        return DEFAULT_RATE


def _check_mode(mode: str) -> None:
    if mode not in MONITOR_MODES:
        raise InvalidInput(f"mode {mode!r} is not one of {', '.join(MONITOR_MODES)}.", mode=mode)
