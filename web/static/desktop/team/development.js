// My team → "Development" on the agent desktop (docs/teams.md, "Coaching and development"):
// - my coaching records (GET /api/v1/coaching answers an agent with their own), each with what to
//   keep, what to improve, the agreed actions, the recordings gone through, the follow-up, and an
//   Acknowledge button (POST /api/v1/coaching/{id}/acknowledge);
// - my training requests with the plan month each goes into, a form for a new one
//   (GET|POST /api/v1/training/requests), and my team's training sessions (GET /api/v1/training/sessions);
// - my innovation suggestions and a form for a new one (GET|POST /api/v1/training/suggestions); a
//   squad leader also sees their squad's and moves them on (POST .../suggestions/{id}/review).
// Badge: coaching records I have not acknowledged yet, plus (a squad leader) my squad's new suggestions.

const STATUSES = ["under_review", "adopted", "declined"];
const data = { records: [], requests: [], sessions: [], suggestions: [] };

const unacknowledged = () => data.records.filter((r) => !r.acknowledged_at);
// A squad leader's squad's suggestions still new: waiting for them to take up.
const toDecide = (ctx) => data.suggestions.filter((s) => s.agent_id !== ctx.me?.agent_id && s.status === "new");

async function load(ctx) {
  const [records, requests, sessions, suggestions] = await Promise.all([
    ctx.call("GET", "/api/v1/coaching"),
    ctx.call("GET", "/api/v1/training/requests"),
    ctx.me?.team ? ctx.call("GET", "/api/v1/training/sessions") : Promise.resolve([]),
    ctx.call("GET", "/api/v1/training/suggestions"),
  ]);
  data.records = records || [];
  data.requests = requests || [];
  data.sessions = sessions || [];
  data.suggestions = suggestions || [];
}

// ---------------------------------------------------------------- coaching records

function renderRecords(ctx) {
  const { el, t } = ctx;
  const box = ctx.$("dev-records");
  if (!data.records.length) return box.replaceChildren(el("p", { class: "idle", text: t("myteam.dev.no_records") }));
  box.replaceChildren(...data.records.map((r) => {
    const ack = el("button", { type: "button", class: "primary btn-ack-coaching", text: t("myteam.dev.acknowledge") });
    ack.addEventListener("click", async () => {
      ack.disabled = true;
      try {
        await ctx.call("POST", `/api/v1/coaching/${r.id}/acknowledge`);
        ctx.notify(t("myteam.dev.acknowledged_now"));
        await refresh(ctx);
        ctx.refreshBadge?.();
      } catch (error) {
        ack.disabled = false;
        ctx.fail(error);
      }
    });
    const line = (key, text) => el("div", {}, el("b", { text: `${t(key)}: ` }), text);
    return el("div", { class: "coaching-record", "data-record-id": r.id, "data-acknowledged": String(Boolean(r.acknowledged_at)),
      style: "margin-bottom:10px;padding-bottom:8px;border-bottom:1px solid var(--line, #e3e8ee)" },
      el("h3", { text: t("myteam.dev.talk", { day: r.day, leader: r.leader }) }),
      line("myteam.dev.keep", r.keep),
      line("myteam.dev.improve", r.improve),
      line("myteam.dev.actions", r.actions),
      r.recordings.length ? line("myteam.dev.recordings", r.recordings.map((x) => `#${x}`).join(", ")) : null,
      r.follow_up_on ? line("myteam.dev.follow_up", r.follow_up_on) : null,
      r.outcome ? el("div", { class: "note", text: `${t("myteam.dev.outcome")}: ${r.outcome}` }) : null,
      r.acknowledged_at
        ? el("p", { class: "muted small", text: t("myteam.dev.acknowledged", { when: r.acknowledged_at.slice(0, 16).replace("T", " ") }) })
        : el("div", { class: "row" }, ack));
  }));
}

// ---------------------------------------------------------------- training

function renderTraining(ctx) {
  const { el, t } = ctx;
  ctx.$("dev-requests").replaceChildren(...(data.requests.length ? data.requests.map((r) =>
    el("li", { "data-request-id": r.id, text: t("myteam.dev.request_line", { topic: r.topic, month: r.plan_month, day: r.requested_on })
      + (r.session_id ? ` · ${t("myteam.dev.planned", { id: r.session_id })}` : "") }))
    : [el("li", { class: "idle", text: t("myteam.dev.no_requests") })]));
  const today = ctx.localDay();
  const upcoming = data.sessions.filter((s) => s.day >= today).sort((a, b) => a.day.localeCompare(b.day));
  ctx.$("dev-sessions").replaceChildren(...(upcoming.length ? upcoming.map((s) =>
    el("li", { "data-session-id": s.id, text: t("myteam.dev.session_line", { day: s.day, topic: s.topic, trainer: s.trainer_name }) }))
    : [el("li", { class: "idle", text: t("myteam.dev.no_sessions") })]));
}

async function sendRequest(ctx) {
  const topic = ctx.$("dev-topic").value;
  const why = ctx.$("dev-why").value;
  if (!topic.trim() || !why.trim()) return ctx.fail(ctx.t("myteam.dev.request_fill"));
  try {
    const r = await ctx.call("POST", "/api/v1/training/requests", { topic, why });
    ctx.notify(ctx.t("myteam.dev.request_sent", { month: r.plan_month }));
    ctx.$("dev-topic").value = "";
    ctx.$("dev-why").value = "";
    await refresh(ctx);
  } catch (error) {
    ctx.fail(error);
  }
}

// ---------------------------------------------------------------- suggestions

function renderSuggestions(ctx) {
  const { el, t } = ctx;
  const mine = ctx.me?.agent_id;
  ctx.$("dev-suggestions").replaceChildren(...(data.suggestions.length ? data.suggestions.map((s) => {
    const own = s.agent_id === mine;
    let review = null;
    if (!own) { // my squad's: I am their squad leader
      const status = el("select", { "aria-label": t("myteam.dev.status") },
        ...STATUSES.map((x) => el("option", { value: x, text: t(`myteam.dev.status.${x}`) })));
      const note = el("input", { type: "text", placeholder: t("myteam.dev.note"), "aria-label": t("myteam.dev.note") });
      const save = el("button", { type: "button", text: t("myteam.dev.decide") });
      save.addEventListener("click", async () => {
        try {
          await ctx.call("POST", `/api/v1/training/suggestions/${s.id}/review`, { status: status.value, note: note.value });
          await refresh(ctx);
        } catch (error) {
          ctx.fail(error);
        }
      });
      review = el("div", { class: "row" }, status, note, save);
    }
    return el("li", { "data-suggestion-id": s.id },
      el("b", { text: s.title }),
      ` · ${own ? "" : `${s.agent_name} · `}${t(`myteam.dev.status.${s.status}`)}`,
      s.note ? el("div", { class: "note", text: s.note }) : null,
      review);
  }) : [el("li", { class: "idle", text: t("myteam.dev.no_suggestions") })]));
}

async function sendSuggestion(ctx) {
  const title = ctx.$("dev-s-title").value;
  const text = ctx.$("dev-s-text").value;
  if (!title.trim() || !text.trim()) return ctx.fail(ctx.t("myteam.dev.suggestion_fill"));
  try {
    await ctx.call("POST", "/api/v1/training/suggestions", { title, text });
    ctx.notify(ctx.t("myteam.dev.suggestion_sent"));
    ctx.$("dev-s-title").value = "";
    ctx.$("dev-s-text").value = "";
    await refresh(ctx);
  } catch (error) {
    ctx.fail(error);
  }
}

async function refresh(ctx) {
  await load(ctx);
  renderRecords(ctx);
  renderTraining(ctx);
  renderSuggestions(ctx);
}

export default {
  id: "development",
  label: "myteam.tab.development",
  dictionaries: {
    en: {
      "myteam.tab.development": "Development",
      "myteam.dev.coaching": "My coaching talks",
      "myteam.dev.no_records": "No coaching talks recorded yet.",
      "myteam.dev.talk": "{day} with {leader}",
      "myteam.dev.keep": "Keep doing",
      "myteam.dev.improve": "To improve",
      "myteam.dev.actions": "Agreed actions",
      "myteam.dev.recordings": "Recordings",
      "myteam.dev.follow_up": "Follow-up on",
      "myteam.dev.outcome": "Follow-up outcome",
      "myteam.dev.acknowledge": "Acknowledge",
      "myteam.dev.acknowledged": "Acknowledged {when} UTC",
      "myteam.dev.acknowledged_now": "Acknowledged: your team leader sees you have read it.",
      "myteam.dev.training": "Training",
      "myteam.dev.request_title": "Ask for training",
      "myteam.dev.topic": "Topic",
      "myteam.dev.why": "Why you need it",
      "myteam.dev.send_request": "Send the request",
      "myteam.dev.request_rule": "Asked on or before the 25th: in next month's plan; later: the month after.",
      "myteam.dev.request_fill": "Write the topic and why you need it.",
      "myteam.dev.request_sent": "Request sent: it goes into the plan for {month}.",
      "myteam.dev.request_line": "{topic} · plan {month} · asked {day}",
      "myteam.dev.planned": "in session {id}",
      "myteam.dev.no_requests": "No training requests yet.",
      "myteam.dev.my_requests": "My requests",
      "myteam.dev.sessions": "Coming sessions",
      "myteam.dev.session_line": "{day} · {topic} · trainer {trainer}",
      "myteam.dev.no_sessions": "No sessions coming.",
      "myteam.dev.suggestions": "Innovation suggestions",
      "myteam.dev.s_title": "Title",
      "myteam.dev.s_text": "Your suggestion",
      "myteam.dev.send_suggestion": "Send the suggestion",
      "myteam.dev.suggestion_fill": "Give the suggestion a title and describe it.",
      "myteam.dev.suggestion_sent": "Suggestion sent to your squad leader.",
      "myteam.dev.no_suggestions": "No suggestions yet.",
      "myteam.dev.status": "Status",
      "myteam.dev.status.new": "new",
      "myteam.dev.status.under_review": "under review",
      "myteam.dev.status.adopted": "adopted",
      "myteam.dev.status.declined": "declined",
      "myteam.dev.note": "Note (required to adopt or decline)",
      "myteam.dev.decide": "Save",
    },
    zh: {
      "myteam.tab.development": "成长",
      "myteam.dev.coaching": "我的辅导面谈",
      "myteam.dev.no_records": "还没有辅导面谈记录。",
      "myteam.dev.talk": "{day}，面谈人 {leader}",
      "myteam.dev.keep": "继续保持",
      "myteam.dev.improve": "需要改进",
      "myteam.dev.actions": "约定行动",
      "myteam.dev.recordings": "录音",
      "myteam.dev.follow_up": "跟进日期",
      "myteam.dev.outcome": "跟进结果",
      "myteam.dev.acknowledge": "确认已读",
      "myteam.dev.acknowledged": "已于 {when} UTC 确认",
      "myteam.dev.acknowledged_now": "已确认：班长可以看到您已阅读。",
      "myteam.dev.training": "培训",
      "myteam.dev.request_title": "提出培训需求",
      "myteam.dev.topic": "主题",
      "myteam.dev.why": "需要的原因",
      "myteam.dev.send_request": "提交需求",
      "myteam.dev.request_rule": "25 日（含）前提出：纳入下月计划；之后提出：纳入再下一个月。",
      "myteam.dev.request_fill": "请填写主题和需要的原因。",
      "myteam.dev.request_sent": "已提交：纳入 {month} 的培训计划。",
      "myteam.dev.request_line": "{topic} · {month} 计划 · {day} 提出",
      "myteam.dev.planned": "已排入场次 {id}",
      "myteam.dev.no_requests": "还没有培训需求。",
      "myteam.dev.my_requests": "我的需求",
      "myteam.dev.sessions": "即将进行的培训",
      "myteam.dev.session_line": "{day} · {topic} · 内训师 {trainer}",
      "myteam.dev.no_sessions": "近期没有培训。",
      "myteam.dev.suggestions": "创新建议",
      "myteam.dev.s_title": "标题",
      "myteam.dev.s_text": "建议内容",
      "myteam.dev.send_suggestion": "提交建议",
      "myteam.dev.suggestion_fill": "请填写建议的标题和内容。",
      "myteam.dev.suggestion_sent": "建议已提交给小组长。",
      "myteam.dev.no_suggestions": "还没有建议。",
      "myteam.dev.status": "状态",
      "myteam.dev.status.new": "新提交",
      "myteam.dev.status.under_review": "评估中",
      "myteam.dev.status.adopted": "已采纳",
      "myteam.dev.status.declined": "未采纳",
      "myteam.dev.note": "说明（采纳或不采纳时必填）",
      "myteam.dev.decide": "保存",
    },
  },

  mount(panel, ctx) {
    const { el, t } = ctx;
    const h = (key) => el("h2", { "data-i18n": key, text: t(key) });
    const label = (id, key) => el("label", { for: id, "data-i18n": key, text: t(key) });
    panel.append(
      h("myteam.dev.coaching"),
      el("div", { id: "dev-records" }),
      h("myteam.dev.training"),
      el("h3", { "data-i18n": "myteam.dev.sessions", text: t("myteam.dev.sessions") }),
      el("ul", { id: "dev-sessions" }),
      el("h3", { "data-i18n": "myteam.dev.my_requests", text: t("myteam.dev.my_requests") }),
      el("ul", { id: "dev-requests" }),
      el("h3", { "data-i18n": "myteam.dev.request_title", text: t("myteam.dev.request_title") }),
      el("p", { class: "muted small", "data-i18n": "myteam.dev.request_rule", text: t("myteam.dev.request_rule") }),
      label("dev-topic", "myteam.dev.topic"), el("input", { id: "dev-topic", type: "text", maxLength: 200, style: "width:100%" }),
      label("dev-why", "myteam.dev.why"), el("textarea", { id: "dev-why", rows: 2 }),
      el("div", { class: "row" }, el("button", { type: "button", id: "dev-send-request", "data-i18n": "myteam.dev.send_request", text: t("myteam.dev.send_request") })),
      h("myteam.dev.suggestions"),
      el("ul", { id: "dev-suggestions" }),
      label("dev-s-title", "myteam.dev.s_title"), el("input", { id: "dev-s-title", type: "text", maxLength: 200, style: "width:100%" }),
      label("dev-s-text", "myteam.dev.s_text"), el("textarea", { id: "dev-s-text", rows: 2 }),
      el("div", { class: "row" }, el("button", { type: "button", id: "dev-send-suggestion", "data-i18n": "myteam.dev.send_suggestion", text: t("myteam.dev.send_suggestion") })),
    );
    ctx.$("dev-send-request").addEventListener("click", () => sendRequest(ctx));
    ctx.$("dev-send-suggestion").addEventListener("click", () => sendSuggestion(ctx));
  },

  async show(ctx) {
    await refresh(ctx);
  },

  async badge(ctx) {
    const [records, suggestions] = await Promise.all([
      ctx.call("GET", "/api/v1/coaching"),
      ctx.call("GET", "/api/v1/training/suggestions"),
    ]);
    data.records = records || [];
    data.suggestions = suggestions || [];
    return unacknowledged().length + toDecide(ctx).length;
  },
};
