"""Recordings and quality review against the real server: who may search, hear and score which
recordings, seeking with Range requests, the audit of every playback, highlights, the daily review
list, and an evaluation's life from the team leader's score to the agent's dispute and its answer.

One branch for the module: team tellers (agent ann, user alice; leader tess) and team loans (agent
bob, user barry; leader lou); sam is a supervisor. Recordings are written with the store, as the
switchboard writes them, before the server starts: 1 is ann's (with a WAV file), 2 bob's (with a
file), 3 ann's whose file was purged.
"""

from __future__ import annotations

import json
import time

import pytest

from appliance.clock import iso
from appliance.store.database import connect
from appliance.store.recordings import add_recording, finish_recording, mark_purged
from appliance.web.quality_routes import RangeNotSatisfiable, byte_range
from tests.support.audio import tone_samples, write_wav
from tests.support.branch import Branch
from tests.support.desktop import DesktopSession, add_team_cast, serving_signed_in

pytestmark = pytest.mark.e2e

ANSWERS = {"greeting": 10, "identity": 20, "need": 15, "accuracy": 10, "compliance": 15, "courtesy": 10, "closing": 10}


def _add_recording(conn, recordings, agent: str, team: str, started: float, number: int, *, wav: bool) -> int:
    path = f"calls/{time.strftime('%Y/%m/%d', time.gmtime(started))}/{number}-call-{number}.wav"
    if wav:
        (recordings / path).parent.mkdir(parents=True, exist_ok=True)
        write_wav(recordings / path, tone_samples(440 + 100 * number, 1.0))
    with conn:
        recording_id = add_recording(conn, call_id=f"call-{number}", path=path, direction="inbound", queue="general",
                                     agent_id=agent, team=team, caller=f"1380013800{number}", started_at=iso(started))
        finish_recording(conn, path, ended_at=iso(started + 60), seconds=60.0, size=16044, reason="hangup")
    return recording_id


@pytest.fixture(scope="module")
def floor(tmp_path_factory):
    branch = Branch(tmp_path_factory.mktemp("recordings"))
    branch.init()
    branch.cli("queue", "add", "general")
    for agent, name, team in (("ann", "Ann Lee", "tellers"), ("bob", "Bob Wu", "loans")):
        branch.cli("agent", "add", agent, "--name", name)
        branch.cli("team", "add", team)
        branch.cli("team", "assign", agent, team)
    users = add_team_cast(branch, {"alice": "ann", "barry": "bob"})
    started = time.time() - 120
    conn = connect(branch.data / "branchline.db")
    recordings = branch.data / "recordings"
    ids = [_add_recording(conn, recordings, "ann", "tellers", started, 1, wav=True),
           _add_recording(conn, recordings, "bob", "loans", started + 1, 2, wav=True),
           _add_recording(conn, recordings, "ann", "tellers", started - 40 * 86400, 3, wav=False)]
    with conn:
        mark_purged(conn, ids[2])
    conn.close()
    assert ids == [1, 2, 3]
    with serving_signed_in(branch, users) as (server, sessions):
        yield branch, sessions, time.strftime("%Y-%m-%d", time.localtime(started))


def audio_file(branch: Branch, recording: int) -> bytes:
    (path,) = (branch.data / "recordings").glob(f"calls/*/*/*/{recording}-call-{recording}.wav")
    return path.read_bytes()


def played(branch: Branch) -> list[tuple[str, str]]:
    entries = json.loads(branch.cli("audit", "--action", "recording_played", "--json", "--limit", "1000").stdout)
    return [(e["actor"], e["target"]) for e in entries]


# ---- who may see and hear which recordings -------------------------------------------------------


def test_each_role_searches_only_the_recordings_it_may_see(floor):
    _, people, _ = floor
    found = {name: [r["id"] for r in s.http.get("/api/v1/recordings").json()] for name, s in people.items()}
    assert found == {"alice": [1, 3], "barry": [2], "tess": [1, 3], "lou": [2], "sam": [2, 1, 3]}
    (view,) = people["sam"].http.get("/api/v1/recordings", params={"caller": "38002"}).json()
    assert (view["id"], view["agent_name"], view["team"], view["seconds"], view["status"]) == (2, "Bob Wu", "loans",
                                                                                              60.0, "complete")
    bad = people["sam"].http.get("/api/v1/recordings", params={"from": "last week"})
    assert bad.status_code == 400 and "is not a date: write it as YYYY-MM-DD" in bad.json()["message"]


def test_another_teams_agent_and_team_leader_get_403_on_a_recording_and_its_audio(floor):
    branch, people, _ = floor
    before = len(played(branch))
    for name in ("barry", "lou"):
        for path in ("/api/v1/recordings/1", "/api/v1/recordings/1/audio"):
            refused = people[name].http.get(path)
            assert refused.status_code == 403, f"{name} reached {path}"
            assert refused.json()["message"] == "recording 1 is not yours or your team's."
    assert people["alice"].http.get("/api/v1/recordings/2/audio").status_code == 403
    assert len(played(branch)) == before  # nothing was heard, nothing is logged


def test_the_own_agent_and_team_leader_hear_the_whole_file(floor):
    branch, people, _ = floor
    for name in ("alice", "tess", "sam"):
        response = people[name].http.get("/api/v1/recordings/1/audio")
        assert response.status_code == 200, name
        assert response.headers["content-type"] == "audio/wav"
        assert response.headers["accept-ranges"] == "bytes"
        assert response.content == audio_file(branch, 1)
    assert people["alice"].http.get("/api/v1/recordings/1").json()["agent_id"] == "ann"


def test_a_range_request_gets_206_with_exactly_those_bytes(floor):
    branch, people, _ = floor
    whole = audio_file(branch, 1)
    http = people["tess"].http
    for header, first, last in (("bytes=44-1043", 44, 1043), ("bytes=16000-", 16000, len(whole) - 1),
                                ("bytes=-100", len(whole) - 100, len(whole) - 1),
                                ("bytes=0-999999", 0, len(whole) - 1)):
        part = http.get("/api/v1/recordings/1/audio", headers={"Range": header})
        assert part.status_code == 206, header
        assert part.headers["content-range"] == f"bytes {first}-{last}/{len(whole)}"
        assert part.headers["content-length"] == str(last - first + 1)
        assert part.content == whole[first:last + 1]
    beyond = http.get("/api/v1/recordings/1/audio", headers={"Range": f"bytes={len(whole)}-"})
    assert beyond.status_code == 416 and beyond.headers["content-range"] == f"bytes */{len(whole)}"


def test_every_playback_is_in_the_audit_log_with_the_serial_number(floor):
    branch, people, _ = floor
    before = played(branch)
    assert people["alice"].http.get("/api/v1/recordings/1/audio", headers={"Range": "bytes=0-99"}).status_code == 206
    assert people["sam"].http.get("/api/v1/recordings/2/audio").status_code == 200
    assert played(branch)[:2] == [("sam", "2"), ("alice", "1")]
    assert len(played(branch)) == len(before) + 2


def test_a_purged_recording_says_its_file_is_gone(floor):
    _, people, _ = floor
    gone = people["alice"].http.get("/api/v1/recordings/3/audio")
    assert gone.status_code == 410 and "was purged after the retention period" in gone.json()["message"]
    assert people["alice"].http.get("/api/v1/recordings/99").status_code == 404


def test_range_headers_are_read_as_the_rfc_says():
    assert byte_range(None, 100) is None
    assert byte_range("bytes=0-0", 100) == (0, 0)
    assert byte_range("bytes=10-5", 100) is None  # invalid: the whole file
    assert byte_range("bytes=0-1,5-6", 100) is None  # several ranges: the whole file
    assert byte_range("items=0-1", 100) is None
    with pytest.raises(RangeNotSatisfiable):
        byte_range("bytes=100-", 100)
    with pytest.raises(RangeNotSatisfiable):
        byte_range("bytes=-0", 100)


# ---- evaluations ---------------------------------------------------------------------------------


def _standard(session: DesktopSession) -> dict:
    (card,) = session.http.get("/api/v1/scorecards").json()
    return card


def _score(session: DesktopSession, recording: int, answers: dict, comment: str = ""):
    card = _standard(session)
    return session.post("/api/v1/evaluations", {"recording_id": recording, "scorecard_id": card["id"],
                                                "answers": answers, "comment": comment})


def test_everyone_reads_the_scorecards(floor):
    _, people, _ = floor
    card = _standard(people["alice"])
    assert (card["name"], card["version"]) == ("standard", 1)
    assert people["barry"].http.get(f"/api/v1/scorecards/{card['id']}").json()["sections"] == card["sections"]
    assert people["barry"].http.get("/api/v1/scorecards/99").status_code == 404


def test_agents_cannot_score_and_team_leaders_score_only_their_team(floor):
    _, people, _ = floor
    assert _score(people["alice"], 1, ANSWERS).status_code == 403
    refused = _score(people["lou"], 1, ANSWERS)
    assert refused.status_code == 403 and "not made by your team's agents" in refused.json()["message"]
    wrong = _score(people["tess"], 1, {**ANSWERS, "identity": 10})
    assert wrong.status_code == 400 and "criterion 'identity' is a fatal error" in wrong.json()["message"]


def test_a_team_leader_scores_the_agent_disputes_and_the_team_leader_answers(floor):
    _, people, _ = floor
    scored = _score(people["tess"], 1, {**ANSWERS, "accuracy": "na", "courtesy": 5}, "Rushed the close")
    assert scored.status_code == 201, scored.text
    evaluation = scored.json()
    assert (evaluation["agent_id"], evaluation["evaluator"], evaluation["status"]) == ("ann", "tess", "open")
    assert (evaluation["score"], evaluation["fatal"], evaluation["scorecard_name"]) == (93.8, False, "standard")
    path = f"/api/v1/evaluations/{evaluation['id']}"
    assert people["alice"].http.get(path).json()["comment"] == "Rushed the close"
    assert people["barry"].http.get(path).status_code == 403
    assert people["lou"].http.get(path).status_code == 403
    assert evaluation["id"] in [e["id"] for e in people["alice"].http.get("/api/v1/evaluations").json()]
    assert people["barry"].http.get("/api/v1/evaluations", params={"agent": "ann"}).status_code == 403
    assert people["tess"].post(f"{path}/acknowledge").status_code == 403  # only ann answers for ann
    assert people["alice"].post(f"{path}/dispute", {"comment": ""}).status_code == 400
    disputed = people["alice"].post(f"{path}/dispute", {"comment": "The caller hung up before I could close"})
    assert disputed.status_code == 200 and disputed.json()["status"] == "disputed"
    again = people["alice"].post(f"{path}/acknowledge")
    assert again.status_code == 409 and "only an open evaluation can be acknowledged" in again.json()["message"]
    assert people["alice"].post(f"{path}/respond", {"response": "no"}).status_code == 403
    assert people["lou"].post(f"{path}/respond", {"response": "no"}).status_code == 403
    answered = people["tess"].post(f"{path}/respond", {"response": "Agreed: closing marked na next time."})
    assert answered.status_code == 200
    assert (answered.json()["status"], answered.json()["responded_by"]) == ("answered", "tess")
    disputes = people["tess"].http.get("/api/v1/evaluations", params={"status": "answered", "agent": "ann"}).json()
    assert [e["id"] for e in disputes] == [evaluation["id"]]
    assert people["tess"].http.get("/api/v1/recordings/1").json()["score"] == 93.8


def test_an_agent_acknowledges_an_evaluation_and_a_fatal_error_scores_zero(floor):
    _, people, _ = floor
    scored = _score(people["sam"], 2, {**ANSWERS, "compliance": 0})
    assert scored.status_code == 201 and (scored.json()["score"], scored.json()["fatal"]) == (0.0, True)
    path = f"/api/v1/evaluations/{scored.json()['id']}"
    assert people["alice"].post(f"{path}/acknowledge").status_code == 403
    done = people["barry"].post(f"{path}/acknowledge")
    assert done.status_code == 200 and done.json()["status"] == "acknowledged"


# ---- highlights and the review list --------------------------------------------------------------


def test_team_leaders_mark_highlights_their_team_sees(floor):
    _, people, _ = floor
    assert people["alice"].post("/api/v1/recordings/1/highlight", {"reason": "mine"}).status_code == 403
    assert people["tess"].post("/api/v1/recordings/2/highlight", {"reason": "not mine"}).status_code == 403
    marked = people["tess"].post("/api/v1/recordings/1/highlight", {"reason": "Textbook identity check"})
    assert marked.status_code == 200 and marked.json()["highlighted"] is True
    library = {name: [(h["recording_id"], h["reason"]) for h in s.http.get("/api/v1/highlights").json()]
               for name, s in people.items()}
    assert library == {"alice": [(1, "Textbook identity check")], "tess": [(1, "Textbook identity check")],
                       "sam": [(1, "Textbook identity check")], "barry": [], "lou": []}
    assert people["lou"].delete("/api/v1/recordings/1/highlight").status_code == 403
    unmarked = people["tess"].delete("/api/v1/recordings/1/highlight")
    assert unmarked.status_code == 200 and unmarked.json()["highlighted"] is False
    assert people["alice"].http.get("/api/v1/highlights").json() == []


def test_the_review_list_draws_today_for_the_team_leaders_team(floor):
    _, people, day = floor
    review = people["tess"].http.get("/api/v1/review-list", params={"day": day})
    assert review.status_code == 200, review.text
    body = review.json()
    assert (body["day"], body["samples_per_agent"], body["min_seconds"]) == (day, 2, 30)
    assert [(a["agent_id"], [r["id"] for r in a["recordings"]]) for a in body["agents"]] == [("ann", [1])]
    assert people["tess"].http.get("/api/v1/review-list", params={"day": day}).json() == body
    everyone = people["sam"].http.get("/api/v1/review-list", params={"day": day}).json()
    assert [(a["agent_id"], [r["id"] for r in a["recordings"]]) for a in everyone["agents"]] == [("ann", [1]),
                                                                                                ("bob", [2])]
    assert people["alice"].http.get("/api/v1/review-list").status_code == 403
    assert people["tess"].http.get("/api/v1/review-list", params={"day": "today"}).status_code == 400
