"""Call records, offers to agents and the append-only event log."""

from __future__ import annotations

from typing import Any

import apsw
import msgspec

from appliance.clock import iso
from appliance.errors import NotFound

__all__ = ("CallRecord", "append_event", "get_call", "list_calls", "list_events", "record_offer", "save_call")


class CallRecord(msgspec.Struct):
    """One inbound call, as the reports and `branchline calls` see it. Times are ISO strings."""

    id: str
    caller: str
    did: str
    arrived_at: str
    trunk: str | None = None
    queue: str | None = None
    agent_id: str | None = None
    seat: str | None = None
    answered_at: str | None = None
    queued_at: str | None = None
    agent_answered_at: str | None = None
    ended_at: str | None = None
    ended_by: str | None = None
    end_reason: str | None = None
    priority: int = 0
    exit_reason: str | None = None  # why the caller left without an agent (timeout, callback, ivr...)
    flow: str | None = None  # the IVR flow and version the call started on
    flow_version: int | None = None
    language: str | None = None  # the language the caller heard last
    customer_ref: str | None = None  # who the IVR's lookup found
    offers: list[dict[str, Any]] = []  # read with the record, never written from it
    wrapups: list[dict[str, Any]] = []  # each agent's disposition, notes and FCR (store/wrapups.py writes them)


_CALL_COLUMNS = tuple(f for f in CallRecord.__struct_fields__ if f not in ("offers", "wrapups"))


def save_call(conn: apsw.Connection, record: CallRecord) -> None:
    values = [getattr(record, column) for column in _CALL_COLUMNS]
    updates = ", ".join(f"{c} = excluded.{c}" for c in _CALL_COLUMNS if c != "id")
    conn.execute(
        f"INSERT INTO calls ({', '.join(_CALL_COLUMNS)}) VALUES ({', '.join('?' * len(_CALL_COLUMNS))}) "
        f"ON CONFLICT (id) DO UPDATE SET {updates}",
        values,
    )


def record_offer(
    conn: apsw.Connection, call_id: str, agent_id: str, seat: str, offered_at: float, ended_at: float, outcome: str
) -> None:
    conn.execute(
        "INSERT INTO call_offers (call_id, agent_id, seat, offered_at, ended_at, outcome) VALUES (?, ?, ?, ?, ?, ?)",
        (call_id, agent_id, seat, iso(offered_at), iso(ended_at), outcome),
    )


def append_event(
    conn: apsw.Connection,
    at: float,
    kind: str,
    *,
    call_id: str | None = None,
    queue: str | None = None,
    agent_id: str | None = None,
    **details: Any,
) -> None:
    conn.execute(
        "INSERT INTO events (at, call_id, queue, agent_id, kind, details) VALUES (?, ?, ?, ?, ?, ?)",
        (iso(at), call_id, queue, agent_id, kind, msgspec.json.encode(details).decode()),
    )


def list_calls(conn: apsw.Connection, limit: int, *, agents: set[str] | None = None) -> list[CallRecord]:
    """The newest calls; with `agents`, only calls taken by one of them."""
    where, params = "", ()
    if agents is not None:
        where, params = f"WHERE agent_id IN ({', '.join('?' * len(agents)) or 'NULL'})", tuple(sorted(agents))
    rows = conn.execute(
        f"SELECT {', '.join(_CALL_COLUMNS)} FROM calls {where} ORDER BY arrived_at DESC, id DESC LIMIT ?",
        (*params, limit),
    ).fetchall()
    return [_with_details(conn, CallRecord(**dict(zip(_CALL_COLUMNS, row)))) for row in rows]


def get_call(conn: apsw.Connection, call_id: str) -> CallRecord:
    row = conn.execute(f"SELECT {', '.join(_CALL_COLUMNS)} FROM calls WHERE id = ?", (call_id,)).fetchone()
    if row is None:
        raise NotFound(f"there is no call {call_id!r}.")
    return _with_details(conn, CallRecord(**dict(zip(_CALL_COLUMNS, row))))


def _with_details(conn: apsw.Connection, record: CallRecord) -> CallRecord:
    record.offers = [
        {"agent_id": a, "seat": s, "offered_at": o, "ended_at": e, "outcome": r}
        for a, s, o, e, r in conn.execute(
            "SELECT agent_id, seat, offered_at, ended_at, outcome FROM call_offers WHERE call_id = ? ORDER BY id",
            (record.id,),
        )
    ]
    record.wrapups = [
        {"agent_id": a, "disposition": d, "notes": n, "fcr": bool(f), "callback_id": cb, "at": at}
        for a, d, n, f, cb, at in conn.execute(
            "SELECT agent_id, disposition, notes, fcr, callback_id, at FROM wrapups WHERE call_id = ? ORDER BY at",
            (record.id,),
        )
    ]
    return record


def list_events(conn: apsw.Connection, *, limit: int = 1000, kind: str | None = None) -> list[dict[str, Any]]:
    sql = "SELECT at, call_id, queue, agent_id, kind, details FROM events"
    params: tuple = ()
    if kind:
        sql += " WHERE kind = ?"
        params = (kind,)
    rows = conn.execute(sql + " ORDER BY id DESC LIMIT ?", (*params, limit)).fetchall()
    return [
        {"at": at, "call_id": c, "queue": q, "agent_id": a, "kind": k, "details": msgspec.json.decode(d)}
        for at, c, q, a, k, d in rows
    ]
