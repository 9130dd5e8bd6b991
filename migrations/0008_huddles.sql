-- Team management, huddles and meetings: the daily pre-shift huddle (班前会) with its rotating
-- host, agenda, attendance and published notes, the optional post-shift debrief (班后会), the
-- monthly meeting (月度例会) and each member's monthly plan and goals (docs/teams.md).

-- How a team holds its huddle. `minutes_before`: that long before the earliest huddle shift of
-- the day; `fixed_time` ('HH:MM' local) instead when set. The opener is the team's greeting call.
CREATE TABLE huddle_settings (
    team                TEXT PRIMARY KEY REFERENCES teams (name) ON DELETE CASCADE,
    minutes_before      INTEGER NOT NULL DEFAULT 15 CHECK (minutes_before BETWEEN 0 AND 240),
    fixed_time          TEXT,
    length_minutes      INTEGER NOT NULL DEFAULT 15 CHECK (length_minutes BETWEEN 5 AND 120),
    opener              TEXT NOT NULL DEFAULT '',
    meeting_notice_days INTEGER NOT NULL DEFAULT 2 CHECK (meeting_notice_days BETWEEN 0 AND 20)
);

-- One team's huddle of one local day. `turn`: the member whose turn in the rotation it is (the
-- next day's rotation continues after them); the host is the turn's worker of the day (a swap
-- hands the duty over) unless the team leader named `host` by hand (with who, when, why).
-- Agenda: `points` a JSON list of texts, `hard_cases` a JSON list of {title, steps: [texts]}.
CREATE TABLE huddles (
    id            INTEGER PRIMARY KEY,
    team          TEXT NOT NULL REFERENCES teams (name) ON DELETE CASCADE,
    day           TEXT NOT NULL,
    turn          TEXT,
    host          TEXT,
    host_by       TEXT,
    host_at       TEXT,
    host_reason   TEXT,
    points        TEXT NOT NULL DEFAULT '[]',
    hard_cases    TEXT NOT NULL DEFAULT '[]',
    opener        TEXT NOT NULL DEFAULT '',
    notes         TEXT NOT NULL DEFAULT '',
    edited_by     TEXT,
    edited_at     TEXT,
    published_by  TEXT,
    published_at  TEXT,
    notice_id     INTEGER REFERENCES notices (id) ON DELETE SET NULL,
    debrief_good  TEXT,
    debrief_praise TEXT,
    debrief_light TEXT,
    debrief_by    TEXT,
    debrief_at    TEXT,
    UNIQUE (team, day)
);

-- Attendance as computed from the first sign-in of the day, and the team leader's correction.
CREATE TABLE huddle_attendance (
    huddle_id       INTEGER NOT NULL REFERENCES huddles (id) ON DELETE CASCADE,
    agent_id        TEXT NOT NULL,
    computed_status TEXT NOT NULL CHECK (computed_status IN ('present', 'late', 'absent', 'pending')),
    computed_late   INTEGER NOT NULL DEFAULT 0,
    signed_in_at    TEXT,
    status          TEXT CHECK (status IN ('present', 'late', 'absent')),
    late_minutes    INTEGER,
    corrected_by    TEXT,
    corrected_at    TEXT,
    reason          TEXT,
    PRIMARY KEY (huddle_id, agent_id)
);

-- The monthly meeting, announced ahead, and its minutes; both reach the desktops as notices.
CREATE TABLE meetings (
    id                INTEGER PRIMARY KEY,
    team              TEXT NOT NULL REFERENCES teams (name) ON DELETE CASCADE,
    day               TEXT NOT NULL,
    starts            TEXT NOT NULL,
    focus             TEXT NOT NULL,
    announced_by      TEXT NOT NULL,
    announced_at      TEXT NOT NULL,
    announce_notice   INTEGER REFERENCES notices (id) ON DELETE SET NULL,
    minutes           TEXT,
    minutes_by        TEXT,
    minutes_at        TEXT,
    minutes_notice    INTEGER REFERENCES notices (id) ON DELETE SET NULL
);
CREATE INDEX meetings_by_team ON meetings (team, day);

-- A member's plan and goals for a month ('YYYY-MM'), and their review of last month's goals
-- (`goals` a JSON list of texts; `review` a JSON list of {goal, met, note}).
CREATE TABLE monthly_plans (
    agent_id   TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    month      TEXT NOT NULL,
    plan       TEXT NOT NULL,
    goals      TEXT NOT NULL DEFAULT '[]',
    review     TEXT NOT NULL DEFAULT '[]',
    written_at TEXT NOT NULL,
    PRIMARY KEY (agent_id, month)
);
