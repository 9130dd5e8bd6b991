"""What the engine remembers about each call leg, and what the leg should hear."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from appliance.telephony.dtmf import DtmfDeduplicator

__all__ = ("Leg", "MediaPlan", "Monitoring", "Segment")


class MediaPlan(enum.Enum):
    """What a leg hears. Kept per leg so that it can be connected again after a re-INVITE."""

    SILENCE = "silence"
    PROMPT = "prompt"
    MOH = "moh"
    PEER = "peer"


@dataclass(frozen=True)
class Segment:
    """Files of a prompt that one player plays back to back (they share one WAV format)."""

    paths: tuple[str, ...]
    seconds: float


@dataclass(frozen=True)
class Monitoring:
    """Which conversation a supervisor's leg is connected to, and how (messages.Monitor)."""

    caller_leg: str
    agent_leg: str
    mode: str


@dataclass
class Leg:
    leg_id: str
    call: Any  # the pjsua2 call; None while an outbound leg waits for room in the leg budget
    inbound: bool
    pending_dial: str | None = None
    caller: str = ""  # the caller's number, shown on the seat phone we dial
    trunk: str | None = None  # dial from this carrier trunk's registered account
    auto_answer: bool = False  # the INVITE asks the phone to answer at once
    answered: bool = False
    rang: bool = False
    hung_up_here: bool = False
    hangup_at: float = 0.0  # a BYE is due then (Hangup with `after`)
    plan: MediaPlan = MediaPlan.SILENCE
    peer: str | None = None
    player: Any = None  # the leg's own prompt player; kept referenced while pjsua2 uses it
    prompt: str = ""
    prompt_segments: tuple[Segment, ...] = ()  # the one playing first, then those still to come
    prompt_seconds: float = 0.0  # of the segment playing
    prompt_ends_at: float = 0.0  # when the segment playing has been heard; 0 until it is connected
    recording: Any = None  # the leg's Recording while one runs (telephony/recorder.py)
    monitoring: Monitoring | None = None  # a supervisor's leg: the conversation it is connected to
    rtp_received: int = 0
    rtp_seen_at: float = 0.0
    dtmf: DtmfDeduplicator = field(default_factory=DtmfDeduplicator)
