"""Phone numbers as the customer directory compares them: pure rules, no storage.

Numbers are kept normalised (`normalise_number`). A caller ID matches a stored number when the
two are equal, or when they differ only by a country code or a leading 0 (`numbers_match`):

- `+CC` followed by the national number matches that national number with or without one leading
  0 (`+8613800138000` ~ `13800138000`; `+862155501234` ~ `02155501234` ~ `2155501234`). The
  country code's length is read as the ITU assigns them (1 and 7 one digit, a fixed list of two
  digits, every other code three), so each international number has exactly one national form.
- Two national numbers match when they differ only by one leading 0.
- Two international numbers match only when equal (+44 and +86 are different phones).
- The part both share must have at least 6 digits, so short extensions never match loosely.
- Numbers with letters (SIP user names) match only when equal. An `00` prefix is not read as `+`.

    >>> numbers_match(normalise_number("+86 21 5550-1234"), normalise_number("021 5550 1234"))
    True
    >>> numbers_match("+442155501234", "+862155501234")
    False
"""

from __future__ import annotations

__all__ = ("MIN_SHARED_DIGITS", "could_match", "normalise_number", "numbers_match")

MIN_SHARED_DIGITS = 6
_TWO_DIGIT_COUNTRY_CODES = frozenset(
    "20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 "
    "60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98".split()
)


def normalise_number(text: str) -> str:
    """Digits and letters only, a leading + kept: "+86 138-0013-8000" -> "+8613800138000"."""
    stripped = text.strip()
    kept = "".join(c for c in stripped if c.isascii() and c.isalnum())
    if not kept:
        raise ValueError(f"{text!r} is not a phone number: it has no digits or letters.")
    return "+" + kept if stripped.startswith("+") else kept


def numbers_match(a: str, b: str) -> bool:
    """Whether two normalised numbers are the same phone by the module's rule."""
    if a == b:
        return True
    if a.startswith("+") and b.startswith("+"):
        return False
    return any(len(shared) >= MIN_SHARED_DIGITS for shared in _national_forms(a) & _national_forms(b))


def could_match(number: str) -> set[str]:
    """Every number `numbers_match` could pair with this one (a superset): what a lookup asks for."""
    found = {number}
    for form in _national_forms(number):
        if len(form) >= MIN_SHARED_DIGITS:
            found |= {form, "0" + form}
            if not number.startswith("+"):
                found.update(f"+{code}{form}" for code in _COUNTRY_CODES)
    return found


def _country_code(digits: str) -> str:
    """The country code an international number starts with, by its length as the ITU assigns them."""
    return digits[: 1 if digits[0] in "17" else 2 if digits[:2] in _TWO_DIGIT_COUNTRY_CODES else 3]


# Every code the rule above can read, for a lookup to ask the index for each +CC form of a number.
_COUNTRY_CODES = tuple(
    code
    for code in (f"{n:0{size}d}" for size in (1, 2, 3) for n in range(10**size))
    if _country_code(code + "0") == code
)


def _national_forms(number: str) -> set[str]:
    """The national numbers a normalised number may stand for (none when it has letters)."""
    digits = number.removeprefix("+")
    if not digits.isdigit():
        return set()
    if number.startswith("+"):
        return {digits.removeprefix(_country_code(digits))}
    return {number, number[1:]} if number.startswith("0") else {number}
