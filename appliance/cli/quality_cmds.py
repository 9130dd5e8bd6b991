"""Recordings and quality review from the admin CLI: which calls are recorded, how long files are
kept, purging old ones, scorecards, and the daily review list's settings.

Every change is written to the audit log with actor 'cli' in the change's own transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import apsw
import click

from appliance.cli.common import data_dir, fail, json_option, open_store, print_json, print_table, reports_errors
from appliance.clock import now
from appliance.errors import InvalidInput
from appliance.quality.scorecard import Scorecard, parse_scorecard
from appliance.store import quality
from appliance.store import recordings as store
from appliance.store.audit import CLI_ACTOR, audit
from appliance.store.recording_search import RecordingFilter, search_recordings

__all__ = ("quality_group", "recordings", "scorecard", "seed_standard_scorecard")

STANDARD_SCORECARD = Path(__file__).resolve().parent.parent / "quality" / "standard_scorecard.toml"


@contextmanager
def _audited(conn: apsw.Connection, action: str, target: str | None, **details: Any) -> Iterator[None]:
    """The change and its audit entry land together, or neither does."""
    with conn:
        yield
        audit(conn, now(), action, actor=CLI_ACTOR, target=target, source="cli", **details)


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


# ---- recordings ----------------------------------------------------------------------------------------


@click.group()
def recordings() -> None:
    """Call recordings: the recording policy, retention and disk guard, listing and purging."""


@recordings.command("policy")
@click.argument("queue", required=False)
@click.option("--inbound", type=int, metavar="PERCENT", help="Percent of callers' conversations recorded (0-100).")
@click.option("--outbound", type=int, metavar="PERCENT", help="Percent of callbacks' conversations recorded (0-100).")
@json_option
@click.pass_context
@reports_errors
def recordings_policy(ctx: click.Context, queue: str | None, inbound: int | None, outbound: int | None,
                      as_json: bool) -> None:
    """Set how much of a queue's conversations is recorded ('*': every queue without its own), or list
    the policies when no queue is given. The default is 100 % both ways.

    Example:

        branchline recordings policy general --inbound 100 --outbound 50

        branchline recordings policy '*' --inbound 20 --outbound 20
    """
    conn = open_store(ctx)
    if queue is not None:
        if inbound is None and outbound is None:
            raise fail(f"say what to record for {queue}: --inbound PERCENT and/or --outbound PERCENT.")
        with _audited(conn, "recording_policy_set", queue, inbound=inbound, outbound=outbound):
            for direction, percent in (("inbound", inbound), ("outbound", outbound)):
                if percent is not None:
                    store.set_recording_policy(conn, queue, direction, percent)
        click.echo(f"Recording policy for {queue}: " + ", ".join(
            f"{d} {p}%" for d, p in (("inbound", inbound), ("outbound", outbound)) if p is not None) + ".")
        return
    policies = store.recording_policies(conn)
    if as_json:
        print_json(policies)
        return
    print_table(("queue", "direction", "percent"), [(p.queue, p.direction, f"{p.percent}%") for p in policies],
                empty="No policies: every conversation is recorded.")


@recordings.command("settings")
@click.option("--retention-days", type=int, metavar="N", help="Delete recordings older than N days on purge (0: keep for ever).")
@click.option("--min-free-mb", type=int, metavar="M", help="Stop recording while the disk has less than M MB free.")
@json_option
@click.pass_context
@reports_errors
def recordings_settings(ctx: click.Context, retention_days: int | None, min_free_mb: int | None, as_json: bool) -> None:
    """Show or change how long recordings are kept and the free space they must leave.

    Example:

        branchline recordings settings --retention-days 365 --min-free-mb 2048
    """
    conn = open_store(ctx)
    if retention_days is not None or min_free_mb is not None:
        with _audited(conn, "recording_settings_set", None, retention_days=retention_days, min_free_mb=min_free_mb):
            settings = store.set_recording_settings(conn, retention_days=retention_days, min_free_mb=min_free_mb)
    else:
        settings = store.recording_settings(conn)
    if as_json:
        print_json(settings)
        return
    kept = "for ever" if settings.retention_days == 0 else f"{settings.retention_days} days"
    click.echo(f"Recordings are kept {kept}; recording stops under {settings.min_free_mb} MB free disk space.")


@recordings.command("list")
@click.option("--agent", metavar="ID", help="Only this agent's recordings.")
@click.option("--from", "from_day", metavar="YYYY-MM-DD", help="From this local date (inclusive).")
@click.option("--to", "to_day", metavar="YYYY-MM-DD", help="To this local date (inclusive).")
@click.option("--limit", type=int, default=100, show_default=True, help="At most this many, newest first.")
@json_option
@click.pass_context
@reports_errors
def recordings_list(ctx: click.Context, agent: str | None, from_day: str | None, to_day: str | None, limit: int,
                    as_json: bool) -> None:
    """List recordings, newest first, with their serial number, agent, length and latest score.

    Example:

        branchline recordings list --agent a1001 --from 2026-03-01 --to 2026-03-31 --json
    """
    filters = RecordingFilter(from_day=from_day, to_day=to_day, agent=agent, limit=limit)
    found = search_recordings(open_store(ctx), filters, agents=None)
    if as_json:
        print_json(found)
        return
    rows = [(r.id, r.started_at[:19].replace("T", " "), r.agent_id, r.direction, r.queue or "-", r.caller,
             f"{r.seconds:.0f}", r.disposition or "-", "-" if r.score is None else r.score, r.status) for r in found]
    print_table(("serial", "started (UTC)", "agent", "direction", "queue", "caller", "seconds", "disposition", "score",
                 "status"), rows, empty="No recordings match.")


@recordings.command("purge")
@click.option("--dry-run", is_flag=True, help="Only say what would be deleted.")
@click.pass_context
@reports_errors
def recordings_purge(ctx: click.Context, dry_run: bool) -> None:
    """Delete recording files older than the retention period. Their rows stay, marked purged, so
    evaluations keep their history.

    Example:

        branchline recordings purge --dry-run
    """
    data = data_dir(ctx)
    conn = open_store(ctx)
    result = store.purge_recordings(conn, data.recordings, now(), dry_run=dry_run)
    if result.before is None:
        click.echo("Retention is 0 days (keep for ever): nothing purged. "
                   "Set it with 'branchline recordings settings --retention-days N'.")
        return
    missing = f" ({result.missing} files were already gone)" if result.missing else ""
    if dry_run:
        click.echo(f"Would purge {result.recordings} recordings started before {result.before}, "
                   f"freeing {_megabytes(result.bytes_freed)} ({result.bytes_freed} bytes){missing}.")
        return
    with conn:  # after the files went: the log says what was actually deleted
        audit(conn, now(), "recordings_purged", actor=CLI_ACTOR, source="cli", recordings=result.recordings,
              bytes=result.bytes_freed, before=result.before)
    click.echo(f"Purged {result.recordings} recordings started before {result.before}, "
               f"freeing {_megabytes(result.bytes_freed)} ({result.bytes_freed} bytes){missing}.")


# ---- scorecards ----------------------------------------------------------------------------------------


@click.group()
def scorecard() -> None:
    """Scorecards for quality review: sections of weighted criteria, some of them fatal."""


@scorecard.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
@reports_errors
def scorecard_import(ctx: click.Context, file: Path) -> None:
    """Import a scorecard from TOML (format: docs/supervision.md, "Quality"). A name that exists
    gets a new version; evaluations keep the version they were scored with.

    Example:

        branchline scorecard import standard.toml
    """
    card = parse_scorecard(_read(file))
    conn = open_store(ctx)
    kept = _import(conn, card)
    click.echo(f"Imported scorecard {kept.name} version {kept.version} (id {kept.id}, "
               f"{len(card.criteria())} criteria).")


def _read(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read {file}: {exc}; give a UTF-8 TOML file.") from None


def _import(conn: apsw.Connection, card: Scorecard) -> quality.ScorecardVersion:
    with _audited(conn, "scorecard_imported", card.name, criteria=len(card.criteria())):
        return quality.import_scorecard(conn, card, by=CLI_ACTOR, now=now())


def seed_standard_scorecard(conn: apsw.Connection) -> None:
    """`branchline init`: a new branch starts with the standard scorecard, unless it has one."""
    if not quality.latest_scorecards(conn):
        _import(conn, parse_scorecard(STANDARD_SCORECARD.read_text(encoding="utf-8")))


@scorecard.command("list")
@json_option
@click.pass_context
@reports_errors
def scorecard_list(ctx: click.Context, as_json: bool) -> None:
    """List the latest version of each scorecard.

    Example:

        branchline scorecard list
    """
    cards = quality.latest_scorecards(open_store(ctx))
    if as_json:
        print_json(cards)
        return
    rows = [(c.name, c.version, c.id, c.title, c.title_zh or "", sum(len(s.criteria) for s in c.sections),
             c.created_at[:16].replace("T", " ")) for c in cards]
    print_table(("name", "version", "id", "title", "title (zh)", "criteria", "imported (UTC)"), rows,
                empty="No scorecards. Import one with 'branchline scorecard import FILE.toml'.")


@scorecard.command("show")
@click.argument("name")
@json_option
@click.pass_context
@reports_errors
def scorecard_show(ctx: click.Context, name: str, as_json: bool) -> None:
    """Show a scorecard's latest version: its sections and criteria with their weights.

    Example:

        branchline scorecard show standard --json
    """
    card = quality.latest_scorecard(open_store(ctx), name)
    if as_json:
        print_json(card)
        return
    click.echo(f"{card.name} version {card.version} (id {card.id}): {card.title}"
               + (f" / {card.title_zh}" if card.title_zh else ""))
    for section in card.sections:
        click.echo(f"\n{section.title}" + (f" / {section.title_zh}" if section.title_zh else ""))
        for c in section.criteria:
            fatal = "  FATAL" if c.fatal else ""
            click.echo(f"  {c.id:<14} {c.weight:>4}{fatal}  {c.text}" + (f" / {c.text_zh}" if c.text_zh else ""))


# ---- quality settings ----------------------------------------------------------------------------------


@click.group("quality")
def quality_group() -> None:
    """Quality review: the daily review list's settings."""


@quality_group.command("settings")
@click.option("--samples-per-agent", type=int, metavar="N", help="Recordings drawn per agent for each day's review list.")
@click.option("--min-seconds", type=int, metavar="S", help="Recordings shorter than this are not drawn.")
@json_option
@click.pass_context
@reports_errors
def quality_settings(ctx: click.Context, samples_per_agent: int | None, min_seconds: int | None, as_json: bool) -> None:
    """Show or change the daily review list's settings (defaults 2 per agent, at least 30 s).

    Example:

        branchline quality settings --samples-per-agent 3 --min-seconds 60
    """
    conn = open_store(ctx)
    if samples_per_agent is not None or min_seconds is not None:
        with _audited(conn, "quality_settings_set", None, samples_per_agent=samples_per_agent, min_seconds=min_seconds):
            settings = quality.set_quality_settings(conn, samples_per_agent=samples_per_agent, min_seconds=min_seconds)
    else:
        settings = quality.quality_settings(conn)
    if as_json:
        print_json(settings)
        return
    click.echo(f"Review list: {settings.samples_per_agent} recordings per agent a day, "
               f"each at least {settings.min_seconds} s long.")
