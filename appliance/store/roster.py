"""Who is scheduled when: shift templates, the daily roster and approved swaps, read as the
shifts each agent actually owes (docs/teams.md). Changing them: the roster commands and routes.
"""

from __future__ import annotations

import csv
import io
import re
import time
from datetime import date, datetime, timedelta

import apsw
import msgspec

from appliance.errors import Conflict, InvalidInput, NotFound
from appliance.model import parse_name

__all__ = (
    "CSV_HEADER",
    "MAX_RANGE_DAYS",
    "RosterEntry",
    "RosterProblem",
    "Shift",
    "ShiftTemplate",
    "add_template",
    "change_template",
    "check_range",
    "clear_roster",
    "import_roster",
    "list_templates",
    "local_day_start",
    "parse_day",
    "parse_roster_csv",
    "remove_template",
    "roster_entries",
    "scheduled_shifts",
    "set_roster",
)

CSV_HEADER = ("day", "agent", "shift")
MAX_RANGE_DAYS = 366  # what one `roster show` or GET /api/v1/roster may span
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_HHMM = re.compile(r"(\d{1,2}):(\d{2})")


class ShiftTemplate(msgspec.Struct, frozen=True):
    """A shift pattern in local wall-clock time; `ends` at or before `starts` is the next day."""

    name: str
    starts: str  # HH:MM
    ends: str  # HH:MM
    break_minutes: int = 0
    huddle: bool = True  # the team's pre-shift huddle comes before it


class RosterEntry(msgspec.Struct, frozen=True):
    """A rostered shift as `roster show` prints it: who it was given to, and who works it."""

    day: str
    agent_id: str
    team: str | None
    shift: str
    starts: str
    ends: str
    worked_by: str  # the agent itself, or the colleague an approved swap gave it to
    swap_id: int | None = None


class RosterProblem(msgspec.Struct, frozen=True):
    line: int
    problem: str


class Shift(msgspec.Struct, frozen=True):
    """One agent's shift on one local day (the day it starts), with swaps applied."""

    agent_id: str
    day: str  # YYYY-MM-DD, local
    template: str
    start: float  # epoch seconds
    end: float  # after start; a shift ending at or before its start time ends the next day
    break_s: int  # paid break time it allows
    huddle: bool  # the team's pre-shift huddle comes before it
    swapped_from: str | None = None  # whose shift this was, when worked by swap


def local_day_start(day: str) -> float:
    """Epoch seconds of local midnight starting `day` (YYYY-MM-DD), in the server's time zone."""
    return time.mktime(datetime.strptime(day, "%Y-%m-%d").timetuple())


def _at(day: str, hhmm: str) -> float:
    hours, minutes = (int(part) for part in hhmm.split(":"))
    moment = datetime.strptime(day, "%Y-%m-%d").replace(hour=hours, minute=minutes)
    return time.mktime(moment.timetuple())  # local wall-clock time, DST included


def _next_day(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def scheduled_shifts(conn: apsw.Connection, first_day: str, last_day: str) -> dict[tuple[str, str], Shift]:
    """Every rostered shift from `first_day` to `last_day` (inclusive), keyed by (agent, day).

    An approved swap gives the shift to the colleague who works it: it leaves the original
    agent's schedule and enters theirs, duties included.
    """
    swaps = {
        (day, from_agent): to_agent
        for day, from_agent, to_agent in conn.execute(
            "SELECT day, from_agent, to_agent FROM shift_swaps WHERE status = 'approved' AND day BETWEEN ? AND ?",
            (first_day, last_day))
    }
    shifts: dict[tuple[str, str], Shift] = {}
    rows = conn.execute(
        "SELECT r.day, r.agent_id, t.name, t.starts, t.ends, t.break_minutes, t.huddle FROM roster r "
        "JOIN shift_templates t ON t.name = r.template WHERE r.day BETWEEN ? AND ? ORDER BY r.day, r.agent_id",
        (first_day, last_day))
    for day, agent_id, template, starts, ends, break_minutes, huddle in rows:
        worker = swaps.get((day, agent_id), agent_id)
        start = _at(day, starts)
        end = _at(day if ends > starts else _next_day(day), ends)
        shifts[(worker, day)] = Shift(worker, day, template, start, end, break_minutes * 60, bool(huddle),
                                      swapped_from=agent_id if worker != agent_id else None)
    return shifts


# ---- days and times ----------------------------------------------------------------------------------


def parse_day(text: str, what: str = "day") -> str:
    """A local day as YYYY-MM-DD, or InvalidInput saying so."""
    try:
        if _DAY.fullmatch(text):
            return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    raise InvalidInput(f"{what} {text!r} is not a date: write it as YYYY-MM-DD, e.g. 2026-12-01.")


def _parse_hhmm(text: str, what: str) -> str:
    match = _HHMM.fullmatch(text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise InvalidInput(f"{what} {text!r} is not a time of day: write it as HH:MM, from 00:00 to 23:59.")
    return f"{int(match[1]):02d}:{match[2]}"  # zero-padded, so text order is time order


def _minutes(starts: str, ends: str) -> int:
    """A shift's length; an end at or before the start is the next day."""
    start, end = (int(t[:2]) * 60 + int(t[3:]) for t in (starts, ends))
    return end - start if end > start else end + 24 * 60 - start


def _checked(template: ShiftTemplate) -> ShiftTemplate:
    starts, ends = _parse_hhmm(template.starts, "start time"), _parse_hhmm(template.ends, "end time")
    length = _minutes(starts, ends)
    if isinstance(template.break_minutes, bool) or not isinstance(template.break_minutes, int) \
            or not 0 <= template.break_minutes < length:
        raise InvalidInput(f"a break of {template.break_minutes!r} minutes does not fit a shift from {starts} to {ends} "
                           f"({length} minutes): give a whole number from 0 to {length - 1}.")
    return ShiftTemplate(template.name, starts, ends, template.break_minutes, bool(template.huddle))


# ---- shift templates ---------------------------------------------------------------------------------


def _template(conn: apsw.Connection, name: str) -> ShiftTemplate | None:
    row = conn.execute("SELECT name, starts, ends, break_minutes, huddle FROM shift_templates WHERE name = ?",
                       (name,)).fetchone()
    return None if row is None else ShiftTemplate(*row[:4], bool(row[4]))


def _require_template(conn: apsw.Connection, name: str) -> ShiftTemplate:
    found = _template(conn, name)
    if found is None:
        raise NotFound(f"shift {name!r} does not exist: 'branchline shift list' shows what there is.")
    return found


def add_template(conn: apsw.Connection, template: ShiftTemplate) -> ShiftTemplate:
    parse_name(template.name, "shift")
    template = _checked(template)
    with conn:
        if _template(conn, template.name) is not None:
            raise Conflict(f"shift {template.name!r} already exists: change it with 'branchline shift set' "
                           "or choose another name.")
        conn.execute("INSERT INTO shift_templates (name, starts, ends, break_minutes, huddle) VALUES (?, ?, ?, ?, ?)",
                     (template.name, template.starts, template.ends, template.break_minutes, int(template.huddle)))
    return template


def change_template(conn: apsw.Connection, name: str, **changes: object) -> ShiftTemplate:
    """Change some of a template's fields (starts, ends, break_minutes, huddle). Every day rostered
    with it, past ones included, reads the new times: KPIs of past days change with them."""
    unknown = set(changes) - {"starts", "ends", "break_minutes", "huddle"}
    if unknown:
        raise InvalidInput(f"a shift has no field {sorted(unknown)[0]!r}.")
    with conn:
        template = _checked(msgspec.structs.replace(_require_template(conn, name), **changes))
        conn.execute("UPDATE shift_templates SET starts = ?, ends = ?, break_minutes = ?, huddle = ? WHERE name = ?",
                     (template.starts, template.ends, template.break_minutes, int(template.huddle), name))
    return template


def remove_template(conn: apsw.Connection, name: str) -> None:
    with conn:
        _require_template(conn, name)
        days, first, last = conn.execute("SELECT count(*), min(day), max(day) FROM roster WHERE template = ?",
                                         (name,)).fetchone()
        if days:
            raise Conflict(f"shift {name!r} is on the roster {days} time(s), from {first} to {last}: "
                           "clear those days or give them another shift first ('branchline roster show').")
        conn.execute("DELETE FROM shift_templates WHERE name = ?", (name,))


def list_templates(conn: apsw.Connection) -> list[ShiftTemplate]:
    return [ShiftTemplate(*row[:4], bool(row[4])) for row in conn.execute(
        "SELECT name, starts, ends, break_minutes, huddle FROM shift_templates ORDER BY starts, name")]


# ---- the roster --------------------------------------------------------------------------------------


def _roster_problem(conn: apsw.Connection, day: str, agent_id: str, shift: str) -> str | None:
    """Why (day, agent, shift) cannot go on the roster, or None."""
    if conn.execute("SELECT 1 FROM agents WHERE id = ?", (agent_id,)).fetchone() is None:
        return f"agent {agent_id!r} does not exist ('branchline agent list' shows who there is)"
    if _template(conn, shift) is None:
        return f"shift {shift!r} does not exist ('branchline shift list' shows what there is)"
    swapped_in = conn.execute(
        "SELECT id, from_agent FROM shift_swaps WHERE status = 'approved' AND day = ? AND to_agent = ?",
        (day, agent_id)).fetchone()
    if swapped_in:
        return (f"agent {agent_id!r} already works {swapped_in[1]}'s shift on {day} by swap {swapped_in[0]}: "
                "one shift per agent per day")
    return None


def set_roster(conn: apsw.Connection, day: str, agent_id: str, shift: str) -> None:
    """Give an agent a shift on a day, replacing the one they had."""
    day = parse_day(day)
    with conn:
        problem = _roster_problem(conn, day, agent_id, shift)
        if problem:
            raise InvalidInput(problem + ".")
        conn.execute("INSERT INTO roster (day, agent_id, template) VALUES (?, ?, ?) "
                     "ON CONFLICT (day, agent_id) DO UPDATE SET template = excluded.template", (day, agent_id, shift))


def clear_roster(conn: apsw.Connection, day: str, agent_id: str) -> None:
    """Take an agent off the roster for a day. A shift an approved swap gave away stays: the
    colleague works it."""
    day = parse_day(day)
    with conn:
        if conn.execute("SELECT 1 FROM roster WHERE day = ? AND agent_id = ?", (day, agent_id)).fetchone() is None:
            raise NotFound(f"agent {agent_id!r} is not on the roster for {day}: 'branchline roster show' shows who is.")
        given = conn.execute("SELECT id, to_agent FROM shift_swaps WHERE status = 'approved' AND day = ? AND from_agent = ?",
                             (day, agent_id)).fetchone()
        if given:
            raise Conflict(f"the shift of agent {agent_id!r} on {day} is worked by {given[1]} (swap {given[0]}, approved): "
                           "it cannot be cleared; give it another shift with 'branchline roster set' if it changed.")
        conn.execute("DELETE FROM roster WHERE day = ? AND agent_id = ?", (day, agent_id))


def parse_roster_csv(text: str) -> tuple[list[tuple[int, str, str, str]], list[RosterProblem]]:
    """The lines of a roster file `day,agent,shift` as (line, day, agent, shift), and what is wrong
    with its form: the header, a line's number of fields, a date that is no date, an agent listed
    twice for one day. Blank lines are skipped."""
    entries: list[tuple[int, str, str, str]] = []
    problems: list[RosterProblem] = []
    seen: dict[tuple[str, str], int] = {}
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    header = next(reader, None)
    if header is None or tuple(h.strip().lower() for h in header) != CSV_HEADER:
        problems.append(RosterProblem(1, f"the header must be {','.join(CSV_HEADER)}, not {','.join(header or ())!r}"))
    for fields in reader:
        line = reader.line_num
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(CSV_HEADER):
            problems.append(RosterProblem(line, f"{len(fields)} field(s) where 3 are expected (day,agent,shift)"))
            continue
        day, agent_id, shift = (f.strip() for f in fields)
        try:
            day = parse_day(day)
        except InvalidInput:
            problems.append(RosterProblem(line, f"{day!r} is not a date like 2026-12-01"))
            continue
        if (day, agent_id) in seen:
            problems.append(RosterProblem(line, f"agent {agent_id!r} is already rostered for {day} on line {seen[day, agent_id]}"))
            continue
        seen[day, agent_id] = line
        entries.append((line, day, agent_id, shift))
    return entries, problems


def import_roster(conn: apsw.Connection, text: str) -> int:
    """Store every line of a roster file, or none: InvalidInput lists every wrong line by number
    (details `problems`). Lines replace what the roster had for that agent and day. Returns how many."""
    entries, problems = parse_roster_csv(text)
    with conn:
        for line, day, agent_id, shift in entries:
            problem = _roster_problem(conn, day, agent_id, shift)
            if problem:
                problems.append(RosterProblem(line, problem))
        if problems:
            problems.sort(key=lambda p: p.line)
            listed = "\n".join(f"  line {p.line}: {p.problem}" for p in problems)
            raise InvalidInput(f"the roster file has {len(problems)} wrong line(s) and nothing was stored; "
                               f"correct them and import it again:\n{listed}",
                               problems=[msgspec.to_builtins(p) for p in problems])
        conn.executemany("INSERT INTO roster (day, agent_id, template) VALUES (?, ?, ?) "
                         "ON CONFLICT (day, agent_id) DO UPDATE SET template = excluded.template",
                         [(day, agent_id, shift) for _, day, agent_id, shift in entries])
    return len(entries)


def check_range(first: str, last: str) -> tuple[str, str]:
    first, last = parse_day(first, "first day"), parse_day(last, "last day")
    if last < first:
        raise InvalidInput(f"the range ends ({last}) before it starts ({first}): give the earlier day first.")
    if (date.fromisoformat(last) - date.fromisoformat(first)).days >= MAX_RANGE_DAYS:
        raise InvalidInput(f"a range spans at most {MAX_RANGE_DAYS} days: show a shorter one.")
    return first, last


def roster_entries(conn: apsw.Connection, first: str, last: str, team: str | None = None) -> list[RosterEntry]:
    """The roster from `first` to `last` (inclusive) in day and agent order, with who works each
    shift; only one team's agents with `team`."""
    first, last = check_range(first, last)
    sql = ("SELECT r.day, r.agent_id, a.team, t.name, t.starts, t.ends, s.to_agent, s.id FROM roster r "
           "JOIN agents a ON a.id = r.agent_id JOIN shift_templates t ON t.name = r.template "
           "LEFT JOIN shift_swaps s ON s.day = r.day AND s.from_agent = r.agent_id AND s.status = 'approved' "
           "WHERE r.day BETWEEN ? AND ?")
    params: list[object] = [first, last]
    if team is not None:
        sql += " AND a.team = ?"
        params.append(team)
    return [
        RosterEntry(day, agent_id, agent_team, shift, starts, ends, to_agent or agent_id, swap_id)
        for day, agent_id, agent_team, shift, starts, ends, to_agent, swap_id in conn.execute(
            sql + " ORDER BY r.day, t.starts, r.agent_id", params)
    ]
