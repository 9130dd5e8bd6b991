"""What the distributor knows about each agent: state, reason, timers and the counters strategies use."""

from __future__ import annotations

import enum

import msgspec

__all__ = ("AgentState", "AgentStatus", "OfferOutcome")


class AgentStatus(enum.StrEnum):
    LOGGED_OUT = "logged_out"
    READY = "ready"
    NOT_READY = "not_ready"
    RINGING = "ringing"
    ON_CALL = "on_call"
    WRAPUP = "wrapup"


class OfferOutcome(enum.StrEnum):
    """How an offer to an agent's phone ended, when it did not end in a conversation."""

    NO_ANSWER = "no_answer"
    BUSY = "busy"
    UNREACHABLE = "unreachable"
    CALLER_LEFT = "caller_left"
    ANSWERED_ELSEWHERE = "answered_elsewhere"  # ring-all: another agent took it
    WITHDRAWN = "withdrawn"  # the agent paused or signed out while it rang


class AgentState(msgspec.Struct):
    agent_id: str
    name: str
    status: AgentStatus = AgentStatus.LOGGED_OUT
    reason: str = ""
    seat: str | None = None
    since: float = 0.0
    idle_since: float = 0.0  # longest-idle counts from the end of the last call or pause
    call_id: str | None = None
    wrapup_until: float = 0.0
    wrapup_extended: bool = False
    pause_after_call: str | None = None
    blocked_until: float = 0.0  # no offers before this: the delay after a miss, busy or unreachable phone
    misses: int = 0  # ring-no-answers in a row
    phone_ok: bool = True  # the seat phone answers OPTIONS pings
    # Since sign-in, for the fewest-calls and least-talk-time strategies.
    calls_by_queue: dict[str, int] = {}
    talk_seconds: float = 0.0
    calls_answered: int = 0

    @property
    def shown_status(self) -> str:
        """What screens show: a phone that stopped answering outranks Ready and Not Ready."""
        if not self.phone_ok and self.status in (AgentStatus.READY, AgentStatus.NOT_READY):
            return "phone_unreachable"
        return self.status.value

    def available(self, now: float) -> bool:
        return self.status is AgentStatus.READY and self.phone_ok and now >= self.blocked_until
