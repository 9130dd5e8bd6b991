"""Finding recordings: the view a team leader's search lists (who, when, how long, the agent's
disposition and the latest score), filtered and limited to the agents the user may see.

Stored times are UTC (`clock.iso`); the dates a person types are the branch's local dates, turned
into a UTC range with the server's time zone, as the queue reports count "today".
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from datetime import date, datetime, timedelta

import apsw
import msgspec

from appliance.clock import iso
from appliance.errors import InvalidInput, NotFound

__all__ = (
    "MAX_LISTED",
    "RecordingFilter",
    "RecordingView",
    "local_day_bounds",
    "parse_local_day",
    "recording_view",
    "recording_views",
    "search_recordings",
)

MAX_LISTED = 1000
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class RecordingView(msgspec.Struct):
    id: int  # the serial number team leaders quote
    call_id: str
    started_at: str
    seconds: float
    direction: str
    agent_id: str
    agent_name: str | None
    team: str | None
    queue: str | None
    caller: str
    disposition: str | None  # the agent's wrap-up of this call
    score: float | None  # the latest evaluation's
    evaluations: int
    highlighted: bool
    status: str


class RecordingFilter(msgspec.Struct, frozen=True):
    from_day: str | None = None  # local dates, YYYY-MM-DD, both inclusive
    to_day: str | None = None
    agent: str | None = None
    team: str | None = None
    queue: str | None = None
    caller: str | None = None  # any part of the number
    disposition: str | None = None
    min_seconds: float | None = None
    max_seconds: float | None = None
    min_score: float | None = None
    max_score: float | None = None
    limit: int = 100


# Every column of the view; the outer query filters on the computed ones by name.
_VIEW_SQL = """
SELECT r.id, r.call_id, r.started_at, r.seconds, r.direction, r.agent_id, a.name AS agent_name, r.team, r.queue,
       r.caller,
       (SELECT w.disposition FROM wrapups w WHERE w.call_id = r.call_id AND w.agent_id = r.agent_id) AS disposition,
       (SELECT e.score FROM evaluations e WHERE e.recording_id = r.id ORDER BY e.created_at DESC, e.id DESC LIMIT 1)
           AS score,
       (SELECT count(*) FROM evaluations e WHERE e.recording_id = r.id) AS evaluations,
       EXISTS (SELECT 1 FROM highlights h WHERE h.recording_id = r.id) AS highlighted,
       r.status
FROM recordings r LEFT JOIN agents a ON a.id = r.agent_id
"""
_COLUMNS = ", ".join(RecordingView.__struct_fields__)


def _view(row: tuple) -> RecordingView:
    *head, highlighted, status = row
    return RecordingView(*head, highlighted=bool(highlighted), status=status)


def recording_view(conn: apsw.Connection, recording_id: int) -> RecordingView:
    row = conn.execute(f"SELECT {_COLUMNS} FROM ({_VIEW_SQL}) WHERE id = ?", (recording_id,)).fetchone()
    if row is None:
        raise NotFound(f"there is no recording {recording_id}.", recording=recording_id)
    return _view(row)


def recording_views(conn: apsw.Connection, recording_ids: Collection[int]) -> dict[int, RecordingView]:
    rows = conn.execute(f"SELECT {_COLUMNS} FROM ({_VIEW_SQL}) WHERE id IN (SELECT value FROM json_each(?))",
                        (json.dumps(sorted(recording_ids)),))
    return {view.id: view for view in map(_view, rows)}


def search_recordings(conn: apsw.Connection, filters: RecordingFilter,
                      agents: Collection[str] | None) -> list[RecordingView]:
    """Newest first, at most `filters.limit`; only `agents`' recordings (None: everyone's)."""
    if not 0 < filters.limit <= MAX_LISTED:
        raise InvalidInput(f"limit must be from 1 to {MAX_LISTED}, not {filters.limit}.", limit=filters.limit)
    where, params = _conditions(filters)
    if agents is not None:
        where.append("agent_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(sorted(agents)))
    sql = f"SELECT {_COLUMNS} FROM ({_VIEW_SQL})"
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = conn.execute(sql + " ORDER BY started_at DESC, id DESC LIMIT ?", (*params, filters.limit))
    return [_view(row) for row in rows]


def _conditions(f: RecordingFilter) -> tuple[list[str], list[object]]:
    where: list[str] = []
    params: list[object] = []

    def add(condition: str, value: object) -> None:
        where.append(condition)
        params.append(value)

    if f.from_day is not None:
        add("started_at >= ?", local_day_bounds(f.from_day)[0])
    if f.to_day is not None:
        add("started_at < ?", local_day_bounds(f.to_day)[1])
    for column in ("agent", "team", "queue", "disposition"):
        value = getattr(f, column)
        if value:
            add(f"{'agent_id' if column == 'agent' else column} = ?", value)
    if f.caller:
        add("instr(caller, ?) > 0", f.caller.strip())  # not LIKE: a typed % or _ means itself
    for column, low, high in (("seconds", f.min_seconds, f.max_seconds), ("score", f.min_score, f.max_score)):
        if low is not None:
            add(f"{column} >= ?", low)
        if high is not None:
            add(f"{column} <= ?", high)
    return where, params


# ---- local dates -------------------------------------------------------------------------------------


def parse_local_day(text: str) -> date:
    try:
        if not _DAY.fullmatch(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a date: write it as YYYY-MM-DD, e.g. 2026-03-31.") from None


def local_day_bounds(text: str) -> tuple[str, str]:
    """The UTC ISO range [start, end) of a local date, in the server's time zone (TZ, else
    /etc/localtime). Midnight to the next midnight, so a day with a clock change is 23 or 25 hours."""
    day = parse_local_day(text)
    start = datetime.combine(day, datetime.min.time()).timestamp()
    end = datetime.combine(day + timedelta(days=1), datetime.min.time()).timestamp()
    return iso(start), iso(end)
