"""The monthly recognition awards (docs/teams.md, "Recognition and team life"). Pure: KPI totals,
attendance counts and votes in, ranked results out; `appliance/store/recognition.py` reads the
inputs and keeps the published results.

- **Places.** Scores are compared to two decimals (what the pages show): equal scores share a
  place, and the next place skips as many as shared (1, 2, 2, 4).
- **Leaderboard.** The team's agents with at least one of the five ranking KPIs in the month,
  ranked by their composite (appliance/teamwork/composite.py) computed over exactly them.
  Places 1..top_n are rewarded; places 1..bottom_n counted from the bottom (same ties) contribute
  the prizes. Nobody is both: a rewarded agent is never among the bottom.
- **Squad competition (PK).** Each squad's month totals (its members' raw sums added, so the
  KPIs are the squad's averages), composite computed over the team's squads; plus discipline
  points: 0 minus `absence_points` per shift missed, `late_points` per day late, and
  `skip_points` per team activity skipped by a member. Total = composite + discipline; the
  highest total wins (ties share the win).
- **Most improved.** Each agent's composite in the last full month and in this month's days
  1-15, each computed over the same group: the agents with at least one ranking KPI in both
  periods (the others are excluded). Gain = this half's composite − last month's; the largest
  gain wins (ties share), and only a positive gain wins.
- **Best trainer.** One vote per member per month for one of the team's trainers, never
  themselves; the most votes win, ties are all shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import msgspec

from appliance.errors import InvalidInput
from appliance.teamwork.composite import RANKING_KPIS, Composite, composite_scores
from appliance.teamwork.kpi import AgentDay

__all__ = (
    "DEFAULT_RULES",
    "Discipline",
    "Improvement",
    "LeaderboardRow",
    "Rules",
    "SquadRow",
    "TrainerTally",
    "has_data",
    "leaderboard",
    "most_improved",
    "places",
    "squad_competition",
    "squad_discipline",
    "trainer_tally",
)

MAX_PLACES = 50  # the most places a team could reward or ask to contribute
MAX_POINTS = 100  # the most discipline points one absence, late day or skip may cost


class Rules(msgspec.Struct, frozen=True):
    """A team's recognition rules; every field has the brief's default."""

    top_n: int = 2  # places rewarded
    bottom_n: int = 2  # places from the bottom that contribute the prizes
    absence_points: int = 2  # PK points a squad loses per shift a member missed
    late_points: int = 1  # per day a member was late
    skip_points: int = 1  # per team activity a member skipped

    def __post_init__(self) -> None:
        for name, high in (("top_n", MAX_PLACES), ("bottom_n", MAX_PLACES), ("absence_points", MAX_POINTS),
                           ("late_points", MAX_POINTS), ("skip_points", MAX_POINTS)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
                raise InvalidInput(f"{name} must be a whole number from 0 to {high}, not {value!r}.")


DEFAULT_RULES = Rules()


class LeaderboardRow(msgspec.Struct, frozen=True):
    agent_id: str
    place: int
    score: float
    parts: dict[str, float]
    missing: tuple[str, ...]
    award: str | None  # "top" (rewarded), "bottom" (contributes the prizes) or None


class Discipline(msgspec.Struct, frozen=True):
    absences: int = 0
    late_days: int = 0
    skips: int = 0
    points: int = 0  # 0 or less


class SquadRow(msgspec.Struct, frozen=True):
    squad: str
    place: int
    total: float  # composite + discipline points
    composite: float
    parts: dict[str, float]
    discipline: Discipline
    winner: bool


class Improvement(msgspec.Struct, frozen=True):
    agent_id: str
    place: int
    before: float  # composite in the last full month
    after: float  # composite in this month's first half
    gain: float
    winner: bool


class TrainerTally(msgspec.Struct, frozen=True):
    trainer: str
    votes: int
    place: int
    winner: bool


def places(scores: Mapping[str, float]) -> dict[str, int]:
    """Competition places, highest score first: equal scores (to two decimals) share a place."""
    ordered = sorted(scores, key=lambda m: (-round(scores[m], 2), m))
    found: dict[str, int] = {}
    for k, member in enumerate(ordered):
        previous = ordered[k - 1] if k else None
        same = previous is not None and round(scores[previous], 2) == round(scores[member], 2)
        found[member] = found[previous] if same else k + 1
    return found


def has_data(total: AgentDay) -> bool:
    """At least one of the five ranking KPIs has a value (a rostered or signed-in agent has one
    even without a call: they rank low); someone never rostered nor signed in is not ranked."""
    return any(total.value(kpi_id) is not None for kpi_id in RANKING_KPIS)


def contested(totals: Mapping[str, AgentDay]) -> bool:
    """A group in which nobody handled a call has nothing to rank: equal zeros would make
    everybody first."""
    return any(total.handled for total in totals.values())


def leaderboard(totals: Mapping[str, AgentDay], rules: Rules = DEFAULT_RULES) -> list[LeaderboardRow]:
    """The ranked agents with data (best first), with who is rewarded and who contributes."""
    if not contested(totals):
        return []
    scores = composite_scores({a: t for a, t in totals.items() if has_data(t)})
    top = places({a: c.score for a, c in scores.items()})
    bottom = places({a: -c.score for a, c in scores.items()})  # places counted from the bottom
    rows = []
    for agent_id in sorted(top, key=lambda a: (top[a], a)):
        c = scores[agent_id]
        award = "top" if top[agent_id] <= rules.top_n else "bottom" if bottom[agent_id] <= rules.bottom_n else None
        rows.append(LeaderboardRow(agent_id, top[agent_id], c.score, c.parts, c.missing, award))
    return rows


def squad_discipline(days: Iterable[AgentDay], squad_of: Mapping[str, str], skips: Mapping[str, int],
                     rules: Rules = DEFAULT_RULES) -> dict[str, Discipline]:
    """Discipline per squad from its members' days (absences, days late) and activity skips."""
    absences: dict[str, int] = dict.fromkeys(set(squad_of.values()), 0)
    late = dict(absences)
    skipped = dict(absences)
    for day in days:
        squad = squad_of.get(day.agent_id or "")
        if squad is not None:
            absences[squad] += day.absent
            late[squad] += day.late_minutes > 0
    for agent_id, count in skips.items():
        squad = squad_of.get(agent_id)
        if squad is not None:
            skipped[squad] += count
    return {
        squad: Discipline(absences[squad], late[squad], skipped[squad],
                          -(absences[squad] * rules.absence_points + late[squad] * rules.late_points
                            + skipped[squad] * rules.skip_points))
        for squad in absences
    }


def squad_competition(squads: Mapping[str, AgentDay], discipline: Mapping[str, Discipline]) -> list[SquadRow]:
    """Squads ranked by composite (over the team's squads) plus discipline points, winner first.
    A month in which no squad handled a call has no winner: all-zero composites prove nothing."""
    scores: dict[str, Composite] = composite_scores(squads)
    totals = {s: scores[s].score + discipline.get(s, Discipline()).points for s in squads}
    placed = places(totals)
    winners = contested(squads)
    return [
        SquadRow(s, placed[s], totals[s], scores[s].score, scores[s].parts, discipline.get(s, Discipline()),
                 winners and placed[s] == 1)
        for s in sorted(placed, key=lambda s: (placed[s], s))
    ]


def most_improved(before: Mapping[str, AgentDay], after: Mapping[str, AgentDay]) -> list[Improvement]:
    """Agents with data in both periods by gain, largest first; the largest positive gain wins."""
    group = sorted(a for a in before.keys() & after.keys() if has_data(before[a]) and has_data(after[a]))
    then = composite_scores({a: before[a] for a in group})
    now = composite_scores({a: after[a] for a in group})
    gains = {a: now[a].score - then[a].score for a in group}
    placed = places(gains)
    return [
        Improvement(a, placed[a], then[a].score, now[a].score, gains[a], placed[a] == 1 and round(gains[a], 2) > 0)
        for a in sorted(placed, key=lambda a: (placed[a], a))
    ]


def trainer_tally(votes: Mapping[str, str], trainers: Iterable[str]) -> list[TrainerTally]:
    """Votes per trainer ({voter: trainer}), every trainer listed; the most votes win (ties shown)."""
    counts = dict.fromkeys(trainers, 0)
    for trainer in votes.values():
        counts[trainer] = counts.get(trainer, 0) + 1
    placed = places({t: float(n) for t, n in counts.items()})
    return [TrainerTally(t, counts[t], placed[t], placed[t] == 1 and counts[t] > 0)
            for t in sorted(placed, key=lambda t: (placed[t], t))]
