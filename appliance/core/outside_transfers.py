"""Blind transfers to a number outside the branch: dial it through the dial plan, then bridge.

An agent passes a caller on to an outside number from the desktop. The caller hears music while
the number is dialled; when it answers, the two are bridged and the call is the outside party's.
When nobody answers within `RING_S`, or the line refuses, the switchboard puts the caller back in
the queue they came from, keeping their place: a transfer never loses a caller.
"""

from __future__ import annotations

from collections.abc import Callable

import apsw
import msgspec

from appliance.core.dialplan import outbound_target
from appliance.model import BranchConfig
from appliance.store.records import append_event
from appliance.telephony.messages import Bridge, Command, Dial, Hangup

__all__ = ("OutsideTransfers",)

RING_S = 30.0


class _Dialling(msgspec.Struct):
    call_id: str
    number: str
    ring_until: float
    answered: bool = False
    timed_out: bool = False


class OutsideTransfers:
    def __init__(self, conn: apsw.Connection, send: Callable[[Command], None]) -> None:
        self._conn = conn
        self._send = send
        self._legs: dict[str, _Dialling] = {}  # dialled leg -> what it is for
        self._count = 0

    def check(self, config: BranchConfig, number: str) -> str | None:
        """Why `number` cannot be dialled out, or None."""
        target = outbound_target(config, number)
        return target if isinstance(target, str) else None

    def dial(self, config: BranchConfig, call_id: str, caller: str, number: str, now: float) -> None:
        target = outbound_target(config, number)
        if isinstance(target, str):
            raise ValueError(target)  # checked first by the switchboard
        uri, trunk = target
        self._count += 1
        leg_id = f"{call_id}~out{self._count}"
        self._legs[leg_id] = _Dialling(call_id, number, now + RING_S)
        append_event(self._conn, now, "transfer_dialled", call_id=call_id, number=number, trunk=trunk, leg=leg_id)
        self._send(Dial(leg_id, uri, caller, trunk))

    def adopt(self, leg_id: str, call_id: str, number: str) -> None:
        """A consultation with an outside number became the transfer: its leg is answered already."""
        self._legs[leg_id] = _Dialling(call_id, number, 0.0, answered=True)

    def owns(self, leg_id: str) -> bool:
        return leg_id in self._legs

    def live(self) -> int:
        return len(self._legs)

    def answered(self, leg_id: str, now: float) -> None:
        dialling = self._legs[leg_id]
        dialling.answered = True
        append_event(self._conn, now, "transfer_answered", call_id=dialling.call_id, number=dialling.number)
        self._send(Bridge(dialling.call_id, leg_id))

    def ended(self, leg_id: str, reason: str, now: float) -> tuple[str, bool]:
        """(the caller's call id, whether the outside party had answered)."""
        dialling = self._legs.pop(leg_id)
        if not dialling.answered:
            why = "no answer" if dialling.timed_out else reason
            append_event(self._conn, now, "transfer_failed", call_id=dialling.call_id, number=dialling.number,
                         reason=why)
        return dialling.call_id, dialling.answered

    def caller_left(self, call_id: str) -> None:
        for leg_id, dialling in self._legs.items():
            if dialling.call_id == call_id:
                self._send(Hangup(leg_id))

    def next_deadline(self) -> float | None:
        return min((d.ring_until for d in self._legs.values() if not d.answered and not d.timed_out), default=None)

    def tick(self, now: float) -> None:
        for leg_id, dialling in self._legs.items():
            if not dialling.answered and not dialling.timed_out and now >= dialling.ring_until:
                dialling.timed_out = True
                self._send(Hangup(leg_id))  # its LegEnded puts the caller back in their queue
