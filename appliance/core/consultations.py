"""Consultations: an agent puts the caller on hold and talks to a colleague or an outside number
first, then completes the transfer or goes back to the caller.

This keeps which leg is whose and its ring deadline; the switchboard carries out the rest
(music for the caller, bridging the agent to the consulted party, the hand-over).
"""

from __future__ import annotations

import msgspec

__all__ = ("CONSULT_RING_S", "Consultation", "Consultations")

CONSULT_RING_S = 30.0  # a consultation nobody answers by then is given up


class Consultation(msgspec.Struct):
    call_id: str
    agent_id: str  # who consults
    leg_id: str
    to: str  # agent | number
    target: str
    ring_until: float
    answered: bool = False

    @property
    def state(self) -> str:
        return "talking" if self.answered else "ringing"


class Consultations:
    def __init__(self) -> None:
        self._by_call: dict[str, Consultation] = {}
        self._count = 0

    def start(self, call_id: str, agent_id: str, to: str, target: str, now: float) -> Consultation:
        self._count += 1
        consultation = Consultation(call_id, agent_id, f"{call_id}~consult{self._count}", to, target,
                                    now + CONSULT_RING_S)
        self._by_call[call_id] = consultation
        return consultation

    def of_call(self, call_id: str) -> Consultation | None:
        return self._by_call.get(call_id)

    def of_leg(self, leg_id: str) -> Consultation | None:
        return next((c for c in self._by_call.values() if c.leg_id == leg_id), None)

    def forget(self, call_id: str) -> Consultation | None:
        return self._by_call.pop(call_id, None)

    def live(self) -> int:
        return len(self._by_call)

    def next_deadline(self) -> float | None:
        return min((c.ring_until for c in self._by_call.values() if not c.answered), default=None)

    def unanswered_by(self, now: float) -> list[str]:
        """Legs still ringing at their deadline (each once: its deadline is cleared)."""
        legs = []
        for consultation in self._by_call.values():
            if not consultation.answered and now >= consultation.ring_until:
                consultation.ring_until = float("inf")
                legs.append(consultation.leg_id)
        return legs
