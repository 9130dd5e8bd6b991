// The team page's "Coaching" tab (docs/teams.md, "Coaching and development"):
// - the weekly rule: this week's one-on-one talks of the team leader, "N of 2, M more by Sunday",
//   the reminder the daily run made, who was talked with least recently, the weeks missed
//   (GET /api/v1/coaching/week);
// - recording a talk with an agent, linked to their recordings (POST /api/v1/coaching; the
//   agent's recordings of the last 30 days from GET /api/v1/recordings?agent=);
// - the team's coaching records with the follow-up's outcome (GET /api/v1/coaching?team=,
//   POST /api/v1/coaching/{id}/outcome);
// - the month's three tiers from the composite KPI with each tier's approach (GET /api/v1/segments).

const RECENT_DAYS = 30; // recordings offered to link

const view = { members: [], records: [], weeks: [], recordings: [], segments: null, month: null };

function addDays(day, n) {
  const d = new Date(`${day}T12:00:00`);
  d.setDate(d.getDate() + n);
  const pad = (x) => String(x).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

// "Name (id)" of an agent among view.members (ctx.memberName); bound when the tab is mounted.
let nameOf = (id) => id;

async function loadMembers(ctx) {
  view.members = await ctx.teamMembers();
}

// ---------------------------------------------------------------- the weekly rule

function renderWeek(ctx) {
  const { el, t } = ctx;
  const box = ctx.$("coaching-week");
  if (!view.weeks.length) return box.replaceChildren(el("p", { class: "idle", text: t("coaching.week.no_leaders") }));
  box.replaceChildren(...view.weeks.map((w) => {
    const s = w.status;
    const line = s.met
      ? t("coaching.week.met", { n: s.agents.length, required: s.required })
      : t("coaching.week.short", { n: s.agents.length, required: s.required, more: s.short, sunday: s.last_day });
    const least = w.least_recent.slice(0, 5).map((m) =>
      `${nameOf(m.agent_id)} · ${m.last_talk || t("coaching.week.never")}`);
    return el("div", { class: "coaching-leader", "data-leader": w.leader, "data-count": s.agents.length, "data-met": String(s.met) },
      el("p", {},
        el("b", { text: `${w.leader} · ${s.week}: ` }),
        el("span", { class: s.met ? "" : "warn", "data-testid": "week-line", text: line })),
      s.agents.length ? el("p", { class: "small muted", text: t("coaching.week.talked", { agents: s.agents.map(nameOf).join(", ") }) }) : null,
      w.reminder ? el("p", { class: "warn small", "data-testid": "week-reminder", text: t("coaching.week.reminder", { day: w.reminder.created_at.slice(0, 10), n: w.reminder.agents, required: w.reminder.needed }) }) : null,
      least.length ? el("p", { class: "small", text: t("coaching.week.least", { agents: least.join("; ") }) }) : null,
      el("p", { class: "small muted", "data-testid": "week-missed", text: w.missed.length
        ? t("coaching.week.missed", { weeks: w.missed.map((m) => `${m.week} (${m.agents.length}/${m.required})`).join(", ") })
        : t("coaching.week.none_missed") }));
  }));
}

// ---------------------------------------------------------------- recording a talk

async function loadRecordings(ctx) {
  const agent = ctx.$("coaching-agent").value;
  view.recordings = [];
  if (agent) {
    const today = ctx.localDay();
    view.recordings = (await ctx.call("GET", ctx.withQuery
      ? ctx.withQuery("/api/v1/recordings", { agent, from: addDays(today, -RECENT_DAYS), to: today, limit: 50 })
      : `/api/v1/recordings?agent=${encodeURIComponent(agent)}`)) || [];
  }
  renderRecordings(ctx);
}

function renderRecordings(ctx) {
  const { el, t } = ctx;
  const box = ctx.$("coaching-recordings");
  if (!view.recordings.length) return box.replaceChildren(el("p", { class: "idle small", text: t("coaching.form.no_recordings") }));
  box.replaceChildren(...view.recordings.map((r) =>
    el("label", { class: "check", style: "display:flex;align-items:center;gap:6px;margin:2px 0;font-size:13px;color:inherit" },
      el("input", { type: "checkbox", value: String(r.id), "data-recording-id": r.id }),
      ` #${r.id} · ${(r.started_at || "").slice(0, 16).replace("T", " ")} UTC · ${r.caller} · ${Math.round(r.seconds || 0)} s`)));
}

function chosenRecordings(ctx) {
  const ids = [...ctx.$("coaching-recordings").querySelectorAll("input:checked")].map((x) => Number(x.value));
  const typed = ctx.$("coaching-recording-ids").value.split(/[\s,，]+/).filter(Boolean);
  for (const text of typed) {
    if (!/^\d+$/.test(text)) throw ctx.t("coaching.form.bad_id", { id: text });
    ids.push(Number(text));
  }
  return [...new Set(ids)];
}

async function saveTalk(ctx) {
  const $ = ctx.$;
  let recordings;
  try {
    recordings = chosenRecordings(ctx);
  } catch (message) {
    return ctx.fail(message);
  }
  const body = {
    agent_id: $("coaching-agent").value,
    day: $("coaching-day").value || undefined,
    recordings,
    keep: $("coaching-keep").value,
    improve: $("coaching-improve").value,
    actions: $("coaching-actions").value,
    follow_up_on: $("coaching-follow-up").value || undefined,
  };
  if (!body.agent_id) return ctx.fail(ctx.t("coaching.form.pick_agent"));
  if (![body.keep, body.improve, body.actions].every((x) => x.trim())) return ctx.fail(ctx.t("coaching.form.fill"));
  const button = $("coaching-save");
  button.disabled = true;
  try {
    const record = await ctx.call("POST", "/api/v1/coaching", body);
    ctx.notify(ctx.t("coaching.form.saved", { id: record.id, agent: nameOf(record.agent_id) }));
    for (const id of ["coaching-keep", "coaching-improve", "coaching-actions", "coaching-recording-ids", "coaching-follow-up"]) $(id).value = "";
    await reload(ctx);
  } catch (error) {
    ctx.fail(error);
  } finally {
    button.disabled = false;
  }
}

// ---------------------------------------------------------------- the records

function renderRecords(ctx) {
  const { el, t } = ctx;
  const body = ctx.$("coaching-records");
  if (!view.records.length) {
    return body.replaceChildren(el("tr", {}, el("td", { colSpan: 8, class: "idle", text: t("coaching.records.none") })));
  }
  body.replaceChildren(...view.records.map((r) =>
    el("tr", { "data-record-id": r.id },
      el("td", { class: "nowrap", text: r.day }),
      el("td", { text: nameOf(r.agent_id) }),
      el("td", { text: r.leader }),
      el("td", { class: "small" },
        el("div", {}, el("b", { text: `${t("coaching.keep")}: ` }), r.keep),
        el("div", {}, el("b", { text: `${t("coaching.improve")}: ` }), r.improve),
        el("div", {}, el("b", { text: `${t("coaching.actions")}: ` }), r.actions)),
      el("td", { class: "small", text: r.recordings.length ? r.recordings.map((x) => `#${x}`).join(", ") : t("none") }),
      el("td", { class: "nowrap", text: r.follow_up_on || t("none") }),
      el("td", { class: "small" }, outcomeCell(ctx, r)),
      el("td", { class: "small", "data-testid": "acknowledged", text: r.acknowledged_at ? t("coaching.records.acked") : t("coaching.records.not_acked") }))));
}

function outcomeCell(ctx, r) {
  const { el, t } = ctx;
  const input = el("input", { type: "text", class: "outcome-input", placeholder: t("coaching.outcome.placeholder"), "aria-label": t("coaching.outcome") });
  const save = el("button", { type: "button", class: "btn-outcome", text: t("coaching.outcome.save") });
  save.addEventListener("click", async () => {
    if (!input.value.trim()) return ctx.fail(t("coaching.outcome.empty"));
    save.disabled = true;
    try {
      await ctx.call("POST", `/api/v1/coaching/${r.id}/outcome`, { outcome: input.value });
      ctx.notify(t("coaching.outcome.saved", { id: r.id }));
      await reload(ctx);
    } catch (error) {
      ctx.fail(error);
    } finally {
      save.disabled = false;
    }
  });
  return el("div", {}, r.outcome ? el("div", { class: "outcome", text: r.outcome }) : null, el("div", { class: "row" }, input, save));
}

// ---------------------------------------------------------------- segmentation

function renderSegments(ctx) {
  const { el, t } = ctx;
  const box = ctx.$("segments");
  const s = view.segments;
  if (!s) return box.replaceChildren();
  const lang = ctx.lang ? ctx.lang() : "en";
  box.replaceChildren(
    el("table", {},
      el("thead", {}, el("tr", {}, el("th", { text: t("segments.tier") }), el("th", { text: t("segments.agents") }), el("th", { text: t("segments.approach") }))),
      el("tbody", {}, ...s.tiers.map((tier) =>
        el("tr", { "data-tier": tier.tier },
          el("td", { class: "strong nowrap", text: tier.name[lang] || tier.name.en }),
          el("td", { text: tier.agents.length ? tier.agents.map((a) => `${nameOf(a.agent_id)} ${a.score}`).join(", ") : t("none") }),
          el("td", { class: "small", text: tier.approach[lang] || tier.approach.en }))))),
    el("p", { class: "small muted", "data-testid": "unscored", text: s.unscored.length
      ? t("segments.unscored", { agents: s.unscored.map((a) => nameOf(a.agent_id)).join(", ") })
      : t("segments.all_scored") }),
    el("p", { class: "small muted", text: t("segments.rule") }),
  );
}

async function loadSegments(ctx) {
  view.month = ctx.$("segments-month").value || ctx.thisMonth();
  view.segments = await ctx.call("GET", `/api/v1/segments?team=${encodeURIComponent(ctx.team)}&month=${view.month}`);
  renderSegments(ctx);
}

// ---------------------------------------------------------------- loading

async function reload(ctx) {
  const team = encodeURIComponent(ctx.team);
  const [records, weeks] = await Promise.all([
    ctx.call("GET", `/api/v1/coaching?team=${team}`),
    ctx.call("GET", `/api/v1/coaching/week?team=${team}`),
  ]);
  view.records = records || [];
  view.weeks = weeks || [];
  renderWeek(ctx);
  renderRecords(ctx);
}

function renderAgents(ctx) {
  const select = ctx.$("coaching-agent");
  const kept = select.value;
  select.replaceChildren(ctx.el("option", { value: "", text: ctx.t("coaching.form.choose") }),
    ...view.members.map((m) => ctx.el("option", { value: m.id, text: nameOf(m.id) })));
  if (view.members.some((m) => m.id === kept)) select.value = kept;
}

export default {
  id: "coaching",
  label: "tab.coaching",
  dictionaries: {
    en: {
      "tab.coaching": "Coaching",
      "coaching.week.title": "The weekly rule: one-on-one talks with at least 2 agents every week",
      "coaching.week.met": "this week {n} of {required}: the rule is met",
      "coaching.week.short": "this week {n} of {required}, {more} more by Sunday {sunday}",
      "coaching.week.talked": "Talked with: {agents}",
      "coaching.week.reminder": "Reminder ({day}): still {n} of {required} agents this week.",
      "coaching.week.least": "Talked with least recently: {agents}",
      "coaching.week.never": "never",
      "coaching.week.missed": "Weeks missed: {weeks}",
      "coaching.week.none_missed": "No weeks missed in the last 12.",
      "coaching.week.no_leaders": "This team has no team leader.",
      "coaching.form.title": "Record a one-on-one talk",
      "coaching.form.agent": "Agent",
      "coaching.form.choose": "Choose an agent…",
      "coaching.form.day": "Day of the talk",
      "coaching.form.recordings": "Recordings gone through (the agent's last 30 days)",
      "coaching.form.recording_ids": "Other recording numbers (comma-separated)",
      "coaching.form.no_recordings": "No recordings of this agent in the last 30 days.",
      "coaching.form.follow_up": "Follow up on",
      "coaching.form.save": "Save the talk",
      "coaching.form.saved": "Coaching record {id} saved for {agent}.",
      "coaching.form.pick_agent": "Choose the agent you talked with.",
      "coaching.form.fill": "Write what to keep, what to improve and the agreed actions.",
      "coaching.form.bad_id": "\"{id}\" is not a recording number: write numbers like 12, 15.",
      "coaching.keep": "Keep",
      "coaching.improve": "Improve",
      "coaching.actions": "Agreed actions",
      "coaching.records.title": "Coaching records",
      "coaching.records.day": "Day",
      "coaching.records.agent": "Agent",
      "coaching.records.leader": "Held by",
      "coaching.records.talk": "The talk",
      "coaching.records.recordings": "Recordings",
      "coaching.records.follow_up": "Follow up",
      "coaching.records.outcome": "Outcome",
      "coaching.records.ack": "Agent",
      "coaching.records.none": "No coaching records yet.",
      "coaching.records.acked": "acknowledged",
      "coaching.records.not_acked": "not yet read",
      "coaching.outcome": "Outcome of the follow-up",
      "coaching.outcome.placeholder": "Outcome of the follow-up",
      "coaching.outcome.save": "Save",
      "coaching.outcome.saved": "Outcome saved for record {id}.",
      "coaching.outcome.empty": "Write the follow-up's outcome first.",
      "segments.title": "Segmentation by the composite KPI",
      "segments.month": "Month",
      "segments.show": "Show",
      "segments.tier": "Tier",
      "segments.agents": "Agents (composite 0–500)",
      "segments.approach": "Coaching approach",
      "segments.unscored": "Unscored (no KPI data this month): {agents}",
      "segments.all_scored": "Every agent has KPI data this month.",
      "segments.rule": "Top 25 % front-runners, bottom 10 % most room to grow (each at least one from 3 scored agents, rounded half up), the rest the solid middle; equal scores at a cut stay together in the better tier.",
    },
    zh: {
      "tab.coaching": "辅导",
      "coaching.week.title": "每周规则：每周至少与 2 名坐席一对一面谈",
      "coaching.week.met": "本周 {n}/{required}：已达标",
      "coaching.week.short": "本周 {n}/{required}，周日 {sunday} 前还需 {more} 名",
      "coaching.week.talked": "已面谈：{agents}",
      "coaching.week.reminder": "提醒（{day}）：本周仍只有 {n}/{required} 名坐席。",
      "coaching.week.least": "最久未面谈：{agents}",
      "coaching.week.never": "从未",
      "coaching.week.missed": "未达标的周：{weeks}",
      "coaching.week.none_missed": "最近 12 周均已达标。",
      "coaching.week.no_leaders": "该班组没有班长。",
      "coaching.form.title": "记录一对一面谈",
      "coaching.form.agent": "坐席",
      "coaching.form.choose": "选择坐席…",
      "coaching.form.day": "面谈日期",
      "coaching.form.recordings": "面谈中听过的录音（该坐席最近 30 天）",
      "coaching.form.recording_ids": "其他录音编号（逗号分隔）",
      "coaching.form.no_recordings": "该坐席最近 30 天没有录音。",
      "coaching.form.follow_up": "跟进日期",
      "coaching.form.save": "保存面谈",
      "coaching.form.saved": "已为 {agent} 保存辅导记录 {id}。",
      "coaching.form.pick_agent": "请选择面谈的坐席。",
      "coaching.form.fill": "请填写保持项、改进项和约定的行动。",
      "coaching.form.bad_id": "“{id}”不是录音编号：请填写数字，如 12, 15。",
      "coaching.keep": "保持",
      "coaching.improve": "改进",
      "coaching.actions": "约定行动",
      "coaching.records.title": "辅导记录",
      "coaching.records.day": "日期",
      "coaching.records.agent": "坐席",
      "coaching.records.leader": "面谈人",
      "coaching.records.talk": "面谈内容",
      "coaching.records.recordings": "录音",
      "coaching.records.follow_up": "跟进",
      "coaching.records.outcome": "跟进结果",
      "coaching.records.ack": "坐席",
      "coaching.records.none": "还没有辅导记录。",
      "coaching.records.acked": "已确认",
      "coaching.records.not_acked": "未读",
      "coaching.outcome": "跟进结果",
      "coaching.outcome.placeholder": "跟进结果",
      "coaching.outcome.save": "保存",
      "coaching.outcome.saved": "已保存记录 {id} 的跟进结果。",
      "coaching.outcome.empty": "请先填写跟进结果。",
      "segments.title": "按综合指标分层",
      "segments.month": "月份",
      "segments.show": "查看",
      "segments.tier": "层级",
      "segments.agents": "坐席（综合分 0–500）",
      "segments.approach": "辅导方式",
      "segments.unscored": "未评分（本月无指标数据）：{agents}",
      "segments.all_scored": "本月每位坐席都有指标数据。",
      "segments.rule": "前 25% 为领跑者，后 10% 为重点帮扶（有 3 名及以上评分坐席时每层至少 1 人，四舍五入），其余为稳定中坚；分界处同分者一同归入较好的一层。",
    },
  },

  mount(panel, ctx) {
    nameOf = (id) => ctx.memberName(view.members, id);
    const { el, t } = ctx;
    const text = (id, key) => [el("label", { for: id, "data-i18n": key, text: t(key) }), el("textarea", { id, rows: 2 })];
    panel.append(el("div", { class: "scroll" },
      el("div", { class: "panel", id: "coaching-week-panel" },
        el("h2", { "data-i18n": "coaching.week.title", text: t("coaching.week.title") }),
        el("div", { id: "coaching-week" })),
      el("form", { class: "panel", id: "coaching-form" },
        el("h2", { "data-i18n": "coaching.form.title", text: t("coaching.form.title") }),
        el("div", { class: "row" },
          el("div", {}, el("label", { for: "coaching-agent", "data-i18n": "coaching.form.agent", text: t("coaching.form.agent") }), el("select", { id: "coaching-agent" })),
          el("div", {}, el("label", { for: "coaching-day", "data-i18n": "coaching.form.day", text: t("coaching.form.day") }), el("input", { id: "coaching-day", type: "date" })),
          el("div", {}, el("label", { for: "coaching-follow-up", "data-i18n": "coaching.form.follow_up", text: t("coaching.form.follow_up") }), el("input", { id: "coaching-follow-up", type: "date" }))),
        el("label", { "data-i18n": "coaching.form.recordings", text: t("coaching.form.recordings") }),
        el("div", { id: "coaching-recordings" }),
        el("label", { for: "coaching-recording-ids", "data-i18n": "coaching.form.recording_ids", text: t("coaching.form.recording_ids") }),
        el("input", { id: "coaching-recording-ids", type: "text", inputMode: "numeric" }),
        ...text("coaching-keep", "coaching.keep"),
        ...text("coaching-improve", "coaching.improve"),
        ...text("coaching-actions", "coaching.actions"),
        el("div", { class: "row" }, el("button", { type: "submit", id: "coaching-save", class: "primary", "data-i18n": "coaching.form.save", text: t("coaching.form.save") }))),
      el("div", { class: "panel" },
        el("h2", { "data-i18n": "coaching.records.title", text: t("coaching.records.title") }),
        el("table", {},
          el("thead", {}, el("tr", {}, ...["day", "agent", "leader", "talk", "recordings", "follow_up", "outcome", "ack"].map((k) =>
            el("th", { "data-i18n": `coaching.records.${k}`, text: t(`coaching.records.${k}`) })))),
          el("tbody", { id: "coaching-records" }))),
      el("div", { class: "panel" },
        el("div", { class: "toolbar" },
          el("h2", { "data-i18n": "segments.title", text: t("segments.title") }),
          el("label", { for: "segments-month", "data-i18n": "segments.month", text: t("segments.month") }),
          el("input", { id: "segments-month", type: "month" }),
          el("button", { type: "button", id: "segments-show", "data-i18n": "segments.show", text: t("segments.show") })),
        el("div", { id: "segments" }))));
    ctx.$("coaching-form").addEventListener("submit", (event) => {
      event.preventDefault();
      saveTalk(ctx);
    });
    ctx.$("coaching-agent").addEventListener("change", () => loadRecordings(ctx).catch((e) => ctx.fail(e)));
    ctx.$("segments-show").addEventListener("click", () => loadSegments(ctx).catch((e) => ctx.fail(e)));
  },

  async show(ctx) {
    ctx.$("coaching-day").max = ctx.localDay();
    if (!ctx.$("coaching-day").value) ctx.$("coaching-day").value = ctx.localDay();
    if (!ctx.$("segments-month").value) ctx.$("segments-month").value = ctx.thisMonth();
    await loadMembers(ctx);
    renderAgents(ctx);
    await Promise.all([reload(ctx), loadRecordings(ctx), loadSegments(ctx)]);
  },
};
