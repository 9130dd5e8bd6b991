// My team → "My KPIs" on the agent desktop (docs/teams.md): this month's KPIs so far against the
// team's targets (GET /api/v1/kpis/me), my flags (GET /api/v1/flags answers an agent with theirs)
// and, for a plan-level flag without a plan, the form to write the improvement plan (POST
// /api/v1/flags/{id}/plan); the team leader's follow-up notes once there are. Badge: plan-level
// flags still waiting for my plan. The same figures feed the short line under My day.

import { fmtDateTime, fmtDuration, fmtNumber } from "../format.js";

const enc = encodeURIComponent;
const drafts = new Map(); // flag id -> the plan being typed (a redraw must not lose it)
const data = { mine: null, flags: [] };

function fmtKpi(ctx, value, unit) {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const lang = ctx.lang();
  if (unit === "ratio") return new Intl.NumberFormat(lang === "zh" ? "zh-CN" : "en", { style: "percent", maximumFractionDigits: 1 }).format(value);
  if (unit === "seconds") return fmtDuration(value);
  if (unit === "count") return String(Math.round(value));
  return fmtNumber(value, unit === "score" ? 2 : 1, lang);
}

const kpiName = (ctx, k) => (ctx.lang() === "zh" && k.name_zh ? k.name_zh : k.name);

function nameOf(ctx, id) {
  const k = data.mine?.kpis.find((x) => x.id === id);
  return k ? kpiName(ctx, k) : id;
}

/** Plan-level flags whose plan I have not written yet. */
export const plansToWrite = () => data.flags.filter((f) => f.level === "plan" && !f.plan);

/** What My day shows briefly: the KPIs off target this month and the plans to write ({off: [names], plans: n}), or null before a load. */
export function myDaySummary(ctx) {
  if (!data.mine) return null;
  return { off: data.mine.off.map((id) => nameOf(ctx, id)), plans: plansToWrite().length };
}

async function load(ctx) {
  const [mine, flags] = await Promise.all([ctx.call("GET", "/api/v1/kpis/me"), ctx.call("GET", "/api/v1/flags")]);
  data.mine = mine;
  data.flags = Array.isArray(flags) ? flags.filter((f) => f.agent_id === mine?.agent_id) : [];
}

function renderKpis(ctx) {
  const { el, t } = ctx;
  const mine = data.mine;
  const off = new Set(mine.off);
  ctx.$("mykpis-month").textContent = t("myteam.mykpis.month", { month: mine.month });
  ctx.$("mykpis-table").replaceChildren(
    el("thead", {}, el("tr", {},
      el("th", { text: t("myteam.mykpis.kpi") }),
      el("th", { class: "num", text: t("myteam.mykpis.mine") }),
      el("th", { class: "num", text: t("myteam.mykpis.target") }))),
    el("tbody", {}, ...mine.kpis.map((k) =>
      el("tr", { "data-kpi": k.id, "data-off": String(off.has(k.id)) },
        el("td", { text: kpiName(ctx, k) }),
        el("td", { class: `num${off.has(k.id) ? " off" : ""}`, text: fmtKpi(ctx, mine.values[k.id], k.unit) }),
        el("td", { class: "num muted", text: k.target === null ? "" : `${k.better === "higher" ? "≥" : "≤"} ${fmtKpi(ctx, k.target, k.unit)}` })))),
  );
  const d = mine.discipline;
  ctx.$("mykpis-discipline").textContent = t("myteam.mykpis.discipline", {
    late: d.late_minutes, missed: d.absences, owed: fmtDuration(d.owed_s), made_up: fmtDuration(d.made_up_s),
  });
}

function flagItem(ctx, f) {
  const { el, t } = ctx;
  const plan = f.plan;
  const head = el("div", { class: "row" },
    el("b", { text: t(`myteam.mykpis.level.${f.level}`) }),
    el("span", { text: nameOf(ctx, f.kpi) }),
    el("span", { class: "muted small", text: `${f.first_day} – ${f.last_day}` }));
  let body = null;
  if (f.level === "warning") body = el("p", { class: "small muted", text: t("myteam.mykpis.warning") });
  else if (!plan) {
    body = el("div", { class: "plan-form" },
      el("p", { class: "small", text: t("myteam.mykpis.write_plan_help") }),
      el("textarea", { class: "plan-input", rows: 4, maxLength: 4000, "data-flag-id": f.id, "aria-label": t("myteam.mykpis.plan"), placeholder: t("myteam.mykpis.plan"), value: drafts.get(f.id) || "" }),
      el("div", { class: "row" }, el("button", { type: "button", class: "primary btn-plan", "data-flag-id": f.id, text: t("myteam.mykpis.submit_plan") })));
  } else {
    body = el("div", {},
      el("p", { class: "small muted", text: t(plan.status === "closed" ? "myteam.mykpis.plan_closed" : "myteam.mykpis.plan_open", { at: fmtDateTime(plan.written_at) }) }),
      el("p", { class: "plan-text", text: plan.plan }),
      ...(plan.follow_up || "").split("\n").filter(Boolean).map((line) => el("p", { class: "note follow-up", text: line })));
  }
  return el("li", { class: "flag", "data-flag-id": f.id, "data-level": f.level, "data-has-plan": String(Boolean(plan)) }, head, body);
}

function renderFlags(ctx) {
  const flags = [...data.flags].sort((a, b) => Number(Boolean(a.plan) || a.level === "warning") - Number(Boolean(b.plan) || b.level === "warning") || b.id - a.id);
  ctx.$("mykpis-flags-empty").hidden = flags.length > 0;
  ctx.$("mykpis-flags").replaceChildren(...flags.map((f) => flagItem(ctx, f)));
}

async function submitPlan(ctx, flagId) {
  const plan = (drafts.get(flagId) || "").trim();
  if (!plan) return ctx.fail(ctx.t("myteam.mykpis.plan_missing"));
  try {
    await ctx.call("POST", `/api/v1/flags/${enc(flagId)}/plan`, { plan });
  } catch (error) {
    return ctx.fail(error);
  }
  drafts.delete(flagId);
  ctx.notify(ctx.t("myteam.mykpis.plan_sent"));
  await module.show(ctx);
  ctx.refreshBadge?.();
}

const module = {
  id: "mykpis",
  label: "myteam.tab.mykpis",
  dictionaries: {
    en: {
      "myteam.tab.mykpis": "My KPIs",
      "myteam.mykpis.month": "This month ({month}) so far",
      "myteam.mykpis.kpi": "KPI",
      "myteam.mykpis.mine": "Mine",
      "myteam.mykpis.target": "Team target",
      "myteam.mykpis.discipline": "Against the roster: {late} minutes late, {missed} shifts missed, {owed} owed, {made_up} made up.",
      "myteam.mykpis.flags": "My flags",
      "myteam.mykpis.no_flags": "No flags: every KPI is on target.",
      "myteam.mykpis.level.warning": "Warning",
      "myteam.mykpis.level.plan": "Improvement plan needed",
      "myteam.mykpis.warning": "Below target three days in a row. If it goes on, you write an improvement plan.",
      "myteam.mykpis.write_plan_help": "Write what you will do to get back on target; your team leader follows it up.",
      "myteam.mykpis.plan": "My improvement plan",
      "myteam.mykpis.submit_plan": "Submit my plan",
      "myteam.mykpis.plan_missing": "Write your plan first.",
      "myteam.mykpis.plan_sent": "Your plan was sent to your team leader.",
      "myteam.mykpis.plan_open": "My plan (written {at}), being followed up:",
      "myteam.mykpis.plan_closed": "My plan (written {at}), closed:",
    },
    zh: {
      "myteam.tab.mykpis": "我的指标",
      "myteam.mykpis.month": "本月（{month}）至今",
      "myteam.mykpis.kpi": "指标",
      "myteam.mykpis.mine": "我的",
      "myteam.mykpis.target": "班组目标",
      "myteam.mykpis.discipline": "对照排班：迟到 {late} 分钟，缺勤 {missed} 个班次，欠工时 {owed}，已补 {made_up}。",
      "myteam.mykpis.flags": "我的预警",
      "myteam.mykpis.no_flags": "没有预警：各项指标均达标。",
      "myteam.mykpis.level.warning": "预警",
      "myteam.mykpis.level.plan": "需要改进计划",
      "myteam.mykpis.warning": "连续三天未达标。如果继续未达标，需要填写改进计划。",
      "myteam.mykpis.write_plan_help": "请写下您将如何回到目标水平；班长会跟进。",
      "myteam.mykpis.plan": "我的改进计划",
      "myteam.mykpis.submit_plan": "提交计划",
      "myteam.mykpis.plan_missing": "请先填写计划。",
      "myteam.mykpis.plan_sent": "您的计划已提交给班长。",
      "myteam.mykpis.plan_open": "我的计划（填写于 {at}），跟进中：",
      "myteam.mykpis.plan_closed": "我的计划（填写于 {at}），已结束：",
    },
  },

  mount(panel, ctx) {
    const { el } = ctx;
    panel.append(
      el("p", { id: "mykpis-month", class: "muted small" }),
      el("table", { id: "mykpis-table", "data-testid": "mykpis-table" }),
      el("p", { id: "mykpis-discipline", class: "small", "data-testid": "mykpis-discipline" }),
      el("h3", { "data-i18n": "myteam.mykpis.flags" }),
      el("ul", { id: "mykpis-flags", class: "evals", "data-testid": "mykpis-flags" }),
      el("p", { id: "mykpis-flags-empty", class: "idle small", "data-i18n": "myteam.mykpis.no_flags", hidden: true }),
    );
    const list = ctx.$("mykpis-flags");
    list.addEventListener("input", (event) => {
      const box = event.target.closest("textarea.plan-input");
      if (box) drafts.set(Number(box.dataset.flagId), box.value);
    });
    list.addEventListener("click", (event) => {
      const button = event.target.closest("button.btn-plan");
      if (button) submitPlan(ctx, Number(button.dataset.flagId));
    });
  },

  async show(ctx) {
    await load(ctx);
    renderKpis(ctx);
    renderFlags(ctx);
  },

  async badge(ctx) {
    await load(ctx);
    return plansToWrite().length;
  },
};

export default module;
