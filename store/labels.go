package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/voclens/voclens/models"
)

var _ models.LabelService = (*DB)(nil)

// AddLabels records labels in one transaction: all or none. EINVALID names
// the first label with an unknown verdict, source or tag (tags must be in
// the taxonomy); ENOTFOUND when an item does not exist. A zero CreatedAt
// is now.
func (db *DB) AddLabels(ctx context.Context, labels []models.Label) error {
	for i, l := range labels {
		field := fmt.Sprintf("labels[%d]", i)
		if l.Verdict != models.LabelConfirm && l.Verdict != models.LabelReject {
			return invalid(field+".verdict", "must be %s or %s", models.LabelConfirm, models.LabelReject)
		}
		if l.Source != models.LabelSourceHuman && l.Source != models.LabelSourceWeak {
			return invalid(field+".source", "must be %s or %s", models.LabelSourceHuman, models.LabelSourceWeak)
		}
		if l.FeedbackID <= 0 {
			return invalid(field+".feedback_id", "must be a positive integer")
		}
	}
	now := db.now()
	err := db.write(ctx, func(tx *sql.Tx) error {
		known := map[string]bool{}
		seenItem := map[int64]bool{}
		for _, l := range labels {
			if !known[l.Tag] {
				var n int
				if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM tags WHERE name = ?`, l.Tag).Scan(&n); err != nil {
					return err
				}
				if n == 0 {
					return models.Errorf(models.EINVALID, "tag %q is not in the taxonomy", l.Tag)
				}
				known[l.Tag] = true
			}
			if !seenItem[l.FeedbackID] {
				var n int
				if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM feedback WHERE id = ?`, l.FeedbackID).Scan(&n); err != nil {
					return err
				}
				if n == 0 {
					return models.Errorf(models.ENOTFOUND, "feedback %d not found", l.FeedbackID)
				}
				seenItem[l.FeedbackID] = true
			}
			at := l.CreatedAt
			if at.IsZero() {
				at = now
			}
			if _, err := tx.ExecContext(ctx,
				`INSERT INTO labels (feedback_id, tag, verdict, source, created_at) VALUES (?, ?, ?, ?, ?)`,
				l.FeedbackID, l.Tag, l.Verdict, l.Source, toMillis(at)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: add labels: %w", err)
	}
	return nil
}

// FindLabels returns the current verdict per (item, tag) that filter
// selects, by item then tag. A human verdict outranks a weak one whatever
// their order: a person looking at the item knows better than a theme
// accepted wholesale. filter.Source applies to the current verdicts.
func (db *DB) FindLabels(ctx context.Context, filter models.LabelFilter) ([]models.Label, error) {
	q := `SELECT feedback_id, tag, verdict, source, created_at FROM (
		SELECT l.*, row_number() OVER (
			PARTITION BY feedback_id, tag
			ORDER BY (source = 'human') DESC, id DESC) AS rn
		FROM labels l WHERE 1=1`
	var args []any
	if filter.FeedbackID != 0 {
		q += ` AND feedback_id = ?`
		args = append(args, filter.FeedbackID)
	}
	if len(filter.FeedbackIDs) > 0 {
		list, err := json.Marshal(filter.FeedbackIDs)
		if err != nil {
			return nil, fmt.Errorf("store: find labels: %w", err)
		}
		q += ` AND feedback_id IN (SELECT value FROM json_each(?))`
		args = append(args, string(list))
	}
	if filter.Tag != "" {
		q += ` AND tag = ?`
		args = append(args, filter.Tag)
	}
	q += `) WHERE rn = 1`
	if filter.Source != "" {
		q += ` AND source = ?`
		args = append(args, filter.Source)
	}
	rows, err := db.db.QueryContext(ctx, q+` ORDER BY feedback_id, tag`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: find labels: %w", err)
	}
	defer rows.Close()
	out := []models.Label{}
	for rows.Next() {
		var l models.Label
		var at int64
		if err := rows.Scan(&l.FeedbackID, &l.Tag, &l.Verdict, &l.Source, &at); err != nil {
			return nil, fmt.Errorf("store: find labels: %w", err)
		}
		l.CreatedAt = fromMillis(at)
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find labels: %w", err)
	}
	return out, nil
}

// FindTexts returns the text of each item in ids that exists, for training
// on labelled items.
func (db *DB) FindTexts(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	const chunk = 500
	for len(ids) > 0 {
		n := min(chunk, len(ids))
		q := `SELECT id, text FROM feedback WHERE id IN (?` + repeatPlaceholders(n-1) + `)`
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		rows, err := db.db.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("store: find texts: %w", err)
		}
		for rows.Next() {
			var id int64
			var text string
			if err := rows.Scan(&id, &text); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: find texts: %w", err)
			}
			out[id] = text
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("store: find texts: %w", err)
		}
		ids = ids[n:]
	}
	return out, nil
}

func repeatPlaceholders(n int) string {
	b := make([]byte, 0, 2*n)
	for range n {
		b = append(b, ",?"...)
	}
	return string(b)
}

// SampleUnlabelledTexts returns up to n items nobody has labelled, chosen
// by a fixed scramble of their ids so the same data gives the same sample.
// Training uses them as background: items that carry none of the learned
// tags.
func (db *DB) SampleUnlabelledTexts(ctx context.Context, n int) (map[int64]string, error) {
	out := make(map[int64]string, n)
	if n <= 0 {
		return out, nil
	}
	rows, err := db.db.QueryContext(ctx, `SELECT id, text FROM feedback
		WHERE id NOT IN (SELECT feedback_id FROM labels)
		ORDER BY (id * 2654435761) % 4294967311, id LIMIT ?`, n)
	if err != nil {
		return nil, fmt.Errorf("store: sample unlabelled: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var text string
		if err := rows.Scan(&id, &text); err != nil {
			return nil, fmt.Errorf("store: sample unlabelled: %w", err)
		}
		out[id] = text
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: sample unlabelled: %w", err)
	}
	return out, nil
}
