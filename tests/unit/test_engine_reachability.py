"""When the engine pings each watched seat phone, and what it reports about them."""

from __future__ import annotations

from appliance.telephony.messages import PhoneReachability, WatchPhones
from appliance.telephony.reachability import PING_TIMEOUT_S, PhoneWatch

A, B = "sip:1001@192.0.2.21", "sip:1002@192.0.2.22"
SILENT = PhoneReachability(A, False, 408, f"no response within {PING_TIMEOUT_S:g} s")


def _watch(*uris: str, interval: float = 10.0, failures: int = 3, now: float = 0.0) -> PhoneWatch:
    watch = PhoneWatch()
    watch.watch(WatchPhones(uris, interval, failures), now)
    return watch


def _sent(watch: PhoneWatch, now: float) -> dict[str, int]:
    """uri -> ping id of every OPTIONS the watch wants sent at `now`."""
    return {ping.uri: ping.ping_id for ping in watch.due(now)}


def _answer(watch: PhoneWatch, ping_id: int, status: int = 200, reason: str = "OK"):
    return watch.outcome(ping_id, responded=True, status=status, reason=reason)


def test_every_new_phone_is_pinged_at_once_and_then_every_interval():
    watch = _watch(A, B)
    first = _sent(watch, 0.0)
    assert set(first) == {A, B}
    for ping_id in first.values():
        _answer(watch, ping_id)
    assert _sent(watch, 9.9) == {}
    assert set(_sent(watch, 10.0)) == {A, B}


def test_any_response_at_all_makes_a_phone_reachable_once():
    watch = _watch(A)
    assert _answer(watch, _sent(watch, 0.0)[A], 405, "Method Not Allowed") == PhoneReachability(
        A, True, 405, "Method Not Allowed"
    )
    assert _answer(watch, _sent(watch, 10.0)[A]) is None


def test_failures_silent_windows_in_a_row_make_it_unreachable_once():
    watch = _watch(A, failures=3)
    assert list(_sent(watch, 0.0)) == [A]
    events = watch.expired(PING_TIMEOUT_S)
    for now in (10.0, 20.0, 30.0, 40.0):
        assert _sent(watch, now) == {}  # pjsip still retransmits the first OPTIONS: listen to it
        events += watch.expired(now + PING_TIMEOUT_S)
    assert events == [SILENT]


def test_a_phone_that_comes_back_answers_the_retransmitted_ping():
    watch = _watch(A, failures=1)
    ping = _sent(watch, 0.0)[A]
    assert watch.expired(3.0) == [SILENT]
    _sent(watch, 10.0)
    assert _answer(watch, ping) == PhoneReachability(A, True, 200, "OK")
    assert watch.expired(13.0) == []  # the window was answered


def test_a_new_ping_follows_when_pjsip_gives_up_on_the_last():
    watch = _watch(A, failures=2)
    first = _sent(watch, 0.0)[A]
    watch.expired(3.0)
    assert watch.outcome(first, responded=False, status=408, reason="Request Timeout") is None  # outside a window
    assert list(_sent(watch, 10.0)) == [A]


def test_an_answer_between_silent_windows_starts_the_count_again():
    watch = _watch(A, failures=2)
    ping = _sent(watch, 0.0)[A]
    assert watch.expired(3.0) == []  # one silent window
    assert _sent(watch, 10.0) == {}  # listening to the retransmitted ping
    assert _answer(watch, ping) == PhoneReachability(A, True, 200, "OK")
    assert list(_sent(watch, 20.0)) == [A]
    assert watch.expired(23.0) == []
    _sent(watch, 30.0)
    assert [e.reachable for e in watch.expired(33.0)] == [False]


def test_a_transport_error_in_a_window_counts_as_no_response():
    watch = _watch(A, failures=1)
    ping = _sent(watch, 0.0)[A]
    assert watch.outcome(ping, responded=False, status=503, reason="transport error") == PhoneReachability(
        A, False, 503, "transport error"
    )
    assert watch.expired(3.0) == []  # the window is closed: not counted twice


def test_the_window_never_outlasts_the_interval():
    watch = _watch(A, interval=1.0, failures=1)
    _sent(watch, 0.0)
    assert watch.expired(0.99) == []
    assert [e.reachable for e in watch.expired(1.0)] == [False]


def test_a_new_set_keeps_known_phones_and_forgets_removed_ones():
    watch = _watch(A, B)
    pings = _sent(watch, 0.0)
    _answer(watch, pings[A])
    watch.watch(WatchPhones((A,), 10.0, 3), 1.0)
    assert _answer(watch, pings[B]) is None  # B is no longer watched
    assert _answer(watch, _sent(watch, 10.0)[A]) is None  # A is still known to be reachable
    watch.watch(WatchPhones((A, B), 10.0, 3), 11.0)
    assert set(_sent(watch, 11.0)) == {B}  # B starts again, unknown


def test_interval_zero_stops_watching():
    watch = _watch(A)
    ping = _sent(watch, 0.0)[A]
    watch.watch(WatchPhones((A,), 0, 3), 1.0)
    assert not watch.watching
    assert _sent(watch, 100.0) == {}
    assert _answer(watch, ping) is None
