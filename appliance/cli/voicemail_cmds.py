"""Voicemail left in the IVR: tasks for a queue until someone has dealt with them."""

from __future__ import annotations

import time

import click

from appliance.cli.common import json_option, open_store, print_json, print_table, reports_errors
from appliance.store.ivr import close_voicemail, list_voicemails

__all__ = ("voicemail",)


@click.group()
def voicemail() -> None:
    """Messages callers left in a voice menu's voicemail node."""


@voicemail.command("list")
@click.option("--queue", "queue_name", metavar="NAME", help="Only this queue's messages.")
@click.option("--all", "show_all", is_flag=True, help="Done messages too.")
@json_option
@click.pass_context
@reports_errors
def voicemail_list(ctx: click.Context, queue_name: str | None, show_all: bool, as_json: bool) -> None:
    """List open voicemail tasks, oldest first, with the recording's path.

    Example:

        branchline voicemail list --queue general
    """
    messages = list_voicemails(open_store(ctx), queue_name, None if show_all else "open")
    if as_json:
        print_json(messages)
        return
    rows = [(m.id, m.created_at[:19].replace("T", " "), m.queue, m.caller, f"{m.seconds:.0f} s", m.status, m.path)
            for m in messages]
    print_table(("id", "left (UTC)", "queue", "caller", "length", "status", "recording"), rows,
                empty="No voicemail waiting." if not show_all else "No voicemail.")


@voicemail.command("done")
@click.argument("voicemail_id", type=int)
@click.option("--by", default="admin", show_default=True, help="Who dealt with it (kept with the task).")
@click.pass_context
@reports_errors
def voicemail_done(ctx: click.Context, voicemail_id: int, by: str) -> None:
    """Mark a voicemail task as dealt with.

    Example:

        branchline voicemail done 12 --by a1001
    """
    message = close_voicemail(open_store(ctx), voicemail_id, by, time.time())
    click.echo(f"Voicemail {message.id} from {message.caller} ({message.queue}) is done.")
