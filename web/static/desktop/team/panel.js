// The desktop's "My team" dialog (docs/teams.md, "The team page and the desktop's My team"): a
// button in the header with a badge (the sum of the tabs' badge() counts: things waiting for the
// agent), and a dialog with one tab per module ./<id>.js from TEAM_TABS. A module's default export:
//   { id, label, dictionaries: {en, zh}, mount(panel, ctx), show(ctx), badge(ctx) -> Promise<number> }
// Its words are merged into the desktop's translator. A module that fails to load, mount or count
// leaves the others working (its tab shows why; its badge counts 0).

import { ApiError, withQuery } from "../api.js";
import { $, el, setText } from "../dom.js";
import { fmtDateTime, localDay } from "../format.js";
import { dictionaries, getLanguage, applyStatic, t } from "../i18n.js";
import { loadTabModules } from "../tabs.js";
import { myDaySummary } from "./mykpis.js";

// The tabs in their order; each owner replaces its placeholder module file.
export const TEAM_TABS = ["mykpis", "myplan", "development", "teamlife"];

const REFRESH_MS = 60_000; // the badge is counted again every minute
const PUSH_GAP_MS = 10_000; // and on desktop pushes, but not more often than this

const modules = new Map();
const broken = new Map();
const mounted = new Set();
const counts = new Map(); // id -> the module's last badge count
let loading = null;
let deps = null; // {call, handleError, me: () => Me}
let current = TEAM_TABS[0];
let lastCount = 0;
let timer = null;
let noticeTimer = null;

// What a module gets: the same object every time, `me`/`team` kept current.
const ctx = {
  me: null,
  team: null,
  t,
  call: (method, path, body) => deps.call(method, path, body),
  notify: (text) => showStatus(text, false),
  fail: (error) => fail(error),
  el,
  $,
  localDay,
  thisMonth: () => localDay().slice(0, 7),
  refresh: () => showTab(current),
  lang: () => getLanguage(),
  refreshBadge: () => refreshMyTeam(true),
  // The same helpers as the team page's ctx.
  fmtWhen: (iso) => fmtDateTime(iso),
  withQuery,
};

function loadModules() {
  loading ??= loadTabModules(TEAM_TABS, { importTab: (id) => import(`./${id}.js`), dictionaries, modules, broken, where: "My team" }).then(buildTabs);
  return loading;
}

function buildTabs() {
  const nav = $("myteam-tabs");
  const panels = $("myteam-panels");
  nav.replaceChildren(
    ...TEAM_TABS.map((id) =>
      el("button", { type: "button", role: "tab", id: `myteam-tab-${id}`, "data-tab": id, "aria-controls": `myteam-panel-${id}`, "aria-selected": "false" },
        el("span", { class: "label" }), " ", el("span", { class: "count" })),
    ),
  );
  panels.replaceChildren(
    ...TEAM_TABS.map((id) => el("section", { id: `myteam-panel-${id}`, class: "myteam-panel", role: "tabpanel", "data-testid": `myteam-panel-${id}`, hidden: true })),
  );
  renderTabs();
}

function renderTabs() {
  for (const id of TEAM_TABS) {
    const button = $(`myteam-tab-${id}`);
    if (!button) continue;
    const module = modules.get(id);
    setText(button.querySelector(".label"), module ? t(module.label) : id);
    const n = counts.get(id) || 0;
    setText(button.querySelector(".count"), n ? String(n) : "");
    button.setAttribute("aria-selected", String(id === current));
  }
}

function showStatus(text, isError) {
  const line = $("myteam-status");
  setText(line, text || "");
  line.hidden = !text;
  line.classList.toggle("error", Boolean(isError));
  clearTimeout(noticeTimer);
  if (text && !isError) noticeTimer = setTimeout(() => showStatus(null), 5000);
}

function fail(error) {
  if (typeof error === "string") return showStatus(error, true); // a tab's own check of what was typed
  if (error instanceof ApiError && error.status === 401) {
    $("myteam-dialog").close();
    deps.handleError(error);
    return;
  }
  showStatus(error instanceof ApiError ? error.message : t("error.http", { status: "?" }), true);
  if (!(error instanceof ApiError)) console.warn(error);
}

async function showTab(id) {
  current = TEAM_TABS.includes(id) ? id : TEAM_TABS[0];
  renderTabs();
  for (const other of TEAM_TABS) {
    const panel = $(`myteam-panel-${other}`);
    if (panel) panel.hidden = other !== current;
  }
  const panel = $(`myteam-panel-${current}`);
  if (!panel) return;
  const module = modules.get(current);
  if (module && !mounted.has(current) && !broken.has(current)) {
    mounted.add(current);
    try {
      module.mount(panel, ctx);
      applyStatic(panel);
    } catch (error) {
      broken.set(current, error);
      console.error(`My team: tab ${current} failed to mount:`, error);
    }
  }
  if (broken.has(current)) {
    panel.replaceChildren(el("p", { class: "form-error", text: t("myteam.tab_error", { tab: current }) }));
    return;
  }
  try {
    await module.show?.(ctx);
  } catch (error) {
    fail(error);
  }
}

async function openDialog() {
  await loadModules();
  adoptMe();
  showStatus(null);
  const dialog = $("myteam-dialog");
  if (!dialog.open) dialog.showModal();
  await showTab(current);
}

function adoptMe() {
  const me = deps?.me() || null;
  ctx.me = me;
  ctx.team = me?.team || null;
}

/** Counts the badge again: the sum of every module's badge(ctx). With force, even right after the last count. */
export async function refreshMyTeam(force = false) {
  const me = deps?.me();
  const button = $("btn-my-team");
  button.hidden = !me?.agent_id;
  if (!me?.agent_id) return;
  const now = Date.now();
  if (!force && now - lastCount < PUSH_GAP_MS) return;
  lastCount = now;
  await loadModules();
  adoptMe();
  await Promise.all(
    TEAM_TABS.map(async (id) => {
      const module = modules.get(id);
      let n = 0;
      try {
        n = module?.badge ? Number(await module.badge(ctx)) || 0 : 0;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return;
        n = 0; // a module whose routes fail counts nothing rather than breaking the badge
      }
      counts.set(id, Math.max(0, n));
    }),
  );
  renderBadge();
}

function renderBadge() {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  setText($("myteam-count"), total ? String(total) : "");
  $("btn-my-team").dataset.count = String(total);
  renderTabs();
  renderMyDayLine();
}

/** Under My day, briefly: the KPIs off target this month and the plans to write; a click opens My KPIs. */
function renderMyDayLine() {
  const box = $("myday-team");
  const summary = deps?.me()?.agent_id ? myDaySummary(ctx) : null;
  const parts = [];
  if (summary?.off.length) parts.push(t("myteam.myday.off", { kpis: summary.off.join(", ") }));
  if (summary?.plans) parts.push(t("myteam.myday.plans", { n: summary.plans }));
  box.hidden = parts.length === 0;
  box.replaceChildren(...parts.map((text) => el("button", { type: "button", class: "link small", text })));
}

/** After the language changed: the tab names and the open tab again. */
export function rerenderMyTeam() {
  renderTabs();
  renderMyDayLine();
  if ($("myteam-dialog").open) showTab(current);
}

/** Signed out: the dialog closes and the badge is cleared. */
export function resetMyTeam() {
  counts.clear();
  lastCount = 0;
  const dialog = $("myteam-dialog");
  if (dialog?.open) dialog.close();
  setText($("myteam-count"), "");
  $("btn-my-team").hidden = true;
  $("myday-team").hidden = true;
}

/** The desktop's app.js wires the dialog once: call(method, path, body), handleError(error), me() -> Me. */
export function wireMyTeam(dependencies) {
  deps = dependencies;
  $("btn-my-team").addEventListener("click", openDialog);
  $("myteam-close").addEventListener("click", () => $("myteam-dialog").close());
  $("myday-team").addEventListener("click", (event) => {
    if (!event.target.closest("button")) return;
    current = "mykpis";
    openDialog();
  });
  $("myteam-dialog").addEventListener("close", () => refreshMyTeam(true));
  $("myteam-tabs").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-tab]");
    if (button) showTab(button.dataset.tab);
  });
  clearInterval(timer);
  timer = setInterval(() => refreshMyTeam(true), REFRESH_MS);
}

/** Whether the dialog is open (the desktop's keyboard shortcuts stay off meanwhile). */
export const myTeamOpen = () => Boolean($("myteam-dialog")?.open);
