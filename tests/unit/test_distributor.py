"""The distributor's decisions, driven with a plain clock: no SIP, no sleeping."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.acd.actions import AgentChanged, CancelOffer, Connect, GiveUp, Offer, ReleaseCaller
from appliance.acd.distributor import AgentStatus, Distributor, OfferOutcome
from appliance.errors import Conflict, InvalidInput, NotFound
from appliance.model import Agent, BranchConfig, Queue, Seat


def branch(*agents: Agent, queues: tuple[Queue, ...] | None = None) -> BranchConfig:
    seats = tuple(Seat(f"desk-{i}", f"sip:desk{i}@127.0.0.1:{5070 + 10 * i}") for i in range(1, 6))
    queues = queues or (Queue("general", ring_timeout=10, wrapup=5, max_wait=60, skills={"general": 1}),)
    return BranchConfig(seats=seats, agents=agents, queues=queues)


ANN = Agent("ann", "Ann", {"general": 5})
BOB = Agent("bob", "Bob", {"general": 3, "loans": 6})
CAROL = Agent("carol", "Carol", {"loans": 8})


def ready(d: Distributor, agent_id: str, seat: str, now: float) -> None:
    d.login(agent_id, seat, now)
    d.ready(agent_id, now)


def offers(actions) -> list[Offer]:
    return [a for a in actions if isinstance(a, Offer)]


def test_login_starts_not_ready_and_ready_makes_agent_available():
    d = Distributor(branch(ANN))
    actions = d.login("ann", "desk-1", 0.0)
    assert d.agent("ann").status is AgentStatus.NOT_READY
    assert actions == [AgentChanged("ann", "not_ready", "login", "desk-1", None)]
    d.ready("ann", 1.0)
    assert d.agent("ann").status is AgentStatus.READY


def test_caller_is_offered_to_the_longest_idle_ready_agent():
    d = Distributor(branch(ANN, BOB))
    ready(d, "bob", "desk-2", 0.0)
    ready(d, "ann", "desk-1", 5.0)
    [offer] = offers(d.enqueue("c1", "general", 10.0))
    assert (offer.agent_id, offer.seat, offer.phone_uri) == ("bob", "desk-2", "sip:desk2@127.0.0.1:5090")
    assert d.agent("bob").status is AgentStatus.RINGING


def test_agent_without_the_queue_skill_is_never_offered_its_calls():
    d = Distributor(branch(CAROL))
    ready(d, "carol", "desk-1", 0.0)
    assert offers(d.enqueue("c1", "general", 1.0)) == []
    assert [c.call_id for c in d.waiting()] == ["c1"]


def test_ring_no_answer_pauses_agent_as_missed_and_offers_the_next_agent():
    d = Distributor(branch(ANN, BOB))
    ready(d, "ann", "desk-1", 0.0)
    ready(d, "bob", "desk-2", 1.0)
    d.enqueue("c1", "general", 2.0)
    assert d.tick(11.9) == []
    actions = d.tick(12.0)
    assert CancelOffer("c1", "ann", OfferOutcome.NO_ANSWER) in actions
    assert d.agent("ann").status is AgentStatus.NOT_READY and d.agent("ann").reason == "missed"
    assert [o.agent_id for o in offers(actions)] == ["bob"]


def test_busy_phone_tries_the_next_agent_and_keeps_the_busy_agent_ready():
    d = Distributor(branch(ANN, BOB))
    ready(d, "ann", "desk-1", 0.0)
    ready(d, "bob", "desk-2", 1.0)
    d.enqueue("c1", "general", 2.0)
    actions = d.offer_failed("c1", OfferOutcome.BUSY, 2.5)
    assert [o.agent_id for o in offers(actions)] == ["bob"]
    assert d.agent("ann").status is AgentStatus.READY


def test_answer_connects_then_wrapup_then_ready_again():
    d = Distributor(branch(ANN))
    ready(d, "ann", "desk-1", 0.0)
    d.enqueue("c1", "general", 1.0)
    actions = d.offer_answered("c1", 3.0)
    assert actions[0] == Connect("c1", "ann", "desk-1")
    assert d.agent("ann").status is AgentStatus.ON_CALL
    d.caller_left("c1", 30.0)
    assert d.agent("ann").status is AgentStatus.WRAPUP
    assert d.next_deadline() == 35.0
    d.tick(35.0)
    assert d.agent("ann").status is AgentStatus.READY
    assert d.agent("ann").idle_since == 35.0


def test_agent_hanging_up_releases_the_caller():
    d = Distributor(branch(ANN))
    ready(d, "ann", "desk-1", 0.0)
    d.enqueue("c1", "general", 1.0)
    d.offer_answered("c1", 2.0)
    actions = d.agent_hung_up("c1", 20.0)
    assert actions[0] == ReleaseCaller("c1")
    assert d.agent("ann").status is AgentStatus.WRAPUP


def test_caller_leaving_while_ringing_cancels_the_offer_and_frees_the_agent():
    d = Distributor(branch(ANN))
    ready(d, "ann", "desk-1", 0.0)
    d.enqueue("c1", "general", 1.0)
    actions = d.caller_left("c1", 2.0)
    assert CancelOffer("c1", "ann", OfferOutcome.CALLER_LEFT) in actions
    assert d.agent("ann").status is AgentStatus.READY
    assert d.waiting() == []


def test_with_nobody_logged_in_the_caller_gives_up_at_max_wait():
    d = Distributor(branch(ANN))
    d.enqueue("c1", "general", 0.0)
    assert d.tick(59.9) == []
    assert d.tick(60.0) == [GiveUp("c1", "max_wait")]
    assert d.waiting() == []


def test_callers_are_served_in_arrival_order():
    d = Distributor(branch(ANN))
    for i, call in enumerate(["c1", "c2", "c3"]):
        d.enqueue(call, "general", float(i))
    ready(d, "ann", "desk-1", 10.0)
    assert d.agent("ann").call_id == "c1"


def test_pause_during_a_call_is_taken_after_wrapup():
    d = Distributor(branch(ANN))
    ready(d, "ann", "desk-1", 0.0)
    d.enqueue("c1", "general", 1.0)
    d.offer_answered("c1", 2.0)
    assert d.pause("ann", "meal", 3.0) == []
    d.caller_left("c1", 10.0)
    d.tick(15.0)
    assert (d.agent("ann").status, d.agent("ann").reason) == (AgentStatus.NOT_READY, "meal")


def test_two_agents_cannot_share_a_seat():
    d = Distributor(branch(ANN, BOB))
    d.login("ann", "desk-1", 0.0)
    with pytest.raises(Conflict, match="seat 'desk-1' is in use by agent 'ann'"):
        d.login("bob", "desk-1", 1.0)


def test_errors_name_the_problem_and_the_fix():
    d = Distributor(branch(ANN))
    with pytest.raises(NotFound, match="agent 'zed' does not exist: 'branchline agent list'"):
        d.login("zed", "desk-1", 0.0)
    with pytest.raises(NotFound, match="seat 'desk-9' does not exist"):
        d.login("ann", "desk-9", 0.0)
    with pytest.raises(Conflict, match="not logged in"):
        d.ready("ann", 0.0)
    d.login("ann", "desk-1", 0.0)
    with pytest.raises(InvalidInput, match="needs a reason"):
        d.pause("ann", "  ", 0.0)


def test_logout_on_a_call_is_refused_and_removal_from_config_logs_out():
    d = Distributor(branch(ANN, BOB))
    ready(d, "ann", "desk-1", 0.0)
    d.enqueue("c1", "general", 1.0)
    d.offer_answered("c1", 2.0)
    with pytest.raises(Conflict, match="on a call"):
        d.logout("ann", 3.0)
    ready(d, "bob", "desk-2", 0.0)
    actions = d.configure(branch(ANN), 4.0)
    assert AgentChanged("bob", "logged_out", "removed", "desk-2", None) in actions


# ---- properties ---------------------------------------------------------------------------------

AGENT_IDS = ["ann", "bob", "carol"]
step = st.one_of(
    st.tuples(st.just("call"), st.integers(0, 5)),
    st.tuples(st.just("ready"), st.sampled_from(AGENT_IDS)),
    st.tuples(st.just("pause"), st.sampled_from(AGENT_IDS)),
    st.tuples(st.just("logout"), st.sampled_from(AGENT_IDS)),
    st.tuples(st.just("answer"), st.integers(0, 5)),
    st.tuples(st.just("busy"), st.integers(0, 5)),
    st.tuples(st.just("caller_left"), st.integers(0, 5)),
    st.tuples(st.just("agent_hung_up"), st.integers(0, 5)),
    st.tuples(st.just("wait"), st.floats(0.1, 30.0)),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(step, max_size=60))
def test_no_caller_is_lost_or_served_twice_and_no_agent_gets_two_calls(steps):
    d = Distributor(branch(Agent("ann", "Ann", {"general": 5}), Agent("bob", "Bob", {"general": 2}), Agent("carol", "Carol", {"general": 9})))
    for i, agent_id in enumerate(AGENT_IDS):
        d.login(agent_id, f"desk-{i + 1}", 0.0)
    now, calls, connected, finished = 0.0, [], set(), set()
    for kind, arg in steps:
        actions = []
        try:
            if kind == "call":
                call_id = f"c{len(calls)}"
                calls.append(call_id)
                actions = d.enqueue(call_id, "general", now)
            elif kind in ("answer", "busy", "caller_left", "agent_hung_up") and calls:
                call_id = calls[arg % len(calls)]
                if call_id in finished:
                    continue
                actions = {
                    "answer": lambda: d.offer_answered(call_id, now),
                    "busy": lambda: d.offer_failed(call_id, OfferOutcome.BUSY, now),
                    "caller_left": lambda: d.caller_left(call_id, now),
                    "agent_hung_up": lambda: d.agent_hung_up(call_id, now),
                }[kind]()
                if kind == "caller_left":
                    finished.add(call_id)
            elif kind == "ready":
                actions = d.ready(arg, now)
            elif kind == "pause":
                actions = d.pause(arg, "break", now)
            elif kind == "logout":
                actions = d.logout(arg, now)
            elif kind == "wait":
                now += arg
                actions = d.tick(now)
        except (Conflict, NotFound):
            continue
        for action in actions:
            if isinstance(action, Connect):
                assert action.call_id not in connected, "a caller was served twice"
                connected.add(action.call_id)
            if isinstance(action, (GiveUp, ReleaseCaller)):
                finished.add(action.call_id)
        # Invariants after every step.
        ringing = [a.call_id for a in d.agents() if a.status is AgentStatus.RINGING]
        assert len(ringing) == len(set(ringing)), "one call rang two agents"
        busy = [a for a in d.agents() if a.status in (AgentStatus.RINGING, AgentStatus.ON_CALL)]
        assert all(a.call_id for a in busy), "an agent is busy with no call"
        for call in d.waiting():
            assert call.call_id not in connected, "a connected caller is still waiting"
            if call.offered_to:
                assert d.agent(call.offered_to).status is AgentStatus.RINGING
    # Every wait ends: run the clock past every deadline; nobody is left waiting.
    deadline = d.next_deadline()
    while deadline is not None and d.waiting():
        now = max(now, deadline)
        for action in d.tick(now):
            if isinstance(action, Connect):
                connected.add(action.call_id)
            if isinstance(action, Offer):  # nobody answers from here on
                continue
        deadline = d.next_deadline()
        now += 0.001
    assert not d.waiting()
