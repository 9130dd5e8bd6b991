"""Discrete-event simulation of the real distributor: does it behave like the queueing theory says?

The distributor (appliance/acd/distributor.py) is pure: it takes the time and returns actions, so
this script drives it directly, with no SIP and no clock:

  * callers arrive as Poisson streams, one per queue, and never give up (max wait 10^9 s);
  * agents are always Ready and answer every offer at once (`offer_answered` at the time of the
    Offer); each call lasts an exponential talk time, then the agent hangs up (`agent_hung_up`)
    and does the queue's fixed wrap-up (ended by `tick` at `next_deadline`);
  * a caller's wait is the time from joining the queue to the Offer.

Two scenarios:

  1. M/M/N: one queue, one skill, longest-idle, no wrap-up. The measured service level
     (answered within 20 s) and ASA are compared with Erlang C (bench/erlang.py), with 95%
     confidence intervals from batch means (20 consecutive batches of the measured calls).
  2. Shared agents: three queues, agents with one to three of their skills and a penalty tier,
     wrap-up after every call. No formula to compare with; it is there for the next point.

In both, each caller who is not offered to an agent at once (the callers who hear an announcement)
gets `estimated_wait(queue, position(call), now)` recorded on entry, and it is compared with the
wait that followed: median absolute error, mean error (bias: positive = the estimate was too long)
and 90th percentile of the absolute error. The "true AHT" row rescales each estimate from the
learned AHT (the queue's last 20 handle times) to the real mean handle time, which shows how much
of the error comes from learning the AHT from 20 calls and how much from the method.

Usage (from the repository root):
    .venv/bin/python bench/acd_sim.py                  # 50,000 calls per scenario
    .venv/bin/python bench/acd_sim.py --calls 10000    # quicker
Prints a markdown report and writes it to bench/results/acd-sim-<timestamp>.md.
"""

from __future__ import annotations

import argparse
import heapq
import math
import random
import statistics
import sys
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `appliance` and `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from appliance.acd.actions import AgentChanged, Connect, Offer, ReleaseCaller
from appliance.acd.distributor import Distributor
from appliance.model import Agent, BranchConfig, Queue, Seat
from bench import erlang
from bench.stats import BATCHES, Estimate, batch_means, percentile

RESULTS = Path(__file__).resolve().parent / "results"
PATIENT = 10**9  # max wait (s): longer than any run, so nobody leaves the queue
LONG_WINDOW = 100  # what-if: the estimate learning from the last 100 handle times instead of 20
SERVICE_LEVEL_THRESHOLD = 20.0


@dataclass(frozen=True)
class QueueLoad:
    name: str
    calls_per_hour: float
    talk: float  # mean talk time (s), exponential
    wrapup: int = 0  # fixed wrap-up after each call (s)

    @property
    def handle(self) -> float:
        return self.talk + self.wrapup

    @property
    def traffic(self) -> float:
        """Offered load in Erlangs."""
        return self.calls_per_hour / 3600 * self.handle


@dataclass(frozen=True)
class Scenario:
    name: str
    queues: tuple[QueueLoad, ...]
    agents: tuple[Agent, ...]
    calls: int  # arrivals in all, warm-up included
    warmup: int  # first arrivals left out of every figure (the run starts with nobody waiting)
    seed: int = 1
    threshold: float = SERVICE_LEVEL_THRESHOLD

    def config(self) -> BranchConfig:
        seats = tuple(Seat(f"desk-{i}", f"sip:desk{i}@127.0.0.1:{5100 + 10 * i}") for i in range(len(self.agents)))
        queues = tuple(
            Queue(q.name, skills={q.name: 1}, wrapup=q.wrapup, max_wait=PATIENT, handle_time=round(q.handle))
            for q in self.queues
        )
        return BranchConfig(seats=seats, agents=self.agents, queues=queues)


@dataclass
class CallRecord:
    queue: str
    arrived: float
    offered: float = math.nan
    position: int | None = None  # None: offered to an agent on entry, no announcement
    estimate: float | None = None
    learned_handle: float | None = None  # the distributor's AHT for the queue at entry
    window_handle: float | None = None  # mean of the queue's last LONG_WINDOW handle times at entry
    handle: float = 0.0  # this call's talk + wrap-up

    @property
    def wait(self) -> float:
        return self.offered - self.arrived


@dataclass
class SimResult:
    scenario: Scenario
    calls: list[CallRecord]  # after the warm-up, in arrival order
    occupancy: float  # share of agent time spent talking or in wrap-up, whole run
    core_calls: int  # distributor methods called
    seconds: float  # wall-clock time of the run


def single_queue(agents: int = 10, occupancy: float = 0.85, aht: float = 180.0, calls: int = 50_000,
                 warmup: int | None = None, seed: int = 1) -> Scenario:
    """M/M/N: one skill, longest-idle, no wrap-up, so handle time = talk time."""
    per_hour = occupancy * agents / aht * 3600
    staff = tuple(Agent(f"a{i:02d}", f"Agent {i}", {"general": 5}) for i in range(agents))
    return Scenario(f"M/M/{agents}, one queue", (QueueLoad("general", per_hour, aht),), staff,
                    calls, calls // 20 if warmup is None else warmup, seed)


def shared_agents(calls: int = 50_000, warmup: int | None = None, seed: int = 2) -> Scenario:
    """Three queues with wrap-up; agents serve one to three of them, some at a second-choice penalty."""
    queues = (
        QueueLoad("accounts", 5.5 / 270 * 3600, talk=240, wrapup=30),
        QueueLoad("cards", 4.5 / 170 * 3600, talk=150, wrapup=20),
        QueueLoad("loans", 3.6 / 480 * 3600, talk=420, wrapup=60),
    )
    staff: list[Agent] = []
    for i in range(16):
        if i < 6:
            skills, penalties = {"accounts": 5, "cards": 5}, {}
        elif i < 10:
            skills, penalties = {"cards": 5}, {}
        elif i < 13:
            skills, penalties = {"loans": 5, "accounts": 3, "cards": 2}, {"accounts": 1, "cards": 2}
        else:
            skills, penalties = {"loans": 5}, {}
        staff.append(Agent(f"a{i:02d}", f"Agent {i}", skills, penalties))
    return Scenario("3 queues, shared agents, wrap-up", queues, tuple(staff), calls,
                    calls // 20 if warmup is None else warmup, seed)


def simulate(scenario: Scenario) -> SimResult:
    started = time.perf_counter()
    rng = random.Random(scenario.seed)
    config = scenario.config()
    d = Distributor(config)
    for agent, seat in zip(scenario.agents, config.seats):
        d.login(agent.id, seat.name, 0.0)
        d.ready(agent.id, 0.0)
    loads = {q.name: q for q in scenario.queues}
    total_rate = sum(q.calls_per_hour for q in scenario.queues) / 3600
    weights = [q.calls_per_hour for q in scenario.queues]
    names = [q.name for q in scenario.queues]

    records: dict[str, CallRecord] = {}
    events: list[tuple[float, int, str, str]] = []  # (time, seq, kind, call id)
    seq = 0
    waiting = 0
    handled_seconds = 0.0
    recent = {q.name: deque(maxlen=LONG_WINDOW) for q in scenario.queues}
    core_calls = 0

    def schedule(at: float, kind: str, call_id: str) -> None:
        nonlocal seq
        seq += 1
        heapq.heappush(events, (at, seq, kind, call_id))

    def apply(actions: list, now: float) -> None:
        nonlocal waiting, handled_seconds, core_calls
        for action in actions:
            if isinstance(action, Offer):
                # The agent answers on the spot: the wait ends with the offer.
                record = records[action.call_id]
                if not math.isnan(record.offered):
                    raise RuntimeError(f"call {action.call_id} was offered twice (at {record.offered} and {now})")
                record.offered = now
                waiting -= 1
                talk = rng.expovariate(1.0 / loads[record.queue].talk)
                record.handle = talk + loads[record.queue].wrapup
                handled_seconds += record.handle
                schedule(now + talk, "hangup", action.call_id)
                core_calls += 1
                apply(d.offer_answered(action.call_id, action.agent_id, now), now)
            elif not isinstance(action, (AgentChanged, Connect, ReleaseCaller)):
                raise RuntimeError(f"the model has no {type(action).__name__} (patient callers, instant answers): {action}")

    schedule(rng.expovariate(total_rate), "arrive", "c0")
    arrivals = 0
    now = 0.0
    while events or waiting:
        deadline = d.next_deadline(now)
        if deadline is not None and (not events or deadline <= events[0][0]):
            now = max(now, deadline)
            core_calls += 1
            apply(d.tick(now), now)
            continue
        now, _, kind, call_id = heapq.heappop(events)
        core_calls += 1
        if kind == "hangup":
            recent[records[call_id].queue].append(records[call_id].handle)  # known now: wrap-up is fixed
            apply(d.agent_hung_up(call_id, now), now)
            continue
        arrivals += 1
        if arrivals < scenario.calls:
            schedule(now + rng.expovariate(total_rate), "arrive", f"c{arrivals}")
        queue = rng.choices(names, weights)[0]
        record = records[call_id] = CallRecord(queue, now)
        waiting += 1
        actions = d.enqueue(call_id, queue, now)
        if not any(isinstance(a, Offer) and a.call_id == call_id for a in actions):
            # What the switchboard would announce on entry (it says nothing to a caller being offered).
            record.position = d.position(call_id, now)
            record.estimate = d.estimated_wait(queue, record.position, now)
            record.learned_handle = d.handle_time(queue)
            window = recent[queue]
            record.window_handle = sum(window) / len(window) if window else record.learned_handle
            core_calls += 3
        apply(actions, now)

    lost = [call_id for call_id, r in records.items() if math.isnan(r.offered)]
    if lost:
        raise RuntimeError(f"{len(lost)} callers were never offered to an agent, e.g. {lost[:3]}")
    measured = [records[f"c{i}"] for i in range(scenario.warmup, scenario.calls)]
    occupancy = handled_seconds / (len(scenario.agents) * now)
    return SimResult(scenario, measured, occupancy, core_calls, time.perf_counter() - started)


# ---- comparisons ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErlangCheck:
    agents: int
    traffic: float
    aht: float
    threshold: float
    service_level: Estimate
    asa: Estimate
    erlang_service_level: float
    erlang_asa: float


def compare_with_erlang(result: SimResult, batches: int = BATCHES) -> ErlangCheck:
    [load] = result.scenario.queues
    agents = len(result.scenario.agents)
    threshold = result.scenario.threshold
    waits = [c.wait for c in result.calls]
    return ErlangCheck(
        agents, load.traffic, load.handle, threshold,
        batch_means([1.0 if w <= threshold else 0.0 for w in waits], batches),
        batch_means(waits, batches),
        erlang.service_level(agents, load.traffic, load.handle, threshold),
        erlang.asa(agents, load.traffic, load.handle),
    )


@dataclass(frozen=True)
class EwtAccuracy:
    announced: int  # callers who queued and were given an estimate
    calls: int
    median_abs: float
    bias: float  # mean of estimate - actual wait
    p90_abs: float
    mean_wait: float  # of the announced callers, for scale


def _accuracy(pairs: list[tuple[float, float]], calls: int) -> EwtAccuracy:
    errors = [estimate - wait for estimate, wait in pairs]
    absolute = sorted(abs(e) for e in errors)
    return EwtAccuracy(
        len(pairs), calls, statistics.median(absolute), statistics.fmean(errors),
        percentile(absolute, 0.9),
        statistics.fmean(w for _, w in pairs),
    )


def ewt_accuracy(result: SimResult) -> dict[str, EwtAccuracy]:
    """The distributor's estimate, and the same method with other AHTs (what-ifs), by method."""
    announced = [c for c in result.calls if c.estimate is not None]
    if not announced:
        raise ValueError("no caller had to wait, so no estimate was given: raise the load.")
    handle = {q.name: q.handle for q in result.scenario.queues}
    methods = {
        "distributor (AHT of last 20 calls)": [(c.estimate, c.wait) for c in announced],
        f"same method, AHT of last {LONG_WINDOW} calls": [
            (c.estimate * c.window_handle / c.learned_handle, c.wait) for c in announced
        ],
        "same method, true AHT": [(c.estimate * handle[c.queue] / c.learned_handle, c.wait) for c in announced],
    }
    return {name: _accuracy(pairs, len(result.calls)) for name, pairs in methods.items()}


def ewt_by_queue(result: SimResult) -> dict[str, EwtAccuracy]:
    out: dict[str, EwtAccuracy] = {}
    for q in result.scenario.queues:
        pairs = [(c.estimate, c.wait) for c in result.calls if c.queue == q.name and c.estimate is not None]
        if pairs:
            out[q.name] = _accuracy(pairs, sum(1 for c in result.calls if c.queue == q.name))
    return out


# ---- report --------------------------------------------------------------------------------------


def _within(value: float, estimate: Estimate) -> str:
    return "yes" if estimate.low <= value <= estimate.high else "NO"


def _ewt_row(label: str, a: EwtAccuracy) -> str:
    return (f"| {label} | {a.announced:,} of {a.calls:,} | {a.mean_wait:.1f} | {a.median_abs:.1f} | "
            f"{a.bias:+.1f} | {a.p90_abs:.1f} |")


def report(mmn: SimResult, shared: SimResult) -> str:
    check = compare_with_erlang(mmn)
    sl, asa = check.service_level, check.asa
    lines = [
        "# ACD simulation: the real distributor against Erlang C",
        "",
        f"## {mmn.scenario.name}: Erlang C check",
        "",
        f"{check.agents} agents always Ready, answering at once; {check.traffic:.2f} Erlangs "
        f"({mmn.scenario.queues[0].calls_per_hour:.1f} calls/h, exponential handle time, mean {check.aht:.0f} s); "
        f"{len(mmn.calls):,} calls measured after {mmn.scenario.warmup:,} warm-up calls; measured occupancy "
        f"{mmn.occupancy:.1%}; seed {mmn.scenario.seed}. 95% CI from {BATCHES} batch means "
        f"(lag-1 correlation of batch means: SL {sl.lag1:+.2f}, ASA {asa.lag1:+.2f}).",
        "",
        "| figure | simulated | 95% CI | std. error | Erlang C | Erlang C in CI |",
        "| --- | ---: | ---: | ---: | ---: | :---: |",
        f"| service level (wait <= {check.threshold:.0f} s) | {sl.value:.2%} | {sl.low:.2%} - {sl.high:.2%} | "
        f"{sl.stderr:.2%} | {check.erlang_service_level:.2%} | {_within(check.erlang_service_level, sl)} |",
        f"| ASA (s) | {asa.value:.2f} | {asa.low:.2f} - {asa.high:.2f} | {asa.stderr:.2f} | "
        f"{check.erlang_asa:.2f} | {_within(check.erlang_asa, asa)} |",
        "",
        "## Estimated wait accuracy",
        "",
        "Callers who were not offered to an agent on entry (those who hear an announcement); the estimate on "
        "entry against the wait that followed. Error = estimate - actual (positive: told too long).",
        "",
        "| scenario / method | callers given an estimate | mean wait (s) | median abs. error (s) | "
        "bias (s) | p90 abs. error (s) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in (mmn, shared):
        for method, accuracy in ewt_accuracy(result).items():
            lines.append(_ewt_row(f"{result.scenario.name}: {method}", accuracy))
    for name, a in ewt_by_queue(shared).items():
        lines.append(_ewt_row(f"{shared.scenario.name}: queue {name}, distributor", a))
    loads = ", ".join(f"{q.name} {q.traffic:.1f} E (talk {q.talk:.0f} s + wrap-up {q.wrapup} s)"
                      for q in shared.scenario.queues)
    lines += [
        "",
        f"{shared.scenario.name}: {len(shared.scenario.agents)} agents, {loads}; measured occupancy "
        f"{shared.occupancy:.1%}; {len(shared.calls):,} calls measured; seed {shared.scenario.seed}.",
        "",
        f"Run time: {mmn.seconds:.1f} s and {shared.seconds:.1f} s "
        f"({mmn.core_calls + shared.core_calls:,} distributor calls).",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    # At 85% occupancy waits are strongly correlated from caller to caller: the ASA needs ~100,000
    # calls for a standard error near 6 s; the shared scenario only feeds the estimated-wait figures.
    parser.add_argument("--calls", type=int, default=100_000, help="arrivals in the M/M/N run (default 100000)")
    parser.add_argument("--shared-calls", type=int, default=50_000,
                        help="arrivals in the shared-agents run (default 50000)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    mmn = simulate(single_queue(calls=args.calls, seed=args.seed))
    shared = simulate(shared_agents(calls=args.shared_calls, seed=args.seed + 1))
    text = report(mmn, shared)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"acd-sim-{time.strftime('%Y%m%d-%H%M%S')}.md"
    path.write_text(text)
    print(f"written to {path.relative_to(RESULTS.parent.parent)}")
    check = compare_with_erlang(mmn)
    # Outside 4 standard errors the distributor does not behave as M/M/N: say so in the exit code.
    off = [name for name, est, theory in (("service level", check.service_level, check.erlang_service_level),
                                          ("ASA", check.asa, check.erlang_asa))
           if abs(est.value - theory) > 4 * est.stderr]
    if off:
        print(f"the simulated {' and '.join(off)} differ from Erlang C by more than 4 standard errors", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
