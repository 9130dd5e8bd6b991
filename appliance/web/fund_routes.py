"""The team fund over HTTP (docs/teams.md, "Recognition and team life").

Who may do what: every member of the team (its agents' users and its team leader; supervisors and
admins for any team) reads the statement and downloads it as CSV; the team leader and the team's
fund keeper record contributions, penalties, spending and corrections; the team leader sets the
penalty rules (the monthly amounts are part of the team's rules, PUT .../recognition/rules).
Every movement names who recorded it, and is audited with the signed-in user as the actor.
"""

from __future__ import annotations

import time

import msgspec
from litestar import Request, Response, delete, get, post, put
from litestar.di import NamedDependency
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath, JSONBody

from appliance.store import fund, recognition
from appliance.store.users import Account
from appliance.teamwork.fund_rules import Entry, FundSettings, Statement, parse_amount, statement_csv
from appliance.web.auth import at_least, leads, require_leads, require_member
from appliance.web.services import Services

__all__ = ("FUND_ROUTES",)

ServicesDep = NamedDependency[Services]


class FundView(msgspec.Struct, frozen=True):
    """What the fund pages show: the statement, the team's rules and who pays, and whether the
    signed-in user may record movements."""

    statement: Statement
    settings: FundSettings
    penalty_rules: tuple[fund.PenaltyRule, ...]
    members: tuple[tuple[str, str], ...]  # (agent id, name)
    leaders: tuple[str, ...]  # team leaders' usernames (they contribute too)
    may_record: bool


class ContributionBody(msgspec.Struct, forbid_unknown_fields=True):
    member: str
    amount: str | None = None  # yuan; default: the team's monthly amount for them
    month: str | None = None


class CollectBody(msgspec.Struct, forbid_unknown_fields=True):
    month: str


class PenaltyBody(msgspec.Struct, forbid_unknown_fields=True):
    member: str
    rule: str
    note: str = ""


class SpendingBody(msgspec.Struct, forbid_unknown_fields=True):
    amount: str
    description: str
    receipt: str


class ReverseBody(msgspec.Struct, forbid_unknown_fields=True):
    reason: str


class PenaltyRuleBody(msgspec.Struct, forbid_unknown_fields=True):
    amount: str


def _may_record(services: Services, user: Account, team: str) -> bool:
    """The team leader, or the team's fund keeper."""
    if leads(user, team):
        return True
    return user.team == team and recognition.holds_role(services.conn, team, user.agent_id, "fund_keeper")


def _require_keeper(services: Services, user: Account, team: str) -> None:
    if not _may_record(services, user, team):
        raise PermissionDeniedException(f"only the team leader or the fund keeper of team {team} records its fund's "
                                        f"movements.")


@get("/api/v1/teams/{team:str}/fund", sync_to_thread=False)
def show_fund(request: Request, team: FromPath[str], services: ServicesDep) -> FundView:
    """The statement with the balance, the rules, and whether the user may record."""
    user: Account = request.user
    require_member(user, team, "see the fund")
    conn = services.conn
    members = tuple(map(tuple, conn.execute("SELECT id, name FROM agents WHERE team = ? ORDER BY id", (team,))))
    return FundView(fund.fund_statement(conn, team), recognition.team_rules(conn, team).fund,
                    tuple(fund.penalty_rules(conn, team)), members, tuple(fund.team_leaders(conn, team)),
                    _may_record(services, user, team))


@get("/api/v1/teams/{team:str}/fund/statement.csv", sync_to_thread=False)
def statement_download(request: Request, team: FromPath[str], services: ServicesDep) -> Response[str]:
    require_member(request.user, team, "see the fund")
    body = statement_csv(fund.fund_statement(services.conn, team))
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="fund-{team}.csv"'})


@post("/api/v1/teams/{team:str}/fund/contributions", sync_to_thread=False, status_code=201)
def add_contribution(request: Request, team: FromPath[str], data: JSONBody[ContributionBody],
                     services: ServicesDep) -> Entry:
    user: Account = request.user
    _require_keeper(services, user, team)
    fen = parse_amount(data.amount) if data.amount not in (None, "") else None
    with services.conn:
        entry = fund.add_contribution(services.conn, team, data.member, user.username, time.time(), amount_fen=fen,
                                      month=data.month)
        services.audit(user, "fund_contribution", team, entry=entry.id, member=data.member)
    return entry


@post("/api/v1/teams/{team:str}/fund/collect", sync_to_thread=False, status_code=201)
def collect(request: Request, team: FromPath[str], data: JSONBody[CollectBody], services: ServicesDep) -> list[Entry]:
    """Record every contribution still due for the month."""
    user: Account = request.user
    _require_keeper(services, user, team)
    with services.conn:
        entries = fund.collect_month(services.conn, team, data.month, user.username, time.time())
        services.audit(user, "fund_collected", team, month=data.month, entries=len(entries))
    return entries


@post("/api/v1/teams/{team:str}/fund/penalties", sync_to_thread=False, status_code=201)
def add_penalty(request: Request, team: FromPath[str], data: JSONBody[PenaltyBody], services: ServicesDep) -> Entry:
    user: Account = request.user
    _require_keeper(services, user, team)
    with services.conn:
        entry = fund.add_penalty(services.conn, team, data.member, data.rule, user.username, time.time(), data.note)
        services.audit(user, "fund_penalty", team, entry=entry.id, member=data.member, rule=data.rule)
    return entry


@post("/api/v1/teams/{team:str}/fund/spending", sync_to_thread=False, status_code=201)
def add_spending(request: Request, team: FromPath[str], data: JSONBody[SpendingBody], services: ServicesDep) -> Entry:
    user: Account = request.user
    _require_keeper(services, user, team)
    fen = parse_amount(data.amount)
    with services.conn:
        entry = fund.add_spending(services.conn, team, fen, data.description, data.receipt, user.username, time.time())
        services.audit(user, "fund_spending", team, entry=entry.id, amount_fen=fen)
    return entry


@post("/api/v1/fund/entries/{entry_id:int}/reverse", sync_to_thread=False, status_code=201)
def reverse(request: Request, entry_id: FromPath[int], data: JSONBody[ReverseBody], services: ServicesDep) -> Entry:
    """Correct an entry with one of the opposite amount; the entry stays listed."""
    user: Account = request.user
    _require_keeper(services, user, fund.get_entry(services.conn, entry_id).team)
    with services.conn:
        entry = fund.reverse_entry(services.conn, entry_id, data.reason, user.username, time.time())
        services.audit(user, "fund_reversal", str(entry_id), entry=entry.id)
    return entry


@put("/api/v1/teams/{team:str}/fund/penalty-rules/{name:str}", guards=[at_least("team_leader")],
     sync_to_thread=False)
def set_penalty_rule(request: Request, team: FromPath[str], name: FromPath[str], data: JSONBody[PenaltyRuleBody],
                     services: ServicesDep) -> fund.PenaltyRule:
    require_leads(request.user, team, "set its penalty rules")
    fen = parse_amount(data.amount, "the penalty")
    with services.conn:
        found = fund.set_penalty_rule(services.conn, team, name, fen)
        services.audit(request.user, "fund_rule_set", team, rule=name, amount_fen=fen)
    return found


@delete("/api/v1/teams/{team:str}/fund/penalty-rules/{name:str}", guards=[at_least("team_leader")],
        sync_to_thread=False)
def remove_penalty_rule(request: Request, team: FromPath[str], name: FromPath[str], services: ServicesDep) -> None:
    require_leads(request.user, team, "remove its penalty rules")
    with services.conn:
        fund.remove_penalty_rule(services.conn, team, name)
        services.audit(request.user, "fund_rule_removed", team, rule=name)


FUND_ROUTES = (show_fund, statement_download, add_contribution, collect, add_penalty, add_spending, reverse,
               set_penalty_rule, remove_penalty_rule)
