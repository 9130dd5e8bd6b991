"""Each IVR node kind walked by a SIPp caller pressing keys with SIPp's RFC 2833 captures.

The flow's prompts are short tones (names t-*) so the calls go quickly; what happened is read
back from the call's stored path (`branchline ivr path`), its record and the event log.
"""

from __future__ import annotations

import json
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.support.audio import has_tone, read_wav, tone_samples, write_wav
from tests.support.branch import seat_agent, wait_until
from tests.support.dtmf_caller import Press, Tone, dtmf_call, start_dtmf_call

GOOD_CARD = "4000001234567899"  # passes the Luhn check
BAD_CARD = "4000001234567890"
EVERY_DAY = ", ".join(f'{day} = "00:00-24:00"' for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))

FLOW = """\
name = "walk"
start = "hours"
languages = ["en"]

[nodes.hours]
kind = "hours"
open = { EVERY_DAY }
holidays = HOLIDAYS
next = "main"
on_closed = "closed"

[nodes.closed]
kind = "hangup"
prompt = "t-closed"

[nodes.main]
kind = "menu"
prompt = "t-menu"
choices = { "1" = "cards", "2" = "card-number", "3" = "message", "4" = "call-me", "0" = "who", "9" = "outside" }
timeout = 2
retries = 1
invalid_prompt = "t-err"
timeout_prompt = "t-err"
on_invalid = "general"
on_timeout = "bye"

[nodes.cards]
kind = "queue"
queue = "cards"

[nodes.general]
kind = "queue"
queue = "general"

[nodes.card-number]
kind = "collect"
prompt = "t-enter"
variable = "card"
min_digits = 16
max_digits = 16
validate = "luhn"
timeout = 4
digit_timeout = 3
retries = 1
invalid_prompt = "t-err"
timeout_prompt = "t-err"
next = "balance"
on_invalid = "bye"
on_timeout = "bye"

[nodes.balance]
kind = "http"
url = "BANK_URL"
body = { card = "{card}", caller = "{caller}" }
save = { balance = "account.balance" }
timeout = 2
next = "say-balance"
on_failure = "no-balance"

[nodes.say-balance]
kind = "say"
value = "{balance}"
as = "amount"
before = "t-balance"
next = "bye"

[nodes.no-balance]
kind = "hangup"
prompt = "t-sorry"

[nodes.who]
kind = "lookup"
next = "served"
on_missing = "served"

[nodes.served]
kind = "queue"
queue = "general"
after = "survey"

[nodes.survey]
kind = "survey"
prompt = "t-survey"
thanks = "t-bye"
invalid_prompt = "t-err"
timeout = 8

[nodes.message]
kind = "voicemail"
queue = "general"
prompt = "t-beep"
done_prompt = "t-bye"
max_seconds = 20

[nodes.call-me]
kind = "callback"
queue = "general"
confirm_prompt = "t-cb"
confirm_choices_prompt = "t-cb"
enter_prompt = "t-cb"
done_prompt = "t-bye"
on_timeout = "bye"

[nodes.outside]
kind = "transfer"
number = "55507777"
timeout = 10
on_failure = "bye"

[nodes.bye]
kind = "hangup"
prompt = "t-bye"
"""

# Prompt name -> (Hz, seconds). Each distinct, so a recording shows which one played.
TONES = {"t-menu": (1700, 0.5), "t-err": (1750, 0.3), "t-enter": (1800, 0.5), "t-balance": (1850, 0.3),
         "t-sorry": (1950, 0.3), "t-survey": (2000, 0.5), "t-beep": (1000, 0.3), "t-cb": (2050, 0.3),
         "t-bye": (2150, 0.3), "t-closed": (2250, 0.3)}


class _Bank(BaseHTTPRequestHandler):
    """The core-banking service the http node asks: a real local HTTP server."""

    requests: list[dict] = []
    status = 200

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append(body)
        answer = {"account": {"balance": "1234.50"}} if body.get("card") == GOOD_CARD else {"error": "unknown card"}
        status = type(self).status if body.get("card") == GOOD_CARD else 404
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def bank():
    _Bank.requests, _Bank.status = [], 200
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Bank)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield _Bank, f"http://127.0.0.1:{httpd.server_address[1]}/balance"
    httpd.shutdown()


@pytest.fixture
def walk(branch, bank, tmp_path, phones):
    """Apply the flow on DID 200. Returns a function that re-applies it with a holiday list."""
    for name, (hz, seconds) in TONES.items():
        write_wav(branch.data / "prompts" / "en" / f"{name}.wav", tone_samples(hz, seconds))
    branch.cli("queue", "add", "cards", "--skill", "cards", "--max-wait", "30")
    outside = phones("--tone", "1300", user="55507777")
    branch.cli("trunk", "set", "local", "--outbound-proxy", f"sip:127.0.0.1:{outside.uri.rsplit(':', 1)[1]}")
    branch.cli("dialplan", "add", "local-numbers", "--pattern", "5XXXXXXX", "--trunk", "local")

    def apply(holidays: list[str]) -> None:
        text = (FLOW.replace("EVERY_DAY", EVERY_DAY).replace("HOLIDAYS", json.dumps(holidays))
                .replace("BANK_URL", bank[1]))
        (tmp_path / "walk.toml").write_text(text)
        branch.cli("ivr", "apply", str(tmp_path / "walk.toml"))

    apply([])
    branch.cli("did", "add", "200", "--flow", "walk")
    return apply


def _path(branch, call_id: str) -> list[tuple[str, str, str]]:
    steps = json.loads(branch.cli("ivr", "path", call_id, "--json").stdout)
    return [(s["node"], s["outcome"], s["digits"]) for s in steps]


def _one_call(branch) -> dict:
    [record] = branch.ended_calls(1, timeout=10)
    return record


def test_a_menu_choice_reaches_the_right_queue(branch, server, walk, tmp_path):
    server.start()
    result = dtmf_call(server, tmp_path / "sipp", [Press("1", after_ms=800)], did="200",
                       end="caller_hangs_up", hangup_after_ms=1500)
    assert result.succeeded, result.summary()
    record = _one_call(branch)
    assert (record["queue"], record["flow"]) == ("cards", "walk")
    assert _path(branch, record["id"])[:2] == [("hours", "open", ""), ("main", "choice", "1")]
    [queued] = branch.events("call_queued")
    assert queued["queue"] == "cards"


def test_a_wrong_key_replays_the_menu_and_silence_then_takes_the_timeout_path(branch, server, walk, tmp_path):
    server.start()
    result = dtmf_call(server, tmp_path / "sipp", [Press("7", after_ms=800)], did="200", timeout_s=20)
    assert result.succeeded, result.summary()
    record = _one_call(branch)
    assert _path(branch, record["id"]) == [
        ("hours", "open", ""), ("main", "invalid", "7"), ("main", "timeout", ""), ("bye", "ended", ""),
    ]
    assert (record["exit_reason"], record["queue"]) == ("ivr", None)
    [stats] = json.loads(branch.cli("ivr", "stats", "--json").stdout)
    assert (stats["flow"], stats["calls"], stats["contained"], stats["containment"]) == ("walk", 1, 1, 1.0)


def test_a_card_number_is_checked_then_the_bank_says_the_balance(branch, server, walk, bank, tmp_path):
    server.start()
    steps = [Press("2", after_ms=800), Press(BAD_CARD, after_ms=800), Press(GOOD_CARD, after_ms=600)]
    result = dtmf_call(server, tmp_path / "sipp", steps, did="200", timeout_s=40)
    assert result.succeeded, result.summary()
    record = _one_call(branch)
    path = _path(branch, record["id"])
    assert path[1:] == [
        ("main", "choice", "2"),
        ("card-number", "invalid", "************7890"),  # a card number is never stored in full
        ("card-number", "ok", "************7899"),
        ("balance", "ok", ""),
        ("say-balance", "said", ""),
        ("bye", "ended", ""),
    ]
    assert bank[0].requests == [{"card": GOOD_CARD, "caller": "55501234"}]


def test_when_the_bank_fails_the_http_node_takes_its_failure_path(branch, server, walk, bank, tmp_path):
    bank[0].status = 500
    server.start()
    steps = [Press("2", after_ms=800), Press(GOOD_CARD, after_ms=800)]
    result = dtmf_call(server, tmp_path / "sipp", steps, did="200", timeout_s=30)
    assert result.succeeded, result.summary()
    path = _path(branch, _one_call(branch)["id"])
    assert path[-2:] == [("balance", "failed", ""), ("no-balance", "ended", "")]
    [failed] = [s for s in json.loads(branch.cli("ivr", "path", _one_call(branch)["id"], "--json").stdout)
                if s["node"] == "balance"]
    assert failed["details"]["error"] == "status 500"


def test_on_a_holiday_the_hours_node_says_closed(branch, server, walk, tmp_path):
    walk([date.today().isoformat()])  # the server's local day, as the node reads it without a timezone
    server.start()
    result = dtmf_call(server, tmp_path / "sipp", [], did="200", timeout_s=15)
    assert result.succeeded, result.summary()
    assert _path(branch, _one_call(branch)["id"]) == [("hours", "closed", ""), ("closed", "ended", "")]


def test_after_the_agent_hangs_up_the_caller_rates_the_call(branch, server, walk, phones, tmp_path):
    server.start()
    seat_agent(branch, server, "ann", "desk-1", phones("--hangup-after", "1", user="desk1"))
    steps = [Press("0", after_ms=800), Press("4", after_ms=5000)]
    result = dtmf_call(server, tmp_path / "sipp", steps, did="200", timeout_s=30)
    assert result.succeeded, result.summary()
    record = _one_call(branch)
    assert record["agent_id"] == "ann"
    [scored] = branch.events("survey_scored")
    assert (scored["call_id"], scored["agent_id"], scored["details"]["score"]) == (record["id"], "ann", 4)
    assert _path(branch, record["id"])[-1] == ("survey", "score", "4")
    kinds = [e["kind"] for e in branch.events() if e["call_id"] == record["id"]]
    assert kinds.index("call_completed") < kinds.index("survey_scored") < kinds.index("call_ended")


def test_a_vip_found_by_caller_number_waits_with_the_tiers_priority(branch, server, walk, tmp_path):
    branch.cli("tier", "add", "vip", "--priority", "5")
    customers = tmp_path / "customers.csv"
    customers.write_text("ref,name,phones,tier,language,account_manager\nC1,Zhang Min,55501234,vip,en,Li Na\n")
    branch.cli("customer", "import", str(customers))
    server.start()
    result = dtmf_call(server, tmp_path / "sipp", [Press("0", after_ms=800)], did="200",
                       end="caller_hangs_up", hangup_after_ms=1500)
    assert result.succeeded, result.summary()
    record = _one_call(branch)
    assert (record["customer_ref"], record["priority"]) == ("C1", 5)
    [queued] = branch.events("call_queued")
    assert queued["details"]["priority"] == 5
    assert _path(branch, record["id"])[2][:2] == ("who", "found")


def test_a_voicemail_is_recorded_until_the_pound_key_and_lands_as_a_task(branch, server, walk, tmp_path):
    server.start()
    steps = [Press("3", after_ms=800), Tone(1300, 2000, after_ms=800), Press("#", after_ms=200)]
    result = dtmf_call(server, tmp_path / "sipp", steps, did="200", timeout_s=30)
    assert result.succeeded, result.summary()
    record = _one_call(branch)
    assert record["exit_reason"] == "voicemail"
    [left] = branch.events("voicemail_left")
    assert left["queue"] == "general" and 1.5 <= left["details"]["seconds"] <= 4
    wav = next((branch.data / "recordings" / "voicemail").rglob(f"{record['id']}.wav"))
    samples, rate = read_wav(wav)
    assert has_tone(samples, rate, 1300, 1.5), "the caller's message is not in the recording"
    [task] = json.loads(branch.cli("voicemail", "list", "--json").stdout)
    assert (task["caller"], task["queue"], task["path"]) == ("55501234", "general", str(wav))
    assert branch.cli("voicemail", "done", str(task["id"]), "--by", "ann").stdout == (
        f"Voicemail {task['id']} from 55501234 (general) is done.\n"
    )
    assert json.loads(branch.cli("voicemail", "list", "--json").stdout) == []
    again = branch.cli("voicemail", "done", str(task["id"]), check=False)
    assert (again.returncode, again.stderr) == (2, f"Error: voicemail {task['id']} is already done.\n")


def test_a_callback_is_booked_for_the_number_the_caller_confirms(branch, server, walk, tmp_path):
    server.start()
    # The number is read back digit by digit (shipped speech, a few seconds), then 1 confirms.
    steps = [Press("4", after_ms=800), Press("1", after_ms=6000)]
    result = dtmf_call(server, tmp_path / "sipp", steps, did="200", timeout_s=30)
    assert result.succeeded, result.summary()
    record = _one_call(branch)
    [requested] = branch.events("callback_requested")
    assert (requested["details"]["number"], requested["details"]["via"]) == ("55501234", "ivr")
    assert record["exit_reason"] == "callback"


def test_a_transfer_out_connects_the_caller_to_the_outside_number(branch, server, walk, tmp_path):
    server.start()
    sipp = start_dtmf_call(server, tmp_path / "sipp", [Press("9", after_ms=800)], did="200",
                           end="caller_hangs_up", hangup_after_ms=4000)
    wait_until(lambda: branch.events("ivr_transfer_answered"), 10, "the outside number to answer")
    result = sipp.wait(20)
    assert result.succeeded, result.summary()
    record = _one_call(branch)
    assert record["exit_reason"] == "transferred"
    [dialled] = branch.events("ivr_transfer_dialled")
    assert dialled["details"]["number"] == "55507777"
