"""The branch's configuration as plain data, shared by the store, the core and the telephony adapter."""

from __future__ import annotations

import functools
import ipaddress
import re
from typing import Any

import msgspec

from appliance.errors import InvalidInput

__all__ = (
    "STRATEGIES",
    "AcdSettings",
    "Agent",
    "BranchConfig",
    "DialRule",
    "Did",
    "PauseCode",
    "PenaltyRule",
    "Queue",
    "Seat",
    "SipUri",
    "Trunk",
    "parse_gateway",
    "parse_name",
    "parse_sip_uri",
    "parse_skill",
)

SKILL_LEVELS = range(1, 11)
DEFAULT_SIP_PORT = 5060

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
# sip:USER@HOST[:PORT] — the form every desk phone and softphone accepts for direct IP calls.
_SIP_URI = re.compile(r"^sips?:(?P<user>[^@\s:;]+)@(?P<host>[A-Za-z0-9.-]+)(?::(?P<port>\d{1,5}))?$")


class SipUri(msgspec.Struct, frozen=True):
    user: str
    host: str
    port: int = DEFAULT_SIP_PORT

    def __str__(self) -> str:
        return f"sip:{self.user}@{self.host}:{self.port}"


class Trunk(msgspec.Struct, frozen=True):
    name: str
    gateways: tuple[str, ...] = ()
    register_uri: str | None = None
    register_password: str | None = None
    # Where calls out through a gateway trunk go (sip:HOST[:PORT]); a carrier trunk dials its registrar.
    outbound_proxy: str | None = None


class Seat(msgspec.Struct, frozen=True):
    name: str
    phone_uri: str
    remote_answer: bool = False  # the phone answers when asked (Call-Info answer-after=0)


class Agent(msgspec.Struct, frozen=True):
    id: str
    name: str
    skills: dict[str, int] = {}
    # queue -> penalty (tier). 0 when absent: lower penalties get a queue's calls first.
    penalties: dict[str, int] = {}
    wrapup: int | None = None  # overrides every queue's wrap-up when set
    team: str | None = None  # its team leaders see this agent on their desktop

    def penalty(self, queue: str) -> int:
        return self.penalties.get(queue, 0)


# How a queue picks among the agents who could take a call (see docs/acd.md).
STRATEGIES = (
    "longest-idle",
    "fewest-calls",
    "least-talk-time",
    "skill-level",
    "round-robin",
    "ring-all",
    "random",
    "linear",
)


class PenaltyRule(msgspec.Struct, frozen=True):
    """Once a caller has waited `after` seconds, agents with penalty up to `max_penalty` may take it."""

    after: int
    max_penalty: int


class Queue(msgspec.Struct, frozen=True):
    name: str
    ring_timeout: int = 15
    wrapup: int = 10
    max_wait: int = 300
    skills: dict[str, int] = {}
    strategy: str = "longest-idle"
    priority_step: int = 0  # seconds of waiting that raise a caller's priority by one; 0 = no aging
    penalty_rules: tuple[PenaltyRule, ...] = ()  # none: every penalty may serve, lowest first
    join_empty: bool = True  # may callers join when no agent who could serve is signed in?
    leave_empty: bool = False  # do waiting callers leave when the last such agent signs out?
    max_callers: int = 0  # waiting callers allowed; 0 = no limit
    overflow: str = "sorry"  # after max-wait, when full or empty: sorry | callback | queue:NAME
    announce_position: bool = True
    announce_wait: bool = True
    announce_every: int = 60  # seconds between announcements after the first; 0 = on entry only
    announce_min_gap: int = 15  # never two announcements closer than this
    announce_round: int = 60  # the estimated wait is rounded up to this many seconds
    callback_key: str = ""  # the DTMF key that leaves a callback request; "" = no callbacks
    service_level: int = 20  # seconds: "answered within T" for the service level
    short_abandon: int = 5  # callers who leave sooner are not counted as abandoned
    handle_time: int = 180  # assumed handle time (s) until the queue has answered calls to learn from

    def accepts(self, agent: Agent) -> bool:
        """An agent can serve this queue when they hold every required skill at the minimum level."""
        return all(agent.skills.get(skill, 0) >= level for skill, level in self.skills.items())

    def skill_score(self, agent: Agent) -> int:
        """For the skill-level strategy: the agent's levels in the skills this queue requires."""
        return sum(agent.skills.get(skill, 0) for skill in self.skills)

    def penalty_limit(self, waited: float) -> int | None:
        """The highest penalty that may serve a caller who has waited this long; None = any."""
        if not self.penalty_rules:
            return None
        reached = [r.max_penalty for r in self.penalty_rules if waited >= r.after]
        return max(reached, default=0)

    def overflow_queue(self) -> str | None:
        return self.overflow.removeprefix("queue:") if self.overflow.startswith("queue:") else None


class PauseCode(msgspec.Struct, frozen=True):
    """A reason an agent gives for Not Ready; `label_zh` is what Chinese screens show."""

    code: str
    label: str
    label_zh: str = ""
    system: bool = False  # set by the appliance itself (missed, login); agents cannot choose it


class AcdSettings(msgspec.Struct, frozen=True):
    """Branch-wide distributor settings (like mod_callcenter's per-agent delays)."""

    max_no_answer: int = 3  # consecutive ring-no-answers that pause the agent (reason "missed"); 0 = never
    no_answer_delay: int = 5  # seconds an agent who missed a call is not offered another
    busy_delay: int = 10  # ... whose phone answered busy
    unreachable_delay: int = 30  # ... whose phone could not be reached
    wrapup_extend: int = 60  # seconds one "extend" adds to a wrap-up
    ping_interval: int = 15  # seconds between OPTIONS pings to each seat phone; 0 = no pings
    ping_failures: int = 2  # unanswered pings in a row that mark the phone unreachable
    callback_attempts: int = 3  # tries to reach a customer who asked for a callback
    callback_retry: int = 300  # seconds before the next try


class DialRule(msgspec.Struct, frozen=True):
    """Numbers matching `pattern` may be dialled out through `trunk` (see appliance/core/dialplan.py)."""

    name: str
    pattern: str
    trunk: str
    strip: int = 0  # leading digits removed before dialling
    prefix: str = ""  # then prepended


class Did(msgspec.Struct, frozen=True):
    number: str
    queue: str | None = None
    flow: str | None = None
    priority: int = 0  # callers on this number start with this priority (a VIP line), until the IVR sets it


class BranchConfig(msgspec.Struct, frozen=True, dict=True):
    """Everything the running server needs to know, loaded in one read of the database.

    Lookups by name go through indexes built on first use: the distributor asks them on every
    routing decision, and a scan of 200 agents each time was a third of its time.
    """

    trunks: tuple[Trunk, ...] = ()
    seats: tuple[Seat, ...] = ()
    agents: tuple[Agent, ...] = ()
    queues: tuple[Queue, ...] = ()
    dids: tuple[Did, ...] = ()
    language: str = "en"
    pause_codes: tuple[PauseCode, ...] = ()
    dial_rules: tuple[DialRule, ...] = ()
    acd: AcdSettings = AcdSettings()
    flows: dict[str, int] = {}  # IVR flow name -> the version new calls start on

    @functools.cached_property
    def _index(self) -> dict[str, dict[str, Any]]:
        return {
            "queue": {q.name: q for q in self.queues},
            "agent": {a.id: a for a in self.agents},
            "seat": {s.name: s for s in self.seats},
            "did": {d.number: d for d in self.dids},
            "trunk": {t.name: t for t in self.trunks},
            "pause_code": {p.code: p for p in self.pause_codes},
        }

    def queue(self, name: str) -> Queue | None:
        return self._index["queue"].get(name)

    def agent(self, agent_id: str) -> Agent | None:
        return self._index["agent"].get(agent_id)

    def seat(self, name: str) -> Seat | None:
        return self._index["seat"].get(name)

    def did(self, number: str) -> Did | None:
        return self._index["did"].get(number)

    def trunk(self, name: str) -> Trunk | None:
        return self._index["trunk"].get(name)

    def pause_code(self, code: str) -> PauseCode | None:
        return self._index["pause_code"].get(code)


def parse_name(value: str, what: str) -> str:
    if not _NAME.match(value):
        raise InvalidInput(
            f"{what} name {value!r} is not valid: use 1-64 letters, digits, '-', '_' or '.', "
            "starting with a letter or digit."
        )
    return value


def parse_sip_uri(value: str) -> SipUri:
    match = _SIP_URI.match(value.strip())
    if not match:
        raise InvalidInput(f"{value!r} is not a SIP URI: write it as sip:USER@HOST or sip:USER@HOST:PORT.")
    port = int(match["port"] or DEFAULT_SIP_PORT)
    if not 0 < port < 65536:
        raise InvalidInput(f"{value!r} has port {port}: a port is a number from 1 to 65535.")
    return SipUri(match["user"], match["host"], port)


def parse_gateway(value: str) -> str:
    """An address or network (ADDR[/PREFIX]) that calls are accepted from, normalised."""
    try:
        return str(ipaddress.ip_network(value.strip(), strict=False))
    except ValueError:
        raise InvalidInput(
            f"gateway {value!r} is not an IP address or network: write it as 192.0.2.10 or 192.0.2.0/24."
        ) from None


def parse_skill(value: str, *, default_level: int | None) -> tuple[str, int]:
    """SKILL:LEVEL (or SKILL alone, where a default level exists) with the level from 1 to 10."""
    skill, sep, level_text = value.partition(":")
    skill = skill.strip()
    if not skill or not _NAME.match(skill):
        raise InvalidInput(f"skill {value!r} is not valid: write it as NAME:LEVEL, for example loans:5.")
    if not sep:
        if default_level is None:
            raise InvalidInput(f"skill {value!r} has no level: write it as {skill}:LEVEL with LEVEL from 1 to 10.")
        return skill, default_level
    if not level_text.isdigit() or int(level_text) not in SKILL_LEVELS:
        raise InvalidInput(f"skill {value!r} has level {level_text!r}: a level is a whole number from 1 to 10.")
    return skill, int(level_text)
