"""Which INVITEs the engine takes: a pure decision on the source address, the number and the state."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

import msgspec

from appliance.telephony.messages import SipPolicy

__all__ = ("Admitted", "Refused", "admit", "allowed_networks", "dialled_number", "trunk_for")

FORBIDDEN = 403
NOT_FOUND = 404
UNAVAILABLE = 503


class Admitted(msgspec.Struct, frozen=True):
    trunk: str | None  # None for a call from a seat's phone


class Refused(msgspec.Struct, frozen=True):
    status: int
    reason: str


@lru_cache(maxsize=1024)
def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    return ipaddress.ip_network(text, strict=False)


def trunk_for(policy: SipPolicy, source_ip: str) -> str | None:
    """The first trunk (by name) whose gateway networks contain the source address."""
    address = ipaddress.ip_address(source_ip)
    for trunk in sorted(policy.trunk_networks):
        if any(address in _network(n) for n in policy.trunk_networks[trunk]):
            return trunk
    return None


def allowed_networks(policy: SipPolicy) -> list[str]:
    """Every source that may send SIP at all: trunk gateways and the hosts of seat phones."""
    networks = {n for nets in policy.trunk_networks.values() for n in nets}
    networks.update(f"{host}/32" for host in policy.seat_hosts)
    return sorted(networks)


def admit(policy: SipPolicy, source_ip: str, did: str, *, accepting: bool) -> Admitted | Refused:
    if not accepting:
        return Refused(UNAVAILABLE, "shutting down")
    try:
        trunk = trunk_for(policy, source_ip)
    except ValueError:
        return Refused(FORBIDDEN, f"source {source_ip!r} is not an IP address")
    if trunk is None and source_ip not in policy.seat_hosts:
        return Refused(FORBIDDEN, f"source {source_ip} is not a configured trunk or seat")
    if did not in policy.dids:
        return Refused(NOT_FOUND, f"number {did!r} is not a configured DID")
    return Admitted(trunk)


def dialled_number(policy: SipPolicy, request_user: str, to_user: str) -> str:
    """The DID of an INVITE: a gateway puts it in the Request-URI; a carrier delivering to the
    contact we registered puts our account there and the dialled number in To."""
    if request_user in policy.dids or not to_user:
        return request_user
    return to_user
