"""Penalties (tiers): lower first within a queue, lower-penalty work first across queues, and
penalty rules that let more agents help a caller the longer they wait."""

from __future__ import annotations

from appliance.acd.distributor import Distributor, OfferOutcome
from appliance.model import AcdSettings, PenaltyRule

from .acd_fixtures import agent, answer, branch, offered, queue, sign_in, waiting_ids

GENERAL = queue("general", max_wait=600)
LOANS = queue("loans", max_wait=600)


# ---- within a queue -----------------------------------------------------------------------------


def test_a_lower_penalty_agent_is_offered_first_even_if_a_higher_penalty_one_waited_longer():
    d = Distributor(branch(agent("ann", penalties={"general": 1}), agent("bob"), queues=[GENERAL]))
    sign_in(d, "ann", "bob")
    assert offered(d.enqueue("c1", "general", 5.0)) == [("c1", "bob")]


def test_a_higher_penalty_agent_takes_the_call_when_every_lower_penalty_agent_is_busy():
    d = Distributor(branch(agent("ann", penalties={"general": 3}), agent("bob"), queues=[GENERAL]))
    sign_in(d, "ann", "bob")
    d.enqueue("c1", "general", 5.0)
    answer(d, "c1", 6.0)
    assert offered(d.enqueue("c2", "general", 7.0)) == [("c2", "ann")]


def test_the_strategy_only_orders_agents_of_the_same_penalty():
    skilled_but_far = agent("ann", general=10, penalties={"general": 1})
    d = Distributor(branch(skilled_but_far, agent("bob", general=2), queues=[queue("general", strategy="skill-level")]))
    sign_in(d, "ann", "bob")
    assert offered(d.enqueue("c1", "general", 5.0)) == [("c1", "bob")]


# ---- across queues: the tier rule ---------------------------------------------------------------

# Ann's own work is loans; she helps with general calls when no loans caller waits.
ANN_LOANS_FIRST = agent("ann", general=5, loans=5, penalties={"general": 1})


def test_an_agent_is_offered_their_lower_penalty_queues_caller_before_an_earlier_one_of_another():
    d = Distributor(branch(ANN_LOANS_FIRST, agent("bob"), queues=[GENERAL, LOANS]))
    d.enqueue("g1", "general", 1.0)
    d.enqueue("l1", "loans", 2.0)
    sign_in(d, "ann", at=3.0)
    assert d.waiting_call("l1").offered_to == ["ann"]
    assert d.waiting_call("g1").offered_to == []
    sign_in(d, "bob", at=4.0)
    assert d.waiting_call("g1").offered_to == ["bob"]


def test_an_agent_helps_a_higher_penalty_queue_when_no_lower_penalty_work_waits():
    d = Distributor(branch(ANN_LOANS_FIRST, queues=[GENERAL, LOANS]))
    d.enqueue("g1", "general", 1.0)
    sign_in(d, "ann", at=3.0)
    assert d.waiting_call("g1").offered_to == ["ann"]


def test_a_vip_in_the_higher_penalty_queue_still_waits_for_the_agents_lower_penalty_work():
    d = Distributor(branch(ANN_LOANS_FIRST, queues=[GENERAL, LOANS]))
    d.enqueue("g-vip", "general", 1.0, priority=9)
    d.enqueue("l1", "loans", 2.0)
    sign_in(d, "ann", at=3.0)
    assert d.waiting_call("l1").offered_to == ["ann"]


def test_lower_penalty_work_the_agent_cannot_take_does_not_hold_them_back():
    expert_loans = queue("loans", max_wait=600, skills={"loans": 9})
    d = Distributor(branch(ANN_LOANS_FIRST, queues=[GENERAL, expert_loans]))
    d.enqueue("l1", "loans", 1.0)  # needs loans:9, Ann has 5
    d.enqueue("g1", "general", 2.0)
    sign_in(d, "ann", at=3.0)
    assert d.waiting_call("g1").offered_to == ["ann"]


def test_when_a_colleague_takes_the_lower_penalty_call_the_agent_takes_the_next_tier_at_once():
    # Loans rings its agents in a fixed order (linear); Zoe helps with general at penalty 1.
    zoe = agent("zoe", general=5, loans=5, penalties={"general": 1})
    bob = agent("bob", loans=5)
    linear_loans = queue("loans", strategy="linear", max_wait=600)
    d = Distributor(branch(zoe, bob, queues=[GENERAL, linear_loans], acd=AcdSettings(busy_delay=10)))
    sign_in(d, "zoe", "bob")
    d.enqueue("l1", "loans", 5.0)
    d.offer_failed("l1", "bob", OfferOutcome.BUSY, 6.0)
    d.offer_failed("l1", "zoe", OfferOutcome.BUSY, 6.0)
    d.enqueue("g1", "general", 7.0)
    assert waiting_ids(d, 7.0) == ["l1", "g1"]
    # Both busy delays end together: Bob is first for loans, so Zoe, whose loans call is
    # taken care of, is offered the general caller in the same moment.
    assert offered(d.tick(16.0)) == [("l1", "bob"), ("g1", "zoe")]


# ---- penalty rules ------------------------------------------------------------------------------

STEPPED = queue("loans", max_wait=600, penalty_rules=(PenaltyRule(30, 1), PenaltyRule(60, 2)))


def test_with_penalty_rules_only_penalty_zero_serves_a_new_caller():
    d = Distributor(branch(agent("ann", loans=5), agent("bob", loans=5, penalties={"loans": 1}), queues=[STEPPED]))
    sign_in(d, "bob", "ann")
    assert offered(d.enqueue("l1", "loans", 5.0)) == [("l1", "ann")]


def test_penalty_rules_let_further_agents_help_as_the_wait_grows():
    far = agent("ann", loans=5, penalties={"loans": 2})
    near = agent("bob", loans=5, penalties={"loans": 1})
    d = Distributor(branch(far, near, queues=[STEPPED]))
    sign_in(d, "ann", "bob")
    assert offered(d.enqueue("l1", "loans", 10.0)) == []
    assert offered(d.enqueue("l2", "loans", 20.0)) == []
    # The distributor asks to be woken when the first caller's rule changes.
    assert d.next_deadline(10.0) == 40.0
    assert offered(d.tick(39.0)) == []
    assert offered(d.tick(40.0)) == [("l1", "bob")]
    answer(d, "l1", 41.0)
    assert d.next_deadline(41.0) == 50.0  # l2's 30 s
    assert offered(d.tick(50.0)) == []  # Bob is busy with l1; Ann is still too far for l2
    assert d.next_deadline(50.0) == 80.0  # l2's 60 s
    assert offered(d.tick(80.0)) == [("l2", "ann")]


def test_penalty_rules_count_the_wait_since_the_caller_reached_the_branch():
    far = agent("ann", loans=5, penalties={"loans": 2})
    d = Distributor(branch(far, queues=[STEPPED]))
    sign_in(d, "ann")
    # Moved here by overflow after 70 s in another queue: already past both rules.
    assert offered(d.enqueue("l1", "loans", 100.0, arrived=30.0)) == [("l1", "ann")]


def test_without_penalty_rules_any_penalty_may_serve():
    d = Distributor(branch(agent("ann", loans=5, penalties={"loans": 50}), queues=[LOANS]))
    sign_in(d, "ann")
    assert offered(d.enqueue("l1", "loans", 1.0)) == [("l1", "ann")]
