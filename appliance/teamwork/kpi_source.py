"""KPIs read from the store: one agent-ordered pass over the event log plus one query per side
table (wrap-ups, surveys, evaluations, complaints) and the roster; `appliance/teamwork/kpi.py`
does every computation.

The event log is read by the `events_by_agent (agent_id, at)` index, agent by agent, and only
rows with the agent's id: the self-service IVR's events (no agent) are never touched. Rows are
streamed and each agent's history is turned into day sums and dropped before the next agent's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

import apsw
import msgspec

from appliance.clock import iso
from appliance.store.roster import local_day_start, scheduled_shifts
from appliance.teamwork.kpi import (
    LATE_WINDOW_S,
    AgentDay,
    AgentHistory,
    Calendar,
    CallEnd,
    ShiftTimes,
    StateSpan,
    roll_up,
    tally,
)

__all__ = ("MonthKpis", "agent_days", "calendar", "month_kpis")

# The event kinds KPIs read: agent state changes (agent_*), conversations ending, holds ending.
_KINDS = "(kind GLOB 'agent_*' OR kind IN ('call_completed', 'call_transferred', 'call_resumed'))"
_ENDS = frozenset(("call_completed", "call_transferred"))


class _Details(msgspec.Struct):
    """The fields of an event's details that KPIs use; the rest are skipped unread."""

    previous: str | None = None
    previous_reason: str | None = None
    duration: float | None = None
    talk: float | None = None
    held: float | None = None


_decode = msgspec.json.Decoder(_Details).decode


class MonthKpis(msgspec.Struct):
    """A month's KPI sums: per agent per day, per agent, per squad (team -> squad) and per team."""

    month: str
    days: list[AgentDay]
    agents: dict[str, AgentDay]
    squads: dict[str, dict[str, AgentDay]]
    teams: dict[str, AgentDay]


def calendar(first_day: str, last_day: str) -> Calendar:
    """Local days from `first_day` to `last_day` (inclusive) with their midnights."""
    first, last = date.fromisoformat(first_day), date.fromisoformat(last_day)
    if last < first:
        raise ValueError(f"the period ends ({last_day}) before it starts ({first_day}).")
    days = tuple((first + timedelta(days=k)).isoformat() for k in range((last - first).days + 1))
    ends = (last + timedelta(days=1)).isoformat()
    return Calendar(days, tuple(local_day_start(d) for d in (*days, ends)))


def agent_days(conn: apsw.Connection, first_day: str, last_day: str, agents: Iterable[str] | None = None, *,
               until: float | None = None, live: Mapping[str, StateSpan] | None = None) -> list[AgentDay]:
    """Each agent's raw KPI sums for each day from `first_day` to `last_day`, agent by agent.

    `agents`: whose (default: every agent); `until`: count nothing later (now, for a period not
    over yet); `live`: the state each agent is in at `until`, which the log has not ended yet.
    """
    cal = calendar(first_day, last_day)
    ids = sorted(set(agents)) if agents is not None else [a for (a,) in conn.execute("SELECT id FROM agents ORDER BY id")]
    if not ids:
        return []
    day_after = (date.fromisoformat(last_day) + timedelta(days=1)).isoformat()
    # Events from 2 h before the first midnight (a sign-in for a shift just after it) to the end
    # of the day after the last (a night shift's end and the hours made up after it).
    since = cal.starts[0] - LATE_WINDOW_S
    upto = local_day_start((date.fromisoformat(day_after) + timedelta(days=1)).isoformat())
    if until is not None:
        upto = min(upto, until)
    side = _side_tables(conn, ids, iso(cal.starts[0]), iso(min(cal.starts[-1], upto)))
    shifts = _shifts(conn, cal.days[0], last_day)
    live = live or {}
    days: list[AgentDay] = []
    read = _histories(conn, ids, iso(since), iso(upto))
    ahead = next(read, None)
    for agent_id in ids:
        spans, calls = [], []
        if ahead is not None and ahead[0] == agent_id:
            _, spans, calls = ahead
            ahead = next(read, None)
        if agent_id in live:
            spans.append(live[agent_id])
        elif until is None or until > upto:
            spans.extend(_state_ending_after(conn, agent_id, iso(upto)))
        wrapups, surveys, evaluations, complaints = (table.get(agent_id, []) for table in side)
        history = AgentHistory(agent_id, spans, calls, wrapups, surveys, evaluations, complaints,
                               shifts.get(agent_id, []))
        days.extend(tally(history, cal, until=until))
    return days


def month_kpis(conn: apsw.Connection, month: str, agents: Iterable[str] | None = None, *,
               until: float | None = None) -> MonthKpis:
    """`month` (YYYY-MM): per agent per day, per agent, and rolled up by squad and team
    (agents.squad, agents.team) from the same raw sums."""
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError:
        raise ValueError(f"{month!r} is not a month: write it as YYYY-MM, e.g. 2026-11.") from None
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    days = agent_days(conn, first.isoformat(), last.isoformat(), agents, until=until)
    per_agent: dict[str, list[AgentDay]] = defaultdict(list)
    for day in days:
        per_agent[day.agent_id or ""].append(day)
    totals = {agent_id: roll_up(rows, agent_id=agent_id) for agent_id, rows in per_agent.items()}
    placed = {a: (team, squad) for a, team, squad in conn.execute("SELECT id, team, squad FROM agents")}
    by_team: dict[str, list[AgentDay]] = defaultdict(list)
    by_squad: dict[tuple[str, str], list[AgentDay]] = defaultdict(list)
    for agent_id, total in totals.items():
        team, squad = placed.get(agent_id, (None, None))
        if team:
            by_team[team].append(total)
            if squad:
                by_squad[(team, squad)].append(total)
    squads: dict[str, dict[str, AgentDay]] = defaultdict(dict)
    for (team, squad), rows in sorted(by_squad.items()):
        squads[team][squad] = roll_up(rows)
    return MonthKpis(month, days, totals, dict(squads), {team: roll_up(rows) for team, rows in sorted(by_team.items())})


# ---- reading ----------------------------------------------------------------------------------------


def _histories(conn: apsw.Connection, ids: list[str], since: str, upto: str):
    """(agent, state spans, call ends) per agent, in agent order, from one indexed pass."""
    marks = ", ".join("?" * len(ids))
    rows = conn.execute(
        f"SELECT agent_id, unixepoch(at, 'subsec'), call_id, kind, details FROM events WHERE agent_id IN ({marks})"
        f" AND at >= ? AND at < ? AND {_KINDS} ORDER BY agent_id, at", (*ids, since, upto))
    current: str | None = None
    spans: list[StateSpan] = []
    calls: list[CallEnd] = []
    held: dict[str, float] = {}
    for agent_id, at, call_id, kind, details in rows:
        if agent_id != current:
            if current is not None:
                yield current, spans, calls
            current, spans, calls, held = agent_id, [], [], {}
        fields = _decode(details)
        if kind in _ENDS:
            calls.append(CallEnd(at, fields.talk or 0.0, held.pop(call_id, 0.0) if held else 0.0))
        elif kind == "call_resumed":
            held[call_id] = held.get(call_id, 0.0) + (fields.held or 0.0)
        elif fields.duration is not None and fields.previous:  # a state change: the state it ends
            spans.append(StateSpan(fields.previous, at, fields.duration, fields.previous_reason))
    if current is not None:
        yield current, spans, calls


def _state_ending_after(conn: apsw.Connection, agent_id: str, upto: str) -> list[StateSpan]:
    """The state the agent was in at `upto`, from the first state event after it (if any)."""
    for at, details in conn.execute(
            "SELECT unixepoch(at, 'subsec'), details FROM events WHERE agent_id = ? AND at >= ? AND kind GLOB 'agent_*'"
            " ORDER BY at", (agent_id, upto)):
        fields = _decode(details)
        if fields.duration is not None and fields.previous:
            return [StateSpan(fields.previous, at, fields.duration, fields.previous_reason)]
        if fields.previous:
            return []  # a sign-in: the agent was signed out at `upto`
    return []


def _side_tables(conn: apsw.Connection, ids: list[str], since: str, upto: str) -> tuple[dict, dict, dict, dict]:
    """Wrap-ups (at, fcr), surveys (at, score), evaluations (recording start, score) and
    complaints (received at) per agent, each from one query by its (agent, time) index."""
    marks = ", ".join("?" * len(ids))
    queries = (
        f"SELECT agent_id, unixepoch(at, 'subsec'), fcr FROM wrapups WHERE agent_id IN ({marks})"
        f" AND at >= ? AND at < ?",
        f"SELECT agent_id, unixepoch(at, 'subsec'), score FROM surveys WHERE agent_id IN ({marks})"
        f" AND at >= ? AND at < ?",
        f"SELECT r.agent_id, unixepoch(r.started_at, 'subsec'), e.score FROM recordings r JOIN evaluations e ON e.recording_id = r.id"
        f" AND e.agent_id = r.agent_id WHERE r.agent_id IN ({marks}) AND r.started_at >= ? AND r.started_at < ?",
        f"SELECT agent_id, unixepoch(received_at, 'subsec'), NULL FROM complaints WHERE agent_id IN ({marks})"
        f" AND received_at >= ? AND received_at < ?",
    )
    tables: list[dict] = []
    for k, sql in enumerate(queries):
        table: dict[str, list] = defaultdict(list)
        for agent_id, at, value in conn.execute(sql, (*ids, since, upto)):
            table[agent_id].append(at if k == 3 else (at, value))
        tables.append(table)
    return tables[0], tables[1], tables[2], tables[3]


def _shifts(conn: apsw.Connection, first_day: str, last_day: str) -> dict[str, list[ShiftTimes]]:
    """Each agent's shifts (swaps applied) in start order, from the day before `first_day` (a
    night shift reaching into it) to `last_day`."""
    day_before = (date.fromisoformat(first_day) - timedelta(days=1)).isoformat()
    midnights: dict[str, float] = {}

    def closes(end: float) -> float:  # the midnight ending the local day the shift ends on
        day = (datetime.fromtimestamp(end - 0.001).date() + timedelta(days=1)).isoformat()
        if day not in midnights:
            midnights[day] = local_day_start(day)
        return midnights[day]

    per_agent: dict[str, list[ShiftTimes]] = defaultdict(list)
    for (agent_id, _), shift in scheduled_shifts(conn, day_before, last_day).items():
        per_agent[agent_id].append(ShiftTimes(shift.day, shift.start, shift.end, float(shift.break_s), closes(shift.end)))
    for shifts in per_agent.values():
        shifts.sort(key=lambda s: s.start)
    return per_agent
