"""The agent desktop in Chromium against the real server, with a SIPp caller and a seat phone in
other processes: sign in, go Ready, the screen pop while the phone rings, hang up, wrap-up."""

from __future__ import annotations

import pytest

from tests.support.audio import tone_samples, write_wav
from tests.support.branch import wait_until
from tests.support.browser import console_errors, new_page, sign_in_ready
from tests.support.desktop import add_user
from tests.support.dtmf_caller import Press, start_dtmf_call

FLOW = """
name = "pop"
start = "find"

[nodes.find]
kind = "lookup"
next = "main"
on_missing = "main"

[nodes.main]
kind = "menu"
prompt = "t-menu"
choices = { "1" = "general" }
timeout = 5
on_invalid = "general"
on_timeout = "general"

[nodes.general]
kind = "queue"
queue = "general"
"""


@pytest.fixture
def desk(branch, server, phones, tmp_path):
    write_wav(branch.data / "prompts" / "en" / "t-menu.wav", tone_samples(1700, 0.5))
    (tmp_path / "pop.toml").write_text(FLOW)
    branch.cli("ivr", "apply", str(tmp_path / "pop.toml"))
    branch.cli("did", "add", "300", "--flow", "pop")
    (tmp_path / "customers.csv").write_text("ref,name,phones,tier,language,account_manager\n"
                                            "200001,Wang Fang,55501234,standard,zh,\n")
    branch.cli("customer", "import", str(tmp_path / "customers.csv"))
    branch.cli("queue", "set", "general", "--wrapup", "60", "--max-wait", "60", "--ring-timeout", "10")
    password = add_user(branch, "alice", "agent", agent="ann")
    # The phone rings for three seconds before it answers: the pop must be on the page by then.
    phone = phones("--answer-delay", "3", "--tone", "2100", user="desk1")
    branch.cli("seat", "add", "desk-1", "--phone", phone.uri)
    server.start()
    return password, phone


def test_screen_pop_while_ringing_then_hang_up_and_wrap_up(browser, desk, branch, server, phones, tmp_path):
    password, phone = desk
    page = new_page(browser, server.url)
    sign_in_ready(page, "alice", password, "desk-1")
    caller = start_dtmf_call(server, tmp_path / "sipp", [Press("1", after_ms=1200)], did="300",
                             end="caller_hangs_up", hangup_after_ms=20000)

    page.wait_for_selector("#call-panel[data-call-state=ringing]", timeout=15000)
    assert page.inner_text("#pop-customer-name") == "Wang Fang"
    assert "55501234" in page.inner_text("#pop-caller")
    path = page.inner_text("#pop-ivr-path")
    assert "find" in path and "main" in path and "1" in path
    assert phone.count("answered") == 0, "the pop must show while the phone still rings"

    page.wait_for_selector("#call-panel[data-call-state=talking]", timeout=10000)
    page.reload()  # a reload shows the same call
    page.wait_for_selector("#call-panel[data-call-state=talking]", timeout=10000)
    page.keyboard.press("Alt+X")  # hang up
    page.wait_for_selector("#wrapup-form", state="visible", timeout=10000)
    page.select_option("#wrapup-disposition", "resolved")
    page.fill("#wrapup-notes", "address changed")
    page.check("#wrapup-fcr")
    page.click("#btn-wrapup-submit")
    page.wait_for_selector("#wrapup-form", state="hidden", timeout=10000)

    [record] = [r for r in branch.calls() if r["did"] == "300"]
    assert [(w["disposition"], w["notes"], w["fcr"]) for w in record["wrapups"]] == [
        ("resolved", "address changed", True)]
    wait_until(lambda: page.inner_text("#myday [data-figure=calls_handled]").strip().startswith("1"), 5,
               "My day to count the call")
    assert console_errors(page, ignore_failed_api=True) == []
    caller.kill()
    page.context.close()
