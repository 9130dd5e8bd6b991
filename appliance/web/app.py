"""The Litestar app: health, agent state and call records over JSON, one error shape for all."""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from typing import Any

from litestar import Litestar, Request, Response, get, post
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency, Provide
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException, WebSocketException
from litestar.handlers import websocket_stream
from litestar.handlers.base import BaseRouteHandler
from litestar.params import FromPath, FromQuery, JSONBody

from appliance.acd.distributor import AgentState
from appliance.clock import iso
from appliance.errors import BranchlineError, InvalidInput
from appliance.store.records import CallRecord, list_calls
from appliance.store.users import check_password, issue_token, user_for_token
from appliance.web.schemas import (
    AgentView,
    ErrorBody,
    LoginBody,
    PauseBody,
    QueueStatsReport,
    SessionBody,
    SessionView,
)
from appliance.web.services import Services

__all__ = ("create_app",)

log = logging.getLogger(__name__)

# Handlers name what they take explicitly: Litestar 3 drops inferred dependencies and bodies.
ServicesDep = NamedDependency[Services]

MAX_CALLS_LISTED = 1000
WS_UNAUTHORIZED = 4401  # 4000 + the HTTP status, as Litestar closes WebSockets on errors


def _bearer_token(connection: ASGIConnection) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    # A browser cannot set headers on a WebSocket: there, and only there, ?token= is accepted too.
    if connection.scope["type"] == "websocket":
        return connection.query_params.get("token") or None
    return None


async def require_token(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    # Async on purpose: Litestar runs a plain-function guard on a worker thread, and the store's one
    # connection belongs to the event loop's thread (a second thread gets ThreadingViolationError).
    token = _bearer_token(connection)
    services: Services = connection.app.state.services
    if token is None or user_for_token(services.conn, token) is None:
        if connection.scope["type"] == "websocket":
            raise WebSocketException(
                detail="a valid API token is required: send 'Authorization: Bearer TOKEN' or ?token=TOKEN.",
                code=WS_UNAUTHORIZED,
            )
        raise NotAuthorizedException("a valid API token is required: send 'Authorization: Bearer TOKEN'.")


def _view(state: AgentState) -> AgentView:
    return AgentView(
        agent_id=state.agent_id,
        name=state.name,
        status=state.status.value,
        reason=state.reason,
        seat=state.seat,
        since=iso(state.since),
        call_id=state.call_id,
        calls_answered=state.calls_answered,
        pause_after_call=state.pause_after_call,
        shown_status=state.shown_status,
        phone_ok=state.phone_ok,
        wrapup_until=iso(state.wrapup_until) if state.status.value == "wrapup" else None,
        wrapup_extended=state.wrapup_extended,
    )


@get("/healthz", sync_to_thread=False)
def healthz(services: ServicesDep) -> Response[dict[str, Any]]:
    engine = services.engine_health()
    database = services.database_health()
    healthy = engine["state"] == "running" and database["status"] == "ok"
    body = {"status": "ok" if healthy else "degraded", "engine": engine, "database": database}
    return Response(body, status_code=200 if healthy else 503)


@post("/api/v1/session", sync_to_thread=False, status_code=201)
def open_session(data: JSONBody[SessionBody], services: ServicesDep) -> SessionView:
    user = check_password(services.conn, data.username, data.password)
    if user is None:
        raise NotAuthorizedException("wrong username or password.")
    user_id, role = user
    return SessionView(issue_token(services.conn, user_id, "session"), data.username, role)


@get("/api/v1/agents", guards=[require_token], sync_to_thread=False)
def list_agents(services: ServicesDep) -> list[AgentView]:
    return [_view(state) for state in services.switchboard.distributor.agents()]


@get("/api/v1/agents/{agent_id:str}", guards=[require_token], sync_to_thread=False)
def show_agent(agent_id: FromPath[str], services: ServicesDep) -> AgentView:
    return _view(services.switchboard.distributor.agent(agent_id))


@post("/api/v1/agents/{agent_id:str}/login", guards=[require_token], sync_to_thread=False, status_code=200)
def login_agent(agent_id: FromPath[str], data: JSONBody[LoginBody], services: ServicesDep) -> AgentView:
    return _view(services.switchboard.login(agent_id, data.seat))


@post("/api/v1/agents/{agent_id:str}/ready", guards=[require_token], sync_to_thread=False, status_code=200)
def ready_agent(agent_id: FromPath[str], services: ServicesDep) -> AgentView:
    return _view(services.switchboard.ready(agent_id))


@post("/api/v1/agents/{agent_id:str}/pause", guards=[require_token], sync_to_thread=False, status_code=200)
def pause_agent(agent_id: FromPath[str], data: JSONBody[PauseBody], services: ServicesDep) -> AgentView:
    return _view(services.switchboard.pause(agent_id, data.reason))


@post("/api/v1/agents/{agent_id:str}/wrapup/end", guards=[require_token], sync_to_thread=False, status_code=200)
def end_wrapup(agent_id: FromPath[str], services: ServicesDep) -> AgentView:
    return _view(services.switchboard.end_wrapup(agent_id))


@post("/api/v1/agents/{agent_id:str}/wrapup/extend", guards=[require_token], sync_to_thread=False, status_code=200)
def extend_wrapup(agent_id: FromPath[str], services: ServicesDep) -> AgentView:
    return _view(services.switchboard.extend_wrapup(agent_id))


@post("/api/v1/agents/{agent_id:str}/logout", guards=[require_token], sync_to_thread=False, status_code=200)
def logout_agent(agent_id: FromPath[str], services: ServicesDep) -> AgentView:
    return _view(services.switchboard.logout(agent_id))


@get("/api/v1/queues/stats", guards=[require_token], sync_to_thread=False)
def queue_stats(services: ServicesDep, queue: FromQuery[str | None] = None) -> QueueStatsReport:
    """Every queue's live figures and today's, or one queue's with ?queue=NAME."""
    return services.queue_stats.report(queue)


@websocket_stream("/api/v1/queues/stats/live", guards=[require_token])
async def live_queue_stats(services: ServicesDep) -> AsyncGenerator[str, None]:
    """The same report as GET /api/v1/queues/stats: on connect, then whenever it changes (and every 5 s)."""
    async for payload in services.live.stream():
        yield payload.decode()


@get("/api/v1/calls", guards=[require_token], sync_to_thread=False)
def calls(services: ServicesDep, limit: FromQuery[int] = 50) -> list[CallRecord]:
    if not 0 < limit <= MAX_CALLS_LISTED:
        raise InvalidInput(f"limit must be from 1 to {MAX_CALLS_LISTED}.", limit=limit)
    return list_calls(services.conn, limit)


# ---- one error shape for every failure --------------------------------------------------------


def _error(status: int, error_id: str, message: str, details: dict | None = None) -> Response[ErrorBody]:
    return Response(ErrorBody(error_id, message, details or {}), status_code=status)


def _domain_error(_: Request, exc: BranchlineError) -> Response[ErrorBody]:
    return _error(exc.status, exc.error_id, exc.message, exc.details)


def _validation_error(_: Request, exc: ValidationException) -> Response[ErrorBody]:
    problems = exc.extra if isinstance(exc.extra, list) else []
    detail = "; ".join(str(p.get("message", p)) if isinstance(p, dict) else str(p) for p in problems)
    message = "the request body is not valid JSON of the expected shape"
    return _error(400, "invalid_request", f"{message}: {detail}." if detail else f"{message}.", {"problems": problems})


def _http_error(_: Request, exc: HTTPException) -> Response[ErrorBody]:
    error_id = {400: "invalid_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}.get(
        exc.status_code, "http_error"
    )
    return _error(exc.status_code, error_id, str(exc.detail))


def _unexpected_error(request: Request, exc: Exception) -> Response[ErrorBody]:
    log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    return _error(500, "internal_error", "the server failed to handle this request; the log has the details.")


def create_app(services: Services) -> Litestar:
    app = Litestar(
        route_handlers=[
            healthz,
            open_session,
            list_agents,
            show_agent,
            login_agent,
            ready_agent,
            pause_agent,
            end_wrapup,
            extend_wrapup,
            logout_agent,
            queue_stats,
            live_queue_stats,
            calls,
        ],
        dependencies={"services": Provide(lambda: services, use_cache=True, sync_to_thread=False)},
        exception_handlers={
            BranchlineError: _domain_error,
            ValidationException: _validation_error,
            HTTPException: _http_error,
            Exception: _unexpected_error,
        },
        openapi_config=None,
        debug=False,
    )
    app.state.services = services
    return app
