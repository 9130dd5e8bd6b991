// What every tab of the team page shares: the session, API calls, the error and notice bars,
// days and months, and formatting a KPI value by its unit. The shell hands the parts a tab
// needs to it as `ctx` (see team.js).

import { ApiError, callerWith } from "/desktop/api.js";
import { $, setText } from "/desktop/dom.js";
import { fmtDateTime, fmtDuration, fmtNumber } from "/desktop/format.js";
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

/** `/api/v1/x?` with the non-empty values of params. */
export function withQuery(path, params) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && String(value).trim() !== "") query.set(key, String(value).trim());
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

export function showError(message) {
  setText($("error-text"), message);
  $("error-bar").hidden = false;
}

export function clearError() {
  $("error-bar").hidden = true;
  setText($("error-text"), "");
}

let noticeTimer = null;
export function showNotice(message) {
  const bar = $("notice-bar");
  setText(bar, message);
  bar.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => {
    bar.hidden = true;
  }, 5000);
}

/** Shows a failed call (or anything thrown) in the error bar; a 401 ends the session. */
export function handleError(error) {
  if (typeof error === "string") return showError(error); // a tab's own check of what was typed
  if (error instanceof ApiError && error.status === 401) {
    hooks.sessionEnded(t("signin.session_ended"));
    return;
  }
  showError(error instanceof ApiError ? error.message : t("error.http", { status: "?" }));
  if (!(error instanceof ApiError)) console.warn(error);
}

/** Runs one user action once at a time; a failure shows in the error bar. Resolves to fn's result or undefined. */
export async function act(key, fn) {
  if (state.busy.has(key)) return undefined;
  state.busy.add(key);
  try {
    const result = await fn();
    clearError();
    return result;
  } catch (error) {
    handleError(error);
    return undefined;
  } finally {
    state.busy.delete(key);
  }
}

/** Local date as YYYY-MM-DD. */
export function localDay(ms = Date.now()) {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** This local month as YYYY-MM. */
export const thisMonth = (ms = Date.now()) => localDay(ms).slice(0, 7);

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
