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
