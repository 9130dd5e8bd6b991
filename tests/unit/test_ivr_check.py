"""`ivr check`: a flow file is read whole, and every mistake in it comes back at once with its line.

The sample files are in tests/flows: bank.toml is a complete flow using every node kind, and each
file in tests/flows/broken holds one kind of mistake (many-mistakes.toml holds several).
"""

from __future__ import annotations

import doctest
import json
import tomllib
from pathlib import Path
from typing import Annotated

import msgspec
import pytest

from appliance.core.dialplan import Refused, route
from appliance.ivr import check
from appliance.ivr.check import FlowContext, Problem, check_flow, format_problem
from appliance.ivr.nodes import NODE_KINDS, Flow, Menu, QueueNode, Say
from appliance.ivr.toml_lines import Lines
from appliance.model import DialRule

FLOWS = Path(__file__).resolve().parent.parent / "flows"
DOCS = Path(__file__).resolve().parent.parent.parent / "docs" / "ivr.md"
BROKEN = FLOWS / "broken"
DIAL_RULES = (DialRule("local", "NXXXXXXX", "pstn"), DialRule("mobile", "1[3-9]XXXXXXXXX", "pstn"),
              DialRule("china", "+86.", "pstn"))
BUILTINS = ("caller, did, call_id, language, customer.ref, customer.name, customer.tier, customer.language, "
            "customer.account_manager")
checked_files: set[str] = set()


class Recordings:
    """A hand-written fake of the prompt store: every prompt is recorded in every language but `missing`."""

    def __init__(self, missing: tuple[tuple[str, str], ...] = ()) -> None:
        self.missing = set(missing)
        self.asked: list[tuple[str, str]] = []

    def __call__(self, name: str, language: str) -> bool:
        self.asked.append((name, language))
        return (name, language) not in self.missing


def dial_refusal(number: str) -> str | None:
    decision = route(DIAL_RULES, number)
    return decision.reason if isinstance(decision, Refused) else None


def context(missing: tuple[tuple[str, str], ...] = (), queues: tuple[str, ...] = ("general", "cards")) -> FlowContext:
    return FlowContext(prompt_exists=Recordings(missing), queues=frozenset(queues), dial_refusal=dial_refusal)


def problems_in(filename: str, ctx: FlowContext | None = None) -> list[str]:
    checked_files.add(filename)
    flow, problems = check_flow((BROKEN / filename).read_text(), ctx or context())
    assert flow is None and problems
    return [format_problem(problem, filename) for problem in problems]


def problems_of(text: str, ctx: FlowContext | None = None) -> list[str]:
    flow, problems = check_flow(text, ctx or context())
    assert (flow is None) == bool(problems)
    return [format_problem(problem, "flow.toml") for problem in problems]


# ---- a good flow ---------------------------------------------------------------------------------


def test_a_complete_flow_with_every_node_kind_passes_and_comes_back_as_a_flow():
    flow, problems = check_flow((FLOWS / "bank.toml").read_text(), context())

    assert problems == []
    assert isinstance(flow, Flow)
    assert (flow.name, flow.start, flow.languages) == ("bank", "welcome", ("en", "zh"))
    assert {node.__struct_config__.tag for node in flow.nodes.values()} == set(NODE_KINDS)
    assert list(flow.nodes)[:3] == ["welcome", "opening-hours", "closed"]  # the file's order
    main = flow.nodes["main"]
    assert isinstance(main, Menu) and main.choices["8"] == "head-office" and main.invalid_prompt == "invalid-choice"
    assert isinstance(flow.nodes["read-reference"], Say) and flow.nodes["read-reference"].as_ == "digits"
    assert isinstance(flow.nodes["operator"], QueueNode) and flow.nodes["operator"].after == "survey"


def test_every_prompt_is_looked_up_once_per_language_including_the_defaults_a_kind_plays():
    recordings = Recordings()
    check_flow((FLOWS / "bank.toml").read_text(), FlowContext(recordings, frozenset({"general"})))

    assert len(recordings.asked) == len(set(recordings.asked))
    assert {("invalid-choice", "zh"), ("voicemail-saved", "en"), ("survey-thanks", "zh")} <= set(recordings.asked)


def test_a_flow_file_without_languages_speaks_english():
    flow, problems = check_flow('name = "x"\nstart = "a"\n[nodes.a]\nkind = "hangup"\n', context())

    assert problems == [] and flow is not None and flow.languages == ("en",)


def test_the_node_table_in_docs_ivr_md_lists_every_field_and_default_of_every_kind():
    rows = {line.split("|")[1].strip(" `"): line for line in DOCS.read_text().splitlines() if line.startswith("| `")}
    for kind, cls in NODE_KINDS.items():
        for field in msgspec.structs.fields(cls):
            name = field.encode_name
            if field.required:
                assert f"**`{name}`**" in rows[kind], (kind, name)
                continue
            default = field.default if field.default is not msgspec.NODEFAULT else field.default_factory()
            written = "" if default is None else " = " + json.dumps(default)  # TOML's true, "x", [] and 5.0 too
            assert f"`{name}`{written}" in rows[kind], (kind, name, written)


def test_the_examples_in_the_module_docstring_hold():
    failed, attempted = doctest.testmod(check)
    assert attempted > 0 and failed == 0


# ---- one kind of mistake per file ----------------------------------------------------------------


def test_a_toml_syntax_error_is_the_only_problem_and_names_its_line():
    assert problems_in("syntax-error.toml") == [
        "syntax-error.toml:6: the file is not valid TOML: illegal character '\\n' at column 23. Fix this first: "
        "nothing else is checked.",
    ]


def test_a_choice_pointing_at_a_missing_node_names_the_line_and_suggests_the_right_one():
    assert problems_in("unknown-target.toml") == [
        "unknown-target.toml:7: node 'main', choices.1: goes to 'cardz', which is not a node in this flow. "
        "Did you mean 'cards'?",
        "unknown-target.toml:9: node 'main', on_timeout: goes to 'operatr', which is not a node in this flow. "
        "Did you mean 'operator'?",
        "unknown-target.toml:11: node 'cards': is never reached: no path from the start node 'main' leads to it. "
        "Point a node at it, or remove it.",
    ]


def test_nodes_no_path_from_the_start_leads_to_are_never_reached():
    assert problems_in("unreachable.toml") == [
        "unreachable.toml:14: node 'old-menu': is never reached: no path from the start node 'welcome' leads to it. "
        "Point a node at it, or remove it.",
        "unreachable.toml:21: node 'old-cards': is never reached: no path from the start node 'welcome' leads to "
        "it. Point a node at it, or remove it.",
    ]


def test_a_loop_the_caller_can_never_leave_names_its_nodes():
    assert problems_in("loop-without-exit.toml") == [
        "loop-without-exit.toml:9: node 'main': is in a loop without an exit: from 'main' and 'balance' no path "
        "reaches a queue, hangup, callback, voicemail, survey or transfer. Give the loop a way out.",
    ]


def test_a_loop_that_never_waits_for_the_caller_would_spin_and_is_reported():
    assert problems_in("instant-loop.toml") == [
        "instant-loop.toml:5: node 'check': is in a loop that never waits for the caller: 'check' and 'count' go "
        "round without a prompt or a key, so the call would spin for ever. Put a menu, a collect or a prompt in "
        "the loop.",
    ]


def test_menu_keys_must_be_phone_keys_that_do_not_start_one_another():
    assert problems_in("menu-choices.toml") == [
        "menu-choices.toml:7: node 'main', choices.12: can never be chosen: the menu acts on '1' as soon as it is "
        "pressed. Give the choices keys that do not start one another.",
        "menu-choices.toml:7: node 'main', choices.a: is not a key on a phone: a choice is 1 to 3 of 0-9, * and #.",
        "menu-choices.toml:7: node 'main', choices.1234: is not a key on a phone: a choice is 1 to 3 of 0-9, * "
        "and #.",
        "menu-choices.toml:11: node 'empty': is never reached: no path from the start node 'main' leads to it. "
        "Point a node at it, or remove it.",
        "menu-choices.toml:14: node 'empty', choices: has no choices: add at least one, like "
        'choices = { "1" = "cards" }.',
    ]


def test_each_missing_recording_is_one_problem_per_prompt_and_language_with_the_command_that_adds_it():
    missing = (("new-opening-hours", "en"), ("new-opening-hours", "zh"), ("invalid-choice", "zh"))

    assert problems_in("missing-prompts.toml", context(missing)) == [
        "missing-prompts.toml:7: node 'welcome', prompt: plays 'new-opening-hours', which has no en recording, and "
        "1 other node plays it too: add it with `branchline prompt add new-opening-hours FILE --lang en`.",
        "missing-prompts.toml:7: node 'welcome', prompt: plays 'new-opening-hours', which has no zh recording, and "
        "1 other node plays it too: add it with `branchline prompt add new-opening-hours FILE --lang zh`.",
        # The menu does not set invalid_prompt: the default's problem is on the node's header line.
        "missing-prompts.toml:10: node 'main', invalid_prompt: plays 'invalid-choice' (a menu's default "
        "invalid_prompt), which has no zh recording, and 1 other node plays it too: add it with "
        "`branchline prompt add invalid-choice FILE --lang zh`.",
    ]


def test_numbers_out_of_range_say_the_range_and_reserved_or_malformed_names_are_refused():
    assert problems_in("bad-values.toml") == [
        "bad-values.toml:10: node 'main', timeout: is 0 seconds, but must be more than 0 and at most 60 seconds.",
        "bad-values.toml:11: node 'main', retries: is 9, but must be from 0 to 5.",
        "bad-values.toml:16: node 'card', variable: is 'caller', which the call sets itself: choose another name "
        "(caller, did, call_id, language and customer.* are reserved).",
        "bad-values.toml:17: node 'card', min_digits: is 0, but must be from 1 to 32.",
        "bad-values.toml:18: node 'card', max_digits: is 40, but must be from 1 to 32.",
        "bad-values.toml:19: node 'card', terminator: is '##', but must be one key: 0-9, * or #.",
        "bad-values.toml:20: node 'card', digit_timeout: is 90 seconds, but must be more than 0 and at most 60 "
        "seconds.",
        "bad-values.toml:25: node 'callback', other_key: is '2', the same as confirm_key: give them different keys.",
        "bad-values.toml:30: node 'callback', max_digits: is 8, fewer than min_digits (12): the caller could never "
        "enter enough digits.",
        "bad-values.toml:36: node 'message', max_seconds: is 3600, but must be from 5 to 600.",
        "bad-values.toml:40: node 'vip', variables.2fa: is '2fa', which is not a variable name: use letters, digits "
        "and _, not starting with a digit, with dots between parts (like account.type).",
        "bad-values.toml:40: node 'vip', variables.customer.tier: is 'customer.tier', which the call sets itself: "
        "choose another name (caller, did, call_id, language and customer.* are reserved).",
        "bad-values.toml:41: node 'vip', priority: is 100, but must be from 0 to 99.",
        "bad-values.toml:42: node 'vip', skill: skill 'cards:11' has level '11': a level is a whole number from 1 "
        "to 10.",
        "bad-values.toml:47: node 'survey', retries: is 4, but must be from 0 to 3.",
    ]


def test_opening_hours_holidays_and_time_zone_are_read_as_the_interpreter_reads_them():
    assert problems_in("hours.toml") == [
        "hours.toml:6: node 'hours', open.mon: '9' in the opening hours of mon is not a time of day: write HH:MM "
        "from 00:00 to 23:59 (24:00 may end a range).",
        "hours.toml:6: node 'hours', open.tue: the opening hours '17:00-09:00' of tue end before they start: a "
        "range ends later on the same day (24:00 at the latest).",
        "hours.toml:6: node 'hours', open.wednesday: 'wednesday' is not a day of the week: use mon, tue, wed, thu, "
        "fri, sat, sun.",
        "hours.toml:6: node 'hours', open.thu: the opening hours of thu overlap at 11:00: list each time of day in "
        "one range only.",
        "hours.toml:7: node 'hours', holidays: '25/12/2025' is not a date: write it as YYYY-MM-DD, for example "
        "2025-12-25.",
        "hours.toml:8: node 'hours', timezone: is 'Asia/Shangai', which is not a time zone. Did you mean "
        "'Asia/Shanghai'? Use an IANA name like \"Asia/Shanghai\", or \"\" for the server's time.",
    ]


def test_an_http_node_needs_a_web_address_a_short_timeout_and_names_it_may_store():
    assert problems_in("http.toml") == [
        "http.toml:6: node 'fetch', url: is 'core.bank.example/balance', but must be an http:// or https:// address "
        "with a host, like https://core.bank.example/balance.",
        "http.toml:8: node 'fetch', save.balance: is 'account..balance', which is not a field of the answer: name "
        "one, with dots for nested fields (like account.balance).",
        "http.toml:8: node 'fetch', save.did: is 'did', which the call sets itself: choose another name (caller, "
        "did, call_id, language and customer.* are reserved).",
        "http.toml:8: node 'fetch', save.balance-due: is 'balance-due', which is not a variable name: use letters, "
        "digits and _, not starting with a digit, with dots between parts (like account.type).",
        "http.toml:9: node 'fetch', timeout: is 15 seconds, but must be more than 0 and at most 10 seconds.",
        "http.toml:13: node 'fetch-again': is never reached: no path from the start node 'fetch' leads to it. Point "
        "a node at it, or remove it.",
        "http.toml:15: node 'fetch-again', url: is 'ftp://core.bank.example/balance', but must be an http:// or "
        "https:// address with a host, like https://core.bank.example/balance.",
    ]


def test_queues_must_exist_and_transfer_numbers_must_be_digits_the_dial_plan_allows():
    assert problems_in("queues-and-numbers.toml") == [
        "queues-and-numbers.toml:13: node 'cards', queue: is 'card', which is not a queue of this branch. Did you "
        "mean 'cards'? The queues are 'cards' and 'general'.",
        "queues-and-numbers.toml:17: node 'message', queue: is 'loans', which is not a queue of this branch. The "
        "queues are 'cards' and 'general'.",
        "queues-and-numbers.toml:21: node 'head-office', number: is '021-5550-100', but a number is digits only, "
        "with an optional + first.",
        "queues-and-numbers.toml:26: node 'abroad', number: is refused by the dial plan: no dial rule allows "
        "'00441234567': add one with 'branchline dialplan add'.",
    ]


def test_without_a_dial_plan_to_ask_only_the_form_of_a_transfer_number_is_checked():
    ctx = FlowContext(prompt_exists=Recordings(), queues=frozenset({"general", "card", "loans"}))

    assert problems_in("queues-and-numbers.toml", ctx) == [
        "queues-and-numbers.toml:21: node 'head-office', number: is '021-5550-100', but a number is digits only, "
        "with an optional + first.",
    ]


def test_a_template_variable_nothing_sets_is_reported_with_the_closest_one_that_is():
    assert problems_in("templates.toml") == [
        "templates.toml:15: node 'fetch', body.account: uses {acount}, which nothing in this flow sets. Did you "
        f"mean {{account}}? A variable is stored by a collect, set or http node, or is one of the call's: {BUILTINS}.",
        "templates.toml:15: node 'fetch', body.name: uses {customer.nme}, which nothing in this flow sets. Did you "
        f"mean {{customer.name}}? A variable is stored by a collect, set or http node, or is one of the call's: "
        f"{BUILTINS}.",
        "templates.toml:15: node 'fetch', body.note: the template '{unclosed' opens a brace it does not close: "
        "write {{ for a literal brace.",
        "templates.toml:22: node 'tell', value: uses {balanse}, which nothing in this flow sets. Did you mean "
        f"{{balance}}? A variable is stored by a collect, set or http node, or is one of the call's: {BUILTINS}.",
        "templates.toml:28: node 'remember', variables.last: uses {pin}, which nothing in this flow sets. A "
        f"variable is stored by a collect, set or http node, or is one of the call's: {BUILTINS}.",
        "templates.toml:38: node 'find', variable: is 'acount', which nothing in this flow sets. Did you mean "
        f"'account'? A variable is stored by a collect, set or http node, or is one of the call's: {BUILTINS}.",
    ]


def test_every_field_problem_of_a_node_is_listed_not_only_the_first():
    kinds = "play, menu, collect, lookup, http, say, hours, set, queue, callback, voicemail, transfer, language, " \
            "survey, hangup, goto"

    assert problems_in("node-fields.toml") == [
        "node-fields.toml:4: node 'welcome', prompt: is missing: a play node needs prompt (a prompt name in quotes "
        'or a list of them, like "welcome" or ["welcome", "menu"]).',
        "node-fields.toml:4: node 'welcome', next: is missing: a play node needs next (text in quotes).",
        "node-fields.toml:6: node 'welcome', prompts: is not a field of a play node. Did you mean 'prompt'? A play "
        "node has: prompt, next, barge_in.",
        "node-fields.toml:7: node 'welcome', nxt: is not a field of a play node. Did you mean 'next'? A play node "
        "has: prompt, next, barge_in.",
        "node-fields.toml:8: node 'welcome', bargein: is not a field of a play node. Did you mean 'barge_in'? A "
        "play node has: prompt, next, barge_in.",
        "node-fields.toml:10: node 'main', on_timeout: is missing: a menu node needs on_timeout (text in quotes).",
        "node-fields.toml:13: node 'main', choices.2: is the number 3, but must be text in quotes.",
        'node-fields.toml:15: node \'main\', timeout: is the text "5 seconds", but must be a number.',
        "node-fields.toml:16: node 'main', retries: is the number 2.5, but must be a whole number.",
        'node-fields.toml:18: node \'balance\', as: is missing: a say node needs as (one of "number", "amount", '
        '"date", "digits").',
        "node-fields.toml:21: node 'balance', as_: is not a field of a say node. Did you mean 'as'? A say node has: "
        "value, next, as, before, after, barge_in.",
        f"node-fields.toml:25: node 'hours', kind: is 'hour', which is not a kind of node. Did you mean 'hours'? "
        f"The kinds are {kinds}.",
        f"node-fields.toml:28: node 'closed', kind: is missing: add kind = \"...\", one of {kinds}.",
        "node-fields.toml:34: node 'holidays', holidays: has the date or time 2025-12-25 without quotes as item 1, "
        "but every item must be text in quotes.",
    ]


def test_mistakes_in_the_top_level_fields_are_reported_at_their_lines():
    assert problems_in("top-level.toml") == [
        'top-level.toml: name: is missing: add name = "..." at the top (lowercase letters, digits, - and _).',
        "top-level.toml:2: nmae: is not a top-level field of a flow file, which has name, start, languages and "
        "[nodes.NAME] tables. Did you mean 'name'?",
        "top-level.toml:3: start: is 'welcom', which is not a node in this flow.",
        "top-level.toml:4: languages: lists 'en' twice: list each language once.",
        "top-level.toml:4: languages: has 'fr', which the product has no prompts for: use 'en' and 'zh'.",
        "top-level.toml:6: welcome: looks like a node: write its header as [nodes.welcome].",
    ]


def test_a_flow_without_nodes_says_how_to_write_one():
    assert problems_in("no-nodes.toml") == [
        'no-nodes.toml: the flow has no nodes: add at least one [nodes.NAME] table with a kind, like '
        '[nodes.welcome] with kind = "play".',
    ]


def test_a_language_switch_must_go_to_one_of_the_flows_languages():
    assert problems_in("languages.toml") == [
        "languages.toml:14: node 'chinese', language: is 'zh', which is not one of this flow's languages: add it to "
        "languages at the top of the file.",
        "languages.toml:19: node 'french', language: is 'fr', which the product has no prompts for: use 'en' and "
        "'zh'.",
    ]


def test_a_file_with_many_mistakes_reports_every_one_in_the_files_order():
    assert problems_in("many-mistakes.toml", context(missing=(("bank-welcome", "zh"),))) == [
        "many-mistakes.toml:8: node 'welcome', prompt: plays 'bank-welcome', which has no zh recording: add it "
        "with `branchline prompt add bank-welcome FILE --lang zh`.",
        "many-mistakes.toml:10: node 'welcome', volume: is not a field of a play node. A play node has: prompt, "
        "next, barge_in.",
        "many-mistakes.toml:15: node 'main', choices.1: goes to 'cardz', which is not a node in this flow.",
        "many-mistakes.toml:15: node 'main', choices.11: can never be chosen: the menu acts on '1' as soon as it is "
        "pressed. Give the choices keys that do not start one another.",
        "many-mistakes.toml:18: node 'main', retries: is 7, but must be from 0 to 5.",
        "many-mistakes.toml:20: node 'balance': is in a loop that never waits for the caller: 'balance' and 'retry' "
        "go round without a prompt or a key, so the call would spin for ever. Put a menu, a collect or a prompt in "
        "the loop.",
        "many-mistakes.toml:23: node 'balance', body.account: uses {acount}, which nothing in this flow sets. A "
        f"variable is stored by a collect, set or http node, or is one of the call's: {BUILTINS}.",
        'many-mistakes.toml:30: node \'say-balance\', as: is the text "money", but must be one of "number", '
        '"amount", "date", "digits".',
        "many-mistakes.toml:39: node 'loans', queue: is 'loan', which is not a queue of this branch. The queues are "
        "'cards' and 'general'.",
        "many-mistakes.toml:41: node 'goodbye': is never reached: no path from the start node 'welcome' leads to "
        "it. Point a node at it, or remove it.",
    ]


def test_every_broken_sample_file_has_a_test():
    assert {path.name for path in BROKEN.glob("*.toml")} == checked_files


# ---- the rules, one by one, on small flows -------------------------------------------------------

HEAD = 'name = "x"\nstart = "a"\n'


def test_a_node_that_hides_where_it_goes_does_not_make_the_nodes_after_it_unreachable():
    text = HEAD + '[nodes.a]\nkind = "play"\nprompt = "p"\nnxt = "b"\n[nodes.b]\nkind = "hangup"\n'

    assert problems_of(text) == [
        "flow.toml:3: node 'a', next: is missing: a play node needs next (text in quotes).",
        "flow.toml:6: node 'a', nxt: is not a field of a play node. Did you mean 'next'? A play node has: prompt, "
        "next, barge_in.",
    ]


def test_a_broken_node_still_leads_where_its_table_says():
    text = HEAD + '[nodes.a]\nkind = "play"\nprompt = 3\nnext = "b"\n[nodes.b]\nkind = "hangup"\n'

    assert problems_of(text) == [
        'flow.toml:5: node \'a\', prompt: is the number 3, but must be a prompt name in quotes or a list of them, '
        'like "welcome" or ["welcome", "menu"].',
    ]


def test_a_play_with_a_prompt_waits_for_the_caller_but_one_without_does_not():
    looping = HEAD + '[nodes.a]\nkind = "play"\nprompt = {}\nnext = "b"\n[nodes.b]\nkind = "goto"\ntarget = "a"\n'

    assert problems_of(looping.format('"hold-music"')) == [
        "flow.toml:3: node 'a': is in a loop without an exit: from 'a' and 'b' no path reaches a queue, hangup, "
        "callback, voicemail, survey or transfer. Give the loop a way out.",
    ]
    assert problems_of(looping.format("[]"))[-1] == (
        "flow.toml:3: node 'a': is in a loop that never waits for the caller: 'a' and 'b' go round without a prompt "
        "or a key, so the call would spin for ever. Put a menu, a collect or a prompt in the loop.")


def test_a_transfer_that_fails_at_once_can_spin_and_an_exit_in_a_loop_still_counts_as_one():
    text = HEAD + '[nodes.a]\nkind = "transfer"\nnumber = "23456789"\non_failure = "b"\n' \
                  '[nodes.b]\nkind = "goto"\ntarget = "a"\n'

    assert problems_of(text) == [
        "flow.toml:3: node 'a': is in a loop that never waits for the caller: 'a' and 'b' go round without a prompt "
        "or a key, so the call would spin for ever. Put a menu, a collect or a prompt in the loop.",
    ]


def test_a_node_that_goes_back_to_itself_is_a_loop_too():
    text = HEAD + '[nodes.a]\nkind = "goto"\ntarget = "a"\n'

    assert problems_of(text) == [
        "flow.toml:3: node 'a': is in a loop without an exit: from 'a' no path reaches a queue, hangup, callback, "
        "voicemail, survey or transfer. Give the loop a way out.",
        "flow.toml:3: node 'a': is in a loop that never waits for the caller: 'a' go round without a prompt or a "
        "key, so the call would spin for ever. Put a menu, a collect or a prompt in the loop.",
    ]


def test_a_long_chain_of_nodes_is_checked_without_recursion():
    chain = "".join(f'[nodes.n{i}]\nkind = "goto"\ntarget = "n{i + 1}"\n' for i in range(3000))
    flow, problems = check_flow(HEAD.replace('"a"', '"n0"') + chain + '[nodes.n3000]\nkind = "hangup"\n', context())

    assert problems == [] and flow is not None and len(flow.nodes) == 3001


def test_a_say_nodes_after_is_prompts_to_play_not_a_node_to_go_to():
    text = HEAD + '[nodes.a]\nkind = "say"\nvalue = "{caller}"\nas = "digits"\nafter = "thanks"\nnext = "b"\n' \
                  '[nodes.b]\nkind = "queue"\nqueue = "general"\nafter = "c"\n[nodes.c]\nkind = "survey"\n'

    assert problems_of(text) == []
    assert problems_of(text, context(missing=(("thanks", "en"),))) == [
        "flow.toml:7: node 'a', after: plays 'thanks', which has no en recording: add it with "
        "`branchline prompt add thanks FILE --lang en`.",
    ]


def test_an_empty_target_and_an_empty_prompt_name_say_what_to_write():
    text = HEAD + '[nodes.a]\nkind = "play"\nprompt = ["hello", ""]\nnext = ""\n'

    assert problems_of(text) == [
        "flow.toml:5: node 'a', prompt: has an empty prompt name: name a recording, or write [] for none.",
        "flow.toml:6: node 'a', next: is empty: name the node to go to.",
    ]


def test_a_lookup_by_customer_number_needs_a_variable_and_a_lookup_by_caller_uses_none():
    text = HEAD + ('[nodes.a]\nkind = "lookup"\nby = "variable"\nnext = "b"\non_missing = "b"\n'
                   '[nodes.b]\nkind = "lookup"\nvariable = "x"\nnext = "c"\non_missing = "c"\n'
                   '[nodes.c]\nkind = "hangup"\n')

    assert problems_of(text) == [
        "flow.toml:3: node 'a', variable: is missing: with by = \"variable\", name the variable that holds the "
        "customer number.",
        "flow.toml:10: node 'b', variable: is set, but by = \"caller\" does not use it: remove it, or write "
        'by = "variable".',
    ]


def test_a_branch_without_queues_says_so():
    text = HEAD + '[nodes.a]\nkind = "queue"\nqueue = "general"\n'

    assert problems_of(text, context(queues=())) == [
        "flow.toml:5: node 'a', queue: is 'general', which is not a queue of this branch. This branch has no queues "
        "yet.",
    ]


def test_a_node_that_is_not_a_table_and_a_nodes_field_that_is_not_tables():
    assert problems_of(HEAD + "[nodes]\na = 3\n") == [
        'flow.toml:4: node \'a\': is not a table: write it as [nodes.a] with kind = "..." and the kind\'s fields '
        "under it.",
    ]
    assert problems_of(HEAD + 'nodes = "a"\n') == [
        "flow.toml:3: nodes: is not a table of nodes: write each node as a [nodes.NAME] table.",
    ]


def test_a_bad_flow_name_and_start_of_the_wrong_type():
    assert problems_of('name = "Bank Flow"\nstart = 1\n[nodes.a]\nkind = "hangup"\n') == [
        "flow.toml:1: name: is 'Bank Flow', but a flow name may only have lowercase letters, digits, - and _, like "
        '"bank-main".',
        "flow.toml:2: start: is the number 1, but must be text in quotes.",
    ]


def test_a_misspelt_field_does_not_hide_the_other_problems_of_its_node():
    text = HEAD + '[nodes.a]\nkind = "queue"\nqueue = "genral"\ntimout = 5\n'

    assert problems_of(text) == [
        "flow.toml:5: node 'a', queue: is 'genral', which is not a queue of this branch. Did you mean 'general'? "
        "The queues are 'cards' and 'general'.",
        "flow.toml:6: node 'a', timout: is not a field of a queue node. A queue node has: queue, after, prompt.",
    ]


class Limited(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag_field="kind", tag="limited"):
    tries: Annotated[int, msgspec.Meta(ge=0)]


def test_a_rule_only_msgspec_knows_still_comes_back_as_a_sentence_on_its_line(monkeypatch):
    monkeypatch.setitem(NODE_KINDS, "limited", Limited)

    assert problems_of(HEAD + '[nodes.a]\nkind = "limited"\ntries = -1\n') == [
        "flow.toml:5: node 'a', tries: is not valid: expected int >= 0.",
    ]


# ---- finding lines ---------------------------------------------------------------------------------


def test_lines_are_found_for_quoted_names_dotted_keys_sub_tables_and_inline_tables():
    lines = Lines(
        'name = "x"\n'  # 1
        '[nodes."main menu"]\n'  # 2
        'kind = "menu"\n'  # 3
        "choices.1 = 'a'\n"  # 4
        "[ nodes . 'main menu' . choices ]\n"  # 5
        '"2" = "b"  # [nodes.fake]\n'  # 6
        "[nodes.b]\n"  # 7
        'body = { "x.y" = "{z}" }\n'  # 8
    )

    assert lines.line("name") == 1
    assert lines.line("nodes", "main menu") == 2
    assert lines.line("nodes", "main menu", "choices", "1") == 4
    assert lines.line("nodes", "main menu", "choices") == 4  # first written by the dotted key
    assert lines.line("nodes", "main menu", "choices", "2") == 6
    assert lines.line("nodes", "b", "body", "x.y") == 8  # inside an inline table: the key that holds it
    assert lines.line("nodes", "missing", "next") == 2  # the first node: the nearest place known
    assert lines.line("start") == 0


def test_multi_line_strings_and_arrays_do_not_confuse_the_line_finder():
    text = (
        '[nodes.a]\n'  # 1
        'prompt = [\n'  # 2
        '  "one",\n'  # 3
        '  "two", # [nodes.fake]\n'  # 4
        ']\n'  # 5
        'value = """\n'  # 6
        '[nodes.not-a-header]\n'  # 7
        'next = "not a key"\n'  # 8
        '"""\n'  # 9
        "next = 'b'\n"  # 10
        'body = { text = "a ] and a {" }\n'  # 11
        'timeout = 3\n'  # 12
    )
    lines = Lines(text)

    assert tomllib.loads(text)["nodes"]["a"]["next"] == "b"
    assert lines.line("nodes", "not-a-header") == 1  # not found: the nearest known, [nodes.a]
    assert lines.line("nodes", "fake") == 1
    assert (lines.line("nodes", "a", "next"), lines.line("nodes", "a", "timeout")) == (10, 12)


def test_windows_line_ends_and_a_unicode_line_separator_in_a_value_keep_the_line_count_of_tomllib():
    text = HEAD.replace("\n", "\r\n") + '[nodes.a]\r\nkind = "play"\r\nprompt = "a\u2028b"\r\nnext = "b"\r\n'

    assert problems_of(text) == ["flow.toml:6: node 'a', next: goes to 'b', which is not a node in this flow."]


def test_every_key_of_the_sample_flow_is_found_on_the_line_that_writes_it():
    text = (FLOWS / "bank.toml").read_text()
    source, lines = text.splitlines(), Lines(text)
    for name, table in tomllib.loads(text)["nodes"].items():
        assert source[lines.line("nodes", name) - 1] == f"[nodes.{name}]"
        for key in table:
            assert source[lines.line("nodes", name, key) - 1].startswith(f"{key} = ")


def test_a_problem_without_a_line_or_node_leaves_them_out_of_the_message():
    assert format_problem(Problem(0, "", "", "the flow has no nodes."), "x.toml") == "x.toml: the flow has no nodes."
    assert format_problem(Problem(3, "", "start", "is missing."), "x.toml") == "x.toml:3: start: is missing."
    assert format_problem(Problem(9, "a", "", "is never reached."), "x.toml") == "x.toml:9: node 'a': is never reached."


@pytest.mark.parametrize("text", ["", "# nothing but a comment\n", "[nodes]\n"])
def test_an_empty_file_says_what_it_lacks(text):
    assert problems_of(text) == [
        'flow.toml: name: is missing: add name = "..." at the top (lowercase letters, digits, - and _).',
        'flow.toml: start: is missing: add start = "NODE", naming the node every call begins at.',
        'flow.toml: the flow has no nodes: add at least one [nodes.NAME] table with a kind, like [nodes.welcome] '
        'with kind = "play".',
    ]
