"""The branch configuration as a whole: plain and branch-wide ACD settings, removing any item
(refused while something still uses it) and loading everything in one read. The items themselves
are changed in `telephony` (trunks, seats, DIDs, dial rules), `routing` (agents, queues) and
`pause_codes`.
"""

from __future__ import annotations

import apsw

from appliance.errors import Conflict, InvalidInput
from appliance.model import AcdSettings, Agent, BranchConfig, DialRule, Did, PauseCode, Seat, Trunk
from appliance.store._rows import TABLES, check_whole, grouped, require
from appliance.store.ivr import active_flow_versions
from appliance.store.routing import load_queues

__all__ = (
    "ACD_LIMITS",
    "acd_key",
    "get_setting",
    "load_config",
    "remove",
    "set_acd_setting",
    "set_setting",
)

# Branch-wide ACD settings are counts or seconds: (lowest, highest). A missed ping count of 0 would
# mark every phone unreachable at once.
ACD_LIMITS: dict[str, tuple[int, int]] = {name: (0, 86400) for name in AcdSettings.__struct_fields__}
ACD_LIMITS["ping_failures"] = (1, 100)
ACD_SETTING_PREFIX = "acd."


# ---- ACD settings and plain settings -----------------------------------------------------------------


def acd_key(text: str) -> str:
    """An AcdSettings field from what an admin typed (dashes or underscores)."""
    key = text.strip().lower().replace("-", "_")
    if key not in AcdSettings.__struct_fields__:
        known = ", ".join(f.replace("_", "-") for f in AcdSettings.__struct_fields__)
        raise InvalidInput(f"{text!r} is not an ACD setting: use one of {known}.")
    return key


def set_acd_setting(conn: apsw.Connection, key: str, value: int | str) -> tuple[str, int]:
    """Validate and store one branch-wide ACD setting; returns the field name and the value stored."""
    field = acd_key(key)
    low, high = ACD_LIMITS[field]
    text = str(value).strip()
    if not text.isascii() or not text.isdigit():
        raise InvalidInput(f"{field.replace('_', '-')} {value!r} is not a whole number: give one from {low} to {high}.")
    number = check_whole(int(text), low, high, field.replace("_", "-"))
    set_setting(conn, ACD_SETTING_PREFIX + field, str(number))
    return field, number


def _load_acd(conn: apsw.Connection) -> AcdSettings:
    values = {}
    for key, value in conn.execute("SELECT key, value FROM settings WHERE key LIKE 'acd.%'"):
        field = key.removeprefix(ACD_SETTING_PREFIX)
        if field in AcdSettings.__struct_fields__ and value.isdigit():
            values[field] = int(value)
    return AcdSettings(**values)


def get_setting(conn: apsw.Connection, key: str, default: str | None = None) -> str | None:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def set_setting(conn: apsw.Connection, key: str, value: str) -> None:
    with conn:
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


# ---- removing ----------------------------------------------------------------------------------------


def remove(conn: apsw.Connection, kind: str, key: str) -> None:
    table, column = TABLES[kind]
    with conn:
        require(conn, kind, key)
        if kind == "queue":
            _refuse_if_used(conn, "SELECT number FROM dids WHERE queue = ?", key,
                            f"queue {key!r} still receives calls from DID {{}}: remove or re-point those DIDs first.")
            _refuse_if_used(conn, "SELECT name FROM queues WHERE overflow = 'queue:' || ?", key,
                            f"queue {key!r} takes the overflow of queue {{}}: change their --overflow first.")
        if kind == "trunk":
            _refuse_if_used(conn, "SELECT name FROM dial_rules WHERE trunk = ? ORDER BY position", key,
                            f"trunk {key!r} is used by dial rule {{}}: remove those rules first "
                            "('branchline dialplan remove NAME').")
        conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (key,))


def _refuse_if_used(conn: apsw.Connection, sql: str, key: str, message: str) -> None:
    users = [row[0] for row in conn.execute(sql, (key,))]
    if users:
        raise Conflict(message.format(", ".join(users)))


# ---- loading -----------------------------------------------------------------------------------------


def load_config(conn: apsw.Connection) -> BranchConfig:
    """The whole configuration in one read transaction, so it is never half old, half new."""
    with conn:
        gateways = grouped(conn, "SELECT trunk, network FROM trunk_gateways ORDER BY trunk, network")
        agent_skills = grouped(conn, "SELECT agent_id, skill, level FROM agent_skills")
        penalties = grouped(conn, "SELECT agent_id, queue, penalty FROM agent_penalties")
        trunks = tuple(
            Trunk(name, tuple(n for (n,) in gateways[name]), uri, password, proxy)
            for name, uri, password, proxy in conn.execute(
                "SELECT name, register_uri, register_password, outbound_proxy FROM trunks ORDER BY name"
            )
        )
        seats = tuple(Seat(name, uri, bool(remote)) for name, uri, remote in conn.execute(
            "SELECT name, phone_uri, remote_answer FROM seats ORDER BY name"))
        agents = tuple(
            Agent(agent_id, name, dict(agent_skills[agent_id]), dict(penalties[agent_id]), wrapup, team)
            for agent_id, name, wrapup, team in conn.execute("SELECT id, name, wrapup, team FROM agents ORDER BY id")
        )
        dids = tuple(Did(*row) for row in conn.execute("SELECT number, queue, flow, priority FROM dids ORDER BY number"))
        language = get_setting(conn, "language", "en") or "en"
        pause_codes = tuple(
            PauseCode(code, label, label_zh, bool(system))
            for code, label, label_zh, system in conn.execute(
                "SELECT code, label, label_zh, system FROM pause_codes ORDER BY system DESC, code"
            )
        )
        dial_rules = tuple(
            DialRule(*row)
            for row in conn.execute("SELECT name, pattern, trunk, strip, prefix FROM dial_rules ORDER BY position")
        )
        return BranchConfig(
            trunks, seats, agents, load_queues(conn), dids, language, pause_codes, dial_rules, _load_acd(conn),
            flows=active_flow_versions(conn),
        )
