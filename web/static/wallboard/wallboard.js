// The wallboard: every queue's live figures, the floor's agents by state and the alerts, for a
// wall screen. It renders only from the latest Floor document the server sent over
// /api/v1/floor/live (docs/supervision.md); between pushes only the longest waits and the clock
// count on, from the document's own time. Server text is only ever set as text.

import { ApiError, callerWith, LiveConnection, setCsrfToken } from "/desktop/api.js";
import { $, el, setText } from "/desktop/dom.js";
import { fmtDuration, fmtNumber, parseTime } from "/desktop/format.js";
import { getLanguage, setLanguage, t, tOr } from "./i18n.js";
import { disableSigninWhile, refreshSession, renderLanguageSwitch, resumeSession, showSigninError, wireSignin } from "/desktop/signin.js";

const AGENT_STATES = ["ready", "on_call", "wrapup", "not_ready", "ringing"];
const ALLOWED_ROLES = new Set(["team_leader", "supervisor", "admin"]);

const state = {
  me: null,
  floor: null,
  receivedAt: 0, // Date.now() when the Floor on screen arrived
  clockOffset: 0, // the document's clock minus ours, ms
  queueNames: "",
  ws: "idle",
  testMode: false,
  busy: false,
};

const call = callerWith(t);

const live = new LiveConnection("/api/v1/floor/live", {
  onDesktop: (floor) => applyFloor(floor),
  onStatus: renderWsStatus,
  onUnauthorized: () => sessionEnded(t("signin.session_ended")),
  onTrouble: checkSession,
});

// ---------------------------------------------------------------- thresholds

/** "normal" | "warn" | "alarm" for a figure; for the service level a lower value is worse. */
export function level(kind, value, thresholds) {
  const pair = thresholds?.[kind];
  if (!Array.isArray(pair) || pair.length < 2 || typeof value !== "number" || !Number.isFinite(value)) return "normal";
  const [warn, alarm] = pair;
  if (kind === "service_level") {
    if (value < alarm) return "alarm";
    if (value < warn) return "warn";
    return "normal";
  }
  if (value >= alarm) return "alarm";
  if (value >= warn) return "warn";
  return "normal";
}

// ---------------------------------------------------------------- session

function setView(view) {
  document.body.dataset.view = view;
  for (const name of ["loading", "signin", "board"]) $(`view-${name}`).hidden = name !== view;
  if (view === "signin") $("signin-username").focus();
}

async function signedIn(me) {
  state.me = me;
  setCsrfToken(me.csrf_token);
  setLanguage(me.language);
  renderLanguageSwitch(getLanguage());
  if (!ALLOWED_ROLES.has(me.role)) {
    showSigninError(t("signin.not_allowed"));
    setView("signin");
    return;
  }
  setView(state.floor ? "board" : "loading");
  live.start();
}

function sessionEnded(message) {
  live.stop();
  state.me = null;
  state.floor = null;
  setCsrfToken(null);
  showSigninError(message);
  setView("signin");
}

function checkSession() {
  return refreshSession({ call, t, sessionEnded, onMe: adoptMe });
}

function adoptMe(me) {
  state.me = me;
  setCsrfToken(me.csrf_token);
}

// ---------------------------------------------------------------- the Floor

function applyFloor(floor) {
  if (!floor || typeof floor !== "object") return;
  state.floor = floor;
  state.receivedAt = Date.now();
  // The contract names the document's time `at`; the server sends it as `server_time`.
  const at = parseTime(floor.at ?? floor.server_time);
  if (Number.isFinite(at)) state.clockOffset = at - state.receivedAt;
  $("view-board").dataset.floorAt = String(floor.at ?? floor.server_time ?? ""); // which document is on screen
  if (document.body.dataset.view !== "board") setView("board");
  render();
}

const serverNow = () => Date.now() + state.clockOffset;

function figure(testid, labelKey, extraClass = "") {
  return el(
    "div",
    { class: `figure ${extraClass}` },
    el("span", { class: "value", "data-testid": testid, "data-level": "normal", text: "—" }),
    el("span", { class: "label", "data-label": labelKey, text: t(labelKey) }),
  );
}

function buildTile(name) {
  const id = (part) => `q-${name}-${part}`;
  return el(
    "section",
    { class: "tile", "data-queue": name, "aria-label": name },
    el("h2", { class: "qname", text: name }),
    el(
      "div",
      { class: "figures" },
      figure(id("waiting"), "queue.waiting", "main"),
      figure(id("longest"), "queue.longest", "main"),
      figure(id("sl"), "queue.sl", "main"),
      figure(id("answered"), "queue.answered"),
      figure(id("abandoned"), "queue.abandoned"),
      figure(id("ewt"), "queue.ewt"),
    ),
    el(
      "div",
      { class: "agent-states" },
      ...AGENT_STATES.map((s) =>
        el(
          "span",
          { class: "chip", "data-state": s },
          el("b", { "data-testid": id(`agents-${s}`), text: "0" }),
          " ",
          el("span", { "data-label": `agents.${s}`, text: t(`agents.${s}`) }),
        ),
      ),
    ),
  );
}

function byTestId(root, testid) {
  for (const node of root.querySelectorAll("[data-testid]")) if (node.dataset.testid === testid) return node;
  return null;
}

function setFigure(root, testid, text, lvl = "normal") {
  const node = byTestId(root, testid);
  if (!node) return;
  setText(node, text);
  if (node.dataset.level !== lvl) node.dataset.level = lvl;
}

function render() {
  const floor = state.floor;
  if (!floor) return;
  const queues = Array.isArray(floor.queues) ? floor.queues : [];
  const names = JSON.stringify(queues.map((q) => q.queue));
  const box = $("queues");
  if (names !== state.queueNames) {
    state.queueNames = names;
    box.replaceChildren(...queues.map((q) => buildTile(q.queue)));
    box.dataset.count = String(queues.length);
  }
  $("queues-empty").hidden = queues.length > 0;
  const lang = getLanguage();
  const thresholds = floor.thresholds || {};
  for (const q of queues) {
    const tile = box.querySelector(`.tile[data-queue="${CSS.escape(q.queue)}"]`);
    if (!tile) continue;
    const live = q.live || {};
    const today = q.today || {};
    const id = (part) => `q-${q.queue}-${part}`;
    const waiting = Number(live.waiting) || 0;
    setFigure(tile, id("waiting"), String(waiting), level("waiting", waiting, thresholds));
    const sl = typeof today.service_level === "number" ? today.service_level : null;
    setFigure(tile, id("sl"), sl === null ? t("none") : `${fmtNumber(sl, 0, lang)}%`, level("service_level", sl, thresholds));
    setFigure(tile, id("answered"), String(today.answered ?? 0));
    setFigure(tile, id("abandoned"), String(today.abandoned ?? 0));
    setFigure(tile, id("ewt"), typeof live.estimated_wait === "number" ? fmtDuration(live.estimated_wait) : t("none"));
    const agents = live.agents || {};
    for (const s of AGENT_STATES) setFigure(tile, id(`agents-${s}`), String(agents[s] ?? 0));
    tile.dataset.level = ["alarm", "warn"].find((l) => tile.querySelector(`.value[data-level="${l}"]`)) || "normal";
  }
  renderTotals(floor);
  renderAlerts(floor);
  tick();
}

function renderTotals(floor) {
  const counts = Object.fromEntries(AGENT_STATES.map((s) => [s, 0]));
  for (const agent of floor.agents || []) {
    const status = agent.status === "paused" ? "not_ready" : agent.status;
    if (status in counts) counts[status] += 1;
  }
  for (const s of AGENT_STATES) setFigure(document, `total-${s}`, String(counts[s]));
}

function renderAlerts(floor) {
  const alerts = Array.isArray(floor.alerts) ? floor.alerts : [];
  const box = $("alerts");
  box.hidden = alerts.length === 0;
  const key = JSON.stringify([getLanguage(), alerts]);
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.replaceChildren(
    ...alerts.map((a) => {
      const since = parseTime(a.since);
      const when = Number.isFinite(since) ? t("alert.since", { time: new Date(since).toLocaleTimeString(getLanguage() === "zh" ? "zh-CN" : "en-GB", { hour: "2-digit", minute: "2-digit" }) }) : "";
      return el(
        "div",
        { class: "alert", "data-kind": a.kind || "" },
        el("span", { class: "icon", "aria-hidden": "true", text: "⚠" }),
        el("span", { class: "text", text: tOr(`alert.${a.kind}`, a.message || a.kind || "") }),
        a.message && tOr(`alert.${a.kind}`, null) ? el("span", { class: "detail", text: a.message }) : null,
        when ? el("span", { class: "since", text: when }) : null,
      );
    }),
  );
}

/** The longest waits count up between pushes; the clock shows the document's time. */
function tick() {
  const now = serverNow();
  setText($("clock"), new Date(now).toLocaleTimeString(getLanguage() === "zh" ? "zh-CN" : "en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" }));
  const floor = state.floor;
  if (!floor) return;
  const thresholds = floor.thresholds || {};
  const box = $("queues");
  for (const q of floor.queues || []) {
    const tile = box.querySelector(`.tile[data-queue="${CSS.escape(q.queue)}"]`);
    if (!tile) continue;
    const live = q.live || {};
    let seconds = null;
    if ((Number(live.waiting) || 0) > 0) {
      const since = parseTime(live.longest_waiting_since);
      seconds = Number.isFinite(since)
        ? (now - since) / 1000
        : (Number(live.longest_wait) || 0) + (Date.now() - state.receivedAt) / 1000;
    }
    setFigure(tile, `q-${q.queue}-longest`, seconds === null ? t("none") : fmtDuration(seconds), level("longest_wait", seconds, thresholds));
  }
  const at = parseTime(floor.at ?? floor.server_time);
  if (state.ws === "reconnecting" && Number.isFinite(at)) {
    setText($("ws-status"), `${t("ws.reconnecting")} ${t("ws.stale", { time: new Date(at).toLocaleTimeString(getLanguage() === "zh" ? "zh-CN" : "en-GB") })}`);
  }
}

function renderWsStatus(status) {
  state.ws = status;
  document.body.dataset.ws = status;
  const badge = $("ws-status");
  badge.dataset.state = status;
  badge.hidden = status !== "reconnecting";
  setText(badge, status === "reconnecting" ? t("ws.reconnecting") : "");
}

function relabel() {
  for (const node of document.querySelectorAll("[data-label]")) setText(node, t(node.dataset.label));
  renderWsStatus(state.ws);
  renderLanguageSwitch(getLanguage());
  if (state.floor) render();
}

async function switchLanguage(lang) {
  if (lang === getLanguage()) return;
  if (state.me && !state.testMode) {
    try {
      const me = await call("PUT", "/api/v1/me/language", { language: lang });
      state.me = me;
      setCsrfToken(me.csrf_token);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        sessionEnded(t("signin.session_ended"));
        return;
      }
    }
  }
  setLanguage(lang);
  relabel();
}

// ---------------------------------------------------------------- wiring

/** One sign-in at a time. */
async function signingIn(fn, onError) {
  if (state.busy) return;
  state.busy = true;
  try {
    await disableSigninWhile(fn, onError);
  } finally {
    state.busy = false;
  }
}

function wire() {
  wireSignin({ call, t, signedIn, sessionEnded, switchLanguage, signingIn });
  setInterval(tick, 250);
}

/** For browser tests: render a Floor as if it came from the server (the live connection stops). */
window.__renderFloorForTest = (floor) => {
  state.testMode = true;
  live.stop();
  applyFloor(floor);
  return { view: document.body.dataset.view };
};

async function start() {
  setView("loading");
  await resumeSession({ call, signedIn, notSignedIn, testing: () => state.testMode });
}

function notSignedIn(error) {
  if (error instanceof ApiError && error.status === 0) {
    // A wall screen switched on before the server: keep trying, nobody is there to reload it.
    setTimeout(start, 2000);
    return;
  }
  setView("signin");
  if (error instanceof ApiError && error.status !== 401 && error.fromServer) showSigninError(error.message);
}

setLanguage(getLanguage());
renderLanguageSwitch(getLanguage());
wire();
window.__wallboardReady = start();
