"""The SIPp DTMF caller (tests/support/dtmf_caller.py), checked against a real test phone.

`branchline phone` (pjsua2) reports each RFC 2833 key it receives and records what it hears,
so these tests show that every key arrives, repeated and lower ones included, in order, and
that a Tone step arrives as audio.
"""

from __future__ import annotations

import struct

import pytest

from tests.support import dtmf_caller
from tests.support.audio import has_tone, read_wav
from tests.support.dtmf_caller import Press, Tone, dtmf_call, start_dtmf_call, write_media

LOOPBACK = "127.0.0.1"
RUN_TIMEOUT_S = 15
PHONE_EVENT_TIMEOUT_S = 5
TONE_HZ = 1300
RTP_AT = 14 + 20 + 8  # Ethernet, IPv4, UDP
PCAP_HEADER_LEN, PCAP_RECORD_LEN = 24, 16


def rtp_headers(pcap: bytes) -> list[tuple[int, int, int, int]]:
    """(payload type, sequence number, timestamp, SSRC) of each packet of a pcap."""
    headers, offset = [], PCAP_HEADER_LEN
    while offset < len(pcap):
        length = struct.unpack_from("<I", pcap, offset + 8)[0]
        frame = pcap[offset + PCAP_RECORD_LEN: offset + PCAP_RECORD_LEN + length]
        _first, marker_pt, seq, ts, ssrc = struct.unpack_from("!BBHII", frame, RTP_AT)
        headers.append((marker_pt & 0x7F, seq, ts, ssrc))
        offset += PCAP_RECORD_LEN + length
    return headers


def keys_heard(phone) -> list[tuple[str, str]]:
    phone.count("dtmf")  # collects what the phone has printed so far
    return [(event["digit"], event["method"]) for event in phone.seen if event["event"] == "dtmf"]


def test_the_pcaps_of_a_call_are_one_stream_that_only_goes_forward(tmp_path):
    steps = [Press("2", after_ms=100), Press("21", after_ms=0), Tone(TONE_HZ, ms=100, after_ms=50), Press("#", 10)]
    plays = write_media(tmp_path, steps)

    packets = [header for path, _ms in plays for header in rtp_headers(path.read_bytes())]
    assert len(packets) == 4 * 10 + 5  # 10 per key as shipped, 5 of 20 ms for the tone
    assert len({ssrc for *_, ssrc in packets}) == 1
    sequence_numbers = [seq for _pt, seq, _ts, _ssrc in packets]
    assert sequence_numbers == list(range(sequence_numbers[0], sequence_numbers[0] + len(packets)))
    timestamps = [ts for _pt, _seq, ts, _ssrc in packets]
    assert timestamps == sorted(timestamps)
    key_starts = [ts for pt, _seq, ts, _ssrc in packets if pt == 101]
    assert len(set(key_starts)) == 4  # each key its own event, the repeated 2 too
    assert {pt for pt, *_ in packets} == {0, 101}
    # A shipped key: packets over 140 ms, and the step lasts one packet time (20 ms) past the last one.
    assert [ms for _path, ms in plays] == [160, 160 + 100 + 160, 100, 160]


def test_a_key_sipp_has_no_capture_of_is_refused(tmp_path):
    with pytest.raises(ValueError, match="keys are 0-9"):
        write_media(tmp_path, [Press("1A", after_ms=0)])


def test_missing_captures_say_which_package_has_them(tmp_path, monkeypatch):
    monkeypatch.setattr(dtmf_caller, "PCAP_DIRS", (tmp_path,))
    with pytest.raises(FileNotFoundError, match="apt-get install sip-tester"):
        dtmf_caller.find_shipped_pcaps()


def test_keys_arrive_in_order_repeated_and_lower_ones_too(tmp_path, phones):
    phone = phones(user="desk")
    steps = [Press("1", after_ms=300), Press("2", after_ms=400), Press("2", after_ms=0),
             Press("9", after_ms=250), Press("*#", after_ms=100), Press("0", after_ms=600)]

    result = dtmf_call((LOOPBACK, phone.port), tmp_path / "caller", steps, end="caller_hangs_up",
                       hangup_after_ms=300, timeout_s=RUN_TIMEOUT_S)
    phone.wait_for("ended", PHONE_EVENT_TIMEOUT_S)

    assert result.succeeded, result.summary()
    assert result.status_codes[-1] == 200  # the answer to our BYE
    assert keys_heard(phone) == [(key, "rfc2833") for key in "1229*#0"]


def test_a_tone_step_arrives_as_audio(tmp_path, phones):
    phone = phones(user="desk")
    steps = [Tone(TONE_HZ, ms=1500, after_ms=200), Press("5", after_ms=200)]

    call = start_dtmf_call((LOOPBACK, phone.port), tmp_path / "caller", steps, caller="5550100",
                           end="caller_hangs_up", hangup_after_ms=300, timeout_s=RUN_TIMEOUT_S)
    assert phone.wait_for("incoming", PHONE_EVENT_TIMEOUT_S)["caller"] == "5550100"
    result = call.wait()
    ended = phone.wait_for("ended", PHONE_EVENT_TIMEOUT_S)

    assert result.succeeded, result.summary()
    samples, rate = read_wav(ended["recording"])
    assert has_tone(samples, rate, TONE_HZ, min_seconds=1.2)
    assert keys_heard(phone) == [("5", "rfc2833")]  # the stream goes on after the tone


def test_the_call_succeeds_when_the_server_hangs_up_after_the_steps(tmp_path, phones):
    phone = phones("--hangup-after", "2", user="desk")

    result = dtmf_call((LOOPBACK, phone.port), tmp_path / "caller", [Press("7", after_ms=200)],
                       timeout_s=RUN_TIMEOUT_S)

    assert result.succeeded, result.summary()
    assert keys_heard(phone) == [("7", "rfc2833")]


def test_a_server_that_hangs_up_before_the_steps_are_done_fails_the_call(tmp_path, phones):
    phone = phones("--hangup-after", "1", user="desk")

    result = dtmf_call((LOOPBACK, phone.port), tmp_path / "caller",
                       [Press("1", after_ms=200), Press("2", after_ms=3000)], timeout_s=RUN_TIMEOUT_S)

    assert not result.succeeded
    assert result.failure_reasons == {"FailedUnexpectedMessage": 1}
    assert "unexpected BYE" in result.summary()
