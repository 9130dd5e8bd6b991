"""Agent state over HTTP and through the CLI, against the running server."""

from __future__ import annotations

import json

from tests.support.branch import Branch, Server, seat_agent


def test_login_ready_pause_logout_through_the_cli_are_logged(branch, server, phones):
    server.start()
    seat_agent(branch, server, "ann", "desk-1", phones(user="desk1"))
    out = branch.cli("agent", "pause", "ann", "--reason", "huddle").stdout
    assert out.strip() == "Agent ann is not ready (huddle) at seat desk-1."
    status = json.loads(branch.cli("agent", "status", "--json").stdout)
    ann = next(a for a in status if a["agent_id"] == "ann")
    assert (ann["status"], ann["reason"], ann["seat"]) == ("not_ready", "huddle", "desk-1")
    branch.cli("agent", "logout", "ann")
    kinds = [(e["kind"], e["details"].get("reason")) for e in branch.events() if e["agent_id"] == "ann"]
    assert kinds == [
        ("agent_not_ready", "login"),
        ("agent_ready", ""),
        ("agent_not_ready", "huddle"),
        ("agent_logged_out", "logout"),
    ]


def test_the_api_needs_a_token_and_answers_errors_in_one_shape(branch, server):
    server.start()
    assert server.api("GET", "/api/v1/agents", token="wrong")[0] == 401
    status, body = server.api("GET", "/api/v1/agents", token="")
    assert status == 401 and body["error_id"] == "unauthorized"
    status, body = server.api("POST", "/api/v1/agents/zed/ready")
    assert status == 404
    assert body == {"error_id": "not_found", "message": "agent 'zed' does not exist: 'branchline agent list' shows the agents.", "details": {}}
    status, body = server.api("POST", "/api/v1/agents/ann/login", raw=b"{not json")
    assert status == 400 and body["error_id"] == "invalid_request"
    status, body = server.api("POST", "/api/v1/agents/ann/login", {"seat": 5, "extra": True})
    assert status == 400 and body["error_id"] == "invalid_request"
    status, body = server.api("POST", "/api/v1/agents/ann/login", {"seat": "desk-9"})
    assert status == 404 and "seat 'desk-9' does not exist" in body["message"]
    status, body = server.api("GET", "/api/v1/calls?limit=0")
    assert status == 400 and body["error_id"] == "invalid_input"


def test_admin_signs_in_with_the_printed_password_and_gets_a_token(tmp_path):
    branch = Branch(tmp_path)
    password = branch.init().split("password: ")[1].split()[0]
    server = Server(branch).start()
    try:
        status, _ = server.api("POST", "/api/v1/session", {"username": "admin", "password": "nope"}, token="")
        assert status == 401
        status, session = server.api("POST", "/api/v1/session", {"username": "admin", "password": password}, token="")
        assert status == 201 and session["role"] == "admin"
        assert server.api("GET", "/api/v1/agents", token=session["token"])[0] == 200
    finally:
        server.stop()
