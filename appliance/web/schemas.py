"""The JSON the API takes and gives: msgspec Structs."""

from __future__ import annotations

import msgspec

# Queue statistics are domain Structs served as they are (docs/acd.md, "Queue statistics").
from appliance.reports.queue_stats import QueueStats, QueueStatsReport

__all__ = (
    "AgentView",
    "ErrorBody",
    "LoginBody",
    "PauseBody",
    "QueueStats",
    "QueueStatsReport",
    "SessionBody",
    "SessionView",
)


class LoginBody(msgspec.Struct, forbid_unknown_fields=True):
    seat: str


class PauseBody(msgspec.Struct, forbid_unknown_fields=True):
    reason: str


class SessionBody(msgspec.Struct, forbid_unknown_fields=True):
    username: str
    password: str


class SessionView(msgspec.Struct):
    token: str
    username: str
    role: str


class AgentView(msgspec.Struct):
    agent_id: str
    name: str
    status: str
    reason: str
    seat: str | None
    since: str
    call_id: str | None
    calls_answered: int
    pause_after_call: str | None
    shown_status: str  # status, or phone_unreachable when the seat phone stopped answering pings
    phone_ok: bool
    wrapup_until: str | None  # while in wrap-up: when it ends
    wrapup_extended: bool


class ErrorBody(msgspec.Struct):
    error_id: str
    message: str
    details: dict = {}
