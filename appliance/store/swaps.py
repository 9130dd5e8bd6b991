"""Shift swaps (docs/teams.md, "Shifts, roster, swaps"): `to_agent` works `from_agent`'s shift of a
day once the team leader approves. Requested → approved or rejected; nothing else moves.

The rules are checked when a swap is requested and again when it is approved (the roster may have
changed in between): both agents in one team, the from-agent rostered that day, the to-agent not
(nor working another swapped shift that day).
"""

from __future__ import annotations

import apsw
import msgspec

from appliance.clock import iso
from appliance.errors import Conflict, InvalidInput, NotFound
from appliance.store._rows import require
from appliance.store.roster import parse_day

__all__ = ("STATUSES", "Swap", "decide_swap", "get_swap", "list_swaps", "request_swap")

STATUSES = ("requested", "approved", "rejected")


class Swap(msgspec.Struct, frozen=True):
    id: int
    day: str
    from_agent: str
    to_agent: str
    team: str | None  # the from-agent's team: whose team leader decides
    reason: str
    status: str
    requested_at: str
    decided_by: str | None = None
    decided_at: str | None = None


_SELECT = ("SELECT s.id, s.day, s.from_agent, s.to_agent, a.team, s.reason, s.status, s.requested_at, s.decided_by, "
           "s.decided_at FROM shift_swaps s JOIN agents a ON a.id = s.from_agent")


def get_swap(conn: apsw.Connection, swap_id: int) -> Swap:
    row = conn.execute(_SELECT + " WHERE s.id = ?", (swap_id,)).fetchone()
    if row is None:
        raise NotFound(f"swap {swap_id} does not exist: 'branchline swap list' shows what there is.")
    return Swap(*row)


def list_swaps(conn: apsw.Connection, *, status: str | None = None, team: str | None = None,
               agent: str | None = None) -> list[Swap]:
    """Newest day first; optionally only one status, one team's, or those one agent is part of."""
    where, params = [], []
    if status is not None:
        if status not in STATUSES:
            raise InvalidInput(f"{status!r} is not a swap status: use one of {', '.join(STATUSES)}.")
        where.append("s.status = ?")
        params.append(status)
    if team is not None:
        where.append("a.team = ?")
        params.append(team)
    if agent is not None:
        where.append("? IN (s.from_agent, s.to_agent)")
        params.append(agent)
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY s.day DESC, s.id DESC"
    return [Swap(*row) for row in conn.execute(sql, params)]


def _team_of(conn: apsw.Connection, agent_id: str) -> str | None:
    require(conn, "agent", agent_id)
    return conn.execute("SELECT team FROM agents WHERE id = ?", (agent_id,)).fetchone()[0]


def _check(conn: apsw.Connection, day: str, from_agent: str, to_agent: str, swap_id: int | None = None) -> None:
    """Why this swap cannot stand, as InvalidInput or Conflict; nothing when it can."""
    if from_agent == to_agent:
        raise InvalidInput("an agent cannot swap a shift with themselves: name the colleague who takes it over.")
    team, other = _team_of(conn, from_agent), _team_of(conn, to_agent)
    if team is None or team != other:
        raise InvalidInput(f"{from_agent} (team {team or '-'}) and {to_agent} (team {other or '-'}) are not in one team: "
                           "shifts are swapped within a team.")
    if conn.execute("SELECT 1 FROM roster WHERE day = ? AND agent_id = ?", (day, from_agent)).fetchone() is None:
        raise InvalidInput(f"{from_agent} is not on the roster for {day}: there is no shift to swap "
                           "('branchline roster show' shows who works when).")
    if conn.execute("SELECT 1 FROM roster WHERE day = ? AND agent_id = ?", (day, to_agent)).fetchone():
        raise InvalidInput(f"{to_agent} already works a shift on {day}: pick a colleague who is free that day.")
    busy = conn.execute(
        "SELECT id, from_agent, to_agent, status FROM shift_swaps WHERE day = ? AND id IS NOT ? "
        "AND (from_agent = ? OR to_agent = ?) AND status = 'approved'", (day, swap_id, from_agent, to_agent)).fetchone()
    if busy:
        raise Conflict(f"swap {busy[0]} ({busy[1]} to {busy[2]}) on {day} is already approved: one shift per agent per day.")


def request_swap(conn: apsw.Connection, day: str, from_agent: str, to_agent: str, reason: str, now: float) -> Swap:
    day = parse_day(day)
    with conn:
        _check(conn, day, from_agent, to_agent)
        pending = conn.execute("SELECT id FROM shift_swaps WHERE day = ? AND from_agent = ? AND status = 'requested'",
                               (day, from_agent)).fetchone()
        if pending:
            raise Conflict(f"{from_agent}'s shift on {day} already has a swap waiting for the team leader (swap "
                           f"{pending[0]}): it is approved or rejected first.")
        (swap_id,) = conn.execute(
            "INSERT INTO shift_swaps (day, from_agent, to_agent, reason, requested_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
            (day, from_agent, to_agent, reason.strip(), iso(now))).fetchone()
        return get_swap(conn, swap_id)


def decide_swap(conn: apsw.Connection, swap_id: int, approve: bool, by: str, now: float) -> Swap:
    """Approve or reject a requested swap; `by` is who decided (a username, or 'cli')."""
    with conn:
        swap = get_swap(conn, swap_id)
        if swap.status != "requested":
            raise Conflict(f"swap {swap_id} is already {swap.status} (by {swap.decided_by}): "
                           "a decided swap stays as it is; request a new one if plans changed.")
        if approve:
            _check(conn, swap.day, swap.from_agent, swap.to_agent, swap_id)
        conn.execute("UPDATE shift_swaps SET status = ?, decided_by = ?, decided_at = ? WHERE id = ?",
                     ("approved" if approve else "rejected", by, iso(now), swap_id))
        return get_swap(conn, swap_id)
