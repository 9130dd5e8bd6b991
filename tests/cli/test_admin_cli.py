"""The admin CLI, run as a subprocess the way an admin runs it."""

from __future__ import annotations

import json
import os
import stat
import subprocess

import msgspec
import pytest

from appliance.model import Queue
from tests.support.branch import BRANCHLINE, Branch, help_of

COMMANDS = [
    [], ["init"], ["migrate"], ["serve"], ["calls"], ["doctor"], ["phone"],
    ["trunk"], ["trunk", "add"], ["trunk", "list"], ["trunk", "remove"],
    ["seat"], ["seat", "add"], ["seat", "list"], ["seat", "remove"],
    ["agent"], ["agent", "add"], ["agent", "list"], ["agent", "remove"],
    ["agent", "login"], ["agent", "ready"], ["agent", "pause"], ["agent", "logout"], ["agent", "status"],
    ["queue"], ["queue", "add"], ["queue", "list"], ["queue", "remove"],
    ["did"], ["did", "add"], ["did", "list"], ["did", "remove"],
    # The ACD configuration: every one of these has an example (see tests/cli/test_acd_cli.py).
    ["trunk", "set"], ["queue", "set"], ["queue", "penalty-rules"], ["queue", "show"],
    ["agent", "skill"], ["agent", "penalty"], ["agent", "set"], ["agent", "show"],
    ["acd"], ["acd", "show"], ["acd", "set"],
    ["pause-code"], ["pause-code", "add"], ["pause-code", "set"], ["pause-code", "list"], ["pause-code", "remove"],
    ["dialplan"], ["dialplan", "add"], ["dialplan", "list"], ["dialplan", "remove"], ["dialplan", "test"],
]


@pytest.fixture
def branch(tmp_path) -> Branch:
    b = Branch(tmp_path)
    b.init()
    return b


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "branchline")
def test_every_command_has_help(command):
    text = help_of(*command)
    assert "Usage:" in text
    if command and command[-1] in ("add", "list", "init", "calls", "login"):
        assert "Example:" in text


def test_init_prints_the_admin_password_once_and_keeps_the_cli_token_private(tmp_path):
    branch = Branch(tmp_path)
    out = branch.init()
    assert "Admin user: admin  password: " in out
    mode = stat.S_IMODE(os.stat(branch.data / "cli.token").st_mode)
    assert mode == 0o600
    # The branch's own recordings go here; the shipped ones stay in the package (no stale copies).
    assert (branch.data / "prompts" / "zh").is_dir() and not any((branch.data / "prompts" / "zh").iterdir())
    again = branch.cli("init", check=False)
    assert again.returncode == 2
    assert "already holds a Branchline database" in again.stderr
    assert "password" not in again.stdout


def test_data_dir_comes_from_the_environment_when_not_given(tmp_path):
    env = {**os.environ, "BRANCHLINE_DATA": str(tmp_path / "envdata")}
    result = subprocess.run([*BRANCHLINE, "init"], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "envdata" / "branchline.db").is_file()


def test_configuration_round_trip_with_json(branch):
    branch.cli("trunk", "add", "gw", "--gateway", "192.0.2.10", "--gateway", "198.51.100.0/24")
    branch.cli("queue", "add", "loans", "--skill", "loans:3", "--skill", "general", "--ring-timeout", "12", "--wrapup", "20", "--max-wait", "90")
    branch.cli("did", "add", "4008001234", "--queue", "loans")
    branch.cli("seat", "add", "desk-1", "--phone", "sip:1001@192.0.2.21")
    branch.cli("agent", "add", "a1", "--name", "Li Na", "--skill", "loans:7")
    assert json.loads(branch.cli("trunk", "list", "--json").stdout) == [
        {"name": "gw", "gateways": ["192.0.2.10/32", "198.51.100.0/24"], "register": None, "outbound_proxy": None}
    ]
    assert json.loads(branch.cli("queue", "list", "--json").stdout) == [
        json.loads(msgspec.json.encode(Queue("loans", ring_timeout=12, wrapup=20, max_wait=90, skills={"general": 1, "loans": 3})))
    ]
    assert json.loads(branch.cli("did", "list", "--json").stdout) == [{"number": "4008001234", "queue": "loans", "flow": None, "priority": 0}]
    assert json.loads(branch.cli("seat", "list", "--json").stdout) == [
        {"name": "desk-1", "phone_uri": "sip:1001@192.0.2.21:5060", "remote_answer": False}]
    assert json.loads(branch.cli("agent", "list", "--json").stdout) == [
        {"id": "a1", "name": "Li Na", "skills": {"loans": 7}, "penalties": {}, "wrapup": None, "team": None}
    ]
    assert "desk-1" in branch.cli("seat", "list").stdout
    branch.cli("seat", "remove", "desk-1")
    assert json.loads(branch.cli("seat", "list", "--json").stdout) == []


def test_registering_trunk_keeps_its_password_out_of_listings(branch):
    branch.cli("trunk", "add", "carrier", "--register", "sip:0201234@sip.example.net", "--password", "s3cret")
    listing = branch.cli("trunk", "list", "--json").stdout
    assert "sip:0201234@sip.example.net" in listing and "s3cret" not in listing


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["seat", "add", "desk-1", "--phone", "1001@host"], "is not a SIP URI: write it as sip:USER@HOST"),
        (["seat", "add", "bad name", "--phone", "sip:1@h"], "seat name 'bad name' is not valid"),
        (["trunk", "add", "gw"], "a trunk needs --gateway ADDR[/PREFIX] or --register"),
        (["trunk", "add", "gw", "--gateway", "300.1.1.1"], "gateway '300.1.1.1' is not an IP address or network"),
        (["trunk", "add", "gw", "--register", "sip:a@b"], "--register and --password go together"),
        (["agent", "add", "a1", "--name", "X", "--skill", "loans:11"], "a level is a whole number from 1 to 10"),
        (["agent", "add", "a1", "--name", "X", "--skill", "loans"], "has no level: write it as loans:LEVEL"),
        (["did", "add", "100", "--queue", "nowhere"], "queue 'nowhere' does not exist: create it with 'branchline queue add nowhere'"),
        (["did", "add", "abc", "--queue", "q"], "is not a phone number"),
        (["did", "add", "100"], "say where the calls go: either --queue NAME or --flow NAME."),
        (["queue", "remove", "nope"], "queue 'nope' does not exist: 'branchline queue list' shows what there is"),
        (["queue", "add", "q", "--wrapup", "-1"], "Invalid value for '--wrapup'"),
        (["trunk", "ad", "x"], "No such command 'ad'"),
        (["seat", "list", "--jsn"], "No such option '--jsn'. Did you mean '--json'?"),
        (["agent", "ready", "a1"], "the Branchline server is not running"),
    ],
)
def test_mistakes_get_a_sentence_that_says_what_to_do_and_exit_2(branch, args, message):
    result = branch.cli(*args, check=False)
    assert result.returncode == 2, result
    assert message in result.stderr


def test_duplicates_and_removing_a_queue_in_use_are_refused(branch):
    branch.cli("queue", "add", "general")
    branch.cli("did", "add", "100", "--queue", "general")
    result = branch.cli("queue", "add", "general", check=False)
    assert result.returncode == 2 and "queue 'general' already exists" in result.stderr
    result = branch.cli("queue", "remove", "general", check=False)
    assert result.returncode == 2 and "still receives calls from DID 100" in result.stderr
    branch.cli("seat", "add", "desk-1", "--phone", "sip:1@192.0.2.1")
    result = branch.cli("seat", "add", "desk-2", "--phone", "sip:1@192.0.2.1", check=False)
    assert "already belongs to seat 'desk-1'" in result.stderr


def test_commands_on_a_missing_data_dir_say_to_run_init(tmp_path):
    branch = Branch(tmp_path)
    result = branch.cli("seat", "list", check=False)
    assert result.returncode == 2
    assert f"run 'branchline --data {branch.data} init' first" in result.stderr


def test_migrate_lists_and_dry_runs(branch):
    listing = branch.cli("migrate", "--list").stdout
    assert "[x] 0001 foundation" in listing and "[x] 0002 acd" in listing
    assert "up to date" in branch.cli("migrate", "--dry-run").stdout


def test_doctor_reports_each_check_and_what_to_fix(branch):
    report = json.loads(branch.cli("doctor", "--json", check=False).stdout)
    by_name = {check["name"]: check for check in report}
    assert by_name["database"]["status"] == "ok"
    assert by_name["prompts"]["status"] == "ok"
    assert "24 call legs allowed" in by_name["SIP engine"]["message"]
    assert by_name["configuration"]["status"] == "warn"
    assert "no trunk" in by_name["configuration"]["message"]
    text = branch.cli("doctor", check=False).stdout
    assert "[WARN] configuration" in text


def test_doctor_on_a_missing_data_dir_fails_with_the_fix(tmp_path):
    result = Branch(tmp_path).cli("doctor", check=False)
    assert result.returncode == 1
    assert "[FAIL] data directory" in result.stdout and "fix: branchline --data" in result.stdout
