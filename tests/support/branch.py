"""A real branch for tests: a data dir made by the real CLI, the real server, real phones.

Every process here is a separate OS process, started the way an admin would start it, bound to
127.0.0.1 on free ports so that tests can run side by side.
"""

from __future__ import annotations

import json
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

BRANCHLINE = [sys.executable, "-m", "appliance.cli.main"]
# Local servers only: never route 127.0.0.1 through a proxy from the environment.
_http = urllib.request.build_opener(urllib.request.ProxyHandler({}))
# The short prompts tests use instead of speech: beeps well away from the test tones (1300 Hz
# from callers, 2100 Hz from agents) and from each other, so each can be told apart in a recording.
WELCOME_HZ = 600
SORRY_HZ = 2700


def free_port(kind: int = socket.SOCK_DGRAM) -> int:
    """A port free for both UDP and TCP, and free of the port above it (baresip-style TLS)."""
    while True:
        with socket.socket(socket.AF_INET, kind) as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port < 65000 and all(_port_free(port, k) for k in (socket.SOCK_DGRAM, socket.SOCK_STREAM)):
            return port


def _port_free(port: int, kind: int) -> bool:
    with socket.socket(socket.AF_INET, kind) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_until(predicate, timeout: float, what: str, interval: float = 0.05):
    """Poll with a deadline instead of sleeping a guessed time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def help_of(*command: str) -> str:
    """What `branchline COMMAND --help` prints; the command must exist."""
    result = subprocess.run([*BRANCHLINE, *command, "--help"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def cli_json(branch: Branch, *args: str) -> Any:
    """A CLI command's `--json` output, parsed."""
    return json.loads(branch.cli(*args, "--json").stdout)


class Branch:
    """A data directory set up through the CLI, as an admin would."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"

    def cli(self, *args: str, check: bool = True, timeout: float = 30) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [*BRANCHLINE, "--data", str(self.data), *args], capture_output=True, text=True, timeout=timeout
        )
        if check and result.returncode != 0:
            raise AssertionError(f"branchline {' '.join(args)} failed ({result.returncode}): {result.stderr}{result.stdout}")
        return result

    def init(self) -> str:
        return self.cli("init").stdout

    def use_short_prompts(self) -> None:
        """Replace welcome and sorry with short beeps so tests do not wait out speech."""
        from tests.support.audio import tone_samples, write_wav

        write_wav(self.data / "prompts" / "en" / "welcome.wav", tone_samples(WELCOME_HZ, 0.6))
        write_wav(self.data / "prompts" / "en" / "sorry.wav", tone_samples(SORRY_HZ, 1.5))

    def calls(self) -> list[dict[str, Any]]:
        return json.loads(self.cli("calls", "--json", "--limit", "1000").stdout)

    def ended_calls(self, count: int, timeout: float = 5) -> list[dict[str, Any]]:
        """The call records once there are `count` and every one has ended (the server writes a
        call's end as it handles the BYE, a moment after the far end has seen the 200 OK)."""
        return wait_until(
            lambda: (calls := self.calls()) and len(calls) == count and all(c["ended_at"] for c in calls) and calls,
            timeout, f"{count} ended call record(s)",
        )

    def query(self, sql: str, *args: Any) -> list[tuple]:
        """Rows from the branch's database, read-only (the running server keeps writing)."""
        import apsw

        conn = apsw.Connection(str(self.data / "branchline.db"), flags=apsw.SQLITE_OPEN_READONLY)
        try:
            return conn.execute(sql, args).fetchall()
        finally:
            conn.close()

    def events(self, kind: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT at, call_id, queue, agent_id, kind, details FROM events"
        rows = self.query(sql + (" WHERE kind = ?" if kind else "") + " ORDER BY id", *((kind,) if kind else ()))
        return [dict(zip(("at", "call_id", "queue", "agent_id", "kind", "details"), r), details=json.loads(r[5])) for r in rows]


class Server:
    """`branchline serve` in its own process."""

    def __init__(self, branch: Branch) -> None:
        self.branch = branch
        self.sip_port = free_port()
        self.http_port = free_port(socket.SOCK_STREAM)
        self.log = branch.root / f"serve-{self.sip_port}.log"
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def start(self) -> Server:
        self.proc = subprocess.Popen(
            [*BRANCHLINE, "--data", str(self.branch.data), "serve", "--bind", "127.0.0.1",
             "--sip-port", str(self.sip_port), "--http-port", str(self.http_port)],
            stdout=self.log.open("w"), stderr=subprocess.STDOUT,
        )
        wait_until(self._healthy, 20, "the server's /healthz")
        return self

    def _healthy(self) -> bool:
        if self.proc is not None and self.proc.poll() is not None:
            raise AssertionError(f"the server exited with {self.proc.returncode}:\n{self.log.read_text()}")
        try:
            return self.health()["status"] == "ok"
        except (OSError, ValueError):
            return False

    def health(self) -> dict[str, Any]:
        with _http.open(self.url + "/healthz", timeout=2) as response:
            return json.loads(response.read())

    def api(self, method: str, path: str, body: Any = None, token: str | None = None, raw: bytes | None = None):
        """(status, JSON body) of an API call with the CLI's token unless another is given."""
        token = token if token is not None else (self.branch.data / "cli.token").read_text().strip()
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        try:
            with _http.open(request, timeout=5) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10) -> tuple[int, float]:
        """Signal the server; (exit status, seconds it took)."""
        assert self.proc is not None
        started = time.monotonic()
        self.proc.send_signal(sig)
        code = self.proc.wait(timeout)
        return code, time.monotonic() - started

    def output(self) -> str:
        return self.log.read_text()


class Phone:
    """`branchline phone` in its own process; its JSON-line events are collected as they come."""

    def __init__(self, root: Path, *args: str, port: int | None = None, user: str = "phone") -> None:
        self.port = port or free_port()
        self.user = user
        self.uri = f"sip:{user}@127.0.0.1:{self.port}"
        self.record_dir = root / f"rec-{self.port}"
        self.record_dir.mkdir(parents=True, exist_ok=True)
        self.events: queue.Queue[dict] = queue.Queue()
        self.seen: list[dict] = []
        self.proc = subprocess.Popen(
            [*BRANCHLINE, "phone", "--listen", f"127.0.0.1:{self.port}", "--user", user,
             "--record-dir", str(self.record_dir), *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_for("ready", 10)

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("{"):
                self.events.put(json.loads(line))

    def wait_for(self, event: str, timeout: float) -> dict:
        for seen in self.seen:
            if seen["event"] == event and not seen.get("_taken"):
                seen["_taken"] = True
                return seen
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                item = self.events.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.seen.append(item)
            if item["event"] == event:
                item["_taken"] = True
                return item
        raise AssertionError(f"phone {self.uri} saw no {event!r} within {timeout} s; saw {self.seen}")

    def count(self, event: str) -> int:
        while True:
            try:
                self.seen.append(self.events.get_nowait())
            except queue.Empty:
                break
        return sum(1 for e in self.seen if e["event"] == event)

    def send(self, command: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()



def seat_agent(branch: Branch, server: Server, agent: str, seat: str, phone: Phone) -> None:
    """Put an agent at a seat whose phone is `phone`, logged in and Ready."""
    branch.cli("seat", "add", seat, "--phone", phone.uri)
    # The running server picks the new seat up within a second; log in as soon as it has.
    wait_until(lambda: server.api("POST", f"/api/v1/agents/{agent}/login", {"seat": seat})[0] == 200, 3, f"seat {seat}")
    branch.cli("agent", "ready", agent)
