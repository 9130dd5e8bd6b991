"""Recordings, scorecards and quality settings from the admin CLI, run as a subprocess the way an
admin runs it; recording rows are written with the store, as the switchboard writes them."""

from __future__ import annotations

import time

import pytest

from appliance.clock import iso
from appliance.store.database import connect
from appliance.store.recordings import add_recording, finish_recording
from tests.support.branch import Branch, cli_json, help_of

COMMANDS = [
    ["recordings"], ["recordings", "policy"], ["recordings", "settings"], ["recordings", "list"],
    ["recordings", "purge"], ["scorecard"], ["scorecard", "import"], ["scorecard", "list"], ["scorecard", "show"],
    ["quality"], ["quality", "settings"],
]
DAY = 86400
V2 = """
name = "standard"
title = "Standard call review, 2026"
[[sections]]
id = "call"
title = "The call"
  [[sections.criteria]]
  id = "greeting"
  text = "Greets"
  weight = 40
  [[sections.criteria]]
  id = "identity"
  text = "Verifies identity"
  text_zh = "核实身份"
  weight = 60
  fatal = true
"""


@pytest.fixture
def branch(tmp_path) -> Branch:
    b = Branch(tmp_path)
    b.init()
    b.cli("queue", "add", "general")
    b.cli("agent", "add", "a1001", "--name", "Li Na")
    return b


def audited(branch: Branch, action: str) -> list[dict]:
    return cli_json(branch, "audit", "--action", action)


def add_recordings(branch: Branch, ages_in_days: list[float], size: int = 32044) -> list[str]:
    """Finished recordings of a1001 started that many days ago, with files; their paths."""
    conn = connect(branch.data / "branchline.db")
    paths = []
    for number, age in enumerate(ages_in_days, 1):
        started = time.time() - age * DAY
        path = f"calls/{time.strftime('%Y/%m/%d', time.gmtime(started))}/{number}-call{number}.wav"
        with conn:
            add_recording(conn, call_id=f"call{number}", path=path, direction="inbound", queue="general",
                          agent_id="a1001", team=None, caller=f"1380013800{number}", started_at=iso(started))
            finish_recording(conn, path, ended_at=iso(started + 60), seconds=60.0, size=size, reason="hangup")
        file = branch.data / "recordings" / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(b"\0" * size)
        paths.append(path)
    conn.close()
    return paths


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_quality_command_has_help_with_an_example(command):
    text = help_of(*command)
    assert "Usage:" in text
    if len(command) > 1:
        assert "Example:" in text


def test_init_starts_the_branch_with_the_bilingual_standard_scorecard(branch):
    (card,) = cli_json(branch, "scorecard", "list")
    assert (card["name"], card["version"], card["title_zh"]) == ("standard", 1, "标准通话质检")
    shown = branch.cli("scorecard", "show", "standard").stdout
    assert "identity" in shown and "FATAL" in shown and "核实客户身份" in shown
    criteria = [c for s in cli_json(branch, "scorecard", "show", "standard")["sections"] for c in s["criteria"]]
    assert sum(c["weight"] for c in criteria) == 100
    assert [e["target"] for e in audited(branch, "scorecard_imported")] == ["standard"]


def test_importing_a_scorecard_again_makes_version_2(branch, tmp_path):
    file = tmp_path / "v2.toml"
    file.write_text(V2, encoding="utf-8")
    out = branch.cli("scorecard", "import", str(file)).stdout
    assert out == "Imported scorecard standard version 2 (id 2, 2 criteria).\n"
    assert [(c["name"], c["version"]) for c in cli_json(branch, "scorecard", "list")] == [("standard", 2)]
    assert cli_json(branch, "scorecard", "show", "standard")["title"] == "Standard call review, 2026"
    assert len(audited(branch, "scorecard_imported")) == 2


def test_a_bad_scorecard_is_refused_with_what_to_fix(branch, tmp_path):
    file = tmp_path / "bad.toml"
    file.write_text(V2.replace("weight = 40", "weight = 0"), encoding="utf-8")
    refused = branch.cli("scorecard", "import", str(file), check=False)
    assert refused.returncode == 2
    assert "criterion 'greeting' in section 'call' has weight 0: give its points as a whole number" in refused.stderr
    missing = branch.cli("scorecard", "show", "gold", check=False)
    assert missing.returncode == 2 and "there is no scorecard 'gold'" in missing.stderr
    assert len(audited(branch, "scorecard_imported")) == 1  # only init's


def test_recording_policies_are_set_per_queue_and_listed(branch):
    assert branch.cli("recordings", "policy", "general", "--inbound", "50").stdout == \
        "Recording policy for general: inbound 50%.\n"
    branch.cli("recordings", "policy", "*", "--inbound", "100", "--outbound", "20")
    assert [(p["queue"], p["direction"], p["percent"]) for p in cli_json(branch, "recordings", "policy")] == [
        ("*", "inbound", 100), ("*", "outbound", 20), ("general", "inbound", 50)]
    unknown = branch.cli("recordings", "policy", "loans", "--inbound", "10", check=False)
    assert unknown.returncode == 2 and "there is no queue 'loans'" in unknown.stderr
    nothing = branch.cli("recordings", "policy", "general", check=False)
    assert nothing.returncode == 2 and "--inbound PERCENT and/or --outbound PERCENT" in nothing.stderr
    assert [e["target"] for e in audited(branch, "recording_policy_set")] == ["*", "general"]


def test_recording_settings_are_shown_and_changed(branch):
    assert cli_json(branch, "recordings", "settings") == {"retention_days": 180, "min_free_mb": 1024}
    out = branch.cli("recordings", "settings", "--retention-days", "365", "--min-free-mb", "2048").stdout
    assert out == "Recordings are kept 365 days; recording stops under 2048 MB free disk space.\n"
    refused = branch.cli("recordings", "settings", "--retention-days", "-1", check=False)
    assert refused.returncode == 2 and "retention-days must be 0 or more" in refused.stderr
    assert audited(branch, "recording_settings_set")[0]["details"] == {"retention_days": 365, "min_free_mb": 2048}


def test_recordings_are_listed_newest_first_and_by_agent(branch):
    add_recordings(branch, [3, 1])
    listed = cli_json(branch, "recordings", "list")
    assert [(r["id"], r["agent_id"], r["agent_name"], r["status"]) for r in listed] == [
        (2, "a1001", "Li Na", "complete"), (1, "a1001", "Li Na", "complete")]
    today = time.strftime("%Y-%m-%d")
    assert cli_json(branch, "recordings", "list", "--agent", "a1002") == []
    assert [r["id"] for r in cli_json(branch, "recordings", "list", "--from", today)] == []
    assert "13800138002" in branch.cli("recordings", "list").stdout
    bad = branch.cli("recordings", "list", "--from", "yesterday", check=False)
    assert bad.returncode == 2 and "'yesterday' is not a date: write it as YYYY-MM-DD" in bad.stderr


def test_purge_deletes_files_past_retention_and_keeps_the_rows(branch):
    old, kept = add_recordings(branch, [40, 5], size=16044)
    branch.cli("recordings", "settings", "--retention-days", "30")
    dry = branch.cli("recordings", "purge", "--dry-run").stdout
    assert dry.startswith("Would purge 1 recordings started before ") and "(16044 bytes)" in dry
    assert (branch.data / "recordings" / old).exists()
    done = branch.cli("recordings", "purge").stdout
    assert done.startswith("Purged 1 recordings") and "(16044 bytes)" in done
    assert not (branch.data / "recordings" / old).exists() and (branch.data / "recordings" / kept).exists()
    assert [r["status"] for r in cli_json(branch, "recordings", "list")] == ["complete", "purged"]
    assert audited(branch, "recordings_purged")[0]["details"]["bytes"] == 16044
    branch.cli("recordings", "settings", "--retention-days", "0")
    assert "keep for ever" in branch.cli("recordings", "purge").stdout


def test_quality_settings_default_and_change(branch):
    assert cli_json(branch, "quality", "settings") == {"samples_per_agent": 2, "min_seconds": 30}
    out = branch.cli("quality", "settings", "--samples-per-agent", "3", "--min-seconds", "60").stdout
    assert out == "Review list: 3 recordings per agent a day, each at least 60 s long.\n"
    refused = branch.cli("quality", "settings", "--samples-per-agent", "0", check=False)
    assert refused.returncode == 2 and "samples-per-agent 0 is out of range" in refused.stderr
    assert len(audited(branch, "quality_settings_set")) == 1
