"""Huddles, the monthly meeting and monthly plans over HTTP (docs/teams.md, "Huddles and meetings").

Who may do what: a team's members read its huddles, settings and meetings; the team leader (a
supervisor or admin for any team) changes settings, names another host, takes and corrects
attendance, publishes the notes, writes the debrief, announces meetings and publishes their
minutes, and reads everyone's monthly plans; the agenda is prepared by the team leader and the
day's host. Every agent writes their own monthly plan. Changes are audited with the signed-in
user as the actor; what is published reaches the desktops at once (services.notify()).
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Annotated

import msgspec
from litestar import Request, get, post, put
from litestar.di import NamedDependency
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from appliance.errors import InvalidInput
from appliance.store import huddles, meetings
from appliance.store.complaints import parse_month
from appliance.store.roster import parse_day
from appliance.store.users import Account
from appliance.web.auth import at_least, leads, linked_to_agent, require_leads, require_member
from appliance.web.services import Services

__all__ = ("HUDDLE_ROUTES",)

ServicesDep = NamedDependency[Services]
LIST_DAYS = 30  # the huddle list without ?from=: the last 30 days


class SettingsBody(msgspec.Struct, forbid_unknown_fields=True):
    minutes_before: int | None = None
    fixed_time: str | None = None  # "" goes back to minutes_before
    length_minutes: int | None = None
    opener: str | None = None
    meeting_notice_days: int | None = None


class HardCaseBody(msgspec.Struct, forbid_unknown_fields=True):
    title: str
    steps: list[str]


class AgendaBody(msgspec.Struct, forbid_unknown_fields=True):
    points: list[str] | None = None
    hard_cases: list[HardCaseBody] | None = None
    opener: str | None = None
    notes: str | None = None


class HostBody(msgspec.Struct, forbid_unknown_fields=True):
    agent_id: str | None  # None: back to the rotation
    reason: str


class CorrectionBody(msgspec.Struct, forbid_unknown_fields=True):
    status: str
    reason: str
    late_minutes: int | None = None


class DebriefBody(msgspec.Struct, forbid_unknown_fields=True):
    good_calls: str = ""
    praise: str = ""
    light: str = ""


class MeetingBody(msgspec.Struct, forbid_unknown_fields=True):
    day: str
    starts: str
    focus: str
    team: str | None = None  # a team leader's own team by default


class MinutesBody(msgspec.Struct, forbid_unknown_fields=True):
    minutes: str


class ReviewBody(msgspec.Struct, forbid_unknown_fields=True):
    goal: str
    met: bool | None = None
    note: str = ""


class PlanBody(msgspec.Struct, forbid_unknown_fields=True):
    plan: str
    goals: list[str]
    review: list[ReviewBody] = []


# ---- who may do what ---------------------------------------------------------------------------------


def _today() -> str:
    return date.today().isoformat()


# ---- huddles -------------------------------------------------------------------------------------------


@get("/api/v1/huddles/{team:str}", sync_to_thread=False)
def list_huddles(request: Request, team: FromPath[str], services: ServicesDep,
                 from_day: Annotated[str | None, QueryParameter(name="from")] = None,
                 to_day: Annotated[str | None, QueryParameter(name="to")] = None) -> list[huddles.HuddleSummary]:
    """The team's huddles on record, latest first (default: the last 30 days)."""
    require_member(request.user, team, "see the huddles")
    last = to_day or _today()
    first = from_day or (date.fromisoformat(parse_day(last)) - timedelta(days=LIST_DAYS)).isoformat()
    return huddles.list_huddles(services.conn, team, first, last)


@get("/api/v1/huddles/{team:str}/settings", sync_to_thread=False)
def show_settings(request: Request, team: FromPath[str], services: ServicesDep) -> huddles.HuddleSettings:
    require_member(request.user, team, "see the huddle settings")
    return huddles.get_settings(services.conn, team)


@put("/api/v1/huddles/{team:str}/settings", guards=[at_least("team_leader")], sync_to_thread=False)
def change_settings(request: Request, team: FromPath[str], data: JSONBody[SettingsBody],
                    services: ServicesDep) -> huddles.HuddleSettings:
    require_leads(request.user, team, "change its huddle settings")
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not None}
    with services.conn:
        settings = huddles.change_settings(services.conn, team, **changes)
        services.audit(request.user, "huddle_settings", team, **changes)
    return settings


@get("/api/v1/huddles/{team:str}/days/{day:str}", sync_to_thread=False)
def show_huddle(request: Request, team: FromPath[str], day: FromPath[str], services: ServicesDep) -> huddles.Huddle:
    """A day's huddle: time, host, attendees, agenda, attendance, acknowledgements, debrief."""
    require_member(request.user, team, "see the huddles")
    return huddles.get_huddle(services.conn, team, day)


@put("/api/v1/huddles/{team:str}/days/{day:str}/agenda", sync_to_thread=False)
def save_agenda(request: Request, team: FromPath[str], day: FromPath[str], data: JSONBody[AgendaBody],
                services: ServicesDep) -> huddles.Huddle:
    """The team leader or the day's host prepares the draft agenda (fields left out stay)."""
    user: Account = request.user
    if not leads(user, team):
        require_member(user, team, "prepare the huddles")
        if user.agent_id is None or huddles.get_huddle(services.conn, team, day).host != user.agent_id:
            raise PermissionDeniedException("only the day's host and the team leader prepare the huddle's agenda.")
    cases = None if data.hard_cases is None else [huddles.HardCase(c.title, c.steps) for c in data.hard_cases]
    with services.conn:
        found = huddles.save_agenda(services.conn, team, day, user.username, time.time(), points=data.points,
                                    hard_cases=cases, opener=data.opener, notes=data.notes)
        services.audit(user, "huddle_planned", team, day=found.day)
    return found


@put("/api/v1/huddles/{team:str}/days/{day:str}/host", guards=[at_least("team_leader")], sync_to_thread=False)
def set_host(request: Request, team: FromPath[str], day: FromPath[str], data: JSONBody[HostBody],
             services: ServicesDep) -> huddles.Huddle:
    require_leads(request.user, team, "change its huddle's host")
    with services.conn:
        found = huddles.set_host(services.conn, team, day, data.agent_id, data.reason, request.user.username, time.time())
        services.audit(request.user, "huddle_host", team, day=found.day, agent=data.agent_id, reason=data.reason)
    return found


@post("/api/v1/huddles/{team:str}/days/{day:str}/attendance", guards=[at_least("team_leader")], sync_to_thread=False,
      status_code=200)
def take_attendance(request: Request, team: FromPath[str], day: FromPath[str], services: ServicesDep) -> huddles.Huddle:
    """Judge every attendee from their first sign-in of the day (corrections stay)."""
    require_leads(request.user, team, "take its huddle's attendance")
    with services.conn:
        found = huddles.take_attendance(services.conn, team, day, time.time())
        services.audit(request.user, "huddle_attendance", team, day=found.day)
    return found


@put("/api/v1/huddles/{team:str}/days/{day:str}/attendance/{agent_id:str}", guards=[at_least("team_leader")],
     sync_to_thread=False)
def correct_attendance(request: Request, team: FromPath[str], day: FromPath[str], agent_id: FromPath[str],
                       data: JSONBody[CorrectionBody], services: ServicesDep) -> huddles.Huddle:
    require_leads(request.user, team, "correct its huddle's attendance")
    with services.conn:
        found = huddles.correct_attendance(services.conn, team, day, agent_id, data.status, data.late_minutes,
                                           data.reason, request.user.username, time.time())
        services.audit(request.user, "huddle_attendance_corrected", agent_id, team=team, day=found.day,
               status=data.status, late_minutes=data.late_minutes, reason=data.reason)
    return found


@post("/api/v1/huddles/{team:str}/days/{day:str}/publish", guards=[at_least("team_leader")], sync_to_thread=False,
      status_code=200)
def publish(request: Request, team: FromPath[str], day: FromPath[str], services: ServicesDep) -> huddles.Huddle:
    """Publish the notes to every member's desktop (a notice to acknowledge)."""
    require_leads(request.user, team, "publish its huddle's notes")
    with services.conn:
        found = huddles.publish(services.conn, team, day, request.user.username, time.time())
        services.audit(request.user, "huddle_published", team, day=found.day, notice=found.notice_id)
    services.notify()
    return found


@put("/api/v1/huddles/{team:str}/days/{day:str}/debrief", guards=[at_least("team_leader")], sync_to_thread=False)
def save_debrief(request: Request, team: FromPath[str], day: FromPath[str], data: JSONBody[DebriefBody],
                 services: ServicesDep) -> huddles.Huddle:
    require_leads(request.user, team, "write its debrief")
    with services.conn:
        found = huddles.save_debrief(services.conn, team, day, request.user.username, time.time(),
                                     good_calls=data.good_calls, praise=data.praise, light=data.light)
        services.audit(request.user, "huddle_debrief", team, day=found.day)
    return found


# ---- the monthly meeting ---------------------------------------------------------------------------------


def _team(user: Account, team: str | None) -> str:
    team = team or user.team
    if team is None:
        raise InvalidInput("which team? Give ?team=NAME (or \"team\" in the body).")
    return team


@get("/api/v1/meetings", sync_to_thread=False)
def list_meetings(request: Request, services: ServicesDep, team: FromQuery[str | None] = None,
                  month: FromQuery[str | None] = None) -> list[meetings.Meeting]:
    """The team's monthly meetings, latest first: members their own team's."""
    team = _team(request.user, team)
    require_member(request.user, team, "see the meetings")
    return meetings.list_meetings(services.conn, team, month)


@post("/api/v1/meetings", guards=[at_least("team_leader")], sync_to_thread=False, status_code=201)
def announce_meeting(request: Request, data: JSONBody[MeetingBody], services: ServicesDep) -> meetings.Meeting:
    """Announce the monthly meeting (at least the team's notice period ahead) to the team's desktops."""
    team = _team(request.user, data.team)
    require_leads(request.user, team, "announce its meeting")
    with services.conn:
        found = meetings.announce(services.conn, team, data.day, data.starts, data.focus, request.user.username,
                                  time.time())
        services.audit(request.user, "meeting_announced", team, day=found.day, meeting=found.id)
    services.notify()
    return found


@post("/api/v1/meetings/{meeting_id:int}/minutes", guards=[at_least("team_leader")], sync_to_thread=False,
      status_code=200)
def publish_minutes(request: Request, meeting_id: FromPath[int], data: JSONBody[MinutesBody],
                    services: ServicesDep) -> meetings.Meeting:
    require_leads(request.user, meetings.get_meeting(services.conn, meeting_id).team, "publish its minutes")
    with services.conn:
        found = meetings.publish_minutes(services.conn, meeting_id, data.minutes, request.user.username, time.time())
        services.audit(request.user, "meeting_minutes", str(meeting_id), team=found.team)
    services.notify()
    return found


# ---- monthly plans ----------------------------------------------------------------------------------------


@get("/api/v1/monthly-plans", guards=[at_least("team_leader")], sync_to_thread=False)
def team_plans(request: Request, services: ServicesDep, team: FromQuery[str | None] = None,
               month: FromQuery[str | None] = None) -> meetings.TeamPlans:
    """Every member's plan for the month (default: this one) and who has not written one."""
    team = _team(request.user, team)
    require_leads(request.user, team, "see its members' plans")
    return meetings.team_plans(services.conn, team, month or meetings.this_month())


@get("/api/v1/monthly-plans/mine", guards=[linked_to_agent], sync_to_thread=False)
def my_plan(request: Request, services: ServicesDep, month: FromQuery[str | None] = None) -> meetings.MyPlan:
    """The agent's plan for the month (default: this one) and last month's goals to review."""
    return meetings.my_plan(services.conn, request.user.agent_id, parse_month(month) if month else meetings.this_month())


@put("/api/v1/monthly-plans/mine/{month:str}", guards=[linked_to_agent], sync_to_thread=False)
def write_my_plan(request: Request, month: FromPath[str], data: JSONBody[PlanBody],
                  services: ServicesDep) -> meetings.MonthlyPlan:
    """The agent writes (or rewrites) their plan and goals for this month or the next."""
    now = time.time()
    current = meetings.this_month(now)
    following = (date.fromisoformat(f"{current}-01") + timedelta(days=31)).strftime("%Y-%m")
    if parse_month(month) not in (current, following):
        raise InvalidInput(f"a monthly plan is written for this month ({current}) or the next ({following}), "
                           f"not {month}.")
    review = [meetings.GoalReview(r.goal, r.met, r.note) for r in data.review]
    with services.conn:
        return meetings.write_plan(services.conn, request.user.agent_id, month, data.plan, data.goals, review, now)


HUDDLE_ROUTES = (
    list_huddles, show_settings, change_settings, show_huddle, save_agenda, set_host, take_attendance,
    correct_attendance, publish, save_debrief,
    list_meetings, announce_meeting, publish_minutes,
    team_plans, my_plan, write_my_plan,
)
