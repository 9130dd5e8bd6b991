"""The demo's data and its stand-in core-banking service, through Litestar's test client."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from litestar.testing import TestClient

from appliance.demo import CUSTOMERS_FILE, install_demo_customers
from appliance.demo.core_banking import ACCOUNTS_FILE, Account, create_core_banking_app, load_accounts, luhn_valid
from appliance.resources import migrations_dir
from appliance.store import customers as store
from appliance.store.database import connect
from appliance.store.migrations import migrate

NOW = 1_700_000_000.0


@pytest.fixture
def bank():
    with TestClient(create_core_banking_app()) as client:
        yield client


def test_a_known_card_gets_its_balance_currency_and_holder(bank):
    answer = bank.post("/balance", json={"card": "4000012345678905"})
    assert answer.status_code == 200
    assert answer.json() == {"balance": "128650.00", "currency": "CNY", "name": "王伟"}
    assert bank.post("/balance", json={"card": "4000 0234 5678 9019"}).json()["name"] == "Emily Chen"


def test_an_unknown_card_is_404(bank):
    for card in ("4000012345678913", "", "not a card"):
        answer = bank.post("/balance", json={"card": card})
        assert (answer.status_code, answer.json()) == (404, {"error": "unknown card"})


@pytest.mark.parametrize(("body", "problem"), [
    (b"{card: 4000}", 'the body is not JSON: send {"card": "CARD NUMBER"}.'),
    (b"", 'the body is not JSON: send {"card": "CARD NUMBER"}.'),
    (b'{"card": 4000012345678905}', 'the body is not {"card": "CARD NUMBER"}: Expected `str`, got `int` - at `$.card`.'),
    (b'{"pan": "4000012345678905"}', 'the body is not {"card": "CARD NUMBER"}: Object missing required field `card`.'),
])
def test_a_body_that_is_not_json_with_a_card_is_400(bank, body, problem):
    answer = bank.post("/balance", content=body, headers={"Content-Type": "application/json"})
    assert (answer.status_code, answer.json()) == (400, {"error": problem})


def test_the_service_says_when_it_is_up(bank):
    assert bank.get("/healthz").json() == {"status": "ok"}


def test_any_accounts_can_be_served():
    accounts = {"4111111111111111": Account("4111111111111111", "Test", "1.50", "USD")}
    with TestClient(create_core_banking_app(accounts)) as client:
        assert client.post("/balance", json={"card": "4111111111111111"}).json() == {
            "balance": "1.50", "currency": "USD", "name": "Test"}
        assert client.post("/balance", json={"card": "4000012345678905"}).status_code == 404


@pytest.mark.parametrize(("card", "valid"), [
    ("4000012345678905", True), ("4111111111111111", True), ("79927398713", True),
    ("4000012345678906", False), ("4000-0123", False), ("", False),
])
def test_luhn_checks_the_last_digit(card, valid):
    assert luhn_valid(card) is valid


def test_the_demo_accounts_are_luhn_valid_and_belong_to_demo_customers():
    accounts = load_accounts()
    with CUSTOMERS_FILE.open(encoding="utf-8") as file:
        names = {row["ref"]: row["name"] for row in csv.DictReader(file)}
    assert len(accounts) >= 6
    for account in accounts.values():
        assert luhn_valid(account.card) and account.card.startswith("4000")
        assert names[account.customer_ref] == account.name
        assert account.balance.count(".") == 1 and len(account.balance.split(".")[1]) == 2


def test_an_accounts_file_with_a_bad_card_is_refused(tmp_path: Path):
    bad = tmp_path / "accounts.csv"
    bad.write_text(ACCOUNTS_FILE.read_text().replace("4000012345678905", "4000012345678906"))
    with pytest.raises(ValueError, match="card '4000012345678906' fails the Luhn check"):
        load_accounts(bad)
    bad.write_text("number,name\n1,x\n")
    with pytest.raises(ValueError, match="has no column 'card'"):
        load_accounts(bad)


def test_the_demo_customers_install_with_a_vip_tier_and_the_test_phones(tmp_path: Path):
    conn = connect(tmp_path / "b.db")
    migrate(conn, migrations_dir(), tmp_path / "backups")
    report = install_demo_customers(conn, NOW)
    assert (report.added, report.rejected) == (12, [])
    assert store.get_tier(conn, "vip").priority == 5
    vip_caller = store.find_customer(conn, number="55501234")
    assert (vip_caller.ref, vip_caller.tier.name, vip_caller.language) == ("100001", "vip", "zh")
    standard_caller = store.find_customer(conn, number="55509876")
    assert (standard_caller.ref, standard_caller.tier.name, standard_caller.language) == ("100002", "standard", "en")
    counts = store.customers_per_tier(conn)
    assert counts["vip"] >= 3 and counts["standard"] >= 3
    assert {c.language for c in store.list_customers(conn)} == {"en", "zh"}
    again = install_demo_customers(conn, NOW + 1)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 12)
