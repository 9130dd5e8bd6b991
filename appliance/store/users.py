"""Users: their role, the agent they sign in as, their team and language; signing in with lockout;
API tokens. Passwords are kept as argon2 hashes, tokens as sha256 hashes.

Changes here are not audited: the caller knows who acted (the CLI, or a signed-in admin) and writes
the audit entry in the same transaction. Signing in is the exception: it audits itself.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import time

import apsw
import msgspec
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from appliance.clock import iso
from appliance.errors import BranchlineError, Conflict, InvalidInput, NotFound
from appliance.model import parse_name
from appliance.store._rows import require
from appliance.store.audit import audit
from appliance.store.security_policy import SecurityPolicy, security_policy, set_security_policy
from appliance.store.teams import require_team

__all__ = (
    "LANGUAGES",
    "MIN_PASSWORD",
    "ROLES",
    "Account",
    "SecurityPolicy",
    "SignInRefused",
    "account",
    "account_by_name",
    "account_for_token",
    "add_user",
    "SignInAttempt",
    "check_password_hash",
    "finish_sign_in",
    "sign_in_attempt",
    "issue_token",
    "link_agent",
    "list_accounts",
    "locked_accounts",
    "role_rank",
    "security_policy",
    "set_disabled",
    "set_language",
    "set_password",
    "set_role",
    "set_security_policy",
    "sign_in",
    "token_hash",
)

# In rising order of what they may see: own calls, a team's, the whole branch, and its settings.
ROLES = ("agent", "team_leader", "supervisor", "admin")
LANGUAGES = ("en", "zh")
MIN_PASSWORD = 8

_hasher = PasswordHasher()


class Account(msgspec.Struct, frozen=True):
    id: int
    username: str
    role: str
    agent_id: str | None
    team: str | None  # an agent user's is their agent's team; a team leader's is the team they lead
    language: str | None  # None: the branch's default
    disabled: bool


class SignInRefused(BranchlineError):
    """Said to a person at the sign-in form: never tells whether a username exists."""

    status = 401
    error_id = "sign_in_refused"

    def __init__(self, reason: str, message: str, **details: object) -> None:
        super().__init__(message, reason=reason, **details)
        self.reason = reason  # "wrong", "locked" or "disabled"


def _wrong() -> SignInRefused:
    return SignInRefused("wrong", "wrong username or password.")


def _locked(username: str, until: float) -> SignInRefused:
    clock = time.strftime("%H:%M", time.localtime(until))
    return SignInRefused(
        "locked",
        f"too many failed sign-ins: this account is locked until {clock} (local time); ask an admin to "
        f"unlock it with `branchline user enable {username}`, or wait.",
        locked_until=iso(until),
    )


def _disabled() -> SignInRefused:
    return SignInRefused("disabled", "this account is disabled; ask an admin.")


def role_rank(role: str) -> int:
    """0 for agent up to 3 for admin: compare ranks, never role names."""
    _check_role(role)
    return ROLES.index(role)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# ---- reading -----------------------------------------------------------------------------------------

# An agent user's team follows their agent, so moving the agent moves the user.
_ACCOUNT_SQL = """
SELECT u.id, u.username, u.role, u.agent_id, CASE WHEN u.role = 'agent' THEN a.team ELSE u.team END,
       u.language, u.disabled_at IS NOT NULL
FROM users u LEFT JOIN agents a ON a.id = u.agent_id
"""


def _accounts(conn: apsw.Connection, where: str, params: tuple) -> list[Account]:
    rows = conn.execute(f"{_ACCOUNT_SQL} {where}", params).fetchall()
    return [Account(*row[:6], disabled=bool(row[6])) for row in rows]


def account(conn: apsw.Connection, user_id: int) -> Account | None:
    found = _accounts(conn, "WHERE u.id = ?", (user_id,))
    return found[0] if found else None


def account_by_name(conn: apsw.Connection, username: str) -> Account | None:
    found = _accounts(conn, "WHERE u.username = ?", (username,))
    return found[0] if found else None


def list_accounts(conn: apsw.Connection) -> list[Account]:
    return _accounts(conn, "ORDER BY u.username", ())


def locked_accounts(conn: apsw.Connection, now: float) -> dict[str, float]:
    """username -> until when, for the accounts locked at `now`."""
    return dict(conn.execute("SELECT username, locked_until FROM users WHERE locked_until > ?", (now,)))


def _require_user(conn: apsw.Connection, username: str) -> Account:
    found = account_by_name(conn, username)
    if found is None:
        raise NotFound(f"user {username!r} does not exist: 'branchline user list' shows who there is.")
    return found


# ---- checks shared by adding and changing --------------------------------------------------------------


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InvalidInput(f"role {role!r} is not known: use one of {', '.join(ROLES)}.")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD} characters: choose a longer one.")


def _check_language(language: str | None) -> None:
    if language is not None and language not in LANGUAGES:
        raise InvalidInput(f"language {language!r} is not known: use one of {', '.join(LANGUAGES)}, "
                           "or none for the branch's default.")


def _check_fit(conn: apsw.Connection, role: str, agent_id: str | None, team: str | None) -> None:
    """What a role needs: an agent signs in as an agent; a team leader leads a team."""
    _check_role(role)
    if role == "agent" and agent_id is None:
        raise InvalidInput("a user with role agent signs in as an agent: give the agent's id "
                           "(--agent ID; 'branchline agent list' shows them).")
    if role == "team_leader" and team is None:
        raise InvalidInput("a team leader leads a team: give it (--team NAME; 'branchline team list' shows them).")
    if role == "agent" and team is not None:
        raise InvalidInput("an agent user's team is their agent's: leave out --team and use "
                           "'branchline team assign AGENT TEAM'.")
    if role in ("supervisor", "admin") and team is not None:
        raise InvalidInput(f"a {role} sees every team: leave out --team.")
    if team is not None:
        require_team(conn, team)


def _check_agent_free(conn: apsw.Connection, agent_id: str, username: str) -> None:
    require(conn, "agent", agent_id)
    row = conn.execute("SELECT username FROM users WHERE agent_id = ? AND username <> ?", (agent_id, username)).fetchone()
    if row is not None:
        raise Conflict(f"agent {agent_id!r} is already linked to user {row[0]!r}: one user per agent; link "
                       f"{row[0]} to another first ('branchline user set {row[0]} --agent ID').")


def _keep_an_admin(conn: apsw.Connection, user: Account) -> None:
    """Refuse to disable or demote the last enabled admin: nobody could manage users any more."""
    others = conn.execute(
        "SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL AND id <> ?", (user.id,)
    ).fetchone()[0]
    if user.role == "admin" and not user.disabled and others == 0:
        raise Conflict(f"{user.username!r} is the only enabled admin: add another first "
                       "('branchline user add NAME --role admin').")


# ---- adding and changing -------------------------------------------------------------------------------


def add_user(
    conn: apsw.Connection,
    username: str,
    password: str,
    role: str,
    *,
    agent_id: str | None = None,
    team: str | None = None,
    language: str | None = None,
) -> int:
    parse_name(username, "user")
    _check_password(password)
    _check_language(language)
    password_hash = _hasher.hash(password)  # before the transaction: other writers need not wait for argon2
    with conn:
        if conn.execute("SELECT 1 FROM users WHERE username = ?", (username,)).fetchone():
            raise Conflict(f"user {username!r} already exists: choose another username.")
        _check_fit(conn, role, agent_id, team)
        if agent_id is not None:
            _check_agent_free(conn, agent_id, username)
        conn.execute(
            "INSERT INTO users (username, password_hash, role, agent_id, team, language, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (username, password_hash, role, agent_id, team, language, iso(time.time())),
        )
        return conn.last_insert_rowid()


def _close_sessions(conn: apsw.Connection, user_id: int) -> None:
    # Here rather than through web_sessions (which reads accounts from this module), and in the
    # caller's transaction: a disabled user's browser never outlives the change.
    conn.execute("DELETE FROM web_sessions WHERE user_id = ?", (user_id,))


def set_password(conn: apsw.Connection, username: str, password: str) -> None:
    """A new password ends every browser session of the user: whoever knew the old one is out."""
    _check_password(password)
    new_hash = _hasher.hash(password)
    with conn:
        user = _require_user(conn, username)
        conn.execute("UPDATE users SET password_hash = ? WHERE id = ?", (new_hash, user.id))
        _close_sessions(conn, user.id)


def set_disabled(conn: apsw.Connection, username: str, disabled: bool) -> None:
    """Disabling ends the user's sessions; enabling also unlocks (clears failures and any lock)."""
    with conn:
        user = _require_user(conn, username)
        if disabled:
            _keep_an_admin(conn, user)
            conn.execute("UPDATE users SET disabled_at = coalesce(disabled_at, ?) WHERE id = ?", (iso(time.time()), user.id))
            _close_sessions(conn, user.id)
        else:
            conn.execute("UPDATE users SET disabled_at = NULL, failed_logins = 0, locked_until = NULL WHERE id = ?", (user.id,))


def set_language(conn: apsw.Connection, user_id: int, language: str | None) -> None:
    _check_language(language)
    with conn:
        if account(conn, user_id) is None:
            raise NotFound(f"user {user_id} does not exist: 'branchline user list' shows who there is.")
        conn.execute("UPDATE users SET language = ? WHERE id = ?", (language, user_id))


def link_agent(conn: apsw.Connection, username: str, agent_id: str | None) -> None:
    """Link the user to the agent they sign in as, or unlink (None; not for role agent)."""
    with conn:
        user = _require_user(conn, username)
        if agent_id is None and user.role == "agent":
            raise InvalidInput(f"{username!r} has role agent and must stay linked to an agent: link another "
                               "agent, or change their role first.")
        if agent_id is not None:
            _check_agent_free(conn, agent_id, username)
        conn.execute("UPDATE users SET agent_id = ? WHERE id = ?", (agent_id, user.id))


def set_role(conn: apsw.Connection, username: str, role: str, team: str | None = None) -> None:
    """Change a role (and a team leader's team). Open sessions see the new role on their next request."""
    with conn:
        user = _require_user(conn, username)
        _check_fit(conn, role, user.agent_id, team)
        if role != "admin":
            _keep_an_admin(conn, user)
        conn.execute("UPDATE users SET role = ?, team = ? WHERE id = ?", (role, team, user.id))


# ---- signing in ----------------------------------------------------------------------------------------


@functools.cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash(secrets.token_urlsafe(16))


def _verify(stored: str | None, password: str) -> bool:
    """Always costs one argon2 verify, also with no stored hash, so timing does not tell names apart."""
    try:
        return _hasher.verify(stored or _dummy_hash(_hasher), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


class SignInAttempt(msgspec.Struct, frozen=True):
    """What a sign-in needs to know of the account before the password is checked."""

    username: str
    user_id: int | None
    stored: str | None
    disabled: bool
    locked_until: float | None


def sign_in(conn: apsw.Connection, username: str, password: str, now: float, *, source: str = "web") -> Account:
    """The account when the password is right and the account usable, else SignInRefused.
    (The web server runs the three steps itself, the middle one off its event loop.)"""
    attempt = sign_in_attempt(conn, username)
    return finish_sign_in(conn, attempt, check_password_hash(attempt, password), now, source=source)


def sign_in_attempt(conn: apsw.Connection, username: str) -> SignInAttempt:
    row = conn.execute(
        "SELECT id, password_hash, disabled_at IS NOT NULL, locked_until FROM users WHERE username = ?", (username,)
    ).fetchone()
    user_id, stored, disabled, locked_until = row or (None, None, False, None)
    return SignInAttempt(username, user_id, stored, bool(disabled), locked_until)


def check_password_hash(attempt: SignInAttempt, password: str) -> tuple[bool, str | None]:
    """(right password?, a new hash when the stored one used older parameters). Pure CPU, about a
    quarter of a second by design (argon2): the web server runs it on a worker thread."""
    if not _verify(attempt.stored, password):
        return False, None
    return True, _hasher.hash(password) if _hasher.check_needs_rehash(attempt.stored) else None


def finish_sign_in(conn: apsw.Connection, attempt: SignInAttempt, verdict: tuple[bool, str | None], now: float, *,
                   source: str = "web") -> Account:
    """Count a failure (and lock), or accept; audit either way.

    The password is checked first, whatever the account's state: only someone who knows it learns
    that the account is locked or disabled. Wrong passwords count (while the account is usable)
    and lock it once they reach the policy's maximum.
    """
    right, new_hash = verdict
    username, user_id, disabled = attempt.username, attempt.user_id, attempt.disabled
    locked = attempt.locked_until is not None and attempt.locked_until > now
    if not right:
        with conn:
            if user_id is not None and not disabled and not locked:
                _count_failure(conn, user_id, username, now, source)
            else:  # not counted: nothing to lock, or a lock that more guesses must not extend
                state = "unknown_user" if user_id is None else "disabled" if disabled else "locked"
                audit(conn, now, "sign_in_failed", actor=username, source=source, reason="wrong_password", account=state)
        raise _wrong()
    if disabled or locked:
        with conn:
            audit(conn, now, "sign_in_failed", actor=username, source=source, reason="disabled" if disabled else "locked")
        raise _disabled() if disabled else _locked(username, attempt.locked_until)
    with conn:
        conn.execute(
            "UPDATE users SET failed_logins = 0, locked_until = NULL, password_hash = coalesce(?, password_hash) "
            "WHERE id = ?", (new_hash, user_id),
        )
        audit(conn, now, "sign_in", actor=username, source=source)
    return account(conn, user_id)


def _count_failure(conn: apsw.Connection, user_id: int, username: str, now: float, source: str) -> None:
    # One UPDATE counts, so two wrong passwords at the same moment are both counted.
    (failures,) = conn.execute(
        "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ? RETURNING failed_logins", (user_id,)
    ).fetchone()
    audit(conn, now, "sign_in_failed", actor=username, source=source, reason="wrong_password", failures=failures)
    policy = security_policy(conn)
    if failures >= policy.login_max_failures:
        until = now + policy.login_lockout_minutes * 60
        # The count starts again: once the lock ends, the user has the full number of tries.
        conn.execute("UPDATE users SET failed_logins = 0, locked_until = ? WHERE id = ?", (until, user_id))
        audit(conn, now, "account_locked", actor=None, target=username, source=source, failures=failures,
              until=iso(until))



# ---- API tokens ----------------------------------------------------------------------------------------


def issue_token(conn: apsw.Connection, user_id: int, label: str) -> str:
    token = secrets.token_urlsafe(32)
    with conn:
        conn.execute(
            "INSERT INTO api_tokens (token_hash, user_id, label, created_at) VALUES (?, ?, ?, ?)",
            (token_hash(token), user_id, label, iso(time.time())),
        )
    return token


def account_for_token(conn: apsw.Connection, token: str) -> Account | None:
    """The account behind an API token; None for an unknown token or a disabled user's."""
    row = conn.execute("SELECT user_id FROM api_tokens WHERE token_hash = ?", (token_hash(token),)).fetchone()
    found = account(conn, row[0]) if row else None
    return found if found is not None and not found.disabled else None
