"""Huddles, the monthly meeting and monthly plans against the real server: who may read and change
what, the host preparing the agenda, attendance from sign-ins with a correction, the notes
published to the desktops and acknowledged, the meeting's notice period and the members' plans.

One branch for the module: team tellers (agents ann and amy, users alice and amelia; leader tess)
and team loans (agent bob, user barry; leader lou); sam is a supervisor. Ann and amy work shift
`day` (08:30-17:00) yesterday: ann signed in at 08:10, amy at 08:27:40.
"""

from __future__ import annotations

import json
import time
from datetime import date, datetime, timedelta

import pytest

from appliance.store.database import connect
from appliance.store.records import append_event
from appliance.teamwork.attendance import earliest_meeting_day
from tests.support.branch import Branch
from tests.support.desktop import add_team_cast, serving_signed_in

pytestmark = pytest.mark.e2e

YESTERDAY = (date.today() - timedelta(days=1)).isoformat()
HUDDLE = f"/api/v1/huddles/tellers/days/{YESTERDAY}"


@pytest.fixture(scope="module")
def floor(tmp_path_factory):
    branch = Branch(tmp_path_factory.mktemp("huddles"))
    branch.init()
    for team in ("tellers", "loans"):
        branch.cli("team", "add", team)
    for agent, name, team in (("ann", "Ann Lee", "tellers"), ("amy", "Amy Xu", "tellers"), ("bob", "Bob Wu", "loans")):
        branch.cli("agent", "add", agent, "--name", name)
        branch.cli("team", "assign", agent, team)
    branch.cli("shift", "add", "day", "--starts", "08:30", "--ends", "17:00", "--break-minutes", "60")
    for agent in ("ann", "amy", "bob"):
        branch.cli("roster", "set", YESTERDAY, agent, "day")
    conn = connect(branch.data / "branchline.db")
    with conn:
        for agent, clock in (("ann", "08:10:00"), ("amy", "08:27:40")):
            moment = time.mktime(datetime.strptime(f"{YESTERDAY} {clock}", "%Y-%m-%d %H:%M:%S").timetuple())
            append_event(conn, moment, "agent_ready", agent_id=agent, previous="logged_out", duration=None)
    conn.close()
    users = add_team_cast(branch, {"alice": "ann", "amelia": "amy", "barry": "bob"})
    with serving_signed_in(branch, users) as (server, sessions):
        yield branch, sessions



def ok(response) -> dict:
    assert response.status_code in (200, 201), response.text
    return response.json()


def refused(response, status: int, text: str) -> None:
    assert response.status_code == status, response.text
    assert text in response.json()["message"], response.json()["message"]


def test_members_read_their_own_teams_huddle_and_others_are_refused(floor):
    _, people = floor
    huddle = ok(people["alice"].http.get(HUDDLE))
    assert (huddle["starts"], huddle["host"], [a["agent_id"] for a in huddle["attendees"]]) == ("08:15", "amy", ["amy", "ann"])
    refused(people["barry"].http.get(HUDDLE), 403, "of your own team only (loans)")
    refused(people["lou"].put(f"{HUDDLE}/agenda", {"points": ["x"]}), 403, "you may prepare the huddles of your own team only")
    refused(people["lou"].post(f"{HUDDLE}/publish"), 403, "only the team leader of team tellers")
    assert ok(people["sam"].http.get(HUDDLE))["team"] == "tellers"


def test_the_host_and_the_team_leader_prepare_the_agenda_and_others_may_not(floor):
    _, people = floor
    refused(people["alice"].put(f"{HUDDLE}/agenda", {"points": ["x"]}), 403, "only the day's host and the team leader")
    huddle = ok(people["amelia"].put(f"{HUDDLE}/agenda", {
        "points": ["Savings rate 2.1% from Monday"],
        "hard_cases": [{"title": "Card swallowed by an ATM", "steps": ["Freeze the card", "Book a branch visit"]}]}))
    assert huddle["edited_by"] == "amelia" and huddle["hard_cases"][0]["steps"][1] == "Book a branch visit"
    refused(people["tess"].put(f"{HUDDLE}/agenda", {"hard_cases": [{"title": "No steps", "steps": []}]}), 400,
            "hard case 1 (No steps) needs its handling steps")
    refused(people["tess"].put(f"{HUDDLE}/agenda", {}), 400, "nothing to change")
    assert ok(people["tess"].put(f"{HUDDLE}/agenda", {"opener": "Tellers, ready!"}))["opener"] == "Tellers, ready!"


def test_attendance_is_taken_from_sign_ins_corrected_and_the_notes_acknowledged(floor):
    branch, people = floor
    taken = ok(people["tess"].post(f"{HUDDLE}/attendance"))
    assert [(e["agent_id"], e["status"], e["late_minutes"]) for e in taken["attendance"]] == [
        ("amy", "late", 12), ("ann", "present", 0)]
    refused(people["tess"].put(f"{HUDDLE}/attendance/amy", {"status": "late", "late_minutes": 45, "reason": "x"}), 400,
            "a whole number from 1 to 29")
    fixed = ok(people["tess"].put(f"{HUDDLE}/attendance/amy",
                   {"status": "present", "reason": "was at the huddle, signed in late at her desk"}))
    amy = fixed["attendance"][0]
    assert (amy["status"], amy["computed_status"], amy["corrected_by"]) == ("present", "late", "tess")
    published = ok(people["tess"].post(f"{HUDDLE}/publish"))
    assert [(a["username"], a["at"]) for a in published["acknowledgements"]] == [("amelia", None), ("alice", None)]
    notice = published["notice_id"]
    texts = {n["id"]: n["text"] for n in people["alice"].desktop()["notices"]}
    assert "Card swallowed by an ATM: (1) Freeze the card; (2) Book a branch visit" in texts[notice]
    ok(people["alice"].post(f"/api/v1/notices/{notice}/ack"))
    acks = {a["username"]: a["at"] for a in ok(people["tess"].http.get(HUDDLE))["acknowledgements"]}
    assert acks["alice"] is not None and acks["amelia"] is None
    refused(people["tess"].put(f"{HUDDLE}/agenda", {"notes": "late addition"}), 409, "they are final")
    debrief = ok(people["tess"].put(f"{HUDDLE}/debrief", {"praise": "A customer thanked Ann by name"}))["debrief"]
    assert debrief["praise"] == "A customer thanked Ann by name"
    listed = ok(people["alice"].http.get("/api/v1/huddles/tellers"))
    assert [(h["day"], h["status"], h["acknowledged"]) for h in listed] == [(YESTERDAY, "published", 1)]
    audit = json.loads(branch.cli("audit", "--json").stdout)
    assert [(e["action"], e["actor"]) for e in audit[:3]] == [
        ("huddle_debrief", "tess"), ("huddle_published", "tess"), ("huddle_attendance_corrected", "tess")]


def test_the_team_leader_changes_settings_and_names_another_host(floor):
    _, people = floor
    settings = ok(people["tess"].put("/api/v1/huddles/tellers/settings", {"fixed_time": "08:00", "length_minutes": 20}))
    assert (settings["fixed_time"], settings["length_minutes"]) == ("08:00", 20)
    refused(people["tess"].put("/api/v1/huddles/tellers/settings", {"fixed_time": "8 o'clock"}), 400, "write it as HH:MM")
    today = f"/api/v1/huddles/tellers/days/{date.today().isoformat()}"
    refused(people["tess"].put(f"{today}/host", {"agent_id": "ann", "reason": "r"}), 400, "does not attend")
    assert ok(people["alice"].http.get("/api/v1/huddles/tellers/settings"))["fixed_time"] == "08:00"


def test_a_meeting_is_announced_ahead_its_minutes_follow_and_members_write_their_plans(floor):
    _, people = floor
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    refused(people["tess"].post("/api/v1/meetings", {"day": tomorrow, "starts": "16:30", "focus": "November"}), 400,
            "a monthly meeting is announced at least 2 working day(s) ahead")
    day = earliest_meeting_day(date.today(), 2).isoformat()
    meeting = ok(people["tess"].post("/api/v1/meetings", {"day": day, "starts": "16:30", "focus": "FCR first"}))
    assert any("Monthly meeting / 月度例会 — team tellers" in n["text"] for n in people["alice"].desktop()["notices"])
    assert [m["id"] for m in ok(people["alice"].http.get("/api/v1/meetings"))] == [meeting["id"]]
    refused(people["lou"].post(f"/api/v1/meetings/{meeting['id']}/minutes", {"minutes": "m"}), 403, "only the team leader")
    refused(people["tess"].post(f"/api/v1/meetings/{meeting['id']}/minutes", {"minutes": "m"}), 400, "once it has been held")
    month = time.strftime("%Y-%m")
    mine = ok(people["alice"].http.get("/api/v1/monthly-plans/mine"))
    assert (mine["month"], mine["plan"], mine["last_goals"]) == (month, None, [])
    refused(people["alice"].put("/api/v1/monthly-plans/mine/2020-01", {"plan": "p", "goals": ["g"]}), 400,
            "a monthly plan is written for this month")
    written = ok(people["alice"].put(f"/api/v1/monthly-plans/mine/{month}",
                     {"plan": "Learn the new card products", "goals": ["FCR 90%", "Quality 95"]}))
    assert written["goals"] == ["FCR 90%", "Quality 95"]
    plans = ok(people["tess"].http.get("/api/v1/monthly-plans"))
    assert [p["agent_id"] for p in plans["plans"]] == ["ann"] and plans["missing"] == [{"agent_id": "amy", "name": "Amy Xu"}]
    refused(people["lou"].http.get("/api/v1/monthly-plans?team=tellers"), 403, "only the team leader of team tellers")
