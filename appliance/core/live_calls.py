"""A caller the switchboard is looking after, and what the desktop may see of one."""

from __future__ import annotations

import msgspec

from appliance.store.records import CallRecord

__all__ = ("CallView", "LiveCall")


class LiveCall(msgspec.Struct):
    record: CallRecord
    arrived: float
    # welcome | ivr -> queued -> talking [-> survey | -> queued (transfer) | -> outside] | leaving | callback-offer -> ended
    phase: str = "welcome"
    priority: int = 0
    skill: tuple[str, int] | None = None  # set by the IVR: the agent must have it too
    survey_after: bool = False  # the IVR takes the caller back when the agent hangs up
    entered: float = 0.0  # the current queue
    agent_leg: str | None = None  # the answered agent's leg
    visited: list[str] = []  # queues, so overflow never loops
    next_announcement: float | None = None
    key_deadline: float = 0.0  # callback-offer: when the offer lapses
    talk_started: float = 0.0
    held_since: float = 0.0  # the agent put the caller on hold (music) at this time; 0 when not held
    released_by_us: str | None = None  # ended_by when the appliance ends the caller's leg


class CallView(msgspec.Struct, frozen=True):
    """What the desktop shows of a live caller."""

    call_id: str
    caller: str
    queue: str | None
    phase: str
    arrived: float
    entered: float  # the current queue
    talk_started: float
    held_since: float
    customer_ref: str | None
    flow: str | None
