// The team page's own words in English and Simplified Chinese (flat keys, {placeholders}). Each
// tab module brings its own dictionaries; the shell (team.js) merges them in here when it loads
// them, so one translator serves the whole page.

import { makeI18n } from "/desktop/translate.js";

export const dictionaries = {
  en: {
    "app.name": "Branchline team",
    "loading": "Connecting…",
    "signin.title": "Sign in to the team page",
    "signin.username": "User name",
    "signin.password": "Password",
    "signin.submit": "Sign in",
    "signin.missing": "Enter your user name and password.",
    "signin.session_ended": "Your session has ended. Please sign in again.",
    "header.sign_out": "Sign out",
    "header.user": "{user} · {role}",
    "header.team": "Team",
    "header.no_team": "No team",
    "role.agent": "Agent",
    "role.team_leader": "Team leader",
    "role.supervisor": "Supervisor",
    "role.admin": "Admin",
    "error.close": "Close",
    "error.network": "The server cannot be reached. Check the network and try again.",
    "error.http": "The server answered with an error ({status}).",
    "error.module": "This tab could not be loaded ({tab}). Reload the page; if it stays, tell the administrator.",
    "none": "—",
    "coming": "Coming soon.",
    "agent.title": "This page is for team leaders",
    "agent.text": "Your team's KPIs, plans, coaching and team life are in the My team button of your desktop.",
    "agent.link": "Open the desktop",
    "team.none": "You lead no team yet: ask the administrator to make you a team's leader.",
    "team.pick": "Choose a team in the Team list.",
    "nav.tabs": "Team page sections",
    "nav.desktop": "Desktop",
    "nav.supervisor": "Supervision",
  },
  zh: {
    "app.name": "Branchline 班组",
    "loading": "正在连接…",
    "signin.title": "登录班组页面",
    "signin.username": "用户名",
    "signin.password": "密码",
    "signin.submit": "登录",
    "signin.missing": "请输入用户名和密码。",
    "signin.session_ended": "登录已失效，请重新登录。",
    "header.sign_out": "退出登录",
    "header.user": "{user} · {role}",
    "header.team": "班组",
    "header.no_team": "无班组",
    "role.agent": "坐席",
    "role.team_leader": "班长",
    "role.supervisor": "主管",
    "role.admin": "管理员",
    "error.close": "关闭",
    "error.network": "无法连接服务器，请检查网络后重试。",
    "error.http": "服务器返回错误（{status}）。",
    "error.module": "该页签无法加载（{tab}）。请刷新页面；如仍不行，请联系管理员。",
    "none": "—",
    "coming": "即将推出。",
    "agent.title": "本页面供班长使用",
    "agent.text": "您班组的指标、改进计划、辅导和班组活动都在坐席桌面的“我的班组”按钮里。",
    "agent.link": "打开坐席桌面",
    "team.none": "您还没有负责的班组：请管理员把您设为某个班组的班长。",
    "team.pick": "请在“班组”列表中选择一个班组。",
    "nav.tabs": "班组页面栏目",
    "nav.desktop": "坐席桌面",
    "nav.supervisor": "现场监控",
  },
};

export const { t, tOr, has, getLanguage, setLanguage, applyStatic } = makeI18n(dictionaries);

/** Adds a tab module's words; the page's own keys are never replaced by a module's. */
export function mergeDictionaries(extra) {
  for (const lang of ["en", "zh"]) {
    for (const [key, text] of Object.entries(extra?.[lang] || {})) {
      if (!(key in dictionaries[lang])) dictionaries[lang][key] = text;
    }
  }
}
