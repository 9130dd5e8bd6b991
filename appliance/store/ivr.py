"""IVR flows and what calls did in them: versioned flow sources, each call's path, survey scores,
voicemail tasks and the containment figures computed from them.
"""

from __future__ import annotations

import json

import apsw
import msgspec

from appliance.clock import iso
from appliance.errors import InvalidInput, NotFound

__all__ = (
    "FlowVersion",
    "PathStep",
    "Voicemail",
    "activate_flow",
    "active_flow_versions",
    "append_step",
    "call_path",
    "close_voicemail",
    "containment",
    "flow_source",
    "flow_versions",
    "list_voicemails",
    "save_flow_version",
    "save_survey",
    "save_voicemail",
)


class FlowVersion(msgspec.Struct, frozen=True):
    name: str
    version: int
    nodes: int
    applied_at: str
    note: str
    active: bool


class PathStep(msgspec.Struct, frozen=True):
    seq: int
    at: str
    node: str
    kind: str
    outcome: str
    digits: str
    details: dict[str, str]


class Voicemail(msgspec.Struct, frozen=True):
    id: int
    call_id: str
    queue: str
    caller: str
    path: str
    seconds: float
    created_at: str
    status: str


# ---- flow versions -----------------------------------------------------------------------------------


def save_flow_version(conn: apsw.Connection, name: str, source: str, nodes: int, now: float, note: str = "") -> int:
    """Store a new version of `name` and make it the one new calls start on; returns its number.

    Both happen in one transaction: a flow is never stored but half-activated.
    """
    with conn:
        (latest,) = conn.execute("SELECT coalesce(max(version), 0) FROM ivr_flows WHERE name = ?", (name,)).fetchone()
        version = latest + 1
        conn.execute(
            "INSERT INTO ivr_flows (name, version, source, nodes, applied_at, note) VALUES (?, ?, ?, ?, ?, ?)",
            (name, version, source, nodes, iso(now), note),
        )
        activate_flow(conn, name, version, now)
    return version


def activate_flow(conn: apsw.Connection, name: str, version: int, now: float) -> None:
    if conn.execute("SELECT 1 FROM ivr_flows WHERE name = ? AND version = ?", (name, version)).fetchone() is None:
        raise NotFound(f"flow {name!r} has no version {version}: see `branchline ivr list {name}`.")
    conn.execute(
        "INSERT INTO ivr_active (name, version, changed_at) VALUES (?, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET version = excluded.version, changed_at = excluded.changed_at",
        (name, version, iso(now)),
    )


def active_flow_versions(conn: apsw.Connection) -> dict[str, int]:
    return dict(conn.execute("SELECT name, version FROM ivr_active ORDER BY name").fetchall())


def flow_versions(conn: apsw.Connection, name: str | None = None) -> list[FlowVersion]:
    rows = conn.execute(
        "SELECT f.name, f.version, f.nodes, f.applied_at, f.note, a.version IS NOT NULL FROM ivr_flows f"
        " LEFT JOIN ivr_active a ON a.name = f.name AND a.version = f.version"
        " WHERE ? IS NULL OR f.name = ? ORDER BY f.name, f.version",
        (name, name),
    ).fetchall()
    if name is not None and not rows:
        raise NotFound(f"there is no flow {name!r}: `branchline ivr list` shows the flows there are.")
    return [FlowVersion(n, v, nodes, at, note, bool(active)) for n, v, nodes, at, note, active in rows]


def flow_source(conn: apsw.Connection, name: str, version: int | None = None) -> tuple[int, str]:
    """The source of `version`, or of the active version when None."""
    if version is None:
        row = conn.execute(
            "SELECT f.version, f.source FROM ivr_flows f JOIN ivr_active a ON a.name = f.name AND a.version = f.version"
            " WHERE f.name = ?",
            (name,),
        ).fetchone()
    else:
        row = conn.execute("SELECT version, source FROM ivr_flows WHERE name = ? AND version = ?", (name, version)).fetchone()
    if row is None:
        what = f"flow {name!r}" if version is None else f"flow {name!r} version {version}"
        raise NotFound(f"there is no {what}: `branchline ivr list` shows the flows and versions there are.")
    return row[0], row[1]


def previous_version(conn: apsw.Connection, name: str) -> int:
    """The version before the active one: what `ivr rollback` goes back to."""
    active = active_flow_versions(conn).get(name)
    if active is None:
        raise NotFound(f"there is no flow {name!r}: `branchline ivr list` shows the flows there are.")
    row = conn.execute(
        "SELECT max(version) FROM ivr_flows WHERE name = ? AND version < ?", (name, active)
    ).fetchone()
    if row[0] is None:
        raise InvalidInput(f"flow {name!r} is at its first version ({active}); there is nothing to roll back to.")
    return row[0]


# ---- what calls did ----------------------------------------------------------------------------------


def append_step(
    conn: apsw.Connection, call_id: str, seq: int, at: float, node: str, kind: str, outcome: str, digits: str,
    details: dict[str, str],
) -> None:
    conn.execute(
        "INSERT INTO ivr_steps (call_id, seq, at, node, kind, outcome, digits, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (call_id, seq, iso(at), node, kind, outcome, digits, json.dumps(details, ensure_ascii=False)),
    )


def call_path(conn: apsw.Connection, call_id: str) -> list[PathStep]:
    return [
        PathStep(seq, at, node, kind, outcome, digits, json.loads(details))
        for seq, at, node, kind, outcome, digits, details in conn.execute(
            "SELECT seq, at, node, kind, outcome, digits, details FROM ivr_steps WHERE call_id = ? ORDER BY seq",
            (call_id,),
        )
    ]


def save_survey(conn: apsw.Connection, call_id: str, agent_id: str | None, queue: str | None, score: int, at: float) -> None:
    conn.execute(
        "INSERT INTO surveys (call_id, agent_id, queue, score, at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (call_id) DO UPDATE SET score = excluded.score, at = excluded.at",
        (call_id, agent_id, queue, score, iso(at)),
    )


def save_voicemail(
    conn: apsw.Connection, call_id: str, queue: str, caller: str, path: str, seconds: float, now: float
) -> int:
    conn.execute(
        "INSERT INTO voicemails (call_id, queue, caller, path, seconds, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (call_id, queue, caller, path, seconds, iso(now)),
    )
    return conn.last_insert_rowid()


def list_voicemails(conn: apsw.Connection, queue: str | None = None, status: str | None = "open") -> list[Voicemail]:
    return [
        Voicemail(*row)
        for row in conn.execute(
            "SELECT id, call_id, queue, caller, path, seconds, created_at, status FROM voicemails"
            " WHERE (? IS NULL OR queue = ?) AND (? IS NULL OR status = ?) ORDER BY created_at, id",
            (queue, queue, status, status),
        )
    ]


class Containment(msgspec.Struct, frozen=True):
    flow: str
    calls: int
    contained: int  # ended in the IVR without reaching a queue or an outside number
    queued: int
    transferred: int
    abandoned: int  # hung up in the IVR before it finished

    @property
    def rate(self) -> float | None:
        return None if not self.calls else self.contained / self.calls


def containment(conn: apsw.Connection, since: str, until: str) -> list[Containment]:
    """Per flow, how the calls that entered it between `since` and `until` (ISO times) left it."""
    rows = conn.execute(
        "SELECT flow, count(*),"
        " sum(exit_reason = 'ivr'), sum(queued_at IS NOT NULL), sum(exit_reason = 'transferred'),"
        " sum(exit_reason = 'ivr-abandoned')"
        " FROM calls WHERE flow IS NOT NULL AND arrived_at >= ? AND arrived_at < ? GROUP BY flow ORDER BY flow",
        (since, until),
    ).fetchall()
    return [Containment(flow, calls, c or 0, q or 0, t or 0, a or 0) for flow, calls, c, q, t, a in rows]


def close_voicemail(conn: apsw.Connection, voicemail_id: int, by: str, now: float) -> Voicemail:
    """Mark a voicemail task done; it stays on record (and its recording on disk)."""
    with conn:
        row = conn.execute("SELECT status FROM voicemails WHERE id = ?", (voicemail_id,)).fetchone()
        if row is None:
            raise NotFound(f"there is no voicemail {voicemail_id}: `branchline voicemail list --all` shows them.")
        if row[0] == "done":
            raise InvalidInput(f"voicemail {voicemail_id} is already done.")
        conn.execute("UPDATE voicemails SET status = 'done', done_at = ?, done_by = ? WHERE id = ?",
                     (iso(now), by, voicemail_id))
    return next(v for v in list_voicemails(conn, status=None) if v.id == voicemail_id)
