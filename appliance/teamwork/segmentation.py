"""Three-tier segmentation of a team's agents each month from the composite KPI (docs/teams.md,
"Coaching and development"). Pure: the caller passes {agent: composite score}.

The rule, exactly:
- Agents with no KPI data that month are not scored; they are listed as unscored.
- With n >= 3 scored agents, ranked by score (higher is better): the front-runners are the top
  round(n x 25 %), the most-room-to-grow the bottom round(n x 10 %), each at least 1, the solid
  middle the rest (rounding half up). So 10 agents split 3 / 6 / 1, 20 agents 5 / 13 / 2.
- Ties stay together, in the agent's favour: equal scores straddling a cut all join the better
  tier, so a tier can end up larger (or the bottom one empty) when scores are equal at a cut.
- With 1 or 2 scored agents there is nobody to rank against: all are in the solid middle.
"""

from __future__ import annotations

from collections.abc import Mapping

import msgspec

__all__ = ("APPROACH", "FRONT_SHARE", "GROW_SHARE", "TIERS", "Segmentation", "Tier", "segment", "tier_sizes")

TIERS = ("front", "middle", "grow")
FRONT_SHARE = 0.25
GROW_SHARE = 0.10

# The coaching approach for each tier, in both of the appliance's languages.
APPROACH = {
    "front": {
        "name": {"en": "Front-runners", "zh": "领跑者"},
        "approach": {"en": "Benchmarks: share their practice with the team, set stretch goals, let them "
                           "mentor and train others.",
                     "zh": "树标杆：请他们分享做法，设定挑战目标，让他们带教、担任内训。"},
    },
    "middle": {
        "name": {"en": "Solid middle", "zh": "稳定中坚"},
        "approach": {"en": "Carry along: pair with a front-runner, work on one KPI at a time, regular "
                           "feedback on recordings.",
                     "zh": "带动提升：与领跑者结对，每次攻一项指标，定期结合录音反馈。"},
    },
    "grow": {
        "name": {"en": "Most room to grow", "zh": "重点帮扶"},
        "approach": {"en": "Hands-on support: a one-on-one every week, listen to calls together, agreed "
                           "actions with a follow-up date.",
                     "zh": "手把手帮扶：每周一对一面谈，一起听录音，约定改进行动和跟进日期。"},
    },
}


class Tier(msgspec.Struct, frozen=True):
    tier: str  # front | middle | grow
    agents: tuple[tuple[str, float], ...]  # (agent id, score), best first


class Segmentation(msgspec.Struct, frozen=True):
    tiers: tuple[Tier, ...]  # in TIERS order
    unscored: tuple[str, ...]


def _half_up(x: float) -> int:
    return int(x + 0.5)


def tier_sizes(n: int) -> tuple[int, int, int]:
    """(front, middle, grow) target sizes for n scored agents, before ties."""
    if n < 3:
        return 0, n, 0
    front = max(1, _half_up(n * FRONT_SHARE))
    grow = max(1, _half_up(n * GROW_SHARE))
    return front, n - front - grow, grow


def segment(scores: Mapping[str, float | None]) -> Segmentation:
    """Split agents into the three tiers; a None score is unscored."""
    unscored = tuple(sorted(a for a, s in scores.items() if s is None))
    ranked = sorted(((a, float(s)) for a, s in scores.items() if s is not None), key=lambda p: (-p[1], p[0]))
    front_n, _, grow_n = tier_sizes(len(ranked))
    front: list[tuple[str, float]] = []
    grow: list[tuple[str, float]] = []
    if front_n:
        cut = ranked[front_n - 1][1]
        front = [p for p in ranked if p[1] >= cut]  # ties at the cut join the front-runners
    if grow_n:
        cut = ranked[len(ranked) - grow_n][1]
        above = {p[1] for p in ranked[: len(ranked) - grow_n]}
        # Ties at the cut stay out of the bottom tier: only scores nobody above the cut shares.
        grow = [p for p in ranked if p[1] <= cut and p[1] not in above and p not in front]
    taken = {a for a, _ in front} | {a for a, _ in grow}
    middle = [p for p in ranked if p[0] not in taken]
    return Segmentation((Tier("front", tuple(front)), Tier("middle", tuple(middle)), Tier("grow", tuple(grow))),
                        unscored)
