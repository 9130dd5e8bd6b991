// "My evaluations" on the agent desktop: the agent's own evaluations (GET /api/v1/evaluations
// answers an agent with theirs), each with its score, fatal mark, scorecard, comment and
// per-criterion results, and Acknowledge / Dispute with a comment (docs/supervision.md).
// Shown in a dialog opened from the My day panel, so the desktop's 1366x768 layout is unchanged.

import { ApiError } from "./api.js";
import { el, setText } from "./dom.js";
import { fmtDateTime, fmtNumber } from "./format.js";
import { getLanguage, t, tOr } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const enc = encodeURIComponent;

const my = {
  list: [],
  loaded: false,
  scorecards: new Map(), // id -> scorecard (sections) for naming criteria
  busy: new Set(),
  // A redraw (the list arriving, an answer saved) must not close what the agent opened or lose
  // what they typed: kept by evaluation id.
  expanded: new Set(),
  drafts: new Map(),
  deps: null, // {call, handleError}
};

const fmtScore = (score) => (typeof score === "number" && Number.isFinite(score) ? fmtNumber(score, 1, getLanguage()) : "—");

function localized(item, field) {
  if (!item) return "";
  if (getLanguage() === "zh" && item[`${field}_zh`]) return item[`${field}_zh`];
  return item[field] ?? "";
}

export async function loadMyEvaluations() {
  if (!my.deps) return;
  try {
    const list = await my.deps.call("GET", "/api/v1/evaluations");
    my.list = Array.isArray(list) ? list : [];
    my.loaded = true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      my.deps.handleError(error);
      return;
    }
    // A server without the quality routes yet: the button just shows no count.
    my.loaded = false;
  }
  renderMyEvaluations();
}

export function resetMyEvaluations() {
  my.list = [];
  my.loaded = false;
  const dialog = $("evals-dialog");
  if (dialog?.open) dialog.close();
  renderMyEvaluations();
}

async function scorecard(id) {
  if (!my.scorecards.has(id)) {
    try {
      my.scorecards.set(id, await my.deps.call("GET", `/api/v1/scorecards/${enc(id)}`));
    } catch {
      my.scorecards.set(id, null);
    }
  }
  return my.scorecards.get(id);
}

function criteria(evaluation, card) {
  const labels = new Map();
  for (const section of card?.sections || []) {
    for (const c of section.criteria || []) labels.set(c.id, { text: localized(c, "text") || c.id, weight: c.weight, fatal: c.fatal });
  }
  return el(
    "ul",
    { class: "criteria" },
    ...Object.entries(evaluation.answers || {}).map(([id, value]) => {
      const c = labels.get(id) || { text: id, weight: null, fatal: false };
      let shown;
      if (value === "na") shown = t("evals.na");
      else if (c.fatal) shown = Number(value) > 0 ? t("evals.pass") : t("evals.fail");
      else shown = c.weight !== null && c.weight !== undefined ? t("evals.points", { n: value, of: c.weight }) : String(value);
      return el("li", { "data-criterion": id, class: c.fatal && Number(value) === 0 ? "failed" : "" },
        el("span", { text: c.text }), el("b", { text: shown }));
    }),
  );
}

function item(e) {
  const details = el("details", { class: "criteria-box" }, el("summary", { text: t("evals.details") }), criteria(e, my.scorecards.get(e.scorecard_id)));
  details.open = my.expanded.has(String(e.id));
  details.addEventListener("toggle", async () => {
    if (!details.open) {
      my.expanded.delete(String(e.id));
      return;
    }
    my.expanded.add(String(e.id));
    const card = await scorecard(e.scorecard_id);
    details.replaceChildren(details.firstChild, criteria(e, card));
  });
  const open = e.status === "open";
  const busy = my.busy.has(e.id);
  return el(
    "li",
    { class: "evaluation", "data-evaluation-id": e.id, "data-status": e.status || "", "data-fatal": e.fatal ? "true" : "false" },
    el("div", { class: "eval-head" },
      el("span", { class: `score${e.fatal ? " fatal" : ""}`, text: fmtScore(e.score) }),
      e.fatal ? el("span", { class: "fatal-tag", text: t("evals.fatal") }) : null,
      el("span", { class: "strong", text: `${e.scorecard_name || ""}${e.scorecard_version ? ` v${e.scorecard_version}` : ""}` }),
      el("span", { class: "eval-status", "data-status": e.status, text: tOr(`evals.status_${e.status}`, e.status || "") }),
      el("span", { class: "small muted", text: t("evals.by", { evaluator: e.evaluator || "", at: fmtDateTime(e.created_at) }) })),
    e.comment ? el("p", { class: "comment", text: e.comment }) : null,
    e.agent_comment ? el("p", { class: "agent-comment", text: t("evals.your_comment", { comment: e.agent_comment }) }) : null,
    e.response ? el("p", { class: "response-text", text: t("evals.response", { user: e.responded_by || "", response: e.response }) }) : null,
    details,
    open
      ? el("div", { class: "eval-actions" },
        el("button", { type: "button", class: "btn-eval-ack primary", "data-evaluation-id": e.id, disabled: busy, text: t("evals.ack") }),
        el("input", { class: "dispute-text", "data-evaluation-id": e.id, maxLength: 2000, placeholder: t("evals.dispute_placeholder"),
          "aria-label": t("evals.dispute_placeholder"), value: my.drafts.get(String(e.id)) || "" }),
        el("button", { type: "button", class: "btn-eval-dispute", "data-evaluation-id": e.id, disabled: busy, text: t("evals.dispute") }))
      : null,
  );
}

export function renderMyEvaluations() {
  const open = my.list.filter((e) => e.status === "open").length;
  setText($("evals-count"), open ? String(open) : "");
  if (!$("evals-dialog").open) return;
  $("evals-list").replaceChildren(...my.list.map(item));
  $("evals-empty").hidden = my.list.length > 0;
}

async function answer(id, path, body) {
  if (my.busy.has(id)) return;
  my.busy.add(id);
  renderMyEvaluations();
  try {
    await my.deps.call("POST", `/api/v1/evaluations/${enc(id)}/${path}`, body);
    my.drafts.delete(String(id));
    await loadMyEvaluations();
  } catch (error) {
    my.deps.handleError(error);
  } finally {
    my.busy.delete(id);
    renderMyEvaluations();
  }
}

export function wireMyEvaluations(deps) {
  my.deps = deps;
  $("btn-my-evals").addEventListener("click", () => {
    $("evals-dialog").showModal();
    renderMyEvaluations();
    loadMyEvaluations();
  });
  $("evals-close").addEventListener("click", () => $("evals-dialog").close());
  $("evals-list").addEventListener("input", (event) => {
    if (event.target.classList.contains("dispute-text")) my.drafts.set(event.target.dataset.evaluationId, event.target.value);
  });
  $("evals-list").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-evaluation-id]");
    if (!button || button.disabled) return;
    const id = button.dataset.evaluationId;
    if (button.classList.contains("btn-eval-ack")) answer(id, "acknowledge");
    else if (button.classList.contains("btn-eval-dispute")) {
      const input = button.parentElement.querySelector(".dispute-text");
      const comment = input.value.trim();
      if (!comment) {
        input.placeholder = t("evals.dispute_missing");
        input.focus();
        return;
      }
      answer(id, "dispute", { comment });
    }
  });
}
