"""The agent desktop's API: the signed-in agent's own state, call control, wrap-up and callbacks.

Every route acts on the agent linked to the signed-in user, never on an id from the request: an
agent cannot act for someone else by editing a URL. Each answers with the whole Desktop (the
same document the WebSocket pushes), so the page that acted sees the result at once.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator
from datetime import datetime, timedelta

import msgspec
from litestar import Request, Response, WebSocket, get, post
from litestar.di import NamedDependency
from litestar.exceptions import PermissionDeniedException
from litestar.handlers import websocket_stream
from litestar.params import FromPath, JSONBody

from appliance.clock import iso
from appliance.errors import InvalidInput
from appliance.reports.my_day import MyDay, my_day
from appliance.store.notices import acknowledge, add_notice
from appliance.store.users import Account
from appliance.store.wrapups import Wrapup, save_wrapup
from appliance.web.auth import at_least, linked_to_agent
from appliance.web.schemas import LoginBody, PauseBody
from appliance.web.services import Services

__all__ = ("DESKTOP_ROUTES",)

ServicesDep = NamedDependency[Services]
MAX_SCHEDULE_DAYS = 90


class TransferBody(msgspec.Struct, forbid_unknown_fields=True):
    to: str
    target: str


class WrapupBody(msgspec.Struct, forbid_unknown_fields=True):
    call_id: str
    disposition: str
    notes: str = ""
    fcr: bool = False
    callback_at: str | None = None  # local date and time, e.g. 2026-12-01T14:30
    callback_number: str | None = None


class NoticeBody(msgspec.Struct, forbid_unknown_fields=True):
    text: str
    team: str | None = None


class NoticeView(msgspec.Struct):
    id: int


def _agent_id(user: Account) -> str:
    assert user.agent_id is not None  # the linked_to_agent guard refused everyone else
    return user.agent_id


def _desktop(services: Services, user: Account) -> Response[bytes]:
    services.notify()  # the user's other tabs, and everyone's screens, see the change too
    return Response(services.desktops.screen(user), media_type="application/json")


@get("/api/v1/desktop", sync_to_thread=False)
def show_desktop(request: Request, services: ServicesDep) -> Response[bytes]:
    return Response(services.desktops.screen(request.user), media_type="application/json")


@websocket_stream("/api/v1/desktop/live")
async def live_desktop(socket: WebSocket, services: ServicesDep) -> AsyncGenerator[str, None]:
    """The whole Desktop on connect, then again whenever it changes."""
    async for payload in services.desktops.stream(socket.user):
        yield payload.decode()


@post("/api/v1/desktop/login", guards=[linked_to_agent], sync_to_thread=False, status_code=200)
def desktop_login(request: Request, data: JSONBody[LoginBody], services: ServicesDep) -> Response[bytes]:
    services.switchboard.login(_agent_id(request.user), data.seat)
    return _desktop(services, request.user)


@post("/api/v1/desktop/ready", guards=[linked_to_agent], sync_to_thread=False, status_code=200)
def desktop_ready(request: Request, services: ServicesDep) -> Response[bytes]:
    services.switchboard.ready(_agent_id(request.user))
    return _desktop(services, request.user)


@post("/api/v1/desktop/pause", guards=[linked_to_agent], sync_to_thread=False, status_code=200)
def desktop_pause(request: Request, data: JSONBody[PauseBody], services: ServicesDep) -> Response[bytes]:
    services.switchboard.pause(_agent_id(request.user), data.reason)
    return _desktop(services, request.user)


@post("/api/v1/desktop/logout", guards=[linked_to_agent], sync_to_thread=False, status_code=200)
def desktop_logout(request: Request, services: ServicesDep) -> Response[bytes]:
    services.switchboard.logout(_agent_id(request.user))
    return _desktop(services, request.user)


@post("/api/v1/desktop/call/answer", guards=[linked_to_agent], sync_to_thread=False, status_code=200)
def call_answer(request: Request, services: ServicesDep) -> Response[bytes]:
    """Ask the seat phone to pick up (seats added with --remote-answer)."""
    services.switchboard.answer(_agent_id(request.user))
    return _desktop(services, request.user)


@post("/api/v1/desktop/call/hold", guards=[linked_to_agent], sync_to_thread=False, status_code=200)
def call_hold(request: Request, services: ServicesDep) -> Response[bytes]:
    services.switchboard.hold(_agent_id(request.user))
    return _desktop(services, request.user)


@post("/api/v1/desktop/call/resume", guards=[linked_to_agent], sync_to_thread=False, status_code=200)
def call_resume(request: Request, services: ServicesDep) -> Response[bytes]:
    services.switchboard.resume(_agent_id(request.user))
    return _desktop(services, request.user)


@post("/api/v1/desktop/call/hangup", guards=[linked_to_agent], sync_to_thread=False, status_code=200)
def call_hangup(request: Request, services: ServicesDep) -> Response[bytes]:
    services.switchboard.hang_up(_agent_id(request.user))
    return _desktop(services, request.user)


@post("/api/v1/desktop/call/transfer", guards=[linked_to_agent], sync_to_thread=False, status_code=200)
def call_transfer(request: Request, data: JSONBody[TransferBody], services: ServicesDep) -> Response[bytes]:
    services.switchboard.transfer(_agent_id(request.user), data.to, data.target)
    return _desktop(services, request.user)


@post("/api/v1/desktop/call/consult", guards=[linked_to_agent], sync_to_thread=False, status_code=200)
def call_consult(request: Request, data: JSONBody[TransferBody], services: ServicesDep) -> Response[bytes]:
    """Put the caller on hold and ring an agent or an outside number to talk to them first."""
    services.switchboard.consult(_agent_id(request.user), data.to, data.target)
    return _desktop(services, request.user)


@post("/api/v1/desktop/call/consult/complete", guards=[linked_to_agent], sync_to_thread=False, status_code=200)
def call_consult_complete(request: Request, services: ServicesDep) -> Response[bytes]:
    services.switchboard.consult_complete(_agent_id(request.user))
    return _desktop(services, request.user)


@post("/api/v1/desktop/call/consult/cancel", guards=[linked_to_agent], sync_to_thread=False, status_code=200)
def call_consult_cancel(request: Request, services: ServicesDep) -> Response[bytes]:
    services.switchboard.consult_cancel(_agent_id(request.user))
    return _desktop(services, request.user)


@post("/api/v1/desktop/wrapup", guards=[linked_to_agent], sync_to_thread=False, status_code=200)
def submit_wrapup(request: Request, data: JSONBody[WrapupBody], services: ServicesDep) -> Response[bytes]:
    """Disposition, notes, FCR and an optional callback; ends the wrap-up if it is still running."""
    agent_id = _agent_id(request.user)
    switchboard = services.switchboard
    pending = services.desktops.views.wrapup_call(switchboard.distributor.agent(agent_id))
    if pending is None or pending[0] != data.call_id:
        raise InvalidInput("that call is not waiting for your wrap-up (it was submitted, or is not yours).",
                           call_id=data.call_id)
    _, caller, queue = pending
    now = time.time()
    with services.conn:
        callback_id = None
        if data.callback_at:
            due = _due_time(data.callback_at, now)
            number = (data.callback_number or caller or "").strip()
            callback_id = switchboard.schedule_callback(agent_id, data.call_id, queue, number, due, data.notes.strip())
        save_wrapup(services.conn, Wrapup(data.call_id, agent_id, data.disposition, data.notes.strip(), data.fcr,
                                          iso(now), callback_id), queue)
    if switchboard.distributor.agent(agent_id).status.value == "wrapup":
        switchboard.end_wrapup(agent_id)
    return _desktop(services, request.user)


def _due_time(text: str, now: float) -> float:
    try:
        due = datetime.fromisoformat(text).timestamp()  # no offset given: the branch's local time
    except ValueError:
        raise InvalidInput(f"callback time {text!r} is not a date and time like 2026-12-01T14:30.") from None
    if due <= now:
        raise InvalidInput("the callback time has passed: pick a time later than now.")
    if due > now + timedelta(days=MAX_SCHEDULE_DAYS).total_seconds():
        raise InvalidInput(f"a callback can be scheduled at most {MAX_SCHEDULE_DAYS} days ahead.")
    return due


@post("/api/v1/desktop/callbacks/{callback_id:str}/dial", guards=[linked_to_agent], sync_to_thread=False, status_code=200)
def dial_callback(request: Request, callback_id: FromPath[str], services: ServicesDep) -> Response[bytes]:
    services.switchboard.dial_callback(_agent_id(request.user), callback_id)
    return _desktop(services, request.user)


@get("/api/v1/desktop/myday", guards=[linked_to_agent], sync_to_thread=False)
def my_day_figures(request: Request, services: ServicesDep) -> MyDay:
    state = services.switchboard.distributor.agent(_agent_id(request.user))
    return my_day(services.conn, state, time.time())


@post("/api/v1/notices/{notice_id:int}/ack", sync_to_thread=False, status_code=200)
def acknowledge_notice(request: Request, notice_id: FromPath[int], services: ServicesDep) -> Response[bytes]:
    with services.conn:
        acknowledge(services.conn, notice_id, request.user.username, request.user.team, time.time())
    return _desktop(services, request.user)


@post("/api/v1/notices", guards=[at_least("team_leader")], sync_to_thread=False, status_code=201)
def post_notice(request: Request, data: JSONBody[NoticeBody], services: ServicesDep) -> NoticeView:
    """A team leader's notice goes to their own team; a supervisor's to a team or (no team) everyone."""
    user: Account = request.user
    team = user.team if user.role == "team_leader" else data.team
    if user.role == "team_leader" and data.team not in (None, user.team):
        raise PermissionDeniedException("a team leader posts notices to their own team only.")
    with services.conn:
        notice_id = add_notice(services.conn, team, user.username, data.text, time.time())
    services.notify()
    return NoticeView(notice_id)


DESKTOP_ROUTES = (
    show_desktop, live_desktop, desktop_login, desktop_ready, desktop_pause, desktop_logout,
    call_answer, call_hold, call_resume, call_hangup, call_transfer, call_consult, call_consult_complete, call_consult_cancel,
    submit_wrapup, dial_callback, my_day_figures,
    acknowledge_notice, post_notice,
)
