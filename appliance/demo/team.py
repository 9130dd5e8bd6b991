"""The demo team (`init --demo`): team counter split into two squads, roles within the team,
two shift patterns and a roster for the coming two weeks, a few targets, the huddle's opener,
the fund's penalty rules and a team dinner, so that the team page and the desktop's "My team"
show a working team from the first `make run`."""

from __future__ import annotations

from datetime import date, timedelta

import apsw

from appliance.clock import now
from appliance.store import activities, fund, huddles, targets, team_org
from appliance.store.roster import ShiftTemplate, add_template, set_roster

__all__ = ("DEMO_TEAM", "install_demo_team")

DEMO_TEAM = "counter"
ROSTER_DAYS = 14
SHIFTS = (ShiftTemplate("day", "08:30", "17:30", break_minutes=60),
          ShiftTemplate("late", "12:00", "21:00", break_minutes=60))
# Li Na works the day shift on weekdays, Wang Wei the late one: between them the lines are covered.
WORKS = {"a1001": "day", "a1002": "late"}
OPENER = "Good morning, counter team! 柜台组，早上好！"
PENALTY_RULES = {"missed quiz answer": 500, "substantiated complaint": 2000}  # fen
TARGETS = {"fcr_rate": 0.8, "satisfaction": 4.2, "utilisation": 0.6, "quality_score": 85.0}


def install_demo_team(conn: apsw.Connection, today: date) -> None:
    """The demo agents a1001 and a1002 must already be in team counter."""
    team_org.add_squad(conn, DEMO_TEAM, "east", leader="a1001")
    team_org.add_squad(conn, DEMO_TEAM, "west", leader="a1002")
    team_org.assign_squad(conn, "a1001", "east")
    team_org.assign_squad(conn, "a1002", "west")
    team_org.add_role(conn, DEMO_TEAM, "a1001", "trainer")
    team_org.add_role(conn, DEMO_TEAM, "a1002", "fund_keeper")
    team_org.add_role(conn, DEMO_TEAM, "a1002", "activity_officer")
    for shift in SHIFTS:
        add_template(conn, shift)
    for offset in range(ROSTER_DAYS):
        day = today + timedelta(days=offset)
        if day.weekday() < 5:
            for agent_id, shift in WORKS.items():
                set_roster(conn, day.isoformat(), agent_id, shift)
    for kpi_id, value in TARGETS.items():
        targets.set_target(conn, DEMO_TEAM, kpi_id, value)
    huddles.change_settings(conn, DEMO_TEAM, opener=OPENER)
    for rule, amount_fen in PENALTY_RULES.items():
        fund.set_penalty_rule(conn, DEMO_TEAM, rule, amount_fen)
    activities.add_activity(conn, DEMO_TEAM, "Team dinner", (today + timedelta(days=10)).isoformat(),
                            "Canteen, 2nd floor", "leader", now())
