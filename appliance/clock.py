"""Timestamps as they are stored: ISO 8601 in UTC with milliseconds, so text order is time order."""

from __future__ import annotations

import time
from datetime import UTC, datetime

__all__ = ("iso", "now", "parse_iso")


def now() -> float:
    """Wall-clock seconds. The decision logic never calls this; its callers pass the time in."""
    return time.time()


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(ts * 1000) % 1000:03d}Z"


def parse_iso(text: str) -> float:
    """The inverse of `iso`: seconds since the epoch."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).timestamp()
