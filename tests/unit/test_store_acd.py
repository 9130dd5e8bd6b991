"""The ACD configuration in the store: migration 0002, loading every field, and each change checked."""

from __future__ import annotations

import shutil
from pathlib import Path

import apsw
import pytest

from appliance.errors import Conflict, InvalidInput, NotFound
from appliance.model import AcdSettings, Agent, DialRule, Did, PauseCode, PenaltyRule, Queue, Trunk
from appliance.resources import migrations_dir
from appliance.store import config as store
from appliance.store import pause_codes, routing, telephony
from appliance.store.database import connect
from appliance.store.migrations import applied_versions, migrate
from tests.support.store import raises


@pytest.fixture
def conn(tmp_path: Path) -> apsw.Connection:
    c = connect(tmp_path / "b.db")
    migrate(c, migrations_dir(), tmp_path / "backups")
    telephony.add_trunk(c, Trunk("gw", ("192.0.2.10/32",)))
    routing.add_queue(c, Queue("general", skills={"general": 1}))
    routing.add_queue(c, Queue("cards", skills={"cards": 1}))
    routing.add_agent(c, Agent("ann", "Ann Lee", {"general": 5, "cards": 4}))
    return c


def test_a_foundation_database_keeps_its_data_and_behaves_as_before(tmp_path: Path):
    only_0001 = tmp_path / "old-migrations"
    only_0001.mkdir()
    shutil.copy(migrations_dir() / "0001_foundation.sql", only_0001)
    conn = connect(tmp_path / "b.db")
    migrate(conn, only_0001, tmp_path / "backups")
    conn.execute("""
        INSERT INTO trunks (name, register_uri, register_password, created_at) VALUES ('gw', NULL, NULL, 'then');
        INSERT INTO trunk_gateways VALUES ('gw', '192.0.2.10/32');
        INSERT INTO queues (name, ring_timeout, wrapup, max_wait, created_at) VALUES ('general', 12, 20, 90, 'then');
        INSERT INTO queue_skills VALUES ('general', 'general', 2);
        INSERT INTO agents (id, name, created_at) VALUES ('ann', 'Ann Lee', 'then');
        INSERT INTO agent_skills VALUES ('ann', 'general', 5);
        INSERT INTO dids (number, queue, created_at) VALUES ('100', 'general', 'then');
        INSERT INTO calls (id, caller, did, arrived_at) VALUES ('c1', '13800000000', '100', 'then');
        INSERT INTO settings VALUES ('language', 'zh');
    """)

    migrate(conn, migrations_dir(), tmp_path / "backups")

    assert applied_versions(conn)[:2] == [1, 2]  # and any later migrations
    assert len(list((tmp_path / "backups").iterdir())) == 1
    config = store.load_config(conn)
    assert config.queues == (Queue("general", 12, 20, 90, {"general": 2}),)  # every new setting at its default
    assert config.agents == (Agent("ann", "Ann Lee", {"general": 5}),)
    assert config.trunks == (Trunk("gw", ("192.0.2.10/32",)),)
    assert config.dids == (Did("100", "general"),) and config.language == "zh"
    assert config.acd == AcdSettings() and config.dial_rules == ()
    assert conn.execute("SELECT priority, exit_reason FROM calls").fetchall() == [(0, None)]


def test_the_migration_seeds_system_and_agent_pause_codes_with_chinese_labels(conn):
    codes = {p.code: p for p in store.load_config(conn).pause_codes}
    assert codes["login"] == PauseCode("login", "Signed in", "已登录", system=True)
    assert codes["missed"] == PauseCode("missed", "Missed a call", "未接来电", system=True)
    assert {c: p.label_zh for c, p in codes.items() if not p.system} == {
        "break": "休息", "meal": "用餐", "huddle": "班前会", "training": "培训", "coaching": "辅导", "acw": "话后处理",
    }
    assert codes["acw"].label == "After-call work"


def test_every_acd_setting_round_trips_through_the_store(conn):
    vip = Queue(
        "vip", ring_timeout=20, wrapup=30, max_wait=600, skills={"general": 7}, strategy="skill-level",
        priority_step=30, penalty_rules=(PenaltyRule(60, 5), PenaltyRule(0, 0), PenaltyRule(30, 1)),
        join_empty=False, leave_empty=True, max_callers=12, overflow="queue:general", announce_position=False,
        announce_wait=False, announce_every=45, announce_min_gap=20, announce_round=30, callback_key="#",
        service_level=15, short_abandon=3, handle_time=240,
    )
    routing.add_queue(conn, vip)
    routing.add_agent(conn, Agent("bob", "Bob Wu", {"general": 8}, {"vip": 2, "general": 1}, wrapup=45))
    telephony.add_trunk(conn, Trunk("carrier", register_uri="sip:1@sip.example.net", register_password="pw",
                                outbound_proxy="sip:proxy.example.net"))
    telephony.add_dial_rule(conn, DialRule("mobile", "1[3-9]XXXXXXXXX", "gw"))
    telephony.add_dial_rule(conn, DialRule("intl", "+.", "carrier", strip=1, prefix="00"))
    store.set_acd_setting(conn, "max-no-answer", "2")
    store.set_acd_setting(conn, "callback_retry", 600)
    telephony.add_did(conn, Did("4008009999", "vip", priority=5))

    config = store.load_config(conn)
    rules_in_order = (PenaltyRule(0, 0), PenaltyRule(30, 1), PenaltyRule(60, 5))
    assert config.queue("vip") == Queue(**{**{f: getattr(vip, f) for f in vip.__struct_fields__}, "penalty_rules": rules_in_order})
    assert config.agent("bob") == Agent("bob", "Bob Wu", {"general": 8}, {"vip": 2, "general": 1}, wrapup=45)
    assert config.trunk("carrier").outbound_proxy == "sip:proxy.example.net:5060"
    assert [r.name for r in config.dial_rules] == ["mobile", "intl"]
    assert config.dial_rules[1] == DialRule("intl", "+.", "carrier", strip=1, prefix="00")
    assert config.acd == AcdSettings(max_no_answer=2, callback_retry=600)
    assert store.get_setting(conn, "acd.max_no_answer") == "2"
    assert config.did("4008009999") == Did("4008009999", "vip", priority=5)


def test_update_queue_changes_only_what_is_given(conn):
    changed = routing.update_queue(conn, "cards", strategy="round-robin", join_empty=False, skills={"cards": 3})
    assert changed == store.load_config(conn).queue("cards")
    assert (changed.strategy, changed.join_empty, changed.skills) == ("round-robin", False, {"cards": 3})
    assert changed.ring_timeout == Queue("x").ring_timeout and changed.overflow == "sorry"


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"strategy": "fastest"}, InvalidInput, "strategy 'fastest' is not known: choose one of longest-idle, fewest-calls"),
        ({"ring_timeout": 0}, InvalidInput, "ring-timeout 0 is out of range: give a whole number from 1 to 300 seconds"),
        ({"max_callers": True}, InvalidInput, "max-callers True is out of range"),
        ({"join_empty": 1}, InvalidInput, "join-empty is 1: it is either on or off"),
        ({"callback_key": "12"}, InvalidInput, "callback key '12' is not one phone key: use one of 0-9, * or #"),
        ({"overflow": "voicemail"}, InvalidInput, "overflow 'voicemail' is not known: use sorry, callback or queue:NAME"),
        ({"overflow": "queue:cards"}, InvalidInput, "queue 'cards' cannot overflow to itself"),
        ({"overflow": "queue:loans"}, NotFound, "overflow queue 'loans' does not exist: create it with 'branchline queue add loans' first"),
        ({"skills": {"cards": 0}}, InvalidInput, "skill 'cards' has level 0: a level is a whole number from 1 to 10"),
        ({"colour": "red"}, InvalidInput, "a queue has no setting 'colour'"),
        ({"penalty_rules": ()}, InvalidInput, "a queue has no setting 'penalty_rules'"),
    ],
)
def test_update_queue_refuses_what_the_distributor_could_not_use(conn, fields, error, message):
    with raises(error, message):
        routing.update_queue(conn, "cards", **fields)
    assert store.load_config(conn).queue("cards") == Queue("cards", skills={"cards": 1})


def test_an_unknown_queue_says_how_to_find_or_create_it(conn):
    with raises(NotFound, "queue 'loans' does not exist: 'branchline queue list' shows what there is, "
                          "'branchline queue add loans' creates it."):
        routing.update_queue(conn, "loans", wrapup=5)


def test_overflow_chains_may_not_come_back_round(conn):
    routing.add_queue(conn, Queue("loans"))
    routing.update_queue(conn, "general", overflow="queue:cards")
    routing.update_queue(conn, "cards", overflow="queue:loans")
    with raises(InvalidInput, "would pass callers round in a circle (loans -> general -> cards -> loans)"):
        routing.update_queue(conn, "loans", overflow="queue:general")


def test_a_queue_that_takes_another_queues_overflow_cannot_be_removed(conn):
    routing.update_queue(conn, "cards", overflow="queue:general")
    with raises(Conflict, "queue 'general' takes the overflow of queue cards: change their --overflow first."):
        store.remove(conn, "queue", "general")


def test_penalty_rules_are_kept_in_wait_order_and_never_narrow(conn):
    queue = routing.set_penalty_rules(conn, "cards", [PenaltyRule(30, 1), PenaltyRule(0, 0)])
    assert queue.penalty_rules == store.load_config(conn).queue("cards").penalty_rules == (PenaltyRule(0, 0), PenaltyRule(30, 1))
    with raises(InvalidInput, "penalty rule 30:0 allows fewer agents than the rule at 0 s (up to 1)"):
        routing.set_penalty_rules(conn, "cards", [PenaltyRule(0, 1), PenaltyRule(30, 0)])
    with raises(InvalidInput, "two penalty rules start at 30 s"):
        routing.set_penalty_rules(conn, "cards", [PenaltyRule(30, 1), PenaltyRule(30, 2)])
    assert routing.set_penalty_rules(conn, "cards", []).penalty_rules == ()


def test_agent_skills_are_replaced_set_one_by_one_and_removed(conn):
    routing.set_agent_skills(conn, "ann", {"loans": 3})
    routing.set_agent_skill(conn, "ann", "cards", 6)
    routing.set_agent_skill(conn, "ann", "loans", 4)
    assert store.load_config(conn).agent("ann").skills == {"loans": 4, "cards": 6}
    routing.remove_agent_skill(conn, "ann", "loans")
    with raises(NotFound, "agent 'ann' has no skill 'loans': their skills are cards."):
        routing.remove_agent_skill(conn, "ann", "loans")
    with raises(InvalidInput, "skill 'cards' has level 11"):
        routing.set_agent_skill(conn, "ann", "cards", 11)
    with raises(NotFound, "agent 'zoe' does not exist: 'branchline agent list' shows what there is."):
        routing.set_agent_skill(conn, "zoe", "cards", 1)


def test_agent_penalties_go_with_their_queue_and_zero_is_the_default(conn):
    routing.set_agent_penalty(conn, "ann", "cards", 2)
    routing.set_agent_penalty(conn, "ann", "general", 1)
    routing.set_agent_penalty(conn, "ann", "general", 0)
    assert store.load_config(conn).agent("ann").penalties == {"cards": 2}
    with raises(NotFound, "queue 'loans' does not exist"):
        routing.set_agent_penalty(conn, "ann", "loans", 1)
    with raises(InvalidInput, "penalty -1 is out of range: give a whole number from 0 to 100"):
        routing.set_agent_penalty(conn, "ann", "cards", -1)
    store.remove(conn, "queue", "cards")
    assert store.load_config(conn).agent("ann").penalties == {}


def test_an_agents_wrapup_overrides_the_queues_until_set_back(conn):
    routing.set_agent_wrapup(conn, "ann", 45)
    assert store.load_config(conn).agent("ann").wrapup == 45
    routing.set_agent_wrapup(conn, "ann", None)
    assert store.load_config(conn).agent("ann").wrapup is None
    with raises(InvalidInput, "wrap-up 3601 is out of range: give a whole number from 0 to 3600 seconds"):
        routing.set_agent_wrapup(conn, "ann", 3601)


def test_pause_codes_system_ones_stay_and_agent_ones_come_and_go(conn):
    pause_codes.add_pause_code(conn, PauseCode("quality", "Quality review", "质检"))
    with raises(Conflict, "pause code 'quality' already exists: change its labels with 'branchline pause-code set quality'"):
        pause_codes.add_pause_code(conn, PauseCode("quality", "Again"))
    pause_codes.remove_pause_code(conn, "huddle")
    with raises(Conflict, "pause code 'missed' (Missed a call) is set by the appliance itself and cannot be removed"):
        pause_codes.remove_pause_code(conn, "missed")
    assert pause_codes.update_pause_code(conn, "missed", label_zh="漏接") == PauseCode("missed", "Missed a call", "漏接", True)
    codes = [p.code for p in store.load_config(conn).pause_codes]
    assert "quality" in codes and "huddle" not in codes and codes[:2] == ["login", "missed"]
    with raises(InvalidInput, "label '' is not valid"):
        pause_codes.add_pause_code(conn, PauseCode("empty", "  "))


def test_dial_rules_keep_their_order_and_their_trunk(conn):
    telephony.add_dial_rule(conn, DialRule("local", "NXXXXXXX", "gw"))
    telephony.add_dial_rule(conn, DialRule("mobile", "1[3-9]XXXXXXXXX", "gw"))
    telephony.add_dial_rule(conn, DialRule("emergency", "11[09]", "gw"), before="local")
    telephony.add_dial_rule(conn, DialRule("toll-free", "400XXXXXXX", "gw"), before="mobile")
    assert [r.name for r in store.load_config(conn).dial_rules] == ["emergency", "local", "toll-free", "mobile"]
    telephony.remove_dial_rule(conn, "local")
    assert [r.name for r in store.load_config(conn).dial_rules] == ["emergency", "toll-free", "mobile"]
    with raises(Conflict, "trunk 'gw' is used by dial rule emergency, toll-free, mobile: remove those rules first"):
        store.remove(conn, "trunk", "gw")
    with raises(NotFound, "trunk 'nope' does not exist: add it with 'branchline trunk add nope' first."):
        telephony.add_dial_rule(conn, DialRule("x", "9.", "nope"))
    with raises(NotFound, "dial rule 'local' does not exist: 'branchline dialplan list' shows what there is."):
        telephony.remove_dial_rule(conn, "local")
    with raises(InvalidInput, "dial pattern '9*' has '*'"):
        telephony.add_dial_rule(conn, DialRule("x", "9*", "gw"))


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("max-no-answr", "2", "'max-no-answr' is not an ACD setting: use one of max-no-answer, no-answer-delay"),
        ("busy-delay", "-1", "busy-delay '-1' is not a whole number: give one from 0 to 86400"),
        ("busy-delay", "1.5", "busy-delay '1.5' is not a whole number"),
        ("ping-failures", "0", "ping-failures 0 is out of range: give a whole number from 1 to 100"),
    ],
)
def test_acd_settings_are_checked_against_the_model(conn, key, value, message):
    with raises(InvalidInput, message):
        store.set_acd_setting(conn, key, value)
    assert store.load_config(conn).acd == AcdSettings()


def test_trunk_outbound_proxy_is_normalised_and_can_be_removed(conn):
    telephony.set_trunk_outbound_proxy(conn, "gw", "sip:192.0.2.10")
    assert store.load_config(conn).trunk("gw").outbound_proxy == "sip:192.0.2.10:5060"
    telephony.set_trunk_outbound_proxy(conn, "gw", None)
    assert store.load_config(conn).trunk("gw").outbound_proxy is None
    with raises(InvalidInput, "outbound proxy 'sip:u@host' is not valid: write it as sip:HOST or sip:HOST:PORT."):
        telephony.set_trunk_outbound_proxy(conn, "gw", "sip:u@host")
    with raises(InvalidInput, "has port 70000"):
        telephony.set_trunk_outbound_proxy(conn, "gw", "sip:host:70000")


def test_the_schema_refuses_what_the_store_would_have_refused(conn):
    for sql in (
        "UPDATE queues SET strategy = 'fastest'",
        "UPDATE queues SET callback_key = '12'",
        "UPDATE queues SET overflow = 'queue:' || name",
        "INSERT INTO agent_penalties VALUES ('ann', 'cards', -1)",
        "INSERT INTO dial_rules (name, pattern, trunk, position) VALUES ('x', '9.', 'nope', 1)",
        "INSERT INTO callbacks (id, queue, number, arrived_at, requested_at, status, updated_at)"
        " VALUES ('c', 'cards', '1', 't', 't', 'lost', 't')",
    ):
        with pytest.raises(apsw.ConstraintError):
            conn.execute(sql)
