"""Commands about the appliance as a whole: init, migrate, serve, calls, doctor, phone."""

from __future__ import annotations

import sys
from datetime import date

import click

from appliance.cli.common import data_dir, fail, json_option, open_store, print_json, print_table, reports_errors
from appliance.cli.quality_cmds import seed_standard_scorecard
from appliance.clock import now
from appliance.core.prompts import PromptLibrary
from appliance.datadir import generate_password
from appliance.demo import install_demo_customers, install_demo_flow
from appliance.demo.team import DEMO_TEAM, install_demo_team
from appliance.doctor import run_checks
from appliance.model import Agent, DialRule, Did, PenaltyRule, Queue, Seat, Trunk
from appliance.resources import migrations_dir, prompts_dir
from appliance.store import config as store
from appliance.store import routing, telephony
from appliance.store.audit import CLI_ACTOR, audit
from appliance.store.migrations import applied_versions, available
from appliance.store.migrations import migrate as apply_migrations
from appliance.store.records import list_calls
from appliance.store.teams import add_team, assign_agent
from appliance.store.users import add_user, issue_token

__all__ = ("calls", "doctor", "init", "migrate", "phone", "serve")

LANGUAGES = ("en", "zh")


@click.command()
@click.option("--demo", is_flag=True, help="Also create a demo branch: a trunk for 127.0.0.1, DIDs 100 and 101, two queues, two seats, two agents and dial rules.")
@click.option("--language", type=click.Choice(LANGUAGES), default="en", show_default=True, help="The branch's default language for prompts.")
@click.pass_context
@reports_errors
def init(ctx: click.Context, demo: bool, language: str) -> None:
    """Create the data directory, the database, default prompts and the admin user.

    The admin's generated password is printed once; keep it.

    Example:

        branchline --data /var/lib/branchline init --language zh
    """
    data = data_dir(ctx)
    if data.is_initialised():
        raise fail(f"{data.root} already holds a Branchline database: use another --data directory, or keep this one.")
    conn = data.create()
    store.set_setting(conn, "language", language)
    password = generate_password()
    with conn:
        admin_id = add_user(conn, "admin", password, "admin")
        audit(conn, now(), "user_added", actor=CLI_ACTOR, target="admin", role="admin")
    data.write_token(issue_token(conn, admin_id, "cli"))
    seed_standard_scorecard(conn)
    click.echo(f"Created Branchline data in {data.root}.")
    click.echo(f"Admin user: admin  password: {password}  (shown once; keep it safe)")
    if demo:
        _add_demo_branch(conn, PromptLibrary(data.prompts, prompts_dir()))
        users = _add_demo_users(conn)
        sign_ins = data.root / DEMO_USERS_FILE
        sign_ins.write_text("".join(f"{name} {password}  ({what})\n" for name, password, what in users))
        sign_ins.chmod(0o600)
        click.echo(
            f"Added the demo branch: trunk demo (127.0.0.1), DID {DEMO_FLOW_DID} -> voice menu demo-bank, "
            "DID 100 -> queue general, DID 101 -> queue cards, seats desk-1, desk-2 and desk-9 (the team "
            "leader's), agents a1001 and a1002, "
            "dial rules local and mobile, 12 customers (5 vip), team counter with squads east and west and "
            "a two-week roster."
        )


DEMO_FLOW_DID = "8000"  # the bank's main number: callers meet the voice menu
DEMO_USERS_FILE = "demo-users.txt"  # the demo's sign-ins, readable by the admin only (make run prints it)


def _add_demo_users(conn) -> list[tuple[str, str, str]]:
    """The demo's people on the desktop: its two agents and their team leader, in team counter."""
    add_team(conn, DEMO_TEAM)
    people = [("lina", "agent", "a1001", None, "agent a1001, Li Na"),
              ("wangwei", "agent", "a1002", None, "agent a1002, Wang Wei"),
              ("leader", "team_leader", None, DEMO_TEAM, f"team leader of {DEMO_TEAM}")]
    users = []
    for agent_id in ("a1001", "a1002"):
        assign_agent(conn, agent_id, DEMO_TEAM)
    for username, role, agent_id, team, what in people:
        password = generate_password()
        add_user(conn, username, password, role, agent_id=agent_id, team=team)
        users.append((username, password, what))
    install_demo_team(conn, date.today())
    return users


def _add_demo_branch(conn, prompts: PromptLibrary) -> None:
    # Calls out (callbacks) go to a test phone at 127.0.0.1:5090, where the demo's caller phone listens.
    telephony.add_trunk(conn, Trunk("demo", ("127.0.0.1/32",), outbound_proxy="sip:127.0.0.1:5090"))
    # General: callers may press 1 to be called back without losing their place.
    # Wrap-up long enough to fill in the desktop's form (it stays until sent even after the time).
    routing.add_queue(conn, Queue("general", ring_timeout=15, wrapup=20, max_wait=120, skills={"general": 1},
                                  callback_key="1"))
    # Card services: the most skilled agent first, callers gain a priority step every 30 s, and
    # after two minutes the general queue takes them.
    routing.add_queue(conn, Queue(
        "cards", ring_timeout=15, wrapup=10, max_wait=120, skills={"cards": 1}, strategy="skill-level",
        priority_step=30, overflow="queue:general", penalty_rules=(PenaltyRule(0, 0), PenaltyRule(30, 1)),
    ))
    telephony.add_did(conn, Did("100", queue="general"))
    telephony.add_did(conn, Did("101", queue="cards"))
    telephony.add_seat(conn, Seat("desk-1", "sip:desk1@127.0.0.1:5070"))
    telephony.add_seat(conn, Seat("desk-2", "sip:desk2@127.0.0.1:5080"))
    # The team leader's phone, for listening in from the supervisor page.
    telephony.add_seat(conn, Seat("desk-9", "sip:desk9@127.0.0.1:5100"))
    routing.add_agent(conn, Agent("a1001", "Li Na", {"general": 7, "cards": 6}))
    # Wang Wei backs up cards: offered its calls only once a caller has waited 30 s (penalty rule 30:1).
    routing.add_agent(conn, Agent("a1002", "Wang Wei", {"general": 5, "cards": 3}, penalties={"cards": 1}))
    telephony.add_dial_rule(conn, DialRule("local", "NXXXXXXX", "demo"))
    telephony.add_dial_rule(conn, DialRule("mobile", "1[3-9]XXXXXXXXX", "demo"))
    install_demo_customers(conn, now())
    flow = install_demo_flow(conn, prompts, now())
    telephony.add_did(conn, Did(DEMO_FLOW_DID, flow=flow))
    store.set_setting(conn, "demo", "1")


@click.command()
@click.option("--list", "show_list", is_flag=True, help="List migrations and whether each is applied.")
@click.option("--dry-run", is_flag=True, help="Say what would be applied, change nothing.")
@click.pass_context
@reports_errors
def migrate(ctx: click.Context, show_list: bool, dry_run: bool) -> None:
    """Bring the database schema up to date (a backup is taken first).

    Example:

        branchline migrate --dry-run
    """
    data = data_dir(ctx)
    conn = data.open_store(apply_migrations=False)
    if show_list:
        applied = set(applied_versions(conn))
        for m in available(migrations_dir()):
            click.echo(f"[{'x' if m.version in applied else ' '}] {m.version:04d} {m.name}")
        return
    done = apply_migrations(conn, migrations_dir(), data.backups, dry_run=dry_run)
    verb = "Would apply" if dry_run else "Applied"
    click.echo(f"{verb}: {', '.join(f'{m.version:04d}_{m.name}' for m in done)}" if done else "The database is up to date.")


@click.command()
@click.option("--bind", default="0.0.0.0", show_default=True, help="Address for SIP and the web server.")
@click.option("--sip-port", default=5060, show_default=True, type=click.IntRange(1, 65535), help="UDP port for SIP.")
@click.option("--http-port", default=8080, show_default=True, type=click.IntRange(1, 65535), help="TCP port for the web desktop and API.")
@click.option("--sip-log-level", default=1, show_default=True, type=click.IntRange(0, 6), help="pjsip's log detail (0 quiet, 5 every message).")
@click.pass_context
def serve(ctx: click.Context, bind: str, sip_port: int, http_port: int, sip_log_level: int) -> None:
    """Run the appliance: SIP engine, call distribution and web server in one process.

    Example:

        branchline serve --sip-port 5060 --http-port 8080
    """
    from appliance.server import ServeOptions  # pjsua2 loads only for commands that need it
    from appliance.server import serve as run_server

    try:
        code = run_server(data_dir(ctx), ServeOptions(bind, sip_port, http_port, sip_log_level))
    except Exception as exc:  # a startup error is one clear line, never a traceback
        message = getattr(exc, "message", None) or str(exc)
        click.echo(f"branchline: cannot start: {message}", err=True)
        sys.exit(1)
    sys.exit(code)


@click.command()
@json_option
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 100000), help="How many calls, newest first.")
@click.pass_context
@reports_errors
def calls(ctx: click.Context, as_json: bool, limit: int) -> None:
    """Show call records, newest first.

    Example:

        branchline calls --limit 5 --json
    """
    records = list_calls(open_store(ctx), limit)
    if as_json:
        print_json(records)
        return
    rows = [
        (r.id, r.arrived_at[:19].replace("T", " "), r.caller, r.did, r.queue, r.agent_id or "-", r.ended_by or "live", r.end_reason or "")
        for r in records
    ]
    print_table(("call", "arrived (UTC)", "caller", "did", "queue", "agent", "ended by", "reason"), rows, empty="No calls yet.")


@click.command()
@json_option
@click.pass_context
def doctor(ctx: click.Context, as_json: bool) -> None:
    """Check the installation and say what is wrong and how to fix it.

    Example:

        branchline doctor
    """
    checks = run_checks(data_dir(ctx))
    if as_json:
        print_json(checks)
    else:
        marks = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL"}
        for check in checks:
            click.echo(f"[{marks[check.status]}] {check.name}: {check.message}")
            if check.fix and check.status != "ok":
                click.echo(f"       fix: {check.fix}")
    sys.exit(1 if any(c.status == "fail" for c in checks) else 0)


@click.command()
@click.option("--listen", default="127.0.0.1:5070", show_default=True, metavar="HOST:PORT", help="Where the phone takes SIP.")
@click.option("--user", default="phone", show_default=True, help="The user part of the phone's SIP URI.")
@click.option("--answer", type=click.Choice(("auto", "never", "busy")), default="auto", show_default=True, help="How incoming calls are treated.")
@click.option("--answer-delay", default=0.5, show_default=True, type=click.FloatRange(0, 60), help="Seconds of ringing before auto-answer.")
@click.option("--tone", "tone_hz", default=0, type=click.IntRange(0, 3400), help="Send a steady tone at this frequency (Hz) instead of silence.")
@click.option("--record-dir", type=click.Path(file_okay=False), help="Record what the phone hears, one WAV per call.")
@click.option("--call", "call_uri", metavar="sip:NUMBER@HOST:PORT", help="Call this URI, then exit when the call ends.")
@click.option("--digits", default="", help="DTMF digits to send once the call is answered.")
@click.option("--hangup-after", default=0.0, type=click.FloatRange(0, 86400), help="Hang up this many seconds after answer (0: never).")
def phone(listen: str, user: str, answer: str, answer_delay: float, tone_hz: int, record_dir: str | None,
          call_uri: str | None, digits: str, hangup_after: float) -> None:
    """A small test phone in its own process: answers as a seat's phone or calls a number.

    It prints what happens as JSON lines and takes 'hangup', 'dtmf DIGITS', 'call URI' and
    'quit' on stdin.

    Example (answer as seat desk-1 of the demo):

        branchline phone --listen 127.0.0.1:5070 --user desk1

    Example (call the demo DID and hang up after 20 s):

        branchline phone --listen 127.0.0.1:5090 --user 13800000000 --call sip:100@127.0.0.1:5060 --hangup-after 20
    """
    host, sep, port_text = listen.rpartition(":")
    if not sep or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise fail(f"--listen {listen!r} is not HOST:PORT, for example 127.0.0.1:5070.")
    from appliance.telephony.phone import PhoneSettings, run_phone

    settings = PhoneSettings(host, int(port_text), user, answer, answer_delay, tone_hz, record_dir, call_uri, digits, hangup_after)
    try:
        sys.exit(run_phone(settings))
    except Exception as exc:
        click.echo(f"branchline phone: {getattr(exc, 'reason', None) or exc}", err=True)
        sys.exit(1)
