"""The end of a call in the distributor: connecting, hanging up, and the wrap-up that follows."""

from __future__ import annotations

import pytest

from appliance.acd.actions import AgentChanged, CancelOffer, Connect, ReleaseCaller
from appliance.acd.distributor import AgentStatus, Distributor, OfferOutcome
from appliance.errors import Conflict
from appliance.model import AcdSettings

from .acd_fixtures import GENERAL, agent, answer, branch, changes, offered, queue, sign_in

ANN = agent("ann")

# ---- wrap-up ------------------------------------------------------------------------------------


def test_after_a_call_the_agent_wraps_up_for_the_queues_time_then_is_ready():
    d = Distributor(branch(ANN))
    sign_in(d, "ann")
    d.enqueue("c1", "general", 1.0)
    answer(d, "c1", 3.0)
    [change] = d.caller_left("c1", 30.0)
    # The wrap-up event names the queue (as its reason) and the call it follows.
    assert change == AgentChanged("ann", "wrapup", "general", "desk-1", "c1", "on_call", "", 3.0, True)
    assert d.next_deadline(30.0) == 35.0
    assert d.tick(34.9) == []
    [change] = d.tick(35.0)
    assert (change.status, change.previous, change.previous_since) == ("ready", "wrapup", 30.0)
    assert d.agent("ann").idle_since == 35.0
    assert d.next_deadline(35.0) is None


def test_an_agents_own_wrapup_overrides_every_queues():
    d = Distributor(branch(agent("ann", wrapup=12)))
    sign_in(d, "ann")
    d.enqueue("c1", "general", 1.0)
    answer(d, "c1", 2.0)
    d.caller_left("c1", 20.0)
    assert d.agent("ann").wrapup_until == 32.0


@pytest.mark.parametrize(
    "ann, general", [(agent("ann", wrapup=0), GENERAL), (agent("ann"), queue("general", wrapup=0, skills={"general": 1}))]
)
def test_without_wrapup_the_agent_is_ready_as_soon_as_the_call_ends(ann, general):
    d = Distributor(branch(ann, queues=(general,)))
    sign_in(d, "ann")
    d.enqueue("c1", "general", 1.0)
    d.enqueue("c2", "general", 1.5)
    answer(d, "c1", 2.0)
    actions = d.caller_left("c1", 20.0)
    assert [c.status for c in changes(actions)] == ["ready", "ringing"]
    assert offered(actions) == [("c2", "ann")]


def test_the_agent_ends_wrapup_early_and_takes_the_next_caller():
    d = Distributor(branch(ANN))
    sign_in(d, "ann")
    d.enqueue("c1", "general", 1.0)
    d.enqueue("c2", "general", 1.5)
    answer(d, "c1", 2.0)
    d.agent_hung_up("c1", 20.0)
    actions = d.end_wrapup("ann", 22.0)
    assert changes(actions)[0].previous_since == 20.0
    assert offered(actions) == [("c2", "ann")]


def test_ready_during_wrapup_ends_it():
    d = Distributor(branch(ANN))
    sign_in(d, "ann")
    d.enqueue("c1", "general", 1.0)
    answer(d, "c1", 2.0)
    d.caller_left("c1", 20.0)
    [change] = d.ready("ann", 21.0)
    assert (change.status, change.previous) == ("ready", "wrapup")


def test_wrapup_can_be_extended_once():
    d = Distributor(branch(ANN, acd=AcdSettings(wrapup_extend=60)))
    sign_in(d, "ann")
    d.enqueue("c1", "general", 1.0)
    answer(d, "c1", 2.0)
    d.caller_left("c1", 20.0)
    assert d.extend_wrapup("ann", 22.0) == []
    assert d.next_deadline(22.0) == 85.0
    with pytest.raises(Conflict, match="agent 'ann' has already extended this wrap-up once: finish it, or pause"):
        d.extend_wrapup("ann", 23.0)
    assert d.tick(25.0) == []
    [change] = d.tick(85.0)
    assert (change.status, change.previous_since) == ("ready", 20.0)


def test_the_next_wrapup_may_be_extended_again():
    d = Distributor(branch(ANN))
    sign_in(d, "ann")
    for i, start in enumerate((1.0, 200.0)):
        d.enqueue(f"c{i}", "general", start)
        answer(d, f"c{i}", start + 1)
        d.caller_left(f"c{i}", start + 10)
        assert d.agent("ann").wrapup_extended is False
        d.extend_wrapup("ann", start + 11)
        assert d.agent("ann").wrapup_until == start + 10 + 5 + 60
        d.end_wrapup("ann", start + 12)


def test_logging_out_during_wrapup_ends_it():
    d = Distributor(branch(ANN))
    sign_in(d, "ann")
    d.enqueue("c1", "general", 1.0)
    answer(d, "c1", 2.0)
    d.caller_left("c1", 20.0)
    [change] = d.logout("ann", 22.0)
    assert (change.status, change.previous, change.previous_since) == ("logged_out", "wrapup", 20.0)
    assert d.next_deadline(22.0) is None


# ---- the end of a call --------------------------------------------------------------------------


def test_answering_connects_the_caller_to_the_agents_seat():
    d = Distributor(branch(ANN))
    sign_in(d, "ann")
    d.enqueue("c1", "general", 1.0)
    actions = answer(d, "c1", 3.0)
    assert actions == [
        Connect("c1", "ann", "desk-1", None),
        AgentChanged("ann", "on_call", "", "desk-1", "c1", "ringing", "", 1.0, True),
    ]
    assert d.waiting(3.0) == []
    assert (d.agent("ann").call_id, d.agent("ann").calls_answered) == ("c1", 1)


def test_agent_hanging_up_releases_the_caller():
    d = Distributor(branch(ANN))
    sign_in(d, "ann")
    d.enqueue("c1", "general", 1.0)
    answer(d, "c1", 2.0)
    actions = d.agent_hung_up("c1", 20.0)
    assert actions[0] == ReleaseCaller("c1")
    assert d.agent("ann").status is AgentStatus.WRAPUP
    assert d.agent_hung_up("c1", 21.0) == []  # the caller's leg ending after it changes nothing
    assert d.caller_left("c1", 21.0) == []


def test_caller_hanging_up_mid_call_puts_the_agent_in_wrapup_without_releasing_anyone():
    d = Distributor(branch(ANN))
    sign_in(d, "ann")
    d.enqueue("c1", "general", 1.0)
    answer(d, "c1", 2.0)
    actions = d.caller_left("c1", 20.0)
    assert not any(isinstance(a, ReleaseCaller) for a in actions)
    assert d.agent("ann").talk_seconds == 18.0


def test_caller_leaving_while_ringing_cancels_the_offer_and_frees_the_agent():
    d = Distributor(branch(ANN))
    sign_in(d, "ann")
    d.enqueue("c1", "general", 1.0)
    actions = d.caller_left("c1", 2.0)
    assert actions[0] == CancelOffer("c1", "ann", OfferOutcome.CALLER_LEFT)
    assert d.agent("ann").status is AgentStatus.READY
    assert d.agent("ann").idle_since == 0.0  # the ring did not cost Ann her place
    assert d.waiting(2.0) == []
