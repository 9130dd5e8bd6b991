"""The estimated wait told to callers, and the recent handle times it learns from.

For the caller at position k of a queue: with every serving agent busy, an agent frees up every
AHT / N seconds on average (N agents Ready, ringing, talking or in wrap-up for the queue; AHT =
the mean talk + wrap-up of the queue's last 20 calls). After the F agents free now have taken the
first F callers, the caller waits for k - F such departures: EWT = (k - F) * AHT / N.
bench/acd_sim.py measures how good that is (docs/acd.md has the figures' meaning).
"""

from __future__ import annotations

from collections import deque

__all__ = ("HANDLE_TIME_SAMPLES", "HandleTimes", "estimated_wait")

HANDLE_TIME_SAMPLES = 20  # recent calls per queue that the estimate learns from


class HandleTimes:
    """Talk + wrap-up of each queue's most recent calls."""

    def __init__(self) -> None:
        self._samples: dict[str, deque[float]] = {}

    def seed(self, queue: str, seconds: list[float]) -> None:
        """Recent handle times from the store, so the estimate is right from the first call."""
        self._samples[queue] = deque(seconds[-HANDLE_TIME_SAMPLES:], maxlen=HANDLE_TIME_SAMPLES)

    def record(self, queue: str, seconds: float) -> None:
        self._samples.setdefault(queue, deque(maxlen=HANDLE_TIME_SAMPLES)).append(seconds)

    def mean(self, queue: str, default: float) -> float:
        samples = self._samples.get(queue)
        return sum(samples) / len(samples) if samples else default


def estimated_wait(position: int, serving: int, free: int, handle_time: float) -> float | None:
    """Seconds until the caller at `position` is offered to an agent; None when nobody serves."""
    if serving <= 0:
        return None
    if position <= free:
        return 0.0
    return (position - free) * handle_time / serving
