-- Measures a team took against a tag or a theme, alert rules, and the log
-- of every alert message and every attempt to deliver it.

-- Dates are UTC calendar days as 'YYYY-MM-DD' text: they compare in order
-- and a person means a day, not an instant. due_date '' means none.
CREATE TABLE measures (
    id          INTEGER PRIMARY KEY,
    target_kind TEXT    NOT NULL CHECK (target_kind IN ('tag', 'theme')),
    target      TEXT    NOT NULL CHECK (target <> ''),
    what        TEXT    NOT NULL CHECK (what <> ''),
    owner       TEXT    NOT NULL DEFAULT '',
    due_date    TEXT    NOT NULL DEFAULT '',
    status      TEXT    NOT NULL CHECK (status IN ('planned', 'in_progress', 'done')),
    date        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE INDEX measures_target ON measures (target_kind, target);
CREATE INDEX measures_open_due ON measures (due_date) WHERE status <> 'done' AND due_date <> '';

-- AUTOINCREMENT: a deleted rule's deliveries keep its id, which must not
-- come back as another rule's.
CREATE TABLE alert_rules (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL CHECK (name <> ''),
    kind        TEXT    NOT NULL CHECK (kind IN ('spike', 'new_theme', 'top_severity', 'measure_overdue')),
    target_kind TEXT    NOT NULL DEFAULT '' CHECK (target_kind IN ('', 'tag', 'theme')),
    target      TEXT    NOT NULL DEFAULT '',
    min_items   INTEGER NOT NULL DEFAULT 0,
    channel     TEXT    NOT NULL CHECK (channel IN ('feishu', 'dingtalk', 'wecom', 'webhook')),
    url         TEXT    NOT NULL,
    secret      TEXT    NOT NULL DEFAULT '',
    enabled     INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

-- One row per rule and occurrence (dedupe_key: the subject and its day or
-- period). The UNIQUE constraint is the de-duplication: whoever inserts
-- the row sends the message, so one spike is announced once across
-- restarts and concurrent evaluators. No foreign key: the log outlives a
-- deleted rule.
CREATE TABLE alert_deliveries (
    id         INTEGER PRIMARY KEY,
    rule_id    INTEGER NOT NULL,
    channel    TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    dedupe_key TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    title      TEXT    NOT NULL,
    text       TEXT    NOT NULL,
    data       TEXT    NOT NULL DEFAULT '{}', -- JSON object
    status     TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    error      TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    claimed_at INTEGER NOT NULL,
    sent_at    INTEGER,
    UNIQUE (rule_id, dedupe_key)
);

CREATE INDEX alert_deliveries_pending ON alert_deliveries (claimed_at) WHERE status = 'pending';

CREATE TABLE alert_attempts (
    delivery_id INTEGER NOT NULL REFERENCES alert_deliveries (id) ON DELETE CASCADE,
    n           INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    http_status INTEGER NOT NULL DEFAULT 0,
    error       TEXT    NOT NULL DEFAULT '',
    duration_ms INTEGER NOT NULL,
    PRIMARY KEY (delivery_id, n)
) WITHOUT ROWID;
