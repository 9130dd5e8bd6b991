"""The wallboard's colour thresholds per figure, kept in the settings table."""

from __future__ import annotations

import apsw
import msgspec

from appliance.errors import InvalidInput
from appliance.store.config import get_setting, set_setting

__all__ = ("Thresholds", "set_thresholds", "thresholds")

THRESHOLD_PREFIX = "wallboard."


class Thresholds(msgspec.Struct, frozen=True):
    """(warn, alarm) per figure. Waiting and longest wait: at or above is worse; service level: below."""

    waiting: tuple[int, int] = (3, 6)
    longest_wait: tuple[int, int] = (60, 120)
    service_level: tuple[int, int] = (80, 60)


def thresholds(conn: apsw.Connection) -> Thresholds:
    values = {}
    for field in Thresholds.__struct_fields__:
        text = get_setting(conn, THRESHOLD_PREFIX + field)
        if text:
            warn, _, alarm = text.partition(":")
            values[field] = (int(warn), int(alarm))
    return Thresholds(**values)


def set_thresholds(conn: apsw.Connection, **pairs: str | None) -> Thresholds:
    """Store "WARN:ALARM" per figure; the wallboards pick them up on their next push."""
    for field, text in pairs.items():
        if text is None:
            continue
        warn, sep, alarm = text.partition(":")
        if not (sep and warn.isdigit() and alarm.isdigit()):
            raise InvalidInput(f"{field.replace('_', '-')} {text!r} is not WARN:ALARM, e.g. 3:6 (whole numbers).")
        worse_is_lower = field == "service_level"
        if (int(alarm) > int(warn)) if worse_is_lower else (int(alarm) < int(warn)):
            order = "at or below" if worse_is_lower else "at or above"
            raise InvalidInput(f"{field.replace('_', '-')}: the alarm level must be {order} the warning level.")
        set_setting(conn, THRESHOLD_PREFIX + field, f"{int(warn)}:{int(alarm)}")
    return thresholds(conn)
