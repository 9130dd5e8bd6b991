"""The team fund's arithmetic on constructed entries (appliance/teamwork/fund_rules.py): amounts in
fen, the running balance with a reversing correction, the contributions due, the CSV export."""

from __future__ import annotations

import csv
import io

import pytest

from appliance.errors import InvalidInput
from appliance.teamwork.fund_rules import (
    Entry,
    FundSettings,
    due_contributions,
    format_fen,
    parse_amount,
    statement,
    statement_csv,
)


@pytest.mark.parametrize(("written", "fen"), [("10", 1000), ("10.5", 1050), ("10.50", 1050), ("0.01", 1),
                                              (" 3 ", 300), (12, 1200)])
def test_amounts_are_yuan_with_at_most_two_decimals(written, fen):
    assert parse_amount(written) == fen


@pytest.mark.parametrize("written", ["", "-5", "1.234", "ten", "0", "0.00", "1e3", True])
def test_a_wrong_amount_says_how_to_write_one(written):
    with pytest.raises(InvalidInput, match="yuan"):
        parse_amount(written)


def test_fen_are_shown_as_yuan():
    assert (format_fen(1050), format_fen(-7), format_fen(0)) == ("10.50", "-0.07", "0.00")


def entry(id_: int, kind: str, fen: int, **more) -> Entry:
    return Entry(id_, "tellers", "2026-11-02", kind, fen, **more)


def test_the_statement_keeps_a_running_balance_and_a_correction_cancels_its_entry():
    found = statement("tellers", [
        entry(3, "spending", -3000, description="Prizes", receipt="No. 0042"),
        entry(1, "contribution", 1000, member="ann", month="2026-11"),
        entry(2, "contribution", 5000, member="tess", month="2026-11"),
        entry(4, "penalty", 200, member="ann", rule="missed quiz answer", reversed_by=5),
        entry(5, "correction", -200, member="ann", reverses=4),
    ])
    assert [(e.id, e.balance_fen) for e in found.entries] == [(1, 1000), (2, 6000), (3, 3000), (4, 3200), (5, 3000)]
    assert found.balance_fen == 3000 and found.balance == "30.00"
    assert found.totals_fen == {"contribution": 6000, "penalty": 200, "spending": -3000, "correction": -200}


def test_collecting_a_month_asks_each_member_and_leader_for_what_they_have_not_paid():
    due = due_contributions(["bob", "ann"], ["tess"], {"bob": 1000, "tess": 2000}, FundSettings(1000, 5000))
    assert [(d.member, d.leader, d.amount_fen) for d in due] == [("ann", False, 1000), ("tess", True, 3000)]
    assert due_contributions(["ann"], [], {}, FundSettings(member_fen=0)) == []


def test_fund_settings_are_whole_fen():
    with pytest.raises(InvalidInput, match="member_fen must be whole fen"):
        FundSettings(member_fen=10.5)


def test_the_csv_has_a_header_and_one_line_per_entry_in_yuan():
    found = statement("tellers", [entry(1, "contribution", 1000, member="ann", recorded_by="fay"),
                                  entry(2, "spending", -250, description="Tea, 休息室", receipt="kept by fay")])
    rows = list(csv.DictReader(io.StringIO(statement_csv(found))))
    assert [(r["id"], r["kind"], r["amount"], r["balance"]) for r in rows] == [
        ("1", "contribution", "10.00", "10.00"), ("2", "spending", "-2.50", "7.50")]
    assert rows[1]["description"] == "Tea, 休息室" and rows[0]["recorded_by"] == "fay"
