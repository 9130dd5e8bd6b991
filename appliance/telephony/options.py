"""SIP OPTIONS pings to the watched seat phones, sent by pjsip itself from the engine's socket.

NOTE: pjsua2 2.10 has no call for a request outside a dialog, so the pings go through the pjsip
C API (pjsip_endpt_send_request, see pjsip_c.py). We chose that over a socket of our own because
the pings then leave from the engine's SIP port with pjsip's Via, and a phone that only takes
SIP from the appliance's address and port answers them; retransmission and matching come with
pjsip's transaction layer. The cost is a little ctypes: one callback kept alive for pjsip's
lifetime, and one structure offset (pjsip_event) read on this fixed build; and, as pjsip 2.10
ignores the timeout of pjsip_endpt_send_request, an unanswered ping's transaction keeps
retransmitting for 32 s after we have counted it (see reachability.py).

NOTE: pjsip resolves a host name synchronously when it has no DNS resolver configured, which
would stall every call while DNS answers. Names are resolved here on a helper thread and the
ping goes to the address (the To header keeps the URI as configured).
"""

from __future__ import annotations

import ipaddress
import logging
import queue
import re
import socket
import threading
from collections.abc import Callable

import pjsua2 as pj

from appliance.telephony.messages import Event, WatchPhones
from appliance.telephony.pjsip_c import SEND_CALLBACK, read_outcome, send_options
from appliance.telephony.reachability import NO_RESPONSE, PhoneWatch, Ping

__all__ = ("PhonePinger",)

log = logging.getLogger(__name__)

DNS_TTL_S = 300.0
DNS_FAILURE_TTL_S = 30.0
UNRESOLVED = 503
_URI_HOST = re.compile(r"^(?P<head>sips?:(?:[^@;>]*@)?)(?P<host>\[[^\]]+\]|[^:;>?]+)(?P<tail>.*)$")


class PhonePinger:
    """Watches seat phones (WatchPhones in, PhoneReachability out). Engine thread only."""

    def __init__(self, sender_uri: str, emit: Callable[[Event], None]) -> None:
        self._sender = f"<{sender_uri}>"
        self._emit = emit
        self._watch = PhoneWatch()
        # NOTE: kept referenced for as long as this object: pjsip may call it until libDestroy.
        self._callback = SEND_CALLBACK(self._on_done)
        self._resolver = _Resolver()
        self._waiting_for_dns: dict[str, list[Ping]] = {}
        self._closed = False

    def watch(self, command: WatchPhones, now: float) -> None:
        self._watch.watch(command, now)

    def tick(self, now: float) -> None:
        if not self._watch.watching or self._closed:
            return
        for ping in self._watch.due(now):
            self._send(ping, now)
        for host, address in self._resolver.finished(now):
            for ping in self._waiting_for_dns.pop(host, []):
                self._send_to(ping, address, host)
        for event in self._watch.expired(now):
            self._emit(event)

    def close(self) -> None:
        """Stop reporting; pjsip may still end pings in flight while it shuts down."""
        self._closed = True
        self._resolver.close()

    def _send(self, ping: Ping, now: float) -> None:
        match = _URI_HOST.match(ping.uri)
        if match is None:
            self._report(ping.ping_id, False, 0, "not a SIP URI")
            return
        host = match["host"]
        if _is_address(host):
            self._send_to(ping, host, host)
            return
        cached = self._resolver.cached(host, now)
        if cached is _Resolver.PENDING:
            self._waiting_for_dns.setdefault(host, []).append(ping)
        else:
            self._send_to(ping, cached, host)

    def _send_to(self, ping: Ping, address: str | None, host: str) -> None:
        if address is None:
            self._report(ping.ping_id, False, UNRESOLVED, f"cannot resolve {host}")
            return
        match = _URI_HOST.match(ping.uri)
        target = f"{match['head']}{address}{match['tail']}" if match else ping.uri
        status = send_options(target, f"<{ping.uri}>", self._sender, ping.ping_id, self._callback)
        if status != 0:
            reason = pj.Endpoint.instance().utilStrError(status)
            self._report(ping.ping_id, False, NO_RESPONSE, f"cannot send OPTIONS: {reason}")

    def _on_done(self, token: int | None, event: int | None) -> None:
        # Called by pjsip from inside libHandleEvents: nothing may escape into C.
        try:
            if self._closed or not token or not event:
                return
            responded, status, reason = read_outcome(event)
            self._report(token, responded, status, reason)
        except Exception:
            log.exception("reading an OPTIONS outcome failed")

    def _report(self, ping_id: int, responded: bool, status: int, reason: str) -> None:
        event = self._watch.outcome(ping_id, responded=responded, status=status, reason=reason)
        if event is not None:
            self._emit(event)


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


class _Resolver:
    """Host names looked up on a helper thread, remembered for DNS_TTL_S (failures DNS_FAILURE_TTL_S)."""

    PENDING = object()

    def __init__(self) -> None:
        self._cache: dict[str, tuple[str | None, float]] = {}
        self._asked: set[str] = set()
        self._answers: queue.SimpleQueue[tuple[str, str | None]] = queue.SimpleQueue()

    def cached(self, host: str, now: float) -> object:
        entry = self._cache.get(host)
        if entry is not None and now < entry[1]:
            return entry[0]
        if host not in self._asked:
            self._asked.add(host)
            threading.Thread(target=self._lookup, args=(host,), name="phone-dns", daemon=True).start()
        return self.PENDING

    def finished(self, now: float) -> list[tuple[str, str | None]]:
        done = []
        while True:
            try:
                host, address = self._answers.get_nowait()
            except queue.Empty:
                return done
            self._asked.discard(host)
            self._cache[host] = (address, now + (DNS_TTL_S if address else DNS_FAILURE_TTL_S))
            done.append((host, address))

    def close(self) -> None:
        self._asked.clear()

    def _lookup(self, host: str) -> None:
        try:
            address = socket.getaddrinfo(host, None, socket.AF_INET, socket.SOCK_DGRAM)[0][4][0]
        except (OSError, IndexError):
            address = None
        self._answers.put((host, address))
