// The supervisor page's shell: signing in, the tabs (kept in the URL's #hash), the live Floor
// over /api/v1/floor/live, the language. Each tab is its own module; they share core.js.

import { ApiError, LiveConnection, setCsrfToken } from "/desktop/api.js";
import { $, setText } from "/desktop/dom.js";
import { parseTime } from "/desktop/format.js";
import { act, call, clearError, hooks, localDay, state } from "./core.js";
import { loadEvaluationList, loadHighlights, loadReview, renderEvaluationList, renderHighlights, renderReview, wireEvaluations } from "./evaluations.js";
import { renderFloor, renderSeats, tickFloor, wireFloor } from "./floor.js";
import { getLanguage, setLanguage, t } from "./i18n.js";
import { refreshSession, renderLanguageSwitch, resumeSession, showSigninError, wireSignin } from "/desktop/signin.js";
import { wireTabBar } from "/desktop/tabs.js";
import { openRecording, rerenderRecordings, search, wireRecordings } from "./recordings.js";

const TABS = ["floor", "recordings", "review", "evaluations", "highlights"];
const STAFF = new Set(["team_leader", "supervisor", "admin"]);
let searchedOnce = false;

const live = new LiveConnection("/api/v1/floor/live", {
  onDesktop: (floor) => applyFloor(floor),
  onStatus: renderWsStatus,
  onUnauthorized: () => sessionEnded(t("signin.session_ended")),
  onTrouble: checkSession,
});

const isStaff = () => STAFF.has(state.me?.role);

function applyFloor(floor) {
  if (!floor || typeof floor !== "object") return;
  state.floor = floor;
  const at = parseTime(floor.at ?? floor.server_time); // the contract's `at`, the server's `server_time`
  if (Number.isFinite(at)) state.clockOffset = at - Date.now();
  renderFloor();
}

// ---------------------------------------------------------------- views and tabs

function setView(view) {
  document.body.dataset.view = view;
  for (const name of ["loading", "signin", "app"]) $(`view-${name}`).hidden = name !== view;
  if (view === "signin") $("signin-username").focus();
}

function currentRoute() {
  const [tab, id] = location.hash.replace(/^#/, "").split("/");
  const wanted = TABS.includes(tab) ? tab : "floor";
  return { tab: isStaff() ? wanted : "highlights", id: id || null };
}

function showTab(tab) {
  document.body.dataset.tab = tab;
  for (const name of TABS) {
    const button = $(`tab-${name}`);
    const selected = name === tab;
    button.setAttribute("aria-selected", String(selected));
    button.tabIndex = selected ? 0 : -1;
    $(`panel-${name}`).hidden = !selected;
  }
}

async function route() {
  if (!state.me) return;
  const { tab, id } = currentRoute();
  showTab(tab);
  if (tab === "recordings") {
    if (!searchedOnce) {
      searchedOnce = true;
      if (!$("rec-from").value) $("rec-from").value = localDay();
      search();
    }
    if (id) await openRecording(id);
  } else if (tab === "review") loadReview();
  else if (tab === "evaluations") loadEvaluationList();
  else if (tab === "highlights") loadHighlights();
}

function openRecordingFromList(id) {
  location.hash = `#recordings/${id}`;
}

// ---------------------------------------------------------------- session

async function signedIn(me) {
  state.me = me;
  setCsrfToken(me.csrf_token);
  setLanguage(me.language);
  renderHeader();
  document.body.dataset.role = me.role;
  setView("app");
  if (isStaff()) {
    renderSeats();
    live.start();
    loadPauseCodes();
  }
  route();
}

async function loadPauseCodes() {
  // The pause codes the desktop offers come with the Desktop document, in the user's language.
  try {
    const desktop = await call("GET", "/api/v1/desktop");
    state.pauseCodes = Array.isArray(desktop?.pause_codes) ? desktop.pause_codes : [];
    renderFloor();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) sessionEnded(t("signin.session_ended"));
  }
}

function sessionEnded(message) {
  live.stop();
  state.me = null;
  state.floor = null;
  setCsrfToken(null);
  clearError();
  showSigninError(message);
  setView("signin");
}
hooks.sessionEnded = sessionEnded;

function checkSession() {
  return refreshSession({ call, t, sessionEnded, onMe: adoptMe });
}

function adoptMe(me) {
  state.me = me;
  setCsrfToken(me.csrf_token);
}

// ---------------------------------------------------------------- header and language

function renderHeader() {
  const me = state.me;
  setText($("user-info"), me ? t("header.user", { user: me.username, role: t(`role.${me.role}`) }) : "");
  renderLanguageSwitch(getLanguage());
}

function renderWsStatus(status) {
  const badge = $("ws-status");
  badge.dataset.state = status;
  badge.hidden = status !== "reconnecting";
  setText(badge, status === "reconnecting" ? t("ws.reconnecting") : "");
}

async function switchLanguage(lang) {
  if (lang === getLanguage()) return;
  if (state.me && !state.testMode) {
    const me = await act("language", () => call("PUT", "/api/v1/me/language", { language: lang }));
    if (!me) return;
    state.me = me;
    setCsrfToken(me.csrf_token);
    if (isStaff()) loadPauseCodes();
  }
  setLanguage(lang);
  renderHeader();
  renderWsStatus($("ws-status").dataset.state || "idle");
  renderSeats();
  renderFloor();
  rerenderRecordings();
  renderEvaluationList();
  renderReview();
  renderHighlights();
}

// ---------------------------------------------------------------- wiring

function wire() {
  wireSignin({ call, t, signedIn, sessionEnded, switchLanguage });
  $("error-close").addEventListener("click", clearError);
  wireTabBar($("tabs"));
  window.addEventListener("hashchange", route);

  wireFloor();
  wireRecordings();
  wireEvaluations(openRecordingFromList);
  hooks.openRecording = openRecordingFromList;
  setInterval(tickFloor, 250);
}

/** For browser tests: render a Floor (and a Me, pause codes) without a server; the live connection stops. */
window.__renderSupervisorForTest = (floor, { me = null, pauseCodes = [] } = {}) => {
  state.testMode = true;
  live.stop();
  state.me = me || { username: "grace", role: "team_leader", agent_id: null, team: "t1", language: getLanguage(), csrf_token: "test", seats: [], bound_seat: null };
  state.pauseCodes = pauseCodes;
  document.body.dataset.role = state.me.role;
  renderHeader();
  renderSeats();
  setView("app");
  showTab(currentRoute().tab);
  applyFloor(floor);
  return { view: document.body.dataset.view, tab: document.body.dataset.tab };
};

async function start() {
  setView("loading");
  await resumeSession({ call, signedIn, notSignedIn, testing: () => state.testMode });
}

function notSignedIn(error) {
  setView("signin");
  if (error instanceof ApiError && error.status !== 401 && error.fromServer) showSigninError(error.message);
}

setLanguage(getLanguage());
renderHeader();
wire();
window.__supervisorReady = start();
