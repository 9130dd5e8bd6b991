"""Timestamps as they are stored: ISO 8601 in UTC with milliseconds, so text order is time order."""

from __future__ import annotations

import time
from datetime import UTC, datetime

__all__ = ("iso", "now")


def now() -> float:
    """Wall-clock seconds. The decision logic never calls this; its callers pass the time in."""
    return time.time()


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(ts * 1000) % 1000:03d}Z"
