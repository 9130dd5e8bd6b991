"""A stand-in for the bank's core system, for the demo flow's `http` node to ask a card's balance.

    POST /balance {"card": "4000012345678905"}
    200 {"balance": "128650.00", "currency": "CNY", "name": "王伟"}
    404 {"error": "unknown card"}          (any card not in accounts.csv)
    400 {"error": "..."}                   (a body that is not JSON like {"card": "..."})

`GET /healthz` answers {"status": "ok"} once it listens. `branchline demo-bank` serves it with
Granian; the accounts come from `accounts.csv` beside this file (Luhn-valid test card numbers).
"""

from __future__ import annotations

import asyncio
import csv
import logging
import re
import signal
import socket
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path

import msgspec
from litestar import Litestar, Request, Response, get, post

from appliance.ports import bind_error

__all__ = ("ACCOUNTS_FILE", "Account", "create_core_banking_app", "load_accounts", "luhn_valid", "serve_core_banking")

ACCOUNTS_FILE = Path(__file__).with_name("accounts.csv")
_SPACING = re.compile(r"[\s-]")
_ACCOUNT_COLUMNS = "card,customer_ref,name,balance,currency"


class Account(msgspec.Struct, frozen=True):
    card: str
    name: str
    balance: str  # two decimals as text, as core systems send amounts: never a float
    currency: str = "CNY"
    customer_ref: str | None = None


class BalanceRequest(msgspec.Struct, frozen=True):
    card: str


class BalanceAnswer(msgspec.Struct, frozen=True):
    balance: str
    currency: str
    name: str


def luhn_valid(card: str) -> bool:
    """The card number's last digit is its Luhn check digit."""
    if not card.isascii() or not card.isdigit():
        return False
    total = 0
    for position, digit in enumerate(int(d) for d in reversed(card)):
        doubled = digit * 2 if position % 2 else digit
        total += doubled - 9 if doubled > 9 else doubled
    return total % 10 == 0


def load_accounts(path: Path = ACCOUNTS_FILE) -> dict[str, Account]:
    """Accounts by card number from a CSV with columns card, customer_ref, name, balance, currency."""
    accounts: dict[str, Account] = {}
    with path.open(newline="", encoding="utf-8-sig") as file:
        reader = csv.DictReader(file)
        missing = [c for c in ("card", "name", "balance") if c not in (reader.fieldnames or ())]
        if missing:
            raise ValueError(f"{path} has no column {missing[0]!r}: its first line must be {_ACCOUNT_COLUMNS}.")
        for row in reader:
            card = _SPACING.sub("", row["card"])
            if not luhn_valid(card):
                raise ValueError(f"{path}: card {row['card']!r} fails the Luhn check: fix its last digit.")
            try:
                balance = Decimal(row["balance"]).quantize(Decimal("0.01"))
            except InvalidOperation:
                raise ValueError(f"{path}: balance {row['balance']!r} of card {card} is not an amount.") from None
            accounts[card] = Account(card, row["name"], str(balance), row.get("currency") or "CNY",
                                     row.get("customer_ref") or None)
    return accounts


def _error(status: int, message: str) -> Response:
    return Response({"error": message}, status_code=status)


def create_core_banking_app(accounts: Mapping[str, Account] | None = None) -> Litestar:
    known = dict(load_accounts() if accounts is None else accounts)

    @post("/balance", status_code=200)
    async def balance(request: Request) -> Response:
        try:
            asked = msgspec.json.decode(await request.body(), type=BalanceRequest)
        except msgspec.ValidationError as exc:  # JSON, but not the shape asked for
            return _error(400, f'the body is not {{"card": "CARD NUMBER"}}: {exc}.')
        except msgspec.DecodeError:
            return _error(400, 'the body is not JSON: send {"card": "CARD NUMBER"}.')
        account = known.get(_SPACING.sub("", asked.card))
        if account is None:
            return _error(404, "unknown card")
        return Response(BalanceAnswer(account.balance, account.currency, account.name), status_code=200)

    @get("/healthz", sync_to_thread=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return Litestar(route_handlers=[balance, healthz], openapi_config=None, debug=False)


def serve_core_banking(host: str, port: int, accounts_file: Path = ACCOUNTS_FILE) -> int:
    """Serve until SIGTERM or Ctrl-C; the exit status. OSError when the port cannot be used."""
    from granian.constants import Interfaces  # only this command needs the web server loaded
    from granian.server.embed import Server

    accounts = load_accounts(accounts_file)
    error = bind_error(host, port, socket.SOCK_STREAM)
    if error is not None:
        raise error
    server = Server(create_core_banking_app(accounts), address=host, port=port, interface=Interfaces.ASGI,
                    log_level="warning", websockets=False)
    # Granian warns that embedding is experimental on every start: true, known, and noise here.
    logging.getLogger("_granian").addFilter(lambda record: "experimental" not in record.getMessage())

    async def run() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, server.stop)
        print(f"Demo core banking: POST http://{host}:{port}/balance knows {len(accounts)} cards "
              "(Ctrl-C stops it)", flush=True)
        await server.serve()

    asyncio.run(run())
    return 0
