-- The taxonomy people edit, the verdicts they give on items' tags, and the
-- tag models trained from those verdicts.

-- Seeded from the built-in taxonomy when a database first opens with this
-- table empty (cmd passes the seed in: the store does not know the
-- classifier). keywords is a JSON array of strings.
CREATE TABLE tags (
    name            TEXT    PRIMARY KEY CHECK (name <> ''),
    parent          TEXT    NOT NULL DEFAULT '',
    description     TEXT    NOT NULL DEFAULT '',
    keywords        TEXT    NOT NULL DEFAULT '[]',
    severity_weight REAL    NOT NULL CHECK (severity_weight >= 0 AND severity_weight <= 1),
    owner           TEXT    NOT NULL DEFAULT '',
    position        INTEGER NOT NULL -- taxonomy order: rules report ties in it
);

-- Every verdict ever given; the newest per (item, tag) is the current one,
-- so an analyst changing their mind is history, not an overwrite. No
-- foreign key to tags: a deleted tag's labels stay as the record of what
-- people said, and training skips tags the taxonomy no longer has.
CREATE TABLE labels (
    id          INTEGER PRIMARY KEY,
    feedback_id INTEGER NOT NULL REFERENCES feedback (id) ON DELETE CASCADE,
    tag         TEXT    NOT NULL,
    verdict     TEXT    NOT NULL CHECK (verdict IN ('confirm', 'reject')),
    source      TEXT    NOT NULL CHECK (source IN ('human', 'weak')),
    created_at  INTEGER NOT NULL
);

CREATE INDEX labels_feedback_tag ON labels (feedback_id, tag, id);
CREATE INDEX labels_tag ON labels (tag, feedback_id);

-- Trained models. seq orders versions; version is the id people and
-- analyses see. At most one active version per kind, enforced here.
CREATE TABLE model_versions (
    seq        INTEGER PRIMARY KEY,
    version    TEXT    NOT NULL UNIQUE,
    kind       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    metrics    TEXT    NOT NULL DEFAULT '{}',
    blob       BLOB    NOT NULL,
    active     INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1))
);

CREATE UNIQUE INDEX model_versions_one_active ON model_versions (kind) WHERE active = 1;
