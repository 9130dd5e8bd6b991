"""The single-file binary against the venv: size on disk, and start-up time to `/healthz` answering.

Two ways of running the same appliance, measured in the same run on the same machine:
  * binary: dist/branchline, the PyInstaller one-file executable `make package` builds. Each start
    unpacks the bundle into $TMPDIR (a folder of this script's, emptied between runs by the
    binary itself) before Python starts;
  * venv:   .venv/bin/python -m appliance.cli.main, the source checkout (the baseline).

Per run: `branchline --data DIR serve --bind 127.0.0.1` on free ports, timed from the process's
start (time.perf_counter before Popen) to the first /healthz that answers 200 with status ok
(polled every 10 ms); then SIGTERM and the time to exit. Also `branchline --version` (the cost of
any CLI command). The two ways alternate run by run, so drift on the machine hits both alike.
Each way serves its own data directory, made once with `init` before the timed runs.

Sizes: the binary and the .deb; the bundle's unpacked contents (from PyInstaller's archive
table); and for the venv, the files of the distributions `branchline` needs at run time (its
requirement closure, from the installed RECORD files) plus the Python standard library it runs on.

Usage (from the repository root; `make bench` builds the binary first):
    .venv/bin/python bench/package_startup.py               # 7 runs each
    .venv/bin/python bench/package_startup.py --runs 3
Prints a table, writes bench/results/package-startup-<timestamp>.json, and exits non-zero when a
start failed. No target is asserted: the figures are for the closing note and for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
import urllib.request
from importlib import metadata
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `appliance`, `bench` and `tests` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from appliance import __version__
from bench.capacity import git_state

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
HEALTH_TIMEOUT_S = 60
_http = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port(kind: int) -> int:
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def healthy(port: int) -> bool:
    try:
        with _http.open(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
            return response.status == 200 and json.loads(response.read()).get("status") == "ok"
    except (OSError, ValueError):
        return False


def start_to_health(command: list[str], data: Path, env: dict[str, str], log: Path) -> tuple[float, float]:
    """(seconds from start to a healthy /healthz, seconds from SIGTERM to exit)."""
    sip, http = free_port(socket.SOCK_DGRAM), free_port(socket.SOCK_STREAM)
    argv = [*command, "--data", str(data), "serve", "--bind", "127.0.0.1", "--sip-port", str(sip), "--http-port", str(http)]
    with log.open("a") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            while not healthy(http):
                if proc.poll() is not None:
                    raise RuntimeError(f"{' '.join(argv)} exited with {proc.returncode}; see {log}")
                if time.perf_counter() - started > HEALTH_TIMEOUT_S:
                    raise RuntimeError(f"{' '.join(argv)}: no healthy /healthz within {HEALTH_TIMEOUT_S} s; see {log}")
                time.sleep(0.01)
            up = time.perf_counter() - started
            stopping = time.perf_counter()
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(30)
            down = time.perf_counter() - stopping
            if code != 0:
                raise RuntimeError(f"{' '.join(argv)} exited {code} after SIGTERM; see {log}")
            return up, down
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def cli_time(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([*command, "--version"], check=True, capture_output=True, env=env)
    return time.perf_counter() - started


# ---- sizes -------------------------------------------------------------------------------------


def bundle_contents_bytes(binary: Path) -> int | None:
    """The unpacked size of the one-file bundle, from PyInstaller's archive table."""
    viewer = Path(sys.executable).with_name("pyi-archive_viewer")
    if not viewer.exists():
        return None
    listing = subprocess.run([str(viewer), "-l", str(binary)], capture_output=True, text=True).stdout
    total = 0
    for line in listing.splitlines():
        match = re.match(r"\s*\d+, \d+, (\d+), \d, '\w', '", line)
        if match:
            total += int(match[1])
    return total or None


def runtime_closure_bytes() -> tuple[int, list[str]]:
    """Bytes of the installed files of `branchline`'s run-time requirement closure (no extras)."""
    seen: set[str] = set()
    todo = ["branchline"]
    total = 0
    while todo:
        name = re.split(r"[ ;<>=!~\[(]", todo.pop(), maxsplit=1)[0].lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        if name != "branchline":
            for file in dist.files or ():
                path = Path(file.locate())
                if path.is_file() and "__pycache__" not in path.parts:
                    total += path.stat().st_size
        todo += [r for r in (dist.requires or []) if "extra ==" not in r]
    return total, sorted(seen - {"branchline"})


def tree_bytes(root: Path, skip: tuple[str, ...] = ()) -> int:
    total = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in skip and d != "__pycache__"]
        total += sum((Path(dirpath) / f).stat().st_size for f in filenames if not (Path(dirpath) / f).is_symlink())
    return total


def mb(value: float | None) -> str:
    return "-" if value is None else f"{value / 1e6:.1f} MB"


# ---- main --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="start-ups per way (default 7)")
    parser.add_argument("--binary", type=Path, default=REPO / "dist" / "branchline", help="the one-file executable")
    args = parser.parse_args(argv)
    if not args.binary.is_file():
        print(f"No {args.binary}: run 'make package' first.", file=sys.stderr)
        return 1
    deb = REPO / "dist" / f"branchline_{__version__}_amd64.deb"

    stamp = time.strftime("%Y%m%d-%H%M%S")
    work = Path(tempfile.mkdtemp(prefix="package-startup-"))
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "BRANCHLINE_"))}
    ways = {
        "binary": [str(args.binary)],
        "venv": [str(REPO / ".venv" / "bin" / "python"), "-m", "appliance.cli.main"],
    }
    envs = {
        "binary": {**base_env, "TMPDIR": str(work / "tmp")},
        "venv": {**base_env, "PYTHONPATH": str(REPO)},
    }
    (work / "tmp").mkdir()
    up: dict[str, list[float]] = {w: [] for w in ways}
    down: dict[str, list[float]] = {w: [] for w in ways}
    cli: dict[str, list[float]] = {w: [] for w in ways}
    failed = 0
    try:
        for way, command in ways.items():
            subprocess.run([*command, "--data", str(work / way), "init"], check=True, capture_output=True, env=envs[way])
            cli_time(command, envs[way])  # warm the page cache: every timed run starts warm
        for run in range(args.runs):
            order = list(ways) if run % 2 == 0 else list(reversed(ways))
            for way in order:
                try:
                    started, stopped = start_to_health(ways[way], work / way, envs[way], work / f"{way}.log")
                    up[way].append(started)
                    down[way].append(stopped)
                    cli[way].append(cli_time(ways[way], envs[way]))
                except RuntimeError as exc:
                    print(f"{way} run {run + 1}: {exc}", file=sys.stderr)
                    failed += 1
        leftovers = list((work / "tmp").iterdir())
    finally:
        if not failed:
            shutil.rmtree(work, ignore_errors=True)

    closure, closure_names = runtime_closure_bytes()
    stdlib = tree_bytes(Path(sysconfig.get_paths()["stdlib"]), skip=("site-packages", "test", "idlelib", "tkinter"))
    sizes = {
        "binary_bytes": args.binary.stat().st_size,
        "deb_bytes": deb.stat().st_size if deb.is_file() else None,
        "bundle_unpacked_bytes": bundle_contents_bytes(args.binary),
        "venv_runtime_packages_bytes": closure,
        "venv_runtime_packages": closure_names,
        "python_stdlib_bytes": stdlib,
    }

    def med(values: list[float]) -> float | None:
        return statistics.median(values) if values else None

    print(f"Branchline {__version__}: the one-file binary against the venv, {args.runs} runs each\n")
    print(f"  binary {args.binary.relative_to(REPO) if args.binary.is_relative_to(REPO) else args.binary}: "
          f"{mb(sizes['binary_bytes'])} (unpacks to {mb(sizes['bundle_unpacked_bytes'])} at each start)")
    print(f"  .deb {deb.name}: {mb(sizes['deb_bytes'])}")
    print(f"  venv: run-time packages {mb(closure)} ({len(closure_names)} distributions) + Python stdlib "
          f"{mb(stdlib)} + the interpreter; the checkout's .venv holds test tools too\n")
    header = f"  {'':28}{'binary':>10}{'venv':>10}{'ratio':>8}"
    print(header)
    rows = [("serve to /healthz, median", up), ("  min", up), ("  max", up),
            ("SIGTERM to exit, median", down), ("--version, median", cli)]
    for label, series in rows:
        pick = min if label.strip() == "min" else max if label.strip() == "max" else med
        b = pick(series["binary"]) if series["binary"] else None
        v = pick(series["venv"]) if series["venv"] else None
        ratio = f"{b / v:.2f}x" if b and v else "-"
        print(f"  {label:28}{(f'{b:.2f} s' if b is not None else '-'):>10}{(f'{v:.2f} s' if v is not None else '-'):>10}{ratio:>8}")
    if leftovers:
        print(f"\n  the binary left {len(leftovers)} unpacked folder(s) in its TMPDIR: {leftovers[:3]}")

    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"package-startup-{stamp}.json"
    out.write_text(json.dumps({
        "version": __version__, "runs": args.runs, "git": git_state(), "sizes": sizes,
        "serve_to_healthz_s": up, "sigterm_to_exit_s": down, "version_command_s": cli,
        "median": {way: {"serve_to_healthz_s": med(up[way]), "sigterm_to_exit_s": med(down[way]),
                         "version_command_s": med(cli[way])} for way in ways},
        "leftover_tmp": [str(p) for p in leftovers],
    }, indent=2))
    print(f"\nWrote {out.relative_to(REPO)}")
    return 1 if failed or leftovers else 0


if __name__ == "__main__":
    sys.exit(main())
