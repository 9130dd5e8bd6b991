"""What the distributor asks the rest of the appliance to do. Plain data; the core carries it out."""

from __future__ import annotations

import msgspec

__all__ = (
    "Action",
    "AgentChanged",
    "CallbackGaveUp",
    "CallbackRetry",
    "CancelOffer",
    "Connect",
    "Exit",
    "Offer",
    "ReleaseCaller",
)


class Offer(msgspec.Struct, frozen=True, tag=True):
    """Ring the agent's seat phone for this call (for a callback: before the customer is dialled)."""

    call_id: str
    agent_id: str
    seat: str
    phone_uri: str
    ring_timeout: int
    callback: str | None = None


class CancelOffer(msgspec.Struct, frozen=True, tag=True):
    """Stop ringing the agent's phone (ring-no-answer, the caller left, another agent answered)."""

    call_id: str
    agent_id: str
    outcome: str


class Connect(msgspec.Struct, frozen=True, tag=True):
    """The agent answered: bridge the caller, or for a callback dial the customer's number."""

    call_id: str
    agent_id: str
    seat: str
    callback: str | None = None


class Exit(msgspec.Struct, frozen=True, tag=True):
    """The caller leaves the queue without an agent.

    `reason` is timeout (max wait), full (queue length limit) or empty (no agent could serve);
    `destination` is the queue's overflow: sorry, callback or queue:NAME.
    """

    call_id: str
    reason: str
    destination: str


class ReleaseCaller(msgspec.Struct, frozen=True, tag=True):
    """The agent hung up: end the caller's leg too."""

    call_id: str


class CallbackRetry(msgspec.Struct, frozen=True, tag=True):
    """The customer was not reached; the callback keeps its place and is tried again later."""

    call_id: str
    attempts: int
    not_before: float


class CallbackGaveUp(msgspec.Struct, frozen=True, tag=True):
    """Every try to reach the customer failed; the request is closed as failed."""

    call_id: str
    attempts: int


class AgentChanged(msgspec.Struct, frozen=True, tag=True):
    """An agent's state changed; the core logs it (with how long the last state lasted) and pushes it."""

    agent_id: str
    status: str
    reason: str = ""
    seat: str | None = None
    call_id: str | None = None
    previous: str = ""
    previous_reason: str = ""
    previous_since: float = 0.0
    phone_ok: bool = True
    phone_changed: bool = False  # only the seat phone's reachability changed


Action = Offer | CancelOffer | Connect | Exit | ReleaseCaller | CallbackRetry | CallbackGaveUp | AgentChanged
