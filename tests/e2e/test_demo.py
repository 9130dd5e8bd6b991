"""`make run`: the demo branch a new user brings up first, driven the way they would."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from tests.support.branch import Phone, free_port, wait_until

REPO = Path(__file__).resolve().parents[2]
DEMO_PHONE_PORTS = (5070, 5080)  # the demo seats desk-1 and desk-2


def test_make_run_brings_up_a_branch_that_answers_and_stops_cleanly(tmp_path):
    data = tmp_path / "demo-data"
    sip_port, http_port = free_port(), free_port(socket.SOCK_STREAM)
    env = {**os.environ, "BRANCHLINE_DATA": str(data), "SIP_PORT": str(sip_port), "HTTP_PORT": str(http_port)}
    log = tmp_path / "run.log"
    demo = subprocess.Popen(["packaging/run-demo.sh"], cwd=REPO, env=env, stdout=log.open("w"),
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until(lambda: "Ctrl-C stops everything." in log.read_text(), 60, "the demo to come up")
        text = log.read_text()
        assert "Admin user: admin  password: " in text
        assert "Agent a1001 is ready at seat desk-1." in text and "Agent a1002 is ready at seat desk-2." in text
        assert f"--call sip:100@127.0.0.1:{sip_port}" in text

        caller = Phone(tmp_path, "--call", f"sip:100@127.0.0.1:{sip_port}", "--hangup-after", "8", user="13800000000")
        try:
            caller.wait_for("answered", 10)
            ended = caller.wait_for("ended", 30)
        finally:
            caller.close()
        assert ended["status"] == 200
        calls = subprocess.run([str(REPO / ".venv/bin/branchline"), "--data", str(data), "calls", "--json"],
                               capture_output=True, text=True, check=True).stdout
        assert '"agent_id": "a1001"' in calls  # the longest-idle Ready agent took it
    finally:
        os.killpg(demo.pid, signal.SIGINT)  # Ctrl-C in the terminal reaches the whole group
        demo.wait(15)
    time.sleep(0.5)
    assert _processes_mentioning(str(data)) == [], "make run left its server behind"
    for phone_port in DEMO_PHONE_PORTS:  # the demo seats' phones are gone too
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.bind(("127.0.0.1", phone_port))


def _processes_mentioning(text: str) -> list[int]:
    """PIDs whose command line contains `text` (like pgrep -f, without needing procps)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text.encode() in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return found
