"""Scorecards: sections of criteria, each worth some points, some of them fatal errors.

A scorecard is written in TOML (docs/supervision.md, "Quality") and checked here before the store
keeps it; `score` turns an evaluator's answers into the evaluation's score. Pure: no I/O.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import msgspec

from appliance.errors import InvalidInput
from appliance.model import parse_name

__all__ = ("NOT_APPLICABLE", "Answer", "Criterion", "Scorecard", "Section", "parse_scorecard", "score",
           "scorecard_from_dict")

NOT_APPLICABLE = "na"
MAX_WEIGHT = 1000
MAX_TEXT = 500

Answer = float | int | str  # points from 0 to the criterion's weight, or "na"


class Criterion(msgspec.Struct, frozen=True):
    id: str
    text: str
    weight: int
    text_zh: str | None = None
    fatal: bool = False  # pass (full weight) or fail (0); failing one makes the whole score 0


class Section(msgspec.Struct, frozen=True):
    id: str
    title: str
    criteria: tuple[Criterion, ...]
    title_zh: str | None = None


class Scorecard(msgspec.Struct, frozen=True):
    name: str
    title: str
    sections: tuple[Section, ...]
    title_zh: str | None = None

    def criteria(self) -> dict[str, Criterion]:
        return {c.id: c for s in self.sections for c in s.criteria}


# ---- reading a definition --------------------------------------------------------------------------


def parse_scorecard(text: str) -> Scorecard:
    """A scorecard from its TOML text, checked; InvalidInput says what to fix."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"the scorecard is not valid TOML: {exc}.") from None
    return scorecard_from_dict(data)


def scorecard_from_dict(data: Mapping[str, Any]) -> Scorecard:
    name = parse_name(_text(data, "name", "the scorecard"), "scorecard")
    title = _text(data, "title", "the scorecard")
    sections = data.get("sections")
    if not isinstance(sections, list) or not sections:
        raise InvalidInput("the scorecard has no sections: add at least one [[sections]] with [[sections.criteria]].")
    parsed = tuple(_section(s, number) for number, s in enumerate(sections, 1))
    _check_unique([s.id for s in parsed], "section")
    _check_unique([c.id for s in parsed for c in s.criteria], "criterion")
    return Scorecard(name, title, parsed, _optional_text(data, "title_zh", "the scorecard"))


def _section(data: Any, number: int) -> Section:
    where = f"section {number}"
    if not isinstance(data, dict):
        raise InvalidInput(f"{where} is not a table: write it as [[sections]] with id, title and criteria.")
    section_id = _id(data, where)
    where = f"section {section_id!r}"
    criteria = data.get("criteria")
    if not isinstance(criteria, list) or not criteria:
        raise InvalidInput(f"{where} has no criteria: add at least one [[sections.criteria]] under it.")
    return Section(
        section_id,
        _text(data, "title", where),
        tuple(_criterion(c, where, number) for number, c in enumerate(criteria, 1)),
        _optional_text(data, "title_zh", where),
    )


def _criterion(data: Any, section: str, number: int) -> Criterion:
    where = f"criterion {number} of {section}"
    if not isinstance(data, dict):
        raise InvalidInput(f"{where} is not a table: write it as [[sections.criteria]] with id, text and weight.")
    criterion_id = _id(data, where)
    where = f"criterion {criterion_id!r} in {section}"
    weight = data.get("weight")
    if isinstance(weight, bool) or not isinstance(weight, int) or not 0 < weight <= MAX_WEIGHT:
        raise InvalidInput(f"{where} has weight {weight!r}: give its points as a whole number from 1 to {MAX_WEIGHT}.")
    fatal = data.get("fatal", False)
    if not isinstance(fatal, bool):
        raise InvalidInput(f"{where} has fatal = {fatal!r}: write fatal = true or leave it out.")
    return Criterion(criterion_id, _text(data, "text", where), weight, _optional_text(data, "text_zh", where), fatal)


def _id(data: Mapping[str, Any], where: str) -> str:
    value = data.get("id")
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{where} has no id: give it a short one, e.g. id = \"greeting\".")
    return parse_name(value.strip(), "id")


def _text(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{where} has no {key}: add {key} = \"...\".")
    if len(value) > MAX_TEXT:
        raise InvalidInput(f"{where}'s {key} is {len(value)} characters long: keep it under {MAX_TEXT}.")
    return value.strip()


def _optional_text(data: Mapping[str, Any], key: str, where: str) -> str | None:
    return _text(data, key, where) if key in data else None


def _check_unique(ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise InvalidInput(f"{what} id {item!r} is used twice: give each {what} its own id.")
        seen.add(item)


# ---- scoring ---------------------------------------------------------------------------------------


def score(card: Scorecard, answers: Mapping[str, Answer]) -> tuple[float, bool]:
    """(score out of 100 to a tenth, whether a fatal criterion failed) for a complete set of answers.

    Score = 100 × points given ÷ the weights of the criteria not "na"; a failed fatal criterion
    makes it 0.
    """
    criteria = card.criteria()
    _check_answered(criteria, answers)
    given, possible, fatal = Fraction(0), 0, False
    for criterion_id, criterion in criteria.items():
        points = _points(criterion, answers[criterion_id])
        if points is None:
            continue
        given += points
        possible += criterion.weight
        fatal = fatal or (criterion.fatal and points == 0)
    if possible == 0:
        raise InvalidInput("every criterion is \"na\": score at least one, or do not evaluate this call.")
    if fatal:
        return 0.0, True
    return _to_a_tenth(100 * given / possible), False


def _check_answered(criteria: Mapping[str, Criterion], answers: Mapping[str, Answer]) -> None:
    unknown = sorted(set(answers) - set(criteria))
    if unknown:
        raise InvalidInput(f"this scorecard has no criterion {', '.join(map(repr, unknown))}: answer only its own "
                           f"criteria ({', '.join(criteria)}).")
    missing = [c for c in criteria if c not in answers]
    if missing:
        raise InvalidInput(f"criteria {', '.join(map(repr, missing))} are not answered: give each points or \"na\".")


def _points(criterion: Criterion, answer: Answer) -> Fraction | None:
    """The points an answer gives, or None for "na"."""
    if answer == NOT_APPLICABLE:
        return None
    if isinstance(answer, bool) or not isinstance(answer, int | float) or not 0 <= answer <= criterion.weight:
        raise InvalidInput(f"criterion {criterion.id!r} got {answer!r}: give points from 0 to {criterion.weight}, "
                           "or \"na\".")
    if criterion.fatal and answer not in (0, criterion.weight):
        raise InvalidInput(f"criterion {criterion.id!r} is a fatal error: it passes ({criterion.weight}) or fails (0), "
                           f"not {answer!r}.")
    return Fraction(answer)


def _to_a_tenth(value: Fraction) -> float:
    """Half up, on the exact fraction: 12.25 becomes 12.3 whatever binary floats would say."""
    return float(Fraction(int(value * 10 + Fraction(1, 2)), 10))
