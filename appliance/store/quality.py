"""Quality review in the store: scorecard versions, evaluations and the agent's answer to them, each
reviewer's daily review list, the highlight library, and the quality settings.

Who may do what is decided at the edge (web routes, CLI); here are the rules every caller shares:
an evaluation's score comes from its scorecard version (`quality/scorecard.py`), and its status
only moves open -> acknowledged | disputed -> answered.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

import apsw
import msgspec

from appliance.clock import iso
from appliance.errors import Conflict, InvalidInput, NotFound
from appliance.quality.sampling import draw_samples
from appliance.quality.scorecard import Answer, Scorecard, Section, score
from appliance.store._rows import check_whole
from appliance.store.config import get_setting, set_setting
from appliance.store.recording_search import RecordingView, local_day_bounds, parse_local_day, recording_views
from appliance.store.recordings import get_recording

__all__ = (
    "STATUSES",
    "Evaluation",
    "Highlight",
    "QualitySettings",
    "ReviewAgent",
    "ReviewList",
    "ReviewRecording",
    "ScorecardVersion",
    "acknowledge_evaluation",
    "add_evaluation",
    "answer_dispute",
    "dispute_evaluation",
    "get_evaluation",
    "get_scorecard",
    "highlighted_for_team",
    "highlights",
    "import_scorecard",
    "latest_scorecard",
    "latest_scorecards",
    "list_evaluations",
    "mark_highlight",
    "quality_settings",
    "review_list",
    "set_quality_settings",
    "unmark_highlight",
)

STATUSES = ("open", "acknowledged", "disputed", "answered")
MAX_COMMENT = 2000
MAX_REASON = 500
MAX_EVALUATIONS_LISTED = 1000
SETTING_PREFIX = "quality."
SETTING_LIMITS = {"samples_per_agent": (1, 50), "min_seconds": (0, 3600)}


# ---- scorecards --------------------------------------------------------------------------------------


class ScorecardVersion(msgspec.Struct, frozen=True):
    id: int
    name: str
    version: int
    title: str
    title_zh: str | None
    sections: tuple[Section, ...]
    created_at: str
    created_by: str

    def definition(self) -> Scorecard:
        return Scorecard(self.name, self.title, self.sections, self.title_zh)


_SCORECARD_SQL = "SELECT id, name, version, definition, created_at, created_by FROM scorecards"


def _scorecard(row: tuple) -> ScorecardVersion:
    scorecard_id, name, version, definition, created_at, created_by = row
    card = msgspec.json.decode(definition, type=Scorecard)
    return ScorecardVersion(scorecard_id, name, version, card.title, card.title_zh, card.sections, created_at, created_by)


def import_scorecard(conn: apsw.Connection, card: Scorecard, *, by: str, now: float) -> ScorecardVersion:
    """Keep a checked scorecard as the next version of its name (version 1 for a new name)."""
    with conn:
        (latest,) = conn.execute("SELECT coalesce(max(version), 0) FROM scorecards WHERE name = ?", (card.name,)).fetchone()
        conn.execute(
            "INSERT INTO scorecards (name, version, definition, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
            (card.name, latest + 1, msgspec.json.encode(card).decode(), iso(now), by),
        )
        return get_scorecard(conn, conn.last_insert_rowid())


def get_scorecard(conn: apsw.Connection, scorecard_id: int) -> ScorecardVersion:
    row = conn.execute(f"{_SCORECARD_SQL} WHERE id = ?", (scorecard_id,)).fetchone()
    if row is None:
        raise NotFound(f"there is no scorecard {scorecard_id}: GET /api/v1/scorecards lists them.", scorecard=scorecard_id)
    return _scorecard(row)


def latest_scorecard(conn: apsw.Connection, name: str) -> ScorecardVersion:
    row = conn.execute(f"{_SCORECARD_SQL} WHERE name = ? ORDER BY version DESC LIMIT 1", (name,)).fetchone()
    if row is None:
        raise NotFound(f"there is no scorecard {name!r}: 'branchline scorecard list' shows them, "
                       "'branchline scorecard import FILE.toml' adds one.")
    return _scorecard(row)


def latest_scorecards(conn: apsw.Connection) -> list[ScorecardVersion]:
    """The latest version of each scorecard, by name."""
    rows = conn.execute(f"{_SCORECARD_SQL} s WHERE version = (SELECT max(version) FROM scorecards WHERE name = s.name)"
                        " ORDER BY name")
    return [_scorecard(row) for row in rows]


# ---- evaluations -------------------------------------------------------------------------------------


class Evaluation(msgspec.Struct, frozen=True):
    id: int
    recording_id: int
    scorecard_id: int
    scorecard_name: str
    scorecard_version: int
    agent_id: str
    evaluator: str
    answers: dict[str, Answer]
    score: float
    fatal: bool
    comment: str
    created_at: str
    status: str
    agent_comment: str | None
    response: str | None
    responded_by: str | None
    agent_at: str | None  # when the agent acknowledged or disputed
    responded_at: str | None


_EVALUATION_SQL = """
SELECT e.id, e.recording_id, e.scorecard_id, s.name, s.version, e.agent_id, e.evaluator, e.answers, e.score, e.fatal,
       e.comment, e.created_at, e.status, e.agent_comment, e.response, e.responded_by, e.agent_at, e.responded_at
FROM evaluations e JOIN scorecards s ON s.id = e.scorecard_id
"""


def _evaluation(row: tuple) -> Evaluation:
    head, answers, value, fatal, tail = row[:7], row[7], row[8], row[9], row[10:]
    return Evaluation(*head, json.loads(answers), value, bool(fatal), *tail)


def add_evaluation(conn: apsw.Connection, *, recording_id: int, scorecard_id: int, answers: Mapping[str, Answer],
                   comment: str, evaluator: str, now: float) -> Evaluation:
    """Score a recording with a scorecard version; the evaluation is open for the agent's answer."""
    comment = _limited(comment, MAX_COMMENT, "the comment")
    with conn:
        recording = get_recording(conn, recording_id)
        if recording.status == "recording":
            raise Conflict(f"recording {recording_id} is still running: score it once the call has ended.")
        value, fatal = score(get_scorecard(conn, scorecard_id).definition(), answers)
        conn.execute(
            "INSERT INTO evaluations (recording_id, scorecard_id, agent_id, evaluator, answers, score, fatal, comment,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (recording_id, scorecard_id, recording.agent_id, evaluator, json.dumps(dict(answers)), value, int(fatal),
             comment, iso(now)),
        )
        return get_evaluation(conn, conn.last_insert_rowid())


def get_evaluation(conn: apsw.Connection, evaluation_id: int) -> Evaluation:
    row = conn.execute(f"{_EVALUATION_SQL} WHERE e.id = ?", (evaluation_id,)).fetchone()
    if row is None:
        raise NotFound(f"there is no evaluation {evaluation_id}.", evaluation=evaluation_id)
    return _evaluation(row)


def list_evaluations(conn: apsw.Connection, *, agents: Collection[str] | None, agent: str | None = None,
                     status: str | None = None, limit: int = 200) -> list[Evaluation]:
    """Newest first; only `agents`' evaluations (None: everyone's)."""
    if status is not None and status not in STATUSES:
        raise InvalidInput(f"status {status!r} is not one of {', '.join(STATUSES)}.")
    check_whole(limit, 1, MAX_EVALUATIONS_LISTED, "limit")
    where, params = ["1"], []
    for condition, value in (("e.agent_id = ?", agent), ("e.status = ?", status)):
        if value is not None:
            where.append(condition)
            params.append(value)
    if agents is not None:
        where.append("e.agent_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(sorted(agents)))
    rows = conn.execute(f"{_EVALUATION_SQL} WHERE {' AND '.join(where)} ORDER BY e.created_at DESC, e.id DESC LIMIT ?",
                        (*params, limit))
    return [_evaluation(row) for row in rows]


def acknowledge_evaluation(conn: apsw.Connection, evaluation_id: int, now: float) -> Evaluation:
    """The agent has read an open evaluation and accepts it."""
    return _move(conn, evaluation_id, "open", "acknowledged", "agent_at = ?", (iso(now),),
                 "only an open evaluation can be acknowledged")


def dispute_evaluation(conn: apsw.Connection, evaluation_id: int, comment: str, now: float) -> Evaluation:
    """The agent disagrees with an open evaluation, and says why."""
    comment = _required(comment, MAX_COMMENT, "a dispute needs a comment saying what you disagree with")
    return _move(conn, evaluation_id, "open", "disputed", "agent_comment = ?, agent_at = ?", (comment, iso(now)),
                 "only an open evaluation can be disputed")


def answer_dispute(conn: apsw.Connection, evaluation_id: int, response: str, *, by: str, now: float) -> Evaluation:
    """A team leader or supervisor answers the agent's dispute."""
    response = _required(response, MAX_COMMENT, "an answer to a dispute needs a response")
    return _move(conn, evaluation_id, "disputed", "answered", "response = ?, responded_by = ?, responded_at = ?",
                 (response, by, iso(now)), "only a disputed evaluation can be answered")


def _move(conn: apsw.Connection, evaluation_id: int, before: str, after: str, sets: str, values: tuple,
          rule: str) -> Evaluation:
    with conn:
        current = get_evaluation(conn, evaluation_id)
        if current.status != before:
            raise Conflict(f"evaluation {evaluation_id} is {current.status}: {rule}.", status=current.status)
        conn.execute(f"UPDATE evaluations SET status = ?, {sets} WHERE id = ?", (after, *values, evaluation_id))
        return get_evaluation(conn, evaluation_id)


def _limited(text: str, limit: int, what: str) -> str:
    text = text.strip()
    if len(text) > limit:
        raise InvalidInput(f"{what} is {len(text)} characters long: keep it to {limit}.")
    return text


def _required(text: str, limit: int, missing: str) -> str:
    text = _limited(text, limit, "this text")
    if not text:
        raise InvalidInput(f"{missing}.")
    return text


# ---- settings ----------------------------------------------------------------------------------------


class QualitySettings(msgspec.Struct, frozen=True):
    samples_per_agent: int = 2  # recordings per agent on each day's review list
    min_seconds: int = 30  # shorter recordings are not drawn for review


def quality_settings(conn: apsw.Connection) -> QualitySettings:
    values = {}
    for field in QualitySettings.__struct_fields__:
        text = get_setting(conn, SETTING_PREFIX + field)
        if text is not None and text.isdigit():
            values[field] = int(text)
    return QualitySettings(**values)


def set_quality_settings(conn: apsw.Connection, *, samples_per_agent: int | None = None,
                         min_seconds: int | None = None) -> QualitySettings:
    changes = {"samples_per_agent": samples_per_agent, "min_seconds": min_seconds}
    for field, value in changes.items():
        if value is not None:
            check_whole(value, *SETTING_LIMITS[field], field.replace("_", "-"))
    for field, value in changes.items():
        if value is not None:
            set_setting(conn, SETTING_PREFIX + field, str(value))
    return quality_settings(conn)


# ---- the daily review list -----------------------------------------------------------------------------


class ReviewRecording(RecordingView):
    evaluated: bool


class ReviewAgent(msgspec.Struct):
    agent_id: str
    agent_name: str | None
    recordings: list[ReviewRecording]


class ReviewList(msgspec.Struct):
    day: str
    reviewer: str
    samples_per_agent: int
    min_seconds: int
    agents: list[ReviewAgent]


def review_list(conn: apsw.Connection, *, day: str, reviewer: str, agents: Sequence[str], now: float) -> ReviewList:
    """The reviewer's list for a local day over `agents`: drawn the first time it is asked for, topped up
    while that day lasts for agents with fewer than N, and never changed otherwise."""
    parse_local_day(day)
    settings = quality_settings(conn)
    with conn:
        drawn = _drawn(conn, day, reviewer)
        if not drawn or day >= datetime.fromtimestamp(now).date().isoformat():
            eligible = _eligible(conn, day, agents, settings.min_seconds)
            added = draw_samples(eligible, drawn, settings.samples_per_agent, seed=f"{day}/{reviewer}")
            conn.executemany(
                "INSERT INTO review_samples (day, reviewer, agent_id, recording_id) VALUES (?, ?, ?, ?)",
                [(day, reviewer, agent_id, r) for agent_id, ids in added.items() for r in ids],
            )
            drawn = _drawn(conn, day, reviewer)
    return ReviewList(day, reviewer, settings.samples_per_agent, settings.min_seconds,
                      _review_agents(conn, agents, drawn))


def _drawn(conn: apsw.Connection, day: str, reviewer: str) -> dict[str, list[int]]:
    drawn: dict[str, list[int]] = {}
    for agent_id, recording_id in conn.execute(
        "SELECT agent_id, recording_id FROM review_samples WHERE day = ? AND reviewer = ?", (day, reviewer)
    ):
        drawn.setdefault(agent_id, []).append(recording_id)
    return drawn


def _eligible(conn: apsw.Connection, day: str, agents: Sequence[str], min_seconds: int) -> dict[str, list[int]]:
    """Each agent's complete recordings of the day, at least `min_seconds` long."""
    start, end = local_day_bounds(day)
    eligible: dict[str, list[int]] = {agent_id: [] for agent_id in agents}
    for agent_id, recording_id in conn.execute(
        "SELECT agent_id, id FROM recordings WHERE status = 'complete' AND seconds >= ? AND started_at >= ?"
        " AND started_at < ? AND agent_id IN (SELECT value FROM json_each(?))",
        (min_seconds, start, end, json.dumps(list(agents))),
    ):
        eligible[agent_id].append(recording_id)
    return eligible


def _review_agents(conn: apsw.Connection, agents: Sequence[str], drawn: Mapping[str, list[int]]) -> list[ReviewAgent]:
    views = recording_views(conn, [r for agent_id in agents for r in drawn.get(agent_id, ())])
    names = dict(conn.execute("SELECT id, name FROM agents WHERE id IN (SELECT value FROM json_each(?))",
                              (json.dumps(list(agents)),)))
    result = []
    for agent_id in agents:
        chosen = sorted((views[r] for r in drawn.get(agent_id, ()) if r in views), key=lambda v: (v.started_at, v.id))
        recordings = [ReviewRecording(**msgspec.structs.asdict(v), evaluated=v.evaluations > 0) for v in chosen]
        result.append(ReviewAgent(agent_id, names.get(agent_id), recordings))
    return result


# ---- highlights ----------------------------------------------------------------------------------------


class Highlight(msgspec.Struct):
    recording_id: int
    team: str | None  # the team whose library it is in: the recording's team
    reason: str
    marked_by: str
    marked_at: str
    recording: RecordingView


def mark_highlight(conn: apsw.Connection, recording_id: int, reason: str, *, by: str, now: float) -> None:
    """Put a recording in its team's highlight library (or change why it is there)."""
    reason = _required(reason, MAX_REASON, "a highlight needs a reason: say what makes this call worth hearing")
    with conn:
        recording = get_recording(conn, recording_id)
        team = recording.team or _current_team(conn, recording.agent_id)
        conn.execute(
            "INSERT INTO highlights (recording_id, team, reason, marked_by, marked_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (recording_id) DO UPDATE SET reason = excluded.reason, marked_by = excluded.marked_by,"
            " marked_at = excluded.marked_at",
            (recording_id, team, reason, by, iso(now)),
        )


def _current_team(conn: apsw.Connection, agent_id: str) -> str | None:
    row = conn.execute("SELECT team FROM agents WHERE id = ?", (agent_id,)).fetchone()
    return row[0] if row else None


def unmark_highlight(conn: apsw.Connection, recording_id: int) -> None:
    with conn:
        if conn.execute("DELETE FROM highlights WHERE recording_id = ? RETURNING 1", (recording_id,)).fetchone() is None:
            raise NotFound(f"recording {recording_id} is not a highlight.", recording=recording_id)


def highlighted_for_team(conn: apsw.Connection, recording_id: int, team: str | None) -> bool:
    return team is not None and conn.execute(
        "SELECT 1 FROM highlights WHERE recording_id = ? AND team = ?", (recording_id, team)
    ).fetchone() is not None


def highlights(conn: apsw.Connection, *, agents: Collection[str] | None, team: str | None) -> list[Highlight]:
    """Newest first: the highlights of `agents`' recordings and of `team`'s library (agents None: all)."""
    sql = ("SELECT h.recording_id, h.team, h.reason, h.marked_by, h.marked_at FROM highlights h"
           " JOIN recordings r ON r.id = h.recording_id")
    params: tuple = ()
    if agents is not None:
        sql += " WHERE r.agent_id IN (SELECT value FROM json_each(?)) OR (h.team IS NOT NULL AND h.team = ?)"
        params = (json.dumps(sorted(agents)), team)
    rows = conn.execute(sql + " ORDER BY h.marked_at DESC, h.recording_id DESC", params).fetchall()
    views = recording_views(conn, [row[0] for row in rows])
    return [Highlight(*row, recording=views[row[0]]) for row in rows]
