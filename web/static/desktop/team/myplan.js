// My team → "My plan" on the agent desktop (docs/teams.md, "Huddles and meetings"): last month's
// goals to review (met or not, with a note) and this month's plan and goals
// (GET /api/v1/monthly-plans/mine, PUT /api/v1/monthly-plans/mine/{month}); the team leader sees
// them on the team page's Monthly meeting tab. When the agent hosts today's or tomorrow's huddle
// (the rotation, a swap or the team leader's choice), its draft agenda to prepare with the team
// leader (GET /api/v1/huddles/{team}/days/{day}, PUT .../agenda). Badge: 1 while this month's
// plan is not written, plus each huddle to host whose agenda is still empty.

const enc = encodeURIComponent;
const data = { mine: null, hosting: [] };
const lines = (text) => text.split("\n").map((s) => s.trim()).filter(Boolean);

function tomorrow(ctx) {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  return ctx.localDay(d.getTime());
}

/** The draft huddles of today and tomorrow the agent hosts. */
async function loadHosting(ctx) {
  const team = ctx.me?.team;
  const agent = ctx.me?.agent_id;
  if (!team || !agent) return [];
  const found = await Promise.all([ctx.localDay(), tomorrow(ctx)].map((day) =>
    ctx.call("GET", `/api/v1/huddles/${enc(team)}/days/${enc(day)}`).catch(() => null)));
  return found.filter((h) => h && h.host === agent && h.status === "draft");
}

async function load(ctx) {
  const [mine, hosting] = await Promise.all([ctx.call("GET", "/api/v1/monthly-plans/mine"), loadHosting(ctx)]);
  Object.assign(data, { mine, hosting });
  return data.mine;
}

// A hard case typed on one line: "the case: step one; step two".
const caseLine = (c) => `${c.title}: ${c.steps.join("; ")}`;
function parseCases(text) {
  return lines(text).map((line) => {
    const cut = line.search(/[:：]/); // either colon: a Chinese keyboard types the full-width one
    const title = cut < 0 ? line : line.slice(0, cut);
    const steps = cut < 0 ? [] : line.slice(cut + 1).split(/[;；]/).map((s) => s.trim()).filter(Boolean);
    return { title: title.trim(), steps };
  });
}

function renderHosting(ctx) {
  const { el, t } = ctx;
  ctx.$("myplan-host").replaceChildren(...data.hosting.map((h) =>
    el("form", { class: "host-form", "data-day": h.day },
      el("h3", { text: t("myteam.myplan.hosting", { day: h.day, starts: h.starts || "—" }) }),
      el("label", { text: t("myteam.myplan.opener") }),
      el("input", { class: "host-opener", value: h.opener, style: "width:100%" }),
      el("label", { text: t("myteam.myplan.points") }),
      el("textarea", { class: "host-points", rows: 2, "aria-label": t("myteam.myplan.points") }, h.points.join("\n")),
      el("label", { text: t("myteam.myplan.cases") }),
      el("textarea", { class: "host-cases", rows: 2, placeholder: t("myteam.myplan.cases_ph"), "aria-label": t("myteam.myplan.cases") },
        h.hard_cases.map(caseLine).join("\n")),
      el("div", { class: "row" }, el("button", { type: "submit", class: "primary", text: t("myteam.myplan.save_agenda") })))));
}

async function saveAgenda(ctx, form) {
  const body = {
    opener: form.querySelector(".host-opener").value,
    points: lines(form.querySelector(".host-points").value),
    hard_cases: parseCases(form.querySelector(".host-cases").value),
  };
  try {
    const huddle = await ctx.call("PUT", `/api/v1/huddles/${enc(ctx.me.team)}/days/${enc(form.dataset.day)}/agenda`, body);
    data.hosting = data.hosting.map((h) => (h.day === huddle.day ? huddle : h));
    renderHosting(ctx);
    ctx.notify(ctx.t("myteam.myplan.agenda_saved", { day: huddle.day }));
    ctx.refreshBadge?.();
  } catch (error) {
    ctx.fail(error);
  }
}

function renderReview(ctx) {
  const { el, t } = ctx;
  const mine = data.mine;
  const said = new Map((mine.plan?.review || []).map((r) => [r.goal, r]));
  ctx.$("myplan-last").textContent = t("myteam.myplan.last", { month: mine.last_month });
  ctx.$("myplan-review-none").hidden = mine.last_goals.length > 0;
  ctx.$("myplan-review").replaceChildren(...mine.last_goals.map((goal, k) => {
    const before = said.get(goal);
    const value = before?.met === true ? "met" : before?.met === false ? "not_met" : "";
    return el("li", { "data-goal": goal },
      el("div", { class: "strong", text: goal }),
      el("div", { class: "row" },
        el("select", { class: "review-met", "aria-label": t("myteam.myplan.result"), id: `myplan-met-${k}` },
          el("option", { value: "", text: t("myteam.myplan.unsaid"), selected: value === "" }),
          el("option", { value: "met", text: t("myteam.myplan.met"), selected: value === "met" }),
          el("option", { value: "not_met", text: t("myteam.myplan.not_met"), selected: value === "not_met" })),
        el("input", { class: "review-note", placeholder: t("myteam.myplan.note"), "aria-label": t("myteam.myplan.note"), value: before?.note || "" })));
  }));
}

function render(ctx) {
  renderHosting(ctx);
  const mine = data.mine;
  ctx.$("myplan-month").textContent = ctx.t("myteam.myplan.month", { month: mine.month });
  renderReview(ctx);
  ctx.$("myplan-text").value = mine.plan?.plan || "";
  ctx.$("myplan-goals").value = (mine.plan?.goals || []).join("\n");
  ctx.$("myplan-saved").textContent = mine.plan ? ctx.t("myteam.myplan.saved_at", { when: mine.plan.written_at.slice(0, 16).replace("T", " ") }) : ctx.t("myteam.myplan.not_written");
}

function body(ctx) {
  const review = [...ctx.$("myplan-review").querySelectorAll("li[data-goal]")].map((li) => {
    const met = li.querySelector(".review-met").value;
    return { goal: li.dataset.goal, met: met === "" ? null : met === "met", note: li.querySelector(".review-note").value };
  });
  return { plan: ctx.$("myplan-text").value, goals: lines(ctx.$("myplan-goals").value), review };
}

async function save(ctx) {
  const button = ctx.$("myplan-save");
  button.disabled = true;
  try {
    const plan = await ctx.call("PUT", `/api/v1/monthly-plans/mine/${enc(data.mine.month)}`, body(ctx));
    data.mine = { ...data.mine, plan };
    render(ctx);
    ctx.notify(ctx.t("myteam.myplan.saved"));
    ctx.refreshBadge?.();
  } catch (error) {
    ctx.fail(error);
  } finally {
    button.disabled = false;
  }
}

export default {
  id: "myplan",
  label: "myteam.tab.myplan",
  dictionaries: {
    en: {
      "myteam.tab.myplan": "My plan",
      "myteam.myplan.month": "My plan and goals for {month}",
      "myteam.myplan.last": "Last month's goals ({month}): how did they go?",
      "myteam.myplan.no_last": "You had no goals last month.",
      "myteam.myplan.result": "Result",
      "myteam.myplan.unsaid": "Not reviewed",
      "myteam.myplan.met": "Met",
      "myteam.myplan.not_met": "Not met",
      "myteam.myplan.note": "A note",
      "myteam.myplan.plan": "My plan for the month",
      "myteam.myplan.goals": "My goals, one per line",
      "myteam.myplan.save": "Save my plan",
      "myteam.myplan.saved": "Your monthly plan is saved.",
      "myteam.myplan.saved_at": "Saved {when} (UTC); you can change it this month.",
      "myteam.myplan.not_written": "Not written yet: your team leader sees who has not.",
      "myteam.myplan.hosting": "You host the huddle of {day} at {starts}: prepare its agenda with your team leader",
      "myteam.myplan.opener": "Opener",
      "myteam.myplan.points": "Key business points, one per line",
      "myteam.myplan.cases": "Hard cases, one per line",
      "myteam.myplan.cases_ph": "The case: step one; step two",
      "myteam.myplan.save_agenda": "Save the agenda",
      "myteam.myplan.agenda_saved": "Agenda of the huddle of {day} saved.",
    },
    zh: {
      "myteam.tab.myplan": "我的计划",
      "myteam.myplan.month": "{month} 我的计划与目标",
      "myteam.myplan.last": "上月（{month}）目标完成得如何？",
      "myteam.myplan.no_last": "上月没有目标。",
      "myteam.myplan.result": "结果",
      "myteam.myplan.unsaid": "未回顾",
      "myteam.myplan.met": "已达成",
      "myteam.myplan.not_met": "未达成",
      "myteam.myplan.note": "说明",
      "myteam.myplan.plan": "本月计划",
      "myteam.myplan.goals": "本月目标，每行一个",
      "myteam.myplan.save": "保存我的计划",
      "myteam.myplan.saved": "月度计划已保存。",
      "myteam.myplan.saved_at": "已于 {when}（UTC）保存；本月内可以修改。",
      "myteam.myplan.not_written": "尚未填写：班长能看到谁还没有填写。",
      "myteam.myplan.hosting": "您主持 {day} {starts} 的班前会：请与班长一起准备议程",
      "myteam.myplan.opener": "开场",
      "myteam.myplan.points": "业务要点，每行一条",
      "myteam.myplan.cases": "疑难案例，每行一个",
      "myteam.myplan.cases_ph": "案例：步骤一；步骤二",
      "myteam.myplan.save_agenda": "保存议程",
      "myteam.myplan.agenda_saved": "{day} 班前会议程已保存。",
    },
  },
  mount(panel, ctx) {
    const { el } = ctx;
    panel.append(
      el("div", { id: "myplan-host", "data-testid": "myplan-host" }),
      el("p", { id: "myplan-month", class: "strong" }),
      el("h3", { id: "myplan-last" }),
      el("ul", { id: "myplan-review", class: "evals", "data-testid": "myplan-review" }),
      el("p", { id: "myplan-review-none", class: "idle small", "data-i18n": "myteam.myplan.no_last" }),
      el("label", { for: "myplan-text", "data-i18n": "myteam.myplan.plan" }),
      el("textarea", { id: "myplan-text", rows: 4, "data-testid": "myplan-text" }),
      el("label", { for: "myplan-goals", "data-i18n": "myteam.myplan.goals" }),
      el("textarea", { id: "myplan-goals", rows: 3, "data-testid": "myplan-goals" }),
      el("div", { class: "row" },
        el("button", { type: "button", id: "myplan-save", class: "primary", "data-i18n": "myteam.myplan.save" }),
        el("span", { id: "myplan-saved", class: "muted small", "data-testid": "myplan-saved" })),
    );
    ctx.$("myplan-save").addEventListener("click", () => save(ctx));
    ctx.$("myplan-host").addEventListener("submit", (event) => {
      event.preventDefault();
      saveAgenda(ctx, event.target.closest("form"));
    });
  },
  async show(ctx) {
    await load(ctx);
    render(ctx);
  },
  async badge(ctx) {
    const mine = await load(ctx);
    const empty = data.hosting.filter((h) => !h.points.length && !h.hard_cases.length).length;
    return (mine?.plan ? 0 : 1) + empty;
  },
};
