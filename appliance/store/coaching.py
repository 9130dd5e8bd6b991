"""One-on-one coaching records, the weekly rule with its reminders, and the monthly segmentation
(docs/teams.md, "Coaching and development"). The rules: appliance/teamwork/coaching_week.py and
appliance/teamwork/segmentation.py.

A record belongs to the agent's team as it was when the talk was held; the weekly rule counts a
team leader's talks by the username that held them. Days are local days (YYYY-MM-DD) the caller
passes in; times are stored in UTC.
"""

from __future__ import annotations

from datetime import date, timedelta

import apsw
import msgspec

from appliance.clock import iso
from appliance.errors import InvalidInput, NotFound
from appliance.store._rows import check_text, conditions
from appliance.store.teams import require_team
from appliance.store.users import account_by_name, role_rank
from appliance.teamwork import coaching_week as rules
from appliance.teamwork.composite import composite_scores
from appliance.teamwork.kpi_source import month_kpis
from appliance.teamwork.segmentation import APPROACH, segment

__all__ = (
    "HISTORY_WEEKS",
    "MAX_TEXT",
    "CoachingRecord",
    "LeaderWeek",
    "Member",
    "Reminder",
    "Segments",
    "SegmentAgent",
    "SegmentTier",
    "Settings",
    "acknowledge",
    "add_record",
    "get_record",
    "get_settings",
    "leader_week",
    "list_records",
    "parse_day",
    "parse_month",
    "require_leader",
    "remind_leaders",
    "set_outcome",
    "set_settings",
    "team_leaders",
    "team_segments",
)

MAX_TEXT = 4000
HISTORY_WEEKS = 12  # finished weeks the history looks back over


class CoachingRecord(msgspec.Struct, frozen=True):
    id: int
    agent_id: str
    agent_name: str
    team: str
    leader: str
    day: str
    keep: str
    improve: str
    actions: str
    follow_up_on: str | None
    outcome: str | None
    outcome_by: str | None
    outcome_at: str | None
    acknowledged_at: str | None
    created_at: str
    recordings: tuple[int, ...] = ()


class Settings(msgspec.Struct, frozen=True):
    per_week: int
    remind_from: int  # ISO weekday, 1 Monday .. 7 Sunday


class Reminder(msgspec.Struct, frozen=True):
    leader: str
    week: str
    team: str | None
    agents: int
    needed: int
    created_at: str


class Member(msgspec.Struct, frozen=True):
    agent_id: str
    name: str
    last_talk: str | None  # local day of the latest talk with any of the team's leaders


class LeaderWeek(msgspec.Struct, frozen=True):
    leader: str
    team: str | None
    today: str
    status: rules.WeekStatus
    reminder: Reminder | None  # this week's, while still short
    least_recent: tuple[Member, ...]  # the team's agents, talked with least recently first
    missed: tuple[rules.WeekStatus, ...]  # finished weeks short of the rule, newest first
    weeks: tuple[rules.WeekStatus, ...]  # every finished week looked at, newest first


# ---- checks -------------------------------------------------------------------------------------------


def parse_day(text: str, what: str = "the day") -> date:
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise InvalidInput(f"{what} {text!r} is not a date like 2026-11-03.") from None


def _agent(conn: apsw.Connection, agent_id: str) -> tuple[str, str | None]:
    row = conn.execute("SELECT name, team FROM agents WHERE id = ?", (agent_id,)).fetchone()
    if row is None:
        raise NotFound(f"agent {agent_id!r} does not exist: 'branchline agent list' shows what there is.")
    return row


def require_leader(conn: apsw.Connection, username: str, team: str) -> None:
    """The user who holds a talk: a team leader of that team, or a supervisor or admin."""
    account = account_by_name(conn, username)
    if account is None:
        raise NotFound(f"there is no user {username!r}: 'branchline user list' shows who there is.")
    if role_rank(account.role) >= role_rank("supervisor"):
        return
    if account.role != "team_leader" or account.team != team:
        raise InvalidInput(f"user {username!r} does not lead team {team!r}: the talk is held by its team leader "
                           f"(or a supervisor).")


def _check_recordings(conn: apsw.Connection, agent_id: str, recordings: list[int]) -> tuple[int, ...]:
    found = []
    for rec_id in dict.fromkeys(recordings):
        row = conn.execute("SELECT agent_id FROM recordings WHERE id = ?", (rec_id,)).fetchone()
        if row is None:
            raise NotFound(f"there is no recording {rec_id}: 'branchline recordings list' shows them.")
        if row[0] != agent_id:
            raise InvalidInput(f"recording {rec_id} is agent {row[0]}'s call, not {agent_id}'s: link the agent's "
                               f"own recordings.")
        found.append(rec_id)
    return tuple(found)


# ---- records ------------------------------------------------------------------------------------------

_COLUMNS = ("c.id, c.agent_id, a.name, c.team, c.leader, c.day, c.keep, c.improve, c.actions, c.follow_up_on, "
            "c.outcome, c.outcome_by, c.outcome_at, c.acknowledged_at, c.created_at")


def add_record(conn: apsw.Connection, agent_id: str, leader: str, *, day: str, today: date, keep: str,
               improve: str, actions: str, follow_up_on: str | None = None, recordings: list[int] = (),
               now: float) -> CoachingRecord:
    """Record a one-on-one talk held with an agent; `today` is the local day (no talks in the future)."""
    _, team = _agent(conn, agent_id)
    if team is None:
        raise InvalidInput(f"agent {agent_id!r} is in no team: coaching talks are held within a team "
                           f"('branchline team assign {agent_id} TEAM').")
    held = parse_day(day)
    if held > today:
        raise InvalidInput(f"the talk's day {day} is in the future: record a talk once it is held.")
    if follow_up_on:
        if parse_day(follow_up_on, "the follow-up date") < held:
            raise InvalidInput(f"the follow-up date {follow_up_on} is before the talk ({day}): choose a later day.")
    require_leader(conn, leader, team)
    texts = (check_text(keep, "what to keep", MAX_TEXT), check_text(improve, "what to improve", MAX_TEXT),
             check_text(actions, "the agreed actions", MAX_TEXT))
    linked = _check_recordings(conn, agent_id, list(recordings))
    conn.execute("INSERT INTO coaching_records (agent_id, team, leader, day, keep, improve, actions, follow_up_on,"
                 " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 (agent_id, team, leader, held.isoformat(), *texts, follow_up_on or None, iso(now)))
    record_id = conn.last_insert_rowid()
    conn.executemany("INSERT INTO coaching_recordings (record_id, recording_id) VALUES (?, ?)",
                     [(record_id, r) for r in linked])
    return get_record(conn, record_id)


def _linked(conn: apsw.Connection, ids: list[int]) -> dict[int, tuple[int, ...]]:
    found: dict[int, list[int]] = {}
    if ids:
        for record_id, rec_id in conn.execute(
                f"SELECT record_id, recording_id FROM coaching_recordings WHERE record_id IN ({', '.join('?' * len(ids))})"
                " ORDER BY recording_id", ids):
            found.setdefault(record_id, []).append(rec_id)
    return {k: tuple(v) for k, v in found.items()}


def _records(conn: apsw.Connection, where: str, params: list) -> list[CoachingRecord]:
    rows = conn.execute(f"SELECT {_COLUMNS} FROM coaching_records c JOIN agents a ON a.id = c.agent_id {where}"
                        " ORDER BY c.day DESC, c.id DESC", params).fetchall()
    linked = _linked(conn, [r[0] for r in rows])
    return [CoachingRecord(*row, recordings=linked.get(row[0], ())) for row in rows]


def get_record(conn: apsw.Connection, record_id: int) -> CoachingRecord:
    found = _records(conn, "WHERE c.id = ?", [record_id])
    if not found:
        raise NotFound(f"there is no coaching record {record_id}.")
    return found[0]


def list_records(conn: apsw.Connection, *, team: str | None = None, agent_id: str | None = None,
                 leader: str | None = None, since: str | None = None, until: str | None = None,
                 limit: int = 200) -> list[CoachingRecord]:
    """Newest first: of a team, an agent, a leader, between local days."""
    where, params = conditions((("c.team = ?", team), ("c.agent_id = ?", agent_id), ("c.leader = ?", leader),
                               ("c.day >= ?", since), ("c.day <= ?", until)))
    sql = ("WHERE " + " AND ".join(where)) if where else ""
    return _records(conn, f"{sql} ", params)[:limit]


def set_outcome(conn: apsw.Connection, record_id: int, outcome: str, by: str, now: float) -> CoachingRecord:
    """The follow-up's outcome (writing it again replaces it)."""
    get_record(conn, record_id)
    conn.execute("UPDATE coaching_records SET outcome = ?, outcome_by = ?, outcome_at = ? WHERE id = ?",
                 (check_text(outcome, "the follow-up outcome", MAX_TEXT), by, iso(now), record_id))
    return get_record(conn, record_id)


def acknowledge(conn: apsw.Connection, record_id: int, agent_id: str, now: float) -> CoachingRecord:
    """The agent has read the record; acknowledging again keeps the first time."""
    record = get_record(conn, record_id)
    if record.agent_id != agent_id:
        raise NotFound(f"there is no coaching record {record_id} of yours.")
    conn.execute("UPDATE coaching_records SET acknowledged_at = coalesce(acknowledged_at, ?) WHERE id = ?",
                 (iso(now), record_id))
    return get_record(conn, record_id)


# ---- the weekly rule -------------------------------------------------------------------------------------


def get_settings(conn: apsw.Connection) -> Settings:
    row = conn.execute("SELECT per_week, remind_from FROM coaching_settings WHERE id = 1").fetchone()
    return Settings(*row) if row else Settings(rules.PER_WEEK, rules.REMIND_FROM)


def set_settings(conn: apsw.Connection, *, per_week: int | None = None, remind_from: int | None = None) -> Settings:
    if per_week is not None and not 1 <= per_week <= 20:
        raise InvalidInput(f"agents per week must be from 1 to 20, not {per_week}.")
    if remind_from is not None and not 1 <= remind_from <= 7:
        raise InvalidInput(f"the reminder weekday must be from 1 (Monday) to 7 (Sunday), not {remind_from}.")
    current = get_settings(conn)
    conn.execute("INSERT INTO coaching_settings (id, per_week, remind_from) VALUES (1, ?, ?) ON CONFLICT (id) DO "
                 "UPDATE SET per_week = excluded.per_week, remind_from = excluded.remind_from",
                 (per_week or current.per_week, remind_from or current.remind_from))
    return get_settings(conn)


def team_leaders(conn: apsw.Connection, team: str | None = None) -> list[tuple[str, str, str]]:
    """(username, team, created_at) of enabled team leaders with a team, by username."""
    sql = "SELECT username, team, created_at FROM users WHERE role = 'team_leader' AND team IS NOT NULL" \
          " AND disabled_at IS NULL"
    if team is not None:
        return list(conn.execute(sql + " AND team = ? ORDER BY username", (team,)))
    return list(conn.execute(sql + " ORDER BY username"))


def _talks(conn: apsw.Connection, leader: str, since: str) -> list[tuple[str, str]]:
    return list(conn.execute("SELECT day, agent_id FROM coaching_records WHERE leader = ? AND day >= ?",
                             (leader, since)))


def _reminder(conn: apsw.Connection, leader: str, week: str) -> Reminder | None:
    row = conn.execute("SELECT leader, week, team, agents, needed, created_at FROM coaching_reminders"
                       " WHERE leader = ? AND week = ?", (leader, week)).fetchone()
    return Reminder(*row) if row else None


def _members(conn: apsw.Connection, team: str | None) -> list[Member]:
    if team is None:
        return []
    last = dict(conn.execute("SELECT agent_id, max(day) FROM coaching_records WHERE team = ? GROUP BY agent_id",
                             (team,)))
    names = dict(conn.execute("SELECT id, name FROM agents WHERE team = ?", (team,)))
    return [Member(a, names[a], day) for a, day in rules.least_recent(names, last)]


def leader_week(conn: apsw.Connection, leader: str, today: date) -> LeaderWeek:
    """A team leader's week so far, who to talk with next, and the weeks they missed."""
    account = account_by_name(conn, leader)
    if account is None:
        raise NotFound(f"there is no user {leader!r}: 'branchline user list' shows who there is.")
    settings = get_settings(conn)
    week = rules.iso_week(today)
    since = today - timedelta(weeks=HISTORY_WEEKS)
    # Weeks before the account existed are not missed weeks.
    (created,) = conn.execute("SELECT created_at FROM users WHERE username = ?", (leader,)).fetchone()
    started = date.fromisoformat(created[:10])
    talks = _talks(conn, leader, (since - timedelta(days=7)).isoformat())
    status = rules.week_status(talks, week, today, settings.per_week)
    weeks = rules.history(talks, max(since, started), today, settings.per_week)
    reminder = _reminder(conn, leader, week)
    return LeaderWeek(leader, account.team, today.isoformat(), status, None if status.met else reminder,
                      tuple(_members(conn, account.team)), tuple(w for w in weeks if not w.met), tuple(weeks))


def remind_leaders(conn: apsw.Connection, today: date, now: float) -> list[Reminder]:
    """The daily run's part: a reminder to each team leader still short on `today` (from the
    configured weekday on), once per leader and week. Returns the new ones."""
    settings = get_settings(conn)
    week = rules.iso_week(today)
    monday = rules.week_days(week)[0].isoformat()
    made = []
    with conn:
        for leader, team, _ in team_leaders(conn):
            status = rules.week_status(_talks(conn, leader, monday), week, today, settings.per_week)
            if not rules.reminder_due(status, today, settings.remind_from):
                continue
            row = conn.execute("INSERT INTO coaching_reminders (leader, week, team, agents, needed, created_at)"
                               " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (leader, week) DO NOTHING RETURNING 1",
                               (leader, week, team, len(status.agents), settings.per_week, iso(now))).fetchone()
            if row is not None:
                made.append(_reminder(conn, leader, week))
    return made


# ---- segmentation -----------------------------------------------------------------------------------------


class SegmentAgent(msgspec.Struct, frozen=True):
    agent_id: str
    name: str
    score: float | None


class SegmentTier(msgspec.Struct, frozen=True):
    tier: str
    name: dict[str, str]  # en, zh
    approach: dict[str, str]
    agents: tuple[SegmentAgent, ...]


class Segments(msgspec.Struct, frozen=True):
    team: str
    month: str
    tiers: tuple[SegmentTier, ...]
    unscored: tuple[SegmentAgent, ...]


def parse_month(month: str) -> str:
    try:
        date.fromisoformat(f"{month}-01")
    except (TypeError, ValueError):
        raise InvalidInput(f"{month!r} is not a month: write it as YYYY-MM, e.g. 2026-11.") from None
    return month


def _has_data(total) -> bool:
    return bool(total.signed_in_s or total.handled or total.wrapups or total.survey_count)


def team_segments(conn: apsw.Connection, team: str, month: str, until: float | None = None) -> Segments:
    """The month's three tiers of a team's agents from the composite KPI; agents without data are unscored."""
    require_team(conn, team)
    parse_month(month)
    names = dict(conn.execute("SELECT id, name FROM agents WHERE team = ? ORDER BY id", (team,)))
    kpis = month_kpis(conn, month, list(names), until=until)
    totals = {a: t for a, t in kpis.agents.items() if a in names and _has_data(t)}
    composite = composite_scores(totals) if totals else {}
    scores = {a: (round(composite[a].score, 1) if a in composite else None) for a in names}
    split = segment(scores)
    tiers = tuple(SegmentTier(t.tier, APPROACH[t.tier]["name"], APPROACH[t.tier]["approach"],
                              tuple(SegmentAgent(a, names[a], s) for a, s in t.agents)) for t in split.tiers)
    return Segments(team, month, tiers, tuple(SegmentAgent(a, names[a], None) for a in split.unscored))
