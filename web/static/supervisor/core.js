// What every part of the supervisor page shares: the session, API calls with their error
// handling, the error and notice bars, and small formatting helpers.

import { ApiError, callerWith } from "/desktop/api.js";
import { $, setText } from "/desktop/dom.js";
import { fmtDateTime, fmtDuration, fmtNumber } from "/desktop/format.js";
import { getLanguage, t, tOr } from "./i18n.js";

export const state = {
  me: null,
  floor: null,
  clockOffset: 0, // the Floor's clock minus ours, ms
  pauseCodes: [],
  busy: new Set(),
  testMode: false,
};

export const call = callerWith(t);

/** `/api/v1/x?` with the non-empty values of params. */
export function withQuery(path, params) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && String(value).trim() !== "") query.set(key, String(value).trim());
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

// The page's shell sets this: what to do when the session is gone.
export const hooks = { sessionEnded: () => {}, openRecording: () => {} };

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

export function handleError(error) {
  if (error instanceof ApiError && error.status === 401) {
    hooks.sessionEnded(t("signin.session_ended"));
    return;
  }
  showError(error instanceof ApiError ? error.message : t("error.http", { status: "?" }));
  if (!(error instanceof ApiError)) console.warn(error);
}

/** Runs one user action once at a time; a failure shows in the error bar. Resolves to fn's result or undefined. */
export async function act(key, fn, after = () => {}) {
  if (state.busy.has(key)) return undefined;
  state.busy.add(key);
  after();
  try {
    const result = await fn();
    clearError();
    return result;
  } catch (error) {
    handleError(error);
    return undefined;
  } finally {
    state.busy.delete(key);
    after();
  }
}

export const serverNow = () => Date.now() + state.clockOffset;

export const fmtWhen = (iso) => fmtDateTime(iso, { timeOnlyToday: true, now: serverNow() });
export { fmtDuration };

export function fmtScore(score) {
  return typeof score === "number" && Number.isFinite(score) ? fmtNumber(score, 1, getLanguage()) : t("none");
}

export function statusLabel(status) {
  return tOr(`status.${status}`, status || "");
}

export function reasonLabel(reason) {
  if (!reason) return "";
  const code = state.pauseCodes.find((c) => c.code === reason);
  return code ? code.label : tOr(`reason.${reason}`, reason);
}

/** Local date as YYYY-MM-DD. */
export function localDay(ms = Date.now()) {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** A scorecard text in the user's language: `title_zh` / `text_zh` when Chinese and present. */
export function localized(item, field) {
  if (!item) return "";
  if (getLanguage() === "zh" && item[`${field}_zh`]) return item[`${field}_zh`];
  return item[field] ?? "";
}
