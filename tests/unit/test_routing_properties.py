"""Random days at a branch, checked after every step.

Hypothesis draws a branch (queues with skills, strategies including ring-all, penalty rules, aging,
door rules and overflow; agents with skills, penalties and wrap-up overrides; the branch's delays)
and a day of events: callers arriving, asking for callbacks and hanging up; agents answering, missing
rings, pausing, signing in and out, wrapping up; phones dying and coming back; time passing. The
clock only moves through `next_deadline`, the way the switchboard drives the core.

After every step the `Day` checks, through the public API and the actions alone:

- every call is in exactly one place (waiting, talking, or finished one way), nobody is connected
  twice, and a callback request is never dropped;
- no agent holds or is rung for two calls; ringing agents and calls' `offered_to` agree;
- every offer respects the service order and the tiers, and nobody idles while a caller they could
  take waits;
- each agent's AgentChanged events chain (`previous_since` is the time of the change before), so
  their periods add up to the time since their first login; a wrap-up that runs out lasts exactly
  its configured (or extended) length.

At the end every wait ends: with nobody answering, or with every agent signed out, no caller is
left on the line once max-wait (and any overflow) has run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appliance.acd.actions import (
    AgentChanged,
    CallbackGaveUp,
    CallbackRetry,
    CancelOffer,
    Connect,
    Exit,
    Offer,
    ReleaseCaller,
)
from appliance.acd.distributor import AgentStatus, Distributor, OfferOutcome
from appliance.acd.waiting import service_order
from appliance.errors import Conflict, InvalidInput
from appliance.model import STRATEGIES, AcdSettings, Agent, BranchConfig, PenaltyRule, Queue

from .acd_fixtures import PAUSE_CODES, SEATS

SKILLS = ("cards", "loans", "fx")
AGENT_IDS = ("ann", "bob", "carol", "dave")
PAUSE_CHOICES = ("break", "meal", "training", "missed", "nap")  # the last two are refused
REFUSABLE = ("ready", "pause", "logout", "login", "end_wrapup", "extend")  # agents' commands at a wrong moment
MAX_TICKS = 5000  # per advance: far more than any real day needs; more means the core spins


# ---- drawing a branch ---------------------------------------------------------------------------


@st.composite
def branches(draw) -> BranchConfig:
    n_queues = draw(st.integers(1, 3))
    names = [f"q{i}" for i in range(n_queues)]
    queues = []
    for name in names:
        overflow = draw(st.sampled_from(["sorry", "callback", *(f"queue:{n}" for n in names if n != name)]))
        rules = draw(st.sampled_from([(), (PenaltyRule(20, 1),), (PenaltyRule(0, 1), PenaltyRule(15, 2), PenaltyRule(40, 3))]))
        queues.append(
            Queue(
                name,
                ring_timeout=draw(st.integers(1, 15)),
                wrapup=draw(st.integers(0, 20)),
                max_wait=draw(st.integers(1, 90)),
                skills=draw(st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 3), max_size=2)),
                strategy=draw(st.sampled_from(STRATEGIES)),
                priority_step=draw(st.sampled_from([0, 0, 5, 30])),
                penalty_rules=rules,
                join_empty=draw(st.booleans()),
                leave_empty=draw(st.booleans()),
                max_callers=draw(st.integers(0, 4)),
                overflow=overflow,
                callback_key="*",
            )
        )
    agents = []
    for agent_id in AGENT_IDS[: draw(st.integers(1, len(AGENT_IDS)))]:
        skills = draw(st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 5), min_size=2))
        penalties = draw(st.dictionaries(st.sampled_from(names), st.integers(0, 3)))
        wrapup = draw(st.one_of(st.none(), st.integers(0, 15)))
        agents.append(Agent(agent_id, agent_id.title(), skills, penalties, wrapup))
    acd = AcdSettings(
        max_no_answer=draw(st.integers(0, 3)),
        no_answer_delay=draw(st.integers(0, 10)),
        busy_delay=draw(st.integers(0, 10)),
        unreachable_delay=draw(st.integers(0, 20)),
        wrapup_extend=draw(st.integers(0, 30)),
        callback_attempts=draw(st.integers(1, 3)),
        callback_retry=draw(st.integers(0, 60)),
    )
    return BranchConfig(
        seats=SEATS[:5], agents=tuple(agents), queues=tuple(queues), pause_codes=PAUSE_CODES, acd=acd
    )


# A whole day: everything may happen, signing in and out and dead phones included.
ANY_DAY = (
    *["call"] * 4, "restore", *["answer"] * 5, "fail", "caller_left", "hang_up", "hang_up", "callback",
    "cb_result", "cb_result", "ready", "ready", "pause", "logout", "login", "end_wrapup", "extend",
    "phone", *["wait"] * 4,
)
# The busy hour: everyone is in, callers keep coming, agents answer, call back, pause and wrap up.
BUSY_HOUR = (
    *["call"] * 4, "restore", *["answer"] * 6, "fail", "caller_left", *["hang_up"] * 3, *["callback"] * 2,
    *["cb_result"] * 3, *["ready"] * 3, *["pause"] * 2, "end_wrapup", "extend", *["wait"] * 3,
)


def days(kinds: tuple[str, ...]):
    return st.lists(st.tuples(st.sampled_from(kinds), st.integers(0, 40), st.integers(0, 40)), min_size=20, max_size=80)


# ---- the model of the day -----------------------------------------------------------------------


@dataclass
class CallFate:
    queue: str
    arrived: float
    entered: float
    place: str  # waiting | callback | dialling | talking | done
    agent: str | None = None
    number: str | None = None
    how: str = ""  # once done: connected+completed, exited, left, gave_up
    connected: bool = False
    visited: list[str] = field(default_factory=list)


@dataclass
class AgentBook:
    last_change: float = 0.0  # the distributor starts every agent Logged Out at 0
    status: str = "logged_out"
    reason: str = ""
    first_login: float | None = None
    counted: float = 0.0  # the periods closed since the first login
    wrapup_start: float | None = None
    wrapup_length: float = 0.0
    seat: str | None = None
    phone_ok: bool = True
    pause_after_call: str | None = None  # asked for during a call or its wrap-up


class Day:
    """Drives a distributor through a day and checks it after every step."""

    def __init__(self, config: BranchConfig, seed: int) -> None:
        self.config = config
        self.d = Distributor(config, seed=seed)
        self.now = 0.0
        self.calls: dict[str, CallFate] = {}
        self.books = {a.id: AgentBook() for a in config.agents}
        self.serial = 0

    def morning(self, ready: int) -> None:
        """Every agent signs in at their own desk, one second apart; the first `ready` say they are Ready."""
        for i, agent in enumerate(self.config.agents):
            self.now = float(i)
            self.run("login", self.d.login(agent.id, SEATS[i].name, self.now))
            if i < ready:
                self.run("ready", self.d.ready(agent.id, self.now))

    # -- commands --

    def step(self, kind: str, a: int, b: int) -> None:
        """One event of the day; `a` and `b` pick who and what among the choices there are now."""
        try:
            getattr(self, f"_{kind}")(a, b)
        except Conflict:
            # Refused, as an agent's screen or the switchboard may ask at the wrong moment.
            assert kind in REFUSABLE, f"{kind} was refused"
            self.check()

    def _wait(self, a: int, b: int) -> None:
        self.advance(self.now + b)

    def _call(self, a: int, b: int) -> None:
        self.serial += 1
        self.new_call(f"c{self.serial}", self.queue(a), priority=b % 3)

    def _restore(self, a: int, b: int) -> None:
        self.serial += 1
        call_id, queue, number, arrived = f"r{self.serial}", self.queue(a), f"555{self.serial:04d}", self.now - b
        self.calls[call_id] = CallFate(queue, arrived, self.now, "callback", number=number)
        self.run("restore", self.d.add_callback(call_id, queue, number, self.now, arrived=arrived, priority=b % 2))

    def _answer(self, a: int, b: int) -> None:
        if ringing := self.pick(self.ringing(), a):
            self.run("answer", self.d.offer_answered(*ringing, self.now))

    def _fail(self, a: int, b: int) -> None:
        if ringing := self.pick(self.ringing(), a):
            outcome = OfferOutcome.BUSY if b % 2 else OfferOutcome.UNREACHABLE
            self.run("fail", self.d.offer_failed(*ringing, outcome, self.now))

    def _caller_left(self, a: int, b: int) -> None:
        if call_id := self.pick(self.calls_in("waiting", "talking", "callback"), a):
            fate = self.calls[call_id]
            before = fate.place
            if before != "callback":  # a callback's line hanging up ends nothing
                fate.place, fate.how = "done", "left" if before == "waiting" else "completed"
            self.run("caller_left", self.d.caller_left(call_id, self.now))
            if before == "callback":
                assert self.d.waiting_call(call_id) is not None, "a callback request was dropped when its line hung up"

    def _hang_up(self, a: int, b: int) -> None:
        if call_id := self.pick(self.calls_in("talking"), a):
            self.run("hang_up", self.d.agent_hung_up(call_id, self.now))

    def _callback(self, a: int, b: int) -> None:
        if call_id := self.pick(self.calls_in("waiting"), a):
            self.calls[call_id].place, self.calls[call_id].number = "callback", f"555{b:04d}"
            self.run("callback", self.d.request_callback(call_id, f"555{b:04d}", self.now))

    def _cb_result(self, a: int, b: int) -> None:
        if call_id := self.pick(self.calls_in("dialling"), a):
            reached = bool(b % 2)
            if reached:
                fate = self.calls[call_id]
                assert not fate.connected, f"callback {call_id} reached twice"
                fate.place, fate.connected = "talking", True
            self.run("cb_result", self.d.callback_result(call_id, reached, self.now))

    def _ready(self, a: int, b: int) -> None:
        agent_id = self.agent(a)
        actions = self.d.ready(agent_id, self.now)
        self.books[agent_id].pause_after_call = None  # Ready cancels a pause asked for during a call
        self.run("ready", actions)

    def _pause(self, a: int, b: int) -> None:
        agent_id, reason = self.agent(a), PAUSE_CHOICES[b % len(PAUSE_CHOICES)]
        status = self.d.agent(agent_id).status
        try:
            actions = self.d.pause(agent_id, reason, self.now)
        except InvalidInput as refused:
            assert reason in ("missed", "nap") and "use one of break, meal, training" in refused.message
            return
        if status in (AgentStatus.ON_CALL, AgentStatus.WRAPUP):
            assert actions == [], "a pause during a call waits for its end"
            self.books[agent_id].pause_after_call = reason
        self.run("pause", actions)

    def _logout(self, a: int, b: int) -> None:
        agent_id = self.agent(a)
        actions = self.d.logout(agent_id, self.now)
        self.books[agent_id].pause_after_call = None
        self.run("logout", actions)

    def _login(self, a: int, b: int) -> None:
        self.run("login", self.d.login(self.agent(a), SEATS[b % 5].name, self.now))

    def _end_wrapup(self, a: int, b: int) -> None:
        self.run("end_wrapup", self.d.end_wrapup(self.wrapping_agent(a, b), self.now))

    def _extend(self, a: int, b: int) -> None:
        agent_id = self.wrapping_agent(a, b)
        was_extended = self.d.agent(agent_id).wrapup_extended
        actions = self.d.extend_wrapup(agent_id, self.now)
        assert not was_extended, "a wrap-up was extended twice"
        self.books[agent_id].wrapup_length += self.config.acd.wrapup_extend
        self.run("extend", actions)

    def _phone(self, a: int, b: int) -> None:
        self.run("phone", self.d.phone_reachable(SEATS[a % 5].name, bool(b % 3), self.now))

    # -- choosing --

    @staticmethod
    def pick(options: list, index: int):
        return options[index % len(options)] if options else None

    def agent(self, a: int) -> str:
        return self.config.agents[a % len(self.config.agents)].id

    def queue(self, a: int) -> str:
        return self.config.queues[a % len(self.config.queues)].name

    def wrapping_agent(self, a: int, b: int) -> str:
        """Mostly someone in wrap-up; now and then anyone, who may not be."""
        wrapping = sorted(s.agent_id for s in self.d.agents() if s.status is AgentStatus.WRAPUP)
        return self.pick(wrapping, a) if wrapping and b % 4 else self.agent(a)

    def ringing(self) -> list[tuple[str, str]]:
        return sorted((s.call_id, s.agent_id) for s in self.d.agents() if s.status is AgentStatus.RINGING)

    def calls_in(self, *places: str) -> list[str]:
        return sorted(c for c, f in self.calls.items() if f.place in places)

    def new_call(self, call_id: str, queue: str, priority: int = 0, arrived: float | None = None) -> None:
        fate = self.calls.get(call_id)
        if fate is None:
            fate = self.calls[call_id] = CallFate(queue, self.now, self.now, "waiting")
        fate.queue, fate.entered, fate.place = queue, self.now, "waiting"
        fate.visited.append(queue)
        self.run("call", self.d.enqueue(call_id, queue, self.now, priority=priority, arrived=arrived))

    def advance(self, target: float) -> None:
        """Let time pass to `target`, waking the core at each deadline on the way, as the switchboard does."""
        for _ in range(MAX_TICKS):
            due = self.d.next_deadline(self.now)
            if due is None or due > target:
                self.now = max(self.now, target)
                return
            self.now = max(self.now, due)
            self.run("tick", self.d.tick(self.now))
        raise AssertionError(f"the core asked to be woken more than {MAX_TICKS} times before {target}")

    # -- reading the actions --

    def run(self, kind: str, actions: list) -> None:
        overflow: list[tuple[str, str]] = []
        for action in actions:
            match action:
                case AgentChanged():
                    self.agent_changed(kind, action)
                case Offer(call_id=call_id, callback=number):
                    fate = self.calls[call_id]
                    assert fate.place in ("waiting", "callback"), f"{call_id} offered while {fate.place}"
                    assert number == (fate.number if fate.place == "callback" else None)
                case CancelOffer():
                    pass
                case Connect(call_id=call_id, agent_id=who, callback=number):
                    assert kind == "answer", "only an answer connects"
                    fate = self.calls[call_id]
                    if fate.place == "waiting":
                        assert not fate.connected and number is None, f"{call_id} connected twice"
                        fate.place, fate.connected, fate.agent = "talking", True, who
                    else:
                        assert fate.place == "callback" and number == fate.number, f"{call_id} dialled while {fate.place}"
                        fate.place, fate.agent = "dialling", who
                case Exit(call_id=call_id, reason=reason, destination=destination):
                    fate = self.calls[call_id]
                    queue = self.config.queue(fate.queue)
                    assert fate.place == "waiting", f"{call_id} exited while {fate.place}"
                    if reason == "timeout":
                        assert self.now == fate.entered + queue.max_wait, f"{call_id} timed out at {self.now}"
                    fate.place, fate.how = "done", "exited"
                    target = destination.removeprefix("queue:")
                    if destination.startswith("queue:") and target not in fate.visited:
                        overflow.append((call_id, target))
                case CallbackRetry(call_id=call_id):
                    fate = self.calls[call_id]
                    assert fate.place == "dialling", f"{call_id} retried while {fate.place}"
                    fate.place, fate.agent = "callback", None
                case CallbackGaveUp(call_id=call_id, attempts=attempts):
                    fate = self.calls[call_id]
                    assert fate.place == "dialling" and attempts >= self.config.acd.callback_attempts
                    fate.place, fate.how = "done", "gave_up"
                case ReleaseCaller(call_id=call_id):
                    assert kind == "hang_up"
                    fate = self.calls[call_id]
                    assert fate.place == "talking"
                    fate.place, fate.how = "done", "completed"
                case _:
                    raise AssertionError(f"unexpected action {action!r}")
        self.check(actions)
        for call_id, target in overflow:  # the switchboard moves the caller on, keeping their arrival
            self.new_call(call_id, target, arrived=self.calls[call_id].arrived)

    def agent_changed(self, kind: str, change: AgentChanged) -> None:
        book = self.books[change.agent_id]
        assert (change.previous, change.previous_reason) == (book.status, book.reason), change
        assert change.previous_since == book.last_change, f"{change} does not follow the change at {book.last_change}"
        news = (change.seat, change.phone_ok) != (book.seat, book.phone_ok)
        book.seat, book.phone_ok = change.seat, change.phone_ok
        if (change.status, change.reason) == (change.previous, change.previous_reason):
            assert news, f"{change} tells nothing new"
            return  # only the phone (or the seat) changed: the period goes on
        if book.first_login is not None:
            book.counted += self.now - change.previous_since
        if change.previous == "logged_out" and book.first_login is None:
            book.first_login = self.now
        if change.previous == "wrapup":
            lasted = self.now - book.wrapup_start
            if kind == "tick":
                assert lasted == book.wrapup_length, f"{change.agent_id}'s wrap-up lasted {lasted}, not {book.wrapup_length}"
            else:
                assert lasted <= book.wrapup_length, f"{change.agent_id}'s wrap-up ran over"
        if change.previous in ("on_call", "wrapup") and change.status in ("ready", "not_ready") and kind != "login":
            # The call (and its wrap-up) is over: a pause asked for meanwhile is taken now, or the agent is Ready.
            wanted = ("not_ready", book.pause_after_call) if book.pause_after_call else ("ready", "")
            assert (change.status, change.reason) == wanted, f"{change} after a call; the agent asked for {wanted}"
            book.pause_after_call = None
        if change.status == "wrapup":
            agent = self.config.agent(change.agent_id)
            queue = self.config.queue(change.reason)
            assert self.calls[change.call_id].queue == change.reason
            book.wrapup_start = self.now
            book.wrapup_length = agent.wrapup if agent.wrapup is not None else queue.wrapup
        book.last_change, book.status, book.reason = self.now, change.status, change.reason

    # -- the invariants --

    def check(self, actions: list | None = None) -> None:
        d, now = self.d, self.now
        waiting = {c.call_id: c for c in d.waiting(now)}
        # Every call is in one place.
        expected = {c for c, f in self.calls.items() if f.place in ("waiting", "callback")}
        assert set(waiting) == expected, f"waiting {sorted(waiting)} but the day says {sorted(expected)}"
        for call_id, call in waiting.items():
            assert call.on_line == (self.calls[call_id].place == "waiting")
        talking = {f.agent: c for c, f in self.calls.items() if f.place in ("talking", "dialling")}
        assert len(talking) == sum(1 for f in self.calls.values() if f.place in ("talking", "dialling")), "an agent holds two calls"
        states = {s.agent_id: s for s in d.agents()}
        on_call = {a: s.call_id for a, s in states.items() if s.status is AgentStatus.ON_CALL}
        assert on_call == talking, f"on call {on_call}, but talking {talking}"
        # Ringing agents and offers agree, one call each.
        ringing = {a: s.call_id for a, s in states.items() if s.status is AgentStatus.RINGING}
        offered_to = [(a, c.call_id) for c in waiting.values() for a in c.offered_to]
        assert sorted(offered_to) == sorted(ringing.items()), f"ringing {ringing}, offers {offered_to}"
        for call in waiting.values():
            assert len(set(call.offered_to)) == len(call.offered_to)
        # Offers respect the tiers and the service order; nobody idles beside a caller they could take.
        pending = [c for c in waiting.values() if not c.offered_to and now >= c.not_before]
        for offer in [a for a in actions or () if isinstance(a, Offer)]:
            call = waiting[offer.call_id]
            assert offer.agent_id in call.offered_to
            self.check_offer(offer.agent_id, call, pending)
        for agent_id, state in states.items():
            if state.available(now):
                takeable = [c.call_id for c in pending if self.penalty_for(agent_id, c) is not None]
                assert not takeable, f"{agent_id} is free while {takeable} wait"
        # What callers are told agrees with the state.
        for queue in self.config.queues:
            line = [c.call_id for c in d.waiting(now) if c.queue == queue.name]
            assert [d.position(c, now) for c in line] == list(range(1, len(line) + 1))
            members = [s for s in states.values() if queue.accepts(self.config.agent(s.agent_id))]
            serving = [s for s in members if s.phone_ok and s.status.value in ("ready", "ringing", "on_call", "wrapup")]
            # Free for a caller arriving now: available, and not kept back by the queue's penalty rules.
            limit = queue.penalty_limit(0.0)
            free = sum(
                1 for s in serving
                if s.available(now) and (limit is None or self.config.agent(s.agent_id).penalty(queue.name) <= limit)
            )
            for k in range(1, len(line) + 2):
                told = d.estimated_wait(queue.name, k, now)
                if not serving:
                    assert told is None
                else:
                    expected = 0.0 if k <= free else (k - free) * d.handle_time(queue.name) / len(serving)
                    assert told is not None and abs(told - expected) < 1e-9, (queue.name, k, told, expected)
        # Time adds up.
        for agent_id, book in self.books.items():
            state = states[agent_id]
            assert (state.status.value, state.reason, state.since) == (book.status, book.reason, book.last_change)
            if book.first_login is not None:
                assert book.counted + (now - book.last_change) == now - book.first_login

    def penalty_for(self, agent_id: str, call) -> int | None:
        """The agent's penalty for this call, if they could take it now; None if they could not."""
        queue = self.config.queue(call.queue)
        agent = self.config.agent(agent_id)
        if queue is None or not queue.accepts(agent):
            return None
        penalty = agent.penalty(queue.name)
        limit = queue.penalty_limit(self.now - call.arrived)
        return None if limit is not None and penalty > limit else penalty

    def check_offer(self, agent_id: str, call, pending: list) -> None:
        mine = self.penalty_for(agent_id, call)
        assert mine is not None, f"{agent_id} was offered {call.call_id}, which they cannot take"
        order = service_order(call, self.config.queue(call.queue), self.now)
        for other in pending:
            theirs = self.penalty_for(agent_id, other)
            if theirs is None:
                continue
            assert theirs >= mine, f"{agent_id} got {call.call_id} at penalty {mine} while {other.call_id} waits at {theirs}"
            if theirs == mine:
                ahead = service_order(other, self.config.queue(other.queue), self.now) < order
                assert not ahead, f"{agent_id} got {call.call_id} while {other.call_id}, ahead of it, waits"

    # -- the end of the day --

    def nobody_answers(self) -> None:
        self.advance(self.now + self.horizon())
        self.nobody_left_on_the_line()

    def everyone_goes_home(self) -> None:
        for call_id, fate in sorted(self.calls.items()):
            if fate.place == "talking":
                self.run("hang_up", self.d.agent_hung_up(call_id, self.now))
            elif fate.place == "dialling":
                self.run("cb_result", self.d.callback_result(call_id, False, self.now))
        for agent in self.config.agents:
            self.run("logout", self.d.logout(agent.id, self.now))
        self.advance(self.now + self.horizon())
        self.nobody_left_on_the_line()
        assert self.d.next_deadline(self.now) is None
        assert self.d.logged_in() == 0

    def horizon(self) -> float:
        """Long enough for every caller on the line to reach max-wait in every queue they may overflow to."""
        longest = max(q.max_wait + q.ring_timeout for q in self.config.queues)
        return float(longest * (len(self.config.queues) + 1) + 60 * 3 + 1)

    def nobody_left_on_the_line(self) -> None:
        on_line = [c.call_id for c in self.d.waiting(self.now) if c.on_line]
        assert not on_line, f"still waiting on the line at {self.now}: {on_line}"
        for call_id, fate in self.calls.items():
            assert fate.place != "waiting", call_id
            if fate.place == "done":
                assert fate.how in ("completed", "exited", "left", "gave_up"), (call_id, fate.how)


def live(config: BranchConfig, ready: int, day: list, seed: int, go_home: bool) -> None:
    today = Day(config, seed)
    today.morning(ready)
    for kind, a, b in day:
        today.step(kind, a, b)
    if go_home:
        today.everyone_goes_home()
    else:
        today.nobody_answers()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(branches(), st.integers(0, len(AGENT_IDS)), days(ANY_DAY), st.integers(0, 3), st.booleans())
def test_any_day_keeps_every_promise(config, ready, day, seed, go_home):
    live(config, ready, day, seed, go_home)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(branches(), days(BUSY_HOUR), st.integers(0, 3), st.booleans())
def test_a_busy_hour_keeps_every_promise(config, day, seed, go_home):
    live(config, len(config.agents), day, seed, go_home)


def test_the_day_checker_catches_an_offer_out_of_order():
    """The checker itself: a VIP left waiting while an agent is rung for a normal caller is caught."""
    config = BranchConfig(
        seats=SEATS[:2], agents=(Agent("ann", "Ann", {"cards": 1}),), queues=(Queue("q0", skills={"cards": 1}),),
        pause_codes=PAUSE_CODES,
    )
    today = Day(config, 0)
    today.new_call("normal", "q0")
    today.new_call("vip", "q0", priority=5)
    normal = today.d.waiting_call("normal")
    vip = today.d.waiting_call("vip")
    try:
        today.check_offer("ann", normal, [vip])
    except AssertionError as caught:
        assert "while vip, ahead of it, waits" in str(caught)
    else:
        raise AssertionError("the checker let an offer out of order pass")
    today.check_offer("ann", vip, [normal])

