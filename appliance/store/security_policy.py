"""The branch's sign-in policy: how many wrong passwords lock an account, for how long, and how long
an unused browser session lasts. Kept as rows in `settings` (no row: the default).
"""

from __future__ import annotations

import apsw
import msgspec

from appliance.errors import InvalidInput
from appliance.store._rows import check_whole
from appliance.store.config import get_setting, set_setting

__all__ = ("POLICY_LIMITS", "SecurityPolicy", "security_policy", "set_security_policy")


class SecurityPolicy(msgspec.Struct, frozen=True):
    login_max_failures: int = 5  # wrong passwords in a row that lock an account
    login_lockout_minutes: int = 15
    session_idle_hours: int = 12  # a browser session unused this long ends


# field -> (lowest, highest, what a person calls it, unit)
POLICY_LIMITS: dict[str, tuple[int, int, str, str]] = {
    "login_max_failures": (1, 100, "failed sign-ins before a lock", ""),
    "login_lockout_minutes": (1, 1440, "lockout time", " minutes"),
    "session_idle_hours": (1, 72, "session idle time", " hours"),
}


def security_policy(conn: apsw.Connection) -> SecurityPolicy:
    values = {}
    for field in SecurityPolicy.__struct_fields__:
        text = get_setting(conn, field)
        if text is not None and text.isdigit():  # a hand-edited bad value falls back to the default
            values[field] = int(text)
    return SecurityPolicy(**values)


def set_security_policy(conn: apsw.Connection, **changes: int) -> SecurityPolicy:
    """Check every change first, so a bad one changes nothing; returns the policy now in force."""
    for field, value in changes.items():
        if field not in POLICY_LIMITS:
            raise InvalidInput(f"{field!r} is not a sign-in policy setting: use one of {', '.join(POLICY_LIMITS)}.")
        low, high, what, unit = POLICY_LIMITS[field]
        check_whole(value, low, high, what, unit)
    with conn:
        for field, value in changes.items():
            set_setting(conn, field, str(value))
    return security_policy(conn)
