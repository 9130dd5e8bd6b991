"""The five-KPI composite on constructed totals with known answers (appliance/teamwork/composite.py):
each KPI 0-100 between the group's worst and best, lower-is-better average talk, all equal, no value."""

from __future__ import annotations

import pytest

from appliance.teamwork.composite import RANKING_KPIS, Composite, composite_scores, kpi_parts
from appliance.teamwork.kpi import AgentDay


def totals(agent: str, *, cph: float | None = 10, talk: float | None = 200, fcr: float | None = 0.8,
           sat: float | None = 4, util: float | None = 0.5) -> AgentDay:
    """An agent's summed AgentDay whose five ranking KPIs are exactly these (None: no value)."""
    day = AgentDay(agent_id=agent)
    if cph is not None:
        day.signed_in_s = 3600.0
        day.handled = int(cph)
    if talk is not None:
        day.handled = day.handled or 10
        day.talk_s = talk * day.handled
    if fcr is not None:
        day.wrapups, day.fcr = 10, int(round(fcr * 10))
    if sat is not None:
        day.survey_count, day.survey_sum = 1, int(sat)
    if util is not None:
        day.paid_s, day.on_call_s = 1000.0, util * 1000
    return day


def group(*days: AgentDay) -> dict[str, AgentDay]:
    return {d.agent_id: d for d in days}


def test_each_kpi_is_placed_between_worst_and_best():
    scores = composite_scores(group(
        totals("a", cph=12, talk=180, fcr=0.9, sat=5, util=0.8),
        totals("b", cph=10, talk=200, fcr=0.8, sat=4, util=0.6),
        totals("c", cph=8, talk=220, fcr=0.6, sat=3, util=0.5),
    ))
    assert scores["a"].score == pytest.approx(500.0)
    assert scores["c"].score == pytest.approx(0.0)
    b = scores["b"].parts
    assert b["calls_per_hour"] == pytest.approx(50.0)
    assert b["avg_talk_s"] == pytest.approx(50.0)
    assert b["fcr_rate"] == pytest.approx(100 * 0.2 / 0.3)
    assert b["satisfaction"] == pytest.approx(50.0)
    assert b["utilisation"] == pytest.approx(100 * 0.1 / 0.3)
    assert scores["b"].score == pytest.approx(50 + 50 + 200 / 3 + 50 + 100 / 3)
    assert set(b) == set(RANKING_KPIS) and scores["b"].missing == ()


def test_shorter_average_talk_is_better():
    scores = composite_scores(group(totals("quick", talk=150), totals("slow", talk=250), totals("mid", talk=225)))
    assert scores["quick"].parts["avg_talk_s"] == pytest.approx(100.0)
    assert scores["slow"].parts["avg_talk_s"] == pytest.approx(0.0)
    assert scores["mid"].parts["avg_talk_s"] == pytest.approx(25.0)


def test_all_equal_gives_everybody_full_marks():
    scores = composite_scores(group(totals("a"), totals("b"), totals("c")))
    assert {s.score for s in scores.values()} == {500.0}


def test_a_lone_agent_gets_full_marks():
    assert composite_scores(group(totals("solo", cph=3, talk=900)))["solo"].score == 500.0


def test_a_kpi_without_a_value_gives_zero_and_is_listed_missing():
    scores = composite_scores(group(
        totals("a", sat=None, cph=12),
        totals("b", sat=5, cph=8),
        totals("c", sat=3, cph=10),
    ))
    assert scores["a"].parts["satisfaction"] == 0.0
    assert scores["a"].missing == ("satisfaction",)
    # the others are placed between themselves: b best, c worst on satisfaction
    assert scores["b"].parts["satisfaction"] == 100.0 and scores["c"].parts["satisfaction"] == 0.0
    assert scores["a"].parts["calls_per_hour"] == 100.0
    assert scores["a"].score == pytest.approx(400.0)


def test_nobody_with_a_value_gives_everybody_zero_for_that_kpi():
    scores = composite_scores(group(totals("a", fcr=None), totals("b", fcr=None)))
    assert all(s.parts["fcr_rate"] == 0.0 and s.missing == ("fcr_rate",) for s in scores.values())
    assert all(s.score == 400.0 for s in scores.values())


def test_an_agent_with_no_data_at_all_scores_zero_with_every_kpi_missing():
    scores = composite_scores(group(totals("a"), AgentDay(agent_id="idle")))
    assert scores["idle"] == Composite("idle", 0.0, dict.fromkeys(RANKING_KPIS, 0.0), RANKING_KPIS)
    assert scores["a"].score == 500.0


def test_an_empty_group_has_no_scores():
    assert composite_scores({}) == {}


def test_kpi_parts_direction():
    assert kpi_parts({"x": 1.0, "y": 3.0, "z": None}, "lower") == {"x": 100.0, "y": 0.0, "z": 0.0}
    assert kpi_parts({"x": 1.0, "y": 3.0, "z": 2.0}, "higher") == {"x": 0.0, "y": 100.0, "z": 50.0}
