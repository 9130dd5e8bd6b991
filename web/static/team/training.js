// The team page's "Training" tab (docs/teams.md, "Coaching and development"):
// - a month's training plan: the members' requests it takes (a request made on or before the
//   25th goes into next month's plan, later ones into the month after), the team's trainers and
//   the sessions that month (GET /api/v1/training/plan?team=&month=);
// - planning a session, from chosen requests or ad hoc for a new product
//   (POST /api/v1/training/sessions), and taking attendance (POST .../sessions/{id}/attendance);
// - the members' innovation suggestions, moved on with a note (GET /api/v1/training/suggestions,
//   POST /api/v1/training/suggestions/{id}/review).

const STATUSES = ["new", "under_review", "adopted", "declined"];
const view = { plan: null, members: [], suggestions: [] };

function nextMonth(month) {
  const [y, m] = month.split("-").map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
}

// "Name (id)" of an agent among view.members (ctx.memberName); bound when the tab is mounted.
let nameOf = (id) => id;

async function loadMembers(ctx) {
  view.members = await ctx.teamMembers();
}

// ---------------------------------------------------------------- the plan

function renderPlan(ctx) {
  const { el, t } = ctx;
  const p = view.plan;
  ctx.$("training-trainers").textContent = p.trainers.length
    ? t("training.trainers", { trainers: p.trainers.map(nameOf).join(", ") })
    : t("training.no_trainers");
  const trainer = ctx.$("training-trainer");
  trainer.replaceChildren(...p.trainers.map((a) => el("option", { value: a, text: nameOf(a) })));
  const body = ctx.$("training-requests");
  body.replaceChildren(...(p.requests.length ? p.requests.map((r) =>
    el("tr", { "data-request-id": r.id },
      el("td", {}, r.session_id ? null : el("input", { type: "checkbox", value: String(r.id), "aria-label": t("training.pick") })),
      el("td", { text: nameOf(r.agent_id) }),
      el("td", { text: r.topic }),
      el("td", { class: "small", text: r.why }),
      el("td", { class: "nowrap", text: r.requested_on }),
      el("td", { text: r.session_id ? t("training.in_session", { id: r.session_id }) : t("training.unplanned") })))
    : [el("tr", {}, el("td", { colSpan: 6, class: "idle", text: t("training.no_requests") }))]));
  renderSessions(ctx);
}

function renderSessions(ctx) {
  const { el, t } = ctx;
  const box = ctx.$("training-sessions");
  const sessions = view.plan.sessions;
  if (!sessions.length) return box.replaceChildren(el("p", { class: "idle", text: t("training.no_sessions") }));
  box.replaceChildren(...sessions.map((s) => {
    const marks = new Map(s.attendance.map((a) => [a.agent_id, a.present]));
    const present = s.attendance.filter((a) => a.present).length;
    return el("div", { class: "squad", "data-session-id": s.id },
      el("h3", {}, el("span", { text: `${s.day} · ${s.topic}` }),
        el("span", { class: "pill", text: t(`training.kind.${s.kind}`) }),
        el("span", { class: "muted small", text: t("training.by", { trainer: nameOf(s.trainer), present, total: s.attendance.length }) })),
      el("table", {}, el("tbody", {}, ...view.members.map((m) => {
        const mark = marks.get(m.id);
        const button = (isPresent) => {
          const b = el("button", { type: "button", class: mark === isPresent ? "primary" : "", "data-present": String(isPresent),
            text: t(isPresent ? "training.present" : "training.absent") });
          b.addEventListener("click", () => attend(ctx, s.id, m.id, isPresent));
          return b;
        };
        return el("tr", { "data-agent-id": m.id }, el("td", { text: nameOf(m.id) }), el("td", {}, el("div", { class: "row" }, button(true), button(false))));
      }))));
  }));
}

async function attend(ctx, sessionId, agent, present) {
  try {
    await ctx.call("POST", `/api/v1/training/sessions/${sessionId}/attendance`, present ? { present: [agent] } : { absent: [agent] });
    await loadPlan(ctx);
  } catch (error) {
    ctx.fail(error);
  }
}

async function planSession(ctx) {
  const $ = ctx.$;
  const kind = $("training-kind").value;
  const requests = kind === "planned"
    ? [...$("training-requests").querySelectorAll("input:checked")].map((x) => Number(x.value)) : [];
  const body = { team: ctx.team, kind, trainer: $("training-trainer").value, day: $("training-day").value, topic: $("training-topic").value, requests };
  if (!body.trainer) return ctx.fail(ctx.t("training.need_trainer"));
  if (!body.day || !body.topic.trim()) return ctx.fail(ctx.t("training.need_day_topic"));
  try {
    const s = await ctx.call("POST", "/api/v1/training/sessions", body);
    ctx.notify(ctx.t("training.session_saved", { id: s.id }));
    $("training-topic").value = "";
    if (s.day.slice(0, 7) !== view.plan.month) $("training-month").value = s.day.slice(0, 7);
    await loadPlan(ctx);
  } catch (error) {
    ctx.fail(error);
  }
}

async function loadPlan(ctx) {
  const month = ctx.$("training-month").value || nextMonth(ctx.thisMonth());
  view.plan = await ctx.call("GET", `/api/v1/training/plan?team=${encodeURIComponent(ctx.team)}&month=${month}`);
  renderPlan(ctx);
}

// ---------------------------------------------------------------- suggestions

function renderSuggestions(ctx) {
  const { el, t } = ctx;
  const body = ctx.$("training-suggestions");
  if (!view.suggestions.length) {
    return body.replaceChildren(el("tr", {}, el("td", { colSpan: 5, class: "idle", text: t("training.no_suggestions") })));
  }
  body.replaceChildren(...view.suggestions.map((s) => {
    const status = el("select", { "aria-label": t("training.status") },
      ...STATUSES.slice(1).map((x) => el("option", { value: x, text: t(`training.status.${x}`) })));
    const note = el("input", { type: "text", placeholder: t("training.note"), "aria-label": t("training.note") });
    const save = el("button", { type: "button", text: t("training.decide") });
    save.addEventListener("click", async () => {
      try {
        await ctx.call("POST", `/api/v1/training/suggestions/${s.id}/review`, { status: status.value, note: note.value });
        ctx.notify(t("training.decided", { id: s.id }));
        await loadSuggestions(ctx);
      } catch (error) {
        ctx.fail(error);
      }
    });
    return el("tr", { "data-suggestion-id": s.id },
      el("td", { text: `${nameOf(s.agent_id)}${s.squad ? ` · ${s.squad}` : ""}` }),
      el("td", {}, el("b", { text: s.title }), el("div", { class: "small", text: s.text })),
      el("td", { "data-testid": "status", text: t(`training.status.${s.status}`) }),
      el("td", { class: "small", text: s.note ? `${s.note} (${s.reviewed_by})` : t("none") }),
      el("td", {}, el("div", { class: "row" }, status, note, save)));
  }));
}

async function loadSuggestions(ctx) {
  view.suggestions = (await ctx.call("GET", `/api/v1/training/suggestions?team=${encodeURIComponent(ctx.team)}`)) || [];
  renderSuggestions(ctx);
}

export default {
  id: "training",
  label: "tab.training",
  dictionaries: {
    en: {
      "tab.training": "Training",
      "training.plan.title": "Training plan",
      "training.month": "Plan month",
      "training.show": "Show",
      "training.rule": "Requests made on or before the 25th go into next month's plan; later ones into the month after.",
      "training.trainers": "Trainers: {trainers}",
      "training.no_trainers": "The team has no trainer: give a member the trainer role on the Team tab or with 'branchline team role add'.",
      "training.requests": "Requests in this plan",
      "training.pick": "Take into the session",
      "training.agent": "Member",
      "training.topic": "Topic",
      "training.why": "Why",
      "training.asked": "Asked on",
      "training.session": "Session",
      "training.in_session": "session {id}",
      "training.unplanned": "not planned yet",
      "training.no_requests": "No requests for this month's plan.",
      "training.new_session": "Plan a session",
      "training.kind": "Kind",
      "training.kind.planned": "planned",
      "training.kind.adhoc": "ad hoc",
      "training.trainer": "Trainer",
      "training.day": "Day",
      "training.save_session": "Plan the session",
      "training.session_saved": "Training session {id} planned.",
      "training.need_trainer": "Choose the trainer (a member with the trainer role).",
      "training.need_day_topic": "Give the session a day and a topic.",
      "training.sessions": "Sessions this month and attendance",
      "training.no_sessions": "No sessions this month.",
      "training.by": "by {trainer} · {present} of {total} marked present",
      "training.present": "Present",
      "training.absent": "Absent",
      "training.suggestions": "Innovation suggestions",
      "training.no_suggestions": "No suggestions yet.",
      "training.status": "Status",
      "training.status.new": "new",
      "training.status.under_review": "under review",
      "training.status.adopted": "adopted",
      "training.status.declined": "declined",
      "training.note": "Note (why; required to adopt or decline)",
      "training.decide": "Save",
      "training.decided": "Suggestion {id} updated.",
      "training.suggestion": "Suggestion",
      "training.decision": "Note",
    },
    zh: {
      "tab.training": "培训",
      "training.plan.title": "培训计划",
      "training.month": "计划月份",
      "training.show": "查看",
      "training.rule": "每月 25 日（含）前提出的需求纳入下月计划，25 日之后的纳入再下一个月。",
      "training.trainers": "内训师：{trainers}",
      "training.no_trainers": "该班组还没有内训师：请在“班组”页签或用 'branchline team role add' 给成员分配内训师角色。",
      "training.requests": "本计划中的培训需求",
      "training.pick": "纳入本次培训",
      "training.agent": "成员",
      "training.topic": "主题",
      "training.why": "原因",
      "training.asked": "提出日期",
      "training.session": "培训场次",
      "training.in_session": "场次 {id}",
      "training.unplanned": "尚未安排",
      "training.no_requests": "本月计划没有培训需求。",
      "training.new_session": "安排培训",
      "training.kind": "类型",
      "training.kind.planned": "计划内",
      "training.kind.adhoc": "临时",
      "training.trainer": "内训师",
      "training.day": "日期",
      "training.save_session": "安排本场培训",
      "training.session_saved": "已安排培训场次 {id}。",
      "training.need_trainer": "请选择内训师（具有内训师角色的成员）。",
      "training.need_day_topic": "请填写培训日期和主题。",
      "training.sessions": "本月培训及出勤",
      "training.no_sessions": "本月没有培训。",
      "training.by": "内训师 {trainer} · 已记录出勤 {present}/{total}",
      "training.present": "出席",
      "training.absent": "缺席",
      "training.suggestions": "创新建议",
      "training.no_suggestions": "还没有建议。",
      "training.status": "状态",
      "training.status.new": "新提交",
      "training.status.under_review": "评估中",
      "training.status.adopted": "已采纳",
      "training.status.declined": "未采纳",
      "training.note": "说明（原因；采纳或不采纳时必填）",
      "training.decide": "保存",
      "training.decided": "已更新建议 {id}。",
      "training.suggestion": "建议",
      "training.decision": "说明",
    },
  },

  mount(panel, ctx) {
    nameOf = (id) => ctx.memberName(view.members, id);
    const { el, t } = ctx;
    const label = (id, key) => el("label", { for: id, "data-i18n": key, text: t(key) });
    const th = (key) => el("th", { "data-i18n": key, text: t(key) });
    panel.append(el("div", { class: "scroll" },
      el("div", { class: "panel" },
        el("div", { class: "toolbar" },
          el("h2", { "data-i18n": "training.plan.title", text: t("training.plan.title") }),
          label("training-month", "training.month"), el("input", { id: "training-month", type: "month" }),
          el("button", { type: "button", id: "training-show", "data-i18n": "training.show", text: t("training.show") })),
        el("p", { class: "small muted", "data-i18n": "training.rule", text: t("training.rule") }),
        el("p", { class: "small", id: "training-trainers" }),
        el("h3", { "data-i18n": "training.requests", text: t("training.requests") }),
        el("table", {},
          el("thead", {}, el("tr", {}, el("th", {}), th("training.agent"), th("training.topic"), th("training.why"), th("training.asked"), th("training.session"))),
          el("tbody", { id: "training-requests" })),
        el("h3", { "data-i18n": "training.new_session", text: t("training.new_session") }),
        el("div", { class: "row" },
          el("div", {}, label("training-kind", "training.kind"),
            el("select", { id: "training-kind" }, ...["planned", "adhoc"].map((k) => el("option", { value: k, "data-i18n": `training.kind.${k}`, text: t(`training.kind.${k}`) })))),
          el("div", {}, label("training-trainer", "training.trainer"), el("select", { id: "training-trainer" })),
          el("div", {}, label("training-day", "training.day"), el("input", { id: "training-day", type: "date" })),
          el("div", {}, label("training-topic", "training.topic"), el("input", { id: "training-topic", type: "text" })),
          el("div", {}, el("label", { text: "\u00a0" }), el("button", { type: "button", id: "training-save", class: "primary", "data-i18n": "training.save_session", text: t("training.save_session") })))),
      el("div", { class: "panel" },
        el("h2", { "data-i18n": "training.sessions", text: t("training.sessions") }),
        el("div", { id: "training-sessions" })),
      el("div", { class: "panel" },
        el("h2", { "data-i18n": "training.suggestions", text: t("training.suggestions") }),
        el("table", {},
          el("thead", {}, el("tr", {}, th("training.agent"), th("training.suggestion"), th("training.status"), th("training.decision"), el("th", {}))),
          el("tbody", { id: "training-suggestions" })))));
    ctx.$("training-show").addEventListener("click", () => loadPlan(ctx).catch((e) => ctx.fail(e)));
    ctx.$("training-save").addEventListener("click", () => planSession(ctx));
  },

  async show(ctx) {
    if (!ctx.$("training-month").value) ctx.$("training-month").value = nextMonth(ctx.thisMonth());
    await loadMembers(ctx);
    await Promise.all([loadPlan(ctx), loadSuggestions(ctx)]);
  },
};
