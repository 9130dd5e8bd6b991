"""`branchline phone`: a small SIP phone in its own process, for the demo, the tests and admins.

It answers as a seat's phone (automatically, never, or busy), or calls a number; it can play a
tone, record what it hears, and send digits. It reports what happens as JSON lines on stdout
(including each DTMF digit it receives: {"event": "dtmf", "call": 1, "digit": "5", "method":
"rfc2833"}) and takes commands on stdin, so tests can drive it like a person:
`hangup`, `answer`, `call URI`, `dtmf 123#` (RFC 2833), `dtmf-info 123# [relay|plain]` (one SIP
INFO per digit, application/dtmf-relay or application/dtmf; each answer is reported as
"info-answered"), `quit`. Like any pjsua endpoint it answers OPTIONS by itself.
"""

from __future__ import annotations

import json
import os
import select
import signal
import sys
import time
from pathlib import Path

import msgspec
import pjsua2 as pj

from appliance.telephony.pjsip import create_endpoint
from appliance.telephony.sipmsg import header_value, split_message, uri_user

__all__ = ("PhoneSettings", "run_phone")

POLL_MS = 20
# pjmedia's tone generator takes on-times up to 32767 ms; loop a long one so the tone never dips.
TONE_ON_MS = 30000
# Digits sent by SIP INFO go one request at a time, spaced like key presses.
INFO_DIGIT_GAP_S = 0.15
INFO_DURATION_MS = 160
INFO_BODIES = {
    "relay": ("application/dtmf-relay", f"Signal={{digit}}\r\nDuration={INFO_DURATION_MS}\r\n"),
    "plain": ("application/dtmf", "{digit}"),
}
DTMF_METHODS = {pj.PJSUA_DTMF_METHOD_RFC2833: "rfc2833", pj.PJSUA_DTMF_METHOD_SIP_INFO: "info"}


class PhoneSettings(msgspec.Struct, frozen=True):
    host: str
    port: int
    user: str = "phone"
    answer: str = "auto"  # auto | never | busy
    answer_delay: float = 0.0
    tone_hz: int = 0
    record_dir: str | None = None
    call: str | None = None
    digits: str = ""
    hangup_after: float = 0.0
    max_calls: int = 8


def _say(event: str, **fields: object) -> None:
    sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
    sys.stdout.flush()


class _PhoneCall(pj.Call):
    def __init__(self, phone: Phone, account: pj.Account, call_id: int = pj.PJSUA_INVALID_ID) -> None:
        super().__init__(account, call_id)
        self.phone = phone
        self.number = phone.next_number()
        self.answer_at = 0.0
        self.hangup_at = 0.0
        self.recorder: pj.AudioMediaRecorder | None = None
        self.recording = ""
        self.connected = False
        self.digits_sent = False
        self.info_digits: list[tuple[str, str]] = []  # (digit, body kind) still to send by SIP INFO
        self.info_next_at = 0.0

    def onCallState(self, prm: pj.OnCallStateParam) -> None:
        self.phone.on_state(self)

    def onCallMediaState(self, prm: pj.OnCallMediaStateParam) -> None:
        self.phone.on_media(self)

    def onDtmfDigit(self, prm: pj.OnDtmfDigitParam) -> None:
        _say("dtmf", call=self.number, digit=prm.digit, method=DTMF_METHODS.get(prm.method, str(prm.method)))

    def onCallTsxState(self, prm: pj.OnCallTsxStateParam) -> None:
        state = prm.e.body.tsxState
        tsx = state.tsx
        # The final answer to an INFO we sent: COMPLETED, or TERMINATED straight away (a timeout).
        final = tsx.state == pj.PJSIP_TSX_STATE_COMPLETED or (
            tsx.state == pj.PJSIP_TSX_STATE_TERMINATED and state.prevState < pj.PJSIP_TSX_STATE_COMPLETED
        )
        if tsx.method == "INFO" and tsx.role == pj.PJSIP_ROLE_UAC and final:
            _say("info-answered", call=self.number, status=tsx.statusCode, reason=tsx.statusText)


class _PhoneAccount(pj.Account):
    def __init__(self, phone: Phone) -> None:
        super().__init__()
        self.phone = phone

    def onIncomingCall(self, prm: pj.OnIncomingCallParam) -> None:
        self.phone.on_incoming(self, prm)


class Phone:
    def __init__(self, settings: PhoneSettings) -> None:
        self.settings = settings
        self.calls: list[_PhoneCall] = []
        self.finished: list[_PhoneCall] = []
        self._count = 0
        self.ep = create_endpoint(max_calls=settings.max_calls)
        transport = pj.TransportConfig()
        transport.port = settings.port
        transport.boundAddress = settings.host
        self.ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, transport)
        self.ep.libStart()
        self.account = _PhoneAccount(self)
        config = pj.AccountConfig()
        config.idUri = f"sip:{settings.user}@{settings.host}:{settings.port}"
        config.mediaConfig.transportConfig.boundAddress = settings.host
        self.account.create(config, True)
        self.tone = None
        if settings.record_dir:
            Path(settings.record_dir).mkdir(parents=True, exist_ok=True)
        if settings.tone_hz:
            self.tone = pj.ToneGenerator()
            self.tone.createToneGenerator(8000, 1)
            desc = pj.ToneDesc()
            desc.freq1 = int(settings.tone_hz)  # NOTE: must be an int, or SWIG rejects it
            desc.freq2 = 0
            desc.on_msec = TONE_ON_MS
            desc.off_msec = 0
            desc.volume = 0
            tones = pj.ToneDescVector()
            tones.append(desc)
            self.tone.play(tones, True)

    def next_number(self) -> int:
        self._count += 1
        return self._count

    # ---- SIP ----------------------------------------------------------------------------------

    def on_incoming(self, account: pj.Account, prm: pj.OnIncomingCallParam) -> None:
        call = _PhoneCall(self, account, prm.callId)
        self.calls.append(call)
        info = call.getInfo()
        # Like a desk phone, show the asserted caller when the call carries one.
        asserted = header_value(split_message(prm.rdata.wholeMsg)[0], "p-asserted-identity")
        caller = uri_user(asserted) if asserted else uri_user(info.remoteUri)
        _say("incoming", call=call.number, caller=caller, source=prm.rdata.srcAddress)
        param = pj.CallOpParam()
        if self.settings.answer == "busy":
            param.statusCode = 486
            call.answer(param)
            return
        param.statusCode = 180
        call.answer(param)
        call_info = header_value(split_message(prm.rdata.wholeMsg)[0], "call-info") or ""
        if "answer-after=0" in call_info.replace(" ", ""):  # asked to answer: as a desk phone allowing it does
            call.answer_at = time.monotonic()
        elif self.settings.answer == "auto":
            call.answer_at = time.monotonic() + self.settings.answer_delay

    def dial(self, uri: str) -> None:
        call = _PhoneCall(self, self.account)
        self.calls.append(call)
        call.makeCall(uri, pj.CallOpParam(True))
        _say("calling", call=call.number, uri=uri)

    def on_state(self, call: _PhoneCall) -> None:
        info = call.getInfo()
        if info.state == pj.PJSIP_INV_STATE_CONFIRMED:
            _say("answered", call=call.number)
            if self.settings.hangup_after:
                call.hangup_at = time.monotonic() + self.settings.hangup_after
        elif info.state == pj.PJSIP_INV_STATE_DISCONNECTED:
            self._stop_media(call)
            _say(
                "ended",
                call=call.number,
                status=info.lastStatusCode,
                reason=info.lastReason,
                recording=call.recording,
                seconds=info.connectDuration.sec + info.connectDuration.msec / 1000,
            )
            # NOTE: dropping the Call inside onCallState lets a late ~Call() hang up the next
            # call in the same slot; keep it until the slot is idle.
            self.calls.remove(call)
            self.finished.append(call)

    def on_media(self, call: _PhoneCall) -> None:
        info = call.getInfo()
        if not any(m.status == pj.PJSUA_CALL_MEDIA_ACTIVE for m in info.media):
            return
        audio = call.getAudioMedia(-1)
        if self.tone is not None:
            self.tone.startTransmit(audio)
        if self.settings.record_dir and call.recorder is None:
            path = Path(self.settings.record_dir) / f"call-{os.getpid()}-{call.number}.wav"
            call.recorder = pj.AudioMediaRecorder()
            call.recorder.createRecorder(str(path))
            call.recording = str(path)
        if call.recorder is not None:
            audio.startTransmit(call.recorder)
        call.connected = True

    def _stop_media(self, call: _PhoneCall) -> None:
        # Destroying the recorder finalises the WAV header.
        call.recorder = None

    # ---- the loop -----------------------------------------------------------------------------

    def command(self, line: str) -> bool:
        verb, _, arg = line.strip().partition(" ")
        if verb == "quit":
            return False
        for call in list(self.calls):
            try:
                if verb == "hangup":
                    call.hangup(pj.CallOpParam())
                elif verb == "dtmf" and arg:
                    call.dialDtmf(arg)
                elif verb == "dtmf-info" and arg:
                    digits, _, kind = arg.partition(" ")
                    kind = kind.strip() or "relay"
                    if kind not in INFO_BODIES:
                        reason = f"unknown INFO body {kind!r}: use relay or plain"
                        _say("error", call=call.number, command=verb, reason=reason)
                        continue
                    call.info_digits += [(digit, kind) for digit in digits]
                elif verb == "answer":
                    param = pj.CallOpParam()
                    param.statusCode = 200
                    call.answer(param)
            except pj.Error as exc:
                _say("error", call=call.number, command=verb, reason=exc.reason)
        if verb == "call" and arg:
            self.dial(arg)
        return True

    def tick(self, now: float) -> None:
        for call in list(self.calls):
            if call.answer_at and now >= call.answer_at:
                call.answer_at = 0.0
                param = pj.CallOpParam()
                param.statusCode = 200
                call.answer(param)
            if call.hangup_at and now >= call.hangup_at:
                call.hangup_at = 0.0
                call.hangup(pj.CallOpParam())
            if call.connected and self.settings.digits and not call.digits_sent:
                call.digits_sent = True
                call.dialDtmf(self.settings.digits)
            if call.info_digits and now >= call.info_next_at:
                call.info_next_at = now + INFO_DIGIT_GAP_S
                self._send_info_digit(call, *call.info_digits.pop(0))
        self.finished = [c for c in self.finished if c.isActive()]

    @staticmethod
    def _send_info_digit(call: _PhoneCall, digit: str, kind: str) -> None:
        content_type, body = INFO_BODIES[kind]
        param = pj.CallSendRequestParam()
        param.method = "INFO"
        param.txOption.contentType = content_type
        param.txOption.msgBody = body.format(digit=digit)
        try:
            call.sendRequest(param)
        except pj.Error as exc:
            _say("error", call=call.number, command="dtmf-info", reason=exc.reason)

    def close(self) -> None:
        for call in list(self.calls):
            try:
                call.hangup(pj.CallOpParam())
            except pj.Error:
                pass
        deadline = time.monotonic() + 1.0
        while self.calls and time.monotonic() < deadline:
            self.ep.libHandleEvents(POLL_MS)
        self.calls.clear()
        self.finished.clear()
        self.tone = None
        self.account.shutdown()
        self.ep.libDestroy()


def run_phone(settings: PhoneSettings) -> int:
    phone = Phone(settings)
    stopping = False

    def _stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    _say("ready", uri=f"sip:{settings.user}@{settings.host}:{settings.port}")
    if settings.call:
        phone.dial(settings.call)
    stdin_open = not sys.stdin.closed and not sys.stdin.isatty()
    buffer = ""
    while not stopping:
        phone.ep.libHandleEvents(POLL_MS)
        phone.tick(time.monotonic())
        if stdin_open and select.select([sys.stdin], [], [], 0)[0]:
            chunk = os.read(sys.stdin.fileno(), 4096).decode(errors="replace")
            if not chunk:
                stdin_open = False
            buffer += chunk
            while "\n" in buffer:
                line, buffer = buffer.split("\n", 1)
                if line.strip() and not phone.command(line):
                    stopping = True
        if settings.call and not phone.calls and phone._count:
            break  # a calling phone is done when its call is
    phone.close()
    _say("stopped")
    return 0
