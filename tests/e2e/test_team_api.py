"""The team leader's pages against the real server: the team, the roster and swaps, and who may
see and change which team's (docs/teams.md)."""

from __future__ import annotations

import json

import pytest

from tests.support.branch import Branch
from tests.support.desktop import DesktopSession, add_team_cast, serving_signed_in


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    """Team tellers: ann (user alice), bob (user bea), led by tess; team loans: dan, led by lou;
    sam is a supervisor. Shift early; each test works on days of its own."""
    branch = Branch(tmp_path_factory.mktemp("teams"))
    branch.init()
    for name in ("tellers", "loans"):
        branch.cli("team", "add", name)
    for agent_id, name, team_name in (("ann", "Ann Lee", "tellers"), ("bob", "Bob Wu", "tellers"), ("dan", "Dan Ma", "loans")):
        branch.cli("agent", "add", agent_id, "--name", name)
        branch.cli("team", "assign", agent_id, team_name)
    branch.cli("team", "squad", "add", "tellers", "front", "--leader", "ann")
    branch.cli("shift", "add", "early", "--starts", "08:30", "--ends", "17:00", "--break-minutes", "60")
    users = add_team_cast(branch, {"alice": "ann", "bea": "bob"})
    with serving_signed_in(branch, users) as (server, sessions):
        yield branch, sessions


def roster_of(session: DesktopSession, day: str, team: str | None = None) -> list[dict]:
    query = f"/api/v1/roster?from={day}&to={day}" + (f"&team={team}" if team else "")
    response = session.http.get(query)
    assert response.status_code == 200, response.text
    return response.json()


def audit_by(branch: Branch, actor: str) -> list[str]:
    return [e["action"] for e in json.loads(branch.cli("audit", "--json", "--actor", actor).stdout)]


def test_a_team_leader_sees_their_own_team_and_not_another(team):
    _, people = team
    overview = people["tess"].http.get("/api/v1/teams/tellers")
    assert overview.status_code == 200
    assert overview.json()["squads"] == [{"name": "front", "leader": "ann", "members": [{"id": "ann", "name": "Ann Lee"}]}]
    assert overview.json()["leaders"] == ["tess"]
    refused = people["lou"].http.get("/api/v1/teams/tellers")
    assert refused.status_code == 403 and refused.json()["error_id"] == "forbidden"
    assert people["alice"].http.get("/api/v1/teams/tellers").status_code == 403
    assert people["sam"].http.get("/api/v1/teams/loans").status_code == 200
    assert people["sam"].http.get("/api/v1/teams/nobody").status_code == 404


def test_only_the_agents_team_leader_changes_their_roster_and_it_is_audited(team):
    branch, people = team
    day = "2026-12-02"
    refused = people["lou"].put(f"/api/v1/roster/{day}/ann", {"shift": "early"})
    assert refused.status_code == 403 and "only the team leader of team tellers" in refused.json()["message"]
    set_ = people["tess"].put(f"/api/v1/roster/{day}/ann", {"shift": "early"})
    assert set_.status_code == 200, set_.text
    assert (set_.json()["agent_id"], set_.json()["shift"], set_.json()["worked_by"]) == ("ann", "early", "ann")
    unknown = people["tess"].put(f"/api/v1/roster/{day}/bob", {"shift": "lunch"})
    assert unknown.status_code == 400 and "shift 'lunch' does not exist" in unknown.json()["message"]
    assert people["lou"].delete(f"/api/v1/roster/{day}/ann").status_code == 403
    assert [e["agent_id"] for e in roster_of(people["sam"], day)] == ["ann"]
    assert people["tess"].delete(f"/api/v1/roster/{day}/ann").status_code == 204
    assert roster_of(people["tess"], day) == []
    assert audit_by(branch, "tess")[:2] == ["roster_cleared", "roster_set"]


def test_the_roster_is_shown_to_a_team_only(team):
    branch, people = team
    day = "2026-12-03"
    branch.cli("roster", "set", day, "bob", "early")
    branch.cli("roster", "set", day, "dan", "early")
    assert [e["agent_id"] for e in roster_of(people["tess"], day)] == ["bob"]
    assert [e["agent_id"] for e in roster_of(people["alice"], day)] == ["bob"]  # a teammate's shift to swap into
    assert [e["agent_id"] for e in roster_of(people["lou"], day)] == ["dan"]
    assert people["lou"].http.get(f"/api/v1/roster?from={day}&to={day}&team=tellers").status_code == 403
    assert [e["agent_id"] for e in roster_of(people["sam"], day, team="loans")] == ["dan"]
    bad = people["tess"].http.get("/api/v1/roster?from=tomorrow")
    assert bad.status_code == 400 and "is not a date" in bad.json()["message"]


def test_an_agent_requests_a_swap_the_team_leader_approves_and_the_roster_shows_the_colleague(team):
    branch, people = team
    day = "2026-12-04"
    branch.cli("roster", "set", day, "ann", "early")
    request = people["alice"].post("/api/v1/swaps",
                   {"day": day, "from_agent": "ann", "to_agent": "bob", "reason": "dentist"})
    assert request.status_code == 201, request.text
    swap = request.json()
    assert (swap["status"], swap["team"], swap["reason"]) == ("requested", "tellers", "dentist")
    assert [s["id"] for s in people["bea"].http.get("/api/v1/swaps").json()] == [swap["id"]]  # bob sees it too
    assert swap["id"] not in [s["id"] for s in people["lou"].http.get("/api/v1/swaps").json()]
    assert people["alice"].post(f"/api/v1/swaps/{swap['id']}/approve").status_code == 403
    assert people["lou"].post(f"/api/v1/swaps/{swap['id']}/approve").status_code == 403
    approved = people["tess"].post(f"/api/v1/swaps/{swap['id']}/approve")
    assert approved.status_code == 200, approved.text
    assert (approved.json()["status"], approved.json()["decided_by"]) == ("approved", "tess")
    [entry] = roster_of(people["alice"], day)
    assert (entry["agent_id"], entry["worked_by"], entry["swap_id"]) == ("ann", "bob", swap["id"])
    again = people["tess"].post(f"/api/v1/swaps/{swap['id']}/reject")
    assert again.status_code == 409 and "already approved (by tess)" in again.json()["message"]
    assert audit_by(branch, "tess")[0] == "swap_approved" and audit_by(branch, "alice")[0] == "swap_requested"


def test_agents_request_swaps_of_their_own_shifts_and_team_leaders_for_their_team(team):
    branch, people = team
    day = "2026-12-05"
    branch.cli("roster", "set", day, "bob", "early")
    branch.cli("roster", "set", day, "dan", "early")
    others = people["alice"].post("/api/v1/swaps", {"day": day, "from_agent": "dan", "to_agent": "bob"})
    assert others.status_code == 403 and "their own shifts only" in others.json()["message"]
    assert people["lou"].post("/api/v1/swaps", {"day": day, "from_agent": "bob", "to_agent": "ann"}).status_code == 403
    taken = people["alice"].post("/api/v1/swaps", {"day": day, "from_agent": "bob", "to_agent": "ann"})
    assert taken.status_code == 201, taken.text  # ann offers to take bob's shift
    rejected = people["tess"].post(f"/api/v1/swaps/{taken.json()['id']}/reject")
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    cross = people["sam"].post("/api/v1/swaps", {"day": day, "from_agent": "dan", "to_agent": "ann"})
    assert cross.status_code == 400 and "are not in one team" in cross.json()["message"]
    assert [e["worked_by"] for e in roster_of(people["tess"], day)] == ["bob"]
