"""Outbound calling: the dial plan (what may be dialled, through which trunk) and trunks' outbound proxies."""

from __future__ import annotations

import sys

import click
import msgspec

from appliance.cli.common import fail, json_option, open_store, print_json, print_table, reports_errors
from appliance.cli.config_cmds import trunk
from appliance.core.dialplan import MAX_STRIP, DialRoute, route
from appliance.model import DialRule, Trunk, parse_name
from appliance.store import config as store
from appliance.store import telephony

__all__ = ("dialplan", "trunk")

EXIT_REFUSED = 1


def _note_if_trunk_cannot_dial(t: Trunk | None) -> None:
    if t is not None and not t.outbound_proxy and not t.register_uri:
        click.echo(
            f"Note: trunk {t.name} has neither a registration nor an outbound proxy, so calls cannot leave through "
            f"it until 'branchline trunk set {t.name} --outbound-proxy sip:HOST[:PORT]'."
        )


@trunk.command("set")
@click.argument("name")
@click.option("--outbound-proxy", metavar="sip:HOST[:PORT]", help="Send calls out through this trunk here.")
@click.option("--no-outbound-proxy", is_flag=True, help="Remove the outbound proxy (a carrier trunk then dials its registrar).")
@click.pass_context
@reports_errors
def trunk_set(ctx: click.Context, name: str, outbound_proxy: str | None, no_outbound_proxy: bool) -> None:
    """Change a trunk's settings.

    Example:

        branchline trunk set pstn-gw --outbound-proxy sip:192.0.2.10:5060
    """
    if bool(outbound_proxy) == no_outbound_proxy:
        raise fail("give --outbound-proxy sip:HOST[:PORT] or --no-outbound-proxy (one of them).")
    conn = open_store(ctx)
    telephony.set_trunk_outbound_proxy(conn, name, outbound_proxy)
    changed = store.load_config(conn).trunk(name)
    click.echo(f"Trunk {name} outbound proxy: {changed.outbound_proxy or 'none'}.")
    _note_if_trunk_cannot_dial(changed)


@click.group()
def dialplan() -> None:
    """What numbers may be dialled out, through which trunk: nothing leaves unless a rule allows it.

    \b
    Patterns are as in Asterisk: X = 0-9, Z = 1-9, N = 2-9, [135] or [1-5] = one of those digits,
    other digits stand for themselves, '+' only first, and last only: '.' = one or more digits,
    '!' = zero or more. Rules are tried in order; the first that matches the whole number decides.
    """


@dialplan.command("add")
@click.argument("name")
@click.option("--pattern", required=True, help="The numbers this rule allows, for example NXXXXXXX or 1[3-9]XXXXXXXXX.")
@click.option("--trunk", "trunk_name", required=True, metavar="TRUNK", help="The trunk the calls go out through.")
@click.option("--strip", default=0, show_default=True, type=click.IntRange(0, MAX_STRIP), help="Leading characters removed before dialling (a leading '+' counts as one).")
@click.option("--prefix", default="", help="Digits put in front after stripping, for example 0 or +86.")
@click.option("--before", metavar="RULE", help="Try this rule just before RULE (default: after all others).")
@click.pass_context
@reports_errors
def dialplan_add(ctx: click.Context, name: str, pattern: str, trunk_name: str, strip: int, prefix: str, before: str | None) -> None:
    """Allow numbers matching a pattern to be dialled out through a trunk.

    The examples allow 8-digit local numbers and mobiles through the gateway, and international
    numbers with 00 in place of the '+'.

    Example:

        branchline dialplan add local --pattern NXXXXXXX --trunk pstn-gw

        branchline dialplan add mobile --pattern 1[3-9]XXXXXXXXX --trunk pstn-gw

        branchline dialplan add intl --pattern +. --trunk pstn-gw --strip 1 --prefix 00
    """
    parse_name(name, "dial rule")
    conn = open_store(ctx)
    telephony.add_dial_rule(conn, DialRule(name, pattern, trunk_name, strip, prefix), before=before)
    click.echo(f"Added dial rule {name}: {pattern} through trunk {trunk_name}.")
    _note_if_trunk_cannot_dial(store.load_config(conn).trunk(trunk_name))


@dialplan.command("list")
@json_option
@click.pass_context
@reports_errors
def dialplan_list(ctx: click.Context, as_json: bool) -> None:
    """List the dial rules in the order they are tried.

    Example:

        branchline dialplan list --json
    """
    rules = store.load_config(open_store(ctx)).dial_rules
    if as_json:
        print_json(rules)
        return
    rows = [(i, r.name, r.pattern, r.trunk, r.strip, r.prefix or "-") for i, r in enumerate(rules, 1)]
    print_table(("#", "name", "pattern", "trunk", "strip", "prefix"), rows,
                empty="No dial rules: nothing may be dialled out. Add one with 'branchline dialplan add'.")


@dialplan.command("remove")
@click.argument("name")
@click.pass_context
@reports_errors
def dialplan_remove(ctx: click.Context, name: str) -> None:
    """Remove a dial rule.

    Example:

        branchline dialplan remove intl
    """
    telephony.remove_dial_rule(open_store(ctx), name)
    click.echo(f"Removed dial rule {name}.")


@dialplan.command("test")
@click.argument("number")
@json_option
@click.pass_context
@reports_errors
def dialplan_test(ctx: click.Context, number: str, as_json: bool) -> None:
    """Say whether a number may be dialled out, by which rule and trunk, and what would be dialled.

    Exits with status 1 when the number would be refused.

    Example:

        branchline dialplan test 13800000000
    """
    result = route(store.load_config(open_store(ctx)).dial_rules, number)
    if as_json:
        print_json({"allowed": isinstance(result, DialRoute), **msgspec.to_builtins(result)})
    elif isinstance(result, DialRoute):
        click.echo(f"{number}: allowed by rule {result.rule.name} ({result.rule.pattern}); "
                   f"dials {result.number_to_dial} through trunk {result.trunk}.")
    else:
        click.echo(f"{number}: refused: {result.reason}")
    if not isinstance(result, DialRoute):
        sys.exit(EXIT_REFUSED)
