"""Customers' complaints against a call and the agent who took it, the team leader's decision, and
the monthly analysis (docs/teams.md, "Complaints").

A complaint is against the call's agent, read from the call record: a call no agent took (it ended
in the IVR or the queue) has no one to complain about and is refused. Months are local months of
when the complaint was received.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import apsw
import msgspec

from appliance.clock import iso
from appliance.errors import InvalidInput, NotFound
from appliance.store._rows import check_text

__all__ = (
    "MAX_CATEGORY",
    "MAX_DESCRIPTION",
    "AgentComplaints",
    "CategoryComplaints",
    "Complaint",
    "ComplaintAnalysis",
    "add_complaint",
    "call_agent",
    "complaint_analysis",
    "decide_complaint",
    "get_complaint",
    "list_complaints",
    "month_bounds",
    "parse_month",
)

MAX_CATEGORY = 64
MAX_DESCRIPTION = 4000
_MONTH = re.compile(r"\d{4}-\d{2}")


class Complaint(msgspec.Struct, frozen=True):
    id: int
    call_id: str
    agent_id: str
    team: str | None  # the agent's team now
    category: str
    description: str
    received_at: str
    registered_by: str
    substantiated: bool | None  # None: not decided yet
    decided_by: str | None
    decided_at: str | None
    decision_note: str | None


class CategoryComplaints(msgspec.Struct, frozen=True):
    category: str
    complaints: int
    substantiated: int


class AgentComplaints(msgspec.Struct, frozen=True):
    agent_id: str
    name: str
    complaints: int
    substantiated: int


class ComplaintAnalysis(msgspec.Struct, frozen=True):
    """One month's complaints. The substantiated share is of those decided (None when none are)."""

    month: str
    complaints: int
    decided: int
    substantiated: int
    substantiated_share: float | None
    by_category: tuple[CategoryComplaints, ...]  # most complaints first
    by_agent: tuple[AgentComplaints, ...]


def parse_month(text: str) -> str:
    if not _MONTH.fullmatch(text or ""):
        raise InvalidInput(f"month {text!r} is not a month like 2026-11.")
    try:
        date.fromisoformat(f"{text}-01")
    except ValueError:
        raise InvalidInput(f"month {text!r} is not a month like 2026-11.") from None
    return text


def month_bounds(month: str) -> tuple[str, str]:
    """The stored (UTC) times from the local month's first midnight to the next month's."""
    first = datetime.fromisoformat(f"{parse_month(month)}-01")
    following = first.replace(year=first.year + first.month // 12, month=first.month % 12 + 1)
    return iso(first.timestamp()), iso(following.timestamp())


_SELECT = ("SELECT c.id, c.call_id, c.agent_id, a.team, c.category, c.description, c.received_at, c.registered_by,"
           " c.substantiated, c.decided_by, c.decided_at, c.decision_note FROM complaints c"
           " LEFT JOIN agents a ON a.id = c.agent_id")


def _complaint(row: tuple) -> Complaint:
    values = list(row)
    values[8] = None if values[8] is None else bool(values[8])
    return Complaint(*values)


def call_agent(conn: apsw.Connection, call_id: str) -> tuple[str, str | None]:
    """(agent, their team) of the agent who took the call; refused for a call no agent took."""
    row = conn.execute("SELECT c.agent_id, a.team FROM calls c LEFT JOIN agents a ON a.id = c.agent_id WHERE c.id = ?",
                       (call_id,)).fetchone()
    if row is None:
        raise NotFound(f"there is no call {call_id!r}: 'branchline calls' lists the calls.")
    if row[0] is None:
        raise InvalidInput(f"call {call_id!r} was not taken by an agent: a complaint is against the agent who took it.")
    return row[0], row[1]


def add_complaint(conn: apsw.Connection, call_id: str, category: str, description: str, registered_by: str,
                  now: float) -> Complaint:
    """Register a complaint against the agent who took the call."""
    agent_id, _ = call_agent(conn, call_id)
    category = check_text(category, "a complaint's category", MAX_CATEGORY).lower()
    text = check_text(description, "a complaint's description", MAX_DESCRIPTION)
    conn.execute("INSERT INTO complaints (call_id, agent_id, category, description, received_at, registered_by)"
                 " VALUES (?, ?, ?, ?, ?, ?)", (call_id, agent_id, category, text, iso(now), registered_by))
    return get_complaint(conn, conn.last_insert_rowid())


def get_complaint(conn: apsw.Connection, complaint_id: int) -> Complaint:
    row = conn.execute(f"{_SELECT} WHERE c.id = ?", (complaint_id,)).fetchone()
    if row is None:
        raise NotFound(f"there is no complaint {complaint_id}.")
    return _complaint(row)


def decide_complaint(conn: apsw.Connection, complaint_id: int, substantiated: bool, note: str, by: str,
                     now: float) -> Complaint:
    """Mark a complaint substantiated or not, with the reason; a later decision replaces it."""
    get_complaint(conn, complaint_id)
    conn.execute("UPDATE complaints SET substantiated = ?, decided_by = ?, decided_at = ?, decision_note = ?"
                 " WHERE id = ?", (int(substantiated), by, iso(now), check_text(note, "a decision", MAX_DESCRIPTION),
                                  complaint_id))
    return get_complaint(conn, complaint_id)


def _where(month: str | None, agents: set[str] | None) -> tuple[str, list]:
    where, params = [], []
    if month is not None:
        where.append("c.received_at >= ? AND c.received_at < ?")
        params.extend(month_bounds(month))
    if agents is not None:
        where.append(f"c.agent_id IN ({', '.join('?' * len(agents))})" if agents else "0")
        params.extend(sorted(agents))
    return (" WHERE " + " AND ".join(where)) if where else "", params


def list_complaints(conn: apsw.Connection, *, month: str | None = None, agents: set[str] | None = None) -> list[Complaint]:
    """Newest first; of one local month, and of these agents only (None: everyone's)."""
    where, params = _where(month, agents)
    return [_complaint(row) for row in conn.execute(
        f"{_SELECT}{where} ORDER BY c.received_at DESC, c.id DESC", params)]


def complaint_analysis(conn: apsw.Connection, month: str, *, agents: set[str] | None = None) -> ComplaintAnalysis:
    """Counts by category and by agent, and the substantiated share, of one local month."""
    found = list_complaints(conn, month=month, agents=agents)
    names = dict(conn.execute("SELECT id, name FROM agents"))
    categories: dict[str, list[int]] = {}
    by_agent: dict[str, list[int]] = {}
    for complaint in found:
        for key, counts in ((complaint.category, categories), (complaint.agent_id, by_agent)):
            count = counts.setdefault(key, [0, 0])
            count[0] += 1
            count[1] += complaint.substantiated is True
    decided = sum(c.substantiated is not None for c in found)
    substantiated = sum(c.substantiated is True for c in found)
    return ComplaintAnalysis(
        month=month,
        complaints=len(found),
        decided=decided,
        substantiated=substantiated,
        substantiated_share=substantiated / decided if decided else None,
        by_category=tuple(CategoryComplaints(k, n, s) for k, (n, s) in _most_first(categories)),
        by_agent=tuple(AgentComplaints(k, names.get(k, k), n, s) for k, (n, s) in _most_first(by_agent)),
    )


def _most_first(counts: dict[str, list[int]]) -> list[tuple[str, list[int]]]:
    return sorted(counts.items(), key=lambda item: (-item[1][0], item[0]))
