"""`branchline serve`: builds every part of the appliance in one process and stops them in order.

Start: data dir and database (migrated after a backup), ports checked, SIP engine on its thread,
switchboard on the asyncio loop, web app on Granian's embedded server.
Stop (SIGTERM or Ctrl-C): refuse new calls, BYE to every live leg, log agents out, flush, exit 0.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import signal
import socket
import time
from dataclasses import dataclass

import apsw
from granian.constants import Interfaces
from granian.server.embed import Server as Granian

from appliance.clock import now
from appliance.core.http_requests import HttpRequests
from appliance.core.prompts import PromptLibrary
from appliance.core.switchboard import Switchboard
from appliance.datadir import DataDir
from appliance.errors import BranchlineError
from appliance.model import BranchConfig, parse_sip_uri
from appliance.ports import bind_error
from appliance.resources import prompts_dir
from appliance.store.config import load_config
from appliance.store.database import connect, data_version
from appliance.store.migrations import applied_versions
from appliance.store.records import append_event
from appliance.teamwork.follow_up import DailyFollowUp
from appliance.telephony.engine import Engine, EngineSettings, EngineStartError
from appliance.telephony.messages import SipPolicy, TrunkRegistration, WatchPhones
from appliance.web.app import create_app
from appliance.web.services import Services

__all__ = ("ServeOptions", "StartupError", "serve")

log = logging.getLogger("branchline")

CONFIG_POLL_S = 0.3  # configuration changes from the CLI take effect within a second
SHUTDOWN_HANGUP_S = 2.0
IDLE_TICK_S = 1.0
FOLLOW_UP_CHECK_S = 30.0  # how often the daily follow-up looks at the clock


class StartupError(BranchlineError):
    error_id = "startup"


@dataclass(frozen=True)
class ServeOptions:
    bind: str = "0.0.0.0"
    sip_port: int = 5060
    http_port: int = 8080
    log_level: int = 1


def _configure_engine(engine: Engine, config: BranchConfig) -> None:
    """What the engine needs of the configuration: who may send SIP, and which phones to ping."""
    engine.send(sip_policy(config))
    engine.send(phone_watch(config))


def phone_watch(config: BranchConfig) -> WatchPhones:
    """Ping every seat phone so that agents on a dead phone are not offered calls."""
    uris = tuple(sorted(seat.phone_uri for seat in config.seats))
    return WatchPhones(uris, float(config.acd.ping_interval), config.acd.ping_failures)


def sip_policy(config: BranchConfig) -> SipPolicy:
    """Who may send SIP: trunk gateways, the hosts of seat phones, and registered carriers."""
    networks = {t.name: t.gateways for t in config.trunks}
    registrations = []
    for trunk in config.trunks:
        if trunk.register_uri and trunk.register_password:
            registrations.append(TrunkRegistration(trunk.name, trunk.register_uri, trunk.register_password))
            host = parse_sip_uri(trunk.register_uri).host
            networks[trunk.name] = (*trunk.gateways, *_resolve(host))
    seat_hosts = []
    for seat in config.seats:
        seat_hosts.extend(_resolve(parse_sip_uri(seat.phone_uri).host))
    return SipPolicy(
        trunk_networks={name: tuple(f"{n}" if "/" in n else f"{n}/32" for n in nets) for name, nets in networks.items()},
        seat_hosts=tuple(sorted(set(seat_hosts))),
        dids=frozenset(d.number for d in config.dids),
        registrations=tuple(registrations),
    )


def _resolve(host: str) -> list[str]:
    try:
        return sorted({info[4][0] for info in socket.getaddrinfo(host, None, socket.AF_INET)})
    except OSError:
        log.warning("cannot resolve %s; SIP from it will be dropped until it resolves", host)
        return []


def _check_port_free(bind: str, port: int, kind: int, what: str, flag: str) -> None:
    error = bind_error(bind, port, kind)
    if error is None:
        return
    if error.errno == errno.EADDRINUSE:
        raise StartupError(f"{what} port {port} on {bind} is already in use: stop the other program or pass {flag}.")
    raise StartupError(f"cannot use {what} port {port} on {bind}: {error.strerror}.")


@dataclass
class _Running:
    data: DataDir
    conn: apsw.Connection
    engine: Engine
    switchboard: Switchboard
    events: asyncio.Queue
    wake: asyncio.Event
    stop: asyncio.Event
    http: HttpRequests


class _App:
    """The parts of one running appliance, and the tasks that connect them."""

    def __init__(self, data: DataDir, options: ServeOptions) -> None:
        self.data = data
        self.options = options

    async def run(self) -> int:
        running = await self._start()
        services = self._services(running)
        self.screens = services  # live screens (statistics, desktops): told after every event and timer tick
        http = Granian(
            create_app(services),
            address=self.options.bind,
            port=self.options.http_port,
            interface=Interfaces.ASGI,
            log_level="warning",
            websockets=True,
        )
        # Granian warns that embedding is experimental on every start: true, known, and noise to an admin.
        logging.getLogger("_granian").addFilter(lambda record: "experimental" not in record.getMessage())
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, running.stop.set)
        host = "127.0.0.1" if self.options.bind == "0.0.0.0" else self.options.bind
        self.data.write_run_info(f"http://{host}:{self.options.http_port}", self.options.sip_port)
        tasks = [
            asyncio.create_task(self._pump_events(running), name="events"),
            asyncio.create_task(self._run_timers(running), name="timers"),
            asyncio.create_task(self._watch_config(running), name="config"),
            asyncio.create_task(self._follow_up_daily(running), name="follow-up"),
            asyncio.create_task(http.serve(), name="http"),
        ]
        print(
            f"Branchline is running: SIP on {self.options.bind}:{self.options.sip_port} (UDP), "
            f"web on http://{host}:{self.options.http_port}/ (Ctrl-C stops it)",
            flush=True,
        )
        stopper = asyncio.create_task(running.stop.wait())
        done, _ = await asyncio.wait([stopper, *tasks], return_when=asyncio.FIRST_COMPLETED)
        failed = [t for t in done if t is not stopper and t.exception()]
        for task in failed:
            log.error("%s stopped unexpectedly: %s", task.get_name(), task.exception())
        await self._shutdown(running, http, tasks)
        return 1 if failed else 0

    async def _start(self) -> _Running:
        self.data.require_usable()
        conn = self.data.open_store()
        config = load_config(conn)
        _check_port_free(self.options.bind, self.options.sip_port, socket.SOCK_DGRAM, "SIP", "--sip-port")
        _check_port_free(self.options.bind, self.options.http_port, socket.SOCK_STREAM, "HTTP", "--http-port")
        prompts = PromptLibrary(self.data.prompts, prompts_dir())
        loop = asyncio.get_running_loop()
        events: asyncio.Queue = asyncio.Queue()
        settings = EngineSettings(
            bind=self.options.bind,
            sip_port=self.options.sip_port,
            moh_path=prompts.music_on_hold(),
            log_level=self.options.log_level,
        )
        engine = Engine(settings, lambda event: loop.call_soon_threadsafe(events.put_nowait, event))
        try:
            await asyncio.to_thread(engine.start)
        except EngineStartError as exc:
            raise StartupError(str(exc)) from None
        wake = asyncio.Event()

        def http_answered(call_id: str, answer: dict | None, error: str) -> None:
            try:
                switchboard.ivr_http_answered(call_id, answer, error)
            except Exception:  # noqa: BLE001 - one bad answer must not stop the others
                log.exception("handling the IVR http answer for %s failed", call_id)
            wake.set()

        http = HttpRequests(http_answered)
        switchboard = Switchboard(conn, config, prompts, engine.send, engine.budget.capacity, now,
                                  self.data.recordings, http.start)
        running = _Running(self.data, conn, engine, switchboard, events, wake, asyncio.Event(), http)
        switchboard.listeners.append(lambda _: running.wake.set())
        with conn:
            _log_out_after_restart(conn)
            append_event(conn, now(), "server_started", sip_port=self.options.sip_port, http_port=self.options.http_port,
                         leg_capacity=engine.budget.capacity)
        _configure_engine(engine, config)
        return running

    def _services(self, running: _Running) -> Services:
        def database_health() -> dict:
            try:
                version = max(applied_versions(running.conn), default=0)
                return {"status": "ok", "schema_version": version, "path": str(self.data.database)}
            except apsw.Error as exc:
                return {"status": "error", "error": str(exc)}

        return Services(running.conn, running.switchboard, running.engine.health, database_health,
                        recordings_dir=self.data.recordings)

    async def _pump_events(self, running: _Running) -> None:
        while True:
            event = await running.events.get()
            try:
                running.switchboard.on_event(event)
            except Exception:  # one bad event must not stop the switchboard
                log.exception("handling %s failed", type(event).__name__)
            running.wake.set()
            self.screens.notify()

    async def _run_timers(self, running: _Running) -> None:
        while True:
            deadline = running.switchboard.next_deadline()
            delay = IDLE_TICK_S if deadline is None else max(0.0, min(IDLE_TICK_S, deadline - now()))
            running.wake.clear()
            try:
                await asyncio.wait_for(running.wake.wait(), timeout=delay)
            except TimeoutError:
                pass
            try:
                running.switchboard.tick()
            except Exception:
                log.exception("the switchboard's timers failed")
            self.screens.notify()

    async def _follow_up_daily(self, running: _Running) -> None:
        """The KPI flags and team notices for the day before, once it is past local 00:05."""
        daily = DailyFollowUp(lambda: connect(running.data.database))
        while True:
            if (day := daily.due()) is not None:
                await asyncio.to_thread(daily.run, day)
                self.screens.notify()
            await asyncio.sleep(FOLLOW_UP_CHECK_S)

    async def _watch_config(self, running: _Running) -> None:
        seen = data_version(running.conn)
        while True:
            await asyncio.sleep(CONFIG_POLL_S)
            version = data_version(running.conn)
            if version == seen:
                continue
            seen = version
            config = load_config(running.conn)
            running.switchboard.configure(config)
            _configure_engine(running.engine, config)

    async def _shutdown(self, running: _Running, http: Granian, tasks: list[asyncio.Task]) -> None:
        running.switchboard.hang_up_all("server shutting down")
        deadline = time.monotonic() + SHUTDOWN_HANGUP_S
        while running.switchboard.live_calls() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)  # the event pump writes each call's end as its BYE completes
        for task in tasks:
            if task.get_name() != "http":
                task.cancel()
        await asyncio.to_thread(running.engine.stop)
        while not running.events.empty():
            running.switchboard.on_event(running.events.get_nowait())
        for agent in running.switchboard.distributor.agents():
            if agent.status.value != "logged_out":
                try:
                    running.switchboard.logout(agent.agent_id, reason="shutdown")
                except BranchlineError:
                    pass
        with running.conn:
            append_event(running.conn, now(), "server_stopped")
        await running.http.close()
        await self.screens.close()  # open WebSockets end, so the web server can stop
        http.stop()
        await asyncio.gather(*tasks, return_exceptions=True)
        self.data.clear_run_info()
        running.conn.close()


def _log_out_after_restart(conn: apsw.Connection) -> None:
    """Agents' states do not survive a restart; say so in the log for everyone left logged in."""
    rows = conn.execute(
        "SELECT agent_id, kind FROM events WHERE id IN ("
        " SELECT max(id) FROM events WHERE agent_id IS NOT NULL AND kind LIKE 'agent_%' GROUP BY agent_id)"
    ).fetchall()
    for agent_id, kind in rows:
        if kind != "agent_logged_out":
            append_event(conn, now(), "agent_logged_out", agent_id=agent_id, reason="restart")


def serve(data: DataDir, options: ServeOptions) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return asyncio.run(_App(data, options).run())
