// The agent desktop. It renders only from the latest Desktop the server sent (over the live
// WebSocket or as the answer to an action), never from state patched locally, so a reload, a
// reconnect or a second tab all show the same thing. Server text is only ever set as textContent.

import { ApiError, callerWith, LiveConnection, setCsrfToken } from "./api.js";
import {
  fmtDateTime,
  fmtDuration,
  fmtNumber,
  fmtPercent,
  localInputToIso,
  parseTime,
  toLocalInputValue,
} from "./format.js";
import { loadMyEvaluations, renderMyEvaluations, resetMyEvaluations, wireMyEvaluations } from "./evaluations.js";
import { getLanguage, setLanguage, t, tOr } from "./i18n.js";
import { refreshSession, renderLanguageSwitch, resumeSession, showSigninError, wireSignin } from "./signin.js";
import { myTeamOpen, refreshMyTeam, rerenderMyTeam, resetMyTeam, wireMyTeam } from "./team/panel.js";

const $ = (id) => document.getElementById(id);

/** document.createElement with properties, attributes (data-*, aria-*) and text/element children. */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("data-") || key.startsWith("aria-") || key === "title" || key === "role") {
      node.setAttribute(key, value === true ? "" : String(value));
    } else node[key] = value;
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function setText(node, text) {
  if (node && node.textContent !== text) node.textContent = text;
}

// Callback requests in these states cannot be dialled again from the list.
const FINISHED_CALLBACK = new Set(["done", "completed", "cancelled", "canceled", "dialing", "dialling", "failed"]);

/** The agent's status as the page names it: the switchboard's "not_ready" is the contract's "paused". */
function normStatus(status) {
  return status === "not_ready" ? "paused" : status || "";
}

const state = {
  view: "loading",
  me: null,
  desktop: null,
  stamp: -Infinity, // server_time (ms) of the Desktop on screen
  clockOffset: 0, // server clock minus local clock, ms
  renderedCalls: new Set(), // call ids rendered so far (for the screen-pop marker)
  wrapupCallId: null, // the call the wrap-up form currently holds input for
  myday: null,
  mydayFailed: false,
  busy: new Set(),
  transferValues: { queue: "", agent: "", number: "" },
  renderKeys: {}, // per list: what it was last built from, so unchanged lists are not rebuilt
  languageChosenBeforeSignin: false,
  testMode: false,
  lastReason: null,
};

const call = callerWith(t);

const live = new LiveConnection("/api/v1/desktop/live", {
  onDesktop: (desktop) => applyDesktop(desktop, "live"),
  onStatus: renderWsStatus,
  onUnauthorized: () => sessionEnded(t("signin.session_ended")),
  onTrouble: checkSession,
});

const serverNow = () => Date.now() + state.clockOffset;

// ---------------------------------------------------------------- errors and actions

function showError(message) {
  setText($("error-text"), message);
  $("error-bar").hidden = false;
}

function clearError() {
  $("error-bar").hidden = true;
  setText($("error-text"), "");
}

function handleError(error) {
  if (error instanceof ApiError && error.status === 401) {
    sessionEnded(error.fromServer ? error.message : t("signin.session_ended"));
    return;
  }
  showError(error instanceof ApiError ? error.message : t("error.http", { status: "?" }));
  if (!(error instanceof ApiError)) console.warn(error);
}

/** Runs one user action: its button is disabled meanwhile, and a failure shows in the error bar. */
async function act(key, fn, onError = handleError) {
  if (state.busy.has(key)) return;
  state.busy.add(key);
  renderControls();
  try {
    await fn();
    clearError();
  } catch (error) {
    onError(error);
  } finally {
    state.busy.delete(key);
    renderControls();
  }
}

/** POST an action whose answer is a Desktop, and render it. */
function desktopAction(key, path, body) {
  return act(key, async () => {
    const desktop = await call("POST", path, body);
    applyDesktop(desktop, "http");
  });
}

// ---------------------------------------------------------------- session

async function signedIn(me) {
  state.me = me;
  setCsrfToken(me.csrf_token);
  if (state.languageChosenBeforeSignin && me.language !== getLanguage()) {
    // The agent picked a language on the sign-in form: keep it and remember it on the server.
    try {
      const updated = await call("PUT", "/api/v1/me/language", { language: getLanguage() });
      state.me = updated;
      setCsrfToken(updated.csrf_token || me.csrf_token);
    } catch (error) {
      setLanguage(me.language);
    }
  } else {
    setLanguage(me.language);
  }
  state.languageChosenBeforeSignin = false;
  renderAll();
  live.start();
  loadMyDay();
  if (me.agent_id) loadMyEvaluations();
  renderTeamLinks();
  refreshMyTeam(true);
}

/** The team page link for whoever leads a team; the My team button for agents (team/panel.js). */
function renderTeamLinks() {
  $("link-team").hidden = !["team_leader", "supervisor", "admin"].includes(state.me?.role);
}

function sessionEnded(message) {
  live.stop();
  state.me = null;
  state.desktop = null;
  state.stamp = -Infinity;
  state.myday = null;
  state.wrapupCallId = null;
  state.renderKeys = {};
  setCsrfToken(null);
  resetMyEvaluations();
  resetMyTeam();
  clearError();
  showSigninError(message);
  renderAll();
  $("signin-username").focus();
}

function checkSession() {
  return refreshSession({ call, t, sessionEnded, onMe: adoptMe });
}

function adoptMe(me) {
  state.me = me;
  setCsrfToken(me.csrf_token);
}

function refreshSeats() {
  return refreshSession({
    call,
    t,
    sessionEnded,
    onMe: (me) => {
      adoptMe(me);
      renderSeats();
    },
  });
}

async function loadMyDay() {
  if (state.testMode || !state.me || !state.me.agent_id) return;
  try {
    state.myday = await call("GET", "/api/v1/desktop/myday");
    state.mydayFailed = false;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      sessionEnded(t("signin.session_ended"));
      return;
    }
    state.mydayFailed = true;
  }
  renderMyDay();
}

// ---------------------------------------------------------------- the Desktop

/**
 * Shows a Desktop. Live messages always win (the stream is in order); the answer to an action is
 * shown unless a newer Desktop is already on screen.
 */
function applyDesktop(desktop, source) {
  if (!desktop || typeof desktop !== "object") return;
  const stamp = parseTime(desktop.server_time);
  if (source === "http" && Number.isFinite(stamp) && stamp < state.stamp) return;
  if (Number.isFinite(stamp)) {
    state.stamp = stamp;
    state.clockOffset = stamp - Date.now();
  }
  const wasOut = !state.desktop?.agent || normStatus(state.desktop.agent.status) === "logged_out";
  state.desktop = desktop;
  renderAll();
  if (source === "live") refreshMyTeam(); // a push may mean something new for the agent (at most every 10 s)
  // Just signed on to a seat: the day's figures start now.
  if (wasOut && desktop.agent && normStatus(desktop.agent.status) !== "logged_out" && source !== "test") loadMyDay();

  const current = desktop.call;
  if (current && current.call_id !== undefined && !state.renderedCalls.has(current.call_id)) {
    state.renderedCalls.add(current.call_id);
    if (current.state === "ringing") {
      window.__popShownAt = performance.timeOrigin + performance.now();
      window.__popCallId = current.call_id;
    }
  }
}

function setView(view) {
  const previous = state.view;
  state.view = view;
  document.body.dataset.view = view;
  for (const name of ["loading", "signin", "seat", "noagent", "desktop"]) $(`view-${name}`).hidden = name !== view;
  if (view === "seat" && previous !== "seat") {
    if (!state.testMode && !state.busy.has("signout")) refreshSeats();
  }
  if (view === "signin" && previous !== "signin") $("signin-username").focus();
}

function renderAll() {
  const desktop = state.desktop;
  renderLanguageSwitch(getLanguage());
  if (!state.me) {
    setView("signin");
    document.title = t("app.name");
    return;
  }
  if (!desktop) {
    setView("loading");
    return;
  }
  const agent = desktop.agent;
  if (!agent) setView("noagent");
  else if (normStatus(agent.status) === "logged_out") setView("seat");
  else setView("desktop");
  renderHeader();
  if (state.view === "seat") renderSeats();
  if (state.view === "desktop") {
    renderPauseCodes();
    renderPop();
    renderTransferTarget();
    renderWrapup();
    renderCallbacks();
    renderQueues();
    renderNotices();
    renderMyDay();
  }
  renderControls();
  tick();
}

function statusLabel(status) {
  const name = normStatus(status);
  return tOr(`status.${name}`, name);
}

/** A pause code's label (in the user's language, from the server), a system reason's, or the reason as is. */
function reasonLabel(reason) {
  if (!reason) return "";
  const code = (state.desktop?.pause_codes || []).find((c) => c.code === reason);
  return code ? code.label : tOr(`reason.${reason}`, reason);
}

function renderHeader() {
  const agent = state.desktop?.agent;
  setText($("agent-name"), agent?.name || state.me?.username || "");
  const status = normStatus(agent?.status);
  const seat = agent && status !== "logged_out" ? agent.seat : null;
  setText($("agent-seat"), seat ? t("header.seat", { seat }) : t("header.no_seat"));
  $("phone-warning").hidden = !agent || normStatus(agent.status) === "logged_out" || agent.phone_ok !== false;
  const badge = $("state-badge");
  badge.dataset.status = status;
  if (agent?.shown_status) badge.dataset.shownStatus = agent.shown_status;
  else delete badge.dataset.shownStatus;
  const label = agent ? statusLabel(status) : "";
  setText($("state-label"), label);
  const reason = reasonLabel(agent?.reason);
  setText($("state-reason"), reason);
  $("state-reason").hidden = !reason;
  document.title = agent ? `${label}${reason ? ` · ${reason}` : ""} — ${t("app.name")}` : t("app.name");
}

function renderWsStatus(status) {
  const badge = $("ws-status");
  badge.dataset.state = status;
  badge.hidden = status !== "reconnecting";
  setText(badge, status === "reconnecting" ? t("ws.reconnecting") : "");
}

function changed(list, key) {
  const text = JSON.stringify(key);
  if (state.renderKeys[list] === text) return false;
  state.renderKeys[list] = text;
  return true;
}

// ---------------------------------------------------------------- seat choice

function renderSeats() {
  const me = state.me;
  const select = $("seat-select");
  const seats = me?.seats || [];
  const mine = me?.agent_id ?? null;
  if (changed("seats", [getLanguage(), seats, mine])) {
    const previous = select.value;
    select.replaceChildren(
      ...seats.map((seat) => {
        const takenByOther = seat.taken_by !== null && seat.taken_by !== undefined && seat.taken_by !== mine;
        let text = seat.name;
        if (takenByOther) text = t("seat.taken_by", { seat: seat.name, agent: seat.taken_by });
        else if (seat.name === me?.bound_seat) text = t("seat.yours", { seat: seat.name });
        return el("option", { value: seat.name, disabled: takenByOther, text });
      }),
    );
    const free = seats.filter((s) => s.taken_by === null || s.taken_by === undefined || s.taken_by === mine);
    const choice =
      [previous, me?.bound_seat].find((name) => name && free.some((s) => s.name === name)) || free[0]?.name || "";
    select.value = choice;
    $("seat-empty").hidden = free.length > 0;
  }
}

// ---------------------------------------------------------------- header actions

function renderPauseCodes() {
  const codes = state.desktop?.pause_codes || [];
  const select = $("pause-reason");
  const reason = state.desktop?.agent?.reason ?? null;
  if (changed("pause", codes)) {
    const previous = select.value;
    select.replaceChildren(...codes.map((c) => el("option", { value: c.code, text: c.label })));
    const keep = [previous, reason].find((v) => v && codes.some((c) => c.code === v));
    if (keep) select.value = keep;
  }
  // When the agent's reason changes (went not ready, here or elsewhere), show it as the choice.
  if (reason !== state.lastReason && reason && codes.some((c) => c.code === reason)) select.value = reason;
  state.lastReason = reason;
}

function renderControls() {
  const desktop = state.desktop;
  const agent = desktop?.agent;
  const status = agent ? normStatus(agent.status) : "";
  const current = desktop?.call;
  const busy = (key) => state.busy.has(key);
  const connected = Boolean(status) && status !== "logged_out";

  // Ready from Not ready, or to end the wrap-up time early (the form stays until it is sent).
  $("btn-ready").disabled = !(status === "paused" || status === "wrapup") || busy("ready");
  // Not ready works in every signed-in state: while ringing it gives the call back to the queue,
  // during a call or its wrap-up it takes effect once they are over.
  const reason = $("pause-reason").value;
  $("pause-reason").disabled = !connected;
  $("btn-pause").disabled =
    !connected || (status === "paused" && reason === agent?.reason) || !reason || busy("pause");

  const held = current?.state === "held";
  const talking = current?.state === "talking";
  const ringing = current?.state === "ringing";
  $("btn-answer").hidden = !(ringing && current?.answerable);
  $("btn-answer").disabled = !ringing || busy("answer");
  $("btn-hold").hidden = held || !$("btn-answer").hidden;
  $("btn-resume").hidden = !held;
  $("btn-hold").disabled = !talking || busy("hold");
  $("btn-resume").disabled = !held || busy("resume");
  $("btn-hangup").disabled = !(talking || held) || busy("hangup");
  const target = $("transfer-target");
  $("transfer-kind").disabled = !(talking || held);
  if (target) target.disabled = !(talking || held);
  $("btn-transfer").disabled = !(talking || held) || !target || !target.value.trim() || busy("transfer");
  // A consultation rings a colleague or a number while the caller hears music; not a queue.
  const consultation = current?.consultation || null;
  $("btn-consult").disabled = !(talking || held) || Boolean(consultation) || $("transfer-kind").value === "queue"
    || !target || !target.value.trim() || busy("consult");
  $("consult-bar").hidden = !consultation;
  if (consultation) {
    $("consult-status").textContent = t(`consult.${consultation.state}`, { target: consultation.target });
  }
  $("btn-consult-complete").disabled = consultation?.state !== "talking" || busy("consult-complete");
  $("btn-consult-cancel").disabled = !consultation || busy("consult-cancel");

  const idle = status === "ready" || status === "paused";
  $("btn-leave-seat").disabled = !idle || busy("leave");
  $("btn-leave-seat").hidden = !connected;
  const duringCall = status === "ringing" || status === "on_call" || status === "wrapup";
  $("btn-signout").disabled = duringCall || busy("signout");
  $("btn-signout").title = duringCall ? t("header.busy_title") : "";

  const wrapup = desktop?.wrapup;
  const disposition = $("wrapup-disposition").value;
  $("btn-wrapup-submit").disabled = !wrapup || !disposition || busy("wrapup");

  const canDial = idle && !current && !busy("dial");
  for (const button of document.querySelectorAll("#callbacks .btn-dial")) {
    button.disabled = !canDial || button.dataset.finished === "true";
  }
  for (const button of document.querySelectorAll("#notices .btn-ack")) button.disabled = busy(`ack:${button.dataset.noticeId}`);

  $("btn-seat").disabled = !$("seat-select").value || busy("seat");
  $("btn-signin").disabled = busy("signin");
  for (const button of $("lang-switch").querySelectorAll("button")) button.disabled = busy("language");
}

// ---------------------------------------------------------------- screen pop

function renderPop() {
  const current = state.desktop?.call;
  const panel = $("call-panel");
  panel.dataset.callState = current?.state || "";
  setText($("call-title"), current ? tOr(`call.title_${current.state}`, current.state) : t("call.title_none"));
  $("pop").hidden = !current;
  $("pop-idle").hidden = Boolean(current);
  if (!current) {
    if (changed("history", null)) {
      $("pop-history").tBodies[0].replaceChildren();
      $("history-empty").hidden = false;
    }
    return;
  }
  const customer = current.customer;
  setText($("pop-caller"), current.caller || t("call.withheld"));
  setText($("pop-customer-name"), customer?.name || t("call.unknown_customer"));
  $("pop-customer-name").classList.toggle("unknown", !customer?.name);
  const tier = customer?.tier ? String(customer.tier) : "";
  setText($("pop-tier"), tier ? tOr(`tier.${tier.toLowerCase()}`, tier) : "");
  $("pop-tier").hidden = !tier;
  $("pop-tier").dataset.tier = tier.toLowerCase();
  setText($("pop-ref"), customer?.ref || t("call.none"));
  const language = customer?.language;
  setText($("pop-language"), language ? tOr(`lang.${language}`, language) : t("call.none"));
  setText($("pop-queue"), current.queue || t("call.none"));
  setText($("pop-waited"), fmtDuration(current.waited_s));

  const ivr = current.ivr || { flow: null, path: [], digits: "" };
  if (changed("ivr", [getLanguage(), ivr])) {
    const path = Array.isArray(ivr.path) ? ivr.path : [];
    const crumbs = path.map((step) =>
      el(
        "li",
        { title: step.kind ? `${step.node} (${step.kind})` : step.node, "data-kind": step.kind },
        el("span", { class: "node", text: step.node }),
        step.input !== null && step.input !== undefined && step.input !== ""
          ? el("span", { class: "input", text: step.input })
          : null,
      ),
    );
    if (crumbs.length === 0) crumbs.push(el("li", { class: "empty", text: t("call.ivr_none") }));
    $("pop-ivr-path").replaceChildren(...crumbs);
    $("pop-ivr-path").title = ivr.flow || "";
  }
  setText($("pop-digits"), ivr.digits || t("call.none"));

  const history = Array.isArray(current.history) ? current.history : [];
  if (changed("history", [getLanguage(), current.call_id, history])) {
    const fcrText = (fcr) => (fcr === true ? t("history.yes") : fcr === false ? t("history.no") : "");
    $("pop-history").tBodies[0].replaceChildren(
      ...history.map((h) =>
        el(
          "tr",
          { "data-call-id": h.call_id },
          el("td", { class: "when" }, ...fmtDateTime(h.at).split(" ").map((part) => el("div", { text: part }))),
          el("td", { text: h.agent || t("call.none") }),
          el("td", { text: h.disposition || t("call.none") }),
          el("td", { class: `fcr ${h.fcr === true ? "yes" : ""}`, text: fcrText(h.fcr) }),
          el("td", { title: h.notes || "" }, el("div", { class: "notes", text: h.notes || "" })),
        ),
      ),
    );
    $("history-empty").hidden = history.length > 0;
  }
}

// ---------------------------------------------------------------- transfer

function renderTransferTarget() {
  const kind = $("transfer-kind").value;
  let target = $("transfer-target");
  if (!target || target.dataset.kind !== kind) {
    if (target) state.transferValues[target.dataset.kind] = target.value;
    if (kind === "number") {
      target = el("input", {
        type: "tel",
        placeholder: t("transfer.number_placeholder"),
        autocomplete: "off",
        value: state.transferValues.number,
      });
      target.addEventListener("keydown", (event) => {
        if (event.key === "Enter") {
          event.preventDefault();
          transfer();
        }
      });
    } else {
      target = el("select");
    }
    target.id = "transfer-target";
    target.dataset.kind = kind;
    target.setAttribute("aria-label", t("transfer.label"));
    target.addEventListener("input", renderControls);
    target.addEventListener("change", renderControls);
    $("transfer-target-slot").replaceChildren(target);
    delete state.renderKeys.transfer;
  }
  if (kind === "number") {
    target.placeholder = t("transfer.number_placeholder");
    return;
  }
  const targets = state.desktop?.transfer_targets || { queues: [], agents: [] };
  const me = state.desktop?.agent?.agent_id;
  if (!changed("transfer", [getLanguage(), kind, targets, me])) return;
  const previous = target.value || state.transferValues[kind];
  let options;
  if (kind === "queue") {
    options = (targets.queues || []).map((name) => el("option", { value: name, text: name }));
    options.unshift(el("option", { value: "", text: t("transfer.choose_queue") }));
  } else {
    options = (targets.agents || [])
      .filter((a) => a.agent_id !== me)
      .map((a) =>
        el("option", {
          value: a.agent_id,
          disabled: normStatus(a.status) === "logged_out",
          text: t("transfer.agent_option", { name: a.name || a.agent_id, status: statusLabel(a.status) }),
        }),
      );
    options.unshift(el("option", { value: "", text: t("transfer.choose_agent") }));
  }
  target.replaceChildren(...options);
  const still = options.find((o) => o.value === previous && !o.disabled);
  target.value = still ? previous : "";
}

function transfer() {
  const target = $("transfer-target");
  const kind = $("transfer-kind").value;
  const value = target?.value.trim();
  if (!value || $("btn-transfer").disabled) return;
  desktopAction("transfer", "/api/v1/desktop/call/transfer", { to: kind, target: value });
}

function consult() {
  const target = $("transfer-target");
  const value = target?.value.trim();
  if (!value || $("btn-consult").disabled) return;
  desktopAction("consult", "/api/v1/desktop/call/consult", { to: $("transfer-kind").value, target: value });
}

// ---------------------------------------------------------------- wrap-up

function renderWrapup() {
  const wrapup = state.desktop?.wrapup;
  const form = $("wrapup-form");
  form.hidden = !wrapup;
  $("wrapup-idle").hidden = Boolean(wrapup);
  if (!wrapup) {
    state.wrapupCallId = null;
    return;
  }
  const select = $("wrapup-disposition");
  if (wrapup.call_id !== state.wrapupCallId) {
    // A new call to wrap up: start from an empty form. The same call again keeps what was typed.
    state.wrapupCallId = wrapup.call_id;
    select.value = "";
    $("wrapup-notes").value = "";
    $("wrapup-fcr").checked = false;
    $("wrapup-callback-at").value = "";
    $("wrapup-callback-number").value = wrapup.caller || "";
    $("wrapup-callback-at").min = toLocalInputValue(serverNow());
    setText($("wrapup-hint"), "");
    delete state.renderKeys.dispositions;
  }
  const dispositions = wrapup.dispositions || [];
  if (changed("dispositions", [getLanguage(), dispositions])) {
    const previous = select.value;
    select.replaceChildren(
      el("option", { value: "", text: t("wrapup.choose") }),
      ...dispositions.map((d) => el("option", { value: d.code, text: d.label })),
    );
    select.value = dispositions.some((d) => d.code === previous) ? previous : "";
  }
  const name = wrapup.customer?.name;
  const caller = wrapup.caller || t("call.withheld");
  setText($("wrapup-about"), name ? t("wrapup.about_customer", { caller, name }) : t("wrapup.about", { caller }));
}

function submitWrapup() {
  const wrapup = state.desktop?.wrapup;
  if (!wrapup || $("wrapup-form").hidden) return;
  const disposition = $("wrapup-disposition").value;
  const hint = $("wrapup-hint");
  if (!disposition) {
    setText(hint, t("wrapup.hint_choose"));
    $("wrapup-disposition").focus();
    return;
  }
  const callbackAt = localInputToIso($("wrapup-callback-at").value);
  const callbackNumber = $("wrapup-callback-number").value.trim();
  if (callbackAt && !callbackNumber) {
    setText(hint, t("wrapup.hint_number"));
    $("wrapup-callback-number").focus();
    return;
  }
  setText(hint, "");
  act("wrapup", async () => {
    const desktop = await call("POST", "/api/v1/desktop/wrapup", {
      call_id: wrapup.call_id,
      disposition,
      notes: $("wrapup-notes").value,
      fcr: $("wrapup-fcr").checked,
      callback_at: callbackAt,
      callback_number: callbackAt ? callbackNumber : null,
    });
    applyDesktop(desktop, "http");
    loadMyDay();
  });
}

// ---------------------------------------------------------------- lists

function renderCallbacks() {
  const callbacks = state.desktop?.callbacks || [];
  setText($("callbacks-count"), callbacks.length ? String(callbacks.length) : "");
  $("callbacks-empty").hidden = callbacks.length > 0;
  if (!changed("callbacks", [getLanguage(), callbacks])) return;
  const rows = callbacks.map((cb) => {
    const due = cb.due_at ? fmtDateTime(cb.due_at, { timeOnlyToday: true, now: serverNow() }) : t("callbacks.any_time");
    const details = [
      cb.customer_name ? cb.number : null,
      tOr(`callbacks.source_${cb.source}`, cb.source),
      cb.attempts ? t("callbacks.attempts", { n: cb.attempts }) : null,
    ].filter(Boolean);
    return el(
      "tr",
      { "data-callback-id": cb.id, "data-status": cb.status },
      el("td", { class: "due nowrap", "data-due": cb.due_at || "", text: due }),
      el(
        "td",
        { class: "who" },
        el("div", { class: "strong", text: cb.customer_name || cb.number }),
        el("div", { class: "small muted", text: details.join(" · ") }),
        cb.notes ? el("div", { class: "small notes", title: cb.notes, text: cb.notes }) : null,
      ),
      el("td", { text: cb.queue || t("call.none") }),
      el("td", { class: "nowrap", text: tOr(`callbacks.status_${cb.status}`, cb.status || "") }),
      el(
        "td",
        { class: "action" },
        el("button", {
          type: "button",
          class: "btn-dial",
          "data-callback-id": cb.id,
          "data-finished": FINISHED_CALLBACK.has(cb.status) ? "true" : "false",
          text: t("callbacks.dial"),
        }),
      ),
    );
  });
  $("callbacks").tBodies[0].replaceChildren(...rows);
}

function renderQueues() {
  const queues = state.desktop?.queues || [];
  $("queues-empty").hidden = queues.length > 0;
  if (!changed("queues", queues)) return;
  $("queues").tBodies[0].replaceChildren(
    ...queues.map((q) =>
      el(
        "tr",
        { "data-queue": q.name, class: q.waiting > 0 ? "waiting" : "" },
        el("td", { text: q.name }),
        el("td", { class: "num strong", text: String(q.waiting ?? 0) }),
        el("td", { class: "num", text: q.waiting > 0 ? fmtDuration(q.longest_wait_s) : "—" }),
        el("td", { class: "num", text: String(q.ready_agents ?? 0) }),
      ),
    ),
  );
}

function renderNotices() {
  const notices = [...(state.desktop?.notices || [])];
  const open = notices.filter((n) => !n.acknowledged).length;
  setText($("notices-count"), open ? String(open) : "");
  $("notices-empty").hidden = notices.length > 0;
  $("notices").hidden = notices.length === 0;
  if (!changed("notices", [getLanguage(), notices])) return;
  notices.sort((a, b) => Number(a.acknowledged) - Number(b.acknowledged) || (parseTime(b.at) || 0) - (parseTime(a.at) || 0));
  $("notices").replaceChildren(
    ...notices.map((n) =>
      el(
        "li",
        { "data-notice-id": n.id, class: n.acknowledged ? "acked" : "open" },
        el("p", { class: "text", text: n.text }),
        el(
          "div",
          { class: "meta" },
          el("span", {
            class: "small muted",
            text: t("notices.by", { author: n.author || "", at: fmtDateTime(n.at, { timeOnlyToday: true, now: serverNow() }) }),
          }),
          n.acknowledged
            ? el("span", { class: "small acked-label", text: `✓ ${t("notices.acked")}` })
            : el("button", { type: "button", class: "btn-ack", "data-notice-id": n.id, text: t("notices.ack") }),
        ),
      ),
    ),
  );
}

function renderMyDay() {
  const box = $("myday");
  const m = state.myday;
  const lang = getLanguage();
  if (!changed("myday", [lang, m, state.mydayFailed])) return;
  if (!m) {
    box.replaceChildren(el("p", { class: "idle small", text: state.mydayFailed ? t("myday.none") : t("myday.loading") }));
    return;
  }
  const none = t("myday.none");
  const perHour = fmtNumber(m.calls_per_hour, 1, lang);
  const satisfaction = fmtNumber(m.satisfaction, 1, lang);
  const figures = [
    ["calls_handled", "myday.calls_handled", String(m.calls_handled ?? 0)],
    ["calls_per_hour", "myday.calls_per_hour", perHour === null ? none : t("myday.per_hour", { n: perHour })],
    ["average_handle", "myday.average_handle", m.calls_handled ? fmtDuration(m.average_handle_s) : none],
    ["fcr_rate", "myday.fcr_rate", fmtPercent(m.fcr_rate, lang) ?? none],
    ["satisfaction", "myday.satisfaction", satisfaction === null ? none : t("myday.of_five", { n: satisfaction })],
    ["utilisation", "myday.utilisation", fmtPercent(m.utilisation, lang) ?? none],
  ];
  const tiles = el(
    "dl",
    { class: "tiles" },
    ...figures.map(([id, key, value]) =>
      el("div", { class: "tile", "data-figure": id }, el("dd", { text: value }), el("dt", { text: t(key) })),
    ),
  );
  const seconds = m.state_seconds || {};
  const order = ["on_call", "wrapup", "ringing", "ready", "paused"];
  const total = order.reduce((sum, s) => sum + (Number(seconds[s]) || 0), 0);
  const bar = el(
    "div",
    { class: "statebar", role: "img", "aria-label": t("myday.states") },
    ...order
      .filter((s) => Number(seconds[s]) > 0)
      .map((s) => {
        const segment = el("span", { "data-status": s, title: `${t(`status.${s}`)} ${fmtDuration(Number(seconds[s]))}` });
        segment.style.flexGrow = String(Number(seconds[s]));
        return segment;
      }),
  );
  if (total === 0) bar.classList.add("empty");
  const legend = el(
    "ul",
    { class: "legend" },
    ...order.map((s) =>
      el(
        "li",
        { "data-status": s },
        el("i", { "aria-hidden": "true" }),
        `${t(`status.${s}`)} `,
        el("b", { text: fmtDuration(Number(seconds[s]) || 0) }),
      ),
    ),
  );
  const signedIn = el(
    "div",
    { class: "signed-in small" },
    `${t("myday.signed_in")} `,
    el("b", { text: fmtDuration(m.signed_in_s) }),
  );
  box.replaceChildren(tiles, signedIn, bar, legend);
}

// ---------------------------------------------------------------- clock

function tick() {
  const desktop = state.desktop;
  if (!desktop || state.view !== "desktop") return;
  const now = serverNow();
  const since = parseTime(desktop.agent?.since);
  setText($("state-duration"), Number.isFinite(since) ? fmtDuration((now - since) / 1000) : "");

  const current = desktop.call;
  let callSince = NaN;
  if (current?.state === "ringing") callSince = parseTime(current.offered_at);
  else if (current?.state === "talking") callSince = parseTime(current.answered_at);
  else if (current?.state === "held") callSince = parseTime(current.held_since);
  setText($("call-timer"), Number.isFinite(callSince) ? fmtDuration((now - callSince) / 1000) : "");

  const until = parseTime(desktop.wrapup?.until);
  const countdown = $("wrapup-countdown");
  if (desktop.wrapup && Number.isFinite(until)) {
    const left = (until - now) / 1000;
    setText(countdown, left >= 0 ? t("wrapup.time_left", { time: fmtDuration(Math.ceil(left)) }) : t("wrapup.overtime", { time: fmtDuration(-left) }));
    countdown.classList.toggle("late", left < 0);
    countdown.classList.toggle("soon", left >= 0 && left <= 10);
  } else {
    setText(countdown, "");
  }
  for (const cell of document.querySelectorAll("#callbacks td.due")) {
    const due = parseTime(cell.dataset.due);
    cell.classList.toggle("overdue", Number.isFinite(due) && due <= now);
  }
}

// ---------------------------------------------------------------- language

async function switchLanguage(lang) {
  if (lang === getLanguage()) return;
  if (!state.me || state.testMode) {
    setLanguage(lang);
    if (!state.me) state.languageChosenBeforeSignin = true;
    rerenderTexts();
    return;
  }
  await act("language", async () => {
    const me = await call("PUT", "/api/v1/me/language", { language: lang });
    state.me = me;
    setCsrfToken(me.csrf_token);
    setLanguage(me.language || lang);
    rerenderTexts();
  });
}

function rerenderTexts() {
  renderWsStatus($("ws-status").dataset.state);
  renderAll();
  renderMyEvaluations();
  rerenderMyTeam();
}

// ---------------------------------------------------------------- wiring

function wire() {
  wireSignin({
    call,
    t,
    signedIn,
    sessionEnded,
    switchLanguage,
    signingIn: (fn, onError) => act("signin", fn, onError),
    signingOut: (fn) => act("signout", fn),
    beforeSignOut: leaveSeatIfIdle,
  });
  $("error-close").addEventListener("click", clearError);

  $("seat-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const seat = $("seat-select").value;
    if (seat) desktopAction("seat", "/api/v1/desktop/login", { seat });
  });
  $("seat-select").addEventListener("change", renderControls);

  $("btn-ready").addEventListener("click", () => desktopAction("ready", "/api/v1/desktop/ready"));
  $("btn-pause").addEventListener("click", () => {
    const reason = $("pause-reason").value;
    if (reason) desktopAction("pause", "/api/v1/desktop/pause", { reason });
  });
  $("pause-reason").addEventListener("change", renderControls);
  $("btn-answer").addEventListener("click", () => desktopAction("answer", "/api/v1/desktop/call/answer"));
  $("btn-hold").addEventListener("click", () => desktopAction("hold", "/api/v1/desktop/call/hold"));
  $("btn-resume").addEventListener("click", () => desktopAction("resume", "/api/v1/desktop/call/resume"));
  $("btn-hangup").addEventListener("click", () => desktopAction("hangup", "/api/v1/desktop/call/hangup"));
  $("transfer-kind").addEventListener("change", () => {
    renderTransferTarget();
    renderControls();
  });
  $("btn-transfer").addEventListener("click", transfer);
  $("btn-consult").addEventListener("click", consult);
  $("btn-consult-complete").addEventListener("click",
    () => desktopAction("consult-complete", "/api/v1/desktop/call/consult/complete"));
  $("btn-consult-cancel").addEventListener("click",
    () => desktopAction("consult-cancel", "/api/v1/desktop/call/consult/cancel"));
  $("btn-leave-seat").addEventListener("click", () => desktopAction("leave", "/api/v1/desktop/logout"));

  $("wrapup-form").addEventListener("submit", (event) => {
    event.preventDefault();
    submitWrapup();
  });
  $("wrapup-disposition").addEventListener("change", () => {
    setText($("wrapup-hint"), "");
    renderControls();
  });

  $("callbacks").addEventListener("click", (event) => {
    const button = event.target.closest(".btn-dial");
    if (button && !button.disabled) {
      desktopAction("dial", `/api/v1/desktop/callbacks/${encodeURIComponent(button.dataset.callbackId)}/dial`);
    }
  });
  $("notices").addEventListener("click", (event) => {
    const button = event.target.closest(".btn-ack");
    if (button && !button.disabled) {
      const id = button.dataset.noticeId;
      desktopAction(`ack:${id}`, `/api/v1/notices/${encodeURIComponent(id)}/ack`);
    }
  });

  wireMyEvaluations({ call, handleError });
  wireMyTeam({ call, handleError, me: () => state.me });
  document.addEventListener("keydown", onKey);
  setInterval(tick, 250);
}

function onKey(event) {
  if (state.view !== "desktop" || event.repeat || $("evals-dialog").open || myTeamOpen()) return;
  if (event.altKey && !event.ctrlKey && !event.metaKey) {
    const code = event.code || "";
    let button = null;
    if (code === "KeyR") button = $("btn-ready");
    else if (code === "KeyN") button = $("btn-pause");
    else if (code === "KeyH") button = $("btn-hold").hidden ? $("btn-resume") : $("btn-hold");
    else if (code === "KeyX") button = $("btn-hangup");
    else if (code === "KeyA") button = $("btn-answer").hidden ? null : $("btn-answer");
    if (!button) return;
    event.preventDefault();
    if (!button.disabled) button.click();
    return;
  }
  if ((event.ctrlKey || event.metaKey) && event.key === "Enter" && !$("wrapup-form").hidden) {
    event.preventDefault();
    submitWrapup();
  }
}

/** Signing out while ready or not ready leaves the seat too, so that the phone stops getting calls nobody is there to see. */
async function leaveSeatIfIdle() {
  const status = normStatus(state.desktop?.agent?.status);
  if (status !== "ready" && status !== "paused") return;
  try {
    await call("POST", "/api/v1/desktop/logout");
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) throw error;
  }
}

// ---------------------------------------------------------------- test hooks

/**
 * For browser tests: render a Desktop (and optionally a Me and My day figures) exactly as if it had
 * come from the server, without a server. The live connection is stopped and actions still call the
 * API (which is absent under a plain file server). Returns what is on screen.
 */
window.__renderDesktopForTest = (desktop, { me = null, myday = undefined } = {}) => {
  state.testMode = true;
  live.stop();
  const agent = desktop?.agent;
  state.me = me ||
    state.me || {
      username: agent?.agent_id || "test",
      role: "agent",
      agent_id: agent?.agent_id ?? null,
      team: null,
      language: getLanguage(),
      csrf_token: "test",
      seats: agent?.seat ? [{ name: agent.seat, taken_by: agent.agent_id }] : [],
      bound_seat: agent?.seat ?? null,
    };
  if (myday !== undefined) state.myday = myday;
  state.stamp = -Infinity;
  applyDesktop(desktop, "test");
  return { view: state.view, popShownAt: window.__popShownAt ?? null, popCallId: window.__popCallId ?? null };
};

// ---------------------------------------------------------------- start

async function start() {
  setLanguage(getLanguage());
  wire();
  renderAll();
  setView("loading");
  await resumeSession({ call, signedIn, notSignedIn, testing: () => state.testMode });
}

function notSignedIn(error) {
  state.me = null;
  renderAll();
  // 401 is the ordinary "not signed in". Any other answer with a message from the server is shown.
  if (error instanceof ApiError && error.status !== 401 && (error.fromServer || error.status === 0)) {
    showError(error.message);
  }
}

window.__desktopReady = start();
