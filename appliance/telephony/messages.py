"""What crosses between the telephony thread and the core: plain msgspec Structs, no pjsua2.

Every leg (an inbound caller or an outbound call to a seat's phone) has a `leg_id` chosen by
whoever created it: the engine for inbound calls, the core for the legs it dials.
"""

from __future__ import annotations

import msgspec

__all__ = (
    "Answer",
    "Bridge",
    "CallArrived",
    "CallRefused",
    "Command",
    "Dial",
    "EngineFailed",
    "Event",
    "Hangup",
    "HangupAll",
    "LegAnswered",
    "LegEnded",
    "LegRinging",
    "MusicOnHold",
    "Play",
    "PromptFinished",
    "SipPolicy",
    "TrunkRegistration",
)


# ---- events: engine -> core -------------------------------------------------------------------


class CallArrived(msgspec.Struct, frozen=True, tag=True):
    """An INVITE passed the source and DID checks; the caller hears ringing until answered."""

    leg_id: str
    caller: str
    did: str
    source: str
    trunk: str | None


class CallRefused(msgspec.Struct, frozen=True, tag=True):
    """An INVITE answered with an error status at once (unknown DID, unknown source, full)."""

    source: str
    did: str
    status: int
    reason: str


class LegRinging(msgspec.Struct, frozen=True, tag=True):
    leg_id: str


class LegAnswered(msgspec.Struct, frozen=True, tag=True):
    """A dialled leg answered, or an inbound leg's answer was confirmed by ACK."""

    leg_id: str


class LegEnded(msgspec.Struct, frozen=True, tag=True):
    """The leg is gone. `by_far_end` tells who ended it; `status` is the final SIP status."""

    leg_id: str
    by_far_end: bool
    status: int
    reason: str


class PromptFinished(msgspec.Struct, frozen=True, tag=True):
    leg_id: str
    prompt: str


class EngineFailed(msgspec.Struct, frozen=True, tag=True):
    reason: str


Event = CallArrived | CallRefused | LegRinging | LegAnswered | LegEnded | PromptFinished | EngineFailed


# ---- commands: core -> engine -----------------------------------------------------------------


class Answer(msgspec.Struct, frozen=True, tag=True):
    leg_id: str


class Play(msgspec.Struct, frozen=True, tag=True):
    """Play a WAV file to the leg once; PromptFinished follows when it has been heard."""

    leg_id: str
    prompt: str
    path: str


class MusicOnHold(msgspec.Struct, frozen=True, tag=True):
    """Connect the leg to the one shared music-on-hold player."""

    leg_id: str


class Dial(msgspec.Struct, frozen=True, tag=True):
    """Call a phone. The engine paces it against the leg budget; the core owns the ring timeout."""

    leg_id: str
    uri: str
    caller: str


class Bridge(msgspec.Struct, frozen=True, tag=True):
    """Audio both ways between two answered legs (whatever they heard before stops)."""

    leg_a: str
    leg_b: str


class Hangup(msgspec.Struct, frozen=True, tag=True):
    """End a leg: BYE when answered, CANCEL while ringing, or `status` to an unanswered inbound leg."""

    leg_id: str
    status: int = 0


class HangupAll(msgspec.Struct, frozen=True, tag=True):
    """Stop taking calls and end every leg: the first step of a shutdown."""


class TrunkRegistration(msgspec.Struct, frozen=True):
    trunk: str
    uri: str
    password: str


class SipPolicy(msgspec.Struct, frozen=True, tag=True):
    """Who may send SIP to the engine and which numbers it answers; replaced on every config change."""

    trunk_networks: dict[str, tuple[str, ...]]
    seat_hosts: tuple[str, ...]
    dids: frozenset[str]
    registrations: tuple[TrunkRegistration, ...] = ()


Command = Answer | Play | MusicOnHold | Dial | Bridge | Hangup | HangupAll | SipPolicy
