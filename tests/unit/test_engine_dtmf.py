"""Reading DTMF from SIP INFO bodies, and reporting each key press once."""

from __future__ import annotations

import pytest

from appliance.telephony.dtmf import DtmfDeduplicator, digit_from_info, normalise_digit


@pytest.mark.parametrize(
    ("content_type", "body", "digit"),
    [
        ("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n", "5"),
        ("application/dtmf-relay", "Signal= *\r\nDuration= 100\r\n", "*"),  # pjsua itself reads " "
        ("Application/DTMF-Relay; charset=x", "signal=#\nduration=250\n", "#"),
        ("application/dtmf-relay", "Duration=160\r\nSignal=a\r\n", "A"),
        ("application/dtmf-relay", "Signal=11\r\n", "#"),  # the RFC 4733 event code
        ("application/dtmf", "7", "7"),
        ("application/dtmf", " 0\r\n", "0"),
        ("application/dtmf", "10", "*"),
    ],
)
def test_the_digit_is_read_from_either_info_body(content_type, body, digit):
    assert digit_from_info(content_type, body) == digit


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/dtmf-relay", "Duration=160\r\n"),
        ("application/dtmf-relay", "Signal=x\r\n"),
        ("application/dtmf", ""),
        ("application/dtmf", "55"),
        ("text/plain", "5"),
        ("application/media_control+xml", "<media_control/>"),
        ("", "Signal=5"),
    ],
)
def test_an_info_without_a_valid_digit_gives_none(content_type, body):
    assert digit_from_info(content_type, body) is None


@pytest.mark.parametrize(
    ("value", "digit"), [("5", "5"), ("b", "B"), (" # ", "#"), ("15", "D"), ("16", None), ("", None)]
)
def test_digits_are_normalised(value, digit):
    assert normalise_digit(value) == digit


def test_repeated_presses_by_one_method_are_all_new():
    keys = DtmfDeduplicator()
    assert [keys.is_new_press("1", "rfc2833", t) for t in (0.0, 0.1, 0.2)] == [True, True, True]
    assert [keys.is_new_press("1", "info", t) for t in (5.0, 5.1)] == [True, True]


def test_a_press_sent_both_ways_is_reported_once():
    keys = DtmfDeduplicator()
    presses = [("1", "rfc2833", 0.0), ("1", "info", 0.03), ("2", "info", 0.4), ("2", "rfc2833", 0.42),
               ("2", "rfc2833", 0.7), ("2", "info", 0.71)]
    assert [keys.is_new_press(*p) for p in presses] == [True, False, True, False, True, False]


def test_the_same_digit_by_the_other_method_later_is_a_new_press():
    keys = DtmfDeduplicator()
    assert keys.is_new_press("5", "rfc2833", 0.0)
    assert keys.is_new_press("5", "info", 2.0)
    assert keys.is_new_press("6", "info", 2.1)
