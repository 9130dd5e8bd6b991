"""`branchline wallboard`: the colour thresholds the wallboard and the supervisors' floor use."""

from __future__ import annotations

import click

from appliance.cli.common import json_option, open_store, print_json, print_table, reports_errors
from appliance.clock import now
from appliance.store.audit import CLI_ACTOR, audit
from appliance.store.wallboard import set_thresholds, thresholds

__all__ = ("wallboard",)


@click.group()
def wallboard() -> None:
    """The wallboard's thresholds (the page itself is at /wallboard/)."""


@wallboard.command("thresholds")
@click.option("--waiting", metavar="WARN:ALARM", help="Callers waiting in a queue, e.g. 3:6.")
@click.option("--longest-wait", metavar="WARN:ALARM", help="Seconds the longest caller has waited, e.g. 60:120.")
@click.option("--service-level", metavar="WARN:ALARM", help="Percent answered in time; lower is worse, e.g. 80:60.")
@json_option
@click.pass_context
@reports_errors
def wallboard_thresholds(ctx: click.Context, waiting: str | None, longest_wait: str | None,
                         service_level: str | None, as_json: bool) -> None:
    """Show the thresholds, or set some: a figure turns amber at WARN and red at ALARM."""
    conn = open_store(ctx)
    changes = {"waiting": waiting, "longest_wait": longest_wait, "service_level": service_level}
    if any(changes.values()):
        with conn:
            shown = set_thresholds(conn, **changes)
            audit(conn, now(), "wallboard_thresholds_set", actor=CLI_ACTOR, source="cli",
                  **{k: v for k, v in changes.items() if v})
    else:
        shown = thresholds(conn)
    if as_json:
        print_json(shown)
        return
    print_table(("figure", "warn", "alarm"),
                [(name.replace("_", "-"), *getattr(shown, name)) for name in shown.__struct_fields__], empty="")
