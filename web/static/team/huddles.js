// The team page's "Huddles" tab (docs/teams.md, "Huddles and meetings"): a day's pre-shift huddle
// with its time, host (from the rotation, a swap, or changed here with a reason) and who attends
// (GET /api/v1/huddles/{team}/days/{day}); the agenda the host and the team leader prepare — the
// opener, key business points, hard cases with their handling steps, the notes — saved as a
// draft (PUT .../agenda) until published to every member's desktop (POST .../publish); the
// attendance from sign-in times, with a correction per member (POST .../attendance,
// PUT .../attendance/{agent}); who has acknowledged the notes; the post-shift debrief
// (PUT .../debrief); the huddles on record and the team's huddle settings.

const enc = encodeURIComponent;
const STATUSES = ["present", "late", "absent"];

const view = { day: null, huddle: null, list: [], settings: null };

const base = (ctx, day = view.day) => `/api/v1/huddles/${enc(ctx.team)}/days/${enc(day)}`;
const lines = (text) => text.split("\n").map((s) => s.trim()).filter(Boolean);

function nameOf(id) {
  const found = view.huddle?.attendees.find((a) => a.agent_id === id);
  return found && found.name !== id ? `${found.name} (${id})` : id || "—";
}

// ---------------------------------------------------------------- building the tab

function build(panel, ctx) {
  const { el } = ctx;
  const field = (id, label, input) => el("div", {}, el("label", { for: id, "data-i18n": label }), input);
  panel.append(
    el("div", { class: "toolbar" },
      el("h2", { "data-i18n": "huddles.title" }),
      el("label", { for: "huddle-day", "data-i18n": "huddles.day" }),
      el("input", { id: "huddle-day", type: "date", "data-testid": "huddle-day" }),
      el("button", { type: "button", id: "huddle-open", "data-i18n": "huddles.open" }),
      el("button", { type: "button", id: "huddle-prev", "data-i18n": "huddles.prev" }),
      el("button", { type: "button", id: "huddle-next", "data-i18n": "huddles.next" })),
    el("div", { class: "grid-2" },
      el("section", { class: "panel stack", id: "huddle-main", "data-testid": "huddle-main" },
        el("h2", {}, el("span", { id: "huddle-heading" }), el("span", { id: "huddle-status", class: "pill" })),
        el("p", { id: "huddle-summary", "data-testid": "huddle-summary" }),
        el("p", { id: "huddle-attendees", class: "muted small" }),
        el("form", { id: "huddle-host-form", class: "inline-form" },
          el("select", { id: "huddle-host-agent", "data-i18n-aria-label": "huddles.new_host" }),
          el("input", { id: "huddle-host-reason", "data-i18n-placeholder": "huddles.host_reason", "data-i18n-aria-label": "huddles.host_reason" }),
          el("button", { type: "submit", id: "huddle-host-save", "data-i18n": "huddles.change_host" })),
        el("h3", { "data-i18n": "huddles.agenda" }),
        el("form", { id: "huddle-agenda", "data-testid": "huddle-agenda" },
          field("huddle-opener", "huddles.opener", el("input", { id: "huddle-opener", style: "width:100%" })),
          field("huddle-points", "huddles.points", el("textarea", { id: "huddle-points", rows: 3, "data-i18n-placeholder": "huddles.one_per_line" })),
          el("h3", {}, el("span", { "data-i18n": "huddles.cases" }),
            el("button", { type: "button", id: "huddle-add-case", class: "link", "data-i18n": "huddles.add_case" })),
          el("div", { id: "huddle-cases", class: "stack" }),
          field("huddle-notes", "huddles.notes", el("textarea", { id: "huddle-notes", rows: 3 })),
          el("div", { class: "row", id: "huddle-draft-actions" },
            el("button", { type: "submit", id: "huddle-save", class: "primary", "data-i18n": "huddles.save" }),
            el("button", { type: "button", id: "huddle-publish", "data-i18n": "huddles.publish" })),
          el("p", { id: "huddle-published", class: "note", "data-testid": "huddle-published", hidden: true }))),
      el("section", { class: "panel stack", id: "huddle-side" },
        el("h2", {}, el("span", { "data-i18n": "huddles.attendance" }),
          el("button", { type: "button", id: "huddle-take", class: "actions-right", "data-i18n": "huddles.take" })),
        el("table", { id: "huddle-attendance", "data-testid": "huddle-attendance" }),
        el("p", { id: "huddle-attendance-none", class: "idle small", "data-i18n": "huddles.no_attendance" }),
        el("h2", {}, el("span", { "data-i18n": "huddles.acks" }), el("span", { id: "huddle-acks-count", class: "muted small" })),
        el("ul", { id: "huddle-acks", class: "card-list", "data-testid": "huddle-acks" }),
        el("p", { id: "huddle-acks-none", class: "idle small", "data-i18n": "huddles.not_published" }),
        el("h2", { "data-i18n": "huddles.debrief" }),
        el("form", { id: "huddle-debrief", class: "stack" },
          field("debrief-good", "huddles.good_calls", el("textarea", { id: "debrief-good", rows: 2 })),
          field("debrief-praise", "huddles.praise", el("textarea", { id: "debrief-praise", rows: 2 })),
          field("debrief-light", "huddles.light", el("textarea", { id: "debrief-light", rows: 2 })),
          el("div", { class: "row" }, el("button", { type: "submit", id: "debrief-save", "data-i18n": "huddles.save_debrief" }),
            el("span", { id: "debrief-when", class: "muted small" }))))),
    el("div", { class: "grid-2" },
      el("section", { class: "panel" },
        el("h2", { "data-i18n": "huddles.recent" }),
        el("table", { id: "huddle-list", "data-testid": "huddle-list" }),
        el("p", { id: "huddle-list-none", class: "idle small", "data-i18n": "huddles.none_recent" })),
      el("section", { class: "panel" },
        el("h2", { "data-i18n": "huddles.settings" }),
        el("form", { id: "huddle-settings", class: "inline-form" },
          field("set-before", "huddles.before", el("input", { id: "set-before", type: "number", min: 0, max: 240, style: "width:80px" })),
          field("set-at", "huddles.at", el("input", { id: "set-at", type: "time" })),
          field("set-length", "huddles.length", el("input", { id: "set-length", type: "number", min: 5, max: 120, style: "width:80px" })),
          field("set-notice", "huddles.notice_days", el("input", { id: "set-notice", type: "number", min: 0, max: 20, style: "width:80px" })),
          field("set-opener", "huddles.team_opener", el("input", { id: "set-opener", style: "width:260px" })),
          el("button", { type: "submit", id: "set-save", style: "align-self:flex-end", "data-i18n": "huddles.save_settings" })))),
  );
}

function caseEditor(ctx, item = { title: "", steps: [] }) {
  const { el, t } = ctx;
  const node = el("div", { class: "hard-case panel" },
    el("input", { class: "case-title", placeholder: t("huddles.case_title"), "aria-label": t("huddles.case_title"), value: item.title }),
    el("textarea", { class: "case-steps", rows: 2, placeholder: t("huddles.case_steps"), "aria-label": t("huddles.case_steps") }),
    el("button", { type: "button", class: "link case-remove", text: t("huddles.remove_case") }));
  node.querySelector(".case-steps").value = item.steps.join("\n");
  node.querySelector(".case-remove").addEventListener("click", () => node.remove());
  return node;
}

// ---------------------------------------------------------------- drawing

function renderMain(ctx) {
  const { el, t, $ } = ctx;
  const h = view.huddle;
  const published = h.status === "published";
  $("huddle-heading").textContent = t("huddles.heading", { day: h.day });
  $("huddle-status").textContent = t(published ? "huddles.published" : "huddles.draft");
  $("huddle-status").dataset.status = published ? "approved" : "pending";
  const reason = t(`huddles.reason.${h.host_reason}`);
  $("huddle-summary").textContent = h.starts
    ? t("huddles.summary", { starts: h.starts, minutes: h.length_minutes, host: nameOf(h.host), reason })
    : t("huddles.nobody");
  const note = h.host_reason === "manual" && h.host_note ? ` — ${t("huddles.host_changed", { by: h.host_by, reason: h.host_note })}` : "";
  $("huddle-summary").textContent += note;
  $("huddle-attendees").textContent = h.attendees.length
    ? t("huddles.attending", { names: h.attendees.map((a) => (a.swapped_from ? `${nameOf(a.agent_id)} ⇄ ${a.swapped_from}` : nameOf(a.agent_id))).join(", ") })
    : "";
  $("huddle-host-agent").replaceChildren(...h.attendees.map((a) => el("option", { value: a.agent_id, text: nameOf(a.agent_id), selected: a.agent_id === h.host })));
  $("huddle-host-form").hidden = published || !h.attendees.length;
  $("huddle-opener").value = h.opener;
  $("huddle-points").value = h.points.join("\n");
  $("huddle-notes").value = h.notes;
  $("huddle-cases").replaceChildren(...h.hard_cases.map((c) => caseEditor(ctx, c)));
  for (const node of $("huddle-agenda").querySelectorAll("input, textarea, button")) node.disabled = published;
  $("huddle-draft-actions").hidden = published;
  $("huddle-add-case").hidden = published;
  $("huddle-published").hidden = !published;
  $("huddle-published").textContent = published ? t("huddles.published_at", { when: ctx.fmtWhen(h.published_at), by: h.published_by }) : "";
}

function renderAttendance(ctx) {
  const { el, t, $ } = ctx;
  const h = view.huddle;
  $("huddle-take").hidden = !h.attendees.length;
  $("huddle-attendance-none").hidden = h.attendance.length > 0;
  if (!h.attendance.length) return $("huddle-attendance").replaceChildren();
  const verdict = (status, late) => (status === "late" ? t("huddles.late_n", { n: late }) : t(`huddles.status.${status}`));
  $("huddle-attendance").replaceChildren(
    el("thead", {}, el("tr", {}, ...["huddles.member", "huddles.verdict", "huddles.signed_in", "huddles.correct"].map((k) => el("th", { text: t(k) })))),
    el("tbody", {}, ...h.attendance.map((e) =>
      el("tr", { "data-agent-id": e.agent_id, "data-status": e.status },
        el("td", { text: nameOf(e.agent_id) }),
        el("td", {},
          el("span", { class: "pill verdict", "data-status": e.status === "present" ? "approved" : e.status === "late" ? "pending" : "rejected", text: verdict(e.status, e.late_minutes) }),
          e.corrected_by
            ? el("div", { class: "muted small correction", text: t("huddles.corrected", { was: verdict(e.computed_status, e.computed_late), by: e.corrected_by, reason: e.reason }) })
            : null),
        el("td", { class: "small nowrap", text: e.signed_in_at ? ctx.fmtWhen(e.signed_in_at) : "—" }),
        el("td", { class: "actions" },
          el("select", { class: "att-status", "aria-label": t("huddles.verdict") },
            ...STATUSES.map((s) => el("option", { value: s, text: t(`huddles.status.${s}`), selected: s === e.status }))),
          el("input", { class: "att-late", type: "number", min: 1, max: 29, style: "width:60px", placeholder: t("huddles.minutes"), "aria-label": t("huddles.minutes"), value: e.status === "late" ? e.late_minutes : "" }),
          el("input", { class: "att-reason", placeholder: t("huddles.why"), "aria-label": t("huddles.why") }),
          el("button", { type: "button", class: "btn-correct", "data-agent-id": e.agent_id, text: t("huddles.save_correction") }))))),
  );
}

function renderAcks(ctx) {
  const { el, t, $ } = ctx;
  const acks = view.huddle.acknowledgements;
  const done = acks.filter((a) => a.at).length;
  $("huddle-acks-none").hidden = view.huddle.notice_id !== null;
  $("huddle-acks-count").textContent = view.huddle.notice_id !== null ? t("huddles.acked_of", { done, total: acks.length }) : "";
  $("huddle-acks").replaceChildren(...acks.map((a) =>
    el("li", { "data-username": a.username, "data-acked": String(Boolean(a.at)) },
      el("span", { text: `${a.name} (${a.username}) ` }),
      a.at
        ? el("span", { class: "pill", "data-status": "approved", text: t("huddles.acked_when", { when: ctx.fmtWhen(a.at) }) })
        : el("span", { class: "pill", "data-status": "rejected", text: t("huddles.not_acked") }))));
}

function renderDebrief(ctx) {
  const d = view.huddle.debrief;
  ctx.$("debrief-good").value = d?.good_calls || "";
  ctx.$("debrief-praise").value = d?.praise || "";
  ctx.$("debrief-light").value = d?.light || "";
  ctx.$("debrief-when").textContent = d ? ctx.t("huddles.debrief_by", { by: d.by, when: ctx.fmtWhen(d.at) }) : "";
}

function renderList(ctx) {
  const { el, t, $ } = ctx;
  $("huddle-list-none").hidden = view.list.length > 0;
  if (!view.list.length) return $("huddle-list").replaceChildren();
  $("huddle-list").replaceChildren(
    el("thead", {}, el("tr", {}, ...["huddles.day", "huddles.host", "huddles.state", "huddles.attending_n", "huddles.acks"].map((k) => el("th", { text: t(k) })))),
    el("tbody", {}, ...view.list.map((s) =>
      el("tr", { "data-day": s.day },
        el("td", {}, el("button", { type: "button", class: "link open-day", "data-day": s.day, text: s.day })),
        el("td", { text: s.host || "—" }),
        el("td", { text: t(s.status === "published" ? "huddles.published" : "huddles.draft") }),
        el("td", { class: "num", text: String(s.attendees) }),
        el("td", { class: "num", text: s.acknowledged === null ? "—" : String(s.acknowledged) })))),
  );
}

function renderSettings(ctx) {
  const s = view.settings;
  ctx.$("set-before").value = s.minutes_before;
  ctx.$("set-at").value = s.fixed_time || "";
  ctx.$("set-length").value = s.length_minutes;
  ctx.$("set-notice").value = s.meeting_notice_days;
  ctx.$("set-opener").value = s.opener;
}

function render(ctx) {
  renderMain(ctx);
  renderAttendance(ctx);
  renderAcks(ctx);
  renderDebrief(ctx);
}

// ---------------------------------------------------------------- loading and acting

async function load(ctx) {
  const team = ctx.team;
  const day = view.day;
  const [huddle, list, settings] = await Promise.all([
    ctx.call("GET", base(ctx, day)),
    ctx.call("GET", `/api/v1/huddles/${enc(team)}`),
    ctx.call("GET", `/api/v1/huddles/${enc(team)}/settings`),
  ]);
  if (team !== ctx.team || day !== view.day) return; // changed meanwhile: that load draws it
  Object.assign(view, { huddle, list: list || [], settings });
  ctx.$("huddle-day").value = day;
  render(ctx);
  renderList(ctx);
  renderSettings(ctx);
}

function adopt(ctx, huddle, message) {
  if (!huddle) return;
  view.huddle = huddle;
  render(ctx);
  if (message) ctx.notify(message);
  ctx.call("GET", `/api/v1/huddles/${enc(ctx.team)}`).then((list) => {
    view.list = list || [];
    renderList(ctx);
  }, ctx.fail);
}

function agendaBody(ctx) {
  const cases = [...ctx.$("huddle-cases").querySelectorAll(".hard-case")]
    .map((node) => ({ title: node.querySelector(".case-title").value.trim(), steps: lines(node.querySelector(".case-steps").value) }))
    .filter((c) => c.title || c.steps.length);
  return { opener: ctx.$("huddle-opener").value, points: lines(ctx.$("huddle-points").value), hard_cases: cases, notes: ctx.$("huddle-notes").value };
}

async function saveAgenda(ctx) {
  const body = agendaBody(ctx);
  const found = await ctx.act("huddle-agenda", () => ctx.call("PUT", `${base(ctx)}/agenda`, body));
  adopt(ctx, found, found && ctx.t("huddles.saved"));
  return found;
}

async function publish(ctx) {
  if (!(await saveAgenda(ctx))) return;
  const found = await ctx.act("huddle-publish", () => ctx.call("POST", `${base(ctx)}/publish`));
  adopt(ctx, found, found && ctx.t("huddles.published_notice", { n: found.acknowledgements.length }));
}

async function correct(ctx, agent) {
  const row = ctx.$("huddle-attendance").querySelector(`tr[data-agent-id="${CSS.escape(agent)}"]`);
  const status = row.querySelector(".att-status").value;
  const reason = row.querySelector(".att-reason").value.trim();
  if (!reason) return ctx.fail(ctx.t("huddles.why_missing"));
  const late = Number.parseInt(row.querySelector(".att-late").value, 10);
  const body = { status, reason, late_minutes: status === "late" && Number.isFinite(late) ? late : null };
  const found = await ctx.act(`att-${agent}`, () => ctx.call("PUT", `${base(ctx)}/attendance/${enc(agent)}`, body));
  adopt(ctx, found, found && ctx.t("huddles.corrected_notice", { agent }));
}

async function saveSettings(ctx) {
  const number = (id) => Number.parseInt(ctx.$(id).value, 10);
  const body = {
    minutes_before: number("set-before"), length_minutes: number("set-length"), meeting_notice_days: number("set-notice"),
    fixed_time: ctx.$("set-at").value, opener: ctx.$("set-opener").value,
  };
  for (const key of ["minutes_before", "length_minutes", "meeting_notice_days"]) if (!Number.isFinite(body[key])) delete body[key];
  const found = await ctx.act("huddle-settings", () => ctx.call("PUT", `/api/v1/huddles/${enc(ctx.team)}/settings`, body));
  if (!found) return;
  view.settings = found;
  renderSettings(ctx);
  ctx.notify(ctx.t("huddles.settings_saved"));
  await load(ctx).catch(ctx.fail);
}

function shiftDay(ctx, days) {
  const d = new Date(`${view.day}T12:00:00`);
  d.setDate(d.getDate() + days);
  view.day = ctx.localDay(d.getTime());
  load(ctx).catch(ctx.fail);
}

function wire(panel, ctx) {
  const $ = ctx.$;
  $("huddle-open").addEventListener("click", () => {
    view.day = $("huddle-day").value || ctx.localDay();
    load(ctx).catch(ctx.fail);
  });
  $("huddle-prev").addEventListener("click", () => shiftDay(ctx, -1));
  $("huddle-next").addEventListener("click", () => shiftDay(ctx, 1));
  $("huddle-add-case").addEventListener("click", () => $("huddle-cases").append(caseEditor(ctx)));
  $("huddle-agenda").addEventListener("submit", (event) => {
    event.preventDefault();
    saveAgenda(ctx);
  });
  $("huddle-publish").addEventListener("click", () => publish(ctx));
  $("huddle-host-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { agent_id: $("huddle-host-agent").value, reason: $("huddle-host-reason").value };
    const found = await ctx.act("huddle-host", () => ctx.call("PUT", `${base(ctx)}/host`, body));
    if (found) $("huddle-host-reason").value = "";
    adopt(ctx, found, found && ctx.t("huddles.host_saved", { host: found.host }));
  });
  $("huddle-take").addEventListener("click", async () => {
    const found = await ctx.act("huddle-take", () => ctx.call("POST", `${base(ctx)}/attendance`));
    adopt(ctx, found, found && ctx.t("huddles.taken"));
  });
  $("huddle-attendance").addEventListener("click", (event) => {
    const button = event.target.closest(".btn-correct");
    if (button) correct(ctx, button.dataset.agentId);
  });
  $("huddle-debrief").addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { good_calls: $("debrief-good").value, praise: $("debrief-praise").value, light: $("debrief-light").value };
    const found = await ctx.act("huddle-debrief", () => ctx.call("PUT", `${base(ctx)}/debrief`, body));
    adopt(ctx, found, found && ctx.t("huddles.debrief_saved"));
  });
  $("huddle-list").addEventListener("click", (event) => {
    const button = event.target.closest(".open-day");
    if (!button) return;
    view.day = button.dataset.day;
    load(ctx).catch(ctx.fail);
  });
  $("huddle-settings").addEventListener("submit", (event) => {
    event.preventDefault();
    saveSettings(ctx);
  });
}

export default {
  id: "huddles",
  label: "tab.huddles",
  dictionaries: {
    en: {
      "tab.huddles": "Huddles",
      "huddles.title": "Pre-shift huddle",
      "huddles.day": "Day",
      "huddles.open": "Open",
      "huddles.prev": "◀ Day before",
      "huddles.next": "Day after ▶",
      "huddles.heading": "Huddle of {day}",
      "huddles.draft": "Draft",
      "huddles.published": "Published",
      "huddles.summary": "Starts {starts}, {minutes} min. Host: {host} ({reason}).",
      "huddles.nobody": "Nobody is rostered on a shift with a huddle that day.",
      "huddles.reason.rotation": "rotation",
      "huddles.reason.swap": "inherited by swap",
      "huddles.reason.manual": "chosen by the team leader",
      "huddles.reason.none": "no host",
      "huddles.host_changed": "changed by {by}: {reason}",
      "huddles.attending": "Attending: {names}",
      "huddles.new_host": "New host",
      "huddles.host_reason": "Why the host changes",
      "huddles.change_host": "Change host",
      "huddles.host_saved": "{host} hosts this huddle.",
      "huddles.agenda": "Agenda",
      "huddles.opener": "Opener (the team's greeting call)",
      "huddles.points": "Key business points",
      "huddles.one_per_line": "One per line",
      "huddles.cases": "Hard cases",
      "huddles.add_case": "+ Add a hard case",
      "huddles.case_title": "The case",
      "huddles.case_steps": "Handling steps, one per line",
      "huddles.remove_case": "Remove",
      "huddles.notes": "Notes (what was said)",
      "huddles.save": "Save draft",
      "huddles.saved": "Draft saved.",
      "huddles.publish": "Publish the notes",
      "huddles.published_notice": "Notes published to {n} member(s)' desktops.",
      "huddles.published_at": "Published {when} by {by}: the notes are final.",
      "huddles.attendance": "Attendance",
      "huddles.take": "Take attendance",
      "huddles.taken": "Attendance taken from sign-in times.",
      "huddles.no_attendance": "Not taken yet: it is judged from each member's first sign-in of the day.",
      "huddles.member": "Member",
      "huddles.verdict": "Attendance",
      "huddles.signed_in": "First sign-in",
      "huddles.correct": "Correct",
      "huddles.status.present": "Present",
      "huddles.status.late": "Late",
      "huddles.status.absent": "Absent",
      "huddles.status.pending": "Not signed in yet",
      "huddles.late_n": "Late {n} min",
      "huddles.corrected": "was {was}; corrected by {by}: {reason}",
      "huddles.minutes": "min",
      "huddles.why": "Reason",
      "huddles.why_missing": "Give the reason for the correction.",
      "huddles.save_correction": "Save",
      "huddles.corrected_notice": "Attendance of {agent} corrected.",
      "huddles.acks": "Acknowledged",
      "huddles.acked_of": "{done} of {total}",
      "huddles.acked_when": "acknowledged {when}",
      "huddles.not_acked": "not yet",
      "huddles.not_published": "The notes are not published yet.",
      "huddles.debrief": "Post-shift debrief",
      "huddles.good_calls": "Good calls heard today",
      "huddles.praise": "Praise received",
      "huddles.light": "Lighter talk",
      "huddles.save_debrief": "Save debrief",
      "huddles.debrief_saved": "Debrief saved.",
      "huddles.debrief_by": "Written by {by}, {when}",
      "huddles.recent": "Huddles on record",
      "huddles.none_recent": "No huddles in the last 30 days.",
      "huddles.host": "Host",
      "huddles.state": "Notes",
      "huddles.attending_n": "Attending",
      "huddles.settings": "Huddle settings",
      "huddles.before": "Minutes before the first shift",
      "huddles.at": "Or at a fixed time",
      "huddles.length": "Length (min)",
      "huddles.notice_days": "Meeting notice (working days)",
      "huddles.team_opener": "The team's opener",
      "huddles.save_settings": "Save settings",
      "huddles.settings_saved": "Huddle settings saved.",
    },
    zh: {
      "tab.huddles": "班前会",
      "huddles.title": "班前会",
      "huddles.day": "日期",
      "huddles.open": "打开",
      "huddles.prev": "◀ 前一天",
      "huddles.next": "后一天 ▶",
      "huddles.heading": "{day} 班前会",
      "huddles.draft": "草稿",
      "huddles.published": "已发布",
      "huddles.summary": "{starts} 开始，{minutes} 分钟。主持人：{host}（{reason}）。",
      "huddles.nobody": "当天没有人排在需开班前会的班次上。",
      "huddles.reason.rotation": "轮值",
      "huddles.reason.swap": "换班继承",
      "huddles.reason.manual": "班长指定",
      "huddles.reason.none": "无主持人",
      "huddles.host_changed": "由 {by} 更改：{reason}",
      "huddles.attending": "参会：{names}",
      "huddles.new_host": "新主持人",
      "huddles.host_reason": "更换主持人的原因",
      "huddles.change_host": "更换主持人",
      "huddles.host_saved": "本次班前会由 {host} 主持。",
      "huddles.agenda": "议程",
      "huddles.opener": "开场（班组口号）",
      "huddles.points": "业务要点",
      "huddles.one_per_line": "每行一条",
      "huddles.cases": "疑难案例",
      "huddles.add_case": "+ 添加疑难案例",
      "huddles.case_title": "案例",
      "huddles.case_steps": "处理步骤，每行一步",
      "huddles.remove_case": "删除",
      "huddles.notes": "会议记录（讲了什么）",
      "huddles.save": "保存草稿",
      "huddles.saved": "草稿已保存。",
      "huddles.publish": "发布会议记录",
      "huddles.published_notice": "会议记录已发布到 {n} 名成员的工作台。",
      "huddles.published_at": "{when} 由 {by} 发布：记录已定稿。",
      "huddles.attendance": "考勤",
      "huddles.take": "考勤统计",
      "huddles.taken": "已按签入时间统计考勤。",
      "huddles.no_attendance": "尚未统计：按每位成员当天首次签入时间判定。",
      "huddles.member": "成员",
      "huddles.verdict": "考勤",
      "huddles.signed_in": "首次签入",
      "huddles.correct": "更正",
      "huddles.status.present": "出勤",
      "huddles.status.late": "迟到",
      "huddles.status.absent": "缺勤",
      "huddles.status.pending": "尚未签入",
      "huddles.late_n": "迟到 {n} 分钟",
      "huddles.corrected": "原为{was}；{by} 更正：{reason}",
      "huddles.minutes": "分钟",
      "huddles.why": "原因",
      "huddles.why_missing": "请填写更正原因。",
      "huddles.save_correction": "保存",
      "huddles.corrected_notice": "{agent} 的考勤已更正。",
      "huddles.acks": "已阅",
      "huddles.acked_of": "{done} / {total}",
      "huddles.acked_when": "{when} 已阅",
      "huddles.not_acked": "未阅",
      "huddles.not_published": "会议记录尚未发布。",
      "huddles.debrief": "班后会",
      "huddles.good_calls": "今天听到的好录音",
      "huddles.praise": "收到的表扬",
      "huddles.light": "轻松话题",
      "huddles.save_debrief": "保存班后会",
      "huddles.debrief_saved": "班后会记录已保存。",
      "huddles.debrief_by": "{by} 记录于 {when}",
      "huddles.recent": "班前会记录",
      "huddles.none_recent": "最近 30 天没有班前会记录。",
      "huddles.host": "主持人",
      "huddles.state": "记录",
      "huddles.attending_n": "参会人数",
      "huddles.settings": "班前会设置",
      "huddles.before": "首个班次前几分钟",
      "huddles.at": "或固定时间",
      "huddles.length": "时长（分钟）",
      "huddles.notice_days": "例会提前通知（工作日）",
      "huddles.team_opener": "班组开场口号",
      "huddles.save_settings": "保存设置",
      "huddles.settings_saved": "班前会设置已保存。",
    },
  },
  mount(panel, ctx) {
    build(panel, ctx);
    wire(panel, ctx);
  },
  async show(ctx) {
    view.day ??= ctx.localDay();
    await load(ctx);
  },
};
