// Evaluations as the supervisor page shows them: one item (score, fatal mark, scorecard, comments,
// per-criterion results on demand, the answer box for a dispute), the Evaluations tab's list, the
// daily review list and the highlight library.

import { $, el, setText } from "/desktop/dom.js";
import { act, call, fmtDuration, fmtScore, fmtWhen, localDay, localized, showNotice, state, withQuery } from "./core.js";
import { t, tOr } from "./i18n.js";

const enc = encodeURIComponent;
const scorecards = new Map(); // id -> scorecard with sections, for naming criteria

async function scorecard(id) {
  if (!scorecards.has(id)) {
    try {
      scorecards.set(id, await call("GET", `/api/v1/scorecards/${enc(id)}`));
    } catch {
      scorecards.set(id, null);
    }
  }
  return scorecards.get(id);
}

function criteriaList(evaluation, card) {
  const labels = new Map();
  for (const section of card?.sections || []) {
    for (const c of section.criteria || []) labels.set(c.id, [localized(c, "text") || c.id, c.weight, c.fatal]);
  }
  return el(
    "ul",
    { class: "criteria" },
    ...Object.entries(evaluation.answers || {}).map(([id, value]) => {
      const [label, weight, fatal] = labels.get(id) || [id, null, false];
      let shown;
      if (value === "na") shown = t("eval.na");
      else if (fatal) shown = Number(value) > 0 ? t("eval.pass") : t("eval.fail");
      else shown = weight !== null ? t("eval.points", { n: value, of: weight }) : String(value);
      return el("li", { "data-criterion": id, class: fatal && Number(value) === 0 ? "failed" : "" },
        el("span", { text: label }), el("b", { text: shown }));
    }),
  );
}

/** One evaluation as a list item; `withRecordingLink` adds a button that opens its recording. */
export function evaluationItem(e, { withRecordingLink = true } = {}) {
  const details = el("details", { class: "criteria-box" }, el("summary", { text: t("eval.scorecard") }), criteriaList(e, null));
  details.addEventListener("toggle", async () => {
    if (!details.open) return;
    const card = await scorecard(e.scorecard_id);
    details.replaceChildren(details.firstChild, criteriaList(e, card));
  }, { once: true });
  const disputed = e.status === "disputed";
  const box = disputed
    ? el("div", { class: "respond" },
      el("textarea", { class: "response", rows: 2, maxLength: 2000, "data-evaluation-id": e.id, "aria-label": t("eval.response"), placeholder: t("eval.response") }),
      el("button", { type: "button", class: "btn-respond primary", "data-evaluation-id": e.id, disabled: state.busy.has(`respond:${e.id}`), text: t("eval.respond") }))
    : null;
  return el(
    "li",
    { class: "evaluation", "data-evaluation-id": e.id, "data-status": e.status || "", "data-fatal": e.fatal ? "true" : "false" },
    el("div", { class: "eval-head" },
      el("span", { class: `score${e.fatal ? " fatal" : ""}`, "data-testid": `evaluation-${e.id}-score`, text: fmtScore(e.score) }),
      e.fatal ? el("span", { class: "fatal-tag", text: t("eval.fatal_mark") }) : null,
      el("span", { class: "strong", text: [e.agent_name || e.agent_id, `${e.scorecard_name || ""}${e.scorecard_version ? ` v${e.scorecard_version}` : ""}`].filter(Boolean).join(" · ") }),
      el("span", { class: "status", "data-status": e.status, "data-testid": `evaluation-${e.id}-status`, text: tOr(`eval.status_${e.status}`, e.status || "") }),
      el("span", { class: "small muted", text: t("eval.by", { evaluator: e.evaluator || "", at: fmtWhen(e.created_at) }) }),
      withRecordingLink ? el("button", { type: "button", class: "link btn-open-recording", "data-recording-id": e.recording_id, text: `${t("eval.recording")} #${e.recording_id}` }) : null),
    e.comment ? el("p", { class: "comment", text: e.comment }) : null,
    e.agent_comment ? el("p", { class: "agent-comment", text: t("eval.agent_comment", { comment: e.agent_comment }) }) : null,
    e.response ? el("p", { class: "response-text", text: t("eval.answered_by", { user: e.responded_by || "", response: e.response }) }) : null,
    box,
    details,
  );
}

// ---------------------------------------------------------------- the Evaluations tab

let evaluations = [];

export async function loadEvaluationList() {
  const status = $("eval-status-filter").value;
  const list = await act("evaluations", () => call("GET", withQuery("/api/v1/evaluations", { status })));
  if (!Array.isArray(list)) return;
  evaluations = list;
  renderEvaluationList();
}

export function renderEvaluationList() {
  $("evaluations").replaceChildren(...evaluations.map((e) => evaluationItem(e)));
  $("evaluations-empty").hidden = evaluations.length > 0;
}

async function respond(id, textarea) {
  const response = textarea.value.trim();
  if (!response) {
    showNotice(t("eval.response_missing"));
    textarea.focus();
    return;
  }
  const done = await act(`respond:${id}`, () => call("POST", `/api/v1/evaluations/${enc(id)}/respond`, { response }));
  if (done) await loadEvaluationList();
}

// ---------------------------------------------------------------- review list

let review = null;

/** The review list's agents, whatever wrapper the server puts round them. */
function reviewAgents(data) {
  if (Array.isArray(data)) return data;
  return data?.agents || data?.items || [];
}

export async function loadReview() {
  const input = $("review-day");
  if (!input.value) input.value = localDay();
  const data = await act("review", () => call("GET", withQuery("/api/v1/review-list", { day: input.value })));
  if (data === undefined) return;
  review = data;
  renderReview();
}

export function renderReview() {
  const agents = reviewAgents(review);
  let left = 0;
  const blocks = agents.map((a) => {
    const items = a.recordings || a.samples || [];
    const undone = items.filter((r) => !(r.evaluated ?? r.done)).length;
    left += undone;
    return el(
      "section",
      { class: "review-agent", "data-agent-id": a.agent_id },
      el("h3", {}, el("span", { text: a.agent_name || a.name || a.agent_id }),
        el("span", { class: "count", text: undone ? String(undone) : "" })),
      items.length === 0
        ? el("p", { class: "idle small", text: t("review.no_recordings") })
        : el("ul", {}, ...items.map((r) => {
          const id = r.recording_id ?? r.id;
          const done = Boolean(r.evaluated ?? r.done);
          return el("li", { "data-recording-id": id, "data-done": done ? "true" : "false" },
            el("button", { type: "button", class: "link btn-open-recording", "data-recording-id": id,
              text: [`#${id}`, fmtWhen(r.started_at), fmtDuration(r.seconds), r.caller, r.queue].filter(Boolean).join(" · ") }),
            el("span", { class: `done-tag${done ? " done" : ""}`, text: done ? `✓ ${t("review.done")}` : t("review.undone") }));
        })),
    );
  });
  $("review").replaceChildren(...(blocks.length ? blocks : [el("p", { class: "idle", text: t("review.none") })]));
  setText($("review-left"), review === null ? "" : left ? t("review.left", { n: left }) : t("review.all_done"));
  $("review-left").dataset.left = String(left);
}

// ---------------------------------------------------------------- highlights

let highlights = [];

export async function loadHighlights() {
  const list = await act("highlights", () => call("GET", "/api/v1/highlights"));
  if (!Array.isArray(list)) return;
  highlights = list;
  renderHighlights();
}

export function renderHighlights() {
  $("highlights").replaceChildren(...highlights.map((h) => {
    const r = h.recording || h;
    const id = h.recording_id ?? r.id;
    return el(
      "li",
      { "data-recording-id": id },
      el("div", { class: "strong", text: [r.agent_name || r.agent_id, r.queue, fmtWhen(r.started_at), fmtDuration(r.seconds)].filter(Boolean).join(" · ") }),
      el("p", { class: "reason", text: h.reason || "" }),
      el("p", { class: "small muted", text: t("hl.by", { user: h.marked_by || "", at: fmtWhen(h.marked_at) }) }),
      el("audio", { controls: true, preload: "none", src: `/api/v1/recordings/${enc(id)}/audio` }),
    );
  }));
  $("highlights-empty").hidden = highlights.length > 0;
}

export function wireEvaluations(openRecording) {
  for (const list of ["evaluations", "rec-evaluations", "review"]) {
    $(list).addEventListener("click", (event) => {
      const open = event.target.closest(".btn-open-recording");
      if (open) {
        openRecording(open.dataset.recordingId);
        return;
      }
      const button = event.target.closest(".btn-respond");
      if (button && !button.disabled) respond(button.dataset.evaluationId, button.parentElement.querySelector("textarea"));
    });
  }
  $("eval-status-filter").addEventListener("change", loadEvaluationList);
  $("btn-evals-refresh").addEventListener("click", loadEvaluationList);
  $("review-day").addEventListener("change", loadReview);
}
