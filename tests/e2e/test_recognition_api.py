"""Recognition, team activities, the team fund and the team's announcements against the real server:
who may see and change what (members of another team get 403), the fund keeper recording movements,
members voting for the best trainer, the team leader publishing a month's results to the desktops.

One branch for the module: team tellers (agents ann, amy, abe with users alice, amelia, abel; leader
tess): ann and amy in squad east, abe in west; amy is the fund keeper, ann the activity officer,
abe a trainer. Team loans: agent bob (user barry), leader lou. sam is a supervisor. Last month
has constructed calls (tests/cli/test_recognition_cli.py `last_months_calls` gives the known
composites): ann 300, amy 200, abe 100.
"""

from __future__ import annotations

import csv
import io

import pytest

from tests.cli.test_recognition_cli import months_ago, worked
from tests.support.branch import Branch
from tests.support.desktop import add_team_cast, serving_signed_in

pytestmark = pytest.mark.e2e

MONTH = months_ago(1)


@pytest.fixture(scope="module")
def floor(tmp_path_factory):
    branch = Branch(tmp_path_factory.mktemp("recognition"))
    branch.init()
    for agent, name, team in (("ann", "Ann Lee", "tellers"), ("amy", "Amy Ho", "tellers"), ("abe", "Abe Ma", "tellers"),
                              ("bob", "Bob Wu", "loans")):
        branch.cli("agent", "add", agent, "--name", name)
        branch.cli("team", "add", team, check=False)
        branch.cli("team", "assign", agent, team)
    branch.cli("team", "squad", "add", "tellers", "east", "--leader", "ann")
    branch.cli("team", "squad", "assign", "amy", "east")
    branch.cli("team", "squad", "add", "tellers", "west", "--leader", "abe")
    for agent, role in (("amy", "fund_keeper"), ("ann", "activity_officer"), ("abe", "trainer")):
        branch.cli("team", "role", "add", "tellers", agent, role)
    db = branch.data / "branchline.db"
    for agent, (cph, talk) in {"ann": (12, 180), "amy": (10, 200), "abe": (8, 220)}.items():
        worked(db, agent, f"{MONTH}-05", hours=8, calls=cph * 8, talk=talk)
    users = add_team_cast(branch, {"alice": "ann", "amelia": "amy", "abel": "abe", "barry": "bob"})
    with serving_signed_in(branch, users) as (server, sessions):
        yield branch, sessions




def ok(response, status: int = 200):
    assert response.status_code == status, response.text
    return response.json()


# ---- the fund -------------------------------------------------------------------------------------------


def test_the_fund_keeper_records_movements_and_every_member_sees_the_statement(floor):
    _, people = floor
    fund = "/api/v1/teams/tellers/fund"
    assert people["amelia"].put(f"{fund}/penalty-rules/missed quiz answer", {"amount": "2"}).status_code == 403
    assert people["lou"].put(f"{fund}/penalty-rules/missed quiz answer", {"amount": "2"}).status_code == 403
    ok(people["tess"].put(f"{fund}/penalty-rules/missed quiz answer", {"amount": "2"}))
    collected = ok(people["amelia"].post(f"{fund}/collect", {"month": MONTH}), 201)
    assert [(e["member"], e["amount_fen"]) for e in collected] == [("abe", 1000), ("amy", 1000), ("ann", 1000),
                                                                  ("tess", 5000)]
    penalty = ok(people["amelia"].post(f"{fund}/penalties", {"member": "ann", "rule": "missed quiz answer"}), 201)
    spent = ok(people["tess"].post(f"{fund}/spending", {"amount": "30.5", "description": "Prizes",
                                                         "receipt": "No. 7, kept by Amy"}), 201)
    assert spent["amount_fen"] == -3050 and spent["recorded_by"] == "tess"
    correction = ok(people["amelia"].post(f"/api/v1/fund/entries/{penalty['id']}/reverse", {"reason": "Answered"}), 201)
    assert (correction["kind"], correction["amount_fen"], correction["reverses"]) == ("correction", -200, penalty["id"])

    seen = ok(people["alice"].http.get(fund))
    assert seen["may_record"] is False and ok(people["amelia"].http.get(fund))["may_record"] is True
    assert seen["statement"]["balance"] == "49.50"
    assert [(e["kind"], e["recorded_by"]) for e in seen["statement"]["entries"]][-3:] == [
        ("penalty", "amelia"), ("spending", "tess"), ("correction", "amelia")]
    assert seen["members"] == [["abe", "Abe Ma"], ["amy", "Amy Ho"], ["ann", "Ann Lee"]] and seen["leaders"] == ["tess"]
    download = people["alice"].http.get(f"{fund}/statement.csv")
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    assert 'filename="fund-tellers.csv"' in download.headers["content-disposition"]
    assert list(csv.DictReader(io.StringIO(download.text)))[-1]["balance"] == "49.50"
    assert ok(people["sam"].http.get(fund))["statement"]["balance"] == "49.50"


def test_only_the_team_leader_and_fund_keeper_record_and_only_members_see_the_fund(floor):
    _, people = floor
    fund = "/api/v1/teams/tellers/fund"
    refused = people["alice"].post(f"{fund}/contributions", {"member": "ann"})
    assert refused.status_code == 403 and "fund keeper" in refused.json()["message"]
    assert people["lou"].post(f"{fund}/contributions", {"member": "ann"}).status_code == 403
    assert people["barry"].post(f"{fund}/spending", {"amount": "1", "description": "d", "receipt": "r"}).status_code == 403
    assert people["barry"].http.get(fund).status_code == 403
    assert people["barry"].http.get(f"{fund}/statement.csv").status_code == 403
    assert people["lou"].http.get(fund).status_code == 403
    entry = ok(people["amelia"].post(f"{fund}/contributions", {"member": "ann", "amount": "5"}), 201)
    assert people["lou"].post(f"/api/v1/fund/entries/{entry['id']}/reverse", {"reason": "x"}).status_code == 403
    bad = people["amelia"].post(f"{fund}/spending", {"amount": "12,5", "description": "d", "receipt": "r"})
    assert bad.status_code == 400 and "write yuan like 10 or 12.50" in bad.json()["message"]
    too_much = people["amelia"].post(f"{fund}/spending", {"amount": "100000", "description": "d", "receipt": "r"})
    assert too_much.status_code == 409 and "less than" in too_much.json()["message"]
    assert ok(people["barry"].http.get("/api/v1/teams/loans/fund"))["statement"]["entries"] == []


# ---- best trainer ---------------------------------------------------------------------------------------


def test_members_vote_once_a_month_for_a_trainer_not_themselves(floor):
    _, people = floor
    vote = "/api/v1/teams/tellers/trainer-vote"
    ballot = ok(people["alice"].http.get(vote))
    assert ballot["trainers"] == [["abe", "Abe Ma"]] and ballot["my_vote"] is None and ballot["open"] is True
    assert ok(people["alice"].post(vote, {"trainer": "abe"}))["my_vote"] == "abe"
    assert ok(people["alice"].post(vote, {"trainer": "abe"}))["voters"] == 1  # again: still one vote
    himself = people["abel"].post(vote, {"trainer": "abe"})
    assert himself.status_code == 400 and "cannot vote for yourself" in himself.json()["message"]
    not_trainer = people["amelia"].post(vote, {"trainer": "ann"})
    assert not_trainer.status_code == 400 and "is not a trainer of team 'tellers'" in not_trainer.json()["message"]
    assert people["barry"].post(vote, {"trainer": "abe"}).status_code == 403
    assert people["barry"].http.get(vote).status_code == 403
    assert people["sam"].post(vote, {"trainer": "abe"}).status_code == 403  # no agent: no vote
    assert ok(people["amelia"].http.get(vote))["my_vote"] is None  # nobody sees another's vote


# ---- activities -----------------------------------------------------------------------------------------


def test_the_activity_officer_plans_and_takes_attendance_and_members_see_it(floor):
    _, people = floor
    activities = "/api/v1/teams/tellers/activities"
    body = {"title": "Team dinner", "day": f"{MONTH}-20", "place": "Lotus Garden"}
    assert people["amelia"].post(activities, body).status_code == 403
    assert people["lou"].post(activities, body).status_code == 403
    planned = ok(people["alice"].post(activities, body), 201)
    assert planned["planned_by"] == "alice" and [a["status"] for a in planned["attendance"]] == [None, None, None]
    marked = ok(people["tess"].put(f"/api/v1/activities/{planned['id']}/attendance/amy", {"status": "skipped"}))
    assert {a["agent_id"]: a["status"] for a in marked["attendance"]}["amy"] == "skipped"
    assert people["amelia"].put(f"/api/v1/activities/{planned['id']}/attendance/amy",
               {"status": "attended"}).status_code == 403
    wrong = people["alice"].put(f"/api/v1/activities/{planned['id']}/attendance/amy", {"status": "late"})
    assert wrong.status_code == 400 and "is not one of attended, skipped, excused" in wrong.json()["message"]
    assert [a["title"] for a in ok(people["abel"].http.get(activities))] == ["Team dinner"]
    assert people["barry"].http.get(activities).status_code == 403
    assert people["lou"].post(f"/api/v1/activities/{planned['id']}/cancel").status_code == 403


def test_a_member_learns_their_roles_in_the_team(floor):
    _, people = floor
    roles = "/api/v1/teams/tellers/my-roles"
    assert ok(people["amelia"].http.get(roles)) == {"team": "tellers", "roles": ["fund_keeper"], "leads": False}
    assert ok(people["alice"].http.get(roles))["roles"] == ["activity_officer"]
    assert ok(people["tess"].http.get(roles)) == {"team": "tellers", "roles": [], "leads": True}
    assert people["barry"].http.get(roles).status_code == 403


# ---- rules, publishing, announcements -----------------------------------------------------------------


def test_the_team_leader_sets_the_rules_and_members_read_them(floor):
    _, people = floor
    rules = "/api/v1/teams/tellers/recognition/rules"
    assert people["lou"].put(rules, {"top_n": 1}).status_code == 403
    bad = people["tess"].put(rules, {"late_points": 500})
    assert bad.status_code == 400 and "late_points must be a whole number from 0 to 100" in bad.json()["message"]
    assert ok(people["tess"].put(rules, {"skip_points": 3}))["recognition"]["skip_points"] == 3
    assert ok(people["alice"].http.get(rules))["recognition"]["skip_points"] == 3
    assert people["barry"].http.get(rules).status_code == 403


def test_the_team_leader_publishes_a_month_and_the_desktops_are_told(floor):
    _, people = floor
    base = "/api/v1/teams/tellers"
    assert people["alice"].http.get(f"{base}/recognition/published").status_code == 404
    ok(people["tess"].put(f"{base}/contribution-award/{MONTH}", {"agent_id": "amy", "reason": "Coached Abe daily"}))
    assert people["lou"].put(f"{base}/contribution-award/{MONTH}", {"agent_id": "amy", "reason": "x"}).status_code == 403
    preview = ok(people["tess"].http.get(f"{base}/recognition/preview", params={"month": MONTH}))
    assert [(r["agent_id"], round(r["score"], 6), r["award"]) for r in preview["leaderboard"]] == [
        ("ann", 300, "top"), ("amy", 200, "top"), ("abe", 100, "bottom")]
    assert people["lou"].http.get(f"{base}/recognition/preview").status_code == 403
    assert people["lou"].post(f"{base}/recognition/publish", {"month": MONTH}).status_code == 403

    published = ok(people["tess"].post(f"{base}/recognition/publish", {"month": MONTH}), 201)
    assert published["published_by"] == "tess" and published["contribution"]["name"] == "Amy Ho"
    notice = people["alice"].wait_for(
        lambda d: any(f"Recognition {MONTH}" in n["text"] for n in d["notices"]), "the announcement")
    notice = next(n for n in notice["notices"] if f"Recognition {MONTH}" in n["text"])
    assert "Contribution award: Amy Ho (Coached Abe daily)" in notice["text"]
    seen = ok(people["abel"].http.get(f"{base}/recognition/published"))
    assert seen["month"] == MONTH and seen["leaderboard"][0]["agent_id"] == "ann"
    assert [m["month"] for m in ok(people["alice"].http.get(f"{base}/recognition/history"))] == [MONTH]
    assert people["barry"].http.get(f"{base}/recognition/published").status_code == 403
    again = people["tess"].post(f"{base}/recognition/publish", {"month": MONTH})
    assert again.status_code == 409 and "already published" in again.json()["message"]

    ok(people["alice"].post(f"/api/v1/notices/{notice['id']}/ack"))
    listed = ok(people["tess"].http.get(f"{base}/notices"))
    mine = next(n for n in listed if n["id"] == notice["id"])
    assert (mine["acknowledged"], mine["members"], mine["acknowledged_by"]) == (1, 4, ["alice"])
    assert set(mine["pending"]) == {"amelia", "abel", "tess"}
    assert people["lou"].http.get(f"{base}/notices").status_code == 403
    assert people["alice"].http.get(f"{base}/notices").status_code == 403


def test_an_announcement_posted_by_the_team_leader_is_listed_with_its_acknowledgements(floor):
    _, people = floor
    posted = ok(people["tess"].post("/api/v1/notices", {"text": "New card rates from Monday."}), 201)
    ok(people["amelia"].post(f"/api/v1/notices/{posted['id']}/ack"))
    ok(people["abel"].post(f"/api/v1/notices/{posted['id']}/ack"))
    first = ok(people["tess"].http.get("/api/v1/teams/tellers/notices"))[0]
    assert (first["text"], first["acknowledged"], first["acknowledged_by"]) == (
        "New card rates from Monday.", 2, ["abel", "amelia"])
    assert ok(people["sam"].http.get("/api/v1/teams/tellers/notices", params={"limit": 1}))[0]["id"] == posted["id"]
