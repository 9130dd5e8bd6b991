"""Any caller, however they press keys and whatever the bank answers, is walked through the flow:
the interpreter never fails, never leaves a call stuck, and answers stale events with nothing."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.customers import Customer, CustomerTier
from appliance.ivr.actions import (
    Action,
    EndCall,
    EnterQueue,
    HttpPost,
    LookupCustomer,
    PlayPrompts,
    RecordVoicemail,
    StopPrompt,
    TransferOut,
)
from appliance.ivr.interpreter import Session
from appliance.ivr.nodes import DIGITS

from .ivr_session_fixtures import CALLER, T0, make_flow

BANK = make_flow({
    "start": {"kind": "play", "prompt": "welcome", "next": "hours"},
    "hours": {"kind": "hours", "open": {"mon": "00:00-24:00", "tue": "00:00-24:00"}, "timezone": "UTC",
              "next": "find", "on_closed": "closed"},
    "closed": {"kind": "voicemail", "queue": "general", "max_seconds": 60},
    "find": {"kind": "lookup", "next": "greet", "on_missing": "main"},
    "greet": {"kind": "set", "variables": {"greeting": "Hello {customer.name}"}, "skill": "vip:2", "next": "main"},
    "main": {"kind": "menu", "prompt": ["main-menu"], "on_invalid": "operator", "on_timeout": "operator",
             "choices": {"1": "cards", "2": "balance", "3": "callback", "8": "head-office", "9": "chinese",
                         "0": "operator", "77": "survey"}},
    "chinese": {"kind": "language", "language": "zh", "next": "main"},
    "cards": {"kind": "collect", "prompt": "enter-card", "variable": "card", "min_digits": 12, "max_digits": 19,
              "validate": "luhn", "next": "block", "on_invalid": "operator", "on_timeout": "operator"},
    "block": {"kind": "http", "url": "https://bank.example/block", "body": {"card": "{card}"},
              "save": {"reference": "case.id"}, "next": "read-reference", "on_failure": "operator"},
    "read-reference": {"kind": "say", "value": "{reference}", "as": "digits", "before": "your-reference",
                       "next": "operator"},
    "balance": {"kind": "collect", "prompt": "enter-account", "variable": "account", "max_digits": 8,
                "next": "fetch", "on_invalid": "main", "on_timeout": "main"},
    "fetch": {"kind": "http", "url": "https://bank.example/balance", "body": {"account": "{account}"},
              "save": {"balance": "balance"}, "next": "say-balance", "on_failure": "sorry"},
    "say-balance": {"kind": "say", "value": "{balance}", "as": "amount", "next": "main"},
    "sorry": {"kind": "goto", "target": "operator"},
    "callback": {"kind": "callback", "queue": "general", "on_timeout": "operator"},
    "operator": {"kind": "queue", "queue": "general", "prompt": "transferring", "after": "survey"},
    "survey": {"kind": "survey"},
    "head-office": {"kind": "transfer", "number": "+8621555000", "on_failure": "goodbye"},
    "goodbye": {"kind": "hangup", "prompt": "goodbye"},
})
GOLD = Customer(ref="C-1", name="Wang", tier=CustomerTier(name="gold", priority=3), language="zh")
ANSWERS: list[tuple[dict[str, Any] | None, str]] = [
    ({"case": {"id": 4711}, "balance": "1234.50"}, ""),
    ({"balance": 12.345}, ""),
    ({}, ""),
    (None, "timed out"),
]


class FakeCore:
    """Carries out a session's actions the way the core does, keeping what is still pending."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.labels: set[str] = set()
        self.playing: str | None = None
        self.pending: set[str] = set()  # lookup, http, recording, transfer, agent
        self.ended = False
        self.queued = False

    def take(self, actions: list[Action]) -> None:
        for action in actions:
            assert not self.ended, f"{action} came after the call ended"
            if isinstance(action, PlayPrompts):
                assert action.label not in self.labels, "a label is used once"
                assert action.names, "an empty playlist"
                self.labels.add(action.label)
                self.playing = action.label
            elif isinstance(action, StopPrompt):
                self.playing = None
            elif isinstance(action, LookupCustomer):
                self.pending.add("lookup")
            elif isinstance(action, HttpPost):
                self.pending.add("http")
            elif isinstance(action, RecordVoicemail):
                self.pending.add("recording")
            elif isinstance(action, TransferOut):
                self.pending.add("transfer")
            elif isinstance(action, EnterQueue):
                self.queued = True
                if action.survey_after:
                    self.pending.add("agent")
            elif isinstance(action, EndCall):
                self.ended = True

    def answer(self, what: str, call: Any) -> None:
        """Send an answer; one nobody waits for must change nothing."""
        waited = what in self.pending
        self.pending.discard(what)
        actions = call()
        if not waited:
            assert actions == [], f"a stale {what} answer did something: {actions}"
        self.take(actions)

    def check_not_stuck(self) -> None:
        session = self.session
        if session.finished:
            assert self.ended or (self.queued and not self.pending)
            assert session.next_deadline() is None
            return
        assert not self.ended
        waiting = self.playing is not None or self.pending or session.next_deadline() is not None
        assert waiting, f"the call is stuck in {session.node!r}"


key = st.tuples(st.just("key"), st.sampled_from(sorted(DIGITS)))
finish = st.tuples(st.just("finish"), st.none())
events = st.one_of(
    key,
    key,
    finish,
    finish,
    st.tuples(st.just("keys"), st.sampled_from(["1", "2", "3", "4111111111111111#", "12345678", "13800138000#", "77"])),
    st.tuples(st.just("wait"), st.floats(0, 12)),
    st.tuples(st.just("lookup"), st.sampled_from([GOLD, None])),
    st.tuples(st.just("http"), st.sampled_from(ANSWERS)),
    st.tuples(st.just("recorded"), st.floats(0, 60)),
    st.tuples(st.just("transfer_failed"), st.just("busy")),
    st.tuples(st.just("agent_hung_up"), st.none()),
)


def apply(core: FakeCore, now: float, event: tuple[str, Any]) -> float:
    session = core.session
    kind, arg = event
    if kind in ("key", "keys"):
        for key in arg:
            core.take(session.digit(key, now))
    elif kind == "finish":
        label, core.playing = core.playing, None
        actions = session.prompt_finished(label or "stale#0", now)
        assert label is not None or actions == []
        core.take(actions)
    elif kind == "wait":
        end = now + arg
        while (deadline := session.next_deadline()) is not None and deadline <= end:
            now = max(now, deadline)
            core.take(session.tick(now))
        now = end
    elif kind == "lookup":
        core.answer("lookup", lambda: session.lookup_result(arg, now))
    elif kind == "http":
        core.answer("http", lambda: session.http_result(arg[0], arg[1], now))
    elif kind == "recorded":
        core.answer("recording", lambda: session.recording_finished(arg, now))
    elif kind == "transfer_failed":
        core.answer("transfer", lambda: session.transfer_failed(arg, now))
    elif kind == "agent_hung_up":
        core.answer("agent", lambda: session.agent_hung_up(now))
    return now


def patiently_to_the_end(core: FakeCore, now: float) -> None:
    """A silent caller, a bank that fails every request: the call must still come to its end."""
    for _ in range(200):
        if core.session.finished:
            return
        if core.playing is not None:
            now = apply(core, now, ("finish", None))
        elif core.pending:
            what = sorted(core.pending)[0]
            now = apply(core, now, {"lookup": ("lookup", None), "http": ("http", (None, "down")),
                                    "recording": ("recorded", 5.0), "transfer": ("transfer_failed", "busy"),
                                    "agent": ("agent_hung_up", None)}[what])
        else:
            deadline = core.session.next_deadline()
            assert deadline is not None
            now = apply(core, now, ("wait", deadline - now))
        core.check_not_stuck()
    raise AssertionError(f"the call never ended; it is in {core.session.node!r}")


@settings(max_examples=300, deadline=None)
@given(st.lists(events, max_size=80), st.sampled_from([CALLER, "", "+8613800138000"]), st.sampled_from([0.0, 0.0, 86400.0 * 5]))
def test_any_caller_is_walked_through_the_flow_and_never_left_stuck(script, number, day_offset):
    session = Session(BANK, {"caller": number, "did": "100", "call_id": "c1"}, "en")
    core = FakeCore(session)
    now = T0 + day_offset  # a Monday, or a Saturday when the branch is closed
    core.take(session.start(now))
    core.check_not_stuck()
    for event in script:
        now = apply(core, now, event)
        core.check_not_stuck()
    patiently_to_the_end(core, now)
    if core.ended:
        assert all(session.digit(key, now) == [] for key in "1#")
