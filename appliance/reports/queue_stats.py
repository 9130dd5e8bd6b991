"""Live statistics per queue: what the distributor holds now, and what the event log says of today.

Pure: the figures are computed from event rows, the distributor's state, the configuration and
the time passed in. docs/acd.md ("Queue statistics") has every formula; in short:

- offered: callers who entered the queue today (a caller moved by overflow is offered in each
  queue they entered; their exit is counted in the queue they left).
- answered: callers an agent answered; never also abandoned.
- abandoned: callers who hung up while waiting, after `short_abandon` seconds or more;
  short_abandoned: those who hung up sooner (counted apart, left out of every rate).
- callback requests are neither answered nor abandoned; they are counted apart.
- service_level = answered within `service_level` T seconds / answered, in percent;
  service_level_with_abandons = answered within T / (answered + abandoned).
- asa = mean wait of answered callers; aht = mean talk + wrap-up of conversations that ended
  today (callbacks included) whose wrap-up is over.
- "today" starts at local midnight in the server's time zone (see `day_start`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

import msgspec

from appliance.clock import iso
from appliance.reports.tally import DayTally, QueueDay
from appliance.store.reports import EventRow

if TYPE_CHECKING:
    from appliance.acd.distributor import Distributor
    from appliance.model import BranchConfig, Queue

__all__ = (
    "AgentCounts",
    "LiveFigures",
    "QueueStats",
    "QueueStatsReport",
    "TodayFigures",
    "day_start",
    "live_figures",
    "queue_stats_report",
    "today_figures",
    "without_clock",
)

DECIMALS = 1  # seconds and percentages are shown to a tenth


class AgentCounts(msgspec.Struct):
    """The agents who can serve the queue (they hold its skills), by what screens show for them."""

    ready: int = 0
    not_ready: int = 0
    ringing: int = 0
    on_call: int = 0
    wrapup: int = 0
    phone_unreachable: int = 0
    logged_out: int = 0


class LiveFigures(msgspec.Struct):
    """The queue now."""

    waiting: int  # callers on the line, waiting for an agent
    longest_wait: float  # seconds the longest of them has waited in this queue; 0 when none waits
    longest_waiting_since: str | None  # when they entered it (ISO, UTC), so a screen can count on its own
    callbacks_waiting: int  # callback requests keeping their place in line
    estimated_wait: float | None  # seconds a caller joining now would wait; None when no agent serves
    agents: AgentCounts


class TodayFigures(msgspec.Struct):
    """The queue since local midnight, from the event log."""

    offered: int = 0
    answered: int = 0
    answered_within_sl: int = 0
    abandoned: int = 0
    short_abandoned: int = 0
    service_level: float | None = None  # percent; None before the first answered call
    service_level_with_abandons: float | None = None  # percent
    asa: float | None = None  # seconds
    aht: float | None = None  # seconds
    handled: int = 0  # conversations the AHT is the mean of
    exits: dict[str, int] = {}  # reason (timeout, full, empty) -> callers
    callbacks_requested: int = 0
    callbacks_completed: int = 0
    callbacks_failed: int = 0


class QueueStats(msgspec.Struct):
    queue: str
    service_level_seconds: int  # T of the service level
    short_abandon_seconds: int
    live: LiveFigures
    today: TodayFigures


class QueueStatsReport(msgspec.Struct):
    at: str  # when the figures were taken (ISO, UTC)
    day_start: str  # the local midnight "today" counts from, with the server's UTC offset
    queues: list[QueueStats]


# ---- today, from the event log --------------------------------------------------------------------


def day_start(now: float) -> float:
    """Local midnight of the server's time zone (TZ, else /etc/localtime) on the day of `now`.

    A branch's server keeps the branch's local time, and "today" is the branch's business day.
    """
    return datetime.fromtimestamp(now).replace(hour=0, minute=0, second=0, microsecond=0).timestamp()


def today_figures(events: list[EventRow], queues: Iterable[Queue]) -> dict[str, TodayFigures]:
    """Each queue's figures from the day's event rows (in log order)."""
    return figures_from(DayTally().add(events), queues)


def figures_from(tally: DayTally, queues: Iterable[Queue]) -> dict[str, TodayFigures]:
    return {queue.name: _figures(tally, queue, tally.queues.get(queue.name) or QueueDay()) for queue in queues}


def _figures(tally: DayTally, queue: Queue, day: QueueDay) -> TodayFigures:
    answered_waits = list(day.answered.values())
    within = sum(1 for waited in answered_waits if waited <= queue.service_level)
    # A caller answered, moved out by the queue's rules or calling back is never also an abandon.
    gave_up = [w for call, w in day.abandoned.items()
               if call not in day.answered and call not in day.callbacks_requested and call not in day.exits]
    abandoned = sum(1 for waited in gave_up if waited >= queue.short_abandon)
    handle_times = [
        talk + tally.wrapups.get((agent, call), 0.0)
        for (call, agent), talk in day.handled.items()
        if not tally.wrapup_pending(agent, call)
    ]
    answered = len(answered_waits)
    return TodayFigures(
        offered=len(day.queued),
        answered=answered,
        answered_within_sl=within,
        abandoned=abandoned,
        short_abandoned=len(gave_up) - abandoned,
        service_level=_percent(within, answered),
        service_level_with_abandons=_percent(within, answered + abandoned),
        asa=_mean(answered_waits),
        aht=_mean(handle_times),
        handled=len(handle_times),
        exits=dict(sorted(Counter(day.exits.values()).items())),
        callbacks_requested=len(day.callbacks_requested),
        callbacks_completed=len(day.callbacks_completed),
        callbacks_failed=len(day.callbacks_failed),
    )


def _percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, DECIMALS) if whole else None


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), DECIMALS) if values else None


# ---- now, from the distributor ------------------------------------------------------------------


def live_figures(distributor: Distributor, config: BranchConfig, now: float) -> dict[str, LiveFigures]:
    waiting = distributor.waiting(now)
    states = {state.agent_id: state for state in distributor.agents()}
    figures: dict[str, LiveFigures] = {}
    for queue in config.queues:
        in_queue = [call for call in waiting if call.queue == queue.name]
        on_line = [call for call in in_queue if call.on_line]
        first_in = min((call.entered for call in on_line), default=None)
        agents = Counter(
            states[agent.id].shown_status for agent in config.agents if queue.accepts(agent) and agent.id in states
        )
        # A caller joining now comes after everyone in line, callbacks included: they keep their place.
        wait = distributor.estimated_wait(queue.name, len(in_queue) + 1, now)
        figures[queue.name] = LiveFigures(
            waiting=len(on_line),
            longest_wait=0.0 if first_in is None else round(max(0.0, now - first_in), DECIMALS),
            longest_waiting_since=None if first_in is None else iso(first_in),
            callbacks_waiting=len(in_queue) - len(on_line),
            estimated_wait=None if wait is None else round(wait, DECIMALS),
            agents=AgentCounts(**{status: agents.get(status, 0) for status in AgentCounts.__struct_fields__}),
        )
    return figures


# ---- both ---------------------------------------------------------------------------------------


def queue_stats_report(
    tally: DayTally, distributor: Distributor, config: BranchConfig, now: float, *, since: float
) -> QueueStatsReport:
    """Every queue's statistics at `now`; `tally` holds the event log from `since` (local midnight)."""
    live = live_figures(distributor, config, now)
    today = figures_from(tally, config.queues)
    queues = [
        QueueStats(q.name, q.service_level, q.short_abandon, live[q.name], today[q.name])
        for q in sorted(config.queues, key=lambda q: q.name)
    ]
    return QueueStatsReport(iso(now), datetime.fromtimestamp(since).astimezone().isoformat(), queues)


def without_clock(report: QueueStatsReport) -> QueueStatsReport:
    """The report less what moves with the clock alone: two equal ones need not both be pushed."""
    return msgspec.structs.replace(
        report,
        at="",
        queues=[
            msgspec.structs.replace(q, live=msgspec.structs.replace(q.live, longest_wait=0.0)) for q in report.queues
        ],
    )
