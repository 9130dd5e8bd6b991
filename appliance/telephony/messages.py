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
    "DtmfReceived",
    "EngineFailed",
    "Event",
    "Hangup",
    "HangupAll",
    "LegAnswered",
    "LegEnded",
    "LegRinging",
    "MONITOR_MODES",
    "Monitor",
    "MusicOnHold",
    "PhoneReachability",
    "Play",
    "PromptFinished",
    "Record",
    "RecordingStopped",
    "Silence",
    "SipPolicy",
    "StopRecording",
    "TrunkRegistration",
    "WatchPhones",
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


class DtmfReceived(msgspec.Struct, frozen=True, tag=True):
    """A key the far end of a leg pressed, by RFC 2833 or SIP INFO; each press is reported once.

    `digit` is one of 0-9, *, # or A-D.
    """

    leg_id: str
    digit: str


class RecordingStopped(msgspec.Struct, frozen=True, tag=True):
    """A recording ended (stopped, its time limit reached, or the leg ended); the WAV is complete.

    `seconds` is the audio actually written; `reason` is "stopped", "limit" or "leg ended".
    """

    leg_id: str
    path: str
    seconds: float
    reason: str


class PhoneReachability(msgspec.Struct, frozen=True, tag=True):
    """A watched seat phone started or stopped answering SIP OPTIONS (sent on changes only).

    Reachable: the phone sent a SIP response, whatever its status (404, 405 and 486 count; it is
    alive); `status` and `reason` are the response's. Unreachable: `failures` pings in a row got
    no response at all; `status` is then 408 (no response in time, or the OPTIONS could not be
    sent), 503 (transport error, or the host name does not resolve) or 0 (not a SIP URI), and
    `reason` says which in words.
    """

    uri: str
    reachable: bool
    status: int
    reason: str


class EngineFailed(msgspec.Struct, frozen=True, tag=True):
    reason: str


Event = (
    CallArrived
    | CallRefused
    | LegRinging
    | LegAnswered
    | LegEnded
    | PromptFinished
    | DtmfReceived
    | RecordingStopped
    | PhoneReachability
    | EngineFailed
)


# ---- commands: core -> engine -----------------------------------------------------------------


class Answer(msgspec.Struct, frozen=True, tag=True):
    leg_id: str


class Play(msgspec.Struct, frozen=True, tag=True):
    """Play WAV files to the leg once, one after another; PromptFinished follows when the last
    has been heard. One file is a 1-tuple. A file that cannot be played ends the prompt at once
    (PromptFinished, and a warning in the log) rather than leaving the caller in silence.
    """

    leg_id: str
    prompt: str
    paths: tuple[str, ...]


class Silence(msgspec.Struct, frozen=True, tag=True):
    """The leg hears nothing: stops a prompt (no PromptFinished follows) or music on hold."""

    leg_id: str


class Record(msgspec.Struct, frozen=True, tag=True):
    """Record what the far end of the leg says into `path` (WAV), for at most `max_seconds`;
    RecordingStopped follows. A leg has at most one recording at a time.

    `both_sides`: a conversation recording. The file also holds whoever the leg is bridged to
    (whoever that is from moment to moment) and a supervisor barging in; never music on hold,
    prompts, or a whisper.
    """

    leg_id: str
    path: str
    max_seconds: float
    both_sides: bool = False


class StopRecording(msgspec.Struct, frozen=True, tag=True):
    leg_id: str


class MusicOnHold(msgspec.Struct, frozen=True, tag=True):
    """Connect the leg to the one shared music-on-hold player."""

    leg_id: str


class Dial(msgspec.Struct, frozen=True, tag=True):
    """Call a phone or a number. The engine paces it against the leg budget; the core owns the
    ring timeout. With `trunk` naming a carrier trunk the engine registers, the call goes out from
    that carrier account (so the carrier's digest authentication applies); otherwise from the
    engine's own account. The core builds the URI (sip:NUMBER@HOST:PORT for a carrier).
    """

    leg_id: str
    uri: str
    caller: str
    trunk: str | None = None
    auto_answer: bool = False  # ask the phone to answer at once (Call-Info answer-after=0)


class Bridge(msgspec.Struct, frozen=True, tag=True):
    """Audio both ways between two answered legs (whatever they heard before stops)."""

    leg_a: str
    leg_b: str


class Monitor(msgspec.Struct, frozen=True, tag=True):
    """Connect an answered supervisor's leg to a conversation between `caller_leg` and `agent_leg`.

    listen: the supervisor hears both; nobody hears the supervisor. whisper: the agent hears the
    supervisor too. barge: both do. Sent again to change mode; it lasts until one of the legs ends.
    """

    leg_id: str
    caller_leg: str
    agent_leg: str
    mode: str


MONITOR_MODES = ("listen", "whisper", "barge")


class Hangup(msgspec.Struct, frozen=True, tag=True):
    """End a leg: BYE when answered, CANCEL while ringing, or `status` to an unanswered inbound leg.

    `after`: seconds to wait first, so that the last prompt's audio still on its way (the media
    clock and the far end's jitter buffer lag the prompt's nominal end) is heard before the BYE.
    """

    leg_id: str
    status: int = 0
    after: float = 0.0


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


class WatchPhones(msgspec.Struct, frozen=True, tag=True):
    """Ping these seat phones with SIP OPTIONS every `interval` seconds; replaces the watched set.

    `interval` 0 stops watching. A phone starts unknown; PhoneReachability follows as soon as it
    is known (its first answer, or `failures` pings in a row without any response) and on every
    change after that. A phone that stays in the set keeps its state.
    """

    uris: tuple[str, ...]
    interval: float
    failures: int


Command = (
    Answer
    | Play
    | Silence
    | Record
    | StopRecording
    | MusicOnHold
    | Dial
    | Bridge
    | Monitor
    | Hangup
    | HangupAll
    | SipPolicy
    | WatchPhones
)
