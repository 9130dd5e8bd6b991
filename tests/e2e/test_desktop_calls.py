"""The agent desktop's call control, end to end: real callers and seat phones in other processes,
the desktop driven over its HTTP API with a signed-in session, audio checked on the caller's side."""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from tests.support.audio import has_tone, read_wav, tone_samples, write_wav
from tests.support.branch import seat_agent, wait_until
from tests.support.desktop import DesktopSession, add_user

CALLER_HZ, AGENT_HZ, MOH_HZ = 1300, 2100, 800


@pytest.fixture
def desk(branch, server, phones):
    """ann (user alice) at desk-1, whose phone answers with a tone; the server running, music on hold a tone."""
    write_wav(branch.data / "prompts" / "moh.wav", tone_samples(MOH_HZ, 3.0))
    branch.cli("queue", "set", "general", "--wrapup", "60", "--max-wait", "60",
               "--no-announce-position", "--no-announce-wait")
    password = add_user(branch, "alice", "agent", agent="ann")
    server.start()
    phone = phones("--tone", str(AGENT_HZ), user="desk1")
    branch.cli("seat", "add", "desk-1", "--phone", phone.uri)
    alice = wait_until(lambda: _signed_in(server, password), 5, "alice signed in")
    wait_until(lambda: alice.post("/api/v1/desktop/login", {"seat": "desk-1"}).status_code == 200, 3, "seat desk-1")
    alice.act("ready")
    yield alice, phone
    alice.close()


def _signed_in(server, password: str) -> DesktopSession:
    return DesktopSession(server, "alice", password)


def _caller(phones, server, tmp_path, *, hangup_after: float = 30, number: str = "55501234"):
    return phones("--call", f"sip:100@127.0.0.1:{server.sip_port}", "--tone", str(CALLER_HZ),
                  "--record-dir", str(tmp_path / "heard"), "--hangup-after", str(hangup_after), user=number)


def _talking(session: DesktopSession) -> dict:
    return session.wait_for(lambda d: d["call"] and d["call"]["state"] == "talking", "the call to be answered")["call"]


def test_hold_plays_music_to_the_caller_and_the_wrap_up_is_stored_on_the_call(desk, branch, server, phones, tmp_path):
    alice, _ = desk
    caller = _caller(phones, server, tmp_path)
    call = _talking(alice)
    time.sleep(2.0)  # the caller hears the agent
    assert alice.act("call/hold")["call"]["state"] == "held"
    time.sleep(3.0)  # ... then the music
    assert alice.act("call/resume")["call"]["state"] == "talking"
    time.sleep(1.5)
    after = alice.act("call/hangup")
    ended = alice.wait_for(lambda d: d["call"] is None and d["wrapup"], "the page to end the call")
    assert ended["wrapup"]["call_id"] == call["call_id"] and after["agent"]["agent_id"] == "ann"
    caller.wait_for("ended", 10)

    samples, rate = read_wav(next((tmp_path / "heard").glob("*.wav")))
    assert has_tone(samples, rate, MOH_HZ, min_seconds=2.0), "the caller on hold did not hear the music"
    assert has_tone(samples, rate, AGENT_HZ, min_seconds=1.5), "the caller did not hear the agent"

    codes = [d["code"] for d in ended["wrapup"]["dispositions"]]
    assert "resolved" in codes
    done = alice.act("wrapup", {"call_id": call["call_id"], "disposition": "resolved", "notes": "card unblocked",
                                "fcr": True})
    assert done["wrapup"] is None and done["agent"]["status"] == "ready"
    [record] = [r for r in branch.calls() if r["id"] == call["call_id"]]
    assert [(w["agent_id"], w["disposition"], w["notes"], w["fcr"]) for w in record["wrapups"]] == [
        ("ann", "resolved", "card unblocked", True)]
    kinds = [e["kind"] for e in branch.events() if e["call_id"] == call["call_id"]]
    assert kinds.index("call_held") < kinds.index("call_resumed")

    # Another agent may not read ann's call; ann may.
    password = add_user(branch, "bobby", "agent", agent="bob")
    bobby = DesktopSession(server, "bobby", password)
    assert bobby.http.get(f"/api/v1/calls/{call['call_id']}").status_code == 403
    assert call["call_id"] not in [c["id"] for c in bobby.http.get("/api/v1/calls").json()]
    assert alice.http.get(f"/api/v1/calls/{call['call_id']}").status_code == 200


def test_blind_transfers_to_an_agent_then_a_queue_reach_those_agents(desk, branch, server, phones, tmp_path):
    alice, _ = desk
    branch.cli("queue", "add", "loans", "--skill", "loans", "--max-wait", "60")
    branch.cli("agent", "add", "carol", "--name", "Carol Xu", "--skill", "loans:5")
    seat_agent(branch, server, "carol", "desk-3", phones("--tone", str(AGENT_HZ), user="desk3"))
    seat_agent(branch, server, "bob", "desk-2", phones("--tone", str(AGENT_HZ), user="desk2"))
    branch.cli("agent", "pause", "bob", "--reason", "break")  # the first caller goes to alice
    bobby = DesktopSession(server, "bobby", add_user(branch, "bobby", "agent", agent="bob"))
    caller = _caller(phones, server, tmp_path)
    call = _talking(alice)

    refused = alice.post("/api/v1/desktop/call/transfer", {"to": "queue", "target": "nowhere"})
    assert refused.status_code == 404 and "no queue 'nowhere'" in refused.json()["message"]
    bobby.act("ready")
    after = alice.act("call/transfer", {"to": "agent", "target": "bob"})
    assert after["call"] is None and after["wrapup"]["call_id"] == call["call_id"]
    assert _talking(bobby)["call_id"] == call["call_id"]

    bobby.act("call/transfer", {"to": "queue", "target": "loans"})
    wait_until(lambda: server.api("GET", "/api/v1/agents/carol")[1]["status"] == "on_call", 10, "carol to answer")
    caller.send("hangup")
    [record] = [r for r in branch.ended_calls(1)]
    assert (record["queue"], record["agent_id"]) == ("loans", "carol")
    transfers = [(e["agent_id"], e["details"]["to"], e["details"]["target"]) for e in branch.events("call_transferred")
                 if e["agent_id"]]
    assert transfers == [("ann", "agent", "bob"), ("bob", "queue", "loans")]


def test_hang_up_on_the_phone_ends_the_call_on_the_page_and_a_scheduled_callback_is_dialled(
        desk, branch, server, phones, tmp_path):
    alice, phone = desk
    customer = phones("--tone", str(CALLER_HZ), user="55501234")
    branch.cli("trunk", "set", "local", "--outbound-proxy", f"sip:127.0.0.1:{customer.uri.rsplit(':', 1)[1]}")
    branch.cli("dialplan", "add", "local-numbers", "--pattern", "5XXXXXXX", "--trunk", "local")
    caller = _caller(phones, server, tmp_path, number="55509999")
    call = _talking(alice)
    phone.send("hangup")  # on the phone, not the page
    ended = alice.wait_for(lambda d: d["call"] is None and d["wrapup"], "the page to see the hang-up")
    assert ended["agent"]["status"] == "wrapup"
    caller.wait_for("ended", 10)

    due = datetime.fromtimestamp(time.time() + 3600).strftime("%Y-%m-%dT%H:%M")
    done = alice.act("wrapup", {"call_id": call["call_id"], "disposition": "follow-up", "notes": "call back re card",
                                "fcr": False, "callback_at": due, "callback_number": "55501234"})
    [task] = done["callbacks"]
    assert (task["number"], task["source"], task["notes"]) == ("55501234", "agent", "call back re card")
    assert done["agent"]["status"] == "ready"

    alice.act(f"callbacks/{task['id']}/dial")
    wait_until(lambda: branch.events("callback_completed"), 15, "the customer to answer the callback")
    [completed] = branch.events("callback_completed")
    assert (completed["call_id"], completed["agent_id"]) == (task["id"], "ann")
    talking = _talking(alice)
    assert talking["caller"] == "55501234"


def test_consultation_with_an_agent_then_complete_hands_the_caller_over(desk, branch, server, phones, tmp_path):
    alice, _ = desk
    seat_agent(branch, server, "bob", "desk-2", phones("--tone", str(AGENT_HZ), user="desk2"))
    branch.cli("agent", "pause", "bob", "--reason", "break")  # paused agents can be consulted
    caller = _caller(phones, server, tmp_path)
    call = _talking(alice)
    consulting = alice.act("call/consult", {"to": "agent", "target": "bob"})
    assert consulting["call"]["consultation"]["target"] == "bob"
    alice.wait_for(lambda d: d["call"]["consultation"] and d["call"]["consultation"]["state"] == "talking",
                   "bob to answer the consultation")
    assert server.api("GET", "/api/v1/agents/bob")[1]["status"] == "on_call"
    done = alice.act("call/consult/complete")
    assert done["call"] is None and done["wrapup"]["call_id"] == call["call_id"]
    caller.send("hangup")
    [record] = branch.ended_calls(1)
    assert record["agent_id"] == "bob"
    [transfer] = [e for e in branch.events("call_transferred") if e["agent_id"] == "ann"]
    assert (transfer["details"]["to"], transfer["details"]["consulted"]) == ("agent", True)
    # bob's pause resumes after the call he took over (his wrap-up first).
    wait_until(lambda: server.api("GET", "/api/v1/agents/bob")[1]["status"] in ("wrapup", "ready", "not_ready"), 10,
               "bob's call to end")


def test_consultation_with_an_outside_number_then_back_to_the_caller(desk, branch, server, phones, tmp_path):
    alice, _ = desk
    outside = phones("--tone", "1700", user="55507777")
    branch.cli("trunk", "set", "local", "--outbound-proxy", f"sip:127.0.0.1:{outside.uri.rsplit(':', 1)[1]}")
    branch.cli("dialplan", "add", "local-numbers", "--pattern", "5XXXXXXX", "--trunk", "local")
    refused = alice.post("/api/v1/desktop/call/consult", {"to": "number", "target": "999"})
    assert refused.status_code == 409  # not on a call yet
    caller = _caller(phones, server, tmp_path, hangup_after=14)
    _talking(alice)
    alice.act("call/consult", {"to": "number", "target": "55507777"})
    alice.wait_for(lambda d: d["call"]["consultation"] and d["call"]["consultation"]["state"] == "talking",
                   "the outside number to answer")
    time.sleep(2.0)  # the agent talks to the outside party; the caller hears music
    back = alice.act("call/consult/cancel")
    assert back["call"]["consultation"] is None and back["call"]["state"] == "talking"
    caller.wait_for("ended", 20)
    kinds = [e["kind"] for e in branch.events() if e["kind"].startswith("consult_")]
    assert kinds == ["consult_started", "consult_answered", "consult_ended"]
    samples, rate = read_wav(next((tmp_path / "heard").glob("*.wav")))
    assert has_tone(samples, rate, MOH_HZ, min_seconds=1.0), "the caller did not hear music during the consultation"
    assert not has_tone(samples, rate, 1700, min_seconds=0.5), "the caller heard the consultation"


def test_answer_from_the_page_on_a_phone_that_allows_remote_answer(branch, server, phones, tmp_path):
    branch.cli("queue", "set", "general", "--ring-timeout", "15")
    password = add_user(branch, "alice", "agent", agent="ann")
    server.start()
    desk_phone = phones("--answer", "never", "--tone", str(AGENT_HZ), user="desk1")  # nobody picks it up
    branch.cli("seat", "add", "desk-1", "--phone", desk_phone.uri, "--remote-answer")
    alice = DesktopSession(server, "alice", password)
    wait_until(lambda: alice.post("/api/v1/desktop/login", {"seat": "desk-1"}).status_code == 200, 3, "seat desk-1")
    alice.act("ready")
    nothing = alice.post("/api/v1/desktop/call/answer")
    assert nothing.status_code == 409 and nothing.json()["message"] == "nothing is ringing for you to answer."
    caller = _caller(phones, server, tmp_path, hangup_after=6)
    ringing = alice.wait_for(lambda d: d["call"] and d["call"]["state"] == "ringing", "the phone to ring")
    assert ringing["call"]["answerable"] is True
    alice.act("call/answer")
    assert _talking(alice)["call_id"] == ringing["call"]["call_id"]
    caller.wait_for("ended", 15)
    [offer] = [o for r in branch.calls() for o in r["offers"]]
    assert (offer["agent_id"], offer["outcome"]) == ("ann", "answered")  # one offer, answered from the page
