"""Agents' phone legs: which leg rings (or talks to) which agent for which call, and each offer's record.

One registry for callers' calls and callback requests alike, so the switchboard asks one place
"whose leg is this?" and every offer is recorded the same way (`call_offers` and the
`offer_started` / `offer_ended` events).
"""

from __future__ import annotations

from collections.abc import Callable

import apsw
import msgspec

from appliance.acd.actions import Offer
from appliance.store.records import append_event, record_offer
from appliance.telephony.messages import Command, Dial, Hangup

__all__ = ("AgentLegs",)


class _Ringing(msgspec.Struct):
    leg_id: str
    queue: str | None
    seat: str
    offered_at: float


class AgentLegs:
    def __init__(self, conn: apsw.Connection, send: Callable[[Command], None]) -> None:
        self._conn = conn
        self._send = send
        self._owners: dict[str, tuple[str, str]] = {}  # leg -> (call id, agent id), until the leg ends
        self._ringing: dict[tuple[str, str], _Ringing] = {}  # (call id, agent id) -> the offer ringing
        self._dialled: dict[str, int] = {}  # call id -> legs dialled for it so far

    def ring(self, offer: Offer, queue: str | None, shown_caller: str, now: float) -> str:
        """Dial the agent's seat phone for this call; the phone shows `shown_caller`."""
        count = self._dialled[offer.call_id] = self._dialled.get(offer.call_id, 0) + 1
        leg_id = f"{offer.call_id}~{count}"
        self._owners[leg_id] = (offer.call_id, offer.agent_id)
        self._ringing[(offer.call_id, offer.agent_id)] = _Ringing(leg_id, queue, offer.seat, now)
        append_event(self._conn, now, "offer_started", call_id=offer.call_id, queue=queue, agent_id=offer.agent_id,
                     seat=offer.seat, callback=offer.callback is not None)
        self._send(Dial(leg_id, offer.phone_uri, shown_caller))
        return leg_id

    def owner(self, leg_id: str) -> tuple[str, str] | None:
        return self._owners.get(leg_id)

    def ring_again_to_answer(self, call_id: str, agent_id: str, phone_uri: str, shown_caller: str) -> bool:
        """The agent clicked Answer: the ringing INVITE is replaced by one asking the phone to
        answer at once. The offer (its record and ring timeout) carries on. False when not ringing."""
        ringing = self._ringing.get((call_id, agent_id))
        if ringing is None:
            return False
        self._owners.pop(ringing.leg_id, None)  # its end is no news: the offer carries on
        self._send(Hangup(ringing.leg_id))
        count = self._dialled[call_id] = self._dialled.get(call_id, 0) + 1
        ringing.leg_id = f"{call_id}~{count}"
        self._owners[ringing.leg_id] = (call_id, agent_id)
        self._send(Dial(ringing.leg_id, phone_uri, shown_caller, auto_answer=True))
        return True

    def adopt(self, leg_id: str, call_id: str, agent_id: str) -> None:
        """A leg dialled outside the offers (a consultation) becomes the agent's leg for this call."""
        self._owners[leg_id] = (call_id, agent_id)

    def leg_of(self, call_id: str, agent_id: str) -> str | None:
        """The agent's live leg for this call (ringing or answered), if any."""
        return next((leg for leg, owner in self._owners.items() if owner == (call_id, agent_id)), None)

    def any_ringing(self, call_id: str) -> bool:
        return any(key[0] == call_id for key in self._ringing)

    def answered(self, call_id: str, agent_id: str, now: float) -> str | None:
        """The agent took the call: the offer ends as answered; the leg stays theirs until it ends."""
        ringing = self._close(call_id, agent_id, "answered", now)
        return ringing.leg_id if ringing else None

    def cancel(self, call_id: str, agent_id: str, outcome: str, now: float) -> None:
        """Stop the agent's phone ringing for this call, and record how the offer ended."""
        ringing = self._close(call_id, agent_id, outcome, now)
        if ringing is not None:
            self._owners.pop(ringing.leg_id, None)
            self._send(Hangup(ringing.leg_id))

    def failed(self, leg_id: str, outcome: str, now: float) -> None:
        """The phone refused or could not be reached: the leg is gone already."""
        owner = self._owners.pop(leg_id, None)
        if owner is not None:
            self._close(*owner, outcome, now)

    def hang_up(self, leg_id: str | None) -> None:
        """End an agent's leg that the switchboard no longer wants to hear about."""
        if leg_id and self._owners.pop(leg_id, None) is not None:
            self._send(Hangup(leg_id))

    def ended(self, leg_id: str) -> None:
        self._owners.pop(leg_id, None)

    def forget_call(self, call_id: str) -> None:
        self._dialled.pop(call_id, None)

    def _close(self, call_id: str, agent_id: str, outcome: str, now: float) -> _Ringing | None:
        ringing = self._ringing.pop((call_id, agent_id), None)
        if ringing is None:
            return None
        record_offer(self._conn, call_id, agent_id, ringing.seat, ringing.offered_at, now, outcome)
        append_event(self._conn, now, "offer_ended", call_id=call_id, queue=ringing.queue, agent_id=agent_id,
                     outcome=outcome)
        return ringing
