// The team page's "Monthly meeting" tab (docs/teams.md, "Huddles and meetings"): announce the
// monthly meeting at least the team's notice period ahead (POST /api/v1/meetings; the members'
// desktops get a notice), publish its minutes once held (POST /api/v1/meetings/{id}/minutes), and
// every member's plan and goals for a month with their review of last month's goals, and who
// has not written one yet (GET /api/v1/monthly-plans).

const enc = encodeURIComponent;

const view = { meetings: [], plans: null, settings: null, month: null };

function build(panel, ctx) {
  const { el } = ctx;
  const field = (id, label, input) => el("div", {}, el("label", { for: id, "data-i18n": label }), input);
  panel.append(
    el("div", { class: "grid-2" },
      el("section", { class: "panel stack" },
        el("h2", { "data-i18n": "meetings.announce" }),
        el("p", { id: "meeting-rule", class: "muted small" }),
        el("form", { id: "meeting-form", class: "inline-form", "data-testid": "meeting-form" },
          field("meeting-day", "meetings.day", el("input", { id: "meeting-day", type: "date" })),
          field("meeting-starts", "meetings.starts", el("input", { id: "meeting-starts", type: "time", value: "16:30" })),
          el("textarea", { id: "meeting-focus", rows: 2, "data-i18n-placeholder": "meetings.focus", "data-i18n-aria-label": "meetings.focus" }),
          el("button", { type: "submit", id: "meeting-announce", class: "primary", "data-i18n": "meetings.send" })),
        el("h2", { "data-i18n": "meetings.list" }),
        el("ul", { id: "meeting-list", class: "card-list", "data-testid": "meeting-list" }),
        el("p", { id: "meeting-none", class: "idle small", "data-i18n": "meetings.none" })),
      el("section", { class: "panel stack" },
        el("div", { class: "toolbar" },
          el("h2", { "data-i18n": "meetings.plans" }),
          el("label", { for: "plans-month", "data-i18n": "meetings.month" }),
          el("input", { id: "plans-month", type: "month" }),
          el("button", { type: "button", id: "plans-show", "data-i18n": "meetings.show" })),
        el("p", { id: "plans-missing", class: "warn small", "data-testid": "plans-missing" }),
        el("ul", { id: "plans", class: "card-list", "data-testid": "plans" }),
        el("p", { id: "plans-none", class: "idle small", "data-i18n": "meetings.no_plans" }))),
  );
}

function renderMeetings(ctx) {
  const { el, t, $ } = ctx;
  const days = view.settings?.meeting_notice_days ?? 2;
  $("meeting-rule").textContent = t("meetings.rule", { n: days });
  $("meeting-none").hidden = view.meetings.length > 0;
  $("meeting-list").replaceChildren(...view.meetings.map((m) =>
    el("li", { "data-meeting-id": m.id },
      el("div", {}, el("b", { text: `${m.day} ${m.starts}` }), " ", el("span", { class: "muted small", text: t("meetings.announced", { by: m.announced_by, when: ctx.fmtWhen(m.announced_at) }) })),
      el("p", { class: "pre", text: m.focus }),
      m.minutes_at
        ? el("p", { class: "note minutes", text: `${t("meetings.minutes")}: ${m.minutes}` })
        : el("form", { class: "inline-form minutes-form", "data-meeting-id": m.id },
            el("textarea", { class: "minutes-text", rows: 2, placeholder: t("meetings.minutes_ph"), "aria-label": t("meetings.minutes") }),
            el("button", { type: "submit", text: t("meetings.publish_minutes") })))));
}

function renderPlans(ctx) {
  const { el, t, $ } = ctx;
  const p = view.plans;
  $("plans-month").value = view.month;
  $("plans-none").hidden = Boolean(p?.plans.length);
  $("plans-missing").textContent = p?.missing.length ? t("meetings.missing", { names: p.missing.map((m) => `${m.name} (${m.agent_id})`).join(", ") }) : "";
  const met = (r) => (r.met === true ? t("meetings.met") : r.met === false ? t("meetings.not_met") : t("meetings.unsaid"));
  $("plans").replaceChildren(...(p?.plans || []).map((plan) =>
    el("li", { "data-agent-id": plan.agent_id },
      el("div", {}, el("b", { text: `${plan.name} (${plan.agent_id})` }), " ", el("span", { class: "muted small", text: ctx.fmtWhen(plan.written_at) })),
      el("p", { class: "pre", text: plan.plan }),
      el("div", { class: "small" }, el("b", { text: `${t("meetings.goals")}: ` }), plan.goals.join(" · ")),
      plan.review.length
        ? el("ul", { class: "small muted" }, ...plan.review.map((r) => el("li", { text: `${r.goal}: ${met(r)}${r.note ? ` — ${r.note}` : ""}` })))
        : null)));
}

async function loadMeetings(ctx) {
  const team = ctx.team;
  const [meetings, settings] = await Promise.all([
    ctx.call("GET", ctx.withQuery("/api/v1/meetings", { team })),
    ctx.call("GET", `/api/v1/huddles/${enc(team)}/settings`),
  ]);
  if (team !== ctx.team) return;
  Object.assign(view, { meetings: meetings || [], settings });
  renderMeetings(ctx);
}

async function loadPlans(ctx) {
  const team = ctx.team;
  const plans = await ctx.call("GET", ctx.withQuery("/api/v1/monthly-plans", { team, month: view.month }));
  if (team !== ctx.team) return;
  view.plans = plans;
  renderPlans(ctx);
}

function wire(ctx) {
  const $ = ctx.$;
  $("meeting-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { team: ctx.team, day: $("meeting-day").value, starts: $("meeting-starts").value, focus: $("meeting-focus").value };
    if (!body.day) return ctx.fail(ctx.t("meetings.day_missing"));
    const found = await ctx.act("meeting-announce", () => ctx.call("POST", "/api/v1/meetings", body));
    if (!found) return;
    $("meeting-focus").value = "";
    ctx.notify(ctx.t("meetings.announced_notice", { day: found.day }));
    await loadMeetings(ctx).catch(ctx.fail);
  });
  $("meeting-list").addEventListener("submit", async (event) => {
    const form = event.target.closest(".minutes-form");
    if (!form) return;
    event.preventDefault();
    const id = form.dataset.meetingId;
    const minutes = form.querySelector(".minutes-text").value;
    const found = await ctx.act(`minutes-${id}`, () => ctx.call("POST", `/api/v1/meetings/${enc(id)}/minutes`, { minutes }));
    if (!found) return;
    ctx.notify(ctx.t("meetings.minutes_published"));
    await loadMeetings(ctx).catch(ctx.fail);
  });
  $("plans-show").addEventListener("click", () => {
    view.month = $("plans-month").value || ctx.thisMonth();
    loadPlans(ctx).catch(ctx.fail);
  });
}

export default {
  id: "meetings",
  label: "tab.meetings",
  dictionaries: {
    en: {
      "tab.meetings": "Monthly meeting",
      "meetings.announce": "Announce the monthly meeting",
      "meetings.rule": "The day must be at least {n} working day(s) (Monday to Friday) after today; the team's desktops get the announcement.",
      "meetings.day": "Day",
      "meetings.starts": "Starts",
      "meetings.focus": "Last month in review and this month's focus",
      "meetings.send": "Announce",
      "meetings.day_missing": "Choose the meeting's day.",
      "meetings.announced_notice": "Meeting of {day} announced to the team.",
      "meetings.list": "Meetings",
      "meetings.none": "No meetings announced yet.",
      "meetings.announced": "announced by {by}, {when}",
      "meetings.minutes": "Minutes",
      "meetings.minutes_ph": "The minutes, published to the team once the meeting is held",
      "meetings.publish_minutes": "Publish the minutes",
      "meetings.minutes_published": "Minutes published to the team.",
      "meetings.plans": "Monthly plans and goals",
      "meetings.month": "Month",
      "meetings.show": "Show",
      "meetings.no_plans": "Nobody has written a plan for this month yet.",
      "meetings.missing": "Not written yet: {names}",
      "meetings.goals": "Goals",
      "meetings.met": "met",
      "meetings.not_met": "not met",
      "meetings.unsaid": "not reviewed",
    },
    zh: {
      "tab.meetings": "月度例会",
      "meetings.announce": "发布月度例会通知",
      "meetings.rule": "例会日期须在今天之后至少 {n} 个工作日（周一至周五）；通知会发到班组成员的工作台。",
      "meetings.day": "日期",
      "meetings.starts": "开始时间",
      "meetings.focus": "上月回顾与本月重点",
      "meetings.send": "发布通知",
      "meetings.day_missing": "请选择例会日期。",
      "meetings.announced_notice": "{day} 的例会通知已发给班组。",
      "meetings.list": "例会",
      "meetings.none": "尚未发布例会通知。",
      "meetings.announced": "{by} 于 {when} 发布",
      "meetings.minutes": "会议纪要",
      "meetings.minutes_ph": "会议纪要，例会召开后发布给班组",
      "meetings.publish_minutes": "发布会议纪要",
      "meetings.minutes_published": "会议纪要已发布给班组。",
      "meetings.plans": "月度计划与目标",
      "meetings.month": "月份",
      "meetings.show": "查看",
      "meetings.no_plans": "本月还没有人填写计划。",
      "meetings.missing": "尚未填写：{names}",
      "meetings.goals": "目标",
      "meetings.met": "已达成",
      "meetings.not_met": "未达成",
      "meetings.unsaid": "未回顾",
    },
  },
  mount(panel, ctx) {
    build(panel, ctx);
    wire(ctx);
  },
  async show(ctx) {
    view.month ??= ctx.thisMonth();
    await Promise.all([loadMeetings(ctx), loadPlans(ctx)]);
  },
};
