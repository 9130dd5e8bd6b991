"""The telephony engine: pjsua2 on one thread that owns it, events out, commands in.

Everything here runs on the engine thread except `start`, `send`, `stop` and `health`, which
only touch thread-safe queues and plain counters. The core never sees a pjsua2 object.
"""

from __future__ import annotations

import gc
import logging
import queue
import secrets
import threading
import time
from collections.abc import Callable

import msgspec
import pjsua2 as pj

from appliance.model import parse_sip_uri
from appliance.telephony import recorder, sipfilter
from appliance.telephony.admission import Admitted, admit, allowed_networks, dialled_number
from appliance.telephony.budget import LegBudget
from appliance.telephony.dtmf import normalise_digit, read_info
from appliance.telephony.legs import Leg, MediaPlan, Monitoring
from appliance.telephony.media import MediaRouter
from appliance.telephony.messages import (
    Answer,
    Bridge,
    CallArrived,
    CallRefused,
    Command,
    Dial,
    DtmfReceived,
    Event,
    Hangup,
    HangupAll,
    LegAnswered,
    LegEnded,
    LegRinging,
    Monitor,
    MusicOnHold,
    Play,
    PromptFinished,
    Record,
    RecordingStopped,
    Silence,
    SipPolicy,
    StopRecording,
    TrunkRegistration,
    WatchPhones,
)
from appliance.telephony.options import PhonePinger
from appliance.telephony.pjsip import PJSUA_MAX_CALLS, create_endpoint
from appliance.telephony.pjsip_c import pointer_of, respond_in_dialog
from appliance.telephony.sipmsg import request_user, uri_user

__all__ = ("Engine", "EngineSettings", "EngineStartError")

log = logging.getLogger(__name__)

POLL_MS = 10  # only while stopping
# Idle, the engine waits for a command at most this long between polls of pjsip. It waits in the
# command queue, not in pjsip: this pjsua2 build keeps the GIL through libHandleEvents' own wait,
# which held the asyncio thread (switchboard, web, live pushes) off for up to 10 ms at a time.
IDLE_WAIT_S = 0.004
_NOTHING = object()
# Live legs plus legs whose sockets are still closing must stay at or below this (PJSUA2.md).
HARD_LEG_LIMIT = PJSUA_MAX_CALLS
# Legs that may end within one poll, before the source filter starts shedding (see budget.py).
SHED_MARGIN = 2
# 24 legs: 12 bridged conversations, leaving 8 legs' sockets for calls that just ended.
DEFAULT_CAPACITY = 24
# A far end that sends no RTP for this long has vanished (pjsua never ends such calls itself).
MEDIA_TIMEOUT_S = 60.0
MEDIA_CHECK_EVERY_S = 5.0
STOP_GRACE_S = 2.0


class EngineStartError(Exception):
    """The engine could not start (port in use, bad address, pjsua2 refused)."""


class EngineSettings(msgspec.Struct, frozen=True):
    bind: str
    sip_port: int
    moh_path: str
    capacity: int = DEFAULT_CAPACITY
    log_level: int = 1


def _guarded(callback: Callable[..., None], *args: object) -> None:
    """Run an engine handler from a pjsua2 callback or the engine loop.

    NOTE: an exception escaping a SWIG director method becomes a C++ exception inside pjsip,
    which terminates the process; one escaping the loop would stop all telephony. Log it
    instead: one bad call must not end every call.
    """
    try:
        callback(*args)
    except Exception:
        log.exception("telephony callback %s failed", getattr(callback, "__name__", callback))


class _Call(pj.Call):
    """A pjsua2 call that reports its state changes to the engine. Holds no logic of its own."""

    def __init__(self, engine: Engine, account: pj.Account, call_id: int = pj.PJSUA_INVALID_ID) -> None:
        super().__init__(account, call_id)
        self.engine = engine
        self.leg_id = ""

    def onCallState(self, prm: pj.OnCallStateParam) -> None:
        _guarded(self.engine._on_call_state, self)

    def onCallMediaState(self, prm: pj.OnCallMediaStateParam) -> None:
        _guarded(self.engine._on_media_state, self)

    def onDtmfDigit(self, prm: pj.OnDtmfDigitParam) -> None:
        # SIP INFO digits are read from the request itself, in onCallTsxState (see dtmf.py).
        if prm.method == pj.PJSUA_DTMF_METHOD_RFC2833:
            _guarded(self.engine._on_dtmf, self, prm.digit, "rfc2833")

    def onCallTsxState(self, prm: pj.OnCallTsxStateParam) -> None:
        _guarded(self.engine._on_call_transaction, self, prm.e)


class _Account(pj.Account):
    def __init__(self, engine: Engine, registration: TrunkRegistration | None = None) -> None:
        super().__init__()
        self.engine = engine
        self.registration = registration  # set for a carrier account the engine registers

    def onIncomingCall(self, prm: pj.OnIncomingCallParam) -> None:
        _guarded(self.engine._on_incoming_call, self, prm)

    def onRegState(self, prm: pj.OnRegStateParam) -> None:
        if self.registration is not None:
            _guarded(self.engine._on_registration, self.registration.trunk, prm.code, prm.reason, prm.expiration)


class Engine:
    def __init__(self, settings: EngineSettings, on_event: Callable[[Event], None]) -> None:
        self.settings = settings
        self._emit = on_event
        self._commands: queue.SimpleQueue[Command | None] = queue.SimpleQueue()
        self._ready = threading.Event()
        self._start_error: str | None = None
        self._thread = threading.Thread(target=self._run, name="telephony", daemon=True)
        self.budget = LegBudget(HARD_LEG_LIMIT, settings.capacity, SHED_MARGIN)
        self.state = "stopped"
        self._policy = SipPolicy(trunk_networks={}, seat_hosts=(), dids=frozenset())
        self._accepting = True
        self._legs: dict[str, Leg] = {}
        self._graveyard: list[_Call] = []
        self.registration_states: dict[str, dict[str, object]] = {}  # trunk -> state, read by health()
        self._filter_fd: int | None = None
        self._filter_key: tuple[bool, SipPolicy] | None = None
        self._next_media_check = 0.0
        self._pinger: PhonePinger | None = None  # kept until the process ends: pjsip holds its callback

    # ---- the owner thread's API (thread-safe) -------------------------------------------------

    def start(self, timeout: float = 10.0) -> None:
        self.state = "starting"
        self._thread.start()
        if not self._ready.wait(timeout):
            raise EngineStartError("the SIP engine did not start within 10 seconds")
        if self._start_error:
            raise EngineStartError(self._start_error)

    def send(self, command: Command) -> None:
        self._commands.put(command)

    def stop(self, timeout: float = 4.0) -> None:
        if self._thread.is_alive():
            self._commands.put(None)
            self._thread.join(timeout)

    def health(self) -> dict[str, object]:
        now = time.monotonic()
        return {
            "state": self.state,
            "legs_in_use": self.budget.in_use,
            "legs_closing": self.budget.closing(now),
            "leg_capacity": self.budget.capacity,
            "hard_leg_limit": self.budget.hard_limit,
            "sip_port": self.settings.sip_port,
            "source_filter": self._filter_fd is not None,
            "registrations": dict(self.registration_states),
        }

    # ---- the engine thread ----------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._boot()
        except Exception as exc:  # noqa: BLE001 - any failure to boot is reported to start()
            self._start_error = _describe_boot_error(exc, self.settings)
            self.state = "failed"
            self._ready.set()
            return
        self.state = "running"
        self._ready.set()
        try:
            self._loop()
        finally:
            self._teardown()

    def _boot(self) -> None:
        self._ep = create_endpoint(max_calls=self.settings.capacity, log_level=self.settings.log_level)
        transport = pj.TransportConfig()
        transport.port = self.settings.sip_port
        if self.settings.bind != "0.0.0.0":
            transport.boundAddress = self.settings.bind
        self._ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, transport)
        self._ep.libStart()
        self._account = _Account(self)
        config = pj.AccountConfig()
        self._host = self.settings.bind if self.settings.bind != "0.0.0.0" else "127.0.0.1"
        config.idUri = f"sip:branchline@{self._host}:{self.settings.sip_port}"
        if self.settings.bind != "0.0.0.0":
            config.mediaConfig.transportConfig.boundAddress = self.settings.bind
        self._account.create(config, True)
        self._registrations: dict[str, _Account] = {}  # trunk -> its registered carrier account
        self._moh = pj.AudioMediaPlayer()
        self._moh.createPlayer(self.settings.moh_path, 0)  # loops; one player for every caller on hold
        self._media = MediaRouter(self._moh, self._legs, self._prompt_finished)
        self._pinger = PhonePinger(config.idUri, self._emit)
        self._filter_fd = sipfilter.find_udp_socket_fd(self.settings.sip_port)
        self._apply_filter(time.monotonic())

    def _loop(self) -> None:
        while True:
            handled = self._ep.libHandleEvents(0)
            command = self._next_command(0.0 if handled else IDLE_WAIT_S)  # a command wakes it at once
            now = time.monotonic()
            while command is not _NOTHING:
                if command is None:
                    return
                _guarded(self._execute, command, now)
                command = self._next_command(0.0)
            _guarded(self._run_timers, now)

    def _next_command(self, wait: float) -> object:
        try:
            return self._commands.get(timeout=wait) if wait else self._commands.get_nowait()
        except queue.Empty:
            return _NOTHING

    def _run_timers(self, now: float) -> None:
        for leg in list(self._legs.values()):
            if leg.recording is not None and now >= leg.recording.ends_at:
                self._stop_recording(leg, "limit")
            if leg.hangup_at and now >= leg.hangup_at:
                leg.hangup_at = 0.0
                self._hangup(leg, 0)
            if leg.prompt_ends_at and now >= leg.prompt_ends_at:
                self._media.segment_heard(leg)
            elif leg.pending_dial and self.budget.can_dial(now):
                self._place_call(leg, now)
        if now >= self._next_media_check:
            self._next_media_check = now + MEDIA_CHECK_EVERY_S
            self._end_silent_calls(now)
        self._pinger.tick(now)
        self._reap()
        self._apply_filter(now)

    # ---- incoming calls ---------------------------------------------------------------------------

    def _on_incoming_call(self, account: pj.Account, prm: pj.OnIncomingCallParam) -> None:
        call = _Call(self, account, prm.callId)
        now = time.monotonic()
        self.budget.opened()
        source = prm.rdata.srcAddress.rsplit(":", 1)[0]
        info = call.getInfo()
        caller = uri_user(info.remoteUri) or "anonymous"
        did = dialled_number(self._policy, request_user(prm.rdata.wholeMsg), uri_user(info.localUri))
        decision = admit(self._policy, source, did, accepting=self._accepting)
        if not isinstance(decision, Admitted):
            # NOTE: keep the Call referenced; if it died here, pjsua2 would answer 500 instead.
            self._graveyard.append(call)
            self._refuse(call, decision.status)
            self._emit(CallRefused(source, did, decision.status, decision.reason))
            return
        # Call ids sort by arrival (UTC, like every stored time) and stay unique across restarts.
        leg = Leg(f"{time.strftime('%Y%m%d%H%M%S', time.gmtime())}-{secrets.token_hex(3)}", call, inbound=True)
        call.leg_id = leg.leg_id
        self._legs[leg.leg_id] = leg
        self._answer(call, 180)
        self._apply_filter(now)
        self._emit(CallArrived(leg.leg_id, caller, did, source, decision.trunk))

    def _refuse(self, call: _Call, status: int) -> None:
        try:
            self._answer(call, status)
        except pj.Error:
            pass  # the far end may already have given up; the call ends either way

    @staticmethod
    def _answer(call: _Call, status: int) -> None:
        param = pj.CallOpParam()
        param.statusCode = status
        call.answer(param)

    # ---- commands ---------------------------------------------------------------------------------

    def _execute(self, command: Command, now: float) -> None:
        try:
            match command:
                case SipPolicy():
                    self._set_policy(command, now)
                case HangupAll():
                    self._accepting = False
                    for leg in list(self._legs.values()):
                        self._hangup(leg, 0)
                case WatchPhones():
                    self._pinger.watch(command, now)
                case Dial(leg_id=leg_id, uri=uri, caller=caller, trunk=trunk, auto_answer=auto_answer):
                    leg = Leg(leg_id, None, inbound=False, pending_dial=uri, caller=caller, trunk=trunk,
                              auto_answer=auto_answer)
                    self._legs[leg_id] = leg
                    if self.budget.can_dial(now):
                        self._place_call(leg, now)
                case _:
                    leg = self._legs.get(command.leg_id if not isinstance(command, Bridge) else command.leg_a)
                    if leg is None:
                        return  # the leg ended before the command arrived; the core hears LegEnded
                    self._execute_on_leg(leg, command, now)
        except pj.Error as exc:
            log.warning("telephony command %s failed: %s", type(command).__name__, exc.info())

    def _execute_on_leg(self, leg: Leg, command: Command, now: float) -> None:
        match command:
            case Answer():
                self._answer(leg.call, 200)
            case Play(prompt=prompt, paths=paths):
                self._media.play(leg, prompt, paths)
            case MusicOnHold():
                self._media.switch(leg, MediaPlan.MOH)
            case Silence():
                self._media.switch(leg, MediaPlan.SILENCE)
            case Record():
                self._record(leg, command)
            case Monitor(caller_leg=caller_leg, agent_leg=agent_leg, mode=mode):
                self._media.monitor(leg, Monitoring(caller_leg, agent_leg, mode))
            case StopRecording():
                self._stop_recording(leg, "stopped")
            case Bridge(leg_b=other_id):
                other = self._legs.get(other_id)
                if other is None:
                    return
                leg.peer, other.peer = other.leg_id, leg.leg_id
                self._media.switch(leg, MediaPlan.PEER)
                self._media.switch(other, MediaPlan.PEER)
            case Hangup(after=after) if after > 0:
                leg.hangup_at = now + after
            case Hangup(status=status):
                self._hangup(leg, status)

    def _record(self, leg: Leg, command: Record) -> None:
        self._stop_recording(leg, "replaced")
        audio = self._media.audio(leg)
        if audio is None:
            self._emit(RecordingStopped(leg.leg_id, command.path, 0.0, "no audio"))
            return
        try:
            recorder.start(leg, audio, command.path, command.max_seconds, command.both_sides)
        except pj.Error as exc:  # pjsua's 32 recorders are all in use: the call goes on unrecorded
            self._emit(RecordingStopped(leg.leg_id, command.path, 0.0, f"cannot record: {exc.reason}"))
            return
        self._media.connect(leg)  # the bridged party's voice (and a barging supervisor's) joins it
        self._media.reconnect_monitors(leg)

    def _stop_recording(self, leg: Leg, reason: str) -> None:
        stopped = recorder.stop(leg, self._media.audio(leg) if reason != "leg ended" else None)
        if stopped is not None:
            self._emit(RecordingStopped(leg.leg_id, stopped[0], stopped[1], reason))

    def _prompt_finished(self, leg: Leg, prompt: str) -> None:
        self._emit(PromptFinished(leg.leg_id, prompt))

    # ---- DTMF -------------------------------------------------------------------------------------

    def _on_dtmf(self, call: _Call, digit: str, method: str) -> None:
        leg = self._legs.get(call.leg_id)
        digit = normalise_digit(digit)
        if leg is not None and digit is not None and leg.dtmf.is_new_press(digit, method, time.monotonic()):
            self._emit(DtmfReceived(leg.leg_id, digit))

    def _on_call_transaction(self, call: _Call, event: pj.SipEvent) -> None:
        """Read DTMF from an INFO request as it arrives (the transaction layer drops its retransmissions)."""
        state = event.body.tsxState
        tsx = state.tsx
        if tsx.method != "INFO" or tsx.role != pj.PJSIP_ROLE_UAS or tsx.state != pj.PJSIP_TSX_STATE_TRYING:
            return
        if state.type != pj.PJSIP_EVENT_RX_MSG:
            return
        info = read_info(state.src.rdata.wholeMsg)
        if info.answer:
            # NOTE: only for INFO pjsua leaves unanswered: a second final response on one
            # transaction trips a pjlib assertion, which aborts the process.
            respond_in_dialog(pointer_of(state.src.rdata.pjRxData), info.answer)
        if info.digit is not None:
            self._on_dtmf(call, info.digit, "info")

    # ---- outbound calls ---------------------------------------------------------------------------

    def _place_call(self, leg: Leg, now: float) -> None:
        uri, leg.pending_dial = leg.pending_dial, None
        # A carrier trunk's calls go out from its registered account, so its digest credentials answer
        # the carrier's challenge; phones and gateway trunks are called from the engine's own account.
        account = self._registrations.get(leg.trunk) if leg.trunk else None
        call = _Call(self, account if account is not None else self._account)
        call.leg_id = leg.leg_id
        leg.call = call
        param = pj.CallOpParam(True)
        # NOTE: pjsua2 2.10 takes From from the account, so the caller's number travels in the
        # headers desk phones show on their screen (P-Asserted-Identity, Remote-Party-ID).
        headers = []
        if leg.caller:
            identity = f"<sip:{leg.caller}@{self._host}>"
            headers += [("P-Asserted-Identity", identity), ("Remote-Party-ID", f"{identity};party=calling")]
        if leg.auto_answer:
            # The two forms desk phones honour when remote answer is allowed (Yealink, Polycom, Snom...).
            headers += [("Call-Info", f"<sip:{self._host}>;answer-after=0"),
                        ("Alert-Info", "<http://127.0.0.1/>;info=alert-autoanswer;delay=0")]
        for name, value in headers:
            header = pj.SipHeader()
            header.hName, header.hValue = name, value
            param.txOption.headers.append(header)
        try:
            call.makeCall(uri, param)
        except pj.Error as exc:
            leg.call = None
            self._legs.pop(leg.leg_id, None)
            self._graveyard.append(call)
            self._emit(LegEnded(leg.leg_id, by_far_end=False, status=500, reason=f"dial failed: {exc.reason}"))
            return
        self.budget.opened()
        self._apply_filter(now)

    def _hangup(self, leg: Leg, status: int) -> None:
        leg.hung_up_here = True
        if leg.call is None:  # still waiting for room to dial
            self._legs.pop(leg.leg_id, None)
            self._emit(LegEnded(leg.leg_id, by_far_end=False, status=487, reason="cancelled before dialling"))
            return
        param = pj.CallOpParam()
        if status:
            param.statusCode = status
        try:
            leg.call.hangup(param)
        except pj.Error:
            pass

    # ---- call state -------------------------------------------------------------------------------

    def _on_call_state(self, call: _Call) -> None:
        leg = self._legs.get(call.leg_id)
        info = call.getInfo()
        if info.state == pj.PJSIP_INV_STATE_DISCONNECTED:
            now = time.monotonic()
            self.budget.released(now)
            self._apply_filter(now)  # start shedding before the next packet is read, if needed
            if call not in self._graveyard:
                self._graveyard.append(call)
            if leg is None:
                return
            self._legs.pop(leg.leg_id, None)
            self._stop_recording(leg, "leg ended")
            self._media.release(leg)
            status = info.lastStatusCode
            reason = info.lastReason or ("hung up" if status in (0, 200) else "")
            self._emit(LegEnded(leg.leg_id, by_far_end=not leg.hung_up_here, status=status, reason=reason))
        elif leg is None:
            return
        elif info.state == pj.PJSIP_INV_STATE_EARLY and not leg.inbound and not leg.rang:
            leg.rang = True
            self._emit(LegRinging(leg.leg_id))
        elif info.state == pj.PJSIP_INV_STATE_CONFIRMED and not leg.answered:
            leg.answered = True
            self._emit(LegAnswered(leg.leg_id))

    def _on_media_state(self, call: _Call) -> None:
        # NOTE: every re-INVITE drops the call's conference connections: connect them again.
        leg = self._legs.get(call.leg_id)
        if leg is not None:
            self._media.connect(leg)
            if leg.peer and (peer := self._legs.get(leg.peer)):
                self._media.connect(peer)
            self._media.reconnect_monitors(leg)

    def _end_silent_calls(self, now: float) -> None:
        """Hang up answered calls whose far end has sent no RTP for MEDIA_TIMEOUT_S."""
        for leg in list(self._legs.values()):
            if not leg.answered or leg.call is None:
                continue
            try:
                received = leg.call.getStreamStat(0).rtcp.rxStat.pkt
            except pj.Error:
                continue
            if received != leg.rtp_received:
                leg.rtp_received, leg.rtp_seen_at = received, now
            elif now - (leg.rtp_seen_at or now) >= MEDIA_TIMEOUT_S:
                log.warning("leg %s sent no audio for %.0f s; hanging up", leg.leg_id, MEDIA_TIMEOUT_S)
                self._hangup(leg, 0)
            elif not leg.rtp_seen_at:
                leg.rtp_seen_at = now

    # ---- housekeeping -----------------------------------------------------------------------------

    def _reap(self) -> None:
        # NOTE: ~Call() clears and hangs up whatever call now holds its slot id. A dead Call is
        # dropped only once its slot is idle, never inside onCallState.
        if self._graveyard:
            self._graveyard = [call for call in self._graveyard if call.isActive()]

    def _set_policy(self, policy: SipPolicy, now: float) -> None:
        self._policy = policy
        wanted = {r.trunk: r for r in policy.registrations}
        for trunk, account in list(self._registrations.items()):
            if wanted.get(trunk) != account.registration:  # removed, or its account or password changed
                self._registrations.pop(trunk).shutdown()
                self.registration_states.pop(trunk, None)
        for trunk, registration in wanted.items():
            if trunk not in self._registrations:
                self._registrations[trunk] = self._register(registration)
        self._apply_filter(now, force=True)

    def _on_registration(self, trunk: str, code: int, reason: str, expires: int) -> None:
        self.registration_states[trunk] = {"registered": code // 100 == 2 and expires > 0, "status": code, "reason": reason}
        log.info("trunk %s registration: %s %s", trunk, code, reason)

    def _register(self, registration: TrunkRegistration) -> _Account:
        account = _Account(self, registration)
        self.registration_states[registration.trunk] = {"registered": False, "status": 0, "reason": "registering"}
        config = pj.AccountConfig()
        uri = parse_sip_uri(registration.uri)
        config.idUri = registration.uri
        config.regConfig.registrarUri = f"sip:{uri.host}:{uri.port}"
        config.sipConfig.authCreds.append(pj.AuthCredInfo("digest", "*", uri.user, 0, registration.password))
        if self.settings.bind != "0.0.0.0":
            config.mediaConfig.transportConfig.boundAddress = self.settings.bind
        account.create(config)
        return account

    def _apply_filter(self, now: float, *, force: bool = False) -> None:
        if self._filter_fd is None:
            return
        # Runs on every poll: compare cheaply, rebuild the program only when something changed.
        key = (self.budget.must_shed(now) or not self._accepting, self._policy)
        if key == self._filter_key and not force:
            return
        networks = allowed_networks(self._policy)
        sipfilter.attach(self._filter_fd, sipfilter.build_program(networks, drop_invites=key[0]))
        self._filter_key = key

    def _teardown(self) -> None:
        self.state = "stopping"
        self._accepting = False
        for leg in list(self._legs.values()):
            self._hangup(leg, 0)
        deadline = time.monotonic() + STOP_GRACE_S
        while self._legs and time.monotonic() < deadline:
            self._ep.libHandleEvents(POLL_MS)
        self._pinger.close()
        # NOTE: every Call and player must be gone before libDestroy, or the process aborts.
        self._legs.clear()
        self._graveyard.clear()
        self._media = None
        self._moh = None
        for account in self._registrations.values():
            account.shutdown()
        self._registrations.clear()
        self._account.shutdown()
        gc.collect()
        self._ep.libDestroy()
        self.state = "stopped"


def _describe_boot_error(exc: Exception, settings: EngineSettings) -> str:
    if isinstance(exc, pj.Error):
        detail = exc.info()
        if "Address already in use" in detail or "EADDRINUSE" in detail:
            return f"SIP port {settings.sip_port} on {settings.bind} is already in use: stop the other program or pass --sip-port"
        return f"the SIP engine failed to start: {exc.reason} ({exc.title})"
    if isinstance(exc, LookupError | OSError):
        return f"the SIP engine could not set up its source filter: {exc}"
    return f"the SIP engine failed to start: {exc}"

