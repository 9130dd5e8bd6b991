"""Supervision end to end: a team leader listens in, whispers and barges from a seat phone, and
conversations are recorded with both voices. Every party is a real SIP phone in its own process
playing its own tone and recording what it hears; the test listens to each recording."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest

from tests.support.audio import read_wav, tone_samples, tone_seconds, write_wav
from tests.support.branch import seat_agent, wait_until
from tests.support.desktop import DesktopSession, add_user

CALLER_HZ, AGENT_HZ, SUPERVISOR_HZ, MOH_HZ = 1300, 2100, 500, 800
MIX_SHARE = 0.2  # a tone in a conference mix holds a half or a third of the energy (see tone_seconds)
MODE_S = 4.0  # how long each mode is held


@pytest.fixture
def floor(branch, server, phones):
    """ann (team tellers) talking to a caller who plays a tone; tess, the tellers' team leader,
    signed in, with the phone at desk-9 (its own tone) for listening in."""
    write_wav(branch.data / "prompts" / "moh.wav", tone_samples(MOH_HZ, 3.0))
    branch.cli("queue", "set", "general", "--wrapup", "1", "--max-wait", "60",
               "--no-announce-position", "--no-announce-wait")
    branch.cli("team", "add", "tellers")
    branch.cli("team", "assign", "ann", "tellers")
    password = add_user(branch, "tess", "team_leader", team="tellers")
    server.start()
    agent_phone = phones("--tone", str(AGENT_HZ), user="desk1")
    seat_agent(branch, server, "ann", "desk-1", agent_phone)
    supervisor_phone = phones("--tone", str(SUPERVISOR_HZ), user="desk9")
    branch.cli("seat", "add", "desk-9", "--phone", supervisor_phone.uri)
    tess = DesktopSession(server, "tess", password)
    caller = phones("--call", f"sip:100@127.0.0.1:{server.sip_port}", "--tone", str(CALLER_HZ),
                    "--hangup-after", "60", user="55501234")
    call = wait_until(lambda: _conversation(tess), 10, "ann to answer the caller")
    yield tess, call, caller, agent_phone, supervisor_phone
    tess.close()


def _conversation(session: DesktopSession) -> dict | None:
    calls = session.http.get("/api/v1/floor").json()["calls"]
    return calls[0] if calls else None


def _monitor(tess: DesktopSession, call: dict, mode: str) -> None:
    answer = tess.post(f"/api/v1/calls/{call['call_id']}/monitor", {"mode": mode, "seat": "desk-9"})
    assert answer.status_code == 200, answer.text
    wait_until(lambda: (_conversation(tess) or {}).get("monitor", {}) and
               _conversation(tess)["monitor"]["state"] == "connected", 10, "desk-9 to answer")


def _heard(phone, hz: int) -> float:
    """Seconds of `hz` (unbroken) in what the phone heard, once its call has ended."""
    if not any(seen["event"] == "ended" for seen in phone.seen):
        phone.wait_for("ended", 15)
    samples, rate = read_wav(next(Path(phone.record_dir).glob("*.wav")))
    return tone_seconds(samples, rate, hz, min_share=MIX_SHARE)


def _end(caller) -> None:
    caller.send("hangup")


def test_listen_the_supervisor_hears_both_and_nobody_hears_the_supervisor(floor, branch):
    tess, call, caller, agent_phone, supervisor_phone = floor
    _monitor(tess, call, "listen")
    assert _conversation(tess)["monitor"]["mode"] == "listen" and _conversation(tess)["recording"]
    time.sleep(MODE_S)
    _end(caller)

    assert _heard(supervisor_phone, CALLER_HZ) >= MODE_S - 1.5, "the supervisor did not hear the caller"
    assert _heard(supervisor_phone, AGENT_HZ) >= MODE_S - 1.5, "the supervisor did not hear the agent"
    assert _heard(caller, SUPERVISOR_HZ) == 0.0, "the caller heard the supervisor in listen mode"
    assert _heard(agent_phone, SUPERVISOR_HZ) == 0.0, "the agent heard the supervisor in listen mode"

    # The recording holds both parties, and not the listening supervisor.
    recording = _recording_file(branch, call["call_id"])
    samples, rate = read_wav(recording)
    assert tone_seconds(samples, rate, CALLER_HZ, min_share=MIX_SHARE) >= MODE_S - 1.5
    assert tone_seconds(samples, rate, AGENT_HZ, min_share=MIX_SHARE) >= MODE_S - 1.5
    assert tone_seconds(samples, rate, SUPERVISOR_HZ, min_share=MIX_SHARE) == 0.0
    started = [e for e in branch.events("recording_started") if e["call_id"] == call["call_id"]]
    assert [e["agent_id"] for e in started] == ["ann"]
    audited = [(e["action"], e["details"].get("mode")) for e in _audit(branch) if e["actor"] == "tess"]
    assert ("monitor_started", "listen") in audited


def test_whisper_then_barge_the_caller_hears_the_supervisor_only_after_the_switch(floor, branch):
    tess, call, caller, agent_phone, supervisor_phone = floor
    _monitor(tess, call, "whisper")
    time.sleep(MODE_S)
    switched = tess.put(f"/api/v1/calls/{call['call_id']}/monitor", {"mode": "barge"})
    assert switched.status_code == 200 and switched.json()["mode"] == "barge"
    time.sleep(MODE_S)
    _end(caller)

    # The agent heard the supervisor through both modes; the caller only through the barge.
    assert _heard(agent_phone, SUPERVISOR_HZ) >= 2 * MODE_S - 1.5, "the agent did not hear the whisper and barge"
    heard_by_caller = _heard(caller, SUPERVISOR_HZ)
    assert MODE_S - 1.5 <= heard_by_caller <= MODE_S + 1.0, f"the caller heard the supervisor {heard_by_caller} s"
    assert _heard(supervisor_phone, CALLER_HZ) >= 2 * MODE_S - 1.5
    # The barge is part of the recorded conversation; the whisper is not.
    samples, rate = read_wav(_recording_file(branch, call["call_id"]))
    recorded = tone_seconds(samples, rate, SUPERVISOR_HZ, min_share=MIX_SHARE)
    assert MODE_S - 1.5 <= recorded <= MODE_S + 1.0, f"the recording holds {recorded} s of the supervisor"


def test_a_monitored_call_is_refused_to_a_second_listener_and_other_teams(floor, branch, server):
    tess, call, caller, *_ = floor
    branch.cli("team", "add", "loans")
    other = DesktopSession(server, "lou", add_user(branch, "lou", "team_leader", team="loans"))
    refused = other.post(f"/api/v1/calls/{call['call_id']}/monitor", {"mode": "listen", "seat": "desk-9"})
    assert refused.status_code == 403 and "not one of your team's" in refused.json()["message"]
    assert call["call_id"] not in [c["call_id"] for c in other.http.get("/api/v1/floor").json()["calls"]]
    bad = tess.post(f"/api/v1/calls/{call['call_id']}/monitor", {"mode": "shout", "seat": "desk-9"})
    assert bad.status_code == 400 and "listen, whisper, barge" in bad.json()["message"]
    _monitor(tess, call, "listen")
    sam = DesktopSession(server, "sam", add_user(branch, "sam", "supervisor"))
    busy = sam.post(f"/api/v1/calls/{call['call_id']}/monitor", {"mode": "listen", "seat": "desk-1"})
    assert busy.status_code == 409 and "tess is already listening" in busy.json()["message"]
    _end(caller)
    # The call's end hangs the supervisor's phone up.
    wait_until(lambda: _conversation(tess) is None, 10, "the call to end")
    other.close()
    sam.close()


def _recording_file(branch, call_id: str) -> Path:
    """The conversation's WAV, once the switchboard has finished its row."""
    def finished():
        rows = branch.query("SELECT path, status FROM recordings WHERE call_id = ?", call_id)
        return rows if rows and all(status != "recording" for _, status in rows) else None
    [(path, status)] = wait_until(finished, 10, "the recording to be finished")
    assert status == "complete"
    return branch.data / "recordings" / path


def _audit(branch) -> list[dict]:
    return json.loads(branch.cli("audit", "--json").stdout)


def test_the_policy_and_the_disk_guard_decide_what_is_recorded_and_calls_carry_on(branch, server, phones):
    """0 % for the queue: no recording. A disk under the minimum (an injected threshold): no
    recording, an alert on the floor and in doctor, and the call is answered all the same."""
    branch.cli("queue", "set", "general", "--wrapup", "1", "--no-announce-position", "--no-announce-wait")
    password = add_user(branch, "sam", "supervisor")
    server.start()
    seat_agent(branch, server, "ann", "desk-1", phones("--tone", str(AGENT_HZ), user="desk1"))
    sam = DesktopSession(server, "sam", password)

    def one_call(number: str) -> dict:
        caller = phones("--call", f"sip:100@127.0.0.1:{server.sip_port}", "--tone", str(CALLER_HZ),
                        "--hangup-after", "3", user=number)
        talking = wait_until(lambda: _conversation(sam), 10, f"ann to answer {number}")
        caller.wait_for("ended", 10)
        wait_until(lambda: _conversation(sam) is None and server.api("GET", "/api/v1/agents/ann")[1]["status"] == "ready",
                   10, "ann to be ready again")
        return talking

    branch.cli("recordings", "policy", "general", "--inbound", "0")
    first = one_call("55500001")
    assert not first["recording"] and not branch.query("SELECT id FROM recordings")

    branch.cli("recordings", "policy", "general", "--inbound", "100")
    branch.cli("recordings", "settings", "--min-free-mb", str(10**9))  # more than any disk has free
    second = one_call("55500002")
    assert not second["recording"] and not branch.query("SELECT id FROM recordings")
    [alert] = sam.http.get("/api/v1/floor").json()["alerts"]
    assert alert["kind"] == "recording_disk" and "Recording stopped" in alert["message"]
    doctor = json.loads(branch.cli("doctor", "--json", check=False).stdout)
    [disk] = [c for c in doctor if c["name"] == "recording disk"]
    assert disk["status"] == "fail" and "calls are not being recorded" in disk["message"]
    assert len(branch.ended_calls(2)) == 2 and all(c["agent_id"] == "ann" for c in branch.calls())

    branch.cli("recordings", "settings", "--min-free-mb", "1")
    third = one_call("55500003")
    assert third["recording"]
    assert sam.http.get("/api/v1/floor").json()["alerts"] == []
    [(caller, status)] = wait_until(lambda: [r for r in branch.query("SELECT caller, status FROM recordings")
                                             if r[1] != "recording"], 10, "the recording to finish")
    assert (caller, status) == ("55500003", "complete")

    # The disk runs low during a conversation: its recording stops within the check's 10 s, the call goes on.
    caller = phones("--call", f"sip:100@127.0.0.1:{server.sip_port}", "--tone", str(CALLER_HZ),
                    "--hangup-after", "40", user="55500004")
    wait_until(lambda: (_conversation(sam) or {}).get("recording"), 10, "the fourth call to be recorded")
    branch.cli("recordings", "settings", "--min-free-mb", str(10**9))
    wait_until(lambda: not _conversation(sam)["recording"], 15, "the recording to stop")
    [(status, reason)] = branch.query("SELECT status, stop_reason FROM recordings WHERE caller = '55500004'")
    assert (status, reason) == ("complete", "stopped")
    assert _conversation(sam)["caller"] == "55500004" and sam.http.get("/api/v1/floor").json()["alerts"]
    caller.send("hangup")
    caller.wait_for("ended", 10)
    sam.close()


def test_a_recording_cut_off_by_a_crash_is_kept_with_what_reached_the_disk(branch, server, phones):
    branch.cli("queue", "set", "general", "--wrapup", "1", "--no-announce-position", "--no-announce-wait")
    server.start()
    seat_agent(branch, server, "ann", "desk-1", phones("--tone", str(AGENT_HZ), user="desk1"))
    phones("--call", f"sip:100@127.0.0.1:{server.sip_port}", "--tone", str(CALLER_HZ), "--hangup-after", "60",
           user="55500009")
    wait_until(lambda: branch.query("SELECT id FROM recordings WHERE status = 'recording'"), 10, "a recording")
    time.sleep(2.0)
    server.stop(signal.SIGKILL)
    server.start()
    [(status, seconds, reason)] = branch.query("SELECT status, seconds, stop_reason FROM recordings")
    assert (status, reason) == ("complete", "interrupted: the server stopped") and seconds >= 1.0
