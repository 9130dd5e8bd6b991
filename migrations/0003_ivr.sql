-- IVR: voice-menu flows kept as versioned text, each call's path through its flow, the customer
-- directory with its tiers, post-call survey scores and voicemail tasks.

-- Every version of every flow ever applied, with its source text exactly as the admin wrote it.
CREATE TABLE ivr_flows (
    name       TEXT NOT NULL,
    version    INTEGER NOT NULL CHECK (version > 0),
    source     TEXT NOT NULL,
    nodes      INTEGER NOT NULL,
    applied_at TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (name, version)
);

-- The version new calls start on. A call in progress keeps the version it started with.
CREATE TABLE ivr_active (
    name       TEXT PRIMARY KEY,
    version    INTEGER NOT NULL,
    changed_at TEXT NOT NULL,
    FOREIGN KEY (name, version) REFERENCES ivr_flows (name, version)
);

-- A call's path through its flow: one row per node visited, in order.
CREATE TABLE ivr_steps (
    call_id TEXT NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,
    at      TEXT NOT NULL,
    node    TEXT NOT NULL,
    kind    TEXT NOT NULL,
    outcome TEXT NOT NULL DEFAULT '',
    digits  TEXT NOT NULL DEFAULT '',
    details TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (call_id, seq)
);

ALTER TABLE calls ADD COLUMN flow TEXT;
ALTER TABLE calls ADD COLUMN flow_version INTEGER;
ALTER TABLE calls ADD COLUMN language TEXT;
ALTER TABLE calls ADD COLUMN customer_ref TEXT;

-- Customer tiers: a tier can raise callers' priority and ask for a skill (e.g. VIP desk).
CREATE TABLE customer_tiers (
    name        TEXT PRIMARY KEY,
    priority    INTEGER NOT NULL DEFAULT 0 CHECK (priority >= 0),
    skill       TEXT,
    skill_level INTEGER CHECK (skill_level IS NULL OR skill_level BETWEEN 1 AND 10),
    created_at  TEXT NOT NULL,
    CHECK ((skill IS NULL) = (skill_level IS NULL))
);
INSERT INTO customer_tiers (name, priority, created_at) VALUES ('standard', 0, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

-- The customer directory. `ref` is the bank's own customer number (what a caller can key in).
CREATE TABLE customers (
    ref             TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    tier            TEXT NOT NULL REFERENCES customer_tiers (name) ON DELETE RESTRICT,
    language        TEXT,
    account_manager TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

-- A customer's phone numbers, normalised to digits (a leading + kept); a number belongs to one customer.
CREATE TABLE customer_numbers (
    number       TEXT PRIMARY KEY,
    customer_ref TEXT NOT NULL REFERENCES customers (ref) ON DELETE CASCADE
);
CREATE INDEX customer_numbers_by_customer ON customer_numbers (customer_ref);

-- Post-call survey: one score per call, tied to the agent who took it.
CREATE TABLE surveys (
    call_id  TEXT PRIMARY KEY REFERENCES calls (id) ON DELETE CASCADE,
    agent_id TEXT,
    queue    TEXT,
    score    INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    at       TEXT NOT NULL
);
CREATE INDEX surveys_by_agent ON surveys (agent_id, at);

-- Voicemail left in the IVR: a task for a queue until someone deals with it.
CREATE TABLE voicemails (
    id         INTEGER PRIMARY KEY,
    call_id    TEXT NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    queue      TEXT NOT NULL,
    caller     TEXT NOT NULL,
    path       TEXT NOT NULL,
    seconds    REAL NOT NULL,
    created_at TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    done_at    TEXT,
    done_by    TEXT
);
CREATE INDEX voicemails_by_queue ON voicemails (queue, status);
