// The team page's "Activities" tab (docs/teams.md, "Recognition and team life"): team activities
// planned with a title, day and place (POST /api/v1/teams/{team}/activities), each member's
// attendance — attended, skipped or excused — saved as it is chosen
// (PUT /api/v1/activities/{id}/attendance/{agent}), cancelling (POST /api/v1/activities/{id}/cancel).
// A skip costs the member's squad points in that month's squad competition.

const enc = encodeURIComponent;
const STATUSES = ["attended", "skipped", "excused"];
const LOOK_BACK_DAYS = 92; // activities shown: from three months ago on

const view = { list: [] };

function build(panel, ctx) {
  const { el } = ctx;
  const field = (id, label, input) => el("div", {}, el("label", { for: id, "data-i18n": label }), input);
  panel.append(
    el("section", { class: "panel" },
      el("h2", { "data-i18n": "activities.plan" }),
      el("form", { id: "activity-form", class: "inline-form" },
        field("activity-title", "activities.title_field", el("input", { id: "activity-title", style: "width:240px" })),
        field("activity-day", "activities.day", el("input", { id: "activity-day", type: "date" })),
        field("activity-place", "activities.place", el("input", { id: "activity-place", style: "width:200px" })),
        field("activity-notes", "activities.notes", el("input", { id: "activity-notes", style: "width:260px" })),
        el("button", { type: "submit", id: "activity-add", class: "primary", style: "align-self:flex-end", "data-i18n": "activities.add" }))),
    el("section", { class: "panel full" },
      el("h2", { "data-i18n": "activities.list" }),
      el("p", { class: "muted small", "data-i18n": "activities.skip_rule" }),
      el("div", { class: "scroll" }, el("ul", { id: "activity-list", class: "card-list", "data-testid": "activity-list" }))),
  );
}

function attendanceRow(ctx, activity, a) {
  const { el, t } = ctx;
  const select = el("select", { class: "att-status", "aria-label": t("activities.status_of", { name: a.name }), disabled: activity.cancelled },
    el("option", { value: "", text: t("activities.unrecorded") }),
    ...STATUSES.map((s) => el("option", { value: s, text: t(`activities.status.${s}`), selected: a.status === s })));
  return el("tr", { "data-agent-id": a.agent_id, "data-status": a.status || "" },
    el("td", { text: a.name !== a.agent_id ? `${a.name} (${a.agent_id})` : a.agent_id }),
    el("td", {}, select),
    el("td", { class: "muted small", text: a.recorded_by ? t("activities.recorded_by", { by: a.recorded_by }) : "" }));
}

function render(ctx) {
  const { el, t, $ } = ctx;
  const count = (a, s) => a.attendance.filter((x) => x.status === s).length;
  $("activity-list").replaceChildren(...view.list.map((a) => el("li", { "data-activity-id": a.id, "data-cancelled": String(a.cancelled) },
    el("h3", {},
      el("span", { class: "strong", text: `${a.day} · ${a.title}` }),
      el("span", { text: a.place ? `@ ${a.place}` : "" }),
      a.cancelled ? el("span", { class: "pill", "data-status": "rejected", text: t("activities.cancelled") }) : "",
      el("span", { class: "muted small", text: t("activities.counts", { attended: count(a, "attended"), skipped: count(a, "skipped"), excused: count(a, "excused") }) }),
      a.cancelled ? "" : el("button", { type: "button", class: "link activity-cancel", text: t("activities.cancel") })),
    a.notes ? el("p", { class: "note", text: a.notes }) : "",
    el("p", { class: "muted small", text: t("activities.planned_by", { by: a.planned_by }) }),
    el("table", { class: "attendance" }, ...a.attendance.map((x) => attendanceRow(ctx, a, x))))));
  if (!view.list.length) $("activity-list").append(el("li", { class: "idle", text: t("activities.none") }));
}

async function load(ctx) {
  const from = ctx.localDay(Date.now() - LOOK_BACK_DAYS * 86400000);
  const list = await ctx.call("GET", ctx.withQuery(`/api/v1/teams/${enc(ctx.team)}/activities`, { from }));
  view.list = list.slice().reverse(); // the latest day first
  render(ctx);
}

function wire(ctx) {
  const { $ } = ctx;
  const run = (fn) => fn().catch((error) => ctx.fail(error));
  $("activity-form").addEventListener("submit", (event) => {
    event.preventDefault();
    run(async () => {
      const body = { title: $("activity-title").value.trim(), day: $("activity-day").value, place: $("activity-place").value.trim(), notes: $("activity-notes").value.trim() };
      if (!body.title || !body.day) return ctx.fail(ctx.t("activities.needs"));
      await ctx.call("POST", `/api/v1/teams/${enc(ctx.team)}/activities`, body);
      for (const id of ["activity-title", "activity-place", "activity-notes"]) $(id).value = "";
      ctx.notify(ctx.t("activities.added", { title: body.title }));
      await load(ctx);
    });
  });
  $("activity-list").addEventListener("change", (event) => {
    const select = event.target.closest("select.att-status");
    if (!select || !select.value) return;
    const id = select.closest("li[data-activity-id]").dataset.activityId;
    const agent = select.closest("tr[data-agent-id]").dataset.agentId;
    run(async () => {
      await ctx.call("PUT", `/api/v1/activities/${id}/attendance/${enc(agent)}`, { status: select.value });
      await load(ctx);
    });
  });
  $("activity-list").addEventListener("click", (event) => {
    const button = event.target.closest("button.activity-cancel");
    if (!button) return;
    const id = button.closest("li[data-activity-id]").dataset.activityId;
    run(async () => {
      await ctx.call("POST", `/api/v1/activities/${id}/cancel`);
      await load(ctx);
    });
  });
}

export default {
  id: "activities",
  label: "tab.activities",
  dictionaries: {
    en: {
      "tab.activities": "Activities",
      "activities.plan": "Plan a team activity",
      "activities.title_field": "What",
      "activities.day": "Day",
      "activities.place": "Where",
      "activities.notes": "Notes",
      "activities.add": "Plan it",
      "activities.added": "Planned: {title}.",
      "activities.needs": "An activity needs what it is and a day.",
      "activities.list": "Activities and attendance",
      "activities.skip_rule": "Each member who skips costs their squad points in that month's squad competition (the team's rule); excused absences cost nothing.",
      "activities.unrecorded": "—",
      "activities.status.attended": "Attended",
      "activities.status.skipped": "Skipped",
      "activities.status.excused": "Excused",
      "activities.status_of": "Attendance of {name}",
      "activities.recorded_by": "recorded by {by}",
      "activities.counts": "{attended} attended, {skipped} skipped, {excused} excused",
      "activities.planned_by": "Planned by {by}",
      "activities.cancel": "Cancel",
      "activities.cancelled": "Cancelled",
      "activities.none": "No activities in the last three months.",
    },
    zh: {
      "tab.activities": "班组活动",
      "activities.plan": "安排班组活动",
      "activities.title_field": "活动内容",
      "activities.day": "日期",
      "activities.place": "地点",
      "activities.notes": "备注",
      "activities.add": "安排",
      "activities.added": "已安排：{title}。",
      "activities.needs": "活动需要填写内容和日期。",
      "activities.list": "活动与出勤",
      "activities.skip_rule": "无故缺席的组员按班组规则为所在小组扣小组PK分；请假不扣分。",
      "activities.unrecorded": "—",
      "activities.status.attended": "参加",
      "activities.status.skipped": "缺席",
      "activities.status.excused": "请假",
      "activities.status_of": "{name} 的出勤",
      "activities.recorded_by": "由 {by} 登记",
      "activities.counts": "参加 {attended}，缺席 {skipped}，请假 {excused}",
      "activities.planned_by": "由 {by} 安排",
      "activities.cancel": "取消",
      "activities.cancelled": "已取消",
      "activities.none": "近三个月没有活动。",
    },
  },
  mount(panel, ctx) {
    build(panel, ctx);
    ctx.$("activity-day").value = ctx.localDay();
    wire(ctx);
  },
  async show(ctx) {
    await load(ctx);
  },
};
