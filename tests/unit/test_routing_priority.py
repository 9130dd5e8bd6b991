"""The service order: higher effective priority first, then earlier arrival at the branch, then the
order the distributor learned of the callers. The same rule within a queue and across queues."""

from __future__ import annotations

from appliance.acd.actions import Exit
from appliance.acd.distributor import Distributor

from .acd_fixtures import agent, answer, branch, queue, sign_in, waiting_ids

GENERAL = queue("general", max_wait=600)
LOANS = queue("loans", max_wait=600)
BOTH = agent("ann", general=5, loans=5)


def test_vip_caller_is_offered_before_earlier_normal_caller():
    d = Distributor(branch(agent("ann"), queues=[GENERAL]))
    d.enqueue("normal", "general", 1.0)
    d.enqueue("vip", "general", 2.0, priority=5)
    sign_in(d, "ann", at=3.0)
    assert d.agent("ann").call_id == "vip"


def test_callers_of_equal_priority_are_served_in_arrival_order():
    d = Distributor(branch(agent("ann"), queues=[queue("general", max_wait=600, wrapup=0)]))
    for i, call in enumerate(["c1", "c2", "c3"]):
        d.enqueue(call, "general", float(i))
    sign_in(d, "ann", at=10.0)
    served = []
    for t in (11.0, 12.0, 13.0):
        served.append(d.agent("ann").call_id)
        answer(d, served[-1], t)
        d.caller_left(served[-1], t + 0.5)
    assert served == ["c1", "c2", "c3"]


def test_waiting_lists_everyone_in_service_order():
    d = Distributor(branch(agent("ann"), queues=[GENERAL, LOANS]))
    d.enqueue("g1", "general", 1.0)
    d.enqueue("l1", "loans", 2.0, priority=2)
    d.enqueue("g2", "general", 3.0, priority=2)
    d.enqueue("l2", "loans", 4.0)
    assert waiting_ids(d, 5.0) == ["l1", "g2", "g1", "l2"]


def test_priority_ages_so_that_a_normal_caller_does_not_wait_forever():
    aging = queue("general", max_wait=600, priority_step=10)
    d = Distributor(branch(agent("ann"), queues=[aging]))
    d.enqueue("normal", "general", 0.0)
    d.enqueue("vip", "general", 25.0, priority=3)
    # At 25 s the normal caller has earned 2 steps: 2 < 3, the VIP is first.
    assert waiting_ids(d, 25.0) == ["vip", "normal"]
    # At 30 s, 3 steps: equal priority, and the normal caller came first.
    assert waiting_ids(d, 30.0) == ["normal", "vip"]
    sign_in(d, "ann", at=30.0)
    assert d.agent("ann").call_id == "normal"


def test_without_aging_a_normal_caller_waits_behind_every_vip():
    d = Distributor(branch(agent("ann"), queues=[GENERAL]))
    d.enqueue("normal", "general", 0.0)
    d.enqueue("vip", "general", 500.0, priority=1)
    assert waiting_ids(d, 501.0) == ["vip", "normal"]


def test_across_queues_the_agent_gets_the_highest_priority_caller_first():
    d = Distributor(branch(BOTH, queues=[GENERAL, LOANS]))
    d.enqueue("g1", "general", 1.0)
    d.enqueue("l1", "loans", 2.0, priority=1)
    sign_in(d, "ann", at=3.0)
    assert d.agent("ann").call_id == "l1"


def test_across_queues_at_equal_priority_the_caller_who_waited_longest_is_first():
    d = Distributor(branch(BOTH, queues=[GENERAL, LOANS]))
    d.enqueue("l1", "loans", 1.0)
    d.enqueue("g1", "general", 2.0)
    sign_in(d, "ann", at=3.0)
    assert d.agent("ann").call_id == "l1"


def test_each_queue_ages_its_own_callers():
    aging_loans = queue("loans", max_wait=600, priority_step=5)
    d = Distributor(branch(BOTH, queues=[GENERAL, aging_loans]))
    d.enqueue("g-vip", "general", 0.0, priority=2)
    d.enqueue("l1", "loans", 0.0)
    # After 10 s the loans caller has 2 steps, the general VIP stays at 2; l1 came second.
    assert waiting_ids(d, 10.0) == ["g-vip", "l1"]
    assert waiting_ids(d, 15.0) == ["l1", "g-vip"]


def test_callers_alike_in_priority_and_arrival_are_served_in_the_order_the_distributor_learned_of_them():
    for first, second in (("general", "loans"), ("loans", "general")):
        d = Distributor(branch(BOTH, queues=[GENERAL, LOANS]))
        d.enqueue(f"from-{first}", first, 5.0, arrived=1.0)
        d.enqueue(f"from-{second}", second, 5.0, arrived=1.0)
        assert waiting_ids(d, 6.0) == [f"from-{first}", f"from-{second}"]
        sign_in(d, "ann", at=6.0)
        assert d.agent("ann").call_id == f"from-{first}"


def test_a_caller_moved_by_overflow_keeps_their_place_by_arrival():
    general = queue("general", max_wait=30, overflow="queue:loans")
    d = Distributor(branch(agent("bob", loans=5), queues=[general, LOANS]))
    d.enqueue("c1", "general", 0.0)
    d.enqueue("l1", "loans", 10.0)
    assert d.tick(30.0) == [Exit("c1", "timeout", "queue:loans")]
    d.enqueue("c1", "loans", 30.0, arrived=0.0)
    assert waiting_ids(d, 31.0) == ["c1", "l1"]
    sign_in(d, "bob", at=31.0)
    assert d.agent("bob").call_id == "c1"
    # Max wait in the new queue counts from entering it.
    assert d.waiting_call("l1").give_up_at == 610.0
    assert d.waiting_call("c1").give_up_at == 630.0


def test_a_caller_who_needs_a_vip_desk_skill_waits_for_an_agent_who_has_it():
    d = Distributor(branch(agent("ann"), agent("vera", general=5, vip=3), queues=[GENERAL]))
    d.enqueue("vip", "general", 1.0, priority=5, skill=("vip", 2))
    d.enqueue("normal", "general", 2.0)
    sign_in(d, "ann", at=3.0)
    assert d.agent("ann").call_id == "normal"  # ann lacks the skill: the VIP is not hers
    sign_in(d, "vera", at=4.0)
    assert d.agent("vera").call_id == "vip"


def test_a_skill_level_below_the_one_asked_for_does_not_qualify():
    d = Distributor(branch(agent("vera", general=5, vip=1), queues=[GENERAL]))
    d.enqueue("vip", "general", 1.0, skill=("vip", 2))
    sign_in(d, "vera", at=2.0)
    assert d.agent("vera").call_id is None
