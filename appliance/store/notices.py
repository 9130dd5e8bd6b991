"""Notices from team leaders to their team's desktops, and who has acknowledged each."""

from __future__ import annotations

import apsw
import msgspec

from appliance.clock import iso
from appliance.errors import NotFound
from appliance.store._rows import check_text

__all__ = ("Notice", "acknowledge", "add_notice", "notices_for")

MAX_TEXT = 2000


class Notice(msgspec.Struct, frozen=True):
    id: int
    text: str
    author: str
    at: str
    team: str | None
    acknowledged: bool


def add_notice(conn: apsw.Connection, team: str | None, author: str, text: str, now: float) -> int:
    text = check_text(text, "a notice", MAX_TEXT)
    conn.execute("INSERT INTO notices (team, author, text, created_at) VALUES (?, ?, ?, ?)",
                 (team, author, text, iso(now)))
    return conn.last_insert_rowid()


def notices_for(conn: apsw.Connection, username: str, team: str | None, *, limit: int = 20) -> list[Notice]:
    """Notices for everyone and for the user's team, newest first, unacknowledged ones first."""
    rows = conn.execute(
        "SELECT n.id, n.text, n.author, n.created_at, n.team, a.at IS NOT NULL FROM notices n"
        " LEFT JOIN notice_acks a ON a.notice_id = n.id AND a.username = ?"
        " WHERE n.team IS NULL OR n.team = ? ORDER BY a.at IS NOT NULL, n.id DESC LIMIT ?",
        (username, team, limit),
    ).fetchall()
    return [Notice(i, t, au, at, tm, bool(ack)) for i, t, au, at, tm, ack in rows]


def acknowledge(conn: apsw.Connection, notice_id: int, username: str, team: str | None, now: float) -> None:
    row = conn.execute("SELECT team FROM notices WHERE id = ?", (notice_id,)).fetchone()
    if row is None or row[0] not in (None, team):
        raise NotFound(f"there is no notice {notice_id} for you.")
    conn.execute("INSERT OR IGNORE INTO notice_acks (notice_id, username, at) VALUES (?, ?, ?)",
                 (notice_id, username, iso(now)))
