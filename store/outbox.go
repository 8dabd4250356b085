package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/voclens/voclens/models"
)

// The index outbox (migration 0003) queues the IDs of items whose search
// index entry is stale; triggers fill it in the transaction of each write.
// These methods are its consumer's side: read a batch, index it, then
// acknowledge it. index.Syncer drives them.

// ReadIndexOutbox returns the feedback IDs of up to limit of the oldest
// queued items, and the queue position (seq) of the last one, which
// AckIndexOutbox takes once the index has them. An empty queue returns no
// IDs and 0.
func (db *DB) ReadIndexOutbox(ctx context.Context, limit int) (ids []int64, through int64, err error) {
	if limit <= 0 {
		return nil, 0, invalid("limit", "must be positive")
	}
	rows, err := db.db.QueryContext(ctx, `SELECT seq, feedback_id FROM index_outbox ORDER BY seq LIMIT ?`, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("store: read index outbox: %w", err)
	}
	defer rows.Close()
	ids = make([]int64, 0, min(limit, 512))
	for rows.Next() {
		var id int64
		if err := rows.Scan(&through, &id); err != nil {
			return nil, 0, fmt.Errorf("store: read index outbox: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: read index outbox: %w", err)
	}
	return ids, through, nil
}

// AckIndexOutbox removes the queued items up to and including position
// through. An item queued again after it was read has a newer position and
// stays queued.
func (db *DB) AckIndexOutbox(ctx context.Context, through int64) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM index_outbox WHERE seq <= ?`, through)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: acknowledge index outbox: %w", err)
	}
	return nil
}

// IndexLag returns the number of items waiting for the search index.
func (db *DB) IndexLag(ctx context.Context) (int, error) {
	var n int
	if err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM index_outbox`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: index lag: %w", err)
	}
	return n, nil
}

// QueueAllForIndex queues every stored item for the search index, for an
// index that was lost or created empty.
func (db *DB) QueueAllForIndex(ctx context.Context) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO index_outbox (feedback_id) SELECT id FROM feedback ORDER BY id`)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: queue all for index: %w", err)
	}
	return nil
}

// FindFeedbackByIDs returns the stored items among ids, with their current
// analyses, in ID order. IDs of items not stored (or deleted) are left out.
func (db *DB) FindFeedbackByIDs(ctx context.Context, ids []int64) ([]*models.Feedback, error) {
	if len(ids) == 0 {
		return []*models.Feedback{}, nil
	}
	// One JSON array parameter, whatever the number of IDs: no limit on
	// bound parameters to respect, and one statement for SQLite to cache.
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, fmt.Errorf("store: find feedback by ids: %w", err)
	}
	rows, err := db.db.QueryContext(ctx, selectFeedbackColumns+joinCurrentAnalysis+
		` WHERE f.id IN (SELECT value FROM json_each(?)) ORDER BY f.id`, string(list))
	if err != nil {
		return nil, fmt.Errorf("store: find feedback by ids: %w", err)
	}
	defer rows.Close()
	items := make([]*models.Feedback, 0, len(ids))
	for rows.Next() {
		f, err := scanFeedback(rows)
		if err != nil {
			return nil, fmt.Errorf("store: find feedback by ids: %w", err)
		}
		items = append(items, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find feedback by ids: %w", err)
	}
	return items, nil
}
