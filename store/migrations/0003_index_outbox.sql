-- The index outbox: the feedback items whose search-index entry is stale.
--
-- The search index lives outside SQLite, so no transaction spans both. A
-- write here queues the item in the same transaction, and the index's
-- Syncer later re-reads the item, indexes it, and only then deletes the
-- row. A crash between the two leaves the row, and the next start indexes
-- the item again (indexing is idempotent).
--
-- Triggers do the queuing, so every write path, present and future, in
-- this process or another (a CLI import beside serve), queues the items it
-- touches without having to remember to. A table whose rows change what the
-- index holds gets a trigger here: tags and sentiment come from analyses.
--
-- One row per item. Queuing an item again replaces its row, and
-- AUTOINCREMENT gives the new row a seq never used before, so a reader that
-- deletes "every row up to the last seq I read" never deletes a row queued
-- after its read: that row's seq is higher.

CREATE TABLE index_outbox (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    -- No foreign key: the row of a deleted item must outlive the item, so
    -- the Syncer learns to delete it from the index.
    feedback_id INTEGER NOT NULL UNIQUE
);

CREATE TRIGGER feedback_queue_insert AFTER INSERT ON feedback BEGIN
    INSERT OR REPLACE INTO index_outbox (feedback_id) VALUES (NEW.id);
END;

CREATE TRIGGER feedback_queue_update AFTER UPDATE ON feedback BEGIN
    INSERT OR REPLACE INTO index_outbox (feedback_id) VALUES (NEW.id);
END;

CREATE TRIGGER feedback_queue_delete AFTER DELETE ON feedback BEGIN
    INSERT OR REPLACE INTO index_outbox (feedback_id) VALUES (OLD.id);
END;

CREATE TRIGGER analyses_queue_insert AFTER INSERT ON analyses BEGIN
    INSERT OR REPLACE INTO index_outbox (feedback_id) VALUES (NEW.feedback_id);
END;

-- Items stored before the index existed are queued too, so an existing
-- database gets a complete index on its first start with this version.
INSERT INTO index_outbox (feedback_id) SELECT id FROM feedback ORDER BY id;
