"""What the distributor asks the rest of the appliance to do. Plain data; the core carries it out."""

from __future__ import annotations

import msgspec

__all__ = ("Action", "AgentChanged", "CancelOffer", "Connect", "GiveUp", "Offer", "ReleaseCaller")


class Offer(msgspec.Struct, frozen=True, tag=True):
    """Ring the agent's seat phone for this call."""

    call_id: str
    agent_id: str
    seat: str
    phone_uri: str
    ring_timeout: int


class CancelOffer(msgspec.Struct, frozen=True, tag=True):
    """Stop ringing the agent's phone (ring-no-answer, or the caller left)."""

    call_id: str
    agent_id: str
    outcome: str


class Connect(msgspec.Struct, frozen=True, tag=True):
    """The agent answered: bridge the caller and the agent's phone."""

    call_id: str
    agent_id: str
    seat: str


class GiveUp(msgspec.Struct, frozen=True, tag=True):
    """Nobody could take the call in time: the caller hears the sorry prompt and is released."""

    call_id: str
    reason: str


class ReleaseCaller(msgspec.Struct, frozen=True, tag=True):
    """The agent hung up: end the caller's leg too."""

    call_id: str


class AgentChanged(msgspec.Struct, frozen=True, tag=True):
    """An agent's state changed; the core logs it and pushes it to screens."""

    agent_id: str
    status: str
    reason: str = ""
    seat: str | None = None
    call_id: str | None = None


Action = Offer | CancelOffer | Connect | GiveUp | ReleaseCaller | AgentChanged
