"""What every configuration module checks or reads the same way: whether a row exists, whether a
number is in range, and rows grouped by their first column.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import apsw

from appliance.errors import Conflict, InvalidInput, NotFound

__all__ = ("TABLES", "check_whole", "exists", "grouped", "require", "require_new")

# What `remove` may delete, with the words used in messages.
TABLES = {
    "trunk": ("trunks", "name"),
    "seat": ("seats", "name"),
    "agent": ("agents", "id"),
    "queue": ("queues", "name"),
    "did": ("dids", "number"),
}


def exists(conn: apsw.Connection, kind: str, key: str) -> bool:
    table, column = TABLES[kind]
    return conn.execute(f"SELECT 1 FROM {table} WHERE {column} = ?", (key,)).fetchone() is not None


def require_new(conn: apsw.Connection, kind: str, key: str) -> None:
    if exists(conn, kind, key):
        raise Conflict(f"{kind} {key!r} already exists: remove it first or choose another name.")


def require(conn: apsw.Connection, kind: str, key: str) -> None:
    if not exists(conn, kind, key):
        raise NotFound(f"{kind} {key!r} does not exist: 'branchline {kind} list' shows what there is.")


def check_whole(value: Any, low: int, high: int, what: str, unit: str = "") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"{what} {value!r} is out of range: give a whole number from {low} to {high}{unit}.")
    return value


def grouped(conn: apsw.Connection, sql: str) -> dict[str, list[tuple]]:
    groups: dict[str, list[tuple]] = defaultdict(list)
    for key, *rest in conn.execute(sql):
        groups[key].append(tuple(rest))
    return groups
