"""The team fund (班组基金, docs/teams.md "Recognition and team life"): contributions, penalties by the
team's own rules, spending with a receipt note, the statement every member sees. The arithmetic
(amounts in fen, the running balance, what a month's collection asks for) is
appliance/teamwork/fund_rules.py.

Entries are only ever added: the migration's triggers refuse updates and deletes, and a mistake is
put right with a correction that reverses the entry (each entry at most once). Who may record is
decided at the edge (the team leader or the team's fund keeper); the store keeps who did.
"""

from __future__ import annotations

import time

import apsw
import msgspec

from appliance.clock import iso
from appliance.errors import Conflict, InvalidInput, NotFound
from appliance.store.complaints import parse_month
from appliance.store.recognition import team_rules
from appliance.store.teams import require_team
from appliance.teamwork.fund_rules import (
    MAX_FEN,
    Entry,
    Statement,
    due_contributions,
    format_fen,
    statement,
)

__all__ = (
    "MAX_TEXT",
    "PenaltyRule",
    "add_contribution",
    "add_penalty",
    "add_spending",
    "collect_month",
    "fund_statement",
    "get_entry",
    "penalty_rules",
    "remove_penalty_rule",
    "reverse_entry",
    "set_penalty_rule",
    "team_leaders",
)

MAX_TEXT = 500
MAX_RULE = 64
_COLUMNS = ("id, team, day, kind, amount_fen, member, rule, month, description, receipt, recorded_by, recorded_at,"
            " reverses, (SELECT r.id FROM fund_entries r WHERE r.reverses = e.id)")


class PenaltyRule(msgspec.Struct, frozen=True):
    team: str
    name: str
    amount_fen: int
    amount: str  # yuan, e.g. "2.00"


def _local_day(now: float) -> str:
    return time.strftime("%Y-%m-%d", time.localtime(now))


def _text(value: str, what: str, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(f"{what} is required: say what it is in a few words.")
    if len(value) > MAX_TEXT:
        raise InvalidInput(f"{what} is too long: at most {MAX_TEXT} characters.")
    return value


def _amount(fen: int, what: str = "amount") -> int:
    if isinstance(fen, bool) or not isinstance(fen, int) or not 0 < fen <= MAX_FEN:
        raise InvalidInput(f"{what} must be more than 0 and at most {format_fen(MAX_FEN)} yuan.")
    return fen


def team_leaders(conn: apsw.Connection, team: str) -> list[str]:
    return [u for (u,) in conn.execute(
        "SELECT username FROM users WHERE role = 'team_leader' AND team = ? AND disabled_at IS NULL ORDER BY username",
        (team,))]


def _members(conn: apsw.Connection, team: str) -> list[str]:
    return [a for (a,) in conn.execute("SELECT id FROM agents WHERE team = ? ORDER BY id", (team,))]


def _require_agent_member(conn: apsw.Connection, team: str, agent_id: str) -> None:
    if agent_id not in _members(conn, team):
        raise InvalidInput(f"{agent_id!r} is not an agent of team {team!r}: "
                           f"'branchline team show {team}' lists its members.")


def _insert(conn: apsw.Connection, team: str, kind: str, amount_fen: int, by: str, now: float, **fields) -> Entry:
    row = conn.execute(
        "INSERT INTO fund_entries (team, day, kind, amount_fen, member, rule, month, description, receipt,"
        " recorded_by, recorded_at, reverses) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (team, _local_day(now), kind, amount_fen, fields.get("member"), fields.get("rule"), fields.get("month"),
         fields.get("description", ""), fields.get("receipt", ""), by, iso(now), fields.get("reverses")),
    ).fetchone()
    return get_entry(conn, row[0])


def get_entry(conn: apsw.Connection, entry_id: int) -> Entry:
    row = conn.execute(f"SELECT {_COLUMNS} FROM fund_entries e WHERE id = ?", (entry_id,)).fetchone()
    if row is None:
        raise NotFound(f"there is no fund entry {entry_id}: the team's statement lists them.")
    return Entry(*row[:13], reversed_by=row[13])


# ---- the team's penalty rules ----------------------------------------------------------------------------


def penalty_rules(conn: apsw.Connection, team: str) -> list[PenaltyRule]:
    require_team(conn, team)
    return [PenaltyRule(team, name, fen, format_fen(fen)) for name, fen in conn.execute(
        "SELECT name, amount_fen FROM fund_penalty_rules WHERE team = ? ORDER BY name", (team,))]


def set_penalty_rule(conn: apsw.Connection, team: str, name: str, amount_fen: int) -> PenaltyRule:
    """Add a rule or change its amount (penalties already recorded keep theirs)."""
    require_team(conn, team)
    name = (name or "").strip()
    if not name or len(name) > MAX_RULE:
        raise InvalidInput(f"a penalty rule needs a name of at most {MAX_RULE} characters, e.g. 'missed quiz answer'.")
    _amount(amount_fen, "the penalty")
    conn.execute("INSERT INTO fund_penalty_rules (team, name, amount_fen) VALUES (?, ?, ?)"
                 " ON CONFLICT (team, name) DO UPDATE SET amount_fen = excluded.amount_fen", (team, name, amount_fen))
    return PenaltyRule(team, name, amount_fen, format_fen(amount_fen))


def remove_penalty_rule(conn: apsw.Connection, team: str, name: str) -> None:
    require_team(conn, team)
    if conn.execute("DELETE FROM fund_penalty_rules WHERE team = ? AND name = ? RETURNING 1", (team, name)).fetchone() is None:
        raise NotFound(f"team {team!r} has no penalty rule {name!r}: 'branchline fund rules {team}' lists them.")


# ---- movements --------------------------------------------------------------------------------------------


def add_contribution(conn: apsw.Connection, team: str, member: str, by: str, now: float, *,
                     amount_fen: int | None = None, month: str | None = None) -> Entry:
    """A member's (agent id) or team leader's (username) contribution for a month (default: this
    one); the amount defaults to the team's monthly amount for them."""
    require_team(conn, team)
    month = parse_month(month) if month else time.strftime("%Y-%m", time.localtime(now))
    leaders = team_leaders(conn, team)
    if member not in leaders:
        _require_agent_member(conn, team, member)
    settings = team_rules(conn, team).fund
    fen = amount_fen if amount_fen is not None else settings.leader_fen if member in leaders else settings.member_fen
    return _insert(conn, team, "contribution", _amount(fen), by, now, member=member, month=month,
                   description=f"contribution for {month}")


def collect_month(conn: apsw.Connection, team: str, month: str, by: str, now: float) -> list[Entry]:
    """Record every contribution still due for `month`: each member's and each team leader's
    monthly amount, less what they have paid for it. Collecting again records only what is missing."""
    require_team(conn, team)
    month = parse_month(month)
    paid = dict(conn.execute(
        "SELECT e.member, sum(e.amount_fen) + coalesce(sum((SELECT r.amount_fen FROM fund_entries r"
        " WHERE r.reverses = e.id)), 0) FROM fund_entries e WHERE e.team = ? AND e.kind = 'contribution'"
        " AND e.month = ? GROUP BY e.member", (team, month)))
    due = due_contributions(_members(conn, team), team_leaders(conn, team), paid, team_rules(conn, team).fund)
    return [_insert(conn, team, "contribution", d.amount_fen, by, now, member=d.member, month=month,
                    description=f"contribution for {month}") for d in due]


def add_penalty(conn: apsw.Connection, team: str, member: str, rule: str, by: str, now: float, note: str = "") -> Entry:
    """A penalty by one of the team's rules, at the rule's amount."""
    require_team(conn, team)
    _require_agent_member(conn, team, member)
    row = conn.execute("SELECT amount_fen FROM fund_penalty_rules WHERE team = ? AND name = ?", (team, rule)).fetchone()
    if row is None:
        raise InvalidInput(f"team {team!r} has no penalty rule {rule!r}: 'branchline fund rules {team}' lists them.")
    return _insert(conn, team, "penalty", row[0], by, now, member=member, rule=rule,
                   description=_text(note, "the note", required=False))


def add_spending(conn: apsw.Connection, team: str, amount_fen: int, description: str, receipt: str, by: str,
                 now: float) -> Entry:
    """Money spent from the fund: what for, and where its receipt is."""
    require_team(conn, team)
    fen = _amount(amount_fen)
    description = _text(description, "what the money was spent on", required=True)
    receipt = _text(receipt, "the receipt note (its number, or who keeps it; 'none' if there is none)",
                    required=True)
    balance = conn.execute("SELECT coalesce(sum(amount_fen), 0) FROM fund_entries WHERE team = ?", (team,)).fetchone()[0]
    if fen > balance:
        raise Conflict(f"the fund holds {format_fen(balance)} yuan, less than {format_fen(fen)}: "
                       f"record the contributions first.")
    return _insert(conn, team, "spending", -fen, by, now, description=description, receipt=receipt)


def reverse_entry(conn: apsw.Connection, entry_id: int, reason: str, by: str, now: float) -> Entry:
    """Cancel an entry with a correction of the opposite amount (the entry itself stays listed)."""
    entry = get_entry(conn, entry_id)
    reason = _text(reason, "the reason for the correction", required=True)
    if entry.kind == "correction":
        raise Conflict(f"entry {entry_id} is itself a correction: record the movement again instead.")
    if entry.reversed_by is not None:
        raise Conflict(f"entry {entry_id} was already reversed by entry {entry.reversed_by}.")
    return _insert(conn, entry.team, "correction", -entry.amount_fen, by, now, member=entry.member, rule=entry.rule,
                   month=entry.month, description=reason, reverses=entry_id)


def fund_statement(conn: apsw.Connection, team: str) -> Statement:
    """Every movement of the team's fund with the running balance."""
    require_team(conn, team)
    rows = conn.execute(f"SELECT {_COLUMNS} FROM fund_entries e WHERE team = ? ORDER BY id", (team,)).fetchall()
    return statement(team, (Entry(*row[:13], reversed_by=row[13]) for row in rows))
