"""What an agent does from the desktop, in the distributor: transfers, consultations and the
callbacks they dial or schedule themselves."""

from __future__ import annotations

import pytest

from appliance.acd.actions import ReleaseCaller
from appliance.acd.distributor import AgentStatus, Distributor
from appliance.errors import Conflict, NotFound

from .acd_fixtures import agent, answer, branch, offered, queue, sign_in

ANN, BOB = agent("ann"), agent("bob")
CAROL = agent("carol", loans=5)  # loans only: not a member of general


def _talking(d: Distributor, call_id: str = "c1", at: float = 10.0) -> None:
    d.enqueue(call_id, "general", at)
    answer(d, call_id, at + 1)


def test_a_blind_transfer_ends_the_agents_part_without_releasing_the_caller():
    d = Distributor(branch(ANN, BOB))
    sign_in(d, "ann")
    _talking(d)
    actions = d.transfer_out("c1", 20.0)
    assert not any(isinstance(a, ReleaseCaller) for a in actions)
    assert d.agent("ann").status is AgentStatus.WRAPUP
    with pytest.raises(Conflict, match="nothing to transfer"):
        d.transfer_out("c1", 21.0)


def test_a_caller_transferred_to_an_agent_goes_to_that_agent_only_whatever_their_skills():
    d = Distributor(branch(ANN, BOB, CAROL, queues=(queue("general", skills={"general": 1}), queue("loans"))))
    sign_in(d, "bob", "carol")
    actions = d.enqueue("c1", "general", 5.0, agent="carol")  # bob is Ready and idle longest
    assert offered(actions) == [("c1", "carol")]
    d.pause("carol", "break", 6.0)  # withdrawn: still only carol may take it
    assert d.agent("bob").status is AgentStatus.READY and d.waiting_call("c1").offered_to == []
    assert offered(d.ready("carol", 7.0)) == [("c1", "carol")]


def test_a_transfer_to_an_agent_who_is_not_signed_in_is_refused():
    d = Distributor(branch(ANN, BOB))
    with pytest.raises(Conflict, match="not signed in"):
        d.enqueue("c1", "general", 1.0, agent="bob")


def test_an_agents_scheduled_callback_waits_for_its_time_and_for_them():
    d = Distributor(branch(ANN, BOB))
    sign_in(d, "ann", "bob")
    assert offered(d.add_callback("cb1", "general", "55501234", 1.0, arrived=1.0, not_before=100.0,
                                  agent="bob")) == []
    assert d.next_deadline(2.0) == 100.0
    assert offered(d.tick(100.0)) == [("cb1", "bob")]  # ann is idle longest, but it is bob's


def test_dial_rings_the_agent_now_and_a_paused_agent_returns_to_the_pause_if_unanswered():
    d = Distributor(branch(ANN))
    sign_in(d, "ann")
    d.pause("ann", "meal", 2.0)
    d.add_callback("cb1", "general", "55501234", 3.0, arrived=3.0, not_before=500.0, agent="ann")
    assert offered(d.dial_callback("ann", "cb1", 4.0)) == [("cb1", "ann")]
    d.tick(4.0 + 10)  # the ring timeout passes
    state = d.agent("ann")
    assert (state.status, state.reason) == (AgentStatus.NOT_READY, "meal")
    with pytest.raises(NotFound):
        d.dial_callback("ann", "nope", 20.0)


def test_only_the_agent_who_scheduled_a_callback_can_dial_it():
    d = Distributor(branch(ANN, BOB))
    sign_in(d, "ann", "bob")
    d.pause("ann", "break", 1.0)
    d.pause("bob", "break", 1.0)
    d.add_callback("cb1", "general", "55501234", 2.0, arrived=2.0, not_before=500.0, agent="bob")
    with pytest.raises(Conflict, match="scheduled by agent 'bob'"):
        d.dial_callback("ann", "cb1", 3.0)


def test_a_consultation_holds_the_consulted_agent_and_complete_hands_the_call_over():
    d = Distributor(branch(ANN, BOB))
    sign_in(d, "ann", "bob")
    d.pause("bob", "break", 2.0)
    _talking(d)  # ann takes it: bob is paused
    d.consult_ring("bob", "c1", 20.0)
    assert d.agent("bob").status is AgentStatus.RINGING
    d.enqueue("c2", "general", 21.0)
    assert d.waiting_call("c2").offered_to == []  # bob is busy with the consultation
    d.consult_answered("bob", 22.0)
    d.take_over("c1", "bob", 30.0)
    assert d.agent("ann").status is AgentStatus.WRAPUP
    assert d.agent("bob").status is AgentStatus.ON_CALL
    releases = [a for a in d.agent_hung_up("c1", 40.0) if isinstance(a, ReleaseCaller)]
    assert releases == [ReleaseCaller("c1")] and d.agent("bob").status is AgentStatus.WRAPUP


def test_a_consultation_that_ends_puts_the_consulted_agent_back_as_they_were():
    d = Distributor(branch(ANN, BOB))
    sign_in(d, "ann", "bob")
    d.pause("bob", "training", 2.0)
    _talking(d)
    d.consult_ring("bob", "c1", 20.0)
    d.consult_ended("bob", 25.0)
    state = d.agent("bob")
    assert (state.status, state.reason, state.call_id) == (AgentStatus.NOT_READY, "training", None)
    d.consult_ring("bob", "c1", 26.0)
    d.consult_answered("bob", 27.0)
    with pytest.raises(Conflict, match="on_call"):
        d.consult_ring("bob", "c1", 28.0)  # busy now
