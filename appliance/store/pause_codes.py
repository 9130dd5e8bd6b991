"""The pause codes agents choose from when they step away. The appliance's own (system) codes can
be relabelled but never removed.
"""

from __future__ import annotations

import apsw

from appliance.errors import Conflict, InvalidInput, NotFound
from appliance.model import PauseCode, parse_name

__all__ = ("MAX_LABEL", "add_pause_code", "remove_pause_code", "update_pause_code")

MAX_LABEL = 64


def _check_label(label: str, what: str, *, required: bool) -> str:
    label = label.strip()
    if (required and not label) or len(label) > MAX_LABEL:
        raise InvalidInput(f"{what} {label!r} is not valid: give 1 to {MAX_LABEL} characters.")
    return label


def _get_pause_code(conn: apsw.Connection, code: str) -> PauseCode:
    row = conn.execute("SELECT code, label, label_zh, system FROM pause_codes WHERE code = ?", (code,)).fetchone()
    if row is None:
        raise NotFound(f"pause code {code!r} does not exist: 'branchline pause-code list' shows what there is.")
    return PauseCode(row[0], row[1], row[2], bool(row[3]))


def add_pause_code(conn: apsw.Connection, pause: PauseCode) -> None:
    parse_name(pause.code, "pause code")
    label = _check_label(pause.label, "label", required=True)
    label_zh = _check_label(pause.label_zh, "Chinese label", required=False)
    with conn:
        if conn.execute("SELECT 1 FROM pause_codes WHERE code = ?", (pause.code,)).fetchone():
            raise Conflict(
                f"pause code {pause.code!r} already exists: change its labels with "
                f"'branchline pause-code set {pause.code}', or choose another code."
            )
        conn.execute(
            "INSERT INTO pause_codes (code, label, label_zh, system) VALUES (?, ?, ?, ?)",
            (pause.code, label, label_zh, int(pause.system)),
        )


def update_pause_code(conn: apsw.Connection, code: str, *, label: str | None = None, label_zh: str | None = None) -> PauseCode:
    """Change a code's labels (system codes too: only what screens show changes)."""
    with conn:
        current = _get_pause_code(conn, code)
        changed = PauseCode(
            code,
            current.label if label is None else _check_label(label, "label", required=True),
            current.label_zh if label_zh is None else _check_label(label_zh, "Chinese label", required=False),
            current.system,
        )
        conn.execute("UPDATE pause_codes SET label = ?, label_zh = ? WHERE code = ?", (changed.label, changed.label_zh, code))
    return changed


def remove_pause_code(conn: apsw.Connection, code: str) -> None:
    """Agents can no longer choose it; past pauses keep their code in the event log."""
    with conn:
        pause = _get_pause_code(conn, code)
        if pause.system:
            raise Conflict(
                f"pause code {code!r} ({pause.label}) is set by the appliance itself and cannot be removed; "
                f"'branchline pause-code set {code}' changes its labels."
            )
        conn.execute("DELETE FROM pause_codes WHERE code = ?", (code,))
