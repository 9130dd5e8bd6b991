"""Configuration commands: trunks, seats, agents, queues and DIDs. A running server picks changes up."""

from __future__ import annotations

import click

from appliance.cli.common import fail, json_option, open_store, print_json, print_table, reports_errors
from appliance.cli.queue_options import queue_fields, queue_options
from appliance.model import Agent, Did, Queue, Seat, Trunk, parse_gateway, parse_name, parse_sip_uri, parse_skill
from appliance.store import config as store
from appliance.store import routing, telephony

__all__ = ("agent", "did", "queue", "seat", "trunk")


def _remove_command(group: click.Group, kind: str, key_name: str) -> None:
    @group.command("remove")
    @click.argument(key_name)
    @click.pass_context
    @reports_errors
    def remove(ctx: click.Context, **kwargs: str) -> None:
        store.remove(open_store(ctx), kind, kwargs[key_name])
        click.echo(f"Removed {kind} {kwargs[key_name]}.")

    remove.__doc__ = f"Remove a {kind}.\n\nExample:\n\n    branchline {kind} remove {key_name.upper()}"
    remove.help = remove.__doc__


# ---- trunks --------------------------------------------------------------------------------------


@click.group()
def trunk() -> None:
    """Connections to the phone network: gateways by source address, carriers by registration."""


@trunk.command("add")
@click.argument("name")
@click.option("--gateway", "gateways", multiple=True, metavar="ADDR[/PREFIX]", help="Accept calls from this address or network (repeatable).")
@click.option("--register", "register_uri", metavar="sip:USER@HOST", help="Register to this carrier account.")
@click.option("--password", help="The carrier account's password (with --register).")
@click.option("--outbound-proxy", metavar="sip:HOST[:PORT]", help="Send calls out through this trunk here (a gateway trunk needs one to dial out).")
@click.pass_context
@reports_errors
def trunk_add(ctx: click.Context, name: str, gateways: tuple[str, ...], register_uri: str | None, password: str | None,
              outbound_proxy: str | None) -> None:
    """Add a trunk.

    Example:

        branchline trunk add pstn-gw --gateway 192.0.2.10 --outbound-proxy sip:192.0.2.10

        branchline trunk add carrier --register sip:0201234@sip.example.net --password secret
    """
    parse_name(name, "trunk")
    if not gateways and not register_uri:
        raise fail("a trunk needs --gateway ADDR[/PREFIX] or --register sip:USER@HOST (or both).")
    if bool(register_uri) != bool(password):
        raise fail("--register and --password go together: give both or neither.")
    if register_uri:
        parse_sip_uri(register_uri)
    networks = tuple(parse_gateway(g) for g in gateways)
    proxy = telephony.parse_outbound_proxy(outbound_proxy) if outbound_proxy else None
    telephony.add_trunk(open_store(ctx), Trunk(name, networks, register_uri, password, proxy))
    click.echo(f"Added trunk {name}.")


@trunk.command("list")
@json_option
@click.pass_context
@reports_errors
def trunk_list(ctx: click.Context, as_json: bool) -> None:
    """List trunks (passwords are never shown).

    Example:

        branchline trunk list --json
    """
    trunks = [
        {"name": t.name, "gateways": list(t.gateways), "register": t.register_uri, "outbound_proxy": t.outbound_proxy}
        for t in store.load_config(open_store(ctx)).trunks
    ]
    if as_json:
        print_json(trunks)
        return
    rows = [(t["name"], ", ".join(t["gateways"]) or "-", t["register"] or "-", t["outbound_proxy"] or "-") for t in trunks]
    print_table(("name", "gateways", "register", "outbound proxy"), rows, empty="No trunks. Add one with 'branchline trunk add'.")


_remove_command(trunk, "trunk", "name")


# ---- seats ---------------------------------------------------------------------------------------


@click.group()
def seat() -> None:
    """Desk positions, each with the SIP phone the appliance rings for the agent sitting there."""


@seat.command("add")
@click.argument("name")
@click.option("--phone", required=True, metavar="sip:USER@HOST[:PORT]", help="The seat phone's SIP URI.")
@click.option("--remote-answer", is_flag=True,
              help="The phone answers when asked (it honours Call-Info answer-after=0): agents can answer from the desktop.")
@click.pass_context
@reports_errors
def seat_add(ctx: click.Context, name: str, phone: str, remote_answer: bool) -> None:
    """Add a seat.

    Example:

        branchline seat add desk-1 --phone sip:1001@192.0.2.21 --remote-answer
    """
    parse_name(name, "seat")
    telephony.add_seat(open_store(ctx), Seat(name, str(parse_sip_uri(phone)), remote_answer))
    click.echo(f"Added seat {name}.")


@seat.command("list")
@json_option
@click.pass_context
@reports_errors
def seat_list(ctx: click.Context, as_json: bool) -> None:
    """List seats.

    Example:

        branchline seat list
    """
    seats = store.load_config(open_store(ctx)).seats
    if as_json:
        print_json(seats)
        return
    print_table(("name", "phone", "remote answer"), [(s.name, s.phone_uri, "yes" if s.remote_answer else "no")
                                                     for s in seats], empty="No seats. Add one with 'branchline seat add'.")


_remove_command(seat, "seat", "name")


# ---- agents (configuration; state commands live in agent_state.py) --------------------------------


@click.group()
def agent() -> None:
    """Agents: who they are and their skills, and (on the running server) their state."""


@agent.command("add")
@click.argument("agent_id", metavar="ID")
@click.option("--name", required=True, help="The agent's full name.")
@click.option("--skill", "skills", multiple=True, metavar="SKILL:LEVEL", help="A skill with level 1-10 (repeatable).")
@click.pass_context
@reports_errors
def agent_add(ctx: click.Context, agent_id: str, name: str, skills: tuple[str, ...]) -> None:
    """Add an agent.

    Example:

        branchline agent add a1001 --name "Li Na" --skill general:7 --skill loans:4
    """
    parse_name(agent_id, "agent")
    if not name.strip():
        raise fail("--name must not be empty.")
    routing.add_agent(open_store(ctx), Agent(agent_id, name.strip(), dict(parse_skill(s, default_level=None) for s in skills)))
    click.echo(f"Added agent {agent_id}.")


@agent.command("list")
@json_option
@click.pass_context
@reports_errors
def agent_list(ctx: click.Context, as_json: bool) -> None:
    """List agents and their skills.

    Example:

        branchline agent list --json
    """
    agents = store.load_config(open_store(ctx)).agents
    if as_json:
        print_json(agents)
        return
    rows = [(a.id, a.name, " ".join(f"{s}:{lvl}" for s, lvl in sorted(a.skills.items())) or "-", a.team or "-")
            for a in agents]
    print_table(("id", "name", "skills", "team"), rows, empty="No agents. Add one with 'branchline agent add'.")


_remove_command(agent, "agent", "agent_id")


# ---- queues --------------------------------------------------------------------------------------


@click.group()
def queue() -> None:
    """Queues where callers wait for agents with the skills the queue requires."""


@queue.command("add")
@click.argument("name")
@click.option("--skill", "skills", multiple=True, metavar="SKILL[:MINLEVEL]", help="A required skill (repeatable; minimum level 1 if omitted).")
@queue_options(for_add=True)
@click.pass_context
@reports_errors
def queue_add(ctx: click.Context, name: str, skills: tuple[str, ...], **options: object) -> None:
    """Add a queue. 'branchline queue set' changes any setting later.

    Example:

        branchline queue add loans --skill loans:3 --ring-timeout 15 --wrapup 30 --max-wait 600

        branchline queue add vip --skill general:7 --strategy skill-level --overflow queue:loans
    """
    parse_name(name, "queue")
    routing.add_queue(open_store(ctx), Queue(name, **queue_fields(options, skills)))
    click.echo(f"Added queue {name}.")


@queue.command("list")
@json_option
@click.pass_context
@reports_errors
def queue_list(ctx: click.Context, as_json: bool) -> None:
    """List queues ('branchline queue show NAME' has every setting).

    Example:

        branchline queue list
    """
    queues = store.load_config(open_store(ctx)).queues
    if as_json:
        print_json(queues)
        return
    rows = [
        (q.name, q.strategy, " ".join(f"{s}:{lvl}" for s, lvl in sorted(q.skills.items())) or "-", q.ring_timeout,
         q.wrapup, q.max_wait, q.overflow)
        for q in queues
    ]
    print_table(("name", "strategy", "skills", "ring-timeout", "wrapup", "max-wait", "overflow"), rows,
                empty="No queues. Add one with 'branchline queue add'.")


_remove_command(queue, "queue", "name")


# ---- DIDs ----------------------------------------------------------------------------------------


@click.group()
def did() -> None:
    """Dialled numbers and where their calls go."""


@did.command("add")
@click.argument("number")
@click.option("--queue", "queue_name", metavar="NAME", help="Send calls to this number to a queue.")
@click.option("--flow", metavar="NAME", help="Send calls to an IVR flow (applied with 'branchline ivr apply').")
@click.option("--priority", default=0, show_default=True, type=click.IntRange(0, telephony.MAX_PRIORITY), help="Callers on this number wait ahead of those with a lower priority (a VIP line).")
@click.pass_context
@reports_errors
def did_add(ctx: click.Context, number: str, queue_name: str | None, flow: str | None, priority: int) -> None:
    """Add a DID.

    Example:

        branchline did add 4008001234 --queue general

        branchline did add 4008009999 --queue general --priority 5

        branchline did add 4008005555 --flow bank
    """
    if not number.replace("+", "", 1).isdigit():
        raise fail(f"DID {number!r} is not a phone number: use digits, optionally starting with '+'.")
    if bool(flow) == bool(queue_name):
        raise fail("say where the calls go: either --queue NAME or --flow NAME.")
    telephony.add_did(open_store(ctx), Did(number, queue=queue_name, flow=flow, priority=priority))
    click.echo(f"Added DID {number} -> {f'queue {queue_name}' if queue_name else f'flow {flow}'}.")


@did.command("list")
@json_option
@click.pass_context
@reports_errors
def did_list(ctx: click.Context, as_json: bool) -> None:
    """List DIDs.

    Example:

        branchline did list --json
    """
    dids = store.load_config(open_store(ctx)).dids
    if as_json:
        print_json(dids)
        return
    rows = [(d.number, f"queue {d.queue}" if d.queue else f"flow {d.flow}", d.priority) for d in dids]
    print_table(("number", "destination", "priority"), rows, empty="No DIDs. Add one with 'branchline did add'.")


_remove_command(did, "did", "number")
