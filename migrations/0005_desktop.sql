-- The agent desktop: dispositions per queue, each agent's wrap-up of each call, callbacks the
-- agents schedule themselves, and notices from team leaders that agents acknowledge.

-- What an agent can say a call was about. queue '*' is the list for queues without their own.
CREATE TABLE dispositions (
    queue    TEXT NOT NULL,
    code     TEXT NOT NULL,
    label    TEXT NOT NULL,
    label_zh TEXT,
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (queue, code)
);
INSERT INTO dispositions (queue, code, label, label_zh, position) VALUES
    ('*', 'resolved',    'Resolved',           '已解决',   1),
    ('*', 'information', 'Information given',  '已告知信息', 2),
    ('*', 'follow-up',   'Needs follow-up',    '需跟进',   3),
    ('*', 'complaint',   'Complaint',          '投诉',     4),
    ('*', 'wrong-queue', 'Wrong queue',        '转错队列', 5);

-- One agent's after-call work on one call (a transferred call has one per agent who took it).
-- call_id is the call or, for a callback conversation, the callback request it served.
CREATE TABLE wrapups (
    call_id     TEXT NOT NULL,
    agent_id    TEXT NOT NULL,
    disposition TEXT NOT NULL,
    notes       TEXT NOT NULL DEFAULT '',
    fcr         INTEGER NOT NULL CHECK (fcr IN (0, 1)),
    callback_id TEXT,
    at          TEXT NOT NULL,
    PRIMARY KEY (call_id, agent_id)
);
CREATE INDEX wrapups_by_agent ON wrapups (agent_id, at);
-- The screen pop lists a number's earlier calls.
CREATE INDEX calls_by_caller ON calls (caller, arrived_at);

-- A seat phone that answers when the appliance asks it to (Call-Info answer-after=0): the
-- desktop's Answer button works there.
ALTER TABLE seats ADD COLUMN remote_answer INTEGER NOT NULL DEFAULT 0 CHECK (remote_answer IN (0, 1));

-- Where a callback came from, and whose own it is when an agent scheduled it in wrap-up.
ALTER TABLE callbacks ADD COLUMN source TEXT NOT NULL DEFAULT 'queue' CHECK (source IN ('queue', 'ivr', 'agent'));
ALTER TABLE callbacks ADD COLUMN owner TEXT;
ALTER TABLE callbacks ADD COLUMN notes TEXT;

-- A notice from a team leader to their team's desktops (team NULL: everyone), to acknowledge.
CREATE TABLE notices (
    id         INTEGER PRIMARY KEY,
    team       TEXT,
    author     TEXT NOT NULL,
    text       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE notice_acks (
    notice_id INTEGER NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    username  TEXT NOT NULL,
    at        TEXT NOT NULL,
    PRIMARY KEY (notice_id, username)
);
