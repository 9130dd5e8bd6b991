"""Bounded load that must leave the server alive and answering. Every load targets 127.0.0.x only."""

from __future__ import annotations

import time

import pytest

from tests.support.audio import tone_seconds
from tests.support.branch import seat_agent, wait_until
from tests.support.calls import call_did
from tests.support.sipp import start_sipp

pytestmark = pytest.mark.stress

AGENTS = 6
BURST_SECONDS = 60
AGENT_HZ = 2100


def _staff(branch, server, phones, count: int) -> list:
    desks = []
    for i in range(count):
        agent = f"s{i}"
        branch.cli("agent", "add", agent, "--name", f"Stress {i}", "--skill", "general:5")
        desk = phones("--tone", str(AGENT_HZ), "--answer-delay", "0.1", user=f"sdesk{i}")
        wait_until(lambda: any(a["agent_id"] == agent for a in server.api("GET", "/api/v1/agents")[1]), 3, agent)
        seat_agent(branch, server, agent, f"sdesk-{i}", desk)
        desks.append(desk)
    return desks


def _real_call_works(server, tmp_path, name: str) -> None:
    """A caller still reaches an agent, with audio, after (or during) the load."""
    result, heard = call_did(server, tmp_path / name, "call_caller_hangs_up.xml", talk_ms=4000, timeout_s=40)
    assert result.succeeded, result.summary()
    assert tone_seconds(heard, 8000, AGENT_HZ) >= 1.0, "the caller was answered but heard no agent"


def test_calls_arriving_and_hanging_up_in_bursts_at_capacity_for_a_minute(branch, server, phones, tmp_path):
    server.start()
    _staff(branch, server, phones, AGENTS)
    capacity = server.health()["engine"]["leg_capacity"]
    # Waves: a whole capacity's worth of callers arrives within a few milliseconds; those that get
    # in hang up together 3 s later, and the next wave arrives while their sockets are closing.
    waves, peak, answered, busy = 0, 0, 0, 0
    started = time.monotonic()
    while time.monotonic() - started < BURST_SECONDS:
        wave = start_sipp("burst.xml", "127.0.0.1", server.sip_port, service="100", variables={"talk_ms": 3000},
                          calls=capacity, rate=1000, extra_args=["-l", str(capacity)], timeout_s=60,
                          log_dir=tmp_path / f"wave-{waves}")
        while wave.poll() is None:
            assert server.alive(), server.output()[-3000:]
            peak = max(peak, server.health()["engine"]["legs_in_use"])
            time.sleep(0.2)
        result = wave.wait()
        assert result.failed_calls == 0, result.summary()
        answered, busy, waves = answered + result.counter("answered"), busy + result.counter("busy"), waves + 1
    print(f"bursts: {waves} waves of {capacity} callers: {answered} answered, {busy} busy, peak {peak} legs")
    assert server.alive(), server.output()[-3000:]
    assert answered >= waves * AGENTS and busy > 0
    assert peak <= capacity
    wait_until(lambda: server.health()["engine"]["legs_in_use"] == 0, 15, "every leg to end")
    _real_call_works(server, tmp_path, "after-bursts")
    wait_until(lambda: all(call["ended_at"] for call in branch.calls()), 10, "every call record to be closed")


def test_a_flood_of_invites_from_an_unknown_source_does_not_stop_real_calls(branch, server, phones, tmp_path):
    server.start()
    _staff(branch, server, phones, 1)
    flood = start_sipp("flood.xml", "127.0.0.1", server.sip_port, service="100", local_ip="127.0.0.66",
                       calls=2000, rate=1000, timeout_s=30, log_dir=tmp_path / "flood")
    _real_call_works(server, tmp_path, "during-flood")
    result = flood.wait()
    assert result.successful_calls == 2000, result.summary()  # every INVITE went out
    assert server.alive(), server.output()[-3000:]
    health = server.health()
    assert health["status"] == "ok" and health["engine"]["legs_in_use"] == 0
    assert branch.events("call_refused") == []  # dropped before the engine saw them
    _real_call_works(server, tmp_path, "after-flood")


MALFORMED = [
    b"",
    b"\x00" * 64,
    b"INVITE",
    b"INVITE sip:100@127.0.0.1 SIP/2.0\r\n\r\n",
    b"INVITE sip:100@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK1\r\nCall-ID: x\r\n"
    b"CSeq: nonsense INVITE\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:100@127.0.0.1>\r\nContent-Length: 999999\r\n\r\n",
    b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKnothing\r\nCall-ID: none\r\nCSeq: 1 INVITE\r\n\r\n",
    b"BYE sip:branchline@127.0.0.1 SIP/2.0\r\nCall-ID: \xff\xfe\r\n\r\n",
    b"OPTIONS sip:100@127.0.0.1 SIP/2.0\r\n" + b"X-Long: " + b"a" * 60000 + b"\r\n\r\n",
]


def _invite_with_sdp(sdp: bytes, n: int) -> bytes:
    head = (
        f"INVITE sip:100@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKsdp{n}\r\n"
        f"Max-Forwards: 70\r\nFrom: <sip:fuzz@127.0.0.1>;tag=f{n}\r\nTo: <sip:100@127.0.0.1>\r\n"
        f"Call-ID: sdp-{n}@fuzz\r\nCSeq: 1 INVITE\r\nContact: <sip:fuzz@127.0.0.1:9>\r\n"
        f"Content-Type: application/sdp\r\nContent-Length: {len(sdp)}\r\n\r\n"
    )
    return head.encode() + sdp


BROKEN_SDP = [b"v=0\r\n", b"garbage", b"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 999.1.1.1\r\nt=0 0\r\nm=audio 70000 RTP/AVP 0\r\n",
              b"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=video 4000 RTP/AVP 96\r\n"]


def test_malformed_sip_from_a_trunk_never_stops_the_server(branch, server, phones, tmp_path):
    import random
    import socket

    server.start()
    _staff(branch, server, phones, 1)
    rng = random.Random(20261129)
    packets = [*MALFORMED, *(_invite_with_sdp(sdp, i) for i, sdp in enumerate(BROKEN_SDP))]
    packets += [bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 1400))) for _ in range(200)]
    # Random mutations of a valid INVITE: bytes flipped, cut short, headers repeated.
    valid = _invite_with_sdp(b"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n", 999)
    for _ in range(300):
        mutated = bytearray(valid)
        for _ in range(rng.randint(1, 8)):
            mutated[rng.randrange(len(mutated))] = rng.getrandbits(8)
        packets.append(bytes(mutated[: rng.randint(10, len(mutated))]))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
        sender.bind(("127.0.0.1", 0))
        for packet in packets:
            sender.sendto(packet, ("127.0.0.1", server.sip_port))
            time.sleep(0.002)
    time.sleep(1)
    assert server.alive(), server.output()[-3000:]
    assert server.health()["status"] == "ok"
    _real_call_works(server, tmp_path, "after-garbage")
