"""The outbound dial plan: which numbers may be dialled out, through which trunk, and as what.

Nothing leaves the branch unless a dial rule allows it (toll-fraud hygiene): the rules are tried in
their order and the first whose pattern matches the *whole* number decides. A number is digits with
an optional leading ``+``; anything else (``*``, ``#``, letters, spaces, an empty string) is refused
before any rule is looked at, so no pattern can let a feature code or a SIP URI through.

Patterns are written as in Asterisk extensions (Asterisk's leading ``_`` is accepted and ignored):

=========  ===========================================================
``X``      any digit 0-9
``Z``      a digit 1-9
``N``      a digit 2-9
``[135]``  one of the digits listed; ``[1-5]`` a range; ``[0-35-9]`` both
``0``-``9``  that digit
``+``      a literal plus, only as the first character
``.``      last character only: one or more further digits
``!``      last character only: zero or more further digits
=========  ===========================================================

A rule then removes ``strip`` leading characters (a leading ``+`` counts as one) and puts
``prefix`` in front of what is left.

Examples:

>>> rules = (
...     DialRule("mobile", "1[3-9]XXXXXXXXX", "carrier"),
...     DialRule("local", "NXXXXXXX", "carrier"),
...     DialRule("intl", "+.", "carrier", strip=1, prefix="00"),
... )
>>> route(rules, "13800000000").number_to_dial
'13800000000'
>>> r = route(rules, "+442079460000")
>>> (r.rule.name, r.trunk, r.number_to_dial)
('intl', 'carrier', '00442079460000')
>>> route(rules, "110").reason
"no dial rule allows '110': add one with 'branchline dialplan add'."
>>> route(rules, "*99#").reason
"'*99#' has '*': only digits, with an optional leading '+', may be dialled out."
>>> parse_pattern("9[35-7]X.").min_length
4
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

import msgspec

from appliance.errors import InvalidInput
from appliance.model import BranchConfig, DialRule, parse_sip_uri

__all__ = ("MAX_NUMBER_LENGTH", "DialRoute", "Pattern", "Refused", "check_rule", "outbound_target", "parse_pattern", "route")

# Longer than any E.164 number (15 digits) with an access code and a carrier prefix in front.
MAX_NUMBER_LENGTH = 32
MAX_PATTERN_LENGTH = 64
MAX_STRIP = MAX_NUMBER_LENGTH
_NUMBER = re.compile(r"\+?[0-9]+")
_CLASSES = {"X": "[0-9]", "Z": "[1-9]", "N": "[2-9]"}
_TAILS = {".": "[0-9]+", "!": "[0-9]*"}
_SYNTAX = "use digits, X, Z, N, [..] sets, '+' only at the start and '.' or '!' only at the end"


class Pattern(msgspec.Struct, frozen=True):
    """A parsed dial pattern: `matches` tells whether it covers a whole number."""

    text: str
    regex: re.Pattern[str]
    min_length: int  # the shortest number it matches, in characters
    max_length: int | None  # None: open-ended ('.' or '!')

    def matches(self, number: str) -> bool:
        return self.regex.fullmatch(number) is not None


class DialRoute(msgspec.Struct, frozen=True):
    """The number may be dialled: send `number_to_dial` through `trunk`, as `rule` says."""

    trunk: str
    number_to_dial: str
    rule: DialRule


class Refused(msgspec.Struct, frozen=True):
    """The number may not be dialled; `reason` is a sentence for the admin and the event log."""

    number: str
    reason: str


@functools.lru_cache(maxsize=256)
def parse_pattern(text: str) -> Pattern:
    """Parse a dial pattern; raises InvalidInput with a sentence saying what is wrong and how to write it."""
    body = text.removeprefix("_")
    if not body:
        raise InvalidInput(f"dial pattern {text!r} is empty: write for example NXXXXXXX (8-digit local numbers).")
    if len(body) > MAX_PATTERN_LENGTH:
        raise InvalidInput(f"dial pattern {text!r} is longer than {MAX_PATTERN_LENGTH} characters: shorten it.")
    parts: list[str] = []
    min_length = 0
    open_ended = False
    i = 0
    while i < len(body):
        char = body[i]
        last = i == len(body) - 1
        if char.isascii() and char.isdigit():
            parts.append(char)
        elif char.upper() in _CLASSES:
            parts.append(_CLASSES[char.upper()])
        elif char == "+":
            if i != 0:
                raise InvalidInput(f"dial pattern {text!r} has '+' at position {i + 1}: '+' may only come first.")
            parts.append(r"\+")
        elif char == "[":
            end = body.find("]", i)
            if end < 0:
                raise InvalidInput(f"dial pattern {text!r} opens '[' without closing it: write a set as [135] or [1-5].")
            parts.append(_digit_set(text, body[i + 1 : end]))
            i = end + 1
            min_length += 1
            continue
        elif char in _TAILS:
            if not last:
                raise InvalidInput(
                    f"dial pattern {text!r} has {char!r} before its end: {char!r} matches the rest of the number, "
                    "so it may only be the last character."
                )
            parts.append(_TAILS[char])
            open_ended = True
            min_length += char == "."
            i += 1
            continue
        else:
            raise InvalidInput(f"dial pattern {text!r} has {char!r} at position {i + 1}: {_SYNTAX}.")
        min_length += 1
        i += 1
    return Pattern(text, re.compile("".join(parts)), min_length, None if open_ended else min_length)


def _digit_set(text: str, inside: str) -> str:
    """The regex class for the inside of a [..] set: digits and digit ranges only."""
    if not inside:
        raise InvalidInput(f"dial pattern {text!r} has an empty set []: list digits, as in [135] or [1-5].")
    for match in re.finditer(r"(.)(?:-(.))?", inside):
        low, high = match[1], match[2] or match[1]
        if not (low.isascii() and low.isdigit() and high.isascii() and high.isdigit()):
            raise InvalidInput(
                f"dial pattern {text!r} has [{inside}]: a set holds digits and ranges only, as in [135] or [1-5]."
            )
        if low > high:
            raise InvalidInput(f"dial pattern {text!r} has the range {low}-{high}: write the lower digit first.")
    return f"[{inside}]"


def check_rule(rule: DialRule) -> None:
    """Everything a rule must satisfy before it is stored; raises InvalidInput saying what to change."""
    pattern = parse_pattern(rule.pattern)
    if not 0 <= rule.strip <= MAX_STRIP:
        raise InvalidInput(f"strip {rule.strip} is out of range: strip 0 to {MAX_STRIP} leading characters.")
    if rule.strip >= pattern.min_length and not rule.prefix:
        raise InvalidInput(
            f"strip {rule.strip} would leave nothing to dial of the shortest number {rule.pattern!r} matches "
            f"({pattern.min_length} character{'' if pattern.min_length == 1 else 's'}): strip fewer or give a prefix."
        )
    if rule.prefix and (not _NUMBER.fullmatch(rule.prefix) or len(rule.prefix) > MAX_NUMBER_LENGTH):
        raise InvalidInput(
            f"prefix {rule.prefix!r} is not valid: use up to {MAX_NUMBER_LENGTH} digits, optionally starting with '+'."
        )


def route(rules: Iterable[DialRule], number: str) -> DialRoute | Refused:
    """The first rule (in the order given) that allows `number`, or why it may not be dialled."""
    problem = _number_problem(number)
    if problem:
        return Refused(number, problem)
    for rule in rules:
        try:
            pattern = parse_pattern(rule.pattern)
        except InvalidInput:  # never stored that way; a rule that cannot be read allows nothing
            continue
        if pattern.matches(number):
            dial = rule.prefix + number[rule.strip :]
            if not dial.lstrip("+"):
                return Refused(number, f"dial rule {rule.name!r} matches {number!r} but leaves nothing to dial.")
            return DialRoute(rule.trunk, dial, rule)
    return Refused(number, f"no dial rule allows {number!r}: add one with 'branchline dialplan add'.")


def _number_problem(number: str) -> str | None:
    if not number:
        return "no number was given: only digits, with an optional leading '+', may be dialled out."
    if not _NUMBER.fullmatch(number):
        body = number[1:] if number.startswith("+") else number
        bad = next((c for c in body if not (c.isascii() and c.isdigit())), None)
        if bad is None:
            return f"{number!r} has no digits: only digits, with an optional leading '+', may be dialled out."
        return f"{number!r} has {bad!r}: only digits, with an optional leading '+', may be dialled out."
    if len(number) > MAX_NUMBER_LENGTH:
        return f"{number[:12]!r}... is longer than {MAX_NUMBER_LENGTH} characters: no phone number is that long."
    return None


def outbound_target(config: BranchConfig, number: str) -> tuple[str, str] | str:
    """(SIP URI, trunk) for dialling `number` out, or why the dial plan or trunk does not allow it."""
    decision = route(config.dial_rules, number)
    if isinstance(decision, Refused):
        return decision.reason
    trunk = config.trunk(decision.trunk)
    if trunk is None:
        return f"dial rule {decision.rule.name!r} names trunk {decision.trunk!r}, which does not exist."
    via = trunk.register_uri or trunk.outbound_proxy
    if not via:
        return f"trunk {trunk.name!r} has no way out: give it --outbound-proxy or a carrier registration."
    if via.startswith("sip:") and "@" not in via:
        via = f"sip:x@{via[4:]}"  # an outbound proxy is sip:HOST[:PORT]; parse it like a URI
    target = parse_sip_uri(via)
    return f"sip:{decision.number_to_dial}@{target.host}:{target.port}", trunk.name
