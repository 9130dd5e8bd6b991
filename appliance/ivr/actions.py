"""What the IVR interpreter asks the core to do. Pure data: the core carries them out.

The interpreter never waits: each call into it returns a list of these, and the answers come
back as later calls (a prompt finished, a key, a timer, a lookup or HTTP result...).
"""

from __future__ import annotations

import msgspec

__all__ = (
    "Action",
    "EndCall",
    "EnterQueue",
    "HttpPost",
    "IvrAction",
    "LookupCustomer",
    "PlayPrompts",
    "RecordVoicemail",
    "RequestCallback",
    "SaveSurvey",
    "Step",
    "StopPrompt",
    "StopRecording",
    "TransferOut",
)


class IvrAction(msgspec.Struct, frozen=True, tag=True):
    pass


class PlayPrompts(IvrAction):
    """Play these prompt names in `language`, one after another. `label` is unique per play within
    the call; a `prompt_finished` with an older label is stale and ignored."""

    label: str
    names: tuple[str, ...]
    language: str


class StopPrompt(IvrAction):
    """Barge-in: stop whatever prompt is playing; the caller hears silence."""


class LookupCustomer(IvrAction):
    """Find a customer by phone number or by customer number; answer with `lookup_result`."""

    number: str | None = None
    ref: str | None = None


class HttpPost(IvrAction):
    """POST `body` as JSON to `url`; answer with `http_result` within `timeout` seconds."""

    url: str
    body: dict[str, str]
    timeout: float


class EnterQueue(IvrAction):
    """Queue the caller in the ACD with this priority and, if set, an extra required skill.
    `survey_after`: the agent's hang-up comes back to the interpreter (`agent_hung_up`)."""

    queue: str
    priority: int
    skill: str | None = None
    skill_level: int = 1
    survey_after: bool = False


class RequestCallback(IvrAction):
    """A callback request in `queue` to `number`, keeping the caller's place; the core confirms
    nothing itself: the interpreter plays the done prompt and ends the call next."""

    queue: str
    number: str


class RecordVoicemail(IvrAction):
    """Start recording the caller for at most `max_seconds`; answer with `recording_finished`."""

    queue: str
    max_seconds: int


class StopRecording(IvrAction):
    """The caller pressed # (or the flow moved on): stop recording and keep what was said."""


class TransferOut(IvrAction):
    """Dial `number` through the dial plan and connect the caller; answer with `transfer_failed`
    if it fails or nobody answers within `timeout` seconds (success ends the flow)."""

    number: str
    timeout: float


class SaveSurvey(IvrAction):
    score: int


class EndCall(IvrAction):
    """Hang up the caller. `contained`: the IVR finished the call without an agent."""

    reason: str
    contained: bool = True


class Step(IvrAction):
    """One node visited: stored as the call's path (screen pop, reports)."""

    node: str
    kind: str
    outcome: str = ""
    digits: str = ""
    details: dict[str, str] = {}


Action = (
    PlayPrompts
    | StopPrompt
    | LookupCustomer
    | HttpPost
    | EnterQueue
    | RequestCallback
    | RecordVoicemail
    | StopRecording
    | TransferOut
    | SaveSurvey
    | EndCall
    | Step
)
