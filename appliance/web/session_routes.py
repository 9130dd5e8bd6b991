"""Signing in and out of the browser, who is signed in, and API tokens for scripts."""

from __future__ import annotations

import asyncio
import time

import msgspec
from litestar import Request, Response, get, post, put
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import JSONBody

from appliance.errors import InvalidInput
from appliance.store.audit import audit
from appliance.store.security_policy import security_policy
from appliance.store.users import (
    Account,
    account,
    check_password_hash,
    finish_sign_in,
    issue_token,
    set_language,
    sign_in_attempt,
)
from appliance.store.web_sessions import close_session, open_session
from appliance.web.auth import SESSION_COOKIE, at_least
from appliance.web.schemas import SessionBody, SessionView
from appliance.web.services import Services

__all__ = ("SESSION_ROUTES", "me_view")

ServicesDep = NamedDependency[Services]
SEAT_COOKIE = "branchline_seat"  # the seat an admin bound to this browser
SEAT_COOKIE_DAYS = 3650
LANGUAGES = ("en", "zh")


class SeatChoice(msgspec.Struct):
    name: str
    taken_by: str | None


class Me(msgspec.Struct):
    username: str
    role: str
    agent_id: str | None
    team: str | None
    language: str
    csrf_token: str
    seats: list[SeatChoice]
    bound_seat: str | None


class LanguageBody(msgspec.Struct, forbid_unknown_fields=True):
    language: str


class SeatBindingBody(msgspec.Struct, forbid_unknown_fields=True):
    seat: str | None


def me_view(services: Services, user: Account, csrf: str, bound_seat: str | None) -> Me:
    holders = {a.seat: a.agent_id for a in services.switchboard.distributor.agents() if a.seat}
    seats = [SeatChoice(s.name, holders.get(s.name)) for s in services.switchboard.config.seats]
    known = {s.name for s in seats}
    return Me(user.username, user.role, user.agent_id, user.team,
              user.language or services.switchboard.config.language, csrf, seats,
              bound_seat if bound_seat in known else None)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def _sign_in(request: Request, body: SessionBody, services: Services, kind: str) -> Account:
    """The password's argon2 check (a quarter of a second of CPU on purpose) runs on a worker
    thread, so calls keep flowing on the event loop while people sign in; the store's reads and
    writes stay on the loop's thread, which owns the connection."""
    now = time.time()
    services.sign_ins.check(_client(request), now)
    attempt = sign_in_attempt(services.conn, body.username)
    verdict = await asyncio.to_thread(check_password_hash, attempt, body.password)
    return finish_sign_in(services.conn, attempt, verdict, time.time(), source=f"{kind} {_client(request)}")


@post("/api/v1/signin", status_code=200)
async def signin(request: Request, data: JSONBody[SessionBody], services: ServicesDep) -> Response[Me]:
    """Browser sign-in: a session cookie (HttpOnly, SameSite=Strict) and the CSRF token in the body."""
    user = await _sign_in(request, data, services, "web")
    now = time.time()
    with services.conn:
        token, csrf = open_session(services.conn, user.id, now, ip=_client(request),
                                   user_agent=request.headers.get("user-agent"))
    hours = security_policy(services.conn).session_idle_hours
    cookie = Cookie(key=SESSION_COOKIE, value=token, path="/", httponly=True, samesite="strict",
                    secure=request.url.scheme == "https", max_age=hours * 3600)
    return Response(me_view(services, user, csrf, request.cookies.get(SEAT_COOKIE)), cookies=[cookie])


@post("/api/v1/signout", sync_to_thread=False, status_code=204)
def signout(request: Request, services: ServicesDep) -> Response[None]:
    with services.conn:
        close_session(services.conn, request.cookies.get(SESSION_COOKIE, ""))
    response: Response[None] = Response(None, status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@get("/api/v1/me", sync_to_thread=False)
def who_am_i(request: Request, services: ServicesDep) -> Me:
    return me_view(services, request.user, request.auth or "", request.cookies.get(SEAT_COOKIE))


@put("/api/v1/me/language", sync_to_thread=False)
def choose_language(request: Request, data: JSONBody[LanguageBody], services: ServicesDep) -> Me:
    if data.language not in LANGUAGES:
        raise InvalidInput(f"language must be one of {', '.join(LANGUAGES)}, not {data.language!r}.")
    with services.conn:
        set_language(services.conn, request.user.id, data.language)
    user = account(services.conn, request.user.id)
    services.desktops.account_changed(user)
    return me_view(services, user, request.auth or "", request.cookies.get(SEAT_COOKIE))


@post("/api/v1/seat-binding", guards=[at_least("admin")], sync_to_thread=False, status_code=200)
def bind_seat(request: Request, data: JSONBody[SeatBindingBody], services: ServicesDep) -> Response[Me]:
    """An admin, signed in on a seat's PC, binds that browser to the seat: agents signing in there
    get it without choosing. `seat: null` removes the binding."""
    if data.seat is not None and services.switchboard.config.seat(data.seat) is None:
        raise InvalidInput(f"there is no seat {data.seat!r}: add it with `branchline seat add` first.")
    with services.conn:
        audit(services.conn, time.time(), "seat_bound", actor=request.user.username, target=data.seat,
              source=f"web {_client(request)}")
    body = me_view(services, request.user, request.auth or "", data.seat)
    if data.seat is None:
        response = Response(body)
        response.delete_cookie(SEAT_COOKIE, path="/")
        return response
    cookie = Cookie(key=SEAT_COOKIE, value=data.seat, path="/", httponly=True, samesite="strict",
                    max_age=SEAT_COOKIE_DAYS * 86400)
    return Response(body, cookies=[cookie])


@post("/api/v1/session", status_code=201)
async def open_api_session(request: Request, data: JSONBody[SessionBody], services: ServicesDep) -> SessionView:
    """An API token for a script: the same password check, lockout and audit as a browser's."""
    user = await _sign_in(request, data, services, "api")
    with services.conn:
        return SessionView(issue_token(services.conn, user.id, "session"), user.username, user.role)


SESSION_ROUTES = (signin, signout, who_am_i, choose_language, bind_seat, open_api_session)
