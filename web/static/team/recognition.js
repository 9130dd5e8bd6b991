// The team page's "Recognition" tab (docs/teams.md, "Recognition and team life"): a month's results
// as they stand (GET /api/v1/teams/{team}/recognition/preview?month=) — the leaderboard from the
// five-KPI composite with who is rewarded and who contributes, the squad competition with its
// discipline points, most improved, the best-trainer votes — the contribution award
// (PUT .../contribution-award/{month}), publishing (POST .../recognition/publish), the months
// published (GET .../recognition/history, .../published?month=) and the team's rules
// (GET|PUT .../recognition/rules).

const enc = encodeURIComponent;
const KPIS = ["calls_per_hour", "avg_talk_s", "fcr_rate", "satisfaction", "utilisation"];
const RULES = ["top_n", "bottom_n", "absence_points", "late_points", "skip_points"];

const view = { month: null, results: null, published: false, history: [] };

const base = (ctx) => `/api/v1/teams/${enc(ctx.team)}`;
const fmt = (n) => (Math.round(n * 10) / 10).toFixed(1);

function who(id) {
  const name = view.results?.names?.[id];
  return name && name !== id ? `${name} (${id})` : id;
}

function previousMonth(month) {
  const [y, m] = month.split("-").map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
}

// ---------------------------------------------------------------- building the tab

function build(panel, ctx) {
  const { el } = ctx;
  const section = (id, title, ...body) => el("section", { class: "panel", id }, el("h2", { "data-i18n": title }), ...body);
  panel.append(
    el("div", { class: "toolbar" },
      el("h2", { "data-i18n": "recognition.title" }),
      el("label", { for: "recog-month", "data-i18n": "recognition.month" }),
      el("input", { id: "recog-month", type: "month" }),
      el("button", { type: "button", id: "recog-preview", "data-i18n": "recognition.preview" }),
      el("button", { type: "button", id: "recog-publish", class: "primary", "data-i18n": "recognition.publish" }),
      el("span", { id: "recog-state", class: "muted small", "data-testid": "recog-state" })),
    el("div", { class: "grid-2" },
      el("div", { class: "stack" },
        section("recog-board-panel", "recognition.leaderboard",
          el("table", { id: "recog-board", "data-testid": "recog-board" }),
          el("p", { id: "recog-unranked", class: "muted small" })),
        section("recog-squads-panel", "recognition.squads", el("table", { id: "recog-squads", "data-testid": "recog-squads" }))),
      el("div", { class: "stack" },
        section("recog-improved-panel", "recognition.improved",
          el("p", { id: "recog-improved-period", class: "muted small" }),
          el("table", { id: "recog-improved", "data-testid": "recog-improved" })),
        section("recog-trainer-panel", "recognition.trainer", el("table", { id: "recog-trainer", "data-testid": "recog-trainer" })),
        section("recog-award-panel", "recognition.award",
          el("p", { id: "recog-award-now", class: "note", "data-testid": "recog-award-now" }),
          el("form", { id: "recog-award", class: "inline-form" },
            el("select", { id: "recog-award-agent", "data-i18n-aria-label": "recognition.award_agent" }),
            el("input", { id: "recog-award-reason", style: "flex:1 1 240px", "data-i18n-placeholder": "recognition.award_reason", "data-i18n-aria-label": "recognition.award_reason" }),
            el("button", { type: "submit", id: "recog-award-save", "data-i18n": "recognition.award_save" }))),
        section("recog-rules-panel", "recognition.rules",
          el("form", { id: "recog-rules", class: "inline-form" },
            ...RULES.map((r) => el("div", {},
              el("label", { for: `rule-${r}`, "data-i18n": `recognition.rule.${r}` }),
              el("input", { id: `rule-${r}`, type: "number", min: 0, max: 100, style: "width:80px" }))),
            el("button", { type: "submit", id: "recog-rules-save", style: "align-self:flex-end", "data-i18n": "recognition.rules_save" }))),
        section("recog-history-panel", "recognition.history",
          el("ul", { id: "recog-history", class: "card-list", "data-testid": "recog-history" })))),
  );
}

// ---------------------------------------------------------------- drawing

function header(ctx, ...names) {
  return ctx.el("tr", {}, ...names.map((n) => ctx.el("th", { text: ctx.t(n) })));
}

function renderBoard(ctx) {
  const { el, t, $ } = ctx;
  const r = view.results;
  const award = (a) => (a ? el("span", { class: "pill", "data-status": a === "top" ? "approved" : "rejected", text: t(`recognition.award.${a}`) }) : "");
  $("recog-board").replaceChildren(
    header(ctx, "recognition.place", "recognition.agent", "recognition.composite", ...KPIS.map((k) => `recognition.kpi.${k}`), "recognition.award_col"),
    ...r.leaderboard.map((row) => el("tr", { "data-agent-id": row.agent_id, "data-award": row.award || "" },
      el("td", { class: "num", text: row.place }),
      el("td", { class: "nowrap", text: who(row.agent_id) }),
      el("td", { class: "num strong", text: fmt(row.score) }),
      ...KPIS.map((k) => el("td", { class: `num${row.missing.includes(k) ? " muted" : ""}`, text: row.missing.includes(k) ? t("none") : fmt(row.parts[k]) })),
      el("td", {}, award(row.award)))),
  );
  if (!r.leaderboard.length) $("recog-board").append(el("tr", {}, el("td", { class: "idle", colSpan: 9, text: t("recognition.nobody") })));
  $("recog-unranked").textContent = r.unranked.length ? t("recognition.unranked", { names: r.unranked.map(who).join(", ") }) : "";
}

function renderSquads(ctx) {
  const { el, t, $ } = ctx;
  $("recog-squads").replaceChildren(
    header(ctx, "recognition.place", "recognition.squad", "recognition.composite", "recognition.discipline", "recognition.absences", "recognition.late_days", "recognition.skips", "recognition.total"),
    ...view.results.squads.map((s) => el("tr", { "data-squad": s.squad, "data-winner": String(s.winner) },
      el("td", { class: "num", text: s.place }),
      el("td", {}, s.squad, s.winner ? el("span", { class: "pill", "data-status": "approved", text: t("recognition.winner") }) : ""),
      el("td", { class: "num", text: fmt(s.composite) }),
      el("td", { class: "num", text: s.discipline.points }),
      el("td", { class: "num", text: s.discipline.absences }),
      el("td", { class: "num", text: s.discipline.late_days }),
      el("td", { class: "num", text: s.discipline.skips }),
      el("td", { class: "num strong", text: fmt(s.total) }))),
  );
  if (!view.results.squads.length) $("recog-squads").append(el("tr", {}, el("td", { class: "idle", colSpan: 8, text: t("recognition.no_squads") })));
}

function renderImproved(ctx) {
  const { el, t, $ } = ctx;
  const r = view.results;
  $("recog-improved-period").textContent = t("recognition.improved_period", { before: r.improved_from, first: `${r.month}-01`, last: r.improved_through });
  $("recog-improved").replaceChildren(
    header(ctx, "recognition.place", "recognition.agent", "recognition.before", "recognition.after", "recognition.gain"),
    ...r.most_improved.map((i) => el("tr", { "data-agent-id": i.agent_id, "data-winner": String(i.winner) },
      el("td", { class: "num", text: i.place }),
      el("td", {}, who(i.agent_id), i.winner ? el("span", { class: "pill", "data-status": "approved", text: t("recognition.winner") }) : ""),
      el("td", { class: "num", text: fmt(i.before) }),
      el("td", { class: "num", text: fmt(i.after) }),
      el("td", { class: "num strong", text: `${i.gain >= 0 ? "+" : ""}${fmt(i.gain)}` }))),
  );
  if (!r.most_improved.length) $("recog-improved").append(el("tr", {}, el("td", { class: "idle", colSpan: 5, text: t("recognition.nobody_improved") })));
}

function renderTrainer(ctx) {
  const { el, t, $ } = ctx;
  const tally = view.results.best_trainer;
  $("recog-trainer").replaceChildren(
    header(ctx, "recognition.place", "recognition.trainer_col", "recognition.votes"),
    ...tally.map((x) => el("tr", { "data-trainer": x.trainer, "data-winner": String(x.winner) },
      el("td", { class: "num", text: x.place }),
      el("td", {}, who(x.trainer), x.winner ? el("span", { class: "pill", "data-status": "approved", text: t("recognition.winner") }) : ""),
      el("td", { class: "num", text: x.votes }))),
  );
  if (!tally.length) $("recog-trainer").append(el("tr", {}, el("td", { class: "idle", colSpan: 3, text: t("recognition.no_trainers") })));
}

function renderAward(ctx) {
  const { el, t, $ } = ctx;
  const r = view.results;
  const c = r.contribution;
  $("recog-award-now").textContent = c ? t("recognition.award_is", { name: who(c.agent_id), reason: c.reason, by: c.nominated_by }) : t("recognition.award_none");
  const members = Object.keys(r.names).sort();
  $("recog-award-agent").replaceChildren(...members.map((id) => el("option", { value: id, text: who(id), selected: c?.agent_id === id })));
  $("recog-award").hidden = view.published;
}

function render(ctx) {
  const { t, $ } = ctx;
  const r = view.results;
  $("recog-state").textContent = r.published_at
    ? t("recognition.as_published", { month: r.month, by: r.published_by, at: ctx.fmtWhen(r.published_at) })
    : t(view.published ? "recognition.preview_published" : "recognition.preview_state", { month: r.month, through: r.through });
  $("recog-publish").textContent = t(view.published ? "recognition.publish_again" : "recognition.publish");
  renderBoard(ctx);
  renderSquads(ctx);
  renderImproved(ctx);
  renderTrainer(ctx);
  renderAward(ctx);
}

function renderHistory(ctx) {
  const { el, t, $ } = ctx;
  $("recog-history").replaceChildren(...view.history.map((p) => el("li", { "data-month": p.month },
    el("button", { type: "button", class: "link", text: t("recognition.history_item", { month: p.month, by: p.published_by, at: ctx.fmtWhen(p.published_at) }) }))));
  if (!view.history.length) $("recog-history").append(el("li", { class: "idle", text: t("recognition.history_none") }));
}

// ---------------------------------------------------------------- loading and acting

async function loadPreview(ctx) {
  view.month = ctx.$("recog-month").value || view.month;
  const [results, history] = await Promise.all([
    ctx.call("GET", ctx.withQuery(`${base(ctx)}/recognition/preview`, { month: view.month })),
    ctx.call("GET", `${base(ctx)}/recognition/history`),
  ]);
  view.results = results;
  view.history = history;
  view.published = history.some((p) => p.month === view.month);
  render(ctx);
  renderHistory(ctx);
}

async function loadRules(ctx) {
  const rules = await ctx.call("GET", `${base(ctx)}/recognition/rules`);
  for (const r of RULES) ctx.$(`rule-${r}`).value = rules.recognition[r];
}

async function showPublished(ctx, month) {
  view.results = await ctx.call("GET", ctx.withQuery(`${base(ctx)}/recognition/published`, { month }));
  view.month = month;
  view.published = true;
  ctx.$("recog-month").value = month;
  render(ctx);
}

function wire(ctx) {
  const { $ } = ctx;
  const run = (fn) => fn().catch((error) => ctx.fail(error));
  $("recog-preview").addEventListener("click", () => run(() => loadPreview(ctx)));
  $("recog-month").addEventListener("change", () => run(() => loadPreview(ctx)));
  $("recog-publish").addEventListener("click", () => run(async () => {
    const month = $("recog-month").value;
    await ctx.call("POST", `${base(ctx)}/recognition/publish`, { month, replace: view.published });
    ctx.notify(ctx.t("recognition.published_done", { month }));
    await loadPreview(ctx);
  }));
  $("recog-award").addEventListener("submit", (event) => {
    event.preventDefault();
    run(async () => {
      const reason = $("recog-award-reason").value.trim();
      if (!reason) return ctx.fail(ctx.t("recognition.award_reason_needed"));
      await ctx.call("PUT", `${base(ctx)}/contribution-award/${enc(view.month)}`, { agent_id: $("recog-award-agent").value, reason });
      $("recog-award-reason").value = "";
      ctx.notify(ctx.t("recognition.award_saved"));
      await loadPreview(ctx);
    });
  });
  $("recog-rules").addEventListener("submit", (event) => {
    event.preventDefault();
    run(async () => {
      const body = Object.fromEntries(RULES.map((r) => [r, Number($(`rule-${r}`).value)]));
      await ctx.call("PUT", `${base(ctx)}/recognition/rules`, body);
      ctx.notify(ctx.t("recognition.rules_saved"));
      await loadPreview(ctx);
    });
  });
  $("recog-history").addEventListener("click", (event) => {
    const item = event.target.closest("li[data-month]");
    if (item) run(() => showPublished(ctx, item.dataset.month));
  });
}

export default {
  id: "recognition",
  label: "tab.recognition",
  dictionaries: {
    en: {
      "tab.recognition": "Recognition",
      "recognition.title": "Monthly recognition",
      "recognition.month": "Month",
      "recognition.preview": "Show",
      "recognition.publish": "Publish",
      "recognition.publish_again": "Publish again",
      "recognition.preview_state": "{month} as it stands (through {through}), not published yet.",
      "recognition.preview_published": "{month} as it stands now (through {through}); already published — see the months published.",
      "recognition.as_published": "{month} as published by {by} on {at}.",
      "recognition.published_done": "The results of {month} are published to the team's desktops.",
      "recognition.leaderboard": "Leaderboard (five-KPI composite)",
      "recognition.place": "Place",
      "recognition.agent": "Agent",
      "recognition.composite": "Composite",
      "recognition.kpi.calls_per_hour": "Calls/h",
      "recognition.kpi.avg_talk_s": "Talk",
      "recognition.kpi.fcr_rate": "FCR",
      "recognition.kpi.satisfaction": "Satisfaction",
      "recognition.kpi.utilisation": "Utilisation",
      "recognition.award_col": "Award",
      "recognition.award.top": "Rewarded",
      "recognition.award.bottom": "Contributes",
      "recognition.nobody": "Nobody ranked: no calls this month.",
      "recognition.unranked": "Not ranked (none of the five KPIs): {names}",
      "recognition.squads": "Squad competition (PK)",
      "recognition.squad": "Squad",
      "recognition.discipline": "Discipline",
      "recognition.absences": "Absences",
      "recognition.late_days": "Late days",
      "recognition.skips": "Skipped activities",
      "recognition.total": "Total",
      "recognition.winner": "Winner",
      "recognition.no_squads": "The team has no squads.",
      "recognition.improved": "Most improved",
      "recognition.improved_period": "{before} against {first} to {last}.",
      "recognition.before": "Last month",
      "recognition.after": "First half",
      "recognition.gain": "Gain",
      "recognition.nobody_improved": "Nobody has calls in both periods.",
      "recognition.trainer": "Best trainer (members' votes)",
      "recognition.trainer_col": "Trainer",
      "recognition.votes": "Votes",
      "recognition.no_trainers": "The team has no trainers.",
      "recognition.award": "Contribution award",
      "recognition.award_is": "{name}: {reason} (nominated by {by})",
      "recognition.award_none": "Nobody nominated yet.",
      "recognition.award_agent": "Member",
      "recognition.award_reason": "Why: e.g. which laggards they lifted and how",
      "recognition.award_save": "Nominate",
      "recognition.award_saved": "Contribution award saved.",
      "recognition.award_reason_needed": "Write the reason for the award first.",
      "recognition.rules": "The team's rules",
      "recognition.rule.top_n": "Places rewarded",
      "recognition.rule.bottom_n": "Bottom places contributing",
      "recognition.rule.absence_points": "Points per absence",
      "recognition.rule.late_points": "Points per late day",
      "recognition.rule.skip_points": "Points per skipped activity",
      "recognition.rules_save": "Save rules",
      "recognition.rules_saved": "Rules saved.",
      "recognition.history": "Months published",
      "recognition.history_item": "{month}: published by {by} on {at}",
      "recognition.history_none": "Nothing published yet.",
    },
    zh: {
      "tab.recognition": "评比表彰",
      "recognition.title": "月度评比",
      "recognition.month": "月份",
      "recognition.preview": "查看",
      "recognition.publish": "发布",
      "recognition.publish_again": "重新发布",
      "recognition.preview_state": "{month} 当前结果（截至 {through}），尚未发布。",
      "recognition.preview_published": "{month} 当前结果（截至 {through}）；已发布——见已发布月份。",
      "recognition.as_published": "{month}，由 {by} 于 {at} 发布。",
      "recognition.published_done": "{month} 的评比结果已发布到班组桌面。",
      "recognition.leaderboard": "个人排行榜（五项KPI综合分）",
      "recognition.place": "名次",
      "recognition.agent": "坐席",
      "recognition.composite": "综合分",
      "recognition.kpi.calls_per_hour": "时CALL",
      "recognition.kpi.avg_talk_s": "通话均长",
      "recognition.kpi.fcr_rate": "首问解决",
      "recognition.kpi.satisfaction": "满意度",
      "recognition.kpi.utilisation": "工时利用率",
      "recognition.award_col": "奖惩",
      "recognition.award.top": "奖励",
      "recognition.award.bottom": "出奖金",
      "recognition.nobody": "本月无人上榜：没有通话。",
      "recognition.unranked": "未排名（五项KPI均无数据）：{names}",
      "recognition.squads": "小组PK",
      "recognition.squad": "小组",
      "recognition.discipline": "纪律分",
      "recognition.absences": "缺勤",
      "recognition.late_days": "迟到天数",
      "recognition.skips": "缺席活动",
      "recognition.total": "总分",
      "recognition.winner": "获胜",
      "recognition.no_squads": "本班组没有小组。",
      "recognition.improved": "进步奖",
      "recognition.improved_period": "{before} 对比 {first} 至 {last}。",
      "recognition.before": "上月",
      "recognition.after": "本月上半月",
      "recognition.gain": "提升",
      "recognition.nobody_improved": "没有人在两个时段都有通话。",
      "recognition.trainer": "最佳培训师（组员投票）",
      "recognition.trainer_col": "培训师",
      "recognition.votes": "票数",
      "recognition.no_trainers": "本班组没有培训师。",
      "recognition.award": "个人贡献奖",
      "recognition.award_is": "{name}：{reason}（由 {by} 提名）",
      "recognition.award_none": "尚未提名。",
      "recognition.award_agent": "组员",
      "recognition.award_reason": "理由：例如帮扶了哪些后进同事、怎么帮的",
      "recognition.award_save": "提名",
      "recognition.award_saved": "个人贡献奖已保存。",
      "recognition.award_reason_needed": "请先填写提名理由。",
      "recognition.rules": "班组规则",
      "recognition.rule.top_n": "奖励名额",
      "recognition.rule.bottom_n": "末位出奖金名额",
      "recognition.rule.absence_points": "每次缺勤扣分",
      "recognition.rule.late_points": "每个迟到日扣分",
      "recognition.rule.skip_points": "每次缺席活动扣分",
      "recognition.rules_save": "保存规则",
      "recognition.rules_saved": "规则已保存。",
      "recognition.history": "已发布月份",
      "recognition.history_item": "{month}：由 {by} 于 {at} 发布",
      "recognition.history_none": "尚未发布任何结果。",
    },
  },
  mount(panel, ctx) {
    build(panel, ctx);
    view.month = previousMonth(ctx.thisMonth());
    ctx.$("recog-month").value = view.month;
    wire(ctx);
  },
  async show(ctx) {
    await Promise.all([loadPreview(ctx), loadRules(ctx)]);
  },
};
