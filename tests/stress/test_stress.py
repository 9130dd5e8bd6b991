"""Bounded load that must leave the server alive and answering. Every load targets 127.0.0.x only."""

from __future__ import annotations

import time

import pytest

from tests.support.audio import tone_seconds
from tests.support.branch import seat_agent, wait_until
from tests.support.rtp import RtpEndpoint
from tests.support.sipp import run_sipp, start_sipp

pytestmark = pytest.mark.stress

AGENTS = 6
BURST_SECONDS = 60
CALLER_HZ = 1300
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
    with RtpEndpoint(tone_hz=CALLER_HZ) as rtp:
        result = run_sipp("call_caller_hangs_up.xml", "127.0.0.1", server.sip_port, service="100",
                          variables={"rtp_port": rtp.port, "talk_ms": 4000}, timeout_s=40, log_dir=tmp_path / name)
        heard = rtp.received_samples()
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
