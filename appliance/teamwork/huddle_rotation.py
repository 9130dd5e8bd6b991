"""Who hosts a team's pre-shift huddle (docs/teams.md, "Huddles and meetings"). Pure: the members,
the day's shifts and the previous turn go in; the turn and the host come out.

Hosting rotates among the team's members in a stable order (agent ids, sorted). A day's turn is
the next member after the previous day's turn who owes a huddle shift that day: one they work, or
one of theirs an approved swap gave to a colleague (the colleague inherits the day's duties, the
hosting included). A member off that day is skipped and keeps their place. A member who joins
takes their place in the order; one who leaves is dropped, and the rotation goes on after the
place they had. The team leader may name another host for a day; the turn stays as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import msgspec

__all__ = ("HuddleDay", "Turn", "host_of", "next_turn", "rotate", "rotation_order")


class HuddleDay(msgspec.Struct, frozen=True):
    """One day's huddle shifts: `workers` maps whose shift it is (the rostered agent) to who works
    it (themselves, or the colleague a swap gave it to)."""

    day: str
    workers: Mapping[str, str]
    manual_host: str | None = None  # named by the team leader for this day


class Turn(msgspec.Struct, frozen=True):
    day: str
    turn: str | None  # whose turn in the rotation it is (None: nobody owes a huddle shift)
    host: str | None  # who hosts: the turn's worker, or the team leader's choice
    reason: str  # "rotation", "swap" (the turn's shift is worked by a colleague), "manual" or "none"


def rotation_order(members: Iterable[str]) -> list[str]:
    """The stable order hosting goes round in."""
    return sorted(set(members))


def next_turn(order: Sequence[str], previous: str | None, owing: Iterable[str]) -> str | None:
    """The first member after `previous` (round the order, `previous` itself last) who owes a
    huddle shift. `previous` need not be a member any more: the order goes on after its place."""
    owes = set(owing)
    if not order:
        return None
    start = 0 if previous is None else next((k for k, m in enumerate(order) if m > previous), 0)
    for k in range(len(order)):
        member = order[(start + k) % len(order)]
        if member in owes:
            return member
    return None


def host_of(day: HuddleDay, turn: str | None) -> tuple[str | None, str]:
    """The day's host and why: a manual choice wins; else the turn's shift's worker."""
    if day.manual_host is not None:
        return day.manual_host, "manual"
    if turn is None:
        return None, "none"
    worker = day.workers.get(turn, turn)
    return worker, "rotation" if worker == turn else "swap"


def rotate(members: Iterable[str], previous: str | None, days: Sequence[HuddleDay]) -> list[Turn]:
    """Turns and hosts of consecutive huddle days, continuing after `previous` (the turn of the
    last day before them). Days where no member owes a huddle shift leave the rotation where it is."""
    order = rotation_order(members)
    turns: list[Turn] = []
    for day in days:
        turn = next_turn(order, previous, day.workers)
        host, reason = host_of(day, turn)
        turns.append(Turn(day.day, turn, host, reason))
        if turn is not None:
            previous = turn
    return turns
