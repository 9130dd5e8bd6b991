"""What a waiting caller is told: their position, and the estimated wait learned from handle times."""

from __future__ import annotations

import pytest

from appliance.acd.distributor import Distributor, OfferOutcome
from appliance.model import AcdSettings, PenaltyRule

from .acd_fixtures import agent, answer, branch, queue, sign_in

GENERAL = queue("general", max_wait=600, wrapup=5, handle_time=180)
LOANS = queue("loans", max_wait=600)


def talk(d: Distributor, call_id: str, answered: float, ended: float) -> None:
    d.enqueue(call_id, "general", answered)
    answer(d, call_id, answered)
    d.caller_left(call_id, ended)


# ---- position -----------------------------------------------------------------------------------


def test_position_counts_the_callers_ahead_in_the_same_queue_only():
    d = Distributor(branch(agent("ann"), queues=[GENERAL, LOANS]))
    d.enqueue("c1", "general", 0.0)
    d.enqueue("l1", "loans", 1.0)
    d.enqueue("c2", "general", 2.0)
    d.enqueue("vip", "general", 3.0, priority=1)
    assert [d.position(c, 4.0) for c in ("vip", "c1", "c2", "l1")] == [1, 2, 3, 1]
    assert d.position("gone", 4.0) is None


def test_position_counts_callbacks_that_keep_a_place_ahead():
    d = Distributor(branch(agent("ann"), queues=[GENERAL]))
    d.enqueue("c1", "general", 0.0)
    d.enqueue("c2", "general", 1.0)
    d.request_callback("c1", "5551234", 2.0)
    assert d.position("c2", 2.0) == 2


def test_position_follows_priority_aging():
    aging = queue("general", max_wait=600, priority_step=10)
    d = Distributor(branch(agent("ann"), queues=[aging]))
    d.enqueue("normal", "general", 0.0)
    d.enqueue("vip", "general", 15.0, priority=2)
    assert d.position("normal", 15.0) == 2
    assert d.position("normal", 20.0) == 1


# ---- the estimated wait -------------------------------------------------------------------------


def test_the_estimated_wait_is_zero_while_free_agents_cover_the_callers_ahead():
    d = Distributor(branch(agent("ann"), agent("bob"), queues=[GENERAL]))
    sign_in(d, "ann", "bob")
    assert d.estimated_wait("general", 1, 5.0) == 0.0
    assert d.estimated_wait("general", 2, 5.0) == 0.0
    # The third waits for one of the two to finish: 180 s / 2 agents.
    assert d.estimated_wait("general", 3, 5.0) == 90.0


def test_there_is_no_estimate_when_nobody_serves_the_queue():
    d = Distributor(branch(agent("ann"), agent("carol", loans=5), queues=[GENERAL, LOANS]))
    assert d.estimated_wait("general", 1, 0.0) is None
    sign_in(d, "carol")  # serves loans only
    assert d.estimated_wait("general", 1, 1.0) is None
    d.login("ann", "desk-2", 2.0)  # signed in, Not Ready
    assert d.estimated_wait("general", 1, 2.0) is None
    d.ready("ann", 3.0)
    d.phone_reachable("desk-2", False, 4.0)
    assert d.estimated_wait("general", 1, 4.0) is None


def test_the_estimated_wait_is_callers_beyond_the_free_agents_times_handle_time_over_serving_agents():
    d = Distributor(branch(agent("ann"), agent("bob"), agent("carol"), queues=[GENERAL]))
    sign_in(d, "ann", "bob", "carol")
    d.enqueue("c1", "general", 10.0)  # Ann: on a call
    answer(d, "c1", 10.0)
    d.enqueue("c2", "general", 11.0)  # Bob: in wrap-up
    answer(d, "c2", 11.0)
    d.caller_left("c2", 12.0)
    # N = 3 serving (on call, wrap-up, Ready), F = 1 free (Carol).
    assert d.estimated_wait("general", 1, 12.0) == 0.0
    assert d.estimated_wait("general", 2, 12.0) == pytest.approx(1 * 180 / 3)
    assert d.estimated_wait("general", 4, 12.0) == pytest.approx(3 * 180 / 3)


def test_an_agent_held_back_after_a_busy_phone_serves_but_is_not_free():
    d = Distributor(branch(agent("ann"), queues=[GENERAL], acd=AcdSettings(busy_delay=10)))
    sign_in(d, "ann")
    d.enqueue("c1", "general", 1.0)
    d.offer_failed("c1", "ann", OfferOutcome.BUSY, 2.0)
    assert d.estimated_wait("general", 1, 2.0) == 180.0
    assert d.estimated_wait("general", 1, 12.0) == 0.0


def test_an_agent_the_penalty_rules_keep_back_from_new_callers_is_not_counted_free():
    stepped = queue("general", max_wait=600, handle_time=180, penalty_rules=(PenaltyRule(60, 1),))
    d = Distributor(branch(agent("ann", penalties={"general": 1}), queues=[stepped]))
    sign_in(d, "ann")
    # Ann serves the queue, but only callers who have waited a minute: a new caller waits for her.
    assert d.estimated_wait("general", 1, 5.0) == 180.0


def test_the_queues_assumed_handle_time_is_used_until_calls_have_been_answered():
    d = Distributor(branch(agent("ann"), queues=[queue("general", handle_time=240)]))
    assert d.handle_time("general") == 240.0
    assert d.handle_time("nowhere") == 180.0


def test_handle_time_is_learned_from_talk_plus_wrapup_of_each_call():
    d = Distributor(branch(agent("ann"), queues=[GENERAL]))
    sign_in(d, "ann")
    talk(d, "c1", 10.0, 70.0)
    d.tick(75.0)  # 60 s talk + 5 s wrap-up
    assert d.handle_time("general") == 65.0
    talk(d, "c2", 100.0, 130.0)
    d.end_wrapup("ann", 132.0)  # 30 s + 2 s
    assert d.handle_time("general") == pytest.approx((65 + 32) / 2)
    talk(d, "c3", 200.0, 210.0)
    d.extend_wrapup("ann", 211.0)
    d.tick(275.0)  # 10 s + 5 s + 60 s extension
    assert d.handle_time("general") == pytest.approx((65 + 32 + 75) / 3)


def test_a_call_without_wrapup_teaches_its_talk_time():
    d = Distributor(branch(agent("ann", wrapup=0), queues=[GENERAL]))
    sign_in(d, "ann")
    talk(d, "c1", 10.0, 50.0)
    assert d.handle_time("general") == 40.0


def test_the_estimate_uses_the_learned_handle_time():
    d = Distributor(branch(agent("ann", wrapup=0), queues=[GENERAL]))
    sign_in(d, "ann")
    talk(d, "c1", 10.0, 50.0)
    d.enqueue("c2", "general", 60.0)
    answer(d, "c2", 60.0)
    assert d.estimated_wait("general", 2, 61.0) == 80.0


def test_handle_time_learns_from_the_last_twenty_calls_only():
    d = Distributor(branch(agent("ann", wrapup=0), queues=[GENERAL]))
    sign_in(d, "ann")
    t = 10.0
    for i in range(25):
        seconds = 1000.0 if i < 5 else 10.0
        talk(d, f"c{i}", t, t + seconds)
        t += seconds + 1
    assert d.handle_time("general") == 10.0


def test_handle_times_seeded_from_the_store_are_used_at_once():
    d = Distributor(branch(agent("ann"), queues=[GENERAL]))
    d.seed_handle_times("general", [1000.0] * 5 + [60.0] * 20)
    assert d.handle_time("general") == 60.0  # the last twenty
    d.seed_handle_times("general", [])
    assert d.handle_time("general") == 180.0
