"""The daily review list's draw (抽听录音): up to N recordings per agent, random but repeatable.

The same day, reviewer and recordings always give the same draw, so a list asked for twice does
not change; recordings already drawn are kept and only the shortfall is drawn from the rest.
Pure: the store passes in what is eligible and what was drawn before.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping

__all__ = ("draw_samples",)


def draw_samples(
    eligible: Mapping[str, Collection[int]],
    drawn: Mapping[str, Collection[int]],
    per_agent: int,
    seed: str,
) -> dict[str, list[int]]:
    """agent id -> the recording ids to add so each agent has up to `per_agent` drawn.

    `eligible`: each agent's recordings that may be drawn; `drawn`: those drawn already (they count
    towards N even if no longer eligible). Agents with nothing to add are left out.
    """
    added: dict[str, list[int]] = {}
    for agent_id in sorted(eligible):
        already = set(drawn.get(agent_id, ()))
        wanted = per_agent - len(already)
        candidates = sorted(set(eligible[agent_id]) - already)  # sorted: the draw must not depend on input order
        if wanted <= 0 or not candidates:
            continue
        # One generator per agent: adding an agent to the team does not reshuffle the others' draws.
        rng = random.Random(f"{seed}/{agent_id}")
        added[agent_id] = sorted(rng.sample(candidates, min(wanted, len(candidates))))
    return added
