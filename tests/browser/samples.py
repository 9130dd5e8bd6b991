"""Sample Desktop / Me / My day objects shaped like the API's, for rendering the page without a server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


PAUSE_CODES = {
    "en": [
        ("break", "Break"),
        ("lunch", "Lunch"),
        ("training", "Training"),
        ("huddle", "Huddle"),
        ("admin", "Back office"),
    ],
    "zh": [("break", "小休"), ("lunch", "午餐"), ("training", "培训"), ("huddle", "班前会"), ("admin", "后台工作")],
}
DISPOSITIONS = {
    "en": [
        ("balance", "Balance enquiry"),
        ("card_lost", "Card lost or stolen"),
        ("complaint", "Complaint"),
        ("other", "Other"),
    ],
    "zh": [("balance", "余额查询"), ("card_lost", "挂失"), ("complaint", "投诉"), ("other", "其他")],
}


def desktop(
    *,
    lang: str = "en",
    status: str = "ringing",
    call_state: str | None = "ringing",
    call_id: str = "c-1001",
    with_wrapup: bool = True,
    now: datetime | None = None,
    customer_name: str = "Wang Xiaoming",
    waiting: int = 3,
) -> dict:
    """A busy agent's Desktop: a call in call_state (None: no call), the previous call in wrap-up,
    callbacks, notices and three queues."""
    now = now or datetime.now(UTC)
    call = None
    if call_state is not None:
        call = {
            "call_id": call_id,
            "state": call_state,
            "caller": "+86 138 0013 8000",
            "queue": "cards",
            "waited_s": 47,
            "offered_at": iso(now - timedelta(seconds=6)),
            "answered_at": None if call_state == "ringing" else iso(now - timedelta(seconds=95)),
            "held_since": iso(now - timedelta(seconds=12)) if call_state == "held" else None,
            "customer": {"ref": "C-000418", "name": customer_name, "tier": "vip", "language": "zh"},
            "ivr": {
                "flow": "bank",
                "path": [
                    {"node": "welcome", "kind": "play", "input": None},
                    {"node": "language", "kind": "menu", "input": "2"},
                    {"node": "identify", "kind": "collect", "input": "6222•••••4418"},
                    {"node": "main-menu", "kind": "menu", "input": "3"},
                    {"node": "cards", "kind": "menu", "input": "1"},
                    {"node": "to-cards-queue", "kind": "queue", "input": None},
                ],
                "digits": "2#31",
            },
            "history": [
                {
                    "call_id": "c-0950",
                    "at": iso(now - timedelta(days=2, hours=3)),
                    "agent": "Bob Wu",
                    "queue": "cards",
                    "disposition": DISPOSITIONS[lang][1][1],
                    "notes": "Card blocked at the customer's request; new card ordered to the branch.",
                    "fcr": True,
                },
                {
                    "call_id": "c-0712",
                    "at": iso(now - timedelta(days=19, hours=1)),
                    "agent": "Ann Lee",
                    "queue": "general",
                    "disposition": DISPOSITIONS[lang][0][1],
                    "notes": None,
                    "fcr": False,
                },
                {
                    "call_id": "c-0533",
                    "at": iso(now - timedelta(days=41)),
                    "agent": None,
                    "queue": "general",
                    "disposition": None,
                    "notes": "Abandoned in the queue after 2 minutes. Customer asked for a callback in the menu; "
                    "called back the same afternoon and explained the transfer limits on the mobile app.",
                    "fcr": None,
                },
            ],
        }
    wrapup = None
    if with_wrapup:
        wrapup = {
            "call_id": "c-0999",
            "caller": "+86 21 5555 0142",
            "customer": {"ref": "C-000377", "name": "Chen Jing", "tier": "standard", "language": "en"},
            "until": iso(now + timedelta(seconds=42)),
            "dispositions": [{"code": code, "label": label} for code, label in DISPOSITIONS[lang]],
        }
    since = {"ringing": 6, "on_call": 95, "wrapup": 18, "ready": 75, "paused": 320, "logged_out": 0}[status]
    return {
        "server_time": iso(now),
        "agent": {
            "agent_id": "ann",
            "name": "Ann Lee",
            "status": status,
            "reason": "lunch" if status == "paused" else None,
            "seat": "S-04",
            "since": iso(now - timedelta(seconds=since)),
            "phone_ok": True,
            "wrapup_until": wrapup["until"] if wrapup and status == "wrapup" else None,
            "shown_status": status,
        },
        "call": call,
        "wrapup": wrapup,
        "pause_codes": [{"code": code, "label": label} for code, label in PAUSE_CODES[lang]],
        "queues": [
            {"name": "cards", "waiting": waiting, "longest_wait_s": 74, "ready_agents": 1},
            {"name": "general", "waiting": 1, "longest_wait_s": 12, "ready_agents": 2},
            {"name": "vip", "waiting": 0, "longest_wait_s": 0, "ready_agents": 1},
        ],
        "transfer_targets": {
            "queues": ["cards", "general", "loans", "vip"],
            "agents": [
                {"agent_id": "ann", "name": "Ann Lee", "status": status},
                {"agent_id": "bob", "name": "Bob Wu", "status": "ready"},
                {"agent_id": "cai", "name": "Cai Min", "status": "paused"},
                {"agent_id": "dan", "name": "Dan Zhou", "status": "logged_out"},
            ],
        },
        "callbacks": [
            {
                "id": "cb-17",
                "number": "+86 139 1234 5678",
                "customer_name": "Liu Yang",
                "queue": "loans",
                "due_at": iso(now - timedelta(minutes=5)),
                "source": "ivr",
                "status": "pending",
                "attempts": 1,
                "notes": None,
            },
            {
                "id": "cb-18",
                "number": "+86 21 6000 1234",
                "customer_name": None,
                "queue": "general",
                "due_at": iso(now + timedelta(minutes=40)),
                "source": "queue",
                "status": "pending",
                "attempts": 0,
                "notes": None,
            },
            {
                "id": "cb-19",
                "number": "+86 137 0000 2222",
                "customer_name": "Zhao Lei",
                "queue": "cards",
                "due_at": None,
                "source": "agent",
                "status": "scheduled",
                "attempts": 0,
                "notes": "Wants to hear when the replacement card has arrived.",
            },
        ],
        "notices": [
            {
                "id": 5,
                "text": "System maintenance tonight 22:00–23:00: card services unavailable. Offer a callback.",
                "author": "Grace Lin (TL)",
                "at": iso(now - timedelta(minutes=50)),
                "acknowledged": False,
            },
            {
                "id": 4,
                "text": "Huddle at 08:45 tomorrow, hosted by Bob.",
                "author": "Grace Lin (TL)",
                "at": iso(now - timedelta(hours=20)),
                "acknowledged": True,
            },
        ],
    }


def myday() -> dict:
    return {
        "calls_handled": 23,
        "calls_per_hour": 6.4,
        "average_handle_s": 274,
        "fcr_rate": 0.83,
        "satisfaction": 4.6,
        "utilisation": 0.78,
        "signed_in_s": 3 * 3600 + 35 * 60,
        "state_seconds": {"ready": 2100, "on_call": 6300, "wrapup": 1500, "paused": 2700, "ringing": 300},
    }


def me(*, lang: str = "en", seats_taken: dict[str, str | None] | None = None) -> dict:
    seats = seats_taken if seats_taken is not None else {"S-01": "bob", "S-02": None, "S-03": None, "S-04": None}
    return {
        "username": "ann",
        "role": "agent",
        "agent_id": "ann",
        "team": "Team 1",
        "language": lang,
        "csrf_token": "csrf-123",
        "seats": [{"name": name, "taken_by": taken} for name, taken in seats.items()],
        "bound_seat": "S-04",
    }
