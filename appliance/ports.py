"""Can the appliance bind a port? Asked before starting (one clear error) and by `doctor`."""

from __future__ import annotations

import socket

__all__ = ("bind_error",)


def bind_error(address: str, port: int, kind: int) -> OSError | None:
    """The error binding (address, port) would give, or None when the port is free."""
    probe = socket.socket(socket.AF_INET, kind)
    try:
        if kind == socket.SOCK_STREAM:
            # A listening port in TIME_WAIT is free for a server that sets SO_REUSEADDR, as Granian does.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((address, port))
    except OSError as exc:
        return exc
    finally:
        probe.close()
    return None
