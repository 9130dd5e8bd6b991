"""Pushing each signed-in user's screen (their desktop, or the floor) to their open pages the
moment anything changes.

A hub serves one kind of screen, built per user by its `views` (`build(account, now, figures)`,
`live_figures(now)`, a `server_time` field left out when comparing). The server calls `notify()`
after every engine event, timer tick and desktop action. One task then rebuilds the screen of
every user with a page open (the queues' figures once for all of them) and pushes it to that
user's pages when it differs from their last one. Pushing at once,
not on a timer, is what lets a screen pop reach the page while the phone starts ringing; a page
that reads slowly gets the newest desktop, never a backlog (see `live.Subscription`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable

import msgspec

from appliance.store.users import Account
from appliance.web.desktop_view import DesktopViews
from appliance.web.live import Subscription

__all__ = ("ScreenHub",)

log = logging.getLogger(__name__)

REST_FACTOR = 2.0  # after a round of pushes, rest this many times as long as it took


class _Viewer:
    def __init__(self, account: Account) -> None:
        self.account = account
        self.subscriptions: set[Subscription] = set()
        self.last: bytes = b""  # the last desktop pushed, without its clock


class ScreenHub:
    def __init__(self, views: DesktopViews, clock: Callable[[], float]) -> None:
        self.views = views
        self._clock = clock
        self._viewers: dict[int, _Viewer] = {}  # user id -> their open pages
        self._changed = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._closed = False

    def notify(self) -> None:
        self._changed.set()

    def screen(self, account: Account) -> bytes:
        return msgspec.json.encode(self.views.build(account, self._clock()))

    def subscribe(self, account: Account) -> Subscription:
        subscription = Subscription()
        if self._closed:
            subscription.put(None)
            return subscription
        viewer = self._viewers.setdefault(account.id, _Viewer(account))
        viewer.account = account  # a language switch or new team shows on the next push
        desktop = self.views.build(account, self._clock())
        viewer.last = _without_clock(desktop)
        subscription.put(msgspec.json.encode(desktop))
        viewer.subscriptions.add(subscription)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._push_while_watched(), name="desktops")
        return subscription

    def unsubscribe(self, account: Account, subscription: Subscription) -> None:
        viewer = self._viewers.get(account.id)
        if viewer is None:
            return
        viewer.subscriptions.discard(subscription)
        if not viewer.subscriptions:
            del self._viewers[account.id]

    def account_changed(self, account: Account) -> None:
        """The user's account changed (language): their pages get a fresh desktop."""
        viewer = self._viewers.get(account.id)
        if viewer is not None:
            viewer.account, viewer.last = account, b""
            self.notify()

    async def stream(self, account: Account) -> AsyncIterator[bytes]:
        subscription = self.subscribe(account)
        try:
            while (payload := await subscription.get()) is not None:
                yield payload
        finally:
            self.unsubscribe(account, subscription)

    @property
    def pages(self) -> int:
        return sum(len(v.subscriptions) for v in self._viewers.values())

    async def close(self) -> None:
        self._closed = True
        for viewer in self._viewers.values():
            for subscription in viewer.subscriptions:
                subscription.put(None)
        self._viewers.clear()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _push_while_watched(self) -> None:
        loop = asyncio.get_running_loop()
        while self._viewers:
            await self._changed.wait()
            self._changed.clear()
            started = loop.time()
            try:
                self._push_changed()
            except Exception:  # one failed build must not stop every screen for good
                log.exception("building the %s screens failed", type(self.views).__name__)
            # A round costs about 0.3 ms per open desktop. Under a stream of events, rest twice as
            # long as it took before the next, so pushes never take more than a third of the loop;
            # the first change after a quiet spell (a phone starting to ring) still goes at once.
            await asyncio.sleep(REST_FACTOR * (loop.time() - started))

    def _push_changed(self) -> None:
        now = self._clock()
        figures = self.views.live_figures(now)
        for viewer in list(self._viewers.values()):
            desktop = self.views.build(viewer.account, now, figures)
            key = _without_clock(desktop)
            if key == viewer.last:
                continue
            viewer.last = key
            payload = msgspec.json.encode(desktop)
            for subscription in viewer.subscriptions:
                subscription.put(payload)


def _without_clock(desktop) -> bytes:
    return msgspec.json.encode(msgspec.structs.replace(desktop, server_time=""))
