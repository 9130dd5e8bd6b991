"""`branchline doctor`: checks an installation and says what is wrong and how to fix it."""

from __future__ import annotations

import json
import shutil
import socket
import urllib.request
from collections.abc import Callable

import msgspec

from appliance.core.prompts import PromptLibrary
from appliance.datadir import DataDir
from appliance.errors import BranchlineError
from appliance.ports import bind_error
from appliance.resources import migrations_dir, prompts_dir
from appliance.store.config import load_config
from appliance.store.database import StoreError
from appliance.store.migrations import applied_versions, pending
from appliance.store.recordings import recording_settings

__all__ = ("Check", "run_checks")


class Check(msgspec.Struct):
    name: str
    status: str  # ok | warn | fail
    message: str
    fix: str = ""


def _data_dir(data: DataDir) -> Check:
    try:
        data.require_usable()
    except BranchlineError as exc:
        return Check("data directory", "fail", exc.message, f"branchline --data {data.root} init")
    return Check("data directory", "ok", f"{data.root} is readable and writable")


def _database(data: DataDir) -> Check:
    try:
        conn = data.open_store(apply_migrations=False)
        todo = pending(conn, migrations_dir())
        version = max(applied_versions(conn), default=0)
    except (StoreError, BranchlineError) as exc:
        return Check("database", "fail", getattr(exc, "message", str(exc)), "restore a backup from the backups/ folder")
    if todo:
        return Check("database", "warn", f"schema version {version}; {len(todo)} migration(s) pending", "branchline migrate")
    return Check("database", "ok", f"schema version {version}, up to date")


def _prompts(data: DataDir) -> Check:
    missing = PromptLibrary(data.prompts, prompts_dir()).missing()
    if missing:
        return Check("prompts", "fail", f"no recording for {', '.join(missing)}", "reinstall Branchline or add the WAV files under prompts/")
    return Check("prompts", "ok", "every prompt has a recording in English and Chinese")


def _engine() -> Check:
    try:
        from appliance.telephony.engine import DEFAULT_CAPACITY, HARD_LEG_LIMIT, SHED_MARGIN
    except ImportError as exc:
        return Check("SIP engine", "fail", f"pjsua2 cannot be loaded: {exc}", "pip install pjsua2-python==2.10.post6")
    return Check(
        "SIP engine",
        "ok",
        f"pjsua2 2.10 loaded; {DEFAULT_CAPACITY} call legs allowed ({DEFAULT_CAPACITY // 2} bridged conversations), "
        f"the rest of the engine's {HARD_LEG_LIMIT} are kept for the sockets of calls that just ended "
        f"(shedding starts {SHED_MARGIN} short of the limit)",
    )


def _server(data: DataDir) -> Check:
    info = data.read_run_info()
    if info is None:
        return _ports_free()
    try:
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(info["http"] + "/healthz", timeout=3) as response:
            health = json.loads(response.read())
    except OSError as exc:
        return Check("server", "fail", f"the run file says a server is at {info['http']} but it does not answer ({exc})",
                     "check 'systemctl status branchline' or start 'branchline serve'")
    engine = health["engine"]
    return Check("server", "ok" if health["status"] == "ok" else "fail",
                 f"running (pid {info['pid']}): engine {engine['state']}, {engine['legs_in_use']}/{engine['leg_capacity']} legs in use")


def _ports_free() -> Check:
    defaults = ((5060, socket.SOCK_DGRAM, "SIP 5060/udp"), (8080, socket.SOCK_STREAM, "HTTP 8080/tcp"))
    busy = [label for port, kind, label in defaults if bind_error("0.0.0.0", port, kind) is not None]
    if busy:
        return Check("ports", "warn", f"the server is not running and {', '.join(busy)} is taken by another program",
                     "stop that program, or pass --sip-port/--http-port to 'branchline serve'")
    return Check("ports", "ok", "the server is not running; the default ports 5060/udp and 8080/tcp are free")


def _configuration(data: DataDir) -> Check:
    try:
        config = load_config(data.open_store(apply_migrations=False))
    except (StoreError, BranchlineError) as exc:
        return Check("configuration", "fail", getattr(exc, "message", str(exc)))
    problems = []
    if not config.trunks:
        problems.append("no trunk, so no call is accepted ('branchline trunk add')")
    if not config.dids:
        problems.append("no DID, so every call gets 404 ('branchline did add')")
    for queue in config.queues:
        if not any(queue.accepts(agent) for agent in config.agents):
            problems.append(f"no agent has the skills queue {queue.name} requires")
    if not config.seats:
        problems.append("no seat, so no agent can log in ('branchline seat add')")
    if problems:
        return Check("configuration", "warn", "; ".join(problems))
    return Check("configuration", "ok", f"{len(config.trunks)} trunk(s), {len(config.dids)} DID(s), "
                 f"{len(config.queues)} queue(s), {len(config.seats)} seat(s), {len(config.agents)} agent(s)")


def _recording_disk(data: DataDir) -> Check:
    """The same rule the switchboard applies before each recording (core/conversations.py)."""
    try:
        settings = recording_settings(data.open_store(apply_migrations=False))
    except (StoreError, BranchlineError) as exc:
        return Check("recording disk", "fail", getattr(exc, "message", str(exc)))
    data.recordings.mkdir(parents=True, exist_ok=True)
    free_mb = shutil.disk_usage(data.recordings).free // (1024 * 1024)
    if free_mb < settings.min_free_mb:
        return Check("recording disk", "fail",
                     f"only {free_mb} MB free for recordings, under the {settings.min_free_mb} MB minimum: "
                     "calls are not being recorded",
                     "free disk space, 'branchline recordings purge', or lower 'branchline recordings settings --min-free-mb'")
    return Check("recording disk", "ok", f"{free_mb} MB free for recordings (minimum {settings.min_free_mb} MB)")


def run_checks(data: DataDir) -> list[Check]:
    first = _data_dir(data)
    if first.status == "fail":
        return [first, _prompts(data), _engine()]
    steps: list[Callable[[], Check]] = [
        lambda: _database(data),
        lambda: _configuration(data),
        lambda: _recording_disk(data),
        lambda: _prompts(data),
        _engine,
        lambda: _server(data),
    ]
    return [first, *(step() for step in steps)]
