"""The Litestar app: health, sign-in, the agent desktop, agent state and call records over JSON,
the desktop's page, and one error shape for every failure. Who may do what: `auth.py`."""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from typing import Any

from litestar import Litestar, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import HTTPException, PermissionDeniedException, ValidationException
from litestar.handlers import websocket_stream
from litestar.middleware.base import DefineMiddleware
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Redirect
from litestar.static_files import create_static_files_router

from appliance.acd.distributor import AgentState
from appliance.clock import iso
from appliance.errors import BranchlineError, InvalidInput
from appliance.resources import web_dir
from appliance.store.records import CallRecord, get_call, list_calls
from appliance.store.users import Account
from appliance.web.auth import PUBLIC_PATHS, SessionAuth, at_least, may_see_agent, visible_agents
from appliance.web.coaching_routes import COACHING_ROUTES
from appliance.web.desktop_routes import DESKTOP_ROUTES
from appliance.web.floor_routes import FLOOR_ROUTES
from appliance.web.followup_routes import FOLLOWUP_ROUTES
from appliance.web.fund_routes import FUND_ROUTES
from appliance.web.huddle_routes import HUDDLE_ROUTES
from appliance.web.kpi_routes import KPI_ROUTES
from appliance.web.quality_routes import QUALITY_ROUTES
from appliance.web.recognition_routes import RECOGNITION_ROUTES
from appliance.web.schemas import AgentView, ErrorBody, LoginBody, PauseBody, QueueStatsReport
from appliance.web.services import Services
from appliance.web.session_routes import SESSION_ROUTES
from appliance.web.team_routes import TEAM_ROUTES

__all__ = ("create_app",)

log = logging.getLogger(__name__)

# Handlers name what they take explicitly: Litestar 3 drops inferred dependencies and bodies.
ServicesDep = NamedDependency[Services]

MAX_CALLS_LISTED = 1000
PAGES = ("desktop", "wallboard", "supervisor", "team")  # each a folder of web/static served at /NAME/


def _agent_for(request: Request, services: Services, agent_id: str) -> str:
    """The agent id, when the signed-in user may see and act for that agent (else 403)."""
    if not may_see_agent(request.user, agent_id, services.switchboard.config):
        raise PermissionDeniedException(f"you may not see or act for agent {agent_id!r}.")
    return agent_id


def _acted(request: Request, services: Services, action: str, agent_id: str, **details: object) -> None:
    """Changing another agent's state is an admin action: it goes to the audit log."""
    user: Account = request.user
    if user.agent_id != agent_id:
        with services.conn:
            services.audit(user, action, agent_id, **details)
    services.notify()


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


@get("/", sync_to_thread=False)
def home() -> Redirect:
    return Redirect("/desktop/")


@get("/api/v1/agents", guards=[at_least("team_leader")], sync_to_thread=False)
def list_agents(request: Request, services: ServicesDep) -> list[AgentView]:
    """A team leader sees their team; a supervisor and an admin everyone."""
    config = services.switchboard.config
    return [_view(s) for s in services.switchboard.distributor.agents() if may_see_agent(request.user, s.agent_id, config)]


@get("/api/v1/agents/{agent_id:str}", sync_to_thread=False)
def show_agent(request: Request, agent_id: FromPath[str], services: ServicesDep) -> AgentView:
    return _view(services.switchboard.distributor.agent(_agent_for(request, services, agent_id)))


@post("/api/v1/agents/{agent_id:str}/login", sync_to_thread=False, status_code=200)
def login_agent(request: Request, agent_id: FromPath[str], data: JSONBody[LoginBody], services: ServicesDep) -> AgentView:
    state = services.switchboard.login(_agent_for(request, services, agent_id), data.seat)
    _acted(request, services, "agent_signed_in", agent_id, seat=data.seat)
    return _view(state)


@post("/api/v1/agents/{agent_id:str}/ready", sync_to_thread=False, status_code=200)
def ready_agent(request: Request, agent_id: FromPath[str], services: ServicesDep) -> AgentView:
    state = services.switchboard.ready(_agent_for(request, services, agent_id))
    _acted(request, services, "agent_made_ready", agent_id)
    return _view(state)


@post("/api/v1/agents/{agent_id:str}/pause", sync_to_thread=False, status_code=200)
def pause_agent(request: Request, agent_id: FromPath[str], data: JSONBody[PauseBody], services: ServicesDep) -> AgentView:
    state = services.switchboard.pause(_agent_for(request, services, agent_id), data.reason)
    _acted(request, services, "agent_paused", agent_id, reason=data.reason)
    return _view(state)


@post("/api/v1/agents/{agent_id:str}/wrapup/end", sync_to_thread=False, status_code=200)
def end_wrapup(request: Request, agent_id: FromPath[str], services: ServicesDep) -> AgentView:
    state = services.switchboard.end_wrapup(_agent_for(request, services, agent_id))
    _acted(request, services, "agent_wrapup_ended", agent_id)
    return _view(state)


@post("/api/v1/agents/{agent_id:str}/wrapup/extend", sync_to_thread=False, status_code=200)
def extend_wrapup(request: Request, agent_id: FromPath[str], services: ServicesDep) -> AgentView:
    state = services.switchboard.extend_wrapup(_agent_for(request, services, agent_id))
    _acted(request, services, "agent_wrapup_extended", agent_id)
    return _view(state)


@post("/api/v1/agents/{agent_id:str}/logout", sync_to_thread=False, status_code=200)
def logout_agent(request: Request, agent_id: FromPath[str], services: ServicesDep) -> AgentView:
    state = services.switchboard.logout(_agent_for(request, services, agent_id))
    _acted(request, services, "agent_signed_out", agent_id)
    return _view(state)


@get("/api/v1/queues/stats", guards=[at_least("team_leader")], sync_to_thread=False)
def queue_stats(services: ServicesDep, queue: FromQuery[str | None] = None) -> QueueStatsReport:
    """Every queue's live figures and today's, or one queue's with ?queue=NAME."""
    return services.queue_stats.report(queue)


@websocket_stream("/api/v1/queues/stats/live", guards=[at_least("team_leader")])
async def live_queue_stats(services: ServicesDep) -> AsyncGenerator[str, None]:
    """The same report as GET /api/v1/queues/stats: on connect, then whenever it changes (and every 5 s)."""
    async for payload in services.live.stream():
        yield payload.decode()


@get("/api/v1/calls", sync_to_thread=False)
def calls(request: Request, services: ServicesDep, limit: FromQuery[int] = 50) -> list[CallRecord]:
    """The newest calls the user may see: an agent their own, a team leader their team's."""
    if not 0 < limit <= MAX_CALLS_LISTED:
        raise InvalidInput(f"limit must be from 1 to {MAX_CALLS_LISTED}.", limit=limit)
    return list_calls(services.conn, limit, agents=visible_agents(request.user, services.switchboard.config))


@get("/api/v1/calls/{call_id:str}", sync_to_thread=False)
def show_call(request: Request, call_id: FromPath[str], services: ServicesDep) -> CallRecord:
    record = get_call(services.conn, call_id)
    visible = visible_agents(request.user, services.switchboard.config)
    if visible is not None and record.agent_id not in visible:
        raise PermissionDeniedException(f"call {call_id!r} was not taken by you or your team.")
    return record


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
            home,
            *SESSION_ROUTES,
            *DESKTOP_ROUTES,
            *FLOOR_ROUTES,
            *QUALITY_ROUTES,
            *FOLLOWUP_ROUTES,
            *HUDDLE_ROUTES,
            *TEAM_ROUTES,
            *COACHING_ROUTES,
            *KPI_ROUTES,
            *RECOGNITION_ROUTES,
            *FUND_ROUTES,
            *(create_static_files_router(f"/{page}", directories=[web_dir() / "static" / page], html_mode=True, name=page)
              for page in PAGES),
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
            show_call,
        ],
        middleware=[DefineMiddleware(SessionAuth, exclude=list(PUBLIC_PATHS))],
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
