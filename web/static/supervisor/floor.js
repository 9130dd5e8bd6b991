// The Floor tab: every agent the user may see with their state and per-agent actions, the live
// calls with listen / whisper / barge, and the seat whose phone rings for monitoring. Rendered
// only from the latest Floor document; durations count on from its clock.

import { $, el, setText } from "/desktop/dom.js";
import { parseTime } from "/desktop/format.js";
import { act, call, fmtDuration, reasonLabel, serverNow, showNotice, state, statusLabel } from "./core.js";
import { getLanguage, t, tOr } from "./i18n.js";

const SEAT_KEY = "branchline.supervisor.seat";
const MODES = ["listen", "whisper", "barge"];
const keys = { agents: "", calls: "", seats: "" };
const reasonChoice = new Map(); // agent id -> the reason picked in their row

const normStatus = (status) => (status === "not_ready" ? "paused" : status || "");
const enc = encodeURIComponent;

export function chosenSeat() {
  try {
    return localStorage.getItem(SEAT_KEY) || "";
  } catch {
    return "";
  }
}

function rememberSeat(seat) {
  try {
    if (seat) localStorage.setItem(SEAT_KEY, seat);
    else localStorage.removeItem(SEAT_KEY);
  } catch {
    // Not remembered; the choice still holds for this page.
  }
}

export function renderSeats() {
  const seats = state.me?.seats || [];
  const key = JSON.stringify([getLanguage(), seats.map((s) => s.name)]);
  if (key === keys.seats) return;
  keys.seats = key;
  const picker = $("seat-picker");
  const saved = chosenSeat();
  picker.replaceChildren(
    el("option", { value: "", text: t("floor.seat_default") }),
    ...seats.map((s) => el("option", { value: s.name, text: s.name })),
  );
  picker.value = seats.some((s) => s.name === saved) ? saved : "";
}

export function renderFloor() {
  const floor = state.floor;
  if (!floor) return;
  renderAgents(floor.agents || []);
  renderCalls(floor.calls || []);
  tickFloor();
}

function pauseSelect(agent) {
  const select = el("select", {
    class: "reason",
    "data-agent-id": agent.agent_id,
    "aria-label": t("floor.pause_reason"),
  });
  select.append(...state.pauseCodes.map((c) => el("option", { value: c.code, text: c.label })));
  const wanted = reasonChoice.get(agent.agent_id) || agent.reason;
  if (state.pauseCodes.some((c) => c.code === wanted)) select.value = wanted;
  select.addEventListener("change", () => reasonChoice.set(agent.agent_id, select.value));
  return select;
}

function renderAgents(agents) {
  setText($("agents-count"), agents.length ? String(agents.length) : "");
  $("agents-empty").hidden = agents.length > 0;
  const key = JSON.stringify([getLanguage(), agents, state.pauseCodes, [...state.busy]]);
  if (key === keys.agents) return;
  keys.agents = key;
  const focused = document.activeElement?.closest?.("#agents [data-focus-key]")?.dataset.focusKey;
  const rows = agents.map((a) => {
    const status = normStatus(a.status);
    const shown = a.shown_status && a.shown_status !== a.status ? a.shown_status : status;
    const out = status === "logged_out";
    const busy = (what) => state.busy.has(`${what}:${a.agent_id}`);
    return el(
      "tr",
      { "data-agent-id": a.agent_id, "data-status": status },
      el("td", {}, el("div", { class: "strong", text: a.name || a.agent_id }),
        el("div", { class: "small muted", text: [a.agent_id, a.team].filter(Boolean).join(" · ") })),
      el("td", {},
        el("span", { class: "badge", "data-status": shown, "data-testid": `agent-${a.agent_id}-state`, text: statusLabel(shown) }),
        a.reason && status === "paused" ? el("div", { class: "small", text: reasonLabel(a.reason) }) : null,
        a.phone_ok === false && !out ? el("div", { class: "small warn", text: t("floor.phone_down") }) : null),
      el("td", { class: "num since", "data-since": out ? "" : a.since || "" }),
      el("td", { text: out ? t("none") : a.seat || t("none") }),
      el("td", {}, a.caller ? el("div", { text: a.caller }) : t("none"),
        a.queue ? el("div", { class: "small muted", text: a.queue }) : null),
      el("td", { class: "actions" },
        el("button", { type: "button", class: "btn-ready", "data-agent-id": a.agent_id, "data-focus-key": `ready:${a.agent_id}`,
          disabled: !(status === "paused" || status === "wrapup") || busy("ready"), text: t("floor.ready") }),
        pauseSelect(a),
        el("button", { type: "button", class: "btn-pause", "data-agent-id": a.agent_id, "data-focus-key": `pause:${a.agent_id}`,
          disabled: out || busy("pause") || state.pauseCodes.length === 0, text: t("floor.pause") }),
        el("button", { type: "button", class: "btn-logout danger", "data-agent-id": a.agent_id, "data-focus-key": `logout:${a.agent_id}`,
          disabled: !(status === "ready" || status === "paused") || busy("logout"), text: t("floor.logout") })),
    );
  });
  $("agents").tBodies[0].replaceChildren(...rows);
  if (focused) document.querySelector(`#agents [data-focus-key="${CSS.escape(focused)}"]`)?.focus();
}

function renderCalls(calls) {
  setText($("calls-count"), calls.length ? String(calls.length) : "");
  $("calls-empty").hidden = calls.length > 0;
  const key = JSON.stringify([getLanguage(), calls, [...state.busy], state.me?.username]);
  if (key === keys.calls) return;
  keys.calls = key;
  const focused = document.activeElement?.closest?.("#calls [data-focus-key]")?.dataset.focusKey;
  const rows = calls.map((c) => {
    // The contract's `phase`; the server sends `held` (a call on the floor is with an agent).
    const phase = c.phase || (c.held ? "held" : "talking");
    const mine = c.monitor && c.monitor.username === state.me?.username ? c.monitor : null;
    const other = c.monitor && !mine ? c.monitor : null;
    const busy = state.busy.has(`monitor:${c.call_id}`);
    let monitorCell;
    if (mine) {
      const select = el("select", { class: "mode", "data-call-id": c.call_id, "data-focus-key": `mode:${c.call_id}`,
        "aria-label": t("floor.mode"), disabled: busy });
      select.append(...MODES.map((m) => el("option", { value: m, text: t(`floor.${m}`) })));
      select.value = mine.mode;
      monitorCell = [
        el("span", { class: "small", "data-testid": `call-${c.call_id}-monitor`,
          text: t("floor.monitored_by", { user: mine.username, mode: tOr(`mode.${mine.mode}`, mine.mode), state: mine.state || "" }) }),
        select,
        el("button", { type: "button", class: "btn-stop danger", "data-call-id": c.call_id, "data-focus-key": `stop:${c.call_id}`,
          disabled: busy, text: t("floor.stop") }),
      ];
    } else {
      monitorCell = [
        other ? el("span", { class: "small muted", "data-testid": `call-${c.call_id}-monitor`,
          text: t("floor.monitored_by", { user: other.username, mode: tOr(`mode.${other.mode}`, other.mode), state: other.state || "" }) }) : null,
        ...MODES.map((m) => el("button", { type: "button", class: `btn-monitor`, "data-mode": m, "data-call-id": c.call_id,
          "data-focus-key": `${m}:${c.call_id}`, disabled: busy || !c.agent_id, text: t(`floor.${m}`) })),
      ];
    }
    return el(
      "tr",
      { "data-call-id": c.call_id, "data-phase": phase },
      el("td", {}, el("div", { class: "strong", text: c.caller || t("none") }),
        el("div", { class: "small muted", text: [c.queue, c.recording ? `● ${t("floor.recording")}` : null].filter(Boolean).join(" · ") })),
      el("td", { text: c.agent_name || c.agent_id || t("none") }),
      el("td", { text: tOr(`phase.${phase}`, phase) }),
      el("td", { class: "num since", "data-since": c.since || "" }),
      el("td", { class: "actions" }, ...monitorCell),
    );
  });
  $("calls").tBodies[0].replaceChildren(...rows);
  if (focused) document.querySelector(`#calls [data-focus-key="${CSS.escape(focused)}"]`)?.focus();
}

export function tickFloor() {
  const now = serverNow();
  for (const cell of document.querySelectorAll("#panel-floor td.since")) {
    const since = parseTime(cell.dataset.since);
    setText(cell, Number.isFinite(since) ? fmtDuration((now - since) / 1000) : "");
  }
}

const rerender = () => renderFloor();

function agentAction(what, agentId, body) {
  return act(`${what}:${agentId}`, () => call("POST", `/api/v1/agents/${enc(agentId)}/${what}`, body), rerender);
}

function monitorBody(mode) {
  const seat = $("seat-picker").value;
  return seat ? { mode, seat } : { mode };
}

export function wireFloor() {
  $("seat-picker").addEventListener("change", () => rememberSeat($("seat-picker").value));
  $("agents").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-agent-id]");
    if (!button || button.disabled) return;
    const id = button.dataset.agentId;
    if (button.classList.contains("btn-ready")) agentAction("ready", id);
    else if (button.classList.contains("btn-pause")) {
      const select = button.parentElement.querySelector("select.reason");
      if (select?.value) agentAction("pause", id, { reason: select.value });
    } else if (button.classList.contains("btn-logout")) {
      const name = button.closest("tr")?.querySelector(".strong")?.textContent || id;
      if (state.testMode || window.confirm(t("floor.logout_confirm", { agent: name }))) agentAction("logout", id);
    }
  });
  $("calls").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-call-id]");
    if (!button || button.disabled) return;
    const id = button.dataset.callId;
    if (button.classList.contains("btn-monitor")) {
      act(`monitor:${id}`, async () => {
        await call("POST", `/api/v1/calls/${enc(id)}/monitor`, monitorBody(button.dataset.mode));
        showNotice(t(`floor.${button.dataset.mode}`));
      }, rerender);
    } else if (button.classList.contains("btn-stop")) {
      act(`monitor:${id}`, () => call("DELETE", `/api/v1/calls/${enc(id)}/monitor`), rerender);
    }
  });
  $("calls").addEventListener("change", (event) => {
    const select = event.target.closest("select.mode");
    if (!select) return;
    const id = select.dataset.callId;
    act(`monitor:${id}`, () => call("PUT", `/api/v1/calls/${enc(id)}/monitor`, { mode: select.value }), rerender);
  });
}
