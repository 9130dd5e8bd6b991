// Every word the agent desktop shows, in English and Simplified Chinese.
// Keys are flat strings; "{name}" placeholders are filled by t(key, {name: ...}).
// Labels that come from the server (pause reasons, outcomes) are already in the user's language.

export const dictionaries = {
  en: {
    "app.name": "Branchline",
    "loading": "Connecting…",

    "signin.title": "Sign in to the agent desktop",
    "signin.username": "User name",
    "signin.password": "Password",
    "signin.submit": "Sign in",
    "signin.missing": "Enter your user name and password.",
    "signin.session_ended": "Your session has ended. Please sign in again.",

    "seat.title": "Choose your seat",
    "seat.help": "Your desk phone rings for calls while you are signed in to its seat.",
    "seat.label": "Seat",
    "seat.submit": "Sign in to this seat",
    "seat.none_free": "No seat is free. Ask your team leader.",
    "seat.taken_by": "{seat} — taken by {agent}",
    "seat.yours": "{seat} (your seat)",

    "noagent.title": "No agent for this account",
    "noagent.text": "The agent desktop is for agents. Ask the branch admin to link your account to an agent.",

    "header.seat": "Seat {seat}",
    "header.no_seat": "No seat",
    "header.leave_seat": "Leave seat",
    "header.sign_out": "Sign out",
    "header.phone_not_ok": "Phone not connected: calls cannot reach you",
    "header.busy_title": "Finish the call and the wrap-up first",

    "status.logged_out": "Signed out",
    "status.ready": "Ready",
    "status.paused": "Not ready",
    "status.ringing": "Ringing",
    "status.on_call": "On a call",
    "status.wrapup": "Wrap-up",
    "status.phone_unreachable": "Phone unreachable",

    "reason.login": "Just signed in",
    "reason.missed": "Missed a call",

    "action.ready": "Ready",
    "action.not_ready": "Not ready",
    "action.pause_reason": "Reason for not ready",
    "action.hold": "Hold",
    "action.resume": "Resume",
    "action.hangup": "Hang up",
    "action.transfer": "Transfer",
    "action.answer": "Answer",
    "action.consult": "Consult first",
    "action.consult_complete": "Complete transfer",
    "action.consult_cancel": "Back to caller",
    "consult.ringing": "Calling {target}… the caller hears music",
    "consult.talking": "Talking to {target}; the caller is on hold",

    "ws.reconnecting": "Reconnecting…",

    "call.title_none": "Caller",
    "call.title_ringing": "Incoming call",
    "call.title_talking": "On a call",
    "call.title_held": "On hold",
    "call.idle": "No call. The next caller appears here as soon as your phone rings.",
    "call.unknown_customer": "Unknown caller",
    "call.withheld": "Number withheld",
    "call.customer_ref": "Customer no.",
    "call.language": "Language",
    "call.queue": "Queue",
    "call.waited": "Waited",
    "call.ivr_path": "Menu path",
    "call.ivr_none": "No menu steps",
    "call.digits": "Digits",
    "call.none": "—",

    "lang.en": "English",
    "lang.zh": "Chinese",

    "tier.vip": "VIP",
    "tier.premier": "Premier",
    "tier.private": "Private banking",
    "tier.gold": "Gold",
    "tier.standard": "Standard",

    "transfer.label": "Transfer to",
    "transfer.kind_queue": "Queue",
    "transfer.kind_agent": "Agent",
    "transfer.kind_number": "Number",
    "transfer.choose_queue": "Choose a queue…",
    "transfer.choose_agent": "Choose an agent…",
    "transfer.number_placeholder": "Phone number",
    "transfer.agent_option": "{name} — {status}",

    "history.title": "Previous contacts",
    "history.date": "Date",
    "history.agent": "Agent",
    "history.disposition": "Outcome",
    "history.fcr": "FCR",
    "history.notes": "Notes",
    "history.none": "No previous contacts.",
    "history.yes": "Yes",
    "history.no": "No",

    "wrapup.title": "Wrap-up",
    "wrapup.idle": "Nothing to wrap up.",
    "wrapup.disposition": "Outcome",
    "wrapup.choose": "Choose an outcome…",
    "wrapup.notes": "Notes",
    "wrapup.fcr": "Resolved on this call (FCR)",
    "wrapup.callback_at": "Call back at (optional)",
    "wrapup.callback_number": "Callback number",
    "wrapup.submit": "Finish wrap-up",
    "wrapup.time_left": "{time} left",
    "wrapup.overtime": "{time} over",
    "wrapup.hint_choose": "Choose an outcome first.",
    "wrapup.hint_number": "Enter the number to call back.",
    "wrapup.about": "Call from {caller}",
    "wrapup.about_customer": "Call from {caller} · {name}",

    "callbacks.title": "Callbacks",
    "callbacks.due": "Due",
    "callbacks.who": "Customer",
    "callbacks.queue": "Queue",
    "callbacks.status": "Status",
    "callbacks.dial": "Dial",
    "callbacks.none": "No callbacks.",
    "callbacks.any_time": "Any time",
    "callbacks.attempts": "tried {n}×",
    "callbacks.source_ivr": "asked in the menu",
    "callbacks.source_queue": "left the queue",
    "callbacks.source_agent": "booked by an agent",
    "callbacks.status_pending": "Waiting",
    "callbacks.status_scheduled": "Scheduled",
    "callbacks.status_dialing": "Dialling",
    "callbacks.status_dialling": "Dialling",
    "callbacks.status_done": "Done",
    "callbacks.status_completed": "Done",
    "callbacks.status_failed": "Failed",
    "callbacks.status_cancelled": "Cancelled",
    "callbacks.status_no_answer": "No answer",

    "myday.title": "My day",
    "myday.calls_handled": "Calls handled",
    "myday.calls_per_hour": "Calls per hour",
    "myday.average_handle": "Average handle time",
    "myday.fcr_rate": "Resolved first time",
    "myday.satisfaction": "Satisfaction",
    "myday.utilisation": "Utilisation",
    "myday.signed_in": "Signed in",
    "myday.states": "Time by state",
    "myday.per_hour": "{n} /h",
    "myday.of_five": "{n} / 5",
    "myday.none": "—",
    "myday.loading": "Loading…",

    "queues.title": "My queues",
    "queues.name": "Queue",
    "queues.waiting": "Waiting",
    "queues.longest": "Longest",
    "queues.ready": "Ready",
    "queues.none": "No queues.",

    "notices.title": "Notices",
    "notices.ack": "Acknowledge",
    "notices.acked": "Acknowledged",
    "notices.none": "No notices.",
    "notices.by": "{author} · {at}",

    "keys.title": "Keys:",
    "keys.ready": "ready",
    "keys.not_ready": "not ready (selected reason)",
    "keys.answer": "answer",
    "keys.hold": "hold / resume",
    "keys.hangup": "hang up",
    "keys.wrapup": "finish wrap-up",

    "error.close": "Close",
    "error.network": "The server cannot be reached. Check the network and try again.",
    "error.http": "The server answered with an error ({status}).",

    "evals.open_button": "My evaluations",
    "evals.title": "My evaluations",
    "evals.highlights": "Team highlights",
    "evals.close": "Close",
    "evals.none": "No evaluations yet.",
    "evals.fatal": "Fatal error",
    "evals.by": "{evaluator} · {at}",
    "evals.details": "Per criterion",
    "evals.na": "N/A",
    "evals.pass": "Pass",
    "evals.fail": "Fail",
    "evals.points": "{n} / {of}",
    "evals.ack": "Acknowledge",
    "evals.dispute": "Dispute",
    "evals.dispute_placeholder": "Why do you disagree?",
    "evals.dispute_missing": "Write why you disagree first.",
    "evals.your_comment": "Your dispute: {comment}",
    "evals.response": "Answer from {user}: {response}",
    "evals.status_open": "New",
    "evals.status_acknowledged": "Acknowledged",
    "evals.status_disputed": "Disputed",
    "evals.status_answered": "Answered",
  },

  zh: {
    "app.name": "Branchline",
    "loading": "正在连接…",

    "signin.title": "登录坐席工作台",
    "signin.username": "用户名",
    "signin.password": "密码",
    "signin.submit": "登录",
    "signin.missing": "请输入用户名和密码。",
    "signin.session_ended": "登录已失效，请重新登录。",

    "seat.title": "选择工位",
    "seat.help": "签入工位后，来电会振铃该工位的话机。",
    "seat.label": "工位",
    "seat.submit": "签入此工位",
    "seat.none_free": "没有空闲工位，请联系班长。",
    "seat.taken_by": "{seat} — {agent} 正在使用",
    "seat.yours": "{seat}（您的工位）",

    "noagent.title": "此账号没有关联坐席",
    "noagent.text": "坐席工作台供坐席使用。请联系网点管理员为您的账号关联坐席。",

    "header.seat": "工位 {seat}",
    "header.no_seat": "未签入工位",
    "header.leave_seat": "签出工位",
    "header.sign_out": "退出登录",
    "header.phone_not_ok": "话机未连接：来电无法接通",
    "header.busy_title": "请先结束通话和话后整理",

    "status.logged_out": "已签出",
    "status.ready": "空闲",
    "status.paused": "示忙",
    "status.ringing": "振铃",
    "status.on_call": "通话中",
    "status.wrapup": "话后整理",
    "status.phone_unreachable": "话机失联",

    "reason.login": "刚签入",
    "reason.missed": "未接来电",

    "action.ready": "置闲",
    "action.not_ready": "示忙",
    "action.pause_reason": "示忙原因",
    "action.hold": "保持",
    "action.resume": "恢复通话",
    "action.hangup": "挂断",
    "action.transfer": "转接",
    "action.answer": "接听",
    "action.consult": "先咨询",
    "action.consult_complete": "完成转接",
    "action.consult_cancel": "回到来电",
    "consult.ringing": "正在呼叫 {target}…来电方在听等待音乐",
    "consult.talking": "正与 {target} 通话，来电方保持中",

    "ws.reconnecting": "正在重新连接…",

    "call.title_none": "来电",
    "call.title_ringing": "来电振铃",
    "call.title_talking": "通话中",
    "call.title_held": "保持中",
    "call.idle": "暂无来电。话机振铃时，来电信息会立即显示在这里。",
    "call.unknown_customer": "未识别客户",
    "call.withheld": "号码未显示",
    "call.customer_ref": "客户号",
    "call.language": "语言",
    "call.queue": "队列",
    "call.waited": "排队时长",
    "call.ivr_path": "菜单路径",
    "call.ivr_none": "未经过菜单",
    "call.digits": "按键",
    "call.none": "—",

    "lang.en": "英语",
    "lang.zh": "中文",

    "tier.vip": "贵宾",
    "tier.premier": "尊享",
    "tier.private": "私人银行",
    "tier.gold": "金卡",
    "tier.standard": "普通",

    "transfer.label": "转接至",
    "transfer.kind_queue": "队列",
    "transfer.kind_agent": "坐席",
    "transfer.kind_number": "号码",
    "transfer.choose_queue": "选择队列…",
    "transfer.choose_agent": "选择坐席…",
    "transfer.number_placeholder": "电话号码",
    "transfer.agent_option": "{name} — {status}",

    "history.title": "历史联络",
    "history.date": "日期",
    "history.agent": "坐席",
    "history.disposition": "处理结果",
    "history.fcr": "首问解决",
    "history.notes": "备注",
    "history.none": "无历史联络。",
    "history.yes": "是",
    "history.no": "否",

    "wrapup.title": "话后整理",
    "wrapup.idle": "暂无需要整理的通话。",
    "wrapup.disposition": "处理结果",
    "wrapup.choose": "请选择处理结果…",
    "wrapup.notes": "备注",
    "wrapup.fcr": "本次通话已解决（首问解决）",
    "wrapup.callback_at": "回电时间（可选）",
    "wrapup.callback_number": "回电号码",
    "wrapup.submit": "完成整理",
    "wrapup.time_left": "剩余 {time}",
    "wrapup.overtime": "超时 {time}",
    "wrapup.hint_choose": "请先选择处理结果。",
    "wrapup.hint_number": "请输入回电号码。",
    "wrapup.about": "来电 {caller}",
    "wrapup.about_customer": "来电 {caller} · {name}",

    "callbacks.title": "回电",
    "callbacks.due": "预约时间",
    "callbacks.who": "客户",
    "callbacks.queue": "队列",
    "callbacks.status": "状态",
    "callbacks.dial": "拨打",
    "callbacks.none": "暂无回电。",
    "callbacks.any_time": "随时",
    "callbacks.attempts": "已拨 {n} 次",
    "callbacks.source_ivr": "菜单中预约",
    "callbacks.source_queue": "排队时预约",
    "callbacks.source_agent": "坐席预约",
    "callbacks.status_pending": "待回电",
    "callbacks.status_scheduled": "已预约",
    "callbacks.status_dialing": "拨打中",
    "callbacks.status_dialling": "拨打中",
    "callbacks.status_done": "已完成",
    "callbacks.status_completed": "已完成",
    "callbacks.status_failed": "失败",
    "callbacks.status_cancelled": "已取消",
    "callbacks.status_no_answer": "无人接听",

    "myday.title": "我的今日",
    "myday.calls_handled": "接听量",
    "myday.calls_per_hour": "每小时接听",
    "myday.average_handle": "平均处理时长",
    "myday.fcr_rate": "首问解决率",
    "myday.satisfaction": "满意度",
    "myday.utilisation": "工时利用率",
    "myday.signed_in": "签入时长",
    "myday.states": "各状态时长",
    "myday.per_hour": "{n} 通/小时",
    "myday.of_five": "{n} / 5",
    "myday.none": "—",
    "myday.loading": "加载中…",

    "queues.title": "我的队列",
    "queues.name": "队列",
    "queues.waiting": "排队",
    "queues.longest": "最长等待",
    "queues.ready": "空闲坐席",
    "queues.none": "暂无队列。",

    "notices.title": "通知",
    "notices.ack": "已阅",
    "notices.acked": "已确认",
    "notices.none": "暂无通知。",
    "notices.by": "{author} · {at}",

    "keys.title": "快捷键：",
    "keys.ready": "置闲",
    "keys.not_ready": "示忙（所选原因）",
    "keys.answer": "接听",
    "keys.hold": "保持 / 恢复",
    "keys.hangup": "挂断",
    "keys.wrapup": "完成整理",

    "error.close": "关闭",
    "error.network": "无法连接服务器，请检查网络后重试。",
    "error.http": "服务器返回错误（{status}）。",

    "evals.open_button": "我的质检",
    "evals.title": "我的质检结果",
    "evals.highlights": "班组优秀录音",
    "evals.close": "关闭",
    "evals.none": "暂无质检结果。",
    "evals.fatal": "致命错误",
    "evals.by": "{evaluator} · {at}",
    "evals.details": "逐项结果",
    "evals.na": "不适用",
    "evals.pass": "通过",
    "evals.fail": "不通过",
    "evals.points": "{n} / {of}",
    "evals.ack": "确认",
    "evals.dispute": "提出异议",
    "evals.dispute_placeholder": "请说明异议理由",
    "evals.dispute_missing": "请先填写异议理由。",
    "evals.your_comment": "我的异议：{comment}",
    "evals.response": "{user} 的答复：{response}",
    "evals.status_open": "待确认",
    "evals.status_acknowledged": "已确认",
    "evals.status_disputed": "有异议",
    "evals.status_answered": "已答复",
  },
};

export const LANGUAGES = ["en", "zh"];
const STORAGE_KEY = "branchline.desktop.language";

let current = initialLanguage();

function initialLanguage() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (LANGUAGES.includes(saved)) return saved;
  } catch {
    // Storage may be unavailable (private mode); fall back to the browser's language.
  }
  return (navigator.language || "").toLowerCase().startsWith("zh") ? "zh" : "en";
}

export function getLanguage() {
  return current;
}

/** Switches the dictionary, sets <html lang> and rewrites every static label. */
export function setLanguage(lang) {
  current = LANGUAGES.includes(lang) ? lang : "en";
  try {
    localStorage.setItem(STORAGE_KEY, current);
  } catch {
    // Not remembered across reloads; the server's Me.language wins after sign-in anyway.
  }
  document.documentElement.lang = current === "zh" ? "zh-CN" : "en";
  applyStatic(document);
  return current;
}

export function has(key) {
  return Object.prototype.hasOwnProperty.call(dictionaries[current], key);
}

/** The text for key in the current language, with {placeholders} filled from vars. */
export function t(key, vars) {
  let text = dictionaries[current][key];
  if (text === undefined) text = dictionaries.en[key];
  if (text === undefined) {
    console.warn(`i18n: no text for ${key}`);
    return key;
  }
  if (vars) text = text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
  return text;
}

/** t(key) when the dictionary has it, otherwise the fallback (for values named by the server). */
export function tOr(key, fallback) {
  return has(key) ? t(key) : fallback;
}

/** Fills elements marked data-i18n (text), data-i18n-placeholder, data-i18n-title, data-i18n-aria-label. */
export function applyStatic(root) {
  for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll("[data-i18n-placeholder]")) node.placeholder = t(node.dataset.i18nPlaceholder);
  for (const node of root.querySelectorAll("[data-i18n-title]")) node.title = t(node.dataset.i18nTitle);
  for (const node of root.querySelectorAll("[data-i18n-aria-label]")) {
    node.setAttribute("aria-label", t(node.dataset.i18nAriaLabel));
  }
  if (root === document) document.title = t("app.name");
}
