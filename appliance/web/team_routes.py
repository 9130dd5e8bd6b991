"""The team leader's pages over HTTP (docs/teams.md): the team's organisation, the roster and swaps.

Who may do what: a team leader their own team, a supervisor and an admin any team; an agent reads
their team's roster, their own swaps, and requests a swap of their own shift or into a colleague's
(the desktop's swap form). Every change is audited with the signed-in user as the actor.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Annotated

import msgspec
from litestar import Request, delete, get, post, put
from litestar.di import NamedDependency
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from appliance.store import roster, swaps, team_org
from appliance.store.users import Account, role_rank
from appliance.web.auth import at_least, require_leads, require_member
from appliance.web.services import Services

__all__ = ("TEAM_ROUTES",)

ServicesDep = NamedDependency[Services]
DEFAULT_DAYS = 7  # the roster without ?to=: a week from ?from= (default today)


class RosterBody(msgspec.Struct, forbid_unknown_fields=True):
    shift: str


class SwapBody(msgspec.Struct, forbid_unknown_fields=True):
    day: str
    from_agent: str
    to_agent: str
    reason: str = ""


# ---- who may do what ---------------------------------------------------------------------------------




def _team_of(services: Services, agent_id: str) -> str | None:
    row = services.conn.execute("SELECT team FROM agents WHERE id = ?", (agent_id,)).fetchone()
    return None if row is None else row[0]


# ---- the team ----------------------------------------------------------------------------------------


@get("/api/v1/teams/{team:str}", guards=[at_least("team_leader")], sync_to_thread=False)
def show_team(request: Request, team: FromPath[str], services: ServicesDep) -> team_org.TeamOverview:
    """Leaders, squads with their leaders and members, roles, and members in no squad."""
    require_leads(request.user, team, "see this team")
    return team_org.team_overview(services.conn, team)


# ---- the roster --------------------------------------------------------------------------------------


@get("/api/v1/roster", sync_to_thread=False)
def show_roster(
    request: Request,
    services: ServicesDep,
    from_day: Annotated[str | None, QueryParameter(name="from")] = None,
    to_day: Annotated[str | None, QueryParameter(name="to")] = None,
    team: FromQuery[str | None] = None,
) -> list[roster.RosterEntry]:
    """Who works when, swaps applied: a supervisor any team (or all), everyone else their own team."""
    user: Account = request.user
    first = roster.parse_day(from_day, "from") if from_day else date.today().isoformat()
    last = to_day or (date.fromisoformat(first) + timedelta(days=DEFAULT_DAYS - 1)).isoformat()
    if role_rank(user.role) >= role_rank("supervisor"):
        return roster.roster_entries(services.conn, first, last, team)
    if team is not None:
        require_member(user, team, "see the roster")
    if user.team is None:  # an agent in no team sees their own shifts
        return [e for e in roster.roster_entries(services.conn, first, last)
                if user.agent_id is not None and user.agent_id in (e.agent_id, e.worked_by)]
    return roster.roster_entries(services.conn, first, last, user.team)


@put("/api/v1/roster/{day:str}/{agent_id:str}", guards=[at_least("team_leader")], sync_to_thread=False)
def set_roster_day(request: Request, day: FromPath[str], agent_id: FromPath[str], data: JSONBody[RosterBody],
                   services: ServicesDep) -> roster.RosterEntry:
    """Give the agent this shift on this day (replacing theirs)."""
    require_leads(request.user, _team_of(services, agent_id), "change that agent's roster")
    with services.conn:
        roster.set_roster(services.conn, day, agent_id, data.shift)
        services.audit(request.user, "roster_set", agent_id, day=day, shift=data.shift)
    day = roster.parse_day(day)
    return next(e for e in roster.roster_entries(services.conn, day, day) if e.agent_id == agent_id)


@delete("/api/v1/roster/{day:str}/{agent_id:str}", guards=[at_least("team_leader")], sync_to_thread=False)
def clear_roster_day(request: Request, day: FromPath[str], agent_id: FromPath[str], services: ServicesDep) -> None:
    require_leads(request.user, _team_of(services, agent_id), "change that agent's roster")
    with services.conn:
        roster.clear_roster(services.conn, day, agent_id)
        services.audit(request.user, "roster_cleared", agent_id, day=day)


# ---- swaps -------------------------------------------------------------------------------------------


@get("/api/v1/swaps", sync_to_thread=False)
def list_swaps(request: Request, services: ServicesDep, status: FromQuery[str | None] = None) -> list[swaps.Swap]:
    """Latest day first: an agent the swaps they are part of, a team leader their team's, a supervisor all."""
    user: Account = request.user
    if role_rank(user.role) >= role_rank("supervisor"):
        return swaps.list_swaps(services.conn, status=status)
    if user.role == "team_leader":
        return swaps.list_swaps(services.conn, status=status, team=user.team) if user.team else []
    return swaps.list_swaps(services.conn, status=status, agent=user.agent_id) if user.agent_id else []


@post("/api/v1/swaps", sync_to_thread=False, status_code=201)
def request_swap(request: Request, data: JSONBody[SwapBody], services: ServicesDep) -> swaps.Swap:
    """An agent asks for a swap of their own shift, or to take a colleague's; a team leader for their team."""
    user: Account = request.user
    if user.role == "agent":
        if user.agent_id not in (data.from_agent, data.to_agent):
            raise PermissionDeniedException("an agent requests swaps of their own shifts only: "
                                            "name yourself as from_agent or to_agent.")
    else:
        require_leads(user, _team_of(services, data.from_agent), "request swaps for that agent")
    with services.conn:
        made = swaps.request_swap(services.conn, data.day, data.from_agent, data.to_agent, data.reason, time.time())
        services.audit(user, "swap_requested", data.from_agent, swap=made.id, day=made.day, to_agent=data.to_agent)
    return made


def _decide(request: Request, services: Services, swap_id: int, approve: bool) -> swaps.Swap:
    user: Account = request.user
    require_leads(user, swaps.get_swap(services.conn, swap_id).team, "decide this swap")
    with services.conn:
        decided = swaps.decide_swap(services.conn, swap_id, approve, user.username, time.time())
        services.audit(user, f"swap_{decided.status}", str(swap_id), day=decided.day,
               from_agent=decided.from_agent, to_agent=decided.to_agent)
    return decided


@post("/api/v1/swaps/{swap_id:int}/approve", guards=[at_least("team_leader")], sync_to_thread=False, status_code=200)
def approve_swap(request: Request, swap_id: FromPath[int], services: ServicesDep) -> swaps.Swap:
    """The shift and its duties (the huddle included) move to the colleague."""
    return _decide(request, services, swap_id, True)


@post("/api/v1/swaps/{swap_id:int}/reject", guards=[at_least("team_leader")], sync_to_thread=False, status_code=200)
def reject_swap(request: Request, swap_id: FromPath[int], services: ServicesDep) -> swaps.Swap:
    return _decide(request, services, swap_id, False)


TEAM_ROUTES = (show_team, show_roster, set_roster_day, clear_roster_day, list_swaps, request_swap, approve_swap,
               reject_swap)
