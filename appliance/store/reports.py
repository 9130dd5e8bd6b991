"""Reading the event log for reports: rows since a time, of the kinds a report needs."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import apsw
import msgspec

from appliance.clock import iso

__all__ = ("EventRow", "events_since")


class EventRow(msgspec.Struct, frozen=True):
    """One entry of the event log as reports read it: `at` in seconds since the epoch."""

    id: int
    at: float
    kind: str
    call_id: str | None = None
    queue: str | None = None
    agent_id: str | None = None
    details: dict[str, Any] = {}


def events_since(conn: apsw.Connection, since: float, kinds: Iterable[str], *, after_id: int = 0) -> list[EventRow]:
    """Events at or after `since` of the given kinds, in the order they were logged.

    `after_id` reads only what was logged after an earlier read, so a live report can follow the
    log without reading the day again. ISO text in UTC sorts as time does, so `at` uses its index.
    """
    kinds = tuple(kinds)
    if not kinds:
        return []
    # The first read of a day finds its start through the index on `at`; a later read starts
    # from the last id read, a short range of the primary key.
    # (Left to itself, SQLite would rather scan the whole log in id order than sort a day's rows.)
    source = "events" if after_id else "events INDEXED BY events_by_time"
    where = "id > ? AND at >= ?" if after_id else "at >= ?"
    params = (after_id, iso(since)) if after_id else (iso(since),)
    rows = conn.execute(
        f"SELECT id, at, kind, call_id, queue, agent_id, details FROM {source}"
        f" WHERE {where} AND kind IN ({', '.join('?' * len(kinds))}) ORDER BY id",
        (*params, *kinds),
    ).fetchall()
    return [
        EventRow(row_id, _seconds(at), kind, call_id, queue, agent_id, msgspec.json.decode(details))
        for row_id, at, kind, call_id, queue, agent_id, details in rows
    ]


def _seconds(at: str) -> float:
    # fromisoformat reads the log's "...T12:00:00.250Z" about twenty times faster than strptime,
    # which matters when a day of events is read at once.
    return datetime.fromisoformat(at).timestamp()
