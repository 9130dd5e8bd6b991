"""What the web handlers reach: the running switchboard, the engine's health and the store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import apsw

from appliance.core.switchboard import Switchboard

__all__ = ("Services",)


@dataclass
class Services:
    conn: apsw.Connection
    switchboard: Switchboard
    engine_health: Callable[[], dict[str, Any]]
    database_health: Callable[[], dict[str, Any]]
