"""Callers waiting for an agent (on the line, or as callback requests) and the order they are served in.

The service order, across every queue an agent serves, is documented in docs/acd.md:

1. higher effective priority first, where effective priority = the caller's priority plus one
   step for every `priority_step` seconds waited (when the queue ages priorities);
2. then earlier arrival at the branch (a caller moved by overflow keeps their arrival);
3. then the order the distributor learned of them (`seq`), so two callers are never tied.

Callback requests are ordered by the same rule with the arrival of the call they came from:
they keep the caller's place and never pass someone who came earlier at the same priority.
"""

from __future__ import annotations

import math

import msgspec

from appliance.model import Queue

__all__ = ("WaitingCall", "effective_priority", "service_order")

NEVER = math.inf


class WaitingCall(msgspec.Struct):
    call_id: str
    queue: str
    arrived: float  # at the branch; keeps its place through overflow and callbacks
    entered: float  # this queue; max-wait counts from here
    seq: int
    priority: int = 0
    give_up_at: float = NEVER
    tried: set[str] = set()
    offered_to: list[str] = []  # agents whose phones ring for it now (several with ring-all)
    ring_until: float = 0.0
    callback: str | None = None  # the number to call back; None while the caller is on the line
    not_before: float = 0.0  # a callback whose last try failed waits for its retry time
    attempts: int = 0  # callback tries so far
    skill: tuple[str, int] | None = None  # beyond the queue's skills: one this caller needs (set by the IVR)
    agent: str | None = None  # only this agent may take it: a transfer to them, or their own scheduled callback

    @property
    def on_line(self) -> bool:
        return self.callback is None


def effective_priority(call: WaitingCall, queue: Queue | None, now: float) -> int:
    if queue is None or queue.priority_step <= 0:
        return call.priority
    return call.priority + int(max(0.0, now - call.arrived) // queue.priority_step)


def service_order(call: WaitingCall, queue: Queue | None, now: float) -> tuple[int, float, int]:
    return (-effective_priority(call, queue, now), call.arrived, call.seq)
