"""Branch-wide ACD settings and the pause codes agents choose from. A running server picks changes up."""

from __future__ import annotations

import click
import msgspec

from appliance.cli.common import fail, json_option, open_store, print_json, print_table, reports_errors
from appliance.model import AcdSettings, PauseCode, parse_name
from appliance.store import config as store
from appliance.store import pause_codes

__all__ = ("ACD_MEANINGS", "acd", "pause_code")

# What each AcdSettings field means, in the admin's words (a test checks every field has one).
ACD_MEANINGS = {
    "max_no_answer": "calls an agent may leave ringing in a row before they are paused as 'missed' (0: never)",
    "no_answer_delay": "seconds before an agent who let a call ring out is offered another",
    "busy_delay": "seconds before an agent whose phone answered busy is offered another",
    "unreachable_delay": "seconds before an agent whose phone could not be reached is offered another",
    "wrapup_extend": "seconds one 'extend' adds to an agent's wrap-up",
    "ping_interval": "seconds between OPTIONS pings to each seat phone (0: no pings)",
    "ping_failures": "unanswered pings in a row that mark a seat phone unreachable",
    "callback_attempts": "tries to reach a customer who asked for a callback",
    "callback_retry": "seconds between tries to reach a customer for a callback",
}


class AcdSettingView(msgspec.Struct, frozen=True):
    key: str
    value: int
    default: int
    meaning: str


def _dashed(key: str) -> str:
    return key.replace("_", "-")


# ---- acd ---------------------------------------------------------------------------------------------


@click.group()
def acd() -> None:
    """Branch-wide call distribution settings: ring-no-answer, delays, phone pings, callbacks."""


@acd.command("show")
@json_option
@click.pass_context
@reports_errors
def acd_show(ctx: click.Context, as_json: bool) -> None:
    """Show the ACD settings with their defaults and meaning.

    Example:

        branchline acd show --json
    """
    current = store.load_config(open_store(ctx)).acd
    defaults = AcdSettings()
    if as_json:
        print_json(current)
        return
    rows = [
        (_dashed(key), getattr(current, key), getattr(defaults, key), ACD_MEANINGS[key])
        for key in AcdSettings.__struct_fields__
    ]
    print_table(("setting", "value", "default", "meaning"), rows, empty="")


@acd.command("set", help=(
    "Change one ACD setting (a whole number); 'branchline acd show' lists them with their defaults.\n\n"
    "\b\nKEY (dashes or underscores) is one of:\n"
    + "\n".join(f"  {_dashed(k)}: {m}" for k, m in ACD_MEANINGS.items())
    + "\n\nExample:\n\n    branchline acd set max-no-answer 2"
))
@click.argument("key")
@click.argument("value")
@click.pass_context
@reports_errors
def acd_set(ctx: click.Context, key: str, value: str) -> None:
    field, number = store.set_acd_setting(open_store(ctx), key, value)
    click.echo(f"ACD setting {_dashed(field)} is {number}.")


# ---- pause codes -------------------------------------------------------------------------------------


@click.group("pause-code")
def pause_code() -> None:
    """Reasons agents give for Not Ready (break, meal, huddle...), shown in English and Chinese."""


@pause_code.command("add")
@click.argument("code")
@click.option("--label", required=True, help="What English screens and reports show.")
@click.option("--label-zh", default="", help="What Chinese screens and reports show.")
@click.pass_context
@reports_errors
def pause_code_add(ctx: click.Context, code: str, label: str, label_zh: str) -> None:
    """Add a pause code agents can choose.

    Example:

        branchline pause-code add quality --label "Quality review" --label-zh 质检
    """
    parse_name(code, "pause code")
    pause_codes.add_pause_code(open_store(ctx), PauseCode(code, label, label_zh))
    click.echo(f"Added pause code {code}.")


@pause_code.command("set")
@click.argument("code")
@click.option("--label", help="What English screens and reports show.")
@click.option("--label-zh", help="What Chinese screens and reports show.")
@click.pass_context
@reports_errors
def pause_code_set(ctx: click.Context, code: str, label: str | None, label_zh: str | None) -> None:
    """Change a pause code's labels.

    Example:

        branchline pause-code set acw --label-zh 事后处理
    """
    if label is None and label_zh is None:
        raise fail("nothing to change: give --label TEXT, --label-zh TEXT or both.")
    changed = pause_codes.update_pause_code(open_store(ctx), code, label=label, label_zh=label_zh)
    click.echo(f"Pause code {code}: {changed.label} / {changed.label_zh or '-'}.")


@pause_code.command("list")
@json_option
@click.pass_context
@reports_errors
def pause_code_list(ctx: click.Context, as_json: bool) -> None:
    """List pause codes; system codes are set by the appliance itself (agents cannot choose them).

    Example:

        branchline pause-code list --json
    """
    codes = store.load_config(open_store(ctx)).pause_codes
    if as_json:
        print_json(codes)
        return
    # The Chinese label last: its characters are two columns wide, which would shift any column after it.
    rows = [(p.code, "system" if p.system else "agent", p.label, p.label_zh or "-") for p in codes]
    print_table(("code", "kind", "label", "label (zh)"), rows, empty="No pause codes. Add one with 'branchline pause-code add'.")


@pause_code.command("remove")
@click.argument("code")
@click.pass_context
@reports_errors
def pause_code_remove(ctx: click.Context, code: str) -> None:
    """Remove a pause code; pauses already taken keep it in the event log and reports.

    Example:

        branchline pause-code remove coaching
    """
    pause_codes.remove_pause_code(open_store(ctx), code)
    click.echo(f"Removed pause code {code}.")
