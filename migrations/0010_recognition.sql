-- Team management, recognition and team life: each team's recognition and fund rules, best-trainer
-- votes, the contribution award, published monthly results, team activities with attendance, and
-- the team fund's movements (docs/teams.md, "Recognition and team life").

-- A team's rules; a team without a row uses the defaults (appliance/teamwork/recognition.py Rules,
-- appliance/teamwork/fund_rules.py FundSettings).
CREATE TABLE recognition_rules (
    team           TEXT PRIMARY KEY REFERENCES teams (name) ON DELETE CASCADE,
    top_n          INTEGER NOT NULL DEFAULT 2,
    bottom_n       INTEGER NOT NULL DEFAULT 2,
    absence_points INTEGER NOT NULL DEFAULT 2,
    late_points    INTEGER NOT NULL DEFAULT 1,
    skip_points    INTEGER NOT NULL DEFAULT 1,
    member_fen     INTEGER NOT NULL DEFAULT 1000,
    leader_fen     INTEGER NOT NULL DEFAULT 5000
);

-- One vote per member per month for one of the team's trainers (voting again replaces it).
CREATE TABLE trainer_votes (
    team    TEXT NOT NULL REFERENCES teams (name) ON DELETE CASCADE,
    month   TEXT NOT NULL,
    voter   TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    trainer TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    at      TEXT NOT NULL,
    PRIMARY KEY (team, month, voter),
    CHECK (voter <> trainer)
);

-- The team leader's contribution award of a month: one agent and why.
CREATE TABLE contribution_awards (
    team         TEXT NOT NULL REFERENCES teams (name) ON DELETE CASCADE,
    month        TEXT NOT NULL,
    agent_id     TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    reason       TEXT NOT NULL,
    nominated_by TEXT NOT NULL,
    nominated_at TEXT NOT NULL,
    PRIMARY KEY (team, month)
);

-- A month's results as published: a JSON snapshot, so later changes to calls, rosters or squads
-- never rewrite what the team was told.
CREATE TABLE recognition_results (
    team         TEXT NOT NULL REFERENCES teams (name) ON DELETE CASCADE,
    month        TEXT NOT NULL,
    snapshot     TEXT NOT NULL,
    published_by TEXT NOT NULL,
    published_at TEXT NOT NULL,
    notice_id    INTEGER,
    PRIMARY KEY (team, month)
);

-- Team activities and who came.
CREATE TABLE team_activities (
    id         INTEGER PRIMARY KEY,
    team       TEXT NOT NULL REFERENCES teams (name) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    day        TEXT NOT NULL,
    place      TEXT NOT NULL DEFAULT '',
    notes      TEXT NOT NULL DEFAULT '',
    planned_by TEXT NOT NULL,
    planned_at TEXT NOT NULL,
    cancelled  INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1))
);
CREATE INDEX team_activities_by_day ON team_activities (team, day);

CREATE TABLE activity_attendance (
    activity_id INTEGER NOT NULL REFERENCES team_activities (id) ON DELETE CASCADE,
    agent_id    TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    status      TEXT NOT NULL CHECK (status IN ('attended', 'skipped', 'excused')),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (activity_id, agent_id)
);

-- The team's own penalty rules for the fund: a name and an amount.
CREATE TABLE fund_penalty_rules (
    team       TEXT NOT NULL REFERENCES teams (name) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
    PRIMARY KEY (team, name)
);

-- Every movement of the fund, in fen, signed as it moves the balance. Never updated or deleted:
-- a correction is a new entry that reverses one (the triggers below enforce it). The team is not a
-- foreign key: the fund's history outlives a removed team, like the audit log.
CREATE TABLE fund_entries (
    id          INTEGER PRIMARY KEY,
    team        TEXT NOT NULL,
    day         TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('contribution', 'penalty', 'spending', 'correction')),
    amount_fen  INTEGER NOT NULL,
    member      TEXT,
    rule        TEXT,
    month       TEXT,
    description TEXT NOT NULL DEFAULT '',
    receipt     TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    reverses    INTEGER UNIQUE REFERENCES fund_entries (id)
);
CREATE INDEX fund_entries_by_team ON fund_entries (team, id);

CREATE TRIGGER fund_entries_no_update BEFORE UPDATE ON fund_entries
BEGIN
    SELECT RAISE(ABORT, 'fund entries are never changed: record a correction instead');
END;

CREATE TRIGGER fund_entries_no_delete BEFORE DELETE ON fund_entries
BEGIN
    SELECT RAISE(ABORT, 'fund entries are never deleted: record a correction instead');
END;
