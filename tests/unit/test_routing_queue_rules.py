"""A queue's door rules: joining and leaving when nobody can serve, the length limit, and max-wait
with its overflow destination."""

from __future__ import annotations

from appliance.acd.actions import Exit
from appliance.acd.distributor import AgentStatus, Distributor

from .acd_fixtures import agent, answer, branch, cancelled, exits, queue, sign_in, waiting_ids

ANN = agent("ann")


# ---- join-empty and leave-empty -----------------------------------------------------------------


def test_a_caller_joins_an_empty_queue_by_default_and_waits():
    d = Distributor(branch(ANN))
    assert d.enqueue("c1", "general", 0.0) == []
    assert waiting_ids(d, 0.0) == ["c1"]


def test_with_join_empty_off_a_caller_is_turned_away_when_nobody_who_could_serve_is_signed_in():
    strict = queue("general", join_empty=False, overflow="callback")
    d = Distributor(branch(ANN, agent("carol", loans=5), queues=[strict]))
    sign_in(d, "carol")  # signed in, but without the general skill
    assert d.enqueue("c1", "general", 1.0) == [Exit("c1", "empty", "callback")]
    assert d.waiting(1.0) == []


def test_with_join_empty_off_a_paused_agent_still_counts_as_someone_who_will_serve():
    strict = queue("general", join_empty=False)
    d = Distributor(branch(ANN, queues=[strict]))
    d.login("ann", "desk-1", 0.0)
    d.pause("ann", "meal", 1.0)
    assert d.enqueue("c1", "general", 2.0) == []
    assert d.serving_agents("general") == 1


def test_with_join_empty_off_an_agent_whose_phone_is_dead_does_not_count():
    strict = queue("general", join_empty=False, overflow="sorry")
    d = Distributor(branch(ANN, queues=[strict]))
    sign_in(d, "ann")
    d.phone_reachable("desk-1", False, 1.0)
    assert d.enqueue("c1", "general", 2.0) == [Exit("c1", "empty", "sorry")]


def test_with_leave_empty_callers_leave_when_the_last_agent_who_could_serve_logs_out():
    leaving = queue("general", leave_empty=True, overflow="queue:loans")
    d = Distributor(branch(ANN, agent("bob"), queues=[leaving, queue("loans")]))
    sign_in(d, "ann", "bob")
    d.pause("ann", "break", 2.0)
    d.pause("bob", "break", 2.0)
    d.enqueue("c1", "general", 3.0)
    d.enqueue("c2", "general", 4.0)
    assert exits(d.logout("ann", 5.0)) == []  # Bob is still there
    assert exits(d.logout("bob", 6.0)) == [Exit("c1", "empty", "queue:loans"), Exit("c2", "empty", "queue:loans")]
    assert d.waiting(6.0) == []


def test_with_leave_empty_callers_leave_when_the_last_agents_phone_dies_even_while_it_rings():
    leaving = queue("general", leave_empty=True)
    d = Distributor(branch(ANN, queues=[leaving]))
    sign_in(d, "ann")
    d.enqueue("c1", "general", 1.0)
    actions = d.phone_reachable("desk-1", False, 2.0)
    assert cancelled(actions) == [("c1", "ann", "caller_left")]
    assert exits(actions) == [Exit("c1", "empty", "sorry")]
    assert d.agent("ann").status is AgentStatus.READY


def test_without_leave_empty_callers_keep_waiting_when_everyone_logs_out():
    d = Distributor(branch(ANN))
    sign_in(d, "ann")
    d.pause("ann", "break", 1.0)
    d.enqueue("c1", "general", 2.0)
    assert d.logout("ann", 3.0)[-1].status == "logged_out"
    assert waiting_ids(d, 3.0) == ["c1"]


# ---- the length limit ---------------------------------------------------------------------------


def test_a_full_queue_turns_the_next_caller_away_to_its_overflow():
    short = queue("general", max_callers=2, overflow="callback")
    d = Distributor(branch(ANN, queues=[short]))
    d.enqueue("c1", "general", 0.0)
    d.enqueue("c2", "general", 1.0)
    assert d.enqueue("c3", "general", 2.0) == [Exit("c3", "full", "callback")]
    d.caller_left("c1", 3.0)
    assert d.enqueue("c4", "general", 4.0) == []
    assert waiting_ids(d, 4.0) == ["c2", "c4"]


def test_a_caller_being_rung_still_counts_towards_the_length_limit():
    short = queue("general", max_callers=1)
    d = Distributor(branch(ANN, queues=[short]))
    sign_in(d, "ann")
    d.enqueue("c1", "general", 1.0)
    assert exits(d.enqueue("c2", "general", 2.0)) == [Exit("c2", "full", "sorry")]
    answer(d, "c1", 3.0)
    assert d.enqueue("c3", "general", 4.0) == []


def test_the_length_limit_is_checked_before_join_empty():
    both = queue("general", max_callers=1, join_empty=False)
    d = Distributor(branch(ANN, queues=[both]))
    d.login("ann", "desk-1", 0.0)
    d.enqueue("c1", "general", 1.0)
    d.logout("ann", 2.0)
    assert d.enqueue("c2", "general", 3.0) == [Exit("c2", "full", "sorry")]


# ---- max-wait -----------------------------------------------------------------------------------


def test_with_nobody_to_answer_the_caller_leaves_at_max_wait_for_the_queues_overflow():
    general = queue("general", max_wait=60, overflow="queue:loans")
    d = Distributor(branch(ANN, queues=[general, queue("loans")]))
    d.enqueue("c1", "general", 5.0)
    assert d.next_deadline(5.0) == 65.0
    assert d.tick(64.9) == []
    assert d.tick(65.0) == [Exit("c1", "timeout", "queue:loans")]
    assert d.waiting(65.0) == [] and d.next_deadline(65.0) is None


def test_max_wait_is_kept_even_while_an_agents_phone_rings():
    general = queue("general", max_wait=60, ring_timeout=30)
    d = Distributor(branch(ANN, queues=[general]))
    d.enqueue("c1", "general", 0.0)
    sign_in(d, "ann", at=50.0)
    assert d.waiting_call("c1").offered_to == ["ann"]
    assert d.next_deadline(50.0) == 60.0  # max wait, before the ring's end at 80
    actions = d.tick(60.0)
    assert cancelled(actions) == [("c1", "ann", "caller_left")]
    assert exits(actions) == [Exit("c1", "timeout", "sorry")]
    assert d.agent("ann").status is AgentStatus.READY


def test_a_caller_of_a_queue_removed_from_the_configuration_waits_out_max_wait_and_hears_sorry():
    general = queue("general", max_wait=60, overflow="callback")
    d = Distributor(branch(ANN, queues=[general, queue("loans")]))
    sign_in(d, "ann")
    d.pause("ann", "break", 1.0)
    d.enqueue("c1", "general", 2.0)
    d.configure(branch(ANN, queues=[queue("loans")]), 3.0)
    d.ready("ann", 4.0)
    assert d.waiting_call("c1").offered_to == []
    assert d.tick(62.0) == [Exit("c1", "timeout", "sorry")]


def test_overflow_to_another_queue_keeps_the_callers_arrival_and_restarts_max_wait():
    general = queue("general", max_wait=60, overflow="queue:loans")
    d = Distributor(branch(agent("bob", loans=5), queues=[general, queue("loans", max_wait=100)]))
    d.enqueue("c1", "general", 0.0)
    [exit_] = d.tick(60.0)
    assert exit_.destination == "queue:loans"
    d.enqueue("c1", exit_.destination.removeprefix("queue:"), 60.0, arrived=0.0)
    call = d.waiting_call("c1")
    assert (call.queue, call.arrived, call.entered, call.give_up_at) == ("loans", 0.0, 60.0, 160.0)
    sign_in(d, "bob", at=70.0)
    assert d.agent("bob").call_id == "c1"
