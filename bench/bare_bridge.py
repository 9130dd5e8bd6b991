"""The baseline for the capacity benchmark: answer every call, ring a phone, bridge the two.

No database, no web, no queue, no prompts: an inbound call is answered with 200 at once, the
next free phone of a fixed list (round-robin) is dialled, and when it answers the two calls are
bridged both ways in pjsua2's conference bridge. When either side hangs up, the other is hung up.
This is the floor against which `branchline serve` is measured (bench/capacity.py).

It uses the appliance's engine settings (appliance.telephony.pjsip.create_endpoint: one thread,
libHandleEvents polled every 10 ms, 8 kHz bridge, null sound device, no auto-close) and obeys
the same rules (PJSUA2.md), because breaking them crashes the process, not because they cost:
  * Call objects are never dropped inside onCallState: ended calls wait in a graveyard and are
    deleted only when isActive() is false; every Call is gone before libDestroy();
  * the socket budget: live legs plus legs that ended in the last ~0.6 s stay within 32. It uses
    the appliance's LegBudget with the engine's capacity and margin (maxCalls 24, so pjsua answers
    a stateless 486 above it; bench/capacity.py passes the engine's current values), drops new
    INVITEs in the kernel (the same SO_ATTACH_FILTER program) while the budget says shed (callers
    retransmit), and dials a phone only when there is room.

Usage:
    python bench/bare_bridge.py --listen 127.0.0.1:5060 \
        --phone sip:desk1@127.0.0.1:5070 --phone sip:desk2@127.0.0.1:5080

Prints JSON lines on stdout ("ready" once listening, "stopped" with counters at exit).
SIGTERM or SIGINT stops it: every call is hung up, then the library is destroyed cleanly.
"""

from __future__ import annotations

import argparse
import collections
import gc
import json
import signal
import sys
import time

import pjsua2 as pj

from appliance.telephony import sipfilter
from appliance.telephony.budget import LegBudget
from appliance.telephony.pjsip import PJSUA_MAX_CALLS, create_endpoint

# Defaults: the appliance engine's values when this was written (engine.POLL_MS, DEFAULT_CAPACITY,
# SHED_MARGIN). They are not imported: the engine module's imports would add ~16 MB to this floor.
POLL_MS = 10
MAX_CALLS = 24
SHED_MARGIN = 2
STOP_GRACE_S = 2.0


def say(event: str, **fields: object) -> None:
    sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
    sys.stdout.flush()


class BenchCall(pj.Call):
    def __init__(self, bridge: Bridge, account: pj.Account, call_id: int = pj.PJSUA_INVALID_ID,
                 *, inbound: bool, phone: int = -1) -> None:
        super().__init__(account, call_id)
        self.bridge = bridge
        self.inbound = inbound
        self.phone = phone  # index of the phone this outbound leg rings
        self.peer: BenchCall | None = None
        self.ended = False
        self.hung_up = False

    def onCallState(self, prm: pj.OnCallStateParam) -> None:
        self.bridge.on_state(self)

    def onCallMediaState(self, prm: pj.OnCallMediaStateParam) -> None:
        self.bridge.connect(self)


class BenchAccount(pj.Account):
    def __init__(self, bridge: Bridge) -> None:
        super().__init__()
        self.bridge = bridge

    def onIncomingCall(self, prm: pj.OnIncomingCallParam) -> None:
        self.bridge.on_incoming(self, prm)


class Bridge:
    def __init__(self, host: str, port: int, phones: list[str], *, capacity: int = MAX_CALLS,
                 shed_margin: int = SHED_MARGIN, poll_ms: int = POLL_MS) -> None:
        self.poll_ms = poll_ms
        self.phones = phones
        self.phone_busy = [False] * len(phones)
        self.next_phone = 0
        self.live: set[BenchCall] = set()
        self.waiting: collections.deque[BenchCall] = collections.deque()  # answered, no phone yet
        self.to_hang_up: list[BenchCall] = []
        self.graveyard: list[BenchCall] = []
        self.budget = LegBudget(PJSUA_MAX_CALLS, capacity, shed_margin)
        self.counts = collections.Counter()
        self.ep = create_endpoint(max_calls=capacity)
        transport = pj.TransportConfig()
        transport.port = port
        transport.boundAddress = host
        self.ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, transport)
        self.ep.libStart()
        self.account = BenchAccount(self)
        config = pj.AccountConfig()
        config.idUri = f"sip:bridge@{host}:{port}"
        config.mediaConfig.transportConfig.boundAddress = host
        self.account.create(config, True)
        self.filter_fd = sipfilter.find_udp_socket_fd(port)
        self.shedding: bool | None = None
        self.apply_filter(time.monotonic())

    # ---- SIP --------------------------------------------------------------------------------

    def on_incoming(self, account: pj.Account, prm: pj.OnIncomingCallParam) -> None:
        call = BenchCall(self, account, prm.callId, inbound=True)
        self.live.add(call)
        self.budget.opened()
        self.counts["inbound"] += 1
        param = pj.CallOpParam()
        param.statusCode = 200
        call.answer(param)
        self.waiting.append(call)  # dialled from the loop, outside pjsua2's callback
        self.apply_filter(time.monotonic())

    def dial_waiting(self, now: float) -> None:
        while self.waiting and self.budget.can_dial(now):
            phone = self.free_phone()
            if phone < 0:
                return
            inbound = self.waiting.popleft()
            if inbound.ended:
                continue
            out = BenchCall(self, self.account, inbound=False, phone=phone)
            try:
                out.makeCall(self.phones[phone], pj.CallOpParam(True))
            except pj.Error as exc:
                self.counts["dial_failed"] += 1
                say("dial_failed", phone=self.phones[phone], reason=exc.reason)
                self.graveyard.append(out)
                self.hang_up(inbound)
                continue
            self.budget.opened()
            self.live.add(out)
            self.phone_busy[phone] = True
            out.peer, inbound.peer = inbound, out
            self.counts["dialled"] += 1
            self.apply_filter(now)

    def free_phone(self) -> int:
        for step in range(len(self.phones)):
            index = (self.next_phone + step) % len(self.phones)
            if not self.phone_busy[index]:
                self.next_phone = (index + 1) % len(self.phones)
                return index
        return -1

    def on_state(self, call: BenchCall) -> None:
        info = call.getInfo()
        if info.state == pj.PJSIP_INV_STATE_CONFIRMED and not call.inbound:
            self.counts["bridged"] += 1
            self.connect(call)
        elif info.state == pj.PJSIP_INV_STATE_DISCONNECTED and not call.ended:
            call.ended = True
            now = time.monotonic()
            self.budget.released(now)
            self.live.discard(call)
            # NOTE: never drop a Call inside onCallState; the graveyard keeps it until idle.
            self.graveyard.append(call)
            if not call.inbound:
                self.phone_busy[call.phone] = False
            if call.peer is not None and not call.peer.ended:
                self.to_hang_up.append(call.peer)
            call.peer = None
            self.counts["ended_in" if call.inbound else "ended_out"] += 1
            self.apply_filter(now)  # before the next packet is read, as the engine does

    def connect(self, call: BenchCall) -> None:
        """Bridge both ways once both legs have active media (again after any re-INVITE)."""
        peer = call.peer
        if peer is None or call.ended or peer.ended:
            return
        mine, theirs = self.audio(call), self.audio(peer)
        if mine is None or theirs is None:
            return
        mine.startTransmit(theirs)
        theirs.startTransmit(mine)

    @staticmethod
    def audio(call: BenchCall) -> pj.AudioMedia | None:
        # NOTE: AudioMedia must not outlive the call; fetch a fresh one every time.
        try:
            info = call.getInfo()
            if not any(m.status == pj.PJSUA_CALL_MEDIA_ACTIVE for m in info.media):
                return None
            return call.getAudioMedia(-1)
        except pj.Error:
            return None

    def hang_up(self, call: BenchCall) -> None:
        if call.ended or call.hung_up:
            return
        call.hung_up = True
        try:
            call.hangup(pj.CallOpParam())
        except pj.Error:
            pass

    # ---- the loop -----------------------------------------------------------------------------

    def apply_filter(self, now: float) -> None:
        shed = self.budget.must_shed(now)
        if shed != self.shedding:
            program = sipfilter.build_program(["127.0.0.0/8"], drop_invites=shed)
            sipfilter.attach(self.filter_fd, program)
            self.shedding = shed
            if shed:
                self.counts["shed_periods"] += 1

    def step(self) -> None:
        self.ep.libHandleEvents(self.poll_ms)
        now = time.monotonic()
        if self.to_hang_up:
            calls, self.to_hang_up = self.to_hang_up, []
            for call in calls:
                self.hang_up(call)
        self.dial_waiting(now)
        if self.graveyard:
            self.graveyard = [c for c in self.graveyard if c.isActive()]
        self.apply_filter(now)

    def close(self) -> None:
        for call in list(self.live):
            self.hang_up(call)
        deadline = time.monotonic() + STOP_GRACE_S
        while self.live and time.monotonic() < deadline:
            self.ep.libHandleEvents(self.poll_ms)
        # NOTE: every Call must be gone before libDestroy, or the process aborts.
        self.live.clear()
        self.waiting.clear()
        self.to_hang_up.clear()
        self.graveyard.clear()
        self.account.shutdown()
        gc.collect()
        self.ep.libDestroy()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", default="127.0.0.1:5060", metavar="HOST:PORT", help="where to take SIP (UDP)")
    parser.add_argument("--phone", action="append", required=True, metavar="URI", help="a phone to ring (repeatable)")
    parser.add_argument("--capacity", type=int, default=MAX_CALLS, help=f"live legs, pjsua's maxCalls (default {MAX_CALLS})")
    parser.add_argument("--shed-margin", type=int, default=SHED_MARGIN, help=f"LegBudget margin (default {SHED_MARGIN})")
    parser.add_argument("--poll-ms", type=int, default=POLL_MS, help=f"libHandleEvents timeout (default {POLL_MS})")
    args = parser.parse_args(argv)
    host, _, port = args.listen.rpartition(":")
    bridge = Bridge(host, int(port), args.phone, capacity=args.capacity, shed_margin=args.shed_margin,
                    poll_ms=args.poll_ms)
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    say("ready", listen=args.listen, phones=len(args.phone), capacity=args.capacity, shed_margin=args.shed_margin,
        poll_ms=args.poll_ms)
    while not stopping:
        bridge.step()
    counts = dict(bridge.counts)
    bridge.close()
    say("stopped", **counts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
