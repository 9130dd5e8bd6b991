"""The ACD end to end: SIPp callers and test phones decide nothing; skills, priority and the queue's rules do."""

from __future__ import annotations

import json

import pytest

from appliance.clock import parse_iso
from tests.support.audio import has_tone, tone_samples, write_wav
from tests.support.branch import seat_agent, wait_until
from tests.support.calls import call_did
from tests.support.sipp import start_sipp

# Tones that stand in for the spoken announcement, so the caller's recording can be checked.
INTRO_HZ, ONE_HZ, TWO_HZ = 1700, 1900, 2300


def _hold(server, tmp_path, name: str, did: str = "100", talk_ms: int = 20000):
    """A caller who stays on the line (no media of their own) until the appliance or `talk_ms` ends it."""
    return start_sipp("call_caller_hangs_up.xml", "127.0.0.1", server.sip_port, service=did,
                      variables={"rtp_port": 9, "talk_ms": talk_ms}, calls=1, timeout_s=60,
                      log_dir=tmp_path / name)


def _queued(branch, count: int) -> list[dict]:
    return wait_until(lambda: len(q := branch.events("call_queued")) >= count and q, 10, f"{count} callers queued")


def _agent(server, agent_id: str) -> dict:
    return server.api("GET", f"/api/v1/agents/{agent_id}")[1]


def test_skills_decide_which_agent_gets_which_queue(branch, server, phones, tmp_path):
    branch.cli("queue", "add", "loans", "--skill", "loans:5", "--ring-timeout", "4")
    branch.cli("did", "add", "101", "--queue", "loans")
    branch.cli("agent", "add", "carol", "--name", "Carol Xu", "--skill", "loans:8")
    server.start()
    bob_desk = phones("--hangup-after", "1", user="desk2")
    carol_desk = phones("--hangup-after", "1", user="desk3")
    seat_agent(branch, server, "bob", "desk-2", bob_desk)
    seat_agent(branch, server, "carol", "desk-3", carol_desk)
    loans, _ = call_did(server, tmp_path / "loans", "call_server_hangs_up.xml", did="101")
    general, _ = call_did(server, tmp_path / "general", "call_server_hangs_up.xml", did="100")
    assert loans.succeeded and general.succeeded
    records = {r["did"]: r for r in branch.ended_calls(2)}
    assert (records["101"]["queue"], records["101"]["agent_id"]) == ("loans", "carol")
    assert (records["100"]["queue"], records["100"]["agent_id"]) == ("general", "bob")


def test_vip_line_caller_is_served_before_an_earlier_normal_caller(branch, server, phones, tmp_path):
    branch.cli("did", "add", "102", "--queue", "general", "--priority", "5")
    branch.cli("queue", "set", "general", "--max-wait", "60", "--no-announce-position", "--no-announce-wait")
    server.start()
    desk = phones("--hangup-after", "1", user="desk1")
    seat_agent(branch, server, "ann", "desk-1", desk)
    branch.cli("agent", "pause", "ann", "--reason", "break")
    normal = _hold(server, tmp_path, "normal", did="100")
    _queued(branch, 1)
    vip = _hold(server, tmp_path, "vip", did="102")
    _queued(branch, 2)
    branch.cli("agent", "ready", "ann")
    connected = wait_until(lambda: len(c := branch.events("call_connected")) >= 2 and c, 20, "both callers served")
    dids = {r["id"]: r["did"] for r in branch.calls()}
    assert [dids[e["call_id"]] for e in sorted(connected, key=lambda e: e["at"])] == ["102", "100"]
    normal.kill()
    vip.kill()


def test_ring_no_answer_twice_pauses_the_agent_as_missed(branch, server, phones, tmp_path):
    branch.cli("acd", "set", "max-no-answer", "2")
    branch.cli("acd", "set", "no-answer-delay", "0")
    branch.cli("queue", "set", "general", "--max-wait", "30")
    server.start()
    away = phones("--answer", "never", user="desk1")
    seat_agent(branch, server, "ann", "desk-1", away)
    caller = _hold(server, tmp_path, "caller", talk_ms=30000)
    wait_until(lambda: _agent(server, "ann")["status"] == "not_ready", 20, "ann paused after two misses")
    assert _agent(server, "ann")["reason"] == "missed"
    outcomes = [e["details"]["outcome"] for e in branch.events("offer_ended") if e["agent_id"] == "ann"]
    assert outcomes == ["no_answer", "no_answer"]
    caller.kill()


def test_busy_phone_is_held_back_and_the_call_goes_to_the_next_agent(branch, server, phones, tmp_path):
    branch.cli("acd", "set", "busy-delay", "30")
    server.start()
    seat_agent(branch, server, "ann", "desk-1", phones("--answer", "busy", user="desk1"))
    seat_agent(branch, server, "bob", "desk-2", phones("--hangup-after", "1", user="desk2"))
    result, _ = call_did(server, tmp_path / "first", "call_server_hangs_up.xml")
    assert result.succeeded, result.summary()
    result, _ = call_did(server, tmp_path / "second", "call_server_hangs_up.xml")
    assert result.succeeded, result.summary()
    records = sorted(branch.ended_calls(2), key=lambda r: r["arrived_at"])
    assert [(o["agent_id"], o["outcome"]) for o in records[0]["offers"]] == [("ann", "busy"), ("bob", "answered")]
    # Within the busy delay ann is not rung again, though she is Ready and idle longest.
    assert [(o["agent_id"], o["outcome"]) for o in records[1]["offers"]] == [("bob", "answered")]
    assert _agent(server, "ann")["status"] == "ready"


def test_caller_overflows_to_the_backup_queue_at_max_wait(branch, server, phones, tmp_path):
    branch.cli("queue", "add", "backup", "--skill", "backup")
    branch.cli("agent", "add", "dan", "--name", "Dan Ma", "--skill", "backup:3")
    branch.cli("queue", "set", "general", "--max-wait", "3", "--overflow", "queue:backup")
    server.start()
    seat_agent(branch, server, "dan", "desk-4", phones("--hangup-after", "1", user="desk4"))
    result, _ = call_did(server, tmp_path / "sipp", "call_server_hangs_up.xml")
    assert result.succeeded, result.summary()
    [record] = branch.ended_calls(1)
    assert (record["queue"], record["agent_id"]) == ("backup", "dan")
    kinds = [e["kind"] for e in branch.events() if e["call_id"] == record["id"] and e["kind"].startswith("call_")]
    assert kinds[:5] == ["call_arrived", "call_queued", "call_exited", "call_transferred", "call_queued"]
    [exited] = branch.events("call_exited")
    assert (exited["details"]["reason"], exited["details"]["destination"]) == ("timeout", "queue:backup")


def test_callback_key_keeps_the_place_rings_the_agent_then_dials_the_customer(branch, server, phones, tmp_path):
    customer_port = None
    customer = phones("--tone", "2100", user="55501234")
    customer_port = customer.uri.rsplit(":", 1)[1]
    branch.cli("trunk", "set", "local", "--outbound-proxy", f"sip:127.0.0.1:{customer_port}")
    branch.cli("dialplan", "add", "local-numbers", "--pattern", "5XXXXXXX", "--trunk", "local")
    branch.cli("queue", "set", "general", "--callback-key", "1", "--max-wait", "60")
    server.start()
    caller = phones("--call", f"sip:100@127.0.0.1:{server.sip_port}", user="55501234")
    _queued(branch, 1)
    caller.send("dtmf 1")
    wait_until(lambda: branch.events("callback_requested"), 10, "the callback request")
    caller.wait_for("ended", 15)  # the appliance confirmed and hung up
    [record] = branch.ended_calls(1)
    assert (record["exit_reason"], record["ended_by"]) == ("callback", "system")
    assert branch.events("call_abandoned") == []

    desk = phones(user="desk1")
    seat_agent(branch, server, "ann", "desk-1", desk)
    assert desk.wait_for("incoming", 10)["caller"] == "55501234"  # the agent is rung first
    incoming = customer.wait_for("incoming", 15)  # then the customer, through the trunk
    assert incoming["caller"] != ""
    wait_until(lambda: branch.events("callback_completed"), 10, "the customer answered")
    customer.send("hangup")
    wait_until(lambda: _agent(server, "ann")["status"] in ("wrapup", "ready"), 10, "ann's callback conversation over")
    [completed] = branch.events("callback_completed")
    assert (completed["agent_id"], completed["details"]["number"]) == ("ann", "55501234")


def test_waiting_callers_hear_their_position(branch, server, tmp_path):
    prompts = branch.data / "prompts" / "en"
    write_wav(prompts / "position-intro.wav", tone_samples(INTRO_HZ, 0.8))
    write_wav(prompts / "num-1.wav", tone_samples(ONE_HZ, 0.8))
    write_wav(prompts / "num-2.wav", tone_samples(TWO_HZ, 0.8))
    write_wav(prompts / "position-outro.wav", tone_samples(INTRO_HZ, 0.3))
    branch.cli("queue", "set", "general", "--max-wait", "30", "--no-announce-wait", "--announce-every", "0")
    server.start()
    first = _hold(server, tmp_path, "first", talk_ms=15000)
    _queued(branch, 1)
    result, heard = call_did(server, tmp_path / "second", "call_caller_hangs_up.xml", talk_ms=5000)
    assert result.succeeded, result.summary()
    first.kill()
    assert has_tone(heard, 8000, INTRO_HZ, 0.5), "the second caller heard no announcement"
    assert has_tone(heard, 8000, TWO_HZ, 0.5), "the second caller was not told they are number 2"
    assert not has_tone(heard, 8000, ONE_HZ, 0.3)
    [_, second] = sorted(branch.events("announcement"), key=lambda e: e["at"])
    assert second["details"]["position"] == 2


def test_an_agent_whose_phone_stops_answering_pings_gets_no_calls(branch, server, phones, tmp_path):
    branch.cli("acd", "set", "ping-interval", "1")
    branch.cli("acd", "set", "ping-failures", "2")
    server.start()
    dead = phones(user="desk1")
    seat_agent(branch, server, "ann", "desk-1", dead)
    seat_agent(branch, server, "bob", "desk-2", phones("--hangup-after", "1", user="desk2"))
    dead.close()
    wait_until(lambda: _shown(branch, "ann") == "phone_unreachable", 15, "ann's phone seen unreachable")
    result, _ = call_did(server, tmp_path / "sipp", "call_server_hangs_up.xml")
    assert result.succeeded, result.summary()
    [record] = branch.ended_calls(1)
    assert [o["agent_id"] for o in record["offers"]] == ["bob"]
    assert branch.events("agent_phone_unreachable")[0]["agent_id"] == "ann"


def _shown(branch, agent_id: str) -> str:
    status = json.loads(branch.cli("agent", "status", "--json").stdout)
    return next(a for a in status if a["agent_id"] == agent_id).get("shown_status", "")


def test_agent_extends_wrapup_once_ends_it_early_and_the_log_has_its_exact_length(branch, server, phones, tmp_path):
    branch.cli("queue", "set", "general", "--wrapup", "60")
    server.start()
    seat_agent(branch, server, "ann", "desk-1", phones("--hangup-after", "1", user="desk1"))
    result, _ = call_did(server, tmp_path / "sipp", "call_server_hangs_up.xml")
    assert result.succeeded, result.summary()
    wait_until(lambda: _agent(server, "ann")["status"] == "wrapup", 5, "ann in wrap-up")
    branch.cli("agent", "wrapup-extend", "ann")
    again = branch.cli("agent", "wrapup-extend", "ann", check=False)
    assert again.returncode != 0 and "already extended this wrap-up once" in again.stderr
    wrong = branch.cli("agent", "pause", "ann", "--reason", "nap", check=False)
    assert wrong.returncode != 0 and "break" in wrong.stderr  # the error lists the codes to choose from
    assert "Agent ann is ready" in branch.cli("agent", "wrapup-end", "ann").stdout
    [wrapup] = branch.events("agent_wrapup")
    after = next(e for e in branch.events() if e["agent_id"] == "ann" and e["details"].get("previous") == "wrapup")
    assert wrapup["call_id"] == branch.ended_calls(1)[0]["id"]
    assert after["details"]["duration"] == pytest.approx(_between(wrapup["at"], after["at"]), abs=0.002)


def _between(start: str, end: str) -> float:
    return parse_iso(end) - parse_iso(start)
