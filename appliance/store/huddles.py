"""A team's daily pre-shift huddle in the store (docs/teams.md, "Huddles and meetings"): settings,
who attends and who hosts (the rotation: appliance/teamwork/huddle_rotation.py), the agenda,
attendance from sign-in times (appliance/teamwork/attendance.py) with the team leader's
corrections, the published notes (a notice every member acknowledges) and the debrief.

Who attends a day's huddle: whoever works a shift with a huddle that day (the roster with swaps
applied, `scheduled_shifts`) that belongs to one of the team's members, or is worked by one.
"""

from __future__ import annotations

import re
import time
from datetime import date, datetime, timedelta

import apsw
import msgspec

from appliance.clock import iso, parse_iso
from appliance.errors import Conflict, InvalidInput, NotFound
from appliance.store.notices import MAX_TEXT as MAX_NOTICE
from appliance.store.notices import add_notice
from appliance.store.roster import local_day_start, parse_day, scheduled_shifts
from appliance.store.teams import require_team
from appliance.teamwork.attendance import STATUSES, judge
from appliance.teamwork.huddle_rotation import HuddleDay, host_of, next_turn, rotation_order
from appliance.teamwork.kpi import ABSENT_MINUTES

__all__ = (
    "DEFAULT_SETTINGS",
    "MAX_CASES",
    "MAX_POINTS",
    "Acknowledgement",
    "Attendee",
    "AttendanceEntry",
    "Debrief",
    "HardCase",
    "Huddle",
    "HuddleSettings",
    "HuddleSummary",
    "change_settings",
    "correct_attendance",
    "get_huddle",
    "get_settings",
    "list_huddles",
    "notice_text",
    "publish",
    "save_agenda",
    "save_debrief",
    "set_host",
    "take_attendance",
    "team_members",
)

MAX_POINTS = 20
MAX_CASES = 10
MAX_STEPS = 10
MAX_LINE = 500  # one point, a case's title or step, the opener
MAX_NOTES = 2000
MAX_REASON = 500
FILL_IN_DAYS = 31  # days between the last huddle on record and the one opened get their turns too
PLAN_AHEAD_DAYS = 62  # a huddle further ahead has no roster to rotate on yet: refused, not opened
_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


class HuddleSettings(msgspec.Struct, frozen=True):
    team: str
    minutes_before: int = 15  # the huddle starts this long before the day's earliest huddle shift
    fixed_time: str | None = None  # or at this local time (HH:MM)
    length_minutes: int = 15
    opener: str = ""  # the team's greeting call, the agenda's opener by default
    meeting_notice_days: int = 2  # working days between announcing the monthly meeting and holding it


DEFAULT_SETTINGS = HuddleSettings("")


class HardCase(msgspec.Struct, frozen=True):
    title: str
    steps: list[str]


class Attendee(msgspec.Struct, frozen=True):
    agent_id: str
    name: str
    shift: str
    shift_starts: str  # HH:MM local
    swapped_from: str | None  # whose shift it is, when worked by swap


class AttendanceEntry(msgspec.Struct, frozen=True):
    agent_id: str
    name: str
    status: str  # the verdict that counts: the correction if any, else the computed one
    late_minutes: int
    computed_status: str  # present, late, absent or pending (not signed in, not 30 minutes late yet)
    computed_late: int
    signed_in_at: str | None
    corrected_by: str | None = None
    corrected_at: str | None = None
    reason: str | None = None


class Acknowledgement(msgspec.Struct, frozen=True):
    username: str
    agent_id: str
    name: str
    at: str | None  # None: not acknowledged yet


class Debrief(msgspec.Struct, frozen=True):
    good_calls: str
    praise: str
    light: str
    by: str
    at: str


class Huddle(msgspec.Struct, frozen=True):
    id: int
    team: str
    day: str
    starts: str | None  # HH:MM local; None when nobody attends and no fixed time is set
    length_minutes: int
    turn: str | None
    host: str | None
    host_reason: str  # rotation, swap, manual or none
    host_by: str | None
    host_at: str | None
    host_note: str | None
    attendees: list[Attendee]
    points: list[str]
    hard_cases: list[HardCase]
    opener: str
    notes: str
    edited_by: str | None
    edited_at: str | None
    status: str  # draft or published
    published_by: str | None
    published_at: str | None
    notice_id: int | None
    attendance: list[AttendanceEntry]
    acknowledgements: list[Acknowledgement]  # members' users, when published
    debrief: Debrief | None


class HuddleSummary(msgspec.Struct, frozen=True):
    day: str
    host: str | None
    status: str
    attendees: int
    acknowledged: int | None  # of the published notes


# ---- settings ------------------------------------------------------------------------------------------


def get_settings(conn: apsw.Connection, team: str) -> HuddleSettings:
    require_team(conn, team)
    row = conn.execute("SELECT minutes_before, fixed_time, length_minutes, opener, meeting_notice_days"
                       " FROM huddle_settings WHERE team = ?", (team,)).fetchone()
    return HuddleSettings(team) if row is None else HuddleSettings(team, *row)


def _whole(value: object, low: int, high: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"{what} must be a whole number from {low} to {high}, not {value!r}.")
    return value


def change_settings(conn: apsw.Connection, team: str, **changes: object) -> HuddleSettings:
    """Change some settings; `fixed_time` None (or '') goes back to minutes before the first shift."""
    unknown = set(changes) - (set(HuddleSettings.__struct_fields__) - {"team"})
    if unknown:
        raise InvalidInput(f"huddle settings have no field {sorted(unknown)[0]!r}.")
    current = get_settings(conn, team)
    merged = msgspec.structs.replace(current, **changes)
    fixed = (merged.fixed_time or "").strip() or None
    if fixed is not None and not _HHMM.fullmatch(fixed):
        raise InvalidInput(f"huddle time {fixed!r} is not a time of day: write it as HH:MM, e.g. 08:15.")
    checked = HuddleSettings(
        team,
        _whole(merged.minutes_before, 0, 240, "minutes before the first shift"),
        fixed,
        _whole(merged.length_minutes, 5, 120, "a huddle's length in minutes"),
        _line(merged.opener, "the team's opener", allow_empty=True),
        _whole(merged.meeting_notice_days, 0, 20, "working days of notice for the monthly meeting"),
    )
    conn.execute("INSERT INTO huddle_settings (team, minutes_before, fixed_time, length_minutes, opener, meeting_notice_days)"
                 " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (team) DO UPDATE SET minutes_before = excluded.minutes_before,"
                 " fixed_time = excluded.fixed_time, length_minutes = excluded.length_minutes, opener = excluded.opener,"
                 " meeting_notice_days = excluded.meeting_notice_days", msgspec.structs.astuple(checked))
    return checked


# ---- who attends, who hosts ----------------------------------------------------------------------------


def team_members(conn: apsw.Connection, team: str) -> dict[str, str]:
    """The team's agents: id -> name."""
    return dict(conn.execute("SELECT id, name FROM agents WHERE team = ? ORDER BY id", (team,)))


def _day_shifts(conn: apsw.Connection, team: str, day: str, members: dict[str, str]):
    """The day's huddle shifts of the team: (rostered agent -> worker, the shifts by worker)."""
    workers, shifts = {}, {}
    for (worker, _), shift in scheduled_shifts(conn, day, day).items():
        owner = shift.swapped_from or worker
        if shift.huddle and (owner in members or worker in members):
            workers[owner] = worker
            shifts[worker] = shift
    return workers, shifts


def _previous_turn(conn: apsw.Connection, team: str, day: str) -> str | None:
    row = conn.execute("SELECT turn FROM huddles WHERE team = ? AND day < ? AND turn IS NOT NULL ORDER BY day DESC"
                       " LIMIT 1", (team, day)).fetchone()
    return None if row is None else row[0]


def _open(conn: apsw.Connection, team: str, day: str) -> int:
    """The huddle's row, created with its turn (and those of the days since the last one on record)."""
    row = conn.execute("SELECT id FROM huddles WHERE team = ? AND day = ?", (team, day)).fetchone()
    if row is not None:
        return row[0]
    if date.fromisoformat(day) > date.today() + timedelta(days=PLAN_AHEAD_DAYS):
        raise InvalidInput(f"{day} is more than {PLAN_AHEAD_DAYS} days ahead: huddles are planned from the roster, "
                           "so open one nearer the day.")
    members = team_members(conn, team)
    order = rotation_order(members)
    last = conn.execute("SELECT max(day) FROM huddles WHERE team = ? AND day < ?", (team, day)).fetchone()[0]
    first = date.fromisoformat(day) if last is None else date.fromisoformat(last) + timedelta(days=1)
    if (date.fromisoformat(day) - first).days > FILL_IN_DAYS:
        first = date.fromisoformat(day)
    previous = _previous_turn(conn, team, day)
    opener = get_settings(conn, team).opener
    for k in range((date.fromisoformat(day) - first).days + 1):
        current = (first + timedelta(days=k)).isoformat()
        workers, _ = _day_shifts(conn, team, current, members)
        if not workers and current != day:
            continue  # no huddle that day: no row, the rotation stays where it is
        turn = next_turn(order, previous, workers)
        conn.execute("INSERT INTO huddles (team, day, turn, opener) VALUES (?, ?, ?, ?)", (team, current, turn, opener))
        previous = turn or previous
    return conn.execute("SELECT id FROM huddles WHERE team = ? AND day = ?", (team, day)).fetchone()[0]


def _current_turn(conn: apsw.Connection, team: str, day: str, stored: str | None, workers: dict[str, str],
                  published: bool, members: dict[str, str]) -> str | None:
    """The stored turn, unless the roster changed since and that member owes no huddle shift now
    (a draft's turn then moves on to the next who does)."""
    if published or stored in workers:
        return stored
    turn = next_turn(rotation_order(members), _previous_turn(conn, team, day), workers)
    if turn != stored:
        conn.execute("UPDATE huddles SET turn = ? WHERE team = ? AND day = ?", (turn, team, day))
    return turn


# ---- the huddle ----------------------------------------------------------------------------------------


_COLUMNS = ("id, turn, host, host_by, host_at, host_reason, points, hard_cases, opener, notes, edited_by, edited_at,"
            " published_by, published_at, notice_id, debrief_good, debrief_praise, debrief_light, debrief_by, debrief_at")


def _at(day: str, hhmm: str) -> float:
    return time.mktime(datetime.strptime(f"{day} {hhmm}", "%Y-%m-%d %H:%M").timetuple())


def _clock(moment: float) -> str:
    return time.strftime("%H:%M", time.localtime(moment))


def _start(settings: HuddleSettings, day: str, shifts: dict) -> float | None:
    if settings.fixed_time:
        return _at(day, settings.fixed_time)
    if not shifts:
        return None
    return min(s.start for s in shifts.values()) - settings.minutes_before * 60


def get_huddle(conn: apsw.Connection, team: str, day: str) -> Huddle:
    """A day's huddle (opened, with its turn, the first time it is asked for)."""
    day = parse_day(day)
    with conn:
        settings = get_settings(conn, team)
        huddle_id = _open(conn, team, day)
        row = conn.execute(f"SELECT {_COLUMNS} FROM huddles WHERE id = ?", (huddle_id,)).fetchone()
        members = team_members(conn, team)
        names = dict(conn.execute("SELECT id, name FROM agents"))
        workers, shifts = _day_shifts(conn, team, day, members)
        (huddle_id, turn, host, host_by, host_at, host_note, points, cases, opener, notes, edited_by, edited_at,
         published_by, published_at, notice_id, d_good, d_praise, d_light, d_by, d_at) = row
        turn = _current_turn(conn, team, day, turn, workers, published_at is not None, members)
    who, reason = host_of(HuddleDay(day, workers, host), turn)
    start = _start(settings, day, shifts)
    attendees = [Attendee(w, names.get(w, w), s.template, _clock(s.start), s.swapped_from)
                 for w, s in sorted(shifts.items())]
    return Huddle(
        huddle_id, team, day, None if start is None else _clock(start), settings.length_minutes, turn, who, reason,
        host_by, host_at, host_note, attendees, msgspec.json.decode(points), msgspec.json.decode(cases, type=list[HardCase]),
        opener, notes, edited_by, edited_at, "published" if published_at else "draft", published_by, published_at,
        notice_id, _attendance(conn, huddle_id, names), _acknowledgements(conn, team, notice_id),
        None if d_at is None else Debrief(d_good or "", d_praise or "", d_light or "", d_by, d_at),
    )


def list_huddles(conn: apsw.Connection, team: str, first: str, last: str) -> list[HuddleSummary]:
    """The huddles on record from `first` to `last`, latest first."""
    require_team(conn, team)
    first, last = parse_day(first, "first day"), parse_day(last, "last day")
    found = []
    for day in [d for (d,) in conn.execute("SELECT day FROM huddles WHERE team = ? AND day BETWEEN ? AND ?"
                                            " ORDER BY day DESC", (team, first, last))]:
        h = get_huddle(conn, team, day)
        acked = None if h.notice_id is None else sum(a.at is not None for a in h.acknowledgements)
        found.append(HuddleSummary(day, h.host, h.status, len(h.attendees), acked))
    return found


def _draft(conn: apsw.Connection, team: str, day: str) -> Huddle:
    huddle = get_huddle(conn, team, day)
    if huddle.status == "published":
        raise Conflict(f"the notes of {team}'s huddle of {huddle.day} were published on {huddle.published_at[:10]}: "
                       "they are final (the debrief can still be written).")
    return huddle


# ---- host -----------------------------------------------------------------------------------------------


def set_host(conn: apsw.Connection, team: str, day: str, agent_id: str | None, reason: str, by: str, now: float) -> Huddle:
    """The team leader names the day's host (one who attends), or (None) gives it back to the rotation."""
    huddle = _draft(conn, team, day)
    if agent_id is not None and agent_id not in {a.agent_id for a in huddle.attendees}:
        attending = ", ".join(a.agent_id for a in huddle.attendees) or "nobody"
        raise InvalidInput(f"agent {agent_id!r} does not attend {team}'s huddle of {huddle.day}: choose one who does "
                           f"({attending}).")
    reason = _line(reason, "the reason for changing the host")
    with conn:
        conn.execute("UPDATE huddles SET host = ?, host_by = ?, host_at = ?, host_reason = ? WHERE id = ?",
                     (agent_id, by, iso(now), reason, huddle.id))
    return get_huddle(conn, team, day)


# ---- agenda ---------------------------------------------------------------------------------------------


def _line(value: object, what: str, *, allow_empty: bool = False, limit: int = MAX_LINE) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"{what} must be text.")
    value = value.strip()
    if (not value and not allow_empty) or len(value) > limit:
        raise InvalidInput(f"{what} needs text, at most {limit} characters." if not allow_empty
                           else f"{what} is at most {limit} characters.")
    return value


def _points(points: list[str]) -> list[str]:
    if len(points) > MAX_POINTS:
        raise InvalidInput(f"a huddle has at most {MAX_POINTS} key business points, not {len(points)}.")
    return [_line(p, f"key point {k}") for k, p in enumerate(points, 1)]


def _cases(cases: list[HardCase]) -> list[HardCase]:
    if len(cases) > MAX_CASES:
        raise InvalidInput(f"a huddle has at most {MAX_CASES} hard cases, not {len(cases)}.")
    checked = []
    for k, case in enumerate(cases, 1):
        title = _line(case.title, f"hard case {k}'s title")
        steps = [s.strip() for s in case.steps if s.strip()]
        if not steps or len(steps) > MAX_STEPS:
            raise InvalidInput(f"hard case {k} ({title}) needs its handling steps: from 1 to {MAX_STEPS}.")
        checked.append(HardCase(title, [_line(s, f"a step of hard case {k}") for s in steps]))
    return checked


def save_agenda(conn: apsw.Connection, team: str, day: str, by: str, now: float, *, points: list[str] | None = None,
                hard_cases: list[HardCase] | None = None, opener: str | None = None,
                notes: str | None = None) -> Huddle:
    """Change the draft's agenda and notes (what is None stays as it was)."""
    huddle = _draft(conn, team, day)
    changes = {}
    if points is not None:
        changes["points"] = msgspec.json.encode(_points(points)).decode()
    if hard_cases is not None:
        changes["hard_cases"] = msgspec.json.encode(_cases(hard_cases)).decode()
    if opener is not None:
        changes["opener"] = _line(opener, "the opener", allow_empty=True)
    if notes is not None:
        changes["notes"] = _line(notes, "the notes", allow_empty=True, limit=MAX_NOTES)
    if not changes:
        raise InvalidInput("nothing to change: give key points, hard cases, the opener or the notes.")
    sets = ", ".join(f"{column} = ?" for column in changes)
    with conn:
        conn.execute(f"UPDATE huddles SET {sets}, edited_by = ?, edited_at = ? WHERE id = ?",
                     (*changes.values(), by, iso(now), huddle.id))
    return get_huddle(conn, team, day)


# ---- attendance -----------------------------------------------------------------------------------------


def _first_sign_in(conn: apsw.Connection, agent_id: str, day: str) -> float | None:
    """The agent's first sign-in of the local day; the day's midnight when already signed in then."""
    start = local_day_start(day)
    end = local_day_start((date.fromisoformat(day) + timedelta(days=1)).isoformat())
    before = conn.execute(
        "SELECT kind FROM events WHERE agent_id = ? AND at < ? AND kind GLOB 'agent_*'"
        " AND kind NOT IN ('agent_phone_reachable', 'agent_phone_unreachable', 'agent_seat_changed')"
        " ORDER BY at DESC LIMIT 1", (agent_id, iso(start))).fetchone()
    if before is not None and before[0] != "agent_logged_out":
        return start
    row = conn.execute(
        "SELECT min(at) FROM events WHERE agent_id = ? AND at >= ? AND at < ? AND kind GLOB 'agent_*'"
        " AND json_extract(details, '$.previous') = 'logged_out'", (agent_id, iso(start), iso(end))).fetchone()
    return None if row[0] is None else parse_iso(row[0])


def _attendance(conn: apsw.Connection, huddle_id: int, names: dict[str, str]) -> list[AttendanceEntry]:
    rows = conn.execute("SELECT agent_id, computed_status, computed_late, signed_in_at, status, late_minutes,"
                        " corrected_by, corrected_at, reason FROM huddle_attendance WHERE huddle_id = ? ORDER BY agent_id",
                        (huddle_id,))
    return [AttendanceEntry(a, names.get(a, a), status or cs, late if status else cl, cs, cl, signed, by, at, reason)
            for a, cs, cl, signed, status, late, by, at, reason in rows]


def take_attendance(conn: apsw.Connection, team: str, day: str, now: float) -> Huddle:
    """Judge every attendee from their first sign-in of the day and store it; corrections stay."""
    huddle = get_huddle(conn, team, day)
    if huddle.starts is None:
        raise InvalidInput(f"nobody is rostered for {team}'s huddle of {huddle.day}: there is no attendance to take.")
    start = _at(huddle.day, huddle.starts)
    if now < start:
        raise InvalidInput(f"{team}'s huddle of {huddle.day} starts at {huddle.starts}: take attendance once it has started.")
    attending = {a.agent_id for a in huddle.attendees}
    with conn:
        for agent_id in sorted(attending):
            signed = _first_sign_in(conn, agent_id, huddle.day)
            verdict = judge(start, signed, now)
            conn.execute(
                "INSERT INTO huddle_attendance (huddle_id, agent_id, computed_status, computed_late, signed_in_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (huddle_id, agent_id) DO UPDATE SET"
                " computed_status = excluded.computed_status, computed_late = excluded.computed_late,"
                " signed_in_at = excluded.signed_in_at",
                (huddle.id, agent_id, verdict.status, verdict.late_minutes, None if signed is None else iso(signed)))
        # Someone the roster no longer has at the huddle leaves the list, unless corrected by hand.
        for (agent_id,) in conn.execute("SELECT agent_id FROM huddle_attendance WHERE huddle_id = ? AND status IS NULL",
                                        (huddle.id,)).fetchall():
            if agent_id not in attending:
                conn.execute("DELETE FROM huddle_attendance WHERE huddle_id = ? AND agent_id = ?", (huddle.id, agent_id))
    return get_huddle(conn, team, day)


def correct_attendance(conn: apsw.Connection, team: str, day: str, agent_id: str, status: str,
                       late_minutes: int | None, reason: str, by: str, now: float) -> Huddle:
    """The team leader's correction of one entry, kept with who made it, when and why."""
    huddle = get_huddle(conn, team, day)
    if agent_id not in {e.agent_id for e in huddle.attendance}:
        raise NotFound(f"agent {agent_id!r} has no attendance entry for {team}'s huddle of {huddle.day}: "
                       "take attendance first ('branchline huddle attendance').")
    if status not in STATUSES:
        raise InvalidInput(f"attendance {status!r} is not one of {', '.join(STATUSES)}.")
    if status == "late":
        if isinstance(late_minutes, bool) or not isinstance(late_minutes, int) \
                or not 1 <= late_minutes < ABSENT_MINUTES:
            raise InvalidInput(f"late needs the minutes late, a whole number from 1 to {ABSENT_MINUTES - 1} "
                               f"({ABSENT_MINUTES} or more is an absence).")
    else:
        late_minutes = 0
    reason = _line(reason, "the reason for the correction", limit=MAX_REASON)
    with conn:
        conn.execute("UPDATE huddle_attendance SET status = ?, late_minutes = ?, corrected_by = ?, corrected_at = ?,"
                     " reason = ? WHERE huddle_id = ? AND agent_id = ?",
                     (status, late_minutes, by, iso(now), reason, huddle.id, agent_id))
    return get_huddle(conn, team, day)


# ---- publishing -----------------------------------------------------------------------------------------


def notice_text(huddle: Huddle, names: dict[str, str]) -> str:
    """The notes as the members' desktops show them: plain text, its headings in both languages
    (a notice is one text for every member, whatever language their desktop shows)."""
    host = names.get(huddle.host, huddle.host) if huddle.host else "—"
    lines = [f"Huddle notes / 班前会记录 — {huddle.team}, {huddle.day} (host / 主持: {host})"]
    if huddle.opener:
        lines.append(f"Opener / 开场: {huddle.opener}")
    if huddle.points:
        lines.append("Key points / 业务要点:")
        lines.extend(f"- {p}" for p in huddle.points)
    if huddle.hard_cases:
        lines.append("Hard cases / 疑难案例:")
        for k, case in enumerate(huddle.hard_cases, 1):
            lines.append(f"{k}. {case.title}: " + "; ".join(f"({n}) {s}" for n, s in enumerate(case.steps, 1)))
    if huddle.notes:
        lines.append(f"Notes / 记录: {huddle.notes}")
    return "\n".join(lines)


def publish(conn: apsw.Connection, team: str, day: str, by: str, now: float) -> Huddle:
    """Publish the notes to every member's desktop as a notice to acknowledge; they are final then.
    The caller pushes the desktops (services.notify())."""
    huddle = _draft(conn, team, day)
    if not (huddle.points or huddle.hard_cases or huddle.notes):
        raise InvalidInput(f"{team}'s huddle of {huddle.day} has no key points, hard cases or notes yet: "
                           "write the agenda first.")
    text = notice_text(huddle, dict(conn.execute("SELECT id, name FROM agents")))
    if len(text) > MAX_NOTICE:
        raise InvalidInput(f"the notes come to {len(text)} characters and a notice holds {MAX_NOTICE}: shorten them.")
    with conn:
        notice_id = add_notice(conn, team, by, text, now)
        conn.execute("UPDATE huddles SET published_by = ?, published_at = ?, notice_id = ? WHERE id = ?",
                     (by, iso(now), notice_id, huddle.id))
    return get_huddle(conn, team, day)


def _acknowledgements(conn: apsw.Connection, team: str, notice_id: int | None) -> list[Acknowledgement]:
    """Every member's user and when they acknowledged the notes (None: not yet)."""
    if notice_id is None:
        return []
    return [Acknowledgement(*row) for row in conn.execute(
        "SELECT u.username, a.id, a.name, k.at FROM users u JOIN agents a ON a.id = u.agent_id"
        " LEFT JOIN notice_acks k ON k.notice_id = ? AND k.username = u.username"
        " WHERE a.team = ? AND u.disabled_at IS NULL ORDER BY k.at IS NOT NULL, a.id", (notice_id, team))]


# ---- debrief --------------------------------------------------------------------------------------------


def save_debrief(conn: apsw.Connection, team: str, day: str, by: str, now: float, *, good_calls: str = "",
                 praise: str = "", light: str = "") -> Huddle:
    """The optional post-shift debrief's short notes: good calls heard, praise received, lighter talk."""
    huddle = get_huddle(conn, team, day)
    parts = [_line(v, what, allow_empty=True) for v, what in
             ((good_calls, "good calls heard"), (praise, "praise received"), (light, "lighter talk"))]
    if not any(parts):
        raise InvalidInput("a debrief needs at least one of good calls heard, praise received or lighter talk.")
    with conn:
        conn.execute("UPDATE huddles SET debrief_good = ?, debrief_praise = ?, debrief_light = ?, debrief_by = ?,"
                     " debrief_at = ? WHERE id = ?", (*parts, by, iso(now), huddle.id))
    return get_huddle(conn, team, day)
