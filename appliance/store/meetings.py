"""The team's monthly meeting and each member's monthly plan and goals (docs/teams.md, "Huddles and
meetings").

A meeting is announced at least the team's notice period ahead (`meeting_notice_days` working
days, Monday to Friday; 2 by default) and the announcement goes to the members' desktops as a
notice; the minutes follow the same way once the day has come. Each member writes a plan and
goals for the month, reviewing last month's goals (met or not, with a note).
"""

from __future__ import annotations

import re
import time
from datetime import date, datetime

import apsw
import msgspec

from appliance.clock import iso
from appliance.errors import Conflict, InvalidInput, NotFound
from appliance.store._rows import check_text
from appliance.store.complaints import parse_month
from appliance.store.huddles import get_settings, team_members
from appliance.store.notices import MAX_TEXT as MAX_NOTICE
from appliance.store.notices import add_notice
from appliance.store.roster import parse_day
from appliance.teamwork.attendance import earliest_meeting_day

__all__ = (
    "MAX_GOALS",
    "GoalReview",
    "Meeting",
    "MonthlyPlan",
    "MyPlan",
    "TeamPlans",
    "announce",
    "get_meeting",
    "list_meetings",
    "my_plan",
    "previous_month",
    "publish_minutes",
    "team_plans",
    "this_month",
    "write_plan",
)

MAX_FOCUS = 1000
MAX_PLAN = 2000
MAX_GOALS = 10
MAX_GOAL = 300
_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class Meeting(msgspec.Struct, frozen=True):
    id: int
    team: str
    day: str
    starts: str
    focus: str
    announced_by: str
    announced_at: str
    announce_notice: int | None
    minutes: str | None
    minutes_by: str | None
    minutes_at: str | None
    minutes_notice: int | None


class GoalReview(msgspec.Struct, frozen=True):
    goal: str
    met: bool | None = None  # None: not said
    note: str = ""


class MonthlyPlan(msgspec.Struct, frozen=True):
    agent_id: str
    name: str
    month: str
    plan: str
    goals: list[str]
    review: list[GoalReview]
    written_at: str


class MyPlan(msgspec.Struct, frozen=True):
    """What the desktop's My plan tab shows: this month's plan (if written) and last month's goals."""

    month: str
    plan: MonthlyPlan | None
    last_month: str
    last_goals: list[str]
    last_plan: str | None


class TeamPlans(msgspec.Struct, frozen=True):
    team: str
    month: str
    plans: list[MonthlyPlan]
    missing: list[dict[str, str]]  # members without a plan: {agent_id, name}


def previous_month(month: str) -> str:
    first = date.fromisoformat(f"{parse_month(month)}-01")
    return f"{first.year - 1}-12" if first.month == 1 else f"{first.year}-{first.month - 1:02d}"


# ---- the meeting ---------------------------------------------------------------------------------------


_SELECT = ("SELECT id, team, day, starts, focus, announced_by, announced_at, announce_notice, minutes, minutes_by,"
           " minutes_at, minutes_notice FROM meetings")


def get_meeting(conn: apsw.Connection, meeting_id: int) -> Meeting:
    row = conn.execute(f"{_SELECT} WHERE id = ?", (meeting_id,)).fetchone()
    if row is None:
        raise NotFound(f"there is no meeting {meeting_id}: 'branchline meeting show TEAM' lists a team's.")
    return Meeting(*row)


def list_meetings(conn: apsw.Connection, team: str, month: str | None = None) -> list[Meeting]:
    """The team's meetings, latest first (of one month with `month`)."""
    get_settings(conn, team)  # the team exists
    if month is None:
        return [Meeting(*r) for r in conn.execute(f"{_SELECT} WHERE team = ? ORDER BY day DESC, id DESC", (team,))]
    return [Meeting(*r) for r in conn.execute(f"{_SELECT} WHERE team = ? AND substr(day, 1, 7) = ? ORDER BY day DESC, id DESC",
                                              (team, parse_month(month)))]


def _announcement(team: str, day: str, starts: str, focus: str) -> str:
    weekday = _WEEKDAYS[date.fromisoformat(day).weekday()]
    return (f"Monthly meeting / 月度例会 — team {team}: {weekday} {day} at {starts}.\nFocus / 重点: {focus}\n"
            "Review last month's goals and write this month's plan and goals in My team → My plan."
            " / 请在“我的班组 → 我的计划”中回顾上月目标，填写本月计划与目标。")


def announce(conn: apsw.Connection, team: str, day: str, starts: str, focus: str, by: str, now: float) -> Meeting:
    """Announce a meeting at least the team's notice period ahead; the members' desktops get a notice."""
    settings = get_settings(conn, team)
    day = parse_day(day, "the meeting's day")
    if not _HHMM.fullmatch(starts or ""):
        raise InvalidInput(f"the meeting's start {starts!r} is not a time of day: write it as HH:MM, e.g. 16:30.")
    focus = check_text(focus, "the meeting's focus", MAX_FOCUS)
    today = datetime.fromtimestamp(now).date()
    earliest = earliest_meeting_day(today, settings.meeting_notice_days)
    if date.fromisoformat(day) < earliest:
        raise InvalidInput(f"a monthly meeting is announced at least {settings.meeting_notice_days} working day(s) "
                           f"ahead: announced today ({today.isoformat()}), it can be held on {earliest.isoformat()} "
                           f"at the earliest, not {day}.")
    text = _announcement(team, day, starts, focus)
    if len(text) > MAX_NOTICE:
        raise InvalidInput(f"the focus is too long for the announcement: keep it under {MAX_FOCUS} characters.")
    with conn:
        notice = add_notice(conn, team, by, text, now)
        conn.execute("INSERT INTO meetings (team, day, starts, focus, announced_by, announced_at, announce_notice)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?)", (team, day, starts, focus, by, iso(now), notice))
        return get_meeting(conn, conn.last_insert_rowid())


def publish_minutes(conn: apsw.Connection, meeting_id: int, minutes: str, by: str, now: float) -> Meeting:
    """Publish the minutes to the members' desktops, once the meeting's day has come; they are final."""
    meeting = get_meeting(conn, meeting_id)
    if meeting.minutes_at is not None:
        raise Conflict(f"the minutes of meeting {meeting_id} were published on {meeting.minutes_at[:10]}: they are final.")
    today = datetime.fromtimestamp(now).date().isoformat()
    if meeting.day > today:
        raise InvalidInput(f"meeting {meeting_id} is on {meeting.day}: publish its minutes once it has been held.")
    header = f"Minutes of the monthly meeting / 月度例会纪要 — team {meeting.team}, {meeting.day}:\n"
    minutes = check_text(minutes, "the minutes", MAX_NOTICE - len(header))
    with conn:
        notice = add_notice(conn, meeting.team, by, header + minutes, now)
        conn.execute("UPDATE meetings SET minutes = ?, minutes_by = ?, minutes_at = ?, minutes_notice = ? WHERE id = ?",
                     (minutes, by, iso(now), notice, meeting_id))
    return get_meeting(conn, meeting_id)


# ---- monthly plans ----------------------------------------------------------------------------------------


def _plan(conn: apsw.Connection, agent_id: str, month: str) -> MonthlyPlan | None:
    row = conn.execute("SELECT p.agent_id, coalesce(a.name, p.agent_id), p.month, p.plan, p.goals, p.review, p.written_at"
                       " FROM monthly_plans p LEFT JOIN agents a ON a.id = p.agent_id WHERE p.agent_id = ? AND p.month = ?",
                       (agent_id, month)).fetchone()
    return None if row is None else _decoded(row)


def _decoded(row: tuple) -> MonthlyPlan:
    agent_id, name, month, plan, goals, review, at = row
    return MonthlyPlan(agent_id, name, month, plan, msgspec.json.decode(goals, type=list[str]),
                       msgspec.json.decode(review, type=list[GoalReview]), at)


def my_plan(conn: apsw.Connection, agent_id: str, month: str) -> MyPlan:
    last = previous_month(month)
    before = _plan(conn, agent_id, last)
    return MyPlan(month, _plan(conn, agent_id, month), last, before.goals if before else [],
                  before.plan if before else None)


def write_plan(conn: apsw.Connection, agent_id: str, month: str, plan: str, goals: list[str],
               review: list[GoalReview], now: float) -> MonthlyPlan:
    """Write (or rewrite) a member's plan for a month. The review speaks of last month's goals only."""
    month = parse_month(month)
    plan = check_text(plan, "a monthly plan", MAX_PLAN)
    goals = [g.strip() for g in goals if g.strip()]
    if not goals or len(goals) > MAX_GOALS:
        raise InvalidInput(f"a monthly plan needs its goals: from 1 to {MAX_GOALS}, one per line.")
    goals = [check_text(g, f"goal {k}", MAX_GOAL) for k, g in enumerate(goals, 1)]
    last = my_plan(conn, agent_id, month).last_goals
    for item in review:
        if item.goal not in last:
            raise InvalidInput(f"{item.goal!r} is not one of your goals for {previous_month(month)}: "
                               "review those goals only.")
        if len(item.note) > MAX_GOAL:
            raise InvalidInput(f"a review note is at most {MAX_GOAL} characters.")
    with conn:
        conn.execute("INSERT INTO monthly_plans (agent_id, month, plan, goals, review, written_at) VALUES (?, ?, ?, ?, ?, ?)"
                     " ON CONFLICT (agent_id, month) DO UPDATE SET plan = excluded.plan, goals = excluded.goals,"
                     " review = excluded.review, written_at = excluded.written_at",
                     (agent_id, month, plan, msgspec.json.encode(goals).decode(),
                      msgspec.json.encode([GoalReview(r.goal, r.met, r.note.strip()) for r in review]).decode(), iso(now)))
    return _plan(conn, agent_id, month)


def team_plans(conn: apsw.Connection, team: str, month: str) -> TeamPlans:
    """Every member's plan for the month, and who has not written one."""
    month = parse_month(month)
    get_settings(conn, team)  # the team exists
    members = team_members(conn, team)
    plans = [p for p in (_plan(conn, agent_id, month) for agent_id in members) if p is not None]
    written = {p.agent_id for p in plans}
    missing = [{"agent_id": a, "name": n} for a, n in members.items() if a not in written]
    return TeamPlans(team, month, plans, missing)


def this_month(now: float | None = None) -> str:
    return time.strftime("%Y-%m", time.localtime(now))
