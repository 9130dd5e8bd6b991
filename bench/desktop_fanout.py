"""WebSocket fan-out: one change that touches every agent desktop, pushed to 100 open desktops.

Setup (the data dir and the server's log go to bench/results/desktop-fanout-<timestamp>/):
`branchline init` and queue `general` through the CLI; then, before the server starts, this
process adds --desktops agents (a001..., skill general) and as many users linked to them (role
agent), plus one supervisor, with the store's own functions (appliance.store.routing.add_agent,
appliance.store.users.add_user), since the CLI costs about half a second a call. The agents stay
signed out of the ACD (no seats): each desktop still carries the agent, the queue's figures and
the notices. Then `branchline serve`.

Every user signs in with POST /api/v1/signin (httpx), each from its own loopback address
(127.0.1.N, as each desktop would be its own PC: the server allows 20 sign-ins per address in
5 minutes), and keeps the `branchline_session` cookie. A desktop is a `websockets` client on
/api/v1/desktop/live with that cookie and the Origin a browser would send (same as the Host);
it receives the Desktop on connect, then each push. All clients run in this one asyncio process,
and each message is stamped (time.perf_counter) the moment the client's receive loop gets it.

A round: the supervisor posts a notice to everyone (POST /api/v1/notices with the X-CSRF-Token of
their sign-in), which changes every desktop. Measured from just before the POST to each client's
first Desktop containing that notice's id (a substring test on the clock; every hit is parsed as
JSON and checked afterwards): per round the time to the first desktop and to the last (all of
them), then p50/p95 over the rounds. Also the POST's own round trip, the server's CPU time per
round (utime + stime from /proc/PID/stat, from the POST until the last desktop arrived; the
server's 1 s timer tick rebuilds every open desktop too, so it lands in some rounds) and this
process's CPU time per round (its share of "last" is the receiving and decoding of the frames).
Baseline in the same run and the same server: the same rounds with one desktop connected, before
the others connect. The server's RSS (VmRSS in /proc/PID/status) is read with no desktop
connected, after the 100 have connected and received their first Desktop, and after the rounds.
A desktop carries at most 20 notices (the store's limit), so the payload stops growing after 20.

Usage (from the repository root, in the venv):
    .venv/bin/python bench/desktop_fanout.py                        # 100 desktops, 20 rounds
    .venv/bin/python bench/desktop_fanout.py --desktops 10 --rounds 3   # a smoke run
Prints a table, writes bench/results/desktop-fanout-<timestamp>.json, and exits non-zero when a
desktop never got a push (within --timeout of the POST), a client could not sign in or connect,
or the server died.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `appliance`, `bench` and `tests` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
from websockets.asyncio.client import ClientConnection, connect

from bench.capacity import git_state
from bench.stats import percentile
from tests.support.branch import Branch, Server

RESULTS = Path(__file__).resolve().parent / "results"
PASSWORD = "fanout-bench-1"
SUPERVISOR = "sup"
SESSION_COOKIE = "branchline_session"
CLK_TCK = os.sysconf("SC_CLK_TCK")
BETWEEN_ROUNDS_S = 0.3
SHARES = (("p50", 0.50), ("p95", 0.95), ("max", 1.0))


def source_address(index: int) -> str:
    """The loopback address user `index` signs in and connects from (127.0.1.1, 127.0.1.2, ...)."""
    return f"127.0.{1 + index // 250}.{1 + index % 250}"


# ---- the server process -----------------------------------------------------------------------------


def memory_kb(pid: int) -> dict[str, int]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM", "Threads"):
            values[key] = int(rest.split()[0])
    return values


def cpu_seconds(pid: int) -> float:
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def set_up(root: Path, desktops: int) -> tuple[Branch, float]:
    """The branch with its agents and users; the seconds the store took to add them."""
    from appliance.datadir import DataDir
    from appliance.model import Agent
    from appliance.store.routing import add_agent
    from appliance.store.users import add_user

    branch = Branch(root)
    branch.init()
    branch.cli("queue", "add", "general", "--skill", "general")
    started = time.monotonic()
    conn = DataDir(branch.data).open_store()
    try:
        for index in range(desktops):
            agent = f"a{index + 1:03d}"
            add_agent(conn, Agent(agent, f"Agent {index + 1}", {"general": 5}))
            add_user(conn, f"u{index + 1:03d}", PASSWORD, "agent", agent_id=agent)
        add_user(conn, SUPERVISOR, PASSWORD, "supervisor")
    finally:
        conn.close()
    return branch, time.monotonic() - started


# ---- clients --------------------------------------------------------------------------------------


@dataclass
class Desktop:
    """One signed-in user with a live desktop."""

    username: str
    address: str
    cookie: str = ""
    csrf: str = ""
    ws: ClientConnection | None = None
    reader: asyncio.Task | None = None
    messages: list[tuple[float, str]] = field(default_factory=list)  # (perf_counter, text) since cleared
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    closed: str | None = None  # why the stream ended, if it did

    async def sign_in(self, base_url: str) -> None:
        transport = httpx.AsyncHTTPTransport(local_address=self.address)
        async with httpx.AsyncClient(base_url=base_url, transport=transport, trust_env=False, timeout=30) as http:
            response = await http.post("/api/v1/signin", json={"username": self.username, "password": PASSWORD})
        if response.status_code != 200:
            raise RuntimeError(f"{self.username} could not sign in: {response.status_code} {response.text[:200]}")
        self.cookie = response.cookies.get(SESSION_COOKIE) or ""
        self.csrf = response.json()["csrf_token"]
        if not self.cookie:
            raise RuntimeError(f"{self.username}: the sign-in set no {SESSION_COOKIE} cookie")

    async def connect(self, host: str, port: int, timeout: float) -> None:
        """Open the live desktop and wait for the Desktop sent on connect."""
        self.ws = await connect(
            f"ws://{host}:{port}/api/v1/desktop/live", origin=f"http://{host}:{port}",
            additional_headers={"Cookie": f"{SESSION_COOKIE}={self.cookie}"}, proxy=None, ping_interval=None,
            open_timeout=timeout, max_size=8 * 1024 * 1024, local_addr=(self.address, 0))
        self.reader = asyncio.create_task(self._read(), name=f"ws-{self.username}")
        await asyncio.wait_for(self.arrived.wait(), timeout)

    async def _read(self) -> None:
        assert self.ws is not None
        try:
            async for message in self.ws:
                self.messages.append((time.perf_counter(), message if isinstance(message, str) else message.decode()))
                self.arrived.set()
        except Exception as exc:  # noqa: BLE001 - kept and reported
            self.closed = f"{type(exc).__name__}: {exc}"
        else:
            self.closed = f"the server closed the stream ({self.ws.close_code})"

    def clear(self) -> None:
        self.messages.clear()
        self.arrived.clear()

    async def first_with(self, needle: str, timeout: float) -> tuple[float, str] | None:
        """The first message since clear() that contains `needle`; None if none came in time."""
        deadline = time.perf_counter() + timeout
        seen = 0
        while True:
            for stamp, text in self.messages[seen:]:
                if needle in text:
                    return stamp, text
            seen = len(self.messages)
            self.arrived.clear()
            left = deadline - time.perf_counter()
            if left <= 0 or self.closed:
                return None
            try:
                await asyncio.wait_for(self.arrived.wait(), left)
            except TimeoutError:
                pass

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            self.reader.cancel()
            await asyncio.gather(self.reader, return_exceptions=True)


# ---- rounds ---------------------------------------------------------------------------------------


async def run_rounds(label: str, desks: list[Desktop], supervisor: Desktop, http: httpx.AsyncClient, pid: int,
                     rounds: int, timeout: float) -> dict:
    result: dict = {"desktops": len(desks), "rounds": [], "missed": []}
    for number in range(1, rounds + 1):
        for desk in desks:
            desk.clear()
        await asyncio.sleep(0)
        cpu_server, cpu_self = cpu_seconds(pid), time.process_time()
        started = time.perf_counter()
        response = await http.post("/api/v1/notices", json={"text": f"{label}: round {number}"},
                                   headers={"X-CSRF-Token": supervisor.csrf})
        posted = time.perf_counter()
        if response.status_code != 201:
            raise RuntimeError(f"posting the notice failed: {response.status_code} {response.text[:200]}")
        notice_id = response.json()["id"]
        needle = f'{{"id":{notice_id},"text":'
        hits = await asyncio.gather(*(desk.first_with(needle, timeout) for desk in desks))
        cpu_server, cpu_self = cpu_seconds(pid) - cpu_server, time.process_time() - cpu_self
        arrivals, sizes = [], []
        for desk, hit in zip(desks, hits):
            if hit is None:
                result["missed"].append({"round": number, "user": desk.username, "closed": desk.closed})
                continue
            desktop = json.loads(hit[1])  # off the clock: the hit must really carry the notice
            if notice_id not in [n["id"] for n in desktop["notices"]]:
                result["missed"].append({"round": number, "user": desk.username, "closed": "a false match"})
                continue
            arrivals.append((hit[0] - started) * 1000)
            sizes.append(len(hit[1]))
        row = {"round": number, "notice": notice_id, "received": len(arrivals),
               "first_ms": round(min(arrivals), 2) if arrivals else None,
               "last_ms": round(max(arrivals), 2) if arrivals else None,
               "post_ms": round((posted - started) * 1000, 2),
               "server_cpu_ms": round(cpu_server * 1000), "client_cpu_ms": round(cpu_self * 1000, 1),
               "desktop_bytes": max(sizes) if sizes else None}
        result["rounds"].append(row)
        print(f"desktop_fanout: {label}: round {number}/{rounds}: {row['received']}/{len(desks)} desktops, "
              f"first {row['first_ms']} ms, last {row['last_ms']} ms (POST {row['post_ms']} ms, server CPU "
              f"{row['server_cpu_ms']} ms)", flush=True)
        await asyncio.sleep(BETWEEN_ROUNDS_S)
    return result


async def measure(server: Server, args) -> dict:
    host, port, pid = "127.0.0.1", server.http_port, server.proc.pid
    out: dict = {"rss_kb": {}}
    desks = [Desktop(f"u{i + 1:03d}", source_address(i)) for i in range(args.desktops)]
    supervisor = Desktop(SUPERVISOR, source_address(args.desktops))
    started = time.monotonic()
    for desk in [supervisor, *desks]:  # one at a time: the server checks each password in its event loop
        await desk.sign_in(server.url)
    out["sign_in_s"] = round(time.monotonic() - started, 2)
    print(f"desktop_fanout: {len(desks) + 1} users signed in ({out['sign_in_s']} s)", flush=True)
    transport = httpx.AsyncHTTPTransport(local_address=supervisor.address)
    async with httpx.AsyncClient(base_url=server.url, transport=transport, trust_env=False, timeout=30,
                                 cookies={SESSION_COOKIE: supervisor.cookie}) as http:
        # Baseline: one desktop.
        await desks[0].connect(host, port, args.timeout)
        out["compression"] = desks[0].ws.response.headers.get("Sec-WebSocket-Extensions") if desks[0].ws else None
        out["baseline"] = await run_rounds("1 desktop", desks[:1], supervisor, http, pid, args.rounds, args.timeout)
        await desks[0].close()
        desks[0] = Desktop(desks[0].username, desks[0].address, desks[0].cookie, desks[0].csrf)
        await asyncio.sleep(1.0)  # the server notices the closed stream
        out["rss_kb"]["no desktop connected"] = memory_kb(pid)
        # All of them.
        started = time.monotonic()
        outcomes = await asyncio.gather(*(d.connect(host, port, args.timeout) for d in desks), return_exceptions=True)
        out["connect_s"] = round(time.monotonic() - started, 2)
        failed = [f"{d.username}: {type(o).__name__}: {o}" for d, o in zip(desks, outcomes) if isinstance(o, BaseException)]
        if failed:
            raise RuntimeError(f"{len(failed)} desktops could not connect: {failed[:3]}")
        await asyncio.sleep(1.0)
        out["rss_kb"][f"{len(desks)} desktops connected"] = memory_kb(pid)
        print(f"desktop_fanout: {len(desks)} desktops connected, each with its first Desktop "
              f"({out['connect_s']} s)", flush=True)
        out["all"] = await run_rounds(f"{len(desks)} desktops", desks, supervisor, http, pid, args.rounds, args.timeout)
        out["rss_kb"]["after the rounds"] = memory_kb(pid)
    await asyncio.gather(*(d.close() for d in desks))
    return out


# ---- report ---------------------------------------------------------------------------------------


def summary(result: dict) -> dict:
    rows = [r for r in result["rounds"] if r["received"]]
    found = {}
    for key in ("first_ms", "last_ms", "post_ms", "server_cpu_ms", "client_cpu_ms"):
        values = [r[key] for r in rows if r[key] is not None]
        found[key] = {label: (percentile(values, share) if values else None) for label, share in SHARES}
    found["desktop_bytes"] = max((r["desktop_bytes"] for r in rows if r["desktop_bytes"]), default=None)
    found["pushes_missed"] = len(result["missed"])
    return found


def report(out: dict, args) -> dict:
    names = {"baseline": "1 desktop", "all": f"{args.desktops} desktops"}
    figures = {key: summary(out[key]) for key in names if key in out}
    width, col = 32, 14
    print(f"\n{args.rounds} rounds per column: the supervisor posts a notice; figures in ms from just before the POST\n")
    print(f"{'':{width}}" + "".join(f"{names[k]:>{col}}" for k in figures))
    rows = [("to the first desktop", "first_ms"), ("to the last desktop", "last_ms"), ("POST /notices round trip", "post_ms"),
            ("server CPU per round (ms)", "server_cpu_ms"), ("bench CPU per round (ms)", "client_cpu_ms")]
    for label, key in rows:
        for share, _ in SHARES:
            if share == "max" and key.endswith("cpu_ms"):
                continue
            cells = "".join(f"{figures[k][key][share]:>{col}.1f}" if figures[k][key][share] is not None else f"{'-':>{col}}"
                            for k in figures)
            print(f"{label + ' ' + share:{width}}{cells}")
    print(f"{'Desktop size (bytes)':{width}}" + "".join(f"{figures[k]['desktop_bytes']!s:>{col}}" for k in figures))
    print(f"{'pushes missed':{width}}" + "".join(f"{figures[k]['pushes_missed']:>{col}}" for k in figures))
    print()
    for when, memory in out.get("rss_kb", {}).items():
        print(f"server RSS, {when}: {memory['VmRSS'] / 1024:.1f} MB (peak so far {memory['VmHWM'] / 1024:.1f} MB, "
              f"{memory['Threads']} threads)")
    rss = list(out.get("rss_kb", {}).values())
    if len(rss) >= 2:
        grew = (rss[1]["VmRSS"] - rss[0]["VmRSS"]) / 1024
        print(f"server RSS growth for {args.desktops} desktops: {grew:+.1f} MB ({grew * 1024 / args.desktops:+.0f} KB each)")
    print(f"sign-in of {args.desktops + 1} users: {out.get('sign_in_s')} s; connecting {args.desktops} desktops: "
          f"{out.get('connect_s')} s; WebSocket extensions: {out.get('compression') or 'none'}\n")
    return figures


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description="WebSocket fan-out: one notice pushed to many open agent desktops.")
    parser.add_argument("--desktops", type=int, default=100, help="desktops connected at once (default 100)")
    parser.add_argument("--rounds", type=int, default=20, help="notices posted per column (default 20)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds a desktop may take to get a push (default 10)")
    args = parser.parse_args(argv)
    if not 1 <= args.desktops <= 999:
        parser.error("--desktops must be 1..999")
    command = " ".join([".venv/bin/python bench/desktop_fanout.py", *map(shlex.quote, argv)])
    stamp = time.strftime("%Y%m%d-%H%M%S")
    run_dir = RESULTS / f"desktop-fanout-{stamp}"
    run_dir.mkdir(parents=True)
    print(f"desktop_fanout: logs and the data dir in {run_dir}", flush=True)

    def on_term(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    load_start = [round(x, 2) for x in os.getloadavg()]
    problems: list[str] = []
    out: dict = {}
    server = None
    try:
        branch, setup_s = set_up(run_dir, args.desktops)
        out["store_setup_s"] = round(setup_s, 2)
        print(f"desktop_fanout: {args.desktops} agents and users added ({setup_s:.1f} s)", flush=True)
        server = Server(branch).start()
        print(f"desktop_fanout: server on {server.url} (pid {server.proc.pid})", flush=True)
        out.update(asyncio.run(measure(server, args)))
    except KeyboardInterrupt:
        print("desktop_fanout: interrupted; stopping everything", flush=True)
        return 130
    except Exception as exc:  # noqa: BLE001 - report, clean up, fail
        problems.append(f"{type(exc).__name__}: {exc}")
    finally:
        if server is not None and server.alive():
            code, _ = server.stop()
            if code not in (0, None):
                problems.append(f"the server exited with status {code} on SIGTERM")
        elif server is not None and server.proc is not None:
            problems.append(f"the server died (status {server.proc.returncode}): see {server.log}")

    figures = report(out, args) if "baseline" in out else {}
    for key in ("baseline", "all"):
        for miss in out.get(key, {}).get("missed", []):
            problems.append(f"round {miss['round']} ({key}): {miss['user']} never got the notice"
                            + (f" ({miss['closed']})" if miss["closed"] else ""))
    if "all" not in out and not problems:
        problems.append("the 100-desktop rounds did not run")
    load = [round(x, 2) for x in os.getloadavg()]
    path = RESULTS / f"desktop-fanout-{stamp}.json"
    path.write_text(json.dumps({
        "command": command, "figures": figures, "raw": out, "problems": problems,
        "machine": {"cpus": os.cpu_count(), "loadavg_at_start": load_start, "loadavg_at_end": load},
        "git": git_state(), "logs": str(run_dir), "passed": not problems,
    }, indent=2) + "\n")
    print(f"desktop_fanout: load average {load_start} at the start, {load} at the end, on {os.cpu_count()} CPUs")
    print(f"desktop_fanout: figures written to {path}")
    for problem in problems[:20]:
        print(f"  - {problem}")
    if len(problems) > 20:
        print(f"  ... and {len(problems) - 20} more (see the JSON)")
    print("desktop_fanout: FAILED" if problems else "desktop_fanout: passed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
