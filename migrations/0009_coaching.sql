-- Team management: coaching and development (docs/teams.md, "Coaching and development").
-- One-on-one coaching records linked to recordings, the weekly-rule reminders to team leaders,
-- training requests, sessions with attendance, and members' innovation suggestions.

-- A one-on-one talk (PRP) a team leader held with an agent of their team, on a local day.
CREATE TABLE coaching_records (
    id              INTEGER PRIMARY KEY,
    agent_id        TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    team            TEXT NOT NULL,            -- the agent's team when the talk was held
    leader          TEXT NOT NULL,            -- username of who held the talk
    day             TEXT NOT NULL,            -- local day of the talk (YYYY-MM-DD)
    keep            TEXT NOT NULL,            -- what to keep doing
    improve         TEXT NOT NULL,            -- what to improve
    actions         TEXT NOT NULL,            -- the actions agreed
    follow_up_on    TEXT,                     -- local day of the follow-up
    outcome         TEXT,                     -- the follow-up's outcome, written later
    outcome_by      TEXT,
    outcome_at      TEXT,
    acknowledged_at TEXT,                     -- when the agent acknowledged it on the desktop
    created_at      TEXT NOT NULL
);
CREATE INDEX coaching_by_agent ON coaching_records (agent_id, day);
CREATE INDEX coaching_by_leader ON coaching_records (leader, day);

-- The recordings a talk went through (recordings.id; the agent's own).
CREATE TABLE coaching_recordings (
    record_id    INTEGER NOT NULL REFERENCES coaching_records (id) ON DELETE CASCADE,
    recording_id INTEGER NOT NULL,
    PRIMARY KEY (record_id, recording_id)
);

-- The weekly rule's settings: one row. remind_from is the ISO weekday (1 Monday .. 7 Sunday)
-- from which the daily run reminds a team leader still short of `per_week` agents.
CREATE TABLE coaching_settings (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    per_week    INTEGER NOT NULL DEFAULT 2 CHECK (per_week BETWEEN 1 AND 20),
    remind_from INTEGER NOT NULL DEFAULT 4 CHECK (remind_from BETWEEN 1 AND 7)
);
INSERT INTO coaching_settings (id) VALUES (1);

-- A reminder to a team leader short of the weekly rule, at most one per leader and ISO week.
-- Only the team leader sees it (their coaching tab, `branchline coaching week`): not a notice.
CREATE TABLE coaching_reminders (
    leader     TEXT NOT NULL,                 -- username
    week       TEXT NOT NULL,                 -- ISO week, e.g. 2026-W48
    team       TEXT,
    agents     INTEGER NOT NULL,              -- agents talked to when reminded
    needed     INTEGER NOT NULL,              -- the weekly minimum then
    created_at TEXT NOT NULL,
    PRIMARY KEY (leader, week)
);

-- A member's training request; plan_month is the month whose plan takes it (the 25th rule).
CREATE TABLE training_requests (
    id           INTEGER PRIMARY KEY,
    team         TEXT NOT NULL REFERENCES teams (name) ON DELETE CASCADE,
    agent_id     TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    topic        TEXT NOT NULL,
    why          TEXT NOT NULL,
    requested_on TEXT NOT NULL,               -- local day
    plan_month   TEXT NOT NULL,               -- YYYY-MM
    session_id   INTEGER REFERENCES training_sessions (id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX training_requests_by_plan ON training_requests (team, plan_month);

-- A training session: planned (from the month's requests) or ad hoc (e.g. a new product).
CREATE TABLE training_sessions (
    id         INTEGER PRIMARY KEY,
    team       TEXT NOT NULL REFERENCES teams (name) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('planned', 'adhoc')),
    trainer    TEXT NOT NULL REFERENCES agents (id),  -- a member with team role `trainer`
    day        TEXT NOT NULL,                 -- local day
    topic      TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX training_sessions_by_day ON training_sessions (team, day);

-- Who attended a session (present 1) or missed it (present 0).
CREATE TABLE training_attendance (
    session_id INTEGER NOT NULL REFERENCES training_sessions (id) ON DELETE CASCADE,
    agent_id   TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    present    INTEGER NOT NULL CHECK (present IN (0, 1)),
    PRIMARY KEY (session_id, agent_id)
);

-- A member's innovation suggestion, collected and decided by their squad leader (or team leader).
CREATE TABLE innovation_suggestions (
    id           INTEGER PRIMARY KEY,
    team         TEXT NOT NULL REFERENCES teams (name) ON DELETE CASCADE,
    agent_id     TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    squad        TEXT,                        -- the member's squad when suggested
    title        TEXT NOT NULL,
    text         TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'under_review', 'adopted', 'declined')),
    note         TEXT,
    reviewed_by  TEXT,
    reviewed_at  TEXT,
    submitted_at TEXT NOT NULL
);
CREATE INDEX suggestions_by_team ON innovation_suggestions (team, status);
