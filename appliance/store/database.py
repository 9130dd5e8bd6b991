"""Opening the branch database with the settings every connection needs."""

from __future__ import annotations

from pathlib import Path

import apsw

__all__ = ("DATABASE_FILE", "StoreError", "connect", "data_version")

DATABASE_FILE = "branchline.db"
# A CLI write and the server's writes may meet; wait for the other writer rather than fail.
BUSY_TIMEOUT_MS = 5000


class StoreError(Exception):
    """The database cannot be used as it is (unreadable, corrupt, or newer than this code)."""


def connect(path: Path) -> apsw.Connection:
    try:
        conn = apsw.Connection(str(path))
        conn.set_busy_timeout(BUSY_TIMEOUT_MS)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
    except apsw.Error as exc:
        raise StoreError(f"cannot open the database {path}: {exc}") from exc
    return conn


def data_version(conn: apsw.Connection) -> int:
    """Changes whenever another connection commits: how the server notices CLI changes."""
    return conn.execute("PRAGMA data_version").fetchone()[0]
