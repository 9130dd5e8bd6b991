"""The floor as team leaders and supervisors see it (docs/supervision.md): every queue's figures,
the agents they may see with their state and call, the conversations going on with who is
listening in, alerts, and the wallboard's colour thresholds. One document, built per user and
pushed by a ScreenHub like the desktop.
"""

from __future__ import annotations

import apsw
import msgspec

from appliance.clock import iso
from appliance.core.conversations import Alert
from appliance.core.switchboard import Switchboard
from appliance.reports.queue_stats import QueueStats, QueueStatsReport
from appliance.reports.service import QueueStatsService
from appliance.store.users import Account
from appliance.store.wallboard import Thresholds, thresholds
from appliance.web.auth import may_see_agent

__all__ = ("Floor", "FloorViews")


class FloorAgent(msgspec.Struct):
    agent_id: str
    name: str
    team: str | None
    status: str
    shown_status: str
    reason: str
    since: str
    seat: str | None
    phone_ok: bool
    call_id: str | None
    queue: str | None  # of the call the agent has
    caller: str | None
    talk_since: str | None


class MonitorPart(msgspec.Struct):
    username: str
    seat: str
    mode: str
    state: str  # ringing | connected


class FloorCall(msgspec.Struct):
    call_id: str
    caller: str
    queue: str | None
    direction: str
    agent_id: str
    agent_name: str
    since: str
    held: bool
    recording: bool
    monitor: MonitorPart | None


class Floor(msgspec.Struct):
    server_time: str
    queues: list[QueueStats]
    agents: list[FloorAgent]
    calls: list[FloorCall]
    alerts: list[Alert]
    thresholds: Thresholds


class FloorViews:
    def __init__(self, conn: apsw.Connection, switchboard: Switchboard, stats: QueueStatsService) -> None:
        self._conn = conn
        self._switchboard = switchboard
        self._stats = stats

    def live_figures(self, now: float) -> QueueStatsReport:
        """Every queue's figures, once per round for all the floors built in it."""
        return self._stats.report()

    def build(self, account: Account, now: float, figures: QueueStatsReport | None = None) -> Floor:
        report = figures if figures is not None else self.live_figures(now)
        config = self._switchboard.config
        visible = {a.id for a in config.agents if may_see_agent(account, a.id, config)}
        return Floor(
            server_time=iso(now),
            queues=report.queues,
            agents=[self._agent(state, config) for state in self._switchboard.distributor.agents()
                    if state.agent_id in visible],
            calls=[self._call(c) for c in self._switchboard.conversations.all() if c.agent_id in visible],
            alerts=self._switchboard.conversations.alerts(),
            thresholds=thresholds(self._conn),
        )

    def _agent(self, state, config) -> FloorAgent:
        call = self._switchboard.call_view(state.call_id)
        agent = next((a for a in config.agents if a.id == state.agent_id), None)
        return FloorAgent(
            agent_id=state.agent_id, name=state.name, team=agent.team if agent else None, status=state.status.value,
            shown_status=state.shown_status, reason=state.reason, since=iso(state.since), seat=state.seat,
            phone_ok=state.phone_ok, call_id=state.call_id, queue=call.queue if call else None,
            caller=call.caller if call else None,
            talk_since=iso(call.talk_started) if call and call.talk_started else None,
        )

    def _call(self, conversation) -> FloorCall:
        live = self._switchboard.call_view(conversation.customer_leg)
        supervision = conversation.supervision
        agent = next((a for a in self._switchboard.config.agents if a.id == conversation.agent_id), None)
        return FloorCall(
            call_id=conversation.call_id, caller=conversation.caller, queue=conversation.queue,
            direction=conversation.direction, agent_id=conversation.agent_id,
            agent_name=agent.name if agent else conversation.agent_id, since=iso(conversation.started),
            held=bool(live and live.held_since), recording=conversation.recording is not None,
            monitor=MonitorPart(supervision.username, supervision.seat, supervision.mode, supervision.state)
            if supervision else None,
        )
