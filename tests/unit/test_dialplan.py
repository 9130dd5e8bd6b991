"""The outbound dial plan: patterns, routing, and refusing everything that is not a plain number."""

from __future__ import annotations

import doctest
import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from appliance.core import dialplan
from appliance.core.dialplan import MAX_PATTERN_LENGTH, DialRoute, Refused, check_rule, parse_pattern, route
from appliance.errors import InvalidInput
from appliance.model import DialRule

DIGITS = "0123456789"
CATCH_ALL = (DialRule("all", "!", "t"), DialRule("all-plus", "+!", "t"))


def test_the_examples_in_the_module_docstring_hold():
    failed, attempted = doctest.testmod(dialplan)
    assert attempted > 0 and failed == 0


@pytest.mark.parametrize(
    ("pattern", "matching", "not_matching"),
    [
        ("NXXXXXXX", ["22345678", "99999999"], ["12345678", "2234567", "223456789"]),
        ("1[3-9]XXXXXXXXX", ["13800000000", "19912345678"], ["12800000000", "1380000000"]),
        ("Z[135]", ["11", "95"], ["01", "12"]),
        ("[0-35-9]", ["0", "3", "5", "9"], ["4"]),
        ("9.", ["90", "9123"], ["9", "8123"]),
        ("9!", ["9", "9123"], ["8"]),
        ("+86.", ["+8613800000000"], ["8613800000000", "+86"]),
        ("_xzn", ["012"], ["002"]),  # Asterisk's underscore and lower-case letters are accepted
        ("110", ["110"], ["1100", "11"]),
    ],
)
def test_patterns_match_whole_numbers_only(pattern, matching, not_matching):
    parsed = parse_pattern(pattern)
    assert all(parsed.matches(n) for n in matching)
    assert not any(parsed.matches(n) for n in not_matching)


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("", "is empty: write for example NXXXXXXX"),
        ("9.X", "'.' matches the rest of the number, so it may only be the last character"),
        ("!9", "'!' matches the rest of the number"),
        ("9+1", "has '+' at position 2: '+' may only come first"),
        ("X*", "has '*' at position 2: use digits, X, Z, N, [..] sets"),
        ("9#", "has '#' at position 2"),
        ("1[35", "opens '[' without closing it"),
        ("1[]", "has an empty set []"),
        ("1[5-1]", "has the range 5-1: write the lower digit first"),
        ("1[a]", "a set holds digits and ranges only"),
        ("1[3-]", "a set holds digits and ranges only"),
        ("X" * 65, "longer than 64 characters"),
        ("٣", "has '٣' at position 1"),  # an Arabic-Indic digit is not a digit a trunk can dial
    ],
)
def test_bad_patterns_are_refused_with_what_to_write(pattern, message):
    with pytest.raises(InvalidInput, match=re.escape(message)):
        parse_pattern(pattern)


def test_the_first_rule_that_matches_decides_and_strips_then_prefixes():
    rules = (
        DialRule("emergency", "110", "pstn"),
        DialRule("national", "0Z.", "carrier", strip=1, prefix="+86"),
        DialRule("everything-else", ".", "pstn"),
    )
    assert route(rules, "02012345678") == DialRoute("carrier", "+862012345678", rules[1])
    assert route(rules, "110") == DialRoute("pstn", "110", rules[0])
    assert route(rules, "12345").rule.name == "everything-else"


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("", "no number was given"),
        ("*99#", "'*99#' has '*'"),
        ("123#", "'123#' has '#'"),
        ("sip:100@evil.example", "has 's'"),
        ("138 0000 0000", "has ' '"),
        ("++86", "'++86' has '+'"),
        ("+", "'+' has no digits"),
        ("1" * 33, "is longer than 32 characters"),
    ],
)
def test_anything_but_digits_with_an_optional_plus_is_refused_even_by_a_catch_all(number, reason):
    result = route(CATCH_ALL, number)
    assert isinstance(result, Refused) and reason in result.reason


def test_a_number_no_rule_allows_is_refused_with_the_fix():
    assert route((), "13800000000") == Refused(
        "13800000000", "no dial rule allows '13800000000': add one with 'branchline dialplan add'."
    )


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (DialRule("r", "9", "t", strip=1), "strip 1 would leave nothing to dial of the shortest number '9' matches (1 character)"),
        (DialRule("r", "9X", "t", strip=-1), "strip -1 is out of range"),
        (DialRule("r", "9X", "t", prefix="0*"), "prefix '0*' is not valid"),
        (DialRule("r", "9X", "t", prefix="9+"), "prefix '9+' is not valid"),
        (DialRule("r", "9[", "t"), "opens '['"),
    ],
)
def test_rules_that_cannot_work_are_refused_before_they_are_stored(rule, message):
    with pytest.raises(InvalidInput, match=re.escape(message)):
        check_rule(rule)


def test_a_stripped_rule_with_a_prefix_may_replace_the_whole_number():
    check_rule(DialRule("r", "9", "t", strip=1, prefix="110"))
    assert route((DialRule("r", "9", "t", strip=1, prefix="110"),), "9").number_to_dial == "110"


# ---- properties --------------------------------------------------------------------------------------

# One pattern element: its text and the digits it stands for.
_ELEMENT = st.one_of(
    st.sampled_from(DIGITS).map(lambda d: (d, d)),
    st.sampled_from([("X", DIGITS), ("Z", DIGITS[1:]), ("N", DIGITS[2:])]),
    st.sets(st.sampled_from(DIGITS), min_size=1).map(lambda s: (f"[{''.join(sorted(s))}]", "".join(sorted(s)))),
)


@st.composite
def patterns(draw):
    """A random pattern, with the reference meaning: digit sets for the fixed part, the tail, the plus."""
    plus = draw(st.booleans())
    elements = draw(st.lists(_ELEMENT, min_size=1, max_size=8))
    tail = draw(st.sampled_from(["", ".", "!"]))
    text = ("+" if plus else "") + "".join(t for t, _ in elements) + tail
    assume(len(text) <= MAX_PATTERN_LENGTH)  # longer patterns are refused; another test covers that
    return text, plus, [digits for _, digits in elements], tail


def _reference_match(number: str, plus: bool, sets: list[str], tail: str) -> bool:
    if plus != number.startswith("+"):
        return False
    body = number[1:] if plus else number
    if not body.isascii() or not body.isdigit():
        return False
    fixed, rest = body[: len(sets)], body[len(sets):]
    if len(fixed) < len(sets) or not all(d in s for d, s in zip(fixed, sets)):
        return False
    return {"": rest == "", ".": rest != "", "!": True}[tail]


@given(patterns(), st.text(alphabet="+0123456789", max_size=14))
def test_a_pattern_matches_exactly_what_its_elements_say(pattern, number):
    text, plus, sets, tail = pattern
    assert parse_pattern(text).matches(number) == _reference_match(number, plus, sets, tail)


@given(patterns(), st.data())
def test_a_number_built_from_a_pattern_is_routed_by_it(pattern, data):
    text, plus, sets, tail = pattern
    number = ("+" if plus else "") + "".join(data.draw(st.sampled_from(s)) for s in sets)
    number += data.draw(st.text(alphabet=DIGITS, min_size=1 if tail == "." else 0, max_size=0 if not tail else 5))
    strip = data.draw(st.integers(0, parse_pattern(text).min_length - 1))
    rule = DialRule("r", text, "t", strip=strip, prefix=data.draw(st.sampled_from(["", "0", "+86"])))
    check_rule(rule)
    result = route((rule,), number)
    assert result == DialRoute("t", rule.prefix + number[strip:], rule)


@given(st.text(max_size=20).filter(lambda s: not re.fullmatch(r"\+?[0-9]+", s)))
def test_nothing_but_a_plain_number_ever_leaves(number):
    assert isinstance(route(CATCH_ALL, number), Refused)


@given(st.text(max_size=12))
def test_parsing_any_text_either_works_or_says_what_is_wrong(text):
    try:
        parsed = parse_pattern(text)
    except InvalidInput as exc:
        assert exc.message.startswith("dial pattern")
    else:
        assert parsed.min_length >= 0
