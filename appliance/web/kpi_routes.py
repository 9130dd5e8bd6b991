"""A month's KPIs over HTTP for the team page and the desktop's My team (docs/teams.md, "The team
page and the desktop's My team"), and the list of teams the team page's picker offers.

- `GET /api/v1/teams`: the teams the user leads (a supervisor and an admin: every team).
- `GET /api/v1/kpis?team=&month=`: every KPI of the month (so far, for the current month) per
  agent of the team (with their squad), per squad and for the team, the composite within the
  team (agents) and among its squads, which values are on the wrong side of the team's targets,
  and discipline (lateness, absences, hours owed and made up).
- `GET /api/v1/kpis/me?month=`: the signed-in agent's month with their team's targets.

Reading only: nothing here changes data, so nothing is audited.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import msgspec
from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromQuery

from appliance.clock import iso
from appliance.errors import InvalidInput
from appliance.store import targets, teams
from appliance.store.complaints import parse_month
from appliance.store.users import Account
from appliance.teamwork.composite import composite_scores
from appliance.teamwork.flags import off_target
from appliance.teamwork.kpi import KPIS, AgentDay
from appliance.teamwork.kpi_source import month_kpis
from appliance.web.auth import at_least, leads, linked_to_agent, require_leads
from appliance.web.services import Services

__all__ = ("KPI_ROUTES",)

ServicesDep = NamedDependency[Services]


class KpiInfo(msgspec.Struct, frozen=True):
    id: str
    name: str
    name_zh: str
    better: str  # "higher" or "lower"
    unit: str  # per_hour, seconds, ratio, score, count
    target: float | None  # the team's target (its default included); None: no target


class Discipline(msgspec.Struct, frozen=True):
    """Floor discipline against the roster (docs/teams.md, "KPIs per agent per day"): minutes late
    to shifts, shifts missed (30+ minutes late or never signed in), shift time not signed in
    (owed) and what was made up after the shift the same day."""

    late_minutes: int
    absences: int
    owed_s: float
    made_up_s: float

    @classmethod
    def of(cls, day: AgentDay) -> Discipline:
        return cls(day.late_minutes, day.absent, day.owed_s, day.made_up_s)


class KpiRow(msgspec.Struct, frozen=True):
    """One agent, squad or the team: every KPI value (None: nothing to divide by), the KPIs on
    the wrong side of their target, and discipline."""

    id: str
    name: str
    squad: str | None
    values: dict[str, float | None]
    off: list[str]
    discipline: Discipline
    composite: float | None = None  # 0-500 within the group (agents of the team, or its squads)


class TeamKpis(msgspec.Struct, frozen=True):
    team: str
    month: str
    until: str | None  # the current month is counted up to this moment (ISO); None: the whole month
    kpis: list[KpiInfo]
    agents: list[KpiRow]
    squads: list[KpiRow]
    total: KpiRow


class MyKpis(msgspec.Struct, frozen=True):
    agent_id: str
    team: str | None
    month: str
    until: str | None
    kpis: list[KpiInfo]
    values: dict[str, float | None]
    off: list[str]
    discipline: Discipline


# ---- the month --------------------------------------------------------------------------------------


def _month(month: str | None) -> str:
    return parse_month(month) if month is not None else time.strftime("%Y-%m")


def _until(month: str) -> float | None:
    """Now for the current (or a future) month, so that nothing after this moment counts; None for a past one."""
    return time.time() if month >= time.strftime("%Y-%m") else None


def _iso(moment: float | None) -> str | None:
    return None if moment is None else iso(moment)


def _kpis(found: Mapping[str, float]) -> list[KpiInfo]:
    return [KpiInfo(k.id, k.name, k.name_zh, k.better, k.unit, found.get(k.id)) for k in KPIS]


def _off(values: Mapping[str, float | None], kpis: list[KpiInfo]) -> list[str]:
    """The KPIs whose value is on the wrong side of their target (no value: not off)."""
    return [k.id for k in kpis if k.target is not None and off_target(values.get(k.id), k.target, k.better)]


def _row(row_id: str, name: str, squad: str | None, day: AgentDay, kpis: list[KpiInfo],
         composite: float | None) -> KpiRow:
    values = day.values()
    return KpiRow(row_id, name, squad, values, _off(values, kpis), Discipline.of(day), composite)


# ---- routes -----------------------------------------------------------------------------------------------


@get("/api/v1/teams", guards=[at_least("team_leader")], sync_to_thread=False)
def list_teams(request: Request, services: ServicesDep) -> list[teams.Team]:
    """The teams the user leads: a team leader their own, a supervisor and an admin every team."""
    user: Account = request.user
    return [team for team in teams.list_teams(services.conn) if leads(user, team.name)]


@get("/api/v1/kpis", guards=[at_least("team_leader")], sync_to_thread=False)
def team_kpis(request: Request, services: ServicesDep, team: FromQuery[str | None] = None,
              month: FromQuery[str | None] = None) -> TeamKpis:
    """The team's month per agent, per squad and in total, against the team's targets."""
    user: Account = request.user
    team = team or user.team
    if not team:
        raise InvalidInput("which team? Give ?team=NAME.")
    require_leads(user, team, "see its KPIs")
    teams.require_team(services.conn, team)
    month = _month(month)
    until = _until(month)
    members = list(services.conn.execute("SELECT id, name, squad FROM agents WHERE team = ? ORDER BY id", (team,)))
    kpis = _kpis(targets.targets_of(services.conn, team))
    found = month_kpis(services.conn, month, [agent_id for agent_id, _, _ in members], until=until)
    totals = {agent_id: found.agents.get(agent_id) or AgentDay(agent_id=agent_id) for agent_id, _, _ in members}
    by_agent = composite_scores(totals) if totals else {}
    squads = found.squads.get(team, {})
    by_squad = composite_scores(squads) if squads else {}
    return TeamKpis(
        team, month, _iso(until), kpis,
        [_row(agent_id, name, squad, totals[agent_id], kpis, by_agent[agent_id].score)
         for agent_id, name, squad in members],
        [_row(squad, squad, squad, day, kpis, by_squad[squad].score) for squad, day in sorted(squads.items())],
        _row(team, team, None, found.teams.get(team) or AgentDay(), kpis, None),
    )


@get("/api/v1/kpis/me", guards=[linked_to_agent], sync_to_thread=False)
def my_kpis(request: Request, services: ServicesDep, month: FromQuery[str | None] = None) -> MyKpis:
    """The signed-in agent's month so far, with their team's targets."""
    user: Account = request.user
    agent_id = user.agent_id or ""
    row = services.conn.execute("SELECT team FROM agents WHERE id = ?", (agent_id,)).fetchone()
    team = row[0] if row else None
    month = _month(month)
    until = _until(month)
    kpis = _kpis(targets.targets_of(services.conn, team))
    found = month_kpis(services.conn, month, [agent_id], until=until)
    total = found.agents.get(agent_id) or AgentDay(agent_id=agent_id)
    values = total.values()
    return MyKpis(agent_id, team, month, _iso(until), kpis, values, _off(values, kpis), Discipline.of(total))


KPI_ROUTES = (list_teams, team_kpis, my_kpis)
