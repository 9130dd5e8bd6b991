"""Where each key of a TOML file is written: tomllib gives values without positions.

`Lines` scans the source for table headers and `key =` lines (the only places a key can start in
TOML) and remembers the first line of every key path, so a problem found in the values can be
reported at its line.

    >>> lines = Lines('name = "bank"\\n\\n[nodes.main]\\nkind = "menu"\\nchoices = { "1" = "cards" }\\n')
    >>> lines.line("nodes", "main", "kind"), lines.line("nodes", "main", "choices", "1"), lines.line("start")
    (4, 5, 0)
    >>> toml_key("main"), toml_key("two words")
    ('main', '"two words"')
"""

from __future__ import annotations

import json
import re

__all__ = ("Lines", "Path", "toml_key")

Path = tuple[str, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
# What matters in a value: multi-line string openings, strings (skipped whole), brackets and comments.
_VALUE_TOKEN = re.compile(r'"""|\'\'\'|"(?:[^"\\]|\\.)*"?|\'[^\']*\'?|[\[\]{}#]')


class Lines:
    """Where each key path (("nodes", "main", "choices") ...) is first written in the source.

    Keys inside inline tables and arrays are not recorded: they share the line of the key that
    holds them, which is what `line()` falls back to (the longest recorded prefix of the path).
    """

    def __init__(self, text: str) -> None:
        self._first: dict[Path, int] = {}
        table: Path = ()
        depth = 0  # open [ and { of a value that goes on over the next lines
        closing: str | None = None  # the delimiter of a multi-line string left open
        for number, line in enumerate(text.split("\n"), start=1):  # as tomllib counts: not at \u2028
            position = 0
            if closing is not None:
                end = line.find(closing)
                if end < 0:
                    continue
                closing, position = None, end + 3
            elif depth == 0:
                stripped = line.lstrip()
                if not stripped or stripped[0] == "#":
                    continue
                start = len(line) - len(stripped)
                if stripped[0] == "[":  # a header [a.b] or [[a.b]]
                    inner = start + (2 if stripped.startswith("[[") else 1)
                    path, _ = _key_path(line, inner)
                    if path:
                        table = path
                        self._record(table, number)
                    continue
                path, position = _key_path(line, start)
                if not path:
                    continue
                self._record(table + path, number)
                position = line.find("=", position) + 1
                if position == 0:
                    continue
            depth, closing = _scan_value(line, position, depth)

    def _record(self, path: Path, number: int) -> None:
        for end in range(1, len(path) + 1):
            self._first.setdefault(path[:end], number)

    def line(self, *path: str) -> int:
        """The line of `path`, or of its longest prefix written in the file; 0 if none is."""
        for end in range(len(path), 0, -1):
            found = self._first.get(path[:end])
            if found is not None:
                return found
        return 0


def _key_path(line: str, position: int) -> tuple[Path, int]:
    """The dotted key starting at `position` (bare, "basic" or 'literal' parts) and where it ends."""
    parts: list[str] = []
    length = len(line)
    while True:
        while position < length and line[position] in " \t":
            position += 1
        if position >= length:
            return tuple(parts), position
        char = line[position]
        if char == '"':
            end = position + 1
            while end < length and line[end] != '"':
                end += 2 if line[end] == "\\" else 1
            raw = line[position : end + 1]
            try:
                parts.append(json.loads(raw))
            except ValueError:  # a TOML escape JSON lacks (\e, \xHH): the raw text is close enough
                parts.append(raw[1:-1])
            position = end + 1
        elif char == "'":
            end = line.find("'", position + 1)
            end = length if end < 0 else end
            parts.append(line[position + 1 : end])
            position = end + 1
        else:
            found = _BARE_KEY.match(line, position)
            if not found:
                return tuple(parts), position
            parts.append(found.group())
            position = found.end()
        while position < length and line[position] in " \t":
            position += 1
        if position < length and line[position] == ".":
            position += 1
            continue
        return tuple(parts), position


def _scan_value(line: str, position: int, depth: int) -> tuple[int, str | None]:
    """Follow a value to the end of the line: the bracket depth left open, and an open \"\"\" or '''."""
    for token in _VALUE_TOKEN.finditer(line, position):
        text = token.group()
        if text in ('"""', "'''"):
            end = line.find(text, token.end())
            if end < 0:
                return depth, text
            return _scan_value(line, end + 3, depth)
        if text == "#":
            break
        if text in "[{":
            depth += 1
        elif text in "]}":
            depth = max(depth - 1, 0)
    return depth, None


def toml_key(name: str) -> str:
    """`name` as a key in a TOML header: bare when it can be, else in double quotes."""
    return name if _BARE_KEY.fullmatch(name) else json.dumps(name)
