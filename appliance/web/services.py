"""What the web handlers reach: the running switchboard, the engine's health, the store and live figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import apsw
import msgspec

from appliance.clock import now
from appliance.core.switchboard import Switchboard
from appliance.reports.queue_stats import without_clock
from appliance.reports.service import QueueStatsService
from appliance.web.live import StatsHub

__all__ = ("Services",)


@dataclass
class Services:
    conn: apsw.Connection
    switchboard: Switchboard
    engine_health: Callable[[], dict[str, Any]]
    database_health: Callable[[], dict[str, Any]]
    queue_stats: QueueStatsService = field(init=False)
    live: StatsHub = field(init=False)  # the server calls `live.notify()` after every event and tick

    def __post_init__(self) -> None:
        self.queue_stats = QueueStatsService(self.conn, lambda: self.switchboard.distributor, now)
        self.live = StatsHub(self._queue_stats_snapshot)

    def _queue_stats_snapshot(self) -> tuple[bytes, bytes]:
        report = self.queue_stats.report()
        return msgspec.json.encode(without_clock(report)), msgspec.json.encode(report)
