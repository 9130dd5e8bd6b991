"""What the engine remembers about each call leg, and what the leg should hear."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

__all__ = ("Leg", "MediaPlan")


class MediaPlan(enum.Enum):
    """What a leg hears. Kept per leg so that it can be connected again after a re-INVITE."""

    SILENCE = "silence"
    PROMPT = "prompt"
    MOH = "moh"
    PEER = "peer"


@dataclass
class Leg:
    leg_id: str
    call: Any  # the pjsua2 call; None while an outbound leg waits for room in the leg budget
    inbound: bool
    pending_dial: str | None = None
    caller: str = ""  # the caller's number, shown on the seat phone we dial
    answered: bool = False
    rang: bool = False
    hung_up_here: bool = False
    plan: MediaPlan = MediaPlan.SILENCE
    peer: str | None = None
    player: Any = None  # the leg's own prompt player; kept referenced while pjsua2 uses it
    prompt: str = ""
    prompt_path: str = ""
    prompt_seconds: float = 0.0
    prompt_ends_at: float = 0.0
    rtp_received: int = 0
    rtp_seen_at: float = 0.0
