"""An agent's day in the distributor: signing in and out, Ready and Not Ready, pause codes.

The end of a call and wrap-up are in test_distributor_calls.py, the seat phone in
test_distributor_phones.py; routing (who gets which call) in test_routing_*.py; the invariants over
random days in test_routing_properties.py.
"""

from __future__ import annotations

import pytest

from appliance.acd.actions import AgentChanged
from appliance.acd.distributor import AgentStatus, Distributor
from appliance.errors import Conflict, InvalidInput, NotFound
from appliance.model import AcdSettings, PauseCode

from .acd_fixtures import agent, answer, branch, cancelled, changes, offered, offers, sign_in

ANN, BOB = agent("ann"), agent("bob")

# ---- signing in and out -------------------------------------------------------------------------


def test_login_starts_not_ready_with_reason_login_and_ready_makes_the_agent_available():
    d = Distributor(branch(ANN))
    actions = d.login("ann", "desk-1", 2.0)
    assert actions == [
        AgentChanged("ann", "not_ready", "login", "desk-1", None, "logged_out", "", 0.0, True)
    ]
    assert d.agent("ann").status is AgentStatus.NOT_READY
    assert d.agent("ann").available(2.0) is False
    actions = d.ready("ann", 7.0)
    assert actions == [AgentChanged("ann", "ready", "", "desk-1", None, "not_ready", "login", 2.0, True)]
    assert d.agent("ann").available(7.0)
    assert (d.agent("ann").since, d.agent("ann").idle_since) == (7.0, 7.0)
    assert d.logged_in() == 1


def test_ready_twice_changes_nothing():
    d = Distributor(branch(ANN))
    sign_in(d, "ann")
    assert d.ready("ann", 5.0) == []
    assert d.agent("ann").since == 0.0


def test_two_agents_cannot_share_a_seat():
    d = Distributor(branch(ANN, BOB))
    d.login("ann", "desk-1", 0.0)
    with pytest.raises(Conflict, match="seat 'desk-1' is in use by agent 'ann': log them out first"):
        d.login("bob", "desk-1", 1.0)


def test_a_seat_is_free_again_once_its_agent_logs_out():
    d = Distributor(branch(ANN, BOB))
    d.login("ann", "desk-1", 0.0)
    d.logout("ann", 1.0)
    d.login("bob", "desk-1", 2.0)
    assert (d.agent("bob").seat, d.agent("ann").seat) == ("desk-1", None)


def test_agent_can_move_to_another_seat_between_calls():
    d = Distributor(branch(ANN))
    sign_in(d, "ann")
    [change] = d.login("ann", "desk-2", 5.0)
    assert (change.seat, change.status, change.previous) == ("desk-2", "not_ready", "ready")
    d.ready("ann", 6.0)
    [offer] = offers(d.enqueue("c1", "general", 7.0))
    assert (offer.seat, offer.phone_uri) == ("desk-2", "sip:desk2@127.0.0.1:5080")


def test_moving_seats_before_saying_ready_keeps_the_signed_in_period_running():
    d = Distributor(branch(ANN))
    d.login("ann", "desk-1", 0.0)
    [change] = d.login("ann", "desk-2", 5.0)
    assert (change.status, change.reason, change.seat, change.previous_since) == ("not_ready", "login", "desk-2", 0.0)
    assert d.agent("ann").since == 0.0
    [change] = d.ready("ann", 10.0)
    assert (change.previous_reason, change.previous_since) == ("login", 0.0)


def test_signing_in_again_at_the_same_seat_changes_nothing():
    d = Distributor(branch(ANN))
    d.login("ann", "desk-1", 0.0)
    assert d.login("ann", "desk-1", 5.0) == []
    assert d.agent("ann").since == 0.0


def test_login_is_refused_while_the_agents_phone_rings_or_they_talk():
    d = Distributor(branch(ANN))
    sign_in(d, "ann")
    d.enqueue("c1", "general", 1.0)
    with pytest.raises(Conflict, match="agent 'ann' is on a call: log in again after it ends"):
        d.login("ann", "desk-2", 2.0)
    answer(d, "c1", 3.0)
    with pytest.raises(Conflict, match="on a call"):
        d.login("ann", "desk-2", 4.0)


def test_errors_name_the_problem_and_the_fix():
    d = Distributor(branch(ANN))
    with pytest.raises(NotFound, match="agent 'zed' does not exist: 'branchline agent list' shows the agents"):
        d.login("zed", "desk-1", 0.0)
    with pytest.raises(NotFound, match="seat 'desk-99' does not exist: 'branchline seat list' shows the seats"):
        d.login("ann", "desk-99", 0.0)
    with pytest.raises(Conflict, match="agent 'ann' is not logged in: log in at a seat first with 'branchline agent login'"):
        d.ready("ann", 0.0)
    with pytest.raises(Conflict, match="not logged in"):
        d.pause("ann", "break", 0.0)
    with pytest.raises(Conflict, match="not logged in"):
        d.end_wrapup("ann", 0.0)
    d.login("ann", "desk-1", 0.0)
    with pytest.raises(Conflict, match=r"agent 'ann' is not in wrap-up \(they are not_ready\)"):
        d.end_wrapup("ann", 1.0)
    with pytest.raises(Conflict, match=r"agent 'ann' is not in wrap-up \(they are not_ready\)"):
        d.extend_wrapup("ann", 1.0)
    with pytest.raises(NotFound, match="queue 'nowhere' does not exist: 'branchline queue list' shows the queues"):
        d.enqueue("c1", "nowhere", 1.0)


def test_logout_on_a_call_is_refused():
    d = Distributor(branch(ANN))
    sign_in(d, "ann")
    d.enqueue("c1", "general", 1.0)
    answer(d, "c1", 2.0)
    with pytest.raises(Conflict, match="agent 'ann' is on a call: log out after it ends"):
        d.logout("ann", 3.0)
    assert d.agent("ann").status is AgentStatus.ON_CALL


def test_logout_while_ringing_withdraws_the_offer_and_rings_the_next_agent():
    d = Distributor(branch(ANN, BOB))
    sign_in(d, "ann", "bob")
    d.enqueue("c1", "general", 5.0)
    actions = d.logout("ann", 6.0)
    assert cancelled(actions) == [("c1", "ann", "withdrawn")]
    assert offered(actions) == [("c1", "bob")]
    assert changes(actions, "ann")[-1].status == "logged_out"
    assert d.agent("ann").seat is None


def test_logout_twice_is_harmless():
    d = Distributor(branch(ANN))
    d.login("ann", "desk-1", 0.0)
    assert changes(d.logout("ann", 1.0)) == [
        AgentChanged("ann", "logged_out", "logout", "desk-1", None, "not_ready", "login", 0.0, True)
    ]
    assert d.logout("ann", 2.0) == []
    assert d.logged_in() == 0


def test_removing_an_agent_from_the_configuration_logs_them_out():
    d = Distributor(branch(ANN, BOB))
    sign_in(d, "ann", "bob")
    actions = d.configure(branch(ANN), 4.0)
    assert actions == [AgentChanged("bob", "logged_out", "removed", "desk-2", None, "ready", "", 1.0, True)]
    assert [a.agent_id for a in d.agents()] == ["ann"]
    with pytest.raises(NotFound):
        d.agent("bob")


def test_an_agent_added_to_the_configuration_can_log_in_at_once():
    d = Distributor(branch(ANN))
    d.configure(branch(ANN, BOB), 3.0)
    assert d.agent("bob").status is AgentStatus.LOGGED_OUT
    sign_in(d, "bob", at=4.0)
    assert d.agent("bob").status is AgentStatus.READY


def test_a_new_login_starts_the_per_login_counters_again():
    d = Distributor(branch(ANN, acd=AcdSettings(max_no_answer=5)))
    sign_in(d, "ann")
    d.enqueue("c1", "general", 1.0)
    answer(d, "c1", 2.0)
    d.caller_left("c1", 32.0)
    d.end_wrapup("ann", 33.0)
    d.enqueue("c2", "general", 34.0)
    d.tick(44.0)  # a miss
    state = d.agent("ann")
    assert (state.calls_by_queue, state.talk_seconds, state.misses) == ({"general": 1}, 30.0, 1)
    d.logout("ann", 45.0)
    d.login("ann", "desk-1", 46.0)
    state = d.agent("ann")
    assert (state.calls_by_queue, state.talk_seconds, state.misses) == ({}, 0.0, 0)


# ---- pausing ------------------------------------------------------------------------------------


def test_agent_pauses_with_a_configured_reason():
    d = Distributor(branch(ANN))
    sign_in(d, "ann")
    [change] = d.pause("ann", "meal", 10.0)
    assert (change.status, change.reason, change.previous, change.previous_since) == ("not_ready", "meal", "ready", 0.0)
    assert d.agent("ann").reason == "meal"


def test_an_unknown_pause_reason_is_refused_with_the_list_of_reasons_agents_can_choose():
    d = Distributor(branch(ANN))
    sign_in(d, "ann")
    with pytest.raises(InvalidInput) as refused:
        d.pause("ann", "nap", 1.0)
    assert refused.value.message == (
        "'nap' is not a pause reason agents can choose: use one of break, meal, training "
        "('branchline pause-code add' makes more)."
    )
    assert d.agent("ann").status is AgentStatus.READY


@pytest.mark.parametrize("code", ["missed", "login"])
def test_system_pause_codes_cannot_be_chosen_by_an_agent(code):
    d = Distributor(branch(ANN))
    sign_in(d, "ann")
    with pytest.raises(InvalidInput, match=f"'{code}' is not a pause reason agents can choose: use one of break, meal"):
        d.pause("ann", code, 1.0)


def test_a_branch_without_pause_codes_says_so():
    d = Distributor(branch(ANN, pause_codes=(PauseCode("missed", "Missed", system=True),)))
    sign_in(d, "ann")
    with pytest.raises(InvalidInput, match="use one of none configured"):
        d.pause("ann", "break", 1.0)
    with pytest.raises(InvalidInput, match="'' is not a pause reason"):
        d.pause("ann", "  ", 1.0)


def test_a_pause_reason_is_kept_without_surrounding_spaces():
    d = Distributor(branch(ANN))
    sign_in(d, "ann")
    [change] = d.pause("ann", " break ", 1.0)
    assert change.reason == "break" and d.agent("ann").reason == "break"


def test_pausing_again_for_the_same_reason_keeps_the_pause_running():
    d = Distributor(branch(ANN))
    sign_in(d, "ann")
    d.pause("ann", "break", 10.0)
    assert d.pause("ann", "break", 20.0) == []
    [change] = d.ready("ann", 30.0)
    assert (change.previous_reason, change.previous_since) == ("break", 10.0)


def test_changing_the_pause_reason_starts_a_new_period():
    d = Distributor(branch(ANN))
    sign_in(d, "ann")
    d.pause("ann", "break", 10.0)
    [change] = d.pause("ann", "training", 20.0)
    assert (change.previous_reason, change.previous_since, change.reason) == ("break", 10.0, "training")


def test_pausing_while_ringing_withdraws_the_offer_and_the_caller_goes_to_the_next_agent():
    d = Distributor(branch(ANN, BOB))
    sign_in(d, "ann", "bob")
    d.enqueue("c1", "general", 5.0)
    actions = d.pause("ann", "break", 6.0)
    assert cancelled(actions) == [("c1", "ann", "withdrawn")]
    assert offered(actions) == [("c1", "bob")]
    assert (d.agent("ann").status, d.agent("ann").reason, d.agent("ann").misses) == (AgentStatus.NOT_READY, "break", 0)


def test_a_pause_asked_for_during_a_call_is_taken_after_wrapup():
    d = Distributor(branch(ANN))
    sign_in(d, "ann")
    d.enqueue("c1", "general", 1.0)
    answer(d, "c1", 2.0)
    assert d.pause("ann", "meal", 3.0) == []
    assert d.agent("ann").status is AgentStatus.ON_CALL
    d.caller_left("c1", 10.0)
    assert d.agent("ann").status is AgentStatus.WRAPUP
    assert d.pause("ann", "meal", 11.0) == []
    [change] = d.tick(15.0)
    assert (change.status, change.reason, change.previous, change.previous_since) == ("not_ready", "meal", "wrapup", 10.0)
    d.enqueue("c2", "general", 16.0)
    assert d.waiting_call("c2").offered_to == []


def test_ready_during_a_call_cancels_the_pause_asked_for():
    d = Distributor(branch(ANN))
    sign_in(d, "ann")
    d.enqueue("c1", "general", 1.0)
    answer(d, "c1", 2.0)
    d.pause("ann", "meal", 3.0)
    assert d.ready("ann", 4.0) == []
    d.caller_left("c1", 10.0)
    d.tick(15.0)
    assert d.agent("ann").status is AgentStatus.READY
