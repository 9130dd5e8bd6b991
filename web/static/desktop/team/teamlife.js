// The desktop's My team → "Team life" tab (docs/teams.md, "Recognition and team life"): the last
// published month's results (GET /api/v1/teams/{team}/recognition/published), this month's vote
// for the best trainer (GET|POST .../trainer-vote), the coming team activities (GET .../activities)
// and the team fund's balance and statement (GET .../fund). The team's fund keeper records
// contributions, penalties and spending here too (POST .../fund/contributions|penalties|spending).
// The team's activity officer plans activities and takes attendance here (POST .../activities,
// PUT /api/v1/activities/{id}/attendance/{agent}); what the user does in the team: GET .../my-roles.
// The badge counts 1 while this month's vote is open and the agent has not voted.

const enc = encodeURIComponent;
const STATEMENT_ROWS = 30; // the latest movements shown; the team page has them all
const OFFICER_DAYS_BACK = 31; // an activity officer also sees last month's, to take attendance
const STATUSES = ["attended", "skipped", "excused"];

const view = { results: null, ballot: null, activities: [], fund: null, roles: null };
const isOfficer = () => Boolean(view.roles?.roles.includes("activity_officer"));

const base = (ctx) => `/api/v1/teams/${enc(ctx.team)}`;
const fmt = (n) => (Math.round(n * 10) / 10).toFixed(1);
const yuan = (fen) => `${fen < 0 ? "-" : ""}${Math.floor(Math.abs(fen) / 100)}.${String(Math.abs(fen) % 100).padStart(2, "0")}`;

function who(id) {
  const name = view.results?.names?.[id] || view.fund?.members.find(([m]) => m === id)?.[1];
  return name && name !== id ? name : id;
}

function build(panel, ctx) {
  const { el } = ctx;
  const field = (id, label, input) => el("span", {}, el("label", { for: id, "data-i18n": label }), input);
  panel.append(
    el("p", { id: "tl-no-team", class: "idle", "data-i18n": "teamlife.no_team", hidden: true }),
    el("div", { id: "tl-body" },
      el("h3", { id: "tl-results-title" }),
      el("p", { id: "tl-results-none", class: "idle small", "data-i18n": "teamlife.no_results", hidden: true }),
      el("table", { id: "tl-board", "data-testid": "tl-board" }),
      el("ul", { id: "tl-awards", class: "small" }),
      el("h3", { "data-i18n": "teamlife.vote" }),
      el("form", { id: "tl-vote", class: "row" },
        el("select", { id: "tl-vote-trainer", "data-i18n-aria-label": "teamlife.vote" }),
        el("button", { type: "submit", id: "tl-vote-save", "data-i18n": "teamlife.vote_button" })),
      el("p", { id: "tl-vote-state", class: "small", "data-testid": "tl-vote-state" }),
      el("h3", { "data-i18n": "teamlife.activities" }),
      el("form", { id: "tl-plan", class: "row", hidden: true },
        field("tl-a-title", "teamlife.activity_title", el("input", { id: "tl-a-title", size: 18 })),
        field("tl-a-day", "teamlife.activity_day", el("input", { id: "tl-a-day", type: "date" })),
        field("tl-a-place", "teamlife.activity_place", el("input", { id: "tl-a-place", size: 12 })),
        el("button", { type: "submit", id: "tl-a-save", "data-i18n": "teamlife.plan" })),
      el("ul", { id: "tl-activities", class: "small", "data-testid": "tl-activities" }),
      el("h3", {}, el("span", { "data-i18n": "teamlife.fund" }), " ", el("span", { id: "tl-balance", "data-testid": "tl-balance" }),
        " ", el("a", { id: "tl-csv", class: "small", "data-i18n": "teamlife.csv", download: "" })),
      el("div", { id: "tl-keeper", hidden: true },
        el("form", { id: "tl-contribution", class: "row" },
          field("tl-c-member", "teamlife.member", el("select", { id: "tl-c-member" })),
          el("button", { type: "submit", id: "tl-c-save", "data-i18n": "teamlife.contribute" })),
        el("form", { id: "tl-penalty", class: "row" },
          field("tl-p-member", "teamlife.member", el("select", { id: "tl-p-member" })),
          field("tl-p-rule", "teamlife.rule", el("select", { id: "tl-p-rule" })),
          el("button", { type: "submit", id: "tl-p-save", "data-i18n": "teamlife.penalise" })),
        el("form", { id: "tl-spending", class: "row" },
          field("tl-s-amount", "teamlife.amount", el("input", { id: "tl-s-amount", size: 7, inputMode: "decimal" })),
          field("tl-s-description", "teamlife.description", el("input", { id: "tl-s-description", size: 16 })),
          field("tl-s-receipt", "teamlife.receipt", el("input", { id: "tl-s-receipt", size: 14 })),
          el("button", { type: "submit", id: "tl-s-save", "data-i18n": "teamlife.spend" }))),
      el("table", { id: "tl-statement", "data-testid": "tl-statement" })),
  );
}

// ---------------------------------------------------------------- drawing

function renderResults(ctx) {
  const { el, t, $ } = ctx;
  const r = view.results;
  $("tl-results-none").hidden = Boolean(r);
  $("tl-board").hidden = !r;
  $("tl-results-title").textContent = r ? t("teamlife.results", { month: r.month }) : t("teamlife.results_title");
  if (!r) {
    $("tl-awards").replaceChildren();
    return;
  }
  const mine = ctx.me.agent_id;
  $("tl-board").replaceChildren(
    el("tr", {}, el("th", { text: t("teamlife.place") }), el("th", { text: t("teamlife.agent") }), el("th", { class: "num", text: t("teamlife.composite") }), el("th", { text: "" })),
    ...r.leaderboard.map((row) => el("tr", { "data-agent-id": row.agent_id, class: row.agent_id === mine ? "mine" : "" },
      el("td", { class: "num", text: row.place }),
      el("td", { class: row.agent_id === mine ? "strong" : "", text: who(row.agent_id) }),
      el("td", { class: "num", text: fmt(row.score) }),
      el("td", { text: row.award ? t(`teamlife.award.${row.award}`) : "" }))),
  );
  const winners = (rows, key) => rows.filter((x) => x.winner).map((x) => who(x[key])).join(", ") || t("teamlife.nobody");
  const items = [
    t("teamlife.squad_winner", { names: r.squads.filter((s) => s.winner).map((s) => s.squad).join(", ") || t("teamlife.nobody") }),
    t("teamlife.improved_winner", { names: winners(r.most_improved, "agent_id") }),
    t("teamlife.trainer_winner", { names: winners(r.best_trainer, "trainer") }),
  ];
  if (r.contribution) items.push(t("teamlife.contribution", { name: r.contribution.name, reason: r.contribution.reason }));
  $("tl-awards").replaceChildren(...items.map((text) => el("li", { text })));
}

function renderVote(ctx) {
  const { el, t, $ } = ctx;
  const b = view.ballot;
  const choices = b.trainers.filter(([id]) => id !== ctx.me.agent_id);
  $("tl-vote-trainer").replaceChildren(...choices.map(([id, name]) => el("option", { value: id, text: name !== id ? name : id, selected: b.my_vote === id })));
  $("tl-vote").hidden = !b.open || !choices.length;
  const voted = b.trainers.find(([id]) => id === b.my_vote);
  $("tl-vote-state").textContent = !choices.length ? t("teamlife.no_trainers")
    : !b.open ? t("teamlife.vote_closed", { month: b.month })
    : voted ? t("teamlife.voted", { name: voted[1], month: b.month })
    : t("teamlife.not_voted", { month: b.month });
  $("tl-vote-state").dataset.voted = String(Boolean(b.my_vote));
}

function attendanceSelects(ctx, activity) {
  const { el, t } = ctx;
  return el("div", { class: "row" }, ...activity.attendance.map((x) => el("span", { "data-agent-id": x.agent_id },
    `${x.name} `,
    el("select", { class: "tl-att", "aria-label": t("teamlife.attendance_of", { name: x.name }) },
      el("option", { value: "", text: "—" }),
      ...STATUSES.map((s) => el("option", { value: s, text: t(`teamlife.status.${s}`), selected: x.status === s }))))));
}

function renderActivities(ctx) {
  const { el, t, $ } = ctx;
  const mine = ctx.me.agent_id;
  const coming = view.activities.filter((a) => !a.cancelled);
  $("tl-plan").hidden = !isOfficer();
  $("tl-activities").replaceChildren(...coming.map((a) => {
    const status = a.attendance.find((x) => x.agent_id === mine)?.status;
    return el("li", { "data-activity-id": a.id },
      `${a.day} · ${a.title}${a.place ? ` @ ${a.place}` : ""}`,
      status ? el("span", { class: "muted", text: ` (${t(`teamlife.status.${status}`)})` }) : "",
      isOfficer() ? attendanceSelects(ctx, a) : "");
  }));
  if (!coming.length) $("tl-activities").append(el("li", { class: "idle", text: t("teamlife.no_activities") }));
}

function renderFund(ctx) {
  const { el, t, $ } = ctx;
  const f = view.fund;
  $("tl-balance").textContent = t("teamlife.balance", { amount: f.statement.balance });
  $("tl-csv").href = `${base(ctx)}/fund/statement.csv`;
  $("tl-keeper").hidden = !f.may_record;
  const members = f.members.map(([id, name]) => el("option", { value: id, text: name !== id ? name : id }));
  $("tl-c-member").replaceChildren(...members, ...f.leaders.map((u) => el("option", { value: u, text: u })));
  $("tl-p-member").replaceChildren(...members.map((o) => o.cloneNode(true)));
  $("tl-p-rule").replaceChildren(...f.penalty_rules.map((r) => el("option", { value: r.name, text: `${r.name} (${r.amount})` })));
  const kind = (k) => t(`teamlife.kind.${k}`);
  $("tl-statement").replaceChildren(
    el("tr", {}, ...["teamlife.col.day", "teamlife.col.kind", "teamlife.col.member", "teamlife.col.amount", "teamlife.col.balance", "teamlife.col.details", "teamlife.col.by"]
      .map((k) => el("th", { text: t(k) }))),
    ...f.statement.entries.slice(-STATEMENT_ROWS).reverse().map((e) => el("tr", { "data-entry-id": e.id, "data-kind": e.kind },
      el("td", { class: "nowrap", text: e.day }),
      el("td", { text: kind(e.kind) }),
      el("td", { text: e.member ? who(e.member) : "" }),
      el("td", { class: "num", text: yuan(e.amount_fen) }),
      el("td", { class: "num", text: yuan(e.balance_fen) }),
      el("td", { text: [e.rule, e.description, e.receipt].filter(Boolean).join("; ") }),
      el("td", { text: e.recorded_by }))),
  );
  if (!f.statement.entries.length) $("tl-statement").append(el("tr", {}, el("td", { class: "idle", colSpan: 7, text: t("teamlife.no_movements") })));
}

// ---------------------------------------------------------------- loading and acting

async function latestResults(ctx) {
  // Ask for the list first: asking for a month when none is published answers 404, which the
  // browser reports as an error in the console for what is a normal state of a new team.
  const months = await ctx.call("GET", `${base(ctx)}/recognition/history`);
  if (!months.length) return null;
  return ctx.call("GET", `${base(ctx)}/recognition/published`);
}

async function load(ctx) {
  const noTeam = !ctx.team;
  ctx.$("tl-no-team").hidden = !noTeam;
  ctx.$("tl-body").hidden = noTeam;
  if (noTeam) return;
  view.roles = await ctx.call("GET", `${base(ctx)}/my-roles`);
  const from = ctx.localDay(Date.now() - (isOfficer() ? OFFICER_DAYS_BACK : 0) * 86400000);
  const [results, ballot, activities, fund] = await Promise.all([
    latestResults(ctx),
    ctx.call("GET", `${base(ctx)}/trainer-vote`),
    ctx.call("GET", `${base(ctx)}/activities?from=${from}`),
    ctx.call("GET", `${base(ctx)}/fund`),
  ]);
  Object.assign(view, { results, ballot, activities, fund });
  renderResults(ctx);
  renderVote(ctx);
  renderActivities(ctx);
  renderFund(ctx);
}

function wire(ctx) {
  const { $, t } = ctx;
  const onSubmit = (id, fn) => $(id).addEventListener("submit", (event) => {
    event.preventDefault();
    fn().then(() => load(ctx)).catch((error) => ctx.fail(error));
  });
  onSubmit("tl-vote", async () => {
    await ctx.call("POST", `${base(ctx)}/trainer-vote`, { trainer: $("tl-vote-trainer").value });
    ctx.notify(t("teamlife.vote_saved"));
    ctx.refreshBadge?.();
  });
  onSubmit("tl-plan", async () => {
    const body = { title: $("tl-a-title").value.trim(), day: $("tl-a-day").value, place: $("tl-a-place").value.trim() };
    await ctx.call("POST", `${base(ctx)}/activities`, body);
    $("tl-a-title").value = "";
    $("tl-a-place").value = "";
    ctx.notify(t("teamlife.planned", { title: body.title }));
  });
  $("tl-activities").addEventListener("change", (event) => {
    const select = event.target.closest("select.tl-att");
    if (!select?.value) return;
    const id = select.closest("li[data-activity-id]").dataset.activityId;
    const agent = select.closest("[data-agent-id]").dataset.agentId;
    ctx.call("PUT", `/api/v1/activities/${id}/attendance/${enc(agent)}`, { status: select.value })
      .then(() => load(ctx)).catch((error) => ctx.fail(error));
  });
  onSubmit("tl-contribution", async () => {
    await ctx.call("POST", `${base(ctx)}/fund/contributions`, { member: $("tl-c-member").value });
    ctx.notify(t("teamlife.recorded"));
  });
  onSubmit("tl-penalty", async () => {
    await ctx.call("POST", `${base(ctx)}/fund/penalties`, { member: $("tl-p-member").value, rule: $("tl-p-rule").value });
    ctx.notify(t("teamlife.recorded"));
  });
  onSubmit("tl-spending", async () => {
    await ctx.call("POST", `${base(ctx)}/fund/spending`, { amount: $("tl-s-amount").value.trim(), description: $("tl-s-description").value.trim(), receipt: $("tl-s-receipt").value.trim() });
    for (const id of ["tl-s-amount", "tl-s-description", "tl-s-receipt"]) $(id).value = "";
    ctx.notify(t("teamlife.recorded"));
  });
}

export default {
  id: "teamlife",
  label: "myteam.tab.teamlife",
  dictionaries: {
    en: {
      "myteam.tab.teamlife": "Team life",
      "teamlife.no_team": "You are in no team yet.",
      "teamlife.results_title": "Monthly recognition",
      "teamlife.results": "Recognition of {month}",
      "teamlife.no_results": "No month's results published yet.",
      "teamlife.place": "Place",
      "teamlife.agent": "Agent",
      "teamlife.composite": "Composite",
      "teamlife.award.top": "Rewarded",
      "teamlife.award.bottom": "Contributes",
      "teamlife.squad_winner": "Squad competition: {names}",
      "teamlife.improved_winner": "Most improved: {names}",
      "teamlife.trainer_winner": "Best trainer: {names}",
      "teamlife.contribution": "Contribution award: {name} ({reason})",
      "teamlife.nobody": "nobody",
      "teamlife.vote": "Best trainer of this month",
      "teamlife.vote_button": "Vote",
      "teamlife.vote_saved": "Your vote is in.",
      "teamlife.voted": "You voted for {name} for {month} (you may change it until the results are published).",
      "teamlife.not_voted": "You have not voted for {month} yet: one vote, not for yourself.",
      "teamlife.vote_closed": "The results of {month} are published: voting is closed.",
      "teamlife.no_trainers": "The team has no other trainer to vote for.",
      "teamlife.activities": "Coming team activities",
      "teamlife.no_activities": "No activities planned.",
      "teamlife.activity_title": "Activity",
      "teamlife.activity_day": "Day",
      "teamlife.activity_place": "Where",
      "teamlife.plan": "Plan",
      "teamlife.planned": "Planned: {title}.",
      "teamlife.attendance_of": "Attendance of {name}",
      "teamlife.status.attended": "attended",
      "teamlife.status.skipped": "skipped",
      "teamlife.status.excused": "excused",
      "teamlife.fund": "Team fund",
      "teamlife.balance": "balance {amount} yuan",
      "teamlife.csv": "CSV",
      "teamlife.member": "Member",
      "teamlife.rule": "Rule",
      "teamlife.amount": "Yuan",
      "teamlife.description": "What for",
      "teamlife.receipt": "Receipt note",
      "teamlife.contribute": "Record contribution",
      "teamlife.penalise": "Record penalty",
      "teamlife.spend": "Record spending",
      "teamlife.recorded": "Recorded.",
      "teamlife.col.day": "Day",
      "teamlife.col.kind": "Movement",
      "teamlife.col.member": "Member",
      "teamlife.col.amount": "Amount",
      "teamlife.col.balance": "Balance",
      "teamlife.col.details": "Details",
      "teamlife.col.by": "By",
      "teamlife.kind.contribution": "Contribution",
      "teamlife.kind.penalty": "Penalty",
      "teamlife.kind.spending": "Spending",
      "teamlife.kind.correction": "Correction",
      "teamlife.no_movements": "No movements yet.",
    },
    zh: {
      "myteam.tab.teamlife": "班组生活",
      "teamlife.no_team": "你还没有加入班组。",
      "teamlife.results_title": "月度评比",
      "teamlife.results": "{month} 评比结果",
      "teamlife.no_results": "尚未发布任何月份的结果。",
      "teamlife.place": "名次",
      "teamlife.agent": "坐席",
      "teamlife.composite": "综合分",
      "teamlife.award.top": "奖励",
      "teamlife.award.bottom": "出奖金",
      "teamlife.squad_winner": "小组PK：{names}",
      "teamlife.improved_winner": "进步奖：{names}",
      "teamlife.trainer_winner": "最佳培训师：{names}",
      "teamlife.contribution": "个人贡献奖：{name}（{reason}）",
      "teamlife.nobody": "无",
      "teamlife.vote": "本月最佳培训师",
      "teamlife.vote_button": "投票",
      "teamlife.vote_saved": "已投票。",
      "teamlife.voted": "你已投票给 {name}（{month}；结果发布前可以更改）。",
      "teamlife.not_voted": "你还没有为 {month} 投票：每人一票，不能投自己。",
      "teamlife.vote_closed": "{month} 的结果已发布：投票已结束。",
      "teamlife.no_trainers": "班组没有可投票的其他培训师。",
      "teamlife.activities": "即将举行的班组活动",
      "teamlife.no_activities": "暂无活动安排。",
      "teamlife.activity_title": "活动",
      "teamlife.activity_day": "日期",
      "teamlife.activity_place": "地点",
      "teamlife.plan": "安排",
      "teamlife.planned": "已安排：{title}。",
      "teamlife.attendance_of": "{name} 的出勤",
      "teamlife.status.attended": "参加",
      "teamlife.status.skipped": "缺席",
      "teamlife.status.excused": "请假",
      "teamlife.fund": "班组基金",
      "teamlife.balance": "余额 {amount} 元",
      "teamlife.csv": "CSV",
      "teamlife.member": "组员",
      "teamlife.rule": "规则",
      "teamlife.amount": "金额（元）",
      "teamlife.description": "用途",
      "teamlife.receipt": "票据说明",
      "teamlife.contribute": "登记缴费",
      "teamlife.penalise": "登记罚款",
      "teamlife.spend": "登记支出",
      "teamlife.recorded": "已登记。",
      "teamlife.col.day": "日期",
      "teamlife.col.kind": "类型",
      "teamlife.col.member": "组员",
      "teamlife.col.amount": "金额",
      "teamlife.col.balance": "余额",
      "teamlife.col.details": "说明",
      "teamlife.col.by": "登记人",
      "teamlife.kind.contribution": "缴费",
      "teamlife.kind.penalty": "罚款",
      "teamlife.kind.spending": "支出",
      "teamlife.kind.correction": "冲正",
      "teamlife.no_movements": "暂无收支记录。",
    },
  },
  mount(panel, ctx) {
    build(panel, ctx);
    ctx.$("tl-a-day").value = ctx.localDay();
    wire(ctx);
  },
  async show(ctx) {
    await load(ctx);
  },
  async badge(ctx) {
    if (!ctx.team) return 0;
    const b = await ctx.call("GET", `${base(ctx)}/trainer-vote`);
    const others = b.trainers.some(([id]) => id !== ctx.me?.agent_id);
    return b.open && others && !b.my_vote ? 1 : 0;
  },
};
