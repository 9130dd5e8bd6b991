"""`branchline queue stats`: the running server's live queue statistics, as a table or JSON."""

from __future__ import annotations

import urllib.parse

import click

from appliance.cli.common import data_dir, json_option, print_json, print_table, reports_errors
from appliance.cli.config_cmds import queue
from appliance.cli.server_client import request

__all__ = ("queue_stats",)

NONE = "-"


def _seconds(value: float | None) -> str:
    if value is None:
        return NONE
    minutes, seconds = divmod(round(value), 60)
    return f"{minutes}:{seconds:02d}"


def _percent(value: float | None) -> str:
    return NONE if value is None else f"{value:.1f}%"


def _exits(exits: dict[str, int]) -> str:
    return ", ".join(f"{reason} {count}" for reason, count in exits.items()) or NONE


@queue.command("stats")
@click.argument("name", metavar="[QUEUE]", required=False)
@json_option
@click.pass_context
@reports_errors
def queue_stats(ctx: click.Context, name: str | None, as_json: bool) -> None:
    """Show each queue's callers and agents now, and its figures since local midnight.

    SL is the share of answered calls answered within the queue's service-level seconds;
    SL+AB counts abandoned calls too. Short abandons are left out of both. Times are m:ss.

    Example:

        branchline queue stats loans --json
    """
    path = "/api/v1/queues/stats" + (f"?queue={urllib.parse.quote(name)}" if name else "")
    report = request(data_dir(ctx), "GET", path)
    if as_json:
        print_json(report)
        return
    stats = report["queues"]
    click.echo("Now")
    print_table(
        ("queue", "waiting", "longest", "callbacks", "est. wait", "ready", "ringing", "on call", "wrap-up",
         "not ready", "no phone"),
        [(q["queue"], q["live"]["waiting"], _seconds(q["live"]["longest_wait"]), q["live"]["callbacks_waiting"],
          _seconds(q["live"]["estimated_wait"]), *(q["live"]["agents"][s] for s in
          ("ready", "ringing", "on_call", "wrapup", "not_ready", "phone_unreachable"))) for q in stats],
        empty="No queues: 'branchline queue add' makes one.",
    )
    if not stats:
        return
    click.echo(f"\nToday (since {report['day_start']})")
    print_table(
        ("queue", "offered", "answered", "abandoned", "short", "SL", "SL+AB", "T", "ASA", "AHT", "exits",
         "callbacks done/asked"),
        [(q["queue"], t["offered"], t["answered"], t["abandoned"], t["short_abandoned"], _percent(t["service_level"]),
          _percent(t["service_level_with_abandons"]), f"{q['service_level_seconds']} s", _seconds(t["asa"]),
          _seconds(t["aht"]), _exits(t["exits"]), f"{t['callbacks_completed']}/{t['callbacks_requested']}")
         for q in stats for t in [q["today"]]],
        empty="",
    )
