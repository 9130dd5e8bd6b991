// The team page's "Team" tab: the team's leaders, squads with their leaders and members, the
// roles within the team (GET /api/v1/teams/{team}); the roster for a week, swaps applied
// (GET /api/v1/roster), a shift set or cleared for one agent and day (PUT/DELETE
// /api/v1/roster/{day}/{agent}); and the shift swaps waiting for the team leader, with Approve
// and Reject (GET /api/v1/swaps?status=requested, POST /api/v1/swaps/{id}/approve|reject).

const enc = encodeURIComponent;
const ROLES = ["trainer", "activity_officer", "fund_keeper"];

const view = { from: null, overview: null, roster: [], swaps: [] };

function addDays(day, n) {
  const d = new Date(`${day}T12:00:00`);
  d.setDate(d.getDate() + n);
  return d.toISOString().slice(0, 10);
}

function weekDays(first) {
  return Array.from({ length: 7 }, (_, k) => addDays(first, k));
}

function names() {
  const found = new Map();
  const o = view.overview;
  for (const squad of o?.squads || []) for (const m of squad.members) found.set(m.id, m.name);
  for (const m of o?.without_squad || []) found.set(m.id, m.name);
  return found;
}

const nameOf = (id) => {
  const name = names().get(id);
  return name && name !== id ? `${name} (${id})` : id;
};

// ---------------------------------------------------------------- the team

function renderTeam(ctx) {
  const { el, t } = ctx;
  const o = view.overview;
  const box = ctx.$("overview-team");
  if (!o) return box.replaceChildren(el("p", { class: "idle", text: t("none") }));
  const roles = new Map(); // agent -> [role label]
  for (const r of o.roles) roles.set(r.agent_id, [...(roles.get(r.agent_id) || []), t(`overview.role.${r.role}`)]);
  const member = (m, leader) =>
    el("li", { "data-agent-id": m.id },
      el("span", { text: nameOf(m.id) }),
      leader === m.id ? el("span", { class: "pill", text: t("overview.squad_leader") }) : null,
      ...(roles.get(m.id) || []).map((label) => el("span", { class: "pill", text: label })));
  box.replaceChildren(...[
    el("p", {}, el("b", { text: `${t("overview.leaders")}: ` }), o.leaders.length ? o.leaders.join(", ") : t("none")),
    ...o.squads.map((s) =>
      el("div", { class: "squad", "data-squad": s.name },
        el("h3", {}, el("span", { text: t("overview.squad", { squad: s.name }) }),
          el("span", { class: "muted small", text: s.leader ? t("overview.led_by", { leader: nameOf(s.leader) }) : t("overview.no_leader") })),
        s.members.length ? el("ul", { class: "members" }, ...s.members.map((m) => member(m, s.leader))) : el("p", { class: "idle small", text: t("overview.no_members") }))),
    o.without_squad.length
      ? el("div", { class: "squad", "data-squad": "" },
          el("h3", { text: t("overview.no_squad") }),
          el("ul", { class: "members" }, ...o.without_squad.map((m) => member(m, null))))
      : null,
    el("h3", { text: t("overview.roles") }),
    o.roles.length
      ? el("ul", { class: "members" }, ...ROLES.flatMap((role) =>
          o.roles.filter((r) => r.role === role).map((r) => el("li", {}, el("span", { class: "pill", text: t(`overview.role.${role}`) }), ` ${nameOf(r.agent_id)}`))))
      : el("p", { class: "idle small", text: t("overview.no_roles") }),
  ].filter(Boolean));
}

// ---------------------------------------------------------------- the roster

function renderRoster(ctx) {
  const { el, t } = ctx;
  const days = weekDays(view.from);
  ctx.$("roster-from").value = view.from;
  const agents = [...names().keys()];
  for (const e of view.roster) if (!agents.includes(e.agent_id)) agents.push(e.agent_id);
  const cell = new Map(view.roster.map((e) => [`${e.day}|${e.agent_id}`, e]));
  const worked = new Map(view.roster.filter((e) => e.worked_by !== e.agent_id).map((e) => [`${e.day}|${e.worked_by}`, e]));
  const table = ctx.$("roster");
  table.replaceChildren(
    el("thead", {}, el("tr", {}, el("th", { text: t("overview.agent") }), ...days.map((d) => el("th", { text: d.slice(5) })))),
    el("tbody", {}, ...agents.map((agent) =>
      el("tr", { "data-agent-id": agent },
        el("td", { class: "nowrap", text: nameOf(agent) }),
        ...days.map((day) => {
          const own = cell.get(`${day}|${agent}`);
          const taken = worked.get(`${day}|${agent}`);
          const parts = [];
          if (own) {
            const text = `${own.shift} ${own.starts}–${own.ends}`;
            parts.push(own.worked_by === agent ? el("span", { text }) : el("s", { title: t("overview.swapped_to", { agent: own.worked_by }), text }));
          }
          if (taken) parts.push(el("span", { class: "pill", "data-status": "approved", text: t("overview.works_for", { shift: taken.shift, agent: taken.agent_id }) }));
          return el("td", { "data-day": day, class: "small" }, ...(parts.length ? parts : [el("span", { class: "muted", text: "·" })]));
        })))),
  );
  ctx.$("roster-empty").hidden = view.roster.length > 0;
}

function renderSwaps(ctx) {
  const { el, t } = ctx;
  const pending = view.swaps.filter((s) => s.status === "requested" && s.team === ctx.team);
  ctx.$("swaps-count").textContent = pending.length ? String(pending.length) : "";
  ctx.$("swaps-empty").hidden = pending.length > 0;
  ctx.$("swaps").replaceChildren(...pending.map((s) =>
    el("li", { "data-swap-id": s.id },
      el("div", {}, el("b", { text: s.day }), " ",
        t("overview.swap_text", { from: nameOf(s.from_agent), to: nameOf(s.to_agent) })),
      s.reason ? el("p", { class: "muted small pre", text: s.reason }) : null,
      el("div", { class: "row" },
        el("button", { type: "button", class: "primary btn-approve", "data-swap-id": s.id, text: t("overview.approve") }),
        el("button", { type: "button", class: "danger btn-reject", "data-swap-id": s.id, text: t("overview.reject") })))));
}

async function load(ctx) {
  const team = ctx.team;
  const [overview, roster, swaps] = await Promise.all([
    ctx.call("GET", `/api/v1/teams/${enc(team)}`),
    ctx.call("GET", ctx.withQuery("/api/v1/roster", { from: view.from, to: addDays(view.from, 6), team })),
    ctx.call("GET", "/api/v1/swaps?status=requested"),
  ]);
  if (team !== ctx.team) return; // the team changed meanwhile: its own load draws it
  Object.assign(view, { overview, roster: roster || [], swaps: swaps || [] });
  renderTeam(ctx);
  renderRoster(ctx);
  renderSwaps(ctx);
}

async function decide(ctx, id, verb) {
  const done = await ctx.act(`swap-${id}`, () => ctx.call("POST", `/api/v1/swaps/${enc(id)}/${verb}`));
  if (!done) return;
  ctx.notify(ctx.t(verb === "approve" ? "overview.approved" : "overview.rejected", { day: done.day }));
  await load(ctx).catch(ctx.fail);
}

async function setShift(ctx, event) {
  event.preventDefault();
  const day = ctx.$("shift-day").value;
  const agent = ctx.$("shift-agent").value.trim();
  const shift = ctx.$("shift-name").value.trim();
  if (!day || !agent) return ctx.fail(ctx.t("overview.shift_missing"));
  const path = `/api/v1/roster/${enc(day)}/${enc(agent)}`;
  const ok = await ctx.act("shift", async () => {
    if (shift) await ctx.call("PUT", path, { shift });
    else await ctx.call("DELETE", path);
    return true;
  });
  if (!ok) return;
  ctx.notify(shift ? ctx.t("overview.shift_set", { agent, day, shift }) : ctx.t("overview.shift_cleared", { agent, day }));
  await load(ctx).catch(ctx.fail);
}

export default {
  id: "overview",
  label: "tab.overview",
  dictionaries: {
    en: {
      "tab.overview": "Team",
      "overview.team": "The team",
      "overview.leaders": "Team leaders",
      "overview.squad": "Squad {squad}",
      "overview.led_by": "led by {leader}",
      "overview.no_leader": "no squad leader",
      "overview.squad_leader": "Squad leader",
      "overview.no_members": "No members.",
      "overview.no_squad": "In no squad",
      "overview.roles": "Roles",
      "overview.no_roles": "Nobody holds a role yet (branchline team role add).",
      "overview.role.trainer": "Trainer",
      "overview.role.activity_officer": "Activity officer",
      "overview.role.fund_keeper": "Fund keeper",
      "overview.roster": "Roster",
      "overview.week_from": "Week from",
      "overview.prev": "◀ Week before",
      "overview.next": "Week after ▶",
      "overview.agent": "Agent",
      "overview.no_roster": "Nobody is rostered this week.",
      "overview.swapped_to": "worked by {agent} (swap)",
      "overview.works_for": "{shift} for {agent}",
      "overview.set_shift": "Set a shift",
      "overview.day": "Day",
      "overview.shift": "Shift (empty: clear)",
      "overview.save_shift": "Save",
      "overview.shift_missing": "Choose a day and an agent for the shift.",
      "overview.shift_set": "{agent} works {shift} on {day}.",
      "overview.shift_cleared": "{agent} has no shift on {day} now.",
      "overview.swaps": "Swaps waiting for approval",
      "overview.no_swaps": "No swaps are waiting.",
      "overview.swap_text": "{from} gives the shift to {to}",
      "overview.approve": "Approve",
      "overview.reject": "Reject",
      "overview.approved": "Swap on {day} approved.",
      "overview.rejected": "Swap on {day} rejected.",
    },
    zh: {
      "tab.overview": "班组",
      "overview.team": "班组成员",
      "overview.leaders": "班长",
      "overview.squad": "{squad} 小组",
      "overview.led_by": "组长 {leader}",
      "overview.no_leader": "未设组长",
      "overview.squad_leader": "组长",
      "overview.no_members": "暂无成员。",
      "overview.no_squad": "未分组",
      "overview.roles": "班组职务",
      "overview.no_roles": "还没有人担任职务（branchline team role add）。",
      "overview.role.trainer": "内训师",
      "overview.role.activity_officer": "文体委员",
      "overview.role.fund_keeper": "班费管理员",
      "overview.roster": "排班",
      "overview.week_from": "起始日期",
      "overview.prev": "◀ 上一周",
      "overview.next": "下一周 ▶",
      "overview.agent": "坐席",
      "overview.no_roster": "本周没有排班。",
      "overview.swapped_to": "由 {agent} 代班（换班）",
      "overview.works_for": "代 {agent} 上 {shift}",
      "overview.set_shift": "设置班次",
      "overview.day": "日期",
      "overview.shift": "班次（留空：清除）",
      "overview.save_shift": "保存",
      "overview.shift_missing": "请选择日期和坐席。",
      "overview.shift_set": "{agent} 于 {day} 上 {shift}。",
      "overview.shift_cleared": "{agent} 于 {day} 已无班次。",
      "overview.swaps": "待审批的换班",
      "overview.no_swaps": "没有待审批的换班。",
      "overview.swap_text": "{from} 把班次换给 {to}",
      "overview.approve": "批准",
      "overview.reject": "驳回",
      "overview.approved": "{day} 的换班已批准。",
      "overview.rejected": "{day} 的换班已驳回。",
    },
  },

  mount(panel, ctx) {
    const { el } = ctx;
    view.from = ctx.localDay();
    panel.append(
      el("div", { class: "grid-2" },
        el("section", { class: "panel" },
          el("h2", { "data-i18n": "overview.team" }),
          el("div", { id: "overview-team", "data-testid": "overview-team" })),
        el("div", { class: "stack" },
          el("section", { class: "panel" },
            el("h2", {}, el("span", { "data-i18n": "overview.swaps" }), el("span", { id: "swaps-count", class: "count" })),
            el("ul", { id: "swaps", class: "card-list", "data-testid": "swaps" }),
            el("p", { id: "swaps-empty", class: "idle small", "data-i18n": "overview.no_swaps" })),
          el("section", { class: "panel" },
            el("div", { class: "toolbar" },
              el("h2", { "data-i18n": "overview.roster" }),
              el("button", { type: "button", id: "roster-prev", "data-i18n": "overview.prev" }),
              el("label", { for: "roster-from", "data-i18n": "overview.week_from" }),
              el("input", { type: "date", id: "roster-from" }),
              el("button", { type: "button", id: "roster-next", "data-i18n": "overview.next" })),
            el("div", { class: "scroll" }, el("table", { id: "roster", "data-testid": "roster" })),
            el("p", { id: "roster-empty", class: "idle small", "data-i18n": "overview.no_roster", hidden: true }),
            el("form", { id: "shift-form", class: "inline-form", noValidate: true },
              el("b", { class: "small", "data-i18n": "overview.set_shift" }),
              el("input", { type: "date", id: "shift-day", "data-i18n-aria-label": "overview.day" }),
              el("input", { id: "shift-agent", autocomplete: "off", "data-i18n-placeholder": "overview.agent", "data-i18n-aria-label": "overview.agent" }),
              el("input", { id: "shift-name", autocomplete: "off", "data-i18n-placeholder": "overview.shift", "data-i18n-aria-label": "overview.shift" }),
              el("button", { type: "submit", "data-i18n": "overview.save_shift" }),
              el("datalist", { id: "overview-agents" }))))),
    );
    ctx.$("shift-agent").setAttribute("list", "overview-agents");
    const again = () => load(ctx).catch(ctx.fail);
    ctx.$("roster-prev").addEventListener("click", () => { view.from = addDays(view.from, -7); again(); });
    ctx.$("roster-next").addEventListener("click", () => { view.from = addDays(view.from, 7); again(); });
    ctx.$("roster-from").addEventListener("change", (event) => { if (event.target.value) { view.from = event.target.value; again(); } });
    ctx.$("swaps").addEventListener("click", (event) => {
      const button = event.target.closest("button[data-swap-id]");
      if (button) decide(ctx, button.dataset.swapId, button.classList.contains("btn-approve") ? "approve" : "reject");
    });
    ctx.$("shift-form").addEventListener("submit", (event) => setShift(ctx, event));
  },

  async show(ctx) {
    await load(ctx);
    ctx.$("overview-agents").replaceChildren(...[...names()].map(([id, name]) => ctx.el("option", { value: id, text: name })));
    if (!ctx.$("shift-day").value) ctx.$("shift-day").value = ctx.localDay();
  },
};
