"""The SDP guard's check: well-formed offers from real phones and carriers pass, broken ones do not."""

from __future__ import annotations

import pytest

from appliance.telephony.sdpguard import message_problem, sdp_problem

PJSUA_OFFER = (
    "v=0\r\no=- 3924872 3924873 IN IP4 127.0.0.1\r\ns=pjmedia\r\nb=AS:84\r\nt=0 0\r\na=X-nat:0\r\n"
    "m=audio 4000 RTP/AVP 0 8 101\r\nc=IN IP4 127.0.0.1\r\nb=TIAS:64000\r\na=rtcp:4001 IN IP4 127.0.0.1\r\n"
    "a=sendrecv\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"
    "a=ssrc:1102951410 cname:5ca9d1a27d5a4f63\r\n"
)
CARRIER_OFFER = (
    "v=0\no=CiscoSystemsSIP-GW-UserAgent 1234 5678 IN IP4 192.0.2.1\ns=SIP Call\nc=IN IP4 192.0.2.1\n"
    "t=0 0\nm=audio 17878 RTP/AVP 8 0 101\nc=IN IP4 192.0.2.1\na=rtpmap:8 PCMA/8000\na=ptime:20\n"
    "m=image 0 udptl t38\n"
)


@pytest.mark.parametrize("sdp", [PJSUA_OFFER, CARRIER_OFFER], ids=["pjsua", "carrier"])
def test_offers_from_real_endpoints_pass(sdp):
    assert sdp_problem(sdp) is None


@pytest.mark.parametrize(
    ("sdp", "problem"),
    [
        ("garbage", "SDP must start with v="),
        ("v=0\r\nXYZ\r\n", "SDP line 2 is not TYPE=VALUE"),
        ("v=0\r\no=- 1\r\n", "SDP line 2 (o=) is malformed"),
        ("v=0\r\nc=IN IP4\r\n", "SDP line 2 (c=) is malformed"),
        ("v=0\r\nm=audio port RTP/AVP 0\r\n", "SDP line 2 (m=) is malformed"),
        ("v=0\r\nt=now\r\n", "SDP line 2 (t=) is malformed"),
        ("v=0\r\ny=unknown\r\n", "SDP line 2 is not TYPE=VALUE with a known type"),
    ],
)
def test_broken_sdp_is_named(sdp, problem):
    assert sdp_problem(sdp).startswith(problem)


def _invite(content_type: str, body: str) -> bytes:
    return (
        f"INVITE sip:100@127.0.0.1 SIP/2.0\r\nCall-ID: 1\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n{body}"
    ).encode()


def test_messages_are_judged_by_their_sdp_body():
    assert message_problem(_invite("application/sdp", PJSUA_OFFER)) is None
    assert message_problem(_invite("application/sdp", "garbage")) == (400, "SDP must start with v=")
    assert message_problem(_invite("multipart/mixed;boundary=x", "--x\r\n")) == (415, "multipart bodies are not accepted")
    assert message_problem(_invite("text/plain", "garbage")) is None  # pjsip never parses it as SDP
    assert message_problem(b"BYE sip:a@b SIP/2.0\r\nCall-ID: 1\r\n\r\n") is None
    compact = b"INVITE sip:100@h SIP/2.0\r\nc: application/sdp\r\nl: 7\r\n\r\ngarbage"
    assert message_problem(compact) == (400, "SDP must start with v=")
