"""Offers that do not end in a conversation: ring-no-answer, a busy phone, an unreachable phone."""

from __future__ import annotations

from appliance.acd.actions import AgentChanged, CancelOffer
from appliance.acd.distributor import AgentStatus, Distributor, OfferOutcome
from appliance.model import AcdSettings

from .acd_fixtures import agent, answer, branch, cancelled, changes, offered, queue, sign_in

GENERAL = queue("general", ring_timeout=10, max_wait=600)
DELAYS = AcdSettings(max_no_answer=3, no_answer_delay=5, busy_delay=10, unreachable_delay=30)


def one_agent(acd: AcdSettings = DELAYS) -> Distributor:
    d = Distributor(branch(agent("ann"), queues=[GENERAL], acd=acd))
    sign_in(d, "ann")
    return d


def two_agents(acd: AcdSettings = DELAYS) -> Distributor:
    d = Distributor(branch(agent("ann"), agent("bob"), queues=[GENERAL], acd=acd))
    sign_in(d, "ann", "bob")
    return d


def miss(d: Distributor, call_id: str, at: float) -> list:
    """At `at` the call starts ringing the agent (it arrives, or the agent's delay ends); nobody picks up."""
    if d.waiting_call(call_id) is None:
        d.enqueue(call_id, "general", at)
    else:
        d.tick(at)
    assert d.waiting_call(call_id).offered_to, f"{call_id} is not ringing anyone"
    return d.tick(d.waiting_call(call_id).ring_until)


# ---- ring-no-answer -----------------------------------------------------------------------------


def test_an_unanswered_offer_ends_at_the_ring_timeout_and_the_next_agent_is_rung():
    d = two_agents()
    d.enqueue("c1", "general", 2.0)
    assert d.next_deadline(2.0) == 12.0
    assert d.tick(11.9) == []
    actions = d.tick(12.0)
    assert actions[0] == CancelOffer("c1", "ann", OfferOutcome.NO_ANSWER)
    assert changes(actions, "ann") == [AgentChanged("ann", "ready", "", "desk-1", None, "ringing", "", 2.0, True)]
    assert offered(actions) == [("c1", "bob")]
    assert (d.agent("ann").misses, d.agent("ann").blocked_until) == (1, 17.0)


def test_an_agent_who_missed_a_call_is_held_back_for_the_no_answer_delay():
    d = one_agent()
    miss(d, "c1", 2.0)
    d.enqueue("c2", "general", 13.0)
    assert not d.agent("ann").available(13.0)
    assert d.agent("ann").status is AgentStatus.READY
    assert d.next_deadline(13.0) == 17.0
    assert offered(d.tick(16.9)) == []
    # The caller who was not answered is still first in line, and is offered to Ann again.
    assert offered(d.tick(17.0)) == [("c1", "ann")]


def test_a_caller_whose_only_agent_missed_the_ring_is_offered_to_them_again():
    d = one_agent(AcdSettings(max_no_answer=0, no_answer_delay=0))
    d.enqueue("c1", "general", 0.0)
    for ring_end in (10.0, 20.0, 30.0):
        actions = d.tick(ring_end)
        assert cancelled(actions) == [("c1", "ann", "no_answer")]
        assert offered(actions) == [("c1", "ann")]
    answer(d, "c1", 31.0)


def test_an_untried_agent_is_preferred_to_one_who_just_missed_the_caller():
    d = two_agents(AcdSettings(no_answer_delay=0))
    d.enqueue("c1", "general", 2.0)
    assert offered(d.tick(12.0)) == [("c1", "bob")]  # Ann has been idle longer, but was just tried
    assert offered(d.tick(22.0)) == [("c1", "ann")]  # both tried: the round starts over
    assert offered(d.tick(32.0)) == [("c1", "bob")]


def test_after_max_no_answer_misses_in_a_row_the_agent_is_paused_as_missed():
    d = one_agent()
    miss(d, "c1", 0.0)  # ends at 10
    miss(d, "c1", 15.0)  # offered again at 15, ends at 25
    assert d.agent("ann").misses == 2
    d.tick(30.0)
    actions = d.tick(40.0)
    assert changes(actions, "ann") == [
        AgentChanged("ann", "ready", "", "desk-1", None, "ringing", "", 30.0, True),
        AgentChanged("ann", "not_ready", "missed", "desk-1", None, "ready", "", 40.0, True),
    ]
    assert d.agent("ann").shown_status == "not_ready"
    assert (d.agent("ann").misses, d.agent("ann").blocked_until) == (0, 0.0)
    assert d.next_deadline(40.0) == 600.0  # only the caller's max wait is left
    assert offered(d.tick(100.0)) == []


def test_answering_resets_the_miss_count():
    d = one_agent()
    miss(d, "c1", 0.0)
    miss(d, "c1", 15.0)
    d.tick(30.0)
    answer(d, "c1", 31.0)
    assert d.agent("ann").misses == 0
    d.agent_hung_up("c1", 40.0)
    d.end_wrapup("ann", 41.0)
    miss(d, "c2", 50.0)
    miss(d, "c2", 65.0)
    assert (d.agent("ann").status, d.agent("ann").misses) == (AgentStatus.READY, 2)


def test_ready_after_a_missed_pause_starts_the_count_again():
    d = one_agent(AcdSettings(max_no_answer=1, no_answer_delay=5))
    miss(d, "c1", 0.0)
    assert d.agent("ann").reason == "missed"
    [change] = [c for c in changes(d.ready("ann", 12.0)) if c.status == "ready"]
    assert (change.previous, change.previous_reason, change.previous_since) == ("not_ready", "missed", 10.0)
    assert d.agent("ann").status is AgentStatus.RINGING  # c1 is offered again at once


def test_ready_clears_a_pending_no_answer_delay():
    d = one_agent()
    miss(d, "c1", 0.0)  # held back until 15
    d.pause("ann", "break", 11.0)
    d.ready("ann", 12.0)
    assert d.agent("ann").call_id == "c1"


def test_with_max_no_answer_zero_an_agent_is_never_paused_for_missing_calls():
    d = one_agent(AcdSettings(max_no_answer=0, no_answer_delay=0))
    d.enqueue("c1", "general", 0.0)
    for ring_end in range(10, 110, 10):
        d.tick(float(ring_end))
    assert d.agent("ann").status is AgentStatus.RINGING
    assert d.agent("ann").misses == 10


def test_an_answer_after_the_ring_timeout_changes_nothing():
    d = two_agents()
    d.enqueue("c1", "general", 0.0)
    d.tick(10.0)  # Ann's ring ends; Bob is rung
    assert d.offer_answered("c1", "ann", 10.5) == []
    assert (d.agent("ann").status, d.agent("bob").status) == (AgentStatus.READY, AgentStatus.RINGING)


# ---- busy and unreachable phones ----------------------------------------------------------------


def test_a_busy_phone_holds_the_agent_back_for_the_busy_delay_and_the_next_agent_is_rung():
    d = two_agents()
    d.enqueue("c1", "general", 2.0)
    actions = d.offer_failed("c1", "ann", OfferOutcome.BUSY, 2.5)
    # The phone ended the offer itself: there is nothing to cancel.
    assert cancelled(actions) == []
    assert offered(actions) == [("c1", "bob")]
    state = d.agent("ann")
    assert (state.status, state.blocked_until, state.misses, state.idle_since) == (AgentStatus.READY, 12.5, 0, 0.0)
    d.offer_failed("c1", "bob", OfferOutcome.BUSY, 3.0)
    assert d.next_deadline(3.0) == 12.5
    assert offered(d.tick(12.5)) == [("c1", "ann")]


def test_an_unreachable_phone_holds_the_agent_back_for_the_unreachable_delay():
    d = one_agent()
    d.enqueue("c1", "general", 2.0)
    assert d.offer_failed("c1", "ann", OfferOutcome.UNREACHABLE, 3.0)[0].status == "ready"
    assert d.agent("ann").blocked_until == 33.0
    assert offered(d.tick(32.0)) == []
    assert offered(d.tick(33.0)) == [("c1", "ann")]


def test_busy_and_unreachable_phones_are_not_missed_calls():
    d = one_agent(AcdSettings(max_no_answer=1, busy_delay=0, unreachable_delay=0))
    d.enqueue("c1", "general", 0.0)
    for t, outcome in ((1.0, OfferOutcome.BUSY), (2.0, OfferOutcome.UNREACHABLE), (3.0, OfferOutcome.BUSY)):
        assert offered(d.offer_failed("c1", "ann", outcome, t)) == [("c1", "ann")]
    assert (d.agent("ann").misses, d.agent("ann").reason) == (0, "")


def test_a_failure_report_for_an_offer_that_is_over_changes_nothing():
    d = two_agents()
    d.enqueue("c1", "general", 0.0)
    assert d.offer_failed("c1", "bob", OfferOutcome.BUSY, 1.0) == []  # Bob was never rung
    assert d.offer_failed("nobody", "ann", OfferOutcome.BUSY, 1.0) == []
    assert d.agent("bob").blocked_until == 0.0
