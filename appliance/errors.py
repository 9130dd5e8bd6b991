"""Domain exceptions. The web edge maps them to a fixed JSON error shape, the CLI to a sentence."""

from __future__ import annotations

from typing import Any

__all__ = ("BranchlineError", "Conflict", "InvalidInput", "NotFound", "ServerNotRunning")


class BranchlineError(Exception):
    """A problem the user can fix. `message` says what was wrong and what to do."""

    status = 400
    error_id = "invalid"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidInput(BranchlineError):
    status = 400
    error_id = "invalid_input"


class NotFound(BranchlineError):
    status = 404
    error_id = "not_found"


class Conflict(BranchlineError):
    status = 409
    error_id = "conflict"


class ServerNotRunning(BranchlineError):
    status = 503
    error_id = "server_not_running"
