"""Users, their password hashes (argon2) and API tokens (only a hash of each is kept)."""

from __future__ import annotations

import hashlib
import secrets
import time

import apsw
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError

from appliance.clock import iso
from appliance.errors import Conflict

__all__ = ("add_user", "check_password", "issue_token", "user_for_token")

_hasher = PasswordHasher()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(conn: apsw.Connection, username: str, password: str, role: str) -> int:
    with conn:
        if conn.execute("SELECT 1 FROM users WHERE username = ?", (username,)).fetchone():
            raise Conflict(f"user {username!r} already exists.")
        conn.execute(
            "INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)",
            (username, _hasher.hash(password), role, iso(time.time())),
        )
        return conn.last_insert_rowid()


def check_password(conn: apsw.Connection, username: str, password: str) -> tuple[int, str] | None:
    """(user id, role) when the password is right, else None."""
    row = conn.execute("SELECT id, password_hash, role FROM users WHERE username = ?", (username,)).fetchone()
    if row is None:
        return None
    try:
        _hasher.verify(row[1], password)
    except VerificationError:
        return None
    return row[0], row[2]


def issue_token(conn: apsw.Connection, user_id: int, label: str) -> str:
    token = secrets.token_urlsafe(32)
    with conn:
        conn.execute(
            "INSERT INTO api_tokens (token_hash, user_id, label, created_at) VALUES (?, ?, ?, ?)",
            (_token_hash(token), user_id, label, iso(time.time())),
        )
    return token


def user_for_token(conn: apsw.Connection, token: str) -> tuple[int, str, str] | None:
    """(user id, username, role) for a valid token, else None."""
    return conn.execute(
        "SELECT u.id, u.username, u.role FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?",
        (_token_hash(token),),
    ).fetchone()
