"""`ivr check` benchmark: how long checking a 500-node flow file takes, against reading its TOML alone.

The flow: a chain of 33 blocks of 15 nodes, then 4 plays and a hangup (500 nodes). Each block uses every
kind but hangup (a menu leading to a collect, an http call, a say, a set, a play, a goto, a lookup, an
hours check, a language switch, and the exits queue, survey, callback, voicemail and transfer); its
menu's choice 9 leads to the next block, so every node is reachable, and every prompt is recorded:
the checker runs every rule and finds nothing. A second variant breaks every third block in six ways
(an unknown target, a missing prompt, a zero timeout, an unknown variable, an unknown time zone and
queue), so the "did you mean" suggestions, which compare a word with every node name, are timed too.

Timed with time.perf_counter_ns (wall clock) and time.thread_time_ns (CPU time of this thread) around
each call, after one warm-up call; the baseline is `tomllib.loads` of the same text in the same run,
which `check_flow` does first.

Usage (from the repository root):
    .venv/bin/python bench/ivr_check.py                # 500 nodes, 30 runs
    .venv/bin/python bench/ivr_check.py --nodes 2000 --runs 10
    .venv/bin/python bench/ivr_check.py --profile      # also cProfile one check: where the time goes
Prints a table and exits non-zero when the median check of the valid flow takes 1 s or more.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `appliance` and `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from appliance.ivr.check import FlowContext, check_flow
from bench.stats import percentile

TARGET_NS = 1_000_000_000
BLOCK = 15  # nodes in each block of the generated flow
QUEUES = frozenset({"general", "cards", "loans"})


def block(i: int, last: bool, broken: bool) -> str:
    """Fifteen nodes named bI-...; the menu's choice 9 goes on to the next block (or to the end)."""
    n = f"b{i}"
    after = "end" if last else f"b{i + 1}-menu"
    cardz = "cardz" if broken else "card"  # an unknown target, with a close name to suggest
    return f"""
[nodes.{n}-menu]
kind = "menu"
prompt = ["menu-{i}", "press-star"]
choices = {{ "1" = "{n}-{cardz}", "2" = "{n}-balance", "3" = "{n}-hours", "4" = "{n}-callback", "5" = "{n}-message", \
"6" = "{n}-lang", "7" = "{n}-transfer", "8" = "{n}-find", "9" = "{after}" }}
on_invalid = "{n}-queue"
on_timeout = "{n}-queue"
timeout = {"0" if broken else "6"}

[nodes.{n}-card]
kind = "collect"
prompt = "{"never-recorded" if broken else "enter-card"}"
variable = "card{i}"
min_digits = 16
max_digits = 19
validate = "luhn"
next = "{n}-block"
on_invalid = "{n}-queue"
on_timeout = "{n}-queue"

[nodes.{n}-block]
kind = "http"
url = "https://core.bank.example/cards/block"
body = {{ card = "{{card{i}}}", caller = "{{caller}}", name = "{{{"customer.nme" if broken else "customer.name"}}}" }}
save = {{ ref{i} = "case.id" }}
next = "{n}-say"
on_failure = "{n}-queue"

[nodes.{n}-say]
kind = "say"
value = "{{ref{i}}}"
as = "digits"
before = "your-reference-is"
next = "{n}-set"

[nodes.{n}-set]
kind = "set"
variables = {{ last{i} = "{{ref{i}}} for {{caller}}" }}
priority = 5
skill = "cards:3"
next = "{n}-queue"

[nodes.{n}-balance]
kind = "play"
prompt = "balance-intro"
next = "{n}-goto"

[nodes.{n}-goto]
kind = "goto"
target = "{n}-queue"

[nodes.{n}-find]
kind = "lookup"
next = "{n}-queue"
on_missing = "{n}-menu"

[nodes.{n}-hours]
kind = "hours"
open = {{ mon = "09:00-17:00", tue = "09:00-17:00", fri = "09:00-12:00,13:00-17:00" }}
holidays = ["2025-12-25"]
timezone = "{"Asia/Shangai" if broken else "Asia/Shanghai"}"
next = "{n}-queue"
on_closed = "{n}-message"

[nodes.{n}-lang]
kind = "language"
language = "zh"
next = "{n}-menu"

[nodes.{n}-queue]
kind = "queue"
queue = "{"genral" if broken else "general"}"
after = "{n}-survey"

[nodes.{n}-survey]
kind = "survey"

[nodes.{n}-callback]
kind = "callback"
queue = "cards"
on_timeout = "{n}-message"

[nodes.{n}-message]
kind = "voicemail"
queue = "loans"

[nodes.{n}-transfer]
kind = "transfer"
number = "+8621555000"
on_failure = "{n}-queue"
"""


def flow_text(nodes: int, mistakes: int = 0) -> tuple[str, int]:
    """The flow file and its number of nodes: blocks of 15, plays to make up the count, a hangup."""
    blocks = max(1, (nodes - 1) // BLOCK)
    plays = max(0, nodes - 1 - blocks * BLOCK)
    broken_every = blocks // mistakes if mistakes else 0
    header = 'name = "bench"\nstart = "b0-menu"\nlanguages = ["en", "zh"]\n'
    body = "".join(block(i, i == blocks - 1, bool(broken_every) and i % broken_every == 0) for i in range(blocks))
    tail = "".join(f'\n[nodes.p{i}]\nkind = "play"\nprompt = "goodbye"\nnext = "{f"p{i + 1}" if i + 1 < plays else "end"}"\n'
                   for i in range(plays))
    first = "p0" if plays else "end"
    return (header + body.replace('"9" = "end"', f'"9" = "{first}"') + tail
            + '\n[nodes.end]\nkind = "hangup"\nprompt = "goodbye"\n', blocks * BLOCK + plays + 1)


def context() -> FlowContext:
    """Every prompt is recorded but "never-recorded"; every number may be dialled."""
    return FlowContext(prompt_exists=lambda name, language: name != "never-recorded", queues=QUEUES,
                       dial_refusal=lambda number: None)


def timed(function: Callable[[], object], runs: int) -> list[tuple[int, int]]:
    """(wall, CPU) nanoseconds of each run: on a shared machine the wall clock includes other processes."""
    function()  # warm-up: imports, caches
    samples = []
    for _ in range(runs):
        start, cpu = time.perf_counter_ns(), time.thread_time_ns()
        function()
        cpu, wall = time.thread_time_ns() - cpu, time.perf_counter_ns() - start
        samples.append((wall, cpu))
    return samples


def row(name: str, samples: list[tuple[int, int]]) -> str:
    wall, cpu = [w for w, _ in samples], [c for _, c in samples]
    ms = [statistics.median(wall), percentile(wall, 0.9), max(wall), statistics.median(cpu), percentile(cpu, 0.9)]
    return f"| {name} | {len(samples)} | " + " | ".join(f"{value / 1e6:.1f}" for value in ms) + " |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=500, help="nodes in the flow (default 500)")
    parser.add_argument("--runs", type=int, default=30, help="timed runs of each (default 30)")
    parser.add_argument("--profile", action="store_true", help="cProfile one check of the valid flow")
    args = parser.parse_args(argv)
    ctx = context()
    text, count = flow_text(args.nodes)
    broken_text, _ = flow_text(args.nodes, mistakes=max(1, args.nodes // 45))  # every third block
    flow, problems = check_flow(text, ctx)
    assert flow is not None and not problems, problems[:3]
    _, found = check_flow(broken_text, ctx)
    results = {
        f"tomllib.loads (baseline), {count} nodes": timed(lambda: tomllib.loads(text), args.runs),
        f"check_flow, {count} nodes, valid": timed(lambda: check_flow(text, ctx), args.runs),
        f"check_flow, {count} nodes, {len(found)} problems": timed(lambda: check_flow(broken_text, ctx), args.runs),
    }
    lines = [
        f"# ivr check: a {count}-node flow ({len(text.splitlines()):,} lines, {len(text) / 1024:.0f} KiB), "
        f"Python {sys.version.split()[0]}",
        "",
        "| what | runs | median ms | p90 ms | max ms | CPU median ms | CPU p90 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        *(row(name, samples) for name, samples in results.items()),
    ]
    check_median = statistics.median(wall for wall, _ in results[f"check_flow, {count} nodes, valid"])
    baseline = statistics.median(wall for wall, _ in results[f"tomllib.loads (baseline), {count} nodes"])
    lines += ["", f"check_flow takes {check_median / baseline:.1f}x the time of reading the TOML alone; target: median "
              f"under 1 s (**{'met' if check_median < TARGET_NS else 'missed'}**)."]
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(check_flow, text, ctx)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
        lines += ["", "```", out.getvalue()[out.getvalue().find("   ncalls"):].rstrip(), "```"]
    print("\n".join(lines))
    return 0 if check_median < TARGET_NS else 1


if __name__ == "__main__":
    sys.exit(main())
