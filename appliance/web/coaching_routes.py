"""Coaching and development over HTTP (docs/teams.md, "Coaching and development"): one-on-one
coaching records, the weekly rule, monthly segmentation, training requests, sessions with
attendance, and innovation suggestions.

Who may do what: a team leader records talks with, and reads the records, segmentation and
training plan of, their own team's agents; a supervisor and an admin do it for every team. An
agent reads and acknowledges their own coaching records, makes training requests and
suggestions, and reads their team's sessions; a squad leader (an agent) also reads and decides
their squad's suggestions. Changes are audited with the signed-in user as the actor.
"""

from __future__ import annotations

import time
from datetime import date

import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath, FromQuery, JSONBody

from appliance.errors import InvalidInput
from appliance.store import coaching, training
from appliance.store.users import Account, role_rank
from appliance.web.auth import at_least, leads, linked_to_agent, require_leads, require_member
from appliance.web.services import Services

__all__ = ("COACHING_ROUTES",)

ServicesDep = NamedDependency[Services]


class CoachingBody(msgspec.Struct, forbid_unknown_fields=True):
    agent_id: str
    keep: str
    improve: str
    actions: str
    day: str | None = None  # local day of the talk (default today)
    follow_up_on: str | None = None
    recordings: list[int] = []


class OutcomeBody(msgspec.Struct, forbid_unknown_fields=True):
    outcome: str


class RequestBody(msgspec.Struct, forbid_unknown_fields=True):
    topic: str
    why: str


class SessionBody(msgspec.Struct, forbid_unknown_fields=True):
    team: str
    kind: str
    trainer: str
    day: str
    topic: str
    requests: list[int] = []


class AttendanceBody(msgspec.Struct, forbid_unknown_fields=True):
    present: list[str] = []
    absent: list[str] = []


class SuggestionBody(msgspec.Struct, forbid_unknown_fields=True):
    title: str
    text: str


class ReviewBody(msgspec.Struct, forbid_unknown_fields=True):
    status: str
    note: str = ""


# ---- who may do what ---------------------------------------------------------------------------------


def _is_lead(user: Account) -> bool:
    return role_rank(user.role) >= role_rank("team_leader")


def _team_param(user: Account, team: str | None) -> str:
    """The team a leader's request is about: ?team=, else the team leader's own."""
    team = team or (user.team if user.role == "team_leader" else None)
    if team is None:
        raise InvalidInput("which team? Give ?team=NAME.")
    return team


def _agent_team(services: Services, agent_id: str) -> str | None:
    row = services.conn.execute("SELECT team FROM agents WHERE id = ?", (agent_id,)).fetchone()
    return None if row is None else row[0]


def _month(month: str | None) -> str:
    return coaching.parse_month(month) if month is not None else time.strftime("%Y-%m")


# ---- coaching records --------------------------------------------------------------------------------------


@get("/api/v1/coaching", sync_to_thread=False)
def list_coaching(request: Request, services: ServicesDep, team: FromQuery[str | None] = None,
                  agent: FromQuery[str | None] = None) -> list[coaching.CoachingRecord]:
    """Newest first: an agent their own records; a team leader their team's (?agent= narrows)."""
    user: Account = request.user
    if not _is_lead(user):
        if user.agent_id is None or (agent is not None and agent != user.agent_id):
            raise PermissionDeniedException("you may see your own coaching records only.")
        return coaching.list_records(services.conn, agent_id=user.agent_id)
    if agent is not None:
        require_leads(user, _agent_team(services, agent), "see this agent's coaching records")
        return coaching.list_records(services.conn, agent_id=agent, team=team)
    team = _team_param(user, team)
    require_leads(user, team, "see its coaching records")
    return coaching.list_records(services.conn, team=team)


@post("/api/v1/coaching", guards=[at_least("team_leader")], sync_to_thread=False, status_code=201)
def add_coaching(request: Request, data: JSONBody[CoachingBody], services: ServicesDep) -> coaching.CoachingRecord:
    """The agent's team leader records a one-on-one talk they held."""
    user: Account = request.user
    team = _agent_team(services, data.agent_id)
    if team is None and services.conn.execute("SELECT 1 FROM agents WHERE id = ?", (data.agent_id,)).fetchone():
        raise InvalidInput(f"agent {data.agent_id!r} is in no team: coaching talks are held within a team.")
    if team is not None:
        require_leads(user, team, "record a coaching talk with this agent")
    today = date.today()
    with services.conn:
        record = coaching.add_record(services.conn, data.agent_id, user.username, day=data.day or today.isoformat(),
                                     today=today, keep=data.keep, improve=data.improve, actions=data.actions,
                                     follow_up_on=data.follow_up_on, recordings=data.recordings, now=time.time())
        services.audit(user, "coaching_added", data.agent_id, record=record.id)
    return record


def _readable(request: Request, services: Services, record_id: int) -> coaching.CoachingRecord:
    user: Account = request.user
    record = coaching.get_record(services.conn, record_id)
    if record.agent_id != user.agent_id and not leads(user, record.team):
        raise PermissionDeniedException(f"coaching record {record_id} is not yours or your team's.")
    return record


@get("/api/v1/coaching/{record_id:int}", sync_to_thread=False)
def show_coaching(request: Request, record_id: FromPath[int], services: ServicesDep) -> coaching.CoachingRecord:
    return _readable(request, services, record_id)


@post("/api/v1/coaching/{record_id:int}/outcome", guards=[at_least("team_leader")], sync_to_thread=False,
      status_code=200)
def coaching_outcome(request: Request, record_id: FromPath[int], data: JSONBody[OutcomeBody],
                     services: ServicesDep) -> coaching.CoachingRecord:
    """The team leader writes the follow-up's outcome."""
    user: Account = request.user
    require_leads(user, coaching.get_record(services.conn, record_id).team, "follow up this coaching record")
    with services.conn:
        record = coaching.set_outcome(services.conn, record_id, data.outcome, user.username, time.time())
        services.audit(user, "coaching_outcome", str(record_id))
    return record


@post("/api/v1/coaching/{record_id:int}/acknowledge", guards=[linked_to_agent], sync_to_thread=False,
      status_code=200)
def acknowledge_coaching(request: Request, record_id: FromPath[int], services: ServicesDep) -> coaching.CoachingRecord:
    """The coached agent acknowledges the record on their desktop."""
    user: Account = request.user
    if coaching.get_record(services.conn, record_id).agent_id != user.agent_id:
        raise PermissionDeniedException(f"coaching record {record_id} is not yours: only the coached agent "
                                        f"acknowledges it.")
    with services.conn:
        return coaching.acknowledge(services.conn, record_id, user.agent_id, time.time())


@get("/api/v1/coaching/week", guards=[at_least("team_leader")], sync_to_thread=False)
def coaching_week(request: Request, services: ServicesDep, team: FromQuery[str | None] = None,
                  day: FromQuery[str | None] = None) -> list[coaching.LeaderWeek]:
    """The weekly rule: a team leader's own week; a supervisor's, every leader of ?team=."""
    user: Account = request.user
    today = coaching.parse_day(day) if day else date.today()
    if user.role == "team_leader":
        if team is not None and team != user.team:
            raise PermissionDeniedException(f"you may see your own team's weekly rule only ({user.team or 'none'}).")
        return [coaching.leader_week(services.conn, user.username, today)]
    leaders = coaching.team_leaders(services.conn, team) if team else coaching.team_leaders(services.conn)
    return [coaching.leader_week(services.conn, u, today) for u, _, _ in leaders]


@get("/api/v1/segments", guards=[at_least("team_leader")], sync_to_thread=False)
def segments(request: Request, services: ServicesDep, team: FromQuery[str | None] = None,
             month: FromQuery[str | None] = None) -> coaching.Segments:
    """The month's three tiers of a team's agents from the composite KPI."""
    user: Account = request.user
    team = _team_param(user, team)
    require_leads(user, team, "see its segmentation")
    return coaching.team_segments(services.conn, team, _month(month), time.time())


# ---- training ----------------------------------------------------------------------------------------------


@get("/api/v1/training/requests", sync_to_thread=False)
def list_requests(request: Request, services: ServicesDep, team: FromQuery[str | None] = None,
                  month: FromQuery[str | None] = None) -> list[training.Request]:
    """An agent their own requests; a team leader their team's (of one plan month with ?month=)."""
    user: Account = request.user
    if month is not None:
        coaching.parse_month(month)
    if not _is_lead(user):
        if user.agent_id is None:
            raise PermissionDeniedException("this user is not linked to an agent, so has no training requests.")
        return training.list_requests(services.conn, agent_id=user.agent_id, month=month)
    team = _team_param(user, team)
    require_leads(user, team, "see its training requests")
    return training.list_requests(services.conn, team=team, month=month)


@post("/api/v1/training/requests", guards=[linked_to_agent], sync_to_thread=False, status_code=201)
def add_request(request: Request, data: JSONBody[RequestBody], services: ServicesDep) -> training.Request:
    user: Account = request.user
    with services.conn:
        made = training.add_request(services.conn, user.agent_id, data.topic, data.why, date.today(), time.time())
        services.audit(user, "training_requested", user.agent_id, request=made.id)
    return made


@get("/api/v1/training/plan", guards=[at_least("team_leader")], sync_to_thread=False)
def training_plan(request: Request, services: ServicesDep, team: FromQuery[str | None] = None,
                  month: FromQuery[str | None] = None) -> training.TrainingPlan:
    """A month's plan: the requests it takes, the sessions that month, the team's trainers."""
    user: Account = request.user
    team = _team_param(user, team)
    require_leads(user, team, "see its training plan")
    return training.training_plan(services.conn, team, _month(month))


@get("/api/v1/training/sessions", sync_to_thread=False)
def list_sessions(request: Request, services: ServicesDep, team: FromQuery[str | None] = None,
                  month: FromQuery[str | None] = None) -> list[training.Session]:
    """A team's sessions, newest first: everyone reads their own team's."""
    user: Account = request.user
    team = team or user.team
    if team is None:
        raise InvalidInput("which team? Give ?team=NAME.")
    require_member(user, team, "see the training sessions")
    return training.list_sessions(services.conn, team, month)


@post("/api/v1/training/sessions", guards=[at_least("team_leader")], sync_to_thread=False, status_code=201)
def add_session(request: Request, data: JSONBody[SessionBody], services: ServicesDep) -> training.Session:
    user: Account = request.user
    require_leads(user, data.team, "plan its training")
    with services.conn:
        session = training.add_session(services.conn, data.team, kind=data.kind, trainer=data.trainer, day=data.day,
                                       topic=data.topic, requests=data.requests, by=user.username, now=time.time())
        services.audit(user, "training_session_added", data.team, session=session.id, kind=data.kind)
    return session


@post("/api/v1/training/sessions/{session_id:int}/attendance", guards=[at_least("team_leader")],
      sync_to_thread=False, status_code=200)
def session_attendance(request: Request, session_id: FromPath[int], data: JSONBody[AttendanceBody],
                       services: ServicesDep) -> training.Session:
    """Who was present and who absent (each marked again replaces the mark)."""
    user: Account = request.user
    session = training.get_session(services.conn, session_id)
    require_leads(user, session.team, "take attendance at its training")
    if not data.present and not data.absent:
        raise InvalidInput("name who was present or absent: {\"present\": [...], \"absent\": [...]}.")
    with services.conn:
        for agent_id, present in [(a, True) for a in data.present] + [(a, False) for a in data.absent]:
            session = training.set_attendance(services.conn, session_id, agent_id, present)
        services.audit(user, "training_attendance", str(session_id), present=data.present, absent=data.absent)
    return session


# ---- innovation suggestions ----------------------------------------------------------------------------------


def _led_squad(services: Services, user: Account) -> tuple[str, str] | None:
    """(team, squad) an agent user leads, if any."""
    if user.agent_id is None:
        return None
    row = services.conn.execute("SELECT team, name FROM squads WHERE leader = ?", (user.agent_id,)).fetchone()
    return None if row is None else tuple(row)


@get("/api/v1/training/suggestions", sync_to_thread=False)
def list_suggestions(request: Request, services: ServicesDep, team: FromQuery[str | None] = None,
                     status: FromQuery[str | None] = None) -> list[training.Suggestion]:
    """An agent their own (and a squad leader their squad's); a team leader their team's."""
    user: Account = request.user
    if not _is_lead(user):
        if user.agent_id is None:
            raise PermissionDeniedException("this user is not linked to an agent, so has no suggestions.")
        mine = training.list_suggestions(services.conn, agent_id=user.agent_id, status=status)
        squad = _led_squad(services, user)
        if squad is None:
            return mine
        theirs = training.list_suggestions(services.conn, team=squad[0], squad=squad[1], status=status)
        return sorted({s.id: s for s in mine + theirs}.values(), key=lambda s: -s.id)
    team = _team_param(user, team)
    require_leads(user, team, "see its suggestions")
    return training.list_suggestions(services.conn, team=team, status=status)


@post("/api/v1/training/suggestions", guards=[linked_to_agent], sync_to_thread=False, status_code=201)
def add_suggestion(request: Request, data: JSONBody[SuggestionBody], services: ServicesDep) -> training.Suggestion:
    user: Account = request.user
    with services.conn:
        made = training.add_suggestion(services.conn, user.agent_id, data.title, data.text, time.time())
        services.audit(user, "suggestion_added", user.agent_id, suggestion=made.id)
    return made


@post("/api/v1/training/suggestions/{suggestion_id:int}/review", sync_to_thread=False, status_code=200)
def review_suggestion(request: Request, suggestion_id: FromPath[int], data: JSONBody[ReviewBody],
                      services: ServicesDep) -> training.Suggestion:
    """The suggester's squad leader, or the team leader, moves a suggestion on."""
    user: Account = request.user
    found = training.get_suggestion(services.conn, suggestion_id)
    squad = _led_squad(services, user)
    mine_to_decide = squad is not None and squad == (found.team, found.squad) and found.agent_id != user.agent_id
    if not mine_to_decide and not leads(user, found.team):
        raise PermissionDeniedException(f"suggestion {suggestion_id} is decided by the suggester's squad leader or "
                                        f"team leader.")
    with services.conn:
        reviewed = training.review_suggestion(services.conn, suggestion_id, data.status, data.note, user.username,
                                              time.time())
        services.audit(user, "suggestion_reviewed", str(suggestion_id), status=data.status)
    return reviewed


COACHING_ROUTES = (
    list_coaching, add_coaching, show_coaching, coaching_outcome, acknowledge_coaching, coaching_week, segments,
    list_requests, add_request, training_plan, list_sessions, add_session, session_attendance,
    list_suggestions, add_suggestion, review_suggestion,
)
