"""Pushing live figures to WebSocket subscribers as they change, never faster than a screen needs.

The server calls `notify()` after every engine event and timer tick: something may have changed.
The hub takes a snapshot at most once every `min_interval` seconds (however many notifications
came in between), and pushes it only when it differs from the last push in more than the clock;
every `heartbeat` seconds it pushes anyway, so the longest wait on a wallboard keeps moving.
A subscriber that reads slowly gets the newest snapshot, never a backlog of stale ones.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable

__all__ = ("HEARTBEAT_S", "MIN_INTERVAL_S", "StatsHub", "Subscription")

log = logging.getLogger(__name__)

MIN_INTERVAL_S = 0.25  # at most four pushes a second
HEARTBEAT_S = 5.0

# A snapshot: (what must change for a push, the payload pushed).
Snapshot = Callable[[], tuple[bytes, bytes]]


class Subscription:
    """One subscriber's mailbox: holds only the newest payload; None once the hub has closed."""

    def __init__(self) -> None:
        self._box: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=1)

    def put(self, payload: bytes | None) -> None:
        if self._box.full():
            self._box.get_nowait()  # the subscriber has not read the last one yet: it is stale now
        self._box.put_nowait(payload)

    async def get(self) -> bytes | None:
        return await self._box.get()


class StatsHub:
    def __init__(self, snapshot: Snapshot, *, min_interval: float = MIN_INTERVAL_S, heartbeat: float = HEARTBEAT_S) -> None:
        self._snapshot = snapshot
        self._min_interval = min_interval
        self._heartbeat = heartbeat
        self._subscribers: set[Subscription] = set()
        self._changed = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._last_key: bytes | None = None
        self._closed = False

    def notify(self) -> None:
        """Something may have changed; cheap enough to call after every event."""
        self._changed.set()

    def subscribe(self) -> Subscription:
        """A new subscriber gets the current snapshot at once, then every push."""
        subscription = Subscription()
        if self._closed:
            subscription.put(None)
            return subscription
        key, payload = self._snapshot()
        if not self._subscribers:
            self._last_key = key  # the first subscriber has it now; pushing it again would say nothing
        subscription.put(payload)
        self._subscribers.add(subscription)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._push_while_subscribed(), name="live-stats")
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self._subscribers.discard(subscription)

    async def stream(self) -> AsyncIterator[bytes]:
        """Payloads for one subscriber until the hub closes (or the caller stops iterating)."""
        subscription = self.subscribe()
        try:
            while (payload := await subscription.get()) is not None:
                yield payload
        finally:
            self.unsubscribe(subscription)

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)

    async def close(self) -> None:
        """Shutdown: every stream ends, so its WebSocket closes and the web server can stop."""
        self._closed = True
        for subscription in self._subscribers:
            subscription.put(None)
        self._subscribers.clear()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _push_while_subscribed(self) -> None:
        loop = asyncio.get_running_loop()
        last_push = loop.time()
        while self._subscribers:
            try:
                await asyncio.wait_for(self._changed.wait(), max(0.0, last_push + self._heartbeat - loop.time()))
            except TimeoutError:
                pass
            self._changed.clear()
            if not self._subscribers:
                return
            try:
                key, payload = self._snapshot()
            except Exception:  # a failed snapshot must not end the pushes for good
                log.exception("taking the live statistics failed")
            else:
                if key != self._last_key or loop.time() - last_push >= self._heartbeat:
                    self._last_key, last_push = key, loop.time()
                    for subscription in self._subscribers:
                        subscription.put(payload)
            await asyncio.sleep(self._min_interval)
