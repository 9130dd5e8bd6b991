"""`ivr check`: read a flow file and report every problem in it at once, each with its node and line.

    >>> context = FlowContext(prompt_exists=lambda name, language: True, queues=frozenset({"general"}))
    >>> text = 'name = "x"\\nstart = "welcom"\\n[nodes.welcome]\\nkind = "queue"\\nqueue = "general"\\n'
    >>> flow, problems = check_flow(text, context)
    >>> for problem in problems:
    ...     print(format_problem(problem, "x.toml"))
    x.toml:2: start: is 'welcom', which is not a node in this flow. Did you mean 'welcome'?
    >>> check_flow(text.replace("welcom", "welcome", 1), context)[0].start
    'welcome'

A flow comes back only when nothing is wrong. Reading the file and decoding each node are in
`flowfile.py`, following the flow as a graph in `flowgraph.py`; this module holds the rules a
decoded flow must follow. docs/ivr.md lists them.
"""

from __future__ import annotations

import functools
import re
import urllib.parse
import zoneinfo
from collections.abc import Callable

import msgspec

from appliance.ivr import values
from appliance.ivr.flowfile import FlowFile, Problem, close_match, did_you_mean, node_fields, quoted_list
from appliance.ivr.flowgraph import (
    EXIT_KINDS,
    goes_to,
    kind_of,
    loops,
    reachable,
    reaching,
    target_fields,
    targets_known,
    waits,
)
from appliance.ivr.nodes import (
    DIGITS,
    Callback,
    Collect,
    Flow,
    Hours,
    Http,
    Language,
    Lookup,
    Menu,
    QueueNode,
    Say,
    SetNode,
    Survey,
    Transfer,
    Voicemail,
    prompt_names,
    targets,
)

__all__ = ("BUILTIN_VARIABLES", "FlowContext", "Problem", "check_flow", "format_problem")

BUILTIN_VARIABLES = ("caller", "did", "call_id", "language", "customer.ref", "customer.name", "customer.tier",
                     "customer.language", "customer.account_manager")
RESERVED_VARIABLES = frozenset({"caller", "did", "call_id", "language", "customer"})  # and customer.*
MAX_TIMEOUT = 60.0
MAX_HTTP_TIMEOUT = 10.0  # the caller hears silence while the bank's system thinks
RETRIES = (0, 5)
SURVEY_RETRIES = (0, 3)
DIGIT_COUNT = (1, 32)
PRIORITIES = (0, 99)
VOICEMAIL_SECONDS = (5, 600)
MAX_CHOICE_KEYS = 3

_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$")  # as values.template_names reads
_NUMBER = re.compile(r"^\+?[0-9]+$")
_EXITS = "a queue, hangup, callback, voicemail, survey or transfer"


class FlowContext(msgspec.Struct, frozen=True):
    """What the branch offers a flow: recordings, queues, languages and the dial plan."""

    prompt_exists: Callable[[str, str], bool]  # (prompt name, language) -> is there a recording
    queues: frozenset[str]  # configured ACD queues
    languages: tuple[str, ...] = ("en", "zh")  # languages the product has prompts for
    dial_refusal: Callable[[str], str | None] | None = None  # number -> why the dial plan refuses it, or None


def check_flow(text: str, context: FlowContext) -> tuple[Flow | None, list[Problem]]:
    """The flow in `text` and no problems, or None and every problem found, in the file's order."""
    file = FlowFile(text, context.languages)
    if file.parsed:
        check = _Check(file, context)
        check.targets()
        check.paths()
        check.prompts()
        check.values()
        check.templates()
    problems = sorted(dict.fromkeys(file.problems), key=lambda problem: problem.line)
    if problems:
        return None, problems
    return Flow(file.name, file.start, file.nodes, tuple(file.languages)), []


def format_problem(problem: Problem, filename: str) -> str:
    """bank.toml:12: node 'main', choices.1: goes to 'cardz', which is not a node in this flow. ..."""
    place = f"{filename}:{problem.line}" if problem.line else filename
    subject = ", ".join(part for part in (problem.node and f"node '{problem.node}'", problem.field) if part)
    return f"{place}: {subject}: {problem.message}" if subject else f"{place}: {problem.message}"


class _Check:
    """The rules for a flow whose file has been read: each method adds what it finds to `file`."""

    def __init__(self, file: FlowFile, context: FlowContext) -> None:
        self.file, self.context = file, context
        self.problem = file.problem
        self.start, self.languages, self.tables, self.nodes = file.start, file.languages, file.tables, file.nodes
        self.lines, self.broken = file.lines, file.broken
        self.edges = {name: goes_to(file, name) for name in file.tables}
        self.known = set(BUILTIN_VARIABLES).union(*map(_variables_stored, file.tables.values()))

    def targets(self) -> None:
        """Every node named (by start and by target fields) is a node of the flow."""
        if self.start and self.tables and self.start not in self.tables:
            self.problem("", "start", f"is '{self.start}', which is not a node in this flow."
                         f"{did_you_mean(close_match(self.start, self.tables))}")
        for name, node in self.nodes.items():
            for field in target_fields(kind_of(node)):
                if getattr(node, field, None) == "":
                    self.problem(name, field, "is empty: name the node to go to.")
            for field, target in targets(node).items():
                if target not in self.tables:
                    hint = did_you_mean(close_match(target, self.tables))
                    path = tuple(field.split(".", 1))  # choices.KEY
                    self.problem(name, path, f"goes to '{target}', which is not a node in this flow.{hint}")

    def paths(self) -> None:
        """Every node reachable, every loop with a way out, and none that spins without waiting."""
        order = list(self.tables)
        considered = set(order)
        if self.start in self.tables:
            considered = reachable(self.edges, [self.start])
            # A node whose table lacks a target field hides where it goes: nothing can be called unreachable.
            hidden = any(name in self.broken and not targets_known(self.tables[name]) for name in considered)
            for name in order if not hidden else ():
                if name not in considered:
                    self.problem(name, "", f"is never reached: no path from the start node '{self.start}' leads "
                                 "to it. Point a node at it, or remove it.")
        exits = [name for name in order if name in self.broken or kind_of(self.nodes[name]) in EXIT_KINDS]
        stuck = considered - reaching(self.edges, exits)
        for loop in loops([name for name in order if name in stuck], self.edges):
            self.problem(loop[0], "", f"is in a loop without an exit: from {quoted_list(loop)} no path reaches "
                         f"{_EXITS}. Give the loop a way out.")
        instant = [name for name in order if name in self.nodes and not waits(self.nodes[name])]
        for loop in loops(instant, self.edges):
            self.problem(loop[0], "", f"is in a loop that never waits for the caller: {quoted_list(loop)} go round "
                         "without a prompt or a key, so the call would spin for ever. Put a menu, a collect or a "
                         "prompt in the loop.")

    # ---- prompts -------------------------------------------------------------------------------

    def prompts(self) -> None:
        """Each (prompt, language) missing is one problem, at its first use, counting the others."""
        missing: dict[tuple[str, str], list[tuple[str, str, bool]]] = {}
        exists: dict[tuple[str, str], bool] = {}
        for name, node in self.nodes.items():
            table = self.tables[name]
            for field in _prompt_fields(type(node)):
                explicit = field.encode_name in table
                for prompt in prompt_names(getattr(node, field.name)):
                    if not prompt:
                        self.problem(name, field.encode_name, 'has an empty prompt name: name a recording, or write '
                                     "[] for none.")
                        continue
                    for language in self.languages:
                        key = (prompt, language)
                        if key not in exists:
                            exists[key] = self.context.prompt_exists(prompt, language)
                        if not exists[key]:
                            missing.setdefault(key, []).append((name, field.encode_name, explicit))
        for (prompt, language), uses in missing.items():
            name, field, explicit = uses[0]
            what = f"'{prompt}'" if explicit else f"'{prompt}' (a {kind_of(self.nodes[name])}'s default {field})"
            others = len({use[0] for use in uses} - {name})
            also = f", and {others} other node{'s play' if others > 1 else ' plays'} it too" if others else ""
            self.problem(name, field, f"plays {what}, which has no {language} recording{also}: add it with "
                         f"`branchline prompt add {prompt} FILE --lang {language}`.",
                         line=self.lines.line("nodes", name, field) if explicit else self.lines.line("nodes", name))

    # ---- values --------------------------------------------------------------------------------

    def values(self) -> None:
        rules: dict[type, Callable] = {
            Menu: self._menu, Collect: self._collect, Lookup: self._lookup, Http: self._http, Say: self._say,
            Hours: self._hours, SetNode: self._set, QueueNode: self._queue, Callback: self._callback,
            Voicemail: self._queue, Transfer: self._transfer, Language: self._language, Survey: self._survey,
        }
        for name, node in self.nodes.items():
            for field in ("timeout", "digit_timeout"):
                if hasattr(node, field):
                    high = MAX_HTTP_TIMEOUT if isinstance(node, Http) else MAX_TIMEOUT
                    seconds = getattr(node, field)
                    if not 0 < seconds <= high:
                        self.problem(name, field, f"is {_number(seconds)} seconds, but must be more than 0 and "
                                     f"at most {_number(high)} seconds.")
            rule = rules.get(type(node))
            if rule:
                rule(name, node)

    def _range(self, name: str, field: str, value: int, bounds: tuple[int, int]) -> None:
        if not bounds[0] <= value <= bounds[1]:
            self.problem(name, field, f"is {value}, but must be from {bounds[0]} to {bounds[1]}.")

    def _digit_counts(self, name: str, low: int, high: int) -> None:
        self._range(name, "min_digits", low, DIGIT_COUNT)
        self._range(name, "max_digits", high, DIGIT_COUNT)
        if high < low:
            self.problem(name, "max_digits", f"is {high}, fewer than min_digits ({low}): the caller could never "
                         "enter enough digits.")

    def _variable(self, name: str, field: str, variable: str) -> None:
        if not _VARIABLE.match(variable):
            self.problem(name, field, f"is '{variable}', which is not a variable name: use letters, digits and _, "
                         "not starting with a digit, with dots between parts (like account.type).")
        elif variable in RESERVED_VARIABLES or variable.startswith("customer."):
            self.problem(name, field, f"is '{variable}', which the call sets itself: choose another name (caller, "
                         "did, call_id, language and customer.* are reserved).")

    def _key(self, name: str, field: str, key: str) -> None:
        if len(key) != 1 or key not in DIGITS:
            self.problem(name, field, f"is '{key}', but must be one key: 0-9, * or #.")

    def _menu(self, name: str, node: Menu) -> None:
        if not node.choices:
            self.problem(name, "choices", 'has no choices: add at least one, like choices = { "1" = "cards" }.')
        keys = [key for key in node.choices if 1 <= len(key) <= MAX_CHOICE_KEYS and set(key) <= DIGITS]
        for key in node.choices:
            if key not in keys:
                self.problem(name, ("choices", key), f"is not a key on a phone: a choice is 1 to {MAX_CHOICE_KEYS} "
                             "of 0-9, * and #.")
                continue
            for shorter in (other for other in keys if len(other) < len(key) and key.startswith(other)):
                self.problem(name, ("choices", key), f"can never be chosen: the menu acts on '{shorter}' as soon "
                             "as it is pressed. Give the choices keys that do not start one another.")
        self._range(name, "retries", node.retries, RETRIES)

    def _collect(self, name: str, node: Collect) -> None:
        self._variable(name, "variable", node.variable)
        self._digit_counts(name, node.min_digits, node.max_digits)
        if node.terminator:
            self._key(name, "terminator", node.terminator)
        self._range(name, "retries", node.retries, RETRIES)

    def _lookup(self, name: str, node: Lookup) -> None:
        if node.by == "variable" and not node.variable:
            self.problem(name, "variable", 'is missing: with by = "variable", name the variable that holds the '
                         "customer number.")
        elif node.by == "variable" and node.variable not in self.known:
            self._unknown_variable(name, "variable", node.variable, template=False)
        elif node.variable:
            self.problem(name, "variable", 'is set, but by = "caller" does not use it: remove it, or write '
                         'by = "variable".')

    def _http(self, name: str, node: Http) -> None:
        try:
            url = urllib.parse.urlsplit(node.url)
            fine = url.scheme in ("http", "https") and bool(url.hostname)
        except ValueError:
            fine = False
        if not fine:
            self.problem(name, "url", f"is '{node.url}', but must be an http:// or https:// address with a host, "
                         "like https://core.bank.example/balance.")
        for variable, path in node.save.items():
            self._variable(name, ("save", variable), variable)
            if not path or "" in path.split("."):
                self.problem(name, ("save", variable), f"is '{path}', which is not a field of the answer: name one, "
                             "with dots for nested fields (like account.balance).")

    def _say(self, name: str, node: Say) -> None:
        if not node.value.strip():
            self.problem(name, "value", 'is empty: give the template to read out, like "{balance}".')

    def _hours(self, name: str, node: Hours) -> None:
        for day, ranges in node.open.items():
            try:
                values.parse_open_hours({day: ranges})
            except ValueError as error:
                self.problem(name, ("open", day), _clause(error))
        for holiday in node.holidays:
            try:
                values.parse_date(holiday)
            except ValueError as error:
                self.problem(name, "holidays", _clause(error))
        if node.timezone:
            try:
                zoneinfo.ZoneInfo(node.timezone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                hint = close_match(node.timezone, _time_zones())
                self.problem(name, "timezone", f"is '{node.timezone}', which is not a time zone.{did_you_mean(hint)} "
                             'Use an IANA name like "Asia/Shanghai", or "" for the server\'s time.')

    def _set(self, name: str, node: SetNode) -> None:
        for variable in node.variables:
            self._variable(name, ("variables", variable), variable)
        if node.priority is not None:
            self._range(name, "priority", node.priority, PRIORITIES)
        if node.language is not None:
            self._language(name, node)
        if node.skill is not None:
            try:
                values.parse_skill(node.skill)
            except ValueError as error:
                self.problem(name, "skill", _clause(error))

    def _language(self, name: str, node: SetNode | Language) -> None:
        language = node.language
        if language not in self.context.languages:
            self.problem(name, "language", f"is '{language}', which the product has no prompts for: use "
                         f"{quoted_list(self.context.languages)}.")
        elif language not in self.languages:
            self.problem(name, "language", f"is '{language}', which is not one of this flow's languages: add it to "
                         "languages at the top of the file.")

    def _queue(self, name: str, node: QueueNode | Callback | Voicemail) -> None:
        if node.queue not in self.context.queues:
            queues = sorted(self.context.queues)
            listed = f" The queues are {quoted_list(queues)}." if queues else " This branch has no queues yet."
            self.problem(name, "queue", f"is '{node.queue}', which is not a queue of this branch."
                         f"{did_you_mean(close_match(node.queue, queues))}{listed}")
        if isinstance(node, Voicemail):
            self._range(name, "max_seconds", node.max_seconds, VOICEMAIL_SECONDS)

    def _callback(self, name: str, node: Callback) -> None:
        self._queue(name, node)
        self._key(name, "confirm_key", node.confirm_key)
        self._key(name, "other_key", node.other_key)
        if node.confirm_key == node.other_key:
            self.problem(name, "other_key", f"is '{node.other_key}', the same as confirm_key: give them different "
                         "keys.")
        self._digit_counts(name, node.min_digits, node.max_digits)

    def _transfer(self, name: str, node: Transfer) -> None:
        if not _NUMBER.match(node.number):
            self.problem(name, "number", f"is '{node.number}', but a number is digits only, with an optional + first.")
            return
        refusal = self.context.dial_refusal(node.number) if self.context.dial_refusal else None
        if refusal:
            self.problem(name, "number", f"is refused by the dial plan: {refusal}")

    def _survey(self, name: str, node: Survey) -> None:
        self._range(name, "retries", node.retries, SURVEY_RETRIES)

    # ---- templates -----------------------------------------------------------------------------

    def templates(self) -> None:
        for name, node in self.nodes.items():
            if isinstance(node, Http):
                texts = {("body", key): text for key, text in node.body.items()}
            elif isinstance(node, Say):
                texts = {("value",): node.value}
            elif isinstance(node, SetNode):
                texts = {("variables", key): text for key, text in node.variables.items()}
            else:
                continue
            for field, text in texts.items():
                try:
                    used = values.template_names(text)
                except ValueError as error:
                    self.problem(name, field, _clause(error))
                    continue
                for variable in used:
                    if variable not in self.known:
                        self._unknown_variable(name, field, variable, template=True)

    def _unknown_variable(self, name: str, field: str | tuple[str, ...], variable: str, *, template: bool) -> None:
        hint = close_match(variable, self.known)
        shown = "{%s}" if template else "'%s'"
        lead = f"uses {shown % variable}" if template else f"is {shown % variable}"
        hint = f" Did you mean {shown % hint}?" if hint else ""
        self.problem(name, field, f"{lead}, which nothing in this flow sets.{hint} A variable is stored by a collect, "
                     f"set or http node, or is one of the call's: {', '.join(BUILTIN_VARIABLES)}.")


# ---- helpers -------------------------------------------------------------------------------------


def _variables_stored(table: object) -> list[str]:
    """The variables a node's table stores: collect.variable, set.variables and http.save keys."""
    if not isinstance(table, dict):
        return []
    kind, stored = table.get("kind"), []
    if kind == "collect" and isinstance(table.get("variable"), str):
        stored.append(table["variable"])
    field = {"set": "variables", "http": "save"}.get(kind)
    if field and isinstance(table.get(field), dict):
        stored += table[field]
    return stored


@functools.cache
def _prompt_fields(cls: type) -> list[msgspec.structs.FieldInfo]:
    return [field for field in node_fields(cls).values() if field.type == (str | list[str])]


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())  # reads the whole zone database: once


def _clause(error: ValueError) -> str:
    """A sentence from values.py, to follow "node 'x', field:" like the checker's own messages."""
    text = str(error)
    return text[0].lower() + text[1:] if text[:2].istitle() else text


def _number(value: float) -> str:
    return f"{value:g}"

