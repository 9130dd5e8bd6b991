"""The five-KPI composite (docs/teams.md, "Recognition and team life"): one score per agent (or
squad) that ranks a group on the brief's five ranking KPIs. Pure: `AgentDay` totals in, scores out.

- The KPIs: calls per hour, average talk time (lower is better), first-contact resolution,
  satisfaction and utilisation (`RANKING_KPIS`).
- Each KPI gives each member of the group 0-100 by where their value sits between the group's
  worst and best value: part = 100 × (value − worst) ÷ (best − worst). Which end is best follows
  the KPI's direction, so the shortest average talk gets 100. When every member with a value has
  the same value, each of them gets 100 (nobody is behind anybody).
- A member without a value for a KPI (nothing to divide by: no calls, no surveys...) gets 0 for it
  and the KPI is listed in `Composite.missing`; the group's worst and best come from the others.
- composite = the sum of the five parts (0-500).

The group is whoever is in `totals`: callers pass one team's agents (or one team's squads), so a
score only compares members of the same group.
"""

from __future__ import annotations

from collections.abc import Mapping

import msgspec

from appliance.teamwork.kpi import AgentDay, kpi

__all__ = ("FULL", "RANKING_KPIS", "Composite", "composite_scores", "kpi_parts")

RANKING_KPIS: tuple[str, ...] = ("calls_per_hour", "avg_talk_s", "fcr_rate", "satisfaction", "utilisation")
FULL = 100.0  # the most one KPI gives


class Composite(msgspec.Struct, frozen=True):
    """One member's composite: `score` = sum of `parts` (0-500); `missing` = KPIs without a value."""

    agent_id: str
    score: float
    parts: dict[str, float]
    missing: tuple[str, ...] = ()


def kpi_parts(values: Mapping[str, float | None], better: str) -> dict[str, float]:
    """0-100 per member for one KPI from its values (None = no value → 0)."""
    present = [v for v in values.values() if v is not None]
    if not present:
        return {member: 0.0 for member in values}
    best = max(present) if better == "higher" else min(present)
    worst = min(present) if better == "higher" else max(present)
    if best == worst:  # all equal: nobody is behind
        return {member: (FULL if v is not None else 0.0) for member, v in values.items()}
    span = best - worst  # negative when lower is better; the ratio below is still 0..1
    return {member: (FULL * (v - worst) / span if v is not None else 0.0) for member, v in values.items()}


def composite_scores(totals: Mapping[str, AgentDay]) -> dict[str, Composite]:
    """Each member's composite within the group `totals` ({member id: summed AgentDay})."""
    parts: dict[str, dict[str, float]] = {member: {} for member in totals}
    missing: dict[str, list[str]] = {member: [] for member in totals}
    for kpi_id in RANKING_KPIS:
        values = {member: day.value(kpi_id) for member, day in totals.items()}
        for member, part in kpi_parts(values, kpi(kpi_id).better).items():
            parts[member][kpi_id] = part
            if values[member] is None:
                missing[member].append(kpi_id)
    return {
        member: Composite(member, sum(parts[member].values()), parts[member], tuple(missing[member]))
        for member in totals
    }
