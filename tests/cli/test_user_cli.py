"""Users, teams and the audit log from the admin CLI, run as a subprocess the way an admin runs it."""

from __future__ import annotations

import json
import subprocess
import time

import pytest

from appliance.store import users
from appliance.store.database import connect
from tests.support.branch import BRANCHLINE, Branch, cli_json, help_of

COMMANDS = [
    ["user"], ["user", "add"], ["user", "list"], ["user", "passwd"], ["user", "disable"], ["user", "enable"],
    ["user", "set"], ["user", "policy"], ["team"], ["team", "add"], ["team", "list"], ["team", "assign"], ["audit"],
]
PASSWORD = "correct horse"


@pytest.fixture
def branch(tmp_path) -> Branch:
    """Agents a1001 and a1002, team cards with a1001 in it."""
    b = Branch(tmp_path)
    b.init()
    b.cli("agent", "add", "a1001", "--name", "Li Na")
    b.cli("agent", "add", "a1002", "--name", "Wang Wei")
    b.cli("team", "add", "cards")
    b.cli("team", "assign", "a1001", "cards")
    return b


def with_stdin(branch: Branch, text: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([*BRANCHLINE, "--data", str(branch.data), *args], input=text, capture_output=True, text=True)
    assert not check or result.returncode == 0, result.stderr
    return result


def sign_in(branch: Branch, username: str, password: str) -> str:
    """What the desktop's sign-in form will do: 'ok' or the reason it was refused."""
    conn = connect(branch.data / "branchline.db")
    try:
        users.sign_in(conn, username, password, time.time())
        return "ok"
    except users.SignInRefused as refused:
        return refused.reason
    finally:
        conn.close()


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_account_command_has_help_with_an_example(command):
    text = help_of(*command)
    assert "Usage:" in text
    if len(command) > 1 or command == ["audit"]:
        assert "Example:" in text


def test_users_of_every_role_are_added_and_listed(branch):
    out = branch.cli("user", "add", "li.na", "--role", "agent", "--agent", "a1001", "--language", "zh").stdout
    assert out.startswith("Added user li.na (agent).\nPassword for li.na: ")
    generated = out.split("Password for li.na: ")[1].split()[0]
    assert sign_in(branch, "li.na", generated) == "ok"
    branch.cli("user", "add", "wang", "--role", "team_leader", "--team", "cards")
    with_stdin(branch, PASSWORD + "\n", "user", "add", "sue", "--role", "supervisor", "--password-stdin")
    branch.cli("user", "add", "root", "--role", "admin")
    listed = {u["username"]: u for u in cli_json(branch, "user", "list")}
    assert listed["li.na"] == {
        "id": 2, "username": "li.na", "role": "agent", "agent_id": "a1001", "team": "cards", "language": "zh",
        "disabled": False, "locked_until": None, "last_sign_in": listed["li.na"]["last_sign_in"],
    }
    assert listed["li.na"]["last_sign_in"] is not None and listed["sue"]["last_sign_in"] is None
    assert [(u["role"], u["team"]) for u in listed.values()] == [
        ("admin", None), ("agent", "cards"), ("admin", None), ("supervisor", None), ("team_leader", "cards"),
    ]
    assert sign_in(branch, "sue", PASSWORD) == "ok"
    table = branch.cli("user", "list").stdout
    assert "wang   team_leader  -      cards  default   enabled" in table
    assert cli_json(branch, "team", "list") == [{"name": "cards", "members": 1, "leaders": ["wang"]}]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["user", "add", "zoe", "--role", "agent", "--agent", "a9999"], "agent 'a9999' does not exist"),
        (["user", "add", "zoe", "--role", "agent"], "a user with role agent signs in as an agent: give the agent's id"),
        (["user", "add", "zoe", "--role", "team_leader"], "a team leader leads a team: give it (--team NAME"),
        (["user", "add", "zoe", "--role", "team_leader", "--team", "loans"], "team 'loans' does not exist"),
        (["user", "add", "admin", "--role", "admin"], "user 'admin' already exists"),
        (["user", "add", "zoe", "--role", "boss"], "Invalid value for '--role'"),
        (["user", "passwd", "nobody"], "user 'nobody' does not exist: 'branchline user list' shows who there is."),
        (["user", "disable", "admin"], "'admin' is the only enabled admin: add another first"),
        (["user", "set", "admin"], "nothing to change: give --role, --team, --agent or --language."),
        (["user", "policy", "--max-failures", "0"], "failed sign-ins before a lock 0 is out of range: give a whole number from 1 to 100."),
        (["team", "add", "cards"], "team 'cards' already exists"),
        (["team", "assign", "a9999", "cards"], "agent 'a9999' does not exist"),
        (["team", "assign", "a1002", "loans"], "team 'loans' does not exist"),
    ],
)
def test_mistakes_get_a_sentence_that_says_what_to_do(branch, args, message):
    result = branch.cli(*args, check=False)
    assert result.returncode == 2, result
    assert message in result.stderr


def test_a_short_password_or_an_agent_already_linked_is_refused(branch):
    result = with_stdin(branch, "short\n", "user", "add", "zoe", "--role", "admin", "--password-stdin", check=False)
    assert result.returncode == 2 and "a password needs at least 8 characters" in result.stderr
    branch.cli("user", "add", "li.na", "--role", "agent", "--agent", "a1001")
    result = branch.cli("user", "add", "lina2", "--role", "agent", "--agent", "a1001", check=False)
    assert result.returncode == 2 and "agent 'a1001' is already linked to user 'li.na'" in result.stderr
    assert [u["username"] for u in cli_json(branch, "user", "list")] == ["admin", "li.na"]


def test_passwd_disable_and_enable(branch):
    with_stdin(branch, PASSWORD, "user", "add", "li.na", "--role", "agent", "--agent", "a1001", "--password-stdin")
    out = branch.cli("user", "passwd", "li.na").stdout
    new_password = out.split("Password for li.na: ")[1].split()[0]
    assert sign_in(branch, "li.na", PASSWORD) == "wrong" and sign_in(branch, "li.na", new_password) == "ok"
    assert branch.cli("user", "disable", "li.na").stdout == "Disabled li.na.\n"
    assert sign_in(branch, "li.na", new_password) == "disabled"
    assert cli_json(branch, "user", "list")[1]["disabled"] is True
    branch.cli("user", "enable", "li.na")
    assert sign_in(branch, "li.na", new_password) == "ok"


def test_a_locked_account_shows_in_the_list_and_enable_unlocks_it(branch):
    with_stdin(branch, PASSWORD, "user", "add", "li.na", "--role", "agent", "--agent", "a1001", "--password-stdin")
    assert "--max-failures     2 " in branch.cli("user", "policy", "--max-failures", "2").stdout
    assert [sign_in(branch, "li.na", "guess-guess") for _ in range(2)] == ["wrong", "wrong"]
    assert sign_in(branch, "li.na", PASSWORD) == "locked"
    assert "locked until" in branch.cli("user", "list").stdout
    assert cli_json(branch, "user", "list")[1]["locked_until"] is not None
    assert "also unlocks" in branch.cli("user", "enable", "--help").stdout
    branch.cli("user", "enable", "li.na")
    assert sign_in(branch, "li.na", PASSWORD) == "ok"


def test_the_policy_is_shown_and_changed(branch):
    assert cli_json(branch, "user", "policy") == {"login_max_failures": 5, "login_lockout_minutes": 15, "session_idle_hours": 12}
    branch.cli("user", "policy", "--lockout-minutes", "30", "--session-hours", "8")
    assert cli_json(branch, "user", "policy") == {"login_max_failures": 5, "login_lockout_minutes": 30, "session_idle_hours": 8}
    assert "--lockout-minutes  30 minutes  how long a locked account stays locked" in branch.cli("user", "policy").stdout


def test_set_changes_role_team_agent_and_language(branch):
    branch.cli("user", "add", "wang", "--role", "supervisor")
    out = branch.cli("user", "set", "wang", "--role", "team_leader", "--team", "cards", "--language", "zh").stdout
    assert out == "User wang: team_leader, agent -, team cards, language zh.\n"
    out = branch.cli("user", "set", "wang", "--role", "agent", "--agent", "a1002", "--language", "-").stdout
    assert out == "User wang: agent, agent a1002, team -, language default.\n"
    result = branch.cli("user", "set", "wang", "--agent", "-", check=False)
    assert result.returncode == 2 and "'wang' has role agent and must stay linked to an agent" in result.stderr


def test_team_assign_moves_an_agent_and_dash_takes_them_out(branch):
    branch.cli("team", "add", "loans")
    assert branch.cli("team", "assign", "a1001", "loans").stdout == "Agent a1001 is in team loans.\n"
    assert cli_json(branch, "team", "list") == [
        {"name": "cards", "members": 0, "leaders": []}, {"name": "loans", "members": 1, "leaders": []},
    ]
    assert branch.cli("team", "assign", "a1001", "-").stdout == "Agent a1001 is in no team.\n"
    assert [a["team"] for a in cli_json(branch, "agent", "list")] == [None, None]


def test_the_audit_log_shows_every_change_and_sign_in(branch):
    branch.cli("user", "add", "li.na", "--role", "agent", "--agent", "a1001")
    branch.cli("user", "disable", "li.na")
    branch.cli("user", "enable", "li.na")
    branch.cli("user", "passwd", "li.na")
    branch.cli("user", "policy", "--max-failures", "1")
    sign_in(branch, "li.na", "guess-guess")
    branch.cli("user", "add", "wang", "--role", "admin", "--agent", "a1002", check=False)  # fine: admins may take calls
    branch.cli("user", "add", "zoe", "--role", "agent", "--agent", "a9999", check=False)  # refused: not audited
    actions = [(e["actor"], e["action"], e["target"]) for e in cli_json(branch, "audit")]
    assert actions == [
        ("cli", "user_added", "wang"),
        (None, "account_locked", "li.na"),
        ("li.na", "sign_in_failed", None),
        ("cli", "policy_changed", None),
        ("cli", "password_changed", "li.na"),
        ("cli", "user_enabled", "li.na"),
        ("cli", "user_disabled", "li.na"),
        ("cli", "user_added", "li.na"),
        ("cli", "agent_assigned", "a1001"),
        ("cli", "team_added", "cards"),
        ("cli", "scorecard_imported", "standard"),  # init's standard scorecard
        ("cli", "user_added", "admin"),
    ]
    only = cli_json(branch, "audit", "--actor", "cli", "--action", "user_added", "--limit", "1")
    assert [(e["target"], e["source"], e["details"]["role"]) for e in only] == [("wang", "cli", "admin")]
    table = branch.cli("audit", "--action", "account_locked").stdout
    assert "account_locked  li.na   web     failures=1 until=" in table
    assert "password" not in json.dumps(cli_json(branch, "audit", "--action", "password_changed")[0]["details"])
