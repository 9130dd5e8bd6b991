"""The queue settings as command-line options, shared by `queue add` (with defaults) and `queue set`
(only what is given changes). Ranges come from the store's limits, defaults from the Queue model."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
import msgspec

from appliance.cli.common import fail
from appliance.model import STRATEGIES, Queue, parse_skill
from appliance.store.routing import QUEUE_LIMITS

__all__ = ("QUEUE_OPTION_FIELDS", "queue_fields", "queue_options")

_HELP = {
    "strategy": "How an agent is picked among those who could take the call.",
    "ring_timeout": "Seconds an agent's phone rings before the next agent is tried.",
    "wrapup": "Seconds of after-call work before the agent's next call.",
    "max_wait": "Seconds a caller waits before going to the overflow destination.",
    "priority_step": "Seconds of waiting that raise a caller's priority by one (0: no aging).",
    "max_callers": "Callers allowed to wait (0: no limit); more go to the overflow destination.",
    "join_empty": "Let callers join while no agent who could serve them is signed in.",
    "leave_empty": "Send waiting callers to the overflow destination when the last agent who could serve them signs out.",
    "overflow": "Where callers go after --max-wait, or when the queue is full or empty: sorry (a prompt, then "
    "hang up), callback (offer a callback) or queue:NAME (another queue).",
    "announce_position": "Tell callers their place in the queue.",
    "announce_wait": "Tell callers the estimated wait.",
    "announce_every": "Seconds between announcements after the first (0: on entry only).",
    "announce_min_gap": "Never two announcements closer than this many seconds.",
    "announce_round": "Round the announced wait up to a multiple of this many seconds.",
    "callback_key": "The key a caller presses to leave a callback request: 0-9, '*' or '#' (quote them in the "
    "shell), or none.",
    "service_level": "Seconds: the T of 'answered within T' in the service level.",
    "short_abandon": "Callers who hang up within this many seconds are not counted as abandoned.",
    "handle_time": "Handle time in seconds assumed for the wait estimate until the queue has calls to learn from.",
}
QUEUE_OPTION_FIELDS = tuple(_HELP)
_FLAGS = frozenset(f.name for f in msgspec.structs.fields(Queue) if f.type is bool)
_DEFAULTS = {f.name: f.default for f in msgspec.structs.fields(Queue)}


def _option(field: str, *, for_add: bool) -> Callable:
    dashed = field.replace("_", "-")
    default = _DEFAULTS[field] if for_add else None
    shared: dict[str, Any] = {"default": default, "show_default": for_add, "help": _HELP[field]}
    if field in _FLAGS:
        return click.option(f"--{dashed}/--no-{dashed}", field, **shared)
    if field in QUEUE_LIMITS:
        low, high, _unit = QUEUE_LIMITS[field]
        return click.option(f"--{dashed}", field, type=click.IntRange(low, high), **shared)
    if field == "strategy":
        return click.option("--strategy", field, type=click.Choice(STRATEGIES), **shared)
    if field == "callback_key":
        shared["default"] = "none" if for_add else None
        return click.option("--callback-key", field, metavar="KEY|none", **shared)
    return click.option(f"--{dashed}", field, metavar="sorry|callback|queue:NAME", **shared)


def queue_options(*, for_add: bool) -> Callable:
    """Every queue setting as an option; `queue add` shows the defaults, `queue set` has none."""

    def decorate(command: Callable) -> Callable:
        for field in reversed(QUEUE_OPTION_FIELDS):
            command = _option(field, for_add=for_add)(command)
        return command

    return decorate


def queue_fields(options: dict[str, Any], skills: tuple[str, ...], *, no_skill: bool = False) -> dict[str, Any]:
    """Queue field values from the options given (None: not given), with the required skills when given."""
    fields = {field: options[field] for field in QUEUE_OPTION_FIELDS if options.get(field) is not None}
    if fields.get("callback_key", "").lower() == "none":
        fields["callback_key"] = ""
    if skills and no_skill:
        raise fail("--skill and --no-skill contradict each other: give one of them.")
    if skills:
        fields["skills"] = dict(parse_skill(s, default_level=1) for s in skills)
    elif no_skill:
        fields["skills"] = {}
    return fields
