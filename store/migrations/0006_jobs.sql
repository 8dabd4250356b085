-- Batch jobs (rescore, recluster, retrain, reindex) and their progress.
--
-- A job's row is its whole state: a process that dies mid-job leaves the
-- row "running" with its owner and checkpoint, and the next runner to start
-- resumes it from the checkpoint or fails it with a reason.

CREATE TABLE jobs (
    id               INTEGER PRIMARY KEY,
    kind             TEXT    NOT NULL CHECK (kind <> ''),
    status           TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
    params           TEXT    NOT NULL DEFAULT '{}', -- JSON object
    done             INTEGER NOT NULL DEFAULT 0,
    total            INTEGER NOT NULL DEFAULT 0,
    rate             REAL    NOT NULL DEFAULT 0, -- items/s since the last start
    -- The kind's resume point, e.g. the last feedback id a rescore
    -- committed (in the same transaction as that batch's analyses).
    checkpoint       INTEGER NOT NULL DEFAULT 0,
    result           TEXT,   -- JSON report; partial while running
    error            TEXT    NOT NULL DEFAULT '',
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    owner            TEXT    NOT NULL DEFAULT '', -- "host:pid" of the running process
    created_at       INTEGER NOT NULL,
    started_at       INTEGER,
    updated_at       INTEGER NOT NULL,
    finished_at      INTEGER
);

-- One unfinished job per kind, enforced here so two processes (serve and
-- a CLI rescore) cannot both start one.
CREATE UNIQUE INDEX jobs_one_unfinished_per_kind ON jobs (kind) WHERE status IN ('queued', 'running');
CREATE INDEX jobs_status ON jobs (status, id);
