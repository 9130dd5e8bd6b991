"""Huddles and the monthly meeting from the admin CLI (docs/teams.md, "Huddles and meetings"): the
`huddle` group (settings, plan, host, show, list, attendance, correct, publish, debrief) and the
`meeting` group (announce, minutes, show, plans).

Changes are audited with actor 'cli' in the change's own transaction. Notes and announcements
published here reach the desktops as notices, shown the next time a desktop refreshes.
"""

from __future__ import annotations

from datetime import date, timedelta

import click

from appliance.cli.common import fail, json_option, open_store, print_json, print_table, reports_errors
from appliance.cli.team_cmds import NONE, audited
from appliance.clock import now
from appliance.store import huddles as huddle_store
from appliance.store import meetings as meeting_store
from appliance.store.audit import CLI_ACTOR
from appliance.teamwork.attendance import STATUSES

__all__ = ("huddle", "meeting")

day_option = click.option("--day", metavar="YYYY-MM-DD", help="The huddle's local day (default: today).")
month_option = click.option("--month", metavar="YYYY-MM", help="The local month (default: this one).")


def _today() -> str:
    return date.today().isoformat()


def _case(text: str) -> huddle_store.HardCase:
    """'TITLE: step one; step two' as a hard case."""
    title, colon, steps = text.partition(":")
    if not colon or not title.strip():
        raise fail(f"hard case {text!r} has no title: write it as 'TITLE: step one; step two'.")
    return huddle_store.HardCase(title.strip(), [s.strip() for s in steps.split(";") if s.strip()])


@click.group()
def huddle() -> None:
    """The daily pre-shift huddle: settings, host rotation, agenda, attendance, notes, debrief."""


@huddle.command("settings")
@click.argument("team_name", metavar="TEAM")
@click.option("--before", "minutes_before", type=int, metavar="MIN", help="Start this long before the first huddle shift.")
@click.option("--at", "fixed_time", metavar="HH:MM|-", help="Start at this local time instead ('-': go back to --before).")
@click.option("--length", "length_minutes", type=int, metavar="MIN", help="How long it lasts (default 15).")
@click.option("--opener", help="The team's greeting call, each new huddle's opener.")
@click.option("--meeting-notice-days", type=int, metavar="N", help="Working days' notice for the monthly meeting (default 2).")
@json_option
@click.pass_context
@reports_errors
def huddle_settings(ctx: click.Context, team_name: str, as_json: bool, **options: object) -> None:
    """Show a team's huddle settings, or change those given.

    Example:

        branchline huddle settings cards --before 15 --length 15 --opener "Cards team, ready to serve!"

        branchline huddle settings cards --at 08:10
    """
    conn = open_store(ctx)
    changes = {k: v for k, v in options.items() if v is not None}
    if changes.get("fixed_time") == NONE:
        changes["fixed_time"] = None
    if changes:
        with audited(conn, "huddle_settings", team_name, **changes):
            settings = huddle_store.change_settings(conn, team_name, **changes)
    else:
        settings = huddle_store.get_settings(conn, team_name)
    if as_json:
        print_json(settings)
        return
    when = f"at {settings.fixed_time}" if settings.fixed_time else f"{settings.minutes_before} min before the first shift"
    click.echo(f"Team {team_name}: huddle {when}, {settings.length_minutes} min; opener: {settings.opener or '-'}; "
               f"monthly meeting announced {settings.meeting_notice_days} working day(s) ahead.")


@huddle.command("plan")
@click.argument("team_name", metavar="TEAM")
@day_option
@click.option("--point", "points", multiple=True, help="A key business point (repeat; replaces the list).")
@click.option("--case", "cases", multiple=True, metavar="'TITLE: STEP; STEP'",
              help="A hard case with its handling steps (repeat; replaces the list).")
@click.option("--opener", help="The opener (default: the team's).")
@click.option("--notes", help="What was said, published with the agenda.")
@click.pass_context
@reports_errors
def huddle_plan(ctx: click.Context, team_name: str, day: str | None, points: tuple[str, ...], cases: tuple[str, ...],
                opener: str | None, notes: str | None) -> None:
    """Write the draft agenda of a day's huddle: what is not given stays as it was.

    Example:

        branchline huddle plan cards --day 2026-12-01 --point "New savings rate 2.1%" \\
            --case "Lost card abroad: freeze the card; offer emergency cash"
    """
    conn = open_store(ctx)
    day = day or _today()
    with audited(conn, "huddle_planned", team_name, day=day):
        found = huddle_store.save_agenda(conn, team_name, day, CLI_ACTOR, now(), points=list(points) or None,
                                         hard_cases=[_case(c) for c in cases] or None, opener=opener, notes=notes)
    click.echo(f"Huddle of {team_name} on {found.day}: {len(found.points)} key point(s), "
               f"{len(found.hard_cases)} hard case(s); host {found.host or 'none'} (draft).")


@huddle.command("host")
@click.argument("team_name", metavar="TEAM")
@click.argument("agent_id", metavar="AGENT|-")
@day_option
@click.option("--reason", required=True, help="Why the host changes (kept with the huddle).")
@click.pass_context
@reports_errors
def huddle_host(ctx: click.Context, team_name: str, agent_id: str, day: str | None, reason: str) -> None:
    """Name another host for a day's huddle ('-': back to the rotation).

    Example:

        branchline huddle host cards a1002 --day 2026-12-01 --reason "a1001 is at training"
    """
    conn = open_store(ctx)
    with audited(conn, "huddle_host", team_name, day=day or _today(), agent=agent_id, reason=reason):
        found = huddle_store.set_host(conn, team_name, day or _today(), None if agent_id == NONE else agent_id,
                                      reason, CLI_ACTOR, now())
    click.echo(f"Huddle of {team_name} on {found.day}: host {found.host or 'none'} ({found.host_reason}).")


@huddle.command("show")
@click.argument("team_name", metavar="TEAM")
@day_option
@json_option
@click.pass_context
@reports_errors
def huddle_show(ctx: click.Context, team_name: str, day: str | None, as_json: bool) -> None:
    """Show a day's huddle: time, host, who attends, agenda, attendance, acknowledgements, debrief.

    Example:

        branchline huddle show cards --day 2026-12-01 --json
    """
    found = huddle_store.get_huddle(open_store(ctx), team_name, day or _today())
    if as_json:
        print_json(found)
        return
    click.echo(f"Huddle of {found.team} on {found.day} at {found.starts or '-'} ({found.length_minutes} min), "
               f"host {found.host or 'none'} ({found.host_reason}), {found.status}.")
    click.echo(f"Attending: {', '.join(a.agent_id for a in found.attendees) or 'nobody'}.")
    if found.opener:
        click.echo(f"Opener: {found.opener}")
    for point in found.points:
        click.echo(f"- {point}")
    for k, case in enumerate(found.hard_cases, 1):
        click.echo(f"{k}. {case.title}: " + "; ".join(case.steps))
    if found.notes:
        click.echo(f"Notes: {found.notes}")
    for entry in found.attendance:
        click.echo(f"  {entry.agent_id}: {_verdict(entry)}")
    if found.notice_id is not None:
        done = [a.agent_id for a in found.acknowledgements if a.at]
        waiting = [a.agent_id for a in found.acknowledgements if not a.at]
        click.echo(f"Acknowledged: {', '.join(done) or 'nobody yet'}; not yet: {', '.join(waiting) or 'nobody'}.")


def _verdict(entry: huddle_store.AttendanceEntry) -> str:
    text = f"late {entry.late_minutes} min" if entry.status == "late" else entry.status
    return text + (f" (corrected by {entry.corrected_by}: {entry.reason})" if entry.corrected_by else "")


@huddle.command("list")
@click.argument("team_name", metavar="TEAM")
@click.option("--from", "first", metavar="YYYY-MM-DD", help="From this day (default: 30 days ago).")
@click.option("--to", "last", metavar="YYYY-MM-DD", help="To this day (default: today).")
@json_option
@click.pass_context
@reports_errors
def huddle_list(ctx: click.Context, team_name: str, first: str | None, last: str | None, as_json: bool) -> None:
    """List a team's huddles on record, latest first.

    Example:

        branchline huddle list cards --from 2026-11-01 --json
    """
    found = huddle_store.list_huddles(open_store(ctx), team_name,
                                      first or (date.today() - timedelta(days=30)).isoformat(), last or _today())
    if as_json:
        print_json(found)
        return
    rows = [(h.day, h.host, h.status, h.attendees, "" if h.acknowledged is None else h.acknowledged) for h in found]
    print_table(("day", "host", "status", "attending", "acknowledged"), rows, empty="No huddles on record.")


@huddle.command("attendance")
@click.argument("team_name", metavar="TEAM")
@day_option
@json_option
@click.pass_context
@reports_errors
def huddle_attendance(ctx: click.Context, team_name: str, day: str | None, as_json: bool) -> None:
    """Take a day's attendance from the members' first sign-ins (corrections are kept).

    Example:

        branchline huddle attendance cards --day 2026-12-01
    """
    conn = open_store(ctx)
    with audited(conn, "huddle_attendance", team_name, day=day or _today()):
        found = huddle_store.take_attendance(conn, team_name, day or _today(), now())
    if as_json:
        print_json(found.attendance)
        return
    rows = [(e.agent_id, e.name, e.status, e.late_minutes, (e.signed_in_at or "")[11:16], e.reason or "")
            for e in found.attendance]
    print_table(("agent", "name", "status", "late min", "signed in (UTC)", "correction"), rows, empty="Nobody attends.")


@huddle.command("correct")
@click.argument("team_name", metavar="TEAM")
@click.argument("agent_id", metavar="AGENT")
@day_option
@click.option("--status", required=True, type=click.Choice(STATUSES))
@click.option("--late-minutes", type=int, help="Minutes late, with --status late (1-29).")
@click.option("--reason", required=True, help="Why (kept with who corrected it and when).")
@click.pass_context
@reports_errors
def huddle_correct(ctx: click.Context, team_name: str, agent_id: str, day: str | None, status: str,
                   late_minutes: int | None, reason: str) -> None:
    """Correct one member's attendance entry.

    Example:

        branchline huddle correct cards a1003 --status late --late-minutes 5 --reason "metro stopped"
    """
    conn = open_store(ctx)
    with audited(conn, "huddle_attendance_corrected", agent_id, team=team_name, day=day or _today(), status=status,
                 late_minutes=late_minutes, reason=reason):
        found = huddle_store.correct_attendance(conn, team_name, day or _today(), agent_id, status, late_minutes,
                                                reason, CLI_ACTOR, now())
    entry = next(e for e in found.attendance if e.agent_id == agent_id)
    click.echo(f"{agent_id} at {team_name}'s huddle of {found.day}: {_verdict(entry)}.")


@huddle.command("publish")
@click.argument("team_name", metavar="TEAM")
@day_option
@click.pass_context
@reports_errors
def huddle_publish(ctx: click.Context, team_name: str, day: str | None) -> None:
    """Publish a day's huddle notes to every member's desktop, to acknowledge; they are final then.

    Example:

        branchline huddle publish cards --day 2026-12-01
    """
    conn = open_store(ctx)
    with audited(conn, "huddle_published", team_name, day=day or _today()):
        found = huddle_store.publish(conn, team_name, day or _today(), CLI_ACTOR, now())
    click.echo(f"Published the notes of {team_name}'s huddle of {found.day} (notice {found.notice_id}) "
               f"to {len(found.acknowledgements)} member(s).")


@huddle.command("debrief")
@click.argument("team_name", metavar="TEAM")
@day_option
@click.option("--good-calls", default="", help="Good calls heard today.")
@click.option("--praise", default="", help="Praise received.")
@click.option("--light", default="", help="Lighter talk.")
@click.pass_context
@reports_errors
def huddle_debrief(ctx: click.Context, team_name: str, day: str | None, good_calls: str, praise: str, light: str) -> None:
    """Write the notes of the optional post-shift debrief.

    Example:

        branchline huddle debrief cards --good-calls "a1002 calmed a customer whose card was stolen"
    """
    conn = open_store(ctx)
    with audited(conn, "huddle_debrief", team_name, day=day or _today()):
        found = huddle_store.save_debrief(conn, team_name, day or _today(), CLI_ACTOR, now(), good_calls=good_calls,
                                          praise=praise, light=light)
    click.echo(f"Debrief of {team_name} on {found.day} written.")


# ---- the monthly meeting --------------------------------------------------------------------------------


@click.group()
def meeting() -> None:
    """The monthly team meeting: announced ahead, minutes afterwards, each member's plan and goals."""


@meeting.command("announce")
@click.argument("team_name", metavar="TEAM")
@click.argument("day", metavar="YYYY-MM-DD")
@click.option("--at", "starts", required=True, metavar="HH:MM", help="Local start time.")
@click.option("--focus", required=True, help="Last month's review and this month's focus, in a few words.")
@click.pass_context
@reports_errors
def meeting_announce(ctx: click.Context, team_name: str, day: str, starts: str, focus: str) -> None:
    """Announce the monthly meeting to the team's desktops, at least the notice period ahead.

    Example:

        branchline meeting announce cards 2026-12-08 --at 16:30 --focus "November in review; FCR first"
    """
    conn = open_store(ctx)
    with audited(conn, "meeting_announced", team_name, day=day, starts=starts):
        found = meeting_store.announce(conn, team_name, day, starts, focus, CLI_ACTOR, now())
    click.echo(f"Meeting {found.id} of {team_name} announced for {found.day} at {found.starts}.")


@meeting.command("minutes")
@click.argument("meeting_id", metavar="ID", type=int)
@click.option("--text", required=True, help="The minutes.")
@click.pass_context
@reports_errors
def meeting_minutes(ctx: click.Context, meeting_id: int, text: str) -> None:
    """Publish a held meeting's minutes to the team's desktops.

    Example:

        branchline meeting minutes 3 --text "FCR is December's focus; Ann runs the card-product training."
    """
    conn = open_store(ctx)
    with audited(conn, "meeting_minutes", str(meeting_id)):
        found = meeting_store.publish_minutes(conn, meeting_id, text, CLI_ACTOR, now())
    click.echo(f"Published the minutes of meeting {found.id} ({found.team}, {found.day}).")


@meeting.command("show")
@click.argument("team_name", metavar="TEAM")
@click.option("--month", metavar="YYYY-MM", help="Only this local month's.")
@json_option
@click.pass_context
@reports_errors
def meeting_show(ctx: click.Context, team_name: str, month: str | None, as_json: bool) -> None:
    """List a team's monthly meetings, latest first.

    Example:

        branchline meeting show cards --json
    """
    found = meeting_store.list_meetings(open_store(ctx), team_name, month)
    if as_json:
        print_json(found)
        return
    rows = [(m.id, m.day, m.starts, m.focus[:40], "published" if m.minutes_at else "-") for m in found]
    print_table(("id", "day", "starts", "focus", "minutes"), rows, empty="No meetings.")


@meeting.command("plans")
@click.argument("team_name", metavar="TEAM")
@month_option
@json_option
@click.pass_context
@reports_errors
def meeting_plans(ctx: click.Context, team_name: str, month: str | None, as_json: bool) -> None:
    """Every member's monthly plan and goals, and who has not written one.

    Example:

        branchline meeting plans cards --month 2026-12
    """
    found = meeting_store.team_plans(open_store(ctx), team_name, month or meeting_store.this_month())
    if as_json:
        print_json(found)
        return
    rows = [(p.agent_id, p.name, "; ".join(p.goals), p.written_at[:10]) for p in found.plans]
    print_table(("agent", "name", "goals", "written"), rows, empty=f"No plans for {found.month} yet.")
    if found.missing:
        click.echo(f"Not written yet: {', '.join(m['agent_id'] for m in found.missing)}.")
