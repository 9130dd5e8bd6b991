"""Who is asking: a browser's session cookie or an API client's bearer token, and what they may do.

Browsers sign in and get a session cookie (HttpOnly, SameSite=Strict, stored server-side as a
hash). Every state-changing request made with that cookie must carry the session's CSRF token in
`X-CSRF-Token`; a bearer token is never sent by a browser on its own, so it needs none.
Roles rank agent < team_leader < supervisor < admin; `at_least(role)` guards a route, and
`may_see_agent` says whose calls and states a user may read or change.

Everything here runs on the event loop (async), never on a worker thread: the store's single
connection belongs to the loop's thread (see tests/unit/test_web_threads.py).
"""

from __future__ import annotations

import hmac
import time
from collections import deque
from urllib.parse import urlsplit

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException, WebSocketException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from appliance.errors import BranchlineError
from appliance.model import BranchConfig
from appliance.store.users import Account, account_for_token, role_rank
from appliance.store.web_sessions import session_account

__all__ = (
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "SessionAuth",
    "SignInLimiter",
    "TooManyAttempts",
    "at_least",
    "linked_to_agent",
    "may_see_agent",
    "require_member",
)

SESSION_COOKIE = "branchline_session"
CSRF_HEADER = "x-csrf-token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# A refused WebSocket closes with 4000 + the HTTP status it would have had.
WS_UNAUTHORIZED, WS_FORBIDDEN = 4401, 4403
# Paths anyone may reach: health, signing in, and the page's own files.
PUBLIC_PATHS = ("^/healthz$", "^/api/v1/session$", "^/api/v1/signin$", "^/$", "^/desktop", "^/wallboard", "^/supervisor", "^/team(/|$)")


class TooManyAttempts(BranchlineError):
    status = 429
    error_id = "too_many_attempts"


class SessionAuth(AbstractAuthenticationMiddleware):
    """Sets `connection.user` to the Account and `connection.auth` to the session's CSRF token
    (None for a bearer token); refuses everyone else with 401."""

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        services = connection.app.state.services
        token = _bearer_token(connection)
        if token is not None:
            account = account_for_token(services.conn, token)
            if account is None:
                _refuse(connection, 401, "this API token is not valid (or its user is disabled).")
            return AuthenticationResult(user=account, auth=None)
        cookie = connection.cookies.get(SESSION_COOKIE)
        found = session_account(services.conn, cookie, time.time()) if cookie else None
        if found is None:
            _refuse(connection, 401, "sign in first (your session has ended, or you have not signed in).")
        account, csrf = found
        _check_same_origin(connection)
        if connection.scope["type"] == "http" and connection.scope["method"] not in _SAFE_METHODS:
            sent = connection.headers.get(CSRF_HEADER, "")
            if not hmac.compare_digest(sent.encode(), csrf.encode()):
                raise PermissionDeniedException(
                    "this request has no valid CSRF token: reload the page (send the X-CSRF-Token header).")
        return AuthenticationResult(user=account, auth=csrf)


def _refuse(connection: ASGIConnection, status: int, message: str) -> None:
    if connection.scope["type"] == "websocket":
        raise WebSocketException(detail=message, code=WS_UNAUTHORIZED if status == 401 else WS_FORBIDDEN)
    if status == 401:
        raise NotAuthorizedException(message)
    raise PermissionDeniedException(message)


def _bearer_token(connection: ASGIConnection) -> str | None:
    scheme, _, token = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    # A script cannot set headers on a WebSocket: there, and only there, ?token= is accepted too.
    if connection.scope["type"] == "websocket":
        return connection.query_params.get("token") or None
    return None


def _check_same_origin(connection: ASGIConnection) -> None:
    """A cookie-borne request from another site's page is refused (SameSite does most of this;
    WebSockets are not covered by CORS, so their Origin is checked here)."""
    origin = connection.headers.get("origin")
    if origin and urlsplit(origin).netloc != connection.headers.get("host", ""):
        _refuse(connection, 403, "requests from another site's pages are refused.")


def at_least(role: str):
    """A guard: the user's role must rank at least `role`."""
    needed = role_rank(role)

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        account: Account = connection.user
        if role_rank(account.role) < needed:
            _refuse(connection, 403, f"this needs the {role} role or higher; you are {account.role}.")

    guard.__name__ = f"at_least_{role}"
    return guard


async def linked_to_agent(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """A guard for the desktop's actions: they act for the agent linked to the user."""
    if connection.user.agent_id is None:
        _refuse(connection, 403, "this user is not linked to an agent: an admin links it with "
                                 "`branchline user set USERNAME --agent ID`.")


def may_see_agent(account: Account, agent_id: str | None, config: BranchConfig) -> bool:
    """An agent sees themselves, a team leader their team, a supervisor and an admin everyone."""
    if role_rank(account.role) >= role_rank("supervisor"):
        return True
    if agent_id is None:
        return False
    if account.role == "team_leader":
        agent = config.agent(agent_id)
        return account.team is not None and agent is not None and agent.team == account.team
    return account.agent_id == agent_id


def leads(user: Account, team: str | None) -> bool:
    """A supervisor or admin leads every team; a team leader only their own."""
    if role_rank(user.role) >= role_rank("supervisor"):
        return True
    return user.role == "team_leader" and user.team is not None and user.team == team


def require_leads(user: Account, team: str | None, what: str) -> None:
    if not leads(user, team):
        whose = f"team {team}" if team else "the agent's team"
        raise PermissionDeniedException(f"only the team leader of {whose} (or a supervisor) may {what}; "
                                        f"you lead {user.team or 'no team'}.")


def require_member(user: Account, team: str, what: str) -> None:
    """A team's members (its agents' users and its team leader) may read it; a supervisor and an
    admin may read every team."""
    if role_rank(user.role) < role_rank("supervisor") and user.team != team:
        raise PermissionDeniedException(f"you may {what} of your own team only ({user.team or 'none'}).")


def visible_agents(account: Account, config: BranchConfig) -> set[str] | None:
    """The agents whose calls, recordings and evaluations the user may read; None for everyone's."""
    if may_see_agent(account, None, config):
        return None
    return {a.id for a in config.agents if may_see_agent(account, a.id, config)}


class SignInLimiter:
    """At most `limit` sign-in attempts per address in `window` seconds, before any password is
    checked: a script guessing across many accounts is slowed even though no account locks."""

    def __init__(self, limit: int = 20, window: float = 300.0) -> None:
        self._limit, self._window = limit, window
        self._attempts: dict[str, deque[float]] = {}

    def check(self, address: str, now: float) -> None:
        attempts = self._attempts.setdefault(address, deque())
        while attempts and attempts[0] <= now - self._window:
            attempts.popleft()
        if len(attempts) >= self._limit:
            wait = int(attempts[0] + self._window - now) + 1
            raise TooManyAttempts(f"too many sign-in attempts from this address: try again in {wait} s.")
        attempts.append(now)
        if len(self._attempts) > 10_000:  # forget quiet addresses so the table stays small
            self._attempts = {a: q for a, q in self._attempts.items() if q and q[-1] > now - self._window}
