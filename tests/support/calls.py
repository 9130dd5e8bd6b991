"""A SIPp caller with real media: SIPp does the signalling, an RtpEndpoint sends a tone and records."""

from __future__ import annotations

from array import array
from pathlib import Path
from typing import Any

from tests.support.rtp import RtpEndpoint
from tests.support.sipp import SippResult, run_sipp

CALLER_HZ = 1300  # the caller's test tone; agents' phones send 2100 Hz


def call_did(server: Any, log_dir: Path, scenario: str, *, did: str = "100", tone_hz: int = CALLER_HZ,
             timeout_s: float = 30, **variables: object) -> tuple[SippResult, array]:
    """Call `did` on the running server with `scenario` (its variables besides rtp_port as keywords);
    returns SIPp's result and every sample the caller heard."""
    with RtpEndpoint(tone_hz=tone_hz) as rtp:
        result = run_sipp(scenario, "127.0.0.1", server.sip_port, service=did,
                          variables={"rtp_port": rtp.port, **variables}, timeout_s=timeout_s, log_dir=log_dir)
        return result, rtp.received_samples()
