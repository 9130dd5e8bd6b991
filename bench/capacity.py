"""Capacity benchmark: the appliance against a bare answer-and-bridge script, same load, same run.

For each system in turn (first `branchline serve`, then bench/bare_bridge.py):
  * 12 agent phones (`branchline phone`, auto-answer after 0.2 s, each sending a tone) on ports
    10 apart;
  * SIPp (bench/sipp_caller.xml) calls the DID from 127.0.0.1 with 12 concurrent callers
    (`-l 12`), each staying connected 8-12 s after the 200 and then hanging up, for --seconds;
    then SIPp stops placing calls (SIGUSR1) and lets the calls in progress finish;
  * measured: calls attempted / completed / failed (SIPp's -trace_stat CSV, failures broken down
    with -trace_counts), CPU seconds of the system's own process (utime + stime from
    /proc/PID/stat, before SIPp starts and after it ends) and its peak RSS (VmHWM).

Prints a table and the appliance/bare ratios, writes bench/results/capacity-<timestamp>.json (logs,
SIPp traces and the appliance's data dir go to bench/results/capacity-<timestamp>/), and exits
non-zero if any call failed, a system process died, or the appliance used more than 1.5x the bare
bridge's CPU.

Usage (from the repository root, in the venv):
    .venv/bin/python bench/capacity.py                 # 120 s per system
    .venv/bin/python bench/capacity.py --seconds 30    # quicker
    .venv/bin/python bench/capacity.py --only bare     # one system only (no ratio, no CPU verdict)
    .venv/bin/python bench/capacity.py --record 0      # the appliance without call recording

The bare bridge gets the engine's capacity, shed margin and poll interval from
appliance.telephony.engine, so both obey the same budget; both use create_endpoint's codecs.
The JSON records the git commit and whether appliance/ had uncommitted changes.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import math
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import wave
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RESULTS = BENCH / "results"
SCENARIO = BENCH / "sipp_caller.xml"
BARE_BRIDGE = BENCH / "bare_bridge.py"
HOST = "127.0.0.1"
AGENTS = 12
PHONE_PORT_STEP = 10
DID = "200"
QUEUE = "bench"
CPU_LIMIT_RATIO = 1.5
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
# SIPp waits this long for the calls in progress to end after it stops placing new ones.
DRAIN_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0


def find_python() -> str:
    venv = REPO / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def find_branchline() -> str:
    for candidate in (REPO / ".venv" / "bin" / "branchline", Path(sys.executable).parent / "branchline"):
        if candidate.exists():
            return str(candidate)
    found = shutil.which("branchline")
    if not found:
        sys.exit("capacity: the 'branchline' command is not installed: run 'make' or 'pip install -e .' first.")
    return found


# ---- ports ------------------------------------------------------------------------------------------


def _port_free(port: int, kind: int) -> bool:
    with socket.socket(socket.AF_INET, kind) as sock:
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


_taken: set[int] = set()


def _ephemeral(kind: int = socket.SOCK_DGRAM) -> int:
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def free_port(kind: int = socket.SOCK_DGRAM, *, also_tcp: bool = False) -> int:
    """A port the kernel says is free now (bind to port 0), not handed out before in this run."""
    for _ in range(200):
        port = _ephemeral(kind)
        if port in _taken:
            continue
        if also_tcp and not _port_free(port, socket.SOCK_STREAM):
            continue
        _taken.add(port)
        return port
    raise RuntimeError("no free port found")


def free_port_block(count: int, step: int) -> int:
    """A base port such that base, base+step, ... (count ports) are all free for UDP."""
    for _ in range(500):
        base = _ephemeral()
        ports = [base + i * step for i in range(count)]
        if ports[-1] < 65000 and all(p not in _taken and _port_free(p, socket.SOCK_DGRAM) for p in ports):
            _taken.update(ports)
            return base
    raise RuntimeError(f"no block of {count} free ports {step} apart")


def free_media_port() -> int:
    """An even port for SIPp's media: -rtp_echo binds it and port+2 (video)."""
    for _ in range(500):
        port = _ephemeral() & ~1
        if all(p not in _taken and _port_free(p, socket.SOCK_DGRAM) for p in (port, port + 1, port + 2, port + 3)):
            _taken.update((port, port + 1, port + 2, port + 3))
            return port
    raise RuntimeError("no free media port pair for SIPp")


# ---- processes ----------------------------------------------------------------------------------------


class Processes:
    """Every process this benchmark starts, so that all of them are stopped whatever happens."""

    def __init__(self) -> None:
        self.procs: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, argv: list[str], *, log_dir: Path, cwd: Path | None = None,
              stdout_pipe: bool = False) -> subprocess.Popen:
        stderr = open(log_dir / f"{name}.stderr.log", "wb")
        stdout = subprocess.PIPE if stdout_pipe else open(log_dir / f"{name}.stdout.log", "wb")
        # Own session: a Ctrl-C reaches only this script, which then stops everything in order.
        proc = subprocess.Popen(argv, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL,
                                cwd=cwd, start_new_session=True)
        self.procs.append((name, proc))
        return proc

    def stop(self, proc: subprocess.Popen, timeout: float = STOP_TIMEOUT_S) -> int | None:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                proc.wait(5)
        if proc.stdout:
            proc.stdout.close()
        self.procs = [(n, p) for n, p in self.procs if p is not proc]
        return proc.returncode

    def stop_all(self) -> None:
        for _, proc in list(reversed(self.procs)):
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for _, proc in list(self.procs):
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(max(0.1, deadline - time.monotonic()))
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                proc.wait(5)
            if proc.stdout:
                proc.stdout.close()
        self.procs.clear()


def wait_json_line(proc: subprocess.Popen, event: str, timeout: float, what: str) -> dict:
    """Read a child's JSON-lines stdout until the given event (the phones and the bridge say 'ready')."""
    deadline = time.monotonic() + timeout
    buffer = b""
    fd = proc.stdout.fileno()
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if not ready:
            continue
        chunk = os.read(fd, 4096)
        if not chunk:
            proc.wait(5)
            raise RuntimeError(f"{what} exited with status {proc.returncode} before saying {event!r}")
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            with contextlib.suppress(ValueError):
                message = json.loads(line)
                if message.get("event") == event:
                    return message
    raise RuntimeError(f"{what} did not say {event!r} within {timeout:.0f} s")


def drain_to_file(proc: subprocess.Popen, path: Path) -> None:
    """Keep a piped stdout from filling up (the phones print a line per call event): copy it to a file."""
    stream, proc.stdout = proc.stdout, None  # the thread owns the pipe now, and closes it at EOF

    def copy() -> None:
        with stream, open(path, "ab") as log:
            while chunk := os.read(stream.fileno(), 65536):
                log.write(chunk)
                log.flush()

    threading.Thread(target=copy, name=f"drain-{proc.pid}", daemon=True).start()


# ---- /proc ---------------------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """utime + stime of the whole process (all its threads), in seconds."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2:].split()
    # fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def thread_cpu_seconds(pid: int) -> dict[int, float]:
    """utime + stime of each thread of the process, by thread id."""
    found = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError, ValueError):
            found[int(task.name)] = cpu_seconds_of(task / "stat")
    return found


def cpu_seconds_of(stat_path: Path) -> float:
    text = stat_path.read_text()
    fields = text[text.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            text = (entry / "stat").read_text()
            if int(text[text.rindex(")") + 2:].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def memory_kb(pid: int) -> dict[str, int]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmHWM", "VmRSS", "Threads"):
            values[key] = int(rest.split()[0])
    return values


# ---- SIPp ------------------------------------------------------------------------------------------------


@dataclass
class SippResult:
    attempted: int = 0
    completed: int = 0
    failed: int = 0
    exit_code: int | None = None
    failures: dict[str, int] = field(default_factory=dict)  # SIPp's Failed* counters that are not 0
    refusals: dict[str, int] = field(default_factory=dict)  # error responses to the INVITE, by code
    invite_retransmissions: int = 0
    retransmissions: int = 0
    mean_concurrent_calls: float = 0.0
    peak_concurrent_calls: int = 0
    response_time_ms: float = 0.0  # INVITE to 200, SIPp's cumulative mean
    call_length_s: float = 0.0
    unexpected_messages: int = 0
    error_log_lines: list[str] = field(default_factory=list)


def _duration_ms(text: str) -> float:
    """SIPp's 'HH:MM:SS:uuuuuu' (or HH:MM:SS) as milliseconds."""
    parts = text.strip().split(":")
    if len(parts) == 4:
        h, m, s, us = parts
        return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(us) / 1000
    if len(parts) == 3:
        h, m, s = parts
        return ((int(h) * 60 + int(m)) * 60 + float(s)) * 1000
    return 0.0


def read_sipp(run_dir: Path, stat_file: Path, error_file: Path, exit_code: int | None, window_s: float) -> SippResult:
    result = SippResult(exit_code=exit_code)
    if not stat_file.exists():
        return result
    with stat_file.open(newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    header, rows = rows[0], [r for r in rows[1:] if len(r) >= len(rows[0]) - 1]
    if not rows:
        return result
    last = dict(zip(header, rows[-1]))
    number = lambda row, key: int(row.get(key, "0") or 0)  # noqa: E731
    result.attempted = number(last, "TotalCallCreated")
    result.completed = number(last, "SuccessfulCall(C)")
    result.failed = number(last, "FailedCall(C)")
    result.retransmissions = number(last, "Retransmissions(C)")
    result.failures = {k[: -len("(C)")]: int(v) for k, v in last.items() if k.startswith("Failed") and k.endswith("(C)")
                       and k != "FailedCall(C)" and v.strip().isdigit() and int(v)}
    result.response_time_ms = round(_duration_ms(last.get("ResponseTime1(C)", "0")), 1)
    result.call_length_s = round(_duration_ms(last.get("CallLength(C)", "0")) / 1000, 2)
    # Concurrency over the load window only (before SIPp stopped placing calls).
    start = float(rows[0][header.index("StartTime")].split("\t")[-1]) if "StartTime" in header else 0.0
    samples = []
    for row in rows:
        values = dict(zip(header, row))
        t = float(values["CurrentTime"].split("\t")[-1]) - start
        if 10.0 <= t <= window_s:  # after the ramp-up
            samples.append(int(values["CurrentCall"]))
    if samples:
        result.mean_concurrent_calls = round(sum(samples) / len(samples), 2)
        result.peak_concurrent_calls = max(samples)
    counts = sorted(run_dir.glob("sipp_caller_*_counts.csv"))
    if counts:
        with counts[-1].open(newline="") as handle:
            crow = list(csv.reader(handle, delimiter=";"))
        cvalues = dict(zip(crow[0], crow[-1]))
        for key, value in cvalues.items():
            parts = key.split("_")
            if len(parts) == 3 and parts[2] == "Recv" and parts[1].isdigit() and int(parts[1]) >= 300 and value.isdigit() and int(value):
                result.refusals[parts[1]] = result.refusals.get(parts[1], 0) + int(value)
            if len(parts) == 3 and parts[1] == "INVITE" and parts[2] == "Retrans" and value.isdigit():
                result.invite_retransmissions += int(value)
            if len(parts) == 3 and parts[2] == "Unexp" and value.isdigit():
                result.unexpected_messages += int(value)
    if error_file.exists():
        lines = [line for line in error_file.read_text(errors="replace").splitlines() if line.strip()]
        result.error_log_lines = lines[:20]
    return result


def run_sipp(procs: Processes, run_dir: Path, target_port: int, seconds: float, rate: float, limit: int,
             at_window_end: Callable[[], None]) -> SippResult:
    """SIPp places calls for `seconds`, then (after at_window_end) stops placing them and lets the last ones end."""
    sip_port = free_port()
    media_port = free_media_port()
    stat_file = run_dir / "sipp-stat.csv"
    error_file = run_dir / "sipp-errors.log"
    argv = [
        "sipp", f"{HOST}:{target_port}",
        "-sf", str(SCENARIO), "-s", DID,
        "-i", HOST, "-p", str(sip_port), "-t", "u1",
        "-mi", HOST, "-mp", str(media_port), "-rtp_echo",
        "-l", str(limit), "-r", str(rate), "-rp", "1000",
        "-nostdin",
        "-trace_stat", "-stf", str(stat_file), "-fd", "1",
        "-trace_err", "-error_file", str(error_file),
        "-trace_counts",
        "-trace_screen", "-screen_file", str(run_dir / "sipp-screen.txt"),
    ]
    (run_dir / "sipp-command.txt").write_text(" ".join(argv) + "\n")
    proc = procs.start("sipp", argv, log_dir=run_dir, cwd=run_dir)
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    at_window_end()
    if proc.poll() is None:
        proc.send_signal(signal.SIGUSR1)  # SIPp: place no new calls, exit when the current ones end
    try:
        proc.wait(DRAIN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        print(f"  SIPp did not finish its calls within {DRAIN_TIMEOUT_S:.0f} s; stopping it", flush=True)
    code = procs.stop(proc)
    return read_sipp(run_dir, stat_file, error_file, code, seconds)


# ---- the systems ---------------------------------------------------------------------------------------


@dataclass
class SystemResult:
    name: str
    pid: int = 0
    calls: SippResult = field(default_factory=SippResult)
    # The load window: from SIPp's start until it stops placing calls (--seconds), the same for
    # both systems; the ratio is taken on it. The drain (calls in progress ending) is extra.
    cpu_s: float = 0.0
    window_s: float = 0.0
    cpu_percent_of_core: float = 0.0
    cpu_s_with_drain: float = 0.0
    wall_s_with_drain: float = 0.0
    cpu_s_children: float = 0.0
    cpu_s_by_thread: list[dict] = field(default_factory=list)  # the busiest threads over the window
    idle_cpu_percent_of_core: float = 0.0
    peak_rss_mb: float = 0.0
    rss_after_mb: float = 0.0
    threads: int = 0
    died: str | None = None
    health_before: dict | None = None
    health_after: dict | None = None
    notes: list[str] = field(default_factory=list)


def start_phones(procs: Processes, log_dir: Path, branchline: str, prefix: str) -> list[str]:
    base = free_port_block(AGENTS, PHONE_PORT_STEP)
    uris = []
    started = []
    for index in range(AGENTS):
        port = base + index * PHONE_PORT_STEP
        user = f"desk{prefix}{index + 1}"
        proc = procs.start(f"phone-{user}", [branchline, "phone", "--listen", f"{HOST}:{port}", "--user", user,
                                             "--answer", "auto", "--answer-delay", "0.2", "--tone", str(400 + 40 * index)],
                           log_dir=log_dir, stdout_pipe=True)
        started.append((proc, user))
        uris.append(f"sip:{user}@{HOST}:{port}")
    for proc, user in started:
        wait_json_line(proc, "ready", 20, f"phone {user}")
        drain_to_file(proc, log_dir / f"phone-{user}.stdout.log")
    return uris


def write_short_prompt(path: Path, seconds: float = 0.5) -> None:
    """A short 'welcome' (a soft 425 Hz beep) so that callers reach an agent within a second."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rate = 8000
    frames = b"".join(
        struct.pack("<h", int(6000 * math.sin(2 * math.pi * 425 * i / rate) * min(1.0, i / 400, (rate * seconds - i) / 400)))
        for i in range(int(rate * seconds))
    )
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(frames)


def cli(branchline: str, data: Path, *args: str, log: Path) -> str:
    argv = [branchline, "--data", str(data), *args]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    with log.open("a") as handle:
        handle.write(f"$ {' '.join(argv)}\n{done.stdout}{done.stderr}")
    if done.returncode != 0:
        raise RuntimeError(f"'{' '.join(args)}' failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def http_json(url: str, timeout: float = 2.0) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        with contextlib.suppress(ValueError):
            return json.loads(exc.read())
        return None
    except (OSError, ValueError):
        return None


def measure(procs: Processes, result: SystemResult, proc: subprocess.Popen, run_dir: Path, target_port: int, args) -> None:
    """CPU and memory of `proc` around one SIPp run against it."""
    pid = result.pid = proc.pid
    # Idle cost before any call: 3 s with the phones up and agents ready.
    idle_start = cpu_seconds(pid)
    time.sleep(3.0)
    result.idle_cpu_percent_of_core = round((cpu_seconds(pid) - idle_start) / 3.0 * 100, 2)
    kids = {child: cpu_seconds(child) for child in children_of(pid)}
    threads_before = thread_cpu_seconds(pid)
    cpu_before, wall_before = cpu_seconds(pid), time.monotonic()

    def at_window_end() -> None:
        if proc.poll() is not None:
            return
        result.window_s = round(time.monotonic() - wall_before, 2)
        result.cpu_s = round(cpu_seconds(pid) - cpu_before, 2)
        result.cpu_percent_of_core = round(result.cpu_s / result.window_s * 100, 2)
        threads = thread_cpu_seconds(pid)
        busy = sorted(((cpu - threads_before.get(tid, 0.0), tid) for tid, cpu in threads.items()), reverse=True)
        result.cpu_s_by_thread = [{"tid": tid, "main": tid == pid, "cpu_s": round(cpu, 2)} for cpu, tid in busy[:8] if cpu > 0]

    result.calls = run_sipp(procs, run_dir, target_port, args.seconds, args.rate, args.calls, at_window_end)
    if proc.poll() is not None:
        result.died = f"exited with status {proc.returncode} during the run"
        return
    result.wall_s_with_drain = round(time.monotonic() - wall_before, 2)
    result.cpu_s_with_drain = round(cpu_seconds(pid) - cpu_before, 2)
    for child, before in kids.items():
        with contextlib.suppress(OSError):
            result.cpu_s_children += cpu_seconds(child) - before
    result.cpu_s_children = round(result.cpu_s_children, 2)
    memory = memory_kb(pid)
    result.peak_rss_mb = round(memory["VmHWM"] / 1024, 1)
    result.rss_after_mb = round(memory["VmRSS"] / 1024, 1)
    result.threads = memory["Threads"]


def run_appliance(procs: Processes, run_dir: Path, branchline: str, args) -> SystemResult:
    result = SystemResult("appliance")
    log_dir = run_dir / "appliance"
    log_dir.mkdir()
    data = log_dir / "data"
    setup_log = log_dir / "setup.log"
    print("appliance: setting up a data dir (init --demo, 12 seats and agents, queue bench, DID 200)", flush=True)
    phones = start_phones(procs, log_dir, branchline, "b")
    cli(branchline, data, "init", "--demo", log=setup_log)
    cli(branchline, data, "queue", "add", QUEUE, "--skill", "general", "--wrapup", "0", "--ring-timeout", "10",
        "--max-wait", "60", log=setup_log)
    cli(branchline, data, "did", "add", DID, "--queue", QUEUE, log=setup_log)
    # Recording is on for every conversation by default; --record measures what it costs.
    cli(branchline, data, "recordings", "policy", QUEUE, "--inbound", str(args.record), log=setup_log)
    for index, uri in enumerate(phones, 1):
        cli(branchline, data, "seat", "add", f"desk-b{index}", "--phone", uri, log=setup_log)
        cli(branchline, data, "agent", "add", f"b{index}", "--name", f"Bench Agent {index}", "--skill", "general:5",
            log=setup_log)
    write_short_prompt(data / "prompts" / "en" / "welcome.wav")
    sip_port = free_port()
    http_port = free_port(socket.SOCK_STREAM)
    server = procs.start("serve", [branchline, "--data", str(data), "serve", "--bind", HOST,
                                   "--sip-port", str(sip_port), "--http-port", str(http_port)], log_dir=log_dir)
    health_url = f"http://{HOST}:{http_port}/healthz"
    deadline = time.monotonic() + 30
    while True:
        health = http_json(health_url)
        if health and health.get("status") == "ok":
            break
        if server.poll() is not None:
            raise RuntimeError(f"branchline serve exited with status {server.returncode}: see {log_dir}/serve.stderr.log")
        if time.monotonic() > deadline:
            raise RuntimeError(f"branchline serve did not report healthy within 30 s: {health}")
        time.sleep(0.2)
    result.health_before = health
    for index in range(1, AGENTS + 1):
        cli(branchline, data, "agent", "login", f"b{index}", "--seat", f"desk-b{index}", log=setup_log)
        cli(branchline, data, "agent", "ready", f"b{index}", log=setup_log)
    status = json.loads(cli(branchline, data, "agent", "status", "--json", log=setup_log))
    ready = sorted(s["agent_id"] for s in status if s["status"] == "ready")
    if len(ready) != AGENTS:
        raise RuntimeError(f"only {len(ready)} agents are ready: {ready}")
    print(f"appliance: serving SIP on {HOST}:{sip_port}, HTTP {http_port}; {AGENTS} agents ready; "
          f"SIPp for {args.seconds:.0f} s", flush=True)
    measure(procs, result, server, log_dir, sip_port, args)
    result.health_after = http_json(health_url)
    with contextlib.suppress(Exception):
        agents = json.loads(cli(branchline, data, "agent", "status", "--json", log=setup_log))
        answered = {s["agent_id"]: s["calls_answered"] for s in agents if s["agent_id"].startswith("b")}
        not_ready = {s["agent_id"]: f"{s['status']} {s['reason']}".strip() for s in agents
                     if s["agent_id"].startswith("b") and s["status"] != "ready"}
        result.notes.append(f"calls answered per agent: {answered}")
        if not_ready:
            result.notes.append(f"agents not Ready after the run: {not_ready}")
    code = procs.stop(server)
    if result.died is None and code not in (0, None):
        result.notes.append(f"branchline serve exited with status {code} on SIGTERM")
    return result


def run_bare(procs: Processes, run_dir: Path, branchline: str, args) -> SystemResult:
    result = SystemResult("bare")
    log_dir = run_dir / "bare"
    log_dir.mkdir()
    phones = start_phones(procs, log_dir, branchline, "x")
    sip_port = free_port()
    capacity, margin, poll_ms = engine_settings()
    argv = [find_python(), str(BARE_BRIDGE), "--listen", f"{HOST}:{sip_port}", "--capacity", str(capacity),
            "--shed-margin", str(margin), "--poll-ms", str(poll_ms)]
    for uri in phones:
        argv += ["--phone", uri]
    bridge = procs.start("bare_bridge", argv, log_dir=log_dir, stdout_pipe=True)
    wait_json_line(bridge, "ready", 20, "bare_bridge.py")
    print(f"bare:      bridge on {HOST}:{sip_port} with {AGENTS} phones; SIPp for {args.seconds:.0f} s", flush=True)
    measure(procs, result, bridge, log_dir, sip_port, args)
    if bridge.poll() is None:
        bridge.send_signal(signal.SIGTERM)
    with contextlib.suppress(Exception):
        stopped = wait_json_line(bridge, "stopped", 10, "bare_bridge.py")
        stopped.pop("event", None)
        result.notes.append(f"bridge counters: {stopped}")
    with contextlib.suppress(subprocess.TimeoutExpired):
        bridge.wait(STOP_TIMEOUT_S)  # it is exiting; a second SIGTERM would cut its clean shutdown short
    code = procs.stop(bridge)
    if result.died is None and code not in (0, None):
        result.notes.append(f"bare_bridge.py exited with status {code} on SIGTERM")
    return result


def engine_settings() -> tuple[int, int, int]:
    """The appliance engine's leg capacity, shed margin and poll interval, for the bare bridge."""
    code = ("import appliance.telephony.engine as e; "
            "print(e.DEFAULT_CAPACITY, e.SHED_MARGIN, e.POLL_MS)")
    done = subprocess.run([find_python(), "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO)
    try:
        capacity, margin, poll_ms = (int(v) for v in done.stdout.split()[-3:])
    except ValueError:
        raise RuntimeError(f"cannot read the engine's settings: {done.stderr.strip()[-300:]}") from None
    return capacity, margin, poll_ms


def git_state() -> dict:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], capture_output=True, text=True, cwd=REPO, timeout=30)
        return done.stdout.strip()

    return {"commit": git("rev-parse", "HEAD"),
            "uncommitted_in_appliance": [line[3:] for line in git("status", "--porcelain", "appliance").splitlines()]}


# ---- report ----------------------------------------------------------------------------------------------


def ratio(a: float, b: float) -> float | None:
    return round(a / b, 2) if b else None


def report(results: list[SystemResult], args) -> tuple[dict, list[str]]:
    rows = [
        ("calls attempted", lambda r: r.calls.attempted),
        ("calls completed", lambda r: r.calls.completed),
        ("calls failed", lambda r: r.calls.failed),
        ("mean concurrent calls", lambda r: r.calls.mean_concurrent_calls),
        ("INVITE retransmissions", lambda r: r.calls.invite_retransmissions),
        ("INVITE->200 mean (ms)", lambda r: r.calls.response_time_ms),
        ("CPU s, load window", lambda r: r.cpu_s),
        ("  load window s", lambda r: r.window_s),
        ("  CPU % of one core", lambda r: r.cpu_percent_of_core),
        ("CPU s, incl. drain", lambda r: r.cpu_s_with_drain),
        ("  wall s incl. drain", lambda r: r.wall_s_with_drain),
        ("idle CPU % of one core", lambda r: r.idle_cpu_percent_of_core),
        ("peak RSS MB (VmHWM)", lambda r: r.peak_rss_mb),
    ]
    names = [r.name for r in results]
    width = 28
    print()
    print(f"{'':{width}}" + "".join(f"{n:>14}" for n in names))
    for label, get in rows:
        print(f"{label:{width}}" + "".join(f"{get(r)!s:>14}" for r in results))
    problems: list[str] = []
    summary: dict = {"systems": {r.name: asdict(r) for r in results}}
    for r in results:
        if r.died:
            problems.append(f"{r.name}: the process {r.died}")
        if r.calls.failed:
            detail = ", ".join(f"{k} {v}" for k, v in r.calls.failures.items())
            codes = ", ".join(f"{code}: {n}" for code, n in sorted(r.calls.refusals.items()))
            problems.append(f"{r.name}: {r.calls.failed} of {r.calls.attempted} calls failed ({detail}"
                            f"{'; responses ' + codes if codes else ''})")
        if r.calls.attempted == 0:
            problems.append(f"{r.name}: SIPp placed no calls (exit status {r.calls.exit_code})")
        for note in r.notes:
            print(f"  {r.name}: {note}")
        if r.cpu_s_by_thread:
            busiest = ", ".join(f"{'main' if t['main'] else t['tid']}: {t['cpu_s']}" for t in r.cpu_s_by_thread[:5])
            print(f"  {r.name}: CPU s by thread: {busiest}")
    by_name = {r.name: r for r in results}
    if "appliance" in by_name and "bare" in by_name:
        app, bare = by_name["appliance"], by_name["bare"]
        cpu_ratio = ratio(app.cpu_s, bare.cpu_s)
        rss_ratio = ratio(app.peak_rss_mb, bare.peak_rss_mb)
        summary["ratios"] = {"cpu": cpu_ratio, "peak_rss": rss_ratio}
        print(f"{'ratio appliance/bare CPU':{width}}{cpu_ratio!s:>14}")
        print(f"{'ratio appliance/bare RSS':{width}}{rss_ratio!s:>14}")
        if cpu_ratio is not None and cpu_ratio > CPU_LIMIT_RATIO:
            problems.append(f"appliance used {cpu_ratio}x the bare bridge's CPU ({app.cpu_s} s vs {bare.cpu_s} s); "
                            f"the limit is {CPU_LIMIT_RATIO}x")
    print()
    return summary, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Capacity benchmark: branchline serve against a bare pjsua2 bridge.")
    parser.add_argument("--seconds", type=float, default=120.0, help="how long SIPp places calls against each system (default 120)")
    parser.add_argument("--rate", type=float, default=4.0, help="SIPp's call rate cap in calls/s (default 4); -l keeps 12 up")
    parser.add_argument("--calls", type=int, default=AGENTS, help="concurrent callers, SIPp -l (default 12)")
    parser.add_argument("--only", choices=("appliance", "bare"), help="run one system only")
    parser.add_argument("--record", type=int, default=100,
                        help="percent of the appliance's conversations recorded (default 100, as shipped)")

    args = parser.parse_args(argv)
    if not shutil.which("sipp"):
        sys.exit("capacity: SIPp is not installed (Debian: apt-get install sip-tester).")
    branchline = find_branchline()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    RESULTS.mkdir(exist_ok=True)
    run_dir = RESULTS / f"capacity-{stamp}"
    run_dir.mkdir()
    print(f"capacity: {args.calls} concurrent callers, {args.seconds:.0f} s per system; logs in {run_dir}", flush=True)

    procs = Processes()
    git_at_start = git_state()

    def on_term(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)  # also when started with SIGINT ignored (nohup, a background job)
    results: list[SystemResult] = []
    problems: list[str] = []
    try:
        if args.only in (None, "appliance"):
            results.append(run_appliance(procs, run_dir, branchline, args))
            procs.stop_all()
            time.sleep(1.0)
        if args.only in (None, "bare"):
            results.append(run_bare(procs, run_dir, branchline, args))
            procs.stop_all()
    except KeyboardInterrupt:
        print("capacity: interrupted; stopping everything", flush=True)
        procs.stop_all()
        return 130
    except Exception as exc:  # noqa: BLE001 - report, clean up, fail
        print(f"capacity: {exc}", flush=True)
        problems.append(str(exc))
    finally:
        procs.stop_all()

    summary, found = report(results, args)
    problems += found
    if git_at_start != git_state():
        print("capacity: note: the appliance's code changed during the run (see git_at_start/git_at_end in the JSON)")
    summary.update({
        "timestamp": stamp,
        "seconds": args.seconds,
        "concurrent_calls": args.calls,
        "recorded_percent": args.record,
        "rate_cps": args.rate,
        "git_at_start": git_at_start,
        "git_at_end": git_state(),
        "machine": {"cpus": os.cpu_count(), "loadavg_at_end": os.getloadavg()},
        "logs": str(run_dir),
        "problems": problems,
        "passed": not problems,
    })
    out = RESULTS / f"capacity-{stamp}.json"
    out.write_text(json.dumps(summary, indent=2) + "\n")
    print(f"capacity: figures written to {out}")
    if problems:
        print("capacity: FAILED")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print("capacity: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
