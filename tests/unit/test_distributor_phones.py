"""The seat phone: an agent whose phone stops answering pings is shown unreachable and not offered calls."""

from __future__ import annotations

import msgspec

from appliance.acd.actions import AgentChanged
from appliance.acd.distributor import Distributor

from .acd_fixtures import agent, answer, branch, changes, offered, sign_in

ANN = agent("ann")

# ---- the seat phone -----------------------------------------------------------------------------


def test_agent_whose_phone_stops_answering_is_shown_unreachable_and_not_offered_calls():
    d = Distributor(branch(ANN))
    sign_in(d, "ann")
    [change] = d.phone_reachable("desk-1", False, 5.0)
    # Same state, same period: only the phone changed.
    assert change == AgentChanged("ann", "ready", "", "desk-1", None, "ready", "", 0.0, False, phone_changed=True)
    assert d.agent("ann").shown_status == "phone_unreachable"
    assert d.agent("ann").since == 0.0
    assert offered(d.enqueue("c1", "general", 6.0)) == []
    actions = d.phone_reachable("desk-1", True, 9.0)
    assert [(c.status, c.phone_ok) for c in changes(actions)] == [("ready", True), ("ringing", True)]
    assert offered(actions) == [("c1", "ann")]


def test_a_paused_agent_with_a_dead_phone_is_shown_unreachable_too():
    d = Distributor(branch(ANN))
    d.login("ann", "desk-1", 0.0)
    d.phone_reachable("desk-1", False, 1.0)
    assert d.agent("ann").shown_status == "phone_unreachable"
    d.ready("ann", 2.0)
    assert d.agent("ann").shown_status == "phone_unreachable"
    assert not d.agent("ann").available(2.0)


def test_agent_logging_in_at_a_seat_whose_phone_is_down_is_not_offered_calls_until_it_answers():
    d = Distributor(branch(ANN))
    d.phone_reachable("desk-1", False, 0.0)
    [change] = d.login("ann", "desk-1", 1.0)
    assert change.phone_ok is False
    d.ready("ann", 2.0)
    d.enqueue("c1", "general", 3.0)
    assert d.waiting_call("c1").offered_to == []
    assert d.agent("ann").shown_status == "phone_unreachable"
    assert offered(d.phone_reachable("desk-1", True, 4.0)) == [("c1", "ann")]


def test_a_dead_phone_follows_the_seat_not_the_agent():
    d = Distributor(branch(ANN))
    d.phone_reachable("desk-1", False, 0.0)
    d.login("ann", "desk-1", 1.0)
    d.login("ann", "desk-2", 2.0)
    assert d.agent("ann").phone_ok is True


def test_phone_news_repeated_changes_nothing():
    d = Distributor(branch(ANN))
    sign_in(d, "ann")
    assert d.phone_reachable("desk-1", True, 1.0) == []
    d.phone_reachable("desk-1", False, 2.0)
    assert d.phone_reachable("desk-1", False, 3.0) == []


def test_a_phone_going_down_during_a_call_keeps_the_call():
    d = Distributor(branch(ANN))
    sign_in(d, "ann")
    d.enqueue("c1", "general", 1.0)
    answer(d, "c1", 2.0)
    d.phone_reachable("desk-1", False, 3.0)
    assert d.agent("ann").shown_status == "on_call"
    d.caller_left("c1", 10.0)
    d.tick(15.0)
    assert d.agent("ann").shown_status == "phone_unreachable"


def test_an_agent_at_a_seat_removed_from_the_configuration_is_not_offered_calls():
    d = Distributor(branch(ANN))
    sign_in(d, "ann")
    config = branch(ANN)
    d.configure(msgspec.structs.replace(config, seats=config.seats[1:]), 1.0)  # desk-1 is gone
    assert offered(d.enqueue("c1", "general", 2.0)) == []
