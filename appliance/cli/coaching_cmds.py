"""Coaching and training from the admin CLI (docs/teams.md, "Coaching and development"): the
`coaching` group (one-on-one records, the weekly rule, segmentation) and the `training` group
(requests, the monthly plan, sessions with attendance, innovation suggestions).

Changes are written to the audit log with actor 'cli' in the change's own transaction.
"""

from __future__ import annotations

from datetime import date

import click

from appliance.cli.common import json_option, open_store, print_json, print_table, reports_errors
from appliance.cli.team_cmds import audited
from appliance.clock import now
from appliance.store import coaching as store
from appliance.store import training as training_store
from appliance.store.audit import CLI_ACTOR
from appliance.store.teams import require_team

__all__ = ("coaching", "training")

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _today(day: str | None) -> date:
    return store.parse_day(day) if day else date.today()


# ---- coaching ---------------------------------------------------------------------------------------------


@click.group()
def coaching() -> None:
    """One-on-one coaching talks (PRP), the weekly rule for team leaders, monthly segmentation."""


@coaching.command("add")
@click.argument("agent_id", metavar="AGENT")
@click.option("--leader", required=True, metavar="USERNAME", help="Who held the talk: the agent's team leader.")
@click.option("--keep", required=True, help="What the agent should keep doing.")
@click.option("--improve", required=True, help="What the agent should improve.")
@click.option("--actions", required=True, help="The actions agreed.")
@click.option("--day", metavar="YYYY-MM-DD", help="The local day of the talk (default: today).")
@click.option("--follow-up", "follow_up", metavar="YYYY-MM-DD", help="When to follow it up.")
@click.option("--recording", "recordings", type=int, multiple=True, metavar="ID",
              help="A recording of the agent's gone through in the talk (repeatable).")
@click.pass_context
@reports_errors
def coaching_add(ctx: click.Context, agent_id: str, leader: str, keep: str, improve: str, actions: str,
                 day: str | None, follow_up: str | None, recordings: tuple[int, ...]) -> None:
    """Record a one-on-one coaching talk with an agent, linked to their recordings.

    Example:

        branchline coaching add a1001 --leader grace --recording 12 --keep "Warm greeting"
        --improve "Confirm the card number back" --actions "Listen to 3 calls together" --follow-up 2026-12-04
    """
    conn = open_store(ctx)
    today = date.today()
    with audited(conn, "coaching_added", agent_id, leader=leader):
        record = store.add_record(conn, agent_id, leader, day=day or today.isoformat(), today=today, keep=keep,
                                  improve=improve, actions=actions, follow_up_on=follow_up,
                                  recordings=list(recordings), now=now())
    click.echo(f"Coaching record {record.id}: {leader} with {agent_id} on {record.day}.")


def _show(record: store.CoachingRecord) -> None:
    recordings = ", ".join(map(str, record.recordings)) or "none"
    acknowledged = record.acknowledged_at[:16].replace("T", " ") + " UTC" if record.acknowledged_at else "not yet"
    for label, value in (("Record", record.id), ("Agent", f"{record.agent_id} ({record.agent_name})"),
                         ("Team", record.team), ("Held by", record.leader), ("Day", record.day),
                         ("Recordings", recordings), ("Keep", record.keep), ("Improve", record.improve),
                         ("Actions", record.actions), ("Follow up on", record.follow_up_on or "-"),
                         ("Outcome", record.outcome or "-"), ("Acknowledged", acknowledged)):
        click.echo(f"{label + ':':14}{value}")


@coaching.command("show")
@click.argument("record_id", metavar="ID", type=int)
@json_option
@click.pass_context
@reports_errors
def coaching_show(ctx: click.Context, record_id: int, as_json: bool) -> None:
    """Show one coaching record.

    Example:

        branchline coaching show 3
    """
    record = store.get_record(open_store(ctx), record_id)
    if as_json:
        print_json(record)
    else:
        _show(record)


@coaching.command("list")
@click.option("--team", help="Only this team's records.")
@click.option("--agent", "agent_id", help="Only this agent's records.")
@click.option("--leader", help="Only the talks this user held.")
@json_option
@click.pass_context
@reports_errors
def coaching_list(ctx: click.Context, team: str | None, agent_id: str | None, leader: str | None,
                  as_json: bool) -> None:
    """List coaching records, newest first.

    Example:

        branchline coaching list --team cards --json
    """
    found = store.list_records(open_store(ctx), team=team, agent_id=agent_id, leader=leader)
    if as_json:
        print_json(found)
        return
    rows = [(r.id, r.day, r.agent_id, r.leader, ",".join(map(str, r.recordings)) or "-", r.follow_up_on or "-",
             "yes" if r.outcome else "-", "yes" if r.acknowledged_at else "-") for r in found]
    print_table(("id", "day", "agent", "held by", "recordings", "follow up", "outcome", "acknowledged"), rows,
                empty="No coaching records.")


@coaching.command("outcome")
@click.argument("record_id", metavar="ID", type=int)
@click.argument("outcome")
@click.pass_context
@reports_errors
def coaching_outcome(ctx: click.Context, record_id: int, outcome: str) -> None:
    """Write the follow-up's outcome of a coaching record (again: replaces it).

    Example:

        branchline coaching outcome 3 "Reads the card number back on every call now"
    """
    conn = open_store(ctx)
    with audited(conn, "coaching_outcome", str(record_id)):
        store.set_outcome(conn, record_id, outcome, CLI_ACTOR, now())
    click.echo(f"Coaching record {record_id}: outcome written.")


def _print_week(week: store.LeaderWeek) -> None:
    s = week.status
    more = f", {s.short} more by Sunday {s.last_day}" if s.short else ", the rule is met"
    click.echo(f"{week.leader} (team {week.team}) {s.week}: {len(s.agents)} of {s.required} agents{more}.")
    if s.agents:
        click.echo(f"  Talked with: {', '.join(s.agents)}.")
    if week.reminder is not None:
        click.echo(f"  Reminder: still short on {week.reminder.created_at[:10]} ({week.reminder.agents} of "
                   f"{week.reminder.needed}).")
    nexts = [f"{m.agent_id} ({m.last_talk or 'never'})" for m in week.least_recent[:5]]
    if nexts:
        click.echo(f"  Least recently talked with: {', '.join(nexts)}.")
    if week.missed:
        click.echo(f"  Weeks missed: {', '.join(f'{w.week} ({len(w.agents)} of {w.required})' for w in week.missed)}.")


@coaching.command("week")
@click.option("--leader", metavar="USERNAME", help="One team leader (default: every team leader).")
@click.option("--team", help="The team leaders of this team only.")
@click.option("--day", metavar="YYYY-MM-DD", help="The local day whose week to show (default: today).")
@json_option
@click.pass_context
@reports_errors
def coaching_week(ctx: click.Context, leader: str | None, team: str | None, day: str | None, as_json: bool) -> None:
    """The weekly rule: each team leader talks one-on-one with at least 2 agents every ISO week.

    Shows this week's count, the reminder if one was made, who was talked with least recently and
    the weeks missed (of the last 12).

    Example:

        branchline coaching week --leader grace
    """
    conn = open_store(ctx)
    today = _today(day)
    if team is not None:
        require_team(conn, team)
    leaders = [leader] if leader else [u for u, _, _ in store.team_leaders(conn, team)]
    weeks = [store.leader_week(conn, u, today) for u in leaders]
    if as_json:
        print_json(weeks)
        return
    if not weeks:
        click.echo("No team leaders: 'branchline user add NAME --role team_leader --team TEAM' adds one.")
    for week in weeks:
        _print_week(week)


@coaching.command("remind")
@click.option("--day", metavar="YYYY-MM-DD", help="The local day to remind for (default: today).")
@click.pass_context
@reports_errors
def coaching_remind(ctx: click.Context, day: str | None) -> None:
    """Remind the team leaders still short of the weekly rule, as the server's daily run does.

    Reminders are made from the configured weekday (Thursday) on, once per leader and week.

    Example:

        branchline coaching remind
    """
    made = store.remind_leaders(open_store(ctx), _today(day), now())
    for r in made:
        click.echo(f"Reminded {r.leader} (team {r.team}): {r.agents} of {r.needed} agents in {r.week}.")
    if not made:
        click.echo("No new reminders.")


@coaching.command("settings")
@click.option("--per-week", type=int, help="Agents each team leader talks with every week (default 2).")
@click.option("--remind-from", type=click.Choice(WEEKDAYS), help="The weekday reminders start (default thu).")
@click.pass_context
@reports_errors
def coaching_settings(ctx: click.Context, per_week: int | None, remind_from: str | None) -> None:
    """Show or change the weekly rule's settings.

    Example:

        branchline coaching settings --per-week 2 --remind-from thu
    """
    conn = open_store(ctx)
    if per_week is not None or remind_from is not None:
        weekday = WEEKDAYS.index(remind_from) + 1 if remind_from else None
        with audited(conn, "coaching_settings", None, per_week=per_week, remind_from=remind_from):
            store.set_settings(conn, per_week=per_week, remind_from=weekday)
    settings = store.get_settings(conn)
    click.echo(f"Each team leader talks with at least {settings.per_week} agents a week; reminders from "
               f"{WEEKDAYS[settings.remind_from - 1]} on.")


@coaching.command("segments")
@click.argument("team_name", metavar="TEAM")
@click.option("--month", metavar="YYYY-MM", help="The local month (default: this one).")
@click.option("--lang", type=click.Choice(("en", "zh")), default="en", help="The language of the approaches.")
@json_option
@click.pass_context
@reports_errors
def coaching_segments(ctx: click.Context, team_name: str, month: str | None, lang: str, as_json: bool) -> None:
    """The month's three tiers of a team's agents from the composite KPI, with each tier's approach.

    Example:

        branchline coaching segments cards --month 2026-11
    """
    segments = store.team_segments(open_store(ctx), team_name, month or date.today().strftime("%Y-%m"), now())
    if as_json:
        print_json(segments)
        return
    for tier in segments.tiers:
        members = ", ".join(f"{a.agent_id} {a.score:g}" for a in tier.agents) or "nobody"
        click.echo(f"{tier.name[lang]}: {members}")
        click.echo(f"  {tier.approach[lang]}")
    if segments.unscored:
        click.echo(f"Unscored (no KPI data in {segments.month}): {', '.join(a.agent_id for a in segments.unscored)}")


# ---- training ---------------------------------------------------------------------------------------------


@click.group()
def training() -> None:
    """Training requests for the monthly plan, sessions by the team's trainers, innovation suggestions."""


@training.command("request")
@click.argument("agent_id", metavar="AGENT")
@click.option("--topic", required=True, help="What the training is about.")
@click.option("--why", required=True, help="Why the member needs it.")
@click.option("--day", metavar="YYYY-MM-DD", help="The local day it was asked for (default: today).")
@click.pass_context
@reports_errors
def training_request(ctx: click.Context, agent_id: str, topic: str, why: str, day: str | None) -> None:
    """Record a member's training request: up to the 25th it goes into next month's plan, later
    into the month after.

    Example:

        branchline training request a1001 --topic "New credit card" --why "Customers ask about the fees"
    """
    conn = open_store(ctx)
    with audited(conn, "training_requested", agent_id, topic=topic):
        request = training_store.add_request(conn, agent_id, topic, why, _today(day), now())
    click.echo(f"Training request {request.id} of {agent_id}: in the plan for {request.plan_month}.")


@training.command("plan")
@click.argument("team_name", metavar="TEAM")
@click.option("--month", metavar="YYYY-MM", help="The plan's month (default: next month).")
@json_option
@click.pass_context
@reports_errors
def training_plan(ctx: click.Context, team_name: str, month: str | None, as_json: bool) -> None:
    """A month's training plan: the requests it takes and the sessions held that month.

    Example:

        branchline training plan cards --month 2026-12
    """
    if month is None:
        today = date.today()
        month = f"{today.year + today.month // 12:04d}-{today.month % 12 + 1:02d}"
    plan = training_store.training_plan(open_store(ctx), team_name, month)
    if as_json:
        print_json(plan)
        return
    click.echo(f"Team {team_name}, plan for {month}; trainers: {', '.join(plan.trainers) or 'none'}.")
    print_table(("request", "agent", "topic", "asked on", "session"),
                [(r.id, r.agent_id, r.topic, r.requested_on, r.session_id or "-") for r in plan.requests],
                empty="No requests.")
    print_table(("session", "day", "kind", "trainer", "topic", "present"),
                [(s.id, s.day, s.kind, s.trainer, s.topic, sum(a.present for a in s.attendance))
                 for s in plan.sessions], empty="No sessions.")


@training.command("session")
@click.argument("team_name", metavar="TEAM")
@click.option("--kind", type=click.Choice(training_store.KINDS), required=True,
              help="planned (from the month's requests) or adhoc (e.g. a new product).")
@click.option("--trainer", required=True, metavar="AGENT", help="One of the team's trainers.")
@click.option("--day", required=True, metavar="YYYY-MM-DD", help="The local day of the session.")
@click.option("--topic", required=True)
@click.option("--request", "requests", type=int, multiple=True, metavar="ID",
              help="A training request the session answers (repeatable; planned sessions only).")
@click.pass_context
@reports_errors
def training_session(ctx: click.Context, team_name: str, kind: str, trainer: str, day: str, topic: str,
                     requests: tuple[int, ...]) -> None:
    """Plan a training session held by one of the team's trainers.

    Example:

        branchline training session cards --kind adhoc --trainer a1002 --day 2026-12-03 --topic "New card fees"
    """
    conn = open_store(ctx)
    with audited(conn, "training_session_added", team_name, kind=kind, topic=topic):
        session = training_store.add_session(conn, team_name, kind=kind, trainer=trainer, day=day, topic=topic,
                                             requests=list(requests), by=CLI_ACTOR, now=now())
    click.echo(f"Training session {session.id} ({kind}) on {day}: {topic}, by {trainer}.")


@training.command("attend")
@click.argument("session_id", metavar="SESSION", type=int)
@click.argument("agents", metavar="AGENT...", nargs=-1, required=True)
@click.option("--absent", is_flag=True, help="Mark them absent instead of present.")
@click.pass_context
@reports_errors
def training_attend(ctx: click.Context, session_id: int, agents: tuple[str, ...], absent: bool) -> None:
    """Take attendance at a session: the members present (or, with --absent, missing).

    Example:

        branchline training attend 4 a1001 a1003
    """
    conn = open_store(ctx)
    with audited(conn, "training_attendance", str(session_id), agents=list(agents), present=not absent):
        for agent_id in agents:
            session = training_store.set_attendance(conn, session_id, agent_id, not absent)
    present = sum(a.present for a in session.attendance)
    click.echo(f"Session {session_id}: {present} present, {len(session.attendance) - present} absent.")


@training.command("suggest")
@click.argument("agent_id", metavar="AGENT")
@click.option("--title", required=True)
@click.option("--text", required=True, help="The suggestion.")
@click.pass_context
@reports_errors
def training_suggest(ctx: click.Context, agent_id: str, title: str, text: str) -> None:
    """Record a member's innovation suggestion; their squad leader collects it.

    Example:

        branchline training suggest a1001 --title "FAQ card" --text "A one-page card of fee questions"
    """
    conn = open_store(ctx)
    with audited(conn, "suggestion_added", agent_id, title=title):
        suggestion = training_store.add_suggestion(conn, agent_id, title, text, now())
    click.echo(f"Suggestion {suggestion.id} of {agent_id}: {title}.")


@training.command("suggestions")
@click.argument("team_name", metavar="TEAM")
@click.option("--status", type=click.Choice(training_store.STATUSES), help="Only suggestions in this status.")
@json_option
@click.pass_context
@reports_errors
def training_suggestions(ctx: click.Context, team_name: str, status: str | None, as_json: bool) -> None:
    """List a team's innovation suggestions, newest first.

    Example:

        branchline training suggestions cards --status new
    """
    conn = open_store(ctx)
    require_team(conn, team_name)
    found = training_store.list_suggestions(conn, team=team_name, status=status)
    if as_json:
        print_json(found)
        return
    print_table(("id", "agent", "squad", "title", "status", "note"),
                [(s.id, s.agent_id, s.squad or "-", s.title, s.status, s.note or "") for s in found],
                empty="No suggestions.")


@training.command("review")
@click.argument("suggestion_id", metavar="ID", type=int)
@click.argument("status", type=click.Choice(training_store.STATUSES[1:]))
@click.option("--note", help="Why (required to adopt or decline).")
@click.pass_context
@reports_errors
def training_review(ctx: click.Context, suggestion_id: int, status: str, note: str | None) -> None:
    """Move a suggestion on: under_review, adopted or declined (with a note).

    Example:

        branchline training review 5 adopted --note "Printed for every desk from December"
    """
    conn = open_store(ctx)
    with audited(conn, "suggestion_reviewed", str(suggestion_id), status=status):
        training_store.review_suggestion(conn, suggestion_id, status, note, CLI_ACTOR, now())
    click.echo(f"Suggestion {suggestion_id}: {status}.")
