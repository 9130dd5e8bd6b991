"""A caller in the IVR: prompts, barge-in and type-ahead, menus and entries, their replays and
timeouts, the runtime loop guard, and a property over random callers."""

from __future__ import annotations

import pytest

from appliance.ivr.actions import EndCall, PlayPrompts, Step, StopPrompt
from appliance.ivr.interpreter import LOOP_REASON, MAX_NODES_WITHOUT_WAITING, Session
from appliance.ivr.waiting import shown_digits

from .ivr_session_fixtures import T0, Caller, make_flow

MENU = {
    "kind": "menu",
    "prompt": "main-menu",
    "choices": {"1": "cards", "2": "loans", "0": "operator"},
    "on_invalid": "operator",
    "on_timeout": "operator",
}
ENDS = {name: {"kind": "hangup", "prompt": f"{name}-bye"} for name in ("cards", "loans", "operator")}


def welcome_then_menu(**welcome: object) -> Caller:
    flow = make_flow({"start": {"kind": "play", "prompt": "welcome", "next": "main", **welcome}, "main": MENU, **ENDS})
    return Caller(flow)


# ---- prompts, barge-in and type-ahead ------------------------------------------------------------


def test_the_welcome_plays_then_the_menu_waits_from_the_end_of_its_prompt():
    caller = welcome_then_menu()
    assert caller.start() == [PlayPrompts(label="start#1", names=("welcome",), language="en")]
    assert caller.session.next_deadline() is None  # nothing is timed while a prompt plays
    assert caller.finish_prompt() == [
        Step(node="start", kind="play", outcome="played"),
        PlayPrompts(label="main#2", names=("main-menu",), language="en"),
    ]
    assert caller.session.next_deadline() is None
    caller.now += 12  # a long menu prompt
    caller.finish_prompt()
    assert caller.session.next_deadline() == T0 + 12 + 5


def test_a_key_during_the_welcome_stops_it_and_chooses_from_the_menu_unheard():
    caller = welcome_then_menu()
    caller.start()
    actions = caller.press("2")
    assert actions[:2] == [StopPrompt(), Step(node="start", kind="play", outcome="interrupted", digits="2")]
    assert caller.path() == [("start", "interrupted", "2"), ("main", "choice", "2"), ("loans", "ended", "")]
    assert caller.heard() == [("welcome",), ("loans-bye",)]


def test_a_prompt_stopped_by_a_key_reports_its_end_too_late_to_matter():
    caller = welcome_then_menu()
    caller.start()
    caller.session.digit("1", caller.now)
    assert caller.session.prompt_finished("start#1", caller.now) == []


def test_a_wrong_key_typed_ahead_gets_the_invalid_notice_with_the_menu():
    caller = welcome_then_menu()
    caller.start()
    caller.press("7")
    assert caller.path() == [("start", "interrupted", "7"), ("main", "invalid", "7")]
    assert caller.heard()[-1] == ("invalid-choice", "main-menu")


def test_keys_after_the_deciding_one_stay_typed_ahead_for_the_next_menu():
    sub = {**MENU, "prompt": "cards-menu", "choices": {"1": "operator", "2": "loans"}}
    flow = make_flow({"start": {"kind": "lookup", "next": "main", "on_missing": "main"}, "main": MENU,
                      **ENDS, "cards": sub})
    caller = Caller(flow)
    caller.start()
    caller.press("12")  # while the bank looks the caller up
    caller.answer("lookup_result", None)
    assert caller.path() == [("start", "missing", ""), ("main", "choice", "1"), ("cards", "choice", "2"),
                             ("loans", "ended", "")]
    assert caller.heard() == [("loans-bye",)]


def test_a_key_during_the_next_menus_prompt_barges_in_there():
    sub = {**MENU, "prompt": "cards-menu", "choices": {"1": "operator", "2": "loans"}}
    flow = make_flow({"start": {"kind": "play", "prompt": "welcome", "next": "main"}, "main": MENU,
                      **ENDS, "cards": sub})
    caller = Caller(flow)
    caller.start()
    caller.press("1")
    assert caller.heard()[-1] == ("cards-menu",)
    caller.press("2")
    assert caller.path()[-2:] == [("cards", "choice", "2"), ("loans", "ended", "")]


def test_the_first_key_of_a_two_key_choice_typed_ahead_waits_for_the_second_without_the_prompt():
    flow = make_flow({"start": {"kind": "play", "prompt": "welcome", "next": "main"},
                      "main": {**MENU, "choices": {"1": "cards", "21": "loans", "22": "operator"}}, **ENDS})
    caller = Caller(flow)
    caller.start()
    caller.press("2")
    assert caller.playing is None and caller.session.next_deadline() == T0 + 3
    caller.now += 2
    caller.press("2")
    assert caller.path()[-2:] == [("main", "choice", "22"), ("operator", "ended", "")]


def test_a_welcome_without_barge_in_is_heard_out_and_keys_during_it_are_lost():
    caller = welcome_then_menu(barge_in=False)
    caller.start()
    assert caller.press("1") == []
    caller.finish_prompt()
    assert caller.heard()[-1] == ("main-menu",)
    assert caller.path() == [("start", "played", "")]


def test_a_prompt_that_must_be_heard_forgets_keys_typed_before_it():
    flow = make_flow({"start": {"kind": "play", "prompt": "welcome", "next": "legal"},
                      "legal": {"kind": "play", "prompt": "recorded-line", "next": "main", "barge_in": False},
                      "main": MENU, **ENDS})
    caller = Caller(flow)
    caller.start()
    caller.press("1")
    caller.finish_prompt()
    assert caller.heard() == [("welcome",), ("recorded-line",), ("main-menu",)]


def test_a_caller_who_typed_ahead_skips_the_next_barge_in_prompt_too():
    flow = make_flow({"start": {"kind": "play", "prompt": "welcome", "next": "news"},
                      "news": {"kind": "play", "prompt": "new-rates", "next": "main"}, "main": MENU, **ENDS})
    caller = Caller(flow)
    caller.start()
    caller.press("1")
    assert caller.path()[:3] == [("start", "interrupted", "1"), ("news", "skipped", ""), ("main", "choice", "1")]


def test_keys_pressed_while_the_bank_is_asked_are_typed_ahead_for_the_menu():
    flow = make_flow({"start": {"kind": "lookup", "next": "main", "on_missing": "main"}, "main": MENU, **ENDS})
    caller = Caller(flow)
    caller.start()
    caller.press("2")
    caller.answer("lookup_result", None)
    assert caller.path() == [("start", "missing", ""), ("main", "choice", "2"), ("loans", "ended", "")]


def test_a_key_that_is_not_on_a_phone_is_ignored():
    caller = welcome_then_menu()
    caller.start()
    assert caller.press("A") == []
    assert caller.session.digit("12", caller.now) == []


# ---- menus ---------------------------------------------------------------------------------------


def test_a_key_during_the_menu_prompt_stops_it_and_goes_to_the_choice():
    caller = Caller(make_flow({"start": MENU, **ENDS}))
    caller.start()
    assert caller.press("1") == [
        StopPrompt(),
        Step(node="start", kind="menu", outcome="choice", digits="1"),
        Step(node="cards", kind="hangup", outcome="ended"),
        PlayPrompts(label="cards#2", names=("cards-bye",), language="en"),
    ]
    caller.finish_prompt()
    assert caller.ended() == EndCall(reason="flow ended", contained=True)
    assert caller.session.finished


def test_wrong_keys_replay_the_menu_after_the_invalid_notice_then_go_to_on_invalid():
    caller = Caller(make_flow({"start": {**MENU, "retries": 2, "on_invalid": "loans"}, **ENDS}))
    caller.start()
    caller.listen()
    for _ in range(3):
        caller.press("9")
    assert caller.heard() == [("main-menu",), ("invalid-choice", "main-menu"), ("invalid-choice", "main-menu"),
                              ("loans-bye",)]
    assert caller.path() == [("start", "invalid", "9")] * 3 + [("loans", "ended", "")]


def test_silence_replays_the_menu_after_the_no_input_notice_then_goes_to_on_timeout():
    caller = Caller(make_flow({"start": {**MENU, "timeout": 5, "retries": 1, "on_timeout": "loans"}, **ENDS}))
    caller.start()
    caller.now += 4
    caller.listen()
    assert caller.wait(4.9) == []
    replay = caller.wait(0.1)
    assert replay == [Step(node="start", kind="menu", outcome="timeout"),
                      PlayPrompts(label="start#2", names=("no-input", "main-menu"), language="en")]
    assert caller.wait(60) == []  # the replay's clock starts at its end
    caller.listen()
    caller.wait(5)
    assert caller.path()[-2:] == [("start", "timeout", ""), ("loans", "ended", "")]


def test_wrong_keys_and_silence_share_the_menus_replays():
    caller = Caller(make_flow({"start": {**MENU, "retries": 2, "on_invalid": "loans"}, **ENDS}))
    caller.start()
    caller.listen()
    caller.press("9")
    caller.listen()
    caller.wait(5)
    caller.listen()
    caller.wait(5)
    assert [outcome for _, outcome, _ in caller.path()] == ["invalid", "timeout", "timeout", "ended"]
    assert caller.path()[-1][0] == "operator"  # the last failure was silence: on_timeout


def test_half_of_a_two_key_choice_is_invalid_after_three_seconds():
    caller = Caller(make_flow({"start": {**MENU, "choices": {"1": "cards", "22": "loans"}}, **ENDS}))
    caller.start()
    caller.listen()
    caller.press("2")
    assert caller.session.next_deadline() == T0 + 3
    caller.wait(3)
    assert caller.path() == [("start", "invalid", "2")]
    assert caller.heard()[-1] == ("invalid-choice", "main-menu")


def test_a_key_during_the_replay_stops_the_notice_and_decides():
    caller = Caller(make_flow({"start": MENU, **ENDS}))
    caller.start()
    caller.listen()
    caller.press("9")
    actions = caller.press("2")
    assert actions[0] == StopPrompt()
    assert caller.path()[-2:] == [("start", "choice", "2"), ("loans", "ended", "")]


def test_each_visit_of_a_menu_starts_with_all_its_retries():
    flow = make_flow({"start": {**MENU, "retries": 1, "choices": {"1": "again"}, "on_invalid": "operator"},
                      "again": {"kind": "play", "prompt": "one-more-time", "next": "start"}, **ENDS})
    caller = Caller(flow)
    caller.start()
    for _ in range(3):
        caller.listen()
        caller.press("9")
        caller.press("1")
    assert caller.session.node == "again"
    assert caller.ended() is None


# ---- collecting digits ---------------------------------------------------------------------------

ACCOUNT = {"kind": "collect", "prompt": "enter-account", "variable": "account", "next": "cards",
           "on_invalid": "loans", "on_timeout": "operator", "min_digits": 6, "max_digits": 10}


def entering(**collect: object) -> Caller:
    caller = Caller(make_flow({"start": {**ACCOUNT, **collect}, **ENDS}))
    caller.start()
    caller.listen()
    return caller


def test_an_account_number_ends_at_the_hash_key_and_is_stored_without_it():
    caller = entering()
    caller.press("123456#")
    assert caller.session.variables["account"] == "123456"
    assert caller.path()[0] == ("start", "ok", "123456")


def test_an_entry_ends_by_itself_at_max_digits():
    caller = entering()
    caller.press("1234567890")
    assert caller.session.variables["account"] == "1234567890"
    assert caller.session.node == "cards"


def test_an_entry_ends_when_the_caller_stops_typing():
    caller = entering(digit_timeout=4)
    caller.press("1234")
    caller.now += 2
    caller.press("567")
    assert caller.wait(3.9) == []
    caller.wait(0.1)
    assert caller.session.variables["account"] == "1234567"


def test_the_first_key_may_come_late_after_the_prompt():
    caller = entering(timeout=8, digit_timeout=4)
    caller.wait(7)
    caller.press("123456#")
    assert caller.path()[0] == ("start", "ok", "123456")


def test_too_few_digits_replay_the_question_then_go_to_on_invalid():
    caller = entering(retries=1)
    caller.press("123#")
    assert caller.path() == [("start", "invalid", "123")]
    assert caller.heard()[-1] == ("invalid-entry", "enter-account")
    assert caller.of(Step)[0].details == {"error": "fewer than 6 digits"}
    caller.listen()
    caller.press("#")
    assert caller.path()[-2:] == [("start", "invalid", ""), ("loans", "ended", "")]
    assert "account" not in caller.session.variables


def test_silence_in_an_entry_goes_to_on_timeout_after_the_replays():
    caller = entering(retries=1, timeout=8)
    caller.wait(8)
    caller.listen()
    caller.wait(8)
    assert caller.path() == [("start", "timeout", ""), ("start", "timeout", ""), ("operator", "ended", "")]
    assert caller.heard()[1] == ("no-input", "enter-account")


def test_an_entry_typed_ahead_is_taken_without_asking():
    flow = make_flow({"start": {"kind": "play", "prompt": "welcome", "next": "ask"}, "ask": ACCOUNT, **ENDS})
    caller = Caller(flow)
    caller.start()
    caller.press("12345")
    assert caller.playing is None
    caller.press("6#")
    assert caller.session.variables["account"] == "123456"
    assert caller.heard() == [("welcome",), ("cards-bye",)]


CARD = {**ACCOUNT, "prompt": "enter-card", "variable": "card", "min_digits": 16, "max_digits": 19, "validate": "luhn"}


def test_a_card_number_is_kept_whole_but_shown_with_only_its_last_four_digits():
    caller = Caller(make_flow({"start": CARD, **ENDS}))
    caller.start()
    caller.press("4111111111111111#")
    assert caller.session.variables["card"] == "4111111111111111"
    assert caller.path()[0] == ("start", "ok", "************1111")


def test_a_mistyped_card_number_fails_its_check_digit_and_is_masked_too():
    caller = Caller(make_flow({"start": CARD, **ENDS}))
    caller.start()
    caller.press("4111111111111112#")
    assert caller.path() == [("start", "invalid", "************1112")]
    assert caller.of(Step)[0].details == {"error": "not a card number"}
    assert caller.heard()[-1] == ("invalid-entry", "enter-card")


def test_a_card_number_entered_where_none_was_asked_for_is_masked_anyway():
    caller = entering(max_digits=20)
    caller.press("4111111111111111#")
    assert caller.path()[0] == ("start", "ok", "************1111")
    assert shown_digits("1234567890") == "1234567890"  # an account number is shown as typed


# ---- the runtime loop guard ----------------------------------------------------------------------


def test_a_flow_that_goes_round_without_waiting_is_ended():
    flow = make_flow({"start": {"kind": "goto", "target": "count"},
                      "count": {"kind": "set", "variables": {"x": "{x}1"}, "next": "start"}})
    caller = Caller(flow)
    caller.start()
    assert caller.ended() == EndCall(reason=LOOP_REASON, contained=False)
    assert len(caller.path()) == MAX_NODES_WITHOUT_WAITING
    assert caller.session.finished
    assert caller.press("1") == [] and caller.wait(100) == []


def test_a_loop_through_a_menu_waits_for_the_caller_each_round_and_is_no_loop():
    flow = make_flow({"start": {**MENU, "choices": {"1": "back"}}, "back": {"kind": "goto", "target": "start"}, **ENDS})
    caller = Caller(flow)
    caller.start()
    for _ in range(MAX_NODES_WITHOUT_WAITING + 5):
        caller.press("1")
    assert caller.ended() is None


def test_a_node_missing_from_an_unchecked_flow_ends_the_call_instead_of_silence():
    caller = Caller(make_flow({"start": {"kind": "goto", "target": "nowhere"}}))
    caller.start()
    assert caller.ended() == EndCall(reason="flow has no node 'nowhere'", contained=False)


def test_start_is_taken_once():
    caller = welcome_then_menu()
    caller.start()
    assert caller.session.start(caller.now) == []


def test_a_caller_hanging_up_ends_the_path_where_they_were():
    caller = welcome_then_menu()
    caller.start()
    caller.listen()
    assert caller.session.hung_up(caller.now) == [Step(node="main", kind="menu", outcome="hangup")]
    assert caller.session.finished and caller.session.next_deadline() is None


@pytest.mark.parametrize("language", ["en", "zh"])
def test_prompts_are_played_in_the_callers_language(language):
    flow = welcome_then_menu().session.flow
    session = Session(flow, {"caller": "1"}, language)
    assert session.start(T0) == [PlayPrompts(label="start#1", names=("welcome",), language=language)]
