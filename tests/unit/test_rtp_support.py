"""RtpEndpoint: the media side of a SIPp test caller really sends and records audio."""

from __future__ import annotations

import socket
import struct
import time

from tests.support.audio import SAMPLE_RATE, has_tone, read_wav, ulaw_encode
from tests.support.rtp import RtpEndpoint

CALLER_TONE_HZ = 2100
AGENT_TONE_HZ = 1300
HEARD_ENOUGH_S = 1.5
DEADLINE_S = 10


def wait_for_audio(endpoint: RtpEndpoint, seconds: float) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while len(endpoint.received_samples()) < seconds * SAMPLE_RATE:
        assert time.monotonic() < deadline, f"port {endpoint.port} heard too little audio"
        time.sleep(0.05)


def test_two_endpoints_hear_each_others_tone_and_not_their_own():
    with RtpEndpoint(tone_hz=CALLER_TONE_HZ) as caller, RtpEndpoint(tone_hz=AGENT_TONE_HZ) as agent:
        caller.set_remote("127.0.0.1", agent.port)  # the agent answers wherever the caller's RTP comes from
        wait_for_audio(caller, HEARD_ENOUGH_S)
        wait_for_audio(agent, HEARD_ENOUGH_S)

    assert agent.remote == ("127.0.0.1", caller.port)
    assert has_tone(agent.received_samples(), SAMPLE_RATE, CALLER_TONE_HZ)
    assert has_tone(caller.received_samples(), SAMPLE_RATE, AGENT_TONE_HZ)
    assert not has_tone(agent.received_samples(), SAMPLE_RATE, AGENT_TONE_HZ)
    assert not has_tone(caller.received_samples(), SAMPLE_RATE, CALLER_TONE_HZ)


def test_packets_are_pcmu_every_20_ms_with_a_proper_rtp_header():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as far_end:
        far_end.bind(("127.0.0.1", 0))
        far_end.settimeout(DEADLINE_S)
        with RtpEndpoint(tone_hz=AGENT_TONE_HZ) as endpoint:
            endpoint.set_remote(*far_end.getsockname())
            packets = [far_end.recvfrom(2048) for _ in range(3)]

    headers = [struct.unpack("!BBHII", packet[:12]) for packet, _ in packets]
    assert all(source == ("127.0.0.1", endpoint.port) for _, source in packets)
    assert [len(packet) - 12 for packet, _ in packets] == [160, 160, 160]
    assert [flags >> 6 for flags, *_ in headers] == [2, 2, 2]
    assert [marker_pt for _, marker_pt, *_ in headers] == [0x80 | 0, 0, 0]  # marker on the first only
    sequences = [seq for *_, seq, _ts, _ssrc in headers]
    timestamps = [ts for *_, ts, _ssrc in headers]
    assert [(s - sequences[0]) & 0xFFFF for s in sequences] == [0, 1, 2]
    assert [(t - timestamps[0]) & 0xFFFFFFFF for t in timestamps] == [0, 160, 320]
    assert len({ssrc for *_, ssrc in headers}) == 1


def test_telephone_events_are_not_recorded_as_audio_and_the_first_sender_is_answered(tmp_path):
    pcmu_silence = ulaw_encode([0] * 160)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as far_end:
        far_end.bind(("127.0.0.1", 0))
        far_end.settimeout(DEADLINE_S)
        with RtpEndpoint(tone_hz=AGENT_TONE_HZ) as endpoint:
            target = ("127.0.0.1", endpoint.port)
            far_end.sendto(_rtp(101, 1, b"\x05\x0a\x00\xa0"), target)  # RFC 2833 digit 5
            far_end.sendto(_rtp(0, 2, pcmu_silence), target)
            _, source = far_end.recvfrom(2048)  # it talks back to the first sender
            deadline = time.monotonic() + DEADLINE_S
            while endpoint.packets_received < 2 and time.monotonic() < deadline:
                time.sleep(0.01)
            assert endpoint.remote == far_end.getsockname()

    assert source == target
    assert endpoint.packets_received == 2
    assert len(endpoint.received_samples()) == 160  # the PCMU packet only
    endpoint.save(tmp_path / "heard.wav")
    assert read_wav(tmp_path / "heard.wav") == (endpoint.received_samples(), SAMPLE_RATE)


def test_rtcp_meant_for_a_neighbour_port_is_ignored():
    """A far end sends RTCP to its RTP port + 1, which may be this endpoint: never latch onto it."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as neighbours_far_end, \
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as far_end, RtpEndpoint() as endpoint:
        far_end.bind(("127.0.0.1", 0))
        target = ("127.0.0.1", endpoint.port)
        neighbours_far_end.sendto(struct.pack("!BBHI", 0x80, 201, 1, 0x1234), target)  # RTCP RR
        far_end.sendto(_rtp(0, 1, ulaw_encode([0] * 160)), target)
        deadline = time.monotonic() + DEADLINE_S
        while endpoint.packets_received < 1 and time.monotonic() < deadline:
            time.sleep(0.01)

        assert endpoint.remote == far_end.getsockname()
        assert endpoint.packets_received == 1


def _rtp(payload_type: int, sequence: int, payload: bytes) -> bytes:
    return struct.pack("!BBHII", 0x80, payload_type, sequence, sequence * 160, 0x1234) + payload
