"""KPI targets per team, the flags they raise, and the improvement plans written for plan-level flags
(docs/teams.md, "Targets, flags, improvement plans"). When a flag is due: appliance/teamwork/flags.py.

A team's target for a KPI is what it set, else the default (adherence 99.5 %), else none: a KPI
without a target raises no flag. An agent in no team is held to the defaults.
"""

from __future__ import annotations

import math

import apsw
import msgspec

from appliance.clock import iso
from appliance.errors import Conflict, InvalidInput, NotFound
from appliance.store._rows import check_text, conditions
from appliance.store.teams import require_team
from appliance.teamwork import flags as rules
from appliance.teamwork.kpi import KPI_IDS, KPIS

__all__ = (
    "DEFAULT_TARGETS",
    "MAX_PLAN",
    "KpiFlag",
    "Plan",
    "Target",
    "agent_flags",
    "agents_by_team",
    "follow_up_plan",
    "get_flag",
    "get_plan",
    "list_flags",
    "notice_posted",
    "raise_flag",
    "remove_target",
    "set_target",
    "targets_of",
    "team_targets",
    "write_plan",
)

DEFAULT_TARGETS = {"adherence": 0.995}
MAX_PLAN = 4000
# What a target may be, by KPI: shares are 0-1, satisfaction 1-5, quality 0-100, the rest >= 0.
_LIMITS = {"fcr_rate": (0.0, 1.0), "utilisation": (0.0, 1.0), "adherence": (0.0, 1.0),
           "satisfaction": (1.0, 5.0), "quality_score": (0.0, 100.0)}
_BETTER = {k.id: k.better for k in KPIS}


class Target(msgspec.Struct, frozen=True):
    team: str
    kpi: str
    target: float
    better: str  # "higher" or "lower"
    default: bool  # the built-in default, not set by the team


class Plan(msgspec.Struct, frozen=True):
    id: int
    flag_id: int
    agent_id: str
    plan: str
    written_at: str
    follow_up: str | None  # the team leader's notes, one line each: "YYYY-MM-DD who: note"
    followed_by: str | None
    followed_at: str | None
    status: str  # "open" or "closed"


class KpiFlag(msgspec.Struct, frozen=True):
    id: int
    agent_id: str
    team: str | None
    kpi: str
    first_day: str
    last_day: str
    level: str  # "warning" or "plan"
    raised_at: str
    plan: Plan | None = None


# ---- targets -------------------------------------------------------------------------------------------


def _known_kpi(kpi: str) -> str:
    if kpi not in KPI_IDS:
        raise InvalidInput(f"there is no KPI {kpi!r}: use one of {', '.join(KPI_IDS)}.")
    return kpi


def _valid_target(kpi: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidInput(f"the target for {kpi} must be a number, not {value!r}.")
    low, high = _LIMITS.get(kpi, (0.0, math.inf))
    if not low <= value <= high:
        upper = "" if high == math.inf else f" to {high:g}"
        hint = " (a share is written like 0.95)" if high == 1.0 else ""
        raise InvalidInput(f"the target for {kpi} must be from {low:g}{upper}{hint}, not {value:g}.")
    return float(value)


def set_target(conn: apsw.Connection, team: str, kpi: str, value: float) -> Target:
    """Set (or change) a team's target for one KPI."""
    require_team(conn, team)
    value = _valid_target(_known_kpi(kpi), value)
    conn.execute("INSERT INTO kpi_targets (team, kpi, target) VALUES (?, ?, ?)"
                 " ON CONFLICT (team, kpi) DO UPDATE SET target = excluded.target", (team, kpi, value))
    return Target(team, kpi, value, _BETTER[kpi], False)


def remove_target(conn: apsw.Connection, team: str, kpi: str) -> None:
    """Drop a team's own target; the KPI falls back to its default, if it has one."""
    require_team(conn, team)
    _known_kpi(kpi)
    if conn.execute("DELETE FROM kpi_targets WHERE team = ? AND kpi = ? RETURNING 1", (team, kpi)).fetchone() is None:
        raise NotFound(f"team {team!r} has set no target for {kpi}: 'branchline team targets {team}' lists them.")


def team_targets(conn: apsw.Connection, team: str) -> list[Target]:
    """The team's targets in catalogue order, the defaults it has not overridden included."""
    require_team(conn, team)
    own = dict(conn.execute("SELECT kpi, target FROM kpi_targets WHERE team = ?", (team,)))
    found = {**DEFAULT_TARGETS, **own}
    return [Target(team, kpi, found[kpi], _BETTER[kpi], kpi not in own) for kpi in KPI_IDS if kpi in found]


def targets_of(conn: apsw.Connection, team: str | None) -> dict[str, float]:
    """kpi -> target for a team (None: no team, the defaults only)."""
    found = dict(DEFAULT_TARGETS)
    if team is not None:
        found.update(conn.execute("SELECT kpi, target FROM kpi_targets WHERE team = ?", (team,)))
    return found


# ---- flags -------------------------------------------------------------------------------------------

_FLAG_COLUMNS = "f.id, f.agent_id, a.team, f.kpi, f.first_day, f.last_day, f.level, f.raised_at"


def raise_flag(conn: apsw.Connection, agent_id: str, kpi: str, flag: rules.Flag, now: float) -> int | None:
    """Store a flag; the id of the new one, or None when one for that run (agent, KPI, first day) exists."""
    row = conn.execute(
        "INSERT INTO kpi_flags (agent_id, kpi, first_day, last_day, level, raised_at) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (agent_id, kpi, first_day) DO NOTHING RETURNING id",
        (agent_id, kpi, flag.first_day, flag.last_day, flag.level, iso(now))).fetchone()
    return None if row is None else row[0]


def agent_flags(conn: apsw.Connection, agent_id: str, kpi: str) -> list[rules.Flag]:
    """One agent's flags for one KPI, as the rules take them."""
    return [rules.Flag(first, last, level) for first, last, level in conn.execute(
        "SELECT first_day, last_day, level FROM kpi_flags WHERE agent_id = ? AND kpi = ? ORDER BY first_day",
        (agent_id, kpi))]


def list_flags(conn: apsw.Connection, *, team: str | None = None, agent_id: str | None = None,
               agents: set[str] | None = None, since: str | None = None) -> list[KpiFlag]:
    """Flags newest first, with their plans: of a team, an agent, a set of agents, from a day on."""
    where, params = conditions((("a.team = ?", team), ("f.agent_id = ?", agent_id), ("f.last_day >= ?", since)))
    if agents is not None:
        where.append(f"f.agent_id IN ({', '.join('?' * len(agents))})" if agents else "0")
        params.extend(sorted(agents))
    sql = f"SELECT {_FLAG_COLUMNS} FROM kpi_flags f JOIN agents a ON a.id = f.agent_id"
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = conn.execute(sql + " ORDER BY f.last_day DESC, f.id DESC", params).fetchall()
    plans = _plans_for(conn, [row[0] for row in rows])
    return [KpiFlag(*row, plan=plans.get(row[0])) for row in rows]


def get_flag(conn: apsw.Connection, flag_id: int) -> KpiFlag:
    row = conn.execute(f"SELECT {_FLAG_COLUMNS} FROM kpi_flags f JOIN agents a ON a.id = f.agent_id WHERE f.id = ?",
                       (flag_id,)).fetchone()
    if row is None:
        raise NotFound(f"there is no flag {flag_id}.")
    return KpiFlag(*row, plan=_plans_for(conn, [flag_id]).get(flag_id))


# ---- improvement plans -----------------------------------------------------------------------------------

_PLAN_COLUMNS = "id, flag_id, agent_id, plan, written_at, follow_up, followed_by, followed_at, status"


def _plans_for(conn: apsw.Connection, flag_ids: list[int]) -> dict[int, Plan]:
    if not flag_ids:
        return {}
    rows = conn.execute(f"SELECT {_PLAN_COLUMNS} FROM improvement_plans WHERE flag_id IN "
                        f"({', '.join('?' * len(flag_ids))})", flag_ids)
    return {row[1]: Plan(*row) for row in rows}


def get_plan(conn: apsw.Connection, plan_id: int) -> Plan:
    row = conn.execute(f"SELECT {_PLAN_COLUMNS} FROM improvement_plans WHERE id = ?", (plan_id,)).fetchone()
    if row is None:
        raise NotFound(f"there is no improvement plan {plan_id}.")
    return Plan(*row)


def write_plan(conn: apsw.Connection, flag_id: int, agent_id: str, plan: str, now: float) -> Plan:
    """The flagged agent's improvement plan for a plan-level flag; one per flag."""
    flag = get_flag(conn, flag_id)
    if flag.agent_id != agent_id:
        raise NotFound(f"there is no flag {flag_id} of yours.")
    if flag.level != "plan":
        raise InvalidInput(f"flag {flag_id} is a warning: an improvement plan is written for a plan-level flag.")
    if flag.plan is not None:
        raise Conflict(f"the improvement plan for flag {flag_id} is written already (plan {flag.plan.id}).")
    text = check_text(plan, "an improvement plan", MAX_PLAN)
    conn.execute("INSERT INTO improvement_plans (flag_id, agent_id, plan, written_at) VALUES (?, ?, ?, ?)",
                 (flag_id, agent_id, text, iso(now)))
    return get_plan(conn, conn.last_insert_rowid())


def follow_up_plan(conn: apsw.Connection, plan_id: int, note: str, by: str, now: float, *,
                   close: bool = False, day: str | None = None) -> Plan:
    """The team leader's follow-up: a note added to the plan's notes, and optionally closing it.

    `day` is the local day written before the note (the store keeps times in UTC)."""
    plan = get_plan(conn, plan_id)
    if plan.status == "closed":
        raise Conflict(f"improvement plan {plan_id} is closed: its follow-up is finished.")
    line = f"{day or iso(now)[:10]} {by}: {check_text(note, 'a follow-up', MAX_PLAN)}"
    notes = f"{plan.follow_up}\n{line}" if plan.follow_up else line
    conn.execute("UPDATE improvement_plans SET follow_up = ?, followed_by = ?, followed_at = ?, status = ?"
                 " WHERE id = ?", (notes, by, iso(now), "closed" if close else "open", plan_id))
    return get_plan(conn, plan_id)


# ---- what the daily evaluation reads ----------------------------------------------------------------------


def agents_by_team(conn: apsw.Connection) -> list[tuple[str, str, str | None]]:
    """(agent id, name, team or None) of every agent, by id."""
    return list(conn.execute("SELECT id, name, team FROM agents ORDER BY id"))


def notice_posted(conn: apsw.Connection, team: str, author: str, opening: str) -> bool:
    """Whether `author` already posted the team a notice opening with these words."""
    return conn.execute("SELECT 1 FROM notices WHERE team = ? AND author = ? AND substr(text, 1, length(?)) = ?",
                        (team, author, opening, opening)).fetchone() is not None
