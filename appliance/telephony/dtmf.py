"""DTMF from the far end of a leg: reading SIP INFO bodies, and reporting each key press once.

Pure: no pjsua2, no clock (the caller passes the time in).

NOTE: pjsua 2.10 reads `application/dtmf-relay` INFO itself (it answers 200 and calls
`onDtmfDigit` with the SIP INFO method) but takes the character right after "Signal=", so
"Signal= 5" arrives as " "; `application/dtmf` it does not read at all (the dialog answers
500). The engine therefore reads every INFO body itself, here, and ignores pjsua's SIP INFO
digits.
"""

from __future__ import annotations

from collections import deque
from typing import NamedTuple

from appliance.telephony.sipmsg import header_value, split_message

__all__ = ("DTMF_DIGITS", "DtmfDeduplicator", "InfoDigit", "digit_from_info", "normalise_digit", "read_info")

DTMF_DIGITS = frozenset("0123456789*#ABCD")
RELAY_CONTENT_TYPE = "application/dtmf-relay"
PLAIN_CONTENT_TYPE = "application/dtmf"
# Some devices send the RFC 4733 event code rather than the character (10 = *, 11 = #, 12-15 = A-D).
_EVENT_CODES = {str(code): char for code, char in enumerate("0123456789*#ABCD")}
# A phone set to send "RFC 2833 + SIP INFO" reports one key press both ways, a few tens of ms apart.
SAME_PRESS_WINDOW_S = 0.5


def normalise_digit(value: str) -> str | None:
    """The DTMF character for a digit as a far end writes it ('5', 'a', ' # ', '11'), else None."""
    text = value.strip().upper()
    if text in DTMF_DIGITS:
        return text
    return _EVENT_CODES.get(text)


def digit_from_info(content_type: str, body: str) -> str | None:
    """The digit an INFO request carries, or None when it carries none.

    application/dtmf-relay: lines of KEY=VALUE, the digit in Signal (keys are case-insensitive,
    spaces around them are allowed). application/dtmf: the body is the digit.
    """
    kind = content_type.partition(";")[0].strip().lower()
    if kind == RELAY_CONTENT_TYPE:
        for line in body.splitlines():
            key, sep, value = line.partition("=")
            if sep and key.strip().lower() == "signal":
                return normalise_digit(value)
        return None
    if kind == PLAIN_CONTENT_TYPE:
        return normalise_digit(body)
    return None


class InfoDigit(NamedTuple):
    digit: str | None
    answer: int | None  # the status the engine must answer with itself; None when pjsua answers


def read_info(message: str) -> InfoDigit:
    """What an incoming INFO request (its whole text) carries, and who answers it.

    NOTE: pjsua answers application/dtmf-relay itself; for application/dtmf the dialog would
    answer 500 after the application's callback, unless the application has answered first.
    """
    head, body = split_message(message)
    content_type = header_value(head, "content-type", "c")
    digit = digit_from_info(content_type, body)
    if content_type.partition(";")[0].strip().lower() == PLAIN_CONTENT_TYPE:
        return InfoDigit(digit, 200 if digit else 400)
    return InfoDigit(digit, None)


class DtmfDeduplicator:
    """Decides, for one leg, which reported digits are new key presses.

    A digit is a repeat of the same press when the *other* method reported the same digit in
    the last SAME_PRESS_WINDOW_S and that report has not been paired yet. Digits by one method
    are never merged with each other: each RFC 2833 event and each INFO transaction is one press
    (pjmedia already folds an event's repeated packets, the transaction layer INFO retransmits).
    """

    def __init__(self, window_s: float = SAME_PRESS_WINDOW_S) -> None:
        self._window_s = window_s
        self._unpaired: dict[str, deque[tuple[str, float]]] = {}

    def is_new_press(self, digit: str, method: str, now: float) -> bool:
        for other, reports in self._unpaired.items():
            while reports and now - reports[0][1] > self._window_s:
                reports.popleft()
            if other == method:
                continue
            for index, (seen, _) in enumerate(reports):
                if seen == digit:
                    del reports[index]
                    return False
        self._unpaired.setdefault(method, deque()).append((digit, now))
        return True
