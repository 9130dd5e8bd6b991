"""Routing benchmark: how long the distributor takes per decision with 200 agents and 100 callers waiting.

The branch: 10 queues (each needs one skill at level 1-3; strategies longest-idle, fewest-calls,
least-talk-time, skill-level, round-robin, ring-all, random, linear; some age priorities, some
relax penalties over the wait), 200 agents with 1-3 skills at levels 1-10 and penalties 0-2.

The event stream, in simulated time, is what a busy branch sends the core: callers arrive (10%
VIP), agents are rung and answer after 1-6 s (5% busy, 10% ring out, and three misses pause the
agent as "missed" until they come back), talk for an exponential 180 s, either side hangs up,
wrap-up ends on a timer, agents take breaks, callers give up after an exponential 300 s of
waiting or leave at the queue's 600 s max wait. Every caller who stops waiting is replaced by a
new caller of the same queue about 2 s later, so ~100 callers wait in the 10 queues all the time
while nearly every agent is busy: the full state in which each decision is timed.

Timed with time.perf_counter_ns around each distributor call (the whole call: state change,
matching, actions), and with time.thread_time_ns (CPU time of this thread) at the same time: on
a shared machine the wall-clock tail is mostly other processes taking the CPU, the CPU-time
tail is the code's own. A "routing decision" is every call that changes the distributor's state
(all of them run the matching, offer_answered included, except the read-only next_deadline,
position and estimated_wait, which are timed apart). Events per second =
external events (each with the `next_deadline` call the server makes after it) / core time.

Baselines, timed in the same run on the same event stream:
  * no-op: an empty function call timed the same way (the floor of the measurement);
  * FIFO picker: a minimal indexed router (one deque per queue, longest-idle free agents per
    queue in an ordered dict, no priorities, penalties, strategies or timers) fed the same
    arrivals, agent-free moments and departures. It shows what the bare matching costs.

Usage (from the repository root):
    .venv/bin/python bench/routing.py                  # 20,000 measured events
    .venv/bin/python bench/routing.py --events 5000    # quicker
    .venv/bin/python bench/routing.py --profile        # also cProfile the run: where the time goes
Prints a table, writes bench/results/routing-<timestamp>.md, and exits non-zero when the p99 of
routing decisions in CPU time is 1 ms or more (the wall-clock p99 is reported beside it with the
load average, but depends on what else the machine runs).
"""

from __future__ import annotations

import argparse
import cProfile
import heapq
import io
import os
import pstats
import random
import statistics
import sys
import time
from collections import defaultdict, deque
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `appliance` and `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from appliance.acd.actions import AgentChanged, CancelOffer, Connect, Exit, Offer, ReleaseCaller
from appliance.acd.distributor import Distributor, OfferOutcome
from appliance.model import STRATEGIES, Agent, BranchConfig, PauseCode, PenaltyRule, Queue, Seat
from bench.stats import percentile

RESULTS = Path(__file__).resolve().parent / "results"
AGENTS = 200
QUEUES = 10
WAITING = 100
TARGET_P99_NS = 1_000_000
WARMUP_EVENTS = 3_000
TALK = 180.0
PATIENCE = 300.0
REPLACE_AFTER = 2.0  # mean seconds before a caller who stopped waiting is replaced
BREAK_EVERY = 1800.0  # mean seconds between an agent's breaks
BREAK_LENGTH = 300.0
MISSED_BACK_AFTER = 30.0  # an agent paused as "missed" comes back after this long

ROUTING = "routing decision (all)"
READ_ONLY = ("next_deadline", "position + estimated wait")


def branch(rng: random.Random) -> BranchConfig:
    queues = []
    for i in range(QUEUES):
        strategy = STRATEGIES[i % len(STRATEGIES)]
        queues.append(Queue(
            f"q{i}", ring_timeout=15, wrapup=rng.choice((5, 10, 20, 30)), max_wait=600,
            skills={f"s{i}": rng.randint(1, 3)}, strategy=strategy,
            priority_step=60 if i % 3 == 0 else 0,
            penalty_rules=(PenaltyRule(0, 0), PenaltyRule(30, 1), PenaltyRule(90, 2)) if i % 4 == 1 else (),
        ))
    agents = []
    for a in range(AGENTS):
        skills = rng.sample(range(QUEUES), rng.randint(1, 3))
        agents.append(Agent(
            f"agent{a:03d}", f"Agent {a}", {f"s{s}": rng.randint(1, 10) for s in skills},
            {f"q{s}": rng.randint(0, 2) for s in skills},
            wrapup=15 if a % 10 == 0 else None,
        ))
    seats = tuple(Seat(f"desk-{a:03d}", f"sip:desk{a}@127.0.0.1:{6000 + 10 * a}") for a in range(AGENTS))
    return BranchConfig(seats=seats, agents=tuple(agents), queues=tuple(queues),
                        pause_codes=(PauseCode("break", "Break"),))


class FifoPicker:
    """The baseline: the least a router must do, with indexes instead of scans."""

    def __init__(self, members: dict[str, list[str]]) -> None:
        self._waiting: dict[str, deque[tuple[int, str]]] = {q: deque() for q in members}
        self._agent_queues: dict[str, list[str]] = defaultdict(list)
        for queue, agent_ids in members.items():
            for agent_id in agent_ids:
                self._agent_queues[agent_id].append(queue)
        self._free: dict[str, dict[str, None]] = {q: {} for q in members}  # insertion order = longest idle
        self._gone: set[str] = set()
        self._seq = 0

    def arrive(self, call_id: str, queue: str) -> str | None:
        free = self._free[queue]
        if free:
            agent_id = next(iter(free))
            self._busy(agent_id)
            return agent_id
        self._seq += 1
        self._waiting[queue].append((self._seq, call_id))
        return None

    def agent_free(self, agent_id: str) -> str | None:
        best: deque[tuple[int, str]] | None = None
        for queue in self._agent_queues[agent_id]:
            line = self._waiting[queue]
            while line and line[0][1] in self._gone:
                self._gone.discard(line.popleft()[1])
            if line and (best is None or line[0][0] < best[0][0]):
                best = line
        if best is not None:
            self._busy(agent_id)
            return best.popleft()[1]
        for queue in self._agent_queues[agent_id]:
            self._free[queue][agent_id] = None
        return None

    def leave(self, call_id: str) -> None:
        self._gone.add(call_id)

    def _busy(self, agent_id: str) -> None:
        for queue in self._agent_queues[agent_id]:
            self._free[queue].pop(agent_id, None)


def _noop(*_args: object) -> None:
    return None


class Bench:
    def __init__(self, events: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.config = branch(self.rng)
        self.d = Distributor(self.config, seed=seed)
        members = {q.name: [a.id for a in self.config.agents if q.accepts(a)] for q in self.config.queues}
        self.fifo = FifoPicker(members)
        self.wanted = events
        # category -> [(wall ns, CPU ns)] per call
        self.samples: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.baseline: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.event_ns: list[tuple[int, int]] = []  # per external event: its distributor calls + next_deadline
        self.waiting_seen: list[int] = []
        self.ready_seen: list[int] = []
        self.events: list[tuple[float, int, str, str, str]] = []
        self.seq = 0
        self.calls = 0
        self.now = 0.0
        self.counted = 0
        self.measuring = False
        self.pending: set[tuple[str, str]] = set()  # (call, agent) offers ringing
        self.waiting: dict[str, str] = {}  # call -> queue, callers not yet connected
        self.talking: set[str] = set()
        self._event_wall = self._event_cpu = 0
        self.coming = 0  # arrivals scheduled
        self.deadline: float | None = None

    # ---- timing ----------------------------------------------------------------------------------

    @staticmethod
    def timed(method: Callable, *args: object) -> tuple[object, int, int]:
        start, cpu = time.perf_counter_ns(), time.thread_time_ns()
        result = method(*args)
        cpu, wall = time.thread_time_ns() - cpu, time.perf_counter_ns() - start
        return result, wall, cpu

    def core(self, category: str, method: Callable, *args: object) -> object:
        result, wall, cpu = self.timed(method, *args)
        self._event_wall += wall
        self._event_cpu += cpu
        if self.measuring:
            self.samples[category].append((wall, cpu))
            if category not in READ_ONLY:
                self.samples[ROUTING].append((wall, cpu))
                self.waiting_seen.append(len(self.waiting))
            _, wall, cpu = self.timed(_noop, category, args)
            self.baseline["no-op call"].append((wall, cpu))
        if category != "next_deadline":
            self.apply(result)
        return result

    def fifo_time(self, category: str, method: Callable, *args: str) -> None:
        _, wall, cpu = self.timed(method, *args)
        if self.measuring:
            self.baseline[category].append((wall, cpu))

    # ---- the event stream --------------------------------------------------------------------------

    def schedule(self, delay: float, kind: str, a: str = "", b: str = "") -> None:
        self.seq += 1
        heapq.heappush(self.events, (self.now + delay, self.seq, kind, a, b))

    def arrive(self, queue: str) -> None:
        self.calls += 1
        call_id = f"call{self.calls}"
        self.waiting[call_id] = queue
        self.schedule(self.rng.expovariate(1 / PATIENCE), "abandon", call_id)
        priority = 1 if self.rng.random() < 0.1 else 0
        self.core("caller arrives", lambda: self.d.enqueue(call_id, queue, self.now, priority=priority))
        self.fifo_time("FIFO picker: caller arrives", self.fifo.arrive, call_id, queue)
        if call_id in self.waiting and self.measuring:
            _, wall, cpu = self.timed(self.announce, call_id, queue)
            self.samples["position + estimated wait"].append((wall, cpu))

    def announce(self, call_id: str, queue: str) -> None:
        """What the switchboard asks for a caller's announcement."""
        position = self.d.position(call_id, self.now)
        if position is not None:
            self.d.estimated_wait(queue, position, self.now)

    def stopped_waiting(self, call_id: str) -> None:
        queue = self.waiting.pop(call_id, None)
        if queue is None:
            return
        self.fifo_time("FIFO picker: caller leaves", self.fifo.leave, call_id)
        if len(self.waiting) + self.coming < WAITING:  # keep ~WAITING callers waiting
            self.coming += 1
            self.schedule(self.rng.expovariate(1 / REPLACE_AFTER), "arrive", queue)

    def apply(self, actions: list) -> None:
        for action in actions:
            if isinstance(action, Offer):
                self.pending.add((action.call_id, action.agent_id))
                luck = self.rng.random()
                if luck < 0.85:
                    self.schedule(self.rng.uniform(1, 6), "answer", action.call_id, action.agent_id)
                elif luck < 0.90:
                    self.schedule(0.3, "busy", action.call_id, action.agent_id)
                # else it rings out: the distributor's ring timeout ends it
            elif isinstance(action, CancelOffer):
                self.pending.discard((action.call_id, action.agent_id))
            elif isinstance(action, Connect):
                self.pending.discard((action.call_id, action.agent_id))
                self.talking.add(action.call_id)
                self.stopped_waiting(action.call_id)
                side = "agent" if self.rng.random() < 0.5 else "caller"
                self.schedule(self.rng.expovariate(1 / TALK), "hangup", action.call_id, side)
            elif isinstance(action, Exit):
                self.stopped_waiting(action.call_id)
            elif isinstance(action, AgentChanged):
                if action.status == "ready" and action.previous in ("on_call", "wrapup", "not_ready"):
                    self.fifo_time("FIFO picker: agent free", self.fifo.agent_free, action.agent_id)
                if action.status == "not_ready" and action.reason == "missed":
                    self.schedule(MISSED_BACK_AFTER, "ready", action.agent_id, "missed")
            elif not isinstance(action, ReleaseCaller):
                raise RuntimeError(f"unexpected action {action}")

    def event(self, kind: str, a: str, b: str) -> None:
        d, now = self.d, self.now
        if kind == "arrive":
            self.coming -= 1
            self.arrive(a)
        elif kind == "answer" and (a, b) in self.pending:
            self.core("offer answered", d.offer_answered, a, b, now)
        elif kind == "busy" and (a, b) in self.pending:
            self.pending.discard((a, b))
            self.core("offer fails (busy)", d.offer_failed, a, b, OfferOutcome.BUSY, now)
        elif kind == "hangup" and a in self.talking:
            self.talking.discard(a)
            if b == "agent":
                self.core("call ends", d.agent_hung_up, a, now)
            else:
                self.core("call ends", d.caller_left, a, now)
        elif kind == "abandon" and a in self.waiting:
            self.stopped_waiting(a)
            self.core("caller abandons", d.caller_left, a, now)
        elif kind == "break":
            self.core("agent pauses", d.pause, a, "break", now)
            self.schedule(self.rng.expovariate(1 / BREAK_LENGTH), "ready", a)
        elif kind == "ready":
            self.core("agent ready (after pause)", d.ready, a, now)
            if b != "missed":
                self.schedule(self.rng.expovariate(1 / BREAK_EVERY), "break", a)
        else:
            return
        self.finish_event()

    def finish_event(self) -> None:
        # As the server does after every event: when must the distributor's timer fire next?
        self.deadline = self.core("next_deadline", self.d.next_deadline, self.now)
        if self.measuring:
            self.event_ns.append((self._event_wall, self._event_cpu))
            self.ready_seen.append(sum(1 for s in self.d.agents() if s.status.value == "ready"))
        self._event_wall = self._event_cpu = 0
        self.counted += 1
        if self.counted == WARMUP_EVENTS:
            self.measuring = True

    def run(self) -> None:
        d = self.d
        for agent, seat in zip(self.config.agents, self.config.seats):
            d.login(agent.id, seat.name, 0.0)
            self.apply(d.ready(agent.id, 0.0))
            self.schedule(self.rng.expovariate(1 / BREAK_EVERY), "break", agent.id)
        for i in range(AGENTS + WAITING):  # enough to keep the agents busy, and WAITING more
            self.coming += 1
            self.schedule(i * 0.05, "arrive", self.config.queues[i % QUEUES].name)
        self.deadline = d.next_deadline(self.now)
        while self.events and len(self.event_ns) < self.wanted:
            deadline = self.deadline
            if deadline is not None and deadline <= self.events[0][0]:
                self.now = max(self.now, deadline)
                self.core("timer (wrap-up end, ring-out, max wait)", d.tick, self.now)
                self.finish_event()
                continue
            self.now, _, kind, a, b = heapq.heappop(self.events)
            self.event(kind, a, b)


# ---- report --------------------------------------------------------------------------------------


def _row(name: str, samples: list[tuple[int, int]]) -> str:
    wall = [w for w, _ in samples]
    cpu = [c for _, c in samples]
    us = [percentile(wall, 0.5), percentile(wall, 0.99), max(wall), statistics.fmean(wall),
          percentile(cpu, 0.5), percentile(cpu, 0.99), max(cpu)]
    return f"| {name} | {len(samples):,} | " + " | ".join(f"{v / 1000:.1f}" for v in us) + " |"


HEADER = ("| {} | count | p50 | p99 | max | mean | CPU p50 | CPU p99 | CPU max |\n"
          "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")


def report(bench: Bench, wall: float, load: tuple[float, float], profile_text: str | None) -> tuple[str, bool]:
    routing = bench.samples[ROUTING]
    p99_wall = percentile([w for w, _ in routing], 0.99)
    p99_cpu = percentile([c for _, c in routing], 0.99)
    core_wall = sum(w for w, _ in bench.event_ns) / 1e9
    core_cpu = sum(c for _, c in bench.event_ns) / 1e9
    fifo = [s for c, v in bench.baseline.items() if c.startswith("FIFO") for s in v]
    lines = [
        "# Routing benchmark: the distributor with 200 agents and ~100 callers waiting in 10 queues",
        "",
        f"{len(bench.event_ns):,} events measured after {WARMUP_EVENTS:,} warm-up events. Callers waiting at "
        f"each routing decision: mean {statistics.fmean(bench.waiting_seen):.1f}, min {min(bench.waiting_seen)}, "
        f"max {max(bench.waiting_seen)}; agents Ready (free, but held back by penalty rules, tiers or a miss "
        f"delay) after an event: mean {statistics.fmean(bench.ready_seen):.1f}. Python {sys.version.split()[0]}; "
        f"wall time {wall:.1f} s; load average {load[0]:.2f} before, {load[1]:.2f} after "
        f"({os.cpu_count()} CPUs).",
        "",
        "Time per distributor call in microseconds: wall clock (perf_counter_ns) and CPU time of the thread "
        "(thread_time_ns).",
        "",
        HEADER.format("call"),
        _row(f"**{ROUTING}**", routing),
    ]
    lines += [_row(category, bench.samples[category]) for category in sorted(bench.samples) if category != ROUTING]
    lines += ["", "Baselines in the same run, timed the same way (microseconds):", "", HEADER.format("baseline")]
    lines += [_row(category, bench.baseline[category]) for category in sorted(bench.baseline)]
    lines += [
        "",
        f"Events processed per second by the core: **{len(bench.event_ns) / core_wall:,.0f}** wall clock, "
        f"{len(bench.event_ns) / core_cpu:,.0f} by CPU time ({len(bench.event_ns):,} events, each with its "
        f"distributor call(s) and the next_deadline call after it, in {core_wall:.2f} s). The FIFO picker spent "
        f"{sum(w for w, _ in fifo) / 1e9:.3f} s on the same stream.",
        "",
        f"Target p99 < 1 ms for a routing decision: wall clock p99 {p99_wall / 1000:.0f} us "
        f"(**{'met' if p99_wall < TARGET_P99_NS else 'missed'}**), CPU time p99 {p99_cpu / 1000:.0f} us "
        f"(**{'met' if p99_cpu < TARGET_P99_NS else 'missed'}**).",
    ]
    if profile_text:
        lines += ["", "## cProfile of the same run (sorted by own time)", "", "```", profile_text.rstrip(), "```"]
    return "\n".join(lines) + "\n", p99_cpu < TARGET_P99_NS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=20_000, help="events to measure (default 20000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="run it again under cProfile and add the top functions")
    args = parser.parse_args(argv)
    bench = Bench(args.events, args.seed)
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    bench.run()
    wall = time.perf_counter() - started
    load = (load_before, os.getloadavg()[0])
    profile_text = None
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(Bench(args.events, args.seed).run)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(20)
        profile_text = out.getvalue()[out.getvalue().find("   ncalls"):]
    text, met = report(bench, wall, load, profile_text)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"routing-{time.strftime('%Y%m%d-%H%M%S')}.md"
    path.write_text(text)
    print(f"written to {path.relative_to(RESULTS.parent.parent)}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
