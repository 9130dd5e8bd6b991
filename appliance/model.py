"""The branch's configuration as plain data, shared by the store, the core and the telephony adapter."""

from __future__ import annotations

import ipaddress
import re

import msgspec

from appliance.errors import InvalidInput

__all__ = (
    "Agent",
    "BranchConfig",
    "Did",
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


class Seat(msgspec.Struct, frozen=True):
    name: str
    phone_uri: str


class Agent(msgspec.Struct, frozen=True):
    id: str
    name: str
    skills: dict[str, int] = {}


class Queue(msgspec.Struct, frozen=True):
    name: str
    ring_timeout: int = 15
    wrapup: int = 10
    max_wait: int = 300
    skills: dict[str, int] = {}

    def accepts(self, agent: Agent) -> bool:
        """An agent can serve this queue when they hold every required skill at the minimum level."""
        return all(agent.skills.get(skill, 0) >= level for skill, level in self.skills.items())


class Did(msgspec.Struct, frozen=True):
    number: str
    queue: str | None = None
    flow: str | None = None


class BranchConfig(msgspec.Struct, frozen=True):
    """Everything the running server needs to know, loaded in one read of the database."""

    trunks: tuple[Trunk, ...] = ()
    seats: tuple[Seat, ...] = ()
    agents: tuple[Agent, ...] = ()
    queues: tuple[Queue, ...] = ()
    dids: tuple[Did, ...] = ()
    language: str = "en"

    def queue(self, name: str) -> Queue | None:
        return next((q for q in self.queues if q.name == name), None)

    def agent(self, agent_id: str) -> Agent | None:
        return next((a for a in self.agents if a.id == agent_id), None)

    def seat(self, name: str) -> Seat | None:
        return next((s for s in self.seats if s.name == name), None)

    def did(self, number: str) -> Did | None:
        return next((d for d in self.dids if d.number == number), None)


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
