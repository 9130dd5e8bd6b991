"""A caller on the phone, for driving an interpreter `Session` as the core would: prompts play
until told to finish, keys are pressed, time passes and the timers due are ticked."""

from __future__ import annotations

from typing import Any

import msgspec

from appliance.ivr.actions import Action, EndCall, PlayPrompts, Step, StopPrompt
from appliance.ivr.interpreter import Session
from appliance.ivr.nodes import Flow

T0 = 1_741_000_000.0  # a fixed clock: 2025-03-03 11:06:40 UTC, a Monday
CALLER = "0301234567"


def make_flow(nodes: dict[str, dict[str, Any]], start: str = "start", languages: tuple[str, ...] = ("en", "zh")) -> Flow:
    return msgspec.convert({"name": "test", "start": start, "languages": list(languages), "nodes": nodes}, Flow)


class Caller:
    def __init__(self, flow: Flow, *, caller: str = CALLER, language: str = "en", now: float = T0, **options: Any) -> None:
        variables = {"caller": caller, "did": "100", "call_id": "c1"}
        self.session = Session(flow, variables, language, **options)
        self.now = now
        self.actions: list[Action] = []
        self.playing: PlayPrompts | None = None

    # ---- doing things -------------------------------------------------------------------------

    def start(self) -> list[Action]:
        return self._take(self.session.start(self.now))

    def finish_prompt(self) -> list[Action]:
        assert self.playing is not None, "no prompt is playing"
        label, self.playing = self.playing.label, None
        return self._take(self.session.prompt_finished(label, self.now))

    def listen(self) -> list[Action]:
        """Hear every prompt to its end until the session waits for something else."""
        out: list[Action] = []
        while self.playing is not None:
            out += self.finish_prompt()
        return out

    def press(self, keys: str) -> list[Action]:
        out: list[Action] = []
        for key in keys:
            out += self._take(self.session.digit(key, self.now))
        return out

    def wait(self, seconds: float) -> list[Action]:
        """Let `seconds` pass, ticking each timer when it is due."""
        end = self.now + seconds
        out: list[Action] = []
        while (deadline := self.session.next_deadline()) is not None and deadline <= end:
            self.now = max(self.now, deadline)
            out += self._take(self.session.tick(self.now))
        self.now = end
        return out

    def answer(self, method: str, *args: Any) -> list[Action]:
        """Answer a request: `answer("lookup_result", customer)`, `answer("http_result", {...}, "")`."""
        return self._take(getattr(self.session, method)(*args, self.now))

    def _take(self, actions: list[Action]) -> list[Action]:
        self.actions += actions
        for action in actions:
            if isinstance(action, PlayPrompts):
                self.playing = action
            elif isinstance(action, StopPrompt):
                self.playing = None
        return actions

    # ---- what happened ------------------------------------------------------------------------

    def path(self) -> list[tuple[str, str, str]]:
        """(node, outcome, digits) of every step so far."""
        return [(a.node, a.outcome, a.digits) for a in self.actions if isinstance(a, Step)]

    def heard(self) -> list[tuple[str, ...]]:
        """The prompt lists played so far, in order."""
        return [a.names for a in self.actions if isinstance(a, PlayPrompts)]

    def ended(self) -> EndCall | None:
        ends = [a for a in self.actions if isinstance(a, EndCall)]
        assert len(ends) <= 1, f"the call ended {len(ends)} times"
        return ends[0] if ends else None

    def of(self, kind: type) -> list[Any]:
        return [a for a in self.actions if isinstance(a, kind)]
