"""Recognition and team activities from the admin CLI (docs/teams.md, "Recognition and team
life"): the `recognition` and `activity` groups (the team fund is `fund_cmds.py`).

Changes are written to the audit log with actor 'cli' in the change's own transaction.
"""

from __future__ import annotations

import time

import click

from appliance.cli.common import json_option, open_store, print_json, print_table, reports_errors
from appliance.cli.team_cmds import audited
from appliance.clock import now
from appliance.store import activities as activity_store
from appliance.store import recognition as recognition_store
from appliance.store.audit import CLI_ACTOR
from appliance.teamwork.fund_rules import format_fen

__all__ = ("activity", "recognition", "month_option", "this_month")


def this_month() -> str:
    return time.strftime("%Y-%m")


month_option = click.option("--month", metavar="YYYY-MM", help="The local month (default: this one).")


# ---- recognition ---------------------------------------------------------------------------------------


@click.group()
def recognition() -> None:
    """Monthly awards: the leaderboard, squad competition, most improved, best trainer, contribution."""


@recognition.command("rules")
@click.argument("team_name", metavar="TEAM")
@click.option("--top", "top_n", type=int, help="Places rewarded (default 2).")
@click.option("--bottom", "bottom_n", type=int, help="Places from the bottom that contribute the prizes (default 2).")
@click.option("--absence-points", type=int, help="Squad competition points lost per shift missed (default 2).")
@click.option("--late-points", type=int, help="Points lost per day a member was late (default 1).")
@click.option("--skip-points", type=int, help="Points lost per team activity skipped (default 1).")
@json_option
@click.pass_context
@reports_errors
def recognition_rules(ctx: click.Context, team_name: str, as_json: bool, **changes: int | None) -> None:
    """Show a team's recognition and fund rules, or change some of them.

    Example:

        branchline recognition rules cards --top 3 --skip-points 2
    """
    conn = open_store(ctx)
    changes = {k: v for k, v in changes.items() if v is not None}
    if changes:
        with audited(conn, "recognition_rules_set", team_name, **changes):
            found = recognition_store.set_rules(conn, team_name, **changes)
    else:
        found = recognition_store.team_rules(conn, team_name)
    if as_json:
        print_json(found)
        return
    r, f = found.recognition, found.fund
    click.echo(f"Team {team_name}: top {r.top_n} rewarded, bottom {r.bottom_n} contribute; squad points lost per "
               f"absence {r.absence_points}, per late day {r.late_points}, per skipped activity {r.skip_points}; "
               f"monthly contribution {format_fen(f.member_fen)} per member, {format_fen(f.leader_fen)} per team leader.")


def _print_results(found: recognition_store.Results) -> None:
    name = found.names.get
    state = f"published by {found.published_by} at {found.published_at}" if found.published_at else "not published"
    click.echo(f"Team {found.team}, {found.month} (through {found.through}), {state}.")
    click.echo("\nLeaderboard:")
    print_table(("place", "agent", "name", "composite", "award"),
                [(r.place, r.agent_id, name(r.agent_id, ""), f"{r.score:.1f}", r.award or "") for r in found.leaderboard],
                empty="Nobody ranked (no calls this month).")
    click.echo("\nSquad competition:")
    print_table(("place", "squad", "total", "composite", "discipline", "absences", "late days", "skips"),
                [(s.place, s.squad + (" (winner)" if s.winner else ""), f"{s.total:.1f}", f"{s.composite:.1f}",
                  s.discipline.points, s.discipline.absences, s.discipline.late_days, s.discipline.skips)
                 for s in found.squads], empty="No squads.")
    click.echo(f"\nMost improved ({found.improved_from} against {found.month}-01..{found.improved_through[-2:]}):")
    print_table(("place", "agent", "before", "after", "gain"),
                [(i.place, i.agent_id + (" (winner)" if i.winner else ""), f"{i.before:.1f}", f"{i.after:.1f}",
                  f"{i.gain:+.1f}") for i in found.most_improved], empty="Nobody with calls in both periods.")
    click.echo("\nBest trainer:")
    print_table(("place", "trainer", "votes"),
                [(t.place, t.trainer + (" (winner)" if t.winner else ""), t.votes) for t in found.best_trainer],
                empty="The team has no trainers.")
    award = found.contribution
    click.echo(f"\nContribution award: {f'{award.name} ({award.agent_id}): {award.reason}' if award else 'none'}")


@recognition.command("preview")
@click.argument("team_name", metavar="TEAM")
@month_option
@json_option
@click.pass_context
@reports_errors
def recognition_preview(ctx: click.Context, team_name: str, month: str | None, as_json: bool) -> None:
    """Compute a month's results as they stand now, without publishing them.

    Example:

        branchline recognition preview cards --month 2026-11
    """
    found = recognition_store.compute_results(open_store(ctx), team_name, month or this_month(), now())
    print_json(found) if as_json else _print_results(found)


@recognition.command("publish")
@click.argument("team_name", metavar="TEAM")
@click.option("--month", required=True, metavar="YYYY-MM", help="The local month whose results to publish.")
@click.option("--replace", is_flag=True, help="Publish a month again, replacing what was published.")
@click.pass_context
@reports_errors
def recognition_publish(ctx: click.Context, team_name: str, month: str, replace: bool) -> None:
    """Publish a month's results: kept as they are now, and announced to the team's desktops.

    A running server shows the notice at the desktops' next refresh.

    Example:

        branchline recognition publish cards --month 2026-11
    """
    conn = open_store(ctx)
    with audited(conn, "recognition_published", team_name, month=month, replace=replace):
        found = recognition_store.publish(conn, team_name, month, CLI_ACTOR, now(), replace=replace)
    click.echo(f"Published the results of {found.month} for team {team_name}.")


@recognition.command("show")
@click.argument("team_name", metavar="TEAM")
@click.option("--month", metavar="YYYY-MM", help="The published month (default: the latest).")
@json_option
@click.pass_context
@reports_errors
def recognition_show(ctx: click.Context, team_name: str, month: str | None, as_json: bool) -> None:
    """Show a month's results as they were published.

    Example:

        branchline recognition show cards --month 2026-11
    """
    found = recognition_store.published(open_store(ctx), team_name, month)
    print_json(found) if as_json else _print_results(found)


@recognition.command("history")
@click.argument("team_name", metavar="TEAM")
@json_option
@click.pass_context
@reports_errors
def recognition_history(ctx: click.Context, team_name: str, as_json: bool) -> None:
    """List the months whose results the team has published, latest first.

    Example:

        branchline recognition history cards
    """
    found = recognition_store.published_months(open_store(ctx), team_name)
    if as_json:
        print_json(found)
        return
    print_table(("month", "published by", "at (UTC)"), [(p.month, p.published_by, p.published_at[:16]) for p in found],
                empty="Nothing published yet.")


@recognition.command("nominate")
@click.argument("team_name", metavar="TEAM")
@click.argument("agent_id", metavar="AGENT")
@click.option("--reason", required=True, help="Why: e.g. which laggards they lifted and how.")
@month_option
@click.pass_context
@reports_errors
def recognition_nominate(ctx: click.Context, team_name: str, agent_id: str, reason: str, month: str | None) -> None:
    """Give the month's contribution award to a member, with the reason (again: replaces it).

    Example:

        branchline recognition nominate cards a1002 --reason "Coached two new agents to target"
    """
    conn = open_store(ctx)
    month = month or this_month()
    with audited(conn, "contribution_nominated", team_name, month=month, agent=agent_id):
        recognition_store.nominate(conn, team_name, month, agent_id, reason, CLI_ACTOR, now())
    click.echo(f"Contribution award of {month} for team {team_name}: {agent_id}.")


@recognition.command("votes")
@click.argument("team_name", metavar="TEAM")
@month_option
@json_option
@click.pass_context
@reports_errors
def recognition_votes(ctx: click.Context, team_name: str, month: str | None, as_json: bool) -> None:
    """Count the best-trainer votes of a month so far (members vote on their desktop).

    Example:

        branchline recognition votes cards --month 2026-11
    """
    found = recognition_store.trainer_votes(open_store(ctx), team_name, month or this_month())
    if as_json:
        print_json(found)
        return
    print_table(("place", "trainer", "votes"), [(t.place, t.trainer, t.votes) for t in found],
                empty="The team has no trainers: 'branchline team role add TEAM AGENT trainer'.")


# ---- activities ----------------------------------------------------------------------------------------


@click.group()
def activity() -> None:
    """Team activities: planned with a day and place, attendance per member; skips cost the squad points."""


@activity.command("add")
@click.argument("team_name", metavar="TEAM")
@click.option("--title", required=True, help="What it is, e.g. 'Hiking at Xiangshan'.")
@click.option("--day", required=True, metavar="YYYY-MM-DD", help="The local day.")
@click.option("--place", default="", help="Where.")
@click.option("--notes", default="", help="Anything members should know.")
@click.pass_context
@reports_errors
def activity_add(ctx: click.Context, team_name: str, title: str, day: str, place: str, notes: str) -> None:
    """Plan a team activity.

    Example:

        branchline activity add cards --title "Team dinner" --day 2026-12-12 --place "Lotus Garden"
    """
    conn = open_store(ctx)
    with audited(conn, "activity_added", team_name, title=title, day=day):
        added = activity_store.add_activity(conn, team_name, title, day, place, CLI_ACTOR, now(), notes)
    click.echo(f"Activity {added.id}: {added.title} on {added.day}.")


@activity.command("list")
@click.argument("team_name", metavar="TEAM")
@click.option("--from", "first", metavar="YYYY-MM-DD", help="From this day.")
@click.option("--to", "last", metavar="YYYY-MM-DD", help="Up to this day.")
@json_option
@click.pass_context
@reports_errors
def activity_list(ctx: click.Context, team_name: str, first: str | None, last: str | None, as_json: bool) -> None:
    """List a team's activities by day, with attendance counts.

    Example:

        branchline activity list cards --from 2026-12-01 --json
    """
    found = activity_store.list_activities(open_store(ctx), team_name, first=first, last=last)
    if as_json:
        print_json(found)
        return

    def count(a, status):
        return sum(x.status == status for x in a.attendance)

    print_table(("id", "day", "title", "place", "attended", "skipped", "excused", "state"),
                [(a.id, a.day, a.title, a.place, count(a, "attended"), count(a, "skipped"), count(a, "excused"),
                  "cancelled" if a.cancelled else "") for a in found], empty="No activities.")


@activity.command("attend")
@click.argument("activity_id", metavar="ID", type=int)
@click.argument("agent_id", metavar="AGENT")
@click.argument("status", type=click.Choice(activity_store.ATTENDANCE))
@click.pass_context
@reports_errors
def activity_attend(ctx: click.Context, activity_id: int, agent_id: str, status: str) -> None:
    """Record whether a member attended, skipped or was excused.

    Example:

        branchline activity attend 3 a1001 skipped
    """
    conn = open_store(ctx)
    with audited(conn, "activity_attendance", str(activity_id), agent=agent_id, status=status):
        activity_store.record_attendance(conn, activity_id, agent_id, status, CLI_ACTOR, now())
    click.echo(f"Activity {activity_id}: {agent_id} {status}.")


@activity.command("cancel")
@click.argument("activity_id", metavar="ID", type=int)
@click.pass_context
@reports_errors
def activity_cancel(ctx: click.Context, activity_id: int) -> None:
    """Cancel an activity (it stays listed; its skips no longer count).

    Example:

        branchline activity cancel 3
    """
    conn = open_store(ctx)
    with audited(conn, "activity_cancelled", str(activity_id)):
        activity_store.cancel_activity(conn, activity_id)
    click.echo(f"Activity {activity_id} cancelled.")
