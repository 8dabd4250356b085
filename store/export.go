package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/voclens/voclens/models"
)

// FindMetaKeys returns the metadata keys used by the items filter selects
// (Tag, Source, From, To), sorted: an export's metadata columns, known
// before its first row is written.
func (db *DB) FindMetaKeys(ctx context.Context, filter models.FeedbackFilter) ([]string, error) {
	q := `SELECT DISTINCT j.key FROM feedback f, json_each(f.meta) j WHERE f.meta IS NOT NULL`
	var args []any
	if filter.Tag != "" {
		q += ` AND f.id IN (SELECT feedback_id FROM feedback_tags WHERE tag = ?)`
		args = append(args, filter.Tag)
	}
	if filter.Source != "" {
		q += ` AND f.source = ?`
		args = append(args, filter.Source)
	}
	if !filter.From.IsZero() {
		q += ` AND f.created_at >= ?`
		args = append(args, toMillis(filter.From))
	}
	if !filter.To.IsZero() {
		q += ` AND f.created_at < ?`
		args = append(args, toMillis(filter.To))
	}
	rows, err := db.db.QueryContext(ctx, q+` ORDER BY j.key`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: find meta keys: %w", err)
	}
	defer rows.Close()
	keys := []string{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("store: find meta keys: %w", err)
		}
		keys = append(keys, k)
	}
	return keys, rows.Err()
}

// FindThemeNames returns the theme of each of ids in the latest clustering
// run, by item; items in no theme (or before any run) are absent.
func (db *DB) FindThemeNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := db.db.QueryContext(ctx, `SELECT m.feedback_id, t.name FROM theme_members m JOIN themes t ON t.id = m.theme_id
		WHERE m.run_id = (SELECT max(id) FROM cluster_runs) AND m.feedback_id IN (?`+strings.Repeat(",?", len(ids)-1)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: find theme names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id   int64
			name string
		)
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("store: find theme names: %w", err)
		}
		out[id] = name
	}
	return out, rows.Err()
}
