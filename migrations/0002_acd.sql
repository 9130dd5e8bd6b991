-- ACD configuration: queue strategies, priority aging, join/leave rules, overflow, announcements and
-- callbacks; agent penalties and wrap-up overrides; pause codes; the outbound dial plan; callback
-- requests; caller priority on call records. Defaults are those of appliance/model.py, so every
-- queue, agent and trunk that exists already keeps behaving as it did.
-- Branch-wide distributor settings are rows `acd.<AcdSettings field>` in `settings` (no row: default).

ALTER TABLE queues ADD COLUMN strategy TEXT NOT NULL DEFAULT 'longest-idle' CHECK (strategy IN (
    'longest-idle', 'fewest-calls', 'least-talk-time', 'skill-level',
    'round-robin', 'ring-all', 'random', 'linear'));
ALTER TABLE queues ADD COLUMN priority_step INTEGER NOT NULL DEFAULT 0 CHECK (priority_step >= 0);
ALTER TABLE queues ADD COLUMN join_empty INTEGER NOT NULL DEFAULT 1 CHECK (join_empty IN (0, 1));
ALTER TABLE queues ADD COLUMN leave_empty INTEGER NOT NULL DEFAULT 0 CHECK (leave_empty IN (0, 1));
ALTER TABLE queues ADD COLUMN max_callers INTEGER NOT NULL DEFAULT 0 CHECK (max_callers >= 0);
-- 'queue:NAME' names another queue; the store checks it exists (a prefixed name cannot be a foreign key).
ALTER TABLE queues ADD COLUMN overflow TEXT NOT NULL DEFAULT 'sorry'
    CHECK (overflow IN ('sorry', 'callback') OR (overflow LIKE 'queue:_%' AND overflow <> 'queue:' || name));
ALTER TABLE queues ADD COLUMN announce_position INTEGER NOT NULL DEFAULT 1 CHECK (announce_position IN (0, 1));
ALTER TABLE queues ADD COLUMN announce_wait INTEGER NOT NULL DEFAULT 1 CHECK (announce_wait IN (0, 1));
ALTER TABLE queues ADD COLUMN announce_every INTEGER NOT NULL DEFAULT 60 CHECK (announce_every >= 0);
ALTER TABLE queues ADD COLUMN announce_min_gap INTEGER NOT NULL DEFAULT 15 CHECK (announce_min_gap >= 0);
ALTER TABLE queues ADD COLUMN announce_round INTEGER NOT NULL DEFAULT 60 CHECK (announce_round > 0);
-- One DTMF key, or '' for no callbacks.
ALTER TABLE queues ADD COLUMN callback_key TEXT NOT NULL DEFAULT ''
    CHECK (callback_key = '' OR (length(callback_key) = 1 AND callback_key GLOB '[0-9*#]'));
ALTER TABLE queues ADD COLUMN service_level INTEGER NOT NULL DEFAULT 20 CHECK (service_level > 0);
ALTER TABLE queues ADD COLUMN short_abandon INTEGER NOT NULL DEFAULT 5 CHECK (short_abandon >= 0);
ALTER TABLE queues ADD COLUMN handle_time INTEGER NOT NULL DEFAULT 180 CHECK (handle_time > 0);

-- Once a caller has waited `after` seconds, agents with a penalty up to `max_penalty` may take the call.
CREATE TABLE queue_penalty_rules (
    queue       TEXT NOT NULL REFERENCES queues (name) ON DELETE CASCADE,
    after       INTEGER NOT NULL CHECK (after >= 0),
    max_penalty INTEGER NOT NULL CHECK (max_penalty >= 0),
    PRIMARY KEY (queue, after)
);

-- NULL: the wrap-up of the queue the call came from.
ALTER TABLE agents ADD COLUMN wrapup INTEGER CHECK (wrapup IS NULL OR wrapup >= 0);

-- An agent's tier in a queue; no row means penalty 0.
CREATE TABLE agent_penalties (
    agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    queue    TEXT NOT NULL REFERENCES queues (name) ON DELETE CASCADE,
    penalty  INTEGER NOT NULL CHECK (penalty >= 0),
    PRIMARY KEY (agent_id, queue)
);
CREATE INDEX agent_penalties_by_queue ON agent_penalties (queue);

-- Callers on this number start with this priority (a VIP line) until the IVR sets another.
ALTER TABLE dids ADD COLUMN priority INTEGER NOT NULL DEFAULT 0 CHECK (priority >= 0);

-- sip:HOST[:PORT] that calls out through this trunk are sent to.
ALTER TABLE trunks ADD COLUMN outbound_proxy TEXT;

-- Why an agent is Not Ready. The event log keeps the code's text, so removing a code loses no history.
CREATE TABLE pause_codes (
    code     TEXT PRIMARY KEY,
    label    TEXT NOT NULL CHECK (label <> ''),
    label_zh TEXT NOT NULL DEFAULT '',
    system   INTEGER NOT NULL DEFAULT 0 CHECK (system IN (0, 1))  -- set by the appliance; agents cannot choose it
);
INSERT INTO pause_codes (code, label, label_zh, system) VALUES
    ('login',    'Signed in',       '已登录',   1),
    ('missed',   'Missed a call',   '未接来电', 1),
    ('break',    'Break',           '休息',     0),
    ('meal',     'Meal',            '用餐',     0),
    ('huddle',   'Huddle',          '班前会',   0),
    ('training', 'Training',        '培训',     0),
    ('coaching', 'Coaching',        '辅导',     0),
    ('acw',      'After-call work', '话后处理', 0);

-- What may be dialled out and through which trunk; tried in `position` order, the first match wins.
CREATE TABLE dial_rules (
    name     TEXT PRIMARY KEY,
    pattern  TEXT NOT NULL,
    trunk    TEXT NOT NULL REFERENCES trunks (name) ON DELETE RESTRICT,
    strip    INTEGER NOT NULL DEFAULT 0 CHECK (strip >= 0),
    prefix   TEXT NOT NULL DEFAULT '' CHECK (prefix NOT GLOB '*[^0-9+]*'),
    position INTEGER NOT NULL UNIQUE
);

-- A caller who asked to be called back. It keeps their place: ordered by the original arrival.
CREATE TABLE callbacks (
    id           TEXT PRIMARY KEY,  -- the original call id
    queue        TEXT NOT NULL,
    number       TEXT NOT NULL,
    priority     INTEGER NOT NULL DEFAULT 0,
    arrived_at   TEXT NOT NULL,     -- the caller's original arrival: keeps their place
    requested_at TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'dialling', 'completed', 'failed', 'cancelled')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_try_at  TEXT,
    agent_id     TEXT,
    updated_at   TEXT NOT NULL
);
CREATE INDEX callbacks_by_status ON callbacks (status);

ALTER TABLE calls ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
ALTER TABLE calls ADD COLUMN exit_reason TEXT;
