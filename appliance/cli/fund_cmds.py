"""The team fund from the admin CLI (docs/teams.md, "Recognition and team life"): the `fund`
group. Changes are written to the audit log with actor 'cli' in the change's own transaction;
fund entries name 'cli' as who recorded them. Amounts are written in yuan (10, 12.50).
"""

from __future__ import annotations

import click

from appliance.cli.common import fail, json_option, open_store, print_json, print_table, reports_errors
from appliance.cli.recognition_cmds import month_option
from appliance.cli.team_cmds import NONE, audited
from appliance.clock import now
from appliance.store import fund as fund_store
from appliance.store import recognition as recognition_store
from appliance.store.audit import CLI_ACTOR
from appliance.store.complaints import parse_month
from appliance.teamwork.fund_rules import format_fen, parse_amount, statement_csv

__all__ = ("fund",)


# ---- the team fund ---------------------------------------------------------------------------------------


@click.group()
def fund() -> None:
    """The team fund: contributions, penalties by the team's rules, spending, the statement."""


@fund.command("settings")
@click.argument("team_name", metavar="TEAM")
@click.option("--member", "member", metavar="YUAN", help="Each member's monthly contribution (default 10).")
@click.option("--leader", "leader", metavar="YUAN", help="Each team leader's monthly contribution (default 50).")
@click.pass_context
@reports_errors
def fund_settings(ctx: click.Context, team_name: str, member: str | None, leader: str | None) -> None:
    """Show or set the monthly contributions.

    Example:

        branchline fund settings cards --member 10 --leader 50
    """
    conn = open_store(ctx)
    changes = {}
    if member is not None:
        changes["member_fen"] = parse_amount(member, "the member's contribution")
    if leader is not None:
        changes["leader_fen"] = parse_amount(leader, "the team leader's contribution")
    if changes:
        with audited(conn, "fund_settings_set", team_name, **changes):
            found = recognition_store.set_rules(conn, team_name, **changes).fund
    else:
        found = recognition_store.team_rules(conn, team_name).fund
    click.echo(f"Team {team_name}: {format_fen(found.member_fen)} per member and {format_fen(found.leader_fen)} "
               f"per team leader each month.")


@fund.command("rules")
@click.argument("team_name", metavar="TEAM")
@json_option
@click.pass_context
@reports_errors
def fund_rules(ctx: click.Context, team_name: str, as_json: bool) -> None:
    """List the team's penalty rules.

    Example:

        branchline fund rules cards
    """
    found = fund_store.penalty_rules(open_store(ctx), team_name)
    if as_json:
        print_json(found)
        return
    print_table(("rule", "amount"), [(r.name, r.amount) for r in found],
                empty=f"No penalty rules: 'branchline fund rule {team_name} NAME AMOUNT' adds one.")


@fund.command("rule")
@click.argument("team_name", metavar="TEAM")
@click.argument("name")
@click.argument("amount", metavar="AMOUNT|-")
@click.pass_context
@reports_errors
def fund_rule(ctx: click.Context, team_name: str, name: str, amount: str) -> None:
    """Add a penalty rule or change its amount; AMOUNT '-' removes it.

    Example:

        branchline fund rule cards "missed quiz answer" 2

        branchline fund rule cards "missed quiz answer" -
    """
    conn = open_store(ctx)
    if amount == NONE:
        with audited(conn, "fund_rule_removed", team_name, rule=name):
            fund_store.remove_penalty_rule(conn, team_name, name)
        click.echo(f"Team {team_name} has no penalty rule {name!r} now.")
        return
    fen = parse_amount(amount)
    with audited(conn, "fund_rule_set", team_name, rule=name, amount_fen=fen):
        fund_store.set_penalty_rule(conn, team_name, name, fen)
    click.echo(f"Team {team_name}: {name} costs {format_fen(fen)}.")


def _entry_line(e) -> str:
    return f"Entry {e.id}: {e.kind} {format_fen(e.amount_fen)}" + (f" ({e.member})" if e.member else "") + "."


@fund.command("contribute")
@click.argument("team_name", metavar="TEAM")
@click.argument("member", metavar="MEMBER")
@click.option("--amount", metavar="YUAN", help="Default: the team's monthly amount for them.")
@month_option
@click.pass_context
@reports_errors
def fund_contribute(ctx: click.Context, team_name: str, member: str, amount: str | None, month: str | None) -> None:
    """Record one contribution: MEMBER is an agent id, or a team leader's username.

    Example:

        branchline fund contribute cards a1001 --month 2026-11
    """
    conn = open_store(ctx)
    fen = parse_amount(amount) if amount is not None else None
    with audited(conn, "fund_contribution", team_name, member=member):
        entry = fund_store.add_contribution(conn, team_name, member, CLI_ACTOR, now(), amount_fen=fen, month=month)
    click.echo(_entry_line(entry))


@fund.command("collect")
@click.argument("team_name", metavar="TEAM")
@click.option("--month", required=True, metavar="YYYY-MM", help="The month the contributions are for.")
@click.pass_context
@reports_errors
def fund_collect(ctx: click.Context, team_name: str, month: str) -> None:
    """Record every contribution due for a month (each member's and team leader's monthly amount,
    less what they have paid for it); running it again records only what is missing.

    Example:

        branchline fund collect cards --month 2026-11
    """
    conn = open_store(ctx)
    parse_month(month)
    with audited(conn, "fund_collected", team_name, month=month):
        entries = fund_store.collect_month(conn, team_name, month, CLI_ACTOR, now())
    total = sum(e.amount_fen for e in entries)
    click.echo(f"Recorded {len(entries)} contributions for {month}: {format_fen(total)} in all.")


@fund.command("penalty")
@click.argument("team_name", metavar="TEAM")
@click.argument("agent_id", metavar="AGENT")
@click.argument("rule")
@click.option("--note", default="", help="What happened.")
@click.pass_context
@reports_errors
def fund_penalty(ctx: click.Context, team_name: str, agent_id: str, rule: str, note: str) -> None:
    """Record a penalty by one of the team's rules, at the rule's amount.

    Example:

        branchline fund penalty cards a1001 "missed quiz answer" --note "huddle of 12-01"
    """
    conn = open_store(ctx)
    with audited(conn, "fund_penalty", team_name, member=agent_id, rule=rule):
        entry = fund_store.add_penalty(conn, team_name, agent_id, rule, CLI_ACTOR, now(), note)
    click.echo(_entry_line(entry))


@fund.command("spend")
@click.argument("team_name", metavar="TEAM")
@click.argument("amount", metavar="YUAN")
@click.option("--description", required=True, help="What the money was spent on.")
@click.option("--receipt", required=True, help="The receipt's number or who keeps it ('none' if there is none).")
@click.pass_context
@reports_errors
def fund_spend(ctx: click.Context, team_name: str, amount: str, description: str, receipt: str) -> None:
    """Record money spent from the fund.

    Example:

        branchline fund spend cards 120 --description "Prizes for November" --receipt "No. 0042, kept by Fay"
    """
    conn = open_store(ctx)
    fen = parse_amount(amount)
    with audited(conn, "fund_spending", team_name, amount_fen=fen):
        entry = fund_store.add_spending(conn, team_name, fen, description, receipt, CLI_ACTOR, now())
    click.echo(_entry_line(entry))


@fund.command("reverse")
@click.argument("entry_id", metavar="ENTRY", type=int)
@click.option("--reason", required=True, help="Why the entry was wrong.")
@click.pass_context
@reports_errors
def fund_reverse(ctx: click.Context, entry_id: int, reason: str) -> None:
    """Correct an entry: a new entry with the opposite amount (entries are never edited).

    Example:

        branchline fund reverse 12 --reason "Recorded twice"
    """
    conn = open_store(ctx)
    with audited(conn, "fund_reversal", str(entry_id), reason=reason):
        entry = fund_store.reverse_entry(conn, entry_id, reason, CLI_ACTOR, now())
    click.echo(_entry_line(entry))


@fund.command("statement")
@click.argument("team_name", metavar="TEAM")
@json_option
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV for a spreadsheet.")
@click.pass_context
@reports_errors
def fund_statement(ctx: click.Context, team_name: str, as_json: bool, as_csv: bool) -> None:
    """Every movement of the fund with the running balance.

    Example:

        branchline fund statement cards --csv > cards-fund.csv
    """
    if as_json and as_csv:
        raise fail("choose one of --json and --csv.")
    found = fund_store.fund_statement(open_store(ctx), team_name)
    if as_json:
        print_json(found)
        return
    if as_csv:
        click.echo(statement_csv(found), nl=False)
        return
    print_table(("id", "day", "kind", "member", "amount", "balance", "details", "by"),
                [(e.id, e.day, e.kind, e.member, format_fen(e.amount_fen), format_fen(e.balance_fen),
                  _details(e), e.recorded_by) for e in found.entries], empty="No movements yet.")
    click.echo(f"Balance: {found.balance}")


def _details(e) -> str:
    parts = [e.rule, e.description, e.receipt and f"receipt: {e.receipt}",
             e.reverses and f"reverses {e.reverses}", e.reversed_by and f"reversed by {e.reversed_by}"]
    return "; ".join(str(p) for p in parts if p)
