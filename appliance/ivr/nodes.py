"""The nodes a flow is made of: one msgspec Struct per kind, decoded from the flow file's tables.

A flow file is TOML (docs/ivr.md describes it; appliance/demo/bank_flow.toml is a complete example):

    name = "bank"
    start = "welcome"
    languages = ["en", "zh"]

    [nodes.welcome]
    kind = "play"
    prompt = "bank-welcome"
    next = "main"

Fields that name another node are listed per kind by `targets()`; the checker follows them, the
interpreter jumps along them. `prompt` fields take one prompt name or a list played in order.
Values in `{braces}` (http bodies, say values, set variables) are filled from the call's
variables: `caller`, `did`, `call_id`, `language`, whatever `collect`, `set` and `http` stored,
and `customer.ref`, `customer.name`, `customer.tier`, `customer.language`,
`customer.account_manager` after a `lookup`.
"""

from __future__ import annotations

import tomllib
from typing import Literal

import msgspec

__all__ = (
    "DIGITS",
    "NODE_KINDS",
    "TARGET_FIELDS",
    "Callback",
    "Collect",
    "Flow",
    "Goto",
    "Hangup",
    "Hours",
    "Http",
    "Language",
    "Lookup",
    "Menu",
    "Node",
    "Play",
    "QueueNode",
    "Say",
    "SetNode",
    "Survey",
    "Transfer",
    "Voicemail",
    "load_flow",
    "prompt_names",
    "targets",
)

DIGITS = frozenset("0123456789*#")
# The fields that name another node, in any kind that has them; a queue's `after` too (`targets()`).
TARGET_FIELDS = ("next", "on_invalid", "on_timeout", "on_missing", "on_failure", "on_closed", "target")
Prompts = str | list[str]


class _Node(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag_field="kind"):
    pass


class Play(_Node, tag="play"):
    """Play prompts, then go on. With `barge_in`, a key stops the prompt and is kept for the next node."""

    prompt: Prompts
    next: str
    barge_in: bool = True


class Menu(_Node, tag="menu"):
    """Play `prompt` and wait for one of `choices` (keys -> node). A wrong key plays
    `invalid_prompt` and replays the menu; silence for `timeout` seconds after the prompt plays
    `timeout_prompt` and replays it. After `retries` replays the call goes to `on_invalid` or
    `on_timeout`. Keys pressed while the prompt plays interrupt it (barge-in)."""

    prompt: Prompts
    choices: dict[str, str]
    on_invalid: str
    on_timeout: str
    timeout: float = 5.0
    retries: int = 2
    invalid_prompt: Prompts = "invalid-choice"
    timeout_prompt: Prompts = "no-input"


class Collect(_Node, tag="collect"):
    """Collect `min_digits`..`max_digits` keys into `variable`. Entry ends at `terminator` (if
    any), at `max_digits`, or `digit_timeout` seconds after the last key. `validate` = "luhn"
    checks a card number's check digit. Retries and failure paths as for `menu`."""

    prompt: Prompts
    variable: str
    next: str
    on_invalid: str
    on_timeout: str
    min_digits: int = 1
    max_digits: int = 20
    terminator: str = "#"
    timeout: float = 8.0  # for the first key, counted from the prompt's end
    digit_timeout: float = 4.0  # between keys
    validate: Literal["none", "luhn"] = "none"
    retries: int = 2
    invalid_prompt: Prompts = "invalid-entry"
    timeout_prompt: Prompts = "no-input"


class Lookup(_Node, tag="lookup"):
    """Find the caller in the customer directory by their number (`by = "caller"`) or by the
    customer number in `variable` (`by = "variable"`). Found: `customer.*` variables are set, the
    tier's priority and skill apply, the customer's language becomes the call's (unless
    `keep_language`), then `next`; not found: `on_missing`."""

    next: str
    on_missing: str
    by: Literal["caller", "variable"] = "caller"
    variable: str = ""
    keep_language: bool = False


class Http(_Node, tag="http"):
    """POST `body` (templates filled) as JSON to `url`; a JSON object answer within `timeout`
    seconds stores `save` (variable -> field path, dots for nested fields) and goes to `next`.
    Any failure (refused, timeout, non-2xx, not JSON, a saved field missing) goes to `on_failure`."""

    url: str
    next: str
    on_failure: str
    body: dict[str, str] = {}
    save: dict[str, str] = {}
    timeout: float = 3.0


class Say(_Node, tag="say"):
    """Read back `value` (a template) as a number, an amount (two decimals, in the branch's
    currency), a date (YYYY-MM-DD) or digit by digit, between optional prompts."""

    value: str
    next: str
    as_: Literal["number", "amount", "date", "digits"] = msgspec.field(name="as")
    before: Prompts = []
    after: Prompts = []
    barge_in: bool = True


class Hours(_Node, tag="hours"):
    """Open or closed now? `open` maps weekday (mon..sun) to ranges "09:00-12:00,13:00-17:00";
    a missing day is closed; `holidays` (YYYY-MM-DD) are closed all day. Times are in `timezone`
    (IANA name), or the server's local time when empty."""

    open: dict[str, str]
    next: str
    on_closed: str
    holidays: list[str] = []
    timezone: str = ""


class SetNode(_Node, tag="set"):
    """Set variables (templates), and optionally the call's priority, language and a skill
    ("name:level") the answering agent must have."""

    next: str
    variables: dict[str, str] = {}
    priority: int | None = None
    language: str | None = None
    skill: str | None = None


class QueueNode(_Node, tag="queue"):
    """Hand the caller to an ACD queue. With `after`, the caller goes on to that node (a survey)
    when the agent hangs up, instead of being released."""

    queue: str
    after: str | None = None
    prompt: Prompts = []  # played before queueing (e.g. "transferring you now")


class Callback(_Node, tag="callback"):
    """Offer a callback: read back the caller's number and ask to confirm (`confirm_key`) or enter
    another (`other_key`, then `enter_prompt`, `min_digits`..`max_digits`, `#` ends); then a
    callback request in `queue` keeps the caller's place, `done_prompt` plays and the call ends.
    A caller with no usable number goes straight to entering one."""

    queue: str
    on_timeout: str
    confirm_prompt: Prompts = "callback-confirm-number"
    confirm_choices_prompt: Prompts = "callback-confirm-choices"
    enter_prompt: Prompts = "callback-enter-number"
    done_prompt: Prompts = "callback-booked"
    confirm_key: str = "1"
    other_key: str = "2"
    min_digits: int = 5
    max_digits: int = 15
    timeout: float = 8.0


class Voicemail(_Node, tag="voicemail"):
    """Record a message after `prompt` and a beep, up to `max_seconds` or until `#` or hang-up; it
    becomes an open task for `queue`. `done_prompt` plays if the caller is still there."""

    queue: str
    prompt: Prompts = "voicemail-intro"
    done_prompt: Prompts = "voicemail-saved"
    max_seconds: int = 120


class Transfer(_Node, tag="transfer"):
    """Connect the caller to an external `number`, which the dial plan must allow; a refusal, a
    failure or no answer within `timeout` seconds goes to `on_failure`."""

    number: str
    on_failure: str
    timeout: float = 30.0
    prompt: Prompts = []


class Language(_Node, tag="language"):
    """Switch the language of every prompt from here on."""

    language: str
    next: str


class Survey(_Node, tag="survey"):
    """Ask for a 1-5 rating of the call just ended; the key is stored with the call and the agent
    who took it, `thanks` plays and the call ends. Silence or a wrong key after `retries` ends
    the call without a score."""

    prompt: Prompts = "survey-question"
    thanks: Prompts = "survey-thanks"
    invalid_prompt: Prompts = "invalid-choice"
    timeout: float = 8.0
    retries: int = 1


class Hangup(_Node, tag="hangup"):
    prompt: Prompts = []


class Goto(_Node, tag="goto"):
    target: str


Node = (
    Play
    | Menu
    | Collect
    | Lookup
    | Http
    | Say
    | Hours
    | SetNode
    | QueueNode
    | Callback
    | Voicemail
    | Transfer
    | Language
    | Survey
    | Hangup
    | Goto
)
NODE_KINDS: dict[str, type] = {cls.__struct_config__.tag: cls for cls in Node.__args__}


class Flow(msgspec.Struct, frozen=True):
    """A checked flow: what the interpreter runs. `version` is the stored version it came from."""

    name: str
    start: str
    nodes: dict[str, Node]
    languages: tuple[str, ...] = ("en",)
    version: int = 0


def targets(node: Node) -> dict[str, str]:
    """The nodes this node can go to, by the field (or `choices.KEY`) that names them."""
    found: dict[str, str] = {}
    for field in TARGET_FIELDS:
        value = getattr(node, field, None)
        if value:
            found[field] = value
    if isinstance(node, QueueNode) and node.after:  # a say node's `after` is a prompt, not a node
        found["after"] = node.after
    if isinstance(node, Menu):
        found.update({f"choices.{key}": target for key, target in node.choices.items()})
    return found


def prompt_names(value: Prompts) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def load_flow(source: str, version: int = 0) -> Flow:
    """Decode a flow file that `ivr check` has passed: stored versions always have. A file that
    has not been checked may decode yet be wrong (a missing target); run the checker on those."""
    return msgspec.convert({**tomllib.loads(source), "version": version}, Flow)
