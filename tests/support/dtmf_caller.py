"""A SIPp caller who presses keys (RFC 2833) and plays tones, with SIPp sending the media.

SIPp ships one capture per key (dtmf_2833_0.pcap ... dtmf_2833_pound.pcap: 10 RTP packets of
payload type 101, one SSRC), cut from one recording, so their RTP sequence numbers and
timestamps only increase from 0 to 9. Played as they are, a repeated or lower key goes
backwards and the far end drops it. So each call here gets its own pcaps, one per step,
derived from the shipped ones: the same packets at the same relative times, with sequence
numbers and timestamps rewritten to keep increasing over the whole call, one SSRC throughout.
A Tone step is PCMU packets made here, in the same stream.

    result = dtmf_call(server, tmp_path, [Press("1", after_ms=1500), Press("22#", after_ms=500)])
    assert result.succeeded, result.summary()

The scenario (tests/sipp/dtmf_caller.xml.in, filled in) and the pcaps are written into
log_dir, next to SIPp's logs. SIPp plays a pcap through a raw socket (it runs as root here),
from its own media port, which the INVITE's SDP offers: the far end's audio comes back there.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NamedTuple
from xml.sax.saxutils import escape, quoteattr

from tests.support.audio import SAMPLE_RATE, tone_samples, ulaw_encode
from tests.support.sipp import SCENARIO_DIR, SippProcess, SippResult, start_sipp

__all__ = ("KEY_GAP_MS", "Press", "Tone", "dtmf_call", "find_shipped_pcaps", "start_dtmf_call", "write_media")

PCAP_DIRS = (Path("/usr/share/sip-tester"), Path("/usr/share/sipp"), Path("/usr/local/share/sipp"))
KEY_PCAPS = {**{digit: f"dtmf_2833_{digit}.pcap" for digit in "0123456789"},
             "*": "dtmf_2833_star.pcap", "#": "dtmf_2833_pound.pcap"}
TEMPLATE = SCENARIO_DIR / "dtmf_caller.xml.in"
SCENARIO_FILE = "dtmf_caller.xml"

KEY_GAP_MS = 100  # silence between one key's last packet and the next key of a burst
PACKET_MS = 20  # RTP packetisation: a step lasts until one packet time after its last packet
SAMPLES_PER_MS = SAMPLE_RATE // 1000
PCMU = 0
FIRST_SEQ = 1000  # any start will do; what matters is that it only goes up
FIRST_TS = 8000
# What the server_hangs_up ending leaves of timeout_s for call setup and for SIPp to wrap up:
# its recv gives up this much earlier than SIPp's -timeout, so the call fails with a reason
# (FailedTimeoutOnRecv) instead of the whole run with exit code 255.
SETUP_MARGIN_MS = 3000
MIN_WAIT_FOR_BYE_MS = 1000

# pcap (libpcap's classic format, microsecond timestamps) with Ethernet frames, as shipped.
PCAP_MAGIC = 0xA1B2C3D4
PCAP_HEADER = struct.Struct("<IHHiIII")  # magic, version 2.4, zone, sigfigs, snaplen, link type
PCAP_RECORD = struct.Struct("<IIII")  # seconds, microseconds, captured length, original length
LINKTYPE_ETHERNET = 1
ETHERNET_LEN = 14
UDP_LEN = 8
RTP_LEN = 12
RTP = struct.Struct("!BBHII")  # V/P/X/CC, M/PT, sequence number, timestamp, SSRC
MARKER = 0x80


class Press(NamedTuple):
    """Wait after_ms from the end of the previous step (the first: from the ACK), then press
    `keys` (0-9, * and #), KEY_GAP_MS apart; each key lasts as long as SIPp's capture of it."""

    keys: str
    after_ms: int


class Tone(NamedTuple):
    """Wait after_ms from the end of the previous step, then send a PCMU tone of hz for ms."""

    hz: int
    ms: int
    after_ms: int


Step = Press | Tone
End = Literal["caller_hangs_up", "server_hangs_up"]


def dtmf_call(server_or_host_port: Any, log_dir: Path, steps: Sequence[Step], *, did: str = "100",
              caller: str = "55501234", end: End = "server_hangs_up", hangup_after_ms: int = 1000,
              timeout_s: float = 60) -> SippResult:
    """Call `did` at a Server (its .sip_port on 127.0.0.1) or a (host, port), run `steps`, and end
    as `end` says: "caller_hangs_up" sends BYE hangup_after_ms after the last step;
    "server_hangs_up" waits for the server's BYE for what is left of timeout_s. A BYE from the
    server before the steps are done fails the call (FailedUnexpectedMessage)."""
    return start_dtmf_call(server_or_host_port, log_dir, steps, did=did, caller=caller, end=end,
                           hangup_after_ms=hangup_after_ms, timeout_s=timeout_s).wait()


def start_dtmf_call(server_or_host_port: Any, log_dir: Path, steps: Sequence[Step], *, did: str = "100",
                    caller: str = "55501234", end: End = "server_hangs_up", hangup_after_ms: int = 1000,
                    timeout_s: float = 60) -> SippProcess:
    """As dtmf_call, but return at once; `.wait()` gives the SippResult."""
    host, port = _target(server_or_host_port)
    if end not in ("caller_hangs_up", "server_hangs_up"):
        raise ValueError(f"end={end!r}: use 'caller_hangs_up' or 'server_hangs_up'.")
    if hangup_after_ms < 0:
        raise ValueError(f"hangup_after_ms={hangup_after_ms} is negative.")
    log_dir = Path(log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    plays = write_media(log_dir, steps)
    steps_ms = sum(step.after_ms + play_ms for step, (_path, play_ms) in zip(steps, plays))
    budget_ms = timeout_s * 1000 - SETUP_MARGIN_MS
    needed_ms = steps_ms + (hangup_after_ms if end == "caller_hangs_up" else MIN_WAIT_FOR_BYE_MS)
    if needed_ms > budget_ms:
        raise ValueError(f"the steps take {steps_ms} ms and the ending at least {needed_ms - steps_ms} ms, "
                         f"more than timeout_s={timeout_s} allows (it keeps {SETUP_MARGIN_MS} ms for call setup); "
                         f"give a longer timeout_s.")
    variables: dict[str, object] = {"caller": caller}
    if end == "caller_hangs_up":
        variables["hangup_ms"] = hangup_after_ms
        ending = CALLER_HANGS_UP
    else:
        ending = SERVER_HANGS_UP.replace("@WAIT_MS@", str(int(budget_ms - steps_ms)))
    scenario = (TEMPLATE.read_text()
                .replace("@VARIABLES@", ",".join(variables))
                .replace("@STEPS@", "\n\n".join(_step_xml(n, step, path, ms)
                                              for n, (step, (path, ms)) in enumerate(zip(steps, plays), 1)))
                .replace("@ENDING@", ending))
    path = log_dir / SCENARIO_FILE
    path.write_text(scenario, encoding="iso-8859-1")
    return start_sipp(path, host, port, service=did, variables=variables, timeout_s=timeout_s, log_dir=log_dir)


def find_shipped_pcaps() -> Path:
    """The directory of SIPp's RFC 2833 captures (Debian's sip-tester package ships them)."""
    for directory in PCAP_DIRS:
        if all((directory / name).is_file() for name in KEY_PCAPS.values()):
            return directory
    raise FileNotFoundError(
        f"SIPp's RFC 2833 captures (dtmf_2833_*.pcap) are in none of {', '.join(map(str, PCAP_DIRS))}; "
        f"install them with `apt-get install sip-tester`."
    )


def write_media(directory: Path, steps: Sequence[Step], shipped: Path | None = None) -> list[tuple[Path, int]]:
    """Write one pcap per step into `directory` (step-01.pcap, ...), all one RTP stream whose
    sequence numbers and timestamps keep increasing; returns (pcap, milliseconds it plays) per step."""
    stream = _Stream(shipped or find_shipped_pcaps())
    now_us = 0  # the call's media clock: 0 at the ACK, as the scenario's pauses count
    plays = []
    for number, step in enumerate(steps, 1):
        if step.after_ms < 0:
            raise ValueError(f"step {number} ({step}) has a negative after_ms.")
        now_us += step.after_ms * 1000
        if isinstance(step, Press):
            frames, length_us = stream.press(step.keys, now_us)
        elif isinstance(step, Tone):
            frames, length_us = stream.tone(step.hz, step.ms, now_us)
        else:
            raise TypeError(f"step {number} is a {type(step).__name__}; steps are Press or Tone.")
        path = directory / f"step-{number:02d}.pcap"
        _write_pcap(path, frames)
        play_ms = -(-length_us // 1000)  # whole milliseconds, never shorter than the pcap
        now_us += play_ms * 1000
        plays.append((path, play_ms))
    return plays


# ---- the RTP stream ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Packet:
    at_us: int  # since the capture's first packet
    frame: bytes  # Ethernet, IPv4, UDP, RTP
    rtp_at: int  # offset of the RTP header in frame


class _Stream:
    """The caller's one RTP stream: one SSRC, and sequence numbers and timestamps that only go up."""

    def __init__(self, shipped: Path) -> None:
        self.shipped = shipped
        self._keys: dict[str, list[_Packet]] = {}
        first = self._key("0")[0]
        self.headers = first.frame[: first.rtp_at]  # Ethernet, IPv4 and UDP headers for new packets
        self.ssrc = RTP.unpack_from(first.frame, first.rtp_at)[4]
        self.seq = FIRST_SEQ

    def press(self, keys: str, start_us: int) -> tuple[list[tuple[int, bytes]], int]:
        """Frames (microseconds into the step, frame) of a burst of keys, and how long it lasts."""
        unknown = sorted(set(keys) - KEY_PCAPS.keys())
        if not keys or unknown:
            raise ValueError(f"Press({keys!r}): keys are 0-9, * and # (SIPp ships no capture of {unknown}).")
        frames, offset_us = [], 0
        for index, key in enumerate(keys):
            if index:
                offset_us += KEY_GAP_MS * 1000
            packets = self._key(key)
            # RFC 2833: every packet of one key carries the timestamp of the key's start.
            timestamp = self._timestamp(start_us + offset_us)
            for packet in packets:
                frames.append((offset_us + packet.at_us, self._rewrite(packet, timestamp)))
            offset_us += packets[-1].at_us + PACKET_MS * 1000
        return frames, offset_us

    def tone(self, hz: int, ms: int, start_us: int) -> tuple[list[tuple[int, bytes]], int]:
        """Frames of a PCMU tone in PACKET_MS packets, and how long it lasts."""
        if not 0 < hz < SAMPLE_RATE // 2 or ms < PACKET_MS:
            raise ValueError(f"Tone({hz} Hz, {ms} ms): give 1-3999 Hz and at least {PACKET_MS} ms.")
        count = round(ms / PACKET_MS)
        size = PACKET_MS * SAMPLES_PER_MS
        payload = ulaw_encode(tone_samples(hz, count * PACKET_MS / 1000))
        first_ts = self._timestamp(start_us)
        frames = []
        for n in range(count):
            marker_pt = PCMU | (MARKER if n == 0 else 0)  # the marker starts a talkspurt
            rtp = RTP.pack(0x80, marker_pt, self._next_seq(), first_ts + n * size, self.ssrc)
            frames.append((n * PACKET_MS * 1000, _with_lengths(self.headers, rtp + payload[n * size:(n + 1) * size])))
        return frames, count * PACKET_MS * 1000

    def _key(self, key: str) -> list[_Packet]:
        if key not in self._keys:
            self._keys[key] = _read_pcap(self.shipped / KEY_PCAPS[key])
        return self._keys[key]

    def _rewrite(self, packet: _Packet, timestamp: int) -> bytes:
        first, marker_pt, _seq, _ts, _ssrc = RTP.unpack_from(packet.frame, packet.rtp_at)
        rtp = RTP.pack(first, marker_pt, self._next_seq(), timestamp, self.ssrc)
        return packet.frame[: packet.rtp_at] + rtp + packet.frame[packet.rtp_at + RTP_LEN:]

    def _next_seq(self) -> int:
        seq, self.seq = self.seq, (self.seq + 1) & 0xFFFF
        return seq

    @staticmethod
    def _timestamp(at_us: int) -> int:
        return (FIRST_TS + at_us * SAMPLES_PER_MS // 1000) & 0xFFFFFFFF


# ---- pcap files -------------------------------------------------------------------------------


def _read_pcap(path: Path) -> list[_Packet]:
    data = path.read_bytes()
    magic, _major, _minor, _zone, _sigfigs, _snaplen, link = PCAP_HEADER.unpack_from(data)
    if magic != PCAP_MAGIC or link != LINKTYPE_ETHERNET:
        raise ValueError(f"{path}: not a little-endian microsecond pcap of Ethernet frames.")
    packets, offset, first_us = [], PCAP_HEADER.size, None
    while offset + PCAP_RECORD.size <= len(data):
        seconds, micros, length, _original = PCAP_RECORD.unpack_from(data, offset)
        frame = data[offset + PCAP_RECORD.size: offset + PCAP_RECORD.size + length]
        offset += PCAP_RECORD.size + length
        at_us = seconds * 1_000_000 + micros
        first_us = at_us if first_us is None else first_us
        ip_header_len = (frame[ETHERNET_LEN] & 0x0F) * 4
        packets.append(_Packet(at_us - first_us, frame, ETHERNET_LEN + ip_header_len + UDP_LEN))
    if not packets:
        raise ValueError(f"{path} holds no packets.")
    return packets


def _write_pcap(path: Path, frames: Sequence[tuple[int, bytes]]) -> None:
    chunks = [PCAP_HEADER.pack(PCAP_MAGIC, 2, 4, 0, 0, 65535, LINKTYPE_ETHERNET)]
    for at_us, frame in frames:
        chunks.append(PCAP_RECORD.pack(at_us // 1_000_000, at_us % 1_000_000, len(frame), len(frame)))
        chunks.append(frame)
    path.write_bytes(b"".join(chunks))


def _with_lengths(headers: bytes, payload: bytes) -> bytes:
    """Ethernet, IPv4 and UDP headers with their lengths (and the IP checksum) set for
    `payload`. The UDP checksum is left 0 (none): SIPp computes its own as it sends."""
    eth, ip, udp = headers[:ETHERNET_LEN], bytearray(headers[ETHERNET_LEN:-UDP_LEN]), bytearray(headers[-UDP_LEN:])
    struct.pack_into("!H", ip, 2, len(ip) + UDP_LEN + len(payload))
    struct.pack_into("!H", ip, 10, 0)
    struct.pack_into("!H", ip, 10, _ip_checksum(bytes(ip)))
    struct.pack_into("!HH", udp, 4, UDP_LEN + len(payload), 0)
    return eth + bytes(ip) + bytes(udp) + payload


def _ip_checksum(header: bytes) -> int:
    total = sum(struct.unpack(f"!{len(header) // 2}H", header))
    total = (total >> 16) + (total & 0xFFFF)
    return ~(total + (total >> 16)) & 0xFFFF


# ---- the scenario -----------------------------------------------------------------------------


def _target(server_or_host_port: Any) -> tuple[str, int]:
    if hasattr(server_or_host_port, "sip_port"):
        return "127.0.0.1", int(server_or_host_port.sip_port)
    host, port = server_or_host_port
    return str(host), int(port)


def _step_xml(number: int, step: Step, pcap: Path, play_ms: int) -> str:
    what = f"press {step.keys}" if isinstance(step, Press) else f"a {step.hz} Hz tone of {step.ms} ms"
    wait = f'\n  <pause milliseconds="{step.after_ms}" />' if step.after_ms else ""
    return (f"  <!-- step {number}: {escape(what).replace('--', '- -')} after {step.after_ms} ms, "
            f"then its {play_ms} ms of RTP -->{wait}\n"
            f"  <nop>\n    <action>\n      <exec play_pcap_audio={quoteattr(str(pcap))} />\n    </action>\n  </nop>\n"
            f'  <pause milliseconds="{play_ms}" />')


CALLER_HANGS_UP = """\
  <!-- The caller hangs up hangup_ms after the last step. -->
  <!-- NOTE: <pause variable> reads a number, but -set stores text; todouble converts it. -->
  <nop>
    <action>
      <todouble assign_to="hangup_time" variable="hangup_ms" />
    </action>
  </nop>
  <pause variable="hangup_time" />

  <send retrans="500">
    <![CDATA[
      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      [routes]
      From: <sip:[$caller]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 2 BYE
      Contact: <sip:[$caller]@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>

  <recv response="200" />"""

SERVER_HANGS_UP = """\
  <!-- The server hangs up: wait for its BYE (what is left of the run's timeout) and answer 200. -->
  <recv request="BYE" timeout="@WAIT_MS@" />

  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:[$caller]@[local_ip]:[local_port]>
      Content-Length: 0
    ]]>
  </send>"""
