"""When a KPI raises a flag or a team notice (docs/teams.md, "Targets, flags, improvement plans").

Pure rules over plain inputs: a KPI's values by local day (`{"2026-11-03": 0.97, ...}`, None when
the day has nothing to divide by), its target, and which way is better ("higher" or "lower").
The store keeps targets and flags (`appliance/store/targets.py`); `appliance/teamwork/follow_up.py`
reads the values, applies these rules and stores what they decide.

The rules:

- **Off target.** A value is on the wrong side of its target when it is below it and higher is
  better, or above it and lower is better. Equal to the target is on target. A day without a
  value (None, or no entry) is never off target.
- **Runs.** Three days with a value, in a row, all off target, make a run. Days without a value
  are skipped: they neither count nor break a run (Friday, then Monday and Tuesday after a
  weekend off, is a run). A day with a value on target breaks it. Month ends do not break it.
  After a run is complete, counting starts again on the next day with a value: six such days in a
  row are two runs, five are one run and two days towards the next.
- **Counting starts after the newest flag.** Days up to the last day of the agent's newest flag
  for that KPI belong to flags already raised; only later days make new runs, so evaluating the
  same days again never raises a flag twice.
- **Escalation.** A run raises a **warning**, unless a warning for that KPI stands: then it raises
  a **plan** flag, for which the agent writes an improvement plan. A warning stands from its run
  until `WARNING_STANDS_DAYS` days after its last day (a run whose last day falls in that time
  escalates). A plan flag does not extend the warning: once the warning lapses, the next run is
  a new warning.
- **Twice in a month.** Break overtime (above its target, which is 0 seconds unless the team set
  one) or utilisation below target on `TIMES_IN_MONTH` or more days of one calendar month is
  announced to the team. Each calendar month counts on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Literal

import msgspec

__all__ = (
    "HIGHER",
    "LOWER",
    "NOTICE_DEFAULT_TARGETS",
    "NOTICE_KPIS",
    "RUN_DAYS",
    "TIMES_IN_MONTH",
    "WARNING_STANDS_DAYS",
    "Better",
    "Flag",
    "Level",
    "Run",
    "days_off_target_in_month",
    "new_flags",
    "off_target",
    "off_target_runs",
    "repeated_in_month",
)

Better = Literal["higher", "lower"]
Level = Literal["warning", "plan"]
HIGHER: Better = "higher"
LOWER: Better = "lower"

RUN_DAYS = 3  # days with a value, in a row, off target
WARNING_STANDS_DAYS = 30  # after its run's last day, a further run escalates to a plan
TIMES_IN_MONTH = 2  # days in one month that make a team notice
# The KPIs announced in the team when off target on TIMES_IN_MONTH days of a month, and the target
# each is judged against when the team has set none (None: no notice without a team target).
NOTICE_KPIS = ("break_overtime_s", "utilisation")
NOTICE_DEFAULT_TARGETS: dict[str, float | None] = {"break_overtime_s": 0.0, "utilisation": None}


class Run(msgspec.Struct, frozen=True):
    """Three days with a value in a row, all off target (days without a value between them skipped)."""

    first_day: str
    last_day: str
    days: tuple[str, ...]


class Flag(msgspec.Struct, frozen=True):
    """A flag as the rules see it: one run of one KPI, and its level."""

    first_day: str
    last_day: str
    level: Level


def off_target(value: float | None, target: float, better: Better) -> bool:
    """Whether a day's value is on the wrong side of the target (equal is on target; None never is off)."""
    if better not in (HIGHER, LOWER):
        raise ValueError(f"better must be 'higher' or 'lower', not {better!r}.")
    if value is None:
        return False
    return value < target if better == HIGHER else value > target


def off_target_runs(values: Mapping[str, float | None], target: float, better: Better, *,
                    after: str | None = None) -> list[Run]:
    """The complete runs, oldest first, among the days later than `after` (all days when None)."""
    runs: list[Run] = []
    streak: list[str] = []
    for day in sorted(values):
        value = values[day]
        if (after is not None and day <= after) or value is None:
            continue
        if not off_target(value, target, better):
            streak = []
            continue
        streak.append(day)
        if len(streak) == RUN_DAYS:
            runs.append(Run(streak[0], streak[-1], tuple(streak)))
            streak = []
    return runs


def new_flags(values: Mapping[str, float | None], target: float, better: Better,
              existing: Iterable[Flag] = ()) -> list[Flag]:
    """The flags these values raise for one agent and KPI, given the flags already raised for them.

    Only runs after the newest existing flag count; each is a warning, or a plan while a warning
    (an existing one, or one raised earlier in this same call) stands.
    """
    existing = list(existing)
    after = max((f.last_day for f in existing), default=None)
    warnings = [f.last_day for f in existing if f.level == "warning"]
    raised: list[Flag] = []
    for run in off_target_runs(values, target, better, after=after):
        level: Level = "plan" if any(_stands(w, run.last_day) for w in warnings) else "warning"
        if level == "warning":
            warnings.append(run.last_day)
        raised.append(Flag(run.first_day, run.last_day, level))
    return raised


def _stands(warning_last_day: str, day: str) -> bool:
    """Whether a warning whose run ended on `warning_last_day` still stands on `day`."""
    elapsed = (date.fromisoformat(day) - date.fromisoformat(warning_last_day)).days
    return 0 <= elapsed <= WARNING_STANDS_DAYS


def days_off_target_in_month(values: Mapping[str, float | None], target: float, better: Better,
                             month: str) -> list[str]:
    """The days of `month` (YYYY-MM) whose value is off target, in order."""
    return [day for day in sorted(values) if day[:7] == month and off_target(values[day], target, better)]


def repeated_in_month(values: Mapping[str, float | None], target: float, better: Better, month: str) -> list[str]:
    """The off-target days of `month` when there are TIMES_IN_MONTH or more of them, else none."""
    days = days_off_target_in_month(values, target, better, month)
    return days if len(days) >= TIMES_IN_MONTH else []
