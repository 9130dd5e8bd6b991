"""The floor for team leaders and supervisors: the live document behind the wallboard and the
agent grid, and listening in to a conversation (listen, whisper, barge) from a seat phone.
Who may see and do what: docs/supervision.md."""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator

import msgspec
from litestar import Request, Response, WebSocket, delete, get, post, put
from litestar.di import NamedDependency
from litestar.exceptions import PermissionDeniedException
from litestar.handlers import websocket_stream
from litestar.params import FromPath, JSONBody

from appliance.core.conversations import Conversation, Supervision
from appliance.errors import InvalidInput, NotFound
from appliance.store.users import Account
from appliance.web.auth import at_least, may_see_agent
from appliance.web.services import Services
from appliance.web.session_routes import SEAT_COOKIE

__all__ = ("FLOOR_ROUTES",)

ServicesDep = NamedDependency[Services]


class MonitorBody(msgspec.Struct, forbid_unknown_fields=True):
    mode: str
    seat: str | None = None  # else the seat bound to this browser, else the user's own agent's seat


class ModeBody(msgspec.Struct, forbid_unknown_fields=True):
    mode: str


class MonitorView(msgspec.Struct):
    call_id: str
    seat: str
    mode: str
    state: str


@get("/api/v1/floor", guards=[at_least("team_leader")], sync_to_thread=False)
def show_floor(request: Request, services: ServicesDep) -> Response[bytes]:
    return Response(services.floors.screen(request.user), media_type="application/json")


@websocket_stream("/api/v1/floor/live", guards=[at_least("team_leader")])
async def live_floor(socket: WebSocket, services: ServicesDep) -> AsyncGenerator[str, None]:
    """The Floor on connect, then whenever it changes, and at least every few seconds."""
    async for payload in services.floors.stream(socket.user):
        yield payload.decode()


@post("/api/v1/calls/{call_id:str}/monitor", guards=[at_least("team_leader")], sync_to_thread=False, status_code=200)
def start_monitor(request: Request, call_id: FromPath[str], data: JSONBody[MonitorBody],
                  services: ServicesDep) -> MonitorView:
    user: Account = request.user
    conversation = _watchable(services, user, call_id)
    seat_name = data.seat or request.cookies.get(SEAT_COOKIE) or _own_seat(services, user)
    if not seat_name:
        raise InvalidInput("choose the seat whose phone should ring for you to listen in.")
    seat = services.switchboard.config.seat(seat_name)
    if seat is None:
        raise NotFound(f"there is no seat {seat_name!r}.", seat=seat_name)
    switchboard = services.switchboard
    with services.conn:
        supervision = switchboard.conversations.monitor(call_id, user.username, seat.name, seat.phone_uri,
                                                        seat.remote_answer, data.mode, time.time())
        _audit(services, user, "monitor_started", conversation, mode=data.mode, seat=seat.name)
    return _view(call_id, supervision, services)


@put("/api/v1/calls/{call_id:str}/monitor", guards=[at_least("team_leader")], sync_to_thread=False)
def change_monitor(request: Request, call_id: FromPath[str], data: JSONBody[ModeBody],
                   services: ServicesDep) -> MonitorView:
    conversation = _watchable(services, request.user, call_id)
    supervision = services.switchboard.conversations.change_mode(call_id, request.user.username, data.mode)
    with services.conn:
        _audit(services, request.user, "monitor_mode_changed", conversation, mode=data.mode)
    return _view(call_id, supervision, services)


@delete("/api/v1/calls/{call_id:str}/monitor", guards=[at_least("team_leader")], sync_to_thread=False,
        status_code=200)
def stop_monitor(request: Request, call_id: FromPath[str], services: ServicesDep) -> dict[str, str]:
    _watchable(services, request.user, call_id)
    services.switchboard.conversations.stop_monitor(call_id, request.user.username)
    services.notify()
    return {"call_id": call_id, "state": "ending"}


def _watchable(services: Services, user: Account, call_id: str) -> Conversation:
    conversation = services.switchboard.conversations.of_call(call_id)
    if conversation is None:
        raise NotFound(f"call {call_id!r} is not a conversation with an agent right now.", call=call_id)
    if not may_see_agent(user, conversation.agent_id, services.switchboard.config):
        raise PermissionDeniedException(f"call {call_id!r} is not one of your team's.")
    return conversation


def _own_seat(services: Services, user: Account) -> str | None:
    return services.switchboard.distributor.agent(user.agent_id).seat if user.agent_id else None


def _audit(services: Services, user: Account, action: str, conversation: Conversation, **details: object) -> None:
    services.audit(user, action, conversation.agent_id, call=conversation.call_id, **details)


def _view(call_id: str, supervision: Supervision, services: Services) -> MonitorView:
    services.notify()
    return MonitorView(call_id, supervision.seat, supervision.mode, supervision.state)


FLOOR_ROUTES = [show_floor, live_floor, start_monitor, change_monitor, stop_monitor]
