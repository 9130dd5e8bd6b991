"""The IVR heard from a real phone: prompts really play, keys cut them short (barge-in) over RFC
2833 and SIP INFO, and a call keeps the flow version it started on. Test prompts are tones, so
what the caller heard can be checked with a Goertzel filter."""

from __future__ import annotations

import time

import pytest

from tests.support.audio import read_wav, tone_samples, tone_seconds, write_wav

LONG_HZ, ONE_HZ, TWO_HZ = 1700, 2300, 1900

TONES_FLOW = """\
name = "tones"
start = "menu"
languages = ["en"]

[nodes.menu]
kind = "menu"
prompt = "t-long"
choices = { "1" = "one", "2" = "two" }
timeout = 3
retries = 0
on_invalid = "bye"
on_timeout = "bye"

[nodes.one]
kind = "hangup"
prompt = "t-one"

[nodes.two]
kind = "hangup"
prompt = "t-two"

[nodes.bye]
kind = "hangup"
"""


@pytest.fixture
def tones(branch, tmp_path):
    """Flow `tones` on DID 200: a 4 s menu prompt; key 1 plays 2300 Hz, key 2 1900 Hz, then hang up."""
    prompts = branch.data / "prompts" / "en"
    write_wav(prompts / "t-long.wav", tone_samples(LONG_HZ, 4.0))
    write_wav(prompts / "t-one.wav", tone_samples(ONE_HZ, 1.5))
    write_wav(prompts / "t-two.wav", tone_samples(TWO_HZ, 1.5))
    flow = tmp_path / "tones.toml"
    flow.write_text(TONES_FLOW)
    branch.cli("ivr", "apply", str(flow))
    branch.cli("did", "add", "200", "--flow", "tones")
    return flow


def _call(server, phones, user: str = "55501234"):
    caller = phones("--call", f"sip:200@127.0.0.1:{server.sip_port}", user=user)
    caller.wait_for("answered", 10)
    return caller


def _heard(caller) -> list[int]:
    ended = caller.wait_for("ended", 20)
    samples, rate = read_wav(ended["recording"])
    assert rate == 8000
    return samples


def _steps(branch, call_id: str) -> list[tuple[str, str, str]]:
    import json

    path = json.loads(branch.cli("ivr", "path", call_id, "--json").stdout)
    return [(s["node"], s["outcome"], s["digits"]) for s in path]


def test_a_key_cuts_the_menu_prompt_short_and_the_chosen_branch_plays(branch, server, phones, tones):
    server.start()
    caller = _call(server, phones)
    time.sleep(1.0)
    caller.send("dtmf 1")
    heard = _heard(caller)
    assert 0.4 <= tone_seconds(heard, 8000, LONG_HZ) <= 2.5, "the menu prompt was not cut short by the key"
    assert tone_seconds(heard, 8000, ONE_HZ) >= 1.2, "the chosen branch's prompt did not play"
    assert tone_seconds(heard, 8000, TWO_HZ) == 0
    [record] = branch.ended_calls(1)
    assert (record["flow"], record["flow_version"], record["exit_reason"]) == ("tones", 1, "ivr")
    assert _steps(branch, record["id"]) == [("menu", "choice", "1"), ("one", "ended", "")]


def test_a_key_sent_as_sip_info_works_like_rfc_2833(branch, server, phones, tones):
    server.start()
    caller = _call(server, phones)
    time.sleep(1.0)
    caller.send("dtmf-info 2")
    heard = _heard(caller)
    assert tone_seconds(heard, 8000, TWO_HZ) >= 1.2
    [record] = branch.ended_calls(1)
    assert _steps(branch, record["id"])[0] == ("menu", "choice", "2")


def test_without_a_key_the_whole_prompt_plays_then_the_timeout_path(branch, server, phones, tones):
    server.start()
    caller = _call(server, phones)
    heard = _heard(caller)
    assert tone_seconds(heard, 8000, LONG_HZ) >= 3.5, "the menu prompt did not play to its end"
    [record] = branch.ended_calls(1)
    assert _steps(branch, record["id"]) == [("menu", "timeout", ""), ("bye", "ended", "")]


def test_a_call_in_progress_finishes_on_the_version_it_started(branch, server, phones, tones, tmp_path):
    server.start()
    first = _call(server, phones)
    # Version 2: key 1 now plays the 1900 Hz prompt. The first caller is already in version 1.
    changed = tmp_path / "tones-v2.toml"
    changed.write_text(TONES_FLOW.replace('"1" = "one"', '"1" = "two"').replace('"2" = "two"', '"2" = "one"'))
    branch.cli("ivr", "apply", str(changed))
    time.sleep(1.0)  # the server sees the change within 0.3 s
    second = _call(server, phones, user="55509876")
    first.send("dtmf 1")
    second.send("dtmf 1")
    assert tone_seconds(_heard(first), 8000, ONE_HZ) >= 1.2, "the call in progress did not stay on version 1"
    assert tone_seconds(_heard(second), 8000, TWO_HZ) >= 1.2, "a new call did not start on version 2"
    records = {r["caller"]: r for r in branch.ended_calls(2)}
    assert (records["55501234"]["flow_version"], records["55509876"]["flow_version"]) == (1, 2)
