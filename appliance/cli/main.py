"""The `branchline` command."""

from __future__ import annotations

import click

from appliance import __version__
from appliance.cli import agent_state, queue_stats, routing_cmds  # noqa: F401 - register agent and queue commands
from appliance.cli.acd_cmds import acd, pause_code
from appliance.cli.coaching_cmds import coaching, training
from appliance.cli.common import EXIT_USAGE
from appliance.cli.config_cmds import agent, did, queue, seat, trunk
from appliance.cli.customer_cmds import customer, demo_bank, tier
from appliance.cli.dialplan_cmds import dialplan
from appliance.cli.followup_cmds import TEAM_FOLLOW_UP_COMMANDS, complaint
from appliance.cli.fund_cmds import fund
from appliance.cli.huddle_cmds import huddle, meeting
from appliance.cli.ivr_cmds import ivr
from appliance.cli.prompt_cmds import prompt
from appliance.cli.quality_cmds import quality_group, recordings, scorecard
from appliance.cli.recognition_cmds import activity, recognition
from appliance.cli.roster_cmds import roster, shift, swap
from appliance.cli.server_cmds import calls, doctor, init, migrate, phone, serve
from appliance.cli.team_cmds import team
from appliance.cli.user_cmds import audit_command, user
from appliance.cli.voicemail_cmds import voicemail
from appliance.cli.wallboard_cmds import wallboard
from appliance.datadir import DataDir

__all__ = ("cli", "main")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--data", "data_option", metavar="DIR", help="Data directory (default: $BRANCHLINE_DATA, else ./branchline-data).")
@click.version_option(__version__, prog_name="branchline")
@click.pass_context
def cli(ctx: click.Context, data_option: str | None) -> None:
    """Branchline: a call center in one box for a bank branch.

    Example:

        branchline init --demo && branchline serve
    """
    ctx.obj = {"data": DataDir.resolve(data_option)}


COMMANDS = (
    init, migrate, serve, trunk, seat, agent, queue, did, acd, pause_code, dialplan,
    ivr, prompt, customer, tier, voicemail, user, team, audit_command, calls, doctor,
    recordings, scorecard, quality_group, wallboard,
    complaint,
    shift, roster, swap,
    huddle, meeting, coaching, training, recognition, activity, fund,  # the team's life (docs/teams.md)
    phone, demo_bank,  # tools for trying a branch out: a test phone, the demo's core-banking stand-in
)
for command in TEAM_FOLLOW_UP_COMMANDS:  # team target, targets, flags
    team.add_command(command)
for command in COMMANDS:
    cli.add_command(command)


def main() -> None:
    try:
        cli(prog_name="branchline", standalone_mode=True)
    except KeyboardInterrupt:
        raise SystemExit(EXIT_USAGE) from None


if __name__ == "__main__":
    main()
