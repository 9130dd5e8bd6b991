"""KPIs per agent per day (docs/teams.md, "KPIs per agent per day"): the catalogue and the one
implementation of every formula. Pure: plain values in (state spans, call ends, shifts, scores),
raw sums per agent and local day out; `appliance/teamwork/kpi_source.py` reads them from the store.

The raw sums (`AgentDay`) and what each KPI divides:

- state seconds: each state span (the event log's `previous` state with its `duration`, ending
  at the event) split at local midnight; signed in = every state but logged out; on call
  includes holding.
- calls per hour = handled ÷ (signed-in seconds ÷ 3600); handled = conversations that ended
  that day (`call_completed`, or `call_transferred` by the agent).
- average talk = (talk − hold) ÷ handled: talk from the call's end event, hold from its
  `call_resumed` events, both counted on the day the call ended.
- average handle = (on-call + wrap-up seconds) ÷ handled.
- FCR = wrap-ups marked FCR ÷ wrap-ups; satisfaction = survey score sum ÷ surveys;
  quality = evaluation score sum ÷ evaluations (by the recording's start); complaints = count.
- utilisation = (on-call + wrap-up seconds) ÷ paid seconds; paid = the day's part of rostered
  shifts (breaks included) when the day has one, else the day's signed-in seconds.
- adherence = adherent seconds ÷ scheduled seconds. Scheduled = the day's part of its shifts;
  adherent = seconds within a shift spent working (ready, ringing, on call, wrap-up) plus
  break seconds (a pause with reason in `BREAK_REASONS`) up to the shift's allowance, the
  allowance used up in time order.
- break overtime = break seconds within a shift beyond its allowance, on the day they happen.
  Without a scheduled second that day there is nothing to measure against: None.
- Per shift, on the day it starts: lateness = whole minutes from the shift's start to the first
  moment the agent is signed in within [start − 2 h, end) (0 if already signed in at the start);
  `ABSENT_MINUTES` or more, or not signed in at all in that window, is an absence (and then no
  lateness is counted). Owed = shift seconds not signed in; made up = signed-in seconds after
  the shift's end, up to the end of that local day (or the agent's next shift), at most owed.
- A ratio with nothing to divide by is None. Roll-ups add the raw sums and divide once.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import Literal

import msgspec

__all__ = (
    "ABSENT_MINUTES",
    "BREAK_REASONS",
    "KPIS",
    "KPI_IDS",
    "LATE_WINDOW_S",
    "STATES",
    "WORKING_STATES",
    "AgentDay",
    "AgentHistory",
    "Calendar",
    "CallEnd",
    "Kpi",
    "ShiftTimes",
    "ShiftTally",
    "StateSpan",
    "kpi",
    "roll_up",
    "shift_tally",
    "split_at",
    "tally",
)

STATES = ("ready", "not_ready", "ringing", "on_call", "wrapup")  # the signed-in states
WORKING_STATES = frozenset(("ready", "ringing", "on_call", "wrapup"))
BREAK_REASONS = frozenset(("break", "meal"))  # pauses the shift's break allowance covers
LATE_WINDOW_S = 2 * 3600.0  # a sign-in this long before the start counts for the shift
ABSENT_MINUTES = 30

Better = Literal["higher", "lower"]


class Kpi(msgspec.Struct, frozen=True):
    id: str
    name: str
    name_zh: str
    better: Better
    unit: Literal["per_hour", "seconds", "ratio", "score", "count"]


KPIS: tuple[Kpi, ...] = (
    Kpi("calls_per_hour", "Calls handled per hour signed in", "时CALL（每小时接听量）", "higher", "per_hour"),
    Kpi("avg_talk_s", "Average talk time", "通话均长", "lower", "seconds"),
    Kpi("aht_s", "Average handle time", "平均处理时长", "lower", "seconds"),
    Kpi("fcr_rate", "First-contact resolution", "首问解决率", "higher", "ratio"),
    Kpi("satisfaction", "Satisfaction", "满意度", "higher", "score"),
    Kpi("utilisation", "Utilisation", "工时利用率", "higher", "ratio"),
    Kpi("adherence", "Adherence", "遵时率", "higher", "ratio"),
    Kpi("break_overtime_s", "Break overtime", "休息超时", "lower", "seconds"),
    Kpi("quality_score", "Quality score", "质检成绩", "higher", "score"),
    Kpi("complaints", "Complaints", "投诉", "lower", "count"),
)
KPI_IDS = tuple(k.id for k in KPIS)
_BY_ID = {k.id: k for k in KPIS}


def kpi(kpi_id: str) -> Kpi:
    """The catalogue entry for `kpi_id`; ValueError names the valid ids."""
    try:
        return _BY_ID[kpi_id]
    except KeyError:
        raise ValueError(f"{kpi_id!r} is not a KPI: use one of {', '.join(KPI_IDS)}.") from None


# ---- inputs: plain values -------------------------------------------------------------------------


class StateSpan(msgspec.Struct, frozen=True):
    """A state the agent was in, ending at `ended` after `length` seconds (as one agent event
    reports it: its `previous` state, `previous_reason` and `duration`)."""

    status: str
    ended: float
    length: float
    reason: str | None = None


class CallEnd(msgspec.Struct, frozen=True):
    """A conversation the agent ended or passed on at `ended`: its talk and the time on hold in it."""

    ended: float
    talk: float = 0.0
    hold: float = 0.0


class ShiftTimes(msgspec.Struct, frozen=True):
    """A rostered shift (swaps applied) as epoch seconds; `day` is the local day it starts."""

    day: str
    start: float
    end: float
    break_s: float = 0.0
    closes: float | None = None  # local midnight after `end`: hours owed are made up before it


class Calendar(msgspec.Struct, frozen=True):
    """Consecutive local days and their starts: `starts[i]` is day i's midnight, `starts[-1]`
    the midnight after the last day (so len(starts) == len(days) + 1)."""

    days: tuple[str, ...]
    starts: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.starts) != len(self.days) + 1:
            raise ValueError("a calendar needs one start per day and the end of the last day.")

    def index(self, moment: float) -> int | None:
        """The day `moment` falls on, or None outside the calendar."""
        i = bisect_right(self.starts, moment) - 1
        return i if 0 <= i < len(self.days) else None


class AgentHistory(msgspec.Struct):
    """Everything about one agent the KPIs of a period are made from. Times are epoch seconds.

    `spans` in time order; `wrapups` (at, fcr); `surveys` (at, score 1-5); `evaluations`
    (recording start, score 0-100); `complaints` (received at); `shifts` in start order,
    including any that started the day before the calendar (a night shift reaching into it).
    """

    agent_id: str
    spans: list[StateSpan] = []
    calls: list[CallEnd] = []
    wrapups: list[tuple[float, bool]] = []
    surveys: list[tuple[float, int]] = []
    evaluations: list[tuple[float, float]] = []
    complaints: list[float] = []
    shifts: list[ShiftTimes] = []


# ---- output: raw sums -----------------------------------------------------------------------------


class AgentDay(msgspec.Struct):
    """Raw sums for one agent and local day (or, from `roll_up`, any set of them)."""

    agent_id: str | None = None
    day: str | None = None
    signed_in_s: float = 0.0
    ready_s: float = 0.0
    not_ready_s: float = 0.0
    ringing_s: float = 0.0
    on_call_s: float = 0.0
    wrapup_s: float = 0.0
    handled: int = 0
    talk_s: float = 0.0
    hold_s: float = 0.0
    wrapups: int = 0
    fcr: int = 0  # wrap-ups marked first-contact resolved
    survey_sum: int = 0
    survey_count: int = 0
    paid_s: float = 0.0
    scheduled_s: float = 0.0
    adherent_s: float = 0.0
    break_s: float = 0.0  # break pauses within shifts
    break_allowed_s: float = 0.0  # allowance of the shifts starting that day
    break_over_s: float = 0.0  # break seconds beyond the allowance
    shifts: int = 0  # shifts starting that day (judged so far)
    late_minutes: int = 0
    absent: int = 0  # shifts missed: 30+ minutes late or never signed in
    owed_s: float = 0.0
    made_up_s: float = 0.0
    quality_sum: float = 0.0
    quality_count: int = 0
    complaints: int = 0

    @property
    def handling_s(self) -> float:
        return self.on_call_s + self.wrapup_s

    def state_seconds(self) -> dict[str, float]:
        return {state: getattr(self, f"{state}_s") for state in STATES}

    def value(self, kpi_id: str) -> float | None:
        """The KPI from these sums (docs/teams.md); None when there is nothing to divide by."""
        match kpi(kpi_id).id:
            case "calls_per_hour":
                return _ratio(self.handled, self.signed_in_s / 3600)
            case "avg_talk_s":
                return _ratio(self.talk_s - self.hold_s, self.handled)
            case "aht_s":
                return _ratio(self.handling_s, self.handled)
            case "fcr_rate":
                return _ratio(self.fcr, self.wrapups)
            case "satisfaction":
                return _ratio(self.survey_sum, self.survey_count)
            case "utilisation":
                return _ratio(self.handling_s, self.paid_s)
            case "adherence":
                return _ratio(self.adherent_s, self.scheduled_s)
            case "break_overtime_s":
                return self.break_over_s if self.scheduled_s > 0 else None
            case "quality_score":
                return _ratio(self.quality_sum, self.quality_count)
            case _:  # complaints
                return float(self.complaints)

    def values(self) -> dict[str, float | None]:
        return {kpi_id: self.value(kpi_id) for kpi_id in KPI_IDS}


_SUMMED = tuple(f for f in AgentDay.__struct_fields__ if f not in ("agent_id", "day"))


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole > 0 else None


def roll_up(days: Iterable[AgentDay], *, agent_id: str | None = None, day: str | None = None) -> AgentDay:
    """The sum of every raw figure: a squad's, a team's or a month's KPIs divide these once."""
    total = AgentDay(agent_id=agent_id, day=day)
    for one in days:
        for field in _SUMMED:
            setattr(total, field, getattr(total, field) + getattr(one, field))
    return total


# ---- the computation ------------------------------------------------------------------------------


def split_at(start: float, end: float, cuts: Sequence[float]) -> list[tuple[int, float, float]]:
    """[start, end) cut at the sorted `cuts`: (i, piece start, piece end) with cuts[i] <= piece start
    < cuts[i + 1] (i is -1 before the first cut, len(cuts) - 1 after the last)."""
    pieces = []
    i = bisect_right(cuts, start) - 1
    while start < end:
        cut = cuts[i + 1] if i + 1 < len(cuts) else end
        piece_end = min(end, cut)
        pieces.append((i, start, piece_end))
        start, i = piece_end, i + 1
    return pieces


class ShiftTally(msgspec.Struct):
    """One shift judged against the agent's state spans. Per-day figures are keyed by the
    calendar's day index (pieces outside the calendar are dropped)."""

    scheduled: dict[int, float]
    adherent: dict[int, float]
    breaks: dict[int, float]
    break_over: dict[int, float]
    judged: bool  # False: the shift has not started, or could still be joined without absence
    late_minutes: int = 0
    absent: bool = False
    owed_s: float = 0.0
    made_up_s: float = 0.0


def shift_tally(shift: ShiftTimes, spans: Sequence[tuple[float, float, str, str | None]], starts: Sequence[float],
                *, until: float, made_up_until: float) -> ShiftTally:
    """Adherence, breaks, lateness and hours owed for one shift.

    `spans`: (start, end, status, reason) in time order, none ending after `until` (nothing
    after it has happened yet); `starts`: the calendar's midnights; `made_up_until`: where the
    make-up window after the shift's end closes (that local day's end, or the agent's next shift).
    """
    tally = ShiftTally({}, {}, {}, {}, judged=False)
    end = shift.end if shift.end < until else until
    if end <= shift.start:
        return tally
    allowance = shift.break_s
    signed_in, made_up, first_in = 0.0, 0.0, None
    window, shift_start, shift_end = shift.start - LATE_WINDOW_S, shift.start, shift.end
    close = made_up_until if made_up_until < until else until
    limit = end if end > close else close
    days = len(starts) - 1
    first_day = bisect_right(starts, shift_start) - 1
    crosses_midnight = first_day + 1 < len(starts) and starts[first_day + 1] < end
    # Per day from first_day on (a shift covers one day, or two across midnight): adherent,
    # break and break-overtime seconds.
    adherent, breaks, over = [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]
    for s_start, s_end, status, reason in spans:
        if s_end <= window:
            continue
        if s_start >= limit:
            break
        if first_in is None and s_start < shift_end:
            first_in = s_start if s_start > window else window
        if s_end > shift_end:
            after = (s_end if s_end < made_up_until else made_up_until) - (s_start if s_start > shift_end else shift_end)
            if after > 0:
                made_up += after
        lo = s_start if s_start > shift_start else shift_start
        hi = s_end if s_end < end else end
        if lo >= hi:
            continue
        signed_in += hi - lo
        working = status in WORKING_STATES
        if not working and (status != "not_ready" or reason not in BREAK_REASONS):
            continue
        for i, p_start, p_end in split_at(lo, hi, starts) if crosses_midnight else ((first_day, lo, hi),):
            piece, k = p_end - p_start, i - first_day
            if working:
                adherent[k] += piece
                continue
            allowed = piece if piece < allowance else allowance
            allowance -= allowed
            adherent[k] += allowed
            breaks[k] += piece
            over[k] += piece - allowed
    for k in range(3):
        i = first_day + k
        if 0 <= i < days:  # pieces outside the calendar are dropped (their allowance was used)
            tally.adherent[i], tally.breaks[i], tally.break_over[i] = adherent[k], breaks[k], over[k]
    for i, p_start, p_end in split_at(shift_start, end, starts):
        if 0 <= i < days:
            tally.scheduled[i] = tally.scheduled.get(i, 0.0) + p_end - p_start
    late_s = None if first_in is None else max(0.0, first_in - shift.start)
    if late_s is None and until < shift.start + ABSENT_MINUTES * 60:
        return tally  # not signed in yet, but not absent yet either
    tally.judged = True
    minutes = None if late_s is None else int(late_s // 60)  # whole minutes: 29:59 late is 29
    tally.absent = minutes is None or minutes >= ABSENT_MINUTES
    tally.late_minutes = 0 if minutes is None or tally.absent else minutes
    tally.owed_s = max(0.0, (end - shift.start) - signed_in)
    tally.made_up_s = min(tally.owed_s, made_up)
    return tally


def tally(history: AgentHistory, calendar: Calendar, *, until: float | None = None) -> list[AgentDay]:
    """One agent's raw sums for each day of `calendar`; nothing after `until` is counted."""
    starts, n = calendar.starts, len(calendar.days)
    days = [AgentDay(agent_id=history.agent_id, day=d) for d in calendar.days]
    lo = starts[0]
    hi = starts[-1] if until is None else min(starts[-1], until)
    now = float("inf") if until is None else until
    seconds = [[0.0] * len(STATES) for _ in range(n)]
    column = {state: k for k, state in enumerate(STATES)}
    spans: list[tuple[float, float, str, str | None]] = []
    for span in history.spans:
        k = column.get(span.status)
        if k is None:
            continue
        s_end = span.ended if span.ended < now else now
        s_start = span.ended - span.length
        if s_end <= s_start:
            continue
        spans.append((s_start, s_end, span.status, span.reason))
        if s_start < lo:
            s_start = lo
        if s_end > hi:
            s_end = hi
        if s_start >= s_end:
            continue
        i = bisect_right(starts, s_start) - 1
        if s_end <= starts[i + 1]:  # within one day: most spans
            seconds[i][k] += s_end - s_start
            continue
        for i, p_start, p_end in split_at(s_start, s_end, starts):
            if 0 <= i < n:
                seconds[i][k] += p_end - p_start
    for day, row in zip(days, seconds, strict=True):
        day.ready_s, day.not_ready_s, day.ringing_s, day.on_call_s, day.wrapup_s = row
        day.signed_in_s = sum(row)

    def bucket(moments: Iterable[float]) -> Iterable[tuple[AgentDay, int]]:
        """(day, position) of each moment within [lo, hi); the day found last is tried first."""
        i, day_lo, day_hi = 0, starts[0], starts[1]
        for position, moment in enumerate(moments):
            if not day_lo <= moment < day_hi:
                if not lo <= moment < hi:
                    continue
                i = bisect_right(starts, moment) - 1
                day_lo, day_hi = starts[i], starts[i + 1]
            if moment < hi:
                yield days[i], position

    calls = history.calls
    for day, k in bucket(call.ended for call in calls):
        day.handled += 1
        day.talk_s += calls[k].talk
        day.hold_s += calls[k].hold
    for day, k in bucket(at for at, _ in history.wrapups):
        day.wrapups += 1
        day.fcr += bool(history.wrapups[k][1])
    for day, k in bucket(at for at, _ in history.surveys):
        day.survey_sum += history.surveys[k][1]
        day.survey_count += 1
    for day, k in bucket(at for at, _ in history.evaluations):
        day.quality_sum += history.evaluations[k][1]
        day.quality_count += 1
    for day, _ in bucket(history.complaints):
        day.complaints += 1
    _add_shifts(days, history.shifts, spans, calendar, now)
    for day in days:
        day.paid_s = day.scheduled_s if day.scheduled_s > 0 else day.signed_in_s
    return days


def _add_shifts(days: list[AgentDay], shifts: list[ShiftTimes], spans: list[tuple[float, float, str, str | None]],
                calendar: Calendar, until: float) -> None:
    starts = calendar.starts
    ends = [s[1] for s in spans]
    for k, shift in enumerate(shifts):
        next_start = shifts[k + 1].start if k + 1 < len(shifts) else float("inf")
        midnight = shift.closes if shift.closes is not None else _next_midnight(shift.end, starts)
        first = bisect_right(ends, shift.start - LATE_WINDOW_S)  # spans ending later may matter
        one = shift_tally(shift, spans[first:], starts, until=until, made_up_until=min(midnight, next_start))
        for i, value in one.scheduled.items():
            days[i].scheduled_s += value
        for i, value in one.adherent.items():
            days[i].adherent_s += value
        for i, value in one.breaks.items():
            days[i].break_s += value
        for i, value in one.break_over.items():
            days[i].break_over_s += value
        i = calendar.index(shift.start)
        if i is None or calendar.days[i] != shift.day:
            continue  # a shift of a day outside the calendar: only its pieces inside count
        day = days[i]
        day.break_allowed_s += shift.break_s
        if one.judged:
            day.shifts += 1
            day.late_minutes += one.late_minutes
            day.absent += one.absent
            day.owed_s += one.owed_s
            day.made_up_s += one.made_up_s


def _next_midnight(moment: float, starts: Sequence[float]) -> float:
    """The first calendar midnight after `moment`; beyond the calendar, no limit (give
    `ShiftTimes.closes` for shifts ending there)."""
    i = bisect_right(starts, moment)
    return starts[i] if i < len(starts) else float("inf")
