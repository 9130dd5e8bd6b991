"""Run the SIPp scenarios in tests/sipp/ as real SIP callers, and read back what happened.

Each run gets its own log directory (SIPp's working directory) with its statistics CSV,
full and short message traces and error log, so that a failed test can point at them. The
result says how many calls succeeded and failed, why they failed, which SIP status codes
came back, and the scenario's counters (burst.xml counts answered and busy calls).

Everything stays on one loopback address: signalling (-i), media (-mi) and SIPp's control
socket (-ci). SIPp's own -timeout bounds every run; a run that outlives it anyway is killed.
"""

from __future__ import annotations

import math
import signal
import subprocess
import tempfile
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = (
    "EXIT_ALL_CALLS_SUCCEEDED",
    "EXIT_FATAL_ERROR",
    "EXIT_SOME_CALL_FAILED",
    "SCENARIO_DIR",
    "SippProcess",
    "SippResult",
    "run_sipp",
    "scenario_variables",
    "start_sipp",
)

SIPP = "sipp"
SCENARIO_DIR = Path(__file__).resolve().parent.parent / "sipp"

# SIPp's exit codes (`sipp -h`). It exits with -1 and -2, which a process status shows as 255, 254.
EXIT_ALL_CALLS_SUCCEEDED = 0
EXIT_SOME_CALL_FAILED = 1
EXIT_INTERNAL_COMMAND = 97
EXIT_NO_CALL_PROCESSED = 99
EXIT_FATAL_ERROR = 255  # also: -timeout reached (we always pass -timeout_error)
EXIT_CANNOT_BIND = 254
_EXIT_MEANINGS = {
    EXIT_ALL_CALLS_SUCCEEDED: "every call succeeded",
    EXIT_SOME_CALL_FAILED: "at least one call failed",
    EXIT_INTERNAL_COMMAND: "stopped by a scenario command",
    EXIT_NO_CALL_PROCESSED: "no call was processed",
    EXIT_FATAL_ERROR: "fatal error, or its -timeout ran out",
    EXIT_CANNOT_BIND: "could not bind a socket",
}

DEFAULT_TIMEOUT_S = 60
KILL_GRACE_S = 5  # how long past its own -timeout SIPp may take to write its files and exit
STOP_GRACE_S = 10  # how long calls in progress get to finish after stop()
OUTPUT_TAIL_LINES = 30

STATS_FILE = "stats.csv"
MESSAGES_FILE = "messages.log"
SHORT_MESSAGES_FILE = "shortmessages.log"
ERRORS_FILE = "errors.log"
OUTPUT_FILE = "sipp.out"
CUMULATIVE = "(C)"  # suffix of the statistics columns that count from the start of the run


@dataclass(frozen=True)
class SippResult:
    """What one SIPp run did, read from its exit code, statistics and message trace."""

    exit_code: int
    successful_calls: int
    failed_calls: int
    status_codes: tuple[int, ...]  # every SIP response received, in arrival order
    stats: Mapping[str, str] = field(repr=False)  # last row of the statistics CSV, by column
    log_dir: Path
    command: tuple[str, ...] = field(repr=False)

    @property
    def succeeded(self) -> bool:
        """Every call ran its scenario to the end."""
        return self.exit_code == EXIT_ALL_CALLS_SUCCEEDED

    @property
    def failure_reasons(self) -> dict[str, int]:
        """SIPp's reasons for failed calls and how many of each, e.g. {"FailedTimeoutOnRecv": 1}."""
        reasons = {}
        for column, value in self.stats.items():
            if column.startswith("Failed") and column.endswith(CUMULATIVE) and column != "FailedCall(C)":
                if int(value or 0):
                    reasons[column.removesuffix(CUMULATIVE)] = int(value)
        return reasons

    @property
    def messages_log(self) -> Path:
        """Every SIP message sent and received, in full (SIPp's -trace_msg)."""
        return self.log_dir / MESSAGES_FILE

    def counter(self, name: str) -> int:
        """A scenario counter (the `counter` attribute in the XML), 0 if it never counted."""
        return int(self.stats.get(name + CUMULATIVE) or 0)

    def summary(self) -> str:
        """A few lines for an assertion message: what ran, what came back, where the logs are."""
        output = _tail(self.log_dir / OUTPUT_FILE)
        errors = _tail(self.log_dir / ERRORS_FILE)
        meaning = _EXIT_MEANINGS.get(self.exit_code, f"killed by signal {-self.exit_code}")
        reasons = f" {self.failure_reasons}" if self.failure_reasons else ""
        return (
            f"sipp exited {self.exit_code} ({meaning}): {self.successful_calls} calls succeeded, "
            f"{self.failed_calls} failed{reasons}\n"
            f"status codes received: {list(self.status_codes)}\n"
            f"command: {' '.join(self.command)}\n"
            f"logs: {self.log_dir}\n"
            f"errors:\n{errors}\noutput:\n{output}"
        )


class SippProcess:
    """A SIPp run in the background (e.g. while an RtpEndpoint does the media); see start_sipp."""

    def __init__(self, command: list[str], log_dir: Path, timeout_s: float) -> None:
        self.command = tuple(command)
        self.log_dir = log_dir
        self._timeout_s = timeout_s
        with (log_dir / OUTPUT_FILE).open("wb") as output:
            # NOTE: SIPp redraws its screen every second; a file, not a pipe, so it never blocks.
            self._process = subprocess.Popen(
                command, cwd=log_dir, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT
            )

    @property
    def pid(self) -> int:
        return self._process.pid

    def poll(self) -> int | None:
        """SIPp's exit code, or None while it runs."""
        return self._process.poll()

    def wait(self, timeout_s: float | None = None) -> SippResult:
        """Wait for SIPp to finish (by default: its own -timeout and a grace), then read its result.

        A SIPp still running after that is killed; its result then has a negative exit code.
        """
        try:
            self._process.wait(self._timeout_s + KILL_GRACE_S if timeout_s is None else timeout_s)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        return _read_result(self._process.returncode, self.log_dir, self.command)

    def stop(self) -> SippResult:
        """Place no new calls, let the calls in progress finish (SIGUSR1), and read the result."""
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGUSR1)
        return self.wait(STOP_GRACE_S)

    def kill(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()

    def __enter__(self) -> SippProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.kill()


def start_sipp(
    scenario: str | Path,
    target_host: str | None,
    target_port: int | None,
    service: str | None = None,
    local_ip: str = "127.0.0.1",
    variables: Mapping[str, object] | None = None,
    calls: int = 1,
    rate: float | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    extra_args: Iterable[str] = (),
    local_port: int | None = None,
    log_dir: str | Path | None = None,
) -> SippProcess:
    """Start SIPp on `scenario` and return at once; `.wait()` gives the SippResult.

    scenario: a file name in tests/sipp/ or a path. target_host/target_port: where calls go
    (None for a scenario that waits for calls, e.g. uas_answer.xml; then set local_port).
    variables: the scenario's `-set` variables, exactly those of its <Global> element.
    calls/rate: stop after `calls` calls, started at `rate` per second (SIPp's default: 10).
    timeout_s: SIPp gives up after this many seconds (whole seconds) with EXIT_FATAL_ERROR.
    local_port: SIPp's SIP port; by default SIPp takes the first free one from 5060 up.
    log_dir: where SIPp's files go (pass the test's tmp_path); by default a new temporary
    directory, left behind for inspection.
    """
    path = _scenario_path(scenario)
    values = {name: str(value) for name, value in (variables or {}).items()}
    _check_variables(path, values)
    directory = Path(log_dir) if log_dir is not None else Path(tempfile.mkdtemp(prefix="sipp-"))
    directory.mkdir(parents=True, exist_ok=True)

    command = [SIPP]
    if target_host is not None:
        command.append(target_host if target_port is None else f"{target_host}:{target_port}")
    command += ["-sf", str(path), "-i", local_ip, "-mi", local_ip, "-ci", local_ip, "-m", str(calls)]
    if rate is not None:
        command += ["-r", str(rate)]
    if service is not None:
        command += ["-s", service]
    if local_port is not None:
        command += ["-p", str(local_port)]
    for name, value in values.items():
        command += ["-set", name, value]
    command += [
        "-nostdin",
        # Answer INFO, NOTIFY, OPTIONS and UPDATE with 200 like a phone, instead of failing the call.
        "-aa",
        # NOTE: without -timeout_error, SIPp 3.6.1 lets calls in progress outlive -timeout.
        "-timeout", f"{math.ceil(timeout_s)}s", "-timeout_error",
        "-trace_stat", "-stf", STATS_FILE,
        "-trace_msg", "-message_file", MESSAGES_FILE,
        "-trace_shortmsg", "-shortmessage_file", SHORT_MESSAGES_FILE,
        "-trace_err", "-error_file", ERRORS_FILE,
        "-trace_counts",  # per scenario step: <scenario>_<pid>_counts.csv
        *extra_args,
    ]  # fmt: skip
    return SippProcess(command, directory, timeout_s)


def run_sipp(scenario: str | Path, target_host: str | None, target_port: int | None, **options: Any) -> SippResult:
    """Run SIPp on `scenario` to the end and return its result (options as for start_sipp).

    Example: a caller who dials DID 100 and hangs up after 3 s, with its media on `rtp`:

        result = run_sipp("call_caller_hangs_up.xml", "127.0.0.1", server.sip_port, service="100",
                          variables={"rtp_port": rtp.port, "talk_ms": 3000}, timeout_s=20)
        assert result.succeeded, result.summary()
    """
    return start_sipp(scenario, target_host, target_port, **options).wait()


def scenario_variables(scenario: str | Path) -> frozenset[str]:
    """The `-set` variables a scenario takes: the names in its <Global variables="..."> element."""
    root = ElementTree.parse(_scenario_path(scenario)).getroot()
    names = set()
    for element in root.iter("Global"):
        names.update(name.strip() for name in element.get("variables", "").split(",") if name.strip())
    return frozenset(names)


def _scenario_path(scenario: str | Path) -> Path:
    path = Path(scenario)
    if not path.is_absolute() and path.parent == Path("."):
        path = SCENARIO_DIR / path
    if not path.is_file():
        raise FileNotFoundError(f"No SIPp scenario at {path}; scenarios live in {SCENARIO_DIR}.")
    return path


def _check_variables(path: Path, values: Mapping[str, str]) -> None:
    """Refuse a run SIPp would get wrong silently (an unset variable becomes empty text) or
    reject with the exit code of a failed call (an unknown one)."""
    expected = scenario_variables(path)
    missing = sorted(expected - values.keys())
    unknown = sorted(values.keys() - expected)
    if missing or unknown:
        raise ValueError(
            f"{path.name} takes the variables {sorted(expected)}; "
            f"missing {missing}, unknown {unknown}. Pass exactly those in `variables`."
        )


def _read_result(exit_code: int, log_dir: Path, command: tuple[str, ...]) -> SippResult:
    stats = _last_stats_row(log_dir / STATS_FILE)
    return SippResult(
        exit_code=exit_code,
        successful_calls=int(stats.get("SuccessfulCall(C)") or 0),
        failed_calls=int(stats.get("FailedCall(C)") or 0),
        status_codes=_received_status_codes(log_dir / SHORT_MESSAGES_FILE),
        stats=stats,
        log_dir=log_dir,
        command=command,
    )


def _last_stats_row(path: Path) -> dict[str, str]:
    """The statistics CSV's last row (SIPp writes one at exit) keyed by its header."""
    if not path.exists():
        return {}
    lines = [line for line in path.read_text(errors="replace").splitlines() if line.strip()]
    if len(lines) < 2:
        return {}
    return dict(zip(lines[0].split(";"), lines[-1].split(";")))


def _received_status_codes(path: Path) -> tuple[int, ...]:
    """Status codes of the responses in SIPp's short message trace, in arrival order.

    Each line is: date, time, epoch, S(ent) or R(eceived), Call-ID, CSeq, first line,
    separated by tabs.
    """
    if not path.exists():
        return ()
    codes = []
    for line in path.read_text(errors="replace").splitlines():
        fields = line.split("\t")
        if len(fields) >= 7 and fields[3] == "R" and fields[-1].startswith("SIP/2.0 "):
            codes.append(int(fields[-1].split()[1]))
    return tuple(codes)


def _tail(path: Path, lines: int = OUTPUT_TAIL_LINES) -> str:
    if not path.exists():
        return "(none)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
