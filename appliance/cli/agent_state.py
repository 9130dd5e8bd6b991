"""Agent state commands: they act on the running server, as an agent's desktop would."""

from __future__ import annotations

import click

from appliance.cli.common import data_dir, json_option, print_json, print_table, reports_errors
from appliance.cli.config_cmds import agent
from appliance.cli.server_client import request

__all__ = ("agent",)


def _show(state: dict) -> None:
    reason = f" ({state['reason']})" if state["reason"] else ""
    if state.get("shown_status") == "phone_unreachable":
        reason += ", but the seat phone does not answer"
    seat = f" at seat {state['seat']}" if state["seat"] else ""
    click.echo(f"Agent {state['agent_id']} is {state['status'].replace('_', ' ')}{reason}{seat}.")


@agent.command("login")
@click.argument("agent_id", metavar="ID")
@click.option("--seat", required=True, help="The seat whose phone will ring for this agent.")
@click.pass_context
@reports_errors
def agent_login(ctx: click.Context, agent_id: str, seat: str) -> None:
    """Log an agent in at a seat (they start Not Ready).

    Example:

        branchline agent login a1001 --seat desk-1
    """
    _show(request(data_dir(ctx), "POST", f"/api/v1/agents/{agent_id}/login", {"seat": seat}))


@agent.command("ready")
@click.argument("agent_id", metavar="ID")
@click.pass_context
@reports_errors
def agent_ready(ctx: click.Context, agent_id: str) -> None:
    """Make an agent Ready to take calls.

    Example:

        branchline agent ready a1001
    """
    _show(request(data_dir(ctx), "POST", f"/api/v1/agents/{agent_id}/ready"))


@agent.command("pause")
@click.argument("agent_id", metavar="ID")
@click.option("--reason", required=True, help="Why: break, meal, huddle, training, coaching...")
@click.pass_context
@reports_errors
def agent_pause(ctx: click.Context, agent_id: str, reason: str) -> None:
    """Put an agent in Not Ready with a reason (after the current call, if on one).

    Example:

        branchline agent pause a1001 --reason break
    """
    _show(request(data_dir(ctx), "POST", f"/api/v1/agents/{agent_id}/pause", {"reason": reason}))


@agent.command("wrapup-end")
@click.argument("agent_id", metavar="ID")
@click.pass_context
@reports_errors
def agent_wrapup_end(ctx: click.Context, agent_id: str) -> None:
    """End an agent's wrap-up now: they are Ready (or take the pause they asked for).

    Example:

        branchline agent wrapup-end a1001
    """
    _show(request(data_dir(ctx), "POST", f"/api/v1/agents/{agent_id}/wrapup/end"))


@agent.command("wrapup-extend")
@click.argument("agent_id", metavar="ID")
@click.pass_context
@reports_errors
def agent_wrapup_extend(ctx: click.Context, agent_id: str) -> None:
    """Give an agent more wrap-up time, once per call ('acd set wrapup-extend' sets how much).

    Example:

        branchline agent wrapup-extend a1001
    """
    _show(request(data_dir(ctx), "POST", f"/api/v1/agents/{agent_id}/wrapup/extend"))


@agent.command("logout")
@click.argument("agent_id", metavar="ID")
@click.pass_context
@reports_errors
def agent_logout(ctx: click.Context, agent_id: str) -> None:
    """Log an agent out.

    Example:

        branchline agent logout a1001
    """
    _show(request(data_dir(ctx), "POST", f"/api/v1/agents/{agent_id}/logout"))


@agent.command("status")
@json_option
@click.pass_context
@reports_errors
def agent_status(ctx: click.Context, as_json: bool) -> None:
    """Show every agent's live state on the running server.

    Example:

        branchline agent status --json
    """
    states = request(data_dir(ctx), "GET", "/api/v1/agents")
    if as_json:
        print_json(states)
        return
    rows = [
        (s["agent_id"], s["name"], s.get("shown_status", s["status"]), s["reason"], s["seat"], s["since"], s["calls_answered"])
        for s in states
    ]
    print_table(("agent", "name", "status", "reason", "seat", "since", "answered"), rows, empty="No agents.")
