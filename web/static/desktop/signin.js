// What the sign-in form, the sign-out button, the language switch and a session check do, the
// same on every Branchline page (agent desktop, wallboard, supervisor); each page says by callbacks
// what happens around them. The element ids are the same on the three pages.

import { ApiError } from "./api.js";
import { $, setText } from "./dom.js";

/** Shows message under the sign-in form, or hides it (null). */
export function showSigninError(message) {
  const error = $("signin-error");
  setText(error, message || "");
  error.hidden = !message;
}

/** Runs a sign-in attempt with the Sign in button disabled meanwhile; a failure goes to onError. */
export async function disableSigninWhile(fn, onError) {
  $("btn-signin").disabled = true;
  try {
    await fn();
  } catch (error) {
    onError(error);
  } finally {
    $("btn-signin").disabled = false;
  }
}

/** Reads the session again (GET /api/v1/me) and hands the Me to onMe; a 401 ends the session, other failures are let be. */
export async function refreshSession({ call, t, sessionEnded, onMe }) {
  try {
    onMe(await call("GET", "/api/v1/me"));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) sessionEnded(t("signin.session_ended"));
  }
}

/**
 * Starts a page on the session the browser may already have: GET /api/v1/me and signedIn(me); a
 * failure (401: not signed in) goes to notSignedIn(error). Neither once testing() says a browser
 * test has taken the page over meanwhile.
 */
export async function resumeSession({ call, signedIn, notSignedIn, testing }) {
  try {
    const me = await call("GET", "/api/v1/me");
    if (testing()) return;
    await signedIn(me);
  } catch (error) {
    if (testing()) return;
    notSignedIn(error);
  }
}

/** Marks the language switch's button for lang as pressed. */
export function renderLanguageSwitch(lang) {
  for (const button of $("lang-switch").querySelectorAll("button[data-lang]")) {
    button.setAttribute("aria-pressed", String(button.dataset.lang === lang));
  }
}

/**
 * Wires #signin-form, #btn-signout and #lang-switch.
 *   call(method, path, body)  the page's API call; t(key)  the page's translator
 *   signedIn(me)              after a sign-in, with the Me the server answered
 *   sessionEnded(message)     after signing out (message null)
 *   switchLanguage(lang)      a language button was clicked
 *   showError(message|null)   shows (or hides) the sign-in form's error; default showSigninError
 *   signingIn(fn, onError)    runs the sign-in attempt fn, failures to onError; default disableSigninWhile
 *   signingOut(fn)            runs the sign-out fn; default: signed out on this page even if the call fails
 *   beforeSignOut()           awaited first when signing out (e.g. leaving the seat); default nothing
 */
export function wireSignin({
  call,
  t,
  signedIn,
  sessionEnded,
  switchLanguage,
  showError = showSigninError,
  signingIn = disableSigninWhile,
  signingOut = (fn) => fn().catch(() => sessionEnded(null)),
  beforeSignOut = async () => {},
}) {
  $("lang-switch").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-lang]");
    if (button) switchLanguage(button.dataset.lang);
  });

  $("signin-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const username = $("signin-username").value.trim();
    const password = $("signin-password").value;
    if (!username || !password) {
      showError(t("signin.missing"));
      return;
    }
    signingIn(
      async () => {
        const me = await call("POST", "/api/v1/signin", { username, password });
        $("signin-password").value = "";
        showError(null);
        await signedIn(me);
      },
      (failure) => showError(failure instanceof ApiError ? failure.message : t("error.network")),
    );
  });

  $("btn-signout").addEventListener("click", () =>
    signingOut(async () => {
      await beforeSignOut();
      await call("POST", "/api/v1/signout");
      sessionEnded(null);
    }),
  );
}
