-- Supervision and quality: which calls are recorded, the recordings themselves, scorecards and
-- the evaluations made with them, each team leader's daily review list, and the highlight library.

-- Percent of conversations recorded, per queue and direction. queue '*' applies to every queue
-- without its own row (and to callbacks and calls without a queue). Banks record everything by default.
CREATE TABLE recording_policies (
    queue     TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    percent   INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),
    PRIMARY KEY (queue, direction)
);
INSERT INTO recording_policies (queue, direction, percent) VALUES ('*', 'inbound', 100), ('*', 'outbound', 100);

-- One recorded conversation between a customer and one agent (a transfer starts a new one).
-- The id is the recording's serial number, the one team leaders quote. `path` is relative to
-- the data directory's recordings/ folder.
CREATE TABLE recordings (
    id          INTEGER PRIMARY KEY,
    call_id     TEXT NOT NULL,
    path        TEXT NOT NULL UNIQUE,
    direction   TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    queue       TEXT,
    agent_id    TEXT NOT NULL,
    team        TEXT,
    caller      TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    ended_at    TEXT,
    seconds     REAL NOT NULL DEFAULT 0,
    bytes       INTEGER NOT NULL DEFAULT 0,
    status      TEXT NOT NULL DEFAULT 'recording' CHECK (status IN ('recording', 'complete', 'failed', 'purged')),
    stop_reason TEXT
);
CREATE INDEX recordings_by_time ON recordings (started_at);
CREATE INDEX recordings_by_agent ON recordings (agent_id, started_at);
CREATE INDEX recordings_by_call ON recordings (call_id);

-- A scorecard version: its sections, criteria, weights and fatal errors as JSON (quality/scorecard.py).
-- A change is a new version; evaluations keep the version they were scored with.
CREATE TABLE scorecards (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    version    INTEGER NOT NULL,
    definition TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (name, version)
);

-- One recorded call scored with one scorecard version, and the agent's answer to it.
CREATE TABLE evaluations (
    id            INTEGER PRIMARY KEY,
    recording_id  INTEGER NOT NULL REFERENCES recordings (id),
    scorecard_id  INTEGER NOT NULL REFERENCES scorecards (id),
    agent_id      TEXT NOT NULL,
    evaluator     TEXT NOT NULL,
    answers       TEXT NOT NULL,
    score         REAL NOT NULL,
    fatal         INTEGER NOT NULL CHECK (fatal IN (0, 1)),
    comment       TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'disputed', 'answered')),
    agent_comment TEXT,
    agent_at      TEXT,
    response      TEXT,
    responded_by  TEXT,
    responded_at  TEXT
);
CREATE INDEX evaluations_by_agent ON evaluations (agent_id, created_at);
CREATE INDEX evaluations_by_recording ON evaluations (recording_id);

-- Each team leader's daily review list (抽听录音): drawn once per day, kept so it does not change.
CREATE TABLE review_samples (
    day          TEXT NOT NULL,
    reviewer     TEXT NOT NULL,
    agent_id     TEXT NOT NULL,
    recording_id INTEGER NOT NULL REFERENCES recordings (id),
    PRIMARY KEY (day, reviewer, recording_id)
);

-- Excellent recordings, marked with what makes them good, for the team to learn from.
CREATE TABLE highlights (
    recording_id INTEGER PRIMARY KEY REFERENCES recordings (id),
    team         TEXT,
    reason       TEXT NOT NULL,
    marked_by    TEXT NOT NULL,
    marked_at    TEXT NOT NULL
);
