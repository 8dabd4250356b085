-- Feedback items, their analyses, and a tag table for filtering.
--
-- Times are unix milliseconds (UTC): compact, cheap to compare and to index.

CREATE TABLE feedback (
    id           INTEGER PRIMARY KEY,
    source       TEXT    NOT NULL CHECK (source <> ''),
    -- NULL when the sender gave none; '' is never stored, so the partial
    -- unique index below is the whole idempotency rule.
    external_id  TEXT    CHECK (external_id IS NULL OR external_id <> ''),
    text         TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    customer_id  TEXT,
    meta         TEXT,   -- JSON object of strings, NULL when empty
    duplicate_of INTEGER REFERENCES feedback (id) ON DELETE SET NULL,
    imported_at  INTEGER NOT NULL
);

CREATE UNIQUE INDEX feedback_source_external_id
    ON feedback (source, external_id) WHERE external_id IS NOT NULL;
-- (source, id) serves the source filter in keyset (id) order.
CREATE INDEX feedback_source_id ON feedback (source, id);
CREATE INDEX feedback_created_at ON feedback (created_at);
CREATE INDEX feedback_duplicate_of ON feedback (duplicate_of) WHERE duplicate_of IS NOT NULL;

-- Every analysis ever made of an item; the one with the highest id is the
-- current one. Re-scoring appends rather than overwrites, so a model
-- rollback can compare versions.
CREATE TABLE analyses (
    id              INTEGER PRIMARY KEY,
    feedback_id     INTEGER NOT NULL REFERENCES feedback (id) ON DELETE CASCADE,
    model_version   TEXT    NOT NULL,
    tags            TEXT    NOT NULL, -- JSON array of TagScore
    sentiment_label TEXT    NOT NULL,
    sentiment_score REAL    NOT NULL,
    anger           REAL    NOT NULL,
    severity        TEXT    NOT NULL,
    severity_score  REAL    NOT NULL,
    angry_words     TEXT    NOT NULL, -- JSON array of Span
    keywords        TEXT    NOT NULL, -- JSON array of strings
    created_at      INTEGER NOT NULL
);

CREATE INDEX analyses_feedback_id ON analyses (feedback_id, id);

-- The tags of each item's current analysis, one row per tag, so items can
-- be filtered by tag through an index. Rewritten whenever the current
-- analysis changes; human labels will get their own table.
CREATE TABLE feedback_tags (
    feedback_id INTEGER NOT NULL REFERENCES feedback (id) ON DELETE CASCADE,
    tag         TEXT    NOT NULL,
    score       REAL    NOT NULL,
    source      TEXT    NOT NULL,
    PRIMARY KEY (feedback_id, tag)
) WITHOUT ROWID;

CREATE INDEX feedback_tags_tag ON feedback_tags (tag, feedback_id);
