"""A real migrated SQLite store for the store's tests, and the check of a domain error's sentence."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import apsw
import pytest

from appliance.model import Agent
from appliance.resources import migrations_dir
from appliance.store import routing, teams
from appliance.store.database import connect
from appliance.store.migrations import migrate

__all__ = ("raises", "store_with_teams")


def store_with_teams(tmp_path: Path, agents: Iterable[tuple[str, str, str | None]]) -> apsw.Connection:
    """A store migrated in `tmp_path` with teams cards and loans and the agents (id, name, team)."""
    c = connect(tmp_path / "b.db")
    migrate(c, migrations_dir(), tmp_path / "backups")
    for team in ("cards", "loans"):
        teams.add_team(c, team)
    for agent_id, name, team in agents:
        routing.add_agent(c, Agent(agent_id, name, team=team))
    return c


def raises(kind: type[Exception], text: str):
    """`pytest.raises` for an error whose message holds `text` as written."""
    return pytest.raises(kind, match=re.escape(text))
