"""Quality review in the store: scorecard versions, the evaluation's life (open -> acknowledged |
disputed -> answered), the daily review list's draw and top-up, highlights, searching recordings
by every filter and by who may see them, and purging old files.

The server's time zone is Asia/Shanghai (UTC+8) in these tests, so a local date is not a UTC date.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import apsw
import pytest

from appliance.errors import Conflict, InvalidInput, NotFound
from appliance.model import Queue
from appliance.quality.scorecard import parse_scorecard
from appliance.store import quality, routing
from appliance.store.recording_search import RecordingFilter, local_day_bounds, recording_view, search_recordings
from appliance.store.recordings import (
    add_recording,
    finish_recording,
    get_recording,
    purge_recordings,
    set_recording_settings,
)
from appliance.store.wrapups import Wrapup, save_wrapup
from tests.support.store import raises, store_with_teams
from tests.support.timezone import shanghai  # noqa: F401 - autouse: local days are not UTC days

CARD = """
name = "basic"
title = "Basic review"
[[sections]]
id = "call"
title = "The call"
  [[sections.criteria]]
  id = "greet"
  text = "Greets"
  weight = 10
  [[sections.criteria]]
  id = "verify"
  text = "Verifies identity"
  weight = 30
  fatal = true
"""
PASS = {"greet": 10, "verify": 30}


def ts(text: str) -> float:
    """Seconds of a UTC time written like 2026-03-02T09:00."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


@pytest.fixture
def conn(tmp_path: Path) -> apsw.Connection:
    """Agents ann and amy (team cards), bob (team loans); queues general and loans."""
    c = store_with_teams(tmp_path, (("ann", "Ann Lee", "cards"), ("amy", "Amy Xu", "cards"), ("bob", "Bob Wu", "loans")))
    routing.add_queue(c, Queue("general"))
    routing.add_queue(c, Queue("loans"))
    return c


@pytest.fixture
def card(conn) -> quality.ScorecardVersion:
    return quality.import_scorecard(conn, parse_scorecard(CARD), by="cli", now=ts("2026-03-01T00:00"))


_serial = iter(range(1, 10_000))


def record(conn, agent: str, started: str, seconds: float = 60, *, caller: str = "13800138000", queue: str = "general",
           team: str | None = "from-agent", finished: bool = True, direction: str = "inbound") -> int:
    """A recording made by `agent`, started at UTC `started`, finished after `seconds`."""
    number = next(_serial)
    if team == "from-agent":
        team = {"ann": "cards", "amy": "cards", "bob": "loans"}[agent]
    path = f"calls/{started[:10].replace('-', '/')}/{number}-c{number}.wav"
    recording_id = add_recording(conn, call_id=f"c{number}", path=path, direction=direction, queue=queue,
                                 agent_id=agent, team=team, caller=caller, started_at=f"{started}:00.000Z")
    if finished:
        finish_recording(conn, path, ended_at=f"{started}:59.000Z", seconds=seconds, size=int(seconds * 16000),
                         reason="hangup")
    return recording_id


# ---- scorecards and evaluations -------------------------------------------------------------------


def test_importing_a_name_again_makes_a_new_version_and_evaluations_keep_theirs(conn, card):
    recording = record(conn, "ann", "2026-03-02T01:00")
    first = quality.add_evaluation(conn, recording_id=recording, scorecard_id=card.id, answers=PASS, comment="",
                                   evaluator="lee", now=ts("2026-03-02T02:00"))
    second = quality.import_scorecard(conn, parse_scorecard(CARD.replace('title = "Basic review"', 'title = "Basic v2"')),
                                      by="sue", now=ts("2026-03-03T00:00"))
    assert (card.version, second.version) == (1, 2)
    assert [(c.name, c.version, c.title) for c in quality.latest_scorecards(conn)] == [("basic", 2, "Basic v2")]
    assert quality.latest_scorecard(conn, "basic").id == second.id
    assert quality.get_scorecard(conn, card.id).title == "Basic review"
    kept = quality.get_evaluation(conn, first.id)
    assert (kept.scorecard_id, kept.scorecard_name, kept.scorecard_version) == (card.id, "basic", 1)


def test_an_evaluation_is_scored_from_its_scorecard_and_belongs_to_the_recordings_agent(conn, card):
    recording = record(conn, "amy", "2026-03-02T01:00")
    evaluation = quality.add_evaluation(conn, recording_id=recording, scorecard_id=card.id,
                                        answers={"greet": 5, "verify": 30}, comment=" good ", evaluator="lee",
                                        now=ts("2026-03-02T02:00"))
    assert (evaluation.agent_id, evaluation.score, evaluation.fatal, evaluation.status) == ("amy", 87.5, False, "open")
    assert (evaluation.comment, evaluation.evaluator, evaluation.answers) == ("good", "lee", {"greet": 5, "verify": 30})
    failed = quality.add_evaluation(conn, recording_id=recording, scorecard_id=card.id,
                                    answers={"greet": 10, "verify": 0}, comment="", evaluator="lee", now=ts("2026-03-02T03:00"))
    assert (failed.score, failed.fatal) == (0.0, True)
    assert recording_view(conn, recording).score == 0.0  # the latest evaluation's
    assert recording_view(conn, recording).evaluations == 2


def test_a_recording_still_running_or_missing_cannot_be_scored(conn, card):
    running = record(conn, "ann", "2026-03-02T01:00", finished=False)
    with raises(Conflict, f"recording {running} is still running"):
        quality.add_evaluation(conn, recording_id=running, scorecard_id=card.id, answers=PASS, comment="",
                               evaluator="lee", now=ts("2026-03-02T02:00"))
    with raises(NotFound, "there is no recording 999"):
        quality.add_evaluation(conn, recording_id=999, scorecard_id=card.id, answers=PASS, comment="",
                               evaluator="lee", now=ts("2026-03-02T02:00"))
    with raises(NotFound, "there is no scorecard 77"):
        quality.add_evaluation(conn, recording_id=record(conn, "ann", "2026-03-02T01:00"), scorecard_id=77,
                               answers=PASS, comment="", evaluator="lee", now=ts("2026-03-02T02:00"))


def _evaluation(conn, card, agent: str = "ann") -> quality.Evaluation:
    recording = record(conn, agent, "2026-03-02T01:00")
    return quality.add_evaluation(conn, recording_id=recording, scorecard_id=card.id, answers=PASS, comment="",
                                  evaluator="lee", now=ts("2026-03-02T02:00"))


def test_an_open_evaluation_is_acknowledged_once_and_then_cannot_be_disputed(conn, card):
    evaluation = _evaluation(conn, card)
    done = quality.acknowledge_evaluation(conn, evaluation.id, ts("2026-03-02T03:00"))
    assert (done.status, done.agent_at) == ("acknowledged", "2026-03-02T03:00:00.000Z")
    with raises(Conflict, f"evaluation {evaluation.id} is acknowledged: only an open evaluation can be acknowledged."):
        quality.acknowledge_evaluation(conn, evaluation.id, ts("2026-03-02T04:00"))
    with raises(Conflict, f"evaluation {evaluation.id} is acknowledged: only an open evaluation can be disputed."):
        quality.dispute_evaluation(conn, evaluation.id, "I did verify", ts("2026-03-02T04:00"))


def test_a_dispute_is_answered_once_and_only_a_dispute_can_be_answered(conn, card):
    evaluation = _evaluation(conn, card)
    with raises(Conflict, f"evaluation {evaluation.id} is open: only a disputed evaluation can be answered."):
        quality.answer_dispute(conn, evaluation.id, "ok", by="lee", now=ts("2026-03-02T03:00"))
    with raises(InvalidInput, "a dispute needs a comment"):
        quality.dispute_evaluation(conn, evaluation.id, "   ", ts("2026-03-02T03:00"))
    disputed = quality.dispute_evaluation(conn, evaluation.id, " I did verify at 01:02 ", ts("2026-03-02T03:00"))
    assert (disputed.status, disputed.agent_comment) == ("disputed", "I did verify at 01:02")
    with raises(Conflict, "only an open evaluation can be acknowledged"):
        quality.acknowledge_evaluation(conn, evaluation.id, ts("2026-03-02T04:00"))
    answered = quality.answer_dispute(conn, evaluation.id, "Listened again: you did. Score stands for greeting.",
                                      by="lee", now=ts("2026-03-02T05:00"))
    assert (answered.status, answered.responded_by, answered.responded_at) == ("answered", "lee",
                                                                              "2026-03-02T05:00:00.000Z")
    with raises(Conflict, f"evaluation {evaluation.id} is answered"):
        quality.answer_dispute(conn, evaluation.id, "again", by="lee", now=ts("2026-03-02T06:00"))
    with raises(NotFound, "there is no evaluation 999"):
        quality.acknowledge_evaluation(conn, 999, ts("2026-03-02T06:00"))


def test_evaluations_are_listed_newest_first_for_the_agents_asked_and_by_status(conn, card):
    ann, bob = _evaluation(conn, card, "ann"), _evaluation(conn, card, "bob")
    later = quality.add_evaluation(conn, recording_id=ann.recording_id, scorecard_id=card.id, answers=PASS,
                                   comment="", evaluator="lee", now=ts("2026-03-02T09:00"))
    quality.dispute_evaluation(conn, ann.id, "no", ts("2026-03-02T10:00"))
    assert [e.id for e in quality.list_evaluations(conn, agents=None)] == [later.id, bob.id, ann.id]
    assert [e.id for e in quality.list_evaluations(conn, agents={"ann", "amy"})] == [later.id, ann.id]
    assert [e.id for e in quality.list_evaluations(conn, agents=None, status="disputed")] == [ann.id]
    assert [e.id for e in quality.list_evaluations(conn, agents={"ann"}, agent="bob")] == []
    with raises(InvalidInput, "status 'closed' is not one of open, acknowledged, disputed, answered."):
        quality.list_evaluations(conn, agents=None, status="closed")


# ---- the daily review list -----------------------------------------------------------------------


def _ids(review: quality.ReviewList) -> dict[str, list[int]]:
    return {a.agent_id: [r.id for r in a.recordings] for a in review.agents}


def test_the_review_list_draws_n_eligible_recordings_of_the_local_day_per_agent(conn):
    # Local day 2026-03-02 (UTC+8) runs from 2026-03-01T16:00Z to 2026-03-02T16:00Z.
    day = [record(conn, "ann", f"2026-03-02T0{h}:00") for h in range(1, 6)]
    record(conn, "ann", "2026-03-01T15:59")  # the local day before
    record(conn, "ann", "2026-03-02T16:00")  # the local day after
    record(conn, "ann", "2026-03-02T07:00", seconds=29)  # too short
    record(conn, "ann", "2026-03-02T08:00", finished=False)  # still running
    early = record(conn, "amy", "2026-03-01T16:00")  # local 00:00 on the day
    record(conn, "bob", "2026-03-02T01:00")  # not on this reviewer's team
    review = quality.review_list(conn, day="2026-03-02", reviewer="lee", agents=["ann", "amy"],
                                 now=ts("2026-03-02T10:00"))
    drawn = _ids(review)
    assert list(drawn) == ["ann", "amy"] and review.agents[0].agent_name == "Ann Lee"
    assert len(drawn["ann"]) == 2 and set(drawn["ann"]) <= set(day)
    assert drawn["amy"] == [early]
    assert (review.samples_per_agent, review.min_seconds) == (2, 30)


def test_the_draw_is_kept_and_topped_up_only_while_an_agent_has_fewer_than_n(conn, card):
    first = record(conn, "amy", "2026-03-02T01:00")
    for h in range(1, 6):
        record(conn, "ann", f"2026-03-02T0{h}:00")
    now = ts("2026-03-02T06:00")
    before = _ids(quality.review_list(conn, day="2026-03-02", reviewer="lee", agents=["ann", "amy"], now=now))
    assert before["amy"] == [first]
    later = record(conn, "amy", "2026-03-02T07:00")
    for h in range(7, 10):
        record(conn, "ann", f"2026-03-02T0{h}:00")
    after = quality.review_list(conn, day="2026-03-02", reviewer="lee", agents=["ann", "amy"],
                                now=ts("2026-03-02T10:00"))
    assert _ids(after) == {"ann": before["ann"], "amy": [first, later]}
    other = _ids(quality.review_list(conn, day="2026-03-02", reviewer="sue", agents=["ann", "amy"], now=now))
    assert len(other["ann"]) == 2  # another reviewer has a draw of their own


def test_a_past_days_list_does_not_change_once_drawn_and_shows_what_was_evaluated(conn, card):
    only = record(conn, "amy", "2026-03-02T01:00")
    next_day = ts("2026-03-03T05:00")
    review = quality.review_list(conn, day="2026-03-02", reviewer="lee", agents=["amy"], now=next_day)
    assert _ids(review) == {"amy": [only]} and review.agents[0].recordings[0].evaluated is False
    record(conn, "amy", "2026-03-02T02:00")  # arrives late (say, a clock fix): the past list stays
    quality.add_evaluation(conn, recording_id=only, scorecard_id=card.id, answers=PASS, comment="", evaluator="lee",
                           now=next_day)
    again = quality.review_list(conn, day="2026-03-02", reviewer="lee", agents=["amy"], now=next_day)
    assert _ids(again) == {"amy": [only]} and again.agents[0].recordings[0].evaluated is True


def test_review_settings_change_the_draw_and_are_checked(conn):
    assert quality.quality_settings(conn) == quality.QualitySettings(2, 30)
    assert quality.set_quality_settings(conn, samples_per_agent=3, min_seconds=90) == quality.QualitySettings(3, 90)
    assert quality.set_quality_settings(conn, min_seconds=60) == quality.QualitySettings(3, 60)
    with raises(InvalidInput, "samples-per-agent 0 is out of range: give a whole number from 1 to 50."):
        quality.set_quality_settings(conn, samples_per_agent=0, min_seconds=10)
    assert quality.quality_settings(conn).min_seconds == 60  # nothing of a refused change is kept
    for h in range(1, 6):
        record(conn, "ann", f"2026-03-02T0{h}:00", seconds=50 + h * 5)  # 55 .. 75 s
    review = quality.review_list(conn, day="2026-03-02", reviewer="lee", agents=["ann"], now=ts("2026-03-02T08:00"))
    assert len(review.agents[0].recordings) == 3
    assert all(r.seconds >= 60 for r in review.agents[0].recordings)
    with raises(InvalidInput, "'2026-3-2' is not a date: write it as YYYY-MM-DD"):
        quality.review_list(conn, day="2026-3-2", reviewer="lee", agents=["ann"], now=ts("2026-03-02T08:00"))


# ---- highlights ----------------------------------------------------------------------------------------


def test_highlights_are_marked_listed_for_the_team_and_unmarked(conn):
    ann, bob = record(conn, "ann", "2026-03-02T01:00"), record(conn, "bob", "2026-03-02T02:00")
    quality.mark_highlight(conn, ann, "Calm with an angry caller", by="lee", now=ts("2026-03-02T03:00"))
    quality.mark_highlight(conn, bob, "Clear fee explanation", by="sue", now=ts("2026-03-02T04:00"))
    assert recording_view(conn, ann).highlighted
    assert [(h.recording_id, h.team) for h in quality.highlights(conn, agents=None, team=None)] == [(bob, "loans"),
                                                                                                   (ann, "cards")]
    assert [h.recording_id for h in quality.highlights(conn, agents={"ann", "amy"}, team="cards")] == [ann]
    assert [h.recording_id for h in quality.highlights(conn, agents={"amy"}, team="cards")] == [ann]  # the team's
    assert quality.highlighted_for_team(conn, ann, "cards") and not quality.highlighted_for_team(conn, ann, "loans")
    quality.mark_highlight(conn, ann, "Model verification", by="lee", now=ts("2026-03-02T05:00"))
    assert [h.reason for h in quality.highlights(conn, agents={"ann"}, team="cards")] == ["Model verification"]
    with raises(InvalidInput, "a highlight needs a reason"):
        quality.mark_highlight(conn, bob, " ", by="sue", now=ts("2026-03-02T05:00"))
    quality.unmark_highlight(conn, ann)
    assert not recording_view(conn, ann).highlighted
    with raises(NotFound, f"recording {ann} is not a highlight."):
        quality.unmark_highlight(conn, ann)


def test_a_recording_without_a_team_is_highlighted_for_its_agents_team_now(conn):
    loose = record(conn, "amy", "2026-03-02T01:00", team=None)
    quality.mark_highlight(conn, loose, "Good", by="lee", now=ts("2026-03-02T03:00"))
    assert quality.highlights(conn, agents=None, team=None)[0].team == "cards"


# ---- search ------------------------------------------------------------------------------------------


def _found(conn, agents=None, **filters) -> list[int]:
    return [r.id for r in search_recordings(conn, RecordingFilter(**filters), agents)]


def test_local_dates_become_the_utc_range_of_that_day_in_the_servers_zone():
    assert local_day_bounds("2026-03-02") == ("2026-03-01T16:00:00.000Z", "2026-03-02T16:00:00.000Z")


def test_recordings_are_found_newest_first_by_local_dates_inclusive(conn):
    before = record(conn, "ann", "2026-03-01T15:59")  # local 2026-03-01 23:59
    first = record(conn, "ann", "2026-03-01T16:00")  # local 2026-03-02 00:00
    last = record(conn, "ann", "2026-03-03T15:59")  # local 2026-03-03 23:59
    after = record(conn, "ann", "2026-03-03T16:00")
    assert _found(conn) == [after, last, first, before]
    assert _found(conn, from_day="2026-03-02", to_day="2026-03-03") == [last, first]
    assert _found(conn, from_day="2026-03-04") == [after]
    assert _found(conn, to_day="2026-03-01") == [before]
    assert _found(conn, limit=2) == [after, last]
    with raises(InvalidInput, "'03/02/2026' is not a date"):
        _found(conn, from_day="03/02/2026")
    with raises(InvalidInput, "limit must be from 1 to 1000, not 0."):
        _found(conn, limit=0)


def test_recordings_are_filtered_by_agent_team_queue_caller_and_length(conn):
    ann = record(conn, "ann", "2026-03-02T01:00", 45, caller="+8613800138000")
    amy = record(conn, "amy", "2026-03-02T02:00", 300, caller="021-5555-0100", queue="loans")
    bob = record(conn, "bob", "2026-03-02T03:00", 120, caller="13912345678", direction="outbound")
    assert _found(conn, agent="ann") == [ann]
    assert _found(conn, team="cards") == [amy, ann]
    assert _found(conn, queue="loans") == [amy]
    assert _found(conn, caller="138001") == [ann]
    assert _found(conn, caller="5555-01") == [amy]
    assert _found(conn, caller="%") == []  # taken literally, not as a wildcard
    assert _found(conn, min_seconds=100) == [bob, amy]
    assert _found(conn, min_seconds=100, max_seconds=200) == [bob]
    view = recording_view(conn, bob)
    assert (view.agent_name, view.team, view.direction, view.disposition, view.score) == (
        "Bob Wu", "loans", "outbound", None, None)


def test_recordings_are_filtered_by_the_agents_disposition_and_the_latest_score(conn, card):
    ann, amy, bob = (record(conn, a, f"2026-03-02T0{i}:00") for i, a in enumerate(("ann", "amy", "bob"), 1))
    save_wrapup(conn, Wrapup(get_recording(conn, ann).call_id, "ann", "complaint", "", False, "2026-03-02T01:05:00.000Z"),
                "general")
    # Another agent's wrap-up of the same call is not this recording's disposition.
    save_wrapup(conn, Wrapup(get_recording(conn, amy).call_id, "bob", "complaint", "", False, "2026-03-02T02:05:00.000Z"),
                "general")
    for recording, answers in ((ann, {"greet": 0, "verify": 30}), (ann, PASS), (amy, {"greet": 10, "verify": 0})):
        quality.add_evaluation(conn, recording_id=recording, scorecard_id=card.id, answers=answers, comment="",
                               evaluator="lee", now=ts("2026-03-02T05:00") + recording)
    assert _found(conn, disposition="complaint") == [ann]
    assert recording_view(conn, ann).disposition == "complaint"
    assert _found(conn, min_score=90) == [ann]  # its latest score, 100; the earlier 75 no longer counts
    assert _found(conn, max_score=80) == [amy]
    assert _found(conn, min_score=0) == [amy, ann]  # unscored bob has no score to compare
    assert bob not in _found(conn, max_score=100)


def test_only_the_agents_the_user_may_see_are_searched(conn):
    ann, amy, bob = (record(conn, a, f"2026-03-02T0{i}:00") for i, a in enumerate(("ann", "amy", "bob"), 1))
    assert _found(conn, agents=None) == [bob, amy, ann]
    assert _found(conn, agents={"ann", "amy"}) == [amy, ann]
    assert _found(conn, agents={"ann"}) == [ann]
    assert _found(conn, agents={"ann"}, agent="bob") == []
    assert _found(conn, agents=set()) == []


# ---- purging -------------------------------------------------------------------------------------------


def test_purge_deletes_files_past_retention_and_keeps_the_rows(conn, tmp_path):
    root = tmp_path / "recordings"
    old, new = record(conn, "ann", "2026-01-01T01:00"), record(conn, "ann", "2026-03-01T01:00")
    for recording in (old, new):
        path = root / get_recording(conn, recording).path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * 1000)
    set_recording_settings(conn, retention_days=30)
    now = ts("2026-03-02T00:00")
    dry = purge_recordings(conn, root, now, dry_run=True)
    assert (dry.recordings, dry.bytes_freed) == (1, 1000) and get_recording(conn, old).status == "complete"
    done = purge_recordings(conn, root, now)
    assert (done.recordings, done.bytes_freed, done.missing) == (1, 1000, 0)
    assert get_recording(conn, old).status == "purged" and get_recording(conn, new).status == "complete"
    assert not (root / get_recording(conn, old).path).exists() and (root / get_recording(conn, new).path).exists()
    assert purge_recordings(conn, root, now).recordings == 0
    set_recording_settings(conn, retention_days=0)
    assert purge_recordings(conn, root, now + 10**9).before is None  # 0 days: kept for ever
