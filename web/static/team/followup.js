// The team page's "KPIs and follow-up" tab (docs/teams.md): the month's KPIs per agent, per squad
// and for the team with the values on the wrong side of a target marked (GET /api/v1/kpis); the
// team's targets, each changed on its own (PUT /api/v1/targets/{team}/{kpi}); the flags with their
// improvement plans and the team leader's follow-up notes (GET /api/v1/flags?team=, POST
// /api/v1/plans/{id}/follow-up); complaints registered against a call, decided, and the month's
// analysis (POST /api/v1/complaints, POST /api/v1/complaints/{id}/decide, GET /api/v1/complaints).

const enc = encodeURIComponent;

const view = { month: null, kpis: null, targets: [], flags: [], complaints: [], drafts: new Map() };

const kpiName = (ctx, id) => {
  const k = view.kpis?.kpis.find((x) => x.id === id);
  return k ? ctx.localized(k) : id;
};

function agentName(id) {
  const a = view.kpis?.agents.find((x) => x.id === id);
  return a && a.name !== id ? `${a.name} (${id})` : id;
}

// ---------------------------------------------------------------- the KPI table

function kpiRow(ctx, row, kind) {
  const { el } = ctx;
  const off = new Set(row.off);
  return el("tr", { class: kind, "data-row": kind, "data-id": row.id },
    el("td", { class: "nowrap" }, kind === "agent" ? agentName(row.id) : kind === "squad" ? ctx.t("followup.squad", { squad: row.id }) : ctx.t("followup.team_total")),
    el("td", { text: kind === "agent" ? row.squad || ctx.t("none") : "" }),
    ...view.kpis.kpis.map((k) =>
      el("td", { class: `num${off.has(k.id) ? " off" : ""}`, "data-kpi": k.id, "data-off": String(off.has(k.id)), title: off.has(k.id) ? ctx.t("followup.off_title") : null },
        ctx.fmtKpi(row.values[k.id], k.unit))),
    el("td", { class: "num", text: row.composite === null || row.composite === undefined ? "" : Math.round(row.composite) }),
    ...disciplineCells(ctx, row.discipline),
  );
}

// Floor discipline against the roster: minutes late, shifts missed, shift time owed and made up.
const DISCIPLINE = [
  ["late_minutes", "followup.late_minutes", "count"],
  ["absences", "followup.absences", "count"],
  ["owed_s", "followup.owed", "seconds"],
  ["made_up_s", "followup.made_up", "seconds"],
];

function disciplineCells(ctx, discipline) {
  return DISCIPLINE.map(([field, , unit]) =>
    ctx.el("td", { class: "num", "data-discipline": field }, ctx.fmtKpi(discipline[field], unit)));
}

function renderKpis(ctx) {
  const { el, t } = ctx;
  const data = view.kpis;
  const table = ctx.$("kpi-table");
  if (!data) return table.replaceChildren();
  setTextOf(ctx, "kpi-until", data.until ? t("followup.until", { at: ctx.fmtWhen(data.until) }) : t("followup.whole_month"));
  table.replaceChildren(
    el("thead", {}, el("tr", {},
      el("th", { text: t("followup.who") }), el("th", { text: t("followup.squad_col") }),
      ...data.kpis.map((k) => el("th", { class: "num", "data-kpi": k.id, title: ctx.localized(k) },
        el("div", { text: ctx.localized(k) }),
        el("div", { class: "muted small", text: k.target === null ? t("followup.no_target") : t(k.better === "higher" ? "followup.target_min" : "followup.target_max", { target: ctx.fmtKpi(k.target, k.unit) }) }))),
      el("th", { class: "num", title: t("followup.composite_title"), text: t("followup.composite") }),
      ...DISCIPLINE.map(([field, key]) => el("th", { class: "num", "data-discipline": field, text: t(key) })))),
    el("tbody", {},
      kpiRow(ctx, data.total, "total"),
      ...data.squads.map((s) => kpiRow(ctx, s, "squad")),
      ...data.agents.map((a) => kpiRow(ctx, a, "agent"))),
  );
}

function setTextOf(ctx, id, text) {
  const node = ctx.$(id);
  if (node.textContent !== text) node.textContent = text;
}

// ---------------------------------------------------------------- targets

function renderTargets(ctx) {
  const { el, t } = ctx;
  if (!view.kpis) return;
  const own = new Map(view.targets.map((x) => [x.kpi, x]));
  ctx.$("targets").replaceChildren(...view.kpis.kpis.map((k) => {
    const target = own.get(k.id);
    return el("tr", { "data-kpi": k.id },
      el("td", { text: ctx.localized(k) }),
      el("td", { class: "small muted", text: t(k.better === "higher" ? "followup.higher" : "followup.lower") }),
      el("td", { class: "small muted", text: t(`followup.unit.${k.unit}`) }),
      el("td", {}, el("input", { type: "number", step: "any", class: "target-input", "data-kpi": k.id, value: target ? String(target.target) : "", "aria-label": ctx.localized(k) })),
      el("td", { class: "small muted", text: target?.default ? t("followup.default") : "" }),
      el("td", {}, el("button", { type: "button", class: "btn-target", "data-kpi": k.id, text: t("followup.save") })));
  }));
}

async function saveTarget(ctx, kpi) {
  const input = ctx.$("targets").querySelector(`input[data-kpi="${kpi}"]`);
  const value = input.value.trim() === "" ? NaN : Number(input.value);
  if (!Number.isFinite(value)) return ctx.fail(ctx.t("followup.target_number"));
  const saved = await ctx.act(`target-${kpi}`, () => ctx.call("PUT", `/api/v1/targets/${enc(ctx.team)}/${enc(kpi)}`, { target: value }));
  if (!saved) return;
  ctx.notify(ctx.t("followup.target_saved", { kpi: kpiName(ctx, kpi), target: String(saved.target) }));
  await load(ctx).catch(ctx.fail);
}

// ---------------------------------------------------------------- flags and plans

function flagItem(ctx, f) {
  const { el, t } = ctx;
  const plan = f.plan;
  const notes = (plan?.follow_up || "").split("\n").filter(Boolean);
  let body;
  if (f.level === "warning") body = el("p", { class: "small muted", text: t("followup.warning_only") });
  else if (!plan) body = el("p", { class: "small warn plan-missing", text: t("followup.plan_missing") });
  else {
    body = el("div", {},
      el("p", { class: "small muted", text: t("followup.plan_written", { at: ctx.fmtWhen(plan.written_at) }) }),
      el("p", { class: "pre plan-text", "data-testid": "plan-text", text: plan.plan }),
      ...notes.map((n) => el("p", { class: "note follow-up", text: n })),
      plan.status === "open"
        ? el("div", { class: "inline-form" },
            el("textarea", { class: "follow-note", rows: 2, maxLength: 2000, "data-plan-id": plan.id, "aria-label": t("followup.note"), placeholder: t("followup.note"), value: view.drafts.get(plan.id) || "" }),
            el("button", { type: "button", class: "btn-follow-up", "data-plan-id": plan.id, text: t("followup.add_note") }),
            el("button", { type: "button", class: "btn-follow-close", "data-plan-id": plan.id, text: t("followup.add_and_close") }))
        : null);
  }
  return el("li", { "data-flag-id": f.id, "data-agent-id": f.agent_id, "data-level": f.level, "data-plan-status": plan?.status || "none" },
    el("div", { class: "row" },
      el("span", { class: "pill", "data-level": f.level, text: t(`followup.level.${f.level}`) }),
      el("b", { text: agentName(f.agent_id) }),
      el("span", { text: kpiName(ctx, f.kpi) }),
      el("span", { class: "muted small", text: t("followup.days", { first: f.first_day, last: f.last_day }) }),
      plan ? el("span", { class: "pill", "data-status": plan.status, text: t(`followup.plan_${plan.status}`) }) : null),
    body);
}

function renderFlags(ctx) {
  const flags = [...view.flags].sort((a, b) => Number(a.plan?.status === "closed") - Number(b.plan?.status === "closed") || b.id - a.id);
  const open = flags.filter((f) => f.level === "plan" && f.plan?.status !== "closed").length;
  ctx.$("flags-count").textContent = open ? String(open) : "";
  ctx.$("flags-empty").hidden = flags.length > 0;
  ctx.$("flags").replaceChildren(...flags.map((f) => flagItem(ctx, f)));
}

async function followUp(ctx, planId, close) {
  const note = (view.drafts.get(Number(planId)) || "").trim();
  if (!note) return ctx.fail(ctx.t("followup.note_missing"));
  const done = await ctx.act(`plan-${planId}`, () => ctx.call("POST", `/api/v1/plans/${enc(planId)}/follow-up`, { note, close }));
  if (!done) return;
  view.drafts.delete(Number(planId));
  ctx.notify(ctx.t(close ? "followup.closed" : "followup.noted"));
  await load(ctx).catch(ctx.fail);
}

// ---------------------------------------------------------------- complaints

function complaintsOfTeam(ctx) {
  return view.complaints.filter((c) => c.team === ctx.team);
}

function renderComplaints(ctx) {
  const { el, t } = ctx;
  const list = complaintsOfTeam(ctx);
  ctx.$("complaints-empty").hidden = list.length > 0;
  ctx.$("complaints").replaceChildren(...list.map((c) =>
    el("li", { "data-complaint-id": c.id, "data-decided": String(c.substantiated !== null) },
      el("div", { class: "row" },
        el("b", { text: agentName(c.agent_id) }),
        el("span", { class: "pill", text: c.category }),
        el("span", { class: "muted small", text: t("followup.call", { call: c.call_id, at: ctx.fmtWhen(c.received_at) }) }),
        c.substantiated === null ? el("span", { class: "pill", "data-status": "open", text: t("followup.undecided") })
          : el("span", { class: "pill", "data-status": c.substantiated ? "substantiated" : "rejected", text: t(c.substantiated ? "followup.substantiated" : "followup.not_substantiated") })),
      el("p", { class: "pre small", text: c.description }),
      c.decision_note ? el("p", { class: "note", text: `${c.decided_by || ""}: ${c.decision_note}` }) : null,
      c.substantiated === null
        ? el("div", { class: "inline-form" },
            el("input", { class: "decision-note", "data-complaint-id": c.id, maxLength: 2000, placeholder: t("followup.decision_note"), "aria-label": t("followup.decision_note") }),
            el("button", { type: "button", class: "btn-decide", "data-complaint-id": c.id, "data-substantiated": "true", text: t("followup.mark_substantiated") }),
            el("button", { type: "button", class: "btn-decide", "data-complaint-id": c.id, "data-substantiated": "false", text: t("followup.mark_not") }))
        : null)));
  renderAnalysis(ctx, list);
}

/** The month's analysis of the team's complaints: by category, by agent, the substantiated share of those decided. */
function renderAnalysis(ctx, list) {
  const { el, t } = ctx;
  const decided = list.filter((c) => c.substantiated !== null);
  const substantiated = decided.filter((c) => c.substantiated).length;
  const count = (key) => {
    const found = new Map();
    for (const c of list) {
      const entry = found.get(c[key]) || { n: 0, s: 0 };
      entry.n += 1;
      entry.s += c.substantiated ? 1 : 0;
      found.set(c[key], entry);
    }
    return [...found].sort((a, b) => b[1].n - a[1].n || String(a[0]).localeCompare(String(b[0])));
  };
  const table = (head, rows, name) =>
    el("table", { class: "small" },
      el("thead", {}, el("tr", {}, el("th", { text: head }), el("th", { class: "num", text: t("followup.complaints_n") }), el("th", { class: "num", text: t("followup.substantiated_n") }))),
      el("tbody", {}, ...rows.map(([key, v]) => el("tr", {}, el("td", { text: name(key) }), el("td", { class: "num", text: v.n }), el("td", { class: "num", text: v.s })))));
  ctx.$("complaint-analysis").replaceChildren(...[
    el("p", { "data-testid": "complaint-summary", text: t("followup.analysis_summary", {
      n: list.length, decided: decided.length, substantiated,
      share: decided.length ? ctx.fmtKpi(substantiated / decided.length, "ratio") : t("none"),
    }) }),
    list.length ? el("div", { class: "grid-2" },
      table(t("followup.category"), count("category"), (k) => k),
      table(t("followup.who"), count("agent_id"), agentName)) : null,
  ].filter(Boolean));
}

async function registerComplaint(ctx, event) {
  event.preventDefault();
  const body = {
    call_id: ctx.$("complaint-call").value.trim(),
    category: ctx.$("complaint-category").value.trim(),
    description: ctx.$("complaint-description").value.trim(),
  };
  if (!body.call_id || !body.category || !body.description) return ctx.fail(ctx.t("followup.complaint_missing"));
  const added = await ctx.act("complaint", () => ctx.call("POST", "/api/v1/complaints", body));
  if (!added) return;
  ctx.$("complaint-form").reset();
  ctx.notify(ctx.t("followup.complaint_added", { agent: added.agent_id }));
  await load(ctx).catch(ctx.fail);
}

async function decide(ctx, id, substantiated) {
  const input = ctx.$("complaints").querySelector(`input.decision-note[data-complaint-id="${id}"]`);
  const note = input?.value.trim() || "";
  if (!note) return ctx.fail(ctx.t("followup.decision_missing"));
  const done = await ctx.act(`complaint-${id}`, () => ctx.call("POST", `/api/v1/complaints/${enc(id)}/decide`, { substantiated, note }));
  if (!done) return;
  ctx.notify(ctx.t("followup.decided"));
  await load(ctx).catch(ctx.fail);
}

// ---------------------------------------------------------------- loading

async function load(ctx) {
  const team = ctx.team;
  const month = view.month;
  const [kpis, targets, flags, complaints] = await Promise.all([
    ctx.call("GET", ctx.withQuery("/api/v1/kpis", { team, month })),
    ctx.call("GET", ctx.withQuery("/api/v1/targets", { team })),
    ctx.call("GET", ctx.withQuery("/api/v1/flags", { team })),
    ctx.call("GET", ctx.withQuery("/api/v1/complaints", { month })),
  ]);
  if (team !== ctx.team || month !== view.month) return; // changed meanwhile: that load draws
  Object.assign(view, { kpis, targets: targets || [], flags: flags || [], complaints: complaints || [] });
  renderAll(ctx);
}

function renderAll(ctx) {
  renderKpis(ctx);
  renderTargets(ctx);
  renderFlags(ctx);
  renderComplaints(ctx);
}

export default {
  id: "followup",
  label: "tab.followup",
  dictionaries: {
    en: {
      "tab.followup": "KPIs and follow-up",
      "followup.month": "Month",
      "followup.refresh": "Refresh",
      "followup.kpis": "KPIs of the month",
      "followup.until": "so far (until {at})",
      "followup.whole_month": "the whole month",
      "followup.who": "Agent",
      "followup.squad_col": "Squad",
      "followup.squad": "Squad {squad}",
      "followup.team_total": "Team",
      "followup.no_target": "no target",
      "followup.target_min": "target ≥ {target}",
      "followup.target_max": "target ≤ {target}",
      "followup.off_title": "On the wrong side of the team's target",
      "followup.composite": "Composite",
      "followup.composite_title": "Five-KPI composite within the team (0–500)",
      "followup.late_minutes": "Minutes late",
      "followup.absences": "Shifts missed",
      "followup.owed": "Hours owed",
      "followup.made_up": "Made up",
      "followup.targets": "Targets",
      "followup.higher": "higher is better",
      "followup.lower": "lower is better",
      "followup.unit.per_hour": "calls per hour",
      "followup.unit.seconds": "seconds",
      "followup.unit.ratio": "share, e.g. 0.95",
      "followup.unit.score": "score",
      "followup.unit.count": "count",
      "followup.default": "default",
      "followup.save": "Save",
      "followup.target_number": "Write the target as a number (a share like 0.95).",
      "followup.target_saved": "Target for {kpi} is now {target}.",
      "followup.flags": "Flags and improvement plans",
      "followup.no_flags": "Nobody is flagged.",
      "followup.level.warning": "Warning",
      "followup.level.plan": "Improvement plan",
      "followup.days": "{first} – {last}",
      "followup.plan_open": "plan open",
      "followup.plan_closed": "plan closed",
      "followup.warning_only": "A warning: no plan is needed yet.",
      "followup.plan_missing": "Waiting for the agent to write the improvement plan.",
      "followup.plan_written": "Plan written {at}:",
      "followup.note": "Follow-up note",
      "followup.add_note": "Add note",
      "followup.add_and_close": "Add note and close the plan",
      "followup.note_missing": "Write the follow-up note first.",
      "followup.noted": "Follow-up note added.",
      "followup.closed": "Follow-up note added and the plan closed.",
      "followup.complaints": "Complaints",
      "followup.register": "Register a complaint",
      "followup.call_id": "Call id",
      "followup.category": "Category",
      "followup.description": "What the customer said",
      "followup.add_complaint": "Register",
      "followup.complaint_missing": "Give the call id, a category and what the customer said.",
      "followup.complaint_added": "Complaint registered against {agent}.",
      "followup.no_complaints": "No complaints this month.",
      "followup.call": "call {call} · {at}",
      "followup.undecided": "to decide",
      "followup.substantiated": "substantiated",
      "followup.not_substantiated": "not substantiated",
      "followup.decision_note": "Why (from the recording, the customer…)",
      "followup.mark_substantiated": "Substantiated",
      "followup.mark_not": "Not substantiated",
      "followup.decision_missing": "Write why before deciding.",
      "followup.decided": "Complaint decided.",
      "followup.analysis": "Analysis of the month",
      "followup.analysis_summary": "Complaints: {n} · decided: {decided} · substantiated: {substantiated} ({share} of those decided)",
      "followup.complaints_n": "Complaints",
      "followup.substantiated_n": "Substantiated",
    },
    zh: {
      "tab.followup": "指标与跟进",
      "followup.month": "月份",
      "followup.refresh": "刷新",
      "followup.kpis": "本月指标",
      "followup.until": "截至 {at}",
      "followup.whole_month": "整月",
      "followup.who": "坐席",
      "followup.squad_col": "小组",
      "followup.squad": "{squad} 小组",
      "followup.team_total": "全班组",
      "followup.no_target": "无目标",
      "followup.target_min": "目标 ≥ {target}",
      "followup.target_max": "目标 ≤ {target}",
      "followup.off_title": "未达到班组目标",
      "followup.composite": "综合分",
      "followup.composite_title": "班组内五项指标综合分（0–500）",
      "followup.late_minutes": "迟到分钟",
      "followup.absences": "缺勤班次",
      "followup.owed": "欠工时",
      "followup.made_up": "已补工时",
      "followup.targets": "目标",
      "followup.higher": "越高越好",
      "followup.lower": "越低越好",
      "followup.unit.per_hour": "每小时接听量",
      "followup.unit.seconds": "秒",
      "followup.unit.ratio": "比例，如 0.95",
      "followup.unit.score": "分数",
      "followup.unit.count": "次数",
      "followup.default": "默认",
      "followup.save": "保存",
      "followup.target_number": "目标请填数字（比例如 0.95）。",
      "followup.target_saved": "{kpi} 的目标现为 {target}。",
      "followup.flags": "预警与改进计划",
      "followup.no_flags": "没有人被预警。",
      "followup.level.warning": "预警",
      "followup.level.plan": "改进计划",
      "followup.days": "{first} – {last}",
      "followup.plan_open": "计划进行中",
      "followup.plan_closed": "计划已结束",
      "followup.warning_only": "预警：暂不需要改进计划。",
      "followup.plan_missing": "等待坐席填写改进计划。",
      "followup.plan_written": "计划填写于 {at}：",
      "followup.note": "跟进记录",
      "followup.add_note": "添加记录",
      "followup.add_and_close": "添加记录并结束计划",
      "followup.note_missing": "请先填写跟进记录。",
      "followup.noted": "已添加跟进记录。",
      "followup.closed": "已添加跟进记录并结束计划。",
      "followup.complaints": "投诉",
      "followup.register": "登记投诉",
      "followup.call_id": "通话编号",
      "followup.category": "类别",
      "followup.description": "客户反映的内容",
      "followup.add_complaint": "登记",
      "followup.complaint_missing": "请填写通话编号、类别和客户反映的内容。",
      "followup.complaint_added": "已登记针对 {agent} 的投诉。",
      "followup.no_complaints": "本月没有投诉。",
      "followup.call": "通话 {call} · {at}",
      "followup.undecided": "待认定",
      "followup.substantiated": "属实",
      "followup.not_substantiated": "不属实",
      "followup.decision_note": "认定理由（录音、客户……）",
      "followup.mark_substantiated": "属实",
      "followup.mark_not": "不属实",
      "followup.decision_missing": "请先填写认定理由。",
      "followup.decided": "投诉已认定。",
      "followup.analysis": "本月分析",
      "followup.analysis_summary": "共 {n} 件投诉，已认定 {decided} 件，属实 {substantiated} 件（占已认定的 {share}）。",
      "followup.complaints_n": "投诉",
      "followup.substantiated_n": "属实",
    },
  },

  mount(panel, ctx) {
    const { el } = ctx;
    view.month = ctx.thisMonth();
    panel.append(
      el("section", { class: "panel" },
        el("div", { class: "toolbar" },
          el("h2", { "data-i18n": "followup.kpis" }),
          el("label", { for: "followup-month", "data-i18n": "followup.month" }),
          el("input", { type: "month", id: "followup-month", "data-testid": "followup-month", value: view.month }),
          el("span", { id: "kpi-until", class: "muted small" }),
          el("button", { type: "button", id: "followup-refresh", "data-i18n": "followup.refresh" })),
        el("div", { class: "scroll kpi-scroll" }, el("table", { id: "kpi-table", "data-testid": "kpi-table" }))),
      el("div", { class: "grid-2" },
        el("section", { class: "panel" },
          el("h2", {}, el("span", { "data-i18n": "followup.flags" }), el("span", { id: "flags-count", class: "count" })),
          el("ul", { id: "flags", class: "card-list", "data-testid": "flags" }),
          el("p", { id: "flags-empty", class: "idle small", "data-i18n": "followup.no_flags", hidden: true })),
        el("section", { class: "panel" },
          el("h2", { "data-i18n": "followup.targets" }),
          el("table", { class: "small" }, el("tbody", { id: "targets", "data-testid": "targets" })))),
      el("section", { class: "panel" },
        el("h2", { "data-i18n": "followup.complaints" }),
        el("form", { id: "complaint-form", class: "inline-form", "data-testid": "complaint-form", noValidate: true },
          el("b", { class: "small", "data-i18n": "followup.register" }),
          el("input", { id: "complaint-call", autocomplete: "off", "data-i18n-placeholder": "followup.call_id", "data-i18n-aria-label": "followup.call_id" }),
          el("input", { id: "complaint-category", autocomplete: "off", maxLength: 64, "data-i18n-placeholder": "followup.category", "data-i18n-aria-label": "followup.category" }),
          el("textarea", { id: "complaint-description", rows: 1, maxLength: 2000, "data-i18n-placeholder": "followup.description", "data-i18n-aria-label": "followup.description" }),
          el("button", { type: "submit", class: "primary", "data-i18n": "followup.add_complaint" })),
        el("div", { class: "grid-2" },
          el("div", {},
            el("ul", { id: "complaints", class: "card-list", "data-testid": "complaints" }),
            el("p", { id: "complaints-empty", class: "idle small", "data-i18n": "followup.no_complaints", hidden: true })),
          el("div", {},
            el("h3", { "data-i18n": "followup.analysis" }),
            el("div", { id: "complaint-analysis", "data-testid": "complaint-analysis" })))),
    );
    const again = () => load(ctx).catch(ctx.fail);
    ctx.$("followup-refresh").addEventListener("click", again);
    ctx.$("followup-month").addEventListener("change", (event) => {
      if (!event.target.value) return;
      view.month = event.target.value;
      again();
    });
    ctx.$("targets").addEventListener("click", (event) => {
      const button = event.target.closest("button.btn-target");
      if (button) saveTarget(ctx, button.dataset.kpi);
    });
    ctx.$("flags").addEventListener("input", (event) => {
      const box = event.target.closest("textarea.follow-note");
      if (box) view.drafts.set(Number(box.dataset.planId), box.value);
    });
    ctx.$("flags").addEventListener("click", (event) => {
      const button = event.target.closest("button.btn-follow-up, button.btn-follow-close");
      if (button) followUp(ctx, button.dataset.planId, button.classList.contains("btn-follow-close"));
    });
    ctx.$("complaint-form").addEventListener("submit", (event) => registerComplaint(ctx, event));
    ctx.$("complaints").addEventListener("click", (event) => {
      const button = event.target.closest("button.btn-decide");
      if (button) decide(ctx, button.dataset.complaintId, button.dataset.substantiated === "true");
    });
  },

  async show(ctx) {
    await load(ctx);
  },
};
