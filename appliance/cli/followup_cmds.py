"""KPI targets, flags and complaints from the admin CLI (docs/teams.md, "Targets, flags, improvement
plans" and "Complaints"): `team target`, `team targets`, `team flags` and the `complaint` group.

Changes are written to the audit log with actor 'cli' in the change's own transaction, like the
team commands whose group these join (team_cmds.py).
"""

from __future__ import annotations

from datetime import date, timedelta

import click

from appliance.cli.common import fail, json_option, open_store, print_json, print_table, reports_errors
from appliance.cli.team_cmds import NONE, audited
from appliance.clock import now
from appliance.store import complaints as complaint_store
from appliance.store import targets as target_store
from appliance.store.audit import CLI_ACTOR
from appliance.teamwork.follow_up import evaluate_day
from appliance.teamwork.kpi import KPI_IDS

__all__ = ("TEAM_FOLLOW_UP_COMMANDS", "complaint")


# ---- targets and flags (in the `team` group) ------------------------------------------------------------


@click.command("target")
@click.argument("team_name", metavar="TEAM")
@click.argument("kpi", type=click.Choice(KPI_IDS))
@click.argument("value", metavar="VALUE|-")
@click.pass_context
@reports_errors
def team_target(ctx: click.Context, team_name: str, kpi: str, value: str) -> None:
    """Set a team's target for a KPI; VALUE '-' drops it (back to the default, if the KPI has one).

    Shares are written as fractions (adherence 0.995), times in seconds. Three days in a row on the
    wrong side of a target raise a flag (docs/teams.md).

    Example:

        branchline team target cards aht_s 360

        branchline team target cards adherence -
    """
    conn = open_store(ctx)
    if value == NONE:
        with audited(conn, "target_removed", team_name, kpi=kpi):
            target_store.remove_target(conn, team_name, kpi)
        click.echo(f"Team {team_name} has no target of its own for {kpi} now.")
        return
    try:
        number = float(value)
    except ValueError:
        raise fail(f"target {value!r} is not a number: write it like 0.95 or 360 (or '-' to drop it).") from None
    with audited(conn, "target_set", team_name, kpi=kpi, value=number):
        target = target_store.set_target(conn, team_name, kpi, number)
    click.echo(f"Team {team_name}: {kpi} target {target.target:g} ({target.better} is better).")


@click.command("targets")
@click.argument("team_name", metavar="TEAM")
@json_option
@click.pass_context
@reports_errors
def team_targets(ctx: click.Context, team_name: str, as_json: bool) -> None:
    """List a team's KPI targets, the defaults it has not changed included.

    Example:

        branchline team targets cards --json
    """
    found = target_store.team_targets(open_store(ctx), team_name)
    if as_json:
        print_json(found)
        return
    rows = [(t.kpi, f"{t.target:g}", t.better, "default" if t.default else "team") for t in found]
    print_table(("kpi", "target", "better", "set by"), rows, empty="No targets.")


@click.command("flags")
@click.option("--day", metavar="YYYY-MM-DD", help="The finished local day to evaluate (default: yesterday).")
@json_option
@click.pass_context
@reports_errors
def team_flags(ctx: click.Context, day: str | None, as_json: bool) -> None:
    """Evaluate the KPI flags and team notices for a day, as the server does each night after 00:05.

    Evaluating a day again raises nothing twice.

    Example:

        branchline team flags --day 2026-11-03
    """
    day = day or (date.today() - timedelta(days=1)).isoformat()
    evaluation = evaluate_day(open_store(ctx), day, now())
    if as_json:
        print_json(evaluation)
        return
    rows = [(f.id, f.agent_id, f.kpi, f.level, f"{f.first_day} .. {f.last_day}") for f in evaluation.flags]
    print_table(("flag", "agent", "kpi", "level", "days"), rows, empty=f"No new flags for {day}.")
    for notice in evaluation.notices:
        click.echo(f"Notice to team {notice.team}: {notice.agent_id} {notice.kpi} on {len(notice.days)} days "
                   f"in {notice.month}.")


# ---- complaints ------------------------------------------------------------------------------------------


# Subcommands of `branchline team` (appliance/cli/main.py adds them to the group).
TEAM_FOLLOW_UP_COMMANDS = (team_target, team_targets, team_flags)


@click.group()
def complaint() -> None:
    """Customers' complaints against a call and its agent, the team leader's decision, the monthly analysis."""


month_option = click.option("--month", metavar="YYYY-MM", help="Only complaints received in this local month.")


@complaint.command("add")
@click.argument("call_id", metavar="CALL_ID")
@click.option("--category", required=True, help="What it is about, e.g. attitude, wrong-information, waiting.")
@click.option("--description", required=True, help="What the customer said.")
@click.pass_context
@reports_errors
def complaint_add(ctx: click.Context, call_id: str, category: str, description: str) -> None:
    """Register a complaint against the agent who took the call.

    Example:

        branchline complaint add 7f3c2a --category attitude --description "Rushed me off the phone"
    """
    conn = open_store(ctx)
    with audited(conn, "complaint_added", call_id, category=category):
        added = complaint_store.add_complaint(conn, call_id, category, description, CLI_ACTOR, now())
    click.echo(f"Complaint {added.id} registered against agent {added.agent_id} (call {call_id}).")


@complaint.command("decide")
@click.argument("complaint_id", metavar="ID", type=int)
@click.option("--substantiated/--not-substantiated", required=True, help="Whether the complaint holds.")
@click.option("--note", required=True, help="Why: what the recording or the agent showed.")
@click.pass_context
@reports_errors
def complaint_decide(ctx: click.Context, complaint_id: int, substantiated: bool, note: str) -> None:
    """Decide whether a complaint is substantiated, with a note; deciding again replaces the decision.

    Example:

        branchline complaint decide 12 --not-substantiated --note "The recording shows a polite call"
    """
    conn = open_store(ctx)
    with audited(conn, "complaint_decided", str(complaint_id), substantiated=substantiated):
        complaint_store.decide_complaint(conn, complaint_id, substantiated, note, CLI_ACTOR, now())
    click.echo(f"Complaint {complaint_id}: {'substantiated' if substantiated else 'not substantiated'}.")


@complaint.command("list")
@month_option
@json_option
@click.pass_context
@reports_errors
def complaint_list(ctx: click.Context, month: str | None, as_json: bool) -> None:
    """List complaints, newest first.

    Example:

        branchline complaint list --month 2026-11
    """
    if month is not None:
        complaint_store.parse_month(month)
    found = complaint_store.list_complaints(open_store(ctx), month=month)
    if as_json:
        print_json(found)
        return
    rows = [(c.id, c.received_at[:16].replace("T", " "), c.call_id, c.agent_id, c.category,
             {None: "undecided", True: "substantiated", False: "not substantiated"}[c.substantiated])
            for c in found]
    print_table(("id", "received (UTC)", "call", "agent", "category", "decision"), rows, empty="No complaints.")


@complaint.command("analysis")
@click.option("--month", required=True, metavar="YYYY-MM", help="The local month to analyse.")
@json_option
@click.pass_context
@reports_errors
def complaint_analysis(ctx: click.Context, month: str, as_json: bool) -> None:
    """A month's complaints by category and by agent, and the share substantiated (of those decided).

    Example:

        branchline complaint analysis --month 2026-11 --json
    """
    analysis = complaint_store.complaint_analysis(open_store(ctx), month)
    if as_json:
        print_json(analysis)
        return
    share = "-" if analysis.substantiated_share is None else f"{analysis.substantiated_share:.0%}"
    click.echo(f"{month}: {analysis.complaints} complaints, {analysis.decided} decided, "
               f"{analysis.substantiated} substantiated ({share} of those decided).")
    if not analysis.complaints:
        return
    click.echo("")
    print_table(("category", "complaints", "substantiated"),
                [(c.category, c.complaints, c.substantiated) for c in analysis.by_category], empty="")
    click.echo("")
    print_table(("agent", "name", "complaints", "substantiated"),
                [(a.agent_id, a.name, a.complaints, a.substantiated) for a in analysis.by_agent], empty="")
