"""Who may send SIP to the engine: the admission decision and the kernel filter, on real sockets."""

from __future__ import annotations

import socket

import pytest

from appliance.telephony import sipfilter
from appliance.telephony.admission import Admitted, Refused, admit, allowed_networks, dialled_number
from appliance.telephony.messages import SipPolicy

POLICY = SipPolicy(
    trunk_networks={"gw": ("192.0.2.0/24",), "lo": ("127.0.0.1/32",)},
    seat_hosts=("198.51.100.7",),
    dids=frozenset({"100"}),
)


def test_trunk_source_with_a_known_did_is_admitted_on_that_trunk():
    assert admit(POLICY, "192.0.2.44", "100", accepting=True) == Admitted("gw")


def test_seat_phone_may_call_a_did():
    assert admit(POLICY, "198.51.100.7", "100", accepting=True) == Admitted(None)


def test_unknown_source_gets_403_and_unknown_number_gets_404():
    assert admit(POLICY, "203.0.113.9", "100", accepting=True).status == 403
    assert admit(POLICY, "192.0.2.44", "999", accepting=True) == Refused(404, "number '999' is not a configured DID")


def test_a_stopping_server_answers_503():
    assert admit(POLICY, "192.0.2.44", "100", accepting=False).status == 503


def test_the_dialled_number_comes_from_the_request_uri_or_else_from_to():
    assert dialled_number(POLICY, "100", "100") == "100"  # a gateway: the DID in both
    assert dialled_number(POLICY, "0201234", "100") == "100"  # a carrier: our account, DID in To
    assert dialled_number(POLICY, "999", "") == "999"  # nothing better: refused later as unknown


def test_allowed_networks_cover_trunks_and_seat_hosts():
    assert allowed_networks(POLICY) == ["127.0.0.1/32", "192.0.2.0/24", "198.51.100.7/32"]


@pytest.fixture
def filtered_socket():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.2)
    yield sock
    sock.close()


def _send(source: str, payload: bytes, port: int) -> None:
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sender.bind((source, 0))
    sender.sendto(payload, ("127.0.0.1", port))
    sender.close()


def _received(sock: socket.socket) -> list[tuple[str, bytes]]:
    got = []
    try:
        while True:
            data, (host, _) = sock.recvfrom(2048)
            got.append((host, data))
    except TimeoutError:
        return got


def test_kernel_filter_drops_unknown_sources_and_keeps_allowed_ones(filtered_socket):
    port = filtered_socket.getsockname()[1]
    fd = sipfilter.find_udp_socket_fd(port)
    sipfilter.attach(fd, sipfilter.build_program(["127.0.0.1/32"]))
    _send("127.0.0.2", b"INVITE sip:100@x SIP/2.0\r\n", port)
    _send("127.0.0.1", b"INVITE sip:100@x SIP/2.0\r\n", port)
    assert _received(filtered_socket) == [("127.0.0.1", b"INVITE sip:100@x SIP/2.0\r\n")]


def test_shedding_filter_drops_new_invites_but_passes_responses_and_bye(filtered_socket):
    port = filtered_socket.getsockname()[1]
    fd = sipfilter.find_udp_socket_fd(port)
    sipfilter.attach(fd, sipfilter.build_program(["127.0.0.0/8"], drop_invites=True))
    for payload in (b"INVITE sip:1@x SIP/2.0", b"SIP/2.0 200 OK", b"BYE sip:1@x SIP/2.0", b"INVITES"):
        _send("127.0.0.9", payload, port)
    assert [data for _, data in _received(filtered_socket)] == [b"SIP/2.0 200 OK", b"BYE sip:1@x SIP/2.0", b"INVITES"]


def test_proc_net_udp_parsing_finds_the_socket_inode():
    text = (
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        "  12: 0100007F:13C4 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4242 2 0\n"
    )
    assert sipfilter.parse_proc_net_udp(text, 5060) == {4242}
    assert sipfilter.parse_proc_net_udp(text, 5061) == set()
