-- Accounts for the browser desktop: teams of agents, four roles, a user's link to the agent they
-- sign in as, their language, disabling and lockout; browser sessions; the audit log of who did what.

CREATE TABLE teams (
    name       TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
);

-- NULL: no team.
ALTER TABLE agents ADD COLUMN team TEXT REFERENCES teams (name) ON DELETE SET NULL;
CREATE INDEX agents_by_team ON agents (team);

-- SQLite cannot change a CHECK, so `users` is rebuilt. The runner applies this file in one
-- transaction on a connection with foreign keys on, and PRAGMA foreign_keys is a no-op inside a
-- transaction: dropping the old table would cascade-delete every API token (the CLI's among them).
-- So the tokens are set aside first and put back once the new table holds the same user ids.
CREATE TEMP TABLE saved_api_tokens AS SELECT token_hash, user_id, label, created_at FROM api_tokens;

CREATE TABLE users_new (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    -- In rising order of what they may see.
    role          TEXT NOT NULL CHECK (role IN ('agent', 'team_leader', 'supervisor', 'admin')),
    -- The agent this user signs in as (required for role 'agent'; the store checks it).
    agent_id      TEXT UNIQUE REFERENCES agents (id) ON DELETE SET NULL,
    -- A team leader's team. An agent user's team is their agent's (agents.team).
    team          TEXT REFERENCES teams (name) ON DELETE SET NULL,
    -- NULL: the branch's default language.
    language      TEXT CHECK (language IN ('en', 'zh')),
    disabled_at   TEXT,
    failed_logins INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until  REAL,  -- unix time; NULL: not locked
    created_at    TEXT NOT NULL
);
INSERT INTO users_new (id, username, password_hash, role, created_at)
    SELECT id, username, password_hash, role, created_at FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;

INSERT INTO api_tokens (token_hash, user_id, label, created_at)
    SELECT token_hash, user_id, label, created_at FROM saved_api_tokens;
DROP TABLE saved_api_tokens;

-- A browser's sign-in. Like API tokens, only a sha256 of the session token is kept.
CREATE TABLE web_sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen  REAL NOT NULL,  -- unix time
    expires_at REAL NOT NULL,  -- unix time; slides forward while the session is used
    ip         TEXT,
    user_agent TEXT
);
CREATE INDEX web_sessions_by_user ON web_sessions (user_id);
CREATE INDEX web_sessions_by_expiry ON web_sessions (expires_at);

-- Who did what to accounts and settings, and every sign-in: append-only, like the event log.
CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    actor   TEXT,           -- a username, 'cli', or NULL for the appliance itself
    action  TEXT NOT NULL,
    target  TEXT,
    source  TEXT NOT NULL,  -- 'cli', 'web', 'api'
    details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_by_time ON audit_log (at);
CREATE INDEX audit_log_by_action ON audit_log (action, actor, at);

CREATE TRIGGER audit_log_is_append_only_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_is_append_only_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
