"""Who among the agents able to take a call is offered it: skills, then the queue's strategy."""

from __future__ import annotations

import pytest

from appliance.acd.distributor import AgentStatus, Distributor, OfferOutcome
from appliance.model import AcdSettings

from .acd_fixtures import agent, answer, branch, cancelled, connects, offered, offers, queue, sign_in

ANN, BOB, CAROL = agent("ann"), agent("bob"), agent("carol")


def general(strategy: str, **settings) -> tuple:
    """The general queue with this strategy and no wrap-up, so an agent is free when a call ends."""
    return (queue("general", strategy=strategy, wrapup=0, **settings),)


def take_call(d: Distributor, call_id: str, at: float, talk: float = 1.0, queue_name: str = "general") -> str:
    """A caller arrives at `at`, the agent rung answers at once and the call lasts `talk` seconds."""
    [(_, agent_id)] = offered(d.enqueue(call_id, queue_name, at))
    answer(d, call_id, at)
    d.caller_left(call_id, at + talk)
    return agent_id


# ---- skills -------------------------------------------------------------------------------------


def test_agent_without_the_queue_skill_is_never_offered_its_calls():
    d = Distributor(branch(agent("carol", loans=8)))
    sign_in(d, "carol")
    assert offered(d.enqueue("c1", "general", 1.0)) == []
    assert d.serving_agents("general") == 0


def test_agent_below_the_minimum_skill_level_is_passed_over_for_one_at_the_level():
    d = Distributor(branch(agent("ann", general=3), agent("bob", general=4), queues=[queue("general", skills={"general": 4})]))
    sign_in(d, "ann", "bob")  # Ann has waited longer, but is not good enough for this queue
    assert offered(d.enqueue("c1", "general", 5.0)) == [("c1", "bob")]


def test_a_queue_needing_two_skills_takes_only_agents_with_both():
    fx = queue("fx", skills={"fx": 2, "english": 3})
    d = Distributor(branch(agent("ann", fx=9), agent("bob", fx=2, english=3), queues=[fx]))
    sign_in(d, "ann", "bob")
    assert offered(d.enqueue("c1", "fx", 5.0)) == [("c1", "bob")]


def test_a_queue_without_skills_is_served_by_everyone():
    d = Distributor(branch(agent("ann", loans=1), queues=[queue("lobby", skills={})]))
    sign_in(d, "ann")
    assert offered(d.enqueue("c1", "lobby", 1.0)) == [("c1", "ann")]


# ---- longest-idle (the default) -----------------------------------------------------------------


def test_caller_is_offered_to_the_agent_idle_longest():
    d = Distributor(branch(ANN, BOB))
    d.login("bob", "desk-2", 0.0)
    d.ready("bob", 0.0)
    d.login("ann", "desk-1", 5.0)
    d.ready("ann", 5.0)
    [offer] = offers(d.enqueue("c1", "general", 10.0))
    assert (offer.agent_id, offer.seat, offer.phone_uri, offer.ring_timeout) == ("bob", "desk-2", "sip:desk2@127.0.0.1:5080", 10)
    assert d.agent("bob").status is AgentStatus.RINGING


def test_idle_time_counts_from_the_end_of_wrapup():
    d = Distributor(branch(ANN, BOB))
    sign_in(d, "ann", "bob")
    d.enqueue("c1", "general", 2.0)
    answer(d, "c1", 2.0)  # Ann
    d.caller_left("c1", 10.0)
    d.tick(15.0)  # Ann's wrap-up ends: idle since 15, Bob since 1
    assert offered(d.enqueue("c2", "general", 16.0)) == [("c2", "bob")]
    assert offered(d.enqueue("c3", "general", 17.0)) == [("c3", "ann")]


def test_an_agent_who_missed_a_call_keeps_their_place_in_line():
    d = Distributor(branch(ANN, BOB))
    sign_in(d, "ann", "bob")
    d.enqueue("c1", "general", 2.0)
    assert offered(d.tick(12.0)) == [("c1", "bob")]  # Ann missed it
    answer(d, "c1", 13.0)
    assert d.agent("ann").idle_since == 0.0
    assert offered(d.enqueue("c2", "general", 20.0)) == [("c2", "ann")]


# ---- fewest-calls -------------------------------------------------------------------------------


def test_fewest_calls_offers_the_agent_who_took_fewest_calls_of_this_queue_since_login():
    d = Distributor(branch(ANN, BOB, queues=general("fewest-calls")))
    sign_in(d, "bob")
    assert take_call(d, "c1", 1.0) == "bob"  # Bob: 1 call, idle since 2
    sign_in(d, "ann", at=20.0)
    # Bob has been idle longer, but Ann has taken fewer calls.
    assert take_call(d, "c2", 21.0) == "ann"
    # One each now: the longer idle goes first.
    assert take_call(d, "c3", 30.0) == "bob"


def test_fewest_calls_counts_only_the_queues_own_calls():
    both = agent("ann", general=5, loans=5), agent("bob", general=5, loans=5)
    queues = (*general("fewest-calls"), queue("loans", wrapup=0))
    d = Distributor(branch(*both, queues=queues))
    sign_in(d, "ann", "bob")
    assert take_call(d, "l1", 2.0, queue_name="loans") == "ann"
    assert take_call(d, "l2", 4.0, queue_name="loans") == "bob"
    assert take_call(d, "l3", 6.0, queue_name="loans") == "ann"
    # In general both have taken none: the longer idle (Bob, since 5) is offered it.
    assert take_call(d, "g1", 8.0) == "bob"
    assert d.agent("ann").calls_by_queue == {"loans": 2}


def test_fewest_calls_starts_over_at_each_login():
    d = Distributor(branch(ANN, BOB, queues=general("fewest-calls")))
    sign_in(d, "ann", "bob")
    assert take_call(d, "c1", 2.0) == "ann"
    assert take_call(d, "c2", 4.0) == "bob"
    assert take_call(d, "c3", 6.0) == "ann"  # Ann 2, Bob 1
    d.logout("ann", 8.0)
    sign_in(d, "ann", at=9.0)
    assert take_call(d, "c4", 10.0) == "ann"  # Ann 0 since her new login, Bob 1


# ---- least-talk-time ----------------------------------------------------------------------------


def test_least_talk_time_offers_the_agent_who_talked_least_since_login():
    d = Distributor(branch(ANN, BOB, queues=general("least-talk-time")))
    sign_in(d, "bob", "ann")
    assert take_call(d, "c1", 2.0, talk=100.0) == "bob"
    assert take_call(d, "c2", 110.0, talk=10.0) == "ann"
    # Bob (100 s) has been idle since 102, Ann (10 s) only since 120: Ann talked less.
    assert take_call(d, "c3", 130.0) == "ann"
    assert (d.agent("ann").talk_seconds, d.agent("bob").talk_seconds) == (11.0, 100.0)


def test_least_talk_time_ties_go_to_the_agent_idle_longest():
    d = Distributor(branch(ANN, BOB, queues=general("least-talk-time")))
    sign_in(d, "bob", "ann")
    assert take_call(d, "c1", 2.0) == "bob"


# ---- skill-level --------------------------------------------------------------------------------


def test_skill_level_offers_the_most_skilled_agent_first():
    d = Distributor(branch(agent("ann", general=3), agent("bob", general=8), queues=general("skill-level")))
    sign_in(d, "ann", "bob")
    assert take_call(d, "c1", 5.0) == "bob"
    d.pause("bob", "break", 10.0)
    assert take_call(d, "c2", 11.0) == "ann"  # then the next level down


def test_skill_level_ties_go_to_the_agent_idle_longest():
    agents = agent("ann", general=8), agent("bob", general=8), agent("carol", general=2)
    d = Distributor(branch(*agents, queues=general("skill-level")))
    sign_in(d, "carol", "bob", "ann")
    assert take_call(d, "c1", 5.0) == "bob"
    assert take_call(d, "c2", 10.0) == "ann"


def test_skill_level_adds_the_levels_of_every_skill_the_queue_needs():
    fx = queue("fx", strategy="skill-level", skills={"fx": 1, "english": 1})
    d = Distributor(branch(agent("ann", fx=9, english=1), agent("bob", fx=5, english=6), queues=[fx]))
    sign_in(d, "ann", "bob")
    assert offered(d.enqueue("c1", "fx", 5.0)) == [("c1", "bob")]  # 11 against 10


# ---- round-robin --------------------------------------------------------------------------------


def test_round_robin_continues_after_the_last_agent_rung_and_wraps_round():
    d = Distributor(branch(CAROL, BOB, ANN, queues=general("round-robin")))
    sign_in(d, "carol", "bob", "ann")
    assert [take_call(d, f"c{i}", 10.0 * i) for i in range(1, 6)] == ["ann", "bob", "carol", "ann", "bob"]


def test_round_robin_skips_an_agent_who_is_not_free_and_remembers_who_was_rung():
    d = Distributor(branch(ANN, BOB, CAROL, queues=general("round-robin")))
    sign_in(d, "ann", "bob", "carol")
    assert take_call(d, "c1", 10.0) == "ann"
    d.pause("bob", "break", 15.0)
    assert take_call(d, "c2", 20.0) == "carol"
    d.ready("bob", 25.0)
    assert take_call(d, "c3", 30.0) == "ann"  # after Carol comes Ann again, not Bob


def test_round_robin_moves_on_after_a_missed_ring():
    d = Distributor(branch(ANN, BOB, CAROL, queues=general("round-robin"), acd=AcdSettings(no_answer_delay=0)))
    sign_in(d, "ann", "bob", "carol")
    d.enqueue("c1", "general", 10.0)
    assert offered(d.tick(20.0)) == [("c1", "bob")]  # Ann did not answer
    answer(d, "c1", 21.0)
    assert take_call(d, "c2", 30.0) == "carol"


def test_round_robin_remembers_each_queue_on_its_own():
    agents = [agent(n, general=1, loans=1) for n in ("ann", "bob", "carol")]
    queues = (*general("round-robin"), queue("loans", strategy="round-robin", wrapup=0))
    d = Distributor(branch(*agents, queues=queues))
    sign_in(d, "ann", "bob", "carol")
    assert take_call(d, "g1", 10.0) == "ann"
    assert take_call(d, "g2", 20.0) == "bob"
    assert take_call(d, "l1", 30.0, queue_name="loans") == "ann"
    assert take_call(d, "g3", 40.0) == "carol"


# ---- ring-all -----------------------------------------------------------------------------------

RING_ALL = (queue("general", strategy="ring-all", ring_timeout=10, wrapup=5),)


def test_ring_all_rings_every_free_agent_of_the_best_penalty():
    agents = ANN, BOB, agent("carol", penalties={"general": 1})
    d = Distributor(branch(*agents, queues=RING_ALL))
    sign_in(d, "ann", "bob", "carol")
    actions = d.enqueue("c1", "general", 5.0)
    assert offered(actions) == [("c1", "ann"), ("c1", "bob")]
    assert d.waiting_call("c1").offered_to == ["ann", "bob"]
    assert d.agent("carol").status is AgentStatus.READY


def test_ring_all_first_answer_wins_and_the_other_phones_stop():
    d = Distributor(branch(ANN, BOB, CAROL, queues=RING_ALL))
    sign_in(d, "ann", "bob", "carol")
    d.enqueue("c1", "general", 5.0)
    actions = d.offer_answered("c1", "bob", 7.0)
    assert connects(actions)[0].agent_id == "bob" and actions[0] == connects(actions)[0]
    assert cancelled(actions) == [("c1", "ann", "answered_elsewhere"), ("c1", "carol", "answered_elsewhere")]
    assert [d.agent(a).status for a in ("ann", "bob", "carol")] == [AgentStatus.READY, AgentStatus.ON_CALL, AgentStatus.READY]
    assert d.agent("ann").idle_since == 0.0  # being rung did not cost Ann her place
    assert d.offer_answered("c1", "ann", 7.5) == []  # a second answer, too late, does nothing


@pytest.mark.parametrize("who", ["ann", "bob", "carol"])
def test_ring_all_whoever_answers_the_other_phones_stop_and_ring_for_the_next_caller(who):
    d = Distributor(branch(ANN, BOB, CAROL, queues=RING_ALL))
    sign_in(d, "ann", "bob", "carol")
    d.enqueue("c1", "general", 5.0)
    d.enqueue("c2", "general", 6.0)
    actions = d.offer_answered("c1", who, 7.0)
    others = [a for a in ("ann", "bob", "carol") if a != who]
    assert cancelled(actions) == [("c1", other, "answered_elsewhere") for other in others]
    assert offered(actions) == [("c2", other) for other in others]
    assert {a.agent_id: a.call_id for a in d.agents()} == {"ann": None, "bob": None, "carol": None} | {
        who: "c1", **{other: "c2" for other in others}
    }


def test_ring_all_rings_higher_penalty_agents_when_the_best_are_busy():
    agents = ANN, agent("carol", penalties={"general": 1})
    d = Distributor(branch(*agents, queues=RING_ALL))
    sign_in(d, "ann", "carol")
    d.enqueue("c1", "general", 5.0)
    answer(d, "c1", 6.0)
    assert offered(d.enqueue("c2", "general", 7.0)) == [("c2", "carol")]


def test_ring_all_no_answer_is_nobodys_miss_and_rings_everyone_again():
    d = Distributor(branch(ANN, BOB, queues=RING_ALL, acd=AcdSettings(max_no_answer=1, no_answer_delay=30)))
    sign_in(d, "ann", "bob")
    d.enqueue("c1", "general", 5.0)
    for ring_end in (15.0, 25.0, 35.0):
        actions = d.tick(ring_end)
        assert cancelled(actions) == [("c1", "ann", "no_answer"), ("c1", "bob", "no_answer")]
        assert offered(actions) == [("c1", "ann"), ("c1", "bob")]
    for name in ("ann", "bob"):
        assert (d.agent(name).misses, d.agent(name).blocked_until, d.agent(name).reason) == (0, 0.0, "")


def test_ring_all_keeps_ringing_the_others_when_one_phone_is_busy():
    d = Distributor(branch(ANN, BOB, queues=RING_ALL))
    sign_in(d, "ann", "bob")
    d.enqueue("c1", "general", 5.0)
    actions = d.offer_failed("c1", "ann", OfferOutcome.BUSY, 6.0)
    assert offered(actions) == [] and cancelled(actions) == []
    assert d.waiting_call("c1").offered_to == ["bob"]
    answer(d, "c1", 7.0)


# ---- random -------------------------------------------------------------------------------------


def random_picks(seed: int, calls: int = 30) -> list[str]:
    agents = ANN, BOB, CAROL, agent("dave", loans=9)
    d = Distributor(branch(*agents, queues=general("random")), seed=seed)
    sign_in(d, "ann", "bob", "carol", "dave")
    return [take_call(d, f"c{i}", 10.0 * i) for i in range(calls)]


def test_random_is_the_same_for_the_same_seed():
    assert random_picks(7) == random_picks(7)
    assert random_picks(7) != random_picks(8)


def test_random_picks_only_agents_who_can_take_the_call_and_in_time_each_of_them():
    picks = random_picks(3, calls=60)
    assert set(picks) == {"ann", "bob", "carol"}


# ---- linear -------------------------------------------------------------------------------------


def test_linear_always_offers_the_first_free_agent_in_order():
    d = Distributor(branch(CAROL, BOB, ANN, queues=general("linear")))
    sign_in(d, "carol", "bob", "ann")  # Ann has been idle the least
    assert take_call(d, "c1", 10.0) == "ann"
    assert take_call(d, "c2", 20.0) == "ann"
    d.enqueue("c3", "general", 30.0)
    answer(d, "c3", 30.0)  # Ann busy
    assert take_call(d, "c4", 31.0) == "bob"


@pytest.mark.parametrize("strategy", ["longest-idle", "fewest-calls", "least-talk-time", "skill-level", "round-robin", "random", "linear"])
def test_every_single_ring_strategy_rings_exactly_one_agent(strategy):
    d = Distributor(branch(ANN, BOB, CAROL, queues=general(strategy)))
    sign_in(d, "ann", "bob", "carol")
    assert len(offered(d.enqueue("c1", "general", 5.0))) == 1
