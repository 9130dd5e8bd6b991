"""The value languages in a flow file: opening hours, dates, skills, templates and card numbers."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from appliance.ivr.values import (
    WEEKDAYS,
    fill,
    is_open,
    luhn_ok,
    parse_date,
    parse_open_hours,
    parse_skill,
    template_names,
)

# ---- opening hours ------------------------------------------------------------------------------


def test_a_branch_open_mornings_and_afternoons_has_two_ranges_per_weekday():
    hours = parse_open_hours({"mon": "09:00-12:00,13:00-17:00", "sat": "09:00-12:00"})
    assert hours == {0: [(540, 720), (780, 1020)], 5: [(540, 720)]}


def test_ranges_are_sorted_and_may_touch():
    assert parse_open_hours({"tue": "13:00-17:00, 09:00-13:00"}) == {1: [(540, 780), (780, 1020)]}


def test_a_day_given_as_empty_text_is_closed():
    assert parse_open_hours({"sun": ""}) == {6: []}


def test_midnight_may_end_a_range_but_not_start_one():
    assert parse_open_hours({"fri": "18:00-24:00"}) == {4: [(1080, 1440)]}
    with pytest.raises(ValueError, match="not a time of day"):
        parse_open_hours({"fri": "24:00-24:00"})


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"monday": "09:00-17:00"}, "'monday' is not a day of the week: use mon, tue"),
        ({"mon": "9-17"}, "'9' in the opening hours of mon is not a time of day"),
        ({"mon": "09:00"}, "'09:00' of mon are not a range: write them as HH:MM-HH:MM"),
        ({"mon": "09:00-17:00,"}, "'' of mon are not a range"),
        ({"mon": "09:60-17:00"}, "not a time of day"),
        ({"mon": "17:00-09:00"}, "'17:00-09:00' of mon end before they start"),
        ({"mon": "09:00-09:00"}, "end before they start"),
        ({"wed": "09:00-12:00,11:00-14:00"}, "The opening hours of wed overlap at 11:00"),
    ],
)
def test_bad_opening_hours_are_refused_with_a_sentence(spec, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")) as raised:
        parse_open_hours(spec)
    assert str(raised.value).endswith(".")


def test_open_inside_a_range_closed_at_its_end_and_on_missing_days():
    hours = parse_open_hours({"mon": "09:00-12:00,13:00-17:00"})
    monday = datetime(2025, 3, 3)
    assert monday.weekday() == 0
    assert is_open(hours, frozenset(), monday.replace(hour=9))
    assert is_open(hours, frozenset(), monday.replace(hour=11, minute=59))
    assert not is_open(hours, frozenset(), monday.replace(hour=12))
    assert not is_open(hours, frozenset(), monday.replace(hour=8, minute=59))
    assert not is_open(hours, frozenset(), monday.replace(hour=17))
    assert not is_open(hours, frozenset(), (monday + timedelta(days=1)).replace(hour=10))


def test_a_holiday_is_closed_all_day():
    hours = parse_open_hours({day: "00:00-24:00" for day in WEEKDAYS})
    christmas = date(2025, 12, 25)
    assert not is_open(hours, frozenset({christmas}), datetime(2025, 12, 25, 10, 0))
    assert is_open(hours, frozenset({christmas}), datetime(2025, 12, 26, 10, 0))


@given(st.lists(st.tuples(st.integers(0, 1439), st.integers(1, 120)), max_size=5), st.integers(0, 1439))
def test_is_open_agrees_with_a_minute_by_minute_reading(ranges, minute):
    # Build non-overlapping ranges from (start, length) and compare with a plain membership test.
    chosen: list[tuple[int, int]] = []
    for start, length in sorted(ranges):
        end = min(start + length, 1440)
        if not chosen or start >= chosen[-1][1]:
            chosen.append((start, end))
    text = ",".join(f"{s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}" for s, e in chosen)
    hours = parse_open_hours({"thu": text})
    when = datetime(2025, 3, 6) + timedelta(minutes=minute)  # a Thursday
    assert is_open(hours, frozenset(), when) == any(s <= minute < e for s, e in chosen)


# ---- dates and skills ---------------------------------------------------------------------------


def test_a_holiday_date_is_written_year_month_day():
    assert parse_date("2025-12-25") == date(2025, 12, 25)
    assert parse_date(" 2025-01-01 ") == date(2025, 1, 1)


@pytest.mark.parametrize("text", ["25-12-2025", "20251225", "2025-02-30", "2025-1-1", "", "christmas"])
def test_a_date_in_another_form_is_refused(text):
    with pytest.raises(ValueError, match="is not a date: write it as YYYY-MM-DD"):
        parse_date(text)


def test_a_skill_names_its_level_or_means_level_one():
    assert parse_skill("cards:3") == ("cards", 3)
    assert parse_skill("cards") == ("cards", 1)
    assert parse_skill("private-banking:10") == ("private-banking", 10)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cards:0", "has level '0': a level is a whole number from 1 to 10"),
        ("cards:11", "has level '11'"),
        ("cards:x", "has level 'x'"),
        ("cards:", "has level ''"),
        (":3", "is not valid: write it as NAME or NAME:LEVEL"),
        ("two words", "is not valid"),
    ],
)
def test_a_bad_skill_is_refused(text, message):
    with pytest.raises(ValueError, match=message):
        parse_skill(text)


# ---- templates ----------------------------------------------------------------------------------


def test_template_names_are_found_once_each_in_order_with_dotted_names():
    assert template_names("Dear {customer.name}, card {card} of {customer.name}") == ["customer.name", "card"]
    assert template_names("no variables") == []


def test_doubled_braces_are_literal():
    assert template_names("{{not_a_name}} {real}") == ["real"]
    assert fill("{{not_a_name}} {real}", {"real": "x", "not_a_name": "y"}) == "{not_a_name} x"


def test_fill_puts_values_in_and_unknown_names_become_empty():
    variables = {"customer.ref": "C-1001", "caller": "0301234567"}
    assert fill("{customer.ref}/{caller}/{missing}", variables) == "C-1001/0301234567/"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hello {name", "opens a brace it does not close"),
        ("{two words}", r"has '\{two words\}', which is not a variable name"),
        ("{}", "which is not a variable name"),
        ("{1abc}", "which is not a variable name"),
        ("{a..b}", "which is not a variable name"),
    ],
)
def test_a_malformed_template_is_refused_by_the_checker(text, message):
    with pytest.raises(ValueError, match=message):
        template_names(text)


@pytest.mark.parametrize("text", ["hello {name", "{two words}", "{}", "a } b"])
def test_filling_a_malformed_template_keeps_the_text_as_written(text):
    assert fill(text, {"name": "x"}) == text


_names = st.from_regex(r"[a-z_][a-z0-9_]{0,6}(\.[a-z_][a-z0-9_]{0,6})?", fullmatch=True)
_literals = st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=8)


@given(st.lists(st.tuples(_literals, _names), max_size=5), _literals, st.dictionaries(_names, _literals))
def test_fill_and_template_names_agree_with_the_pieces_a_template_was_built_from(parts, tail, variables):
    text = "".join(f"{literal}{{{name}}}" for literal, name in parts) + tail
    assert template_names(text) == list(dict.fromkeys(name for _, name in parts))
    assert fill(text, variables) == "".join(literal + variables.get(name, "") for literal, name in parts) + tail


@given(st.text(max_size=30), st.dictionaries(_names, _literals, max_size=3))
def test_fill_never_fails_whatever_the_text(text, variables):
    assert isinstance(fill(text, variables), str)


# ---- card numbers -------------------------------------------------------------------------------


def test_known_card_numbers_pass_and_a_typo_fails():
    assert luhn_ok("4111111111111111")
    assert luhn_ok("79927398713")
    assert not luhn_ok("4111111111111112")
    assert not luhn_ok("79927398710")


@pytest.mark.parametrize("text", ["", "0", "4111 1111 1111 1111", "41111111111111a1", "٤١١١"])
def test_luhn_refuses_what_is_not_a_digit_string(text):
    assert not luhn_ok(text)


def _reference_luhn(number: str) -> bool:
    """The textbook description: double every second digit from the right, sum the digits."""
    digits = [int(d) for d in number]
    checksum = digits.pop()
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d = sum(divmod(d * 2, 10))
        total += d
    return (total + checksum) % 10 == 0


@given(st.text(alphabet="0123456789", min_size=2, max_size=19))
def test_luhn_agrees_with_the_textbook_computation(number):
    assert luhn_ok(number) == _reference_luhn(number)


@given(st.text(alphabet="0123456789", min_size=1, max_size=18))
def test_exactly_one_check_digit_completes_any_number(body):
    assert sum(luhn_ok(body + str(d)) for d in range(10)) == 1
