// The team page's "Announcements" tab (docs/teams.md, "Recognition and team life"): the team
// leader's announcement to the team's desktops (POST /api/v1/notices, shown live with an
// Acknowledge button) and the team's notices with who has acknowledged each
// (GET /api/v1/teams/{team}/notices) — huddle notes and published results included.

const enc = encodeURIComponent;
const MAX_TEXT = 2000;

const view = { notices: [] };

function build(panel, ctx) {
  const { el } = ctx;
  panel.append(
    el("section", { class: "panel" },
      el("h2", { "data-i18n": "announcements.new" }),
      el("form", { id: "announce-form", class: "inline-form" },
        el("textarea", { id: "announce-text", rows: 3, maxLength: MAX_TEXT, "data-i18n-placeholder": "announcements.placeholder", "data-i18n-aria-label": "announcements.new" }),
        el("button", { type: "submit", id: "announce-post", class: "primary", "data-i18n": "announcements.post" }))),
    el("section", { class: "panel full" },
      el("h2", {}, el("span", { "data-i18n": "announcements.list" }),
        el("button", { type: "button", id: "announce-refresh", class: "actions-right", "data-i18n": "announcements.refresh" })),
      el("div", { class: "scroll" }, el("ul", { id: "announce-list", class: "card-list", "data-testid": "announce-list" }))),
  );
}

function render(ctx) {
  const { el, t, $ } = ctx;
  $("announce-list").replaceChildren(...view.notices.map((n) => el("li", { "data-notice-id": n.id },
    el("h3", {},
      el("span", { text: t("announcements.by", { by: n.author, at: ctx.fmtWhen(n.at) }) }),
      el("span", { class: "pill ack-count", "data-status": n.acknowledged === n.members && n.members ? "approved" : "open",
        text: t("announcements.acked", { n: n.acknowledged, of: n.members }) })),
    el("p", { class: "pre note", text: n.text }),
    el("p", { class: "small acked-by", text: n.acknowledged_by.length ? t("announcements.acked_by", { names: n.acknowledged_by.join(", ") }) : "" }),
    el("p", { class: "small muted pending", text: n.pending.length ? t("announcements.pending", { names: n.pending.join(", ") }) : "" }))));
  if (!view.notices.length) $("announce-list").append(el("li", { class: "idle", text: t("announcements.none") }));
}

async function load(ctx) {
  view.notices = await ctx.call("GET", `/api/v1/teams/${enc(ctx.team)}/notices`);
  render(ctx);
}

function wire(ctx) {
  const { $, t } = ctx;
  const run = (fn) => fn().catch((error) => ctx.fail(error));
  $("announce-form").addEventListener("submit", (event) => {
    event.preventDefault();
    run(async () => {
      const text = $("announce-text").value.trim();
      if (!text) return ctx.fail(t("announcements.empty"));
      // A supervisor names the team; a team leader's notice goes to their own team anyway.
      await ctx.call("POST", "/api/v1/notices", { text, team: ctx.team });
      $("announce-text").value = "";
      ctx.notify(t("announcements.posted"));
      await load(ctx);
    });
  });
  $("announce-refresh").addEventListener("click", () => run(() => load(ctx)));
}

export default {
  id: "announcements",
  label: "tab.announcements",
  dictionaries: {
    en: {
      "tab.announcements": "Announcements",
      "announcements.new": "Announce to the team's desktops",
      "announcements.placeholder": "What the team should know; each member acknowledges it on the desktop.",
      "announcements.post": "Announce",
      "announcements.posted": "Announced: the team's desktops show it now.",
      "announcements.empty": "Write the announcement first.",
      "announcements.list": "The team's notices",
      "announcements.refresh": "Refresh",
      "announcements.by": "{by}, {at}",
      "announcements.acked": "{n} of {of} acknowledged",
      "announcements.acked_by": "Acknowledged: {names}",
      "announcements.pending": "Not yet: {names}",
      "announcements.none": "No notices to the team yet.",
    },
    zh: {
      "tab.announcements": "班组公告",
      "announcements.new": "向班组桌面发布公告",
      "announcements.placeholder": "需要全组知道的事项；每位组员在桌面上确认已读。",
      "announcements.post": "发布",
      "announcements.posted": "已发布：班组桌面已显示。",
      "announcements.empty": "请先填写公告内容。",
      "announcements.list": "班组通知",
      "announcements.refresh": "刷新",
      "announcements.by": "{by}，{at}",
      "announcements.acked": "{of} 人中 {n} 人已确认",
      "announcements.acked_by": "已确认：{names}",
      "announcements.pending": "未确认：{names}",
      "announcements.none": "还没有发给本班组的通知。",
    },
  },
  mount(panel, ctx) {
    build(panel, ctx);
    wire(ctx);
  },
  async show(ctx) {
    await load(ctx);
  },
};
