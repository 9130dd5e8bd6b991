"""A carrier trunk: the engine registers to the carrier's registrar with digest authentication."""

from __future__ import annotations

from tests.support.branch import free_port, seat_agent, wait_until
from tests.support.rtp import RtpEndpoint
from tests.support.sipp import run_sipp, start_sipp


def _registration(server, trunk: str) -> dict:
    return server.health()["engine"]["registrations"].get(trunk, {})


def test_the_engine_registers_to_the_carrier_and_health_shows_it(branch, server, tmp_path):
    registrar_port = free_port()
    registrar = start_sipp("registrar.xml", None, None, local_port=registrar_port,
                           variables={"user": "0201234", "password": "s3cret"}, timeout_s=30, log_dir=tmp_path / "registrar")
    try:
        branch.cli("trunk", "add", "carrier", "--register", f"sip:0201234@127.0.0.1:{registrar_port}", "--password", "s3cret")
        server.start()
        state = wait_until(lambda: _registration(server, "carrier").get("registered") and _registration(server, "carrier"),
                           15, "the carrier registration")
        assert state["status"] == 200
        result = registrar.wait()
        assert result.succeeded, result.summary()
    finally:
        registrar.kill()


def test_a_wrong_password_shows_as_not_registered(branch, server, tmp_path):
    registrar_port = free_port()
    registrar = start_sipp("registrar.xml", None, None, local_port=registrar_port,
                           variables={"user": "0201234", "password": "right"}, timeout_s=30, log_dir=tmp_path / "registrar")
    try:
        branch.cli("trunk", "add", "carrier", "--register", f"sip:0201234@127.0.0.1:{registrar_port}", "--password", "wrong")
        server.start()
        state = wait_until(lambda: _registration(server, "carrier").get("status", 0) >= 400 and _registration(server, "carrier"),
                           15, "the registrar's refusal")
        assert state["registered"] is False and state["status"] == 403
    finally:
        registrar.kill()


def test_a_call_from_the_carrier_to_the_registered_account_reaches_the_queue(branch, server, phones, tmp_path):
    registrar_port = free_port()
    registrar = start_sipp("registrar.xml", None, None, local_port=registrar_port,
                           variables={"user": "0201234", "password": "s3cret"}, timeout_s=30, log_dir=tmp_path / "registrar")
    try:
        branch.cli("trunk", "remove", "local")  # calls may now come only through the carrier account
        branch.cli("trunk", "add", "carrier", "--register", f"sip:0201234@127.0.0.1:{registrar_port}", "--password", "s3cret")
        server.start()
        wait_until(lambda: _registration(server, "carrier").get("registered"), 15, "the carrier registration")
        seat_agent(branch, server, "ann", "desk-1", phones(user="desk1"))
        with RtpEndpoint(tone_hz=1300) as rtp:
            result = run_sipp("carrier_call.xml", "127.0.0.1", server.sip_port, service="100",
                              variables={"account": "0201234", "rtp_port": rtp.port, "talk_ms": 3000},
                              timeout_s=30, log_dir=tmp_path / "carrier")
        assert result.succeeded, result.summary()
        [record] = branch.ended_calls(1)
        assert (record["trunk"], record["did"], record["queue"], record["agent_id"]) == ("carrier", "100", "general", "ann")
    finally:
        registrar.kill()
