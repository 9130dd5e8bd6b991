"""Teams (docs/teams.md, "Organisation"): teams and their agents, squads with squad leaders, the
roles members hold, and the whole team at a glance.

Every change made here is written to the audit log with actor 'cli', in the change's own
transaction, like the account commands (user_cmds.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import apsw
import click

from appliance.cli.common import json_option, open_store, print_json, print_table, reports_errors
from appliance.clock import now
from appliance.store import team_org, teams
from appliance.store.audit import CLI_ACTOR, audit

__all__ = ("NONE", "audited", "team")

NONE = "-"  # what an admin types for 'no team', 'no squad'


@contextmanager
def audited(conn: apsw.Connection, action: str, target: str | None, **details: Any) -> Iterator[None]:
    """The change and its audit entry land together, or neither does."""
    with conn:
        yield
        audit(conn, now(), action, actor=CLI_ACTOR, target=target, source="cli", **details)


@click.group()
def team() -> None:
    """Teams of agents: a team leader sees their team's agents on the desktop; squads, roles within the team."""


@team.command("add")
@click.argument("name")
@click.pass_context
@reports_errors
def team_add(ctx: click.Context, name: str) -> None:
    """Add a team.

    Example:

        branchline team add cards
    """
    conn = open_store(ctx)
    with audited(conn, "team_added", name):
        teams.add_team(conn, name)
    click.echo(f"Added team {name}.")


@team.command("list")
@json_option
@click.pass_context
@reports_errors
def team_list(ctx: click.Context, as_json: bool) -> None:
    """List teams with how many agents they have and who leads them.

    Example:

        branchline team list --json
    """
    found = teams.list_teams(open_store(ctx))
    if as_json:
        print_json(found)
        return
    rows = [(t.name, t.members, " ".join(t.leaders) or "-") for t in found]
    print_table(("team", "agents", "leaders"), rows, empty="No teams. Add one with 'branchline team add'.")


@team.command("assign")
@click.argument("agent_id", metavar="AGENT_ID")
@click.argument("team_name", metavar="TEAM|-")
@click.pass_context
@reports_errors
def team_assign(ctx: click.Context, agent_id: str, team_name: str) -> None:
    """Put an agent in a team; TEAM '-' takes them out of any team.

    Moving an agent to another team drops their squad and their roles in the old one.

    Example:

        branchline team assign a1001 cards

        branchline team assign a1001 -
    """
    conn = open_store(ctx)
    new_team = None if team_name == NONE else team_name
    with audited(conn, "agent_assigned", agent_id, team=new_team):
        teams.assign_agent(conn, agent_id, new_team)
    click.echo(f"Agent {agent_id} is in team {new_team}." if new_team else f"Agent {agent_id} is in no team.")


@team.command("show")
@click.argument("name")
@json_option
@click.pass_context
@reports_errors
def team_show(ctx: click.Context, name: str, as_json: bool) -> None:
    """Show a team: its leaders, squads with their leaders and members, roles, and members in no squad.

    Example:

        branchline team show cards --json
    """
    overview = team_org.team_overview(open_store(ctx), name)
    if as_json:
        print_json(overview)
        return
    click.echo(f"Team {overview.name}, led by {', '.join(overview.leaders) or 'nobody yet'}.")
    rows = [
        (squad.name, squad.leader or "-", " ".join(m.id for m in squad.members) or "-") for squad in overview.squads
    ]
    rows.append(("(no squad)", "-", " ".join(m.id for m in overview.without_squad) or "-"))
    print_table(("squad", "leader", "members"), rows, empty="")
    if overview.roles:
        roles: dict[str, list[str]] = {}
        for holder in overview.roles:
            roles.setdefault(holder.role, []).append(holder.agent_id)
        click.echo("Roles: " + "; ".join(f"{role} {' '.join(agents)}" for role, agents in roles.items()) + ".")
    else:
        click.echo(f"Roles: none yet (branchline team role add {name} AGENT {'|'.join(team_org.ROLES)}).")


# ---- squads ------------------------------------------------------------------------------------------


@team.group("squad")
def squad() -> None:
    """A team's squads (小组), each with a squad leader; an agent is in at most one, of their own team."""


@squad.command("add")
@click.argument("team_name", metavar="TEAM")
@click.argument("name", metavar="SQUAD")
@click.option("--leader", metavar="AGENT", help="The squad leader: an agent of the team, who joins the squad.")
@click.pass_context
@reports_errors
def squad_add(ctx: click.Context, team_name: str, name: str, leader: str | None) -> None:
    """Add a squad to a team.

    Example:

        branchline team squad add cards north --leader a1001
    """
    conn = open_store(ctx)
    with audited(conn, "squad_added", f"{team_name}/{name}", leader=leader):
        team_org.add_squad(conn, team_name, name, leader)
    click.echo(f"Added squad {name} to team {team_name}" + (f", led by {leader}." if leader else "."))


@squad.command("remove")
@click.argument("team_name", metavar="TEAM")
@click.argument("name", metavar="SQUAD")
@click.pass_context
@reports_errors
def squad_remove(ctx: click.Context, team_name: str, name: str) -> None:
    """Remove a squad; its members stay in the team, in no squad.

    Example:

        branchline team squad remove cards north
    """
    conn = open_store(ctx)
    with audited(conn, "squad_removed", f"{team_name}/{name}"):
        members = team_org.remove_squad(conn, team_name, name)
    click.echo(f"Removed squad {name} from team {team_name}; {members} member(s) are now in no squad.")


@squad.command("assign")
@click.argument("agent_id", metavar="AGENT")
@click.argument("name", metavar="SQUAD|-")
@click.pass_context
@reports_errors
def squad_assign(ctx: click.Context, agent_id: str, name: str) -> None:
    """Put an agent in a squad of their team; SQUAD '-' takes them out of theirs.

    A squad leader who moves stops leading the squad they leave.

    Example:

        branchline team squad assign a1002 north
    """
    conn = open_store(ctx)
    new_squad = None if name == NONE else name
    with audited(conn, "squad_assigned", agent_id, squad=new_squad):
        team_name = team_org.assign_squad(conn, agent_id, new_squad)
    click.echo(f"Agent {agent_id} is in squad {new_squad} of team {team_name}." if new_squad
               else f"Agent {agent_id} is in no squad.")


# ---- roles -------------------------------------------------------------------------------------------


@team.group("role")
def role() -> None:
    """Roles members hold within their team besides taking calls: trainer, activity_officer, fund_keeper."""


@role.command("add")
@click.argument("team_name", metavar="TEAM")
@click.argument("agent_id", metavar="AGENT")
@click.argument("name", metavar="ROLE", type=click.Choice(team_org.ROLES))
@click.pass_context
@reports_errors
def role_add(ctx: click.Context, team_name: str, agent_id: str, name: str) -> None:
    """Give an agent of the team a role in it.

    Example:

        branchline team role add cards a1001 trainer
    """
    conn = open_store(ctx)
    with audited(conn, "team_role_added", agent_id, team=team_name, role=name):
        team_org.add_role(conn, team_name, agent_id, name)
    click.echo(f"Agent {agent_id} is a {name} in team {team_name}.")


@role.command("remove")
@click.argument("team_name", metavar="TEAM")
@click.argument("agent_id", metavar="AGENT")
@click.argument("name", metavar="ROLE", type=click.Choice(team_org.ROLES))
@click.pass_context
@reports_errors
def role_remove(ctx: click.Context, team_name: str, agent_id: str, name: str) -> None:
    """Take a role in the team from an agent.

    Example:

        branchline team role remove cards a1001 trainer
    """
    conn = open_store(ctx)
    with audited(conn, "team_role_removed", agent_id, team=team_name, role=name):
        team_org.remove_role(conn, team_name, agent_id, name)
    click.echo(f"Agent {agent_id} is no longer a {name} in team {team_name}.")
