"""Reading and changing the branch configuration: trunks, seats, agents, queues, DIDs, settings."""

from __future__ import annotations

import time
from collections import defaultdict

import apsw

from appliance.clock import iso
from appliance.errors import Conflict, NotFound
from appliance.model import Agent, BranchConfig, Did, Queue, Seat, Trunk

__all__ = (
    "add_agent",
    "add_did",
    "add_queue",
    "add_seat",
    "add_trunk",
    "get_setting",
    "load_config",
    "remove",
    "set_setting",
)

# What `remove` may delete, with the words used in messages.
_TABLES = {
    "trunk": ("trunks", "name"),
    "seat": ("seats", "name"),
    "agent": ("agents", "id"),
    "queue": ("queues", "name"),
    "did": ("dids", "number"),
}


def _exists(conn: apsw.Connection, kind: str, key: str) -> bool:
    table, column = _TABLES[kind]
    return conn.execute(f"SELECT 1 FROM {table} WHERE {column} = ?", (key,)).fetchone() is not None


def _require_new(conn: apsw.Connection, kind: str, key: str) -> None:
    if _exists(conn, kind, key):
        raise Conflict(f"{kind} {key!r} already exists: remove it first or choose another name.")


def add_trunk(conn: apsw.Connection, trunk: Trunk) -> None:
    with conn:
        _require_new(conn, "trunk", trunk.name)
        conn.execute(
            "INSERT INTO trunks (name, register_uri, register_password, created_at) VALUES (?, ?, ?, ?)",
            (trunk.name, trunk.register_uri, trunk.register_password, iso(time.time())),
        )
        conn.executemany(
            "INSERT INTO trunk_gateways (trunk, network) VALUES (?, ?)",
            [(trunk.name, network) for network in trunk.gateways],
        )


def add_seat(conn: apsw.Connection, seat: Seat) -> None:
    with conn:
        _require_new(conn, "seat", seat.name)
        holder = conn.execute("SELECT name FROM seats WHERE phone_uri = ?", (seat.phone_uri,)).fetchone()
        if holder:
            raise Conflict(f"phone {seat.phone_uri} already belongs to seat {holder[0]!r}: one phone per seat.")
        conn.execute(
            "INSERT INTO seats (name, phone_uri, created_at) VALUES (?, ?, ?)",
            (seat.name, seat.phone_uri, iso(time.time())),
        )


def add_agent(conn: apsw.Connection, agent: Agent) -> None:
    with conn:
        _require_new(conn, "agent", agent.id)
        conn.execute(
            "INSERT INTO agents (id, name, created_at) VALUES (?, ?, ?)", (agent.id, agent.name, iso(time.time()))
        )
        conn.executemany(
            "INSERT INTO agent_skills (agent_id, skill, level) VALUES (?, ?, ?)",
            [(agent.id, skill, level) for skill, level in agent.skills.items()],
        )


def add_queue(conn: apsw.Connection, queue: Queue) -> None:
    with conn:
        _require_new(conn, "queue", queue.name)
        conn.execute(
            "INSERT INTO queues (name, ring_timeout, wrapup, max_wait, created_at) VALUES (?, ?, ?, ?, ?)",
            (queue.name, queue.ring_timeout, queue.wrapup, queue.max_wait, iso(time.time())),
        )
        conn.executemany(
            "INSERT INTO queue_skills (queue, skill, min_level) VALUES (?, ?, ?)",
            [(queue.name, skill, level) for skill, level in queue.skills.items()],
        )


def add_did(conn: apsw.Connection, did: Did) -> None:
    with conn:
        _require_new(conn, "did", did.number)
        if did.queue and not _exists(conn, "queue", did.queue):
            raise NotFound(f"queue {did.queue!r} does not exist: create it with 'branchline queue add {did.queue}'.")
        conn.execute(
            "INSERT INTO dids (number, queue, flow, created_at) VALUES (?, ?, ?, ?)",
            (did.number, did.queue, did.flow, iso(time.time())),
        )


def remove(conn: apsw.Connection, kind: str, key: str) -> None:
    table, column = _TABLES[kind]
    with conn:
        if not _exists(conn, kind, key):
            raise NotFound(f"{kind} {key!r} does not exist: 'branchline {kind} list' shows what there is.")
        if kind == "queue":
            users = [row[0] for row in conn.execute("SELECT number FROM dids WHERE queue = ?", (key,))]
            if users:
                raise Conflict(
                    f"queue {key!r} still receives calls from DID {', '.join(users)}: "
                    "remove or re-point those DIDs first."
                )
        conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (key,))


def get_setting(conn: apsw.Connection, key: str, default: str | None = None) -> str | None:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def set_setting(conn: apsw.Connection, key: str, value: str) -> None:
    with conn:
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


def _grouped(conn: apsw.Connection, sql: str) -> dict[str, list[tuple]]:
    groups: dict[str, list[tuple]] = defaultdict(list)
    for key, *rest in conn.execute(sql):
        groups[key].append(tuple(rest))
    return groups


def load_config(conn: apsw.Connection) -> BranchConfig:
    """The whole configuration in one read transaction, so it is never half old, half new."""
    with conn:
        gateways = _grouped(conn, "SELECT trunk, network FROM trunk_gateways ORDER BY trunk, network")
        agent_skills = _grouped(conn, "SELECT agent_id, skill, level FROM agent_skills")
        queue_skills = _grouped(conn, "SELECT queue, skill, min_level FROM queue_skills")
        trunks = tuple(
            Trunk(name, tuple(n for (n,) in gateways[name]), uri, password)
            for name, uri, password in conn.execute(
                "SELECT name, register_uri, register_password FROM trunks ORDER BY name"
            )
        )
        seats = tuple(Seat(*row) for row in conn.execute("SELECT name, phone_uri FROM seats ORDER BY name"))
        agents = tuple(
            Agent(agent_id, name, dict(agent_skills[agent_id]))
            for agent_id, name in conn.execute("SELECT id, name FROM agents ORDER BY id")
        )
        queues = tuple(
            Queue(name, ring, wrapup, max_wait, dict(queue_skills[name]))
            for name, ring, wrapup, max_wait in conn.execute(
                "SELECT name, ring_timeout, wrapup, max_wait FROM queues ORDER BY name"
            )
        )
        dids = tuple(Did(*row) for row in conn.execute("SELECT number, queue, flow FROM dids ORDER BY number"))
        language = get_setting(conn, "language", "en") or "en"
    return BranchConfig(trunks, seats, agents, queues, dids, language)
