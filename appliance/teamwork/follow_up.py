"""Evaluating the flags for a day, and the team notices for break overtime and low utilisation
(docs/teams.md, "Targets, flags, improvement plans"). The rules: appliance/teamwork/flags.py.

The server evaluates the previous day once a day, at its first tick after local 00:05
(`DailyFollowUp`); `branchline team flags --day` evaluates any finished day on demand. Evaluating
a day again changes nothing: flags are stored once per run and notices once per agent, KPI and month.
The same daily run makes the coaching weekly rule's reminders to team leaders still short
(appliance/store/coaching.py `remind_leaders`, docs/teams.md "Coaching and development").
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import apsw
import msgspec

from appliance.clock import now as wall_clock
from appliance.errors import InvalidInput
from appliance.store.coaching import remind_leaders
from appliance.store.notices import add_notice
from appliance.store.targets import agent_flags, agents_by_team, notice_posted, raise_flag, targets_of
from appliance.teamwork import flags as rules
from appliance.teamwork.kpi import KPIS
from appliance.teamwork.kpi_source import agent_days

__all__ = (
    "EVALUATE_AFTER",
    "LOOKBACK_DAYS",
    "NOTICE_AUTHOR",
    "DailyFollowUp",
    "Evaluation",
    "PostedNotice",
    "RaisedFlag",
    "due_day",
    "evaluate_day",
)

log = logging.getLogger(__name__)

EVALUATE_AFTER = time(0, 5)  # local time after which the previous day is evaluated
# Days read before the evaluated one: a run's earlier days (days without a value are skipped, so
# a run can span a holiday) and the whole month so far, for the twice-in-a-month notices.
LOOKBACK_DAYS = 31
NOTICE_AUTHOR = "branchline"  # the author the desktops show for the notices posted here
_BETTER = {k.id: k.better for k in KPIS}
_NOTICE_WORDS = {"break_overtime_s": "Break overtime", "utilisation": "Utilisation below target"}

Values = dict[str, dict[str, float | None]]  # kpi -> day -> value, for one agent


class RaisedFlag(msgspec.Struct, frozen=True):
    id: int
    agent_id: str
    kpi: str
    first_day: str
    last_day: str
    level: str


class PostedNotice(msgspec.Struct, frozen=True):
    id: int
    team: str
    agent_id: str
    kpi: str
    month: str
    days: tuple[str, ...]


class Evaluation(msgspec.Struct, frozen=True):
    day: str
    flags: tuple[RaisedFlag, ...]
    notices: tuple[PostedNotice, ...]


def evaluate_day(conn: apsw.Connection, day: str, now: float) -> Evaluation:
    """Raise the flags and post the notices that the KPIs up to `day` (a finished local day) call for."""
    last = _finished_day(day, now)
    values = _kpi_values(conn, (last - timedelta(days=LOOKBACK_DAYS)).isoformat(), day, now)
    raised: list[RaisedFlag] = []
    posted: list[PostedNotice] = []
    with conn:
        for agent_id, name, team in agents_by_team(conn):
            mine = values.get(agent_id, {})
            targets = targets_of(conn, team)
            raised += _raise_flags(conn, agent_id, mine, targets, now)
            if team is not None:
                posted += _post_notices(conn, agent_id, name, team, mine, targets, day[:7], now)
    return Evaluation(day, tuple(raised), tuple(posted))


def _finished_day(day: str, now: float) -> date:
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        raise InvalidInput(f"day {day!r} is not a date like 2026-11-03.") from None
    if parsed >= datetime.fromtimestamp(now).date():
        raise InvalidInput(f"{day} is not over yet: flags are evaluated for finished days (yesterday or earlier).")
    return parsed


def _kpi_values(conn: apsw.Connection, first_day: str, last_day: str, now: float) -> dict[str, Values]:
    """agent -> kpi -> day -> value, for the KPIs that can have a target."""
    found: dict[str, Values] = {}
    for one in agent_days(conn, first_day, last_day, until=now):
        per_kpi = found.setdefault(one.agent_id or "", {})
        for kpi_id in _BETTER:
            per_kpi.setdefault(kpi_id, {})[one.day or ""] = one.value(kpi_id)
    return found


def _raise_flags(conn: apsw.Connection, agent_id: str, values: Values, targets: dict[str, float],
                 now: float) -> list[RaisedFlag]:
    raised = []
    for kpi_id, target in targets.items():
        if kpi_id not in _BETTER:
            continue  # a target stored for a KPI the catalogue no longer has
        days = values.get(kpi_id, {})
        for flag in rules.new_flags(days, target, _BETTER[kpi_id], agent_flags(conn, agent_id, kpi_id)):
            flag_id = raise_flag(conn, agent_id, kpi_id, flag, now)
            if flag_id is not None:
                raised.append(RaisedFlag(flag_id, agent_id, kpi_id, flag.first_day, flag.last_day, flag.level))
    return raised


def _post_notices(conn: apsw.Connection, agent_id: str, name: str, team: str, values: Values,
                  targets: dict[str, float], month: str, now: float) -> list[PostedNotice]:
    posted = []
    for kpi_id in rules.NOTICE_KPIS:
        target = targets.get(kpi_id, rules.NOTICE_DEFAULT_TARGETS[kpi_id])
        if target is None:
            continue
        days = rules.repeated_in_month(values.get(kpi_id, {}), target, _BETTER[kpi_id], month)
        # The opening names the agent by id, not name, so a renamed agent is not announced twice.
        opening = f"{_NOTICE_WORDS[kpi_id]} in {month}: {agent_id} ("
        if not days or notice_posted(conn, team, NOTICE_AUTHOR, opening):
            continue
        text = f"{opening}{name}) on {len(days)} days, {', '.join(days)}. The team leader follows it up."
        notice_id = add_notice(conn, team, NOTICE_AUTHOR, text, now)
        posted.append(PostedNotice(notice_id, team, agent_id, kpi_id, month, tuple(days)))
    return posted


def _remind_coaching(conn: apsw.Connection, today: date, now: float) -> None:
    """The coaching weekly rule's reminders for `today` (the day after the evaluated one), in the
    same daily run; a failure is logged and does not stop the run (docs/teams.md, "Coaching and development")."""
    try:
        remind_leaders(conn, today, now)
    except Exception:  # noqa: BLE001 - the server goes on; the log says what failed
        log.exception("the coaching reminders for %s failed", today)


# ---- once a day, from the server's ticks --------------------------------------------------------------


def due_day(moment: datetime, done: str | None) -> str | None:
    """The day to evaluate at local time `moment`: the previous day once it is past 00:05, unless
    that day is `done` already."""
    if moment.time() < EVALUATE_AFTER:
        return None
    day = (moment.date() - timedelta(days=1)).isoformat()
    return None if day == done else day


class DailyFollowUp:
    """Evaluates the previous day once it is past local 00:05, once (a restart does it again,
    which changes nothing).

    NOTE: a month of KPIs takes up to a few seconds at a busy hotline's volume, so the server
    runs `run` on a worker thread with its own connection (`connect`): the switchboard's thread
    must never wait on it, and an apsw connection must not be shared across threads.
    """

    def __init__(self, connect: Callable[[], apsw.Connection], clock: Callable[[], float] = wall_clock) -> None:
        self._connect = connect
        self._clock = clock
        self._done: str | None = None

    def due(self) -> str | None:
        """The day to evaluate now, if any; it is then taken as done (a failure is not retried)."""
        day = due_day(datetime.fromtimestamp(self._clock()), self._done)
        if day is not None:
            self._done = day
        return day

    def run(self, day: str) -> Evaluation | None:
        conn = self._connect()
        try:
            return evaluate_day(conn, day, self._clock())
        except Exception:  # noqa: BLE001 - the server goes on; the log says what failed
            log.exception("evaluating the KPI flags for %s failed", day)
            return None
        finally:
            _remind_coaching(conn, date.fromisoformat(day) + timedelta(days=1), self._clock())
            conn.close()

    def tick(self) -> Evaluation | None:
        """`due` and `run` in one step, on the caller's thread (the CLI and tests)."""
        day = self.due()
        return self.run(day) if day is not None else None
