"""The server as a process: health, start-up errors, shutdown with live calls, restarts."""

from __future__ import annotations

import signal
import socket
import subprocess
import time

import pytest

from appliance.resources import migrations_dir
from appliance.store.migrations import available
from tests.support.branch import BRANCHLINE, Server, free_port, seat_agent, wait_until

LATEST = available(migrations_dir())[-1].version


def test_healthz_reports_engine_capacity_and_database(server):
    server.start()
    health = server.health()
    assert health["status"] == "ok"
    assert health["engine"]["state"] == "running"
    assert health["engine"]["legs_in_use"] == 0
    assert health["engine"]["leg_capacity"] == 24
    assert health["engine"]["source_filter"] is True
    assert health["database"] == {"status": "ok", "schema_version": LATEST, "path": str(server.branch.data / "branchline.db")}


def _serve(branch, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*BRANCHLINE, "--data", str(branch.data), "serve", "--bind", "127.0.0.1", *args],
                          capture_output=True, text=True, timeout=30)


def test_startup_errors_are_one_clear_line_and_a_nonzero_exit(branch, tmp_path):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        result = _serve(branch, "--sip-port", str(taken.getsockname()[1]), "--http-port", str(free_port(socket.SOCK_STREAM)))
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1].startswith("branchline: cannot start: SIP port")
    assert "already in use" in result.stderr and "Traceback" not in result.stderr

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = _serve(branch, "--http-port", str(taken.getsockname()[1]))
    assert result.returncode != 0 and "HTTP port" in result.stderr and "--http-port" in result.stderr

    missing = subprocess.run([*BRANCHLINE, "--data", str(tmp_path / "nowhere"), "serve"], capture_output=True, text=True)
    assert missing.returncode != 0 and "does not exist: run 'branchline --data" in missing.stderr

    (tmp_path / "afile").write_text("")
    not_dir = subprocess.run([*BRANCHLINE, "--data", str(tmp_path / "afile"), "serve"], capture_output=True, text=True)
    assert not_dir.returncode != 0 and "is a file, not a directory" in not_dir.stderr


def test_a_database_newer_than_the_code_is_refused_at_start(branch):
    import apsw

    conn = apsw.Connection(str(branch.data / "branchline.db"))
    conn.execute("INSERT INTO schema_migrations VALUES (42, 'from_the_future', 'now')")
    conn.close()
    result = _serve(branch)
    assert result.returncode != 0
    assert f"schema version 42 but this Branchline knows only up to {LATEST}" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_stopping_hangs_up_live_calls_with_bye_and_exits_0_within_5_seconds(branch, server, phones, stop_signal):
    server.start()
    desk = phones("--tone", "2100", user="desk1")
    seat_agent(branch, server, "ann", "desk-1", desk)
    caller = phones("--call", f"sip:100@127.0.0.1:{server.sip_port}", "--tone", "1300", user="13800000001")
    desk.wait_for("answered", 10)
    caller.wait_for("answered", 5)
    code, seconds = server.stop(stop_signal)
    assert code == 0
    assert seconds < 5
    assert caller.wait_for("ended", 2)["status"] == 200  # a BYE, not a dropped call
    assert desk.wait_for("ended", 2)["status"] == 200
    [record] = branch.calls()
    assert (record["ended_by"], record["end_reason"]) == ("system", "server shutting down")
    kinds = [e["kind"] for e in branch.events()]
    assert kinds[-1] == "server_stopped"
    logouts = branch.events("agent_logged_out")
    assert [(e["agent_id"], e["details"]["reason"]) for e in logouts] == [("ann", "shutdown")]


def test_agent_states_do_not_survive_a_restart_and_the_log_says_so(branch, server, phones):
    server.start()
    desk = phones(user="desk1")
    seat_agent(branch, server, "ann", "desk-1", desk)
    server.proc.kill()  # a crash: nothing is logged on the way down
    server.proc.wait(5)
    again = Server(branch)
    again.start()
    try:
        status, agents = again.api("GET", "/api/v1/agents")
        assert status == 200
        assert {a["agent_id"]: a["status"] for a in agents} == {"ann": "logged_out", "bob": "logged_out"}
        last = branch.events("agent_logged_out")[-1]
        assert (last["agent_id"], last["details"]["reason"]) == ("ann", "restart")
    finally:
        again.stop()


def test_configuration_changes_reach_the_running_server_within_a_second(branch, server):
    server.start()
    branch.cli("agent", "add", "cy", "--name", "Cy Ma", "--skill", "general:2")
    started = time.monotonic()
    wait_until(lambda: any(a["agent_id"] == "cy" for a in server.api("GET", "/api/v1/agents")[1]), 3, "agent cy")
    assert time.monotonic() - started < 1.5  # the poll interval is 0.3 s; allow for a slow CI machine
