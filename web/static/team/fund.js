// The team page's "Team fund" tab (docs/teams.md, "Recognition and team life"): the balance and
// the statement with who recorded each movement (GET /api/v1/teams/{team}/fund, CSV at
// .../fund/statement.csv); recording contributions, a month's collection, penalties by the team's
// rules, spending with a receipt note (POST .../fund/contributions|collect|penalties|spending) and
// corrections that reverse an entry (POST /api/v1/fund/entries/{id}/reverse); the monthly amounts
// (PUT .../recognition/rules) and the penalty rules (PUT|DELETE .../fund/penalty-rules/{name}).

const enc = encodeURIComponent;

const view = { fund: null };

const base = (ctx) => `/api/v1/teams/${enc(ctx.team)}/fund`;
const yuan = (fen) => `${fen < 0 ? "-" : ""}${Math.floor(Math.abs(fen) / 100)}.${String(Math.abs(fen) % 100).padStart(2, "0")}`;

/** "10", "10.5" → fen; null when it is not an amount (the server says why, too). */
function toFen(text) {
  const m = /^\s*(\d{1,7})(?:\.(\d{1,2}))?\s*$/.exec(text || "");
  return m ? Number(m[1]) * 100 + Number((m[2] || "0").padEnd(2, "0")) : null;
}

function build(panel, ctx) {
  const { el } = ctx;
  const field = (id, label, input) => el("div", {}, el("label", { for: id, "data-i18n": label }), input);
  const submit = (id, label) => el("button", { type: "submit", id, style: "align-self:flex-end", "data-i18n": label });
  panel.append(
    el("div", { class: "toolbar" },
      el("h2", { "data-i18n": "fund.title" }),
      el("span", { class: "strong", id: "fund-balance", "data-testid": "fund-balance" }),
      el("a", { id: "fund-csv", "data-i18n": "fund.csv", download: "" })),
    el("div", { class: "grid-2" },
      el("section", { class: "panel stack", id: "fund-record" },
        el("h2", { "data-i18n": "fund.record" }),
        el("p", { id: "fund-readonly", class: "muted small", "data-i18n": "fund.readonly", hidden: true }),
        el("form", { id: "fund-contribution", class: "inline-form" },
          field("fund-c-member", "fund.member", el("select", { id: "fund-c-member" })),
          field("fund-c-amount", "fund.amount_default", el("input", { id: "fund-c-amount", style: "width:90px", inputMode: "decimal" })),
          field("fund-c-month", "fund.month", el("input", { id: "fund-c-month", type: "month" })),
          submit("fund-c-save", "fund.contribute")),
        el("form", { id: "fund-collect", class: "inline-form" },
          field("fund-collect-month", "fund.month", el("input", { id: "fund-collect-month", type: "month" })),
          submit("fund-collect-save", "fund.collect")),
        el("form", { id: "fund-penalty", class: "inline-form" },
          field("fund-p-member", "fund.member", el("select", { id: "fund-p-member" })),
          field("fund-p-rule", "fund.rule", el("select", { id: "fund-p-rule" })),
          field("fund-p-note", "fund.note", el("input", { id: "fund-p-note", style: "width:180px" })),
          submit("fund-p-save", "fund.penalise")),
        el("form", { id: "fund-spending", class: "inline-form" },
          field("fund-s-amount", "fund.amount", el("input", { id: "fund-s-amount", style: "width:90px", inputMode: "decimal" })),
          field("fund-s-description", "fund.description", el("input", { id: "fund-s-description", style: "width:200px" })),
          field("fund-s-receipt", "fund.receipt", el("input", { id: "fund-s-receipt", style: "width:180px" })),
          submit("fund-s-save", "fund.spend")),
        el("form", { id: "fund-reverse", class: "inline-form" },
          field("fund-r-entry", "fund.entry", el("select", { id: "fund-r-entry" })),
          field("fund-r-reason", "fund.reason", el("input", { id: "fund-r-reason", style: "width:220px" })),
          submit("fund-r-save", "fund.reverse"))),
      el("section", { class: "panel stack", id: "fund-rules-panel" },
        el("h2", { "data-i18n": "fund.rules" }),
        el("form", { id: "fund-settings", class: "inline-form" },
          field("fund-member-amount", "fund.member_amount", el("input", { id: "fund-member-amount", style: "width:90px", inputMode: "decimal" })),
          field("fund-leader-amount", "fund.leader_amount", el("input", { id: "fund-leader-amount", style: "width:90px", inputMode: "decimal" })),
          submit("fund-settings-save", "fund.save_amounts")),
        el("ul", { id: "fund-penalty-rules", class: "card-list", "data-testid": "fund-penalty-rules" }),
        el("form", { id: "fund-rule-form", class: "inline-form" },
          field("fund-rule-name", "fund.rule_name", el("input", { id: "fund-rule-name", style: "width:200px" })),
          field("fund-rule-amount", "fund.amount", el("input", { id: "fund-rule-amount", style: "width:90px", inputMode: "decimal" })),
          submit("fund-rule-save", "fund.rule_save")))),
    el("section", { class: "panel full" },
      el("h2", { "data-i18n": "fund.statement" }),
      el("div", { class: "scroll" }, el("table", { id: "fund-statement", "data-testid": "fund-statement" }))),
  );
}

function memberOptions(ctx, withLeaders) {
  const f = view.fund;
  const options = f.members.map(([id, name]) => ctx.el("option", { value: id, text: name !== id ? `${name} (${id})` : id }));
  if (withLeaders) options.push(...f.leaders.map((u) => ctx.el("option", { value: u, text: ctx.t("fund.leader_option", { user: u }) })));
  return options;
}

function details(ctx, e) {
  const { t } = ctx;
  return [e.rule, e.description, e.receipt && t("fund.receipt_is", { receipt: e.receipt }),
    e.reverses && t("fund.reverses", { id: e.reverses }), e.reversed_by && t("fund.reversed_by", { id: e.reversed_by })].filter(Boolean).join("; ");
}

function render(ctx) {
  const { el, t, $ } = ctx;
  const f = view.fund;
  $("fund-balance").textContent = t("fund.balance", { amount: f.statement.balance });
  $("fund-csv").href = `${base(ctx)}/statement.csv`;
  $("fund-readonly").hidden = f.may_record;
  for (const id of ["fund-contribution", "fund-collect", "fund-penalty", "fund-spending", "fund-reverse"]) $(id).hidden = !f.may_record;
  $("fund-c-member").replaceChildren(...memberOptions(ctx, true));
  $("fund-p-member").replaceChildren(...memberOptions(ctx, false));
  $("fund-p-rule").replaceChildren(...f.penalty_rules.map((r) => el("option", { value: r.name, text: `${r.name} (${r.amount})` })));
  const open = f.statement.entries.filter((e) => e.kind !== "correction" && !e.reversed_by).reverse();
  $("fund-r-entry").replaceChildren(...open.map((e) => el("option", { value: e.id, text: `#${e.id} ${e.day} ${t(`fund.kind.${e.kind}`)} ${yuan(e.amount_fen)}${e.member ? ` ${e.member}` : ""}` })));
  const leads = ["team_leader", "supervisor", "admin"].includes(ctx.me.role);
  $("fund-settings").hidden = !leads;
  $("fund-rule-form").hidden = !leads;
  $("fund-member-amount").value = yuan(f.settings.member_fen);
  $("fund-leader-amount").value = yuan(f.settings.leader_fen);
  $("fund-penalty-rules").replaceChildren(...f.penalty_rules.map((r) => el("li", { "data-rule": r.name },
    el("span", { text: t("fund.rule_item", { name: r.name, amount: r.amount }) }), " ",
    leads ? el("button", { type: "button", class: "link fund-rule-remove", text: t("fund.rule_remove") }) : "")));
  if (!f.penalty_rules.length) $("fund-penalty-rules").append(el("li", { class: "idle", text: t("fund.no_rules") }));
  const head = ["fund.col.id", "fund.col.day", "fund.col.kind", "fund.col.member", "fund.col.amount", "fund.col.balance", "fund.col.details", "fund.col.by"];
  $("fund-statement").replaceChildren(
    el("tr", {}, ...head.map((k) => el("th", { text: t(k) }))),
    ...f.statement.entries.slice().reverse().map((e) => el("tr", { "data-entry-id": e.id, "data-kind": e.kind, "data-reversed": String(Boolean(e.reversed_by)) },
      el("td", { class: "num", text: e.id }),
      el("td", { class: "nowrap", text: e.day }),
      el("td", { text: t(`fund.kind.${e.kind}`) }),
      el("td", { text: e.member || "" }),
      el("td", { class: "num amount", text: yuan(e.amount_fen) }),
      el("td", { class: "num", text: yuan(e.balance_fen) }),
      el("td", { class: "details", text: details(ctx, e) }),
      el("td", { class: "nowrap", text: t("fund.by", { by: e.recorded_by, at: ctx.fmtWhen(e.recorded_at) }) }))),
  );
  if (!f.statement.entries.length) $("fund-statement").append(el("tr", {}, el("td", { class: "idle", colSpan: 8, text: t("fund.empty") })));
}

async function load(ctx) {
  view.fund = await ctx.call("GET", base(ctx));
  render(ctx);
}

function wire(ctx) {
  const { $, t } = ctx;
  const run = (fn) => fn().catch((error) => ctx.fail(error));
  const onSubmit = (id, fn) => $(id).addEventListener("submit", (event) => {
    event.preventDefault();
    run(async () => {
      if ((await fn()) === false) return;
      await load(ctx);
    });
  });
  onSubmit("fund-contribution", async () => {
    await ctx.call("POST", `${base(ctx)}/contributions`, { member: $("fund-c-member").value, amount: $("fund-c-amount").value.trim() || null, month: $("fund-c-month").value || null });
    $("fund-c-amount").value = "";
    ctx.notify(t("fund.recorded"));
  });
  onSubmit("fund-collect", async () => {
    const month = $("fund-collect-month").value;
    const entries = await ctx.call("POST", `${base(ctx)}/collect`, { month });
    ctx.notify(t("fund.collected", { n: entries.length, month }));
  });
  onSubmit("fund-penalty", async () => {
    if (!$("fund-p-rule").value) return ctx.fail(t("fund.no_rules")) ?? false;
    await ctx.call("POST", `${base(ctx)}/penalties`, { member: $("fund-p-member").value, rule: $("fund-p-rule").value, note: $("fund-p-note").value.trim() });
    $("fund-p-note").value = "";
    ctx.notify(t("fund.recorded"));
  });
  onSubmit("fund-spending", async () => {
    await ctx.call("POST", `${base(ctx)}/spending`, { amount: $("fund-s-amount").value.trim(), description: $("fund-s-description").value.trim(), receipt: $("fund-s-receipt").value.trim() });
    for (const id of ["fund-s-amount", "fund-s-description", "fund-s-receipt"]) $(id).value = "";
    ctx.notify(t("fund.recorded"));
  });
  onSubmit("fund-reverse", async () => {
    await ctx.call("POST", `/api/v1/fund/entries/${enc($("fund-r-entry").value)}/reverse`, { reason: $("fund-r-reason").value.trim() });
    $("fund-r-reason").value = "";
    ctx.notify(t("fund.reversed"));
  });
  onSubmit("fund-settings", async () => {
    const member = toFen($("fund-member-amount").value);
    const leader = toFen($("fund-leader-amount").value);
    if (member === null || leader === null) return ctx.fail(t("fund.bad_amount")) ?? false;
    await ctx.call("PUT", `/api/v1/teams/${enc(ctx.team)}/recognition/rules`, { member_fen: member, leader_fen: leader });
    ctx.notify(t("fund.amounts_saved"));
  });
  onSubmit("fund-rule-form", async () => {
    const name = $("fund-rule-name").value.trim();
    await ctx.call("PUT", `${base(ctx)}/penalty-rules/${enc(name)}`, { amount: $("fund-rule-amount").value.trim() });
    $("fund-rule-name").value = "";
    $("fund-rule-amount").value = "";
  });
  $("fund-penalty-rules").addEventListener("click", (event) => {
    const button = event.target.closest("button.fund-rule-remove");
    if (!button) return;
    const name = button.closest("li[data-rule]").dataset.rule;
    run(async () => {
      await ctx.call("DELETE", `${base(ctx)}/penalty-rules/${enc(name)}`);
      await load(ctx);
    });
  });
}

export default {
  id: "fund",
  label: "tab.fund",
  dictionaries: {
    en: {
      "tab.fund": "Team fund",
      "fund.title": "Team fund",
      "fund.balance": "Balance: {amount} yuan",
      "fund.csv": "Download the statement (CSV)",
      "fund.record": "Record a movement",
      "fund.readonly": "Only the team leader and the fund keeper record movements.",
      "fund.member": "Member",
      "fund.amount": "Amount (yuan)",
      "fund.amount_default": "Amount (empty: the monthly amount)",
      "fund.month": "For month",
      "fund.contribute": "Record contribution",
      "fund.collect": "Collect the month",
      "fund.collected": "{n} contributions recorded for {month}.",
      "fund.rule": "Rule",
      "fund.note": "Note",
      "fund.penalise": "Record penalty",
      "fund.description": "What for",
      "fund.receipt": "Receipt note",
      "fund.spend": "Record spending",
      "fund.entry": "Entry",
      "fund.reason": "Why it was wrong",
      "fund.reverse": "Record correction",
      "fund.reversed": "Correction recorded: the entry is reversed.",
      "fund.recorded": "Recorded.",
      "fund.leader_option": "{user} (team leader)",
      "fund.rules": "The team's fund rules",
      "fund.member_amount": "Each member, monthly",
      "fund.leader_amount": "Each team leader, monthly",
      "fund.save_amounts": "Save amounts",
      "fund.amounts_saved": "Monthly amounts saved.",
      "fund.bad_amount": "Write amounts in yuan like 10 or 12.50.",
      "fund.rule_name": "Penalty rule",
      "fund.rule_save": "Save rule",
      "fund.rule_item": "{name}: {amount} yuan",
      "fund.rule_remove": "Remove",
      "fund.no_rules": "No penalty rules yet.",
      "fund.statement": "Statement",
      "fund.col.id": "#",
      "fund.col.day": "Day",
      "fund.col.kind": "Movement",
      "fund.col.member": "Member",
      "fund.col.amount": "Amount",
      "fund.col.balance": "Balance",
      "fund.col.details": "Details",
      "fund.col.by": "Recorded by",
      "fund.kind.contribution": "Contribution",
      "fund.kind.penalty": "Penalty",
      "fund.kind.spending": "Spending",
      "fund.kind.correction": "Correction",
      "fund.receipt_is": "receipt: {receipt}",
      "fund.reverses": "reverses #{id}",
      "fund.reversed_by": "reversed by #{id}",
      "fund.by": "{by}, {at}",
      "fund.empty": "No movements yet.",
    },
    zh: {
      "tab.fund": "班费",
      "fund.title": "班组基金",
      "fund.balance": "余额：{amount} 元",
      "fund.csv": "下载明细（CSV）",
      "fund.record": "登记收支",
      "fund.readonly": "只有班长和基金管理员可以登记收支。",
      "fund.member": "组员",
      "fund.amount": "金额（元）",
      "fund.amount_default": "金额（留空：按月度标准）",
      "fund.month": "所属月份",
      "fund.contribute": "登记缴费",
      "fund.collect": "收取当月班费",
      "fund.collected": "已登记 {month} 的 {n} 笔缴费。",
      "fund.rule": "规则",
      "fund.note": "备注",
      "fund.penalise": "登记罚款",
      "fund.description": "用途",
      "fund.receipt": "票据说明",
      "fund.spend": "登记支出",
      "fund.entry": "记录",
      "fund.reason": "错误原因",
      "fund.reverse": "登记冲正",
      "fund.reversed": "已登记冲正：该记录已冲销。",
      "fund.recorded": "已登记。",
      "fund.leader_option": "{user}（班长）",
      "fund.rules": "班组基金规则",
      "fund.member_amount": "每位组员每月",
      "fund.leader_amount": "每位班长每月",
      "fund.save_amounts": "保存标准",
      "fund.amounts_saved": "月度标准已保存。",
      "fund.bad_amount": "金额请按元填写，如 10 或 12.50。",
      "fund.rule_name": "罚款规则",
      "fund.rule_save": "保存规则",
      "fund.rule_item": "{name}：{amount} 元",
      "fund.rule_remove": "删除",
      "fund.no_rules": "还没有罚款规则。",
      "fund.statement": "收支明细",
      "fund.col.id": "编号",
      "fund.col.day": "日期",
      "fund.col.kind": "类型",
      "fund.col.member": "组员",
      "fund.col.amount": "金额",
      "fund.col.balance": "余额",
      "fund.col.details": "说明",
      "fund.col.by": "登记人",
      "fund.kind.contribution": "缴费",
      "fund.kind.penalty": "罚款",
      "fund.kind.spending": "支出",
      "fund.kind.correction": "冲正",
      "fund.receipt_is": "票据：{receipt}",
      "fund.reverses": "冲销 #{id}",
      "fund.reversed_by": "已被 #{id} 冲销",
      "fund.by": "{by}，{at}",
      "fund.empty": "暂无收支记录。",
    },
  },
  mount(panel, ctx) {
    build(panel, ctx);
    ctx.$("fund-c-month").value = ctx.thisMonth();
    ctx.$("fund-collect-month").value = ctx.thisMonth();
    wire(ctx);
  },
  async show(ctx) {
    await load(ctx);
  },
};
