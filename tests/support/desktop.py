"""A signed-in browser session without the browser: the desktop's API over HTTP with its cookie
and CSRF token, for tests that drive calls rather than pages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from tests.support.branch import Server, wait_until

__all__ = ("DesktopSession", "add_team_cast", "add_user", "serving_signed_in")


def add_user(branch, username: str, role: str, *, agent: str | None = None, team: str | None = None,
             password: str = "correct-horse-1") -> str:
    args = ["user", "add", username, "--role", role, "--password-stdin"]
    args += ["--agent", agent] if agent else []
    args += ["--team", team] if team else []
    import subprocess

    from tests.support.branch import BRANCHLINE
    result = subprocess.run([*BRANCHLINE, "--data", str(branch.data), *args], input=password + "\n",
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return password


def add_team_cast(branch, agents: dict[str, str]) -> dict[str, str]:
    """The usual people of a branch with teams tellers and loans: a user for each agent (username ->
    agent id), tess leading tellers, lou leading loans and sam the supervisor; username -> password."""
    users = {username: add_user(branch, username, "agent", agent=agent) for username, agent in agents.items()}
    users["tess"] = add_user(branch, "tess", "team_leader", team="tellers")
    users["lou"] = add_user(branch, "lou", "team_leader", team="loans")
    users["sam"] = add_user(branch, "sam", "supervisor")
    return users


class DesktopSession:
    def __init__(self, server, username: str, password: str) -> None:
        # No proxies from the environment: the server is on loopback.
        self.http = httpx.Client(base_url=server.url, trust_env=False, timeout=5)
        response = self.http.post("/api/v1/signin", json={"username": username, "password": password})
        assert response.status_code == 200, response.text
        self.me = response.json()
        self.csrf = self.me["csrf_token"]

    def post(self, path: str, body: Any = None) -> httpx.Response:
        return self.http.post(path, json=body, headers={"X-CSRF-Token": self.csrf})

    def put(self, path: str, body: Any = None) -> httpx.Response:
        return self.http.put(path, json=body, headers={"X-CSRF-Token": self.csrf})

    def delete(self, path: str) -> httpx.Response:
        return self.http.delete(path, headers={"X-CSRF-Token": self.csrf})

    def act(self, path: str, body: Any = None) -> dict:
        """A desktop action that must succeed; the Desktop it answers with."""
        response = self.post(f"/api/v1/desktop/{path}", body)
        assert response.status_code == 200, f"{path}: {response.status_code} {response.text}"
        return response.json()

    def desktop(self) -> dict:
        response = self.http.get("/api/v1/desktop")
        assert response.status_code == 200, response.text
        return response.json()

    def wait_for(self, predicate, what: str, timeout: float = 10) -> dict:
        return wait_until(lambda: (d := self.desktop()) and predicate(d) and d, timeout, what)

    def close(self) -> None:
        self.http.close()


@contextmanager
def serving_signed_in(branch, users: dict[str, str]) -> Iterator[tuple[Server, dict[str, DesktopSession]]]:
    """The branch's server started, with each user (name -> password) signed in; all closed after."""
    server = Server(branch).start()
    sessions = {name: DesktopSession(server, name, password) for name, password in users.items()}
    try:
        yield server, sessions
    finally:
        for session in sessions.values():
            session.close()
        server.stop()
