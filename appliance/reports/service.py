"""Queue statistics for the running server: follows the event log and asks the distributor.

The day's event rows are read once; each later report reads only the rows logged since the
last one, so a wallboard refreshed several times a second costs a few rows, not the day.
At local midnight the tally starts again from an empty day.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import apsw

from appliance.errors import NotFound
from appliance.reports.queue_stats import QueueStatsReport, day_start, queue_stats_report
from appliance.reports.tally import KINDS, DayTally
from appliance.store.config import load_config
from appliance.store.database import data_version
from appliance.store.reports import events_since

if TYPE_CHECKING:
    from appliance.acd.distributor import Distributor
    from appliance.model import BranchConfig

__all__ = ("QueueStatsService",)


class QueueStatsService:
    def __init__(self, conn: apsw.Connection, distributor: Callable[[], Distributor], clock: Callable[[], float]) -> None:
        self._conn = conn
        self._distributor = distributor
        self._clock = clock
        self._since = 0.0
        self._tally = DayTally()
        self._last_id = 0
        self._config: BranchConfig | None = None
        self._config_version = -1

    def report(self, queue: str | None = None) -> QueueStatsReport:
        """Every queue's statistics now, or one queue's."""
        now = self._clock()
        config = self._current_config()
        if queue is not None and config.queue(queue) is None:
            raise NotFound(f"queue {queue!r} does not exist: 'branchline queue list' shows the queues.", queue=queue)
        self._follow_log(now)
        report = queue_stats_report(self._tally, self._distributor(), config, now, since=self._since)
        if queue is not None:
            report.queues = [q for q in report.queues if q.queue == queue]
        return report

    def _follow_log(self, now: float) -> None:
        midnight = day_start(now)
        if midnight != self._since:
            self._since, self._tally, self._last_id = midnight, DayTally(), 0
        rows = events_since(self._conn, self._since, KINDS, after_id=self._last_id)
        if rows:
            self._tally.add(rows)
            self._last_id = rows[-1].id

    def _current_config(self) -> BranchConfig:
        # Queues' thresholds and agents' skills come from the database, re-read only when the CLI
        # (another connection) has changed it, as the server's own configuration watch does.
        version = data_version(self._conn)
        if self._config is None or version != self._config_version:
            self._config, self._config_version = load_config(self._conn), version
        return self._config
