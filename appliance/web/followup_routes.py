"""KPI targets, flags with their improvement plans, and complaints over HTTP (docs/teams.md,
"Targets, flags, improvement plans" and "Complaints").

Who may do what: an agent sees their own flags and their team's targets and writes the plan for
their own plan-level flag; a team leader sees their team's flags, follows up their plans, sets
their team's targets and registers, decides and analyses their team's complaints; a supervisor
and an admin do all of it for every team. Target changes and complaints are audited with the
signed-in user as the actor.
"""

from __future__ import annotations

import time

import msgspec
from litestar import Request, get, post, put
from litestar.di import NamedDependency
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath, FromQuery, JSONBody

from appliance.errors import InvalidInput
from appliance.store import complaints, targets
from appliance.store.users import Account
from appliance.web.auth import at_least, linked_to_agent, may_see_agent, require_leads, require_member, visible_agents
from appliance.web.services import Services

__all__ = ("FOLLOWUP_ROUTES",)

ServicesDep = NamedDependency[Services]


class PlanBody(msgspec.Struct, forbid_unknown_fields=True):
    plan: str


class FollowUpBody(msgspec.Struct, forbid_unknown_fields=True):
    note: str
    close: bool = False


class TargetBody(msgspec.Struct, forbid_unknown_fields=True):
    target: float


class ComplaintBody(msgspec.Struct, forbid_unknown_fields=True):
    call_id: str
    category: str
    description: str


class DecisionBody(msgspec.Struct, forbid_unknown_fields=True):
    substantiated: bool
    note: str


# ---- who may do what ---------------------------------------------------------------------------------




def _local_day(now: float) -> str:
    return time.strftime("%Y-%m-%d", time.localtime(now))


# ---- flags and improvement plans ---------------------------------------------------------------------------


@get("/api/v1/flags", sync_to_thread=False)
def list_flags(request: Request, services: ServicesDep, team: FromQuery[str | None] = None,
               agent: FromQuery[str | None] = None) -> list[targets.KpiFlag]:
    """Flags newest first with their plans: an agent their own, a team leader their team's."""
    user: Account = request.user
    config = services.switchboard.config
    if agent is not None and not may_see_agent(user, agent, config):
        raise PermissionDeniedException(f"you may not see the flags of agent {agent!r}.")
    if team is not None:
        require_member(user, team, "see the flags")
    return targets.list_flags(services.conn, team=team, agent_id=agent, agents=visible_agents(user, config))


@post("/api/v1/flags/{flag_id:int}/plan", guards=[linked_to_agent], sync_to_thread=False, status_code=201)
def write_plan(request: Request, flag_id: FromPath[int], data: JSONBody[PlanBody], services: ServicesDep) -> targets.Plan:
    """The flagged agent writes the improvement plan for their plan-level flag."""
    user: Account = request.user
    flag = targets.get_flag(services.conn, flag_id)
    if flag.agent_id != user.agent_id:
        raise PermissionDeniedException(f"flag {flag_id} is not yours: only the flagged agent writes its plan.")
    with services.conn:
        plan = targets.write_plan(services.conn, flag_id, flag.agent_id, data.plan, time.time())
    return plan


@post("/api/v1/plans/{plan_id:int}/follow-up", guards=[at_least("team_leader")], sync_to_thread=False, status_code=200)
def follow_up_plan(request: Request, plan_id: FromPath[int], data: JSONBody[FollowUpBody],
                   services: ServicesDep) -> targets.Plan:
    """The agent's team leader adds a follow-up note, and closes the plan when it is done."""
    user: Account = request.user
    plan = targets.get_plan(services.conn, plan_id)
    require_leads(user, targets.get_flag(services.conn, plan.flag_id).team, "follow up this plan")
    now = time.time()
    with services.conn:
        return targets.follow_up_plan(services.conn, plan_id, data.note, user.username, now, close=data.close,
                                      day=_local_day(now))


# ---- targets -------------------------------------------------------------------------------------------


@get("/api/v1/targets", sync_to_thread=False)
def list_targets(request: Request, services: ServicesDep, team: FromQuery[str | None] = None) -> list[targets.Target]:
    """A team's targets, the defaults included: everyone may read their own team's, a supervisor any."""
    user: Account = request.user
    team = team or user.team
    if team is None:
        raise InvalidInput("which team? Give ?team=NAME.")
    require_member(user, team, "see the targets")
    return targets.team_targets(services.conn, team)


@put("/api/v1/targets/{team:str}/{kpi:str}", guards=[at_least("team_leader")], sync_to_thread=False)
def set_target(request: Request, team: FromPath[str], kpi: FromPath[str], data: JSONBody[TargetBody],
               services: ServicesDep) -> targets.Target:
    user: Account = request.user
    require_leads(user, team, "set its targets")
    with services.conn:
        target = targets.set_target(services.conn, team, kpi, data.target)
        services.audit(user, "target_set", team, kpi=kpi, value=target.target)
    return target


# ---- complaints --------------------------------------------------------------------------------------------


@post("/api/v1/complaints", guards=[at_least("team_leader")], sync_to_thread=False, status_code=201)
def add_complaint(request: Request, data: JSONBody[ComplaintBody], services: ServicesDep) -> complaints.Complaint:
    """Register a complaint against the agent who took the call (of the team leader's own team)."""
    user: Account = request.user
    _, team = complaints.call_agent(services.conn, data.call_id)
    require_leads(user, team, "register a complaint about this call")
    with services.conn:
        added = complaints.add_complaint(services.conn, data.call_id, data.category, data.description, user.username,
                                         time.time())
        services.audit(user, "complaint_added", data.call_id, complaint=added.id, category=added.category)
    return added


@post("/api/v1/complaints/{complaint_id:int}/decide", guards=[at_least("team_leader")], sync_to_thread=False,
      status_code=200)
def decide_complaint(request: Request, complaint_id: FromPath[int], data: JSONBody[DecisionBody],
                     services: ServicesDep) -> complaints.Complaint:
    user: Account = request.user
    require_leads(user, complaints.get_complaint(services.conn, complaint_id).team, "decide this complaint")
    with services.conn:
        decided = complaints.decide_complaint(services.conn, complaint_id, data.substantiated, data.note,
                                              user.username, time.time())
        services.audit(user, "complaint_decided", str(complaint_id), substantiated=data.substantiated)
    return decided


def _month(month: str | None) -> str:
    return complaints.parse_month(month) if month is not None else time.strftime("%Y-%m")


@get("/api/v1/complaints", guards=[at_least("team_leader")], sync_to_thread=False)
def list_complaints(request: Request, services: ServicesDep,
                    month: FromQuery[str | None] = None) -> list[complaints.Complaint]:
    """Newest first (of one local month with ?month=YYYY-MM): a team leader their team's."""
    if month is not None:
        complaints.parse_month(month)
    return complaints.list_complaints(services.conn, month=month,
                                      agents=visible_agents(request.user, services.switchboard.config))


@get("/api/v1/complaints/analysis", guards=[at_least("team_leader")], sync_to_thread=False)
def complaint_analysis(request: Request, services: ServicesDep,
                       month: FromQuery[str | None] = None) -> complaints.ComplaintAnalysis:
    """One local month (default: this one): by category, by agent, the substantiated share."""
    return complaints.complaint_analysis(services.conn, _month(month),
                                         agents=visible_agents(request.user, services.switchboard.config))


FOLLOWUP_ROUTES = (
    list_flags, write_plan, follow_up_plan, list_targets, set_target,
    add_complaint, decide_complaint, list_complaints, complaint_analysis,
)
