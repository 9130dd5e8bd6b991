"""The small value languages inside a flow file: opening hours, dates, skills, `{templates}`,
and the card-number check digit.

Pure parse functions: each raises `ValueError` with a sentence that says what was wrong and how
to write it; the checker shows that sentence next to the node, the interpreter never sees a bad
value (flows are checked before they are stored).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = (
    "WEEKDAYS",
    "fill",
    "is_open",
    "luhn_ok",
    "parse_date",
    "parse_open_hours",
    "parse_skill",
    "template_names",
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # index = datetime.weekday()
MINUTES_PER_DAY = 24 * 60
SKILL_LEVELS = range(1, 11)

_TIME = re.compile(r"^(\d{2}):(\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SKILL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")  # as for skills in the branch config
_LEVEL = re.compile(r"^\d{1,2}$")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$")


# --------------------------------------------------------------------------------------------
# Opening hours
# --------------------------------------------------------------------------------------------


def parse_open_hours(spec: dict[str, str]) -> dict[int, list[tuple[int, int]]]:
    """{"mon": "09:00-12:00,13:00-17:00"} -> {0: [(540, 720), (780, 1020)]}: minutes of the day.

    A day left out (or given as "") is closed. "24:00" ends a range at midnight.
    """
    hours: dict[int, list[tuple[int, int]]] = {}
    for day, text in spec.items():
        if day not in WEEKDAYS:
            raise ValueError(f"{day!r} is not a day of the week: use {', '.join(WEEKDAYS)}.")
        parts = text.split(",") if text.strip() else []
        ranges = sorted(_parse_range(day, part) for part in parts)
        for (_, end), (start, _) in zip(ranges, ranges[1:]):
            if start < end:
                raise ValueError(
                    f"The opening hours of {day} overlap at {_clock(start)}: "
                    "list each time of day in one range only."
                )
        hours[WEEKDAYS.index(day)] = ranges
    return hours


def _parse_range(day: str, text: str) -> tuple[int, int]:
    start_text, sep, end_text = text.strip().partition("-")
    if not sep:
        raise ValueError(
            f"The opening hours {text.strip()!r} of {day} are not a range: write them as HH:MM-HH:MM, "
            "for example 09:00-17:00, with a comma between ranges."
        )
    start = _parse_time(day, start_text, is_end=False)
    end = _parse_time(day, end_text, is_end=True)
    if end <= start:
        raise ValueError(
            f"The opening hours {text.strip()!r} of {day} end before they start: "
            "a range ends later on the same day (24:00 at the latest)."
        )
    return start, end


def _parse_time(day: str, text: str, *, is_end: bool) -> int:
    match = _TIME.match(text.strip())
    if match:
        hour, minute = int(match[1]), int(match[2])
        if (hour < 24 and minute < 60) or (is_end and (hour, minute) == (24, 0)):
            return hour * 60 + minute
    raise ValueError(
        f"{text.strip()!r} in the opening hours of {day} is not a time of day: "
        "write HH:MM from 00:00 to 23:59 (24:00 may end a range)."
    )


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def is_open(hours: dict[int, list[tuple[int, int]]], holidays: frozenset[date], when: datetime) -> bool:
    """Open at `when`, a time already in the branch's zone? Holidays are closed all day."""
    if when.date() in holidays:
        return False
    minute = when.hour * 60 + when.minute
    return any(start <= minute < end for start, end in hours.get(when.weekday(), ()))


# --------------------------------------------------------------------------------------------
# Dates and skills
# --------------------------------------------------------------------------------------------


def parse_date(text: str) -> date:
    """A date written YYYY-MM-DD, as holidays are."""
    if _DATE.match(text.strip()):
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            pass
    raise ValueError(f"{text!r} is not a date: write it as YYYY-MM-DD, for example 2025-12-25.")


def parse_skill(text: str) -> tuple[str, int]:
    """A skill the answering agent needs: "cards:3" -> ("cards", 3); "cards" alone means level 1."""
    name, sep, level_text = text.strip().partition(":")
    name = name.strip()
    if not _SKILL_NAME.match(name):
        raise ValueError(
            f"Skill {text!r} is not valid: write it as NAME or NAME:LEVEL, for example cards:3, "
            "with a name of letters, digits, '-', '_' or '.'."
        )
    if not sep:
        return name, SKILL_LEVELS[0]
    level_text = level_text.strip()
    if not _LEVEL.match(level_text) or int(level_text) not in SKILL_LEVELS:
        raise ValueError(f"Skill {text!r} has level {level_text!r}: a level is a whole number from 1 to 10.")
    return name, int(level_text)


# --------------------------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------------------------


def template_names(text: str) -> list[str]:
    """The variable names in `text`'s {braces}, each once, in order. "{{" and "}}" are literal
    braces. Raises ValueError for a brace left open or a name that is not one."""
    names: list[str] = []
    for _literal, name in _pieces(text, strict=True):
        if name is not None and name not in names:
            names.append(name)
    return names


def fill(text: str, variables: Mapping[str, str]) -> str:
    """`text` with each {name} replaced by its variable; a name without a value becomes ""."""
    return "".join(literal if name is None else variables.get(name, "") for literal, name in _pieces(text))


def _pieces(text: str, *, strict: bool = False) -> list[tuple[str, str | None]]:
    """Split a template into (literal text, None) and ("", variable name) pieces.

    Not strict (filling at call time), a malformed {...} stays as it was written: the checker
    has turned such flows away already, and a call must not fail on one.
    """
    pieces: list[tuple[str, str | None]] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char in "{}" and text[i + 1 : i + 2] == char:
            pieces.append((char, None))  # "{{" or "}}"
            i += 2
            continue
        if char != "{":
            pieces.append((char, None))
            i += 1
            continue
        close = text.find("}", i + 1)
        name = text[i + 1 : close].strip() if close != -1 else ""
        if close != -1 and _VARIABLE.match(name):
            pieces.append(("", name))
            i = close + 1
            continue
        if strict:
            if close == -1:
                raise ValueError(
                    f"The template {text!r} opens a brace it does not close: write {{{{ for a literal brace."
                )
            raise ValueError(
                f"The template {text!r} has {text[i : close + 1]!r}, which is not a variable name: "
                "use letters, digits and '_' (dots between parts, as in {customer.name}), or {{ for a brace."
            )
        pieces.append((char, None))
        i += 1
    return pieces


# --------------------------------------------------------------------------------------------
# Card numbers
# --------------------------------------------------------------------------------------------


def luhn_ok(digits: str) -> bool:
    """Does the card number's last digit check the others (the Luhn, or mod 10, check)?"""
    if len(digits) < 2 or not all("0" <= d <= "9" for d in digits):
        return False
    total = 0
    for position, digit in enumerate(reversed(digits)):
        value = int(digit) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0
