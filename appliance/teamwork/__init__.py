"""Team management (docs/teams.md): KPIs, targets and flags, and what the team leader follows up."""
