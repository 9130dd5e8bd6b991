"""One call's walk through a flow: the pure IVR interpreter.

A `Session` is told what happened (the call started, a prompt ended, a key, a timer, a lookup
or HTTP answer...) together with the time, and answers with the `actions` the core must carry
out. It never waits, reads a clock or does I/O: the core plays, looks up and dials, and calls
`tick` at `next_deadline()`. What each node kind does is in `visits.py`, `waiting.py` (the
nodes that ask for keys) and `exits.py` (those that take the call out of the IVR).

    session = Session(flow, {"caller": "0301234567", "did": "100", "call_id": "c1"}, "en")
    session.start(now)                         # [PlayPrompts(label="welcome#1", ...)]
    session.prompt_finished("welcome#1", now)  # [Step("welcome", "play", "played"), PlayPrompts("main#2"...)]
    session.digit("1", now)                    # [StopPrompt(), Step("main", "menu", "choice", "1"), ...]

Every node visited leaves a `Step` (the call's path, shown on screens and in reports). A flow
that goes round without ever waiting for the caller is ended after `MAX_NODES_WITHOUT_WAITING`
nodes: the checker refuses such flows, and this keeps one that slipped through from spinning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from appliance.ivr.actions import Action, EndCall, PlayPrompts, Step, StopPrompt
from appliance.ivr.exits import HangupVisit, QueueVisit, TransferVisit, VoicemailVisit
from appliance.ivr.nodes import (
    DIGITS,
    Callback,
    Collect,
    Goto,
    Hangup,
    Hours,
    Http,
    Language,
    Lookup,
    Menu,
    Play,
    QueueNode,
    Say,
    SetNode,
    Survey,
    Transfer,
    Voicemail,
)
from appliance.ivr.visits import (
    GotoVisit,
    HoursVisit,
    HttpVisit,
    LanguageVisit,
    LookupVisit,
    PlayVisit,
    SayVisit,
    SetVisit,
    Visit,
)
from appliance.ivr.waiting import CallbackVisit, CollectVisit, MenuVisit, SurveyVisit

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import tzinfo

    from appliance.customers import Customer
    from appliance.ivr.nodes import Flow, Node

__all__ = ("MAX_NODES_WITHOUT_WAITING", "Session")

MAX_NODES_WITHOUT_WAITING = 100
LOOP_REASON = "flow loops without waiting"

_VISITS: dict[type, type[Visit[Any]]] = {
    Play: PlayVisit,
    Say: SayVisit,
    Menu: MenuVisit,
    Collect: CollectVisit,
    Lookup: LookupVisit,
    Http: HttpVisit,
    Hours: HoursVisit,
    SetNode: SetVisit,
    Language: LanguageVisit,
    Goto: GotoVisit,
    QueueNode: QueueVisit,
    Callback: CallbackVisit,
    Voicemail: VoicemailVisit,
    Transfer: TransferVisit,
    Survey: SurveyVisit,
    Hangup: HangupVisit,
}


class Session:
    """One call in its flow. `variables` are the call's (caller, did, call_id, language and
    what the flow stored); `language`, `priority` and the skill go with the caller to the queue.
    `local_zone` is the zone of `hours` nodes without one (None: the server's local time)."""

    def __init__(
        self,
        flow: Flow,
        variables: dict[str, str],
        language: str,
        priority: int = 0,
        *,
        local_zone: tzinfo | None = None,
    ) -> None:
        self.flow = flow
        self.variables = dict(variables)
        self.language = language
        self.variables["language"] = language
        self.priority = priority
        self.skill: str | None = None
        self.skill_level = 1
        self.node = flow.start
        self.local_zone = local_zone
        self.contained = True  # the caller has not reached a queue nor been transferred out
        self._visit: Visit[Any] | None = None
        self._typeahead = ""
        self._playing: str | None = None  # the label of the prompt playing now
        self._barge_in = False
        self._plays = 0
        self._finished = False
        self._actions: list[Action] = []
        self._next: str | None = None

    # ---- what happened to the call ------------------------------------------------------------

    def start(self, now: float) -> list[Action]:
        if self._visit is not None or self._finished:
            return []
        return self._handle(now, lambda: self.go(self.flow.start))

    def prompt_finished(self, label: str, now: float) -> list[Action]:
        """The prompt played as `label` ended; a stopped or replaced one's label is stale."""
        if self._playing is None or label != self._playing:
            return []
        self._playing = None
        return self._on_visit(now, lambda visit: visit.prompt_finished(now))

    def digit(self, key: str, now: float) -> list[Action]:
        if key not in DIGITS or (self._playing is not None and not self._barge_in):
            return []  # not a phone key, or a prompt the caller must hear out

        def barge_in(visit: Visit[Any]) -> None:
            if self._playing is not None:
                self._playing = None
                self.emit(StopPrompt())
            visit.digit(key, now)
        return self._on_visit(now, barge_in)

    def next_deadline(self) -> float | None:
        """When `tick` has something to do; None while a prompt plays or nothing is timed."""
        if self._finished or self._visit is None or self._playing is not None:
            return None
        return self._visit.deadline

    def tick(self, now: float) -> list[Action]:
        deadline = self.next_deadline()
        if deadline is None or now < deadline:
            return []

        def timeout(visit: Visit[Any]) -> None:
            visit.deadline = None
            visit.timeout(now)
        return self._on_visit(now, timeout)

    def lookup_result(self, customer: Customer | None, now: float) -> list[Action]:
        return self._on_visit(now, lambda visit: visit.lookup_result(customer, now))

    def http_result(self, answer: dict[str, Any] | None, error: str, now: float) -> list[Action]:
        """`answer` is the decoded JSON object, or None with `error` saying what went wrong."""
        return self._on_visit(now, lambda visit: visit.http_result(answer, error, now))

    def recording_finished(self, seconds: float, now: float) -> list[Action]:
        return self._on_visit(now, lambda visit: visit.recording_finished(seconds, now))

    def transfer_failed(self, reason: str, now: float) -> list[Action]:
        return self._on_visit(now, lambda visit: visit.transfer_failed(reason, now))

    def agent_hung_up(self, now: float) -> list[Action]:
        """After `EnterQueue(survey_after=True)`: the agent's side ended, the flow goes on."""
        return self._on_visit(now, lambda visit: visit.agent_hung_up(now))

    def hung_up(self, now: float) -> list[Action]:
        """The caller hung up: the node they left from ends the path. Nothing else follows."""
        if self._finished or self._visit is None:
            return []
        self._finished = True
        self._playing = None
        if isinstance(self._visit, QueueVisit) and self._visit.queued:
            return []  # with an agent: the ACD keeps that part of the call's story
        return [self._step("hangup")]

    @property
    def finished(self) -> bool:
        """Nothing more will come from this session: the call ended, or is the ACD's for good."""
        return self._finished

    @property
    def playing(self) -> bool:
        return self._playing is not None

    @property
    def has_typeahead(self) -> bool:
        return bool(self._typeahead)

    # ---- for the visits (visits.py, waiting.py) -----------------------------------------------

    def emit(self, action: Action) -> None:
        self._actions.append(action)

    def step(self, outcome: str, digits: str = "", details: dict[str, str] | None = None) -> None:
        self.emit(self._step(outcome, digits, details))

    def play(self, names: list[str], *, barge_in: bool) -> bool:
        """Start playing `names`; False (nothing to wait for) when there are none. A prompt the
        caller cannot interrupt also clears the keys typed ahead: they are made to listen."""
        if not names:
            return False
        self._plays += 1
        self._playing, self._barge_in = f"{self.node}#{self._plays}", barge_in
        if not barge_in:
            self._typeahead = ""
        self.emit(PlayPrompts(label=self._playing, names=tuple(names), language=self.language))
        return True

    def go(self, target: str) -> None:
        if self._playing is not None:  # leaving a node silences it
            self._playing = None
            self.emit(StopPrompt())
        self._next = target

    def end(self, reason: str, contained: bool | None = None) -> None:
        self.emit(EndCall(reason=reason, contained=self.contained if contained is None else contained))
        self._finished, self._next = True, None

    def reached_queue(self, comes_back: bool) -> None:
        self.contained = False
        self._finished = not comes_back

    def take_typeahead(self) -> str:
        keys, self._typeahead = self._typeahead, ""
        return keys

    def keep_typeahead(self, keys: str) -> None:
        self._typeahead += keys

    def set_language(self, language: str) -> None:
        self.language = language
        self.variables["language"] = language

    def know_customer(self, customer: Customer, keep_language: bool) -> None:
        """A lookup found the caller: their details, their tier's priority and skill, their language."""
        tier = customer.tier
        self.variables.update(
            {
                "customer.ref": customer.ref,
                "customer.name": customer.name,
                "customer.tier": tier.name,
                "customer.language": customer.language or "",
                "customer.account_manager": customer.account_manager or "",
            }
        )
        self.priority = max(self.priority, tier.priority)
        if tier.skill:
            self.skill, self.skill_level = tier.skill, tier.skill_level or 1
        if customer.language and not keep_language and customer.language in self.flow.languages:
            self.set_language(customer.language)

    # ---- internals ----------------------------------------------------------------------------

    def _on_visit(self, now: float, event: Callable[[Visit[Any]], None]) -> list[Action]:
        visit = self._visit
        if self._finished or visit is None:
            return []
        return self._handle(now, lambda: event(visit))

    def _handle(self, now: float, event: Callable[[], None]) -> list[Action]:
        """Apply one event, then enter the nodes it leads to until one waits for something."""
        self._actions = []
        event()
        entered = 0
        while self._next is not None and not self._finished:
            target, self._next = self._next, None
            entered += 1
            if entered > MAX_NODES_WITHOUT_WAITING:
                self.end(LOOP_REASON, contained=False)
                break
            self._enter(target, now)
        actions, self._actions = self._actions, []
        return actions

    def _enter(self, name: str, now: float) -> None:
        self.node = name
        node = self.flow.nodes.get(name)
        if node is None:  # the checker turns such flows away; the caller must not be left in silence
            self.emit(Step(node=name, kind="missing", outcome="missing"))
            self.end(f"flow has no node {name!r}", contained=False)
            return
        self._visit = _VISITS[type(node)](self, node)
        self._visit.enter(now)

    def _step(self, outcome: str, digits: str = "", details: dict[str, str] | None = None) -> Step:
        node: Node | None = self.flow.nodes.get(self.node)
        kind = type(node).__struct_config__.tag if node is not None else "missing"
        return Step(node=self.node, kind=str(kind), outcome=outcome, digits=digits, details=details or {})
