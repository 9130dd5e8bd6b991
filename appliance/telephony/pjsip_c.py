"""The few pjsip C calls that pjsua2 2.10 does not wrap, made through ctypes.

Like the SDP guard (sdpguard.py), these reach into the `_pjsua2` extension's own copy of pjsip.
Every function here is called on the thread that polls pjsua2 (the engine thread), from the
loop or from inside a pjsua2 callback, never from another thread.

NOTE: the one structure read here is pjsip_event (pjsip/sip_event.h), whose layout on this
64-bit build is: prev, next (2 pointers), type (int, padded to 8), then the union `body`; for
a transaction state event the union holds src (a pointer-sized union), tsx (pointer),
prev_state (int) and type (int). So event->type is at 16, body.tsx_state.src at 24 and
body.tsx_state.type at 44. Verified against the 2.10.post6 wheel (a response reads
type 5 = TSX_STATE, tsx_state.type 3 = RX_MSG, and pjsip_rx_data_get_info on src names it).

NOTE: the library is loaded with ctypes.PyDLL, which keeps the GIL during each call. A CDLL
call releases it, and pjsip may call back into Python through pjsua2 before it returns (a
response sent in a dialog changes the transaction's state, and pjsua2 reports that through
onCallTsxState); SWIG, built without thread support, does not take the GIL back, so that
callback ran while another Python thread held it: "Fatal Python error: PyThreadState_Get".
"""

from __future__ import annotations

import ctypes
import re
from functools import cache
from pathlib import Path

import pjsua2

__all__ = ("SEND_CALLBACK", "pointer_of", "read_outcome", "respond_in_dialog", "send_options")

PJ_SUCCESS = 0
NO_TIMEOUT = -1
# pjsip_event_id_e
_EVENT_TSX_STATE = 5
_EVENT_RX_MSG = 3
_EVENT_TRANSPORT_ERROR = 4
_EVENT_TYPE_AT = 16
_TSX_SRC_AT = 24
_TSX_EVENT_TYPE_AT = 44
_RESPONSE_INFO = re.compile(rb"^Response msg (\d{3})/")

SEND_CALLBACK = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)


class _PjStr(ctypes.Structure):
    _fields_ = [("ptr", ctypes.c_char_p), ("slen", ctypes.c_ssize_t)]


def _pj_str(text: str) -> _PjStr:
    data = text.encode()
    return _PjStr(data, len(data))


@cache
def _library() -> ctypes.CDLL:
    lib = ctypes.PyDLL(str(next(Path(pjsua2.__file__).parent.glob("_pjsua2*.so"))))
    void_p, c_int = ctypes.c_void_p, ctypes.c_int
    lib.pjsua_get_pjsip_endpt.restype = void_p
    lib.pjsip_get_options_method.restype = void_p
    lib.pjsip_endpt_create_request.argtypes = [void_p] * 7 + [c_int, void_p, void_p]
    lib.pjsip_endpt_send_request.argtypes = [void_p, void_p, ctypes.c_int32, void_p, SEND_CALLBACK]
    lib.pjsip_rx_data_get_info.restype = ctypes.c_char_p
    lib.pjsip_rx_data_get_info.argtypes = [void_p]
    lib.pjsip_get_status_text.restype = ctypes.POINTER(_PjStr)
    lib.pjsip_get_status_text.argtypes = [c_int]
    lib.pjsip_rdata_get_dlg.restype = void_p
    lib.pjsip_rdata_get_dlg.argtypes = [void_p]
    lib.pjsip_dlg_respond.argtypes = [void_p, void_p, c_int, void_p, void_p, void_p]
    return lib


def pointer_of(swig_void_pointer: object) -> int:
    """The address behind a pjsua2 `pj...` field (a SWIG void*), or 0."""
    return int(swig_void_pointer) if swig_void_pointer is not None else 0


def respond_in_dialog(rdata: int, status: int) -> int:
    """Answer an in-dialog request that pjsua leaves unanswered; pj_status_t of the attempt.

    Only for a request pjsua does not answer itself: a second final response on a transaction
    trips a pjlib assertion, which aborts the process.
    """
    lib = _library()
    dialog = lib.pjsip_rdata_get_dlg(rdata)
    if not dialog:
        return -1
    return lib.pjsip_dlg_respond(dialog, rdata, status, None, None, None)


def _status_text(status: int) -> str:
    text = _library().pjsip_get_status_text(status).contents
    return ctypes.string_at(text.ptr, text.slen).decode(errors="replace") if text.ptr else ""


def read_outcome(event: int) -> tuple[bool, int, str]:
    """(a response arrived, status, reason) from the event pjsip passes a send callback."""
    if ctypes.c_int.from_address(event + _EVENT_TYPE_AT).value != _EVENT_TSX_STATE:
        return False, 0, "unexpected pjsip event"
    kind = ctypes.c_int.from_address(event + _TSX_EVENT_TYPE_AT).value
    if kind == _EVENT_RX_MSG:
        rdata = ctypes.c_void_p.from_address(event + _TSX_SRC_AT).value
        match = _RESPONSE_INFO.match(_library().pjsip_rx_data_get_info(rdata) or b"")
        status = int(match.group(1)) if match else 0
        return True, status, _status_text(status)
    if kind == _EVENT_TRANSPORT_ERROR:
        return False, 503, "transport error"
    return False, 408, "no response"


def send_options(target: str, to: str, sender: str, token: int, callback: object) -> int:
    """Send OPTIONS statefully through pjsua's own SIP endpoint (its UDP socket and port).

    `callback(token, event)` runs once, on the polling thread, when the transaction ends: with
    a final response, on a transport error, after Timer F (32 s) without an answer, or when
    pjsua shuts down (read it with `read_outcome`); it may run before this function returns.
    Returns the pj_status_t of creating and sending.
    """
    lib = _library()
    endpoint = lib.pjsua_get_pjsip_endpt()
    tdata = ctypes.c_void_p()
    target_s, from_s, to_s = _pj_str(target), _pj_str(sender), _pj_str(to)
    status = lib.pjsip_endpt_create_request(
        endpoint, lib.pjsip_get_options_method(), ctypes.byref(target_s), ctypes.byref(from_s), ctypes.byref(to_s),
        None, None, -1, None, ctypes.byref(tdata),
    )
    if status != PJ_SUCCESS:
        return status
    # pjsip releases tdata itself, whether sending succeeds or not.
    # NOTE: pjsip 2.10 ignores the timeout argument (a PJ_TODO in stateful_util.c); pass "none".
    return lib.pjsip_endpt_send_request(endpoint, tdata, NO_TIMEOUT, token, callback)
