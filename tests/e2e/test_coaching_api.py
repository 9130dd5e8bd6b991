"""Coaching and development against the real server (docs/teams.md, "Coaching and development"):
a team leader records a talk linked to the agent's recording, the agent reads and acknowledges it,
the weekly rule, the month's segmentation from real events, training requests, sessions with
attendance, and suggestions decided by the squad leader. Other teams get 403 throughout.

One branch for the module: team tellers (ann, cat, dan, eve; ann leads squad s1 with cat; leader
tess), team loans (bob; leader lou); sam is a supervisor. Users alice (ann), carl (cat), barry
(bob). Recording 1 is ann's, recording 2 bob's. Last month ann, cat and dan took calls (ann most,
dan fewest); eve took none.
"""

from __future__ import annotations

import json
import time
from datetime import date, datetime, timedelta

import pytest

from appliance.clock import iso
from appliance.store.database import connect
from appliance.store.recordings import add_recording, finish_recording
from appliance.teamwork.coaching_week import iso_week, plan_month
from tests.support.branch import Branch
from tests.support.desktop import add_team_cast, serving_signed_in

pytestmark = pytest.mark.e2e

TALK = {"keep": "Warm greeting", "improve": "Read the card number back", "actions": "Listen to 3 calls together"}


def last_month() -> tuple[str, float]:
    """Last month (YYYY-MM) and local 10:00 on its 15th, as a timestamp."""
    first = date.today().replace(day=1) - timedelta(days=1)
    return first.strftime("%Y-%m"), datetime(first.year, first.month, 15, 10).timestamp()


def _events(branch: Branch) -> None:
    """Signed in an hour each; ann 6 calls of 200 s talk, cat 4 of 300 s, dan 2 of 400 s."""
    _, start = last_month()
    conn = connect(branch.data / "branchline.db")
    with conn:
        for agent, calls, talk in (("ann", 6, 200), ("cat", 4, 300), ("dan", 2, 400)):
            at = start
            for k in range(calls):
                at += talk
                conn.execute("INSERT INTO events (at, call_id, agent_id, kind, details) VALUES (?, ?, ?, ?, ?)",
                             (iso(at), f"{agent}-{k}", agent, "call_completed", json.dumps({"talk": talk})))
            conn.execute("INSERT INTO events (at, agent_id, kind, details) VALUES (?, ?, ?, ?)",
                         (iso(start + 3600), agent, "agent_state", json.dumps({"previous": "ready", "duration": 3600})))
        for n, agent, team in ((1, "ann", "tellers"), (2, "bob", "loans")):
            path = f"calls/{n}.wav"
            add_recording(conn, call_id=f"call-{n}", path=path, direction="inbound", queue=None, agent_id=agent,
                          team=team, caller="13800138000", started_at=iso(time.time() - 3600))
            finish_recording(conn, path, ended_at=iso(time.time() - 3500), seconds=100.0, size=0, reason="hangup")
    conn.close()


@pytest.fixture(scope="module")
def floor(tmp_path_factory):
    branch = Branch(tmp_path_factory.mktemp("coaching"))
    branch.init()
    for agent, name, team in (("ann", "Ann Lee", "tellers"), ("cat", "Cat Ho", "tellers"), ("dan", "Dan Ma", "tellers"),
                              ("eve", "Eve Xu", "tellers"), ("bob", "Bob Wu", "loans")):
        branch.cli("agent", "add", agent, "--name", name)
        branch.cli("team", "add", team, check=False)
        branch.cli("team", "assign", agent, team)
    branch.cli("team", "squad", "add", "tellers", "s1", "--leader", "ann")
    branch.cli("team", "squad", "assign", "cat", "s1")
    branch.cli("team", "role", "add", "tellers", "dan", "trainer")
    _events(branch)
    users = add_team_cast(branch, {"alice": "ann", "carl": "cat", "barry": "bob"})
    with serving_signed_in(branch, users) as (server, sessions):
        yield branch, sessions


def test_a_team_leader_records_a_talk_and_the_agent_reads_and_acknowledges_it(floor):
    branch, people = floor
    body = {"agent_id": "ann", "recordings": [1], "follow_up_on": (date.today() + timedelta(days=7)).isoformat(), **TALK}
    assert people["lou"].post("/api/v1/coaching", body).status_code == 403  # another team's agent
    assert people["alice"].post("/api/v1/coaching", body).status_code == 403
    wrong = people["tess"].post("/api/v1/coaching", {**body, "recordings": [2]})
    assert wrong.status_code == 400 and "recording 2 is agent bob's call, not ann's" in wrong.json()["message"]
    assert people["tess"].post("/api/v1/coaching", {**body, "recordings": [99]}).status_code == 404
    empty = people["tess"].post("/api/v1/coaching", {**body, "keep": " "})
    assert empty.status_code == 400 and "what to keep needs text" in empty.json()["message"]
    added = people["tess"].post("/api/v1/coaching", body)
    assert added.status_code == 201, added.text
    record = added.json()
    assert (record["leader"], record["day"], record["recordings"], record["acknowledged_at"]) == (
        "tess", date.today().isoformat(), [1], None)
    rid = record["id"]
    assert [r["id"] for r in people["alice"].http.get("/api/v1/coaching").json()] == [rid]
    assert people["alice"].http.get("/api/v1/coaching", params={"agent": "cat"}).status_code == 403
    assert people["carl"].http.get("/api/v1/coaching").json() == []
    assert people["carl"].http.get(f"/api/v1/coaching/{rid}").status_code == 403
    assert people["lou"].http.get(f"/api/v1/coaching/{rid}").status_code == 403
    assert people["lou"].http.get("/api/v1/coaching", params={"team": "tellers"}).status_code == 403
    assert people["lou"].http.get("/api/v1/coaching").json() == []
    assert [r["id"] for r in people["sam"].http.get("/api/v1/coaching", params={"team": "tellers"}).json()] == [rid]
    assert people["carl"].post(f"/api/v1/coaching/{rid}/acknowledge").status_code == 403
    acked = people["alice"].post(f"/api/v1/coaching/{rid}/acknowledge")
    assert acked.status_code == 200 and acked.json()["acknowledged_at"]
    assert people["lou"].post(f"/api/v1/coaching/{rid}/outcome", {"outcome": "ok"}).status_code == 403
    done = people["tess"].post(f"/api/v1/coaching/{rid}/outcome", {"outcome": "Reads it back on every call"})
    assert done.status_code == 200 and done.json()["outcome_by"] == "tess"
    assert people["alice"].http.get(f"/api/v1/coaching/{rid}").json()["outcome"] == "Reads it back on every call"
    audit = [e for e in branch.query("SELECT actor, action, target FROM audit_log") if e[1].startswith("coaching")]
    assert audit == [("tess", "coaching_added", "ann"), ("tess", "coaching_outcome", str(rid))]


def test_the_weekly_rule_counts_the_leaders_own_talks(floor):
    _, people = floor
    [week] = people["tess"].http.get("/api/v1/coaching/week").json()
    assert week["leader"] == "tess" and week["status"]["week"] == iso_week(date.today())
    before = len(week["status"]["agents"])
    assert people["tess"].post("/api/v1/coaching", {"agent_id": "cat", **TALK}).status_code == 201
    [week] = people["tess"].http.get("/api/v1/coaching/week").json()
    assert "cat" in week["status"]["agents"] and len(week["status"]["agents"]) == before + 1
    assert [m["agent_id"] for m in week["least_recent"]][:2] == ["dan", "eve"]  # never talked with
    assert people["tess"].http.get("/api/v1/coaching/week", params={"team": "loans"}).status_code == 403
    [lous] = people["sam"].http.get("/api/v1/coaching/week", params={"team": "loans"}).json()
    assert lous["leader"] == "lou" and lous["status"]["short"] == 2
    bad = people["tess"].http.get("/api/v1/coaching/week", params={"day": "soon"})
    assert bad.status_code == 400 and "is not a date" in bad.json()["message"]


def test_last_months_segmentation_from_real_events(floor):
    _, people = floor
    month, _ = last_month()
    response = people["tess"].http.get("/api/v1/segments", params={"month": month})
    assert response.status_code == 200, response.text
    found = response.json()
    tiers = {t["tier"]: [a["agent_id"] for a in t["agents"]] for t in found["tiers"]}
    assert tiers == {"front": ["ann"], "middle": ["cat"], "grow": ["dan"]}
    assert [a["agent_id"] for a in found["unscored"]] == ["eve"]
    assert found["tiers"][0]["approach"]["zh"] and found["tiers"][2]["name"]["en"] == "Most room to grow"
    assert people["lou"].http.get("/api/v1/segments", params={"team": "tellers", "month": month}).status_code == 403
    assert people["alice"].http.get("/api/v1/segments").status_code == 403
    assert people["sam"].http.get("/api/v1/segments", params={"month": month}).status_code == 400  # which team?
    assert people["tess"].http.get("/api/v1/segments", params={"month": "13-2026"}).status_code == 400


def test_training_requests_sessions_and_attendance(floor):
    _, people = floor
    made = people["carl"].post("/api/v1/training/requests", {"topic": "New card", "why": "Asked daily"})
    assert made.status_code == 201 and made.json()["plan_month"] == plan_month(date.today())
    assert people["carl"].post("/api/v1/training/requests", {"topic": "", "why": "x"}).status_code == 400
    assert [r["agent_id"] for r in people["carl"].http.get("/api/v1/training/requests").json()] == ["cat"]
    assert people["alice"].http.get("/api/v1/training/requests").json() == []
    assert people["lou"].http.get("/api/v1/training/requests", params={"team": "tellers"}).status_code == 403
    month = made.json()["plan_month"]
    plan = people["tess"].http.get("/api/v1/training/plan", params={"month": month}).json()
    assert plan["trainers"] == ["dan"] and [r["topic"] for r in plan["requests"]] == ["New card"]
    session = {"team": "tellers", "kind": "planned", "trainer": "dan", "day": f"{month}-03", "topic": "New card",
               "requests": [made.json()["id"]]}
    assert people["lou"].post("/api/v1/training/sessions", session).status_code == 403
    not_trainer = people["tess"].post("/api/v1/training/sessions", {**session, "trainer": "cat"})
    assert not_trainer.status_code == 400 and "is not a trainer of team 'tellers'" in not_trainer.json()["message"]
    created = people["tess"].post("/api/v1/training/sessions", session)
    assert created.status_code == 201, created.text
    sid = created.json()["id"]
    assert people["lou"].post(f"/api/v1/training/sessions/{sid}/attendance", {"present": ["cat"]}).status_code == 403
    marked = people["tess"].post(f"/api/v1/training/sessions/{sid}/attendance", {"present": ["cat", "ann"],
                                                                                 "absent": ["eve"]})
    assert [(a["agent_id"], a["present"]) for a in marked.json()["attendance"]] == [
        ("ann", True), ("cat", True), ("eve", False)]
    assert people["tess"].post(f"/api/v1/training/sessions/{sid}/attendance", {"present": ["bob"]}).status_code == 400
    adhoc = people["tess"].post("/api/v1/training/sessions", {**session, "kind": "adhoc", "requests": [],
                                                               "topic": "The new mobile app"})
    assert adhoc.status_code == 201
    assert {s["kind"] for s in people["carl"].http.get("/api/v1/training/sessions").json()} == {"planned", "adhoc"}
    assert people["barry"].http.get("/api/v1/training/sessions", params={"team": "tellers"}).status_code == 403


def test_suggestions_are_decided_by_the_squad_leader_or_the_team_leader(floor):
    _, people = floor
    made = people["carl"].post("/api/v1/training/suggestions", {"title": "FAQ card", "text": "One page of fee questions"})
    assert made.status_code == 201 and made.json()["squad"] == "s1"
    sid = made.json()["id"]
    assert [s["id"] for s in people["alice"].http.get("/api/v1/training/suggestions").json()] == [sid]  # her squad's
    assert people["barry"].http.get("/api/v1/training/suggestions").json() == []
    assert people["barry"].post(f"/api/v1/training/suggestions/{sid}/review", {"status": "under_review"}).status_code == 403
    assert people["carl"].post(f"/api/v1/training/suggestions/{sid}/review", {"status": "adopted",
                                                                              "note": "mine"}).status_code == 403
    assert people["lou"].post(f"/api/v1/training/suggestions/{sid}/review", {"status": "under_review"}).status_code == 403
    review = people["alice"].post(f"/api/v1/training/suggestions/{sid}/review", {"status": "under_review"})
    assert review.status_code == 200 and review.json()["reviewed_by"] == "alice"
    no_note = people["tess"].post(f"/api/v1/training/suggestions/{sid}/review", {"status": "declined"})
    assert no_note.status_code == 400 and "needs a note" in no_note.json()["message"]
    done = people["tess"].post(f"/api/v1/training/suggestions/{sid}/review", {"status": "adopted", "note": "Printed"})
    assert done.json()["status"] == "adopted"
    assert people["carl"].http.get("/api/v1/training/suggestions").json()[0]["note"] == "Printed"
    assert people["lou"].http.get("/api/v1/training/suggestions", params={"team": "tellers"}).status_code == 403
