"""The customer directory, tiers and the demo core-banking service through the real CLI, run as a
subprocess the way an admin runs it."""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.support.branch import BRANCHLINE, Branch, cli_json, free_port, help_of, wait_until

HEADER = "ref,name,phones,tier,language,account_manager\n"
COMMANDS = [
    ["customer", "import"], ["customer", "list"], ["customer", "show"], ["customer", "remove"],
    ["tier", "add"], ["tier", "set"], ["tier", "list"], ["tier", "remove"], ["demo-bank"],
]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory) -> Branch:
    """A branch with a vip tier and three customers, made once through the CLI."""
    root = tmp_path_factory.mktemp("customers")
    b = Branch(root)
    b.init()
    b.cli("tier", "add", "vip", "--priority", "5")
    write(root / "start.csv",
          "100001,王伟,55501234;+86 138-0013-8000,vip,zh,a1001\n"
          "100002,Emily Chen,55509876,,en,\n"
          "100003,Li Na,(021) 6234 5678,vip,,a1002\n")
    b.cli("customer", "import", str(root / "start.csv"))
    return b


@pytest.fixture
def branch(prepared, tmp_path) -> Branch:
    """A copy of the prepared branch's data for one test to change."""
    shutil.copytree(prepared.data, tmp_path / "data")
    return Branch(tmp_path)


def write(path: Path, body: str, *, header: str = HEADER, encoding: str = "utf-8") -> str:
    path.write_bytes((header + body).encode(encoding))
    return str(path)


def refs(branch: Branch, *args: str) -> list[str]:
    return [c["ref"] for c in cli_json(branch, "customer", "list", *args)]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_customer_command_has_help_with_an_example(command):
    assert "Example" in help_of(*command)


# ---- import --------------------------------------------------------------------------------------------


def test_an_import_lands_the_good_rows_and_lists_the_bad_ones_by_line(branch, tmp_path):
    path = write(tmp_path / "mixed.csv",
                 "100002,Emily Chen-Wang,55509876,,en,\n"  # updated
                 "100004,James Wilson,+86 186 0000 1111,,en,\n"
                 "100005,张敏,abc,,zh,\n"
                 "100006,David Lee,158 2222 3333,,,\n"
                 "100001,王伟,55501234;+86 138-0013-8000,vip,zh,a1001\n"  # unchanged
                 "100007,Sarah,5550 1234,,,\n")
    result = branch.cli("customer", "import", path)
    assert result.stdout == (
        "Imported 4 customers (2 new, 1 updated, 1 unchanged); 2 rows rejected:\n"
        "  line 4: phone 'abc' has no digits.\n"
        "  line 7: phone '5550 1234' belongs to customer 100001 (王伟) on line 6: a number can belong to one "
        "customer only.\n"
    )
    assert refs(branch) == ["100001", "100002", "100003", "100004", "100006"]
    assert cli_json(branch, "customer", "show", "100002")["customer"]["name"] == "Emily Chen-Wang"


def test_every_reason_a_row_is_rejected_is_said(branch, tmp_path):
    path = write(tmp_path / "bad.csv",
                 ",No Ref,55500001,,,\n"
                 "200002,,55500002,,,\n"
                 "200003,Cat,55500003,gold,,\n"
                 "200004,Dan,55500004,,fr,\n"
                 "200005,Eve,12-ab,,,\n"
                 "200006,Fay,1234,,,\n"
                 "200007,Gus,13800138000,,,\n"
                 "200008,Hal,55500008,,,\n"
                 "200009,Ida,555 000 08,,,\n"
                 "200008,Hal again,55500010,,,\n"
                 "200011,Smith, John,55500011,,,\n"
                 "200012,Kim\n")
    result = branch.cli("customer", "import", path)
    assert result.returncode == 0
    assert result.stdout == (
        "Imported 1 customer (1 new, 0 updated); 11 rows rejected:\n"
        "  line 2: ref is missing: every row needs the customer's ref.\n"
        "  line 3: name is missing: every row needs the customer's name.\n"
        "  line 4: tier 'gold' does not exist: the tiers are standard, vip ('branchline tier add gold' adds it).\n"
        "  line 5: language 'fr' is not known: use en or zh, or leave it empty.\n"
        "  line 6: phone '12-ab' is not a phone number: use digits, with spaces, dashes, dots or brackets "
        "between them and + only first.\n"
        "  line 7: phone '1234' has 4 digits: a phone number has 5 to 20.\n"
        "  line 8: phone '13800138000' is the same phone as +8613800138000, which belongs to customer 100001 (王伟): "
        "a number can belong to one customer only.\n"
        "  line 10: phone '555 000 08' belongs to customer 200008 (Hal) on line 9: a number can belong to one "
        "customer only.\n"
        "  line 11: ref '200008' is already on line 9: give each customer one row.\n"
        "  line 12: the row has 7 fields where the header has 6: put a value that contains a comma in double quotes.\n"
        "  line 13: the row has 2 fields where the header has 6: put a value that contains a comma in double quotes.\n"
    )


@pytest.mark.parametrize(("name", "content", "problem"), [
    ("header.csv", b"id,name,phone\n1,Ann,55500001\n",
     "header.csv cannot be imported, so nothing was: its header is 'id,name,phone': the first line must name the "
     "columns ref,name,phones,tier,language,account_manager (in any order)."),
    ("no-header.csv", b"1,Ann,55500001,,,\n", "its header is '1,ann,55500001,,,'"),
    ("empty.csv", b"", "it is empty: the first line must be the header ref,name,phones,tier,language,account_manager."),
    ("gbk.csv", (HEADER + "200001,张敏,55500001,,zh,\n").encode("gbk"),
     "it is not UTF-8 text (line 2 has byte 0xd5): in Excel, save it as 'CSV UTF-8 (Comma delimited)'."),
])
def test_a_file_that_cannot_be_used_imports_nothing_and_exits_2(branch, tmp_path, name, content, problem):
    (tmp_path / name).write_bytes(content)
    result = branch.cli("customer", "import", str(tmp_path / name), check=False)
    assert result.returncode == 2 and result.stdout == ""
    assert problem in result.stderr
    assert refs(branch) == ["100001", "100002", "100003"]


def test_a_missing_file_or_a_folder_exits_2_saying_what_to_give(branch, tmp_path):
    for path, what in ((tmp_path / "nope.csv", "does not exist"), (tmp_path, "is a folder")):
        result = branch.cli("customer", "import", str(path), check=False)
        assert result.returncode == 2
        assert f"{path} {what}: give the path of a CSV file whose first line is " \
               "ref,name,phones,tier,language,account_manager." in result.stderr


def test_excels_utf8_bom_and_its_column_order_are_accepted(branch, tmp_path):
    path = write(tmp_path / "excel.csv", "\r\n".join(["张敏,200001,137 1111 2222,,zh,", ""]),
                 header="\ufeffName,Ref,Phones,Tier,Language,Account_Manager\r\n")
    assert branch.cli("customer", "import", path).stdout == "Imported 1 customer (1 new, 0 updated).\n"
    assert cli_json(branch, "customer", "show", "200001")["customer"]["name"] == "张敏"


def test_dry_run_and_strict_imports_change_nothing(branch, tmp_path):
    path = write(tmp_path / "some-bad.csv", "200001,Ann,55500001,,,\n200002,Bob,abc,,,\n")
    dry = branch.cli("customer", "import", path, "--dry-run")
    assert dry.stdout == (
        "Would import 1 customer (1 new, 0 updated); 1 row rejected:\n"
        "  line 3: phone 'abc' has no digits.\n"
        "Nothing was changed (--dry-run).\n"
    )
    strict = branch.cli("customer", "import", path, "--strict", check=False)
    assert strict.returncode == 2 and strict.stdout.startswith("Would import 1 customer")
    assert "nothing was imported (--strict): fix the rejected rows and import the file again." in strict.stderr
    assert refs(branch) == ["100001", "100002", "100003"]


# ---- show, list, remove ------------------------------------------------------------------------------------


@pytest.mark.parametrize("phone", ["+8613800138000", "13800138000", "+86 138-0013-8000", "(138) 0013 8000"])
def test_a_customer_is_shown_by_any_notation_of_their_phone(branch, phone):
    view = cli_json(branch, "customer", "show", phone)
    assert (view["customer"]["ref"], view["found_by"]) == ("100001", "phone")
    assert view["customer"]["numbers"] == ["55501234", "+8613800138000"]
    assert view["customer"]["tier"] == {"name": "vip", "priority": 5, "skill": None, "skill_level": None}


def test_show_by_ref_and_by_a_national_number_says_what_matched(branch):
    text = branch.cli("customer", "show", "100003").stdout
    assert text == (
        "ref              100003\n"
        "name             Li Na\n"
        "tier             vip (priority 5)\n"
        "language         the caller's choice\n"
        "account-manager  a1002\n"
        "phones           02162345678\n"
    )
    assert branch.cli("customer", "show", "+86 21 6234 5678").stdout.endswith(
        "(found by phone +862162345678, the same phone as 02162345678)\n")


def test_show_of_nobody_exits_2_and_says_how_to_search(branch):
    result = branch.cli("customer", "show", "55500000", check=False)
    assert result.returncode == 2
    assert "no customer has the ref or phone '55500000': 'branchline customer list --search TEXT'" in result.stderr


def test_list_filters_by_tier_and_search_and_stops_at_the_limit(branch):
    assert refs(branch, "--tier", "vip") == ["100001", "100003"]
    assert refs(branch, "--search", "chen") == ["100002"]
    assert refs(branch, "--search", "6234-5678") == ["100003"]
    assert refs(branch, "--limit", "2") == ["100001", "100002"]
    text = branch.cli("customer", "list", "--limit", "1").stdout
    assert text.splitlines()[0].split() == ["REF", "NAME", "TIER", "LANGUAGE", "PHONES", "ACCOUNT", "MANAGER"]
    assert "100001" in text and "55501234 +8613800138000" in text
    assert text.endswith("(the first 1 only: more match; raise --limit or narrow with --search)\n")
    assert branch.cli("customer", "list", "--search", "nobody").stdout == "No customers match.\n"
    unknown = branch.cli("customer", "list", "--tier", "gold", check=False)
    assert unknown.returncode == 2 and "tier 'gold' does not exist: the tiers are standard, vip" in unknown.stderr


def test_remove_takes_the_customer_and_their_phones(branch):
    assert branch.cli("customer", "remove", "100001").stdout == (
        "Removed customer 100001 (王伟) and 2 phone numbers.\n")
    assert branch.cli("customer", "show", "55501234", check=False).returncode == 2
    again = branch.cli("customer", "remove", "100001", check=False)
    assert again.returncode == 2 and "customer '100001' does not exist" in again.stderr


# ---- tiers ---------------------------------------------------------------------------------------------


def test_tiers_are_added_changed_and_listed_with_their_customers(branch):
    assert branch.cli("tier", "add", "private", "--priority", "8", "--skill", "wealth:5").stdout == (
        "Added tier private: priority 8, skill wealth:5.\n")
    assert branch.cli("tier", "set", "vip", "--skill", "vip-desk").stdout == "Tier vip: priority 5, skill vip-desk:1.\n"
    assert branch.cli("tier", "set", "private", "--priority", "9", "--no-skill").stdout == "Tier private: priority 9.\n"
    assert cli_json(branch, "tier", "list") == [
        {"name": "private", "priority": 9, "skill": None, "skill_level": None, "customers": 0},
        {"name": "vip", "priority": 5, "skill": "vip-desk", "skill_level": 1, "customers": 2},
        {"name": "standard", "priority": 0, "skill": None, "skill_level": None, "customers": 1},
    ]
    assert cli_json(branch, "customer", "show", "55501234")["customer"]["tier"]["skill"] == "vip-desk"
    assert branch.cli("tier", "list").stdout.splitlines()[2].split() == ["vip", "5", "vip-desk:1", "2"]


@pytest.mark.parametrize(("args", "problem"), [
    (("tier", "add", "vip"), "tier 'vip' already exists: change it with 'branchline tier set vip'."),
    (("tier", "add", "bad name"), "tier name 'bad name' is not valid"),
    (("tier", "add", "x", "--skill", "desk:11"), "skill 'desk:11' has level '11': a level is a whole number from 1 to 10."),
    (("tier", "set", "vip"), "say what to change: give --priority N, --skill NAME[:LEVEL] or --no-skill."),
    (("tier", "set", "gold", "--priority", "1"), "tier 'gold' does not exist: the tiers are standard, vip"),
    (("tier", "remove", "standard"), "tier 'standard' is where customers without a tier go, so it cannot be removed."),
    (("tier", "remove", "vip"), "tier 'vip' cannot be removed: 2 customers are in it. Import them again with another "
                                "tier, or remove them ('branchline customer list --tier vip' shows who)."),
])
def test_tier_mistakes_exit_2_with_a_sentence_saying_what_to_do(branch, args, problem):
    result = branch.cli(*args, check=False)
    assert result.returncode == 2 and problem in result.stderr


def test_a_tier_nobody_is_in_can_be_removed(branch, tmp_path):
    branch.cli("customer", "import", write(tmp_path / "down.csv", "100001,王伟,55501234,,zh,\n100003,Li Na,,,,\n"))
    assert branch.cli("tier", "remove", "vip").stdout == "Removed tier vip.\n"
    assert [t["name"] for t in cli_json(branch, "tier", "list")] == ["standard"]


# ---- the demo core-banking service ----------------------------------------------------------------------


def _post(url: str, body: bytes) -> tuple[int, dict]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    try:
        with opener.open(request, timeout=2) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _up(url: str) -> bool:
    try:
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(url, timeout=1) as answer:
            return answer.status == 200
    except OSError:
        return False


def test_demo_bank_serves_balances_over_http_until_stopped():
    port = free_port(socket.SOCK_STREAM)
    proc = subprocess.Popen([*BRANCHLINE, "demo-bank", "--listen", f"127.0.0.1:{port}"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until(lambda: proc.poll() is not None or _up(f"http://127.0.0.1:{port}/healthz"), 20, "the demo bank")
        assert proc.poll() is None, proc.stdout.read()
        url = f"http://127.0.0.1:{port}/balance"
        assert _post(url, b'{"card": "4000012345678905"}') == (200, {"balance": "128650.00", "currency": "CNY", "name": "王伟"})
        assert _post(url, b'{"card": "4000012345678913"}') == (404, {"error": "unknown card"})
        assert _post(url, b"nope")[0] == 400
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
        assert f"Demo core banking: POST http://127.0.0.1:{port}/balance knows 8 cards" in proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_demo_bank_refuses_a_busy_port_or_a_bad_address():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([*BRANCHLINE, "demo-bank", "--listen", f"127.0.0.1:{port}"], capture_output=True,
                                text=True, timeout=20)
    assert result.returncode == 2
    assert f"cannot serve on 127.0.0.1:{port}: Address already in use; choose another --listen." in result.stderr
    bad = subprocess.run([*BRANCHLINE, "demo-bank", "--listen", "8091"], capture_output=True, text=True)
    assert bad.returncode == 2 and "--listen '8091' is not HOST:PORT, for example 127.0.0.1:8091." in bad.stderr
