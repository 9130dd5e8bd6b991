"""Which seat phones answer: when to ping each watched phone, and what the answers mean.

Pure bookkeeping (the caller passes the time in and does the sending, see options.py).

Every `interval` seconds each phone gets a listening window of `ping_timeout(interval)`
seconds; a window with no response at all is one failure, and `failures` of them in a row make
the phone unreachable (so within interval * failures + the timeout of it going quiet). Any
response makes it reachable.

NOTE: pjsip_endpt_send_request ignores its timeout argument in pjsip 2.10 (a PJ_TODO), so an
unanswered OPTIONS transaction lives for Timer F (32 s), retransmitted by pjsip every 4 s at
most. A phone therefore has one transaction at a time: a window opens on a new OPTIONS only
when the last one has ended; otherwise it listens to the one still being retransmitted, whose
answer also shows a phone that comes back. A dead phone costs one packet every 4 s, not a pile
of transactions.
"""

from __future__ import annotations

from dataclasses import dataclass

from appliance.telephony.messages import PhoneReachability, WatchPhones

__all__ = ("NO_RESPONSE", "PING_TIMEOUT_S", "Ping", "PhoneWatch", "ping_timeout")

# pjsip retransmits an unanswered request over UDP at 0.5 s and 1.5 s: three tries in 3 s.
PING_TIMEOUT_S = 3.0
NO_RESPONSE = 408


def ping_timeout(interval: float) -> float:
    """How long one window waits for a response: never past the next one."""
    return min(interval, PING_TIMEOUT_S)


@dataclass(frozen=True)
class Ping:
    ping_id: int
    uri: str


@dataclass
class _Phone:
    uri: str
    next_at: float
    reachable: bool | None = None  # None: not known yet
    silent_windows: int = 0  # windows in a row without any response
    transaction: int = 0  # the ping whose transaction pjsip still runs, 0 for none
    listening_since: float | None = None  # the open window's start


class PhoneWatch:
    def __init__(self) -> None:
        self._phones: dict[str, _Phone] = {}
        self._last_id = 0
        self.interval = 0.0
        self.failures = 1

    @property
    def watching(self) -> bool:
        return bool(self._phones)

    def watch(self, command: WatchPhones, now: float) -> None:
        """Replace the watched set; phones that stay keep what is known about them."""
        if command.interval <= 0 or not command.uris:
            self._phones.clear()
            self.interval = 0.0
            return
        self.interval = command.interval
        self.failures = max(1, command.failures)
        kept = {uri: self._phones[uri] for uri in command.uris if uri in self._phones}
        for phone in kept.values():
            phone.next_at = min(phone.next_at, now + self.interval)
        for uri in command.uris:
            kept.setdefault(uri, _Phone(uri, next_at=now))
        self._phones = kept

    def due(self, now: float) -> list[Ping]:
        """Open the windows that are due; the OPTIONS to send for them (tell `outcome` how each ends)."""
        pings = []
        for phone in self._phones.values():
            if now < phone.next_at or phone.listening_since is not None:
                continue
            phone.listening_since, phone.next_at = now, now + self.interval
            if not phone.transaction:
                self._last_id += 1
                phone.transaction = self._last_id
                pings.append(Ping(self._last_id, phone.uri))
        return pings

    def expired(self, now: float) -> list[PhoneReachability]:
        """Close the windows that heard nothing within the timeout, counting each as a failure."""
        events = []
        timeout = ping_timeout(self.interval)
        for phone in self._phones.values():
            if phone.listening_since is not None and now - phone.listening_since >= timeout:
                event = self._silent(phone, NO_RESPONSE, f"no response within {timeout:g} s")
                if event is not None:
                    events.append(event)
        return events

    def outcome(self, ping_id: int, *, responded: bool, status: int, reason: str) -> PhoneReachability | None:
        """How a ping's transaction ended; the event to report when reachability changed."""
        phone = next((p for p in self._phones.values() if p.transaction == ping_id), None)
        if phone is None:
            return None  # the phone is no longer watched, or was watched again since
        phone.transaction = 0
        if responded:
            phone.silent_windows, phone.listening_since = 0, None
            if phone.reachable is not True:
                phone.reachable = True
                return PhoneReachability(phone.uri, True, status, reason)
            return None
        if phone.listening_since is not None:  # a transport error, or Timer F in an open window
            return self._silent(phone, status, reason)
        return None

    def _silent(self, phone: _Phone, status: int, reason: str) -> PhoneReachability | None:
        phone.listening_since = None
        phone.silent_windows += 1
        if phone.silent_windows >= self.failures and phone.reachable is not False:
            phone.reachable = False
            return PhoneReachability(phone.uri, False, status, reason)
        return None
