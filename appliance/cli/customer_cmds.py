"""The customer directory and its tiers, and the demo's stand-in core-banking service.

`customer import` exits 0 once the file was read, even when it rejected rows (the report lists
them by line); 2 when the file cannot be used at all (missing, not UTF-8, wrong header), and with
--strict when any row is rejected (then nothing is imported).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from appliance.cli.common import fail, json_option, open_store, print_json, print_table, reports_errors
from appliance.clock import now
from appliance.customers import Customer, CustomerTier
from appliance.errors import InvalidInput
from appliance.model import parse_skill
from appliance.phone_numbers import normalise_number, numbers_match
from appliance.store import customers as store
from appliance.store.customer_csv import CSV_COLUMNS, CsvRow, read_customer_csv
from appliance.store.telephony import MAX_PRIORITY

__all__ = ("customer", "demo_bank", "tier")

LIST_LIMIT = 100
_COLUMNS = ",".join(CSV_COLUMNS)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _describe_tier(tier: CustomerTier) -> str:
    skill = f", skill {tier.skill}:{tier.skill_level}" if tier.skill else ""
    return f"priority {tier.priority}{skill}"


# ---- customers ---------------------------------------------------------------------------------------


@click.group()
def customer() -> None:
    """The customer directory: who is calling, found by any of their phone numbers.

    \b
    A caller ID matches a customer's phone when the two are equal or differ only by a country
    code or a leading 0: +8613800138000, 13800138000; +862155501234, 02155501234, 2155501234.
    Two numbers that both start with + must be equal. When several customers match, none is
    taken.
    """


def _read_file(path: str) -> list[CsvRow]:
    file = Path(path)
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise fail(f"{path} does not exist: give the path of a CSV file whose first line is {_COLUMNS}.") from None
    except IsADirectoryError:
        raise fail(f"{path} is a folder: give the path of a CSV file whose first line is {_COLUMNS}.") from None
    except OSError as exc:
        raise fail(f"cannot read {path}: {exc.strerror}.") from None
    try:
        return read_customer_csv(data)
    except InvalidInput as exc:
        raise fail(f"{path} cannot be imported, so nothing was: {exc.message}") from None


@customer.command("import")
@click.argument("file", metavar="FILE.csv")
@click.option("--dry-run", is_flag=True, help="Check every row and report, change nothing.")
@click.option("--strict", is_flag=True, help="Import nothing, and exit with status 2, if any row is rejected.")
@click.pass_context
@reports_errors
def customer_import(ctx: click.Context, file: str, dry_run: bool, strict: bool) -> None:
    """Add and update customers from a CSV file (UTF-8, as Excel's 'CSV UTF-8' saves it).

    \b
    The first line names the columns, in any order:
        ref,name,phones,tier,language,account_manager

    The ref is the bank's customer number: a customer already there is updated, and their row
    replaces all that is stored for them. Phones are separated by ';' and written any usual
    way (+86 138-0013-8000). An empty tier means standard; language is en, zh or empty.

    Rejected rows are listed by line and the others are imported: the exit status is 0 once
    the file was read, 2 when it cannot be used (or with --strict, when any row is rejected).

    Example:

        branchline customer import customers.csv --dry-run
    """
    rows = _read_file(file)
    report = store.import_customers(open_store(ctx), rows, now(), dry_run=dry_run, strict=strict)
    verb = "Would import" if dry_run or (strict and report.rejected) else "Imported"
    counts = f"{report.added} new, {report.updated} updated"
    if report.unchanged:
        counts += f", {report.unchanged} unchanged"
    summary = f"{verb} {_plural(report.imported, 'customer')} ({counts})"
    if not report.rejected:
        click.echo(summary + ".")
    else:
        rejected = "row" if len(report.rejected) == 1 else "rows"
        click.echo(f"{summary}; {len(report.rejected)} {rejected} rejected:")
        for line, reason in report.rejected:
            click.echo(f"  line {line}: {reason}")
    if strict and report.rejected:
        raise fail("nothing was imported (--strict): fix the rejected rows and import the file again.")
    if dry_run:
        click.echo("Nothing was changed (--dry-run).")


def _customer_row(c: Customer) -> tuple:
    return c.ref, c.name, c.tier.name, c.language or "-", " ".join(c.numbers) or "-", c.account_manager or "-"


@customer.command("list")
@click.option("--tier", "tier_name", metavar="TIER", help="Only customers in this tier.")
@click.option("--search", metavar="TEXT", help="Only customers whose ref, name or phone contains TEXT.")
@click.option("--limit", default=LIST_LIMIT, show_default=True, type=click.IntRange(1, 1_000_000), help="Show at most this many, by ref.")
@json_option
@click.pass_context
@reports_errors
def customer_list(ctx: click.Context, tier_name: str | None, search: str | None, limit: int, as_json: bool) -> None:
    """List customers by ref.

    Example:

        branchline customer list --tier vip --search 138
    """
    found = store.list_customers(open_store(ctx), tier=tier_name, search=search, limit=limit + 1)
    shown = found[:limit]
    if as_json:
        print_json(shown)
        return
    empty = "No customers match." if tier_name or search else (
        "No customers yet. Add them with 'branchline customer import FILE.csv'."
    )
    headers = ("ref", "name", "tier", "language", "phones", "account manager")
    print_table(headers, map(_customer_row, shown), empty=empty)
    if len(found) > limit:
        click.echo(f"(the first {limit} only: more match; raise --limit or narrow with --search)")


@customer.command("show")
@click.argument("key", metavar="REF|PHONE")
@json_option
@click.pass_context
@reports_errors
def customer_show(ctx: click.Context, key: str, as_json: bool) -> None:
    """Show one customer, found by ref or by a phone number written any usual way.

    The phone is matched the way calls are, so this shows who a caller ID would be taken for.

    Example:

        branchline customer show 100001

        branchline customer show "+86 138-0013-8000"
    """
    conn = open_store(ctx)
    found, by = store.find_customer(conn, ref=key), "ref"
    if found is None:
        matches, by = store.match_number(conn, key), "phone"
        if len(matches) > 1:
            who = ", ".join(f"{c.ref} ({c.name})" for c in matches)
            raise fail(f"phone {key!r} matches more than one customer ({who}), so a call from it finds nobody: "
                       "give each their full number with its country code.")
        if not matches:
            raise fail(f"no customer has the ref or phone {key!r}: "
                       "'branchline customer list --search TEXT' searches refs, names and phones.")
        found = matches[0]
    if as_json:
        print_json({"customer": found, "found_by": by})
        return
    rows = [
        ("ref", found.ref), ("name", found.name), ("tier", f"{found.tier.name} ({_describe_tier(found.tier)})"),
        ("language", found.language or "the caller's choice"), ("account-manager", found.account_manager or "-"),
        ("phones", " ".join(found.numbers) or "-"),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        click.echo(f"{label.ljust(width)}  {value}")
    if by == "phone":
        wanted = normalise_number(key)
        stored = next(n for n in found.numbers if numbers_match(wanted, n))
        same = "" if stored == wanted else f", the same phone as {stored}"
        click.echo(f"(found by phone {wanted}{same})")


@customer.command("remove")
@click.argument("ref")
@click.pass_context
@reports_errors
def customer_remove(ctx: click.Context, ref: str) -> None:
    """Remove a customer and their phone numbers (past calls keep their ref).

    Example:

        branchline customer remove 100001
    """
    removed = store.remove_customer(open_store(ctx), ref)
    click.echo(f"Removed customer {removed.ref} ({removed.name}) and {_plural(len(removed.numbers), 'phone number')}.")


# ---- tiers -------------------------------------------------------------------------------------------


@click.group()
def tier() -> None:
    """Customer tiers: a tier raises its callers' priority in the queue and can ask for a skill.

    A caller found in the directory (the flow's lookup node) waits with their tier's priority
    ahead of callers with a lower one, and is offered only to agents with the tier's skill.
    """


def _skill(value: str | None) -> tuple[str | None, int | None]:
    return parse_skill(value, default_level=1) if value else (None, None)


@tier.command("add")
@click.argument("name")
@click.option("--priority", default=0, show_default=True, type=click.IntRange(0, MAX_PRIORITY), help="Callers in this tier wait ahead of those with a lower priority.")
@click.option("--skill", metavar="NAME[:LEVEL]", help="Offer these callers only to agents with this skill (level 1 if not given).")
@click.pass_context
@reports_errors
def tier_add(ctx: click.Context, name: str, priority: int, skill: str | None) -> None:
    """Add a customer tier.

    Example:

        branchline tier add private-banking --priority 8 --skill wealth:5
    """
    skill_name, level = _skill(skill)
    added = CustomerTier(name, priority, skill_name, level)
    store.add_tier(open_store(ctx), added, now())
    click.echo(f"Added tier {name}: {_describe_tier(added)}.")


@tier.command("set")
@click.argument("name")
@click.option("--priority", type=click.IntRange(0, MAX_PRIORITY), help="Callers in this tier wait ahead of those with a lower priority.")
@click.option("--skill", metavar="NAME[:LEVEL]", help="Offer these callers only to agents with this skill.")
@click.option("--no-skill", is_flag=True, help="Ask for no particular skill.")
@click.pass_context
@reports_errors
def tier_set(ctx: click.Context, name: str, priority: int | None, skill: str | None, no_skill: bool) -> None:
    """Change a tier's priority or skill (callers already waiting keep theirs).

    Example:

        branchline tier set vip --priority 7 --skill vip-desk
    """
    if skill and no_skill:
        raise fail("give --skill NAME[:LEVEL] or --no-skill, not both.")
    changes: dict[str, object] = {} if priority is None else {"priority": priority}
    if skill or no_skill:
        changes["skill"], changes["skill_level"] = _skill(skill)
    if not changes:
        raise fail("say what to change: give --priority N, --skill NAME[:LEVEL] or --no-skill.")
    changed = store.update_tier(open_store(ctx), name, **changes)
    click.echo(f"Tier {name}: {_describe_tier(changed)}.")


@tier.command("list")
@json_option
@click.pass_context
@reports_errors
def tier_list(ctx: click.Context, as_json: bool) -> None:
    """List tiers, highest priority first, with how many customers each has.

    Example:

        branchline tier list --json
    """
    conn = open_store(ctx)
    tiers, counts = store.list_tiers(conn), store.customers_per_tier(conn)
    if as_json:
        print_json([{"name": t.name, "priority": t.priority, "skill": t.skill, "skill_level": t.skill_level,
                     "customers": counts.get(t.name, 0)} for t in tiers])
        return
    rows = [
        (t.name, t.priority, f"{t.skill}:{t.skill_level}" if t.skill else "-", counts.get(t.name, 0)) for t in tiers
    ]
    print_table(("name", "priority", "skill", "customers"), rows, empty="No tiers.")


@tier.command("remove")
@click.argument("name")
@click.pass_context
@reports_errors
def tier_remove(ctx: click.Context, name: str) -> None:
    """Remove a tier that no customer is in (standard always stays).

    Example:

        branchline tier remove gold
    """
    store.remove_tier(open_store(ctx), name)
    click.echo(f"Removed tier {name}.")


# ---- demo tools --------------------------------------------------------------------------------------


@click.command("demo-bank")
@click.option("--listen", default="127.0.0.1:8091", show_default=True, metavar="HOST:PORT", help="Where the service takes HTTP.")
@click.option("--accounts", "accounts_file", type=click.Path(exists=True, dir_okay=False), help="A CSV of card,customer_ref,name,balance,currency (default: the demo's).")
def demo_bank(listen: str, accounts_file: str | None) -> None:
    """A stand-in for the bank's core system, for the demo flow: POST /balance {"card": "..."}.

    Answers 200 {"balance", "currency", "name"} for a known card, 404 for any other, 400 for a
    body that is not JSON like {"card": "4000012345678905"}.

    Example:

        branchline demo-bank --listen 127.0.0.1:8091
    """
    host, sep, port_text = listen.rpartition(":")
    if not sep or not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise fail(f"--listen {listen!r} is not HOST:PORT, for example 127.0.0.1:8091.")
    from appliance.demo.core_banking import ACCOUNTS_FILE, serve_core_banking

    try:
        sys.exit(serve_core_banking(host, int(port_text), Path(accounts_file) if accounts_file else ACCOUNTS_FILE))
    except OSError as exc:
        raise fail(f"cannot serve on {listen}: {exc.strerror or exc}; choose another --listen.") from None
    except ValueError as exc:
        raise fail(f"the accounts file cannot be used: {exc}") from None
