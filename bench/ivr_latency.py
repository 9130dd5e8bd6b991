"""IVR latency benchmark: from the caller's key press to the first packet of the next prompt, real SIP
and RTP, the appliance against a bare pjsua2 script in the same run.

Each system in turn, one call at a time (a warm-up call, then --calls calls of --presses presses):
  * appliance: a fresh data dir (`branchline init`, trunk `local` for 127.0.0.1, queue `bench`, two
    tone prompts in DATA/prompts/en/, the flow FLOW below on DID 200: menu (a MENU_HZ tone) -> key 1
    -> play node `next` (a NEXT_HZ tone) -> back to the menu), `branchline serve` in its own process;
  * bare: this file run as `bare-server`: pjsua2 with the appliance's endpoint settings and poll
    interval; it answers, plays the menu tone, and in onDtmfDigit switches the call straight to
    the next tone (a new player, as the appliance's engine does), back to the menu when it ends.
The caller (bench/_dtmf_probe.py) makes the SIP call itself and owns its RTP stream: silence as
PCMU, the key as RFC 2833 in the same stream (end packet sent 3 times). For each press it takes
  * end -> tone: from sending the key's first end packet (the caller lets go of the key) to the
    arrival of the first 20 ms frame in which a Goertzel check finds NEXT_HZ;
  * start -> tone: the same from the key's first packet. pjmedia reports an RFC 2833 digit on the
    event's FIRST packet, so this is the system's own reaction time; end -> tone is it minus
    the key's length (--key-ms), negative when the prompt starts while the key is still down.
For the appliance it also reads each call's stored IVR path: the time of each `choice` step (when
the core handled the digit, ms resolution) splits start -> tone into key -> core and core -> tone.
The figures depend on what else the machine runs: the JSON keeps the load average.

Usage (from the repository root, in the venv):
    .venv/bin/python bench/ivr_latency.py                     # 4 calls x 10 presses per system
    .venv/bin/python bench/ivr_latency.py --calls 2 --presses 5 --only bare
Prints a table, writes bench/results/ivr-latency-<timestamp>.json (logs and the data dir go to
bench/results/ivr-latency-<timestamp>/), and exits non-zero when a press went unanswered or a
call or a system process failed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import signal
import socket
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `appliance`, `bench` and `tests` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._dtmf_probe import Probe, ProbeError
from bench.capacity import Processes, cli, find_branchline, find_python, free_port, http_json, wait_json_line
from bench.stats import percentile
from tests.support.audio import tone_samples, write_wav

RESULTS = Path(__file__).resolve().parent / "results"
HOST = "127.0.0.1"
DID = "200"
QUEUE = "bench"
MENU_HZ, NEXT_HZ = 700, 1000  # far apart for a 20 ms Goertzel frame (~50 Hz wide)
MENU_SECONDS = 4.0  # long enough that every press lands while it plays (the key cuts it short)
NEXT_SECONDS = 0.5  # short: each press costs this much wall time
KEY_MS = 100  # key down to end packet; phones send 40-150 ms (SIPp's capture: 140 ms)
SERVE_TIMEOUT_S = 30.0
# Each system first takes a call whose presses are not counted: the first key a fresh pjsua2 process
# answers can take ~250 ms (seen on the bare script), which is start-up, not latency.
WARMUP_PRESSES = 2
BETWEEN_CALLS_S = 0.7  # a finished call's media sockets stay reserved ~0.5 s in pjsua (PJSUA2.md)
SHARES = (("p50", 0.50), ("p90", 0.90), ("p99", 0.99), ("max", 1.0))

FLOW = f"""\
name = "latency"
start = "menu"
languages = ["en"]

[nodes.menu]
kind = "menu"
prompt = "lat-menu"
choices = {{ "1" = "next" }}
timeout = 10
retries = 1
on_invalid = "agents"
on_timeout = "bye"

[nodes.next]
kind = "play"
prompt = "lat-next"
next = "menu"

[nodes.agents]
kind = "queue"
queue = "{QUEUE}"

[nodes.bye]
kind = "hangup"
"""


# ---- the bare baseline: `python bench/ivr_latency.py bare-server ...` ----------------------------


def bare_server(argv: list[str]) -> int:
    """pjsua2 alone: answer, play the menu tone, on a digit play the next tone, then the menu again."""
    import gc

    import pjsua2 as pj

    from appliance.telephony.engine import DEFAULT_CAPACITY, POLL_MS
    from appliance.telephony.pjsip import create_endpoint, wav_seconds

    parser = argparse.ArgumentParser(prog="ivr_latency.py bare-server")
    parser.add_argument("--listen", required=True, metavar="HOST:PORT")
    parser.add_argument("--menu", required=True)
    parser.add_argument("--next", required=True)
    args = parser.parse_args(argv)
    host, _, port = args.listen.rpartition(":")
    next_seconds = wav_seconds(args.next)
    calls: list[pj.Call] = []  # NOTE: a Call is never dropped in its own callback; reaped in the loop

    class BareCall(pj.Call):
        player: pj.AudioMediaPlayer | None = None
        next_ends_at = 0.0
        ended = False

        def play(self, path: str) -> None:
            # As the engine's MediaRouter: disconnect the old player, open a new one, connect it.
            audio = self.getAudioMedia(-1)  # NOTE: fetched fresh each time; never kept past hang-up
            if self.player is not None:
                self.player.stopTransmit(audio)
            self.player = pj.AudioMediaPlayer()
            self.player.createPlayer(path, pj.PJMEDIA_FILE_NO_LOOP)
            self.player.startTransmit(audio)

        def onCallMediaState(self, prm: pj.OnCallMediaStateParam) -> None:
            info = self.getInfo()  # NOTE: kept in a variable: info.media dangles once the CallInfo is gone
            if any(m.status == pj.PJSUA_CALL_MEDIA_ACTIVE for m in info.media):
                self.play(args.menu)

        def onDtmfDigit(self, prm: pj.OnDtmfDigitParam) -> None:
            self.play(args.next)
            self.next_ends_at = time.monotonic() + next_seconds

        def onCallState(self, prm: pj.OnCallStateParam) -> None:
            if self.getInfo().state == pj.PJSIP_INV_STATE_DISCONNECTED:
                self.ended = True

    class BareAccount(pj.Account):
        def onIncomingCall(self, prm: pj.OnIncomingCallParam) -> None:
            call = BareCall(self, prm.callId)
            calls.append(call)
            answer = pj.CallOpParam()
            answer.statusCode = 200
            call.answer(answer)

    ep = create_endpoint(max_calls=DEFAULT_CAPACITY)  # as the engine: same settings, same limits
    transport = pj.TransportConfig()
    transport.port, transport.boundAddress = int(port), host
    ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, transport)
    ep.libStart()
    account = BareAccount()
    config = pj.AccountConfig()
    config.idUri = f"sip:bare@{host}:{port}"
    config.mediaConfig.transportConfig.boundAddress = host
    account.create(config, True)
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    def timers(now: float) -> None:
        # NOTE: a function, so that no loop variable keeps a Call alive past libDestroy (SIGABRT).
        for call in calls:
            if call.ended:
                call.player = None
            elif call.next_ends_at and now >= call.next_ends_at:
                call.next_ends_at = 0.0
                call.play(args.menu)
        calls[:] = [c for c in calls if not c.ended or c.isActive()]

    def hang_up_all() -> None:
        for call in calls:
            if not call.ended:
                call.hangup(pj.CallOpParam())

    print(json.dumps({"event": "ready", "poll_ms": POLL_MS}), flush=True)
    while not stopping:
        ep.libHandleEvents(POLL_MS)  # the engine's loop: poll, then timers
        timers(time.monotonic())
    hang_up_all()
    deadline = time.monotonic() + 2.0
    while any(not c.ended for c in calls) and time.monotonic() < deadline:
        ep.libHandleEvents(POLL_MS)
    calls.clear()  # NOTE: every Call must be gone before libDestroy, or the process aborts
    account.shutdown()
    gc.collect()
    ep.libDestroy()
    return 0


# ---- the systems ---------------------------------------------------------------------------------


def write_prompts(directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    menu, nxt = directory / "lat-menu.wav", directory / "lat-next.wav"
    write_wav(menu, tone_samples(MENU_HZ, MENU_SECONDS))
    write_wav(nxt, tone_samples(NEXT_HZ, NEXT_SECONDS))
    return menu, nxt


def run_calls(name: str, sip_port: int, args, rng: random.Random, alive) -> dict:
    """A warm-up call, then --calls calls one after another against one system; every press's timings."""
    result: dict = {"warmup_ms": [], "presses": [], "failures": [], "rtp_sent": 0, "rtp_received": 0}
    for number in range(args.calls + 1):
        warmup = number == 0
        caller = f"5550{number + 100}"
        probe = Probe(HOST, sip_port, did=DID, caller=caller, menu_hz=MENU_HZ, next_hz=NEXT_HZ,
                      key_ms=args.key_ms, rng=rng)
        try:
            probe.run(WARMUP_PRESSES if warmup else args.presses)
        except (ProbeError, OSError) as exc:
            result["failures"].append(f"{'warm-up call' if warmup else f'call {number}'} ({caller}): {exc}")
        if not alive():
            result["failures"].append(f"the {name} process died during call {number}")
            break
        done = probe.result
        answered = sum(1 for p in done.presses if p.tone_ns)
        if warmup:
            result["warmup_ms"] = [round((p.tone_ns - p.first_ns) / 1e6, 1) for p in done.presses if p.tone_ns]
            print(f"{name}: warm-up call: start -> tone {result['warmup_ms']} ms (not counted)", flush=True)
        else:
            result["rtp_sent"] += done.packets_sent
            result["rtp_received"] += done.packets_received
            result["presses"] += [{"caller": caller, "first_ns": p.first_ns, "end_ns": p.end_ns,
                                   "tone_ns": p.tone_ns, "wall_first": p.wall_first} for p in done.presses]
            print(f"{name}: call {number}/{args.calls}: {answered} of {args.presses} presses answered", flush=True)
        time.sleep(BETWEEN_CALLS_S)
    return result


def run_appliance(procs: Processes, run_dir: Path, args, rng: random.Random) -> dict:
    log_dir = run_dir / "appliance"
    log_dir.mkdir()
    data, setup_log = log_dir / "data", log_dir / "setup.log"
    branchline = find_branchline()
    cli(branchline, data, "init", log=setup_log)
    cli(branchline, data, "trunk", "add", "local", "--gateway", HOST, log=setup_log)
    cli(branchline, data, "queue", "add", QUEUE, "--skill", "general", log=setup_log)
    write_prompts(data / "prompts" / "en")
    flow = log_dir / "latency.toml"
    flow.write_text(FLOW)
    cli(branchline, data, "ivr", "apply", str(flow), log=setup_log)
    cli(branchline, data, "did", "add", DID, "--flow", "latency", log=setup_log)
    sip_port, http_port = free_port(), free_port(socket.SOCK_STREAM)
    server = procs.start("serve", [branchline, "--data", str(data), "serve", "--bind", HOST, "--sip-port",
                                   str(sip_port), "--http-port", str(http_port)], log_dir=log_dir)
    deadline = time.monotonic() + SERVE_TIMEOUT_S
    while (health := http_json(f"http://{HOST}:{http_port}/healthz")) is None or health.get("status") != "ok":
        if server.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"branchline serve did not come up: see {log_dir}/serve.stderr.log")
        time.sleep(0.2)
    print(f"appliance: serving SIP on {HOST}:{sip_port}; flow 'latency' on DID {DID}", flush=True)
    result = run_calls("appliance", sip_port, args, rng, lambda: server.poll() is None)
    core_times(branchline, data, result["presses"], setup_log)
    procs.stop(server)
    return result


def core_times(branchline: str, data: Path, presses: list[dict], log: Path) -> None:
    """Set each press's core_ms: from its first packet to the core handling the digit, read from
    the call's stored `choice` steps (times in ms, rounded down: about 0.5 ms early on average)."""
    from appliance.clock import parse_iso

    calls = {c["caller"]: c["id"] for c in json.loads(cli(branchline, data, "calls", "--json", log=log))}
    choices: dict[str, list[float]] = {}
    for caller, call_id in calls.items():
        path = json.loads(cli(branchline, data, "ivr", "path", call_id, "--json", log=log))
        choices[caller] = [parse_iso(s["at"]) for s in path if s["outcome"] == "choice"]
    for press in presses:  # the k-th press of a call made its k-th choice
        if queue := choices.get(press["caller"]):
            press["core_ms"] = round((queue.pop(0) - press["wall_first"]) * 1000, 1)


def run_bare(procs: Processes, run_dir: Path, args, rng: random.Random) -> dict:
    log_dir = run_dir / "bare"
    log_dir.mkdir()
    menu, nxt = write_prompts(log_dir / "prompts")
    sip_port = free_port()
    proc = procs.start("bare-server", [find_python(), str(Path(__file__).resolve()), "bare-server", "--listen",
                                       f"{HOST}:{sip_port}", "--menu", str(menu), "--next", str(nxt)],
                       log_dir=log_dir, stdout_pipe=True)
    wait_json_line(proc, "ready", 20, "the bare pjsua2 server")
    print(f"bare:      pjsua2 on {HOST}:{sip_port}", flush=True)
    result = run_calls("bare", sip_port, args, rng, lambda: proc.poll() is None)
    procs.stop(proc)
    return result


# ---- report --------------------------------------------------------------------------------------


def latencies(result: dict) -> dict[str, list[float]]:
    answered = [p for p in result["presses"] if p["tone_ns"]]
    return {
        "end -> tone": [(p["tone_ns"] - p["end_ns"]) / 1e6 for p in answered],
        "start -> tone": [(p["tone_ns"] - p["first_ns"]) / 1e6 for p in answered],
        "key -> core": [p["core_ms"] for p in answered if "core_ms" in p],
        "core -> tone": [(p["tone_ns"] - p["first_ns"]) / 1e6 - p["core_ms"] for p in answered if "core_ms" in p],
    }


def report(results: dict[str, dict], command: str, args) -> dict:
    width, col = 22, 12
    figures: dict[str, dict] = {}
    print(f"\n$ {command}")
    tail = " (fewer than 100 presses: p99 is the max)" if args.calls * args.presses < 100 else ""
    print(f"{args.calls} calls x {args.presses} presses per system (after a warm-up call), one call at a time, "
          f"key down {args.key_ms} ms; figures in ms{tail}\n")
    names = list(results)
    diff = len(names) == 2
    print(f"{'':{width}}" + "".join(f"{n:>{col}}" for n in names) + (f"{'difference':>{col}}" if diff else ""))
    for name in names:
        figures[name] = {"answered": sum(1 for p in results[name]["presses"] if p["tone_ns"]),
                         "presses": len(results[name]["presses"])}
    print(f"{'presses answered':{width}}" + "".join(
        f"{str(figures[n]['answered']) + '/' + str(figures[n]['presses']):>{col}}" for n in names))
    series = {name: latencies(results[name]) for name in names}
    for measure in ("end -> tone", "start -> tone", "key -> core", "core -> tone"):
        for label, share in SHARES:
            values = [percentile(series[n][measure], share) if series[n][measure] else None for n in names]
            if all(v is None for v in values):
                continue
            for name, value in zip(names, values):
                figures[name][f"{measure} {label}"] = value
            cells = "".join(f"{v:>{col}.1f}" if v is not None else f"{'-':>{col}}" for v in values)
            gap = f"{values[0] - values[1]:>+{col}.1f}" if diff and None not in values else ""
            print(f"{measure + ' ' + label:{width}}{cells}{gap}")
    print(f"\nend: the key's end packet is sent; start: its first packet, on which pjmedia reports the key, so\n"
          f"end -> tone = start -> tone - {args.key_ms} ms (negative: the prompt starts before the key is let go).\n"
          f"key -> core: the core handles the digit (its stored IVR step, ms resolution); core -> tone: the rest.\n")
    return figures


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bare-server"]:
        return bare_server(argv[1:])
    parser = argparse.ArgumentParser(description="IVR latency: key press to next prompt, appliance against bare pjsua2.")
    parser.add_argument("--calls", type=int, default=4, help="calls per system, one after another (default 4)")
    parser.add_argument("--presses", type=int, default=10, help="key presses per call (default 10)")
    parser.add_argument("--key-ms", type=int, default=KEY_MS, help=f"key down to end packet (default {KEY_MS})")
    parser.add_argument("--only", choices=("appliance", "bare"), help="run one system only")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random press delays (default 1)")
    args = parser.parse_args(argv)
    command = " ".join([".venv/bin/python bench/ivr_latency.py", *map(shlex.quote, argv)])
    stamp = time.strftime("%Y%m%d-%H%M%S")
    run_dir = RESULTS / f"ivr-latency-{stamp}"
    run_dir.mkdir(parents=True)
    print(f"ivr_latency: logs in {run_dir}", flush=True)
    procs = Processes()

    def on_term(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    results: dict[str, dict] = {}
    problems: list[str] = []
    try:
        for name, run in (("appliance", run_appliance), ("bare", run_bare)):
            if args.only in (None, name):
                results[name] = run(procs, run_dir, args, random.Random(args.seed))
                procs.stop_all()
    except KeyboardInterrupt:
        print("ivr_latency: interrupted; stopping everything", flush=True)
        return 130
    except Exception as exc:  # noqa: BLE001 - report, clean up, fail
        problems.append(f"{type(exc).__name__}: {exc}")
    finally:
        procs.stop_all()
    figures = report(results, command, args) if results else {}
    for name, result in results.items():
        problems += [f"{name}: {failure}" for failure in result["failures"]]
        missed = sum(1 for p in result["presses"] if not p["tone_ns"])
        if missed:
            problems.append(f"{name}: {missed} presses got no next prompt within the probe's timeout")
    out = RESULTS / f"ivr-latency-{stamp}.json"
    load = [round(x, 2) for x in os.getloadavg()]
    out.write_text(json.dumps({"command": command, "figures": figures, "raw": results, "problems": problems,
                               "machine": {"cpus": os.cpu_count(), "loadavg_at_end": load},
                               "logs": str(run_dir)}, indent=2) + "\n")
    print(f"ivr_latency: load average at the end {load} on {os.cpu_count()} CPUs (other work skews latency)")
    print(f"ivr_latency: figures written to {out}")
    for problem in problems:
        print(f"  - {problem}")
    print("ivr_latency: FAILED" if problems else "ivr_latency: passed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
