"""The team page (web/static/team) and the desktop's My team modules (web/static/desktop/team) in
headless Chromium: without a server they load cleanly to the sign-in form in either language,
every tab module loads, and each dictionary has every word in both languages with the same
{placeholders} and every key the code uses. Against the real server: a team leader gets every tab
without console errors and switches language, a supervisor picks the team, an agent is sent to
the desktop (docs/teams.md, "The team page and the desktop's My team")."""

from __future__ import annotations

import re

import pytest

from tests.support.branch import Branch, Server
from tests.support.browser import STATIC_ROOT, console_errors, new_page, serve_directory, sign_in_page
from tests.support.desktop import add_user

CJK = re.compile(r"[\u4e00-\u9fff]")
TEAM = STATIC_ROOT / "team"
MY_TEAM = STATIC_ROOT / "desktop" / "team"
USED = re.compile(r'\bt(?:Or)?\(\s*"([^"]+)"')
MARKUP = re.compile(r'data-i18n(?:-placeholder|-title|-aria-label)?"?\s*[:=]\s*"([^"]+)"')


@pytest.fixture(scope="module")
def static_url():
    with serve_directory(STATIC_ROOT) as url:
        yield url


@pytest.fixture
def open_static(browser, static_url):
    pages = []

    def open_(path: str, ready: str, viewport: tuple[int, int] = (1366, 768)):
        page = new_page(browser, static_url, viewport=viewport)
        pages.append(page)
        page.goto(path)
        page.evaluate(f"() => window.{ready}")
        return page

    yield open_
    for page in pages:
        page.context.close()


def tab_ids(page, shell: str, name: str) -> list[str]:
    return page.evaluate("async ([m, n]) => (await import(m))[n]", [shell, name])


def module_dictionaries(page, url: str) -> dict:
    return page.evaluate(
        "async (m) => { const d = (await import(m)).default; return {id: d.id, label: d.label, en: d.dictionaries.en, zh: d.dictionaries.zh}; }",
        url)


def check_parity(en: dict, zh: dict, where: str) -> None:
    assert sorted(set(en) ^ set(zh)) == [], where
    assert [k for k, v in {**en, **zh}.items() if not isinstance(v, str) or not v.strip()] == [], where
    for key, text in en.items():  # the same {placeholders} in both languages
        assert sorted(re.findall(r"\{\w+\}", text)) == sorted(re.findall(r"\{\w+\}", zh[key])), f"{where}: {key}"


# ---------------------------------------------------------------- without a server


def test_team_page_loads_to_the_sign_in_form_in_either_language(open_static):
    page = open_static("/team/", "__teamReady")
    page.wait_for_selector("#signin-form", state="visible")
    assert page.inner_text("#btn-signin") == "Sign in"
    assert page.locator("#tabs").is_hidden()
    page.click("#lang-switch [data-lang=zh]")
    page.wait_for_function("document.documentElement.lang === 'zh-CN'")
    assert page.inner_text("#btn-signin") == "登录"
    assert CJK.search(page.inner_text("#signin-form"))
    assert console_errors(page, ignore_failed_api=True) == []


def test_every_team_tab_module_loads(open_static):
    page = open_static("/team/", "__teamReady")
    tabs = page.evaluate("() => window.__teamTabs()")
    assert list(tabs) == tab_ids(page, "/team/team.js", "TABS")
    assert {"overview", "followup", "huddles", "meetings", "coaching", "training", "recognition", "activities", "fund",
            "announcements"} <= set(tabs)
    assert {tab: why for tab, why in tabs.items() if why != "ok"} == {}
    assert console_errors(page, ignore_failed_api=True) == []


def test_team_page_words_in_both_languages_and_every_key_used_exists(open_static):
    page = open_static("/team/", "__teamReady")
    shell = page.evaluate("async () => { const d = (await import('/team/i18n.js')).dictionaries; return {en: d.en, zh: d.zh}; }")
    # The shell's own words (before any module's are merged in: the page is not signed in).
    check_parity(shell["en"], shell["zh"], "team/i18n.js")
    shell_used = set(MARKUP.findall((TEAM / "index.html").read_text(encoding="utf-8")))
    for path in (TEAM / "team.js", TEAM / "core.js", STATIC_ROOT / "desktop" / "bars.js"):  # bars.js: core.js's error bar
        shell_used |= set(USED.findall(path.read_text(encoding="utf-8")))
    assert shell_used and sorted(shell_used - set(shell["en"])) == []
    for tab in tab_ids(page, "/team/team.js", "TABS"):
        d = module_dictionaries(page, f"/team/{tab}.js")
        assert d["id"] == tab
        check_parity(d["en"], d["zh"], f"team/{tab}.js")
        known = set(shell["en"]) | set(d["en"])
        assert d["label"] in d["en"], tab
        source = (TEAM / f"{tab}.js").read_text(encoding="utf-8")
        used = set(USED.findall(source)) | set(MARKUP.findall(source))
        assert sorted(used - known) == [], tab
    assert console_errors(page, ignore_failed_api=True) == []


def test_my_team_modules_words_in_both_languages_and_every_key_used_exists(open_static):
    page = open_static("/desktop/", "__desktopReady")
    desktop = page.evaluate("async () => { const d = (await import('/desktop/i18n.js')).dictionaries; return {en: d.en, zh: d.zh}; }")
    tabs = tab_ids(page, "/desktop/team/panel.js", "TEAM_TABS")
    assert {"mykpis", "myplan", "development", "teamlife"} <= set(tabs)
    panel_used = set(USED.findall((MY_TEAM / "panel.js").read_text(encoding="utf-8")))
    assert sorted(panel_used - set(desktop["en"])) == []
    for tab in tabs:
        d = module_dictionaries(page, f"/desktop/team/{tab}.js")
        assert d["id"] == tab
        check_parity(d["en"], d["zh"], f"desktop/team/{tab}.js")
        assert d["label"] in d["en"], tab
        source = (MY_TEAM / f"{tab}.js").read_text(encoding="utf-8")
        used = set(USED.findall(source)) | set(MARKUP.findall(source))
        assert sorted(used - set(desktop["en"]) - set(d["en"])) == [], tab
        has_badge = page.evaluate("async (m) => typeof (await import(m)).default.badge === 'function'", f"/desktop/team/{tab}.js")
        assert has_badge, tab
    assert console_errors(page, ignore_failed_api=True) == []


# ---------------------------------------------------------------- against the real server


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """Team tellers (ann, squad east led by ann) led by tess, team loans (bob); sam a supervisor,
    alice the agent ann."""
    branch = Branch(tmp_path_factory.mktemp("team-page"))
    branch.init()
    for agent, name, team in (("ann", "Ann Lee", "tellers"), ("bob", "Bob Wu", "loans")):
        branch.cli("agent", "add", agent, "--name", name)
        branch.cli("team", "add", team)
        branch.cli("team", "assign", agent, team)
    branch.cli("team", "squad", "add", "tellers", "east", "--leader", "ann")
    passwords = {
        "tess": add_user(branch, "tess", "team_leader", team="tellers"),
        "sam": add_user(branch, "sam", "supervisor"),
        "alice": add_user(branch, "alice", "agent", agent="ann"),
    }
    server = Server(branch).start()
    try:
        yield server, passwords
    finally:
        server.stop()


@pytest.fixture
def signed_in(browser, served):
    server, passwords = served
    pages = []

    def open_(username: str, viewport: tuple[int, int] = (1366, 768)):
        page = new_page(browser, server.url, viewport=viewport)
        pages.append(page)
        sign_in_page(page, "/team/", username, passwords[username])
        return page

    yield open_
    for page in pages:
        page.context.close()


def fits(page, width: int) -> list[str]:
    """Header, tabs and the shown panel inside the viewport's width, and no page scrolling sideways."""
    return page.evaluate(
        """(width) => {
          const problems = [];
          for (const sel of ['#topbar', '#tabs', '#team-box', '#lang-switch', '#btn-signout', '.tabpanel:not([hidden])']) {
            const node = document.querySelector(sel);
            if (!node) { problems.push(`${sel}: missing`); continue; }
            const box = node.getBoundingClientRect();
            if (box.right > width + 0.5 || box.width === 0) problems.push(`${sel}: ${JSON.stringify(box)}`);
          }
          if (document.documentElement.scrollWidth > width) problems.push('the page scrolls sideways');
          return problems;
        }""", width)


@pytest.mark.parametrize("viewport", [(1366, 768), (1920, 1080)])
def test_a_team_leader_gets_every_tab_without_console_errors(signed_in, viewport):
    page = signed_in("tess", viewport)
    page.wait_for_selector("#panel-overview [data-agent-id=ann]")
    assert page.inner_text("#team-name") == "tellers" and page.locator("#team-picker").is_hidden()
    assert "Squad east" in page.inner_text("#overview-team")
    for tab in page.evaluate("() => [...document.querySelectorAll('#tabs button')].map(b => b.dataset.tab)"):
        page.click(f"#tab-{tab}")
        page.wait_for_selector(f"#panel-{tab}", state="visible")
        assert page.evaluate("() => location.hash") == f"#{tab}"
        assert page.get_attribute(f"#tab-{tab}", "aria-selected") == "true"
        page.wait_for_timeout(150)  # the tab's show() has run its calls
        assert page.locator("#panel-" + tab + " [data-testid=tab-error]").count() == 0, tab
        assert fits(page, viewport[0]) == [], tab
    page.click("#tab-followup")
    page.wait_for_selector("#kpi-table tr.total")
    assert page.locator("#error-bar").is_hidden(), page.inner_text("#error-bar")
    assert fits(page, viewport[0]) == []
    assert console_errors(page, ignore_failed_api=True) == []


def test_the_language_switch_and_the_tab_in_the_address_survive_a_reload(signed_in):
    page = signed_in("tess")
    page.click("#tab-followup")
    page.wait_for_selector("#kpi-table tr.total")
    page.click("#lang-switch [data-lang=zh]")
    page.wait_for_function("document.documentElement.lang === 'zh-CN'")
    page.wait_for_function("document.querySelector('#tab-overview').textContent === '班组'")
    assert page.inner_text("#tab-followup") == "指标与跟进"
    assert CJK.search(page.inner_text("#panel-followup"))
    page.reload()
    page.wait_for_selector("#kpi-table tr.total")
    assert page.get_attribute("#tab-followup", "aria-selected") == "true"
    assert page.inner_text("#tab-followup") == "指标与跟进"
    page.click("#lang-switch [data-lang=en]")
    page.wait_for_function("document.querySelector('#tab-followup').textContent === 'KPIs and follow-up'")
    assert console_errors(page, ignore_failed_api=True) == []


def test_a_supervisor_picks_the_team(signed_in):
    page = signed_in("sam")
    page.wait_for_selector("#team-picker", state="visible")
    assert page.eval_on_selector_all("#team-picker option", "os => os.map(o => o.value)") == ["loans", "tellers"]
    page.select_option("#team-picker", "loans")
    page.wait_for_selector("#panel-overview [data-agent-id=bob]")
    assert page.locator("#panel-overview [data-agent-id=ann]").count() == 0
    page.select_option("#team-picker", "tellers")
    page.wait_for_selector("#panel-overview [data-agent-id=ann]")
    page.reload()  # the choice is remembered
    page.wait_for_selector("#panel-overview [data-agent-id=ann]")
    assert page.input_value("#team-picker") == "tellers"
    assert console_errors(page, ignore_failed_api=True) == []


def test_an_agent_is_sent_to_the_desktop(signed_in):
    page = signed_in("alice")
    page.wait_for_selector("[data-testid=agent-message]", state="visible")
    assert page.get_attribute("[data-testid=agent-desktop-link]", "href") == "/desktop/"
    assert page.locator("#tabs").is_hidden()
    assert console_errors(page, ignore_failed_api=True) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_my_team_button_and_my_day_line_fit_the_desktop_at_1366x768(open_static, lang):
    from tests.browser import samples
    from tests.browser.test_page_assets import ON_SCREEN, layout_problems

    page = open_static("/desktop/", "__desktopReady")
    if lang == "zh":
        page.click("#lang-switch [data-lang=zh]")
        page.wait_for_function("document.documentElement.lang === 'zh-CN'")
    shown = page.evaluate("([d, o]) => window.__renderDesktopForTest(d, o)", [samples.desktop(lang=lang), {"myday": samples.myday()}])
    assert shown["view"] == "desktop"
    # As a signed-in agent with things waiting sees them: the badge and the line under My day.
    page.evaluate(
        """() => {
          document.querySelector('#btn-my-team').hidden = false;
          document.querySelector('#myteam-count').textContent = '3';
          const line = document.querySelector('#myday-team');
          line.hidden = false;
          line.innerHTML = '<button type="button" class="link small">Off target this month: Adherence, Average handle time</button>';
        }""")
    assert layout_problems(page, [*ON_SCREEN, "#btn-my-team", "#myteam-count"]) == []
    assert console_errors(page, ignore_failed_api=True) == []


def test_the_roster_week_and_a_swap_approved_on_the_team_page(browser, tmp_path):
    from datetime import date, timedelta

    branch = Branch(tmp_path)
    branch.init()
    for agent, name in (("ann", "Ann Lee"), ("bob", "Bob Wu")):
        branch.cli("agent", "add", agent, "--name", name)
        branch.cli("team", "add", "tellers", check=False)
        branch.cli("team", "assign", agent, "tellers")
    branch.cli("shift", "add", "day", "--starts", "08:30", "--ends", "17:00", "--break-minutes", "60")
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    branch.cli("roster", "set", tomorrow, "ann", "day")
    branch.cli("swap", "request", tomorrow, "ann", "bob", "--reason", "Dentist")
    password = add_user(branch, "tess", "team_leader", team="tellers")
    server = Server(branch).start()
    try:
        page = new_page(browser, server.url)
        sign_in_page(page, "/team/", "tess", password)
        swap = page.locator("#swaps li")
        swap.wait_for(timeout=10000)
        assert "Ann Lee (ann) gives the shift to Bob Wu (bob)" in swap.inner_text() and "Dentist" in swap.inner_text()
        assert page.inner_text("#swaps-count") == "1"
        assert page.inner_text(f"#roster tr[data-agent-id=ann] td[data-day='{tomorrow}']") == "day 08:30–17:00"
        swap.locator(".btn-approve").click()
        page.wait_for_selector("#swaps-empty", state="visible", timeout=10000)
        assert f"Swap on {tomorrow} approved." in page.inner_text("#notice-bar")
        # Ann's shift struck through; Bob works it for her.
        page.wait_for_selector(f"#roster tr[data-agent-id=ann] td[data-day='{tomorrow}'] s")
        assert "day for ann" in page.inner_text(f"#roster tr[data-agent-id=bob] td[data-day='{tomorrow}']")
        # A shift set on the page.
        page.fill("#shift-day", tomorrow)
        page.fill("#shift-agent", "ann")
        page.fill("#shift-name", "nope")
        page.click("#shift-form button[type=submit]")
        page.wait_for_selector("#error-bar", state="visible")
        assert "nope" in page.inner_text("#error-text")
        assert console_errors(page, ignore_failed_api=True) == []
        page.context.close()
    finally:
        server.stop()


def test_the_supervisor_page_and_the_desktop_link_a_team_leader_to_the_team_page(browser, served):
    server, passwords = served
    for path in ("/supervisor/", "/desktop/"):
        page = new_page(browser, server.url)
        sign_in_page(page, path, "tess", passwords["tess"])
        page.wait_for_selector("#link-team", state="visible", timeout=10000)
        assert page.get_attribute("#link-team", "href") == "/team/"
        page.context.close()
    agent = new_page(browser, server.url)
    sign_in_page(agent, "/desktop/", "alice", passwords["alice"])
    agent.wait_for_selector("#btn-my-team", state="visible", timeout=10000)
    assert agent.locator("#link-team").is_hidden()
    agent.context.close()
