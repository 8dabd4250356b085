-- What the trends and the overview count, kept narrow so counting 100k
-- items reads index and small-row pages instead of every item's text and
-- every analysis's JSON.

-- Each item's current analysis (the analyses row with the highest id),
-- reduced to what statistics count. The trigger keeps it current on every
-- write path, as the outbox triggers do: analyses are only ever appended,
-- and a row that is not its item's newest (none today) is ignored.
CREATE TABLE current_analysis (
    feedback_id    INTEGER PRIMARY KEY REFERENCES feedback (id) ON DELETE CASCADE,
    negative       INTEGER NOT NULL, -- 1 when sentiment_label = 'negative'
    severity_score REAL    NOT NULL
);

CREATE TRIGGER analyses_current AFTER INSERT ON analyses
WHEN NEW.id >= (SELECT max(id) FROM analyses WHERE feedback_id = NEW.feedback_id)
BEGIN
    INSERT OR REPLACE INTO current_analysis (feedback_id, negative, severity_score)
    VALUES (NEW.feedback_id, NEW.sentiment_label = 'negative', NEW.severity_score);
END;

INSERT INTO current_analysis (feedback_id, negative, severity_score)
SELECT a.feedback_id, a.sentiment_label = 'negative', a.severity_score
FROM analyses a
WHERE a.id = (SELECT max(id) FROM analyses WHERE feedback_id = a.feedback_id);

-- The items statistics count (a duplicate counts through its original) by
-- time, covering the source: a range is read from the index alone.
CREATE INDEX feedback_counted ON feedback (created_at, source) WHERE duplicate_of IS NULL;

-- The search index holds each item's theme in the latest run (the theme
-- facet, the cluster filter), so a membership change queues the item like
-- any other change to what the index holds: a run, or a placement after
-- it, that gives an item another theme than the run before did; and a
-- merge moving members. Items the new run leaves out are queued by
-- CreateClusterRun, which knows when a run's members are complete.
CREATE TRIGGER theme_members_queue_insert AFTER INSERT ON theme_members
WHEN NOT EXISTS (SELECT 1 FROM theme_members o
    WHERE o.run_id = (SELECT max(id) FROM cluster_runs WHERE id < NEW.run_id)
      AND o.feedback_id = NEW.feedback_id AND o.theme_id = NEW.theme_id)
BEGIN
    INSERT OR REPLACE INTO index_outbox (feedback_id) VALUES (NEW.feedback_id);
END;

CREATE TRIGGER theme_members_queue_update AFTER UPDATE OF theme_id ON theme_members
WHEN OLD.theme_id IS NOT NEW.theme_id
BEGIN
    INSERT OR REPLACE INTO index_outbox (feedback_id) VALUES (NEW.feedback_id);
END;

-- Items already placed when this version first opens the database reach
-- the index with their theme.
INSERT OR REPLACE INTO index_outbox (feedback_id)
SELECT feedback_id FROM theme_members WHERE run_id = (SELECT max(id) FROM cluster_runs);
