// What every part of the supervisor page shares: the session, API calls with their error
// handling, the error and notice bars, and small formatting helpers.

import { callerWith, withQuery } from "/desktop/api.js";
import { actWith, clearError, showError, showFailure, showNotice } from "/desktop/bars.js";
import { fmtDateTime, fmtDuration, fmtNumber, localDay } from "/desktop/format.js";
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

// The page's shell sets this: what to do when the session is gone.
export const hooks = { sessionEnded: () => {}, openRecording: () => {} };

export { clearError, localDay, showError, showNotice, withQuery };

/** Shows a failed call in the error bar; a 401 ends the session. */
export function handleError(error) {
  showFailure(error, { t, sessionEnded: (message) => hooks.sessionEnded(message) });
}

/** Runs one user action once at a time; a failure shows in the error bar. Resolves to fn's result or undefined. */
export const act = actWith(state.busy, handleError);

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

/** A scorecard text in the user's language: `title_zh` / `text_zh` when Chinese and present. */
export function localized(item, field) {
  if (!item) return "";
  if (getLanguage() === "zh" && item[`${field}_zh`]) return item[`${field}_zh`];
  return item[field] ?? "";
}
