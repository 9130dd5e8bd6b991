"""Accounts for the browser desktop and the API: users, their sign-in policy, and the audit log
(teams: team_cmds.py).

Every change made here is written to the audit log with actor 'cli', in the change's own
transaction: whoever holds the data directory is the admin, and the log still says what they did.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import apsw
import click
import msgspec

from appliance.cli.common import fail, json_option, open_store, print_json, print_table, reports_errors
from appliance.clock import iso, now
from appliance.datadir import generate_password
from appliance.store import users
from appliance.store.audit import CLI_ACTOR, audit, audit_entries, last_sign_ins
from appliance.store.security_policy import POLICY_LIMITS

__all__ = ("audit_command", "user")

NONE = "-"  # what an admin types for 'no agent', 'no team', 'the branch's default language'
# Each policy field's option, and what it means to the admin.
POLICY_OPTIONS = {
    "login_max_failures": ("--max-failures", "wrong passwords in a row that lock an account"),
    "login_lockout_minutes": ("--lockout-minutes", "how long a locked account stays locked"),
    "session_idle_hours": ("--session-hours", "a browser session unused this long ends"),
}


@contextmanager
def _audited(conn: apsw.Connection, action: str, target: str | None, **details: Any) -> Iterator[None]:
    """The change and its audit entry land together, or neither does."""
    with conn:
        yield
        audit(conn, now(), action, actor=CLI_ACTOR, target=target, source="cli", **details)


def _new_password(from_stdin: bool) -> tuple[str, bool]:
    """(password, whether it was generated and must be shown)."""
    if not from_stdin:
        return generate_password(), True
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise fail("--password-stdin read no password: pipe one in, e.g. printf '%s' \"$PW\" | branchline user ...")
    return password, False


password_stdin_option = click.option(
    "--password-stdin", "from_stdin", is_flag=True,
    help="Read the password from the first line of stdin instead of generating one.",
)


def _local_time(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts))


# ---- users -------------------------------------------------------------------------------------------


@click.group()
def user() -> None:
    """Who may sign in to the desktop and API, with which role: agent, team_leader, supervisor, admin.

    \b
    agent        signs in as one agent (--agent ID) and handles their own calls
    team_leader  also sees the agents of their team (--team NAME)
    supervisor   sees the whole branch
    admin        also manages users and settings
    """


@user.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(users.ROLES), help="What the user may see and do.")
@click.option("--agent", "agent_id", metavar="ID", help="The agent the user signs in as (required for role agent).")
@click.option("--team", metavar="NAME", help="The team a team leader leads (required for role team_leader).")
@click.option("--language", type=click.Choice(users.LANGUAGES), help="The desktop's language (default: the branch's).")
@password_stdin_option
@click.pass_context
@reports_errors
def user_add(ctx: click.Context, username: str, role: str, agent_id: str | None, team: str | None,
             language: str | None, from_stdin: bool) -> None:
    """Add a user. Without --password-stdin a password is generated and printed once.

    Example:

        branchline user add li.na --role agent --agent a1001 --language zh

        printf '%s' "$PW" | branchline user add wang --role team_leader --team cards --password-stdin
    """
    password, generated = _new_password(from_stdin)
    conn = open_store(ctx)
    with _audited(conn, "user_added", username, role=role, agent_id=agent_id, team=team, language=language):
        users.add_user(conn, username, password, role, agent_id=agent_id, team=team, language=language)
    click.echo(f"Added user {username} ({role}).")
    if generated:
        click.echo(f"Password for {username}: {password}  (shown once; keep it safe)")


@user.command("list")
@json_option
@click.pass_context
@reports_errors
def user_list(ctx: click.Context, as_json: bool) -> None:
    """List users with their role, agent, team, whether they can sign in, and their last sign-in.

    Example:

        branchline user list --json
    """
    conn = open_store(ctx)
    locked, last = users.locked_accounts(conn, now()), last_sign_ins(conn)
    accounts = users.list_accounts(conn)
    if as_json:
        print_json([
            {**msgspec.structs.asdict(a), "locked_until": _iso_or_none(locked.get(a.username)),
             "last_sign_in": last.get(a.username)}
            for a in accounts
        ])
        return
    rows = [
        (a.username, a.role, a.agent_id or "-", a.team or "-", a.language or "default",
         _state(a, locked.get(a.username)), (last.get(a.username) or "never")[:16].replace("T", " "))
        for a in accounts
    ]
    print_table(("user", "role", "agent", "team", "language", "state", "last sign-in (UTC)"), rows,
                empty="No users. Add one with 'branchline user add'.")


def _iso_or_none(ts: float | None) -> str | None:
    return iso(ts) if ts is not None else None


def _state(account: users.Account, locked_until: float | None) -> str:
    if account.disabled:
        return "disabled"
    return f"locked until {_local_time(locked_until)}" if locked_until else "enabled"


@user.command("passwd")
@click.argument("username")
@password_stdin_option
@click.pass_context
@reports_errors
def user_passwd(ctx: click.Context, username: str, from_stdin: bool) -> None:
    """Give a user a new password (generated and printed once unless --password-stdin).

    Their browser sessions end: they sign in again with the new password.

    Example:

        branchline user passwd li.na
    """
    password, generated = _new_password(from_stdin)
    conn = open_store(ctx)
    with _audited(conn, "password_changed", username):
        users.set_password(conn, username, password)
    click.echo(f"New password set for {username}; their browser sessions have ended.")
    if generated:
        click.echo(f"Password for {username}: {password}  (shown once; keep it safe)")


@user.command("disable")
@click.argument("username")
@click.pass_context
@reports_errors
def user_disable(ctx: click.Context, username: str) -> None:
    """Stop a user signing in; their browser sessions and API tokens stop working at once.

    Example:

        branchline user disable li.na
    """
    conn = open_store(ctx)
    with _audited(conn, "user_disabled", username):
        users.set_disabled(conn, username, True)
    click.echo(f"Disabled {username}.")


@user.command("enable")
@click.argument("username")
@click.pass_context
@reports_errors
def user_enable(ctx: click.Context, username: str) -> None:
    """Let a user sign in again; also unlocks an account locked by failed sign-ins.

    Example:

        branchline user enable li.na
    """
    conn = open_store(ctx)
    with _audited(conn, "user_enabled", username):
        users.set_disabled(conn, username, False)
    click.echo(f"Enabled {username}: they can sign in.")


@user.command("set")
@click.argument("username")
@click.option("--role", type=click.Choice(users.ROLES), help="A new role.")
@click.option("--team", metavar="NAME", help="The team a team leader leads.")
@click.option("--agent", "agent_id", metavar="ID|-", help="Link the user to this agent ('-': to none).")
@click.option("--language", type=click.Choice((*users.LANGUAGES, NONE)), help="The desktop's language ('-': the branch's).")
@click.pass_context
@reports_errors
def user_set(ctx: click.Context, username: str, role: str | None, team: str | None, agent_id: str | None,
             language: str | None) -> None:
    """Change a user's role, team, agent or language. Open sessions see the change on their next request.

    Example:

        branchline user set wang --role team_leader --team cards

        branchline user set li.na --language -
    """
    if role is None and team is None and agent_id is None and language is None:
        raise fail("nothing to change: give --role, --team, --agent or --language.")
    conn = open_store(ctx)
    changes = {k: v for k, v in (("role", role), ("team", team), ("agent_id", agent_id), ("language", language)) if v}
    with _audited(conn, "user_changed", username, **changes):
        _change_user(conn, username, role, team, agent_id, language)
    changed = users.account_by_name(conn, username)
    click.echo(f"User {username}: {changed.role}, agent {changed.agent_id or '-'}, team {changed.team or '-'}, "
               f"language {changed.language or 'default'}.")


def _change_user(conn: apsw.Connection, username: str, role: str | None, team: str | None, agent_id: str | None,
                 language: str | None) -> None:
    current = users.account_by_name(conn, username)
    if current is None:
        raise fail(f"user {username!r} does not exist: 'branchline user list' shows who there is.")
    # Link before a role that needs the agent, unlink after a role that no longer does.
    if agent_id not in (None, NONE):
        users.link_agent(conn, username, agent_id)
    if role is not None or team is not None:
        new_role = role or current.role
        kept_team = current.team if current.role == new_role == "team_leader" else None
        users.set_role(conn, username, new_role, kept_team if team is None else team)
    if agent_id == NONE:
        users.link_agent(conn, username, None)
    if language is not None:
        users.set_language(conn, current.id, None if language == NONE else language)


@user.command("policy")
@click.option("--max-failures", "login_max_failures", type=int, help=POLICY_OPTIONS["login_max_failures"][1] + " (1-100).")
@click.option("--lockout-minutes", "login_lockout_minutes", type=int, help=POLICY_OPTIONS["login_lockout_minutes"][1] + " (1-1440).")
@click.option("--session-hours", "session_idle_hours", type=int, help=POLICY_OPTIONS["session_idle_hours"][1] + " (1-72).")
@json_option
@click.pass_context
@reports_errors
def user_policy(ctx: click.Context, as_json: bool, **options: int | None) -> None:
    """Show the sign-in policy, or change it with the options.

    Example:

        branchline user policy --max-failures 3 --lockout-minutes 30
    """
    conn = open_store(ctx)
    changes = {field: value for field, value in options.items() if value is not None}
    if changes:
        with _audited(conn, "policy_changed", None, **changes):
            users.set_security_policy(conn, **changes)
    policy = users.security_policy(conn)
    if as_json:
        print_json(policy)
        return
    rows = [
        (option, f"{getattr(policy, field)}{POLICY_LIMITS[field][3]}", meaning)
        for field, (option, meaning) in POLICY_OPTIONS.items()
    ]
    print_table(("setting", "value", "meaning"), rows, empty="")


# ---- the audit log -----------------------------------------------------------------------------------


@click.command("audit")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100000), help="How many entries, newest first.")
@click.option("--actor", metavar="NAME", help="Only what this user did ('cli': the admin CLI).")
@click.option("--action", metavar="NAME", help="Only this action, e.g. sign_in_failed or user_disabled.")
@json_option
@click.pass_context
@reports_errors
def audit_command(ctx: click.Context, limit: int, actor: str | None, action: str | None, as_json: bool) -> None:
    """Show the audit log, newest first: sign-ins, lockouts and every change to users and teams.

    Example:

        branchline audit --action sign_in_failed --limit 20
    """
    entries = audit_entries(open_store(ctx), limit=limit, actor=actor, action=action)
    if as_json:
        print_json(entries)
        return
    rows = [
        (e.at[:19].replace("T", " "), e.actor or "-", e.action, e.target or "-", e.source,
         " ".join(f"{k}={v}" for k, v in e.details.items() if v is not None))
        for e in entries
    ]
    print_table(("at (UTC)", "actor", "action", "target", "source", "details"), rows, empty="No audit entries.")
