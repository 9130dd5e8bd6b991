"""Accounts and sessions against the real server: lockout, CSRF, cookies, and what each role may reach."""

from __future__ import annotations

import base64
import os
import re
import socket
import time
from urllib.parse import urlsplit

import httpx
import pytest

from appliance.store.database import connect
from appliance.store.quality import add_evaluation, latest_scorecard
from appliance.store.recordings import add_recording, finish_recording
from appliance.web.app import PAGES, create_app
from tests.support.branch import Branch
from tests.support.desktop import DesktopSession, add_user, serving_signed_in

# Every route, and who must be refused it. "role:R" — roles ranked below R get 403;
# "own-agent" — an agent may act only for themselves, a team leader only for their team;
# "agent-user" — needs a user linked to an agent; "public" — no sign-in; "signed-in" — any role;
# "calls" — filtered or refused by whose calls they are (tested with real calls in test_desktop_calls);
# "team-data" — about recording 1 or evaluation 1, both of bob (team loans): agents and team leaders of
# another team get 403, a supervisor does not (their own team's: test_recordings_api);
# "evaluated-agent" — only the agent evaluation 1 is of (bob) may: everyone else gets 403.
ACCESS = {
    ("GET", "/healthz"): "public",
    ("GET", "/"): "public",
    ("POST", "/api/v1/signin"): "public",
    ("POST", "/api/v1/session"): "public",
    ("POST", "/api/v1/signout"): "signed-in",
    ("GET", "/api/v1/me"): "signed-in",
    ("PUT", "/api/v1/me/language"): "signed-in",
    ("POST", "/api/v1/seat-binding"): "role:admin",
    ("GET", "/api/v1/agents"): "role:team_leader",
    ("GET", "/api/v1/agents/{agent_id:str}"): "own-agent",
    ("POST", "/api/v1/agents/{agent_id:str}/login"): "own-agent",
    ("POST", "/api/v1/agents/{agent_id:str}/ready"): "own-agent",
    ("POST", "/api/v1/agents/{agent_id:str}/pause"): "own-agent",
    ("POST", "/api/v1/agents/{agent_id:str}/wrapup/end"): "own-agent",
    ("POST", "/api/v1/agents/{agent_id:str}/wrapup/extend"): "own-agent",
    ("POST", "/api/v1/agents/{agent_id:str}/logout"): "own-agent",
    ("GET", "/api/v1/queues/stats"): "role:team_leader",
    ("WS", "/api/v1/queues/stats/live"): "role:team_leader",
    ("GET", "/api/v1/calls"): "calls",
    ("GET", "/api/v1/calls/{call_id:str}"): "calls",
    ("GET", "/api/v1/desktop"): "signed-in",  # without an agent: notices only
    ("WS", "/api/v1/desktop/live"): "signed-in",
    ("POST", "/api/v1/desktop/login"): "agent-user",
    ("POST", "/api/v1/desktop/ready"): "agent-user",
    ("POST", "/api/v1/desktop/pause"): "agent-user",
    ("POST", "/api/v1/desktop/logout"): "agent-user",
    ("POST", "/api/v1/desktop/call/answer"): "agent-user",
    ("POST", "/api/v1/desktop/call/hold"): "agent-user",
    ("POST", "/api/v1/desktop/call/resume"): "agent-user",
    ("POST", "/api/v1/desktop/call/hangup"): "agent-user",
    ("POST", "/api/v1/desktop/call/transfer"): "agent-user",
    ("POST", "/api/v1/desktop/call/consult"): "agent-user",
    ("POST", "/api/v1/desktop/call/consult/complete"): "agent-user",
    ("POST", "/api/v1/desktop/call/consult/cancel"): "agent-user",
    ("POST", "/api/v1/desktop/wrapup"): "agent-user",
    ("POST", "/api/v1/desktop/callbacks/{callback_id:str}/dial"): "agent-user",
    ("GET", "/api/v1/desktop/myday"): "agent-user",
    ("POST", "/api/v1/notices"): "role:team_leader",
    ("POST", "/api/v1/notices/{notice_id:int}/ack"): "signed-in",
    ("GET", "/api/v1/recordings"): "signed-in",  # filtered by whose recordings they are: test_recordings_api
    ("GET", "/api/v1/recordings/{recording_id:int}"): "team-data",
    ("GET", "/api/v1/recordings/{recording_id:int}/audio"): "team-data",
    ("POST", "/api/v1/recordings/{recording_id:int}/highlight"): "team-data",
    ("DELETE", "/api/v1/recordings/{recording_id:int}/highlight"): "team-data",
    ("GET", "/api/v1/highlights"): "signed-in",  # filtered by team
    ("GET", "/api/v1/scorecards"): "signed-in",
    ("GET", "/api/v1/scorecards/{scorecard_id:int}"): "signed-in",
    ("POST", "/api/v1/evaluations"): "team-data",
    ("GET", "/api/v1/evaluations"): "signed-in",  # filtered by whose evaluations they are
    ("GET", "/api/v1/evaluations/{evaluation_id:int}"): "team-data",
    ("POST", "/api/v1/evaluations/{evaluation_id:int}/acknowledge"): "evaluated-agent",
    ("POST", "/api/v1/evaluations/{evaluation_id:int}/dispute"): "evaluated-agent",
    ("POST", "/api/v1/evaluations/{evaluation_id:int}/respond"): "team-data",
    ("GET", "/api/v1/review-list"): "role:team_leader",
    ("GET", "/api/v1/floor"): "role:team_leader",
    ("WS", "/api/v1/floor/live"): "role:team_leader",
    ("POST", "/api/v1/calls/{call_id:str}/monitor"): "role:team_leader",
    ("PUT", "/api/v1/calls/{call_id:str}/monitor"): "role:team_leader",
    ("DELETE", "/api/v1/calls/{call_id:str}/monitor"): "role:team_leader",
    # Targets, flags, plans, complaints: a team leader of another team gets 403 too (test_followup_api).
    ("GET", "/api/v1/flags"): "signed-in",  # filtered: an agent their own, a team leader their team's
    ("POST", "/api/v1/flags/{flag_id:int}/plan"): "agent-user",  # and only the flagged agent: test_followup_api
    ("POST", "/api/v1/plans/{plan_id:int}/follow-up"): "role:team_leader",
    ("GET", "/api/v1/targets"): "signed-in",  # their own team's; a supervisor any
    ("PUT", "/api/v1/targets/{team:str}/{kpi:str}"): "role:team_leader",
    ("POST", "/api/v1/complaints"): "role:team_leader",
    ("POST", "/api/v1/complaints/{complaint_id:int}/decide"): "role:team_leader",
    ("GET", "/api/v1/complaints"): "role:team_leader",  # filtered to the team leader's team
    ("GET", "/api/v1/complaints/analysis"): "role:team_leader",
    # The team's pages: a team leader of another team gets 403 too (test_team_api).
    ("GET", "/api/v1/teams/{team:str}"): "role:team_leader",
    ("GET", "/api/v1/roster"): "signed-in",  # filtered to the user's team: test_team_api
    ("PUT", "/api/v1/roster/{day:str}/{agent_id:str}"): "role:team_leader",
    ("DELETE", "/api/v1/roster/{day:str}/{agent_id:str}"): "role:team_leader",
    ("GET", "/api/v1/swaps"): "signed-in",  # filtered to the user's own or team's swaps
    ("POST", "/api/v1/swaps"): "signed-in",  # an agent for their own shifts, a team leader for their team's
    ("POST", "/api/v1/swaps/{swap_id:int}/approve"): "role:team_leader",
    ("POST", "/api/v1/swaps/{swap_id:int}/reject"): "role:team_leader",
    # The team page and the desktop's My team: a team leader of another team gets 403 too (test_kpi_api).
    ("GET", "/api/v1/teams"): "role:team_leader",  # filtered to the teams the user leads
    ("GET", "/api/v1/kpis"): "role:team_leader",
    ("GET", "/api/v1/kpis/me"): "agent-user",
    # Coaching and development: a team leader of another team gets 403 too (test_coaching_api).
    ("GET", "/api/v1/coaching"): "signed-in",  # an agent their own records, a team leader their team's
    ("POST", "/api/v1/coaching"): "role:team_leader",
    ("GET", "/api/v1/coaching/{record_id:int}"): "signed-in",  # the coached agent or their team's leader
    ("POST", "/api/v1/coaching/{record_id:int}/outcome"): "role:team_leader",
    ("POST", "/api/v1/coaching/{record_id:int}/acknowledge"): "agent-user",  # and only the coached agent
    ("GET", "/api/v1/coaching/week"): "role:team_leader",
    ("GET", "/api/v1/segments"): "role:team_leader",
    ("GET", "/api/v1/training/requests"): "signed-in",  # an agent their own, a team leader their team's
    ("POST", "/api/v1/training/requests"): "agent-user",
    ("GET", "/api/v1/training/plan"): "role:team_leader",
    ("GET", "/api/v1/training/sessions"): "signed-in",  # the user's own team's
    ("POST", "/api/v1/training/sessions"): "role:team_leader",
    ("POST", "/api/v1/training/sessions/{session_id:int}/attendance"): "role:team_leader",
    ("GET", "/api/v1/training/suggestions"): "signed-in",  # own, a squad leader's squad, a team leader's team
    ("POST", "/api/v1/training/suggestions"): "agent-user",
    ("POST", "/api/v1/training/suggestions/{suggestion_id:int}/review"): "signed-in",  # squad or team leader
    # Huddles and meetings: a team leader of another team gets 403 too (test_huddle_api).
    ("GET", "/api/v1/huddles/{team:str}"): "signed-in",  # the user's own team's
    ("GET", "/api/v1/huddles/{team:str}/settings"): "signed-in",  # the user's own team's
    ("PUT", "/api/v1/huddles/{team:str}/settings"): "role:team_leader",
    ("GET", "/api/v1/huddles/{team:str}/days/{day:str}"): "signed-in",  # the user's own team's
    ("PUT", "/api/v1/huddles/{team:str}/days/{day:str}/agenda"): "signed-in",  # the team leader or the day's host
    ("PUT", "/api/v1/huddles/{team:str}/days/{day:str}/host"): "role:team_leader",
    ("POST", "/api/v1/huddles/{team:str}/days/{day:str}/attendance"): "role:team_leader",
    ("PUT", "/api/v1/huddles/{team:str}/days/{day:str}/attendance/{agent_id:str}"): "role:team_leader",
    ("POST", "/api/v1/huddles/{team:str}/days/{day:str}/publish"): "role:team_leader",
    ("PUT", "/api/v1/huddles/{team:str}/days/{day:str}/debrief"): "role:team_leader",
    ("GET", "/api/v1/meetings"): "signed-in",  # the user's own team's
    ("POST", "/api/v1/meetings"): "role:team_leader",
    ("POST", "/api/v1/meetings/{meeting_id:int}/minutes"): "role:team_leader",
    ("GET", "/api/v1/monthly-plans"): "role:team_leader",
    ("GET", "/api/v1/monthly-plans/mine"): "agent-user",
    ("PUT", "/api/v1/monthly-plans/mine/{month:str}"): "agent-user",
    # Recognition, activities, the fund: members of another team get 403 too (test_recognition_api).
    ("GET", "/api/v1/teams/{team:str}/recognition/rules"): "signed-in",  # the team's members
    ("PUT", "/api/v1/teams/{team:str}/recognition/rules"): "role:team_leader",
    ("GET", "/api/v1/teams/{team:str}/recognition/preview"): "role:team_leader",
    ("POST", "/api/v1/teams/{team:str}/recognition/publish"): "role:team_leader",
    ("GET", "/api/v1/teams/{team:str}/recognition/published"): "signed-in",  # the team's members
    ("GET", "/api/v1/teams/{team:str}/recognition/history"): "signed-in",  # the team's members
    ("GET", "/api/v1/teams/{team:str}/my-roles"): "signed-in",  # the team's members
    ("GET", "/api/v1/teams/{team:str}/trainer-vote"): "signed-in",  # the team's members
    ("POST", "/api/v1/teams/{team:str}/trainer-vote"): "agent-user",  # and a member of the team
    ("PUT", "/api/v1/teams/{team:str}/contribution-award/{month:str}"): "role:team_leader",
    ("GET", "/api/v1/teams/{team:str}/activities"): "signed-in",  # the team's members
    ("POST", "/api/v1/teams/{team:str}/activities"): "signed-in",  # the team leader or activity officer
    ("PUT", "/api/v1/activities/{activity_id:int}/attendance/{agent_id:str}"): "signed-in",  # leader or officer
    ("POST", "/api/v1/activities/{activity_id:int}/cancel"): "signed-in",  # the team leader or activity officer
    ("GET", "/api/v1/teams/{team:str}/notices"): "role:team_leader",
    ("GET", "/api/v1/teams/{team:str}/fund"): "signed-in",  # the team's members
    ("GET", "/api/v1/teams/{team:str}/fund/statement.csv"): "signed-in",  # the team's members
    ("POST", "/api/v1/teams/{team:str}/fund/contributions"): "signed-in",  # the team leader or fund keeper
    ("POST", "/api/v1/teams/{team:str}/fund/collect"): "signed-in",  # the team leader or fund keeper
    ("POST", "/api/v1/teams/{team:str}/fund/penalties"): "signed-in",  # the team leader or fund keeper
    ("POST", "/api/v1/teams/{team:str}/fund/spending"): "signed-in",  # the team leader or fund keeper
    ("POST", "/api/v1/fund/entries/{entry_id:int}/reverse"): "signed-in",  # the team leader or fund keeper
    ("PUT", "/api/v1/teams/{team:str}/fund/penalty-rules/{name:str}"): "role:team_leader",
    ("DELETE", "/api/v1/teams/{team:str}/fund/penalty-rules/{name:str}"): "role:team_leader",
}
BODIES = {"/api/v1/seat-binding": {"seat": None}, "/api/v1/notices": {"text": "hello"},
          "/api/v1/evaluations": {"recording_id": 1, "scorecard_id": 1, "answers": {}},
          "/api/v1/recordings/{recording_id:int}/highlight": {"reason": "a model call"},
          "/api/v1/evaluations/{evaluation_id:int}/dispute": {"comment": "I disagree"},
          "/api/v1/evaluations/{evaluation_id:int}/respond": {"response": "noted"},
          "/api/v1/calls/{call_id:str}/monitor": {"mode": "listen"},
          "/api/v1/flags/{flag_id:int}/plan": {"plan": "listen to two model calls a day"},
          "/api/v1/plans/{plan_id:int}/follow-up": {"note": "better"},
          "/api/v1/targets/{team:str}/{kpi:str}": {"target": 0.9},
          "/api/v1/complaints": {"call_id": "call-1", "category": "attitude", "description": "rude"},
          "/api/v1/complaints/{complaint_id:int}/decide": {"substantiated": False, "note": "polite call"},
          "/api/v1/agents/{agent_id:str}/login": {"seat": "desk-1"}, "/api/v1/agents/{agent_id:str}/pause": {"reason": "break"},
          "/api/v1/roster/{day:str}/{agent_id:str}": {"shift": "early"},
          # Coaching and development
          "/api/v1/coaching": {"agent_id": "bob", "keep": "k", "improve": "i", "actions": "a"},
          "/api/v1/coaching/{record_id:int}/outcome": {"outcome": "better"},
          "/api/v1/training/requests": {"topic": "cards", "why": "asked often"},
          "/api/v1/training/sessions": {"team": "loans", "kind": "adhoc", "trainer": "bob", "day": "2026-12-01",
                                        "topic": "new card"},
          "/api/v1/training/sessions/{session_id:int}/attendance": {"present": ["bob"]},
          "/api/v1/training/suggestions": {"title": "t", "text": "x"},
          "/api/v1/training/suggestions/{suggestion_id:int}/review": {"status": "under_review"},
          # Huddles and meetings
          "/api/v1/huddles/{team:str}/settings": {"length_minutes": 15},
          "/api/v1/huddles/{team:str}/days/{day:str}/agenda": {"points": ["new rate"]},
          "/api/v1/huddles/{team:str}/days/{day:str}/host": {"agent_id": "bob", "reason": "r"},
          "/api/v1/huddles/{team:str}/days/{day:str}/attendance/{agent_id:str}": {"status": "present", "reason": "r"},
          "/api/v1/huddles/{team:str}/days/{day:str}/debrief": {"praise": "p"},
          "/api/v1/meetings": {"day": "2026-12-08", "starts": "16:30", "focus": "f"},
          "/api/v1/meetings/{meeting_id:int}/minutes": {"minutes": "m"},
          "/api/v1/monthly-plans/mine/{month:str}": {"plan": "p", "goals": ["g"]},
          # Recognition, activities, the fund
          "/api/v1/teams/{team:str}/recognition/rules": {"top_n": 3},
          "/api/v1/teams/{team:str}/recognition/publish": {"month": "2026-11"},
          "/api/v1/teams/{team:str}/trainer-vote": {"trainer": "bob"},
          "/api/v1/teams/{team:str}/contribution-award/{month:str}": {"agent_id": "bob", "reason": "r"},
          "/api/v1/teams/{team:str}/activities": {"title": "t", "day": "2026-12-12"},
          "/api/v1/activities/{activity_id:int}/attendance/{agent_id:str}": {"status": "skipped"},
          "/api/v1/teams/{team:str}/fund/contributions": {"member": "bob"},
          "/api/v1/teams/{team:str}/fund/collect": {"month": "2026-11"},
          "/api/v1/teams/{team:str}/fund/penalties": {"member": "bob", "rule": "r"},
          "/api/v1/teams/{team:str}/fund/spending": {"amount": "1", "description": "d", "receipt": "r"},
          "/api/v1/fund/entries/{entry_id:int}/reverse": {"reason": "r"},
          "/api/v1/teams/{team:str}/fund/penalty-rules/{name:str}": {"amount": "2"},
          }


def _routes() -> set[tuple[str, str]]:
    found = set()
    for route in create_app(None).routes:
        if route.path.strip("/").split("/")[0] in PAGES:
            continue  # a page's static files
        methods = getattr(route, "methods", None) or {"WS"}
        found |= {(m, route.path) for m in methods if m not in ("HEAD", "OPTIONS")}
    return found


def test_every_route_has_an_access_rule():
    assert _routes() == set(ACCESS), "a route was added or removed: give it an access rule here and a 403 test"


@pytest.fixture(scope="module")
def people(tmp_path_factory):
    """One branch and server for every access check here (they only read, or act on agents whose
    state no check depends on): alice (agent ann, team tellers), tess (leader of tellers), sam
    (supervisor, no agent); bob is in team loans."""
    branch = Branch(tmp_path_factory.mktemp("access"))
    branch.init()
    branch.cli("agent", "add", "ann", "--name", "Ann Lee")
    branch.cli("agent", "add", "bob", "--name", "Bob Wu")
    for team in ("tellers", "loans"):
        branch.cli("team", "add", team)
    branch.cli("team", "assign", "ann", "tellers")
    branch.cli("team", "assign", "bob", "loans")
    branch.cli("seat", "add", "desk-1", "--phone", "sip:desk1@127.0.0.1:5999")
    users = {
        "alice": add_user(branch, "alice", "agent", agent="ann"),
        "tess": add_user(branch, "tess", "team_leader", team="tellers"),
        "sam": add_user(branch, "sam", "supervisor"),
    }
    _bobs_recording_and_evaluation(branch)
    with serving_signed_in(branch, users) as (server, sessions):
        yield sessions, server


def _bobs_recording_and_evaluation(branch: Branch) -> None:
    """Recording 1 and evaluation 1, both of bob, for the "team-data" and "evaluated-agent" rules."""
    conn = connect(branch.data / "branchline.db")
    path = "calls/2026/01/05/1-call-1.wav"
    with conn:
        add_recording(conn, call_id="call-1", path=path, direction="inbound", queue=None, agent_id="bob", team="loans",
                      caller="13800138000", started_at="2026-01-05T01:00:00.000Z")
        finish_recording(conn, path, ended_at="2026-01-05T01:01:00.000Z", seconds=60.0, size=0, reason="hangup")
    card = latest_scorecard(conn, "standard")
    evaluation = add_evaluation(conn, recording_id=1, scorecard_id=card.id, comment="", evaluator="cli", now=time.time(),
                                answers=dict.fromkeys(card.definition().criteria(), 0))
    conn.close()
    assert (evaluation.id, evaluation.scorecard_id) == (1, 1)


def _call(session: DesktopSession, method: str, path: str, agent: str = "bob") -> int:
    path_filled = re.sub(r"\{agent_id:str\}", agent, path)
    path_filled = re.sub(r"\{[a-z_]+:(str|int)\}", "1", path_filled)
    body = BODIES.get(path, {})
    return session.http.request(method, path_filled, json=body, headers={"X-CSRF-Token": session.csrf}).status_code


@pytest.mark.parametrize("route", sorted(k for k, v in ACCESS.items() if v.startswith("role:") and k[0] != "WS"))
def test_a_lower_role_gets_403(people, route):
    people, _ = people
    method, path = route
    needed = ACCESS[route].split(":", 1)[1]
    lower = {"team_leader": ["alice"], "admin": ["alice", "tess", "sam"]}[needed]
    for name in lower:
        assert _call(people[name], method, path) == 403, f"{name} reached {method} {path}"


@pytest.mark.parametrize("route", sorted(k for k, v in ACCESS.items() if v == "own-agent"))
def test_agents_and_team_leaders_are_refused_other_teams_agents(people, route):
    people, _ = people
    method, path = route
    assert _call(people["alice"], method, path, agent="bob") == 403
    assert _call(people["tess"], method, path, agent="bob") == 403
    assert _call(people["alice"], method, path, agent="ann") != 403  # her own agent
    assert _call(people["tess"], method, path, agent="ann") != 403  # her team's


@pytest.mark.parametrize("route", sorted(k for k, v in ACCESS.items() if v == "team-data"))
def test_agents_and_team_leaders_are_refused_other_teams_recordings_and_evaluations(people, route):
    people, _ = people
    assert _call(people["alice"], *route) == 403
    assert _call(people["tess"], *route) == 403
    assert _call(people["sam"], *route) != 403


@pytest.mark.parametrize("route", sorted(k for k, v in ACCESS.items() if v == "evaluated-agent"))
def test_only_the_evaluated_agent_acknowledges_or_disputes(people, route):
    people, _ = people
    for name in ("alice", "tess", "sam"):
        assert _call(people[name], *route) == 403, f"{name} answered bob's evaluation"


@pytest.mark.parametrize("route", sorted(k for k, v in ACCESS.items() if v == "agent-user" and k[0] != "WS"))
def test_desktop_routes_need_a_user_linked_to_an_agent(people, route):
    people, _ = people
    assert _call(people["sam"], *route) == 403


def test_websockets_refuse_lower_roles_and_strangers(people):
    people, server = people
    stats = server.url.replace("http", "ws") + "/api/v1/queues/stats/live"
    # Refused before the socket is accepted: by the ASGI rules the server then answers the
    # handshake with HTTP 403, whether the reason was 401 or 403. (The page asks /api/v1/me to tell.)
    assert _handshake_status(stats, people["alice"].http.cookies) == 403
    assert _handshake_status(stats, {}) == 403
    floor = server.url.replace("http", "ws") + "/api/v1/floor/live"
    assert _handshake_status(floor, people["alice"].http.cookies) == 403
    assert _handshake_status(floor, people["tess"].http.cookies) == 101
    desktop = server.url.replace("http", "ws") + "/api/v1/desktop/live"
    assert _handshake_status(desktop, {}) == 403
    assert _handshake_status(desktop, people["alice"].http.cookies) == 101  # alice is let in


def _handshake_status(url: str, cookies) -> int:
    """The HTTP status a WebSocket handshake with these cookies gets (101 when let in)."""
    parts = urlsplit(url)
    cookie = "; ".join(f"{k}={v}" for k, v in dict(cookies).items())
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
        key = base64.b64encode(os.urandom(16)).decode()
        sock.sendall((f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nCookie: {cookie}\r\n\r\n").encode())
        data = b""
        while b"\r\n\r\n" not in data:
            data += sock.recv(4096)
        head = data.partition(b"\r\n\r\n")[0]
        return int(head.split()[1])  # 101: let in; 401/403: refused at the handshake


def test_wrong_passwords_lock_the_account_for_the_configured_time(branch, server):
    branch.cli("user", "policy", "--max-failures", "3", "--lockout-minutes", "10")
    password = add_user(branch, "alice", "agent", agent="ann")
    server.start()
    http = httpx.Client(base_url=server.url, trust_env=False)
    for _ in range(3):
        wrong = http.post("/api/v1/signin", json={"username": "alice", "password": "nope-nope"})
        assert wrong.status_code == 401 and wrong.json()["message"] == "wrong username or password."
    locked = http.post("/api/v1/signin", json={"username": "alice", "password": password})
    assert locked.status_code == 401 and "locked until" in locked.json()["message"]
    audit = branch.cli("audit", "--json").stdout
    assert audit.count('"sign_in_failed"') == 4 and '"account_locked"' in audit
    branch.cli("user", "enable", "alice")
    assert http.post("/api/v1/signin", json={"username": "alice", "password": password}).status_code == 200


def test_session_cookie_is_http_only_and_same_site_and_csrf_is_required(branch, server):
    password = add_user(branch, "alice", "agent", agent="ann")
    server.start()
    http = httpx.Client(base_url=server.url, trust_env=False)
    response = http.post("/api/v1/signin", json={"username": "alice", "password": password})
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "branchline_session=" in cookie
    assert "csrf" not in cookie  # the CSRF token travels in the body and a header, never a cookie
    refused = http.post("/api/v1/desktop/ready")
    assert refused.status_code == 403 and "CSRF" in refused.json()["message"]
    forged = http.post("/api/v1/desktop/ready", headers={"X-CSRF-Token": "guess"})
    assert forged.status_code == 403
    signed_out = http.post("/api/v1/signout", headers={"X-CSRF-Token": response.json()["csrf_token"]})
    assert signed_out.status_code == 204
    assert http.get("/api/v1/me").status_code == 401
