"""Shifts, the roster and swaps (docs/teams.md, "Shifts, roster, swaps"): shift templates, who works
which shift on which local day, and shifts handed to a colleague with the team leader's approval.

Every change is audited with actor 'cli', in the change's own transaction.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import click

from appliance.cli.common import fail, json_option, open_store, print_json, print_table, reports_errors
from appliance.cli.team_cmds import audited
from appliance.clock import now
from appliance.store import roster as rosters
from appliance.store import swaps as swaps_store
from appliance.store.audit import CLI_ACTOR

__all__ = ("roster", "shift", "swap")

DEFAULT_DAYS = 7  # `roster show` without --to: a week


# ---- shift templates ---------------------------------------------------------------------------------


@click.group()
def shift() -> None:
    """Shift templates: local start and end times (an end at or before the start is the next day), breaks, huddle."""


@shift.command("add")
@click.argument("name")
@click.option("--starts", required=True, metavar="HH:MM", help="Local start time.")
@click.option("--ends", required=True, metavar="HH:MM", help="Local end time; at or before --starts: the next day.")
@click.option("--break-minutes", default=0, show_default=True, type=click.IntRange(0), help="Paid break time allowed.")
@click.option("--no-huddle", is_flag=True, help="The team's pre-shift huddle does not come before this shift.")
@click.pass_context
@reports_errors
def shift_add(ctx: click.Context, name: str, starts: str, ends: str, break_minutes: int, no_huddle: bool) -> None:
    """Add a shift template.

    Example:

        branchline shift add early --starts 08:30 --ends 17:00 --break-minutes 60

        branchline shift add night --starts 22:00 --ends 06:00 --break-minutes 30 --no-huddle
    """
    conn = open_store(ctx)
    template = rosters.ShiftTemplate(name, starts, ends, break_minutes, not no_huddle)
    with audited(conn, "shift_added", name, starts=starts, ends=ends, break_minutes=break_minutes, huddle=not no_huddle):
        template = rosters.add_template(conn, template)
    click.echo(f"Added shift {_describe(template)}.")


@shift.command("set")
@click.argument("name")
@click.option("--starts", metavar="HH:MM", help="A new local start time.")
@click.option("--ends", metavar="HH:MM", help="A new local end time.")
@click.option("--break-minutes", type=click.IntRange(0), help="A new break allowance.")
@click.option("--huddle/--no-huddle", default=None, help="Whether the pre-shift huddle comes before it.")
@click.pass_context
@reports_errors
def shift_set(ctx: click.Context, name: str, **options: object) -> None:
    """Change a shift template. Days already rostered with it, past ones too, read the new times.

    Example:

        branchline shift set early --ends 17:30
    """
    changes = {k: v for k, v in options.items() if v is not None}
    if not changes:
        raise fail("nothing to change: give --starts, --ends, --break-minutes or --huddle/--no-huddle.")
    conn = open_store(ctx)
    with audited(conn, "shift_changed", name, **changes):
        template = rosters.change_template(conn, name, **changes)
    click.echo(f"Shift {_describe(template)}.")


@shift.command("list")
@json_option
@click.pass_context
@reports_errors
def shift_list(ctx: click.Context, as_json: bool) -> None:
    """List shift templates by start time.

    Example:

        branchline shift list --json
    """
    found = rosters.list_templates(open_store(ctx))
    if as_json:
        print_json(found)
        return
    rows = [(t.name, t.starts, t.ends + (" (+1 day)" if t.ends <= t.starts else ""), t.break_minutes,
             "yes" if t.huddle else "no") for t in found]
    print_table(("shift", "starts", "ends", "break min", "huddle"), rows,
                empty="No shifts. Add one with 'branchline shift add'.")


@shift.command("remove")
@click.argument("name")
@click.pass_context
@reports_errors
def shift_remove(ctx: click.Context, name: str) -> None:
    """Remove a shift template the roster does not use.

    Example:

        branchline shift remove night
    """
    conn = open_store(ctx)
    with audited(conn, "shift_removed", name):
        rosters.remove_template(conn, name)
    click.echo(f"Removed shift {name}.")


def _describe(t: rosters.ShiftTemplate) -> str:
    next_day = " the next day" if t.ends <= t.starts else ""
    huddle = "with" if t.huddle else "without"
    return f"{t.name}: {t.starts} to {t.ends}{next_day}, {t.break_minutes} min break, {huddle} the huddle"


# ---- the roster --------------------------------------------------------------------------------------


@click.group()
def roster() -> None:
    """Who works which shift on which local day (the day the shift starts): one shift per agent per day."""


@roster.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
@reports_errors
def roster_import(ctx: click.Context, file: Path) -> None:
    """Import a CSV file with the header day,agent,shift (UTF-8). The whole file is checked first:
    if any line is wrong, every wrong line is listed and nothing is stored. A line replaces the
    shift the agent had that day.

    Example:

        branchline roster import december.csv
    """
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise fail(f"{file} is not UTF-8 text: save it as 'CSV UTF-8' and import it again.") from None
    conn = open_store(ctx)
    with audited(conn, "roster_imported", file.name):
        count = rosters.import_roster(conn, text)
    click.echo(f"Imported {count} roster line(s) from {file.name}.")


@roster.command("set")
@click.argument("day", metavar="DAY")
@click.argument("agent_id", metavar="AGENT")
@click.argument("name", metavar="SHIFT")
@click.pass_context
@reports_errors
def roster_set(ctx: click.Context, day: str, agent_id: str, name: str) -> None:
    """Give an agent a shift on a day (YYYY-MM-DD), replacing the one they had.

    Example:

        branchline roster set 2026-12-01 a1001 early
    """
    conn = open_store(ctx)
    with audited(conn, "roster_set", agent_id, day=day, shift=name):
        rosters.set_roster(conn, day, agent_id, name)
    click.echo(f"Agent {agent_id} works shift {name} on {day}.")


@roster.command("clear")
@click.argument("day", metavar="DAY")
@click.argument("agent_id", metavar="AGENT")
@click.pass_context
@reports_errors
def roster_clear(ctx: click.Context, day: str, agent_id: str) -> None:
    """Take an agent off the roster for a day.

    Example:

        branchline roster clear 2026-12-01 a1001
    """
    conn = open_store(ctx)
    with audited(conn, "roster_cleared", agent_id, day=day):
        rosters.clear_roster(conn, day, agent_id)
    click.echo(f"Agent {agent_id} has no shift on {day}.")


@roster.command("show")
@click.option("--from", "first", metavar="DAY", help="First day (default: today).")
@click.option("--to", "last", metavar="DAY", help=f"Last day (default: {DEFAULT_DAYS} days from --from).")
@click.option("--team", metavar="NAME", help="Only this team's agents.")
@json_option
@click.pass_context
@reports_errors
def roster_show(ctx: click.Context, first: str | None, last: str | None, team: str | None, as_json: bool) -> None:
    """Show the roster of some days, with who works each shift after approved swaps.

    Example:

        branchline roster show --from 2026-12-01 --to 2026-12-07 --team cards
    """
    first = rosters.parse_day(first, "--from") if first else date.today().isoformat()
    last = last or (date.fromisoformat(first) + timedelta(days=DEFAULT_DAYS - 1)).isoformat()
    entries = rosters.roster_entries(open_store(ctx), first, last, team)
    if as_json:
        print_json(entries)
        return
    rows = [(e.day, e.agent_id, e.team or "-", e.shift, f"{e.starts}-{e.ends}",
             e.worked_by if e.swap_id is None else f"{e.worked_by} (swap {e.swap_id})") for e in entries]
    print_table(("day", "agent", "team", "shift", "time", "worked by"), rows,
                empty=f"Nobody is rostered from {first} to {last}.")


# ---- swaps -------------------------------------------------------------------------------------------


@click.group()
def swap() -> None:
    """Shift swaps: a colleague of the same team works an agent's shift of a day once approved."""


@swap.command("request")
@click.argument("day", metavar="DAY")
@click.argument("from_agent", metavar="FROM")
@click.argument("to_agent", metavar="TO")
@click.option("--reason", default="", help="Why, for the team leader.")
@click.pass_context
@reports_errors
def swap_request(ctx: click.Context, day: str, from_agent: str, to_agent: str, reason: str) -> None:
    """Ask for TO to work FROM's shift on DAY; the team leader approves or rejects it.

    Example:

        branchline swap request 2026-12-01 a1001 a1002 --reason "dentist"
    """
    conn = open_store(ctx)
    with audited(conn, "swap_requested", from_agent, day=day, to_agent=to_agent):
        made = swaps_store.request_swap(conn, day, from_agent, to_agent, reason, now())
    click.echo(f"Swap {made.id} requested: {to_agent} to work {from_agent}'s shift on {made.day}.")


def _decide(ctx: click.Context, swap_id: int, approve: bool) -> None:
    conn = open_store(ctx)
    with audited(conn, "swap_approved" if approve else "swap_rejected", str(swap_id)):
        decided = swaps_store.decide_swap(conn, swap_id, approve, CLI_ACTOR, now())
    click.echo(f"Swap {decided.id} {decided.status}: {decided.from_agent}'s shift on {decided.day} "
               + (f"is worked by {decided.to_agent}." if approve else "stays theirs."))


@swap.command("approve")
@click.argument("swap_id", metavar="ID", type=int)
@click.pass_context
@reports_errors
def swap_approve(ctx: click.Context, swap_id: int) -> None:
    """Approve a requested swap: the shift and its duties move to the colleague.

    Example:

        branchline swap approve 3
    """
    _decide(ctx, swap_id, True)


@swap.command("reject")
@click.argument("swap_id", metavar="ID", type=int)
@click.pass_context
@reports_errors
def swap_reject(ctx: click.Context, swap_id: int) -> None:
    """Reject a requested swap: the shift stays with its agent.

    Example:

        branchline swap reject 3
    """
    _decide(ctx, swap_id, False)


@swap.command("list")
@click.option("--status", type=click.Choice(swaps_store.STATUSES), help="Only swaps in this state.")
@click.option("--team", metavar="NAME", help="Only this team's swaps.")
@json_option
@click.pass_context
@reports_errors
def swap_list(ctx: click.Context, status: str | None, team: str | None, as_json: bool) -> None:
    """List swaps, the latest day first.

    Example:

        branchline swap list --status requested
    """
    found = swaps_store.list_swaps(open_store(ctx), status=status, team=team)
    if as_json:
        print_json(found)
        return
    rows = [(s.id, s.day, s.from_agent, s.to_agent, s.team or "-", s.status, s.decided_by or "-", s.reason or "-")
            for s in found]
    print_table(("id", "day", "from", "to", "team", "status", "decided by", "reason"), rows, empty="No swaps.")
