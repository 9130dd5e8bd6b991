"""An agent's "My day": today's figures from the event log, wrap-ups and surveys.

Formulas (the day starts at local midnight, as every "today" figure does):
- time in each state: the agent events' lengths (each event carries the length of the state it
  ends), clipped to today, plus the state the agent is in now;
- signed in = every state but logged_out; calls handled = conversations that ended today
  (completed by either side, or passed on by a transfer);
- calls per hour = handled ÷ signed-in hours; average handle = (on call + wrap-up) ÷ handled;
- first-contact resolution = wrap-ups marked FCR ÷ wrap-ups; satisfaction = mean survey score;
- utilisation = (on call + wrap-up) ÷ signed in. A figure with nothing to divide by is None.
"""

from __future__ import annotations

from collections.abc import Iterable

import apsw
import msgspec

from appliance.acd.distributor import AgentState
from appliance.clock import iso, parse_iso
from appliance.reports.queue_stats import day_start

__all__ = ("MyDay", "StateSpan", "compute_my_day", "my_day")

STATES = ("ready", "not_ready", "ringing", "on_call", "wrapup")


class StateSpan(msgspec.Struct, frozen=True):
    """A state the agent was in, ending at `ended` after `length` seconds."""

    status: str
    ended: float
    length: float


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
    seconds = dict.fromkeys(STATES, 0.0)
    for span in spans:
        if span.status in seconds:
            start, end = max(span.ended - span.length, since), min(span.ended, now)
            seconds[span.status] += max(0.0, end - start)
    signed_in = sum(seconds.values())
    handling = seconds["on_call"] + seconds["wrapup"]
    return MyDay(
        calls_handled=handled,
        calls_per_hour=_ratio(handled, signed_in / 3600),
        average_handle_s=_ratio(handling, handled),
        fcr_rate=_ratio(sum(fcr), len(fcr)),
        satisfaction=_ratio(sum(scores), len(scores)),
        utilisation=_ratio(handling, signed_in),
        signed_in_s=round(signed_in, 1),
        state_seconds={k: round(v, 1) for k, v in seconds.items()},
    )


def _ratio(part: float, whole: float) -> float | None:
    return round(part / whole, 3) if whole > 0 else None


def my_day(conn: apsw.Connection, agent: AgentState, now: float) -> MyDay:
    since = day_start(now)
    spans, handled = [], 0
    for at, kind, details in conn.execute(
        "SELECT at, kind, details FROM events WHERE agent_id = ? AND at >= ? AND"
        " (kind LIKE 'agent\\_%' ESCAPE '\\' OR kind IN ('call_completed', 'call_transferred')) ORDER BY id",
        (agent.agent_id, iso(since)),
    ):
        fields = msgspec.json.decode(details)
        if kind in ("call_completed", "call_transferred"):
            handled += 1
        elif fields.get("duration") is not None and fields.get("previous"):
            spans.append(StateSpan(fields["previous"], parse_iso(at), fields["duration"]))
    if agent.status.value != "logged_out":
        spans.append(StateSpan(agent.status.value, now, now - agent.since))
    fcr = [bool(f) for (f,) in conn.execute(
        "SELECT fcr FROM wrapups WHERE agent_id = ? AND at >= ?", (agent.agent_id, iso(since)))]
    scores = [s for (s,) in conn.execute(
        "SELECT score FROM surveys WHERE agent_id = ? AND at >= ?", (agent.agent_id, iso(since)))]
    return compute_my_day(spans, handled, fcr, scores, since, now)
