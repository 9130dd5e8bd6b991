"""The monthly awards on constructed totals with known answers (appliance/teamwork/recognition.py):
the leaderboard's places, ties, top and bottom; the squad competition with discipline points;
most improved; the best-trainer tally; and properties over random groups."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.errors import InvalidInput
from appliance.teamwork.composite import composite_scores
from appliance.teamwork.kpi import AgentDay
from appliance.teamwork.recognition import (
    Discipline,
    Rules,
    leaderboard,
    most_improved,
    places,
    squad_competition,
    squad_discipline,
    trainer_tally,
)


def totals(agent: str | None, cph: float) -> AgentDay:
    """Totals whose five ranking KPIs are all the same for everyone except calls per hour."""
    return AgentDay(agent_id=agent, signed_in_s=100 / cph * 3600, handled=100, talk_s=20000.0, wrapups=100, fcr=80,
                    survey_sum=400, survey_count=100, paid_s=10000.0, on_call_s=5000.0)


def team(**cph: float) -> dict[str, AgentDay]:
    return {agent: totals(agent, value) for agent, value in cph.items()}


def board(rows) -> list[tuple[str, int, str | None]]:
    return [(r.agent_id, r.place, r.award) for r in rows]


# ---- places -------------------------------------------------------------------------------------------


def test_equal_scores_share_a_place_and_the_next_place_skips():
    assert places({"a": 9.0, "b": 7.0, "c": 7.0, "d": 3.0}) == {"a": 1, "b": 2, "c": 2, "d": 4}


def test_scores_equal_to_two_decimals_are_a_tie():
    assert places({"a": 412.3449, "b": 412.3351}) == {"a": 1, "b": 1}


# ---- the leaderboard -------------------------------------------------------------------------------------


def test_the_leaderboard_ranks_by_composite_rewards_the_top_two_and_the_bottom_two_contribute():
    rows = leaderboard(team(ann=12, bob=11, cat=11, dan=9, eve=8))
    assert [round(r.score, 6) for r in rows] == [500, 475, 475, 425, 400]
    # bob and cat share second place: both are rewarded, three in all
    assert board(rows) == [("ann", 1, "top"), ("bob", 2, "top"), ("cat", 2, "top"), ("dan", 4, "bottom"),
                           ("eve", 5, "bottom")]


def test_a_tie_at_the_bottom_makes_both_contribute():
    rows = leaderboard(team(ann=12, bob=10, cat=8, dan=8), Rules(top_n=1, bottom_n=1))
    assert board(rows) == [("ann", 1, "top"), ("bob", 2, None), ("cat", 3, "bottom"), ("dan", 3, "bottom")]


def test_in_a_small_team_a_rewarded_agent_never_also_contributes():
    assert board(leaderboard(team(ann=12, bob=10, cat=8))) == [("ann", 1, "top"), ("bob", 2, "top"),
                                                               ("cat", 3, "bottom")]


def test_all_equal_rewards_everybody_and_nobody_contributes():
    assert {(r.place, r.award) for r in leaderboard(team(ann=10, bob=10, cat=10))} == {(1, "top")}


def test_an_agent_without_any_ranking_kpi_is_not_ranked_and_does_not_move_the_others():
    with_idle = {**team(ann=12, bob=8), "idle": AgentDay(agent_id="idle")}
    assert board(leaderboard(with_idle)) == board(leaderboard(team(ann=12, bob=8)))


def test_rules_are_checked():
    with pytest.raises(InvalidInput, match="top_n must be a whole number from 0 to 50"):
        Rules(top_n=-1)
    with pytest.raises(InvalidInput, match="skip_points"):
        Rules(skip_points=1.5)


# ---- the squad competition ---------------------------------------------------------------------------


def test_discipline_points_count_absences_late_days_and_skipped_activities():
    squad_of = {"ann": "east", "bob": "east", "cat": "west"}
    days = [
        AgentDay(agent_id="ann", day="2026-11-02", absent=1),
        AgentDay(agent_id="ann", day="2026-11-03", late_minutes=12),
        AgentDay(agent_id="bob", day="2026-11-03", late_minutes=3),
        AgentDay(agent_id="bob", day="2026-11-04"),
        AgentDay(agent_id="cat", day="2026-11-04", late_minutes=0),
        AgentDay(agent_id="zed", day="2026-11-04", absent=1),  # in no squad: counts nowhere
    ]
    found = squad_discipline(days, squad_of, {"cat": 2, "zed": 1})
    assert found == {"east": Discipline(absences=1, late_days=2, skips=0, points=-4),
                     "west": Discipline(absences=0, late_days=0, skips=2, points=-2)}
    strict = squad_discipline(days, squad_of, {"cat": 2}, Rules(absence_points=5, late_points=0, skip_points=3))
    assert (strict["east"].points, strict["west"].points) == (-5, -6)


def test_the_best_kpis_lose_the_competition_to_discipline():
    squads = {"east": totals(None, 11), "south": totals(None, 10.9), "west": totals(None, 1)}
    # calls per hour: east 100, south 99, west 0; everything else equal
    clean = squad_competition(squads, {})
    assert [(r.squad, r.place, round(r.total, 6), r.winner) for r in clean] == [
        ("east", 1, 500, True), ("south", 2, 499, False), ("west", 3, 400, False)]
    late_once = squad_competition(squads, {"east": Discipline(late_days=1, points=-1)})
    assert [(r.squad, r.place, r.winner) for r in late_once][:2] == [("east", 1, True), ("south", 1, True)]
    absent = squad_competition(squads, {"east": Discipline(absences=1, points=-2)})
    assert [(r.squad, round(r.total, 6), r.winner) for r in absent][:2] == [("south", 499, True), ("east", 498, False)]
    assert absent[1].composite == pytest.approx(500.0) and absent[1].discipline.points == -2


def test_a_month_without_a_call_has_no_squad_winner_and_nobody_on_the_leaderboard():
    rostered = AgentDay(signed_in_s=3600.0, paid_s=3600.0)  # values (0 calls per hour, 0 % utilisation), no call
    assert leaderboard({"ann": rostered, "bob": rostered}) == []
    squads = {"east": rostered, "west": AgentDay()}
    rows = squad_competition(squads, {"west": Discipline(absences=1, points=-2)})
    assert [(r.squad, r.place, r.winner) for r in rows] == [("east", 1, False), ("west", 2, False)]


# ---- most improved -------------------------------------------------------------------------------------


def test_the_largest_gain_between_last_month_and_this_half_wins():
    before = {**team(ann=10, bob=12, cat=8), "eve": AgentDay(agent_id="eve")}
    after = {**team(ann=12, bob=10, cat=8, dan=20, eve=11)}
    rows = most_improved(before, after)
    # over ann, bob and cat only (dan has no last month, eve no calls in it):
    # before ann 450, bob 500, cat 400; after ann 500, bob 450, cat 400
    assert [(r.agent_id, r.place, round(r.before, 6), round(r.after, 6), round(r.gain, 6), r.winner) for r in rows] == [
        ("ann", 1, 450, 500, 50, True), ("cat", 2, 400, 400, 0, False), ("bob", 3, 500, 450, -50, False)]


def test_nobody_wins_most_improved_without_a_gain():
    rows = most_improved(team(ann=10, bob=12), team(ann=10, bob=12))
    assert [r.winner for r in rows] == [False, False]


def test_equal_gains_share_most_improved():
    rows = most_improved(team(ann=8, bob=12, cat=8), team(ann=12, bob=12, cat=12))
    # before ann 400, bob 500, cat 400; after everybody 500
    assert {(r.agent_id, r.winner) for r in rows} == {("ann", True), ("cat", True), ("bob", False)}


# ---- best trainer ---------------------------------------------------------------------------------------


def test_votes_are_counted_ties_shown_and_every_trainer_listed():
    tally = trainer_tally({"m1": "tia", "m2": "tom", "m3": "tia", "m4": "tom"}, ["tia", "tom", "ted"])
    assert [(t.trainer, t.votes, t.place, t.winner) for t in tally] == [
        ("tia", 2, 1, True), ("tom", 2, 1, True), ("ted", 0, 3, False)]


def test_without_votes_nobody_wins():
    assert [t.winner for t in trainer_tally({}, ["tia", "tom"])] == [False, False]


# ---- properties -------------------------------------------------------------------------------------------

_value = st.one_of(st.none(), st.integers(1, 40))


@st.composite
def groups(draw) -> dict[str, AgentDay]:
    """Up to eight agents with random sums (some KPIs without a value)."""
    found = {}
    for k in range(draw(st.integers(0, 8))):
        handled, surveys, wrapups, paid = draw(_value), draw(_value), draw(_value), draw(_value)
        found[f"a{k}"] = AgentDay(
            agent_id=f"a{k}", signed_in_s=3600.0 * (draw(st.integers(1, 8))) if handled else 0.0,
            handled=handled or 0, talk_s=float(draw(st.integers(0, 9000))) if handled else 0.0,
            wrapups=wrapups or 0, fcr=draw(st.integers(0, wrapups or 0)), survey_count=surveys or 0,
            survey_sum=(surveys or 0) * draw(st.integers(1, 5)), paid_s=3600.0 * (paid or 0),
            on_call_s=float(draw(st.integers(0, 3600 * (paid or 0)))))
    return found


@settings(max_examples=200, deadline=None)
@given(groups(), st.integers(0, 4), st.integers(0, 4))
def test_composites_stay_in_range_and_the_leaderboard_never_rewards_and_charges_one_agent(totals, top, bottom):
    scores = composite_scores(totals)
    for c in scores.values():
        assert all(0.0 <= p <= 100.0 + 1e-9 for p in c.parts.values())
        assert c.score == pytest.approx(sum(c.parts.values())) and 0.0 <= c.score <= 500.0 + 1e-9
        assert all(c.parts[k] == 0.0 for k in c.missing)
    rows = leaderboard(totals, Rules(top_n=top, bottom_n=bottom))
    assert [r.place for r in rows] == sorted(r.place for r in rows)  # best first
    for higher, lower in zip(rows, rows[1:]):
        assert round(higher.score, 2) >= round(lower.score, 2)
        assert (higher.place == lower.place) == (round(higher.score, 2) == round(lower.score, 2))
    assert all((r.award == "top") == (r.place <= top) for r in rows)
    assert all(r.award != "bottom" or r.place > top for r in rows)


@settings(max_examples=100, deadline=None)
@given(groups(), groups())
def test_most_improved_only_compares_agents_with_data_in_both_periods(before, after):
    rows = most_improved(before, after)
    assert {r.agent_id for r in rows} <= before.keys() & after.keys()
    assert sum(r.winner for r in rows) == 0 or max(r.gain for r in rows) > 0
    assert all(r.gain == pytest.approx(r.after - r.before) for r in rows)
