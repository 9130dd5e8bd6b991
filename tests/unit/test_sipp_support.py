"""The SIPp scenarios and their wrapper, checked against SIPp far ends on loopback.

A SIPp UAS (tests/sipp/uas_*.xml) stands in for the server, so that these tests show what
each caller scenario reports when the other side answers, hangs up, rejects or stays silent.
"""

from __future__ import annotations

import socket
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.audio import SAMPLE_RATE, has_tone
from tests.support.rtp import RtpEndpoint
from tests.support.sipp import (
    EXIT_ALL_CALLS_SUCCEEDED,
    EXIT_SOME_CALL_FAILED,
    SCENARIO_DIR,
    run_sipp,
    scenario_variables,
    start_sipp,
)

LOOPBACK = "127.0.0.1"
UNCONFIGURED_SOURCE = "127.0.0.66"
DID = "100"
RUN_TIMEOUT_S = 20
TALK_MS = 400
FAR_END_HANGS_UP_MS = 200
BOUND_DEADLINE_S = 5
NO_MEDIA_PORT = 9  # "discard": these far ends send no RTP, so the caller's SDP port is a formality


def free_udp_port(host: str = LOOPBACK) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def wait_until_bound(port: int) -> None:
    """Until SIPp holds the port, so that the first INVITE is not lost to a race."""
    deadline = time.monotonic() + BOUND_DEADLINE_S
    while time.monotonic() < deadline:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                probe.bind((LOOPBACK, port))
            except OSError:
                return
        time.sleep(0.02)
    raise AssertionError(f"SIPp never bound {LOOPBACK}:{port}")


@contextmanager
def far_end(tmp_path: Path, scenario: str | Path, calls: int = 1, **kwargs):
    """A SIPp UAS running `scenario` on a free port; yields (port, process)."""
    port = free_udp_port()
    with start_sipp(scenario, None, None, local_port=port, calls=calls, timeout_s=RUN_TIMEOUT_S,
                    log_dir=tmp_path / "far-end", **kwargs) as uas:
        wait_until_bound(port)
        yield port, uas


def call(tmp_path: Path, scenario: str | Path, port: int, **kwargs):
    """Run a caller scenario against DID 100 at port, with its logs in tmp_path/caller."""
    kwargs.setdefault("log_dir", tmp_path / "caller")
    return run_sipp(scenario, LOOPBACK, port, service=DID, timeout_s=RUN_TIMEOUT_S, **kwargs)


def reject_scenario(tmp_path: Path, status_line: str) -> Path:
    """uas_reject.xml with another final response (SIPp cannot take a status code from a variable)."""
    text = (SCENARIO_DIR / "uas_reject.xml").read_text().replace("SIP/2.0 486 Busy Here", status_line)
    path = tmp_path / "uas_reject_variant.xml"
    path.write_text(text)
    return path


def test_caller_who_hangs_up_succeeds_when_the_far_end_lets_it(tmp_path):
    with far_end(tmp_path, "uas_answer.xml") as (port, uas):
        result = call(tmp_path, "call_caller_hangs_up.xml", port,
                      variables={"rtp_port": NO_MEDIA_PORT, "talk_ms": TALK_MS})
        far = uas.wait()

    assert result.exit_code == EXIT_ALL_CALLS_SUCCEEDED, result.summary()
    assert (result.successful_calls, result.failed_calls) == (1, 0)
    assert result.status_codes == (180, 200, 200)  # ringing, answer, answer to our BYE
    assert far.succeeded, far.summary()


def test_caller_who_hangs_up_fails_when_the_server_hangs_up_first(tmp_path):
    with far_end(tmp_path, "uas_answer_then_hang_up.xml",
                 variables={"hangup_ms": FAR_END_HANGS_UP_MS}) as (port, _):
        result = call(tmp_path, "call_caller_hangs_up.xml", port,
                      variables={"rtp_port": NO_MEDIA_PORT, "talk_ms": 5000})

    assert result.exit_code == EXIT_SOME_CALL_FAILED, result.summary()
    assert (result.successful_calls, result.failed_calls) == (0, 1)
    assert result.failure_reasons == {"FailedUnexpectedMessage": 1}


def test_caller_who_waits_succeeds_when_the_server_hangs_up(tmp_path):
    with far_end(tmp_path, "uas_answer_then_hang_up.xml",
                 variables={"hangup_ms": FAR_END_HANGS_UP_MS}) as (port, uas):
        result = call(tmp_path, "call_server_hangs_up.xml", port,
                      variables={"rtp_port": NO_MEDIA_PORT})
        far = uas.wait()

    assert result.succeeded, result.summary()
    assert result.successful_calls == 1
    assert far.succeeded, far.summary()


def test_caller_who_waits_fails_and_still_hangs_up_when_the_server_never_does(tmp_path):
    with far_end(tmp_path, "uas_answer.xml") as (port, uas):
        result = call(tmp_path, "call_server_hangs_up.xml", port,
                      variables={"rtp_port": NO_MEDIA_PORT}, extra_args=["-recv_timeout", str(TALK_MS)])
        far = uas.wait()

    assert result.exit_code == EXIT_SOME_CALL_FAILED, result.summary()
    assert result.failure_reasons == {"FailedTimeoutOnRecv": 1}
    assert far.succeeded, far.summary()  # it got a BYE, so no call was left open


@pytest.mark.parametrize("status_line", ["SIP/2.0 486 Busy Here", "SIP/2.0 503 Service Unavailable"])
def test_reject_tells_which_refusal_came(tmp_path, status_line):
    code = int(status_line.split()[1])
    with far_end(tmp_path, reject_scenario(tmp_path, status_line)) as (port, uas):
        result = call(tmp_path, "reject.xml", port)
        far = uas.wait()

    assert result.succeeded, result.summary()
    assert result.status_codes == (100, code)
    assert far.succeeded, far.summary()  # our ACK matched its transaction


def test_reject_fails_on_a_refusal_it_does_not_expect(tmp_path):
    with far_end(tmp_path, reject_scenario(tmp_path, "SIP/2.0 500 Server Internal Error")) as (port, _):
        result = call(tmp_path, "reject.xml", port)

    assert result.exit_code == EXIT_SOME_CALL_FAILED, result.summary()
    assert 500 in result.status_codes


def test_reject_fails_when_the_call_is_answered(tmp_path):
    with far_end(tmp_path, "uas_answer.xml") as (port, _):
        result = call(tmp_path, "reject.xml", port)

    assert result.exit_code == EXIT_SOME_CALL_FAILED, result.summary()
    assert result.status_codes[:2] == (180, 200)


def test_burst_counts_busy_calls_without_failing(tmp_path):
    calls = 3
    with far_end(tmp_path, "uas_reject.xml", calls=calls) as (port, _):
        result = call(tmp_path, "burst.xml", port, variables={"talk_ms": TALK_MS}, calls=calls, rate=20)

    assert result.succeeded, result.summary()
    assert (result.counter("busy"), result.counter("answered")) == (calls, 0)


def test_burst_counts_who_hung_up(tmp_path):
    calls = 2
    with far_end(tmp_path, "uas_answer.xml", calls=calls) as (port, _):
        caller_ends = call(tmp_path, "burst.xml", port, variables={"talk_ms": TALK_MS}, calls=calls, rate=20)
    with far_end(tmp_path, "uas_answer_then_hang_up.xml", calls=calls,
                 variables={"hangup_ms": FAR_END_HANGS_UP_MS}) as (port, _):
        server_ends = call(tmp_path, "burst.xml", port, variables={"talk_ms": 3000}, calls=calls, rate=20,
                           log_dir=tmp_path / "caller-2")

    assert caller_ends.succeeded, caller_ends.summary()
    assert (caller_ends.counter("answered"), caller_ends.counter("caller_hung_up")) == (calls, calls)
    assert server_ends.succeeded, server_ends.summary()
    assert (server_ends.counter("answered"), server_ends.counter("server_hung_up")) == (calls, calls)


def test_flood_sends_every_invite_from_the_unconfigured_address(tmp_path):
    invites = 200
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as server:
        server.bind((LOOPBACK, 0))
        server.settimeout(RUN_TIMEOUT_S)
        # Read while SIPp sends: a socket buffer holds only a few dozen datagrams.
        with start_sipp("flood.xml", LOOPBACK, server.getsockname()[1], service=DID,
                        local_ip=UNCONFIGURED_SOURCE, calls=invites, rate=1000, timeout_s=RUN_TIMEOUT_S,
                        log_dir=tmp_path) as flood:
            received = [server.recvfrom(65535) for _ in range(invites)]
            result = flood.wait()

    assert result.succeeded, result.summary()
    assert result.successful_calls == invites
    assert {source[0] for _, source in received} == {UNCONFIGURED_SOURCE}
    assert all(packet.startswith(b"INVITE sip:100@") for packet, _ in received)


def test_call_media_flows_through_the_rtp_endpoint(tmp_path):
    """SIPp's RTP echo on the far end sends the caller's tone back to the caller's endpoint."""
    media_port = free_udp_port()
    with RtpEndpoint(tone_hz=1300) as rtp, far_end(
        tmp_path, "uas_answer.xml", extra_args=("-rtp_echo", "-mp", str(media_port))
    ) as (port, _):
        rtp.set_remote(LOOPBACK, media_port)
        result = call(tmp_path, "call_caller_hangs_up.xml", port,
                      variables={"rtp_port": rtp.port, "talk_ms": 1500})

    assert result.succeeded, result.summary()
    assert f"m=audio {rtp.port} RTP/AVP 0 101" in result.messages_log.read_text()
    assert has_tone(rtp.received_samples(), SAMPLE_RATE, 1300)


def test_a_missing_or_unknown_variable_is_refused_before_sipp_runs(tmp_path):
    assert scenario_variables("call_caller_hangs_up.xml") == {"rtp_port", "talk_ms"}

    with pytest.raises(ValueError, match=r"missing \['talk_ms'\], unknown \['talk_time'\]"):
        call(tmp_path, "call_caller_hangs_up.xml", 5060, variables={"rtp_port": 4000, "talk_time": 1})
