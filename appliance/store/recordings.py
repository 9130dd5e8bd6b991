"""Call recordings as the switchboard keeps them: which conversations are recorded (the policy per
queue and direction), one row per recording while it runs and when it ends, and the branch-wide
recording settings (retention, the disk-space guard). Searching and playing them back is
`recording_search.py`; removing old ones is `purge_recordings` here.
"""

from __future__ import annotations

from pathlib import Path

import apsw
import msgspec

from appliance.clock import iso
from appliance.errors import InvalidInput, NotFound
from appliance.store.config import get_setting, set_setting

__all__ = (
    "DIRECTIONS",
    "PurgeResult",
    "RecordingPolicy",
    "RecordingRow",
    "RecordingSettings",
    "add_recording",
    "finish_recording",
    "get_recording",
    "unfinished_recordings",
    "mark_purged",
    "purge_recordings",
    "purge_candidates",
    "recording_percent",
    "recording_policies",
    "recording_settings",
    "set_recording_policy",
    "set_recording_settings",
)

DIRECTIONS = ("inbound", "outbound")
ANY_QUEUE = "*"  # the policy for queues without their own
DEFAULT_RETENTION_DAYS = 180
DEFAULT_MIN_FREE_MB = 1024
SETTING_PREFIX = "recording."


class RecordingPolicy(msgspec.Struct, frozen=True):
    queue: str
    direction: str
    percent: int


class RecordingSettings(msgspec.Struct, frozen=True):
    retention_days: int = DEFAULT_RETENTION_DAYS  # 0 keeps recordings for ever
    min_free_mb: int = DEFAULT_MIN_FREE_MB  # recording stops when the disk has less free space than this


class RecordingRow(msgspec.Struct):
    id: int
    call_id: str
    path: str  # relative to the data directory's recordings/
    direction: str
    queue: str | None
    agent_id: str
    team: str | None
    caller: str
    started_at: str
    ended_at: str | None
    seconds: float
    bytes: int
    status: str
    stop_reason: str | None


COLUMNS = ", ".join(RecordingRow.__struct_fields__)


# ---- policy ------------------------------------------------------------------------------------------


def recording_percent(conn: apsw.Connection, queue: str | None, direction: str) -> int:
    """The percent of this queue's conversations in this direction that are recorded."""
    row = conn.execute(
        "SELECT percent FROM recording_policies WHERE direction = ? AND queue IN (?, ?) "
        "ORDER BY queue = ? LIMIT 1",
        (direction, queue or ANY_QUEUE, ANY_QUEUE, ANY_QUEUE),
    ).fetchone()
    return row[0] if row else 100


def set_recording_policy(conn: apsw.Connection, queue: str, direction: str, percent: int) -> None:
    if direction not in DIRECTIONS:
        raise InvalidInput(f"direction {direction!r} is not one of {', '.join(DIRECTIONS)}.")
    if not 0 <= percent <= 100:
        raise InvalidInput(f"{percent}% is not a percentage: give 0 (none) to 100 (all).")
    if queue != ANY_QUEUE and not conn.execute("SELECT 1 FROM queues WHERE name = ?", (queue,)).fetchone():
        raise NotFound(f"there is no queue {queue!r}: 'branchline queue list' shows them ('*' is every queue).")
    conn.execute(
        "INSERT INTO recording_policies (queue, direction, percent) VALUES (?, ?, ?) "
        "ON CONFLICT (queue, direction) DO UPDATE SET percent = excluded.percent",
        (queue, direction, percent),
    )


def recording_policies(conn: apsw.Connection) -> list[RecordingPolicy]:
    rows = conn.execute("SELECT queue, direction, percent FROM recording_policies ORDER BY queue != '*', queue, direction")
    return [RecordingPolicy(*row) for row in rows]


# ---- settings ----------------------------------------------------------------------------------------


def recording_settings(conn: apsw.Connection) -> RecordingSettings:
    values = {}
    for field in RecordingSettings.__struct_fields__:
        text = get_setting(conn, SETTING_PREFIX + field)
        if text is not None and text.isdigit():
            values[field] = int(text)
    return RecordingSettings(**values)


def set_recording_settings(conn: apsw.Connection, *, retention_days: int | None = None,
                           min_free_mb: int | None = None) -> RecordingSettings:
    for field, value in (("retention_days", retention_days), ("min_free_mb", min_free_mb)):
        if value is None:
            continue
        if value < 0:
            raise InvalidInput(f"{field.replace('_', '-')} must be 0 or more, not {value}.")
        set_setting(conn, SETTING_PREFIX + field, str(value))
    return recording_settings(conn)


# ---- rows ----------------------------------------------------------------------------------------------


def add_recording(conn: apsw.Connection, *, call_id: str, path: str, direction: str, queue: str | None,
                  agent_id: str, team: str | None, caller: str, started_at: str) -> int:
    """A recording has started; returns its serial number."""
    conn.execute(
        "INSERT INTO recordings (call_id, path, direction, queue, agent_id, team, caller, started_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (call_id, path, direction, queue, agent_id, team, caller, started_at),
    )
    return conn.last_insert_rowid()


def finish_recording(conn: apsw.Connection, path: str, *, ended_at: str, seconds: float, size: int,
                     reason: str) -> int | None:
    """The engine finished writing the file; returns the recording's id, or None if it is not one of ours."""
    status = "complete" if seconds > 0 else "failed"
    row = conn.execute(
        "UPDATE recordings SET ended_at = ?, seconds = ?, bytes = ?, status = ?, stop_reason = ? "
        "WHERE path = ? AND status = 'recording' RETURNING id",
        (ended_at, seconds, size, status, reason, path),
    ).fetchone()
    return row[0] if row else None


def unfinished_recordings(conn: apsw.Connection) -> list[tuple[int, str]]:
    """(id, path) of recordings still marked as running: the server stopped before it finished them."""
    return conn.execute("SELECT id, path FROM recordings WHERE status = 'recording' ORDER BY id").fetchall()


def get_recording(conn: apsw.Connection, recording_id: int) -> RecordingRow:
    row = conn.execute(f"SELECT {COLUMNS} FROM recordings WHERE id = ?", (recording_id,)).fetchone()
    if row is None:
        raise NotFound(f"there is no recording {recording_id}.", recording=recording_id)
    return RecordingRow(*row)


def purge_candidates(conn: apsw.Connection, before: str) -> list[RecordingRow]:
    """Recordings started before `before` (ISO, UTC) whose files are still kept."""
    rows = conn.execute(
        f"SELECT {COLUMNS} FROM recordings WHERE started_at < ? AND status IN ('complete', 'failed') ORDER BY id",
        (before,),
    )
    return [RecordingRow(*row) for row in rows]


# ---- purging -------------------------------------------------------------------------------------------


class PurgeResult(msgspec.Struct, frozen=True):
    recordings: int  # rows purged (or that would be, on a dry run)
    bytes_freed: int
    missing: int  # rows whose file was already gone
    before: str | None  # the cut-off (ISO, UTC); None when the retention keeps everything


def mark_purged(conn: apsw.Connection, recording_id: int) -> None:
    """The file is gone; the row stays so evaluations keep their history."""
    conn.execute("UPDATE recordings SET status = 'purged' WHERE id = ?", (recording_id,))


def purge_recordings(conn: apsw.Connection, root: Path, now: float, *, dry_run: bool = False) -> PurgeResult:
    """Delete the files of recordings older than the retention period (`root`: the data directory's
    recordings/) and mark their rows purged. A retention of 0 days keeps everything."""
    days = recording_settings(conn).retention_days
    if days == 0:
        return PurgeResult(0, 0, 0, None)
    before = iso(now - days * 86400)
    purged = freed = missing = 0
    for row in purge_candidates(conn, before):
        path = root / row.path
        size = path.stat().st_size if path.is_file() else None
        if not dry_run:
            path.unlink(missing_ok=True)
            with conn:  # one row at a time: a file deleted is a row marked, even if a later one fails
                mark_purged(conn, row.id)
        purged += 1
        freed += size or 0
        missing += size is None
    return PurgeResult(purged, freed, missing, before)
