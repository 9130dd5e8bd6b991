"""Browser sessions: a random token in a cookie, a CSRF token for forms, and an idle expiry that
slides forward while the browser is used. Only a sha256 of the session token is kept, like API
tokens, so a copied database lets nobody in.
"""

from __future__ import annotations

import secrets

import apsw

from appliance.clock import iso
from appliance.store.security_policy import security_policy
from appliance.store.users import Account, account, token_hash

__all__ = ("close_session", "close_user_sessions", "open_session", "session_account")

# Sliding the expiry is a write; once a minute is close enough and keeps page loads from writing.
SLIDE_EVERY_SECONDS = 60
MAX_USER_AGENT = 256


def _idle_seconds(conn: apsw.Connection) -> float:
    return security_policy(conn).session_idle_hours * 3600


def open_session(
    conn: apsw.Connection, user_id: int, now: float, *, ip: str | None, user_agent: str | None
) -> tuple[str, str]:
    """(session token, CSRF token) for a user who has just signed in."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with conn:
        conn.execute("DELETE FROM web_sessions WHERE expires_at <= ?", (now,))  # keeps the table small
        conn.execute(
            "INSERT INTO web_sessions (token_hash, user_id, csrf_token, created_at, last_seen, expires_at, ip, user_agent) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (token_hash(token), user_id, csrf, iso(now), now, now + _idle_seconds(conn), ip,
             user_agent[:MAX_USER_AGENT] if user_agent else None),
        )
    return token, csrf


def session_account(conn: apsw.Connection, token: str, now: float) -> tuple[Account, str] | None:
    """(account, CSRF token) for a live session of an enabled user, else None."""
    key = token_hash(token)
    row = conn.execute("SELECT user_id, csrf_token, last_seen, expires_at FROM web_sessions WHERE token_hash = ?", (key,)).fetchone()
    if row is None:
        return None
    user_id, csrf, last_seen, expires_at = row
    if expires_at <= now:
        with conn:
            conn.execute("DELETE FROM web_sessions WHERE token_hash = ?", (key,))
        return None
    user = account(conn, user_id)
    if user is None or user.disabled:
        return None
    if now - last_seen >= SLIDE_EVERY_SECONDS:
        with conn:
            conn.execute("UPDATE web_sessions SET last_seen = ?, expires_at = ? WHERE token_hash = ?",
                         (now, now + _idle_seconds(conn), key))
    return user, csrf


def close_session(conn: apsw.Connection, token: str) -> None:
    with conn:
        conn.execute("DELETE FROM web_sessions WHERE token_hash = ?", (token_hash(token),))


def close_user_sessions(conn: apsw.Connection, user_id: int) -> int:
    """End every browser session of a user; returns how many there were."""
    with conn:
        conn.execute("DELETE FROM web_sessions WHERE user_id = ?", (user_id,))
        return conn.changes()
