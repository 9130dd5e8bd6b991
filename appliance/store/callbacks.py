"""Callback requests: callers who left the line and keep their place until an agent calls them back."""

from __future__ import annotations

import apsw
import msgspec

from appliance.clock import iso, parse_iso

__all__ = ("CallbackRequest", "CallbackTask", "callback_tasks", "open_callbacks", "save_callback_request", "update_callback")


class CallbackRequest(msgspec.Struct, frozen=True):
    call_id: str
    queue: str
    number: str
    priority: int
    arrived: float  # the original call's arrival: the request's place in line
    attempts: int = 0
    not_before: float = 0.0
    source: str = "queue"  # queue (the key or overflow) | ivr | agent (scheduled in wrap-up)
    owner: str | None = None  # the agent who scheduled it: only they are offered it
    notes: str | None = None


class CallbackTask(msgspec.Struct, frozen=True):
    """A callback as an agent's task list shows it."""

    id: str
    number: str
    queue: str
    source: str
    status: str
    attempts: int
    due_at: str | None
    owner: str | None
    notes: str | None
    requested_at: str


def save_callback_request(conn: apsw.Connection, request: CallbackRequest, now: float) -> None:
    conn.execute(
        "INSERT INTO callbacks (id, queue, number, priority, arrived_at, requested_at, status, updated_at,"
        " next_try_at, source, owner, notes) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)",
        (request.call_id, request.queue, request.number, request.priority, iso(request.arrived), iso(now), iso(now),
         iso(request.not_before) if request.not_before else None, request.source, request.owner, request.notes),
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
        "SELECT id, queue, number, priority, arrived_at, attempts, next_try_at, source, owner, notes FROM callbacks"
        " WHERE status IN ('pending', 'dialling') ORDER BY arrived_at, id"
    ).fetchall()
    return [
        CallbackRequest(call_id, queue, number, priority, parse_iso(arrived), attempts,
                        parse_iso(next_try) if next_try else 0.0, source, owner, notes)
        for call_id, queue, number, priority, arrived, attempts, next_try, source, owner, notes in rows
    ]


def callback_tasks(conn: apsw.Connection, agent_id: str, queues: list[str], limit: int = 50) -> list[CallbackTask]:
    """An agent's list: their own scheduled callbacks and the open ones of queues they serve, due first."""
    marks = ", ".join("?" * len(queues)) or "NULL"
    rows = conn.execute(
        "SELECT id, number, queue, source, status, attempts, next_try_at, owner, notes, requested_at FROM callbacks"
        f" WHERE status IN ('pending', 'dialling') AND (owner = ? OR (owner IS NULL AND queue IN ({marks})))"
        " ORDER BY coalesce(next_try_at, arrived_at), id LIMIT ?",
        (agent_id, *queues, limit),
    ).fetchall()
    return [CallbackTask(*row) for row in rows]
