"""An agent's "My day": today's figures, from the team KPI engine (appliance/teamwork/kpi.py,
docs/teams.md "KPIs per agent per day") applied to today so far.

The day starts at local midnight; the state the agent is in now counts up to now. Calls per
hour, average handle, first-contact resolution, satisfaction and utilisation are that engine's
KPIs for today (utilisation's paid time: the rostered shift so far, else signed-in time).
A figure with nothing to divide by is None.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import apsw
import msgspec

from appliance.acd.distributor import AgentState
from appliance.reports.queue_stats import day_start
from appliance.teamwork.kpi import AgentDay, AgentHistory, Calendar, CallEnd, StateSpan, tally
from appliance.teamwork.kpi_source import agent_days

__all__ = ("MyDay", "StateSpan", "compute_my_day", "my_day")

DAY_S = 86400.0  # only as the calendar's end for the pure computation; "now" comes first anyway


class MyDay(msgspec.Struct):
    calls_handled: int
    calls_per_hour: float | None
    average_handle_s: float | None
    fcr_rate: float | None
    satisfaction: float | None
    utilisation: float | None
    signed_in_s: float
    state_seconds: dict[str, float]


def compute_my_day(spans: Iterable[StateSpan], handled: int, fcr: list[bool], scores: list[int],
                   since: float, now: float) -> MyDay:
    """Today's figures from plain values (no roster): the spans, `handled` conversations ended
    today, the wrap-ups' FCR marks and the survey scores."""
    history = AgentHistory("", spans=list(spans), calls=[CallEnd(since)] * handled,
                           wrapups=[(since, f) for f in fcr], surveys=[(since, s) for s in scores])
    day = time.strftime("%Y-%m-%d", time.localtime(since))
    (today,) = tally(history, Calendar((day,), (since, since + DAY_S)), until=now)
    return _figures(today)


def my_day(conn: apsw.Connection, agent: AgentState, now: float) -> MyDay:
    day = time.strftime("%Y-%m-%d", time.localtime(day_start(now)))
    live = {}
    if agent.status.value != "logged_out":
        live[agent.agent_id] = StateSpan(agent.status.value, now, now - agent.since, agent.reason)
    (today,) = agent_days(conn, day, day, [agent.agent_id], until=now, live=live)
    return _figures(today)


def _figures(day: AgentDay) -> MyDay:
    return MyDay(
        calls_handled=day.handled,
        calls_per_hour=_rounded(day.value("calls_per_hour")),
        average_handle_s=_rounded(day.value("aht_s")),
        fcr_rate=_rounded(day.value("fcr_rate")),
        satisfaction=_rounded(day.value("satisfaction")),
        utilisation=_rounded(day.value("utilisation")),
        signed_in_s=round(day.signed_in_s, 1),
        state_seconds={k: round(v, 1) for k, v in day.state_seconds().items()},
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
