"""Callback requests: the caller leaves the line but keeps their place; the agent is rung first and
the customer dialled once the agent answers; a customer not reached is tried again later."""

from __future__ import annotations

import pytest

from appliance.acd.actions import AgentChanged, CallbackGaveUp, CallbackRetry, Connect, Exit, Offer, ReleaseCaller
from appliance.acd.distributor import AgentStatus, Distributor
from appliance.errors import Conflict
from appliance.model import AcdSettings

from .acd_fixtures import agent, answer, branch, cancelled, changes, exits, offered, offers, queue, sign_in, waiting_ids

GENERAL = queue("general", max_wait=60, wrapup=5, callback_key="*")
RETRY = AcdSettings(callback_attempts=3, callback_retry=300)


def distributor(*agents, queues=(GENERAL,), acd: AcdSettings = RETRY) -> Distributor:
    return Distributor(branch(*(agents or (agent("ann"),)), queues=queues, acd=acd))


def dial_customer(d: Distributor, call_id: str, at: float) -> Connect:
    """The agent rung for the callback answers; the core is told to dial the customer."""
    [connect] = [a for a in answer(d, call_id, at) if isinstance(a, Connect)]
    return connect


def test_a_callback_request_keeps_the_callers_place_in_line():
    d = distributor()
    d.enqueue("c1", "general", 0.0)
    d.enqueue("c2", "general", 10.0)
    d.enqueue("c3", "general", 20.0)
    assert d.request_callback("c2", "5551234", 30.0) == []
    assert waiting_ids(d, 30.0) == ["c1", "c2", "c3"]
    assert (d.position("c2", 30.0), d.position("c3", 30.0)) == (2, 3)
    sign_in(d, "ann", at=40.0)
    answer(d, "c1", 41.0)
    d.agent_hung_up("c1", 50.0)
    [offer] = offers(d.end_wrapup("ann", 51.0))
    assert offer == Offer("c2", "ann", "desk-1", "sip:desk1@127.0.0.1:5070", 10, "5551234")


def test_a_callback_is_never_served_ahead_of_someone_who_came_earlier():
    d = distributor()
    d.enqueue("early", "general", 0.0)
    d.enqueue("c2", "general", 10.0)
    d.request_callback("c2", "5551234", 11.0)
    sign_in(d, "ann", at=12.0)
    assert d.agent("ann").call_id == "early"


def test_a_callback_is_not_subject_to_max_wait():
    d = distributor()
    d.enqueue("c1", "general", 0.0)
    d.request_callback("c1", "5551234", 10.0)
    assert d.next_deadline(10.0) is None
    assert d.tick(1000.0) == []
    assert waiting_ids(d, 1000.0) == ["c1"]
    assert d.waiting_call("c1").on_line is False


def test_the_offer_and_the_connect_carry_the_number_to_call_back():
    d = distributor()
    sign_in(d, "ann")
    d.enqueue("c1", "general", 1.0)
    d.pause("ann", "break", 2.0)
    d.request_callback("c1", "5551234", 3.0)
    [offer] = offers(d.ready("ann", 4.0))
    assert offer.callback == "5551234"
    assert dial_customer(d, "c1", 5.0) == Connect("c1", "ann", "desk-1", "5551234")
    assert d.agent("ann").status is AgentStatus.ON_CALL


def test_asking_for_a_callback_while_an_agent_is_rung_stops_the_ring_and_may_ring_them_for_the_callback():
    d = distributor()
    sign_in(d, "ann")
    d.enqueue("c1", "general", 1.0)
    actions = d.request_callback("c1", "5551234", 2.0)
    assert cancelled(actions) == [("c1", "ann", "caller_left")]
    assert [(o.agent_id, o.callback) for o in offers(actions)] == [("ann", "5551234")]


def test_only_a_caller_waiting_on_the_line_can_ask_for_a_callback():
    d = distributor()
    with pytest.raises(Conflict, match="call 'c9' is not waiting in a queue: only a waiting caller can ask for a callback"):
        d.request_callback("c9", "5551234", 0.0)
    d.enqueue("c1", "general", 0.0)
    d.request_callback("c1", "5551234", 1.0)
    with pytest.raises(Conflict, match="call 'c1' is not waiting in a queue"):
        d.request_callback("c1", "5551234", 2.0)


def test_the_callers_line_hanging_up_after_asking_does_not_drop_the_request():
    d = distributor()
    d.enqueue("c1", "general", 0.0)
    d.request_callback("c1", "5551234", 1.0)
    assert d.caller_left("c1", 2.0) == []
    assert waiting_ids(d, 2.0) == ["c1"]


def test_a_customer_not_reached_is_tried_again_later_from_the_same_place():
    d = distributor()
    sign_in(d, "ann")
    d.pause("ann", "break", 0.5)
    d.enqueue("cb", "general", 1.0)
    d.request_callback("cb", "5551234", 2.0)
    d.ready("ann", 3.0)
    dial_customer(d, "cb", 4.0)
    actions = d.callback_result("cb", False, 30.0)
    # No wrap-up after a customer who never answered: Ann is Ready at once, her idle time kept.
    assert changes(actions) == [AgentChanged("ann", "ready", "", "desk-1", None, "on_call", "", 4.0, True)]
    assert d.agent("ann").idle_since == 3.0
    assert actions[1:] == [CallbackRetry("cb", 1, 330.0)]
    assert d.next_deadline(30.0) == 330.0
    # Others are served meanwhile...
    d.enqueue("c2", "general", 40.0)
    assert d.agent("ann").call_id == "c2"
    answer(d, "c2", 41.0)
    d.agent_hung_up("c2", 42.0)
    d.end_wrapup("ann", 43.0)
    d.enqueue("c3", "general", 100.0)
    answer(d, "c3", 101.0)
    d.enqueue("c4", "general", 200.0)  # arrived long after the callback's caller
    d.agent_hung_up("c3", 329.0)
    d.end_wrapup("ann", 330.0)
    # ...but once due, the callback is first again: its caller came before c4.
    assert waiting_ids(d, 330.0) == ["cb", "c4"]
    assert d.agent("ann").call_id == "cb"


def test_after_the_last_attempt_fails_the_callback_gives_up():
    d = distributor(acd=AcdSettings(callback_attempts=2, callback_retry=60))
    d.enqueue("cb", "general", 0.0)
    d.request_callback("cb", "5551234", 1.0)
    sign_in(d, "ann", at=2.0)
    dial_customer(d, "cb", 3.0)
    assert d.callback_result("cb", False, 10.0)[-1] == CallbackRetry("cb", 1, 70.0)
    d.tick(70.0)
    dial_customer(d, "cb", 71.0)
    actions = d.callback_result("cb", False, 80.0)
    assert actions[-1] == CallbackGaveUp("cb", 2)
    assert d.waiting(80.0) == [] and d.next_deadline(80.0) is None
    assert d.agent("ann").status is AgentStatus.READY
    assert d.callback_result("cb", False, 81.0) == []


def test_a_reached_customer_is_a_call_like_any_other():
    d = distributor()
    d.enqueue("cb", "general", 0.0)
    d.request_callback("cb", "5551234", 1.0)
    sign_in(d, "ann", at=2.0)
    dial_customer(d, "cb", 3.0)
    assert d.callback_result("cb", True, 10.0) == []
    assert d.agent("ann").status is AgentStatus.ON_CALL
    assert d.waiting(10.0) == []
    [change] = d.caller_left("cb", 70.0)
    assert (change.status, change.reason, change.call_id) == ("wrapup", "general", "cb")
    d.tick(75.0)
    assert d.handle_time("general") == 72.0  # from the agent's answer to the end of wrap-up


def test_the_agent_ending_a_callback_call_releases_the_customer():
    d = distributor()
    d.enqueue("cb", "general", 0.0)
    d.request_callback("cb", "5551234", 1.0)
    sign_in(d, "ann", at=2.0)
    dial_customer(d, "cb", 3.0)
    d.callback_result("cb", True, 10.0)
    actions = d.agent_hung_up("cb", 20.0)
    assert actions[0] == ReleaseCaller("cb")
    assert d.agent("ann").status is AgentStatus.WRAPUP


def test_a_pause_asked_for_while_the_customer_is_dialled_is_taken_if_they_are_not_reached():
    d = distributor()
    d.enqueue("cb", "general", 0.0)
    d.request_callback("cb", "5551234", 1.0)
    sign_in(d, "ann", at=2.0)
    dial_customer(d, "cb", 3.0)
    assert d.pause("ann", "meal", 4.0) == []
    actions = d.callback_result("cb", False, 10.0)
    assert [(c.status, c.reason) for c in changes(actions)] == [("not_ready", "meal")]
    assert d.agent("ann").pause_after_call is None
    d.tick(310.0)
    assert d.waiting_call("cb").offered_to == []


def test_a_restored_callback_keeps_its_original_arrival_attempts_and_retry_time():
    d = distributor()
    sign_in(d, "ann")
    d.pause("ann", "break", 1.0)
    d.enqueue("c2", "general", 10.0)
    assert d.add_callback("cb", "general", "5551234", 20.0, arrived=5.0, attempts=1, not_before=50.0) == []
    call = d.waiting_call("cb")
    assert (call.arrived, call.entered, call.attempts, call.callback, call.on_line) == (5.0, 20.0, 1, "5551234", False)
    assert waiting_ids(d, 20.0) == ["cb", "c2"]
    # Not due yet: the agent gets the caller on the line, and the callback waits its retry time.
    d.ready("ann", 30.0)
    assert d.agent("ann").call_id == "c2"
    answer(d, "c2", 30.5)
    d.caller_left("c2", 31.0)
    d.end_wrapup("ann", 32.0)
    assert d.next_deadline(32.0) == 50.0
    assert offered(d.tick(50.0)) == [("cb", "ann")]


def test_a_restored_callback_with_higher_priority_goes_first():
    d = distributor()
    d.enqueue("c1", "general", 0.0)
    d.add_callback("cb", "general", "5551234", 20.0, arrived=10.0, priority=2)
    assert waiting_ids(d, 20.0) == ["cb", "c1"]


def test_callbacks_do_not_count_towards_the_length_limit_and_do_not_leave_an_empty_queue():
    rules = queue("general", max_callers=1, leave_empty=True, callback_key="*")
    d = distributor(queues=(rules,))
    d.login("ann", "desk-1", 0.0)
    d.enqueue("cb", "general", 1.0)
    d.request_callback("cb", "5551234", 2.0)
    assert d.enqueue("c2", "general", 3.0) == []
    assert exits(d.logout("ann", 4.0)) == [Exit("c2", "empty", "sorry")]
    assert waiting_ids(d, 4.0) == ["cb"]
