"""The JSON the API takes and gives: msgspec Structs."""

from __future__ import annotations

import msgspec

__all__ = ("AgentView", "ErrorBody", "LoginBody", "PauseBody", "SessionBody", "SessionView")


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


class ErrorBody(msgspec.Struct):
    error_id: str
    message: str
    details: dict = {}
