"""Reading a flow file: the TOML, the line each key sits on, and each node decoded on its own.

The checker (`check.py`) wants every problem of a file at once, each with its line: tomllib gives
values without positions, so `toml_lines.Lines` finds the line each key is written on.
`decode_node` turns one node's table into its Struct, listing all of that node's problems (unknown
fields, missing fields, values of the wrong type) instead of msgspec's first error only.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import re
import tomllib
import types
import typing
from typing import Any, Literal

import msgspec

from appliance.ivr.nodes import NODE_KINDS, Node
from appliance.ivr.toml_lines import Lines, Path, toml_key

__all__ = (
    "TOP_LEVEL",
    "FlowFile",
    "Problem",
    "close_match",
    "decode_node",
    "describe",
    "did_you_mean",
    "node_fields",
    "quoted_list",
    "read_toml",
    "show",
    "type_problem",
)


class Problem(msgspec.Struct, frozen=True):
    """One thing wrong with a flow file, where it is and what to do about it."""

    line: int  # 1-based line in the file; 0 when not locatable
    node: str  # node name, "" for the flow's top-level fields
    field: str  # e.g. "choices.1", "timeout"; "" for the whole node
    message: str  # one full sentence saying what is wrong and what to do


TOP_LEVEL = ("name", "start", "languages", "nodes")

_FLOW_NAME = re.compile(r"^[a-z0-9_-]+$")
_TOML_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")
_MSGSPEC_PATH = re.compile(r" - at `\$(.*)`$")
_PROMPTS = str | list[str]


def read_toml(text: str) -> tuple[dict[str, Any] | None, Problem | None]:
    """The file's tables, or the one problem that stops tomllib (its line is in tomllib's message)."""
    try:
        return tomllib.loads(text), None
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = _TOML_POSITION.search(message)
        line, column = 0, None
        if found and found.group(1):
            line, column = int(found.group(1)), found.group(2)
        elif found:  # "at end of document": the last line
            line = text.count("\n") + (0 if text.endswith("\n") else 1)
        what = message[: found.start()] if found else message
        at = f" at column {column}" if column else ""
        return None, Problem(line, "", "", f"the file is not valid TOML: {what[:1].lower()}{what[1:]}{at}. Fix this "
                             "first: nothing else is checked.")


# ---- the whole file ----------------------------------------------------------------------------


class FlowFile:
    """What a flow file says: its top-level fields and each node decoded on its own, with every
    problem found while reading them. Nodes that could not be decoded at all are `broken`; their
    raw tables stay in `tables`, so the checker can still follow their targets."""

    def __init__(self, text: str, product_languages: tuple[str, ...]) -> None:
        self.problems: list[Problem] = []
        self.name = self.start = ""
        self.languages: list[str] = []
        self.tables: dict[str, object] = {}
        self.nodes: dict[str, Node] = {}
        self.broken: set[str] = set()
        data, syntax = read_toml(text)
        self.parsed = data is not None
        self.lines = Lines(text if data is not None else "")
        if data is None:
            self.problems.append(syntax)
            return
        self._top_level(data, product_languages)
        for name, table in self.tables.items():
            node, problems = decode_node(name, table, self.lines)
            self.problems += problems
            if node is None:
                self.broken.add(name)
            else:
                self.nodes[name] = node

    def problem(self, node: str, field: str | Path, message: str, *, line: int | None = None) -> None:
        """Record a problem; `field` is a name or a key path (("save", "account.balance")) in the node."""
        path = (field,) if isinstance(field, str) else field
        if line is None:
            line = self.lines.line("nodes", node, *path) if node else self.lines.line(*path)
        self.problems.append(Problem(line, node, ".".join(path), message))

    def _top_level(self, data: dict[str, Any], product_languages: tuple[str, ...]) -> None:
        for key, value in data.items():
            if key in TOP_LEVEL:
                continue
            if isinstance(value, dict) and "kind" in value:
                self.problem("", key, f"looks like a node: write its header as [nodes.{toml_key(key)}].")
            else:
                hint = close_match(key, TOP_LEVEL)
                self.problem("", key, "is not a top-level field of a flow file, which has name, start, languages "
                             f"and [nodes.NAME] tables.{did_you_mean(hint)}")
        self.name = self._text(data, "name", 'add name = "..." at the top (lowercase letters, digits, - and _)')
        if self.name and not _FLOW_NAME.match(self.name):
            self.problem("", "name", f"is '{self.name}', but a flow name may only have lowercase letters, digits, "
                         '- and _, like "bank-main".')
        self.start = self._text(data, "start", 'add start = "NODE", naming the node every call begins at')
        self._languages(data.get("languages", ["en"]), product_languages)
        nodes = data.get("nodes")
        if nodes is not None and not isinstance(nodes, dict):
            self.problem("", "nodes", "is not a table of nodes: write each node as a [nodes.NAME] table.")
        elif not nodes:
            self.problem("", "", "the flow has no nodes: add at least one [nodes.NAME] table with a kind, like "
                         '[nodes.welcome] with kind = "play".', line=0)
        else:
            self.tables = nodes

    def _text(self, data: dict[str, Any], key: str, how: str) -> str:
        if key not in data:
            self.problem("", key, f"is missing: {how}.")
            return ""
        wrong = type_problem(data[key], str)
        if wrong:
            self.problem("", key, wrong[1])
            return ""
        return data[key]

    def _languages(self, languages: Any, product_languages: tuple[str, ...]) -> None:
        wrong = type_problem(languages, list[str])
        if wrong:
            self.problem("", "languages", wrong[1])
            return
        if not languages:
            self.problem("", "languages", 'is empty: list the languages the flow speaks, like ["en", "zh"].')
        for language in dict.fromkeys(languages):
            if language not in product_languages:
                self.problem("", "languages", f"has '{language}', which the product has no prompts for: use "
                             f"{quoted_list(product_languages)}.")
            elif languages.count(language) > 1:
                self.problem("", "languages", f"lists '{language}' twice: list each language once.")
            else:
                self.languages.append(language)


# ---- one node ----------------------------------------------------------------------------------


def decode_node(name: str, table: object, lines: Lines) -> tuple[Node | None, list[Problem]]:
    """The node's Struct and every problem found in its table. With problems, the Struct is there
    only when the node's known fields decode without the unknown ones; otherwise it is None."""
    if not isinstance(table, dict):
        return None, [Problem(lines.line("nodes", name), name, "", f"is not a table: write it as [nodes.{toml_key(name)}] "
                              'with kind = "..." and the kind\'s fields under it.')]
    kind = table.get("kind")
    if not isinstance(kind, str) or kind not in NODE_KINDS:
        return None, [_kind_problem(name, kind, lines)]
    cls = NODE_KINDS[kind]
    try:
        return msgspec.convert(table, type=cls), []
    except msgspec.ValidationError as error:  # msgspec names the first problem; find them all
        problems = _node_problems(name, kind, table, lines) or [_translate(name, str(error), lines)]
    try:  # when unknown fields were the only trouble, the node's other rules can still be checked
        known = node_fields(cls)
        return msgspec.convert({k: v for k, v in table.items() if k == "kind" or k in known}, type=cls), problems
    except msgspec.ValidationError:
        return None, problems


def _node_problems(name: str, kind: str, table: dict[str, Any], lines: Lines) -> list[Problem]:
    fields = node_fields(NODE_KINDS[kind])
    problems: list[Problem] = []
    for key in table:
        if key != "kind" and key not in fields:
            hint = did_you_mean(close_match(key, fields))
            problems.append(Problem(lines.line("nodes", name, key), name, key,
                                    f"is not a field of a {kind} node.{hint} A {kind} node has: {', '.join(fields)}."))
    for key, field in fields.items():
        if key not in table:
            if field.required:
                problems.append(Problem(lines.line("nodes", name), name, key,
                                        f"is missing: a {kind} node needs {key} ({describe(field.type)})."))
            continue
        wrong = type_problem(table[key], field.type)
        if wrong is not None:
            sub, sentence = wrong
            problems.append(Problem(lines.line("nodes", name, key, *sub), name, ".".join((key, *sub)), sentence))
    return problems


@functools.cache
def node_fields(cls: type) -> dict[str, msgspec.structs.FieldInfo]:
    """A node kind's fields by their name in the file (msgspec resolves the annotations anew each call)."""
    return {field.encode_name: field for field in msgspec.structs.fields(cls)}


def _kind_problem(name: str, kind: object, lines: Lines) -> Problem:
    kinds = ", ".join(NODE_KINDS)
    if kind is None:
        return Problem(lines.line("nodes", name), name, "kind", f"is missing: add kind = \"...\", one of {kinds}.")
    if not isinstance(kind, str):
        return Problem(lines.line("nodes", name, "kind"), name, "kind",
                       f"is {show(kind)}, but must be one of the kinds in quotes: {kinds}.")
    hint = did_you_mean(close_match(kind, NODE_KINDS))
    return Problem(lines.line("nodes", name, "kind"), name, "kind",
                   f"is '{kind}', which is not a kind of node.{hint} The kinds are {kinds}.")


def type_problem(value: object, expected: Any) -> tuple[Path, str] | None:
    """Why `value` (from TOML) does not fit the type `expected`: the key path inside it and a sentence."""
    if _fits(value, expected):
        return None
    origin, args = typing.get_origin(expected), typing.get_args(expected)
    if origin is dict and isinstance(value, dict):
        for key, item in value.items():
            if not _fits(item, args[1]):
                return (str(key),), f"is {show(item)}, but must be {describe(args[1])}."
    if isinstance(value, list) and expected in (_PROMPTS, list[str]):
        for index, item in enumerate(value, start=1):
            if not _fits(item, str):
                return (), f"has {show(item)} as item {index}, but every item must be text in quotes."
    return (), f"is {show(value)}, but must be {describe(expected)}."


def _fits(value: object, expected: Any) -> bool:
    """Would msgspec take `value` as `expected`? Constraints (msgspec.Meta) are left to msgspec."""
    origin, args = typing.get_origin(expected), typing.get_args(expected)
    if origin is typing.Annotated:
        return _fits(value, args[0])
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, option) for option in args)
    if origin is Literal:
        return any(value == option and type(value) is type(option) for option in args)
    if origin is list:
        return isinstance(value, list) and all(_fits(item, args[0]) for item in value)
    if origin is dict:
        return isinstance(value, dict) and all(_fits(item, args[1]) for item in value.values())
    if expected is type(None):
        return value is None
    if expected is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected) if isinstance(expected, type) else True


def describe(expected: Any) -> str:
    """The type a field wants, in words for the person writing the file."""
    if expected == _PROMPTS:
        return 'a prompt name in quotes or a list of them, like "welcome" or ["welcome", "menu"]'
    origin, args = typing.get_origin(expected), typing.get_args(expected)
    if origin is typing.Annotated:
        return describe(args[0])
    if origin in (typing.Union, types.UnionType):
        return " or ".join(describe(option) for option in args if option is not type(None))
    if origin is Literal:
        return "one of " + ", ".join(f'"{option}"' for option in args)
    if origin is list:
        return "a list of " + ("text values in quotes" if args[0] is str else describe(args[0]))
    if origin is dict:
        return 'a table of text values in quotes, like { key = "value" }'
    return {str: "text in quotes", bool: "true or false", int: "a whole number", float: "a number"}.get(
        expected, getattr(expected, "__name__", str(expected)))


def show(value: object) -> str:
    """A value read from TOML, in words: the text "x", the number 3, a table..."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'the text "{value}"' if len(value) <= 40 else f'the text "{value[:37]}..."'
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return f"the date or time {value.isoformat()} without quotes"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _translate(name: str, error: str, lines: Lines) -> Problem:
    """msgspec's words, for a rule `type_problem` does not know: "Expected `int` >= 0 - at `$.retries`"."""
    found = _MSGSPEC_PATH.search(error)
    at = found.group(1) if found else ""
    path = tuple(part for part in re.split(r"[.\[\]]+", at) if part and part != "...")
    text = (error[: found.start()] if found else error).replace("`", "")
    return Problem(lines.line("nodes", name, *path), name, ".".join(path),
                   f"is not valid: {text[:1].lower()}{text[1:]}.")


# ---- words ---------------------------------------------------------------------------------------


def close_match(word: str, choices: typing.Iterable[str]) -> str | None:
    """The choice `word` was probably meant to be (a typo), if one is close enough."""
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.75)
    return found[0] if found else None


def did_you_mean(hint: str | None) -> str:
    return f" Did you mean '{hint}'?" if hint else ""


def quoted_list(names: typing.Iterable[str]) -> str:
    """'a', 'b' and 'c'."""
    quoted = [f"'{name}'" for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
