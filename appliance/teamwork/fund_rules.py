"""The team fund's arithmetic (docs/teams.md, "Recognition and team life"). Pure: amounts, the
statement with its running balance, the contributions due for a month, the CSV export.

Money is whole fen (1 yuan = 100 fen) everywhere: "10", "10.5" and "10.50" are 1000, 1050, 1050.
Every movement is an entry with a signed amount: contributions and penalties bring money in
(positive), spending takes it out (negative). Nothing is edited or deleted: a correction is a
new entry with the opposite amount that names the entry it reverses (each entry is reversed at
most once). The balance is the sum of every entry.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping

import msgspec

from appliance.errors import InvalidInput

__all__ = (
    "KINDS",
    "MAX_FEN",
    "Due",
    "Entry",
    "FundSettings",
    "Statement",
    "due_contributions",
    "format_fen",
    "parse_amount",
    "statement",
    "statement_csv",
)

KINDS = ("contribution", "penalty", "spending", "correction")
INCOMING = frozenset(("contribution", "penalty"))
MAX_FEN = 100_000_000  # one million yuan: more than any team fund moves at once
_AMOUNT = re.compile(r"(\d{1,7})(?:\.(\d{1,2}))?")


class FundSettings(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A team's monthly contributions in fen: each member's and each team leader's."""

    member_fen: int = 1000
    leader_fen: int = 5000

    def __post_init__(self) -> None:
        for name in ("member_fen", "leader_fen"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_FEN:
                raise InvalidInput(f"{name} must be whole fen from 0 to {MAX_FEN}, not {value!r}.")


class Entry(msgspec.Struct, frozen=True):
    """One movement. `member`: an agent id, or a team leader's username (their contributions);
    `amount_fen` as it moves the balance; `balance_fen`: the balance after it (in a statement)."""

    id: int
    team: str
    day: str
    kind: str
    amount_fen: int
    member: str | None = None
    rule: str | None = None  # a penalty's rule
    month: str | None = None  # the month a contribution is for
    description: str = ""
    receipt: str = ""  # spending: where the receipt is (number, who keeps it)
    recorded_by: str = ""
    recorded_at: str = ""
    reverses: int | None = None  # a correction: the entry it cancels
    reversed_by: int | None = None
    balance_fen: int = 0


class Statement(msgspec.Struct, frozen=True):
    team: str
    entries: tuple[Entry, ...]  # oldest first, each with the balance after it
    totals_fen: dict[str, int]  # kind -> sum of amounts
    balance_fen: int
    balance: str  # the balance in yuan, e.g. "123.50"


class Due(msgspec.Struct, frozen=True):
    member: str
    leader: bool
    amount_fen: int


def parse_amount(text: str | int | float, what: str = "amount") -> int:
    """Yuan as written ("10", "10.5", "10.50") to fen; InvalidInput unless positive, at most 2 decimals."""
    if isinstance(text, bool):
        raise InvalidInput(f"{what} {text!r} is not an amount: write yuan like 10 or 12.50.")
    written = str(text).strip()
    found = _AMOUNT.fullmatch(written)
    if found is None:
        raise InvalidInput(f"{what} {written!r} is not an amount: write yuan like 10 or 12.50 (two decimals at most).")
    fen = int(found[1]) * 100 + int((found[2] or "0").ljust(2, "0"))
    if not 0 < fen <= MAX_FEN:
        raise InvalidInput(f"{what} must be more than 0 and at most {format_fen(MAX_FEN)} yuan, not {written}.")
    return fen


def format_fen(fen: int) -> str:
    """Fen as yuan with two decimals: -1050 → "-10.50"."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def statement(team: str, entries: Iterable[Entry]) -> Statement:
    """The entries oldest first with the running balance, totals per kind, and the balance."""
    rows, balance = [], 0
    totals = dict.fromkeys(KINDS, 0)
    for entry in sorted(entries, key=lambda e: e.id):
        balance += entry.amount_fen
        totals[entry.kind] += entry.amount_fen
        rows.append(msgspec.structs.replace(entry, balance_fen=balance))
    return Statement(team, tuple(rows), totals, balance, format_fen(balance))


def due_contributions(members: Iterable[str], leaders: Iterable[str], paid: Mapping[str, int],
                      settings: FundSettings) -> list[Due]:
    """The month's contributions not recorded yet: each member's and each team leader's, less
    what they have already paid for the month (`paid`: member -> fen). Nothing is due at 0."""
    due = []
    for member, leader in [*((m, False) for m in sorted(members)), *((u, True) for u in sorted(leaders))]:
        owed = (settings.leader_fen if leader else settings.member_fen) - paid.get(member, 0)
        if owed > 0:
            due.append(Due(member, leader, owed))
    return due


_CSV_COLUMNS = ("id", "day", "kind", "member", "amount", "balance", "rule", "month", "description", "receipt",
                "recorded_by", "recorded_at", "reverses")


def statement_csv(found: Statement) -> str:
    """The statement as CSV (UTF-8, one line per entry, amounts in yuan), for a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_CSV_COLUMNS)
    for e in found.entries:
        writer.writerow((e.id, e.day, e.kind, e.member or "", format_fen(e.amount_fen), format_fen(e.balance_fen),
                         e.rule or "", e.month or "", e.description, e.receipt, e.recorded_by, e.recorded_at,
                         e.reverses or ""))
    return out.getvalue()
