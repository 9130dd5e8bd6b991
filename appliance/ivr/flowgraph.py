"""A flow as a graph: which node goes where, what is reachable, where the loops are, and which
nodes end a call or wait for the caller. The checker (`check.py`) turns what it finds into problems.

    >>> edges = {"menu": ["cards", "menu"], "cards": ["menu"], "bye": []}
    >>> sorted(reachable(edges, ["cards"]))
    ['cards', 'menu']
    >>> loops(list(edges), edges)
    [['menu', 'cards']]

Edges are lists of node names by node, every target a node of the flow. A node that could not be
decoded (a "broken" one) still has edges: what its table names in target fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from appliance.ivr.flowfile import node_fields
from appliance.ivr.nodes import (
    NODE_KINDS,
    TARGET_FIELDS,
    Callback,
    Collect,
    Menu,
    Node,
    Play,
    QueueNode,
    Say,
    Survey,
    Transfer,
    Voicemail,
    prompt_names,
    targets,
)

if TYPE_CHECKING:
    from appliance.ivr.flowfile import FlowFile

__all__ = (
    "EXIT_KINDS",
    "goes_to",
    "kind_of",
    "loops",
    "reachable",
    "reaching",
    "target_fields",
    "targets_known",
    "waits",
)

EXIT_KINDS = frozenset({"queue", "hangup", "callback", "voicemail", "survey", "transfer"})  # a call can end there
_QUEUE_TARGET_FIELDS = (*TARGET_FIELDS, "after")


def reachable(edges: dict[str, list[str]], starts: Iterable[str]) -> set[str]:
    """Every node a path from `starts` (included) leads to."""
    seen = set(starts)
    todo = list(seen)
    while todo:
        for target in edges.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def reaching(edges: dict[str, list[str]], ends: Iterable[str]) -> set[str]:
    """Every node (of `edges`) from which a path leads to one of `ends` (included)."""
    backwards: dict[str, list[str]] = {name: [] for name in edges}
    for name, goes in edges.items():
        for target in goes:
            backwards[target].append(name)
    return reachable(backwards, ends)


def loops(names: list[str], edges: dict[str, list[str]]) -> list[list[str]]:
    """The loops among `names` (strongly connected parts with a cycle), each in `names`' order.

    Tarjan's algorithm without recursion: a 500-node chain must not hit Python's recursion limit.
    """
    inside = {name: position for position, name in enumerate(names)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in names:
        if root in index:
            continue
        work = [(root, iter([t for t in edges.get(root, ()) if t in inside]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            name, following = work[-1]
            target = next(following, None)
            if target is not None:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter([t for t in edges.get(target, ()) if t in inside])))
                elif target in on_stack:
                    low[name] = min(low[name], index[target])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[name])
            if low[name] == index[name]:
                part = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    part.append(member)
                    if member == name:
                        break
                if len(part) > 1 or name in edges.get(name, ()):
                    found.append(sorted(part, key=inside.__getitem__))
    return sorted(found, key=lambda loop: inside[loop[0]])


def goes_to(file: FlowFile, name: str) -> list[str]:
    """The nodes of the flow `name` goes to; for a broken node, what its table names in target fields."""
    node = file.nodes.get(name)
    if node is not None:
        found: list[object] = list(targets(node).values())
    else:
        table = file.tables[name] if isinstance(file.tables[name], dict) else {}
        found = [table.get(field) for field in target_fields(table.get("kind"))]
        if isinstance(table.get("choices"), dict):
            found += table["choices"].values()
    return [target for target in found if isinstance(target, str) and target in file.tables]


def target_fields(kind: object) -> tuple[str, ...]:
    """The fields that name a node in a node of `kind` (its `choices` aside): as `targets()` reads
    them, but also when they are empty or the node could not be decoded. A say node's `after` is
    prompts."""
    return _QUEUE_TARGET_FIELDS if kind == "queue" else TARGET_FIELDS


def targets_known(table: object) -> bool:
    """Does a broken node's table still say where the node goes (its kind's target fields are all there)?"""
    cls = NODE_KINDS.get(table.get("kind")) if isinstance(table, dict) else None
    if cls is None:
        return False
    fields = target_fields(table.get("kind"))
    needed = [key for key, field in node_fields(cls).items() if field.required and key in fields]
    return all(isinstance(table.get(field), str) for field in needed) and (
        cls is not Menu or isinstance(table.get("choices"), dict))


def waits(node: Node) -> bool:
    """Does the call pause at this node (a prompt, a key, an agent)? Lookups and HTTP answer at
    once as far as a loop is concerned, and a refused transfer comes back at once."""
    if isinstance(node, (Menu, Collect, QueueNode, Callback, Voicemail, Survey)):
        return True
    if isinstance(node, (Play, Transfer)):
        return bool(prompt_names(node.prompt))
    if isinstance(node, Say):
        return bool(prompt_names(node.before) or prompt_names(node.after))
    return False


def kind_of(node: Node) -> str:
    """The node's kind as the file writes it: "menu", "queue"..."""
    return type(node).__struct_config__.tag
