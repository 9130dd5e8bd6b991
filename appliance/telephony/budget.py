"""The engine's leg budget: how many call legs may exist, counting those whose sockets are still closing.

NOTE: pjsua2 2.10 keeps a call's two media sockets reserved for about 500 ms after the call ends
(pjlib's ioqueue frees closed keys late), and when live calls plus recently ended calls pass 32
the next call setup aborts the whole process. Every decision that opens a leg asks this budget.
"""

from __future__ import annotations

from collections import deque

__all__ = ("LegBudget",)

# Sockets are freed ~0.5 s after a call ends; count the leg a little longer to be safe.
SOCKET_RELEASE_S = 0.7


class LegBudget:
    """Pure bookkeeping: the caller passes the time in, nothing here reads a clock.

    hard_limit: legs whose sockets the engine can hold at once (live plus closing).
    capacity:   live legs the appliance allows itself; also pjsua's own maxCalls, so an INVITE
                beyond it gets a stateless 486 before any socket is opened.
    margin:     INVITEs that may already sit in the SIP socket's buffer when the engine starts
                shedding; new legs stop `margin` short of the hard limit to leave them room.
    """

    def __init__(self, hard_limit: int, capacity: int, margin: int) -> None:
        if not 0 < capacity <= hard_limit - margin:
            raise ValueError(
                f"capacity {capacity} must be above 0 and at most the hard limit {hard_limit} less the margin {margin}"
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
        """New INVITEs must wait (dropped in the kernel, retransmitted by the caller) until sockets free up."""
        return self.footprint(now) >= self.hard_limit - self.margin

    def can_dial(self, now: float) -> bool:
        """Room for one more outbound leg without eating into the margin kept for inbound INVITEs."""
        return self.in_use < self.capacity and not self.must_shed(now)

    def opened(self) -> None:
        self.in_use += 1

    def released(self, now: float) -> None:
        self.in_use -= 1
        self._released.append(now)
