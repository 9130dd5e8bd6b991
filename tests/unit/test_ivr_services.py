"""The IVR asks the bank: customer lookups, HTTP calls to its systems, reading values back,
opening hours, and the nodes that set what goes with the caller to the queue."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from appliance.core import say
from appliance.customers import Customer, CustomerTier
from appliance.ivr.actions import EnterQueue, HttpPost, LookupCustomer, PlayPrompts, Step

from .ivr_session_fixtures import CALLER, Caller, make_flow

SHANGHAI = ZoneInfo("Asia/Shanghai")
ENDS = {name: {"kind": "hangup", "prompt": f"{name}-bye"} for name in ("found", "missing", "failed", "closed")}
QUEUE = {"kind": "queue", "queue": "general"}
VIP = CustomerTier(name="vip", priority=5, skill="private-banking", skill_level=3)
LI_WEI = Customer(ref="C-1001", name="Li Wei", tier=VIP, numbers=(CALLER,), language="zh", account_manager="amy")


# ---- customer lookup -----------------------------------------------------------------------------


def looking_up(*, priority: int = 0, **lookup: object) -> Caller:
    node = {"kind": "lookup", "next": "found", "on_missing": "missing", **lookup}
    caller = Caller(make_flow({"start": node, **ENDS}), priority=priority)
    caller.start()
    return caller


def test_a_known_caller_is_found_by_their_number_and_greeted_in_their_language():
    caller = looking_up()
    assert caller.actions == [LookupCustomer(number=CALLER)]
    caller.answer("lookup_result", LI_WEI)
    assert caller.of(Step)[0] == Step(node="start", kind="lookup", outcome="found",
                                      details={"customer": "C-1001", "tier": "vip"})
    session = caller.session
    assert {k: v for k, v in session.variables.items() if k.startswith("customer.")} == {
        "customer.ref": "C-1001", "customer.name": "Li Wei", "customer.tier": "vip", "customer.language": "zh",
        "customer.account_manager": "amy"}
    assert (session.priority, session.skill, session.skill_level) == (5, "private-banking", 3)
    assert session.language == session.variables["language"] == "zh"
    assert caller.of(PlayPrompts)[-1].language == "zh"


def test_a_flow_may_keep_its_language_for_known_customers():
    caller = looking_up(keep_language=True)
    caller.answer("lookup_result", LI_WEI)
    assert caller.session.language == "en"


def test_a_customer_language_the_flow_has_no_prompts_for_is_not_taken():
    caller = looking_up()
    caller.answer("lookup_result", Customer(ref="C-2", name="Anne", tier=VIP, language="fr"))
    assert caller.session.language == "en"
    assert caller.session.variables["customer.language"] == "fr"


def test_a_tier_never_lowers_a_priority_the_call_already_has():
    caller = looking_up(priority=7)
    caller.answer("lookup_result", Customer(ref="C-3", name="Bo", tier=CustomerTier(name="basic", priority=1)))
    assert (caller.session.priority, caller.session.skill) == (7, None)
    assert caller.session.variables["customer.account_manager"] == ""


def test_an_unknown_caller_goes_to_on_missing():
    caller = looking_up()
    caller.answer("lookup_result", None)
    assert caller.path()[0] == ("start", "missing", "")
    assert caller.session.node == "missing"


def test_a_caller_without_a_number_is_missing_without_asking():
    caller = Caller(make_flow({"start": {"kind": "lookup", "next": "found", "on_missing": "missing"}, **ENDS}),
                    caller="")
    caller.start()
    assert not caller.of(LookupCustomer)
    assert caller.session.node == "missing"


def test_a_customer_number_entered_by_the_caller_is_looked_up():
    flow = make_flow({
        "start": {"kind": "collect", "prompt": "enter-customer-number", "variable": "ref", "next": "find",
                  "on_invalid": "failed", "on_timeout": "failed"},
        "find": {"kind": "lookup", "by": "variable", "variable": "ref", "next": "found", "on_missing": "missing"},
        **ENDS})
    caller = Caller(flow)
    caller.start()
    caller.press("1001#")
    assert caller.of(LookupCustomer) == [LookupCustomer(ref="1001")]


def test_a_late_lookup_answer_is_ignored():
    caller = looking_up()
    caller.answer("lookup_result", None)
    assert caller.answer("lookup_result", LI_WEI) == []
    assert caller.session.priority == 0


# ---- HTTP to the bank's systems ------------------------------------------------------------------

BALANCE = {"kind": "http", "url": "https://core.bank.example/balance", "body": {"account": "{account}", "from": "{caller}"},
           "save": {"balance": "account.balance", "currency": "account.currency"}, "timeout": 4,
           "next": "found", "on_failure": "failed"}


def asking_the_bank(**http: object) -> Caller:
    caller = Caller(make_flow({"start": {**BALANCE, **http}, **ENDS}))
    caller.session.variables["account"] = "123456"
    caller.start()
    return caller


def test_the_bank_is_asked_with_the_calls_values_and_the_answer_is_saved():
    caller = asking_the_bank()
    assert caller.actions == [HttpPost(url="https://core.bank.example/balance",
                                       body={"account": "123456", "from": CALLER}, timeout=4)]
    caller.answer("http_result", {"account": {"balance": 1234.5, "currency": "CNY"}}, "")
    assert caller.session.variables["balance"] == "1234.5"
    assert caller.session.variables["currency"] == "CNY"
    assert caller.path()[0] == ("start", "ok", "")
    assert caller.session.node == "found"


@pytest.mark.parametrize(("value", "text"), [(12, "12"), (12.0, "12"), (-0.25, "-0.25"), (True, "true"), ("x", "x")])
def test_numbers_and_truth_values_in_the_answer_are_saved_as_text(value, text):
    caller = asking_the_bank(save={"v": "v"})
    caller.answer("http_result", {"v": value}, "")
    assert caller.session.variables["v"] == text


@pytest.mark.parametrize(
    ("answer", "error", "details"),
    [
        (None, "timed out after 4 seconds", "timed out after 4 seconds"),
        (None, "", "no answer"),
        ({"account": {}}, "", "The answer has no field 'account.balance'."),
        ({"account": "closed"}, "", "The answer has no field 'account.balance'."),
        ({"account": {"balance": None, "currency": "CNY"}}, "", "The answer's field 'account.balance' is not text or a number."),
    ],
)
def test_a_failed_or_incomplete_answer_goes_to_on_failure_with_the_reason(answer, error, details):
    caller = asking_the_bank()
    caller.answer("http_result", answer, error)
    assert caller.of(Step)[0] == Step(node="start", kind="http", outcome="failed", details={"error": details})
    assert caller.session.node == "failed"
    assert "balance" not in caller.session.variables


def test_an_answer_after_the_call_moved_on_is_ignored():
    caller = asking_the_bank()
    caller.answer("http_result", None, "refused")
    assert caller.answer("http_result", {"account": {"balance": 1, "currency": "CNY"}}, "") == []


# ---- reading values back -------------------------------------------------------------------------


def saying(value: str, as_: str, language: str = "en", **node: object) -> Caller:
    say_node = {"kind": "say", "value": "{v}", "as": as_, "before": "your-balance-is", "after": ["thank-you"],
                "next": "found", **node}
    caller = Caller(make_flow({"start": say_node, **ENDS}), language=language)
    caller.session.variables["v"] = value
    caller.start()
    return caller


@pytest.mark.parametrize(
    ("value", "as_", "language"),
    [("21", "number", "en"), ("1234.50", "amount", "en"), ("1234.50", "amount", "zh"), ("2026-03-03", "date", "zh"),
     ("88120", "digits", "en")],
)
def test_a_value_is_read_back_between_the_prompts(value, as_, language):
    caller = saying(value, as_, language)
    assert caller.heard() == [("your-balance-is", *say.value(value, as_, language), "thank-you")]
    caller.listen()
    assert caller.path()[0] == ("start", "said", "")


def test_a_number_is_said_as_words():
    assert saying("21", "number").heard() == [("your-balance-is", "num-20", "num-1", "thank-you")]


@pytest.mark.parametrize(("value", "as_"), [("", "number"), ("12.5", "number"), ("12.345", "amount"),
                                              ("2026-02-30", "date"), ("A-12", "digits"), ("123456789012", "number")])
def test_a_value_that_cannot_be_said_is_skipped_not_misread(value, as_):
    caller = saying(value, as_)
    assert caller.heard() == [("found-bye",)]
    step = caller.of(Step)[0]
    assert (step.outcome, set(step.details)) == ("unsayable", {"error"})


def test_a_caller_may_interrupt_a_value_being_read():
    caller = saying("21", "number")
    caller.press("1")
    assert caller.path()[0] == ("start", "interrupted", "1")


# ---- opening hours -------------------------------------------------------------------------------

HOURS = {"kind": "hours", "open": {"mon": "09:00-12:00,13:00-17:00", "sat": "09:00-12:00"},
         "holidays": ["2025-03-04"], "timezone": "Asia/Shanghai", "next": "found", "on_closed": "closed"}


def at(local: datetime, **hours: object) -> Caller:
    caller = Caller(make_flow({"start": {**HOURS, **hours}, **ENDS}), now=local.timestamp())
    caller.start()
    return caller


def test_the_branch_is_open_during_its_hours_in_its_own_time_zone():
    caller = at(datetime(2025, 3, 3, 9, 0, tzinfo=SHANGHAI))  # 01:00 UTC
    assert caller.of(Step)[0] == Step(node="start", kind="hours", outcome="open",
                                      details={"time": "mon 2025-03-03 09:00"})
    assert caller.session.node == "found"


@pytest.mark.parametrize(
    "local",
    [datetime(2025, 3, 3, 12, 30), datetime(2025, 3, 3, 17, 0), datetime(2025, 3, 2, 10, 0),  # lunch, evening, sunday
     datetime(2025, 3, 4, 10, 0)],  # a holiday
)
def test_the_branch_is_closed_outside_its_hours_and_on_holidays(local):
    caller = at(local.replace(tzinfo=SHANGHAI))
    assert caller.path()[0][1] == "closed"
    assert caller.session.node == "closed"


def test_hours_without_a_zone_are_read_in_the_servers_zone():
    berlin = ZoneInfo("Europe/Berlin")
    local = datetime(2025, 3, 3, 9, 30, tzinfo=berlin)
    caller = Caller(make_flow({"start": {**HOURS, "timezone": ""}, **ENDS}), now=local.timestamp(), local_zone=berlin)
    caller.start()
    assert caller.of(Step)[0].details == {"time": "mon 2025-03-03 09:30"}


def test_hours_without_a_zone_default_to_the_machines_local_time():
    now = datetime(2025, 3, 3, 10, 0).timestamp()  # naive: the machine's local time
    caller = Caller(make_flow({"start": {**HOURS, "timezone": ""}, **ENDS}), now=now)
    caller.start()
    assert caller.path()[0][1] == "open"


# ---- setting what goes with the caller -----------------------------------------------------------


def test_set_fills_variables_and_sets_priority_language_and_skill_for_the_queue():
    flow = make_flow({
        "start": {"kind": "set", "variables": {"greeting": "Hello {customer.name}", "desk": "cards"},
                  "priority": 3, "language": "zh", "skill": "cards:4", "next": "queue"},
        "queue": QUEUE})
    caller = Caller(flow)
    caller.session.variables["customer.name"] = "Li Wei"
    caller.start()
    assert caller.session.variables["greeting"] == "Hello Li Wei"
    assert caller.session.variables["language"] == "zh"
    assert caller.of(EnterQueue) == [EnterQueue(queue="general", priority=3, skill="cards", skill_level=4)]


def test_a_skill_without_a_level_asks_for_level_one():
    flow = make_flow({"start": {"kind": "set", "skill": "cards", "next": "queue"}, "queue": QUEUE})
    caller = Caller(flow)
    caller.start()
    assert caller.of(EnterQueue)[0].skill_level == 1


def test_a_language_node_switches_every_prompt_after_it():
    flow = make_flow({"start": {"kind": "language", "language": "zh", "next": "hello"},
                      "hello": {"kind": "play", "prompt": "welcome", "next": "found"}, **ENDS})
    caller = Caller(flow)
    caller.start()
    assert caller.of(PlayPrompts)[0].language == "zh"
    assert caller.of(Step)[0] == Step(node="start", kind="language", outcome="ok", details={"language": "zh"})
