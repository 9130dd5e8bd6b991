"""The calendar rules of coaching and training (docs/teams.md, "Coaching and development"). Pure:
the callers read the store and pass the talks and the day in.

- The weekly rule: each team leader holds one-on-one talks with at least `per_week` (2) agents
  every ISO week, Monday to Sunday local; two talks with the same agent count as one agent.
- A reminder is due from ISO weekday `remind_from` (4, Thursday) on while still short.
- A training request made on or before the 25th goes into next month's plan, later ones into
  the month after.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

import msgspec

__all__ = (
    "PER_WEEK",
    "PLAN_CUTOFF_DAY",
    "REMIND_FROM",
    "WeekStatus",
    "history",
    "iso_week",
    "least_recent",
    "plan_month",
    "reminder_due",
    "week_days",
    "week_status",
)

PER_WEEK = 2  # agents a team leader talks with each week
REMIND_FROM = 4  # ISO weekday (Thursday) from which a leader still short is reminded
PLAN_CUTOFF_DAY = 25  # requests up to this day of the month go into next month's plan

Talk = tuple[str, str]  # (local day YYYY-MM-DD, agent id)


class WeekStatus(msgspec.Struct, frozen=True):
    week: str  # ISO week, e.g. 2026-W48
    first_day: str  # its Monday
    last_day: str  # its Sunday
    agents: tuple[str, ...]  # agents talked with that week, by id
    talks: int  # talks held (two with one agent count once toward the rule)
    required: int
    short: int  # agents still needed (0: met)
    days_left: int  # days of the week from `today` on, today included (0 for a past week)
    met: bool


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_days(week: str) -> tuple[date, date]:
    """Monday and Sunday of an ISO week written like 2026-W48; ValueError if it is not one."""
    try:
        year, number = week.split("-W")
        monday = date.fromisocalendar(int(year), int(number), 1)
    except ValueError:
        raise ValueError(f"{week!r} is not an ISO week: write it like 2026-W48.") from None
    return monday, monday + timedelta(days=6)


def week_status(talks: Iterable[Talk], week: str, today: date, required: int = PER_WEEK) -> WeekStatus:
    """One leader's week: `talks` are all their talks (other weeks' are ignored)."""
    monday, sunday = week_days(week)
    first, last = monday.isoformat(), sunday.isoformat()
    held = [agent for day, agent in talks if first <= day <= last]
    agents = tuple(sorted(set(held)))
    if today > sunday:
        left = 0
    else:
        left = (sunday - max(today, monday)).days + 1
    short = max(0, required - len(agents))
    return WeekStatus(week, first, last, agents, len(held), required, short, left, short == 0)


def reminder_due(status: WeekStatus, today: date, remind_from: int = REMIND_FROM) -> bool:
    """Whether a leader with this week's `status` is reminded on `today` (a day of that week)."""
    monday, sunday = week_days(status.week)
    return not status.met and monday <= today <= sunday and today.isoweekday() >= remind_from


def history(talks: Iterable[Talk], since: date, today: date, required: int = PER_WEEK) -> list[WeekStatus]:
    """Every finished week from the one holding `since` to last week, newest first."""
    talks = list(talks)
    weeks = []
    monday = since - timedelta(days=since.isoweekday() - 1)
    this_monday = today - timedelta(days=today.isoweekday() - 1)
    while monday < this_monday:
        weeks.append(week_status(talks, iso_week(monday), today, required))
        monday += timedelta(days=7)
    return weeks[::-1]


def least_recent(members: Iterable[str], last_talk: Mapping[str, str]) -> list[tuple[str, str | None]]:
    """Members ordered by who was talked with least recently: never first (by id), then oldest day."""
    return sorted(((m, last_talk.get(m)) for m in members), key=lambda m: (m[1] is not None, m[1] or "", m[0]))


def plan_month(requested_on: date) -> str:
    """The month whose training plan takes a request made on `requested_on`."""
    ahead = 1 if requested_on.day <= PLAN_CUTOFF_DAY else 2
    month = requested_on.month - 1 + ahead
    return f"{requested_on.year + month // 12:04d}-{month % 12 + 1:02d}"
