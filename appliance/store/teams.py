"""Teams of agents. An agent belongs to at most one team; a team leader sees their team's agents."""

from __future__ import annotations

import time

import apsw
import msgspec

from appliance.clock import iso
from appliance.errors import Conflict, NotFound
from appliance.model import parse_name
from appliance.store._rows import require

__all__ = ("Team", "add_team", "assign_agent", "list_teams", "require_team")


class Team(msgspec.Struct, frozen=True):
    name: str
    members: int
    leaders: tuple[str, ...]  # usernames of its team leaders


def require_team(conn: apsw.Connection, name: str) -> None:
    if conn.execute("SELECT 1 FROM teams WHERE name = ?", (name,)).fetchone() is None:
        raise NotFound(f"team {name!r} does not exist: 'branchline team list' shows what there is, "
                       f"'branchline team add {name}' creates it.")


def add_team(conn: apsw.Connection, name: str) -> None:
    parse_name(name, "team")
    with conn:
        if conn.execute("SELECT 1 FROM teams WHERE name = ?", (name,)).fetchone():
            raise Conflict(f"team {name!r} already exists: choose another name.")
        conn.execute("INSERT INTO teams (name, created_at) VALUES (?, ?)", (name, iso(time.time())))


def list_teams(conn: apsw.Connection) -> list[Team]:
    members = dict(conn.execute("SELECT team, count(*) FROM agents WHERE team IS NOT NULL GROUP BY team"))
    leaders: dict[str, list[str]] = {}
    for team, username in conn.execute(
        "SELECT team, username FROM users WHERE role = 'team_leader' AND team IS NOT NULL ORDER BY username"
    ):
        leaders.setdefault(team, []).append(username)
    return [
        Team(name, members.get(name, 0), tuple(leaders.get(name, ())))
        for (name,) in conn.execute("SELECT name FROM teams ORDER BY name")
    ]


def assign_agent(conn: apsw.Connection, agent_id: str, team: str | None) -> None:
    """Put an agent in a team, or in none (team None). Moving them drops their squad, the squad they
    led and their roles in the old team: those belong to the team (docs/teams.md)."""
    with conn:
        require(conn, "agent", agent_id)
        if team is not None:
            require_team(conn, team)
        (old,) = conn.execute("SELECT team FROM agents WHERE id = ?", (agent_id,)).fetchone()
        if old != team:
            conn.execute("UPDATE squads SET leader = NULL WHERE leader = ?", (agent_id,))
            conn.execute("DELETE FROM team_roles WHERE agent_id = ? AND team IS NOT ?", (agent_id, team))
        conn.execute("UPDATE agents SET team = ?, squad = CASE WHEN team IS ? THEN squad END WHERE id = ?",
                     (team, team, agent_id))
