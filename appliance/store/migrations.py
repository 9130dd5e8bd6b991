"""Numbered SQL migrations, each applied and recorded in one transaction after a backup."""

from __future__ import annotations

import re
import time
from pathlib import Path

import apsw
import msgspec

from appliance.clock import iso
from appliance.store.database import StoreError

__all__ = ("DatabaseTooNew", "Migration", "applied_versions", "available", "backup", "migrate", "pending")

_FILE_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
)
"""


class DatabaseTooNew(StoreError):
    """The database was migrated by a newer Branchline than the one running."""


class Migration(msgspec.Struct, frozen=True):
    version: int
    name: str
    path: str


def available(folder: Path) -> list[Migration]:
    found = []
    for path in sorted(folder.glob("*.sql")):
        match = _FILE_NAME.match(path.name)
        if not match:
            raise StoreError(f"migration file {path.name} is not named NNNN_name.sql; rename it")
        found.append(Migration(int(match[1]), match[2], str(path)))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise StoreError(f"two migration files in {folder} share a number; renumber one of them")
    return found


def applied_versions(conn: apsw.Connection) -> list[int]:
    """Read only (it backs /healthz): [] for a database no migration has touched yet."""
    exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").fetchone()
    if exists is None:
        return []
    return [row[0] for row in conn.execute("SELECT version FROM schema_migrations ORDER BY version")]


def pending(conn: apsw.Connection, folder: Path) -> list[Migration]:
    return _unapplied(available(folder), applied_versions(conn))


def _unapplied(known: list[Migration], applied: list[int]) -> list[Migration]:
    newest_known = max((m.version for m in known), default=0)
    if applied and applied[-1] > newest_known:
        raise DatabaseTooNew(
            f"the database is at schema version {applied[-1]} but this Branchline knows only up to "
            f"{newest_known}; upgrade Branchline or restore a backup from the backups/ folder"
        )
    return [m for m in known if m.version not in applied]


def backup(conn: apsw.Connection, backups_dir: Path, label: str) -> Path:
    """A consistent copy through SQLite's backup API (safe while other connections write)."""
    backups_dir.mkdir(parents=True, exist_ok=True)
    target = backups_dir / f"branchline-{time.strftime('%Y%m%d-%H%M%S')}-{label}.db"
    destination = apsw.Connection(str(target))
    try:
        with destination.backup("main", conn, "main") as step:
            step.step()
    finally:
        destination.close()
    return target


def migrate(conn: apsw.Connection, folder: Path, backups_dir: Path, *, dry_run: bool = False) -> list[Migration]:
    """Apply what is missing; returns the migrations applied (or that would be, with dry_run)."""
    applied = applied_versions(conn)
    todo = _unapplied(available(folder), applied)
    if not todo or dry_run:
        return todo
    if applied:  # an existing database: keep a copy before changing it
        backup(conn, backups_dir, f"before-v{todo[0].version:04d}")
    conn.execute(_BOOKKEEPING)
    for migration in todo:
        sql = Path(migration.path).read_text(encoding="utf-8")
        try:
            with conn:  # one transaction: the schema change and its record land together or not at all
                conn.execute(sql)
                conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, iso(time.time())),
                )
        except apsw.Error as exc:
            raise StoreError(f"migration {Path(migration.path).name} failed and was rolled back: {exc}") from exc
    return todo
