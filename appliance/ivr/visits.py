"""What each kind of node does while a call is in it: the base `Visit`, and the nodes that play,
ask the bank's systems, decide or set things.

A `Visit` is one stay of a call in one node. The session (`interpreter.Session`) sends it the
call's events; it answers through the session's helpers (`play`, `step`, `go`, `end`, `emit`)
and never sees a clock: every event brings its `now`. The nodes that ask the caller for keys
are in `waiting.py`, those that take the call out of the IVR in `exits.py`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from appliance.core import say
from appliance.ivr.actions import HttpPost, LookupCustomer
from appliance.ivr.nodes import Goto, Hours, Http, Language, Lookup, Play, Say, SetNode, prompt_names
from appliance.ivr.values import WEEKDAYS, fill, is_open, parse_date, parse_open_hours, parse_skill

if TYPE_CHECKING:
    from appliance.customers import Customer
    from appliance.ivr.interpreter import Session

__all__ = (
    "GotoVisit",
    "HoursVisit",
    "HttpVisit",
    "LanguageVisit",
    "LookupVisit",
    "PlayVisit",
    "SayVisit",
    "SetVisit",
    "Visit",
)

N = TypeVar("N")


class Visit(Generic[N]):
    """One stay of a call in one node. Every event is ignored unless the node's kind expects it."""

    deadline: float | None = None  # when `timeout` is due; the session asks only while no prompt plays

    def __init__(self, session: Session, node: N) -> None:
        self.session = session
        self.node = node
        self.left = False  # went on to another node (or ended the call)

    def go(self, target: str) -> None:
        self.left = True
        self.deadline = None
        self.session.go(target)

    def end(self, reason: str) -> None:
        self.left = True
        self.deadline = None
        self.session.end(reason)

    # ---- events (the session calls these) -----------------------------------------------------

    def enter(self, now: float) -> None:
        raise NotImplementedError

    def prompt_finished(self, now: float) -> None:
        """The prompt this visit played has ended."""

    def digit(self, key: str, now: float) -> None:
        """A key while no prompt plays, or one that barged in (the prompt is stopped already).
        By default nothing here asks for keys: the caller has to wait."""

    def timeout(self, now: float) -> None:
        """`deadline` has come."""

    def lookup_result(self, customer: Customer | None, now: float) -> None:
        pass

    def http_result(self, answer: dict[str, Any] | None, error: str, now: float) -> None:
        pass

    def recording_finished(self, seconds: float, now: float) -> None:
        pass

    def transfer_failed(self, reason: str, now: float) -> None:
        pass

    def agent_hung_up(self, now: float) -> None:
        pass


# --------------------------------------------------------------------------------------------
# Prompts
# --------------------------------------------------------------------------------------------


class PlayVisit(Visit[Play]):
    """Plays and goes on; with barge-in a key stops it and waits, typed ahead, for the next node.
    A caller who has typed ahead already does not hear barge-in prompts: they know what they want."""

    outcome = "played"  # or "said": what the step says when the prompt ends

    def enter(self, now: float) -> None:
        self._play(prompt_names(self.node.prompt), self.node.barge_in, "played", now)

    def _play(self, names: list[str], barge_in: bool, outcome: str, now: float) -> None:
        self.outcome = outcome
        if barge_in and self.session.has_typeahead:
            self.session.step("skipped")
            self.go(self.node.next)
        elif not self.session.play(names, barge_in=barge_in):
            self.prompt_finished(now)

    def prompt_finished(self, now: float) -> None:
        self.session.step(self.outcome)
        self.go(self.node.next)

    def digit(self, key: str, now: float) -> None:
        self.session.keep_typeahead(key)
        self.session.step("interrupted", digits=key)
        self.go(self.node.next)


class SayVisit(PlayVisit):
    """Reads a value back between prompts; a value that cannot be said is skipped, not misread."""

    node: Say  # type: ignore[assignment]

    def enter(self, now: float) -> None:
        value = fill(self.node.value, self.session.variables)
        try:
            spoken = _speak(self.node.as_, value, self.session.language)
        except ValueError as error:
            self.session.step("unsayable", details={"error": str(error)})
            self.go(self.node.next)
            return
        names = prompt_names(self.node.before) + spoken + prompt_names(self.node.after)
        self._play(names, self.node.barge_in, "said", now)


def _speak(kind: str, text: str, language: str) -> list[str]:
    """The prompts reading `text` as `kind`; ValueError for a value that cannot be read so."""
    if not text.strip():
        raise ValueError("There is no value to read out: the variable is empty.")
    return say.value(text.strip(), kind, language)


# --------------------------------------------------------------------------------------------
# Asking the bank's systems
# --------------------------------------------------------------------------------------------


class LookupVisit(Visit[Lookup]):
    waiting = False

    def enter(self, now: float) -> None:
        variables = self.session.variables
        if self.node.by == "caller":
            key = variables.get("caller", "")
            request = LookupCustomer(number=key)
        else:
            key = variables.get(self.node.variable, "")
            request = LookupCustomer(ref=key)
        if not key:  # nothing to look for: nobody can be found
            self._answered(None)
            return
        self.waiting = True
        self.session.emit(request)

    def digit(self, key: str, now: float) -> None:
        self.session.keep_typeahead(key)  # for the menu after the lookup

    def lookup_result(self, customer: Customer | None, now: float) -> None:
        if self.waiting:
            self.waiting = False
            self._answered(customer)

    def _answered(self, customer: Customer | None) -> None:
        if customer is None:
            self.session.step("missing")
            self.go(self.node.on_missing)
            return
        self.session.know_customer(customer, keep_language=self.node.keep_language)
        self.session.step("found", details={"customer": customer.ref, "tier": customer.tier.name})
        self.go(self.node.next)


class HttpVisit(Visit[Http]):
    waiting = False

    def enter(self, now: float) -> None:
        body = {key: fill(value, self.session.variables) for key, value in self.node.body.items()}
        self.waiting = True
        self.session.emit(HttpPost(url=self.node.url, body=body, timeout=self.node.timeout))

    def digit(self, key: str, now: float) -> None:
        self.session.keep_typeahead(key)

    def http_result(self, answer: dict[str, Any] | None, error: str, now: float) -> None:
        if not self.waiting:
            return
        self.waiting = False
        try:
            if answer is None:
                raise ValueError(error or "no answer")
            saved = {variable: _field(answer, path) for variable, path in self.node.save.items()}
        except ValueError as failure:
            self.session.step("failed", details={"error": str(failure)})
            self.go(self.node.on_failure)
            return
        self.session.variables.update(saved)
        self.session.step("ok")
        self.go(self.node.next)


def _field(answer: dict[str, Any], path: str) -> str:
    """The text of the field at `path` ("account.balance"); numbers and true/false become text."""
    value: Any = answer
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            raise ValueError(f"The answer has no field {path!r}.")
        value = value[part]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return value
    raise ValueError(f"The answer's field {path!r} is not text or a number.")


# --------------------------------------------------------------------------------------------
# Deciding and setting
# --------------------------------------------------------------------------------------------


class HoursVisit(Visit[Hours]):
    def enter(self, now: float) -> None:
        try:
            hours = parse_open_hours(self.node.open)
            holidays = frozenset(parse_date(day) for day in self.node.holidays)
            zone = ZoneInfo(self.node.timezone) if self.node.timezone else self.session.local_zone
        except (ValueError, ZoneInfoNotFoundError) as error:  # the checker turns these away
            self.session.step("closed", details={"error": str(error)})
            self.go(self.node.on_closed)
            return
        when = datetime.fromtimestamp(now, zone)
        is_now_open = is_open(hours, holidays, when)
        local_time = f"{WEEKDAYS[when.weekday()]} {when:%Y-%m-%d %H:%M}"
        self.session.step("open" if is_now_open else "closed", details={"time": local_time})
        self.go(self.node.next if is_now_open else self.node.on_closed)


class SetVisit(Visit[SetNode]):
    def enter(self, now: float) -> None:
        node, session = self.node, self.session
        filled = {name: fill(value, session.variables) for name, value in node.variables.items()}
        session.variables.update(filled)
        if node.priority is not None:
            session.priority = node.priority
        if node.language:
            session.set_language(node.language)
        details: dict[str, str] = {}
        if node.skill:
            try:
                session.skill, session.skill_level = parse_skill(node.skill)
            except ValueError as error:  # the checker turns these away
                details["error"] = str(error)
        session.step("ok", details=details)
        self.go(node.next)


class LanguageVisit(Visit[Language]):
    def enter(self, now: float) -> None:
        self.session.set_language(self.node.language)
        self.session.step("ok", details={"language": self.node.language})
        self.go(self.node.next)


class GotoVisit(Visit[Goto]):
    def enter(self, now: float) -> None:
        self.session.step("ok")
        self.go(self.node.target)
