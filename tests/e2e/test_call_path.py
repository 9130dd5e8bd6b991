"""One real call path end to end: SIPp callers, phones in other processes, audio checked by tone."""

from __future__ import annotations

from tests.support.audio import read_wav, tone_seconds
from tests.support.branch import SORRY_HZ, seat_agent, wait_until
from tests.support.calls import CALLER_HZ, call_did
from tests.support.sipp import run_sipp, start_sipp

AGENT_HZ = 2100
MIN_TONE_S = 1.0


def test_caller_is_bridged_to_the_agent_with_audio_both_ways_and_a_full_record(branch, server, phones, tmp_path):
    server.start()
    desk = phones("--tone", str(AGENT_HZ), "--answer-delay", "0.3", user="desk1")
    seat_agent(branch, server, "ann", "desk-1", desk)
    result, heard_by_caller = call_did(server, tmp_path / "sipp", "call_caller_hangs_up.xml", talk_ms=6000)
    assert result.succeeded, result.summary()

    assert desk.wait_for("incoming", 1)["caller"] == "sipp"  # the seat phone shows who is calling
    ended = desk.wait_for("ended", 5)
    assert ended["status"] == 200
    agent_heard, rate = read_wav(ended["recording"])
    assert tone_seconds(agent_heard, rate, CALLER_HZ) >= MIN_TONE_S, "the caller's voice did not reach the agent"
    assert tone_seconds(heard_by_caller, 8000, AGENT_HZ) >= MIN_TONE_S, "the agent's voice did not reach the caller"

    [record] = branch.ended_calls(1)
    assert record["caller"] == "sipp"
    assert (record["did"], record["trunk"], record["queue"]) == ("100", "local", "general")
    assert (record["agent_id"], record["seat"]) == ("ann", "desk-1")
    assert (record["ended_by"], record["end_reason"]) == ("caller", "caller hung up")
    times = [record[k] for k in ("arrived_at", "answered_at", "queued_at", "agent_answered_at", "ended_at")]
    assert all(times) and times == sorted(times)
    [offer] = record["offers"]
    assert (offer["agent_id"], offer["seat"], offer["outcome"]) == ("ann", "desk-1", "answered")
    assert record["queued_at"] <= offer["offered_at"] <= record["agent_answered_at"]

    kinds = [e["kind"] for e in branch.events() if e["call_id"] == record["id"]]
    assert kinds[:4] == ["call_arrived", "call_queued", "offer_started", "agent_ringing"]
    assert {"call_connected", "agent_on_call", "call_ended"} <= set(kinds)


def test_agent_hanging_up_sends_bye_to_the_caller(branch, server, phones, tmp_path):
    server.start()
    desk = phones("--hangup-after", "2", user="desk1")
    seat_agent(branch, server, "ann", "desk-1", desk)
    result, _ = call_did(server, tmp_path / "sipp", "call_server_hangs_up.xml")
    assert result.succeeded, result.summary()
    [record] = branch.ended_calls(1)
    assert (record["ended_by"], record["end_reason"]) == ("agent", "agent hung up")
    wait_until(lambda: _status(server, "ann") == "ready", 5, "ann back to ready after a 1 s wrap-up")


def test_ring_no_answer_passes_the_call_to_the_next_agent(branch, server, phones, tmp_path):
    branch.cli("acd", "set", "max-no-answer", "1")  # one miss pauses: as app_queue's autopause
    server.start()
    away = phones("--answer", "never", user="desk1")
    seat_agent(branch, server, "ann", "desk-1", away)  # Ready first: the longest idle
    here = phones(user="desk2")
    seat_agent(branch, server, "bob", "desk-2", here)
    result, _ = call_did(server, tmp_path / "sipp", "call_caller_hangs_up.xml", talk_ms=6000)
    assert result.succeeded, result.summary()
    assert away.wait_for("ended", 5)["status"] == 487  # the appliance cancelled the ringing
    [record] = branch.ended_calls(1)
    assert [(o["agent_id"], o["outcome"]) for o in record["offers"]] == [("ann", "no_answer"), ("bob", "answered")]
    assert record["agent_id"] == "bob"
    status, ann = server.api("GET", "/api/v1/agents/ann")
    assert (ann["status"], ann["reason"]) == ("not_ready", "missed")


def test_caller_leaving_while_the_phone_rings_stops_the_ringing_and_keeps_the_agent_ready(branch, server, phones, tmp_path):
    server.start()
    desk = phones("--answer", "never", user="desk1")
    seat_agent(branch, server, "ann", "desk-1", desk)
    result, _ = call_did(server, tmp_path / "sipp", "call_caller_hangs_up.xml", talk_ms=1500)
    assert result.succeeded, result.summary()
    assert desk.wait_for("ended", 5)["status"] == 487
    [record] = branch.ended_calls(1)
    assert [(o["agent_id"], o["outcome"]) for o in record["offers"]] == [("ann", "caller_left")]
    assert (record["agent_id"], record["ended_by"]) == (None, "caller")
    assert _status(server, "ann") == "ready"


def test_busy_phone_passes_the_call_to_the_next_agent(branch, server, phones, tmp_path):
    server.start()
    seat_agent(branch, server, "ann", "desk-1", phones("--answer", "busy", user="desk1"))
    seat_agent(branch, server, "bob", "desk-2", phones(user="desk2"))
    result, _ = call_did(server, tmp_path / "sipp", "call_caller_hangs_up.xml", talk_ms=4000)
    assert result.succeeded, result.summary()
    [record] = branch.ended_calls(1)
    assert [(o["agent_id"], o["outcome"]) for o in record["offers"]] == [("ann", "busy"), ("bob", "answered")]
    assert _status(server, "ann") == "ready"


def test_with_nobody_logged_in_the_caller_hears_sorry_at_max_wait_and_is_released(branch, server, tmp_path):
    server.start()
    result, heard = call_did(server, tmp_path / "sipp", "call_server_hangs_up.xml", timeout_s=40)
    assert result.succeeded, result.summary()  # the server sent BYE
    assert tone_seconds(heard, 8000, SORRY_HZ) >= MIN_TONE_S, "the caller did not hear the sorry prompt"
    [record] = branch.ended_calls(1)
    assert (record["ended_by"], record["exit_reason"], record["agent_id"]) == ("system", "timeout", None)
    assert record["offers"] == []
    assert [e["kind"] for e in branch.events() if e["call_id"] == record["id"]][-2:] == ["call_exited", "call_ended"]


def test_unknown_number_gets_404(branch, server, tmp_path):
    server.start()
    result = run_sipp("reject.xml", "127.0.0.1", server.sip_port, service="999", timeout_s=15, log_dir=tmp_path / "sipp")
    assert result.succeeded, result.summary()
    assert result.status_codes[-1] == 404
    [event] = wait_until(lambda: branch.events("call_refused"), 5, "the refusal in the event log")
    assert (event["details"]["status"], event["details"]["did"]) == (404, "999")


def test_a_source_that_is_not_a_trunk_or_seat_gets_no_answer(branch, server, tmp_path):
    server.start()
    result = run_sipp("reject.xml", "127.0.0.1", server.sip_port, service="100", local_ip="127.0.0.2",
                      timeout_s=6, log_dir=tmp_path / "sipp")
    assert result.status_codes == ()  # dropped in the kernel: the engine never saw it
    assert branch.calls() == [] and branch.events("call_refused") == []
    assert server.health()["engine"]["legs_in_use"] == 0


def test_at_capacity_the_next_caller_gets_busy_at_once(branch, server, tmp_path):
    branch.cli("queue", "add", "hold", "--max-wait", "120")
    branch.cli("did", "add", "200", "--queue", "hold")
    server.start()
    capacity = server.health()["engine"]["leg_capacity"]
    holders = start_sipp("call_server_hangs_up.xml", "127.0.0.1", server.sip_port, service="200",
                         variables={"rtp_port": 9}, calls=capacity, rate=20,
                         extra_args=["-l", str(capacity)], timeout_s=90, log_dir=tmp_path / "holders")
    try:
        wait_until(lambda: server.health()["engine"]["legs_in_use"] == capacity, 20, f"{capacity} callers waiting")
        result = run_sipp("reject.xml", "127.0.0.1", server.sip_port, service="200", timeout_s=10,
                          log_dir=tmp_path / "extra")
        assert result.succeeded, result.summary()
        assert result.status_codes[-1] in (486, 503)
        assert server.health()["engine"]["legs_in_use"] == capacity
    finally:
        holders.kill()
    assert server.alive()


def _status(server, agent_id: str) -> str:
    return server.api("GET", f"/api/v1/agents/{agent_id}")[1]["status"]
