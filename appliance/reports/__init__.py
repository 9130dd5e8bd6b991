"""Reports and KPIs, computed from the event log (the source of truth) and the distributor's live state."""
