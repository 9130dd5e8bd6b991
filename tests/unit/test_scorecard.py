"""Scorecards: reading a TOML definition (and refusing a bad one with a sentence that says what to
fix), and scoring answers by the rule in docs/supervision.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import appliance.quality
from appliance.errors import InvalidInput
from appliance.quality.scorecard import parse_scorecard, score

CARD = """
name = "standard"
title = "Standard call review"
title_zh = "标准通话质检"

[[sections]]
id = "greeting"
title = "Greeting"
title_zh = "开场"
  [[sections.criteria]]
  id = "greet"
  text = "Greets with the branch name and their own"
  text_zh = "使用规范开场白并报工号"
  weight = 10
  [[sections.criteria]]
  id = "verify"
  text = "Verifies the customer's identity before account details"
  weight = 20
  fatal = true

[[sections]]
id = "handling"
title = "Handling"
  [[sections.criteria]]
  id = "accuracy"
  text = "Gives accurate information"
  weight = 30
  [[sections.criteria]]
  id = "courtesy"
  text = "Is courteous"
  weight = 8
"""


@pytest.fixture
def card():
    return parse_scorecard(CARD)


def refused(text: str):
    return pytest.raises(InvalidInput, match=re.escape(text))


def test_the_documented_example_reads_with_both_languages(card):
    assert [s.id for s in card.sections] == ["greeting", "handling"]
    assert card.title_zh == "标准通话质检" and card.sections[0].title_zh == "开场"
    verify = card.criteria()["verify"]
    assert (verify.weight, verify.fatal, verify.text_zh) == (20, True, None)
    assert card.criteria()["greet"].text_zh == "使用规范开场白并报工号"


def test_the_shipped_standard_scorecard_is_valid_and_weighs_100():
    shipped = (Path(appliance.quality.__file__).parent / "standard_scorecard.toml").read_text()
    card = parse_scorecard(shipped)
    assert card.name == "standard"
    assert sum(c.weight for c in card.criteria().values()) == 100
    assert {c.id for c in card.criteria().values() if c.fatal} == {"identity", "compliance"}
    assert all(c.text_zh for c in card.criteria().values())


def test_full_marks_score_100_and_partial_points_are_weighed(card):
    assert score(card, {"greet": 10, "verify": 20, "accuracy": 30, "courtesy": 8}) == (100.0, False)
    # 5 + 20 + 15 + 8 = 48 of 68
    assert score(card, {"greet": 5, "verify": 20, "accuracy": 15, "courtesy": 8}) == (70.6, False)


def test_na_criteria_leave_the_total_they_would_have_weighed(card):
    # 10 + 20 + 4 of 38: accuracy does not count for or against
    assert score(card, {"greet": 10, "verify": 20, "accuracy": "na", "courtesy": 4}) == (89.5, False)


def test_a_fatal_criterion_may_be_na_without_failing(card):
    assert score(card, {"greet": 10, "verify": "na", "accuracy": 30, "courtesy": 8}) == (100.0, False)


def test_a_failed_fatal_criterion_makes_the_score_zero_and_marks_it_fatal(card):
    assert score(card, {"greet": 10, "verify": 0, "accuracy": 30, "courtesy": 8}) == (0.0, True)


def test_the_score_is_rounded_half_up_to_a_tenth():
    card = parse_scorecard(CARD.replace("weight = 8", "weight = 140"))
    # 10 + 20 + 30 + 0.5 of 200 = 30.25 -> 30.3 (a binary float would round down to 30.2)
    assert score(card, {"greet": 10, "verify": 20, "accuracy": 30, "courtesy": 0.5}) == (30.3, False)


def test_fatal_criteria_take_only_pass_or_fail(card):
    with refused("criterion 'verify' is a fatal error: it passes (20) or fails (0), not 10."):
        score(card, {"greet": 10, "verify": 10, "accuracy": 30, "courtesy": 8})


@pytest.mark.parametrize("bad", [11, -1, "7", True, None, float("nan")])
def test_points_outside_zero_to_the_weight_are_refused(card, bad):
    with refused("criterion 'greet' got"):
        score(card, {"greet": bad, "verify": 20, "accuracy": 30, "courtesy": 8})


def test_every_criterion_must_be_answered(card):
    with refused("criteria 'accuracy', 'courtesy' are not answered"):
        score(card, {"greet": 10, "verify": 20})


def test_unknown_criteria_are_refused(card):
    with refused("this scorecard has no criterion 'smile'"):
        score(card, {"greet": 10, "verify": 20, "accuracy": 30, "courtesy": 8, "smile": 1})


def test_all_na_cannot_be_scored(card):
    with refused('every criterion is "na"'):
        score(card, dict.fromkeys(("greet", "verify", "accuracy", "courtesy"), "na"))


@pytest.mark.parametrize(("change", "message"), [
    (("id = \"accuracy\"", "id = \"greet\""), "criterion id 'greet' is used twice"),
    (("id = \"handling\"", "id = \"greeting\""), "section id 'greeting' is used twice"),
    (("weight = 30", "weight = 0"), "criterion 'accuracy' in section 'handling' has weight 0: give its points as a whole"),
    (("weight = 30", "weight = 2.5"), "criterion 'accuracy' in section 'handling' has weight 2.5"),
    (("weight = 30", "weight = \"30\""), "has weight '30'"),
    (("weight = 30\n", "\n"), "criterion 'accuracy' in section 'handling' has weight None"),
    (("text = \"Is courteous\"", "text = \"  \""), "criterion 'courtesy' in section 'handling' has no text: add text"),
    (("fatal = true", "fatal = \"yes\""), "has fatal = 'yes': write fatal = true"),
    (("name = \"standard\"", "name = \"std card\""), "scorecard name 'std card' is not valid"),
    (("title = \"Standard call review\"\n", "\n"), "the scorecard has no title"),
])
def test_a_bad_definition_is_refused_naming_what_to_fix(change, message):
    with refused(message):
        parse_scorecard(CARD.replace(*change))


def test_a_scorecard_needs_sections_and_each_section_criteria():
    with refused("the scorecard has no sections"):
        parse_scorecard('name = "x"\ntitle = "X"\n')
    with refused("section 'empty' has no criteria"):
        parse_scorecard('name = "x"\ntitle = "X"\n[[sections]]\nid = "empty"\ntitle = "Empty"\n')


def test_text_that_is_not_toml_is_refused():
    with refused("the scorecard is not valid TOML"):
        parse_scorecard("name = ")
