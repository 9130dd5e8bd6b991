"""Recognition (docs/teams.md, "Recognition and team life"): each team's rules, best-trainer votes,
the contribution award, a month's results computed from the KPIs and published as a snapshot with a
notice to the team's desktops, and the team's notices with who acknowledged them.

The awards' rules are appliance/teamwork/recognition.py; the KPIs come from
appliance/teamwork/kpi_source.py. A published month is stored as it was computed, so later changes
(late call records, a member moving squad) never rewrite what the team was told.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

import apsw
import msgspec

from appliance.clock import iso
from appliance.errors import Conflict, InvalidInput, NotFound
from appliance.store.activities import skips_in_month
from appliance.store.complaints import parse_month
from appliance.store.notices import add_notice
from appliance.store.teams import require_team
from appliance.teamwork import recognition as rules_
from appliance.teamwork.fund_rules import FundSettings
from appliance.teamwork.kpi import roll_up
from appliance.teamwork.kpi_source import agent_days, month_kpis

__all__ = (
    "FIRST_HALF_DAYS",
    "Contribution",
    "PublishedMonth",
    "Results",
    "TeamNotice",
    "TeamRules",
    "TrainerBallot",
    "compute_results",
    "contribution_award",
    "holds_role",
    "nominate",
    "publish",
    "published",
    "published_months",
    "set_rules",
    "team_notices",
    "team_rules",
    "trainer_ballot",
    "trainer_votes",
    "vote",
)

FIRST_HALF_DAYS = 15  # "this month's first half" for most improved: days 1-15
MAX_REASON = 1000


class TeamRules(msgspec.Struct, frozen=True):
    team: str
    recognition: rules_.Rules
    fund: FundSettings


class Contribution(msgspec.Struct, frozen=True):
    agent_id: str
    name: str
    reason: str
    nominated_by: str
    nominated_at: str


class Results(msgspec.Struct, frozen=True):
    """A month's awards. `names`: agent id -> name for everyone listed; `through`: the last local
    day counted (the month's last, or today for a month not over)."""

    team: str
    month: str
    through: str
    rules: rules_.Rules
    names: dict[str, str]
    leaderboard: tuple[rules_.LeaderboardRow, ...]
    unranked: tuple[str, ...]  # members with none of the five KPIs this month
    squads: tuple[rules_.SquadRow, ...]
    improved_from: str  # the month compared against
    improved_through: str  # the last day of this month's first half counted
    most_improved: tuple[rules_.Improvement, ...]
    best_trainer: tuple[rules_.TrainerTally, ...]
    contribution: Contribution | None
    computed_at: str
    published_by: str | None = None
    published_at: str | None = None


class PublishedMonth(msgspec.Struct, frozen=True):
    month: str
    published_by: str
    published_at: str
    notice_id: int | None


class TrainerBallot(msgspec.Struct, frozen=True):
    """What a member sees when voting: the trainers, their own vote, whether voting is open."""

    team: str
    month: str
    trainers: tuple[tuple[str, str], ...]  # (agent id, name)
    my_vote: str | None
    open: bool  # False once the month's results are published
    voters: int  # how many have voted so far


class TeamNotice(msgspec.Struct, frozen=True):
    id: int
    text: str
    author: str
    at: str
    acknowledged_by: tuple[str, ...]  # usernames
    acknowledged: int
    members: int  # the team's users (agent users of its agents, and its team leaders)
    pending: tuple[str, ...]  # the team's users who have not acknowledged yet


# ---- rules -----------------------------------------------------------------------------------------------

_RULE_FIELDS = ("top_n", "bottom_n", "absence_points", "late_points", "skip_points")
_FUND_FIELDS = ("member_fen", "leader_fen")


def team_rules(conn: apsw.Connection, team: str) -> TeamRules:
    """The team's rules: what it set, else the defaults."""
    require_team(conn, team)
    row = conn.execute(f"SELECT {', '.join(_RULE_FIELDS + _FUND_FIELDS)} FROM recognition_rules WHERE team = ?",
                       (team,)).fetchone()
    if row is None:
        return TeamRules(team, rules_.DEFAULT_RULES, FundSettings())
    return TeamRules(team, rules_.Rules(*row[:5]), FundSettings(*row[5:]))


def set_rules(conn: apsw.Connection, team: str, **changes: int) -> TeamRules:
    """Change some of the team's rules (the others keep their values); InvalidInput names a bad one."""
    unknown = set(changes) - set(_RULE_FIELDS + _FUND_FIELDS)
    if unknown:
        raise InvalidInput(f"there is no rule {sorted(unknown)[0]!r}: use {', '.join(_RULE_FIELDS + _FUND_FIELDS)}.")
    now = team_rules(conn, team)
    recognition = msgspec.structs.replace(now.recognition, **{k: v for k, v in changes.items() if k in _RULE_FIELDS})
    fund = msgspec.structs.replace(now.fund, **{k: v for k, v in changes.items() if k in _FUND_FIELDS})
    # replace() skips __post_init__: build them again so the checks run
    recognition, fund = rules_.Rules(**msgspec.structs.asdict(recognition)), FundSettings(**msgspec.structs.asdict(fund))
    values = {**msgspec.structs.asdict(recognition), **msgspec.structs.asdict(fund)}
    columns = _RULE_FIELDS + _FUND_FIELDS
    conn.execute(
        f"INSERT INTO recognition_rules (team, {', '.join(columns)}) VALUES (?{', ?' * len(columns)})"
        f" ON CONFLICT (team) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in columns)}",
        (team, *(values[c] for c in columns)))
    return TeamRules(team, recognition, fund)


def holds_role(conn: apsw.Connection, team: str, agent_id: str | None, role: str) -> bool:
    if agent_id is None:
        return False
    return conn.execute("SELECT 1 FROM team_roles WHERE team = ? AND agent_id = ? AND role = ?",
                        (team, agent_id, role)).fetchone() is not None


# ---- best trainer and the contribution award ------------------------------------------------------------


def _trainers(conn: apsw.Connection, team: str) -> list[tuple[str, str]]:
    return conn.execute("SELECT r.agent_id, a.name FROM team_roles r JOIN agents a ON a.id = r.agent_id"
                        " WHERE r.team = ? AND r.role = 'trainer' ORDER BY r.agent_id", (team,)).fetchall()


def _is_published(conn: apsw.Connection, team: str, month: str) -> bool:
    return conn.execute("SELECT 1 FROM recognition_results WHERE team = ? AND month = ?",
                        (team, month)).fetchone() is not None


def vote(conn: apsw.Connection, team: str, month: str, voter: str, trainer: str, now: float) -> TrainerBallot:
    """A member's one vote of the month for one of the team's trainers (voting again replaces it,
    until the month's results are published)."""
    require_team(conn, team)
    month = parse_month(month)
    row = conn.execute("SELECT team FROM agents WHERE id = ?", (voter,)).fetchone()
    if row is None or row[0] != team:
        raise InvalidInput(f"only members of team {team!r} vote for its best trainer.")
    if trainer not in dict(_trainers(conn, team)):
        raise InvalidInput(f"{trainer!r} is not a trainer of team {team!r}: vote for one of "
                           f"{', '.join(t for t, _ in _trainers(conn, team)) or 'its trainers (it has none yet)'}.")
    if trainer == voter:
        raise InvalidInput("you cannot vote for yourself: choose another of the team's trainers.")
    if _is_published(conn, team, month):
        raise Conflict(f"the results of {month} are published: voting for that month is closed.")
    conn.execute("INSERT INTO trainer_votes (team, month, voter, trainer, at) VALUES (?, ?, ?, ?, ?)"
                 " ON CONFLICT (team, month, voter) DO UPDATE SET trainer = excluded.trainer, at = excluded.at",
                 (team, month, voter, trainer, iso(now)))
    return trainer_ballot(conn, team, month, voter)


def trainer_ballot(conn: apsw.Connection, team: str, month: str, voter: str | None) -> TrainerBallot:
    require_team(conn, team)
    month = parse_month(month)
    votes = _votes(conn, team, month)
    return TrainerBallot(team, month, tuple(map(tuple, _trainers(conn, team))), votes.get(voter or ""),
                         not _is_published(conn, team, month), len(votes))


def trainer_votes(conn: apsw.Connection, team: str, month: str) -> list[rules_.TrainerTally]:
    """The month's best-trainer votes counted so far, every trainer listed."""
    require_team(conn, team)
    month = parse_month(month)
    return rules_.trainer_tally(_votes(conn, team, month), [t for t, _ in _trainers(conn, team)])


def _votes(conn: apsw.Connection, team: str, month: str) -> dict[str, str]:
    return dict(conn.execute("SELECT voter, trainer FROM trainer_votes WHERE team = ? AND month = ?", (team, month)))


def nominate(conn: apsw.Connection, team: str, month: str, agent_id: str, reason: str, by: str,
             now: float) -> Contribution:
    """The team leader's contribution award of the month (nominating again replaces it)."""
    require_team(conn, team)
    month = parse_month(month)
    row = conn.execute("SELECT team FROM agents WHERE id = ?", (agent_id,)).fetchone()
    if row is None or row[0] != team:
        raise InvalidInput(f"{agent_id!r} is not an agent of team {team!r}: the award goes to one of its members.")
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise InvalidInput(f"say why in a reason of at most {MAX_REASON} characters, e.g. who they helped and how.")
    if _is_published(conn, team, month):
        raise Conflict(f"the results of {month} are published: the award can no longer change.")
    conn.execute("INSERT INTO contribution_awards (team, month, agent_id, reason, nominated_by, nominated_at)"
                 " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (team, month) DO UPDATE SET agent_id = excluded.agent_id,"
                 " reason = excluded.reason, nominated_by = excluded.nominated_by, nominated_at = excluded.nominated_at",
                 (team, month, agent_id, reason, by, iso(now)))
    return contribution_award(conn, team, month)


def contribution_award(conn: apsw.Connection, team: str, month: str) -> Contribution | None:
    row = conn.execute("SELECT c.agent_id, coalesce(a.name, c.agent_id), c.reason, c.nominated_by, c.nominated_at"
                       " FROM contribution_awards c LEFT JOIN agents a ON a.id = c.agent_id"
                       " WHERE c.team = ? AND c.month = ?", (team, month)).fetchone()
    return None if row is None else Contribution(*row)


# ---- computing and publishing ---------------------------------------------------------------------------


def _month_days(month: str) -> tuple[date, date]:
    first = date.fromisoformat(f"{month}-01")
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return first, last


def compute_results(conn: apsw.Connection, team: str, month: str, now: float) -> Results:
    """The month's awards for the team as its KPIs, activities and votes stand now."""
    require_team(conn, team)
    month = parse_month(month)
    first, last = _month_days(month)
    today = date.fromisoformat(time.strftime("%Y-%m-%d", time.localtime(now)))
    if first > today:
        raise InvalidInput(f"{month} has not started yet: results are for this month or earlier ones.")
    rules = team_rules(conn, team).recognition
    members = conn.execute("SELECT id, name, squad FROM agents WHERE team = ? ORDER BY id", (team,)).fetchall()
    ids = [m[0] for m in members]
    names = {m[0]: m[1] for m in members}
    squad_of = {m[0]: m[2] for m in members if m[2]}
    kpis = month_kpis(conn, month, ids, until=now)
    board = rules_.leaderboard(kpis.agents, rules)
    ranked = {r.agent_id for r in board}
    discipline = rules_.squad_discipline(kpis.days, squad_of, skips_in_month(conn, team, month), rules)
    squads = rules_.squad_competition(kpis.squads.get(team, {}), discipline)
    previous = (first - timedelta(days=1)).strftime("%Y-%m")
    half_end = min(first + timedelta(days=FIRST_HALF_DAYS - 1), last)
    before = month_kpis(conn, previous, ids).agents
    after = _per_agent(agent_days(conn, first.isoformat(), half_end.isoformat(), ids, until=now))
    trainers = _trainers(conn, team)
    names.update(dict(trainers))
    return Results(
        team=team, month=month, through=min(last, today).isoformat(), rules=rules, names=names,
        leaderboard=tuple(board), unranked=tuple(a for a in ids if a not in ranked), squads=tuple(squads),
        improved_from=previous, improved_through=min(half_end, today).isoformat(),
        most_improved=tuple(rules_.most_improved(before, after)),
        best_trainer=tuple(rules_.trainer_tally(_votes(conn, team, month), [t for t, _ in trainers])),
        contribution=contribution_award(conn, team, month), computed_at=iso(now),
    )


def _per_agent(days):
    grouped: dict[str, list] = {}
    for day in days:
        grouped.setdefault(day.agent_id or "", []).append(day)
    return {agent_id: roll_up(rows, agent_id=agent_id) for agent_id, rows in grouped.items()}


def publish(conn: apsw.Connection, team: str, month: str, by: str, now: float, *, replace: bool = False) -> Results:
    """Compute the month's results, keep them as a snapshot and announce them to the team's
    desktops as a notice (the caller wakes the desktops). Publishing a month again needs `replace`."""
    results = compute_results(conn, team, month, now)
    if _is_published(conn, team, results.month) and not replace:
        raise Conflict(f"the results of {results.month} are already published: publish again with replace "
                       f"(--replace) to correct them.")
    results = msgspec.structs.replace(results, published_by=by, published_at=iso(now))
    notice_id = add_notice(conn, team, by, announcement(results), now)
    conn.execute("INSERT INTO recognition_results (team, month, snapshot, published_by, published_at, notice_id)"
                 " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (team, month) DO UPDATE SET snapshot = excluded.snapshot,"
                 " published_by = excluded.published_by, published_at = excluded.published_at,"
                 " notice_id = excluded.notice_id",
                 (team, results.month, msgspec.json.encode(results).decode(), by, iso(now), notice_id))
    return results


def announcement(results: Results) -> str:
    """The notice's text: each award's winners by name (the pages show the full results)."""
    name = results.names.get

    def who(ids) -> str:
        return ", ".join(name(a, a) for a in ids) or "-"

    lines = [f"Recognition {results.month} (team {results.team})"]
    lines.append("Leaderboard: " + "; ".join(f"{r.place}. {name(r.agent_id, r.agent_id)} {r.score:.1f}"
                                             for r in results.leaderboard if r.award == "top") if results.leaderboard
                 else "Leaderboard: nobody ranked")
    lines.append(f"Squad competition: {', '.join(s.squad for s in results.squads if s.winner) or '-'}")
    lines.append(f"Most improved: {who(i.agent_id for i in results.most_improved if i.winner)}")
    lines.append(f"Best trainer: {who(t.trainer for t in results.best_trainer if t.winner)}")
    if results.contribution is not None:
        lines.append(f"Contribution award: {results.contribution.name} ({results.contribution.reason})")
    return "\n".join(lines)[:2000]


def published(conn: apsw.Connection, team: str, month: str | None = None) -> Results:
    """A published month's results as published (default: the latest)."""
    require_team(conn, team)
    if month is not None:
        row = conn.execute("SELECT snapshot FROM recognition_results WHERE team = ? AND month = ?",
                           (team, parse_month(month))).fetchone()
    else:
        row = conn.execute("SELECT snapshot FROM recognition_results WHERE team = ? ORDER BY month DESC LIMIT 1",
                           (team,)).fetchone()
    if row is None:
        which = f"for {month}" if month else "yet"
        raise NotFound(f"team {team!r} has no results published {which}: the team leader publishes a month's results.")
    return msgspec.json.decode(row[0], type=Results)


def published_months(conn: apsw.Connection, team: str) -> list[PublishedMonth]:
    require_team(conn, team)
    return [PublishedMonth(*row) for row in conn.execute(
        "SELECT month, published_by, published_at, notice_id FROM recognition_results WHERE team = ?"
        " ORDER BY month DESC", (team,))]


# ---- the team's announcements ---------------------------------------------------------------------------


def _team_users(conn: apsw.Connection, team: str) -> list[str]:
    return [u for (u,) in conn.execute(
        "SELECT u.username FROM users u LEFT JOIN agents a ON a.id = u.agent_id WHERE u.disabled_at IS NULL"
        " AND ((u.role = 'agent' AND a.team = ?) OR (u.role = 'team_leader' AND u.team = ?)) ORDER BY u.username",
        (team, team))]


def team_notices(conn: apsw.Connection, team: str, *, limit: int = 50) -> list[TeamNotice]:
    """The team's notices newest first, with who of the team has acknowledged each."""
    require_team(conn, team)
    users = _team_users(conn, team)
    found = []
    for notice_id, text, author, at in conn.execute(
            "SELECT id, text, author, created_at FROM notices WHERE team = ? ORDER BY id DESC LIMIT ?",
            (team, limit)).fetchall():
        acked = {u for (u,) in conn.execute("SELECT username FROM notice_acks WHERE notice_id = ?", (notice_id,))}
        mine = tuple(u for u in users if u in acked)
        found.append(TeamNotice(notice_id, text, author, at, mine, len(mine), len(users),
                                tuple(u for u in users if u not in acked)))
    return found
