// The Recordings tab: search, the result table, and one recording's player, highlight, its
// evaluations and the form that scores it with a scorecard (docs/supervision.md, "Quality").

import { $, el, setText } from "/desktop/dom.js";
import { act, call, fmtDuration, fmtScore, fmtWhen, localized, showNotice, state, withQuery } from "./core.js";
import { evaluationItem } from "./evaluations.js";
import { t, tOr } from "./i18n.js";

const enc = encodeURIComponent;
const SEARCH_FIELDS = ["from", "to", "agent", "team", "queue", "caller", "disposition", "min_seconds", "max_seconds", "min_score", "max_score"];

const rec = {
  results: [],
  current: null, // the RecordingView on the right
  evaluations: [],
  scorecards: [],
  scorecard: null, // the chosen scorecard, with its sections
  searched: false,
};

// ---------------------------------------------------------------- search

export async function search() {
  const form = $("rec-search");
  const params = { limit: 200 };
  for (const name of SEARCH_FIELDS) params[name] = form.elements[name].value;
  const results = await act("rec-search", () => call("GET", withQuery("/api/v1/recordings", params)), renderButtons);
  if (!Array.isArray(results)) return;
  rec.results = results;
  rec.searched = true;
  renderResults();
}

function renderResults() {
  const rows = rec.results.map((r) =>
    el(
      "tr",
      { "data-recording-id": r.id, class: rec.current?.id === r.id ? "chosen" : "" },
      el("td", { class: "nowrap", text: fmtWhen(r.started_at) }),
      el("td", {}, el("div", { text: r.agent_name || r.agent_id || "" }), r.team ? el("div", { class: "small muted", text: r.team }) : null),
      el("td", { text: r.queue || t("none") }),
      el("td", { text: r.caller || t("none") }),
      el("td", { class: "num", text: fmtDuration(r.seconds) }),
      el("td", { text: r.disposition || t("none") }),
      el("td", { class: "num" }, fmtScore(r.score), r.highlighted ? el("span", { class: "star", title: t("rec.highlighted"), text: " ★" }) : null),
      el("td", {}, el("button", { type: "button", class: "btn-open", "data-recording-id": r.id, text: t("rec.open") })),
    ),
  );
  $("recordings").tBodies[0].replaceChildren(...rows);
  $("rec-empty").hidden = !rec.searched || rec.results.length > 0;
  setText($("rec-count"), rec.searched ? t("rec.count", { n: rec.results.length }) : "");
}

// ---------------------------------------------------------------- one recording

export async function openRecording(id) {
  const view = await act(`rec:${id}`, () => call("GET", `/api/v1/recordings/${enc(id)}`), renderButtons);
  if (!view) return;
  showRecording(view);
  await Promise.all([loadEvaluations(), loadScorecards()]);
}

function showRecording(view) {
  const changed = rec.current?.id !== view.id;
  rec.current = view;
  $("rec-choose").hidden = true;
  $("rec-body").hidden = false;
  $("rec-detail").dataset.recordingId = String(view.id);
  setText($("rec-title"), t("rec.title", { id: view.id }));
  const parts = [
    fmtWhen(view.started_at),
    fmtDuration(view.seconds),
    view.agent_name || view.agent_id,
    view.team,
    view.queue,
    view.caller,
    view.direction ? tOr(`rec.direction_${view.direction}`, view.direction) : null,
    view.disposition,
    view.status && view.status !== "complete" ? tOr(`rec.status_${view.status}`, view.status) : null,
  ];
  setText($("rec-meta"), parts.filter(Boolean).join(" · "));
  const audio = $("rec-audio");
  const src = `/api/v1/recordings/${enc(view.id)}/audio`;
  if (changed || !audio.getAttribute("src")) {
    audio.setAttribute("src", src);
    $("eval-comment").value = "";
    $("hl-reason").value = "";
  }
  audio.hidden = view.status === "purged";
  $("btn-highlight").hidden = Boolean(view.highlighted);
  $("hl-reason").hidden = Boolean(view.highlighted);
  $("btn-unhighlight").hidden = !view.highlighted;
  const hl = $("hl-current");
  hl.hidden = !view.highlighted;
  setText(hl, view.highlighted ? `★ ${t("rec.highlighted")}${view.highlight_reason ? `: ${view.highlight_reason}` : ""}` : "");
  for (const row of $("recordings").tBodies[0].rows) row.classList.toggle("chosen", row.dataset.recordingId === String(view.id));
  renderButtons();
}

async function loadEvaluations() {
  const view = rec.current;
  if (!view) return;
  const list = await act("rec-evals", () => call("GET", withQuery("/api/v1/evaluations", { agent: view.agent_id })));
  rec.evaluations = Array.isArray(list) ? list.filter((e) => e.recording_id === view.id) : [];
  renderEvaluations();
}

function renderEvaluations() {
  const box = $("rec-evaluations");
  if (rec.evaluations.length === 0) box.replaceChildren(el("li", { class: "idle", text: t("rec.no_evaluations") }));
  else box.replaceChildren(...rec.evaluations.map((e) => evaluationItem(e, { withRecordingLink: false })));
}

// ---------------------------------------------------------------- scoring

async function loadScorecards() {
  if (rec.scorecards.length === 0) {
    const list = await act("scorecards", () => call("GET", "/api/v1/scorecards"));
    if (!Array.isArray(list)) return;
    rec.scorecards = list;
  }
  const select = $("eval-scorecard");
  const previous = select.value || (rec.scorecards.length === 1 ? String(rec.scorecards[0].id) : "");
  select.replaceChildren(
    el("option", { value: "", text: t("eval.choose_scorecard") }),
    ...rec.scorecards.map((s) => el("option", { value: String(s.id), text: scorecardName(s) })),
  );
  select.value = rec.scorecards.some((s) => String(s.id) === previous) ? previous : "";
  await chooseScorecard(select.value);
}

export function scorecardName(s) {
  const title = localized(s, "title") || s.name || s.scorecard_name || "";
  return s.version ? `${title} (v${s.version})` : title;
}

async function chooseScorecard(id) {
  if (!id) {
    rec.scorecard = null;
    renderCriteria();
    return;
  }
  let card = rec.scorecards.find((s) => String(s.id) === id);
  if (!card?.sections) {
    card = await act("scorecard", () => call("GET", `/api/v1/scorecards/${enc(id)}`));
    if (!card) return;
    rec.scorecards = rec.scorecards.map((s) => (String(s.id) === id ? card : s));
  }
  rec.scorecard = card;
  renderCriteria();
}

function criterionSelect(c) {
  const weight = Number(c.weight) || 0;
  const select = el("select", { class: "criterion", "data-criterion": c.id, "data-weight": weight, "data-fatal": c.fatal ? "true" : "false",
    "aria-label": localized(c, "text") });
  if (c.fatal) {
    select.append(el("option", { value: String(weight), text: t("eval.pass") }), el("option", { value: "0", text: t("eval.fail") }));
  } else {
    for (let n = weight; n >= 0; n -= 1) select.append(el("option", { value: String(n), text: t("eval.points", { n, of: weight }) }));
    select.append(el("option", { value: "na", text: t("eval.na") }));
  }
  select.value = String(weight);
  return select;
}

function renderCriteria() {
  const box = $("eval-criteria");
  const card = rec.scorecard;
  if (!card) {
    box.replaceChildren();
    renderPreview();
    return;
  }
  box.replaceChildren(
    ...(card.sections || []).map((section) =>
      el(
        "fieldset",
        { class: "section", "data-section": section.id },
        el("legend", { text: localized(section, "title") || section.id }),
        ...(section.criteria || []).map((c) =>
          el(
            "div",
            { class: `criterion-row${c.fatal ? " fatal" : ""}` },
            el("span", { class: "text" }, localized(c, "text") || c.id,
              c.fatal ? el("span", { class: "fatal-tag", text: t("eval.fatal") }) : null),
            criterionSelect(c),
          ),
        ),
      ),
    ),
  );
  renderPreview();
}

/** Score = 100 × points given ÷ weights of the criteria not "na", to a tenth; a failed fatal criterion makes it 0. */
function answersAndScore() {
  const answers = {};
  let given = 0;
  let possible = 0;
  let fatal = false;
  for (const select of $("eval-criteria").querySelectorAll("select.criterion")) {
    const value = select.value;
    if (value === "na") {
      answers[select.dataset.criterion] = "na";
      continue;
    }
    const points = Number(value);
    answers[select.dataset.criterion] = points;
    given += points;
    possible += Number(select.dataset.weight);
    if (select.dataset.fatal === "true" && points === 0) fatal = true;
  }
  const score = fatal ? 0 : possible > 0 ? Math.round((1000 * given) / possible) / 10 : null;
  return { answers, score, fatal };
}

function renderPreview() {
  const { score, fatal } = rec.scorecard ? answersAndScore() : { score: null, fatal: false };
  setText($("eval-preview"), !rec.scorecard ? "" : fatal ? t("eval.preview_fatal") : t("eval.preview", { score: fmtScore(score) }));
  renderButtons();
}

async function submitEvaluation() {
  const view = rec.current;
  const card = rec.scorecard;
  if (!view || !card) return;
  const { answers } = answersAndScore();
  const saved = await act("eval-submit", () => call("POST", "/api/v1/evaluations", {
    recording_id: view.id,
    scorecard_id: card.id,
    answers,
    comment: $("eval-comment").value,
  }), renderButtons);
  if (!saved) return;
  showNotice(t("eval.submitted", { score: fmtScore(saved.score) }));
  $("eval-comment").value = "";
  await refreshCurrent();
}

async function refreshCurrent() {
  const view = rec.current;
  if (!view) return;
  const fresh = await act(`rec:${view.id}`, () => call("GET", `/api/v1/recordings/${enc(view.id)}`));
  if (fresh) {
    showRecording(fresh);
    rec.results = rec.results.map((r) => (r.id === fresh.id ? fresh : r));
    renderResults();
  }
  await loadEvaluations();
}

// ---------------------------------------------------------------- highlight

async function highlight(on) {
  const view = rec.current;
  if (!view) return;
  const reason = $("hl-reason").value.trim();
  if (on && !reason) {
    showNotice(t("rec.highlight_missing"));
    $("hl-reason").focus();
    return;
  }
  const path = `/api/v1/recordings/${enc(view.id)}/highlight`;
  const ok = await act("highlight", async () => {
    await (on ? call("POST", path, { reason }) : call("DELETE", path));
    return true;
  }, renderButtons);
  if (!ok) return;
  if (on) showNotice(t("rec.highlighted_done"));
  await refreshCurrent();
}

// ---------------------------------------------------------------- wiring

export function renderButtons() {
  $("btn-rec-search").disabled = state.busy.has("rec-search");
  $("btn-eval-submit").disabled = !rec.current || !rec.scorecard || state.busy.has("eval-submit") || rec.current.status === "recording";
  $("btn-highlight").disabled = !rec.current || state.busy.has("highlight");
  $("btn-unhighlight").disabled = !rec.current || state.busy.has("highlight");
}

export function rerenderRecordings() {
  renderResults();
  if (rec.current) showRecording(rec.current);
  renderEvaluations();
  if (rec.scorecards.length) {
    const select = $("eval-scorecard");
    const value = select.value;
    select.replaceChildren(el("option", { value: "", text: t("eval.choose_scorecard") }),
      ...rec.scorecards.map((s) => el("option", { value: String(s.id), text: scorecardName(s) })));
    select.value = value;
  }
  if (rec.scorecard) {
    const values = Object.fromEntries([...$("eval-criteria").querySelectorAll("select.criterion")].map((s) => [s.dataset.criterion, s.value]));
    renderCriteria();
    for (const s of $("eval-criteria").querySelectorAll("select.criterion")) if (s.dataset.criterion in values) s.value = values[s.dataset.criterion];
    renderPreview();
  }
}

export function wireRecordings() {
  $("rec-search").addEventListener("submit", (event) => {
    event.preventDefault();
    search();
  });
  $("rec-search").addEventListener("reset", () => setTimeout(() => {
    rec.results = [];
    rec.searched = false;
    renderResults();
  }, 0));
  $("recordings").addEventListener("click", (event) => {
    const button = event.target.closest(".btn-open");
    if (button) location.hash = `#recordings/${button.dataset.recordingId}`;
  });
  $("eval-scorecard").addEventListener("change", () => chooseScorecard($("eval-scorecard").value));
  $("eval-criteria").addEventListener("change", renderPreview);
  $("eval-form").addEventListener("submit", (event) => {
    event.preventDefault();
    submitEvaluation();
  });
  $("btn-highlight").addEventListener("click", () => highlight(true));
  $("btn-unhighlight").addEventListener("click", () => highlight(false));
  renderButtons();
}
