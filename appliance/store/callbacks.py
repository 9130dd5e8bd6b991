"""Callback requests: callers who left the line and keep their place until an agent calls them back."""

from __future__ import annotations

import apsw
import msgspec

from appliance.clock import iso, parse_iso

__all__ = ("CallbackRequest", "open_callbacks", "save_callback_request", "update_callback")


class CallbackRequest(msgspec.Struct, frozen=True):
    call_id: str
    queue: str
    number: str
    priority: int
    arrived: float  # the original call's arrival: the request's place in line
    attempts: int = 0
    not_before: float = 0.0


def save_callback_request(
    conn: apsw.Connection, call_id: str, queue: str, number: str, priority: int, arrived: float, now: float
) -> None:
    conn.execute(
        "INSERT INTO callbacks (id, queue, number, priority, arrived_at, requested_at, status, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
        (call_id, queue, number, priority, iso(arrived), iso(now), iso(now)),
    )


def update_callback(
    conn: apsw.Connection,
    call_id: str,
    now: float,
    *,
    status: str,
    attempts: int | None = None,
    next_try_at: str | None = None,
    agent_id: str | None = None,
) -> None:
    conn.execute(
        "UPDATE callbacks SET status = ?, attempts = coalesce(?, attempts), next_try_at = ?,"
        " agent_id = coalesce(?, agent_id), updated_at = ? WHERE id = ?",
        (status, attempts, next_try_at, agent_id, iso(now), call_id),
    )


def open_callbacks(conn: apsw.Connection) -> list[CallbackRequest]:
    """Requests still to be served; one that was being dialled when the server stopped is pending again."""
    rows = conn.execute(
        "SELECT id, queue, number, priority, arrived_at, attempts, next_try_at FROM callbacks"
        " WHERE status IN ('pending', 'dialling') ORDER BY arrived_at, id"
    ).fetchall()
    return [
        CallbackRequest(call_id, queue, number, priority, parse_iso(arrived), attempts,
                        parse_iso(next_try) if next_try else 0.0)
        for call_id, queue, number, priority, arrived, attempts, next_try in rows
    ]
