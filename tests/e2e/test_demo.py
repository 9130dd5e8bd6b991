"""`make run`: the demo branch a new user brings up first, driven the way they would."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from tests.support.branch import Phone, free_port, wait_until

REPO = Path(__file__).resolve().parents[2]
DEMO_PHONE_PORTS = (5070, 5080)  # the demo seats desk-1 and desk-2
DEMO_CARD = "4000012345678905"  # appliance/demo/accounts.csv
DEMO_BANK_PORT = 8091


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
        _the_voice_menu_answers(tmp_path, data, sip_port)
    finally:
        os.killpg(demo.pid, signal.SIGINT)  # Ctrl-C in the terminal reaches the whole group
        demo.wait(15)
    time.sleep(0.5)
    assert _processes_mentioning(str(data)) == [], "make run left its server behind"
    for phone_port in DEMO_PHONE_PORTS:  # the demo seats' phones are gone too
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.bind(("127.0.0.1", phone_port))
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:  # and the core-banking stand-in
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", DEMO_BANK_PORT))


def _the_voice_menu_answers(tmp_path: Path, data: Path, sip_port: int) -> None:
    """DID 8000 meets the demo bank's menu; the demo core-banking service answers for a demo card."""
    bank = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(f"http://127.0.0.1:{DEMO_BANK_PORT}/balance", data=json.dumps({"card": DEMO_CARD}).encode(),
                                     headers={"Content-Type": "application/json"})
    assert json.loads(bank.open(request, timeout=5).read())["balance"]
    caller = Phone(tmp_path, "--call", f"sip:8000@127.0.0.1:{sip_port}", "--digits", "1", "--hangup-after", "6",
                   user="55501234")
    try:
        caller.wait_for("ended", 20)
    finally:
        caller.close()
    branchline = [str(REPO / ".venv/bin/branchline"), "--data", str(data)]
    latest = json.loads(subprocess.run([*branchline, "calls", "--json", "--limit", "1"], capture_output=True,
                                       text=True, check=True).stdout)[0]
    path = json.loads(subprocess.run([*branchline, "ivr", "path", latest["id"], "--json"], capture_output=True,
                                     text=True, check=True).stdout)
    # Whether the branch is open depends on the hour in Beijing; the first steps do not.
    assert [(s["node"], s["outcome"]) for s in path[:2]] == [("welcome", "choice"), ("english", "ok")]
    assert (path[2]["node"], path[2]["outcome"] in ("open", "closed")) == ("opening-hours", True)


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
