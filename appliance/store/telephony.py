"""The telephony side of the branch configuration: trunks, seats, DIDs and the dial rules that
choose a trunk for each outgoing call. Every change is checked here before it is written.
"""

from __future__ import annotations

import re
import time

import apsw

from appliance.clock import iso
from appliance.core.dialplan import check_rule
from appliance.errors import Conflict, InvalidInput, NotFound
from appliance.model import DEFAULT_SIP_PORT, DialRule, Did, Seat, Trunk, parse_name
from appliance.store._rows import check_whole, exists, require, require_new

__all__ = (
    "MAX_PRIORITY",
    "add_dial_rule",
    "add_did",
    "add_seat",
    "add_trunk",
    "parse_outbound_proxy",
    "remove_dial_rule",
    "set_trunk_outbound_proxy",
)

MAX_PRIORITY = 100

_PROXY = re.compile(r"^sips?:(?P<host>[A-Za-z0-9][A-Za-z0-9.-]*)(?::(?P<port>\d{1,5}))?$")


# ---- trunks, seats, DIDs ---------------------------------------------------------------------------


def parse_outbound_proxy(value: str) -> str:
    """sip:HOST[:PORT], normalised to sip:HOST:PORT."""
    match = _PROXY.match(value.strip())
    if not match:
        raise InvalidInput(f"outbound proxy {value!r} is not valid: write it as sip:HOST or sip:HOST:PORT.")
    port = int(match["port"] or DEFAULT_SIP_PORT)
    if not 0 < port < 65536:
        raise InvalidInput(f"outbound proxy {value!r} has port {port}: a port is a number from 1 to 65535.")
    return f"sip:{match['host']}:{port}"


def add_trunk(conn: apsw.Connection, trunk: Trunk) -> None:
    proxy = parse_outbound_proxy(trunk.outbound_proxy) if trunk.outbound_proxy else None
    with conn:
        require_new(conn, "trunk", trunk.name)
        conn.execute(
            "INSERT INTO trunks (name, register_uri, register_password, outbound_proxy, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (trunk.name, trunk.register_uri, trunk.register_password, proxy, iso(time.time())),
        )
        conn.executemany(
            "INSERT INTO trunk_gateways (trunk, network) VALUES (?, ?)",
            [(trunk.name, network) for network in trunk.gateways],
        )


def set_trunk_outbound_proxy(conn: apsw.Connection, name: str, proxy: str | None) -> None:
    """Where calls out through the trunk go; None: a carrier trunk dials its registrar."""
    value = parse_outbound_proxy(proxy) if proxy else None
    with conn:
        require(conn, "trunk", name)
        conn.execute("UPDATE trunks SET outbound_proxy = ? WHERE name = ?", (value, name))


def add_seat(conn: apsw.Connection, seat: Seat) -> None:
    with conn:
        require_new(conn, "seat", seat.name)
        holder = conn.execute("SELECT name FROM seats WHERE phone_uri = ?", (seat.phone_uri,)).fetchone()
        if holder:
            raise Conflict(f"phone {seat.phone_uri} already belongs to seat {holder[0]!r}: one phone per seat.")
        conn.execute(
            "INSERT INTO seats (name, phone_uri, remote_answer, created_at) VALUES (?, ?, ?, ?)",
            (seat.name, seat.phone_uri, int(seat.remote_answer), iso(time.time())),
        )


def add_did(conn: apsw.Connection, did: Did) -> None:
    check_whole(did.priority, 0, MAX_PRIORITY, "priority")
    with conn:
        require_new(conn, "did", did.number)
        if did.queue and not exists(conn, "queue", did.queue):
            raise NotFound(f"queue {did.queue!r} does not exist: create it with 'branchline queue add {did.queue}'.")
        if did.flow and conn.execute("SELECT 1 FROM ivr_active WHERE name = ?", (did.flow,)).fetchone() is None:
            raise NotFound(f"flow {did.flow!r} does not exist: check and apply it with 'branchline ivr apply FILE'.")
        conn.execute(
            "INSERT INTO dids (number, queue, flow, priority, created_at) VALUES (?, ?, ?, ?, ?)",
            (did.number, did.queue, did.flow, did.priority, iso(time.time())),
        )


# ---- dial rules --------------------------------------------------------------------------------------


def add_dial_rule(conn: apsw.Connection, rule: DialRule, *, before: str | None = None) -> None:
    """Add a rule last, or just before the rule named `before`."""
    parse_name(rule.name, "dial rule")
    check_rule(rule)
    with conn:
        if conn.execute("SELECT 1 FROM dial_rules WHERE name = ?", (rule.name,)).fetchone():
            raise Conflict(f"dial rule {rule.name!r} already exists: remove it first or choose another name.")
        if not exists(conn, "trunk", rule.trunk):
            raise NotFound(f"trunk {rule.trunk!r} does not exist: add it with 'branchline trunk add {rule.trunk}' first.")
        if before is None:
            position = conn.execute("SELECT coalesce(max(position), 0) + 1 FROM dial_rules").fetchone()[0]
        else:
            row = conn.execute("SELECT position FROM dial_rules WHERE name = ?", (before,)).fetchone()
            if row is None:
                raise NotFound(f"dial rule {before!r} does not exist: 'branchline dialplan list' shows what there is.")
            position = row[0]
            # Two steps, because positions are unique and SQLite checks that row by row.
            conn.execute("UPDATE dial_rules SET position = -(position + 1) WHERE position >= ?", (position,))
            conn.execute("UPDATE dial_rules SET position = -position WHERE position < 0")
        conn.execute(
            "INSERT INTO dial_rules (name, pattern, trunk, strip, prefix, position) VALUES (?, ?, ?, ?, ?, ?)",
            (rule.name, rule.pattern, rule.trunk, rule.strip, rule.prefix, position),
        )


def remove_dial_rule(conn: apsw.Connection, name: str) -> None:
    with conn:
        if conn.execute("SELECT 1 FROM dial_rules WHERE name = ?", (name,)).fetchone() is None:
            raise NotFound(f"dial rule {name!r} does not exist: 'branchline dialplan list' shows what there is.")
        conn.execute("DELETE FROM dial_rules WHERE name = ?", (name,))
