-- Team management, first part: squads and roles within a team, shift templates and the daily
-- roster with swaps, KPI targets per team with the flags and improvement plans they raise, and
-- complaints against a call and agent. (Huddles, coaching, recognition and the team fund follow.)

-- A team's squads (小组); an agent belongs to at most one, of their own team.
CREATE TABLE squads (
    team   TEXT NOT NULL REFERENCES teams (name) ON DELETE CASCADE,
    name   TEXT NOT NULL,
    leader TEXT REFERENCES agents (id) ON DELETE SET NULL,
    PRIMARY KEY (team, name)
);
ALTER TABLE agents ADD COLUMN squad TEXT;

-- Roles a member holds within the team besides taking calls.
CREATE TABLE team_roles (
    team     TEXT NOT NULL REFERENCES teams (name) ON DELETE CASCADE,
    agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    role     TEXT NOT NULL CHECK (role IN ('trainer', 'activity_officer', 'fund_keeper')),
    PRIMARY KEY (team, agent_id, role)
);

-- A shift pattern: local start and end ('HH:MM'; an end at or before the start is the next day),
-- the paid break time it allows, and whether the day's huddle precedes it.
CREATE TABLE shift_templates (
    name          TEXT PRIMARY KEY,
    starts        TEXT NOT NULL,
    ends          TEXT NOT NULL,
    break_minutes INTEGER NOT NULL DEFAULT 0 CHECK (break_minutes >= 0),
    huddle        INTEGER NOT NULL DEFAULT 1 CHECK (huddle IN (0, 1))
);

-- Who works when: one shift per agent per local day (the day the shift starts).
CREATE TABLE roster (
    day      TEXT NOT NULL,
    agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    template TEXT NOT NULL REFERENCES shift_templates (name),
    PRIMARY KEY (day, agent_id)
);
CREATE INDEX roster_by_agent ON roster (agent_id, day);

-- A swap: `to_agent` works `from_agent`'s shift of that day (and inherits its duties, the huddle
-- included) once the team leader approves it.
CREATE TABLE shift_swaps (
    id           INTEGER PRIMARY KEY,
    day          TEXT NOT NULL,
    from_agent   TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    to_agent     TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    reason       TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'approved', 'rejected')),
    requested_at TEXT NOT NULL,
    decided_by   TEXT,
    decided_at   TEXT
);

-- A team's target for one KPI (appliance/teamwork/kpi.py names them).
CREATE TABLE kpi_targets (
    team   TEXT NOT NULL REFERENCES teams (name) ON DELETE CASCADE,
    kpi    TEXT NOT NULL,
    target REAL NOT NULL,
    PRIMARY KEY (team, kpi)
);

-- A KPI below target three days in a row: first a warning, then an improvement plan.
CREATE TABLE kpi_flags (
    id         INTEGER PRIMARY KEY,
    agent_id   TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    kpi        TEXT NOT NULL,
    first_day  TEXT NOT NULL,
    last_day   TEXT NOT NULL,
    level      TEXT NOT NULL CHECK (level IN ('warning', 'plan')),
    raised_at  TEXT NOT NULL,
    UNIQUE (agent_id, kpi, first_day)
);

-- The agent's improvement plan for a flag, and the team leader's follow-up.
CREATE TABLE improvement_plans (
    id          INTEGER PRIMARY KEY,
    flag_id     INTEGER NOT NULL UNIQUE REFERENCES kpi_flags (id) ON DELETE CASCADE,
    agent_id    TEXT NOT NULL,
    plan        TEXT NOT NULL,
    written_at  TEXT NOT NULL,
    follow_up   TEXT,
    followed_by TEXT,
    followed_at TEXT,
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed'))
);

-- A customer's complaint against a call and the agent who took it.
CREATE TABLE complaints (
    id            INTEGER PRIMARY KEY,
    call_id       TEXT NOT NULL,
    agent_id      TEXT NOT NULL REFERENCES agents (id),
    category      TEXT NOT NULL,
    description   TEXT NOT NULL,
    received_at   TEXT NOT NULL,
    registered_by TEXT NOT NULL,
    substantiated INTEGER CHECK (substantiated IN (0, 1)),
    decided_by    TEXT,
    decided_at    TEXT,
    decision_note TEXT
);
CREATE INDEX complaints_by_agent ON complaints (agent_id, received_at);
