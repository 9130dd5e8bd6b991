"""The nodes that ask the caller for keys: menu, collect, survey and callback.

Each asks with a prompt the caller may interrupt (barge-in), then waits: the first key's
timeout counts from the prompt's end, later keys have their own shorter timeout. A wrong answer
or silence replays the question after a short notice, up to the node's retries, and then the
call goes on to the node's failure path. Keys typed ahead during an earlier prompt are taken
first: when they decide, the question is not asked at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from appliance.core import say
from appliance.ivr.actions import RequestCallback, SaveSurvey
from appliance.ivr.nodes import Callback, Collect, Menu, Prompts, Survey, prompt_names
from appliance.ivr.values import luhn_ok
from appliance.ivr.visits import Visit

if TYPE_CHECKING:
    from appliance.ivr.interpreter import Session

__all__ = ("CallbackVisit", "CollectVisit", "MenuVisit", "SurveyVisit", "shown_digits")

MENU_KEY_TIMEOUT = 3.0  # seconds between the keys of a choice longer than one key
CALLBACK_DIGIT_TIMEOUT = 4.0  # seconds between the keys of a callback number
CALLBACK_RETRIES = 2  # wrong keys or numbers before the callback node gives up
INVALID_CHOICE = "invalid-choice"
INVALID_ENTRY = "invalid-entry"
SURVEY_SCORES = frozenset("12345")
CARD_LENGTHS = range(12, 20)  # digits in a payment card number
SHOWN_DIGITS = 4  # of a card number, on screens and in reports

N = TypeVar("N", Menu, Collect, Survey, Callback)


def shown_digits(entry: str, validate: str = "none") -> str:
    """What the call's path shows of an entry: a card number (or anything entered where one is
    asked for) keeps only its last digits, as on a receipt."""
    if len(entry) > SHOWN_DIGITS and (validate == "luhn" or (len(entry) in CARD_LENGTHS and luhn_ok(entry))):
        return "*" * (len(entry) - SHOWN_DIGITS) + entry[-SHOWN_DIGITS:]
    return entry


class _Asking(Visit[N]):
    """Asks a question and waits for keys, replaying it after a wrong answer or silence."""

    def __init__(self, session: Session, node: N) -> None:
        super().__init__(session, node)
        self.replays = 0
        self.buffer = ""

    @property
    def retries(self) -> int:
        return self.node.retries  # type: ignore[union-attr]

    def question(self) -> list[str]:
        return prompt_names(self.node.prompt)  # type: ignore[union-attr]

    def ask(self, now: float, notice: Prompts | tuple[()] = ()) -> None:
        """Play `notice` (why we ask again) and the question; the clock starts when they end."""
        self.deadline = None
        if not self.session.play([*prompt_names(notice), *self.question()], barge_in=True):
            self.deadline = now + self.node.timeout

    def prompt_finished(self, now: float) -> None:
        self.deadline = now + self.node.timeout

    def retry(
        self, outcome: str, digits: str, notice: Prompts | tuple[()], now: float, details: dict[str, str] | None = None
    ) -> bool:
        """Record the failed attempt and ask again; False when no replays are left."""
        self.session.step(outcome, digits=digits, details=details)
        self.buffer = ""
        if self.replays >= self.retries:
            return False
        self.replays += 1
        self.ask(now, notice)
        return True

    def answer_from_typeahead(self, now: float) -> bool:
        """Take the keys typed ahead; True when they answered (or started answering) the question.
        Keys after the deciding one stay typed ahead for the next node."""
        keys = self.session.take_typeahead()
        for position, key in enumerate(keys):
            self.digit(key, now)
            if self.left:
                self.session.keep_typeahead(keys[position + 1 :])
                return True
            if self.session.playing:  # asked again after a wrong key: the keys after it are stale
                return True
        return bool(keys)


class MenuVisit(_Asking[Menu]):
    def enter(self, now: float) -> None:
        if not self.answer_from_typeahead(now):
            self.ask(now)

    def digit(self, key: str, now: float) -> None:
        self.buffer += key
        choices = self.node.choices
        if self.buffer in choices:
            self.session.step("choice", digits=self.buffer)
            self.go(choices[self.buffer])
        elif any(choice.startswith(self.buffer) for choice in choices):
            self.deadline = now + MENU_KEY_TIMEOUT  # a longer choice may follow
        else:
            self._invalid(now)

    def timeout(self, now: float) -> None:
        if self.buffer:
            self._invalid(now)
        elif not self.retry("timeout", "", self.node.timeout_prompt, now):
            self.go(self.node.on_timeout)

    def _invalid(self, now: float) -> None:
        if not self.retry("invalid", self.buffer, self.node.invalid_prompt, now):
            self.go(self.node.on_invalid)


class CollectVisit(_Asking[Collect]):
    def enter(self, now: float) -> None:
        if not self.answer_from_typeahead(now):
            self.ask(now)

    def digit(self, key: str, now: float) -> None:
        node = self.node
        if node.terminator and key == node.terminator:
            self._finish(now)
            return
        self.buffer += key
        if len(self.buffer) >= node.max_digits:
            self._finish(now)
        else:
            self.deadline = now + node.digit_timeout

    def timeout(self, now: float) -> None:
        if self.buffer:
            self._finish(now)
        elif not self.retry("timeout", "", self.node.timeout_prompt, now):
            self.go(self.node.on_timeout)

    def _finish(self, now: float) -> None:
        node, entry = self.node, self.buffer
        shown = shown_digits(entry, node.validate)
        if len(entry) < node.min_digits:
            problem = f"fewer than {node.min_digits} digits"
        elif node.validate == "luhn" and not luhn_ok(entry):
            problem = "not a card number"
        else:
            self.session.variables[node.variable] = entry
            self.session.step("ok", digits=shown)
            self.go(node.next)
            return
        if not self.retry("invalid", shown, node.invalid_prompt, now, details={"error": problem}):
            self.go(node.on_invalid)


class SurveyVisit(_Asking[Survey]):
    thanking = False

    def enter(self, now: float) -> None:
        if not self.answer_from_typeahead(now):
            self.ask(now)

    def digit(self, key: str, now: float) -> None:
        if self.thanking:
            return
        if key in SURVEY_SCORES:
            self.session.step("score", digits=key)
            self.session.emit(SaveSurvey(score=int(key)))
            self.thanking = True
            if not self.session.play(prompt_names(self.node.thanks), barge_in=False):
                self.end("survey done")
        elif not self.retry("invalid", key, self.node.invalid_prompt, now):
            self.end("survey not answered")

    def timeout(self, now: float) -> None:
        if not self.retry("timeout", "", (), now):
            self.end("survey not answered")

    def prompt_finished(self, now: float) -> None:
        if self.thanking:
            self.end("survey done")
        else:
            super().prompt_finished(now)


class CallbackVisit(_Asking[Callback]):
    """Confirm the caller's own number, or have them enter one and confirm that; then book it."""

    phase = "confirm"  # confirm -> (enter -> confirm ->) done

    def enter(self, now: float) -> None:
        self.session.take_typeahead()  # nobody confirms a number before hearing it
        self.number = usable_number(self.session.variables.get("caller", ""))
        self.phase = "confirm" if self.number else "enter"
        self.ask(now)

    @property
    def retries(self) -> int:
        return CALLBACK_RETRIES

    def question(self) -> list[str]:
        node = self.node
        if self.phase == "enter":
            return prompt_names(node.enter_prompt)
        try:
            read_back = say.digits(self.number.lstrip("+"), self.session.language)
        except ValueError:  # a language without recorded digits: ask without reading back
            read_back = []
        return [*prompt_names(node.confirm_prompt), *read_back, *prompt_names(node.confirm_choices_prompt)]

    def digit(self, key: str, now: float) -> None:
        if self.phase == "done":
            return
        node = self.node
        if self.phase == "confirm":
            if key == node.confirm_key:
                self._book(key)
            elif key == node.other_key:
                self.phase = "enter"
                self.ask(now)
            elif not self.retry("invalid", key, INVALID_CHOICE, now):
                self.go(node.on_timeout)
        elif key == "#":
            self._finish(now)
        elif key.isdigit():
            self.buffer += key
            if len(self.buffer) >= node.max_digits:
                self._finish(now)
            else:
                self.deadline = now + CALLBACK_DIGIT_TIMEOUT
        else:  # * or a letter is no part of a number; it may have cut the question short: keep the clock going
            self.deadline = now + (CALLBACK_DIGIT_TIMEOUT if self.buffer else node.timeout)

    def timeout(self, now: float) -> None:
        if self.phase == "enter" and self.buffer:
            self._finish(now)
        else:
            self.session.step("timeout")
            self.go(self.node.on_timeout)

    def prompt_finished(self, now: float) -> None:
        if self.phase == "done":
            self.end("callback requested")
        else:
            super().prompt_finished(now)

    def _finish(self, now: float) -> None:
        node, entry = self.node, self.buffer
        if node.min_digits <= len(entry) <= node.max_digits:
            self.buffer, self.number, self.phase = "", entry, "confirm"
            self.session.step("entered", digits=entry)
            self.ask(now)
        elif not self.retry("invalid", entry, INVALID_ENTRY, now):
            self.go(node.on_timeout)

    def _book(self, key: str) -> None:
        self.phase = "done"
        self.deadline = None
        self.session.step("requested", digits=key, details={"number": self.number})
        self.session.emit(RequestCallback(queue=self.node.queue, number=self.number))
        if not self.session.play(prompt_names(self.node.done_prompt), barge_in=False):
            self.end("callback requested")


def usable_number(number: str) -> str:
    """The caller's number if it can be dialled back: 5 to 15 digits, perhaps after a +."""
    digits = number[1:] if number.startswith("+") else number
    return number if 5 <= len(digits) <= 15 and digits.isascii() and digits.isdigit() else ""
