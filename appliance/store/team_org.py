"""A team's organisation (docs/teams.md, "Organisation"): squads with their leaders, the roles members
hold besides taking calls, and the whole of it at a glance (`team_overview`).

An agent belongs to at most one squad, of their own team (`agents.squad` names it within
`agents.team`); a squad's leader is one of its members.
"""

from __future__ import annotations

import apsw
import msgspec

from appliance.errors import Conflict, InvalidInput, NotFound
from appliance.model import parse_name
from appliance.store._rows import require
from appliance.store.teams import require_team

__all__ = (
    "ROLES",
    "Member",
    "RoleHolder",
    "Squad",
    "TeamOverview",
    "add_role",
    "add_squad",
    "assign_squad",
    "list_roles",
    "remove_role",
    "remove_squad",
    "team_overview",
)

ROLES = ("trainer", "activity_officer", "fund_keeper")  # migration 0007's CHECK on team_roles.role


class Member(msgspec.Struct, frozen=True):
    id: str
    name: str


class Squad(msgspec.Struct, frozen=True):
    name: str
    leader: str | None  # an agent id
    members: tuple[Member, ...]


class RoleHolder(msgspec.Struct, frozen=True):
    agent_id: str
    role: str


class TeamOverview(msgspec.Struct, frozen=True):
    name: str
    leaders: tuple[str, ...]  # usernames of its team leaders
    squads: tuple[Squad, ...]
    roles: tuple[RoleHolder, ...]
    without_squad: tuple[Member, ...]


def _agent_team(conn: apsw.Connection, agent_id: str) -> str | None:
    require(conn, "agent", agent_id)
    return conn.execute("SELECT team FROM agents WHERE id = ?", (agent_id,)).fetchone()[0]


def _require_member(conn: apsw.Connection, team: str, agent_id: str, as_what: str) -> None:
    current = _agent_team(conn, agent_id)
    if current != team:
        where = f"is in team {current!r}" if current else "is in no team"
        raise InvalidInput(f"agent {agent_id!r} {where}, so cannot be {as_what} in team {team!r}: "
                           f"'branchline team assign {agent_id} {team}' moves them first.")


def _require_squad(conn: apsw.Connection, team: str, squad: str) -> None:
    if conn.execute("SELECT 1 FROM squads WHERE team = ? AND name = ?", (team, squad)).fetchone() is None:
        raise NotFound(f"team {team!r} has no squad {squad!r}: 'branchline team show {team}' lists its squads.")


def _join_squad(conn: apsw.Connection, agent_id: str, squad: str | None) -> None:
    """Move an agent to a squad of their team (None: to none); they stop leading any other."""
    conn.execute("UPDATE squads SET leader = NULL WHERE leader = ? AND name IS NOT ?", (agent_id, squad))
    conn.execute("UPDATE agents SET squad = ? WHERE id = ?", (squad, agent_id))


def add_squad(conn: apsw.Connection, team: str, name: str, leader: str | None = None) -> None:
    """A new squad; its leader (one of the team's agents) joins it and leaves any squad they led."""
    parse_name(name, "squad")
    with conn:
        require_team(conn, team)
        if conn.execute("SELECT 1 FROM squads WHERE team = ? AND name = ?", (team, name)).fetchone():
            raise Conflict(f"team {team!r} already has a squad {name!r}: choose another name.")
        if leader is not None:
            _require_member(conn, team, leader, "a squad leader")
        conn.execute("INSERT INTO squads (team, name, leader) VALUES (?, ?, ?)", (team, name, leader))
        if leader is not None:
            _join_squad(conn, leader, name)


def remove_squad(conn: apsw.Connection, team: str, name: str) -> int:
    """Remove a squad; its members stay in the team without a squad. Returns how many there were."""
    with conn:
        require_team(conn, team)
        _require_squad(conn, team, name)
        members = conn.execute("SELECT count(*) FROM agents WHERE team = ? AND squad = ?", (team, name)).fetchone()[0]
        conn.execute("UPDATE agents SET squad = NULL WHERE team = ? AND squad = ?", (team, name))
        conn.execute("DELETE FROM squads WHERE team = ? AND name = ?", (team, name))
    return members


def assign_squad(conn: apsw.Connection, agent_id: str, squad: str | None) -> str:
    """Put an agent in a squad of their own team (None: in none); returns the team."""
    with conn:
        team = _agent_team(conn, agent_id)
        if team is None:
            raise InvalidInput(f"agent {agent_id!r} is in no team, and squads belong to a team: "
                               f"'branchline team assign {agent_id} TEAM' first.")
        if squad is not None:
            _require_squad(conn, team, squad)
        _join_squad(conn, agent_id, squad)
    return team


def add_role(conn: apsw.Connection, team: str, agent_id: str, role: str) -> None:
    if role not in ROLES:
        raise InvalidInput(f"{role!r} is not a team role: use one of {', '.join(ROLES)}.")
    with conn:
        require_team(conn, team)
        _require_member(conn, team, agent_id, f"a {role}")
        if conn.execute("SELECT 1 FROM team_roles WHERE team = ? AND agent_id = ? AND role = ?",
                        (team, agent_id, role)).fetchone():
            raise Conflict(f"agent {agent_id!r} is already a {role} in team {team!r}.")
        conn.execute("INSERT INTO team_roles (team, agent_id, role) VALUES (?, ?, ?)", (team, agent_id, role))


def remove_role(conn: apsw.Connection, team: str, agent_id: str, role: str) -> None:
    with conn:
        require_team(conn, team)
        gone = conn.execute("DELETE FROM team_roles WHERE team = ? AND agent_id = ? AND role = ? RETURNING 1",
                            (team, agent_id, role)).fetchall()
        if not gone:
            raise NotFound(f"agent {agent_id!r} is not a {role} in team {team!r}: "
                           f"'branchline team show {team}' lists who holds which role.")


def list_roles(conn: apsw.Connection, team: str) -> list[RoleHolder]:
    require_team(conn, team)
    return [RoleHolder(agent_id, role) for agent_id, role in conn.execute(
        "SELECT agent_id, role FROM team_roles WHERE team = ? ORDER BY role, agent_id", (team,))]


def team_overview(conn: apsw.Connection, team: str) -> TeamOverview:
    """Leaders, squads with their leaders and members, roles, and the members in no squad."""
    require_team(conn, team)
    leaders = tuple(u for (u,) in conn.execute(
        "SELECT username FROM users WHERE role = 'team_leader' AND team = ? ORDER BY username", (team,)))
    by_squad: dict[str | None, list[Member]] = {}
    for agent_id, name, squad in conn.execute("SELECT id, name, squad FROM agents WHERE team = ? ORDER BY id", (team,)):
        by_squad.setdefault(squad, []).append(Member(agent_id, name))
    squads = tuple(
        Squad(name, leader, tuple(by_squad.pop(name, ())))
        for name, leader in conn.execute("SELECT name, leader FROM squads WHERE team = ? ORDER BY name", (team,))
    )
    # A squad name no squad row has any more counts as none (squads are removed through remove_squad).
    without = tuple(sorted((m for members in by_squad.values() for m in members), key=lambda m: m.id))
    return TeamOverview(team, leaders, squads, tuple(list_roles(conn, team)), without)
