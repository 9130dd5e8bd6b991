"""The customer directory on a real SQLite file migrated by the real migrations: phone numbers,
who a caller ID is taken for, importing rows, and tiers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from appliance.customers import CustomerTier
from appliance.errors import Conflict, InvalidInput, NotFound
from appliance.phone_numbers import could_match, normalise_number, numbers_match
from appliance.resources import migrations_dir
from appliance.store import customers as store
from appliance.store.customer_csv import read_customer_csv
from appliance.store.database import connect
from appliance.store.migrations import migrate

NOW = 1_700_000_000.0
HEADER = "ref,name,phones,tier,language,account_manager\n"


@pytest.fixture
def conn(tmp_path: Path):
    c = connect(tmp_path / "b.db")
    migrate(c, migrations_dir(), tmp_path / "backups")
    store.add_tier(c, CustomerTier("vip", priority=5, skill="vip-desk", skill_level=3), NOW)
    yield c
    c.close()


def rows(*lines: str) -> list[dict[str, str]]:
    """Plain dict rows, as a caller other than the CSV reader gives them (numbered from line 2)."""
    found = []
    for line in lines:
        ref, name, phones, *rest = line.split(",") + ["", "", ""]
        found.append({"ref": ref, "name": name, "phones": phones, "tier": rest[0], "language": rest[1],
                      "account_manager": rest[2]})
    return found


def load(conn, *lines: str, **options) -> store.ImportReport:
    return store.import_customers(conn, rows(*lines), NOW, **options)


# ---- normalising and matching numbers --------------------------------------------------------------------


@pytest.mark.parametrize(("written", "normalised"), [
    ("+86 138-0013-8000", "+8613800138000"),
    ("(021) 5550 1234", "02155501234"),
    ("  5550.9876 ", "55509876"),
    ("+44 (0)20 7946 0018", "+4402079460018"),
    ("desk1", "desk1"),  # a SIP user name as caller ID: kept, matched only exactly
])
def test_numbers_are_normalised_to_digits_and_letters_with_a_leading_plus(written, normalised):
    assert normalise_number(written) == normalised


@pytest.mark.parametrize("written", ["", "   ", "---", "+", "()", "电话"])
def test_text_without_digits_or_letters_is_not_a_number(written):
    with pytest.raises(ValueError, match="is not a phone number: it has no digits or letters."):
        normalise_number(written)


@given(st.text())
def test_normalising_twice_changes_nothing_and_keeps_every_digit_in_order(text):
    try:
        once = normalise_number(text)
    except ValueError:
        return
    assert normalise_number(once) == once
    assert re.fullmatch(r"\+?[A-Za-z0-9]+", once)
    assert [c for c in once if c.isdigit()] == [c for c in text if c.isascii() and c.isdigit()]


@pytest.mark.parametrize(("a", "b"), [
    ("+8613800138000", "13800138000"),  # the country code is left off
    ("+862155501234", "02155501234"),  # ... and the national 0 put in its place
    ("+862155501234", "2155501234"),
    ("02155501234", "2155501234"),  # a national number with and without its leading 0
    ("+12025550123", "2025550123"),  # one-digit country code
    ("+85291234567", "91234567"),  # three-digit country code
    ("+390612345678", "0612345678"),  # Italy keeps its 0 after the country code
])
def test_numbers_differing_by_a_country_code_or_a_leading_0_are_one_phone(a, b):
    assert numbers_match(a, b) and numbers_match(b, a)


@pytest.mark.parametrize(("a", "b"), [
    ("+8613800138000", "+4413800138000"),  # two countries: two phones
    ("+8613800138000", "3800138000"),  # +86 is two digits, never three
    ("02155501234", "01055501234"),  # other area code
    ("02155501234", "55501234"),  # no area code: not the same
    ("+8612345", "12345"),  # too short to match loosely
    ("0012345", "12345"),
    ("desk1", "0desk1"),
])
def test_numbers_differing_otherwise_are_different_phones(a, b):
    assert not numbers_match(a, b) and not numbers_match(b, a)


# Pairs of numbers sharing their last digits, with prefixes that sometimes make them one phone.
_prefixes = st.sampled_from(["", "0", "00", "+", "+0", "+86", "+860", "+1", "+7", "+852", "+39", "+44"])
_pairs = st.builds(lambda p, q, digits: (p + digits, q + digits), _prefixes, _prefixes,
                   st.text("0123456789", min_size=1, max_size=14))


@given(_pairs)
def test_matching_is_symmetric_and_every_number_matches_itself(pair):
    a, b = pair
    assert numbers_match(a, b) == numbers_match(b, a)
    assert numbers_match(a, a)


@given(_pairs)
def test_a_lookup_asks_the_index_for_every_number_that_could_match(pair):
    # The directory finds loose matches through the index, so it must ask for every form that matches.
    a, b = pair
    if numbers_match(a, b):
        assert b in could_match(a)


# ---- who a caller is -----------------------------------------------------------------------------------


def test_a_caller_is_found_by_any_of_their_numbers_in_any_notation_with_their_full_tier(conn):
    load(conn, "100001,Li Na,+86 138-0013-8000;(021) 5550 1234,vip,zh,a1001")
    for caller in ("+8613800138000", "13800138000", "138 0013 8000", "+862155501234", "02155501234", "2155501234"):
        found = store.find_customer(conn, number=caller)
        assert found is not None and found.ref == "100001", caller
    assert found.tier == CustomerTier("vip", 5, "vip-desk", 3)
    assert found.numbers == ("+8613800138000", "02155501234")
    assert (found.language, found.account_manager) == ("zh", "a1001")
    assert store.find_customer(conn, ref="100001") == found


def test_an_unknown_or_unusable_caller_id_finds_nobody(conn):
    load(conn, "100001,Li Na,55501234")
    for caller in ("55509876", "02155501234", "", "anonymous", "+44555012345"):
        assert store.find_customer(conn, number=caller) is None, caller
    assert store.find_customer(conn, ref="100002") is None


def test_a_caller_id_that_could_be_two_customers_finds_neither(conn):
    load(conn, "1,Ann,+8613800138000", "2,Bob,+4413800138000")
    # Both are 13800138000 without their country code: the directory does not guess.
    assert store.find_customer(conn, number="13800138000") is None
    assert [c.ref for c in store.match_number(conn, "13800138000")] == ["1", "2"]
    assert store.find_customer(conn, number="+4413800138000").ref == "2"
    # Nobody can be given that national number either: it would be ambiguous with both.
    assert "is the same phone as +8613800138000" in load(conn, "3,Cat,13800138000").rejected[0][1]


def test_a_sip_user_name_matches_only_exactly(conn):
    load(conn, "1,Desk phone,55501234")
    assert store.find_customer(conn, number="desk1") is None
    assert normalise_number("Desk1") != "desk1"  # kept as written: SIP user names are case-sensitive


# ---- importing -------------------------------------------------------------------------------------------


def test_importing_adds_then_updates_and_counts_what_did_not_change(conn):
    first = load(conn, "1,Ann,55501234,vip,en", "2,Bob,55509876")
    assert (first.added, first.updated, first.unchanged, first.rejected) == (2, 0, 0, [])
    created = conn.execute("SELECT created_at, updated_at FROM customers WHERE ref = '1'").fetchone()
    again = store.import_customers(conn, rows("1,Ann,55501234,vip,en", "2,Robert,55509876"), NOW + 60)
    assert (again.added, again.updated, again.unchanged) == (0, 1, 1)
    assert store.get_customer(conn, "2").name == "Robert"
    assert conn.execute("SELECT created_at, updated_at FROM customers WHERE ref = '1'").fetchone() == created
    stamps = conn.execute("SELECT created_at, updated_at FROM customers WHERE ref = '2'").fetchone()
    assert stamps[0] < stamps[1]


def test_a_row_replaces_the_customers_phones_and_defaults_to_the_standard_tier(conn):
    load(conn, "1,Ann,55501234;55509876,vip,zh,a1001")
    load(conn, "1,Ann,+86 21 6234 5678")
    ann = store.get_customer(conn, "1")
    assert ann.numbers == ("+862162345678",) and ann.tier.name == "standard"
    assert (ann.language, ann.account_manager) == (None, None)
    assert store.find_customer(conn, number="55501234") is None


def test_each_bad_row_is_rejected_with_its_line_and_a_reason_and_the_others_land(conn):
    load(conn, "9,Zoe,+8613911112222")
    report = load(
        conn,
        "1,Ann,55501234",
        ",No Ref,55500001",
        "2,,55500002",
        "3,Cat,55500003,gold",
        "4,Dan,55500004,,fr",
        "5,Eve,abc",
        "6,Fay,12-ab",
        "7,Gus,1234",
        "8,Hal,555 01234",
        "10,Ida,13911112222",
        "1,Ann again,55500011",
        "bad ref,Jo,55500012",
        "11,Kim,55500013;+86 138 0000 1111;55500013",
    )
    assert (report.added, report.updated) == (2, 0)  # Ann, and Kim
    assert report.rejected == [
        (3, "ref is missing: every row needs the customer's ref."),
        (4, "name is missing: every row needs the customer's name."),
        (5, "tier 'gold' does not exist: the tiers are standard, vip ('branchline tier add gold' adds it)."),
        (6, "language 'fr' is not known: use en or zh, or leave it empty."),
        (7, "phone 'abc' has no digits."),
        (8, "phone '12-ab' is not a phone number: use digits, with spaces, dashes, dots or brackets between them "
            "and + only first."),
        (9, "phone '1234' has 4 digits: a phone number has 5 to 20."),
        (10, "phone '555 01234' belongs to customer 1 (Ann) on line 2: a number can belong to one customer only."),
        (11, "phone '13911112222' is the same phone as +8613911112222, which belongs to customer 9 (Zoe): "
             "a number can belong to one customer only."),
        (12, "ref '1' is already on line 2: give each customer one row."),
        (13, "ref 'bad ref' is not valid: use 1-64 letters, digits, '-', '_' or '.', starting with a letter or digit."),
    ]
    assert [c.ref for c in store.list_customers(conn)] == ["1", "11", "9"]
    assert store.get_customer(conn, "11").numbers == ("55500013", "+8613800001111")  # given twice, kept once


def test_a_number_moves_to_another_customer_when_its_old_owner_gives_it_up_first(conn):
    load(conn, "1,Ann,55501234", "2,Bob,55509876")
    report = load(conn, "1,Ann,55500000", "2,Bob,55509876;55501234")
    assert (report.updated, report.rejected) == (2, [])
    assert store.find_customer(conn, number="55501234").ref == "2"


def test_all_rows_land_in_one_transaction_or_none_do(conn):
    def failing_rows():
        yield from rows("1,Ann,55501234", "2,Bob,55509876")
        raise OSError("the file went away")

    with pytest.raises(OSError):
        store.import_customers(conn, failing_rows(), NOW)
    assert store.list_customers(conn) == ()


def test_strict_and_dry_run_imports_write_nothing(conn):
    strict = load(conn, "1,Ann,55501234", "2,Bob,abc", strict=True)
    assert (strict.added, len(strict.rejected)) == (1, 1) and store.list_customers(conn) == ()
    dry = load(conn, "1,Ann,55501234", dry_run=True)
    assert (dry.added, dry.dry_run) == (1, True) and store.list_customers(conn) == ()
    assert load(conn, "1,Ann,55501234", strict=True).rejected == []
    assert [c.ref for c in store.list_customers(conn)] == ["1"]


def test_a_csv_file_keeps_its_line_numbers_through_blank_lines_and_quoted_line_breaks(conn):
    data = ("\ufeff" + "Name, REF ,phones,tier,language,account_manager\n"
            "Ann,1,55501234,,,\n"
            "\n"
            ',,,,,\n'
            '"Bob\nWu",2,55509876,,,\n'
            "Cat,3,abc,,,\n"
            "Dan,4\n").encode()
    read = read_customer_csv(data)
    assert [(r.line, r["ref"]) for r in read] == [(2, "1"), (5, "2"), (7, "3"), (8, "4")]
    report = store.import_customers(conn, read, NOW)
    assert report.rejected == [
        (7, "phone 'abc' has no digits."),
        (8, "the row has 2 fields where the header has 6: put a value that contains a comma in double quotes."),
    ]
    assert store.get_customer(conn, "2").name == "Bob\nWu"


@pytest.mark.parametrize(("data", "problem"), [
    (b"", "it is empty: the first line must be the header ref,name,phones,tier,language,account_manager."),
    (b"ref,name,phone,tier,language,account_manager\n", "its header is 'ref,name,phone,tier,language,account_manager'"),
    (b"1,Ann,55501234,,,\n", "its header is '1,ann,55501234,,,'"),
    (b"ref,name,phones,tier,language,account_manager,ref\n", "must name the columns"),
    ("ref,name,phones,tier,language,account_manager\n1,王伟,55501234,,,\n".encode("gbk"),
     "it is not UTF-8 text (line 2 has byte 0xcd): in Excel, save it as 'CSV UTF-8 (Comma delimited)'."),
])
def test_a_file_that_cannot_be_read_as_a_whole_is_refused(data, problem):
    with pytest.raises(InvalidInput) as caught:
        read_customer_csv(data)
    assert problem in caught.value.message


# ---- listing and removing --------------------------------------------------------------------------------


def test_customers_are_listed_by_ref_and_searched_by_ref_name_or_phone(conn):
    load(conn, "2,Bob Wu,55509876", "1,Ann Lee,+86 138 0013 8000,vip", "3,王伟,55501234,vip", "4,100%,55500000")
    assert [c.ref for c in store.list_customers(conn)] == ["1", "2", "3", "4"]
    assert [c.ref for c in store.list_customers(conn, tier="vip")] == ["1", "3"]
    assert [c.ref for c in store.list_customers(conn, search="lee")] == ["1"]
    assert [c.ref for c in store.list_customers(conn, search="王")] == ["3"]
    assert [c.ref for c in store.list_customers(conn, search="138-0013")] == ["1"]
    assert [c.ref for c in store.list_customers(conn, search="%")] == ["4"]
    assert [c.ref for c in store.list_customers(conn, limit=2)] == ["1", "2"]
    with pytest.raises(NotFound, match="tier 'gold' does not exist"):
        store.list_customers(conn, tier="gold")


def test_removing_a_customer_removes_their_numbers(conn):
    load(conn, "1,Ann,55501234;55509876")
    assert store.remove_customer(conn, "1").numbers == ("55501234", "55509876")
    assert conn.execute("SELECT count(*) FROM customer_numbers").fetchone()[0] == 0
    with pytest.raises(NotFound, match="customer '1' does not exist"):
        store.remove_customer(conn, "1")


# ---- tiers -----------------------------------------------------------------------------------------------


def test_tiers_are_added_changed_and_listed_highest_priority_first(conn):
    store.add_tier(conn, CustomerTier("gold", priority=3), NOW)
    assert store.list_tiers(conn) == (CustomerTier("vip", 5, "vip-desk", 3), CustomerTier("gold", 3),
                                      CustomerTier("standard", 0))
    assert store.update_tier(conn, "gold", priority=8, skill="wealth", skill_level=2) == CustomerTier("gold", 8, "wealth", 2)
    assert store.update_tier(conn, "gold", skill=None, skill_level=None) == CustomerTier("gold", 8)
    with pytest.raises(Conflict, match="tier 'gold' already exists"):
        store.add_tier(conn, CustomerTier("gold"), NOW)


@pytest.mark.parametrize(("tier", "problem"), [
    (CustomerTier("no good"), "tier name 'no good' is not valid"),
    (CustomerTier("x", priority=101), "priority 101 is out of range: give a whole number from 0 to 100."),
    (CustomerTier("x", skill="vip"), "a tier's skill needs a level"),
    (CustomerTier("x", skill="vip", skill_level=11), "skill level 11 is out of range"),
])
def test_a_tier_is_checked_before_it_is_written(conn, tier, problem):
    with pytest.raises(InvalidInput, match=re.escape(problem)):
        store.add_tier(conn, tier, NOW)


def test_a_tier_in_use_or_the_standard_tier_cannot_be_removed(conn):
    load(conn, "1,Ann,55501234,vip", "2,Bob,55509876,vip")
    with pytest.raises(Conflict, match=re.escape("tier 'vip' cannot be removed: 2 customers are in it.")):
        store.remove_tier(conn, "vip")
    with pytest.raises(Conflict, match="is where customers without a tier go"):
        store.remove_tier(conn, "standard")
    assert store.customers_per_tier(conn) == {"vip": 2}
    load(conn, "1,Ann,55501234", "2,Bob,55509876")
    store.remove_tier(conn, "vip")
    assert [t.name for t in store.list_tiers(conn)] == ["standard"]
