"""The telephony engine on its own: DTMF in, prompt playlists, OPTIONS pings, dialling out.

The engine runs in this process, built the way `appliance/server.py` builds it, and talks to
real SIP endpoints in other processes (`branchline phone`, SIPp). One engine serves the whole
module: pjsua allows one endpoint per process.
"""

from __future__ import annotations

import itertools
import queue
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from appliance.telephony.engine import Engine, EngineSettings
from appliance.telephony.messages import (
    Answer,
    CallArrived,
    Dial,
    DtmfReceived,
    Event,
    Hangup,
    LegAnswered,
    LegEnded,
    PhoneReachability,
    Play,
    PromptFinished,
    SipPolicy,
    TrunkRegistration,
    WatchPhones,
)
from tests.support.audio import read_wav, tone_samples, tone_starts_at, write_wav
from tests.support.branch import Phone, free_port, wait_until
from tests.support.sipp import start_sipp

pytestmark = pytest.mark.e2e

MOH_HZ = 400
PROMPT_HZ = (1000, 1500, 2000)  # three files, heard in this order
PROMPT_FILE_S = 1.0
CARRIER_ACCOUNT = "0201234"
CARRIER_PASSWORD = "s3cret"


class EngineUnderTest:
    """The engine and every event it has emitted, in order."""

    def __init__(self, settings: EngineSettings) -> None:
        self.inbox: queue.SimpleQueue[Event] = queue.SimpleQueue()
        self.engine = Engine(settings, self.inbox.put)  # as server.py builds it, minus the asyncio hop
        self.seen: list[Event] = []
        self._ids = itertools.count(1)

    def send(self, command) -> None:
        self.engine.send(command)

    def new_leg_id(self, what: str) -> str:
        return f"{what}-{next(self._ids)}"

    def events(self, kind: type | None = None, **fields) -> list[Event]:
        while True:
            try:
                self.seen.append(self.inbox.get_nowait())
            except queue.Empty:
                break
        return [
            e for e in self.seen
            if (kind is None or isinstance(e, kind)) and all(getattr(e, k) == v for k, v in fields.items())
        ]

    def wait_for(self, kind: type, timeout: float = 10, **fields) -> Event:
        return wait_until(lambda: self.events(kind, **fields), timeout, f"{kind.__name__} {fields}")[0]

    def dial_answered(self, phone: Phone, what: str, **dial) -> str:
        leg_id = self.new_leg_id(what)
        self.send(Dial(leg_id, phone.uri, "13800000000", **dial))
        self.wait_for(LegAnswered, leg_id=leg_id)
        phone.wait_for("answered", 5)
        return leg_id


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Iterator[EngineUnderTest]:
    root = tmp_path_factory.mktemp("engine")
    moh = root / "moh.wav"
    write_wav(moh, tone_samples(MOH_HZ, 2.0))
    settings = EngineSettings(bind="127.0.0.1", sip_port=free_port(), moh_path=str(moh), capacity=8)
    under_test = EngineUnderTest(settings)
    under_test.engine.start()
    under_test.send(SipPolicy(trunk_networks={}, seat_hosts=("127.0.0.1",), dids=frozenset({"100"})))
    yield under_test
    under_test.engine.stop()


@pytest.fixture
def phones(tmp_path):
    started: list[Phone] = []

    def start(*args: str, user: str = "desk", port: int | None = None) -> Phone:
        phone = Phone(tmp_path, "--answer-delay", "0", *args, user=user, port=port)
        started.append(phone)
        return phone

    yield start
    for phone in started:
        phone.close()


# ---- DTMF -------------------------------------------------------------------------------------------


def _inbound_answered(engine: EngineUnderTest, phones) -> tuple[Phone, str]:
    """A caller who dialled DID 100, answered by the engine."""
    phone = phones("--call", f"sip:100@127.0.0.1:{engine.engine.settings.sip_port}", user="13800000000")
    arrived = engine.wait_for(CallArrived, caller="13800000000", timeout=10)
    engine.send(Answer(arrived.leg_id))
    phone.wait_for("answered", 5)
    return phone, arrived.leg_id


@pytest.mark.parametrize("direction", ["inbound", "dialled"])
def test_digits_by_rfc2833_and_by_sip_info_each_reach_the_core_once(engine, phones, direction):
    if direction == "inbound":
        phone, leg_id = _inbound_answered(engine, phones)
    else:
        phone = phones()
        leg_id = engine.dial_answered(phone, "dtmf")

    phone.send("dtmf 5")
    engine.wait_for(DtmfReceived, leg_id=leg_id, digit="5")
    phone.send("dtmf-info 7")  # application/dtmf-relay, which pjsua answers itself
    engine.wait_for(DtmfReceived, leg_id=leg_id, digit="7")
    assert phone.wait_for("info-answered", 5)["status"] == 200
    phone.send("dtmf-info 9 plain")  # application/dtmf, which the engine must answer
    engine.wait_for(DtmfReceived, leg_id=leg_id, digit="9")
    assert phone.wait_for("info-answered", 5)["status"] == 200
    # Last, one digit each way: a digit reported twice would have come before these.
    phone.send("dtmf #")
    engine.wait_for(DtmfReceived, leg_id=leg_id, digit="#")
    phone.send("dtmf-info *")
    engine.wait_for(DtmfReceived, leg_id=leg_id, digit="*")

    assert [e.digit for e in engine.events(DtmfReceived, leg_id=leg_id)] == ["5", "7", "9", "#", "*"]
    engine.send(Hangup(leg_id))
    engine.wait_for(LegEnded, leg_id=leg_id)


def test_the_test_phone_reports_digits_it_receives_by_either_method(phones):
    callee = phones(user="callee")
    caller = phones("--call", callee.uri, user="caller")
    callee.wait_for("answered", 10)
    caller.wait_for("answered", 5)
    caller.send("dtmf 3")
    assert (callee.wait_for("dtmf", 5)["digit"], callee.seen[-1]["method"]) == ("3", "rfc2833")
    caller.send("dtmf-info 4")
    assert (callee.wait_for("dtmf", 5)["digit"], callee.seen[-1]["method"]) == ("4", "info")
    caller.send("hangup")
    callee.wait_for("ended", 5)


# ---- prompts ----------------------------------------------------------------------------------------


def test_a_playlist_is_heard_file_after_file_and_finishes_once(engine, phones, tmp_path):
    paths = []
    for index, hz in enumerate(PROMPT_HZ):
        # The last file is 16 kHz: pjsua plays it from a second player, after the 8 kHz pair.
        rate = 16000 if index == len(PROMPT_HZ) - 1 else 8000
        path = tmp_path / f"part-{hz}.wav"
        write_wav(path, tone_samples(hz, PROMPT_FILE_S, rate=rate), rate=rate)
        paths.append(str(path))
    phone = phones()
    leg_id = engine.dial_answered(phone, "playlist")

    engine.send(Play(leg_id, "announcement", tuple(paths)))
    engine.wait_for(PromptFinished, leg_id=leg_id, timeout=15)
    # The far end hears the end a moment after the engine has played it (jitter buffers): read
    # the recording while the call is still up until every tone is there.
    starts = wait_until(lambda: _tone_starts(phone) if None not in _tone_starts(phone) else None, 5,
                        "every tone of the playlist in the phone's recording")
    engine.send(Hangup(leg_id))
    engine.wait_for(LegEnded, leg_id=leg_id)

    assert starts == sorted(starts), f"tones heard out of order: {dict(zip(PROMPT_HZ, starts))}"
    assert engine.events(PromptFinished, leg_id=leg_id) == [PromptFinished(leg_id, "announcement")]


def _tone_starts(phone: Phone) -> list[float | None]:
    """When each prompt tone starts in what the phone has recorded so far."""
    [recording] = phone.record_dir.glob("*.wav")
    samples, rate = read_wav(recording)
    return [tone_starts_at(samples, rate, hz, min_seconds=0.7) for hz in PROMPT_HZ]


def test_a_prompt_that_cannot_be_played_finishes_at_once(engine, phones, tmp_path):
    phone = phones()
    leg_id = engine.dial_answered(phone, "missing")
    engine.send(Play(leg_id, "nothing-there", (str(tmp_path / "missing.wav"),)))
    engine.wait_for(PromptFinished, leg_id=leg_id)
    engine.send(Play(leg_id, "empty", ()))
    engine.wait_for(PromptFinished, leg_id=leg_id, prompt="empty")
    engine.send(Hangup(leg_id))
    engine.wait_for(LegEnded, leg_id=leg_id)


# ---- OPTIONS ----------------------------------------------------------------------------------------


def test_a_running_phone_is_reachable_and_a_killed_one_becomes_unreachable(engine, phones):
    phone = phones()
    by_name = f"sip:{phone.user}@localhost:{phone.port}"  # resolved off the engine thread
    nobody = f"sip:nobody@127.0.0.1:{free_port()}"
    engine.send(WatchPhones((phone.uri, by_name, nobody), interval=0.5, failures=2))

    up = engine.wait_for(PhoneReachability, uri=phone.uri)
    assert (up.reachable, up.status, up.reason) == (True, 200, "OK")
    assert engine.wait_for(PhoneReachability, uri=by_name).reachable
    down = engine.wait_for(PhoneReachability, uri=nobody)
    assert (down.reachable, down.status) == (False, 408)

    phone.proc.send_signal(signal.SIGKILL)
    phone.proc.wait(5)
    # interval x failures + one ping timeout, with room for a busy machine
    engine.wait_for(PhoneReachability, uri=phone.uri, reachable=False, timeout=10)

    phones(port=phone.port)  # the phone comes back on the same address
    wait_until(lambda: len(engine.events(PhoneReachability, uri=phone.uri)) == 3, 10, "the phone to be back")
    assert [e.reachable for e in engine.events(PhoneReachability, uri=phone.uri)] == [True, False, True]
    engine.send(WatchPhones((), interval=0, failures=2))


# ---- dialling out -----------------------------------------------------------------------------------


def test_dial_without_a_trunk_calls_from_the_engine_account(engine, phones):
    phone = phones()
    leg_id = engine.new_leg_id("plain")
    engine.send(Dial(leg_id, phone.uri, "13800000000", trunk=None))
    incoming = phone.wait_for("incoming", 10)
    assert incoming["caller"] == "13800000000"
    assert incoming["source"].endswith(f":{engine.engine.settings.sip_port}")
    engine.wait_for(LegAnswered, leg_id=leg_id)
    engine.send(Hangup(leg_id))
    engine.wait_for(LegEnded, leg_id=leg_id)


CARRIER_UAS = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<!-- A carrier that takes a call only with its digest credentials: INVITE -> 401, ACK,
     INVITE with Authorization (verified) -> 200 with SDP, ACK, BYE -> 200. (SIPp's verifyauth
     reads Authorization only, so the challenge is a 401 rather than a proxy's 407.) -->
<scenario name="carrier that authenticates calls">
  <Global variables="user,password" />
  <recv request="INVITE" />
  <send>
    <![CDATA[
      SIP/2.0 401 Unauthorized
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag00[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      WWW-Authenticate: Digest realm="carrier.test", nonce="[pid][call_number]call", algorithm=MD5
      Content-Length: 0
    ]]>
  </send>
  <recv request="ACK" />
  <recv request="INVITE" check_it="true">
    <action>
      <verifyauth assign_to="valid" username="[$user]" password="[$password]" />
    </action>
  </recv>
  <nop test="valid" next="answer" />
  <send>
    <![CDATA[
      SIP/2.0 403 Forbidden
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0
    ]]>
  </send>
  <recv request="ACK" next="end" />
  <label id="answer" />
  <send retrans="500">
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:[local_ip]:[local_port];transport=[transport]>
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=- [pid][call_number] 1 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 0
      a=rtpmap:0 PCMU/8000
    ]]>
  </send>
  <recv request="ACK" />
  <recv request="BYE" />
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0
    ]]>
  </send>
  <label id="end" />
  <timewait milliseconds="500" />
</scenario>
"""


def test_dial_through_a_carrier_trunk_answers_its_challenge_with_the_trunk_credentials(engine, tmp_path: Path):
    registrar_port, carrier_port = free_port(), free_port()
    scenario = tmp_path / "carrier_uas_auth.xml"
    scenario.write_text(CARRIER_UAS)
    credentials = {"user": CARRIER_ACCOUNT, "password": CARRIER_PASSWORD}
    registrar = start_sipp("registrar.xml", None, None, local_port=registrar_port, variables=credentials,
                           timeout_s=30, log_dir=tmp_path / "registrar")
    carrier = start_sipp(scenario, None, None, local_port=carrier_port, variables=credentials,
                         timeout_s=30, log_dir=tmp_path / "carrier")
    try:
        account_uri = f"sip:{CARRIER_ACCOUNT}@127.0.0.1:{registrar_port}"
        registration = TrunkRegistration("carrier", account_uri, CARRIER_PASSWORD)
        engine.send(SipPolicy(trunk_networks={"carrier": ("127.0.0.1/32",)}, seat_hosts=("127.0.0.1",),
                              dids=frozenset({"100"}), registrations=(registration,)))
        registered = lambda: engine.engine.registration_states.get("carrier", {}).get("registered")  # noqa: E731
        wait_until(registered, 15, "the carrier registration")

        leg_id = engine.new_leg_id("carrier")
        engine.send(Dial(leg_id, f"sip:02087654321@127.0.0.1:{carrier_port}", "13800000000", trunk="carrier"))
        engine.wait_for(LegAnswered, leg_id=leg_id, timeout=15)
        engine.send(Hangup(leg_id))
        engine.wait_for(LegEnded, leg_id=leg_id)
        result = carrier.wait()
        assert result.succeeded, result.summary()
    finally:
        engine.send(SipPolicy(trunk_networks={}, seat_hosts=("127.0.0.1",), dids=frozenset({"100"})))
        carrier.kill()
        registrar.kill()
