"""What the web handlers reach: the running switchboard, the engine's health, the store and live pushes."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import apsw
import msgspec

from appliance.clock import now
from appliance.core.switchboard import Switchboard
from appliance.reports.queue_stats import without_clock
from appliance.reports.service import QueueStatsService
from appliance.store.audit import audit
from appliance.store.users import Account
from appliance.web.auth import SignInLimiter
from appliance.web.desktop_view import DesktopViews
from appliance.web.floor_view import FloorViews
from appliance.web.live import StatsHub
from appliance.web.screen_hub import ScreenHub

__all__ = ("Services",)


@dataclass
class Services:
    conn: apsw.Connection
    switchboard: Switchboard
    engine_health: Callable[[], dict[str, Any]]
    database_health: Callable[[], dict[str, Any]]
    recordings_dir: Path | None = None  # the data directory's recordings/, for playback
    queue_stats: QueueStatsService = field(init=False)
    live: StatsHub = field(init=False)  # queue statistics pushed to wallboards and scripts
    desktops: ScreenHub = field(init=False)  # each signed-in agent's desktop pushed to their pages
    floors: ScreenHub = field(init=False)  # the floor pushed to wallboards and supervisors' pages
    sign_ins: SignInLimiter = field(init=False)

    def __post_init__(self) -> None:
        self.queue_stats = QueueStatsService(self.conn, lambda: self.switchboard.distributor, now)
        self.live = StatsHub(self._queue_stats_snapshot)
        self.desktops = ScreenHub(DesktopViews(self.conn, self.switchboard), now)
        self.floors = ScreenHub(FloorViews(self.conn, self.switchboard, self.queue_stats), now)
        self.sign_ins = SignInLimiter()

    def audit(self, user: Account, action: str, target: str | None, **details: object) -> None:
        """Record in the audit log a change the signed-in user made over the web (inside the change's
        transaction, so that both are kept or neither)."""
        audit(self.conn, time.time(), action, actor=user.username, target=target, source="web", **details)

    def notify(self) -> None:
        """Something may have changed (an engine event, a timer, a request): tell every live screen."""
        self.live.notify()
        self.desktops.notify()
        self.floors.notify()

    async def close(self) -> None:
        """Shutdown: every open WebSocket ends, so the web server can stop."""
        await self.live.close()
        await self.desktops.close()
        await self.floors.close()

    def _queue_stats_snapshot(self) -> tuple[bytes, bytes]:
        report = self.queue_stats.report()
        return msgspec.json.encode(without_clock(report)), msgspec.json.encode(report)
