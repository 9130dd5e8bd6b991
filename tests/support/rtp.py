"""A real RTP media endpoint for a test caller whose SIP side is SIPp.

SIPp does the signalling (tests/sipp/call_*.xml put `rtp_port` in their SDP); this endpoint
does the media on that port: it sends a test tone as PCMU every 20 ms and records the PCMU it
receives, so a test can check that audio really flows both ways through the server, and
not just that the signalling connected.

The far end (pjsua2) sends nothing before the call is answered and then sends to the port in
our SDP; we answer from the same socket to wherever its packets come from (symmetric RTP), or
to an address given with set_remote() when the test knows it first.
"""

from __future__ import annotations

import random
import select
import socket
import struct
import threading
import time
from array import array
from pathlib import Path

from tests.support.audio import SAMPLE_RATE, tone_samples, ulaw_decode, ulaw_encode, write_wav

__all__ = ("RtpEndpoint",)

RTP_VERSION = 2
PAYLOAD_TYPE_PCMU = 0
SAMPLES_PER_PACKET = 160  # 20 ms at 8 kHz
PACKET_INTERVAL_S = SAMPLES_PER_PACKET / SAMPLE_RATE
RTP_HEADER = struct.Struct("!BBHII")  # V/P/X/CC, M/PT, sequence, timestamp, SSRC
MARKER_BIT = 0x80
RTCP_PACKET_TYPES = range(192, 224)  # RFC 5761: second byte of RTCP (SR 200, RR 201, ...)
ULAW_SILENCE = b"\xff"
MAX_DATAGRAM = 2048
IDLE_POLL_S = 0.05  # how often the thread checks for stop() while it has nothing to send
MAX_LAG_S = 0.2  # after a stall, catch up at most this much audio in a burst


class RtpEndpoint:
    """Sends a tone as PCMU and records the PCMU it hears, on one UDP port of 127.0.0.1.

    Use as a context manager, or call start() and stop(). `port` is known from construction,
    so it can go into SIPp's SDP before the call starts.
    """

    def __init__(self, tone_hz: int | None = 1300, host: str = "127.0.0.1") -> None:
        """tone_hz: the tone to send (whole Hz, so one second of it loops seamlessly);
        None sends silence."""
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._socket.bind((host, 0))
        self.host, self.port = self._socket.getsockname()
        self.tone_hz = tone_hz
        if tone_hz:
            self._outgoing = ulaw_encode(tone_samples(tone_hz, 1.0))
        else:
            self._outgoing = ULAW_SILENCE * SAMPLE_RATE
        self._lock = threading.Lock()
        self._remote: tuple[str, int] | None = None
        self._payloads: list[bytes] = []
        self.packets_sent = 0
        self.packets_received = 0  # every RTP packet, whatever its payload type
        self._ssrc = random.getrandbits(32)
        self._sequence = random.getrandbits(16)
        self._timestamp = random.getrandbits(32)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"rtp-{self.port}", daemon=True)

    def set_remote(self, host: str, port: int) -> None:
        """Send to host:port from now on, whoever sends to us."""
        with self._lock:
            self._remote = (host, port)

    @property
    def remote(self) -> tuple[str, int] | None:
        """Where the tone goes: set_remote()'s address, else the source of the first packet."""
        with self._lock:
            return self._remote

    def start(self) -> RtpEndpoint:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop sending and recording; what was received stays available."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join()
        self._socket.close()

    def received_samples(self) -> array:
        """Every PCMU payload received so far, in arrival order, decoded to 16-bit samples."""
        with self._lock:
            payload = b"".join(self._payloads)
        return ulaw_decode(payload)

    def save(self, path: str | Path) -> None:
        """Write what was received to a WAV file (8 kHz mono), e.g. to look at a failure."""
        write_wav(path, self.received_samples())

    def __enter__(self) -> RtpEndpoint:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _run(self) -> None:
        next_send: float | None = None
        while not self._stopping.is_set():
            now = time.monotonic()
            if next_send is None and self.remote is not None:
                next_send = now
            if next_send is not None and now >= next_send:
                self._send_packet()
                next_send = max(next_send + PACKET_INTERVAL_S, now - MAX_LAG_S)
                continue
            wait = IDLE_POLL_S if next_send is None else next_send - now
            readable, _, _ = select.select([self._socket], [], [], wait)
            if readable:
                self._receive_packet()

    def _send_packet(self) -> None:
        offset = self.packets_sent * SAMPLES_PER_PACKET % len(self._outgoing)
        payload = self._outgoing[offset : offset + SAMPLES_PER_PACKET]
        marker = MARKER_BIT if self.packets_sent == 0 else 0
        header = RTP_HEADER.pack(RTP_VERSION << 6, marker | PAYLOAD_TYPE_PCMU,
                                 self._sequence, self._timestamp, self._ssrc)
        try:
            self._socket.sendto(header + payload, self.remote)
        except OSError:
            pass  # NOTE: the far end may not listen yet (or any more); RTP just carries on.
        self.packets_sent += 1
        self._sequence = (self._sequence + 1) & 0xFFFF
        self._timestamp = (self._timestamp + SAMPLES_PER_PACKET) & 0xFFFFFFFF

    def _receive_packet(self) -> None:
        try:
            packet, source = self._socket.recvfrom(MAX_DATAGRAM)
        except OSError:
            return
        parsed = _rtp_payload(packet)
        if parsed is None:
            return
        self.packets_received += 1
        payload_type, payload = parsed
        with self._lock:
            if self._remote is None:
                self._remote = source
            if payload_type == PAYLOAD_TYPE_PCMU:
                self._payloads.append(payload)


def _rtp_payload(packet: bytes) -> tuple[int, bytes] | None:
    """(payload type, payload) of an RTP packet, or None if it is not RTP version 2.

    NOTE: RTCP is refused too: a far end sends it to our port + 1, which may be another
    endpoint's port, and latching onto it would send that endpoint's tone to the wrong place.
    """
    if len(packet) < RTP_HEADER.size:
        return None
    first, second = packet[0], packet[1]
    if first >> 6 != RTP_VERSION or second in RTCP_PACKET_TYPES:
        return None
    start = RTP_HEADER.size + 4 * (first & 0x0F)  # skip the CSRC list
    if first & 0x10:  # header extension: 4 bytes of profile and length, then length words
        if len(packet) < start + 4:
            return None
        (words,) = struct.unpack_from("!H", packet, start + 2)
        start += 4 + 4 * words
    end = len(packet) - (packet[-1] if first & 0x20 else 0)  # padding count is the last byte
    if start > end:
        return None
    return second & 0x7F, packet[start:end]
