"""Routing commands: queue settings, penalty rules, agents' skills, penalties and wrap-up, and the
`show` views that tell who can serve what. A running server picks every change up by itself."""

from __future__ import annotations

import click
import msgspec

from appliance.cli.common import fail, json_option, open_store, print_json, print_table, reports_errors
from appliance.cli.config_cmds import agent, queue
from appliance.cli.queue_options import queue_fields, queue_options
from appliance.errors import NotFound
from appliance.model import Agent, BranchConfig, PenaltyRule, Queue, parse_skill
from appliance.store import config as store
from appliance.store import routing

__all__ = ("agent", "queue")


class ServingAgent(msgspec.Struct, frozen=True):
    """An agent who holds every skill a queue requires, with their tier in it."""

    id: str
    name: str
    penalty: int
    skill_score: int  # their levels in the queue's skills, summed (what the skill-level strategy ranks by)


class QueueView(msgspec.Struct, frozen=True):
    queue: Queue
    dids: list[str]
    overflow_from: list[str]
    agents: list[ServingAgent]


class ServedQueue(msgspec.Struct, frozen=True):
    queue: str
    penalty: int
    wrapup: int  # what this agent gets after a call from this queue


class AgentView(msgspec.Struct, frozen=True):
    agent: Agent
    queues: list[ServedQueue]  # the queues whose required skills this agent holds


def _skills(skills: dict[str, int]) -> str:
    return " ".join(f"{s}:{lvl}" for s, lvl in sorted(skills.items())) or "-"


def _find_queue(config: BranchConfig, name: str) -> Queue:
    found = config.queue(name)
    if found is None:
        raise NotFound(f"queue {name!r} does not exist: 'branchline queue list' shows what there is.")
    return found


def _find_agent(config: BranchConfig, agent_id: str) -> Agent:
    found = config.agent(agent_id)
    if found is None:
        raise NotFound(f"agent {agent_id!r} does not exist: 'branchline agent list' shows what there is.")
    return found


def _print_settings(title: str, rows: list[tuple[str, object]]) -> None:
    click.echo(title)
    width = max(len(key) for key, _ in rows)
    for key, value in rows:
        click.echo(f"  {key.ljust(width)}  {value}")


# ---- queues ------------------------------------------------------------------------------------------


@queue.command("set")
@click.argument("name")
@click.option("--skill", "skills", multiple=True, metavar="SKILL[:MINLEVEL]", help="Required skill (repeatable); replaces all the queue requires now.")
@click.option("--no-skill", is_flag=True, help="Require no skills: every agent may serve the queue.")
@queue_options(for_add=False)
@click.pass_context
@reports_errors
def queue_set(ctx: click.Context, name: str, skills: tuple[str, ...], no_skill: bool, **options: object) -> None:
    """Change a queue's settings; what is not given stays as it is.

    Example:

        branchline queue set cards --strategy skill-level --priority-step 30

        branchline queue set cards --overflow queue:general --max-callers 10

        branchline queue set general --callback-key 9 --announce-every 45
    """
    fields = queue_fields(options, skills, no_skill=no_skill)
    if not fields:
        raise fail("nothing to change: give at least one option, see 'branchline queue set --help'.")
    routing.update_queue(open_store(ctx), name, **fields)
    click.echo(f"Changed queue {name}: {', '.join(f.replace('_', '-') for f in fields)}.")


def _parse_penalty_rule(text: str) -> PenaltyRule:
    after, sep, limit = text.partition(":")
    if not sep or not after.isdigit() or not limit.isdigit():
        raise fail(f"penalty rule {text!r} is not WAIT:MAX_PENALTY, for example 30:1 (after 30 s, penalties up to 1).")
    return PenaltyRule(int(after), int(limit))


@queue.command("penalty-rules")
@click.argument("name")
@click.argument("rules", nargs=-1, metavar="[WAIT:MAX_PENALTY]...")
@click.option("--clear", is_flag=True, help="Remove the rules: every penalty may serve at once, lowest first.")
@click.pass_context
@reports_errors
def queue_penalty_rules(ctx: click.Context, name: str, rules: tuple[str, ...], clear: bool) -> None:
    """Set which agent penalties may take a caller as their wait grows (replaces the rules).

    Once a caller has waited WAIT seconds, agents with a penalty up to MAX_PENALTY may take the call.

    Example (penalty 0 at once, up to 1 after 30 s, up to 5 after a minute):

        branchline queue penalty-rules cards 0:0 30:1 60:5
    """
    if clear == bool(rules):
        raise fail("give the rules as WAIT:MAX_PENALTY (for example 0:0 30:1), or --clear to remove them; not both.")
    changed = routing.set_penalty_rules(open_store(ctx), name, [_parse_penalty_rule(r) for r in rules])
    shown = " ".join(f"{r.after}:{r.max_penalty}" for r in changed.penalty_rules)
    click.echo(f"Queue {name} penalty rules: {shown}." if shown else f"Queue {name} has no penalty rules now.")


def _queue_view(config: BranchConfig, q: Queue) -> QueueView:
    agents = sorted(
        (ServingAgent(a.id, a.name, a.penalty(q.name), q.skill_score(a)) for a in config.agents if q.accepts(a)),
        key=lambda s: (s.penalty, -s.skill_score, s.id),
    )
    dids = [d.number for d in config.dids if d.queue == q.name]
    overflow_from = [other.name for other in config.queues if other.overflow_queue() == q.name]
    return QueueView(q, dids, overflow_from, agents)


def _queue_rows(q: Queue) -> list[tuple[str, object]]:
    def yes(flag: bool) -> str:
        return "yes" if flag else "no"

    rules = " ".join(f"{r.after}:{r.max_penalty}" for r in q.penalty_rules)
    return [
        ("strategy", q.strategy),
        ("skills", _skills(q.skills)),
        ("ring-timeout", f"{q.ring_timeout} s"),
        ("wrapup", f"{q.wrapup} s"),
        ("max-wait", f"{q.max_wait} s"),
        ("overflow", q.overflow),
        ("max-callers", q.max_callers or "0 (no limit)"),
        ("join-empty", yes(q.join_empty)),
        ("leave-empty", yes(q.leave_empty)),
        ("priority-step", f"{q.priority_step} s" if q.priority_step else "0 (no aging)"),
        ("penalty-rules", rules or "none (every penalty may serve, lowest first)"),
        ("announce-position", yes(q.announce_position)),
        ("announce-wait", yes(q.announce_wait)),
        ("announce-every", f"{q.announce_every} s" if q.announce_every else "0 (on entry only)"),
        ("announce-min-gap", f"{q.announce_min_gap} s"),
        ("announce-round", f"{q.announce_round} s"),
        ("callback-key", q.callback_key or "none"),
        ("service-level", f"{q.service_level} s"),
        ("short-abandon", f"{q.short_abandon} s"),
        ("handle-time", f"{q.handle_time} s"),
    ]


@queue.command("show")
@click.argument("name")
@json_option
@click.pass_context
@reports_errors
def queue_show(ctx: click.Context, name: str, as_json: bool) -> None:
    """Show every setting of a queue, its DIDs, and the agents who can serve it.

    Example:

        branchline queue show general --json
    """
    config = store.load_config(open_store(ctx))
    view = _queue_view(config, _find_queue(config, name))
    if as_json:
        print_json(view)
        return
    rows = _queue_rows(view.queue)
    rows += [("dids", " ".join(view.dids) or "-"), ("overflow-from", " ".join(view.overflow_from) or "-")]
    _print_settings(f"Queue {name}", rows)
    click.echo("\nAgents who can serve it (lowest penalty first):")
    print_table(
        ("agent", "name", "penalty", "skill-score"),
        [(a.id, a.name, a.penalty, a.skill_score) for a in view.agents],
        empty="  none: no agent holds the skills it requires ('branchline agent skill ID SKILL:LEVEL').",
    )


# ---- agents ------------------------------------------------------------------------------------------


@agent.command("skill")
@click.argument("agent_id", metavar="ID")
@click.argument("skills", nargs=-1, metavar="[SKILL:LEVEL]...")
@click.option("--remove", "removed", multiple=True, metavar="SKILL", help="Take this skill away (repeatable).")
@click.pass_context
@reports_errors
def agent_skill(ctx: click.Context, agent_id: str, skills: tuple[str, ...], removed: tuple[str, ...]) -> None:
    """Give an agent skills or change their levels (1-10); other skills stay as they are.

    Example:

        branchline agent skill a1001 cards:6 loans:3 --remove mortgages
    """
    if not skills and not removed:
        raise fail("give skills as SKILL:LEVEL (for example cards:6), or --remove SKILL.")
    levels = dict(parse_skill(s, default_level=None) for s in skills)
    both = sorted(set(levels) & set(removed))
    if both:
        raise fail(f"skill {both[0]!r} is both given and removed: give it once.")
    conn = open_store(ctx)
    with conn:  # all of it or none of it
        for skill, level in levels.items():
            routing.set_agent_skill(conn, agent_id, skill, level)
        for skill in removed:
            routing.remove_agent_skill(conn, agent_id, skill)
    click.echo(f"Agent {agent_id} skills: {_skills(_find_agent(store.load_config(conn), agent_id).skills)}.")


@agent.command("penalty")
@click.argument("agent_id", metavar="ID")
@click.argument("queue_name", metavar="QUEUE")
@click.argument("penalty", type=click.IntRange(0, routing.MAX_PENALTY))
@click.pass_context
@reports_errors
def agent_penalty(ctx: click.Context, agent_id: str, queue_name: str, penalty: int) -> None:
    """Set an agent's penalty (tier) in a queue: lower penalties get the queue's calls first; 0 is the default.

    Example (a1002 takes cards calls only when no penalty-0 agent is free):

        branchline agent penalty a1002 cards 1
    """
    conn = open_store(ctx)
    routing.set_agent_penalty(conn, agent_id, queue_name, penalty)
    click.echo(f"Agent {agent_id} has penalty {penalty} in queue {queue_name}.")
    config = store.load_config(conn)
    q = _find_queue(config, queue_name)
    if not q.accepts(_find_agent(config, agent_id)):
        click.echo(
            f"Note: {agent_id} lacks skills queue {queue_name} requires ({_skills(q.skills)}), so they get none of "
            f"its calls until 'branchline agent skill {agent_id} ...' gives them."
        )


@agent.command("set")
@click.argument("agent_id", metavar="ID")
@click.option("--wrapup", type=click.IntRange(*routing.QUEUE_LIMITS["wrapup"][:2]), metavar="SECONDS", help="Wrap-up after every call, whatever the queue.")
@click.option("--wrapup-default", is_flag=True, help="Use each queue's wrap-up again.")
@click.pass_context
@reports_errors
def agent_set(ctx: click.Context, agent_id: str, wrapup: int | None, wrapup_default: bool) -> None:
    """Change an agent's settings.

    Example:

        branchline agent set a1001 --wrapup 45
    """
    if (wrapup is None) == (not wrapup_default):
        raise fail("give --wrapup SECONDS or --wrapup-default (one of them).")
    routing.set_agent_wrapup(open_store(ctx), agent_id, wrapup)
    click.echo(f"Agent {agent_id} wrap-up: {wrapup} s after every call." if wrapup is not None
               else f"Agent {agent_id} wrap-up: each queue's own.")


@agent.command("show")
@click.argument("agent_id", metavar="ID")
@json_option
@click.pass_context
@reports_errors
def agent_show(ctx: click.Context, agent_id: str, as_json: bool) -> None:
    """Show an agent's skills, wrap-up, penalties and the queues they can serve.

    Example:

        branchline agent show a1001 --json
    """
    config = store.load_config(open_store(ctx))
    a = _find_agent(config, agent_id)
    served = [
        ServedQueue(q.name, a.penalty(q.name), q.wrapup if a.wrapup is None else a.wrapup)
        for q in config.queues
        if q.accepts(a)
    ]
    view = AgentView(a, sorted(served, key=lambda s: (s.penalty, s.queue)))
    if as_json:
        print_json(view)
        return
    penalties = " ".join(f"{q}:{p}" for q, p in sorted(a.penalties.items())) or "none (0 in every queue)"
    _print_settings(f"Agent {a.id} ({a.name})", [
        ("skills", _skills(a.skills)),
        ("wrapup", "each queue's own" if a.wrapup is None else f"{a.wrapup} s after every call"),
        ("penalties", penalties),
        ("team", a.team or "none"),
    ])
    click.echo("\nQueues they can serve (lowest penalty first):")
    print_table(
        ("queue", "penalty", "wrapup"),
        [(s.queue, s.penalty, f"{s.wrapup} s") for s in view.queues],
        empty="  none: they lack the skills every queue requires.",
    )
