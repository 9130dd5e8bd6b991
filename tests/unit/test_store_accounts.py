"""Accounts in the store: roles and what each needs, signing in with lockout, browser sessions, the
audit log, and migration 0004 keeping the users and API tokens a branch already has.

Times are made-up unix seconds passed in as `now`: no test sleeps.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import apsw
import pytest
from argon2 import PasswordHasher

from appliance.errors import Conflict, InvalidInput, NotFound
from appliance.model import Agent
from appliance.resources import migrations_dir
from appliance.store import routing, teams, users
from appliance.store.audit import audit, audit_entries, last_sign_ins
from appliance.store.config import load_config
from appliance.store.database import connect
from appliance.store.migrations import migrate
from appliance.store.users import Account, SignInRefused, account_by_name, add_user, set_disabled, sign_in
from appliance.store.web_sessions import close_session, close_user_sessions, open_session, session_account
from tests.support.store import raises

T0 = 1_700_000_000.0
MINUTE, HOUR = 60, 3600
PASSWORD = "correct horse"


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    """Real argon2 with small costs: a default verify takes a quarter of a second on a small box."""
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


@pytest.fixture
def conn(tmp_path: Path) -> apsw.Connection:
    """Agents ann (team cards) and bob (no team); users admin, ann (agent) and lee (team leader of cards)."""
    c = connect(tmp_path / "b.db")
    migrate(c, migrations_dir(), tmp_path / "backups")
    teams.add_team(c, "cards")
    routing.add_agent(c, Agent("ann", "Ann Lee", team="cards"))
    routing.add_agent(c, Agent("bob", "Bob Wu"))
    add_user(c, "admin", PASSWORD, "admin")
    add_user(c, "ann", PASSWORD, "agent", agent_id="ann", language="zh")
    add_user(c, "lee", PASSWORD, "team_leader", team="cards")
    return c


def refused(conn, username: str, password: str, now: float) -> SignInRefused:
    with pytest.raises(SignInRefused) as caught:
        sign_in(conn, username, password, now)
    return caught.value


# ---- roles and what each needs ---------------------------------------------------------------------


def test_roles_rise_from_agent_to_admin():
    assert [users.role_rank(r) for r in users.ROLES] == [0, 1, 2, 3]
    assert users.role_rank("supervisor") > users.role_rank("team_leader")
    with raises(InvalidInput, "role 'boss' is not known: use one of agent, team_leader, supervisor, admin."):
        users.role_rank("boss")


def test_an_agent_users_team_is_their_agents_and_a_team_leaders_is_their_own(conn):
    assert account_by_name(conn, "ann") == Account(2, "ann", "agent", "ann", "cards", "zh", False)
    assert account_by_name(conn, "lee").team == "cards"
    teams.assign_agent(conn, "ann", None)
    assert account_by_name(conn, "ann").team is None
    assert [a.username for a in users.list_accounts(conn)] == ["admin", "ann", "lee"]
    assert account_by_name(conn, "nobody") is None and users.account(conn, 99) is None


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        (("zoe", PASSWORD, "boss"), {}, InvalidInput, "role 'boss' is not known"),
        (("zoe", PASSWORD, "agent"), {}, InvalidInput, "a user with role agent signs in as an agent"),
        (("zoe", PASSWORD, "agent"), {"agent_id": "nope"}, NotFound, "agent 'nope' does not exist"),
        (("zoe", PASSWORD, "agent"), {"agent_id": "ann"}, Conflict, "agent 'ann' is already linked to user 'ann'"),
        (("zoe", PASSWORD, "team_leader"), {}, InvalidInput, "a team leader leads a team"),
        (("zoe", PASSWORD, "team_leader"), {"team": "loans"}, NotFound, "team 'loans' does not exist"),
        (("zoe", PASSWORD, "agent"), {"agent_id": "bob", "team": "cards"}, InvalidInput, "an agent user's team is their agent's"),
        (("zoe", "short", "admin"), {}, InvalidInput, "a password needs at least 8 characters"),
        (("zoe", PASSWORD, "admin"), {"language": "fr"}, InvalidInput, "language 'fr' is not known"),
        (("ann", PASSWORD, "admin"), {}, Conflict, "user 'ann' already exists"),
        (("bad name", PASSWORD, "admin"), {}, InvalidInput, "user name 'bad name' is not valid"),
    ],
)
def test_adding_a_user_refuses_what_their_role_cannot_work_with(conn, args, kwargs, error, message):
    with raises(error, message):
        add_user(conn, *args, **kwargs)


def test_the_last_enabled_admin_can_be_neither_disabled_nor_demoted(conn):
    with raises(Conflict, "'admin' is the only enabled admin"):
        set_disabled(conn, "admin", True)
    with raises(Conflict, "'admin' is the only enabled admin"):
        users.set_role(conn, "admin", "supervisor")
    add_user(conn, "root", PASSWORD, "admin")
    users.set_role(conn, "admin", "supervisor")
    assert account_by_name(conn, "admin").role == "supervisor"


def test_changing_role_agent_link_and_language(conn):
    users.link_agent(conn, "lee", "bob")
    users.set_role(conn, "lee", "agent")
    assert account_by_name(conn, "lee") == Account(3, "lee", "agent", "bob", None, None, False)
    with raises(InvalidInput, "'lee' has role agent and must stay linked to an agent"):
        users.link_agent(conn, "lee", None)
    users.set_role(conn, "lee", "supervisor")
    users.link_agent(conn, "lee", None)
    users.set_language(conn, 3, "en")
    assert account_by_name(conn, "lee") == Account(3, "lee", "supervisor", None, None, "en", False)


# ---- signing in ------------------------------------------------------------------------------------


def test_the_right_password_signs_in_and_is_audited(conn):
    assert sign_in(conn, "ann", PASSWORD, T0).username == "ann"
    [entry] = audit_entries(conn, action="sign_in")
    assert (entry.actor, entry.source, entry.at) == ("ann", "web", "2023-11-14T22:13:20.000Z")
    assert last_sign_ins(conn) == {"ann": "2023-11-14T22:13:20.000Z"}


def test_an_unknown_username_is_refused_as_a_wrong_password(conn):
    unknown, wrong = refused(conn, "zoe", PASSWORD, T0), refused(conn, "ann", "not it at all", T0)
    assert unknown.reason == wrong.reason == "wrong"
    assert unknown.message == wrong.message == "wrong username or password."
    assert (unknown.status, unknown.error_id) == (401, "sign_in_refused")
    details = [e.details for e in audit_entries(conn, action="sign_in_failed")]
    # The admin may know the difference; the person at the form may not.
    assert details == [{"reason": "wrong_password", "failures": 1}, {"reason": "wrong_password", "account": "unknown_user"}]


def test_an_account_locks_after_the_configured_failures_and_refuses_even_the_right_password(conn):
    users.set_security_policy(conn, login_max_failures=3, login_lockout_minutes=10)
    for attempt in range(3):
        assert refused(conn, "ann", "guess-guess", T0 + attempt).reason == "wrong"
    locked = refused(conn, "ann", PASSWORD, T0 + 5 * MINUTE)
    assert locked.reason == "locked"
    assert locked.message.startswith("too many failed sign-ins: this account is locked until ")
    assert "(local time); ask an admin to unlock it with `branchline user enable ann`, or wait." in locked.message
    assert users.locked_accounts(conn, T0 + 5 * MINUTE) == {"ann": T0 + 2 + 10 * MINUTE}
    [lock] = audit_entries(conn, action="account_locked")
    assert (lock.actor, lock.target, lock.details["failures"]) == (None, "ann", 3)


def test_a_wrong_password_on_a_locked_account_tells_nothing_and_does_not_extend_the_lock(conn):
    users.set_security_policy(conn, login_max_failures=1)
    refused(conn, "ann", "guess-guess", T0)
    assert refused(conn, "ann", "guess-again", T0 + MINUTE).reason == "wrong"
    assert users.locked_accounts(conn, T0) == {"ann": T0 + 15 * MINUTE}


def test_the_lock_ends_after_the_lockout_minutes(conn):
    users.set_security_policy(conn, login_max_failures=2, login_lockout_minutes=15)
    refused(conn, "ann", "guess-guess", T0)
    refused(conn, "ann", "guess-guess", T0 + 1)
    assert refused(conn, "ann", PASSWORD, T0 + 1 + 15 * MINUTE - 1).reason == "locked"
    assert sign_in(conn, "ann", PASSWORD, T0 + 1 + 15 * MINUTE).username == "ann"


def test_a_success_resets_the_count_of_failures(conn):
    users.set_security_policy(conn, login_max_failures=3)
    refused(conn, "ann", "guess-guess", T0)
    refused(conn, "ann", "guess-guess", T0 + 1)
    sign_in(conn, "ann", PASSWORD, T0 + 2)
    refused(conn, "ann", "guess-guess", T0 + 3)
    refused(conn, "ann", "guess-guess", T0 + 4)
    assert sign_in(conn, "ann", PASSWORD, T0 + 5).username == "ann"


def test_enabling_unlocks_at_once(conn):
    users.set_security_policy(conn, login_max_failures=1)
    refused(conn, "ann", "guess-guess", T0)
    set_disabled(conn, "ann", False)
    assert sign_in(conn, "ann", PASSWORD, T0 + 1).username == "ann"


def test_a_disabled_account_is_refused_and_its_api_tokens_stop_working(conn):
    token = users.issue_token(conn, account_by_name(conn, "ann").id, "script")
    assert users.account_for_token(conn, token).username == "ann"
    set_disabled(conn, "ann", True)
    assert refused(conn, "ann", PASSWORD, T0).reason == "disabled"
    assert refused(conn, "ann", PASSWORD, T0).message == "this account is disabled; ask an admin."
    assert refused(conn, "ann", "guess-guess", T0).reason == "wrong"
    assert users.account_for_token(conn, token) is None
    assert account_by_name(conn, "ann").disabled


def test_a_hash_made_with_weaker_parameters_is_replaced_at_sign_in(conn, monkeypatch):
    stored = lambda: conn.execute("SELECT password_hash FROM users WHERE username = 'ann'").fetchone()[0]  # noqa: E731
    before = stored()
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=2, memory_cost=128, parallelism=1))
    sign_in(conn, "ann", PASSWORD, T0)
    assert stored() != before and "m=128,t=2" in stored()


def test_the_policy_is_checked_before_anything_is_stored(conn):
    assert users.security_policy(conn) == users.SecurityPolicy(5, 15, 12)
    with raises(InvalidInput, "session idle time 73 is out of range: give a whole number from 1 to 72 hours."):
        users.set_security_policy(conn, login_max_failures=3, session_idle_hours=73)
    with raises(InvalidInput, "'colour' is not a sign-in policy setting"):
        users.set_security_policy(conn, colour=3)
    assert users.security_policy(conn) == users.SecurityPolicy(5, 15, 12)
    assert users.set_security_policy(conn, login_lockout_minutes=1440) == users.SecurityPolicy(5, 1440, 12)


# ---- browser sessions ------------------------------------------------------------------------------


def test_a_session_finds_its_account_and_csrf_token_and_keeps_only_a_hash(conn):
    ann = account_by_name(conn, "ann")
    token, csrf = open_session(conn, ann.id, T0, ip="192.0.2.7", user_agent="Firefox")
    assert session_account(conn, token, T0 + 1) == (ann, csrf)
    assert session_account(conn, "made-up", T0 + 1) is None
    stored = conn.execute("SELECT token_hash, ip, user_agent FROM web_sessions").fetchall()
    assert token not in str(stored) and stored[0][1:] == ("192.0.2.7", "Firefox")


def test_a_used_session_slides_its_expiry_and_an_idle_one_ends(conn):
    users.set_security_policy(conn, session_idle_hours=1)
    token, _ = open_session(conn, 2, T0, ip=None, user_agent=None)
    expiry = lambda: conn.execute("SELECT expires_at FROM web_sessions").fetchone()[0]  # noqa: E731
    assert session_account(conn, token, T0 + 30) is not None
    assert expiry() == T0 + HOUR  # not written again within the minute
    assert session_account(conn, token, T0 + 50 * MINUTE) is not None
    assert expiry() == T0 + 50 * MINUTE + HOUR
    assert session_account(conn, token, T0 + 50 * MINUTE + HOUR) is None
    assert conn.execute("SELECT count(*) FROM web_sessions").fetchone()[0] == 0


def test_closing_one_session_or_all_of_a_users(conn):
    first, _ = open_session(conn, 2, T0, ip=None, user_agent=None)
    second, _ = open_session(conn, 2, T0, ip=None, user_agent=None)
    other, _ = open_session(conn, 3, T0, ip=None, user_agent=None)
    close_session(conn, first)
    assert session_account(conn, first, T0) is None and session_account(conn, second, T0) is not None
    assert close_user_sessions(conn, 2) == 1
    assert session_account(conn, second, T0) is None and session_account(conn, other, T0) is not None


@pytest.mark.parametrize(
    "change", [lambda c: set_disabled(c, "ann", True), lambda c: users.set_password(c, "ann", "a new password")],
    ids=["disabled", "new password"],
)
def test_disabling_or_a_new_password_ends_the_users_sessions(conn, change):
    token, _ = open_session(conn, 2, T0, ip=None, user_agent=None)
    other, _ = open_session(conn, 3, T0, ip=None, user_agent=None)
    change(conn)
    assert session_account(conn, token, T0 + 1) is None
    assert session_account(conn, other, T0 + 1) is not None


# ---- the audit log and teams -----------------------------------------------------------------------


def test_the_audit_log_is_append_only_and_filtered_newest_first(conn):
    audit(conn, T0, "team_added", actor="cli", target="cards")
    audit(conn, T0 + 1, "user_disabled", actor="cli", target="ann", source="web", why="left")
    audit(conn, T0 + 2, "team_added", actor="lee", target="loans")
    assert [e.target for e in audit_entries(conn)] == ["loans", "ann", "cards"]
    assert [e.target for e in audit_entries(conn, actor="cli", action="team_added")] == ["cards"]
    assert audit_entries(conn, limit=1, actor="cli")[0].details == {"why": "left"}
    with pytest.raises(apsw.ConstraintError, match="append-only"):
        conn.execute("DELETE FROM audit_log")
    with pytest.raises(apsw.ConstraintError, match="append-only"):
        conn.execute("UPDATE audit_log SET actor = 'someone else'")


def test_teams_count_their_agents_and_name_their_leaders(conn):
    teams.add_team(conn, "loans")
    teams.assign_agent(conn, "bob", "cards")
    assert teams.list_teams(conn) == [teams.Team("cards", 2, ("lee",)), teams.Team("loans", 0, ())]
    assert {a.id: a.team for a in load_config(conn).agents} == {"ann": "cards", "bob": "cards"}
    with raises(Conflict, "team 'cards' already exists"):
        teams.add_team(conn, "cards")
    with raises(NotFound, "team 'mortgages' does not exist"):
        teams.assign_agent(conn, "bob", "mortgages")
    with raises(NotFound, "agent 'zed' does not exist"):
        teams.assign_agent(conn, "zed", "cards")


# ---- migration 0004 --------------------------------------------------------------------------------


def test_migrating_a_version_3_database_keeps_its_users_and_api_tokens(tmp_path: Path):
    up_to_3 = tmp_path / "old-migrations"
    up_to_3.mkdir()
    for path in sorted(migrations_dir().glob("000[123]_*.sql")):
        shutil.copy(path, up_to_3)
    conn = connect(tmp_path / "b.db")
    migrate(conn, up_to_3, tmp_path / "backups")
    conn.execute("INSERT INTO agents (id, name, created_at) VALUES ('ann', 'Ann Lee', 'then')")
    conn.execute("INSERT INTO users (username, password_hash, role, created_at) VALUES "
                 "('admin', ?, 'admin', 'then'), ('sup', ?, 'supervisor', 'then')",
                 (users._hasher.hash(PASSWORD), users._hasher.hash(PASSWORD)))
    token = users.issue_token(conn, 1, "cli")

    migrate(conn, migrations_dir(), tmp_path / "backups")

    assert users.account_for_token(conn, token) == Account(1, "admin", "admin", None, None, None, False)
    assert sign_in(conn, "sup", PASSWORD, T0).role == "supervisor"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("SELECT name FROM sqlite_temp_master").fetchall() == []
