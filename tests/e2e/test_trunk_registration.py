"""A carrier trunk: the engine registers to the carrier's registrar with digest authentication."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tests.support.branch import free_port, seat_agent, wait_until
from tests.support.calls import call_did
from tests.support.sipp import SippProcess, start_sipp

ACCOUNT = "0201234"
PASSWORD = "s3cret"


def _registration(server, trunk: str = "carrier") -> dict:
    return server.health()["engine"]["registrations"].get(trunk, {})


@contextmanager
def carrier(branch, tmp_path, *, password_given: str) -> Iterator[SippProcess]:
    """A SIPp registrar that knows PASSWORD, and a trunk registering to it with `password_given`."""
    port = free_port()
    registrar = start_sipp("registrar.xml", None, None, local_port=port, variables={"user": ACCOUNT, "password": PASSWORD},
                           timeout_s=30, log_dir=tmp_path / "registrar")
    try:
        branch.cli("trunk", "add", "carrier", "--register", f"sip:{ACCOUNT}@127.0.0.1:{port}", "--password", password_given)
        yield registrar
    finally:
        registrar.kill()


def test_the_engine_registers_to_the_carrier_and_health_shows_it(branch, server, tmp_path):
    with carrier(branch, tmp_path, password_given=PASSWORD) as registrar:
        server.start()
        state = wait_until(lambda: _registration(server).get("registered") and _registration(server), 15, "the registration")
        assert state["status"] == 200
        result = registrar.wait()
        assert result.succeeded, result.summary()


def test_a_wrong_password_shows_as_not_registered(branch, server, tmp_path):
    with carrier(branch, tmp_path, password_given="wrong"):
        server.start()
        state = wait_until(lambda: _registration(server).get("status", 0) >= 400 and _registration(server), 15,
                           "the registrar's refusal")
        assert state["registered"] is False and state["status"] == 403


def test_a_call_from_the_carrier_to_the_registered_account_reaches_the_queue(branch, server, phones, tmp_path):
    branch.cli("trunk", "remove", "local")  # calls may now come only through the carrier account
    with carrier(branch, tmp_path, password_given=PASSWORD):
        server.start()
        wait_until(lambda: _registration(server).get("registered"), 15, "the carrier registration")
        seat_agent(branch, server, "ann", "desk-1", phones(user="desk1"))
        result, _ = call_did(server, tmp_path / "carrier", "carrier_call.xml", account=ACCOUNT, talk_ms=3000)
        assert result.succeeded, result.summary()
        [record] = branch.ended_calls(1)
        assert (record["trunk"], record["did"], record["queue"], record["agent_id"]) == ("carrier", "100", "general", "ann")
