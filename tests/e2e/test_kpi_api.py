"""A month's KPIs for the team page and the desktop's My team against the real server
(`GET /api/v1/teams`, `GET /api/v1/kpis`, `GET /api/v1/kpis/me`; docs/teams.md, "The team page
and the desktop's My team"), from a constructed event history with answers worked out by hand.

Team tellers: squad east (ann, cy), squad west (dee); bob is in team loans. In last month, on its
5th, ann and cy are signed in (ready) from 08:30 to 17:00; ann, rostered 08:30-17:00 with a 60-min
break, takes one call at 09:00: talk 300 s, wrap-up 60 s, resolved first time, survey 5; cy,
not rostered, takes one at 10:00: talk 600 s, wrap-up 120 s, not resolved, no survey. Dee does
nothing. Tellers' target for average handle time is 400 s (lower is better); adherence keeps its
default 0.995. Bob (loans) is rostered 08:30-17:00 on the 6th and the 7th: on the 6th he signs in
at 08:42:30 (12 minutes late), leaves at 16:00 and comes back from 17:00 to 17:30 (owed 12.5 + 60
minutes, 30 made up); on the 7th he never comes (an absence, the whole shift owed). The server
runs in Asia/Shanghai, like the events' local days.
"""

from __future__ import annotations

import os
import time
from datetime import date, timedelta

import pytest

from appliance.acd.actions import AgentChanged
from appliance.clock import iso
from appliance.core.agent_log import log_agent_change
from appliance.store.database import connect
from appliance.store.ivr import save_survey
from appliance.store.records import CallRecord, append_event, save_call
from appliance.store.roster import local_day_start
from appliance.store.wrapups import Wrapup, save_wrapup
from tests.support.branch import Branch
from tests.support.desktop import add_user, serving_signed_in

pytestmark = pytest.mark.e2e

HOUR = 3600
SHIFT_S = 8.5 * HOUR
MONTH = (date.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")  # last month: all over
DAY = f"{MONTH}-05"


def at(clock: str, day: str = DAY) -> float:
    hours, minutes, *seconds = (int(p) for p in clock.split(":"))
    return local_day_start(day) + hours * HOUR + minutes * 60 + sum(seconds)


class Desk:
    """One agent's state changes through the core's own writer, and a call's events."""

    def __init__(self, conn, agent_id: str) -> None:
        self.conn, self.agent_id, self.status, self.since = conn, agent_id, "logged_out", 0.0

    def go(self, t: float, status: str, call_id: str | None = None) -> None:
        log_agent_change(self.conn, AgentChanged(self.agent_id, status, "", seat="s1", call_id=call_id,
                                                 previous=self.status, previous_reason="", previous_since=self.since),
                         None, t)
        self.status, self.since = status, t

    def call(self, t: float, talk: float, wrap: float, *, fcr: bool, score: int | None) -> None:
        call_id = f"{self.agent_id}-1"
        save_call(self.conn, CallRecord(call_id, "13800000000", "100", iso(t - 30)))
        self.go(t, "ringing", call_id)
        self.go(t + 10, "on_call", call_id)
        append_event(self.conn, t + 10 + talk, "call_completed", call_id=call_id, agent_id=self.agent_id, by="caller",
                     talk=talk)
        self.go(t + 10 + talk, "wrapup", call_id)
        save_wrapup(self.conn, Wrapup(call_id, self.agent_id, "information", "", fcr, iso(t + 10 + talk + 20)), None)
        if score is not None:
            save_survey(self.conn, call_id, self.agent_id, "general", score, t + 10 + talk + 40)
        self.go(t + 10 + talk + wrap, "ready")


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", "Asia/Shanghai")  # the server (a child process) inherits it
        time.tzset()
        try:
            yield from _team(tmp_path_factory)
        finally:
            patch.undo()
            time.tzset()


def _team(tmp_path_factory):
    branch = Branch(tmp_path_factory.mktemp("kpis"))
    branch.init()
    for agent, team in (("ann", "tellers"), ("cy", "tellers"), ("dee", "tellers"), ("bob", "loans")):
        branch.cli("agent", "add", agent, "--name", agent.title())
        branch.cli("team", "add", team, check=False)
        branch.cli("team", "assign", agent, team)
    branch.cli("team", "squad", "add", "tellers", "east", "--leader", "ann")
    branch.cli("team", "squad", "assign", "cy", "east")
    branch.cli("team", "squad", "add", "tellers", "west", "--leader", "dee")
    branch.cli("shift", "add", "day", "--starts", "08:30", "--ends", "17:00", "--break-minutes", "60")
    branch.cli("roster", "set", DAY, "ann", "day")
    for day in (f"{MONTH}-06", f"{MONTH}-07"):
        branch.cli("roster", "set", day, "bob", "day")
    branch.cli("team", "target", "tellers", "aht_s", "400")
    conn = connect(branch.data / "branchline.db")
    with conn:
        for agent, call_at, talk, wrap, fcr, score in (("ann", "09:00", 300, 60, True, 5), ("cy", "10:00", 600, 120, False, None)):
            desk = Desk(conn, agent)
            desk.go(at("08:30"), "ready")
            desk.call(at(call_at), talk, wrap, fcr=fcr, score=score)
            desk.go(at("17:00"), "logged_out")
        bob, sixth = Desk(conn, "bob"), f"{MONTH}-06"
        for clock, status in (("08:42:30", "ready"), ("16:00", "logged_out"), ("17:00", "ready"), ("17:30", "logged_out")):
            bob.go(at(clock, sixth), status)
    conn.close()
    users = {
        "alice": add_user(branch, "alice", "agent", agent="ann"),
        "barry": add_user(branch, "barry", "agent", agent="bob"),
        "tess": add_user(branch, "tess", "team_leader", team="tellers"),
        "lou": add_user(branch, "lou", "team_leader", team="loans"),
        "sam": add_user(branch, "sam", "supervisor"),
    }
    with serving_signed_in(branch, users) as (_server, sessions):
        yield sessions


def test_the_team_picker_lists_the_teams_the_user_leads(team):
    assert [t["name"] for t in team["tess"].http.get("/api/v1/teams").json()] == ["tellers"]
    assert [t["name"] for t in team["sam"].http.get("/api/v1/teams").json()] == ["loans", "tellers"]
    assert team["alice"].http.get("/api/v1/teams").status_code == 403


def test_a_months_kpis_per_agent_squad_and_team_against_the_targets(team):
    response = team["tess"].http.get("/api/v1/kpis", params={"month": MONTH})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["team"], body["month"], body["until"]) == ("tellers", MONTH, None)
    targets = {k["id"]: k["target"] for k in body["kpis"]}
    assert (targets["aht_s"], targets["adherence"], targets["fcr_rate"]) == (400, 0.995, None)
    assert {k["id"]: k["unit"] for k in body["kpis"]}["aht_s"] == "seconds"
    agents = {a["id"]: a for a in body["agents"]}
    assert [(a["id"], a["squad"]) for a in body["agents"]] == [("ann", "east"), ("cy", "east"), ("dee", "west")]
    ann, cy, dee = agents["ann"]["values"], agents["cy"]["values"], agents["dee"]["values"]
    assert (ann["aht_s"], ann["avg_talk_s"], ann["fcr_rate"], ann["satisfaction"]) == (360, 300, 1.0, 5.0)
    assert ann["calls_per_hour"] == pytest.approx(1 / 8.5)
    assert ann["utilisation"] == pytest.approx(360 / SHIFT_S)  # paid = the rostered shift
    assert ann["adherence"] == pytest.approx(1.0)  # working the whole shift
    assert (cy["aht_s"], cy["fcr_rate"], cy["satisfaction"], cy["adherence"]) == (720, 0.0, None, None)
    assert dee["aht_s"] is None and dee["complaints"] == 0
    assert (agents["ann"]["off"], agents["cy"]["off"], agents["dee"]["off"]) == ([], ["aht_s"], [])
    # Composite within the team: equal calls per hour (100 each); talk, FCR, satisfaction ann's;
    # utilisation cy's (720 s of 8.5 h signed in against ann's 360 s of her 8.5 h shift).
    assert (agents["ann"]["composite"], agents["cy"]["composite"], agents["dee"]["composite"]) == (400, 200, 0)
    squads = {s["id"]: s for s in body["squads"]}
    assert squads["east"]["values"]["aht_s"] == 540 and squads["east"]["off"] == ["aht_s"]
    assert body["total"]["values"]["aht_s"] == 540 and body["total"]["off"] == ["aht_s"]
    assert body["total"]["values"]["fcr_rate"] == 0.5
    assert agents["ann"]["discipline"] == {"late_minutes": 0, "absences": 0, "owed_s": 0, "made_up_s": 0}


def test_discipline_counts_minutes_late_absences_and_hours_owed_and_made_up(team):
    expected = {"late_minutes": 12, "absences": 1, "owed_s": 12.5 * 60 + HOUR + SHIFT_S, "made_up_s": 30 * 60}
    loans = team["lou"].http.get("/api/v1/kpis", params={"month": MONTH}).json()
    assert loans["agents"][0]["discipline"] == expected
    assert loans["total"]["discipline"] == expected  # the team is bob alone
    assert team["barry"].http.get("/api/v1/kpis/me", params={"month": MONTH}).json()["discipline"] == expected


def test_who_may_see_which_teams_kpis_and_bad_input(team):
    assert team["tess"].http.get("/api/v1/kpis", params={"team": "loans"}).status_code == 403
    assert team["lou"].http.get("/api/v1/kpis", params={"team": "tellers"}).status_code == 403
    assert team["alice"].http.get("/api/v1/kpis").status_code == 403
    which = team["sam"].http.get("/api/v1/kpis")
    assert which.status_code == 400 and "?team=" in which.json()["message"]
    loans = team["sam"].http.get("/api/v1/kpis", params={"team": "loans", "month": MONTH}).json()
    assert [a["id"] for a in loans["agents"]] == ["bob"] and loans["squads"] == []
    bad = team["tess"].http.get("/api/v1/kpis", params={"month": "2026-13"})
    assert bad.status_code == 400 and "is not a month like" in bad.json()["message"]
    assert team["sam"].http.get("/api/v1/kpis", params={"team": "nope"}).status_code == 404
    this_month = team["tess"].http.get("/api/v1/kpis").json()
    assert this_month["month"] == date.today().strftime("%Y-%m") and this_month["until"]


def test_an_agent_sees_their_own_month_with_their_teams_targets(team):
    mine = team["alice"].http.get("/api/v1/kpis/me", params={"month": MONTH})
    assert mine.status_code == 200, mine.text
    body = mine.json()
    assert (body["agent_id"], body["team"], body["month"]) == ("ann", "tellers", MONTH)
    assert body["values"]["aht_s"] == 360 and body["off"] == []
    assert {k["id"]: k["target"] for k in body["kpis"]}["aht_s"] == 400
    assert team["sam"].http.get("/api/v1/kpis/me").status_code == 403  # no agent
    assert team["alice"].http.get("/api/v1/kpis/me", params={"month": "May"}).status_code == 400
    assert os.environ.get("TZ") == "Asia/Shanghai"
