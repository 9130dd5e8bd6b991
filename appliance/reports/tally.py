"""What happened to each queue's callers in a day, folded from the event log one row at a time.

Pure: event rows go in, in the order they were logged; each queue's outcomes, keyed by call,
come out. Nothing is counted until `queue_stats.py` asks, so a queue's thresholds (`service_level`,
`short_abandon`) changed during the day apply to the whole day, and one call can never be
counted twice: its outcome in a queue is a key, not an increment.

The rows it reads (written by the switchboard, see docs/acd.md):

- `call_queued` a caller entered a queue; `call_connected` {waited} an agent answered;
  `call_abandoned` {waited, phase} the caller hung up while waiting; `call_exited` {reason}
  the queue's rules moved them out; `callback_requested` / `callback_completed` /
  `callback_failed` {final}; `call_completed` {talk} a conversation (or callback) ended.
- `agent_<status>` {previous, duration}: the wrap-up that follows a call lasts until the
  agent's next state, whose `duration` is how long the wrap-up lasted.
"""

from __future__ import annotations

from appliance.acd.agents import AgentStatus
from appliance.store.reports import EventRow

__all__ = ("AGENT_STATE_KINDS", "CALL_KINDS", "KINDS", "DayTally", "QueueDay")

CALL_KINDS = (
    "call_queued",
    "call_connected",
    "call_abandoned",
    "call_exited",
    "call_completed",
    "callback_requested",
    "callback_completed",
    "callback_failed",
)
AGENT_STATE_KINDS = tuple(f"agent_{status.value}" for status in AgentStatus)
KINDS = CALL_KINDS + AGENT_STATE_KINDS
_WRAPUP = f"agent_{AgentStatus.WRAPUP.value}"
_ON_CALL = f"agent_{AgentStatus.ON_CALL.value}"


class QueueDay:
    """One queue's callers today, each in the outcome they reached (call id -> figure)."""

    __slots__ = ("queued", "answered", "abandoned", "exits", "callbacks_requested", "callbacks_completed",
                 "callbacks_failed", "handled")

    def __init__(self) -> None:
        self.queued: set[str] = set()
        self.answered: dict[str, float] = {}  # seconds waited in this queue before an agent answered
        self.abandoned: dict[str, float] = {}  # seconds waited before hanging up
        self.exits: dict[str, str] = {}  # why the queue's rules moved the caller out: timeout, full, empty
        self.callbacks_requested: set[str] = set()
        self.callbacks_completed: set[str] = set()
        self.callbacks_failed: set[str] = set()
        self.handled: dict[tuple[str, str], float] = {}  # (call, agent) -> talk seconds


class DayTally:
    """Follows the event log through one day; `add` the rows as they come, read `queues` at any time."""

    def __init__(self) -> None:
        self.queues: dict[str, QueueDay] = {}
        self.wrapups: dict[tuple[str, str], float] = {}  # (agent, call) -> seconds of wrap-up after it
        self._wrapping: dict[str, tuple[str, float]] = {}  # agent -> (call, start) of a wrap-up going on
        self._on_call: dict[str, str] = {}  # agent -> the call they were last on
        self._queued_at: dict[tuple[str, str], float] = {}  # (queue, call) -> when it entered
        self._connected_at: dict[str, float] = {}

    def add(self, rows: list[EventRow]) -> DayTally:
        for row in rows:
            if row.kind in CALL_KINDS:
                self._call_event(row)
            elif row.kind in AGENT_STATE_KINDS and row.agent_id:
                self._agent_event(row)
        return self

    def wrapup_pending(self, agent_id: str, call_id: str) -> bool:
        wrapping = self._wrapping.get(agent_id)
        return wrapping is not None and wrapping[0] == call_id

    # ---- calls --------------------------------------------------------------------------------

    def _call_event(self, row: EventRow) -> None:
        if not row.queue or not row.call_id:
            return
        day = self.queues.setdefault(row.queue, QueueDay())
        call, details = row.call_id, row.details
        match row.kind:
            case "call_queued":
                day.queued.add(call)
                self._queued_at[(row.queue, call)] = row.at
            case "call_connected":
                day.answered[call] = self._waited(row)
                self._connected_at[call] = row.at
            case "call_abandoned" if details.get("phase", "queued") == "queued":
                # A caller who hangs up during the welcome never joined the queue: not offered, not abandoned.
                day.abandoned[call] = self._waited(row)
            case "call_exited":
                day.exits[call] = str(details.get("reason", "unknown"))
            case "call_completed":
                agent = row.agent_id or str(details.get("agent_id") or "")
                talk = _number(details.get("talk"))
                if talk is None:
                    talk = row.at - self._connected_at.get(call, row.at)
                day.handled[(call, agent)] = day.handled.get((call, agent), 0.0) + talk
            case "callback_requested":
                day.callbacks_requested.add(call)
            case "callback_completed":
                day.callbacks_completed.add(call)
            case "callback_failed" if details.get("final"):
                day.callbacks_failed.add(call)

    def _waited(self, row: EventRow) -> float:
        waited = _number(row.details.get("waited"))
        if waited is not None:
            return waited
        return max(0.0, row.at - self._queued_at.get((row.queue or "", row.call_id or ""), row.at))

    # ---- agents' wrap-ups ---------------------------------------------------------------------

    def _agent_event(self, row: EventRow) -> None:
        agent = row.agent_id or ""
        if row.kind == _ON_CALL and row.call_id:
            self._on_call[agent] = row.call_id
        wrapping = self._wrapping.pop(agent, None)
        if wrapping is not None:
            if row.kind == _WRAPUP:  # the same wrap-up logged again: it goes on
                self._wrapping[agent] = wrapping
                return
            call, started = wrapping
            duration = _number(row.details.get("duration"))
            if row.details.get("previous") != AgentStatus.WRAPUP.value or duration is None:
                duration = row.at - started
            self.wrapups[(agent, call)] = duration
        if row.kind == _WRAPUP:
            call = row.call_id or self._on_call.get(agent)
            if call is not None:
                self._wrapping[agent] = (call, row.at)


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
