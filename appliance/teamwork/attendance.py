"""Huddle attendance from sign-in times, and the monthly meeting's notice period (docs/teams.md,
"Huddles and meetings"). Pure: times in, a verdict out.

Attendance follows the KPI lateness rule (appliance/teamwork/kpi.py): whole minutes late from the
huddle's start to the first sign-in of that local day (29:59 is 29); 0 is present; from
`ABSENT_MINUTES` on, or with no sign-in at all, absent (and no late minutes are counted). Until
`ABSENT_MINUTES` have passed without a sign-in, the verdict is still pending.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import msgspec

from appliance.teamwork.kpi import ABSENT_MINUTES

__all__ = ("STATUSES", "Attendance", "earliest_meeting_day", "judge", "working_days_after")

STATUSES = ("present", "late", "absent")  # what a team leader may correct an entry to
_WORKING_WEEKDAYS = range(5)  # Monday to Friday


class Attendance(msgspec.Struct, frozen=True):
    status: str  # "present", "late", "absent" or "pending"
    late_minutes: int  # 0 unless late


def judge(huddle_start: float, first_sign_in: float | None, now: float) -> Attendance:
    """The verdict for one member: `first_sign_in` is their first sign-in of the day (the day's
    midnight when already signed in then), None when they have not signed in (yet)."""
    if first_sign_in is None or first_sign_in > now:
        over = now >= huddle_start + ABSENT_MINUTES * 60
        return Attendance("absent" if over else "pending", 0)
    late = max(0, math.floor((first_sign_in - huddle_start) / 60))
    if late >= ABSENT_MINUTES:
        return Attendance("absent", 0)
    return Attendance("late" if late else "present", late)


def working_days_after(first: date, last: date) -> int:
    """Working days (Monday to Friday) after `first`, up to and including `last`."""
    return sum((first + timedelta(days=k)).weekday() in _WORKING_WEEKDAYS for k in range(1, (last - first).days + 1))


def earliest_meeting_day(announced: date, notice_days: int) -> date:
    """The first day a meeting announced on `announced` may be held: `notice_days` working days
    after it (announced on a Friday with 2 days' notice: the Tuesday)."""
    day = announced
    while working_days_after(announced, day) < notice_days:
        day += timedelta(days=1)
    return day
