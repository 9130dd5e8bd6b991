"""Who answers which calls: agents with their skills, penalties and wrap-up, and queues with their
settings, required skills and penalty rules. Every change is checked here before it is written, so
the database never holds a queue the distributor cannot use.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

import apsw
import msgspec

from appliance.clock import iso
from appliance.errors import InvalidInput, NotFound
from appliance.model import SKILL_LEVELS, STRATEGIES, Agent, PenaltyRule, Queue, parse_name
from appliance.store._rows import check_whole, exists, grouped, require, require_new
from appliance.store.teams import require_team

__all__ = (
    "CALLBACK_KEYS",
    "MAX_PENALTY",
    "QUEUE_LIMITS",
    "add_agent",
    "add_queue",
    "load_queues",
    "remove_agent_skill",
    "set_agent_penalty",
    "set_agent_skill",
    "set_agent_skills",
    "set_agent_wrapup",
    "set_penalty_rules",
    "update_queue",
)

# The whole-number queue settings: (lowest, highest, unit). The CLI builds its option ranges from these.
QUEUE_LIMITS: dict[str, tuple[int, int, str]] = {
    "ring_timeout": (1, 300, "seconds"),
    "wrapup": (0, 3600, "seconds"),
    "max_wait": (1, 86400, "seconds"),
    "priority_step": (0, 86400, "seconds"),
    "max_callers": (0, 10000, "callers"),
    "announce_every": (0, 3600, "seconds"),
    "announce_min_gap": (0, 3600, "seconds"),
    "announce_round": (1, 3600, "seconds"),
    "service_level": (1, 3600, "seconds"),
    "short_abandon": (0, 3600, "seconds"),
    "handle_time": (1, 86400, "seconds"),
}
CALLBACK_KEYS = "0123456789*#"
MAX_PENALTY = 100
OVERFLOW_TARGETS = ("sorry", "callback")

_QUEUE_COLUMNS = tuple(f for f in Queue.__struct_fields__ if f not in ("name", "skills", "penalty_rules"))
_QUEUE_FLAGS = frozenset(f.name for f in msgspec.structs.fields(Queue) if f.type is bool)


# ---- agents ------------------------------------------------------------------------------------------


def _check_skill(skill: str, level: int) -> None:
    parse_name(skill, "skill")
    if isinstance(level, bool) or not isinstance(level, int) or level not in SKILL_LEVELS:
        raise InvalidInput(f"skill {skill!r} has level {level!r}: a level is a whole number from 1 to 10.")


def _check_wrapup(wrapup: int | None) -> None:
    if wrapup is not None:
        low, high, unit = QUEUE_LIMITS["wrapup"]
        check_whole(wrapup, low, high, "wrap-up", f" {unit}")


def add_agent(conn: apsw.Connection, agent: Agent) -> None:
    parse_name(agent.id, "agent")
    for skill, level in agent.skills.items():
        _check_skill(skill, level)
    _check_wrapup(agent.wrapup)
    with conn:
        require_new(conn, "agent", agent.id)
        if agent.team is not None:
            require_team(conn, agent.team)
        conn.execute(
            "INSERT INTO agents (id, name, wrapup, team, created_at) VALUES (?, ?, ?, ?, ?)",
            (agent.id, agent.name, agent.wrapup, agent.team, iso(time.time())),
        )
        conn.executemany(
            "INSERT INTO agent_skills (agent_id, skill, level) VALUES (?, ?, ?)",
            [(agent.id, skill, level) for skill, level in agent.skills.items()],
        )
        for queue, penalty in agent.penalties.items():
            set_agent_penalty(conn, agent.id, queue, penalty)


def set_agent_skills(conn: apsw.Connection, agent_id: str, skills: Mapping[str, int]) -> None:
    """Replace all of an agent's skills."""
    for skill, level in skills.items():
        _check_skill(skill, level)
    with conn:
        require(conn, "agent", agent_id)
        conn.execute("DELETE FROM agent_skills WHERE agent_id = ?", (agent_id,))
        conn.executemany(
            "INSERT INTO agent_skills (agent_id, skill, level) VALUES (?, ?, ?)",
            [(agent_id, skill, level) for skill, level in skills.items()],
        )


def set_agent_skill(conn: apsw.Connection, agent_id: str, skill: str, level: int) -> None:
    """Give an agent one skill, or change its level."""
    _check_skill(skill, level)
    with conn:
        require(conn, "agent", agent_id)
        conn.execute(
            "INSERT INTO agent_skills (agent_id, skill, level) VALUES (?, ?, ?) "
            "ON CONFLICT (agent_id, skill) DO UPDATE SET level = excluded.level",
            (agent_id, skill, level),
        )


def remove_agent_skill(conn: apsw.Connection, agent_id: str, skill: str) -> None:
    with conn:
        require(conn, "agent", agent_id)
        held = [s for (s,) in conn.execute("SELECT skill FROM agent_skills WHERE agent_id = ? ORDER BY skill", (agent_id,))]
        if skill not in held:
            has = f"their skills are {', '.join(held)}" if held else "they have no skills"
            raise NotFound(f"agent {agent_id!r} has no skill {skill!r}: {has}.")
        conn.execute("DELETE FROM agent_skills WHERE agent_id = ? AND skill = ?", (agent_id, skill))


def set_agent_penalty(conn: apsw.Connection, agent_id: str, queue: str, penalty: int) -> None:
    """The agent's tier in a queue: lower penalties are offered the queue's calls first. 0 is the default."""
    check_whole(penalty, 0, MAX_PENALTY, "penalty")
    with conn:
        require(conn, "agent", agent_id)
        require(conn, "queue", queue)
        if penalty == 0:
            conn.execute("DELETE FROM agent_penalties WHERE agent_id = ? AND queue = ?", (agent_id, queue))
            return
        conn.execute(
            "INSERT INTO agent_penalties (agent_id, queue, penalty) VALUES (?, ?, ?) "
            "ON CONFLICT (agent_id, queue) DO UPDATE SET penalty = excluded.penalty",
            (agent_id, queue, penalty),
        )


def set_agent_wrapup(conn: apsw.Connection, agent_id: str, wrapup: int | None) -> None:
    """Override every queue's wrap-up for this agent; None: use the queue's."""
    _check_wrapup(wrapup)
    with conn:
        require(conn, "agent", agent_id)
        conn.execute("UPDATE agents SET wrapup = ? WHERE id = ?", (wrapup, agent_id))


# ---- queues ------------------------------------------------------------------------------------------


def _check_queue(conn: apsw.Connection, queue: Queue) -> None:
    parse_name(queue.name, "queue")
    for field, (low, high, unit) in QUEUE_LIMITS.items():
        check_whole(getattr(queue, field), low, high, field.replace("_", "-"), f" {unit}")
    for field in _QUEUE_FLAGS:
        if not isinstance(getattr(queue, field), bool):
            raise InvalidInput(f"{field.replace('_', '-')} is {getattr(queue, field)!r}: it is either on or off.")
    if queue.strategy not in STRATEGIES:
        raise InvalidInput(f"strategy {queue.strategy!r} is not known: choose one of {', '.join(STRATEGIES)}.")
    if queue.callback_key and (len(queue.callback_key) != 1 or queue.callback_key not in CALLBACK_KEYS):
        raise InvalidInput(
            f"callback key {queue.callback_key!r} is not one phone key: use one of 0-9, * or #, or none for no callbacks."
        )
    for skill, level in queue.skills.items():
        _check_skill(skill, level)
    _check_overflow(conn, queue.name, queue.overflow)
    _check_penalty_rules(queue.penalty_rules)


def _overflow_queue(overflow: str) -> str | None:
    return overflow.removeprefix("queue:") if overflow.startswith("queue:") else None


def _check_overflow(conn: apsw.Connection, name: str, overflow: str) -> None:
    if overflow in OVERFLOW_TARGETS:
        return
    target = _overflow_queue(overflow)
    if not target:
        raise InvalidInput(f"overflow {overflow!r} is not known: use sorry, callback or queue:NAME.")
    if target == name:
        raise InvalidInput(f"queue {name!r} cannot overflow to itself: name another queue, or use sorry or callback.")
    if not exists(conn, "queue", target):
        raise NotFound(f"overflow queue {target!r} does not exist: create it with 'branchline queue add {target}' first.")
    chain = [name, target]
    while True:  # follow the chain: a circle would pass callers round for ever
        row = conn.execute("SELECT overflow FROM queues WHERE name = ?", (chain[-1],)).fetchone()
        following = _overflow_queue(row[0]) if row else None
        if following is None:
            return
        chain.append(following)
        if following in chain[:-1]:
            raise InvalidInput(
                f"overflow to {target!r} would pass callers round in a circle ({' -> '.join(chain)}): "
                "end the chain with sorry or callback."
            )


def _check_penalty_rules(rules: Iterable[PenaltyRule]) -> None:
    limit_so_far: tuple[int, int] | None = None
    seen: set[int] = set()
    for rule in sorted(rules, key=lambda r: r.after):
        check_whole(rule.after, 0, 86400, "penalty rule wait", " seconds")
        check_whole(rule.max_penalty, 0, MAX_PENALTY, "penalty rule limit")
        if rule.after in seen:
            raise InvalidInput(f"two penalty rules start at {rule.after} s: give each wait once.")
        seen.add(rule.after)
        if limit_so_far and rule.max_penalty < limit_so_far[1]:
            raise InvalidInput(
                f"penalty rule {rule.after}:{rule.max_penalty} allows fewer agents than the rule at "
                f"{limit_so_far[0]} s (up to {limit_so_far[1]}): a longer wait can only let more agents help; "
                "raise its limit."
            )
        limit_so_far = (rule.after, rule.max_penalty)


def _queue_values(queue: Queue) -> list[Any]:
    return [int(v) if isinstance(v, bool) else v for v in (getattr(queue, c) for c in _QUEUE_COLUMNS)]


def _write_skills_and_rules(conn: apsw.Connection, queue: Queue) -> None:
    conn.execute("DELETE FROM queue_skills WHERE queue = ?", (queue.name,))
    conn.executemany(
        "INSERT INTO queue_skills (queue, skill, min_level) VALUES (?, ?, ?)",
        [(queue.name, skill, level) for skill, level in queue.skills.items()],
    )
    conn.execute("DELETE FROM queue_penalty_rules WHERE queue = ?", (queue.name,))
    conn.executemany(
        "INSERT INTO queue_penalty_rules (queue, after, max_penalty) VALUES (?, ?, ?)",
        [(queue.name, r.after, r.max_penalty) for r in queue.penalty_rules],
    )


def add_queue(conn: apsw.Connection, queue: Queue) -> None:
    with conn:
        require_new(conn, "queue", queue.name)
        _check_queue(conn, queue)
        columns = ("name", *_QUEUE_COLUMNS, "created_at")
        conn.execute(
            f"INSERT INTO queues ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            (queue.name, *_queue_values(queue), iso(time.time())),
        )
        _write_skills_and_rules(conn, queue)


def _get_queue(conn: apsw.Connection, name: str) -> Queue:
    found = load_queues(conn, "WHERE name = ?", (name,))
    if not found:
        raise NotFound(
            f"queue {name!r} does not exist: 'branchline queue list' shows what there is, "
            f"'branchline queue add {name}' creates it."
        )
    return found[0]


def update_queue(conn: apsw.Connection, name: str, **fields: Any) -> Queue:
    """Change some of a queue's settings (Queue field names; `skills` replaces the required skills)."""
    unknown = sorted(set(fields) - set(_QUEUE_COLUMNS) - {"skills"})
    if unknown:
        raise InvalidInput(f"a queue has no setting {unknown[0]!r}: use one of {', '.join((*_QUEUE_COLUMNS, 'skills'))}.")
    with conn:
        queue = msgspec.structs.replace(_get_queue(conn, name), **fields)
        _check_queue(conn, queue)
        assignments = ", ".join(f"{c} = ?" for c in _QUEUE_COLUMNS)
        conn.execute(f"UPDATE queues SET {assignments} WHERE name = ?", (*_queue_values(queue), name))
        _write_skills_and_rules(conn, queue)
    return queue


def set_penalty_rules(conn: apsw.Connection, name: str, rules: Iterable[PenaltyRule]) -> Queue:
    """Replace a queue's penalty rules; none: every penalty may serve, lowest first."""
    ordered = tuple(sorted(rules, key=lambda r: r.after))
    _check_penalty_rules(ordered)
    with conn:
        queue = msgspec.structs.replace(_get_queue(conn, name), penalty_rules=ordered)
        _write_skills_and_rules(conn, queue)
    return queue


# ---- reading -----------------------------------------------------------------------------------------


def load_queues(conn: apsw.Connection, where: str = "", params: tuple = ()) -> tuple[Queue, ...]:
    """Every queue (or those the WHERE clause picks) with its skills and penalty rules, by name."""
    skills = grouped(conn, "SELECT queue, skill, min_level FROM queue_skills")
    rules = grouped(conn, "SELECT queue, after, max_penalty FROM queue_penalty_rules ORDER BY queue, after")
    found = []
    for name, *values in conn.execute(f"SELECT name, {', '.join(_QUEUE_COLUMNS)} FROM queues {where} ORDER BY name", params):
        settings = {c: bool(v) if c in _QUEUE_FLAGS else v for c, v in zip(_QUEUE_COLUMNS, values)}
        penalty_rules = tuple(PenaltyRule(after, limit) for after, limit in rules[name])
        found.append(Queue(name, skills=dict(skills[name]), penalty_rules=penalty_rules, **settings))
    return tuple(found)
