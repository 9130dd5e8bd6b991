"""Targets, flags with improvement plans, and complaints against the real server: who may see and
change what, an agent writing the plan for their flag and the team leader following it up, and a
month's complaint analysis.

One branch for the module: team tellers (agent ann, user alice; leader tess) and team loans (agent
bob, user barry; leader lou); sam is a supervisor. Ann was rostered six days in a row and never
signed in: `branchline team flags` raised an adherence warning for the first three days and a
plan flag for the next three. Calls call-1 (ann's) and call-2 (bob's) are in the call records.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest

from appliance.clock import iso
from appliance.store.database import connect
from appliance.store.records import CallRecord, save_call
from tests.support.branch import Branch
from tests.support.desktop import DesktopSession, add_team_cast, serving_signed_in

pytestmark = pytest.mark.e2e


def days_ago(n: int) -> str:
    return (date.today() - timedelta(days=n)).isoformat()


@pytest.fixture(scope="module")
def floor(tmp_path_factory):
    branch = Branch(tmp_path_factory.mktemp("followup"))
    branch.init()
    for agent, name, team in (("ann", "Ann Lee", "tellers"), ("bob", "Bob Wu", "loans")):
        branch.cli("agent", "add", agent, "--name", name)
        branch.cli("team", "add", team)
        branch.cli("team", "assign", agent, team)
    branch.cli("shift", "add", "day", "--starts", "08:30", "--ends", "17:00", "--break-minutes", "60")
    for n in range(8, 2, -1):
        branch.cli("roster", "set", days_ago(n), "ann", "day")
    branch.cli("team", "flags", "--day", days_ago(3))
    conn = connect(branch.data / "branchline.db")
    with conn:
        for call_id, agent in (("call-1", "ann"), ("call-2", "bob")):
            save_call(conn, CallRecord(call_id, "13800138000", "100", iso(time.time() - 3600), agent_id=agent))
    conn.close()
    users = add_team_cast(branch, {"alice": "ann", "barry": "bob"})
    with serving_signed_in(branch, users) as (server, sessions):
        yield branch, sessions



def anns_flags(session: DesktopSession) -> dict[str, dict]:
    response = session.http.get("/api/v1/flags")
    assert response.status_code == 200, response.text
    return {f["level"]: f for f in response.json() if f["agent_id"] == "ann" and f["kpi"] == "adherence"}


def test_an_agent_sees_their_own_flags_and_a_team_leader_their_teams(floor):
    _, people = floor
    flags = anns_flags(people["alice"])
    assert (flags["warning"]["first_day"], flags["plan"]["first_day"]) == (days_ago(8), days_ago(5))
    assert all(f["agent_id"] == "ann" for f in people["alice"].http.get("/api/v1/flags").json())
    assert people["alice"].http.get("/api/v1/flags", params={"agent": "bob"}).status_code == 403
    assert people["barry"].http.get("/api/v1/flags").json() == []
    assert set(anns_flags(people["tess"])) == {"warning", "plan"}
    assert people["tess"].http.get("/api/v1/flags", params={"team": "loans"}).status_code == 403
    assert people["lou"].http.get("/api/v1/flags").json() == []
    assert people["lou"].http.get("/api/v1/flags", params={"agent": "ann"}).status_code == 403
    assert len(people["sam"].http.get("/api/v1/flags", params={"team": "tellers"}).json()) >= 2


def test_the_flagged_agent_writes_a_plan_and_their_team_leader_follows_it_up(floor):
    _, people = floor
    flags = anns_flags(people["alice"])
    plan_flag, warning = flags["plan"]["id"], flags["warning"]["id"]
    body = {"plan": "Sign in by 08:25 every day; my squad leader checks for two weeks."}
    assert people["barry"].post(f"/api/v1/flags/{plan_flag}/plan", body).status_code == 403  # not his flag
    assert people["sam"].post(f"/api/v1/flags/{plan_flag}/plan", body).status_code == 403  # no agent at all
    refused = people["alice"].post(f"/api/v1/flags/{warning}/plan", body)
    assert refused.status_code == 400 and "is a warning" in refused.json()["message"]
    written = people["alice"].post(f"/api/v1/flags/{plan_flag}/plan", body)
    assert written.status_code == 201, written.text
    plan = written.json()
    assert (plan["agent_id"], plan["status"]) == ("ann", "open")
    assert people["alice"].post(f"/api/v1/flags/{plan_flag}/plan", body).status_code == 409
    assert people["lou"].post(f"/api/v1/plans/{plan['id']}/follow-up", {"note": "ok"}).status_code == 403
    assert people["alice"].post(f"/api/v1/plans/{plan['id']}/follow-up", {"note": "ok"}).status_code == 403
    first = people["tess"].post(f"/api/v1/plans/{plan['id']}/follow-up", {"note": "On time three days running."})
    assert first.status_code == 200 and first.json()["status"] == "open"
    closed = people["tess"].post(f"/api/v1/plans/{plan['id']}/follow-up", {"note": "Two weeks on time.", "close": True})
    assert closed.json()["status"] == "closed" and closed.json()["follow_up"].count("tess:") == 2
    assert anns_flags(people["alice"])["plan"]["plan"]["status"] == "closed"  # the agent sees the follow-up
    again = people["tess"].post(f"/api/v1/plans/{plan['id']}/follow-up", {"note": "more"})
    assert again.status_code == 409


def test_a_team_leader_sets_their_own_teams_targets_and_everyone_reads_their_own(floor):
    branch, people = floor
    mine = people["alice"].http.get("/api/v1/targets").json()
    assert [(t["team"], t["kpi"], t["target"], t["default"]) for t in mine] == [("tellers", "adherence", 0.995, True)]
    assert people["alice"].http.get("/api/v1/targets", params={"team": "loans"}).status_code == 403
    set_ = people["tess"].put("/api/v1/targets/tellers/aht_s", {"target": 360})
    assert set_.status_code == 200 and set_.json()["better"] == "lower"
    assert people["tess"].put("/api/v1/targets/loans/aht_s", {"target": 360}).status_code == 403
    assert people["sam"].put("/api/v1/targets/loans/utilisation", {"target": 0.7}).status_code == 200
    bad = people["tess"].put("/api/v1/targets/tellers/adherence", {"target": 99.5})
    assert bad.status_code == 400 and "from 0 to 1" in bad.json()["message"]
    assert people["tess"].put("/api/v1/targets/tellers/speed", {"target": 1}).status_code == 400
    assert {t["kpi"] for t in people["alice"].http.get("/api/v1/targets").json()} == {"aht_s", "adherence"}
    assert people["sam"].http.get("/api/v1/targets").status_code == 400  # which team?
    assert people["sam"].http.get("/api/v1/targets", params={"team": "loans"}).json()[0]["kpi"] == "utilisation"
    audit = [e for e in branch.query("SELECT actor, action, target FROM audit_log") if e[1] == "target_set"]
    assert audit == [("tess", "target_set", "tellers"), ("sam", "target_set", "loans")]


def test_complaints_of_a_team_and_the_months_analysis(floor):
    _, people = floor
    body = {"call_id": "call-1", "category": "attitude", "description": "Rushed me off the phone"}
    added = people["tess"].post("/api/v1/complaints", body)
    assert added.status_code == 201, added.text
    assert (added.json()["agent_id"], added.json()["registered_by"]) == ("ann", "tess")
    assert people["tess"].post("/api/v1/complaints", {**body, "call_id": "call-2"}).status_code == 403  # bob's
    assert people["tess"].post("/api/v1/complaints", {**body, "call_id": "nope"}).status_code == 404
    bobs = people["lou"].post("/api/v1/complaints", {**body, "call_id": "call-2", "category": "waiting"}).json()
    complaint = added.json()["id"]
    decision = {"substantiated": True, "note": "The recording confirms it."}
    assert people["lou"].post(f"/api/v1/complaints/{complaint}/decide", decision).status_code == 403
    decided = people["tess"].post(f"/api/v1/complaints/{complaint}/decide", decision)
    assert decided.status_code == 200 and decided.json()["substantiated"] is True
    people["sam"].post(f"/api/v1/complaints/{bobs['id']}/decide", {"substantiated": False, "note": "Hold was short."})
    month = time.strftime("%Y-%m")
    assert [c["agent_id"] for c in people["tess"].http.get("/api/v1/complaints", params={"month": month}).json()] == ["ann"]
    assert len(people["sam"].http.get("/api/v1/complaints").json()) == 2
    tellers = people["tess"].http.get("/api/v1/complaints/analysis", params={"month": month}).json()
    assert (tellers["complaints"], tellers["substantiated_share"]) == (1, 1.0)
    branch_wide = people["sam"].http.get("/api/v1/complaints/analysis").json()  # this month by default
    assert (branch_wide["month"], branch_wide["complaints"], branch_wide["substantiated_share"]) == (month, 2, 0.5)
    assert [(c["category"], c["complaints"]) for c in branch_wide["by_category"]] == [("attitude", 1), ("waiting", 1)]
    bad = people["sam"].http.get("/api/v1/complaints/analysis", params={"month": "2026-13"})
    assert bad.status_code == 400 and bad.json()["error_id"] == "invalid_input"
