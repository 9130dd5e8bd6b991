"""`branchline ivr`: check, apply as versions, list, show, roll back; and DIDs that lead to flows.
Run as a subprocess, the way an admin runs it."""

from __future__ import annotations

import json

import pytest

from tests.support.branch import Branch

FLOW_V1 = """\
name = "front-desk"
start = "main"
languages = ["en", "zh"]

[nodes.main]
kind = "menu"
prompt = "welcome"
choices = { "1" = "general", "9" = "bye" }
on_invalid = "general"
on_timeout = "general"

[nodes.general]
kind = "queue"
queue = "general"

[nodes.bye]
kind = "hangup"
prompt = "goodbye"
"""

FLOW_V2 = FLOW_V1.replace('"9" = "bye"', '"8" = "bye"')

BROKEN = """\
name = "front-desk"
start = "main"

[nodes.main]
kind = "menu"
prompt = "welcome"
choices = { "1" = "genral" }
on_invalid = "general"
on_timeout = "general"
timeout = 0

[nodes.general]
kind = "queue"
queue = "general"

[nodes.lonely]
kind = "hangup"
"""


@pytest.fixture
def branch(tmp_path) -> Branch:
    b = Branch(tmp_path)
    b.init()
    b.cli("queue", "add", "general", "--skill", "general")
    return b


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_check_reports_every_problem_with_its_line_and_changes_nothing(branch, tmp_path):
    path = _write(tmp_path, "broken.toml", BROKEN)
    result = branch.cli("ivr", "check", path, check=False)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"{path}:7: node 'main', choices.1: goes to 'genral', which is not a node in this flow. Did you mean 'general'?",
        f"{path}:10: node 'main', timeout: is 0 seconds, but must be more than 0 and at most 60 seconds.",
        f"{path}:16: node 'lonely': is never reached: no path from the start node 'main' leads to it. "
        "Point a node at it, or remove it.",
        f"{path}: 3 problems; nothing was changed.",
    ]
    assert branch.cli("ivr", "apply", path, check=False).returncode == 2
    assert json.loads(branch.cli("ivr", "list", "--json").stdout) == []


def test_a_good_flow_checks_clean(branch, tmp_path):
    path = _write(tmp_path, "desk.toml", FLOW_V1)
    result = branch.cli("ivr", "check", path)
    assert result.stdout == f"{path}: flow front-desk is valid (3 nodes, languages en, zh).\n"


def test_apply_keeps_versions_and_rollback_goes_back_to_the_one_before(branch, tmp_path):
    first = branch.cli("ivr", "apply", _write(tmp_path, "v1.toml", FLOW_V1), "--note", "first").stdout
    assert first.splitlines() == [
        "Flow front-desk version 1 is active: new calls start on it.",
        "No number leads to it yet: 'branchline did add NUMBER --flow front-desk'.",
    ]
    branch.cli("did", "add", "200", "--flow", "front-desk")
    second = branch.cli("ivr", "apply", _write(tmp_path, "v2.toml", FLOW_V2)).stdout
    assert second == "Flow front-desk version 2 is active: new calls start on it; calls in progress finish on version 1.\n"
    versions = json.loads(branch.cli("ivr", "list", "front-desk", "--json").stdout)
    assert [(v["version"], v["active"], v["note"], v["nodes"]) for v in versions] == [(1, False, "first", 3), (2, True, "", 3)]
    assert branch.cli("ivr", "show", "front-desk").stdout == FLOW_V2
    assert branch.cli("ivr", "show", "front-desk", "--version", "1").stdout == FLOW_V1
    assert branch.cli("ivr", "rollback", "front-desk").stdout == (
        "Flow front-desk is back on version 1 (was 2); calls in progress finish on theirs.\n"
    )
    assert branch.cli("ivr", "show", "front-desk").stdout == FLOW_V1
    table = branch.cli("ivr", "list").stdout.splitlines()
    assert table[0].split() == ["FLOW", "VERSION", "NODES", "APPLIED", "(UTC)", "NOTE"]
    assert table[1].split()[:3] == ["front-desk", "1", "*"]


def test_rollback_of_a_first_version_and_of_an_unknown_flow_say_why(branch, tmp_path):
    branch.cli("ivr", "apply", _write(tmp_path, "v1.toml", FLOW_V1))
    result = branch.cli("ivr", "rollback", "front-desk", check=False)
    assert (result.returncode, result.stderr) == (
        2, "Error: flow 'front-desk' is at its first version (1); there is nothing to roll back to.\n"
    )
    result = branch.cli("ivr", "rollback", "nope", check=False)
    assert result.returncode == 2 and "there is no flow 'nope'" in result.stderr
    result = branch.cli("ivr", "show", "front-desk", "--version", "5", check=False)
    assert result.returncode == 2 and "there is no flow 'front-desk' version 5" in result.stderr


def test_a_did_can_lead_only_to_a_flow_that_exists(branch, tmp_path):
    result = branch.cli("did", "add", "200", "--flow", "front-desk", check=False)
    assert (result.returncode, result.stderr) == (
        2, "Error: flow 'front-desk' does not exist: check and apply it with 'branchline ivr apply FILE'.\n"
    )
    result = branch.cli("did", "add", "200", "--flow", "x", "--queue", "general", check=False)
    assert result.returncode == 2 and "either --queue NAME or --flow NAME" in result.stderr
    branch.cli("ivr", "apply", _write(tmp_path, "v1.toml", FLOW_V1))
    assert branch.cli("did", "add", "200", "--flow", "front-desk").stdout == "Added DID 200 -> flow front-desk.\n"
    assert "flow front-desk" in branch.cli("did", "list").stdout


def test_files_that_cannot_be_read_are_named(branch, tmp_path):
    result = branch.cli("ivr", "check", str(tmp_path / "missing.toml"), check=False)
    assert result.returncode == 2 and "there is no file" in result.stderr
    bad = tmp_path / "latin1.toml"
    bad.write_bytes("name = 'caf\xe9'".encode("latin-1"))
    result = branch.cli("ivr", "check", str(bad), check=False)
    assert result.returncode == 2 and "is not UTF-8 text" in result.stderr


def test_a_call_without_a_path_and_a_day_without_calls_say_so(branch):
    assert "has no IVR path" in branch.cli("ivr", "path", "nope").stdout
    assert branch.cli("ivr", "stats", "--day", "2026-01-01").stdout == "No calls went through a flow on 2026-01-01.\n"
