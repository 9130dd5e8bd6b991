"""The audit log: who changed accounts and settings, and every sign-in. Append-only (triggers in
migration 0004 refuse updates and deletes), so an admin cannot quietly remove their own traces.
"""

from __future__ import annotations

from typing import Any

import apsw
import msgspec

from appliance.clock import iso

__all__ = ("CLI_ACTOR", "AuditEntry", "audit", "audit_entries", "last_sign_ins")

# Whoever holds the data directory acts as this: the CLI has no user of its own.
CLI_ACTOR = "cli"
# What a sign-in attempt records as the actor is whatever was typed: keep a pasted novel out.
MAX_NAME = 64


class AuditEntry(msgspec.Struct, frozen=True):
    id: int
    at: str
    actor: str | None
    action: str
    target: str | None
    source: str
    details: dict[str, Any]


def audit(
    conn: apsw.Connection,
    now: float,
    action: str,
    *,
    actor: str | None,
    target: str | None = None,
    source: str = "cli",
    **details: Any,
) -> None:
    """Append one entry. Call it inside the change's transaction so both land or neither does."""
    conn.execute(
        "INSERT INTO audit_log (at, actor, action, target, source, details) VALUES (?, ?, ?, ?, ?, ?)",
        (iso(now), _clip(actor), action, _clip(target), source, msgspec.json.encode(details).decode()),
    )


def _clip(name: str | None) -> str | None:
    return None if name is None else name[:MAX_NAME]


def audit_entries(
    conn: apsw.Connection, *, limit: int = 100, actor: str | None = None, action: str | None = None
) -> list[AuditEntry]:
    """Newest first, optionally only one actor's or one action's."""
    where, params = [], []
    if actor is not None:
        where.append("actor = ?")
        params.append(actor)
    if action is not None:
        where.append("action = ?")
        params.append(action)
    sql = "SELECT id, at, actor, action, target, source, details FROM audit_log"
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = conn.execute(sql + " ORDER BY id DESC LIMIT ?", (*params, limit)).fetchall()
    return [AuditEntry(*row[:6], details=msgspec.json.decode(row[6])) for row in rows]


def last_sign_ins(conn: apsw.Connection) -> dict[str, str]:
    """username -> when they last signed in (ISO time), for those who ever did."""
    return dict(conn.execute("SELECT actor, max(at) FROM audit_log WHERE action = 'sign_in' GROUP BY actor"))
