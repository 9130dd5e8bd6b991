// The error bar (#error-bar with #error-text) and the notice bar (#notice-bar) of the staff pages
// (supervision and the team page): showing and hiding them, what a failed call shows there, and
// the pages' user actions run one at a time with their failures in the error bar.

import { ApiError } from "./api.js";
import { $, setText } from "./dom.js";

const NOTICE_MS = 5000; // a notice hides itself after this

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
  }, NOTICE_MS);
}

/**
 * Shows a failed call in the error bar: the server's message, or the page's "error.http" text for
 * anything else (logged too). A 401 instead calls sessionEnded with the page's "signin.session_ended".
 *   t(key, vars)             the page's translator
 *   sessionEnded(message)    what the page does when the session is gone
 */
export function showFailure(error, { t, sessionEnded }) {
  if (error instanceof ApiError && error.status === 401) {
    sessionEnded(t("signin.session_ended"));
    return;
  }
  showError(error instanceof ApiError ? error.message : t("error.http", { status: "?" }));
  if (!(error instanceof ApiError)) console.warn(error);
}

/**
 * A page's act(key, fn, after): runs one user action fn at a time per key (busy: the page's Set of
 * keys running); a success clears the error bar, a failure goes to handleError. after() runs as the
 * action starts and ends (e.g. to redraw its buttons). Resolves to fn's result, or undefined when it
 * failed or was already running.
 */
export function actWith(busy, handleError) {
  return async function act(key, fn, after = () => {}) {
    if (busy.has(key)) return undefined;
    busy.add(key);
    after();
    try {
      const result = await fn();
      clearError();
      return result;
    } catch (error) {
      handleError(error);
      return undefined;
    } finally {
      busy.delete(key);
      after();
    }
  };
}
