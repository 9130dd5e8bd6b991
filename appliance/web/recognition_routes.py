"""Recognition, team activities and the team's announcements over HTTP (docs/teams.md,
"Recognition and team life").

Who may do what: every member of a team (its agents' users and its team leader) reads its rules,
published results, activities and the best-trainer ballot, and an agent member votes; the team
leader (or a supervisor or admin, for any team) changes the rules, previews and publishes a month,
gives the contribution award and lists the team's notices with their acknowledgements; the team's
activity officer plans activities and takes attendance as the team leader does. Changes are
audited with the signed-in user as the actor.
"""

from __future__ import annotations

import time
from typing import Annotated

import msgspec
from litestar import Request, get, post, put
from litestar.di import NamedDependency
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from appliance.errors import InvalidInput
from appliance.store import activities, recognition
from appliance.store.users import Account
from appliance.web.auth import at_least, leads, linked_to_agent, require_leads, require_member
from appliance.web.services import Services

__all__ = ("RECOGNITION_ROUTES",)

ServicesDep = NamedDependency[Services]


class RulesBody(msgspec.Struct, forbid_unknown_fields=True):
    top_n: int | None = None
    bottom_n: int | None = None
    absence_points: int | None = None
    late_points: int | None = None
    skip_points: int | None = None
    member_fen: int | None = None
    leader_fen: int | None = None


class PublishBody(msgspec.Struct, forbid_unknown_fields=True):
    month: str
    replace: bool = False


class VoteBody(msgspec.Struct, forbid_unknown_fields=True):
    trainer: str


class AwardBody(msgspec.Struct, forbid_unknown_fields=True):
    agent_id: str
    reason: str


class ActivityBody(msgspec.Struct, forbid_unknown_fields=True):
    title: str
    day: str
    place: str = ""
    notes: str = ""


class AttendanceBody(msgspec.Struct, forbid_unknown_fields=True):
    status: str


class MyRoles(msgspec.Struct, frozen=True):
    """What the signed-in user does in the team besides taking calls (the desktop shows their forms)."""

    team: str
    roles: tuple[str, ...]  # trainer, activity_officer, fund_keeper
    leads: bool


# ---- who may do what ---------------------------------------------------------------------------------


def _require_officer(services: Services, user: Account, team: str, what: str) -> None:
    """The team leader, or the team's activity officer."""
    if leads(user, team):
        return
    if user.team == team and recognition.holds_role(services.conn, team, user.agent_id, "activity_officer"):
        return
    raise PermissionDeniedException(f"only the team leader or the activity officer of team {team} may {what}.")


def _this_month() -> str:
    return time.strftime("%Y-%m", time.localtime())


# ---- rules and results ---------------------------------------------------------------------------------


@get("/api/v1/teams/{team:str}/recognition/rules", sync_to_thread=False)
def show_rules(request: Request, team: FromPath[str], services: ServicesDep) -> recognition.TeamRules:
    require_member(request.user, team, "see the recognition rules")
    return recognition.team_rules(services.conn, team)


@put("/api/v1/teams/{team:str}/recognition/rules", guards=[at_least("team_leader")], sync_to_thread=False)
def set_rules(request: Request, team: FromPath[str], data: JSONBody[RulesBody],
              services: ServicesDep) -> recognition.TeamRules:
    """Change some of the team's recognition and fund rules; the rest keep their values."""
    require_leads(request.user, team, "change its rules")
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not None}
    with services.conn:
        found = recognition.set_rules(services.conn, team, **changes)
        services.audit(request.user, "recognition_rules_set", team, **changes)
    return found


@get("/api/v1/teams/{team:str}/recognition/preview", guards=[at_least("team_leader")], sync_to_thread=False)
def preview(request: Request, team: FromPath[str], services: ServicesDep,
            month: FromQuery[str | None] = None) -> recognition.Results:
    """A month's results as they stand now (default: this month), not published."""
    require_leads(request.user, team, "preview its results")
    return recognition.compute_results(services.conn, team, month or _this_month(), time.time())


@post("/api/v1/teams/{team:str}/recognition/publish", guards=[at_least("team_leader")], sync_to_thread=False,
      status_code=201)
def publish(request: Request, team: FromPath[str], data: JSONBody[PublishBody],
            services: ServicesDep) -> recognition.Results:
    """Keep the month's results as they are now and announce them to the team's desktops."""
    user: Account = request.user
    require_leads(user, team, "publish its results")
    with services.conn:
        found = recognition.publish(services.conn, team, data.month, user.username, time.time(), replace=data.replace)
        services.audit(user, "recognition_published", team, month=found.month, replace=data.replace)
    services.notify()
    return found


@get("/api/v1/teams/{team:str}/recognition/published", sync_to_thread=False)
def show_published(request: Request, team: FromPath[str], services: ServicesDep,
                   month: FromQuery[str | None] = None) -> recognition.Results:
    """A published month as published (default: the latest); 404 when there is none."""
    require_member(request.user, team, "see the recognition results")
    return recognition.published(services.conn, team, month)


@get("/api/v1/teams/{team:str}/recognition/history", sync_to_thread=False)
def history(request: Request, team: FromPath[str], services: ServicesDep) -> list[recognition.PublishedMonth]:
    require_member(request.user, team, "see the recognition results")
    return recognition.published_months(services.conn, team)


@get("/api/v1/teams/{team:str}/my-roles", sync_to_thread=False)
def my_roles(request: Request, team: FromPath[str], services: ServicesDep) -> MyRoles:
    user: Account = request.user
    require_member(user, team, "see the roles")
    roles = tuple(r for r in ("trainer", "activity_officer", "fund_keeper")
                  if user.team == team and recognition.holds_role(services.conn, team, user.agent_id, r))
    return MyRoles(team, roles, leads(user, team))


# ---- best trainer and the contribution award -----------------------------------------------------------


@get("/api/v1/teams/{team:str}/trainer-vote", sync_to_thread=False)
def ballot(request: Request, team: FromPath[str], services: ServicesDep,
           month: FromQuery[str | None] = None) -> recognition.TrainerBallot:
    """The team's trainers and the user's own vote of the month (default: this month)."""
    require_member(request.user, team, "see the best-trainer vote")
    return recognition.trainer_ballot(services.conn, team, month or _this_month(), request.user.agent_id)


@post("/api/v1/teams/{team:str}/trainer-vote", guards=[linked_to_agent], sync_to_thread=False, status_code=200)
def cast_vote(request: Request, team: FromPath[str], data: JSONBody[VoteBody],
              services: ServicesDep) -> recognition.TrainerBallot:
    """A member's one vote of this month for one of the team's trainers (again: replaces it)."""
    user: Account = request.user
    require_member(user, team, "vote for the best trainer")
    with services.conn:
        return recognition.vote(services.conn, team, _this_month(), user.agent_id, data.trainer, time.time())


@put("/api/v1/teams/{team:str}/contribution-award/{month:str}", guards=[at_least("team_leader")],
     sync_to_thread=False)
def nominate(request: Request, team: FromPath[str], month: FromPath[str], data: JSONBody[AwardBody],
             services: ServicesDep) -> recognition.Contribution:
    user: Account = request.user
    require_leads(user, team, "give its contribution award")
    with services.conn:
        found = recognition.nominate(services.conn, team, month, data.agent_id, data.reason, user.username, time.time())
        services.audit(user, "contribution_nominated", team, month=month, agent=data.agent_id)
    return found


# ---- activities ----------------------------------------------------------------------------------------


@get("/api/v1/teams/{team:str}/activities", sync_to_thread=False)
def list_activities(
    request: Request,
    team: FromPath[str],
    services: ServicesDep,
    from_day: Annotated[str | None, QueryParameter(name="from")] = None,
    to_day: Annotated[str | None, QueryParameter(name="to")] = None,
) -> list[activities.Activity]:
    require_member(request.user, team, "see the activities")
    return activities.list_activities(services.conn, team, first=from_day, last=to_day)


@post("/api/v1/teams/{team:str}/activities", sync_to_thread=False, status_code=201)
def add_activity(request: Request, team: FromPath[str], data: JSONBody[ActivityBody],
                 services: ServicesDep) -> activities.Activity:
    user: Account = request.user
    _require_officer(services, user, team, "plan its activities")
    with services.conn:
        added = activities.add_activity(services.conn, team, data.title, data.day, data.place, user.username,
                                        time.time(), data.notes)
        services.audit(user, "activity_added", team, activity=added.id, title=added.title, day=added.day)
    return added


@put("/api/v1/activities/{activity_id:int}/attendance/{agent_id:str}", sync_to_thread=False)
def record_attendance(request: Request, activity_id: FromPath[int], agent_id: FromPath[str],
                      data: JSONBody[AttendanceBody], services: ServicesDep) -> activities.Activity:
    user: Account = request.user
    _require_officer(services, user, activities.get_activity(services.conn, activity_id).team, "take attendance")
    with services.conn:
        found = activities.record_attendance(services.conn, activity_id, agent_id, data.status, user.username,
                                             time.time())
        services.audit(user, "activity_attendance", str(activity_id), agent=agent_id, status=data.status)
    return found


@post("/api/v1/activities/{activity_id:int}/cancel", sync_to_thread=False, status_code=200)
def cancel_activity(request: Request, activity_id: FromPath[int], services: ServicesDep) -> activities.Activity:
    user: Account = request.user
    _require_officer(services, user, activities.get_activity(services.conn, activity_id).team, "cancel activities")
    with services.conn:
        found = activities.cancel_activity(services.conn, activity_id)
        services.audit(user, "activity_cancelled", str(activity_id))
    return found


# ---- announcements -------------------------------------------------------------------------------------


@get("/api/v1/teams/{team:str}/notices", guards=[at_least("team_leader")], sync_to_thread=False)
def team_notices(request: Request, team: FromPath[str], services: ServicesDep,
                 limit: FromQuery[int] = 50) -> list[recognition.TeamNotice]:
    """The team's notices newest first, with who of the team has acknowledged each."""
    require_leads(request.user, team, "see its notices")
    if not 1 <= limit <= 500:
        raise InvalidInput("limit must be from 1 to 500.")
    return recognition.team_notices(services.conn, team, limit=limit)


RECOGNITION_ROUTES = (
    show_rules, set_rules, preview, publish, show_published, history, my_roles, ballot, cast_vote, nominate,
    list_activities, add_activity, record_attendance, cancel_activity, team_notices,
)
