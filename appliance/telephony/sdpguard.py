"""A guard in front of pjsip's SDP parser: malformed SDP is refused before pjsip parses it.

NOTE: in pjsua2-python 2.10.post6, pjmedia_sdp_parse() aborts the whole process on a syntax
error (its error context is not volatile across the longjmp of PJ_TRY, so the assertion
`ctx.last_error != PJ_SUCCESS` fails). One INVITE from a trunk or a seat with a body like
"garbage" would end every call in the branch. This module registers a pjsip module, through
ctypes, that sees each message before the transaction layer and refuses the ones whose SDP
would not parse: requests get 400 (statelessly), responses are dropped.

The check itself (`sdp_problem`) is pure and strict: every line must have the shape pjsip's
parser expects for its type; an unusual but valid SDP may be refused, a crash may not happen.
"""

from __future__ import annotations

import ctypes
import logging
import re
from pathlib import Path

import pjsua2

from appliance.telephony.sipmsg import header_value, split_message

__all__ = ("SdpGuard", "message_problem", "sdp_problem")

log = logging.getLogger(__name__)

BAD_REQUEST = 400
UNSUPPORTED_MEDIA_TYPE = 415
# Before the transaction layer (16), after the transport layer (8): nothing has parsed the body yet.
MODULE_PRIORITY = 12
PJ_TRUE, PJ_FALSE = 1, 0
MAX_PACKET = 4000  # PJSIP_MAX_PKT_LEN of the 2.10 build

_TOKEN = r"[!#$%&'*+\-.^_`{|}~0-9A-Za-z]+"
_LINE_RULES = {
    "v": re.compile(r"\d+"),
    "o": re.compile(rf"\S+ \d+ \d+ {_TOKEN} {_TOKEN} \S+"),
    "s": re.compile(r".*"),
    "i": re.compile(r".*"),
    "u": re.compile(r".*"),
    "e": re.compile(r".*"),
    "p": re.compile(r".*"),
    "c": re.compile(rf"{_TOKEN} {_TOKEN} [^ \t]+"),
    "b": re.compile(rf"{_TOKEN}:\d+"),
    "t": re.compile(r"\d+ \d+"),
    "r": re.compile(r".*"),
    "z": re.compile(r".*"),
    "k": re.compile(r".*"),
    "a": re.compile(rf"{_TOKEN}(:[^\r\n]*)?"),
    "m": re.compile(rf"{_TOKEN} \d+(/\d+)? {_TOKEN}(/{_TOKEN})*( {_TOKEN})+"),
}


def sdp_problem(body: str) -> str | None:
    """Why pjsip could not parse this SDP, or None when every line is well formed."""
    lines = body.replace("\r\n", "\n").split("\n")
    while lines and lines[-1] == "":
        lines.pop()
    if not lines or not lines[0].startswith("v="):
        return "SDP must start with v="
    for number, line in enumerate(lines, 1):
        if len(line) < 2 or line[1] != "=" or line[0] not in _LINE_RULES:
            return f"SDP line {number} is not TYPE=VALUE with a known type"
        if not _LINE_RULES[line[0]].fullmatch(line[2:]):
            return f"SDP line {number} ({line[0]}=) is malformed"
    return None


def message_problem(packet: bytes) -> tuple[int, str] | None:
    """(status, reason) for a SIP message whose body must not reach pjsip, else None."""
    head, body = split_message(packet.decode("utf-8", errors="replace"))
    if not body.strip():
        return None
    content_type = header_value(head, "content-type", "c").partition(";")[0].strip().lower()
    if content_type.startswith("multipart/"):
        return UNSUPPORTED_MEDIA_TYPE, "multipart bodies are not accepted"
    if content_type != "application/sdp":
        return None  # pjsip does not parse other bodies as SDP
    problem = sdp_problem(body)
    return (BAD_REQUEST, problem) if problem else None


# ---- the pjsip module (ctypes) -----------------------------------------------------------------


class _PjStr(ctypes.Structure):
    _fields_ = [("ptr", ctypes.c_char_p), ("slen", ctypes.c_ssize_t)]


_RX_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p)
_OTHER = ctypes.c_void_p  # callbacks we leave empty


class _Module(ctypes.Structure):
    _fields_ = [
        ("prev", ctypes.c_void_p),
        ("next", ctypes.c_void_p),
        ("name", _PjStr),
        ("id", ctypes.c_int),
        ("priority", ctypes.c_int),
        ("load", _OTHER),
        ("start", _OTHER),
        ("stop", _OTHER),
        ("unload", _OTHER),
        ("on_rx_request", _RX_CALLBACK),
        ("on_rx_response", _RX_CALLBACK),
        ("on_tx_request", _OTHER),
        ("on_tx_response", _OTHER),
        ("on_tsx_state", _OTHER),
    ]


# pjsip_rx_data begins with tp_info {pool, transport, tp_data, pj_ioqueue_op_key_t} and then
# pkt_info {pj_time_val timestamp, char packet[PJSIP_MAX_PKT_LEN], ...}. The padding of the
# build is not documented; the first message tells which candidate offset holds its start line.
_PACKET_OFFSETS = (320, 312, 328, 336, 304)
_START_LINE = re.compile(rb"^(?:[A-Z]+ \S+ SIP/2\.0|SIP/2\.0 \d{3} )")


class SdpGuard:
    """Registered once per endpoint, on the engine thread, after libInit."""

    def __init__(self) -> None:
        # NOTE: PyDLL keeps the GIL during each call (see pjsip_c.py): with CDLL, pjsip calling
        # back into Python before a call returns kills the process.
        self._lib = ctypes.PyDLL(str(next(Path(pjsua2.__file__).parent.glob("_pjsua2*.so"))))
        self._lib.pjsua_get_pjsip_endpt.restype = ctypes.c_void_p
        self._lib.pjsip_endpt_register_module.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        self._lib.pjsip_endpt_respond_stateless.argtypes = [ctypes.c_void_p] * 2 + [ctypes.c_int] + [ctypes.c_void_p] * 3
        self._endpt = None
        self._name = ctypes.create_string_buffer(b"mod-branchline-sdp-guard")
        # Kept referenced for as long as pjsip may call them.
        self._on_request = _RX_CALLBACK(self._rx_request)
        self._on_response = _RX_CALLBACK(self._rx_response)
        self._module = _Module()
        self._module.name = _PjStr(ctypes.cast(self._name, ctypes.c_char_p), len(self._name.value))
        self._module.id = -1
        self._module.priority = MODULE_PRIORITY
        self._module.on_rx_request = self._on_request
        self._module.on_rx_response = self._on_response
        self.refused = 0
        self._offset: int | None = None

    def register(self) -> None:
        self._endpt = self._lib.pjsua_get_pjsip_endpt()
        status = self._lib.pjsip_endpt_register_module(self._endpt, ctypes.byref(self._module))
        if status != 0:
            raise RuntimeError(f"pjsip refused the SDP guard module (status {status})")

    def _packet(self, rdata: int) -> bytes:
        if self._offset is None:
            self._offset = next(
                (o for o in _PACKET_OFFSETS if _START_LINE.match(ctypes.string_at(rdata + o, 64))), None
            )
            if self._offset is None:
                raise RuntimeError("cannot find the packet in pjsip's rx data; the guard lets messages pass")
        raw = ctypes.string_at(rdata + self._offset, MAX_PACKET)
        return raw.split(b"\0", 1)[0]

    def _rx_request(self, rdata: int) -> int:
        try:
            problem = message_problem(self._packet(rdata))
            if problem is None:
                return PJ_FALSE
            status, reason = problem
            self.refused += 1
            log.warning("refused a SIP request: %s", reason)
            self._lib.pjsip_endpt_respond_stateless(self._endpt, rdata, status, None, None, None)
            return PJ_TRUE
        except Exception:  # never let an exception cross into pjsip
            log.exception("the SDP guard failed on a request")
            return PJ_FALSE

    def _rx_response(self, rdata: int) -> int:
        try:
            problem = message_problem(self._packet(rdata))
            if problem is None:
                return PJ_FALSE
            self.refused += 1
            log.warning("dropped a SIP response: %s", problem[1])
            return PJ_TRUE
        except Exception:
            log.exception("the SDP guard failed on a response")
            return PJ_FALSE
