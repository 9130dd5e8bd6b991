"""A month of team KPIs at a busy hotline's volume: `month_kpis` (appliance/teamwork/kpi_source.py)
over 30 days of one team's event log, against targets of 5 s and 500 MB.

The data (not timed): a database migrated with the real migrations, in a temporary directory,
holding November 2026 for one team `hotline` of 30 agents in 3 squads, every agent rostered every
day (early 08:00-16:30, middle 10:00-18:30, late 13:30-22:00, two agents on nights 22:00-06:00,
a few approved swaps), and per day:
  * 43,000 self-service calls the IVR handles alone: call_arrived, ivr_entered, call_ended, no agent;
  * 2,600 calls an agent takes, each with the events the core writes for one: call_arrived,
    ivr_entered, call_queued, an announcement for some, offer_started, agent_ringing, offer_ended,
    call_connected, agent_on_call, recording_started, call_held/call_resumed for 1 in 10,
    call_completed, call_ended, agent_wrapup, agent_ready (state events carry the previous state
    and its duration, as appliance/core/agent_log.py writes them), plus its calls row, recording,
    wrap-up (FCR for 3 in 4) and a survey for 3 in 10;
  * each agent's sign-in (a few late, 1 in 200 absent), a break near mid-shift (sometimes long),
    sign-out; two evaluations per agent per day and a few complaints.
That is about 5 million event rows, 0.9 million of them the agents'. The rows are generated with
executemany in one transaction (about a minute or two).

Measured, each in a fresh child process that only opens the database and computes:
  * `month_kpis(conn, "2026-11")` for the team: wall time and the child's peak RSS (VmHWM);
  * the same under tracemalloc: the peak of Python allocations (its time is not the figure);
  * baselines, the cost floor of reading those rows: the plain scan
    `SELECT count(*), sum(length(details)) FROM events WHERE agent_id IS NOT NULL AND at BETWEEN ...`
    (with its query plan), and the same count through the agent index the KPIs use
    (`agent_id IN (...)`).

Usage (from the repository root):
    .venv/bin/python bench/kpi_month.py                  # generate, measure, delete the data
    .venv/bin/python bench/kpi_month.py --keep DIR       # keep the database in DIR (reused if there)
    .venv/bin/python bench/kpi_month.py --scale 0.02     # a smoke run at 2 % of the volumes
Prints the figures, writes bench/results/kpi-month-<timestamp>.json, and exits non-zero when the
month takes --target-s (5) seconds or more, or its peak RSS reaches --target-mb (500).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `appliance` and `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import msgspec

from appliance.clock import iso
from appliance.resources import migrations_dir
from appliance.store.database import connect
from appliance.store.migrations import migrate
from appliance.store.roster import local_day_start

RESULTS = Path(__file__).resolve().parent / "results"
MONTH = "2026-11"
DAYS = 30
TEAM = "hotline"
AGENTS = 30
SQUADS = ("north", "south", "west")
AGENT_CALLS_PER_DAY = 2_600
IVR_CALLS_PER_DAY = 43_000
TARGET_S = 5.0
TARGET_MB = 500.0
DB_NAME = "kpi-month.db"
# name, start, end, break minutes
TEMPLATES = (("early", "08:00", "16:30", 60), ("middle", "10:00", "18:30", 60),
             ("late", "13:30", "22:00", 60), ("night", "22:00", "06:00", 30))
NIGHT_AGENTS = 2

_encode = msgspec.json.encode


# ---- the data --------------------------------------------------------------------------------------


def agent_ids() -> list[str]:
    return [f"a{k:02d}" for k in range(AGENTS)]


def template_of(k: int, day_index: int) -> str:
    if k < NIGHT_AGENTS:
        return "night"
    return ("early", "middle", "late")[(k + day_index // 7) % 3]  # rotating weekly


class Log:
    """Rows for executemany, one list per table."""

    def __init__(self) -> None:
        self.events: list[tuple] = []
        self.calls: list[tuple] = []
        self.wrapups: list[tuple] = []
        self.surveys: list[tuple] = []
        self.recordings: list[tuple] = []

    def event(self, t: float, kind: str, call_id: str | None = None, queue: str | None = None,
              agent_id: str | None = None, **details) -> None:
        self.events.append((t, call_id, queue, agent_id, kind, _encode(details).decode()))


class Desk:
    """One agent's state as the core logs it: each change carries the previous state and its length."""

    def __init__(self, log: Log, agent_id: str, seat: str) -> None:
        self.log, self.agent_id, self.seat = log, agent_id, seat
        self.status, self.reason, self.since = "logged_out", "", 0.0

    def go(self, t: float, status: str, reason: str = "", call_id: str | None = None, queue: str | None = None) -> None:
        duration = None if self.status == "logged_out" else round(t - self.since, 3)
        self.log.event(t, f"agent_{status}", call_id, queue, self.agent_id, seat=self.seat, reason=reason,
                       previous=self.status, previous_reason=self.reason, duration=duration)
        self.status, self.reason, self.since = status, reason, t


def one_call(rng: random.Random, log: Log, desk: Desk, t: float, serial: int) -> float:
    """An agent-handled call whose offer rings at `t`; returns when the agent is ready again."""
    call_id, queue, caller = f"c{serial:08x}", "general", f"138{rng.randrange(10**8):08d}"
    waited = rng.uniform(2, 40)
    arrived = t - waited - rng.uniform(15, 40)
    log.event(arrived, "call_arrived", call_id, queue, caller=caller, did="95566", trunk="pstn", source="10.0.0.1",
              flow="main")
    log.event(arrived + 0.1, "ivr_entered", call_id, flow="main", version=3)
    log.event(t - waited, "call_queued", call_id, queue, priority=0)
    if waited > 20:
        log.event(t - waited + 20, "announcement", call_id, queue, position=2, estimated_wait=30)
    agent = desk.agent_id
    log.event(t, "offer_started", call_id, queue, agent, seat=desk.seat, callback=False)
    desk.go(t, "ringing", call_id=call_id, queue=queue)
    answered = t + rng.uniform(3, 15)
    log.event(answered, "offer_ended", call_id, queue, agent, outcome="answered")
    log.event(answered, "call_connected", call_id, queue, agent, seat=desk.seat, waited=round(answered - t + waited, 3))
    desk.go(answered, "on_call", call_id=call_id, queue=queue)
    log.event(answered, "recording_started", call_id, queue, agent, recording=serial)
    talk = min(1800.0, rng.lognormvariate(5.2, 0.5))  # median ~180 s
    if rng.random() < 0.1:
        held_at, held = answered + talk / 3, rng.uniform(20, 90)
        log.event(held_at, "call_held", call_id, queue, agent)
        log.event(held_at + held, "call_resumed", call_id, queue, agent, held=round(held, 3))
        talk += held
    ended = answered + talk
    by = "caller" if rng.random() < 0.7 else "agent"
    log.event(ended, "call_completed", call_id, queue, agent, by=by, talk=round(talk, 3))
    log.event(ended, "call_ended", call_id, queue, agent, ended_by=by, reason="caller hung up", status=200)
    desk.go(ended, "wrapup", queue, call_id=call_id, queue=queue)
    ready = ended + rng.uniform(15, 60)
    desk.go(ready, "ready")
    log.calls.append((call_id, caller, "95566", "pstn", queue, agent, desk.seat, iso(arrived), iso(arrived),
                      iso(t - waited), iso(answered), iso(ended), by))
    log.wrapups.append((call_id, agent, "information", "", int(rng.random() < 0.75), iso(ready - 1)))
    if rng.random() < 0.3:
        log.surveys.append((call_id, agent, queue, rng.choice((3, 4, 5, 5, 5)), iso(ended + 45)))
    log.recordings.append((serial, call_id, f"calls/{call_id}.wav", "inbound", queue, agent, TEAM, caller,
                           iso(answered), iso(ended), round(talk, 3), int(talk * 16000), "complete"))
    return ready


def agent_day(rng: random.Random, log: Log, agent_id: str, k: int, start: float, end: float, break_s: float,
              calls: int, serial: int) -> int:
    """One agent's shift: sign in, `calls` calls spread over it, a break near the middle, sign out."""
    if rng.random() < 0.005:
        return serial  # absent
    desk = Desk(log, agent_id, f"desk-{k:02d}")
    late = rng.uniform(60, 1200) if rng.random() < 0.05 else -rng.uniform(60, 600)
    t = start + late
    desk.go(t, "not_ready", "login")
    t += rng.uniform(30, 120)
    desk.go(t, "ready")
    mean_gap = max(5.0, ((end - t) - break_s - calls * 260) / max(calls, 1))
    break_at = start + (end - start) / 2
    for _ in range(calls):
        t += rng.expovariate(1 / mean_gap)
        if break_at and t >= break_at:
            desk.go(t, "not_ready", "break")
            t += break_s * (rng.uniform(1.0, 1.3) if rng.random() < 0.2 else rng.uniform(0.8, 1.0))
            desk.go(t, "ready")
            break_at = 0.0
        serial += 1
        t = one_call(rng, log, desk, t, serial)
    desk.go(max(t + 30, end + rng.uniform(0, 300)), "logged_out")
    return serial


def generate(path: Path, scale: float = 1.0) -> dict:
    rng = random.Random(20261101)
    conn = connect(path)
    migrate(conn, migrations_dir(), path.parent / "backups")
    # Generation only: a rollback journal (a new file's pages need none, where WAL would write
    # everything twice) and 1 GB of page cache. Every measuring child opens it as the store does.
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute("PRAGMA cache_size=-1000000")
    first = date.fromisoformat(f"{MONTH}-01")
    ids = agent_ids()
    counts = dict.fromkeys(("events", "agent_events", "calls"), 0)
    with conn:
        now = iso(local_day_start(first.isoformat()) - 86400)
        conn.execute("INSERT INTO teams (name, created_at) VALUES (?, ?)", (TEAM, now))
        conn.executemany("INSERT INTO squads (team, name) VALUES (?, ?)", [(TEAM, s) for s in SQUADS])
        conn.executemany("INSERT INTO agents (id, name, created_at, team, squad) VALUES (?, ?, ?, ?, ?)",
                         [(a, f"Agent {a}", now, TEAM, SQUADS[k % 3]) for k, a in enumerate(ids)])
        conn.executemany("INSERT INTO shift_templates (name, starts, ends, break_minutes) VALUES (?, ?, ?, ?)",
                         TEMPLATES)
        conn.execute("INSERT INTO scorecards (id, name, version, definition, created_at, created_by)"
                     " VALUES (1, 'basic', 1, '{}', ?, 'lee')", (now,))
        templates = {name: (starts, ends, minutes) for name, starts, ends, minutes in TEMPLATES}
        serial, evaluation = 0, 0
        for d in range(DAYS):
            day = (first + timedelta(days=d)).isoformat()
            midnight = local_day_start(day)
            roster = [(day, a, template_of(k, d)) for k, a in enumerate(ids)]
            conn.executemany("INSERT INTO roster (day, agent_id, template) VALUES (?, ?, ?)", roster)
            swapped = d % 5 == 2  # two colleagues work each other's shift that day
            if swapped:
                conn.executemany("INSERT INTO shift_swaps (day, from_agent, to_agent, status, requested_at)"
                                 " VALUES (?, ?, ?, 'approved', ?)",
                                 [(day, ids[5], ids[6], iso(midnight - 86400)), (day, ids[6], ids[5], iso(midnight - 86400))])
            log = Log()
            agent_calls = round(AGENT_CALLS_PER_DAY * scale)
            per_agent = [agent_calls // AGENTS + (k < agent_calls % AGENTS) for k in range(AGENTS)]
            for k, agent_id in enumerate(ids):
                starts, ends, minutes = templates[roster[k][2]]
                start = midnight + int(starts[:2]) * 3600 + int(starts[3:]) * 60
                end = midnight + int(ends[:2]) * 3600 + int(ends[3:]) * 60 + (86400 if ends <= starts else 0)
                worker = {5: ids[6], 6: ids[5]}.get(k, agent_id) if swapped else agent_id
                serial = agent_day(rng, log, worker, k, start, end, minutes * 60, per_agent[k], serial)
            for _ in range(round(IVR_CALLS_PER_DAY * scale)):
                serial += 1
                call_id, t = f"c{serial:08x}", midnight + rng.uniform(7 * 3600, 23 * 3600)
                log.event(t, "call_arrived", call_id, None, caller=f"139{rng.randrange(10**8):08d}", did="95566",
                          trunk="pstn", source="10.0.0.1", flow="main")
                log.event(t + 0.1, "ivr_entered", call_id, flow="main", version=3)
                log.event(t + rng.uniform(30, 240), "call_ended", call_id, None, None, ended_by="system",
                          reason="self-service done", status=200)
            log.events.sort(key=lambda row: row[0])
            conn.executemany("INSERT INTO events (at, call_id, queue, agent_id, kind, details) VALUES (?, ?, ?, ?, ?, ?)",
                             [(iso(t), *rest) for t, *rest in log.events])
            conn.executemany("INSERT INTO calls (id, caller, did, trunk, queue, agent_id, seat, arrived_at, answered_at,"
                             " queued_at, agent_answered_at, ended_at, ended_by) VALUES"
                             " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", log.calls)
            conn.executemany("INSERT INTO wrapups (call_id, agent_id, disposition, notes, fcr, at)"
                             " VALUES (?, ?, ?, ?, ?, ?)", log.wrapups)
            conn.executemany("INSERT INTO surveys (call_id, agent_id, queue, score, at) VALUES (?, ?, ?, ?, ?)",
                             log.surveys)
            conn.executemany("INSERT INTO recordings (id, call_id, path, direction, queue, agent_id, team, caller,"
                             " started_at, ended_at, seconds, bytes, status) VALUES"
                             " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", log.recordings)
            sampled = rng.sample(log.recordings, min(len(log.recordings), 2 * AGENTS))
            evaluations = []
            for rec in sampled:
                evaluation += 1
                evaluations.append((evaluation, rec[0], rec[5], rng.uniform(60, 100), rec[9]))
            conn.executemany("INSERT INTO evaluations (id, recording_id, scorecard_id, agent_id, evaluator, answers,"
                             " score, fatal, created_at) VALUES (?, ?, 1, ?, 'lee', '{}', ?, 0, ?)", evaluations)
            if d % 3 == 0:
                rec = rng.choice(log.recordings)
                conn.execute("INSERT INTO complaints (call_id, agent_id, category, description, received_at,"
                             " registered_by) VALUES (?, ?, 'attitude', 'impatient', ?, 'lee')", (rec[1], rec[5], rec[9]))
            counts["events"] += len(log.events)
            counts["agent_events"] += sum(1 for row in log.events if row[3] is not None)
            counts["calls"] += len(log.calls)
    conn.execute("ANALYZE")
    conn.close()
    return counts


# ---- measuring (each in a child process) -------------------------------------------------------------


def month_bounds() -> tuple[str, str]:
    first = date.fromisoformat(f"{MONTH}-01")
    return iso(local_day_start(first.isoformat())), iso(local_day_start((first + timedelta(days=DAYS)).isoformat()))


def measure_kpis(path: Path, traced: bool) -> dict:
    from appliance.teamwork.kpi_source import month_kpis

    conn = connect(path)
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    month = month_kpis(conn, MONTH)
    seconds = time.perf_counter() - started
    figures = {"seconds": seconds, "agent_days": len(month.days),
               "team_calls_per_hour": month.teams[TEAM].value("calls_per_hour"),
               "team_adherence": month.teams[TEAM].value("adherence"),
               "team_handled": month.teams[TEAM].handled}
    if traced:
        figures["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    figures["maxrss_mb"] = peak_rss_mb()
    return figures


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM is this program's own: ru_maxrss would also
    count the parent's memory at the fork (Linux keeps it across exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_scan(path: Path) -> dict:
    conn = connect(path)
    since, upto = month_bounds()
    plain = "SELECT count(*), sum(length(details)) FROM events WHERE agent_id IS NOT NULL AND at BETWEEN ? AND ?"
    plan = [row[-1] for row in conn.execute(f"EXPLAIN QUERY PLAN {plain}", (since, upto))]
    started = time.perf_counter()
    rows, chars = conn.execute(plain, (since, upto)).fetchone()
    plain_s = time.perf_counter() - started
    ids = [a for (a,) in conn.execute("SELECT id FROM agents ORDER BY id")]
    by_agent = (f"SELECT count(*), sum(length(details)) FROM events WHERE agent_id IN ({', '.join('?' * len(ids))})"
                " AND at >= ? AND at < ?")
    started = time.perf_counter()
    rows_by_agent, _ = conn.execute(by_agent, (*ids, since, upto)).fetchone()
    by_agent_s = time.perf_counter() - started
    return {"plain_scan_s": plain_s, "plain_scan_plan": plan, "rows": rows, "details_chars": chars,
            "agent_index_scan_s": by_agent_s, "agent_index_rows": rows_by_agent}


def child(mode: str, path: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", mode, str(path)], capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise SystemExit(f"the {mode} child failed:\n{done.stderr}")
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", type=Path, help="keep the database in this directory (reused when already there)")
    parser.add_argument("--scale", type=float, default=1.0, help="call volumes times this (a smoke run: 0.02)")
    parser.add_argument("--target-s", type=float, default=TARGET_S)
    parser.add_argument("--target-mb", type=float, default=TARGET_MB)
    parser.add_argument("--child", nargs=2, metavar=("MODE", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, path = args.child[0], Path(args.child[1])
        figures = measure_scan(path) if mode == "scan" else measure_kpis(path, traced=mode == "traced")
        print(json.dumps(figures))
        return 0

    with tempfile.TemporaryDirectory(prefix="kpi-month-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / DB_NAME
        generated = None
        if not path.exists():
            started = time.perf_counter()
            generated = generate(path, args.scale)
            generated["seconds"] = round(time.perf_counter() - started, 1)
            print(f"generated {generated['events']:,} events ({generated['agent_events']:,} with an agent), "
                  f"{generated['calls']:,} agent calls in {generated['seconds']} s")
        size_mb = path.stat().st_size / 2**20
        scan = child("scan", path)
        kpis = child("kpis", path)
        traced = child("traced", path)

    ok_time, ok_memory = kpis["seconds"] < args.target_s, kpis["maxrss_mb"] < args.target_mb
    print(f"database: {size_mb:,.0f} MB; month {MONTH}, team {TEAM}: {AGENTS} agents, {DAYS} days, "
          f"{kpis['agent_days']} agent-days, {kpis['team_handled']:,} calls handled")
    print(f"baseline  plain scan of the agents' rows ({scan['rows']:,} rows, {scan['details_chars'] / 2**20:,.0f} MB "
          f"of details): {scan['plain_scan_s']:.2f} s  [plan: {'; '.join(scan['plain_scan_plan'])}]")
    print(f"baseline  the same rows by the agent index (agent_id IN ...): {scan['agent_index_scan_s']:.2f} s")
    print(f"month_kpis: {kpis['seconds']:.2f} s (target < {args.target_s:g} s) {'ok' if ok_time else 'MISSED'}; "
          f"peak RSS {kpis['maxrss_mb']:.0f} MB (target < {args.target_mb:g} MB) {'ok' if ok_memory else 'MISSED'}; "
          f"tracemalloc peak {traced['tracemalloc_peak_mb']:.1f} MB (traced run {traced['seconds']:.2f} s)")
    print(f"team month: calls per hour {kpis['team_calls_per_hour']:.2f}, adherence {kpis['team_adherence']:.4f}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"kpi-month-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps({"generated": generated, "database_mb": size_mb, "scan": scan, "kpis": kpis,
                               "traced": traced, "targets": {"seconds": args.target_s, "mb": args.target_mb},
                               "ok": ok_time and ok_memory}, indent=2))
    print(f"written {out}")
    return 0 if ok_time and ok_memory else 1


if __name__ == "__main__":
    sys.exit(main())
