"""Team activities (docs/teams.md, "Recognition and team life"): planned by the team's activity
officer or team leader with a title, a day and a place; attendance per member (attended, skipped,
excused). Each skip of an activity in a month costs the member's squad points in that month's
squad competition (`skips_in_month`). A cancelled activity stays listed and counts no skips.
"""

from __future__ import annotations

import apsw
import msgspec

from appliance.clock import iso
from appliance.errors import Conflict, InvalidInput, NotFound
from appliance.store.complaints import parse_month
from appliance.store.roster import parse_day
from appliance.store.teams import require_team

__all__ = (
    "ATTENDANCE",
    "Activity",
    "Attendance",
    "add_activity",
    "cancel_activity",
    "get_activity",
    "list_activities",
    "record_attendance",
    "skips_in_month",
)

ATTENDANCE = ("attended", "skipped", "excused")
MAX_TITLE = 120
MAX_TEXT = 1000


class Attendance(msgspec.Struct, frozen=True):
    agent_id: str
    name: str
    status: str | None  # None: not recorded yet
    recorded_by: str | None = None


class Activity(msgspec.Struct, frozen=True):
    id: int
    team: str
    title: str
    day: str
    place: str
    notes: str
    planned_by: str
    planned_at: str
    cancelled: bool
    attendance: tuple[Attendance, ...]  # every member of the team now, recorded or not


def _text(value: str, what: str, limit: int, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(f"an activity needs {what}.")
    if len(value) > limit:
        raise InvalidInput(f"the activity's {what} is too long: at most {limit} characters.")
    return value


def add_activity(conn: apsw.Connection, team: str, title: str, day: str, place: str, by: str, now: float,
                 notes: str = "") -> Activity:
    require_team(conn, team)
    row = conn.execute(
        "INSERT INTO team_activities (team, title, day, place, notes, planned_by, planned_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (team, _text(title, "a title", MAX_TITLE, required=True), parse_day(day), _text(place, "place", MAX_TITLE),
         _text(notes, "notes", MAX_TEXT), by, iso(now)),
    ).fetchone()
    return get_activity(conn, row[0])


def _attendance(conn: apsw.Connection, activity_id: int, team: str) -> tuple[Attendance, ...]:
    recorded = {a: (s, by) for a, s, by in conn.execute(
        "SELECT agent_id, status, recorded_by FROM activity_attendance WHERE activity_id = ?", (activity_id,))}
    members = conn.execute("SELECT id, name FROM agents WHERE team = ? ORDER BY id", (team,)).fetchall()
    names = dict(members)
    # A member who has left the team since keeps their recorded line.
    for agent_id in recorded.keys() - names.keys():
        row = conn.execute("SELECT name FROM agents WHERE id = ?", (agent_id,)).fetchone()
        names[agent_id] = row[0] if row else agent_id
    return tuple(Attendance(a, names[a], *recorded.get(a, (None, None))) for a in sorted(names))


_COLUMNS = "id, team, title, day, place, notes, planned_by, planned_at, cancelled"


def get_activity(conn: apsw.Connection, activity_id: int) -> Activity:
    row = conn.execute(f"SELECT {_COLUMNS} FROM team_activities WHERE id = ?", (activity_id,)).fetchone()
    if row is None:
        raise NotFound(f"there is no activity {activity_id}: 'branchline activity list TEAM' lists them.")
    return Activity(*row[:8], cancelled=bool(row[8]), attendance=_attendance(conn, row[0], row[1]))


def list_activities(conn: apsw.Connection, team: str, *, first: str | None = None,
                    last: str | None = None) -> list[Activity]:
    """The team's activities by day (from `first` to `last`, inclusive, when given)."""
    require_team(conn, team)
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM team_activities WHERE team = ? AND day >= ? AND day <= ? ORDER BY day, id",
        (team, parse_day(first, "from") if first else "", parse_day(last, "to") if last else "9999")).fetchall()
    return [Activity(*r[:8], cancelled=bool(r[8]), attendance=_attendance(conn, r[0], r[1])) for r in rows]


def record_attendance(conn: apsw.Connection, activity_id: int, agent_id: str, status: str, by: str,
                      now: float) -> Activity:
    """Whether a member attended, skipped or was excused (recording again replaces it)."""
    if status not in ATTENDANCE:
        raise InvalidInput(f"attendance {status!r} is not one of {', '.join(ATTENDANCE)}.")
    activity = get_activity(conn, activity_id)
    if activity.cancelled:
        raise Conflict(f"activity {activity_id} was cancelled: there is no attendance to take.")
    team = conn.execute("SELECT team FROM agents WHERE id = ?", (agent_id,)).fetchone()
    if team is None or team[0] != activity.team:
        raise InvalidInput(f"{agent_id!r} is not an agent of team {activity.team!r}: "
                           f"'branchline team show {activity.team}' lists its members.")
    conn.execute("INSERT INTO activity_attendance (activity_id, agent_id, status, recorded_by, recorded_at)"
                 " VALUES (?, ?, ?, ?, ?) ON CONFLICT (activity_id, agent_id) DO UPDATE SET status = excluded.status,"
                 " recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
                 (activity_id, agent_id, status, by, iso(now)))
    return get_activity(conn, activity_id)


def cancel_activity(conn: apsw.Connection, activity_id: int) -> Activity:
    activity = get_activity(conn, activity_id)
    if activity.cancelled:
        raise Conflict(f"activity {activity_id} is already cancelled.")
    conn.execute("UPDATE team_activities SET cancelled = 1 WHERE id = ?", (activity_id,))
    return get_activity(conn, activity_id)


def skips_in_month(conn: apsw.Connection, team: str, month: str) -> dict[str, int]:
    """agent -> activities of the team in the local month they skipped (cancelled ones not counted)."""
    month = parse_month(month)
    return dict(conn.execute(
        "SELECT a.agent_id, count(*) FROM activity_attendance a JOIN team_activities t ON t.id = a.activity_id"
        " WHERE t.team = ? AND t.cancelled = 0 AND t.day >= ? AND t.day <= ? AND a.status = 'skipped'"
        " GROUP BY a.agent_id", (team, f"{month}-01", f"{month}-31")))
