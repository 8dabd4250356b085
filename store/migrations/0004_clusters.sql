-- Clustering runs, the themes they find, which feedback belongs to which
-- theme in each run, and the tag proposals made from poorly tagged themes.

CREATE TABLE cluster_runs (
    id               INTEGER PRIMARY KEY,
    started_at       INTEGER NOT NULL,
    finished_at      INTEGER NOT NULL,
    params           TEXT    NOT NULL, -- JSON: the filter and k asked for
    k                INTEGER NOT NULL,
    docs             INTEGER NOT NULL,
    outlier_share    REAL    NOT NULL,
    -- The highest feedback id placed in this run; items above it are
    -- placed by the model (below) when they are first read.
    assigned_through INTEGER NOT NULL,
    model            BLOB    NOT NULL, -- JSON of the assignment model
    -- JSON array: the theme id of each theme the model knows, in its order.
    theme_ids        TEXT    NOT NULL
);

-- Themes outlive runs: a theme a later run continues keeps its row and id.
-- AUTOINCREMENT so an id is never reused, even for a theme that faded.
CREATE TABLE themes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL, -- the analyst's name when renamed, else label
    renamed     INTEGER NOT NULL DEFAULT 0,
    label       TEXT    NOT NULL,
    phrase      TEXT    NOT NULL,
    terms       TEXT    NOT NULL, -- JSON array of strings, best first
    centroid    TEXT    NOT NULL, -- JSON, owned by the cluster package
    examples    TEXT    NOT NULL, -- JSON array of feedback ids
    size        INTEGER NOT NULL,
    share       REAL    NOT NULL,
    is_new      INTEGER NOT NULL,
    created_run INTEGER NOT NULL REFERENCES cluster_runs (id),
    last_run    INTEGER NOT NULL REFERENCES cluster_runs (id),
    merged_into INTEGER REFERENCES themes (id)
);

CREATE INDEX themes_last_run ON themes (last_run);

CREATE TABLE theme_members (
    run_id      INTEGER NOT NULL REFERENCES cluster_runs (id) ON DELETE CASCADE,
    feedback_id INTEGER NOT NULL REFERENCES feedback (id) ON DELETE CASCADE,
    theme_id    INTEGER NOT NULL REFERENCES themes (id),
    sim         REAL    NOT NULL,
    assigned    INTEGER NOT NULL DEFAULT 0, -- 1: placed by the model after the run
    PRIMARY KEY (run_id, feedback_id)
) WITHOUT ROWID;

CREATE INDEX theme_members_theme ON theme_members (run_id, theme_id);

CREATE TABLE tag_proposals (
    id          INTEGER PRIMARY KEY,
    theme_id    INTEGER NOT NULL REFERENCES themes (id),
    name        TEXT    NOT NULL,
    keywords    TEXT    NOT NULL, -- JSON array of strings
    examples    TEXT    NOT NULL, -- JSON array of feedback ids
    support     INTEGER NOT NULL,
    coverage    REAL    NOT NULL,
    -- The theme's top terms, sorted and joined by '|': a rejected theme
    -- that returns under another id is recognised by them.
    fingerprint TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('proposed', 'accepted', 'rejected')),
    tag         TEXT,
    created_at  INTEGER NOT NULL,
    decided_at  INTEGER
);

CREATE INDEX tag_proposals_theme ON tag_proposals (theme_id);
