"""Recordings and quality review over HTTP: searching and playing recordings, highlights,
scorecards, evaluations with the agent's answer, and the daily review list (docs/supervision.md).

Who may see what follows the roles table there: an agent their own recordings and evaluations, a
team leader their team's, a supervisor and an admin everyone's; every playback is audited. An
agent may also hear a recording their team leader put in their team's highlight library: the
library is there for the team to learn from.
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated

import anyio
import msgspec
from litestar import Request, Response, delete, get, post
from litestar.di import NamedDependency
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import File, Stream

from appliance.errors import BranchlineError, Conflict, NotFound
from appliance.quality.scorecard import Answer
from appliance.store import quality
from appliance.store.recording_search import RecordingFilter, RecordingView, recording_view, search_recordings
from appliance.store.recordings import get_recording
from appliance.store.users import Account
from appliance.web.auth import at_least, may_see_agent, visible_agents
from appliance.web.schemas import ErrorBody
from appliance.web.services import Services

__all__ = ("QUALITY_ROUTES", "RangeNotSatisfiable", "byte_range")

ServicesDep = NamedDependency[Services]
AUDIO_TYPE = "audio/wav"
CHUNK = 64 * 1024
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


class HighlightBody(msgspec.Struct, forbid_unknown_fields=True):
    reason: str


class EvaluationBody(msgspec.Struct, forbid_unknown_fields=True):
    recording_id: int
    scorecard_id: int
    answers: dict[str, Answer]
    comment: str = ""


class DisputeBody(msgspec.Struct, forbid_unknown_fields=True):
    comment: str


class RespondBody(msgspec.Struct, forbid_unknown_fields=True):
    response: str


class RecordingGone(BranchlineError):
    status = 410
    error_id = "recording_purged"


class RangeNotSatisfiable(BranchlineError):
    status = 416
    error_id = "range_not_satisfiable"


# ---- who may see what -----------------------------------------------------------------------------


def _team_agents(user: Account, services: Services) -> list[str]:
    """The agents on the user's review list: a team leader's team, everyone for a supervisor."""
    config = services.switchboard.config
    return [a.id for a in config.agents if may_see_agent(user, a.id, config)]


def _readable_recording(request: Request, services: Services, recording_id: int) -> RecordingView:
    """The recording's view when the user may hear it (else 403): their own or their team's, or
    a highlight of their team's library."""
    view = recording_view(services.conn, recording_id)
    user: Account = request.user
    if not may_see_agent(user, view.agent_id, services.switchboard.config) and not quality.highlighted_for_team(
        services.conn, recording_id, user.team
    ):
        raise PermissionDeniedException(f"recording {recording_id} is not yours or your team's.")
    return view


def _team_recording(request: Request, services: Services, recording_id: int) -> RecordingView:
    """The recording's view when the user leads its agent's team (or is a supervisor), else 403."""
    view = recording_view(services.conn, recording_id)
    if not may_see_agent(request.user, view.agent_id, services.switchboard.config):
        raise PermissionDeniedException(f"recording {recording_id} was not made by your team's agents.")
    return view


def _readable_evaluation(request: Request, services: Services, evaluation_id: int) -> quality.Evaluation:
    evaluation = quality.get_evaluation(services.conn, evaluation_id)
    if not may_see_agent(request.user, evaluation.agent_id, services.switchboard.config):
        raise PermissionDeniedException(f"evaluation {evaluation_id} is not of you or your team.")
    return evaluation


def _own_evaluation(request: Request, services: Services, evaluation_id: int) -> quality.Evaluation:
    """Only the evaluated agent answers their evaluation: nobody acknowledges for them."""
    evaluation = quality.get_evaluation(services.conn, evaluation_id)
    if request.user.agent_id is None or request.user.agent_id != evaluation.agent_id:
        raise PermissionDeniedException(f"evaluation {evaluation_id} is not of you: only the evaluated agent "
                                        "acknowledges or disputes it.")
    return evaluation


# ---- recordings --------------------------------------------------------------------------------------


@get("/api/v1/recordings", sync_to_thread=False)
def list_recordings(
    request: Request,
    services: ServicesDep,
    from_day: Annotated[str | None, QueryParameter(name="from")] = None,
    to_day: Annotated[str | None, QueryParameter(name="to")] = None,
    agent: FromQuery[str | None] = None,
    team: FromQuery[str | None] = None,
    queue: FromQuery[str | None] = None,
    caller: FromQuery[str | None] = None,
    disposition: FromQuery[str | None] = None,
    min_seconds: FromQuery[float | None] = None,
    max_seconds: FromQuery[float | None] = None,
    min_score: FromQuery[float | None] = None,
    max_score: FromQuery[float | None] = None,
    limit: FromQuery[int] = 100,
) -> list[RecordingView]:
    """Newest first: an agent's own, a team leader's team's, everyone's for a supervisor."""
    filters = RecordingFilter(from_day, to_day, agent, team, queue, caller, disposition, min_seconds, max_seconds,
                              min_score, max_score, limit)
    return search_recordings(services.conn, filters, visible_agents(request.user, services.switchboard.config))


@get("/api/v1/recordings/{recording_id:int}", sync_to_thread=False)
def show_recording(request: Request, recording_id: FromPath[int], services: ServicesDep) -> RecordingView:
    return _readable_recording(request, services, recording_id)


@get("/api/v1/recordings/{recording_id:int}/audio", sync_to_thread=False)
def recording_audio(request: Request, recording_id: FromPath[int], services: ServicesDep) -> Response:
    """The WAV file; a `Range` request gets those bytes (206) so the player can seek. Every request
    is written to the audit log: whoever hears a customer's call is on record."""
    view = _readable_recording(request, services, recording_id)
    path = _audio_path(services, recording_id, view.status)
    size = path.stat().st_size
    try:
        wanted = byte_range(request.headers.get("range"), size)
    except RangeNotSatisfiable as exc:
        return Response(ErrorBody(exc.error_id, exc.message, exc.details), status_code=exc.status,
                        headers={"Content-Range": f"bytes */{size}"})
    with services.conn:
        services.audit(request.user, "recording_played", str(recording_id), recording=recording_id,
                       agent_id=view.agent_id, range=None if wanted is None else f"{wanted[0]}-{wanted[1]}")
    if wanted is None:
        return File(path, media_type=AUDIO_TYPE, content_disposition_type="inline",
                    filename=f"recording-{recording_id}.wav", headers={"Accept-Ranges": "bytes"})
    start, end = wanted
    return Stream(_file_slice(path, start, end - start + 1), media_type=AUDIO_TYPE, status_code=206, headers={
        "Accept-Ranges": "bytes", "Content-Range": f"bytes {start}-{end}/{size}", "Content-Length": str(end - start + 1),
    })


def _audio_path(services: Services, recording_id: int, status: str) -> Path:
    if status == "purged":
        raise RecordingGone(f"recording {recording_id} was purged after the retention period: its file is gone, "
                            "its evaluations are kept.")
    if status == "recording":
        raise Conflict(f"recording {recording_id} is still running: play it once the call has ended "
                       "(to hear a live call, listen in from the floor).")
    root = services.recordings_dir
    row = get_recording(services.conn, recording_id)
    path = (root / row.path).resolve() if root is not None else None
    if path is None or not path.is_relative_to(root.resolve()) or not path.is_file():
        raise NotFound(f"the file of recording {recording_id} is missing from the recordings folder.",
                       recording=recording_id)
    return path


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive (first, last) byte of a single `Range: bytes=...` request; None to send the
    whole file (no header, another unit, several ranges or a malformed one may be ignored, RFC 9110
    14.2); RangeNotSatisfiable when it starts past the end."""
    match = _RANGE.fullmatch((header or "").replace(" ", ""))
    if match is None or match.group(1) == match.group(2) == "":
        return None
    first, last = match.group(1), match.group(2)
    if first == "":  # the last N bytes
        if int(last) == 0 or size == 0:
            raise RangeNotSatisfiable(f"the range asks for none of the last bytes of a {size}-byte file.", size=size)
        return max(0, size - int(last)), size - 1
    start, end = int(first), size - 1 if last == "" else min(int(last), size - 1)
    if last != "" and int(last) < start:
        return None  # not a valid range: ignored, the whole file is sent
    if start >= size:
        raise RangeNotSatisfiable(f"the range starts at byte {start} of a {size}-byte file.", size=size)
    return start, end


async def _file_slice(path: Path, start: int, length: int) -> AsyncIterator[bytes]:
    async with await anyio.open_file(path, "rb") as handle:
        await handle.seek(start)
        while length > 0:
            chunk = await handle.read(min(CHUNK, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk


@post("/api/v1/recordings/{recording_id:int}/highlight", guards=[at_least("team_leader")], sync_to_thread=False,
      status_code=200)
def mark_highlight(request: Request, recording_id: FromPath[int], data: JSONBody[HighlightBody],
                   services: ServicesDep) -> RecordingView:
    _team_recording(request, services, recording_id)
    quality.mark_highlight(services.conn, recording_id, data.reason, by=request.user.username, now=time.time())
    return recording_view(services.conn, recording_id)


@delete("/api/v1/recordings/{recording_id:int}/highlight", guards=[at_least("team_leader")], sync_to_thread=False,
        status_code=200)
def unmark_highlight(request: Request, recording_id: FromPath[int], services: ServicesDep) -> RecordingView:
    _team_recording(request, services, recording_id)
    quality.unmark_highlight(services.conn, recording_id)
    return recording_view(services.conn, recording_id)


@get("/api/v1/highlights", sync_to_thread=False)
def list_highlights(request: Request, services: ServicesDep) -> list[quality.Highlight]:
    """The library of the user's team: its highlights, and those of every recording the user may see."""
    return quality.highlights(services.conn, agents=visible_agents(request.user, services.switchboard.config), team=request.user.team)


# ---- scorecards and evaluations ------------------------------------------------------------------


@get("/api/v1/scorecards", sync_to_thread=False)
def list_scorecards(services: ServicesDep) -> list[quality.ScorecardVersion]:
    return quality.latest_scorecards(services.conn)


@get("/api/v1/scorecards/{scorecard_id:int}", sync_to_thread=False)
def show_scorecard(scorecard_id: FromPath[int], services: ServicesDep) -> quality.ScorecardVersion:
    return quality.get_scorecard(services.conn, scorecard_id)


@post("/api/v1/evaluations", guards=[at_least("team_leader")], sync_to_thread=False, status_code=201)
def add_evaluation(request: Request, data: JSONBody[EvaluationBody], services: ServicesDep) -> quality.Evaluation:
    _team_recording(request, services, data.recording_id)
    return quality.add_evaluation(services.conn, recording_id=data.recording_id, scorecard_id=data.scorecard_id,
                                  answers=data.answers, comment=data.comment, evaluator=request.user.username,
                                  now=time.time())


@get("/api/v1/evaluations", sync_to_thread=False)
def list_evaluations(request: Request, services: ServicesDep, agent: FromQuery[str | None] = None,
                     status: FromQuery[str | None] = None, limit: FromQuery[int] = 200) -> list[quality.Evaluation]:
    """Newest first: an agent gets their own only, a team leader their team's."""
    visible = visible_agents(request.user, services.switchboard.config)
    if agent is not None and visible is not None and agent not in visible:
        raise PermissionDeniedException(f"agent {agent!r} is not you or in your team.")
    return quality.list_evaluations(services.conn, agents=visible, agent=agent, status=status, limit=limit)


@get("/api/v1/evaluations/{evaluation_id:int}", sync_to_thread=False)
def show_evaluation(request: Request, evaluation_id: FromPath[int], services: ServicesDep) -> quality.Evaluation:
    return _readable_evaluation(request, services, evaluation_id)


@post("/api/v1/evaluations/{evaluation_id:int}/acknowledge", sync_to_thread=False, status_code=200)
def acknowledge_evaluation(request: Request, evaluation_id: FromPath[int], services: ServicesDep) -> quality.Evaluation:
    _own_evaluation(request, services, evaluation_id)
    return quality.acknowledge_evaluation(services.conn, evaluation_id, time.time())


@post("/api/v1/evaluations/{evaluation_id:int}/dispute", sync_to_thread=False, status_code=200)
def dispute_evaluation(request: Request, evaluation_id: FromPath[int], data: JSONBody[DisputeBody],
                       services: ServicesDep) -> quality.Evaluation:
    _own_evaluation(request, services, evaluation_id)
    return quality.dispute_evaluation(services.conn, evaluation_id, data.comment, time.time())


@post("/api/v1/evaluations/{evaluation_id:int}/respond", guards=[at_least("team_leader")], sync_to_thread=False,
      status_code=200)
def respond_to_dispute(request: Request, evaluation_id: FromPath[int], data: JSONBody[RespondBody],
                       services: ServicesDep) -> quality.Evaluation:
    """The agent's team leader (or a supervisor) answers the dispute."""
    _readable_evaluation(request, services, evaluation_id)
    return quality.answer_dispute(services.conn, evaluation_id, data.response, by=request.user.username,
                                  now=time.time())


@get("/api/v1/review-list", guards=[at_least("team_leader")], sync_to_thread=False)
def review_list(request: Request, services: ServicesDep, day: FromQuery[str | None] = None) -> quality.ReviewList:
    """Today's (or `day`'s) recordings drawn for review, per agent of the user's team."""
    user: Account = request.user
    now = time.time()
    day = day or time.strftime("%Y-%m-%d", time.localtime(now))
    agents = _team_agents(user, services)
    return quality.review_list(services.conn, day=day, reviewer=user.username, agents=agents, now=now)


QUALITY_ROUTES = [
    list_recordings, show_recording, recording_audio, mark_highlight, unmark_highlight, list_highlights,
    list_scorecards, show_scorecard, add_evaluation, list_evaluations, show_evaluation,
    acknowledge_evaluation, dispute_evaluation, respond_to_dispute, review_list,
]
