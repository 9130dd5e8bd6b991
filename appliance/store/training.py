"""Training within a team (docs/teams.md, "Coaching and development"): members' training requests
collected for the monthly plan (the 25th rule: appliance/teamwork/coaching_week.py `plan_month`),
sessions held by the team's internal trainers (team role `trainer`), planned from the requests or
ad hoc for a new product, with attendance per member, and members' innovation suggestions that
their squad leader (or the team leader) collects and decides.
"""

from __future__ import annotations

from datetime import date

import apsw
import msgspec

from appliance.clock import iso
from appliance.errors import Conflict, InvalidInput, NotFound
from appliance.store._rows import check_text, conditions
from appliance.store.coaching import parse_day, parse_month
from appliance.store.teams import require_team
from appliance.teamwork.coaching_week import plan_month

__all__ = (
    "KINDS",
    "MAX_TEXT",
    "STATUSES",
    "Attendance",
    "Request",
    "Session",
    "Suggestion",
    "TrainingPlan",
    "add_request",
    "add_session",
    "add_suggestion",
    "get_session",
    "get_suggestion",
    "list_requests",
    "list_sessions",
    "list_suggestions",
    "member_team",
    "review_suggestion",
    "set_attendance",
    "squad_leader_of",
    "training_plan",
    "trainers",
)

KINDS = ("planned", "adhoc")
STATUSES = ("new", "under_review", "adopted", "declined")
MAX_TEXT = 2000


class Request(msgspec.Struct, frozen=True):
    id: int
    team: str
    agent_id: str
    agent_name: str
    topic: str
    why: str
    requested_on: str
    plan_month: str
    session_id: int | None
    created_at: str


class Attendance(msgspec.Struct, frozen=True):
    agent_id: str
    name: str
    present: bool


class Session(msgspec.Struct, frozen=True):
    id: int
    team: str
    kind: str
    trainer: str
    trainer_name: str
    day: str
    topic: str
    created_by: str
    created_at: str
    requests: tuple[int, ...] = ()
    attendance: tuple[Attendance, ...] = ()


class Suggestion(msgspec.Struct, frozen=True):
    id: int
    team: str
    agent_id: str
    agent_name: str
    squad: str | None
    title: str
    text: str
    status: str
    note: str | None
    reviewed_by: str | None
    reviewed_at: str | None
    submitted_at: str


class TrainingPlan(msgspec.Struct, frozen=True):
    team: str
    month: str
    trainers: tuple[str, ...]
    requests: tuple[Request, ...]  # those for this month's plan
    sessions: tuple[Session, ...]  # held (or to be held) this month


def member_team(conn: apsw.Connection, agent_id: str) -> tuple[str, str | None]:
    """(team, squad) of an agent in a team."""
    row = conn.execute("SELECT team, squad FROM agents WHERE id = ?", (agent_id,)).fetchone()
    if row is None:
        raise NotFound(f"agent {agent_id!r} does not exist: 'branchline agent list' shows what there is.")
    if row[0] is None:
        raise InvalidInput(f"agent {agent_id!r} is in no team: 'branchline team assign {agent_id} TEAM' first.")
    return row


def trainers(conn: apsw.Connection, team: str) -> tuple[str, ...]:
    return tuple(a for (a,) in conn.execute(
        "SELECT agent_id FROM team_roles WHERE team = ? AND role = 'trainer' ORDER BY agent_id", (team,)))


# ---- requests -------------------------------------------------------------------------------------------

_REQUEST = ("r.id, r.team, r.agent_id, a.name, r.topic, r.why, r.requested_on, r.plan_month, r.session_id, "
            "r.created_at")


def add_request(conn: apsw.Connection, agent_id: str, topic: str, why: str, today: date, now: float) -> Request:
    """A member asks for training; it goes into the plan of the month `plan_month` names."""
    team, _ = member_team(conn, agent_id)
    conn.execute("INSERT INTO training_requests (team, agent_id, topic, why, requested_on, plan_month, created_at)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (team, agent_id, check_text(topic, "a training topic", 200),
                  check_text(why, "why the training is needed", MAX_TEXT), today.isoformat(), plan_month(today), iso(now)))
    return list_requests(conn, request_id=conn.last_insert_rowid())[0]


def list_requests(conn: apsw.Connection, *, team: str | None = None, agent_id: str | None = None,
                  month: str | None = None, request_id: int | None = None) -> list[Request]:
    where, params = conditions((("r.team = ?", team), ("r.agent_id = ?", agent_id), ("r.plan_month = ?", month),
                               ("r.id = ?", request_id)))
    sql = f"SELECT {_REQUEST} FROM training_requests r JOIN agents a ON a.id = r.agent_id"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return [Request(*row) for row in conn.execute(sql + " ORDER BY r.plan_month DESC, r.id DESC", params)]


# ---- sessions -------------------------------------------------------------------------------------------

_SESSION = "s.id, s.team, s.kind, s.trainer, a.name, s.day, s.topic, s.created_by, s.created_at"


def add_session(conn: apsw.Connection, team: str, *, kind: str, trainer: str, day: str, topic: str,
                requests: list[int] = (), by: str, now: float) -> Session:
    """A session held by one of the team's trainers; a planned one may take the plan's requests."""
    require_team(conn, team)
    if kind not in KINDS:
        raise InvalidInput(f"{kind!r} is not a kind of session: use planned (from the requests) or adhoc "
                           f"(e.g. a new product).")
    if trainer not in trainers(conn, team):
        raise InvalidInput(f"{trainer!r} is not a trainer of team {team!r}: "
                           f"'branchline team role add {team} {trainer} trainer' makes them one.")
    parse_day(day, "the session's day")
    if kind == "adhoc" and requests:
        raise InvalidInput("an ad hoc session takes no requests: plan a 'planned' session for them.")
    for request_id in requests:
        found = list_requests(conn, request_id=request_id)
        if not found or found[0].team != team:
            raise NotFound(f"team {team!r} has no training request {request_id}.")
        if found[0].session_id is not None:
            raise Conflict(f"training request {request_id} is already planned in session {found[0].session_id}.")
    conn.execute("INSERT INTO training_sessions (team, kind, trainer, day, topic, created_by, created_at)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (team, kind, trainer, day, check_text(topic, "the topic", 200), by, iso(now)))
    session_id = conn.last_insert_rowid()
    conn.executemany("UPDATE training_requests SET session_id = ? WHERE id = ?", [(session_id, r) for r in requests])
    return get_session(conn, session_id)


def _sessions(conn: apsw.Connection, where: str, params: list) -> list[Session]:
    rows = conn.execute(f"SELECT {_SESSION} FROM training_sessions s JOIN agents a ON a.id = s.trainer {where}"
                        " ORDER BY s.day DESC, s.id DESC", params).fetchall()
    found = []
    for row in rows:
        reqs = tuple(r for (r,) in conn.execute("SELECT id FROM training_requests WHERE session_id = ? ORDER BY id",
                                                (row[0],)))
        present = tuple(Attendance(a, n, bool(p)) for a, n, p in conn.execute(
            "SELECT t.agent_id, a.name, t.present FROM training_attendance t JOIN agents a ON a.id = t.agent_id"
            " WHERE t.session_id = ? ORDER BY t.agent_id", (row[0],)))
        found.append(Session(*row, requests=reqs, attendance=present))
    return found


def get_session(conn: apsw.Connection, session_id: int) -> Session:
    found = _sessions(conn, "WHERE s.id = ?", [session_id])
    if not found:
        raise NotFound(f"there is no training session {session_id}: 'branchline training plan TEAM' lists them.")
    return found[0]


def list_sessions(conn: apsw.Connection, team: str, month: str | None = None) -> list[Session]:
    if month is None:
        return _sessions(conn, "WHERE s.team = ?", [team])
    return _sessions(conn, "WHERE s.team = ? AND substr(s.day, 1, 7) = ?", [team, parse_month(month)])


def set_attendance(conn: apsw.Connection, session_id: int, agent_id: str, present: bool) -> Session:
    """Mark a member present at (or absent from) a session; marking again replaces it."""
    session = get_session(conn, session_id)
    team, _ = member_team(conn, agent_id)
    if team != session.team:
        raise InvalidInput(f"agent {agent_id!r} is not in team {session.team!r}, whose session this is.")
    conn.execute("INSERT INTO training_attendance (session_id, agent_id, present) VALUES (?, ?, ?)"
                 " ON CONFLICT (session_id, agent_id) DO UPDATE SET present = excluded.present",
                 (session_id, agent_id, int(present)))
    return get_session(conn, session_id)


def training_plan(conn: apsw.Connection, team: str, month: str) -> TrainingPlan:
    require_team(conn, team)
    parse_month(month)
    return TrainingPlan(team, month, trainers(conn, team), tuple(list_requests(conn, team=team, month=month)),
                        tuple(list_sessions(conn, team, month)))


# ---- innovation suggestions ---------------------------------------------------------------------------------

_SUGGESTION = ("s.id, s.team, s.agent_id, a.name, s.squad, s.title, s.text, s.status, s.note, s.reviewed_by, "
               "s.reviewed_at, s.submitted_at")


def add_suggestion(conn: apsw.Connection, agent_id: str, title: str, text: str, now: float) -> Suggestion:
    team, squad = member_team(conn, agent_id)
    conn.execute("INSERT INTO innovation_suggestions (team, agent_id, squad, title, text, submitted_at)"
                 " VALUES (?, ?, ?, ?, ?, ?)",
                 (team, agent_id, squad, check_text(title, "a suggestion's title", 200),
                  check_text(text, "the suggestion", MAX_TEXT), iso(now)))
    return get_suggestion(conn, conn.last_insert_rowid())


def get_suggestion(conn: apsw.Connection, suggestion_id: int) -> Suggestion:
    found = list_suggestions(conn, suggestion_id=suggestion_id)
    if not found:
        raise NotFound(f"there is no suggestion {suggestion_id}.")
    return found[0]


def list_suggestions(conn: apsw.Connection, *, team: str | None = None, agent_id: str | None = None,
                     squad: str | None = None, status: str | None = None,
                     suggestion_id: int | None = None) -> list[Suggestion]:
    if status is not None and status not in STATUSES:
        raise InvalidInput(f"{status!r} is not a suggestion status: use one of {', '.join(STATUSES)}.")
    where, params = conditions((("s.team = ?", team), ("s.agent_id = ?", agent_id), ("s.squad = ?", squad),
                               ("s.status = ?", status), ("s.id = ?", suggestion_id)))
    sql = f"SELECT {_SUGGESTION} FROM innovation_suggestions s JOIN agents a ON a.id = s.agent_id"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return [Suggestion(*row) for row in conn.execute(sql + " ORDER BY s.id DESC", params)]


def squad_leader_of(conn: apsw.Connection, team: str, squad: str | None) -> str | None:
    if squad is None:
        return None
    row = conn.execute("SELECT leader FROM squads WHERE team = ? AND name = ?", (team, squad)).fetchone()
    return row[0] if row else None


def review_suggestion(conn: apsw.Connection, suggestion_id: int, status: str, note: str | None, by: str,
                      now: float) -> Suggestion:
    """Move a suggestion on: under review, adopted or declined (the last two with a note saying why)."""
    if status not in STATUSES or status == "new":
        raise InvalidInput(f"{status!r} is not a decision: use under_review, adopted or declined.")
    get_suggestion(conn, suggestion_id)
    note = (note or "").strip()
    if status in ("adopted", "declined") and not note:
        raise InvalidInput(f"a suggestion {status} needs a note saying why (and what happens next).")
    if len(note) > MAX_TEXT:
        raise InvalidInput(f"the note is too long: at most {MAX_TEXT} characters.")
    conn.execute("UPDATE innovation_suggestions SET status = ?, note = ?, reviewed_by = ?, reviewed_at = ? WHERE id = ?",
                 (status, note or None, by, iso(now), suggestion_id))
    return get_suggestion(conn, suggestion_id)
