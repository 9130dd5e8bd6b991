// What every tab of the team page shares: the session, API calls, the error and notice bars,
// days and months, and formatting a KPI value by its unit. The shell hands the parts a tab
// needs to it as `ctx` (see team.js).

import { callerWith, withQuery } from "/desktop/api.js";
import { actWith, clearError, showError, showFailure, showNotice } from "/desktop/bars.js";
import { fmtDateTime, fmtDuration, fmtNumber, localDay } from "/desktop/format.js";
import { getLanguage, t } from "./i18n.js";

export const state = {
  me: null,
  team: null, // the team the page shows
  teams: [], // the teams a supervisor/admin may pick from
  busy: new Set(),
  testMode: false,
};

export const call = callerWith(t);

// The shell sets this: what to do when the session is gone.
export const hooks = { sessionEnded: () => {} };

export { clearError, localDay, showError, showNotice, withQuery };

/** Shows a failed call (or anything thrown) in the error bar; a 401 ends the session. */
export function handleError(error) {
  if (typeof error === "string") return showError(error); // a tab's own check of what was typed
  showFailure(error, { t, sessionEnded: (message) => hooks.sessionEnded(message) });
}

/** Runs one user action once at a time; a failure shows in the error bar. Resolves to fn's result or undefined. */
export const act = actWith(state.busy, handleError);

/** This local month as YYYY-MM. */
export const thisMonth = (ms = Date.now()) => localDay(ms).slice(0, 7);

/** A team's members (each squad's and those in none, GET /api/v1/teams/{team}), sorted by id. */
export async function teamMembers(team) {
  const o = await call("GET", `/api/v1/teams/${encodeURIComponent(team)}`);
  const found = [];
  for (const s of o?.squads || []) found.push(...s.members);
  found.push(...(o?.without_squad || []));
  return found.sort((a, b) => a.id.localeCompare(b.id));
}

/** How a tab names an agent among members: "Name (id)", or the id alone (unknown, or named by it). */
export function memberName(members, id) {
  const m = members.find((x) => x.id === id);
  return m && m.name !== id ? `${m.name} (${id})` : id;
}

/** A KPI value by its unit (kpi.py's units): per hour and scores with decimals, seconds as m:ss, ratios as %. */
export function fmtKpi(value, unit) {
  if (value === null || value === undefined || !Number.isFinite(value)) return t("none");
  const lang = getLanguage();
  if (unit === "ratio") {
    // One decimal: an adherence target of 99.5% must not read as 100%.
    return new Intl.NumberFormat(lang === "zh" ? "zh-CN" : "en", { style: "percent", maximumFractionDigits: 1 }).format(value);
  }
  if (unit === "seconds") return fmtDuration(value);
  if (unit === "count") return String(Math.round(value));
  return fmtNumber(value, unit === "score" ? 2 : 1, lang);
}

/** A server text in the user's language: `name_zh` when Chinese and present. */
export function localized(item, field = "name") {
  if (!item) return "";
  if (getLanguage() === "zh" && item[`${field}_zh`]) return item[`${field}_zh`];
  return item[field] ?? "";
}

/** "2024-05-06 14:30" (local), or "—". */
export const fmtWhen = (iso) => fmtDateTime(iso);
