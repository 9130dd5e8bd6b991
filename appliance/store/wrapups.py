"""After-call work: dispositions per queue, each agent's wrap-up of a call, and a number's history."""

from __future__ import annotations

import apsw
import msgspec

from appliance.errors import Conflict, InvalidInput

__all__ = (
    "Contact",
    "Disposition",
    "Wrapup",
    "contact_history",
    "dispositions",
    "save_wrapup",
    "wrapped_up",
    "wrapups_of",
)

ANY_QUEUE = "*"  # the list for queues without their own
MAX_NOTES = 2000


class Disposition(msgspec.Struct, frozen=True):
    code: str
    label: str
    label_zh: str | None = None

    def shown(self, language: str) -> str:
        return (self.label_zh or self.label) if language == "zh" else self.label


class Wrapup(msgspec.Struct, frozen=True):
    call_id: str
    agent_id: str
    disposition: str
    notes: str
    fcr: bool
    at: str
    callback_id: str | None = None


class Contact(msgspec.Struct, frozen=True):
    """One earlier call from a number, as the screen pop lists it."""

    call_id: str
    at: str
    agent: str | None
    queue: str | None
    disposition: str | None
    notes: str | None
    fcr: bool | None


def dispositions(conn: apsw.Connection, queue: str | None) -> list[Disposition]:
    """The queue's own list when it has one, else the branch's."""
    for key in (queue, ANY_QUEUE):
        rows = conn.execute(
            "SELECT code, label, label_zh FROM dispositions WHERE queue = ? ORDER BY position, code", (key,)
        ).fetchall()
        if rows:
            return [Disposition(*row) for row in rows]
    return []


def save_wrapup(conn: apsw.Connection, wrapup: Wrapup, queue: str | None) -> None:
    codes = {d.code for d in dispositions(conn, queue)}
    if wrapup.disposition not in codes:
        raise InvalidInput(f"{wrapup.disposition!r} is not a disposition of this call's queue: pick one of "
                           f"{', '.join(sorted(codes))}.", disposition=wrapup.disposition)
    if len(wrapup.notes) > MAX_NOTES:
        raise InvalidInput(f"notes are limited to {MAX_NOTES} characters; these have {len(wrapup.notes)}.")
    if wrapped_up(conn, wrapup.call_id, wrapup.agent_id):
        raise Conflict("this call's wrap-up was submitted already.")
    conn.execute(
        "INSERT INTO wrapups (call_id, agent_id, disposition, notes, fcr, callback_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (wrapup.call_id, wrapup.agent_id, wrapup.disposition, wrapup.notes, int(wrapup.fcr), wrapup.callback_id,
         wrapup.at),
    )


def wrapped_up(conn: apsw.Connection, call_id: str, agent_id: str) -> bool:
    return conn.execute("SELECT 1 FROM wrapups WHERE call_id = ? AND agent_id = ?", (call_id, agent_id)).fetchone() is not None


def wrapups_of(conn: apsw.Connection, call_id: str) -> list[Wrapup]:
    rows = conn.execute(
        "SELECT call_id, agent_id, disposition, notes, fcr, at, callback_id FROM wrapups WHERE call_id = ? ORDER BY at",
        (call_id,),
    ).fetchall()
    return [Wrapup(c, a, d, n, bool(f), at, cb) for c, a, d, n, f, at, cb in rows]


def contact_history(conn: apsw.Connection, number: str, *, before_call: str, limit: int = 5) -> list[Contact]:
    """This number's earlier calls, newest first, with the last wrap-up of each."""
    rows = conn.execute(
        "SELECT c.id, c.arrived_at, coalesce(w.agent_id, c.agent_id), c.queue, w.disposition, w.notes, w.fcr"
        " FROM calls c LEFT JOIN wrapups w ON w.call_id = c.id"
        " AND w.at = (SELECT max(at) FROM wrapups WHERE call_id = c.id)"
        " WHERE c.caller = ? AND c.id != ? ORDER BY c.arrived_at DESC LIMIT ?",
        (number, before_call, limit),
    ).fetchall()
    return [Contact(i, at, a, q, d, n, None if f is None else bool(f)) for i, at, a, q, d, n, f in rows]
