"""A carrier trunk: the engine registers to the carrier's registrar with digest authentication."""

from __future__ import annotations

from tests.support.branch import free_port, wait_until
from tests.support.sipp import start_sipp


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
