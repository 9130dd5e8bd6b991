"""The demo branch's own data: customers and a VIP tier for `init --demo`, the bank's voice menu
(`bank_flow.toml`), and the accounts the stand-in core-banking service (`core_banking.py`,
`branchline demo-bank`) answers for.

Callers the demo and its tests use: 55501234 is 王伟 (100001, vip, Chinese), 55509876 is
Emily Chen (100002, standard, English).
"""

from __future__ import annotations

from pathlib import Path

import apsw

from appliance.core.flow_context import flow_context
from appliance.core.prompts import PromptLibrary
from appliance.customers import CustomerTier
from appliance.ivr.check import check_flow, format_problem
from appliance.store.config import load_config
from appliance.store.customer_csv import read_customer_csv
from appliance.store.customers import ImportReport, add_tier, import_customers, list_tiers
from appliance.store.ivr import save_flow_version

__all__ = ("BANK_FLOW_FILE", "CUSTOMERS_FILE", "DEMO_TIERS", "install_demo_customers", "install_demo_flow")

CUSTOMERS_FILE = Path(__file__).with_name("customers.csv")
BANK_FLOW_FILE = Path(__file__).with_name("bank_flow.toml")
# VIP callers wait ahead of others (priority 5); no skill of their own, as the demo agents have none for it.
DEMO_TIERS = (CustomerTier("vip", priority=5),)


def install_demo_customers(conn: apsw.Connection, now: float) -> ImportReport:
    """Add the demo tiers (those missing) and import the demo customers; running it again changes
    nothing. A row the import rejects is a fault in the shipped file: nothing is imported then."""
    known = {t.name for t in list_tiers(conn)}
    for tier in DEMO_TIERS:
        if tier.name not in known:
            add_tier(conn, tier, now)
    report = import_customers(conn, read_customer_csv(CUSTOMERS_FILE.read_bytes()), now, strict=True)
    if report.rejected:
        problems = "; ".join(f"line {line}: {reason}" for line, reason in report.rejected)
        raise ValueError(f"the demo customers file {CUSTOMERS_FILE} has rows the import rejects: {problems}")
    return report


def install_demo_flow(conn: apsw.Connection, prompts: PromptLibrary, now: float) -> str:
    """Check the demo bank's flow against this branch and apply it as version 1; returns its name.
    The queues it uses must exist first. A problem is a fault in the shipped file."""
    source = BANK_FLOW_FILE.read_text(encoding="utf-8")
    flow, problems = check_flow(source, flow_context(load_config(conn), prompts))
    if flow is None:
        found = "; ".join(format_problem(p, str(BANK_FLOW_FILE)) for p in problems)
        raise ValueError(f"the demo bank flow does not pass `ivr check`: {found}")
    save_flow_version(conn, flow.name, source, len(flow.nodes), now, "the demo bank's line")
    return flow.name
