-- Foundation schema: configuration (trunks, seats, agents, queues, DIDs), users and tokens,
-- call records and the append-only event log that every report is computed from.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'agent')),
    created_at    TEXT NOT NULL
);

-- Only a hash of each token is kept: a copied database does not hand out API access.
CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label      TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE trunks (
    name              TEXT PRIMARY KEY,
    register_uri      TEXT,
    register_password TEXT,
    created_at        TEXT NOT NULL,
    CHECK ((register_uri IS NULL) = (register_password IS NULL))
);

CREATE TABLE trunk_gateways (
    trunk   TEXT NOT NULL REFERENCES trunks (name) ON DELETE CASCADE,
    network TEXT NOT NULL,
    PRIMARY KEY (trunk, network)
);

CREATE TABLE seats (
    name       TEXT PRIMARY KEY,
    phone_uri  TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE agents (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE agent_skills (
    agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    skill    TEXT NOT NULL,
    level    INTEGER NOT NULL CHECK (level BETWEEN 1 AND 10),
    PRIMARY KEY (agent_id, skill)
);

CREATE TABLE queues (
    name         TEXT PRIMARY KEY,
    ring_timeout INTEGER NOT NULL CHECK (ring_timeout > 0),
    wrapup       INTEGER NOT NULL CHECK (wrapup >= 0),
    max_wait     INTEGER NOT NULL CHECK (max_wait > 0),
    created_at   TEXT NOT NULL
);

CREATE TABLE queue_skills (
    queue     TEXT NOT NULL REFERENCES queues (name) ON DELETE CASCADE,
    skill     TEXT NOT NULL,
    min_level INTEGER NOT NULL CHECK (min_level BETWEEN 1 AND 10),
    PRIMARY KEY (queue, skill)
);

-- A DID leads to a queue now; IVR flows arrive later and will fill `flow`.
CREATE TABLE dids (
    number     TEXT PRIMARY KEY,
    queue      TEXT REFERENCES queues (name) ON DELETE RESTRICT,
    flow       TEXT,
    created_at TEXT NOT NULL,
    CHECK (queue IS NOT NULL OR flow IS NOT NULL)
);

CREATE TABLE calls (
    id                TEXT PRIMARY KEY,
    caller            TEXT NOT NULL,
    did               TEXT NOT NULL,
    trunk             TEXT,
    queue             TEXT,
    agent_id          TEXT,
    seat              TEXT,
    arrived_at        TEXT NOT NULL,
    answered_at       TEXT,
    queued_at         TEXT,
    agent_answered_at TEXT,
    ended_at          TEXT,
    ended_by          TEXT CHECK (ended_by IN ('caller', 'agent', 'system')),
    end_reason        TEXT
);
CREATE INDEX calls_by_arrival ON calls (arrived_at);

-- Every time a call was offered to an agent's phone, and how that offer ended.
CREATE TABLE call_offers (
    id         INTEGER PRIMARY KEY,
    call_id    TEXT NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    agent_id   TEXT NOT NULL,
    seat       TEXT NOT NULL,
    offered_at TEXT NOT NULL,
    ended_at   TEXT,
    outcome    TEXT
);
CREATE INDEX call_offers_by_call ON call_offers (call_id);

-- The append-only event log (like Asterisk's queue_log): the source of truth for reports.
CREATE TABLE events (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    call_id  TEXT,
    queue    TEXT,
    agent_id TEXT,
    kind     TEXT NOT NULL,
    details  TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_by_time ON events (at);
CREATE INDEX events_by_call ON events (call_id);
CREATE INDEX events_by_agent ON events (agent_id, at);

CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only');
END;
CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only');
END;
