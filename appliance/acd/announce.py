"""What a waiting caller is told, and when: position, estimated wait and the callback key.

Pure: the switchboard passes the queue's settings, the caller's position and estimate, and the
time; it gets back prompt names (from `appliance.core.say`) and the time of the next announcement.
"""

from __future__ import annotations

from appliance.core import say
from appliance.model import Queue

__all__ = ("announcement", "first_announcement_at", "next_announcement_at")


def announces(queue: Queue) -> bool:
    return queue.announce_position or queue.announce_wait or bool(queue.callback_key)


def first_announcement_at(queue: Queue, entered: float) -> float | None:
    """On entry: right away (the switchboard skips it when an agent is already being rung)."""
    return entered if announces(queue) else None


def next_announcement_at(queue: Queue, last: float) -> float | None:
    """Every `announce_every` seconds, but never closer than `announce_min_gap`; None = entry only."""
    if not announces(queue) or queue.announce_every <= 0:
        return None
    return last + max(queue.announce_every, queue.announce_min_gap)


def announcement(queue: Queue, position: int | None, wait: float | None, language: str) -> list[str]:
    """The prompts for one announcement; empty when there is nothing worth saying."""
    prompts: list[str] = []
    if queue.announce_position and position is not None:
        prompts += say.position_announcement(position, language)
    if queue.announce_wait and wait is not None:
        prompts += say.wait_announcement(wait, language, queue.announce_round)
    if queue.callback_key:
        prompts += say.callback_offer(queue.callback_key, language)
    return prompts
