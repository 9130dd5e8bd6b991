"""The caller for bench/ivr_latency.py: one SIP call over a UDP socket, one RTP stream it controls
completely, and a clock on the keys it presses and the tones it hears.

Single-threaded on purpose: one select() loop sends a 20 ms PCMU packet on every tick, reads SIP and
RTP as they arrive and timestamps each received packet with time.perf_counter_ns() the moment
recvfrom returns, so the send and arrival times come from one clock in one thread.

A key press is RFC 2833 (RFC 4733) in the same RTP stream as the audio: one SSRC, sequence numbers
that only go up, payload type 101 in place of the PCMU packets while the key is down. Every packet
of the event carries the event's start timestamp; the first has the marker bit; the last one has
the end bit and is sent END_REPEATS times (same sequence number, as phones do). Audio then goes on
with the timestamp it would have had.

Per press: wait until the menu prompt's tone is heard (MENU_CONFIRM_FRAMES frames in a row), wait a
random PRESS_DELAY_S (so presses fall at random phases of the far end's 20 ms media clock), press
the key, and take the arrival of the first 20 ms frame whose Goertzel check says "next prompt tone".
"""

from __future__ import annotations

import math
import random
import re
import secrets
import select
import socket
import struct
import time
from dataclasses import dataclass, field

from tests.support.audio import ulaw_decode

SAMPLE_RATE = 8000
FRAME_SAMPLES = 160  # 20 ms of PCMU
PACKET_NS = 20_000_000
PCMU = 0
TELEPHONE_EVENT = 101  # the payload type our SDP offers for RFC 2833
RTP_HEADER = struct.Struct("!BBHII")  # V/P/X/CC, M/PT, sequence, timestamp, SSRC
DTMF_EVENT = struct.Struct("!BBH")  # event, E/R/volume, duration
RTP_V2 = 0x80
MARKER = 0x80
END_BIT = 0x80
DTMF_VOLUME = 10  # -10 dBm0, what phones send
END_REPEATS = 3  # RFC 4733 2.5.1.4: the end packet is sent three times
ULAW_SILENCE = b"\xff" * FRAME_SAMPLES
MAX_DATAGRAM = 4096

# Tone detection, per received 20 ms frame (a Goertzel filter there is ~50 Hz wide).
MIN_TONE_SHARE = 0.6  # the tone holds at least this share of the frame's energy
MIN_TONE_AMPLITUDE = 300  # the prompts are written at ~8000; quieter is not our prompt
MENU_CONFIRM_FRAMES = 3  # the menu prompt is really playing again (not a stray frame)
PRESS_DELAY_S = (0.15, 0.45)  # from hearing the menu to pressing the key, uniformly random
TONE_TIMEOUT_S = 3.0  # a press whose next prompt has not started by then is counted as missed
MAX_LAG_NS = 100_000_000  # after a stall, do not burst out more than this much audio

SIP_RETRANSMIT_S = 0.5
SIP_TIMEOUT_S = 8.0
SIP_HEADER = re.compile(r"^([A-Za-z-]+)\s*:\s*(.*)$")
COMPACT = {"v": "via", "f": "from", "t": "to", "i": "call-id", "m": "contact", "l": "content-length",
           "c": "content-type"}


class ProbeError(Exception):
    """The call could not be made or broke down (a sentence saying why)."""


@dataclass
class Press:
    first_ns: int  # perf_counter_ns when the key's first RFC 2833 packet was sent
    end_ns: int = 0  # ... when its first end packet was sent
    tone_ns: int = 0  # ... when the first frame of the next prompt's tone arrived; 0 = never
    wall_first: float = 0.0  # time.time() at first_ns, to line up with the appliance's stored times


@dataclass
class CallResult:
    presses: list[Press] = field(default_factory=list)
    packets_sent: int = 0
    packets_received: int = 0


def is_tone(samples, hz: float) -> bool:
    """Whether one frame is the pure tone `hz` (Goertzel power against the frame's energy)."""
    energy = sum(x * x for x in samples)
    if not energy:
        return False
    coeff = 2 * math.cos(2 * math.pi * hz / SAMPLE_RATE)
    s1 = s2 = 0.0
    for x in samples:
        s1, s2 = x + coeff * s1 - s2, s1
    power = s1 * s1 + s2 * s2 - coeff * s1 * s2
    n = len(samples)
    # A sine of amplitude A gives power (A*n/2)**2 and energy A*A*n/2.
    return 2 * power / (n * energy) >= MIN_TONE_SHARE and 2 * math.sqrt(power) / n >= MIN_TONE_AMPLITUDE


# ---- SIP: just enough of a UAC for one call on 127.0.0.1 ------------------------------------------


def _parse(data: bytes) -> tuple[str, dict[str, str], str]:
    text = data.decode("utf-8", "replace")
    head, _, body = text.partition("\r\n\r\n")
    lines = head.split("\r\n")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if match := SIP_HEADER.match(line):
            name = match.group(1).lower()
            headers.setdefault(COMPACT.get(name, name), match.group(2).strip())
    return lines[0], headers, body


class SipCall:
    def __init__(self, host: str, port: int, did: str, caller: str, rtp_port: int) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((host, 0))
        self.host, self.local_port = self.sock.getsockname()
        self.target = (host, port)
        self.did, self.caller, self.rtp_port = did, caller, rtp_port
        self.call_id = f"{secrets.token_hex(8)}@{host}"
        self.from_tag = secrets.token_hex(4)
        self.to_header = f"<sip:{did}@{host}:{port}>"
        self.remote_uri = f"sip:{did}@{host}:{port}"
        self.remote_rtp: tuple[str, int] | None = None
        self.hung_up_by_far_end = False

    def _request(self, method: str, cseq: int, body: str = "", branch: str | None = None) -> bytes:
        uri = f"sip:{self.did}@{self.target[0]}:{self.target[1]}" if method == "INVITE" else self.remote_uri
        lines = [
            f"{method} {uri} SIP/2.0",
            f"Via: SIP/2.0/UDP {self.host}:{self.local_port};branch=z9hG4bK{branch or secrets.token_hex(6)};rport",
            "Max-Forwards: 70",
            f"From: <sip:{self.caller}@{self.host}:{self.local_port}>;tag={self.from_tag}",
            f"To: {self.to_header}",
            f"Call-ID: {self.call_id}",
            f"CSeq: {cseq} {method}",
            f"Contact: <sip:{self.caller}@{self.host}:{self.local_port}>",
        ]
        if body:
            lines.append("Content-Type: application/sdp")
        lines.append(f"Content-Length: {len(body.encode())}")
        return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()

    def _sdp(self) -> str:
        return "\r\n".join([
            "v=0", f"o=- {int(self.from_tag, 16)} 1 IN IP4 {self.host}", "s=-", f"c=IN IP4 {self.host}", "t=0 0",
            f"m=audio {self.rtp_port} RTP/AVP {PCMU} {TELEPHONE_EVENT}", f"a=rtpmap:{PCMU} PCMU/8000",
            f"a=rtpmap:{TELEPHONE_EVENT} telephone-event/8000", f"a=fmtp:{TELEPHONE_EVENT} 0-16",
            "a=ptime:20", "a=sendrecv", "",
        ])

    def _transaction(self, message: bytes, method: str) -> tuple[int, dict[str, str], str]:
        """Send a request until a final response (retransmitting over UDP); answer requests meanwhile."""
        deadline = time.monotonic() + SIP_TIMEOUT_S
        next_send = 0.0
        while time.monotonic() < deadline:
            if time.monotonic() >= next_send:
                self.sock.sendto(message, self.target)
                next_send = time.monotonic() + SIP_RETRANSMIT_S
            ready, _, _ = select.select([self.sock], [], [], 0.05)
            if not ready:
                continue
            data, _ = self.sock.recvfrom(MAX_DATAGRAM)
            first, headers, body = _parse(data)
            if not first.startswith("SIP/2.0"):
                self.answer_request(data)
                continue
            code = int(first.split()[1])
            if headers.get("cseq", "").split()[-1:] != [method]:
                continue
            if code >= 200:
                return code, headers, body
            next_send = deadline  # provisional: the far end has it, stop retransmitting
        raise ProbeError(f"no final answer to {method} within {SIP_TIMEOUT_S:.0f} s")

    def invite(self) -> None:
        branch = secrets.token_hex(6)
        code, headers, body = self._transaction(self._request("INVITE", 1, self._sdp(), branch), "INVITE")
        self.to_header = headers.get("to", self.to_header)
        if code >= 300:  # a non-2xx final answer is ACKed in its own transaction (same branch)
            self.sock.sendto(self._request("ACK", 1, branch=branch), self.target)
            raise ProbeError(f"the INVITE was answered {code}")
        if contact := re.search(r"<([^>]+)>", headers.get("contact", "")):
            self.remote_uri = contact.group(1)
        self.sock.sendto(self._request("ACK", 1), self.target)
        connection = re.search(r"^c=IN IP4 (\S+)", body, re.M)
        media = re.search(r"^m=audio (\d+)", body, re.M)
        if not (connection and media):
            raise ProbeError(f"the 200 OK has no usable SDP: {body!r}")
        self.remote_rtp = (connection.group(1), int(media.group(1)))

    def answer_request(self, data: bytes) -> None:
        """200 OK to an in-dialog request (a BYE from the far end), re-ACK a repeated 200 to our INVITE."""
        first, headers, _ = _parse(data)
        if first.startswith("SIP/2.0"):
            if first.split()[1] == "200" and headers.get("cseq", "").endswith("INVITE"):
                self.sock.sendto(self._request("ACK", 1), self.target)
            return
        if first.startswith("BYE"):
            self.hung_up_by_far_end = True
        copied = [f"{name}: {headers[key]}" for name, key in
                  (("Via", "via"), ("From", "from"), ("To", "to"), ("Call-ID", "call-id"), ("CSeq", "cseq"))
                  if key in headers]
        self.sock.sendto(("\r\n".join(["SIP/2.0 200 OK", *copied, "Content-Length: 0"]) + "\r\n\r\n").encode(),
                         self.target)

    def bye(self) -> None:
        if not self.hung_up_by_far_end:
            self._transaction(self._request("BYE", 2), "BYE")
        self.sock.close()


# ---- RTP and the measurement ------------------------------------------------------------------------


class Probe:
    """One call: presses `presses` keys, each after the menu tone, timing the next prompt's tone."""

    def __init__(self, host: str, sip_port: int, *, did: str, caller: str, menu_hz: int, next_hz: int,
                 key_ms: int, rng: random.Random) -> None:
        self.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.rtp.bind((host, 0))
        self.sip = SipCall(host, sip_port, did, caller, self.rtp.getsockname()[1])
        self.menu_hz, self.next_hz, self.rng = menu_hz, next_hz, rng
        # Packets of the key while it is down; the last of them is the end packet.
        self.key_packets = max(1, round(key_ms * 1_000_000 / PACKET_NS)) + 1
        self.ssrc = secrets.randbits(32)
        self.seq = secrets.randbits(16)
        self.ts_base = secrets.randbits(32)
        self.result = CallResult()

    def run(self, presses: int, digit: str = "1") -> CallResult:
        self.sip.invite()
        try:
            self._loop(presses, int(digit))
        finally:
            self.sip.bye()
            self.rtp.close()
        return self.result

    def _send(self, marker_pt: int, timestamp: int, payload: bytes, repeats: int = 1) -> None:
        packet = RTP_HEADER.pack(RTP_V2, marker_pt, self.seq, timestamp & 0xFFFFFFFF, self.ssrc) + payload
        for _ in range(repeats):
            self.rtp.sendto(packet, self.sip.remote_rtp)
        self.seq = (self.seq + 1) & 0xFFFF
        self.result.packets_sent += 1

    def _loop(self, presses: int, event: int) -> None:
        tick = 0  # 20 ms ticks since the call's first packet: the audio clock of our stream
        next_tick_ns = time.perf_counter_ns()
        menu_frames = 0
        press_at_ns: int | None = None
        key_tick = -1  # tick the current key went down at; -1 when no key is down
        current: Press | None = None
        deadline = time.monotonic() + presses * (TONE_TIMEOUT_S + 3.0) + 10.0
        while len(self.result.presses) < presses:
            if self.sip.hung_up_by_far_end:
                raise ProbeError(f"the far end hung up after {len(self.result.presses)} presses")
            if time.monotonic() > deadline:
                raise ProbeError(f"the call ran out of time after {len(self.result.presses)} presses")
            now_ns = time.perf_counter_ns()
            if press_at_ns is not None and now_ns >= press_at_ns:
                # The key goes down now, off our 20 ms grid, and the stream goes on from there: on a
                # grid fixed for the whole call, every press would meet the far end's media clock at
                # the same phase and the spread of the figures would be lost.
                key_tick, press_at_ns, next_tick_ns = tick, None, now_ns
                current = Press(first_ns=0)
            if now_ns >= next_tick_ns:
                timestamp = self.ts_base + tick * FRAME_SAMPLES
                if key_tick >= 0:
                    n = tick - key_tick
                    end = n == self.key_packets - 1
                    payload = DTMF_EVENT.pack(event, (END_BIT if end else 0) | DTMF_VOLUME, (n + 1) * FRAME_SAMPLES)
                    sent_ns = time.perf_counter_ns()
                    self._send((MARKER if n == 0 else 0) | TELEPHONE_EVENT, self.ts_base + key_tick * FRAME_SAMPLES,
                               payload, END_REPEATS if end else 1)
                    if n == 0:
                        current.first_ns, current.wall_first = sent_ns, time.time()
                    if end:
                        current.end_ns, key_tick = sent_ns, -1
                else:
                    self._send((MARKER if tick == 0 else 0) | PCMU, timestamp, ULAW_SILENCE)
                tick += 1
                next_tick_ns = max(next_tick_ns + PACKET_NS, now_ns - MAX_LAG_NS)
                if current is not None and current.tone_ns and current.end_ns:
                    self.result.presses.append(current)
                    current, menu_frames = None, 0
                elif current is not None and current.end_ns and now_ns - current.first_ns > TONE_TIMEOUT_S * 1e9:
                    self.result.presses.append(current)  # missed: tone_ns stays 0
                    current, menu_frames = None, 0
                continue
            wait_s = (min(next_tick_ns, press_at_ns or next_tick_ns) - now_ns) / 1e9
            readable, _, _ = select.select([self.rtp, self.sip.sock], [], [], wait_s)
            if self.sip.sock in readable:
                self.sip.answer_request(self.sip.sock.recvfrom(MAX_DATAGRAM)[0])
            if self.rtp not in readable:
                continue
            data = self.rtp.recv(MAX_DATAGRAM)
            arrived_ns = time.perf_counter_ns()
            frame = _pcmu_payload(data)
            if frame is None:
                continue
            self.result.packets_received += 1
            samples = ulaw_decode(frame)
            if current is not None and current.first_ns and not current.tone_ns:
                if is_tone(samples, self.next_hz):
                    current.tone_ns = arrived_ns
            elif current is None and press_at_ns is None:
                menu_frames = menu_frames + 1 if is_tone(samples, self.menu_hz) else 0
                if menu_frames >= MENU_CONFIRM_FRAMES:
                    press_at_ns = arrived_ns + int(self.rng.uniform(*PRESS_DELAY_S) * 1e9)


def _pcmu_payload(packet: bytes) -> bytes | None:
    """The PCMU payload of an RTP packet, or None for anything else (RTCP, other payload types)."""
    if len(packet) < RTP_HEADER.size or packet[0] >> 6 != 2 or packet[1] & 0x7F != PCMU:
        return None
    start = RTP_HEADER.size + 4 * (packet[0] & 0x0F)
    if packet[0] & 0x10:  # a header extension: 4 bytes, then its length in words
        start += 4 + 4 * struct.unpack_from("!H", packet, start + 2)[0]
    return packet[start:]
