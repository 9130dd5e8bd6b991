"""The engine's leg budget: how many call legs may exist, counting those whose sockets are still closing.

NOTE: pjsua2 2.10 keeps a call's two media sockets reserved for about 500 ms after the call ends
(pjlib's ioqueue frees closed keys late), and when live calls plus recently ended calls pass 32
the next call setup aborts the whole process.

Why the rule below is safe: pjsua itself refuses any INVITE beyond `capacity` live legs with a
stateless 486 before it opens a socket (its maxCalls), so live legs never pass `capacity`. A call
that ends moves a leg from live to closing: the sum does not grow. Only new legs make it grow,
and there can be at most `capacity - live` of them, so live + closing stays at or below
`capacity + closing`. Keeping closing legs at or below `hard_limit - capacity - margin` therefore
keeps the sum within the hard limit, whatever arrives. When more calls than that have just ended,
the engine sheds: new INVITEs are dropped in the kernel (their senders retransmit 0.5 s later)
and no leg is dialled until enough sockets are free. `margin` covers calls that end within one
poll of the engine, before the filter is updated.
"""

from __future__ import annotations

from collections import deque

__all__ = ("LegBudget",)

# pjlib frees a closed socket's ioqueue key 500 ms after the close, at its next poll.
SOCKET_RELEASE_S = 0.6


class LegBudget:
    """Pure bookkeeping: the caller passes the time in, nothing here reads a clock."""

    def __init__(self, hard_limit: int, capacity: int, margin: int) -> None:
        if not 0 < capacity < hard_limit - margin:
            raise ValueError(
                f"capacity {capacity} must be above 0 and below the hard limit {hard_limit} less the margin {margin}"
            )
        self.hard_limit = hard_limit
        self.capacity = capacity
        self.margin = margin
        self.in_use = 0
        self._released: deque[float] = deque()

    def _expire(self, now: float) -> None:
        while self._released and now - self._released[0] >= SOCKET_RELEASE_S:
            self._released.popleft()

    def closing(self, now: float) -> int:
        """Legs that ended but whose sockets may still be held."""
        self._expire(now)
        return len(self._released)

    def footprint(self, now: float) -> int:
        return self.in_use + self.closing(now)

    def must_shed(self, now: float) -> bool:
        """True while so many legs are closing that filling the capacity could pass the hard limit."""
        return self.capacity + self.closing(now) + self.margin > self.hard_limit

    def can_dial(self, now: float) -> bool:
        return self.in_use < self.capacity and not self.must_shed(now)

    def opened(self) -> None:
        self.in_use += 1

    def released(self, now: float) -> None:
        self.in_use -= 1
        self._released.append(now)
