"""Queue statistics against the real server: SIPp callers answered and abandoning, read over the API,
the WebSocket push and the CLI."""

from __future__ import annotations

import base64
import json
import os
import socket
import struct
import time
from typing import Any

import pytest

from tests.support.branch import seat_agent, wait_until
from tests.support.calls import call_did

STATS = "/api/v1/queues/stats"
LIVE = "/api/v1/queues/stats/live"
# The fixture's queue: service level T = 20 s, short abandon under 5 s, max wait 8 s, 1 s wrap-up.
# Callers hear a 0.6 s welcome beep before they join the queue.
ABANDON_AFTER_MS = 7000  # about 6.4 s in the queue: abandoned, well before the 8 s max wait
SHORT_ABANDON_AFTER_MS = 2000  # about 1.4 s in the queue: a short abandon


class LiveSocket:
    """Just enough of a WebSocket client (RFC 6455) to read the server's text pushes."""

    def __init__(self, port: int, path: str, headers: dict[str, str] | None = None) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Upgrade: websocket", "Connection: Upgrade",
                 f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13",
                 *(f"{name}: {value}" for name, value in (headers or {}).items())]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self._buffer = b""
        while b"\r\n\r\n" not in self._buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            self._buffer += chunk
        head, _, self._buffer = self._buffer.partition(b"\r\n\r\n")
        self.status = int(head.split(b" ", 2)[1]) if head else 0

    def _read(self, n: int) -> bytes:
        while len(self._buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("the server closed the connection")
            self._buffer += chunk
        data, self._buffer = self._buffer[:n], self._buffer[n:]
        return data

    def receive(self, timeout: float) -> dict[str, Any] | None:
        """The next text message as JSON; None when the server closed the socket."""
        self.sock.settimeout(timeout)
        message = b""
        while True:
            try:
                first, second = self._read(2)
            except (EOFError, ConnectionResetError):
                return None
            length = second & 0x7F
            if length == 126:
                length = struct.unpack("!H", self._read(2))[0]
            elif length == 127:
                length = struct.unpack("!Q", self._read(8))[0]
            payload = self._read(length)
            opcode = first & 0x0F
            if opcode == 0x8:
                return None
            if opcode in (0x1, 0x0):
                message += payload
                if first & 0x80:
                    return json.loads(message)

    def receive_until(self, predicate, timeout: float, what: str) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        seen = None
        while time.monotonic() < deadline:
            try:
                seen = self.receive(max(0.05, deadline - time.monotonic()))
            except TimeoutError:
                break
            if seen is None:
                break
            if predicate(seen):
                return seen
        raise AssertionError(f"no push with {what} within {timeout} s; last: {seen}")

    def close(self) -> None:
        self.sock.close()


def _general(report: dict[str, Any]) -> dict[str, Any]:
    return next(q for q in report["queues"] if q["queue"] == "general")


def _token(branch) -> str:
    return (branch.data / "cli.token").read_text().strip()


@pytest.mark.e2e
def test_stats_count_an_answered_call_an_abandon_and_a_short_abandon_over_api_socket_and_cli(
    branch, server, phones, tmp_path
):
    server.start()
    seat_agent(branch, server, "ann", "desk-1", phones(user="desk1"))
    live = LiveSocket(server.http_port, LIVE, {"Authorization": f"Bearer {_token(branch)}"})
    try:
        assert live.status == 101
        first = _general(live.receive(5))
        assert (first["live"]["waiting"], first["live"]["agents"]["ready"], first["today"]["offered"]) == (0, 1, 0)
        assert first["live"]["estimated_wait"] == 0.0

        result, _ = call_did(server, tmp_path / "answered", "call_caller_hangs_up.xml", talk_ms=3000)
        assert result.succeeded, result.summary()
        wait_until(lambda: server.api("GET", "/api/v1/agents/ann")[1]["status"] == "ready", 5, "ann's wrap-up over")
        branch.cli("agent", "pause", "ann", "--reason", "break")
        for name, after_ms in (("abandoned", ABANDON_AFTER_MS), ("short", SHORT_ABANDON_AFTER_MS)):
            result, _ = call_did(server, tmp_path / name, "call_caller_hangs_up.xml", talk_ms=after_ms)
            assert result.succeeded, result.summary()

        pushed = live.receive_until(lambda r: _general(r)["today"]["short_abandoned"] == 1, 10, "the short abandon")
    finally:
        live.close()

    status, report = server.api("GET", STATS)
    assert status == 200
    for general in (_general(pushed), _general(report)):
        today = general["today"]
        assert (today["offered"], today["answered"], today["abandoned"], today["short_abandoned"]) == (3, 1, 1, 1)
        assert (today["service_level"], today["service_level_with_abandons"]) == (100.0, 50.0)
        assert 0 < today["asa"] < 5
        assert today["handled"] == 1 and 2 < today["aht"] < 6  # about 2.4 s of talk and the 1 s wrap-up
        assert general["live"]["agents"]["not_ready"] == 1 and general["live"]["estimated_wait"] is None

    cli = json.loads(branch.cli("queue", "stats", "--json", "general").stdout)
    assert _general(cli)["today"]["answered"] == 1
    table = branch.cli("queue", "stats").stdout
    assert "general" in table and "100.0%" in table and "50.0%" in table


@pytest.mark.e2e
def test_the_live_socket_needs_a_token_and_ends_when_the_server_stops(branch, server):
    server.start()
    refused = LiveSocket(server.http_port, LIVE)
    assert refused.status != 101
    refused.close()
    status, body = server.api("GET", STATS, token="wrong")
    assert (status, body["error_id"]) == (401, "unauthorized")
    status, body = server.api("GET", f"{STATS}?queue=nope")
    assert (status, body["error_id"]) == (404, "not_found")

    live = LiveSocket(server.http_port, f"{LIVE}?token={_token(branch)}")
    try:
        assert live.status == 101 and _general(live.receive(5))["live"]["waiting"] == 0
        code, seconds = server.stop()
        assert code == 0 and seconds < 8
        assert live.receive(2) is None  # the server closed the socket on its way out
    finally:
        live.close()
