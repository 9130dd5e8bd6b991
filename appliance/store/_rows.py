"""What the store's modules check or read the same way: whether a row exists, whether a number is
in range, whether a text is there and short enough, the conditions of a filtered list, and rows
grouped by their first column.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import apsw

from appliance.errors import Conflict, InvalidInput, NotFound

__all__ = ("TABLES", "check_text", "check_whole", "conditions", "exists", "grouped", "require", "require_new")

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


def check_text(value: object, what: str, limit: int) -> str:
    """The text stripped; it must not be empty nor longer than `limit` characters."""
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > limit:
        raise InvalidInput(f"{what} needs text, at most {limit} characters.")
    return text


def conditions(filters: Iterable[tuple[str, object]]) -> tuple[list[str], list[object]]:
    """A list's WHERE conditions and their parameters from (condition, value) pairs; a None value
    does not filter."""
    given = [(condition, value) for condition, value in filters if value is not None]
    return [condition for condition, _ in given], [value for _, value in given]


def grouped(conn: apsw.Connection, sql: str) -> dict[str, list[tuple]]:
    groups: dict[str, list[tuple]] = defaultdict(list)
    for key, *rest in conn.execute(sql):
        groups[key].append(tuple(rest))
    return groups
