"""Agents' state changes as event-log entries: the record every agent report is computed from.

The kinds (agent_<status>, agent_phone_reachable/unreachable, agent_seat_changed) and their
fields are listed in docs/acd.md.
"""

from __future__ import annotations

import apsw

from appliance.acd.actions import AgentChanged
from appliance.store.records import append_event

__all__ = ("log_agent_change", "seconds")


def log_agent_change(conn: apsw.Connection, change: AgentChanged, queue: str | None, now: float) -> None:
    """Log one change. `queue`: the queue of the call the agent is being offered, if any."""
    if change.phone_changed:
        kind = "agent_phone_reachable" if change.phone_ok else "agent_phone_unreachable"
        append_event(conn, now, kind, agent_id=change.agent_id, seat=change.seat, status=change.status)
        return
    if (change.status, change.reason) == (change.previous, change.previous_reason):  # same state, new seat
        append_event(conn, now, "agent_seat_changed", agent_id=change.agent_id, seat=change.seat, status=change.status)
        return
    if change.status == "wrapup":
        queue = change.reason  # wrap-up's reason is the queue whose call it follows
    append_event(conn, now, f"agent_{change.status}", call_id=change.call_id, queue=queue,
                 agent_id=change.agent_id, seat=change.seat, reason=change.reason, previous=change.previous,
                 previous_reason=change.previous_reason,
                 # Time signed out is not a state an agent is "in": its length is not reported.
                 duration=None if change.previous == "logged_out" else seconds(now - change.previous_since))


def seconds(value: float) -> float:
    """A length of time as the event log keeps it: never negative, to the millisecond."""
    return round(max(0.0, value), 3)
