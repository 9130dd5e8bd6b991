"""How a call leaves the IVR: to a queue (and back for a survey), a callback, a voicemail, a
transfer to an outside number, or a goodbye."""

from __future__ import annotations

import pytest

from appliance.core import say
from appliance.ivr.actions import (
    EndCall,
    EnterQueue,
    PlayPrompts,
    RecordVoicemail,
    RequestCallback,
    SaveSurvey,
    Step,
    StopRecording,
    TransferOut,
)

from .ivr_session_fixtures import CALLER, Caller, make_flow

GOODBYE = {"kind": "hangup", "prompt": "goodbye"}


# ---- queue and survey ----------------------------------------------------------------------------


def test_the_caller_hears_the_announcement_then_joins_the_queue_and_the_ivr_is_done():
    flow = make_flow({"start": {"kind": "queue", "queue": "general", "prompt": "transferring"}})
    caller = Caller(flow, priority=2)
    caller.start()
    assert caller.press("1") == []  # the announcement is heard out
    assert caller.finish_prompt() == [
        Step(node="start", kind="queue", outcome="queued", details={"queue": "general"}),
        EnterQueue(queue="general", priority=2, skill=None, skill_level=1, survey_after=False),
    ]
    assert caller.session.finished and caller.session.next_deadline() is None
    assert caller.answer("agent_hung_up") == []


def test_a_queue_without_an_announcement_queues_at_once():
    caller = Caller(make_flow({"start": {"kind": "queue", "queue": "loans"}}))
    caller.start()
    assert caller.of(EnterQueue) == [EnterQueue(queue="loans", priority=0)]


SURVEYED = make_flow({
    "start": {"kind": "queue", "queue": "general", "after": "survey"},
    "survey": {"kind": "survey", "retries": 1},
})


def surveyed() -> Caller:
    caller = Caller(SURVEYED)
    caller.start()
    assert caller.of(EnterQueue)[0].survey_after
    assert not caller.session.finished
    assert caller.press("5") == []  # talking to the agent: keys are theirs
    caller.answer("agent_hung_up")
    return caller


def test_after_the_agent_hangs_up_the_caller_rates_the_call():
    caller = surveyed()
    assert caller.heard() == [("survey-question",)]
    caller.listen()
    caller.press("4")
    assert caller.of(SaveSurvey) == [SaveSurvey(score=4)]
    assert caller.heard()[-1] == ("survey-thanks",)
    assert caller.press("5") == []  # one score per call
    caller.listen()
    assert caller.ended() == EndCall(reason="survey done", contained=False)


def test_a_score_may_interrupt_the_question():
    caller = surveyed()
    caller.press("5")
    assert caller.of(SaveSurvey) == [SaveSurvey(score=5)]


def test_a_wrong_key_asks_again_then_the_call_ends_without_a_score():
    caller = surveyed()
    caller.listen()
    caller.press("9")
    assert caller.heard()[-1] == ("invalid-choice", "survey-question")
    caller.listen()
    caller.press("0")
    assert caller.ended() == EndCall(reason="survey not answered", contained=False)
    assert not caller.of(SaveSurvey)


def test_silence_asks_again_then_the_call_ends_without_a_score():
    caller = surveyed()
    caller.listen()
    caller.wait(8)
    assert caller.heard()[-1] == ("survey-question",)
    caller.listen()
    caller.wait(8)
    assert caller.path()[-2:] == [("survey", "timeout", ""), ("survey", "timeout", "")]
    assert caller.ended() == EndCall(reason="survey not answered", contained=False)


# ---- callback ------------------------------------------------------------------------------------

CALLBACK = {"kind": "callback", "queue": "general", "on_timeout": "bye"}


def offered_a_callback(caller_number: str = CALLER, **node: object) -> Caller:
    caller = Caller(make_flow({"start": {**CALLBACK, **node}, "bye": GOODBYE}), caller=caller_number)
    caller.start()
    return caller


def read_back(number: str) -> tuple[str, ...]:
    return ("callback-confirm-number", *say.digits(number, "en"), "callback-confirm-choices")


def test_the_caller_confirms_their_own_number_and_the_callback_is_booked():
    caller = offered_a_callback()
    assert caller.heard() == [read_back(CALLER)]
    caller.listen()
    caller.press("1")
    assert caller.of(RequestCallback) == [RequestCallback(queue="general", number=CALLER)]
    assert caller.of(Step)[-1] == Step(node="start", kind="callback", outcome="requested", digits="1",
                                       details={"number": CALLER})
    assert caller.heard()[-1] == ("callback-booked",)
    caller.listen()
    assert caller.ended() == EndCall(reason="callback requested", contained=True)


def test_an_international_number_is_read_back_without_its_plus_and_called_back_with_it():
    caller = offered_a_callback("+8613800138000")
    assert caller.heard() == [read_back("8613800138000")]
    caller.press("1")
    assert caller.of(RequestCallback)[0].number == "+8613800138000"


def test_the_caller_enters_another_number_and_confirms_that_one():
    caller = offered_a_callback()
    caller.press("2")
    assert caller.heard()[-1] == ("callback-enter-number",)
    caller.listen()
    caller.press("13800138000#")
    assert caller.heard()[-1] == read_back("13800138000")
    caller.press("1")
    assert caller.of(RequestCallback) == [RequestCallback(queue="general", number="13800138000")]
    assert caller.path()[:2] == [("start", "entered", "13800138000"), ("start", "requested", "1")]


@pytest.mark.parametrize("number", ["", "anonymous", "1234", "1234567890123456"])
def test_a_caller_without_a_usable_number_is_asked_for_one_straight_away(number):
    caller = offered_a_callback(number)
    assert caller.heard() == [("callback-enter-number",)]


def test_a_number_entry_ends_after_a_pause_or_at_the_longest_number():
    caller = offered_a_callback("", max_digits=8)
    caller.listen()
    caller.press("123456")
    caller.wait(4)
    assert caller.heard()[-1] == read_back("123456")
    caller.press("2")
    caller.listen()
    caller.press("87654321")
    assert caller.heard()[-1] == read_back("87654321")


def test_a_number_too_short_is_asked_again_then_the_offer_gives_up():
    caller = offered_a_callback("")
    for _ in range(3):
        caller.listen()
        caller.press("123#")
    assert caller.heard()[1] == ("invalid-entry", "callback-enter-number")
    assert caller.path()[-2:] == [("start", "invalid", "123"), ("bye", "ended", "")]
    assert not caller.of(RequestCallback)


def test_a_wrong_key_replays_the_read_back():
    caller = offered_a_callback()
    caller.listen()
    caller.press("7")
    assert caller.heard()[-1] == ("invalid-choice", *read_back(CALLER))


def test_silence_at_the_offer_goes_to_on_timeout():
    caller = offered_a_callback(timeout=6)
    caller.listen()
    caller.wait(6)
    assert caller.path() == [("start", "timeout", ""), ("bye", "ended", "")]


# ---- voicemail -----------------------------------------------------------------------------------

VOICEMAIL = {"kind": "voicemail", "queue": "general", "max_seconds": 90}


def test_a_message_is_recorded_after_the_intro_until_the_hash_key():
    caller = Caller(make_flow({"start": VOICEMAIL}))
    caller.start()
    assert caller.heard() == [("voicemail-intro",)]
    assert caller.press("#") == []  # the intro is heard out
    assert caller.finish_prompt() == [RecordVoicemail(queue="general", max_seconds=90)]
    assert caller.press("1") == []
    assert caller.press("#") == [StopRecording()]
    assert caller.press("#") == []
    caller.answer("recording_finished", 12.4)
    assert caller.of(Step) == [Step(node="start", kind="voicemail", outcome="recorded",
                                    details={"queue": "general", "seconds": "12"})]
    assert caller.heard()[-1] == ("voicemail-saved",)
    caller.listen()
    assert caller.ended() == EndCall(reason="voicemail left", contained=True)


def test_a_recording_that_reaches_its_limit_ends_by_itself():
    caller = Caller(make_flow({"start": {**VOICEMAIL, "prompt": [], "done_prompt": []}}))
    caller.start()
    assert caller.of(RecordVoicemail)
    caller.answer("recording_finished", 90.0)
    assert caller.ended() == EndCall(reason="voicemail left", contained=True)


def test_a_recording_result_before_recording_is_ignored():
    caller = Caller(make_flow({"start": VOICEMAIL}))
    caller.start()
    assert caller.answer("recording_finished", 3.0) == []


# ---- transfer out and goodbye --------------------------------------------------------------------

TRANSFER = {"kind": "transfer", "number": "+8621555000", "timeout": 20, "prompt": "transferring",
            "on_failure": "bye"}


def test_the_caller_is_connected_to_an_outside_number():
    caller = Caller(make_flow({"start": TRANSFER, "bye": GOODBYE}))
    caller.start()
    caller.listen()
    assert caller.actions[-2:] == [
        Step(node="start", kind="transfer", outcome="dialled", details={"number": "+8621555000"}),
        TransferOut(number="+8621555000", timeout=20),
    ]
    assert not caller.session.contained
    assert not caller.session.finished and caller.session.next_deadline() is None


def test_a_failed_transfer_goes_on_and_the_call_counts_as_kept_in_the_ivr():
    caller = Caller(make_flow({"start": TRANSFER, "bye": GOODBYE}))
    caller.start()
    caller.listen()
    caller.answer("transfer_failed", "busy")
    assert caller.path()[-2:] == [("start", "failed", ""), ("bye", "ended", "")]
    assert caller.of(Step)[-2].details == {"reason": "busy"}
    caller.listen()
    assert caller.ended() == EndCall(reason="flow ended", contained=True)
    assert caller.answer("transfer_failed", "busy") == []


def test_a_goodbye_without_a_prompt_hangs_up_at_once():
    caller = Caller(make_flow({"start": {"kind": "hangup"}}))
    assert caller.start() == [Step(node="start", kind="hangup", outcome="ended"),
                              EndCall(reason="flow ended", contained=True)]


def test_a_goodbye_is_heard_before_the_call_ends():
    caller = Caller(make_flow({"start": GOODBYE}))
    caller.start()
    assert caller.ended() is None
    assert caller.heard() == [("goodbye",)]
    assert caller.press("1") == []
    caller.listen()
    assert caller.ended() == EndCall(reason="flow ended", contained=True)
    assert isinstance(caller.actions[1], PlayPrompts)
