"""The agent desktop's whole state, as one document the page renders from.

The page never patches its own copy: every change sends the whole `Desktop` again, so a reload, a
reconnect or a second tab shows exactly what the server knows. `DesktopViews` builds it from the
switchboard (live state) and the store (customer, IVR path, history, callbacks, notices); the
screen pop's parts that cannot change while a call rings are read once per call and kept.
"""

from __future__ import annotations

from collections import OrderedDict

import apsw
import msgspec

from appliance.acd.distributor import AgentState, AgentStatus
from appliance.clock import iso
from appliance.core.live_calls import CallView
from appliance.core.switchboard import Switchboard
from appliance.reports.queue_stats import LiveFigures, live_figures
from appliance.store.callbacks import callback_tasks
from appliance.store.customers import find_customer
from appliance.store.ivr import call_path
from appliance.store.notices import notices_for
from appliance.store.users import Account
from appliance.store.wrapups import Contact, contact_history, dispositions, wrapped_up

__all__ = ("Desktop", "DesktopViews")

POP_CACHE = 256  # calls whose screen-pop parts are kept; far more than ring at once


class AgentPart(msgspec.Struct):
    agent_id: str
    name: str
    status: str
    reason: str | None
    seat: str | None
    since: str
    phone_ok: bool
    wrapup_until: str | None
    shown_status: str


class CustomerPart(msgspec.Struct):
    ref: str
    name: str
    tier: str
    language: str | None


class PathPart(msgspec.Struct):
    node: str
    kind: str
    input: str | None


class IvrPart(msgspec.Struct):
    flow: str | None
    path: list[PathPart]
    digits: str


class ConsultPart(msgspec.Struct):
    to: str  # agent | number
    target: str
    state: str  # ringing | talking


class CallPart(msgspec.Struct):
    call_id: str
    state: str  # ringing | talking | held
    caller: str
    queue: str | None
    waited_s: float
    offered_at: str
    answered_at: str | None
    held_since: str | None
    customer: CustomerPart | None
    ivr: IvrPart
    history: list[Contact]
    consultation: ConsultPart | None = None  # the agent is talking to someone else first
    answerable: bool = False  # ringing on a phone that answers when the page asks (seat --remote-answer)


class Choice(msgspec.Struct):
    code: str
    label: str


class WrapupPart(msgspec.Struct):
    call_id: str
    caller: str | None
    customer: CustomerPart | None
    until: str | None
    dispositions: list[Choice]


class QueuePart(msgspec.Struct):
    name: str
    waiting: int
    longest_wait_s: float
    ready_agents: int


class AgentChoice(msgspec.Struct):
    agent_id: str
    name: str
    status: str


class TransferTargets(msgspec.Struct):
    queues: list[str]
    agents: list[AgentChoice]


class CallbackPart(msgspec.Struct):
    id: str
    number: str
    customer_name: str | None
    queue: str
    due_at: str | None
    source: str
    status: str
    attempts: int
    notes: str | None


class NoticePart(msgspec.Struct):
    id: int
    text: str
    author: str
    at: str
    acknowledged: bool


class Desktop(msgspec.Struct):
    server_time: str
    agent: AgentPart | None
    call: CallPart | None
    wrapup: WrapupPart | None
    pause_codes: list[Choice]
    queues: list[QueuePart]
    transfer_targets: TransferTargets
    callbacks: list[CallbackPart]
    notices: list[NoticePart]


class _Pop(msgspec.Struct):
    """The screen pop's parts that do not change while the call lives."""

    caller: str
    queue: str | None
    customer: CustomerPart | None
    ivr: IvrPart
    history: list[Contact]


class DesktopViews:
    def __init__(self, conn: apsw.Connection, switchboard: Switchboard) -> None:
        self._conn = conn
        self._switchboard = switchboard
        self._pops: OrderedDict[str, _Pop] = OrderedDict()
        self._offered_at: dict[str, tuple[str, float]] = {}  # agent -> (call, when it started ringing)

    def build(self, account: Account, now: float, figures: dict[str, LiveFigures] | None = None) -> Desktop:
        """`figures`: the queues' live figures, when the caller builds many desktops at once."""
        switchboard = self._switchboard
        language = account.language or switchboard.config.language
        state = switchboard.distributor.agent(account.agent_id) if account.agent_id else None
        queues = switchboard.distributor.queues_of(account.agent_id) if account.agent_id else []
        if figures is None:
            figures = live_figures(switchboard.distributor, switchboard.config, now)
        return Desktop(
            server_time=iso(now),
            agent=_agent_part(state) if state else None,
            call=self._call_part(state, now) if state else None,
            wrapup=self._wrapup_part(state, language) if state else None,
            pause_codes=[Choice(p.code, (p.label_zh or p.label) if language == "zh" else p.label)
                         for p in switchboard.config.pause_codes if not p.system],
            queues=[_queue_part(name, figures[name]) for name in queues if name in figures],
            transfer_targets=self._targets(account.agent_id),
            callbacks=self._callbacks(account.agent_id, queues) if account.agent_id else [],
            notices=[NoticePart(n.id, n.text, n.author, n.at, n.acknowledged)
                     for n in notices_for(self._conn, account.username, account.team)],
        )

    def live_figures(self, now: float) -> dict[str, LiveFigures]:
        return live_figures(self._switchboard.distributor, self._switchboard.config, now)

    # ---- the call and its screen pop ------------------------------------------------------------

    def _call_part(self, state: AgentState, now: float) -> CallPart | None:
        if state.status not in (AgentStatus.RINGING, AgentStatus.ON_CALL) or state.call_id is None:
            return None
        part = self._live_call_part(state, now)
        seat = self._switchboard.config.seat(state.seat or "")
        if part is not None and part.state == "ringing" and seat is not None and seat.remote_answer:
            part.answerable = True
        return part

    def _live_call_part(self, state: AgentState, now: float) -> CallPart | None:
        call = self._switchboard.call_view(state.call_id)
        call_id, offered = self._offered_at.get(state.agent_id, ("", state.since))
        if call_id != state.call_id:  # a new call: it started ringing at the state's start
            offered = state.since
            self._offered_at[state.agent_id] = (state.call_id, offered)
        if call is None:  # a callback conversation: the customer is dialled, not waiting
            return self._callback_call_part(state, offered)
        pop = self._pop(call)
        if state.status is AgentStatus.RINGING:
            shown, answered, waited = "ringing", None, now - call.entered
        else:
            shown = "held" if call.held_since else "talking"
            answered, waited = iso(call.talk_started), call.talk_started - call.entered
        consultation = self._switchboard.consultations.of_call(call.call_id)
        consult = None
        if consultation is not None and consultation.agent_id == state.agent_id:
            consult = ConsultPart(consultation.to, consultation.target, consultation.state)
        return CallPart(call.call_id, shown, pop.caller, pop.queue, round(max(0.0, waited), 1), iso(offered), answered,
                        iso(call.held_since) if call.held_since else None, pop.customer, pop.ivr, pop.history,
                        consult)

    def _callback_call_part(self, state: AgentState, offered: float) -> CallPart:
        row = self._conn.execute("SELECT number, queue FROM callbacks WHERE id = ?", (state.call_id,)).fetchone()
        number, queue = row if row else ("", None)
        customer = _customer(self._conn, None, number)
        shown = "ringing" if state.status is AgentStatus.RINGING else "talking"
        return CallPart(state.call_id or "", shown, number, queue, 0.0, iso(offered),
                        None if shown == "ringing" else iso(state.since), None, customer, IvrPart(None, [], ""),
                        contact_history(self._conn, number, before_call="") if number else [])

    def _pop(self, call: CallView) -> _Pop:
        pop = self._pops.get(call.call_id)
        if pop is None:
            pop = self._pops[call.call_id] = _Pop(
                call.caller, call.queue, _customer(self._conn, call.customer_ref, call.caller),
                _ivr_part(self._conn, call), contact_history(self._conn, call.caller, before_call=call.call_id))
            while len(self._pops) > POP_CACHE:
                self._pops.popitem(last=False)
        elif pop.queue != call.queue:  # transferred to another queue since
            pop.queue = call.queue
        return pop

    # ---- wrap-up ----------------------------------------------------------------------------------

    def wrapup_call(self, state: AgentState) -> tuple[str, str | None, str | None] | None:
        """(call id, caller, queue) of the call waiting for the agent's disposition: the one in
        wrap-up, else their last conversation when its wrap-up time ran out before they submitted."""
        call_id = state.call_id if state.status is AgentStatus.WRAPUP else self._last_unfinished(state.agent_id)
        if call_id is None or call_id == state.call_id and state.status is AgentStatus.ON_CALL:
            return None  # the call still going on is wrapped up after it
        if wrapped_up(self._conn, call_id, state.agent_id):
            return None
        row = self._conn.execute("SELECT caller, queue FROM calls WHERE id = ?", (call_id,)).fetchone()
        if row is None:  # a callback conversation: its request knows the number and queue
            row = self._conn.execute("SELECT number, queue FROM callbacks WHERE id = ?", (call_id,)).fetchone()
        return (call_id, *row) if row else (call_id, None, None)

    def _wrapup_part(self, state: AgentState, language: str) -> WrapupPart | None:
        pending = self.wrapup_call(state)
        if pending is None:
            return None
        call_id, caller, queue = pending
        until = iso(state.wrapup_until) if state.status is AgentStatus.WRAPUP else None
        choices = [Choice(d.code, d.shown(language)) for d in dispositions(self._conn, queue)]
        return WrapupPart(call_id, caller, _customer(self._conn, None, caller or ""), until, choices)

    def _last_unfinished(self, agent_id: str) -> str | None:
        """The agent's latest conversation since sign-in when it still has no wrap-up (its time ran out)."""
        row = self._conn.execute(
            "SELECT call_id, kind FROM events WHERE agent_id = ? AND kind IN ('call_connected', 'callback_completed',"
            # By time, newest first, along the (agent_id, at) index: it stops at the first match.
            " 'agent_logged_out') ORDER BY at DESC, id DESC LIMIT 1", (agent_id,)).fetchone()
        return row[0] if row and row[1] != "agent_logged_out" else None

    # ---- lists --------------------------------------------------------------------------------------

    def _targets(self, agent_id: str | None) -> TransferTargets:
        distributor = self._switchboard.distributor
        agents = [AgentChoice(a.agent_id, a.name, a.shown_status) for a in distributor.agents()
                  if a.agent_id != agent_id and a.status is not AgentStatus.LOGGED_OUT]
        return TransferTargets(sorted(q.name for q in self._switchboard.config.queues), agents)

    def _callbacks(self, agent_id: str, queues: list[str]) -> list[CallbackPart]:
        parts = []
        for task in callback_tasks(self._conn, agent_id, queues):
            customer = find_customer(self._conn, number=task.number)
            parts.append(CallbackPart(task.id, task.number, customer.name if customer else None, task.queue,
                                      task.due_at, task.source, task.status, task.attempts, task.notes))
        return parts


def _agent_part(state: AgentState) -> AgentPart:
    return AgentPart(state.agent_id, state.name, state.status.value, state.reason or None, state.seat,
                     iso(state.since), state.phone_ok,
                     iso(state.wrapup_until) if state.status is AgentStatus.WRAPUP else None, state.shown_status)


def _queue_part(name: str, live: LiveFigures) -> QueuePart:
    return QueuePart(name, live.waiting, round(live.longest_wait, 1), live.agents.ready)


def _customer(conn: apsw.Connection, ref: str | None, number: str) -> CustomerPart | None:
    customer = find_customer(conn, ref=ref) if ref else None
    if customer is None and number:
        customer = find_customer(conn, number=number)
    if customer is None:
        return None
    return CustomerPart(customer.ref, customer.name, customer.tier.name, customer.language)


def _ivr_part(conn: apsw.Connection, call: CallView) -> IvrPart:
    steps = call_path(conn, call.call_id)
    path = [PathPart(s.node, s.kind, s.digits or s.outcome or None) for s in steps]
    return IvrPart(call.flow, path, "".join(s.digits for s in steps))
