"""Migrations and the event log, on a real SQLite file migrated by the real migrations."""

from __future__ import annotations

from pathlib import Path

import apsw
import pytest

from appliance.resources import migrations_dir
from appliance.store.database import StoreError, connect
from appliance.store.migrations import DatabaseTooNew, applied_versions, available, migrate
from appliance.store.records import append_event, list_events


def test_a_new_database_gets_every_migration_in_wal_mode_with_foreign_keys(tmp_path: Path):
    conn = connect(tmp_path / "b.db")
    done = migrate(conn, migrations_dir(), tmp_path / "backups")
    assert [m.version for m in done] == applied_versions(conn) == [m.version for m in available(migrations_dir())]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert not (tmp_path / "backups").exists()  # nothing to back up in a brand-new file


def test_a_backup_is_taken_before_migrating_an_existing_database(tmp_path: Path):
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_first.sql").write_text("CREATE TABLE a (x);")
    conn = connect(tmp_path / "b.db")
    migrate(conn, folder, tmp_path / "backups")
    conn.execute("INSERT INTO a VALUES (1)")
    (folder / "0002_second.sql").write_text("CREATE TABLE b (y);")
    migrate(conn, folder, tmp_path / "backups")
    [backup] = list((tmp_path / "backups").iterdir())
    saved = apsw.Connection(str(backup))
    assert saved.execute("SELECT x FROM a").fetchall() == [(1,)]
    assert saved.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == 1


def test_a_failing_migration_leaves_no_trace(tmp_path: Path):
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_broken.sql").write_text("CREATE TABLE a (x); INSERT INTO nowhere VALUES (1);")
    conn = connect(tmp_path / "b.db")
    with pytest.raises(StoreError, match="0001_broken.sql failed and was rolled back"):
        migrate(conn, folder, tmp_path / "backups")
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'a'").fetchone() is None
    assert applied_versions(conn) == []


def test_a_database_from_a_newer_branchline_is_refused(tmp_path: Path):
    conn = connect(tmp_path / "b.db")
    migrate(conn, migrations_dir(), tmp_path / "backups")
    conn.execute("INSERT INTO schema_migrations VALUES (999, 'future', 'now')")
    newest = available(migrations_dir())[-1].version
    with pytest.raises(DatabaseTooNew, match=f"schema version 999 but this Branchline knows only up to {newest}"):
        migrate(conn, migrations_dir(), tmp_path / "backups")


def test_the_event_log_is_append_only(tmp_path: Path):
    conn = connect(tmp_path / "b.db")
    migrate(conn, migrations_dir(), tmp_path / "backups")
    append_event(conn, 1_700_000_000.25, "agent_ready", agent_id="ann", seat="desk-1")
    [event] = list_events(conn)
    assert event["at"] == "2023-11-14T22:13:20.250Z"
    assert event["details"] == {"seat": "desk-1"}
    with pytest.raises(apsw.ConstraintError, match="append-only"):
        conn.execute("UPDATE events SET kind = 'x'")
    with pytest.raises(apsw.ConstraintError, match="append-only"):
        conn.execute("DELETE FROM events")
