"""Queue statistics from hand-built event logs and a real distributor: no SIP, no sleeping."""

from __future__ import annotations

import asyncio
import itertools
import time
from pathlib import Path

import apsw
import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st
from litestar.exceptions import WebSocketDisconnect
from litestar.testing import TestClient

from appliance.acd.distributor import Distributor
from appliance.clock import iso
from appliance.errors import NotFound
from appliance.model import Agent, BranchConfig, Queue, Seat
from appliance.reports.queue_stats import (
    day_start,
    figures_from,
    live_figures,
    queue_stats_report,
    today_figures,
    without_clock,
)
from appliance.reports.service import QueueStatsService
from appliance.reports.tally import DayTally
from appliance.resources import migrations_dir
from appliance.store.database import connect
from appliance.store.migrations import migrate
from appliance.store.records import append_event
from appliance.store.reports import EventRow, events_since
from appliance.store.users import add_user, issue_token
from appliance.web.app import create_app
from appliance.web.live import StatsHub
from appliance.web.services import Services

T0 = 1_700_000_000.0
GENERAL = Queue("general", service_level=20, short_abandon=5, wrapup=10, skills={"general": 1})
LOANS = Queue("loans", service_level=30, short_abandon=0, skills={"loans": 1})
ANN = Agent("ann", "Ann", {"general": 5})
BOB = Agent("bob", "Bob", {"general": 3, "loans": 6})
CAROL = Agent("carol", "Carol", {"loans": 8})
SEATS = tuple(Seat(f"desk-{i}", f"sip:desk{i}@127.0.0.1:{5070 + 10 * i}") for i in range(1, 4))
CONFIG = BranchConfig(seats=SEATS, agents=(ANN, BOB, CAROL), queues=(GENERAL, LOANS))


class Log:
    """Builds event rows the way the switchboard logs them, with ids in log order."""

    def __init__(self) -> None:
        self.rows: list[EventRow] = []
        self._ids = itertools.count(1)

    def add(self, at: float, kind: str, call: str | None = None, queue: str | None = "general",
            agent: str | None = None, **details: object) -> Log:
        self.rows.append(EventRow(next(self._ids), T0 + at, kind, call, queue, agent, details))
        return self

    def answered(self, call: str, queued_at: float, waited: float, queue: str = "general") -> Log:
        return (self.add(queued_at, "call_queued", call, queue, priority=0)
                .add(queued_at + waited, "call_connected", call, queue, "ann", seat="desk-1", waited=waited))

    def abandoned(self, call: str, queued_at: float, waited: float, queue: str = "general") -> Log:
        return (self.add(queued_at, "call_queued", call, queue, priority=0)
                .add(queued_at + waited, "call_abandoned", call, queue, waited=waited, phase="queued"))

    def agent(self, at: float, agent: str, status: str, previous: str, duration: float, call: str | None = None,
              queue: str | None = None) -> Log:
        return self.add(at, f"agent_{status}", call, queue, agent, reason="", previous=previous, duration=duration)


def figures(log: Log, *queues: Queue):
    return today_figures(log.rows, queues or (GENERAL,))


# ---- service level, abandons, callbacks -------------------------------------------------------------


def test_a_call_answered_exactly_at_the_service_level_is_within_it_and_a_moment_later_is_not():
    log = Log().answered("c1", 0, 20.0).answered("c2", 1, 20.001).answered("c3", 2, 3.0)
    today = figures(log)["general"]
    assert (today.offered, today.answered, today.answered_within_sl) == (3, 3, 2)
    assert today.service_level == 66.7
    assert today.asa == round((20.0 + 20.001 + 3.0) / 3, 1)


def test_a_caller_who_gives_up_sooner_than_the_short_abandon_threshold_is_counted_apart():
    log = Log().answered("c1", 0, 10.0).abandoned("c2", 0, 4.999).abandoned("c3", 0, 5.0)
    today = figures(log)["general"]
    assert (today.offered, today.abandoned, today.short_abandoned) == (3, 1, 1)
    # answered within T / answered, and answered within T / (answered + abandoned): no short abandon.
    assert (today.service_level, today.service_level_with_abandons) == (100.0, 50.0)


def test_a_callback_request_is_not_an_abandon_even_when_the_caller_then_hangs_up():
    log = (Log().add(0, "call_queued", "c1", priority=0)
           .add(30, "callback_requested", "c1", number="5551234", waited=30.0, via="key")
           .add(31, "call_abandoned", "c1", waited=31.0, phase="queued")
           .add(200, "callback_dialled", "c1", agent_id="ann", number="5551234", attempt=1)
           .add(205, "callback_completed", "c1", agent="ann", number="5551234"))
    today = figures(log)["general"]
    assert (today.offered, today.answered, today.abandoned, today.short_abandoned) == (1, 0, 0, 0)
    assert (today.callbacks_requested, today.callbacks_completed) == (1, 1)
    assert today.service_level_with_abandons is None


def test_a_call_answered_is_never_counted_as_abandoned():
    log = Log().answered("c1", 0, 8.0).add(9, "call_abandoned", "c1", waited=9.0, phase="queued")
    today = figures(log)["general"]
    assert (today.answered, today.abandoned, today.short_abandoned) == (1, 0, 0)


def test_a_caller_who_hangs_up_during_the_welcome_was_never_offered_nor_abandoned():
    log = Log().add(2, "call_abandoned", "c1", waited=0.0, phase="welcome")
    today = figures(log)["general"]
    assert (today.offered, today.abandoned, today.short_abandoned) == (0, 0, 0)


def test_a_failed_callback_counts_once_when_the_last_try_fails():
    log = (Log().add(0, "call_queued", "c1", priority=0)
           .add(5, "callback_requested", "c1", number="555", waited=5.0, via="key")
           .add(50, "callback_failed", "c1", attempt=1, final=False, reason="busy")
           .add(400, "callback_failed", "c1", attempt=2, final=True, reason="no answer"))
    today = figures(log)["general"]
    assert (today.callbacks_requested, today.callbacks_completed, today.callbacks_failed) == (1, 0, 1)


def test_an_overflowed_caller_is_offered_in_each_queue_and_exits_only_the_first():
    log = (Log().add(0, "call_queued", "c1", priority=0)
           .add(300, "call_exited", "c1", reason="timeout", destination="queue:loans", waited=300.0)
           .add(300, "call_transferred", "c1", from_queue="general", to_queue="loans", reason="timeout")
           .add(300, "call_queued", "c1", "loans", priority=0)
           .add(310, "call_connected", "c1", "loans", "bob", seat="desk-2", waited=10.0))
    general, loans = figures(log, GENERAL, LOANS).values()
    assert (general.offered, general.answered, general.abandoned, general.exits) == (1, 0, 0, {"timeout": 1})
    assert (loans.offered, loans.answered, loans.exits, loans.asa) == (1, 1, {}, 10.0)


def test_exits_are_counted_by_reason_and_are_not_abandons():
    log = (Log().add(0, "call_queued", "c1", priority=0)
           .add(0, "call_exited", "c1", reason="full", destination="sorry", waited=0.0)
           .add(1, "call_queued", "c2", priority=0)
           .add(1, "call_exited", "c2", reason="empty", destination="sorry", waited=0.0)
           .add(2, "call_queued", "c3", priority=0)
           .add(302, "call_exited", "c3", reason="timeout", destination="callback", waited=300.0)
           .add(305, "callback_requested", "c3", number="555", waited=303.0, via="overflow"))
    today = figures(log)["general"]
    assert today.exits == {"empty": 1, "full": 1, "timeout": 1}
    assert (today.offered, today.abandoned, today.callbacks_requested) == (3, 0, 1)


def test_a_day_without_answered_calls_has_no_rates_rather_than_zeros():
    today = figures(Log().abandoned("c1", 0, 1.0))["general"]
    assert (today.service_level, today.service_level_with_abandons, today.asa, today.aht) == (None, None, None, None)


def test_changing_a_queue_threshold_applies_to_the_whole_day():
    log = Log().answered("c1", 0, 25.0).abandoned("c2", 0, 7.0)
    before = figures(log)["general"]
    assert (before.service_level, before.abandoned, before.short_abandoned) == (0.0, 1, 0)
    after = figures(log, msgspec.structs.replace(GENERAL, service_level=30, short_abandon=10))["general"]
    assert (after.service_level, after.abandoned, after.short_abandoned) == (100.0, 0, 1)


# ---- handle time --------------------------------------------------------------------------------


def test_aht_is_talk_plus_the_wrapup_that_followed_the_call():
    log = (Log().answered("c1", 0, 5.0)
           .agent(5, "ann", "on_call", "ringing", 2.0, call="c1", queue="general")
           .add(65, "call_completed", "c1", agent="ann", agent_id="ann", by="caller", talk=60.0)
           .agent(65, "ann", "wrapup", "on_call", 60.0, call="c1", queue="general")
           .agent(77.5, "ann", "ready", "wrapup", 12.5))
    today = figures(log)["general"]
    assert (today.aht, today.handled) == (72.5, 1)


def test_a_call_whose_wrapup_goes_on_is_left_out_of_aht_until_it_ends():
    log = (Log().answered("c1", 0, 5.0)
           .agent(5, "ann", "on_call", "ringing", 2.0, call="c1")
           .add(65, "call_completed", "c1", agent="ann", by="caller", talk=60.0)
           .agent(65, "ann", "wrapup", "on_call", 60.0, call="c1", queue="general"))
    assert (figures(log)["general"].aht, figures(log)["general"].handled) == (None, 0)
    log.agent(70, "ann", "not_ready", "wrapup", 5.0)
    assert figures(log)["general"].aht == 65.0


def test_a_wrapup_logged_before_the_call_completes_and_without_its_call_is_matched_to_the_agents_call():
    # The agent hangs up: the distributor starts the wrap-up before the caller's leg has ended.
    log = (Log().answered("c1", 0, 5.0)
           .agent(5, "ann", "on_call", "ringing", 2.0, call="c1")
           .agent(45, "ann", "wrapup", "on_call", 40.0, queue="general")
           .add(45.2, "call_completed", "c1", agent="ann", by="agent", talk=40.0)
           .agent(55, "ann", "ready", "wrapup", 10.0))
    assert figures(log)["general"].aht == 50.0


def test_without_a_wrapup_the_handle_time_is_the_talk_alone():
    log = (Log().answered("c1", 0, 5.0)
           .agent(5, "ann", "on_call", "ringing", 2.0, call="c1")
           .add(35, "call_completed", "c1", agent="ann", by="caller", talk=30.0)
           .agent(35, "ann", "ready", "on_call", 30.0))
    assert figures(log)["general"].aht == 30.0


def test_a_callback_conversation_counts_in_aht_but_not_as_answered():
    log = (Log().add(0, "call_queued", "c1", priority=0)
           .add(5, "callback_requested", "c1", number="555", waited=5.0, via="key")
           .agent(100, "ann", "on_call", "ringing", 3.0, call="c1")
           .add(104, "callback_completed", "c1", agent="ann", number="555")
           .add(164, "call_completed", "c1", agent="ann", by="caller", talk=60.0, callback=True)
           .agent(164, "ann", "wrapup", "on_call", 64.0, call="c1", queue="general")
           .agent(174, "ann", "ready", "wrapup", 10.0))
    today = figures(log)["general"]
    assert (today.answered, today.aht, today.handled) == (0, 70.0, 1)


@given(st.integers(min_value=0, max_value=40))
def test_following_the_log_in_pieces_gives_the_same_figures_as_reading_it_at_once(cut):
    log = (Log().answered("c1", 0, 5.0).agent(5, "ann", "on_call", "ringing", 1.0, call="c1")
           .abandoned("c2", 1, 12.0).abandoned("c3", 2, 1.0)
           .add(65, "call_completed", "c1", agent="ann", by="caller", talk=60.0)
           .agent(65, "ann", "wrapup", "on_call", 60.0, call="c1", queue="general")
           .answered("c4", 10, 70.0).agent(80, "ann", "on_call", "wrapup", 15.0, call="c4")
           .add(90, "call_queued", "c5", priority=0)
           .add(95, "callback_requested", "c5", number="555", waited=5.0, via="key"))
    whole = DayTally().add(log.rows)
    pieces = DayTally().add(log.rows[:cut]).add(log.rows[cut:])
    assert figures_from(pieces, [GENERAL]) == figures_from(whole, [GENERAL])


# ---- now, from the distributor --------------------------------------------------------------------


def _ready(d: Distributor, agent_id: str, seat: str, now: float) -> None:
    d.login(agent_id, seat, now)
    d.ready(agent_id, now)


def test_live_figures_show_callers_waiting_the_longest_wait_and_agents_by_state():
    d = Distributor(CONFIG)
    d.login("ann", "desk-1", 0.0)  # not ready
    _ready(d, "carol", "desk-3", 0.0)
    d.enqueue("c1", "general", 10.0)
    d.enqueue("c2", "general", 25.0)
    d.request_callback("c2", "5551234", 30.0)
    d.enqueue("c3", "loans", 31.0)  # offered to carol at once: her phone rings
    general, loans = live_figures(d, CONFIG, 40.0).values()
    assert (general.waiting, general.callbacks_waiting, general.longest_wait) == (1, 1, 30.0)
    assert general.longest_waiting_since == iso(10.0)
    assert (general.agents.not_ready, general.agents.logged_out, general.agents.ready) == (1, 1, 0)
    assert (loans.waiting, loans.agents.ringing, loans.agents.logged_out) == (1, 1, 1)


def test_an_agent_whose_phone_stopped_answering_is_shown_apart():
    d = Distributor(CONFIG)
    _ready(d, "ann", "desk-1", 0.0)
    d.phone_reachable("desk-1", False, 5.0)
    general = live_figures(d, CONFIG, 6.0)["general"]
    assert (general.agents.ready, general.agents.phone_unreachable) == (0, 1)
    assert general.estimated_wait is None  # nobody can take a call


def test_the_estimated_wait_is_for_a_caller_joining_behind_everyone_already_in_line():
    d = Distributor(CONFIG)
    assert live_figures(d, CONFIG, 0.0)["general"].estimated_wait is None
    _ready(d, "ann", "desk-1", 0.0)
    assert live_figures(d, CONFIG, 1.0)["general"].estimated_wait == 0.0
    d.enqueue("c1", "general", 2.0)  # ann's phone rings: she is busy now
    expected = d.estimated_wait("general", 2, 3.0)
    assert live_figures(d, CONFIG, 3.0)["general"].estimated_wait == round(expected, 1) > 0


# ---- the day, the store and the running service ------------------------------------------------------


def test_today_starts_at_local_midnight_of_the_servers_time_zone(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        # 2024-03-01 01:30 in Shanghai is 2024-02-29 17:30 UTC; that day began at 16:00 UTC.
        assert iso(day_start(1709227800.0)) == "2024-02-29T16:00:00.000Z"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


@pytest.fixture
def conn(tmp_path: Path) -> apsw.Connection:
    conn = connect(tmp_path / "b.db")
    migrate(conn, migrations_dir(), tmp_path / "backups")
    return conn


def test_the_store_reads_events_of_the_given_kinds_since_a_time_and_after_the_last_read(conn):
    append_event(conn, T0 - 1, "call_queued", call_id="old", queue="general", priority=0)
    append_event(conn, T0, "call_queued", call_id="c1", queue="general", priority=0)
    append_event(conn, T0 + 1, "announcement", call_id="c1", queue="general", position=1)
    append_event(conn, T0 + 2.5, "call_connected", call_id="c1", queue="general", agent_id="ann", waited=2.5)
    first = events_since(conn, T0, ["call_queued", "call_connected"])
    assert [(r.kind, r.call_id, r.at) for r in first] == [("call_queued", "c1", T0), ("call_connected", "c1", T0 + 2.5)]
    assert first[1].agent_id == "ann" and first[1].details == {"waited": 2.5}
    assert events_since(conn, T0, ["call_queued"], after_id=first[-1].id) == []


class FakeClock:
    def __init__(self, at: float) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at


def _store_config(conn: apsw.Connection) -> None:
    from appliance.store import routing as store

    store.add_queue(conn, Queue("general", 15, 10, 300, {"general": 1}))
    store.add_agent(conn, Agent("ann", "Ann", {"general": 5}))


def test_the_running_service_follows_the_log_and_starts_again_at_midnight(conn):
    _store_config(conn)
    midnight = day_start(T0)
    clock = FakeClock(midnight + 3600)
    service = QueueStatsService(conn, lambda: Distributor(BranchConfig(queues=(GENERAL,), agents=(ANN,))), clock)
    append_event(conn, midnight - 10, "call_queued", call_id="yesterday", queue="general", priority=0)
    append_event(conn, midnight + 10, "call_queued", call_id="c1", queue="general", priority=0)
    assert service.report().queues[0].today.offered == 1
    append_event(conn, midnight + 20, "call_connected", call_id="c1", queue="general", agent_id="ann", waited=10.0)
    [general] = service.report("general").queues
    assert (general.today.offered, general.today.answered, general.today.asa) == (1, 1, 10.0)
    clock.at = midnight + 86400 + 60
    assert service.report().queues[0].today.offered == 0


def test_asking_for_a_queue_that_does_not_exist_says_how_to_list_them(conn):
    _store_config(conn)
    service = QueueStatsService(conn, lambda: Distributor(BranchConfig()), FakeClock(T0))
    with pytest.raises(NotFound, match="'branchline queue list' shows the queues"):
        service.report("nope")


# ---- pushing ------------------------------------------------------------------------------------------


class Figures:
    """A snapshot whose content the test changes; counts how often it was taken."""

    def __init__(self) -> None:
        self.content, self.taken = b"1", 0

    def __call__(self) -> tuple[bytes, bytes]:
        self.taken += 1
        return self.content, self.content + b"@" + str(self.taken).encode()


async def _collect(hub: StatsHub, into: list[bytes]) -> None:
    async for payload in hub.stream():
        into.append(payload)


def test_the_hub_sends_on_connect_then_only_changes_coalesced_and_a_heartbeat():
    async def scenario() -> list[bytes]:
        figures = Figures()
        hub = StatsHub(figures, min_interval=0.05, heartbeat=0.5)
        got: list[bytes] = []
        reader = asyncio.create_task(_collect(hub, got))
        await asyncio.sleep(0.01)
        for _ in range(20):  # a burst of events with nothing changed: nothing to push
            hub.notify()
        await asyncio.sleep(0.1)
        figures.content = b"2"
        for _ in range(20):  # a burst that changed the figures: one push
            hub.notify()
            await asyncio.sleep(0.001)
        await asyncio.sleep(0.2)
        changed = len(got)
        await asyncio.sleep(0.5)  # nothing changes: the heartbeat pushes anyway
        await hub.close()
        await asyncio.wait_for(reader, 1)
        return [g.split(b"@")[0] for g in got[:changed]] + [b"beat"] * (len(got) - changed)

    assert asyncio.run(scenario()) == [b"1", b"2", b"beat"]


def test_closing_the_hub_ends_every_stream():
    async def scenario() -> int:
        hub = StatsHub(Figures(), min_interval=0.01, heartbeat=10)
        readers = [asyncio.create_task(_collect(hub, [])) for _ in range(3)]
        await asyncio.sleep(0.05)
        assert hub.subscribers == 3
        await hub.close()
        await asyncio.wait_for(asyncio.gather(*readers), 1)
        return hub.subscribers

    assert asyncio.run(scenario()) == 0


# ---- the API, through the real app -------------------------------------------------------------------


class FakeSwitchboard:
    def __init__(self, distributor: Distributor) -> None:
        self.distributor = distributor


@pytest.fixture
def api(conn):
    _store_config(conn)
    distributor = Distributor(BranchConfig(seats=SEATS, queues=(GENERAL,), agents=(ANN,)))
    services = Services(conn, FakeSwitchboard(distributor), lambda: {}, lambda: {})
    token = issue_token(conn, add_user(conn, "sup", "secret-pass", "supervisor"), "test")
    with TestClient(create_app(services)) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        yield client, token, distributor


def test_the_stats_api_needs_a_token_and_gives_every_queue(api):
    client, _, distributor = api
    assert client.get("/api/v1/queues/stats", headers={"Authorization": "Bearer wrong"}).status_code == 401
    distributor.enqueue("c1", "general", time.time() - 12)
    body = client.get("/api/v1/queues/stats").json()
    assert set(body) == {"at", "day_start", "queues"}
    [general] = body["queues"]
    assert (general["queue"], general["service_level_seconds"], general["short_abandon_seconds"]) == ("general", 20, 5)
    assert general["live"]["waiting"] == 1 and general["live"]["longest_wait"] >= 12
    assert general["today"]["offered"] == 0 and general["today"]["service_level"] is None


def test_asking_for_an_unknown_queue_gets_the_error_shape(api):
    client, _, _ = api
    response = client.get("/api/v1/queues/stats", params={"queue": "nope"})
    assert response.status_code == 404
    assert response.json() == {"error_id": "not_found", "details": {"queue": "nope"},
                               "message": "queue 'nope' does not exist: 'branchline queue list' shows the queues."}


def test_the_live_socket_takes_the_token_in_the_query_and_sends_the_report_at_once(api):
    client, token, _ = api
    with client.websocket_connect(f"/api/v1/queues/stats/live?token={token}") as socket:
        report = socket.receive_json()
    assert [q["queue"] for q in report["queues"]] == ["general"]


def test_the_live_socket_refuses_a_connection_without_a_token(api):
    client, _, _ = api
    with pytest.raises(WebSocketDisconnect) as refused:
        with client.websocket_connect("/api/v1/queues/stats/live", headers={"Authorization": ""}) as socket:
            socket.receive_json()
    assert refused.value.code == 4401


def test_pushed_reports_differ_only_when_more_than_the_clock_moved():
    d = Distributor(CONFIG)
    d.enqueue("c1", "general", 0.0)
    first = queue_stats_report(DayTally(), d, CONFIG, 10.0, since=0.0)
    later = queue_stats_report(DayTally(), d, CONFIG, 14.0, since=0.0)
    assert first != later and without_clock(first) == without_clock(later)
    d.enqueue("c2", "general", 14.0)
    assert without_clock(queue_stats_report(DayTally(), d, CONFIG, 14.0, since=0.0)) != without_clock(later)
