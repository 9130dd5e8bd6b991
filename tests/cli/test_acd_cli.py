"""The admin CLI for the ACD configuration, run as a subprocess the way an admin runs it."""

from __future__ import annotations

import shutil

import pytest

from appliance.resources import migrations_dir
from appliance.store.database import connect
from appliance.store.migrations import migrate
from tests.support.branch import Branch, cli_json, help_of

NEW_COMMANDS = [
    ["trunk", "set"], ["queue", "set"], ["queue", "penalty-rules"], ["queue", "show"],
    ["agent", "skill"], ["agent", "penalty"], ["agent", "set"], ["agent", "show"],
    ["acd", "show"], ["acd", "set"],
    ["pause-code", "add"], ["pause-code", "set"], ["pause-code", "list"], ["pause-code", "remove"],
    ["dialplan", "add"], ["dialplan", "list"], ["dialplan", "remove"], ["dialplan", "test"],
]


@pytest.fixture
def branch(tmp_path) -> Branch:
    """A trunk, queues general and cards, agents ann (general and cards) and bob (general only)."""
    b = Branch(tmp_path)
    b.init()
    b.cli("trunk", "add", "gw", "--gateway", "192.0.2.10", "--outbound-proxy", "sip:192.0.2.10")
    b.cli("queue", "add", "general", "--skill", "general")
    b.cli("queue", "add", "cards", "--skill", "cards:2", "--strategy", "skill-level", "--priority-step", "30",
          "--overflow", "queue:general", "--callback-key", "9", "--no-join-empty", "--max-callers", "10")
    b.cli("agent", "add", "ann", "--name", "Ann Lee", "--skill", "general:5", "--skill", "cards:4")
    b.cli("agent", "add", "bob", "--name", "Bob Wu", "--skill", "general:6")
    return b


@pytest.mark.parametrize("command", NEW_COMMANDS, ids=" ".join)
def test_every_acd_command_has_help_with_an_example(command):
    assert "Example" in help_of(*command)


def test_queue_add_takes_every_acd_setting_and_list_shows_the_strategy(branch):
    cards = cli_json(branch, "queue", "show", "cards")["queue"]
    assert (cards["strategy"], cards["priority_step"], cards["overflow"]) == ("skill-level", 30, "queue:general")
    assert (cards["callback_key"], cards["join_empty"], cards["max_callers"]) == ("9", False, 10)
    assert cards["skills"] == {"cards": 2} and cards["announce_every"] == 60  # untouched: the model's default
    listing = branch.cli("queue", "list").stdout
    assert "STRATEGY" in listing and "skill-level" in listing and "longest-idle" in listing


def test_queue_set_changes_only_what_is_given(branch):
    out = branch.cli("queue", "set", "general", "--strategy", "ring-all", "--announce-every", "45",
                     "--no-announce-position", "--callback-key", "*", "--service-level", "30").stdout
    assert out == "Changed queue general: strategy, announce-position, announce-every, callback-key, service-level.\n"
    general = cli_json(branch, "queue", "show", "general")["queue"]
    assert general["strategy"] == "ring-all" and general["announce_position"] is False
    assert (general["announce_every"], general["callback_key"], general["service_level"]) == (45, "*", 30)
    assert general["ring_timeout"] == 15 and general["skills"] == {"general": 1}
    branch.cli("queue", "set", "general", "--skill", "general:3", "--skill", "loans", "--callback-key", "none")
    general = cli_json(branch, "queue", "show", "general")["queue"]
    assert general["skills"] == {"general": 3, "loans": 1} and general["callback_key"] == ""
    branch.cli("queue", "set", "general", "--no-skill")
    assert cli_json(branch, "queue", "show", "general")["queue"]["skills"] == {}


def test_penalty_rules_are_set_shown_and_cleared(branch):
    assert branch.cli("queue", "penalty-rules", "cards", "30:1", "0:0", "60:5").stdout == (
        "Queue cards penalty rules: 0:0 30:1 60:5.\n"
    )
    assert cli_json(branch, "queue", "show", "cards")["queue"]["penalty_rules"] == [
        {"after": 0, "max_penalty": 0}, {"after": 30, "max_penalty": 1}, {"after": 60, "max_penalty": 5}
    ]
    assert "penalty-rules      0:0 30:1 60:5" in branch.cli("queue", "show", "cards").stdout
    assert "no penalty rules now" in branch.cli("queue", "penalty-rules", "cards", "--clear").stdout
    assert cli_json(branch, "queue", "show", "cards")["queue"]["penalty_rules"] == []


def test_queue_show_lists_who_can_serve_it_lowest_penalty_first(branch):
    branch.cli("agent", "add", "cat", "--name", "Cat Xu", "--skill", "general:9")
    branch.cli("agent", "penalty", "bob", "general", "2")
    branch.cli("did", "add", "100", "--queue", "general")
    view = cli_json(branch, "queue", "show", "general")
    assert [(a["id"], a["penalty"], a["skill_score"]) for a in view["agents"]] == [("cat", 0, 9), ("ann", 0, 5), ("bob", 2, 6)]
    assert view["dids"] == ["100"] and view["overflow_from"] == ["cards"]
    assert [a["id"] for a in cli_json(branch, "queue", "show", "cards")["agents"]] == ["ann"]
    text = branch.cli("queue", "show", "general").stdout
    assert "overflow-from      cards" in text and "Agents who can serve it (lowest penalty first):" in text
    assert text.index("cat ") < text.index("ann ") < text.index("bob ")


def test_agent_skills_penalties_and_wrapup(branch):
    assert branch.cli("agent", "skill", "bob", "cards:3", "loans:2").stdout == "Agent bob skills: cards:3 general:6 loans:2.\n"
    assert branch.cli("agent", "skill", "bob", "cards:5", "--remove", "loans").stdout == "Agent bob skills: cards:5 general:6.\n"
    assert branch.cli("agent", "penalty", "bob", "cards", "1").stdout == "Agent bob has penalty 1 in queue cards.\n"
    assert "Agent bob wrap-up: 45 s after every call." in branch.cli("agent", "set", "bob", "--wrapup", "45").stdout
    view = cli_json(branch, "agent", "show", "bob")
    assert view["agent"] == {"id": "bob", "name": "Bob Wu", "skills": {"general": 6, "cards": 5}, "penalties": {"cards": 1}, "wrapup": 45, "team": None}
    assert view["queues"] == [{"queue": "general", "penalty": 0, "wrapup": 45}, {"queue": "cards", "penalty": 1, "wrapup": 45}]
    branch.cli("agent", "set", "bob", "--wrapup-default")
    text = branch.cli("agent", "show", "bob").stdout
    assert "wrapup     each queue's own" in text and "penalties  cards:1" in text


def test_a_penalty_in_a_queue_the_agent_cannot_serve_comes_with_a_note(branch):
    out = branch.cli("agent", "penalty", "bob", "cards", "1").stdout
    assert "Note: bob lacks skills queue cards requires (cards:2)" in out
    assert "'branchline agent skill bob ...'" in out


def test_pause_codes_add_list_set_and_remove(branch):
    branch.cli("pause-code", "add", "quality", "--label", "Quality review", "--label-zh", "质检")
    codes = {p["code"]: p for p in cli_json(branch, "pause-code", "list")}
    assert codes["quality"] == {"code": "quality", "label": "Quality review", "label_zh": "质检", "system": False}
    assert codes["missed"]["system"] is True and codes["acw"]["label_zh"] == "话后处理"
    branch.cli("pause-code", "set", "acw", "--label", "Wrap-up work")
    branch.cli("pause-code", "remove", "coaching")
    text = branch.cli("pause-code", "list").stdout
    assert "Wrap-up work" in text and "coaching" not in text and "system" in text
    result = branch.cli("pause-code", "remove", "login", check=False)
    assert result.returncode == 2 and "is set by the appliance itself and cannot be removed" in result.stderr


def test_acd_settings_show_and_set_with_dashes_or_underscores(branch):
    assert branch.cli("acd", "set", "max-no-answer", "2").stdout == "ACD setting max-no-answer is 2.\n"
    branch.cli("acd", "set", "callback_retry", "600")
    settings = cli_json(branch, "acd", "show")
    assert settings["max_no_answer"] == 2 and settings["callback_retry"] == 600 and settings["busy_delay"] == 10
    text = branch.cli("acd", "show").stdout
    assert "max-no-answer" in text and "paused as 'missed'" in text


def test_acd_set_help_explains_every_setting():
    from appliance.cli.acd_cmds import ACD_MEANINGS
    from appliance.model import AcdSettings

    assert set(ACD_MEANINGS) == set(AcdSettings.__struct_fields__)


def test_the_dial_plan_allows_only_what_a_rule_allows(branch):
    branch.cli("dialplan", "add", "mobile", "--pattern", "1[3-9]XXXXXXXXX", "--trunk", "gw")
    branch.cli("dialplan", "add", "intl", "--pattern", "+.", "--trunk", "gw", "--strip", "1", "--prefix", "00")
    branch.cli("dialplan", "add", "emergency", "--pattern", "11[09]", "--trunk", "gw", "--before", "mobile")
    assert [r["name"] for r in cli_json(branch, "dialplan", "list")] == ["emergency", "mobile", "intl"]
    assert branch.cli("dialplan", "test", "+442079460000").stdout == (
        "+442079460000: allowed by rule intl (+.); dials 00442079460000 through trunk gw.\n"
    )
    tested = cli_json(branch, "dialplan", "test", "13800000000")
    assert tested["allowed"] is True and tested["trunk"] == "gw" and tested["rule"]["name"] == "mobile"
    refused = branch.cli("dialplan", "test", "*99#", check=False)
    assert refused.returncode == 1 and "refused: '*99#' has '*'" in refused.stdout
    refused = branch.cli("dialplan", "test", "4008001234", check=False)
    assert refused.returncode == 1 and "no dial rule allows '4008001234'" in refused.stdout
    branch.cli("dialplan", "remove", "intl")
    assert branch.cli("dialplan", "test", "+442079460000", check=False).returncode == 1


def test_a_vip_did_gives_its_callers_a_priority(branch):
    branch.cli("did", "add", "4008009999", "--queue", "cards", "--priority", "5")
    branch.cli("did", "add", "4008001234", "--queue", "cards")
    assert [(d["number"], d["priority"]) for d in cli_json(branch, "did", "list")] == [("4008001234", 0), ("4008009999", 5)]
    assert "PRIORITY" in branch.cli("did", "list").stdout


def test_trunk_outbound_proxy_is_set_listed_and_removed(branch):
    assert cli_json(branch, "trunk", "list")[0]["outbound_proxy"] == "sip:192.0.2.10:5060"
    assert "sip:192.0.2.10:5070" in branch.cli("trunk", "set", "gw", "--outbound-proxy", "sip:192.0.2.10:5070").stdout
    branch.cli("dialplan", "add", "local", "--pattern", "NXXXXXXX", "--trunk", "gw")
    out = branch.cli("trunk", "set", "gw", "--no-outbound-proxy").stdout
    assert "Trunk gw outbound proxy: none." in out and "calls cannot leave through it" in out
    assert cli_json(branch, "trunk", "list")[0]["outbound_proxy"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["queue", "set", "cards"], "nothing to change: give at least one option, see 'branchline queue set --help'"),
        (["queue", "set", "nope", "--wrapup", "5"], "queue 'nope' does not exist: 'branchline queue list' shows what there is, 'branchline queue add nope' creates it"),
        (["queue", "set", "cards", "--strategy", "fastest"], "Invalid value for '--strategy': 'fastest' is not one of 'longest-idle'"),
        (["queue", "set", "cards", "--overflow", "queue:cards"], "queue 'cards' cannot overflow to itself: name another queue, or use sorry or callback"),
        (["queue", "set", "cards", "--overflow", "queue:loans"], "overflow queue 'loans' does not exist: create it with 'branchline queue add loans' first"),
        (["queue", "set", "general", "--overflow", "queue:cards"], "would pass callers round in a circle (general -> cards -> general)"),
        (["queue", "set", "cards", "--overflow", "voicemail"], "overflow 'voicemail' is not known: use sorry, callback or queue:NAME"),
        (["queue", "set", "cards", "--callback-key", "10"], "callback key '10' is not one phone key: use one of 0-9, * or #, or none"),
        (["queue", "set", "cards", "--announce-round", "0"], "Invalid value for '--announce-round': 0 is not in the range 1<=x<=3600"),
        (["queue", "set", "cards", "--skill", "x", "--no-skill"], "--skill and --no-skill contradict each other"),
        (["queue", "set", "cards", "--stratgy", "random"], "No such option '--stratgy'. Did you mean '--strategy'?"),
        (["queue", "add", "q", "--overflow", "queue:nope"], "overflow queue 'nope' does not exist"),
        (["queue", "penalty-rules", "cards"], "give the rules as WAIT:MAX_PENALTY (for example 0:0 30:1), or --clear"),
        (["queue", "penalty-rules", "cards", "30"], "penalty rule '30' is not WAIT:MAX_PENALTY, for example 30:1"),
        (["queue", "penalty-rules", "cards", "0:2", "30:1"], "penalty rule 30:1 allows fewer agents than the rule at 0 s (up to 2)"),
        (["queue", "show", "nope"], "queue 'nope' does not exist: 'branchline queue list' shows what there is"),
        (["agent", "skill", "ann"], "give skills as SKILL:LEVEL (for example cards:6), or --remove SKILL"),
        (["agent", "skill", "ann", "cards"], "skill 'cards' has no level: write it as cards:LEVEL"),
        (["agent", "skill", "ann", "--remove", "loans"], "agent 'ann' has no skill 'loans': their skills are cards, general"),
        (["agent", "skill", "zoe", "cards:3"], "agent 'zoe' does not exist: 'branchline agent list' shows what there is"),
        (["agent", "penalty", "ann", "loans", "1"], "queue 'loans' does not exist"),
        (["agent", "penalty", "ann", "cards", "many"], "Invalid value for 'PENALTY': 'many' is not a valid integer"),
        (["agent", "set", "ann"], "give --wrapup SECONDS or --wrapup-default (one of them)"),
        (["agent", "set", "ann", "--wrapup", "5", "--wrapup-default"], "give --wrapup SECONDS or --wrapup-default (one of them)"),
        (["agent", "show", "zoe"], "agent 'zoe' does not exist"),
        (["pause-code", "add", "break", "--label", "Break"], "pause code 'break' already exists: change its labels with 'branchline pause-code set break'"),
        (["pause-code", "add", "lunch break", "--label", "x"], "pause code name 'lunch break' is not valid"),
        (["pause-code", "add", "lunch"], "Missing option '--label'"),
        (["pause-code", "remove", "nap"], "pause code 'nap' does not exist: 'branchline pause-code list' shows what there is"),
        (["pause-code", "set", "acw"], "nothing to change: give --label TEXT, --label-zh TEXT or both"),
        (["acd", "set", "max-no-answr", "2"], "'max-no-answr' is not an ACD setting: use one of max-no-answer, no-answer-delay"),
        (["acd", "set", "busy-delay", "soon"], "busy-delay 'soon' is not a whole number: give one from 0 to 86400"),
        (["dialplan", "add", "x", "--pattern", "9*", "--trunk", "gw"], "dial pattern '9*' has '*' at position 2"),
        (["dialplan", "add", "x", "--pattern", "9.X", "--trunk", "gw"], "'.' matches the rest of the number, so it may only be the last character"),
        (["dialplan", "add", "x", "--pattern", "9.", "--trunk", "pstn"], "trunk 'pstn' does not exist: add it with 'branchline trunk add pstn' first"),
        (["dialplan", "add", "x", "--pattern", "9.", "--trunk", "gw", "--prefix", "#31#"], "prefix '#31#' is not valid"),
        (["dialplan", "add", "x", "--pattern", "9.", "--trunk", "gw", "--before", "y"], "dial rule 'y' does not exist: 'branchline dialplan list' shows what there is"),
        (["dialplan", "add", "x", "--trunk", "gw"], "Missing option '--pattern'"),
        (["dialplan", "remove", "y"], "dial rule 'y' does not exist"),
        (["did", "add", "100", "--queue", "cards", "--priority", "101"], "Invalid value for '--priority': 101 is not in the range 0<=x<=100"),
        (["trunk", "set", "gw"], "give --outbound-proxy sip:HOST[:PORT] or --no-outbound-proxy (one of them)"),
        (["trunk", "set", "gw", "--outbound-proxy", "192.0.2.1"], "outbound proxy '192.0.2.1' is not valid: write it as sip:HOST or sip:HOST:PORT"),
        (["trunk", "set", "nope", "--no-outbound-proxy"], "trunk 'nope' does not exist: 'branchline trunk list' shows what there is"),
        (["trunk", "add", "gw2", "--gateway", "192.0.2.11", "--outbound-proxy", "sip:x:0"], "has port 0: a port is a number from 1 to 65535"),
    ],
)
def test_mistakes_get_a_sentence_that_says_what_to_do_and_exit_2(branch, args, message):
    result = branch.cli(*args, check=False)
    assert result.returncode == 2, result
    assert message in result.stderr


def test_removing_what_routing_still_uses_is_refused_with_the_fix(branch):
    branch.cli("dialplan", "add", "local", "--pattern", "NXXXXXXX", "--trunk", "gw")
    result = branch.cli("trunk", "remove", "gw", check=False)
    assert result.returncode == 2 and "trunk 'gw' is used by dial rule local: remove those rules first" in result.stderr
    result = branch.cli("queue", "remove", "general", check=False)
    assert result.returncode == 2 and "queue 'general' takes the overflow of queue cards: change their --overflow first" in result.stderr
    branch.cli("agent", "penalty", "ann", "cards", "3")
    branch.cli("queue", "remove", "cards")
    assert cli_json(branch, "agent", "show", "ann")["agent"]["penalties"] == {}


def test_the_demo_branch_shows_skills_penalties_and_a_dial_plan(tmp_path):
    demo = Branch(tmp_path)
    demo.cli("init", "--demo")
    assert [(d["number"], d["queue"], d["flow"]) for d in cli_json(demo, "did", "list")] == [
        ("100", "general", None), ("101", "cards", None), ("8000", None, "demo-bank"),
    ]
    general = cli_json(demo, "queue", "show", "general")
    assert [(a["id"], a["penalty"]) for a in general["agents"]] == [("a1001", 0), ("a1002", 0)]  # longest idle decides
    cards = cli_json(demo, "queue", "show", "cards")
    assert [(a["id"], a["penalty"]) for a in cards["agents"]] == [("a1001", 0), ("a1002", 1)]
    assert cards["queue"]["overflow"] == "queue:general" and cards["queue"]["priority_step"] > 0
    assert "dials 13800000000 through trunk demo" in demo.cli("dialplan", "test", "13800000000").stdout
    assert "dials 62345678 through trunk demo" in demo.cli("dialplan", "test", "62345678").stdout
    assert demo.cli("dialplan", "test", "0044123", check=False).returncode == 1


def test_a_foundation_data_dir_is_migrated_with_its_data_kept(tmp_path):
    old = Branch(tmp_path)
    old.data.mkdir()
    only_0001 = tmp_path / "old-migrations"
    only_0001.mkdir()
    shutil.copy(migrations_dir() / "0001_foundation.sql", only_0001)
    conn = connect(old.data / "branchline.db")
    migrate(conn, only_0001, old.data / "backups")
    conn.execute("""
        INSERT INTO trunks (name, created_at) VALUES ('gw', 'then');
        INSERT INTO trunk_gateways VALUES ('gw', '192.0.2.10/32');
        INSERT INTO queues (name, ring_timeout, wrapup, max_wait, created_at) VALUES ('general', 12, 20, 90, 'then');
        INSERT INTO queue_skills VALUES ('general', 'general', 1);
        INSERT INTO agents (id, name, created_at) VALUES ('ann', 'Ann Lee', 'then');
        INSERT INTO agent_skills VALUES ('ann', 'general', 5);
        INSERT INTO dids (number, queue, created_at) VALUES ('100', 'general', 'then');
    """)
    conn.close()

    assert "[ ] 0002 acd" in old.cli("migrate", "--list").stdout
    assert old.cli("migrate").stdout.startswith("Applied: 0002_acd")  # and any later migrations

    assert list((old.data / "backups").glob("*before-v0002.db"))
    view = cli_json(old, "queue", "show", "general")
    assert (view["queue"]["ring_timeout"], view["queue"]["wrapup"], view["queue"]["max_wait"]) == (12, 20, 90)
    assert view["queue"]["strategy"] == "longest-idle" and view["dids"] == ["100"]
    assert [(a["id"], a["penalty"]) for a in view["agents"]] == [("ann", 0)]
    assert len(cli_json(old, "pause-code", "list")) == 8
