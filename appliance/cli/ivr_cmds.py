"""IVR flows from the command line: check a flow file, apply it as a new version, list versions,
show one, roll back, and look at what calls did in their flows."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import apsw
import click
import msgspec

from appliance.cli.common import data_dir, fail, json_option, open_store, print_json, print_table, reports_errors
from appliance.core.flow_context import flow_context
from appliance.core.prompts import PromptLibrary
from appliance.ivr.check import FlowContext, check_flow, format_problem
from appliance.ivr.nodes import Flow
from appliance.resources import prompts_dir
from appliance.store import ivr as store
from appliance.store.config import load_config

__all__ = ("ivr",)

EXIT_PROBLEMS = 2


@click.group()
def ivr() -> None:
    """Voice menus: flows of named nodes in TOML files (docs/ivr.md describes the format)."""


def _context(ctx: click.Context, conn: apsw.Connection) -> FlowContext:
    return flow_context(load_config(conn), PromptLibrary(data_dir(ctx).prompts, prompts_dir()))


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise fail(f"there is no file {path!r}: give the path of a flow file (.toml).") from None
    except IsADirectoryError:
        raise fail(f"{path!r} is a directory: give the path of a flow file (.toml).") from None
    except UnicodeDecodeError:
        raise fail(f"{path!r} is not UTF-8 text: save the flow file as UTF-8.") from None


def _checked(ctx: click.Context, conn: apsw.Connection, path: str) -> tuple[Flow, str]:
    """The flow in `path` if it passes every check; otherwise every problem, and exit status 2."""
    source = _read(path)
    flow, problems = check_flow(source, _context(ctx, conn))
    if problems or flow is None:
        for problem in problems:
            click.echo(format_problem(problem, path), err=True)
        count = len(problems)
        click.echo(f"{path}: {count} problem{'s' if count != 1 else ''}; nothing was changed.", err=True)
        ctx.exit(EXIT_PROBLEMS)
    return flow, source


@ivr.command("check")
@click.argument("file", type=click.Path(dir_okay=True))
@click.pass_context
@reports_errors
def ivr_check(ctx: click.Context, file: str) -> None:
    """Check a flow file and report every problem, with its line and node.

    Exit status 0 when the flow can be applied, 2 when it has problems.

    Example:

        branchline ivr check bank.toml
    """
    flow, _ = _checked(ctx, open_store(ctx), file)
    click.echo(f"{file}: flow {flow.name} is valid ({len(flow.nodes)} nodes, languages {', '.join(flow.languages)}).")


@ivr.command("apply")
@click.argument("file", type=click.Path(dir_okay=True))
@click.option("--note", default="", help="Why this version: shown by 'ivr list'.")
@click.pass_context
@reports_errors
def ivr_apply(ctx: click.Context, file: str, note: str) -> None:
    """Check a flow file and make it the version new calls start on.

    Calls already in the flow finish on the version they started with. Every version is kept:
    'ivr rollback' goes back to the one before.

    Example:

        branchline ivr apply bank.toml --note "holiday hours for October"
    """
    conn = open_store(ctx)
    flow, source = _checked(ctx, conn, file)
    before = store.active_flow_versions(conn).get(flow.name)
    version = store.save_flow_version(conn, flow.name, source, len(flow.nodes), time.time(), note)
    after = f"; calls in progress finish on version {before}" if before else ""
    click.echo(f"Flow {flow.name} version {version} is active: new calls start on it{after}.")
    if not any(d.flow == flow.name for d in load_config(conn).dids):
        click.echo(f"No number leads to it yet: 'branchline did add NUMBER --flow {flow.name}'.")


@ivr.command("list")
@click.argument("name", required=False)
@json_option
@click.pass_context
@reports_errors
def ivr_list(ctx: click.Context, name: str | None, as_json: bool) -> None:
    """List flows, or every version of one flow; * marks the version new calls start on.

    Example:

        branchline ivr list bank
    """
    versions = store.flow_versions(open_store(ctx), name)
    if as_json:
        print_json(versions)
        return
    rows = [
        (v.name, f"{v.version}{' *' if v.active else ''}", v.nodes, v.applied_at[:19].replace("T", " "), v.note)
        for v in versions
        if name is not None or v.active
    ]
    print_table(("flow", "version", "nodes", "applied (UTC)", "note"), rows,
                empty="No flows. Check one with 'branchline ivr check FILE', then 'branchline ivr apply FILE'.")


@ivr.command("show")
@click.argument("name")
@click.option("--version", "version", type=click.IntRange(1), help="This version instead of the active one.")
@click.pass_context
@reports_errors
def ivr_show(ctx: click.Context, name: str, version: int | None) -> None:
    """Print a flow's source exactly as it was applied: save it, edit it, apply it again.

    Example:

        branchline ivr show bank --version 2 > bank.toml
    """
    _, source = store.flow_source(open_store(ctx), name, version)
    click.echo(source, nl=not source.endswith("\n"))


@ivr.command("rollback")
@click.argument("name")
@click.option("--to", "to_version", type=click.IntRange(1), help="This version (default: the one before the active one).")
@click.pass_context
@reports_errors
def ivr_rollback(ctx: click.Context, name: str, to_version: int | None) -> None:
    """Make an earlier version the one new calls start on.

    Example:

        branchline ivr rollback bank
    """
    conn = open_store(ctx)
    with conn:
        active = store.active_flow_versions(conn).get(name)
        target = to_version or store.previous_version(conn, name)
        store.activate_flow(conn, name, target, time.time())
    click.echo(f"Flow {name} is back on version {target} (was {active}); calls in progress finish on theirs.")


@ivr.command("path")
@click.argument("call_id")
@json_option
@click.pass_context
@reports_errors
def ivr_path(ctx: click.Context, call_id: str, as_json: bool) -> None:
    """Show a call's path through its flow: nodes, keys, outcomes, in order.

    Example:

        branchline ivr path 20261130091502-a1b2c3
    """
    steps = store.call_path(open_store(ctx), call_id)
    if as_json:
        print_json(steps)
        return
    rows = [
        (s.seq, s.at[11:23], s.node, s.kind, s.outcome, s.digits, " ".join(f"{k}={v}" for k, v in s.details.items()))
        for s in steps
    ]
    print_table(("#", "at (UTC)", "node", "kind", "outcome", "keys", "details"), rows,
                empty=f"Call {call_id} has no IVR path: it did not go through a flow, or there is no such call.")


@ivr.command("stats")
@click.option("--day", type=click.DateTime(["%Y-%m-%d"]), help="This day (UTC, default today).")
@json_option
@click.pass_context
@reports_errors
def ivr_stats(ctx: click.Context, day: datetime | None, as_json: bool) -> None:
    """Containment per flow: how many calls the IVR finished without an agent.

    Contained: the flow ended the call (self-service). Queued: the caller went on to an agent.
    Callbacks and voicemail leave work for an agent, so they are not contained.

    Example:

        branchline ivr stats --day 2026-11-30
    """
    first = (day.date() if day else datetime.now(UTC).date())
    since, until = _day_bounds(first)
    figures = store.containment(open_store(ctx), since, until)
    if as_json:
        print_json([{**msgspec.to_builtins(f), "containment": f.rate} for f in figures])
        return
    rows = [
        (f.flow, f.calls, f.contained, "-" if f.rate is None else f"{f.rate:.1%}", f.queued, f.transferred, f.abandoned)
        for f in figures
    ]
    print_table(("flow", "calls", "contained", "containment", "queued", "transferred", "hung up in ivr"), rows,
                empty=f"No calls went through a flow on {first}.")


def _day_bounds(day: date) -> tuple[str, str]:
    return f"{day.isoformat()}T00:00:00", f"{(day + timedelta(days=1)).isoformat()}T00:00:00"
