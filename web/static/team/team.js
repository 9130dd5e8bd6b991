// The team page's shell (docs/teams.md, "The team page and the desktop's My team"): signing in,
// the language, the team shown (a team leader's own; a supervisor or admin picks one), and the
// tabs kept in the URL's #hash. Each tab is a module ./<id>.js with a default export
//   { id, label, dictionaries: {en, zh}, mount(panel, ctx), show(ctx) }
// loaded from TABS; its words are merged into the page's translator. A module that fails to
// load or throws shows an error in its own panel and leaves the other tabs working.

import { ApiError, setCsrfToken } from "/desktop/api.js";
import { $, el, setText } from "/desktop/dom.js";
import { refreshSession, renderLanguageSwitch, resumeSession, showSigninError, wireSignin } from "/desktop/signin.js";
import { loadTabModules, wireTabBar } from "/desktop/tabs.js";
import {
  act, call, clearError, fmtKpi, fmtWhen, handleError, hooks, localDay, localized, memberName, showNotice, state, teamMembers, thisMonth, withQuery,
} from "./core.js";
import { applyStatic, dictionaries, getLanguage, setLanguage, t } from "./i18n.js";

// The tabs in their order; each owner replaces its placeholder module file.
export const TABS = [
  "overview", "followup", "huddles", "meetings", "coaching", "training",
  "recognition", "activities", "fund", "announcements",
]; // fmt: skip

const LEADS = new Set(["team_leader", "supervisor", "admin"]);
const PICKS = new Set(["supervisor", "admin"]); // who chooses the team; a team leader has their own
const TEAM_KEY = "branchline.team.team";

const modules = new Map(); // id -> module (loaded)
const broken = new Map(); // id -> why it could not be loaded or mounted
const mounted = new Set();
let modulesLoaded = null;

// What a tab module gets: the same object every time, its fields kept current by the shell.
const ctx = {
  me: null,
  team: null,
  t,
  call,
  notify: showNotice,
  fail: handleError,
  el,
  $,
  localDay,
  thisMonth,
  refresh: () => showCurrent(),
  // Extras the shell's own tabs use; other modules may too.
  withQuery,
  fmtKpi,
  fmtWhen,
  localized,
  lang: () => getLanguage(),
  act,
  teamMembers: () => teamMembers(ctx.team), // the team's members, sorted by id
  memberName, // (members, id) -> "Name (id)"
};

// ---------------------------------------------------------------- modules

function loadModules() {
  modulesLoaded ??= loadTabModules(TABS, { importTab: (id) => import(`./${id}.js`), dictionaries, modules, broken, where: "team page" });
  return modulesLoaded;
}

function tabLabel(id) {
  const module = modules.get(id);
  return module ? t(module.label) : id;
}

function buildTabs() {
  const nav = $("tabs");
  const panels = $("panels");
  if (nav.childElementCount) return;
  for (const id of TABS) {
    nav.append(
      el("button", { type: "button", role: "tab", id: `tab-${id}`, "data-tab": id, "aria-controls": `panel-${id}`, "aria-selected": "false", tabIndex: -1 }, tabLabel(id)),
    );
    panels.append(el("section", { id: `panel-${id}`, class: "tabpanel", role: "tabpanel", "aria-labelledby": `tab-${id}`, "data-testid": `panel-${id}`, hidden: true }));
  }
}

function renderTabLabels() {
  for (const id of TABS) setText($(`tab-${id}`), tabLabel(id));
}

function mountOnce(id) {
  if (mounted.has(id) || broken.has(id)) return;
  mounted.add(id);
  const panel = $(`panel-${id}`);
  try {
    modules.get(id).mount(panel, ctx);
    applyStatic(panel);
  } catch (error) {
    broken.set(id, error);
    console.error(`team page: tab ${id} failed to mount:`, error);
  }
}

function showBroken(id) {
  const panel = $(`panel-${id}`);
  panel.replaceChildren(el("p", { class: "form-error", "data-testid": "tab-error", text: t("error.module", { tab: id }) }));
}

// ---------------------------------------------------------------- views and tabs

function setView(view) {
  document.body.dataset.view = view;
  for (const name of ["loading", "signin", "agent", "app"]) $(`view-${name}`).hidden = name !== view;
  if (view === "signin") $("signin-username").focus();
}

const currentTab = () => {
  const wanted = location.hash.replace(/^#/, "").split("/")[0];
  return TABS.includes(wanted) ? wanted : TABS[0];
};

function selectTab(tab) {
  document.body.dataset.tab = tab;
  for (const id of TABS) {
    const selected = id === tab;
    const button = $(`tab-${id}`);
    button.setAttribute("aria-selected", String(selected));
    button.tabIndex = selected ? 0 : -1;
    $(`panel-${id}`).hidden = !selected;
  }
}

/** Shows the tab in the #hash for the current team: its show(ctx), after mounting it once. */
async function showCurrent() {
  if (!state.me || !LEADS.has(state.me.role)) return;
  await loadModules();
  const tab = currentTab();
  selectTab(tab);
  const noTeam = !state.team;
  $("no-team").hidden = !noTeam;
  $("panels").hidden = noTeam;
  setText($("no-team"), noTeam ? t(PICKS.has(state.me.role) ? "team.pick" : "team.none") : "");
  if (noTeam) return;
  if (broken.has(tab)) return showBroken(tab);
  mountOnce(tab);
  if (broken.has(tab)) return showBroken(tab);
  try {
    await modules.get(tab).show?.(ctx);
  } catch (error) {
    handleError(error);
  }
}

// ---------------------------------------------------------------- the team shown

function savedTeam() {
  try {
    return localStorage.getItem(TEAM_KEY) || "";
  } catch {
    return "";
  }
}

function chooseTeam(team) {
  state.team = team || null;
  ctx.team = state.team;
  try {
    if (team) localStorage.setItem(TEAM_KEY, team);
  } catch {
    // Not remembered across reloads; the choice holds on this page.
  }
  renderTeam();
}

async function loadTeams() {
  const me = state.me;
  if (!PICKS.has(me.role)) {
    state.teams = me.team ? [me.team] : [];
    chooseTeam(me.team);
    return;
  }
  const teams = await act("teams", () => call("GET", "/api/v1/teams"));
  state.teams = Array.isArray(teams) ? teams.map((x) => (typeof x === "string" ? x : x.name)) : [];
  const saved = savedTeam();
  chooseTeam(state.teams.includes(saved) ? saved : state.teams.includes(me.team) ? me.team : state.teams[0]);
}

function renderTeam() {
  const picker = $("team-picker");
  const picks = PICKS.has(state.me?.role);
  picker.hidden = !picks;
  $("team-name").hidden = picks;
  setText($("team-name"), state.team || t("header.no_team"));
  if (picks) {
    picker.replaceChildren(...state.teams.map((name) => el("option", { value: name, text: name })));
    picker.value = state.team || "";
  }
}

// ---------------------------------------------------------------- session

async function signedIn(me) {
  adoptMe(me);
  setLanguage(me.language);
  renderHeader();
  document.body.dataset.role = me.role;
  if (!LEADS.has(me.role)) {
    setView("agent");
    return;
  }
  buildTabs();
  setView("app");
  await Promise.all([loadModules(), loadTeams()]);
  renderTabLabels();
  await showCurrent();
}

function adoptMe(me) {
  state.me = me;
  ctx.me = me;
  setCsrfToken(me.csrf_token);
}

function sessionEnded(message) {
  state.me = null;
  ctx.me = null;
  setCsrfToken(null);
  clearError();
  showSigninError(message);
  renderHeader();
  setView("signin");
}
hooks.sessionEnded = sessionEnded;

function renderHeader() {
  const me = state.me;
  setText($("user-info"), me ? t("header.user", { user: me.username, role: t(`role.${me.role}`) }) : "");
  document.body.dataset.signedIn = String(Boolean(me));
  renderLanguageSwitch(getLanguage());
}

async function switchLanguage(lang) {
  if (lang === getLanguage()) return;
  if (state.me && !state.testMode) {
    const me = await act("language", () => call("PUT", "/api/v1/me/language", { language: lang }));
    if (!me) return;
    adoptMe(me);
  }
  setLanguage(lang);
  renderHeader();
  renderTeam();
  renderTabLabels();
  if (state.me) showCurrent();
}

// ---------------------------------------------------------------- wiring

function wire() {
  wireSignin({ call, t, signedIn, sessionEnded, switchLanguage });
  $("error-close").addEventListener("click", clearError);
  wireTabBar($("tabs"));
  $("team-picker").addEventListener("change", (event) => {
    chooseTeam(event.target.value);
    clearError();
    showCurrent();
  });
  window.addEventListener("hashchange", () => showCurrent());
}

function notSignedIn(error) {
  setView("signin");
  if (error instanceof ApiError && error.status !== 401 && error.fromServer) showSigninError(error.message);
}

async function start() {
  setView("loading");
  await resumeSession({ call, signedIn, notSignedIn, testing: () => state.testMode });
}

/** For browser tests: whether every tab module loaded and mounted, by id. */
window.__teamTabs = async () => {
  await loadModules();
  return Object.fromEntries(TABS.map((id) => [id, broken.has(id) ? String(broken.get(id)) : "ok"]));
};
// Keeps a session alive check available to modules that want it (a 401 ends the session).
ctx.checkSession = () => refreshSession({ call, t, sessionEnded, onMe: adoptMe });

setLanguage(getLanguage());
renderHeader();
wire();
window.__teamReady = start();
