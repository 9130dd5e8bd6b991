"""The customer directory and its tiers: who is calling, found by any of their phone numbers.

Phone numbers are stored normalised, and a caller ID matches a stored number by the rule in
`appliance.phone_numbers` (equal, or differing only by a country code or a leading 0).

An exact match always wins; when the loose rule finds more than one customer, nobody is found:
the directory never guesses who is calling. Importing refuses a phone that matches another
customer's phone by the same rule, so a lookup can only be ambiguous between two international
numbers that share a national number.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping

import apsw
import msgspec

from appliance.clock import iso
from appliance.customers import Customer, CustomerTier
from appliance.errors import Conflict, InvalidInput, NotFound
from appliance.model import SKILL_LEVELS, parse_name
from appliance.phone_numbers import MIN_SHARED_DIGITS, could_match, normalise_number, numbers_match
from appliance.store._rows import check_whole
from appliance.store.customer_csv import CSV_COLUMNS, CsvRow
from appliance.store.telephony import MAX_PRIORITY

__all__ = (
    "DEFAULT_TIER",
    "ImportReport",
    "add_tier",
    "customers_per_tier",
    "find_customer",
    "get_customer",
    "get_tier",
    "import_customers",
    "list_customers",
    "list_tiers",
    "match_number",
    "remove_customer",
    "remove_tier",
    "update_tier",
)

DEFAULT_TIER = "standard"  # made by migration 0003; customers without a tier get it
LANGUAGES = ("en", "zh")
PHONE_DIGITS = range(5, 21)
MAX_TEXT = 200
_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z")
_PHONE = re.compile(r"\+?[0-9\s\-.()/]+\Z")


# ---- writing safely ----------------------------------------------------------------------------------


@contextlib.contextmanager
def _writing(conn: apsw.Connection) -> Iterator[None]:
    """One transaction that holds the write lock from its first read, so what was checked is what
    gets written even while the server writes too (a deferred one would fail on upgrading)."""
    if conn.in_transaction:
        with conn:
            yield
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


# ---- tiers -------------------------------------------------------------------------------------------


def _check_tier(tier: CustomerTier) -> None:
    parse_name(tier.name, "tier")
    check_whole(tier.priority, 0, MAX_PRIORITY, "priority")
    if (tier.skill is None) != (tier.skill_level is None):
        raise InvalidInput("a tier's skill needs a level, and a level needs a skill: write --skill NAME:LEVEL.")
    if tier.skill is not None:
        parse_name(tier.skill, "skill")
        if tier.skill_level not in SKILL_LEVELS:
            raise InvalidInput(
                f"skill level {tier.skill_level!r} is out of range: a level is a whole number from 1 to 10."
            )


def _tier_from_row(row: tuple) -> CustomerTier:
    return CustomerTier(row[0], row[1], row[2], row[3])


def list_tiers(conn: apsw.Connection) -> tuple[CustomerTier, ...]:
    """Every tier, highest priority first."""
    rows = conn.execute("SELECT name, priority, skill, skill_level FROM customer_tiers ORDER BY priority DESC, name")
    return tuple(_tier_from_row(r) for r in rows)


def customers_per_tier(conn: apsw.Connection) -> dict[str, int]:
    return dict(conn.execute("SELECT tier, count(*) FROM customers GROUP BY tier").fetchall())


def get_tier(conn: apsw.Connection, name: str) -> CustomerTier:
    row = conn.execute(
        "SELECT name, priority, skill, skill_level FROM customer_tiers WHERE name = ?", (name,)
    ).fetchone()
    if row is None:
        known = ", ".join(sorted(t.name for t in list_tiers(conn)))
        raise NotFound(f"tier {name!r} does not exist: the tiers are {known} ('branchline tier add {name}' adds it).")
    return _tier_from_row(row)


def add_tier(conn: apsw.Connection, tier: CustomerTier, now: float) -> None:
    _check_tier(tier)
    with _writing(conn):
        if conn.execute("SELECT 1 FROM customer_tiers WHERE name = ?", (tier.name,)).fetchone():
            raise Conflict(f"tier {tier.name!r} already exists: change it with 'branchline tier set {tier.name}'.")
        conn.execute(
            "INSERT INTO customer_tiers (name, priority, skill, skill_level, created_at) VALUES (?, ?, ?, ?, ?)",
            (tier.name, tier.priority, tier.skill, tier.skill_level, iso(now)),
        )


def update_tier(conn: apsw.Connection, name: str, **fields: object) -> CustomerTier:
    """Change a tier's priority, skill or skill_level; calls already waiting keep what they had."""
    unknown = sorted(set(fields) - {"priority", "skill", "skill_level"})
    if unknown:
        raise InvalidInput(f"a tier has no setting {unknown[0]!r}: use priority, skill or skill_level.")
    with _writing(conn):
        tier = msgspec.structs.replace(get_tier(conn, name), **fields)
        _check_tier(tier)
        conn.execute("UPDATE customer_tiers SET priority = ?, skill = ?, skill_level = ? WHERE name = ?",
                     (tier.priority, tier.skill, tier.skill_level, name))
    return tier


def remove_tier(conn: apsw.Connection, name: str) -> None:
    with _writing(conn):
        get_tier(conn, name)
        if name == DEFAULT_TIER:
            raise Conflict(f"tier {name!r} is where customers without a tier go, so it cannot be removed.")
        used = conn.execute("SELECT count(*) FROM customers WHERE tier = ?", (name,)).fetchone()[0]
        if used:
            who = "1 customer is" if used == 1 else f"{used} customers are"
            raise Conflict(
                f"tier {name!r} cannot be removed: {who} in it. Import them again with another tier, or remove "
                f"them ('branchline customer list --tier {name}' shows who)."
            )
        conn.execute("DELETE FROM customer_tiers WHERE name = ?", (name,))


# ---- reading customers ---------------------------------------------------------------------------------

_CUSTOMER_SELECT = (
    "SELECT c.ref, c.name, c.language, c.account_manager, t.name, t.priority, t.skill, t.skill_level "
    "FROM customers c JOIN customer_tiers t ON t.name = c.tier"
)


def _load(conn: apsw.Connection, where: str, params: tuple, limit: int | None = None) -> list[Customer]:
    sql = f"{_CUSTOMER_SELECT} {where} ORDER BY c.ref" + (" LIMIT ?" if limit is not None else "")
    rows = conn.execute(sql, (*params, limit) if limit is not None else params).fetchall()
    numbers: dict[str, list[str]] = defaultdict(list)
    refs = json.dumps([r[0] for r in rows])
    for ref, number in conn.execute(
        "SELECT customer_ref, number FROM customer_numbers WHERE customer_ref IN (SELECT value FROM json_each(?)) "
        "ORDER BY rowid", (refs,)
    ):
        numbers[ref].append(number)
    return [
        Customer(ref, name, _tier_from_row(tier), tuple(numbers[ref]), language, manager)
        for ref, name, language, manager, *tier in rows
    ]


def get_customer(conn: apsw.Connection, ref: str) -> Customer:
    found = _load(conn, "WHERE c.ref = ?", (ref,))
    if not found:
        raise NotFound(f"customer {ref!r} does not exist: 'branchline customer list --search TEXT' finds customers.")
    return found[0]


def match_number(conn: apsw.Connection, number: str) -> tuple[Customer, ...]:
    """The customer whose phone is exactly `number`; else every customer with a phone that matches
    it by the `numbers_match` rule (none when `number` has nothing to match on)."""
    try:
        wanted = normalise_number(number)
    except ValueError:
        return ()
    with conn:  # one read: the exact and the loose look see the same directory
        exact = conn.execute("SELECT customer_ref FROM customer_numbers WHERE number = ?", (wanted,)).fetchone()
        if exact:
            return (get_customer(conn, exact[0]),)
        candidates = conn.execute(
            "SELECT number, customer_ref FROM customer_numbers WHERE number IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(could_match(wanted))),),
        )
        refs = sorted({ref for stored, ref in candidates if numbers_match(wanted, stored)})
        return tuple(get_customer(conn, ref) for ref in refs)


def find_customer(conn: apsw.Connection, *, number: str | None = None, ref: str | None = None) -> Customer | None:
    """The customer with this ref, or whose phone is `number` (by the `numbers_match` rule);
    None when nobody matches, or more than one customer does."""
    if ref is not None:
        found = _load(conn, "WHERE c.ref = ?", (ref.strip(),))
        return found[0] if found else None
    if number is None:
        raise TypeError("find_customer needs number= or ref=")
    matches = match_number(conn, number)
    return matches[0] if len(matches) == 1 else None


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def list_customers(conn: apsw.Connection, *, tier: str | None = None, search: str | None = None,
                   limit: int | None = None) -> tuple[Customer, ...]:
    """Customers by ref; `search` looks in refs, names and phone numbers."""
    clauses, params = [], []
    if tier is not None:
        get_tier(conn, tier)
        clauses.append("c.tier = ?")
        params.append(tier)
    if search and search.strip():
        pattern = _like(search.strip())
        matches = ["c.ref LIKE ? ESCAPE '\\'", "c.name LIKE ? ESCAPE '\\'"]
        params += [pattern, pattern]
        with contextlib.suppress(ValueError):
            params.append(_like(normalise_number(search)))
            matches.append("c.ref IN (SELECT customer_ref FROM customer_numbers WHERE number LIKE ? ESCAPE '\\')")
        clauses.append(f"({' OR '.join(matches)})")
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return tuple(_load(conn, where, tuple(params), limit))


def remove_customer(conn: apsw.Connection, ref: str) -> Customer:
    """Remove a customer and their phone numbers; past calls keep the ref they were tagged with."""
    with _writing(conn):
        customer = get_customer(conn, ref)
        conn.execute("DELETE FROM customers WHERE ref = ?", (ref,))
    return customer


# ---- importing -------------------------------------------------------------------------------------------


class ImportReport(msgspec.Struct):
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = []  # (line number, the reason as a sentence)
    dry_run: bool = False

    @property
    def imported(self) -> int:
        return self.added + self.updated + self.unchanged


class _Entry(msgspec.Struct, frozen=True):
    """A customer as a row says it should be, compared with what is stored to count changes."""

    ref: str
    name: str
    tier: str
    language: str | None
    account_manager: str | None
    numbers: tuple[str, ...]


class _Directory:
    """What the import checks rows against: stored customers, and every phone so far by its last
    digits (stored, then each accepted row's), so a phone given twice is caught either way."""

    def __init__(self, conn: apsw.Connection) -> None:
        self.tiers = [name for (name,) in conn.execute("SELECT name FROM customer_tiers ORDER BY name")]
        numbers: dict[str, list[str]] = defaultdict(list)
        for ref, number in conn.execute("SELECT customer_ref, number FROM customer_numbers ORDER BY rowid"):
            numbers[ref].append(number)
        self.stored = {
            ref: _Entry(ref, name, tier, language, manager, tuple(numbers[ref]))
            for ref, name, tier, language, manager in conn.execute(
                "SELECT ref, name, tier, language, account_manager FROM customers"
            )
        }
        self.owners: dict[str, str] = {}  # number -> who holds it: "customer 7 (Ann)", "... on line 3"
        self._by_tail: dict[str, dict[str, str]] = defaultdict(dict)  # last digits -> number -> ref
        self._held: dict[str, tuple[str, ...]] = {}  # ref -> numbers
        for entry in self.stored.values():
            self.give(entry, f"customer {entry.ref} ({entry.name})")

    def holder(self, number: str, ref: str) -> tuple[str, str] | None:
        """(who, their number) when a customer other than `ref` holds a phone matching `number`."""
        for stored, owner in self._by_tail[number[-MIN_SHARED_DIGITS:]].items():
            if owner != ref and numbers_match(number, stored):
                return self.owners[stored], stored
        return None

    def give(self, entry: _Entry, who: str) -> None:
        """`entry`'s phones are now its own, and only those (an update can give a number up)."""
        for number in self._held.pop(entry.ref, ()):
            del self._by_tail[number[-MIN_SHARED_DIGITS:]][number]
            del self.owners[number]
        self._held[entry.ref] = entry.numbers
        for number in entry.numbers:
            self._by_tail[number[-MIN_SHARED_DIGITS:]][number] = entry.ref
            self.owners[number] = who


def _check_phone(text: str) -> str:
    """A customer's phone as the import takes it: digits with separators, + only first."""
    text = text.strip()
    if not any(c.isascii() and c.isdigit() for c in text):
        raise InvalidInput(f"phone {text!r} has no digits.")
    if not _PHONE.match(text):
        raise InvalidInput(
            f"phone {text!r} is not a phone number: use digits, with spaces, dashes, dots or brackets "
            "between them and + only first."
        )
    number = normalise_number(text)
    digits = len(number.removeprefix("+"))
    if digits not in PHONE_DIGITS:
        raise InvalidInput(f"phone {text!r} has {digits} digits: a phone number has {PHONE_DIGITS.start} "
                           f"to {PHONE_DIGITS.stop - 1}.")
    return number


def _check_row(row: Mapping[str, str], directory: _Directory, seen: dict[str, int]) -> _Entry:
    if isinstance(row, CsvRow) and row.fields != len(CSV_COLUMNS):
        raise InvalidInput(f"the row has {row.fields} fields where the header has {len(CSV_COLUMNS)}: "
                           "put a value that contains a comma in double quotes.")
    cell = {c: (row.get(c) or "").strip() for c in CSV_COLUMNS}
    ref, name = cell["ref"], cell["name"]
    if not ref:
        raise InvalidInput("ref is missing: every row needs the customer's ref.")
    if not _REF.match(ref):
        raise InvalidInput(
            f"ref {ref!r} is not valid: use 1-64 letters, digits, '-', '_' or '.', starting with a letter or digit."
        )
    if ref in seen:
        raise InvalidInput(f"ref {ref!r} is already on line {seen[ref]}: give each customer one row.")
    if not name:
        raise InvalidInput("name is missing: every row needs the customer's name.")
    for column in ("name", "account_manager"):
        if len(cell[column]) > MAX_TEXT:
            what = column.replace("_", " ")
            raise InvalidInput(f"{what} has {len(cell[column])} characters: the most is {MAX_TEXT}.")
    tier = cell["tier"] or DEFAULT_TIER
    if tier not in directory.tiers:
        raise InvalidInput(f"tier {tier!r} does not exist: the tiers are {', '.join(directory.tiers)} "
                           f"('branchline tier add {tier}' adds it).")
    language = cell["language"].lower() or None
    if language is not None and language not in LANGUAGES:
        raise InvalidInput(
            f"language {cell['language']!r} is not known: use {' or '.join(LANGUAGES)}, or leave it empty."
        )
    numbers: list[str] = []
    for text in (p for p in cell["phones"].split(";") if p.strip()):
        number = _check_phone(text)
        held = directory.holder(number, ref)
        if held:
            who, stored = held
            same = "" if stored == number else f"is the same phone as {stored}, which "
            raise InvalidInput(
                f"phone {text.strip()!r} {same}belongs to {who}: a number can belong to one customer only."
            )
        if number not in numbers:
            numbers.append(number)
    return _Entry(ref, name, tier, language, cell["account_manager"] or None, tuple(numbers))


def _write(conn: apsw.Connection, entry: _Entry, is_new: bool, stamp: str) -> None:
    values = (entry.name, entry.tier, entry.language, entry.account_manager)
    if is_new:
        conn.execute("INSERT INTO customers (name, tier, language, account_manager, ref, created_at, updated_at) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)", (*values, entry.ref, stamp, stamp))
    else:
        conn.execute("UPDATE customers SET name = ?, tier = ?, language = ?, account_manager = ?, updated_at = ? "
                     "WHERE ref = ?", (*values, stamp, entry.ref))
        conn.execute("DELETE FROM customer_numbers WHERE customer_ref = ?", (entry.ref,))
    conn.executemany("INSERT INTO customer_numbers (number, customer_ref) VALUES (?, ?)",
                     [(n, entry.ref) for n in entry.numbers])


def import_customers(conn: apsw.Connection, rows: Iterable[Mapping[str, str]], now: float, *,
                     dry_run: bool = False, strict: bool = False) -> ImportReport:
    """Add or update customers by ref, all valid rows in one transaction; rejected rows are
    reported by line (a `CsvRow` knows its line; other rows count from line 2, under a header).
    A row replaces the customer's name, tier, language, manager and phones. `strict`: any
    rejected row means nothing is written. `dry_run`: check everything, write nothing."""
    report = ImportReport(dry_run=dry_run)
    stamp = iso(now)
    with _writing(conn):
        directory = _Directory(conn)
        seen: dict[str, int] = {}
        accepted: list[tuple[_Entry, bool]] = []
        for index, row in enumerate(rows):
            line = row.line if isinstance(row, CsvRow) else index + 2
            try:
                entry = _check_row(row, directory, seen)
            except InvalidInput as exc:
                report.rejected.append((line, exc.message))
                continue
            seen[entry.ref] = line
            before = directory.stored.get(entry.ref)
            directory.give(entry, f"customer {entry.ref} ({entry.name}) on line {line}")
            if before == entry:
                report.unchanged += 1
                continue
            accepted.append((entry, before is None))
            report.added += before is None
            report.updated += before is not None
        if dry_run or (strict and report.rejected):
            return report
        for entry, is_new in accepted:
            _write(conn, entry, is_new, stamp)
    return report
